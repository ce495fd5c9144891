"""A static picture of the same view (same positions, sizes and colours) for printed briefings.

SVG is written here in Python from the page data, so it needs nothing else and
is byte-for-byte deterministic. PNG is drawn with matplotlib (the optional
``plot`` extra) from the same data, because a headless browser is a heavy
thing to require for printing one picture.
"""

import html
import math
from pathlib import Path

__all__ = ["render_svg", "write_image"]

_FONT = "Helvetica, Arial, sans-serif"


def _bounds(page, pad):
    xs = [n["x"] for n in page["nodes"]] or [0]
    ys = [n["y"] for n in page["nodes"]] or [0]
    r = max((n["size"] for n in page["nodes"]), default=10)
    return min(xs) - r - pad, min(ys) - r - pad, max(xs) + r + pad, max(ys) + r + pad


def _curve_ctrl(e, a, b):
    """Control point of a curved parallel edge (as vis-network's curvedCW/CCW), or None."""
    sm = e.get("smooth")
    if not sm:
        return None
    (x1, y1), (x2, y2) = a, b
    dx, dy = x2 - x1, y2 - y1
    side = 1 if sm["type"] == "curvedCW" else -1
    r = sm["roundness"] * side
    return ((x1 + x2) / 2 - dy * r, (y1 + y2) / 2 + dx * r)


def render_svg(page, *, legend=True):
    """Return the view as an SVG document (text from the data is escaped).

    Examples
    --------
    >>> page = {"nodes": [{"id": "A", "label": "<A>", "x": 0, "y": 0, "size": 10, "color": "#4e79a7"}],
    ...         "edges": [], "legend": {"types": [], "classes": []}, "path": None,
    ...         "meta": {"title": "T & U", "filters": "", "first": None, "last": None,
    ...                  "n_actors": 1, "n_ties": 0}}
    >>> svg = render_svg(page)
    >>> "&lt;A&gt;" in svg, "T &amp; U" in svg, "<A>" in svg
    (True, True, False)
    """
    esc = lambda s: html.escape(str(s), quote=True)  # noqa: E731
    x0, y0, x1, y1 = _bounds(page, 40)
    width, height = x1 - x0, y1 - y0
    side = 250 if legend else 0
    head = 72 if page["meta"].get("notes") else 56  # a second caption line says what was left out
    pos = {n["id"]: (n["x"] - x0 + side, n["y"] - y0 + head) for n in page["nodes"]}
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width + side:.0f}" height="{height + head:.0f}" '
           f'viewBox="0 0 {width + side:.0f} {height + head:.0f}" font-family="{_FONT}">',
           '<rect width="100%" height="100%" fill="#ffffff"/>']
    meta = page["meta"]
    sub = []
    if meta.get("first"):
        sub.append(f"Ties dated {meta['first']} to {meta['last']}")
    sub.append(f"{meta['n_actors']} actors, {meta['n_ties']} ties")
    sub.append("Filters: " + (meta.get("filters") or "none"))
    out.append(f'<text x="16" y="26" font-size="18" font-weight="bold" fill="#1f2328">{esc(meta["title"])}</text>')
    out.append(f'<text x="16" y="44" font-size="12" fill="#59636e">{esc(" · ".join(sub))}</text>')
    if meta.get("notes"):
        out.append(f'<text x="16" y="61" font-size="12" fill="#59636e">{esc(meta["notes"])}</text>')
    on_path = set((page.get("path") or {}).get("edges", []))
    dim = bool(on_path)
    out.append('<g fill="none" stroke-linecap="round">')
    for e in page["edges"]:
        if e["from"] not in pos or e["to"] not in pos:
            continue
        a, b = pos[e["from"]], pos[e["to"]]
        strong = e["id"] in on_path
        opacity = 0.9 if strong or not dim else 0.15
        w = max(4, e["width"] * 1.8) if strong else e["width"]
        dash = ' stroke-dasharray="7 5"' if e["dashes"] else ""
        ctrl = _curve_ctrl(e, a, b)
        if ctrl:
            d = f"M{a[0]:.1f},{a[1]:.1f} Q{ctrl[0]:.1f},{ctrl[1]:.1f} {b[0]:.1f},{b[1]:.1f}"
        else:
            d = f"M{a[0]:.1f},{a[1]:.1f} L{b[0]:.1f},{b[1]:.1f}"
        out.append(f'<path d="{d}" stroke="{esc(e["color"])}" stroke-width="{w:g}" '
                   f'stroke-opacity="{opacity}"{dash}/>')
        if e["arrows"] == "to":
            out.append(_arrow(e, a, b, ctrl, w, opacity, page))
    out.append("</g>")
    path_nodes = set((page.get("path") or {}).get("nodes", []))
    for n in page["nodes"]:
        x, y = pos[n["id"]]
        faded = dim and n["id"] not in path_nodes
        stroke = "#111111" if n["id"] in path_nodes else "#ffffff"
        sw = 3 if n["id"] in path_nodes else 1.5
        out.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{n["size"]:g}" fill="{esc(n["color"])}" '
                   f'fill-opacity="{0.35 if faded else 1}" stroke="{stroke}" stroke-width="{sw}"/>')
    for n in page["nodes"]:
        x, y = pos[n["id"]]
        out.append(f'<text x="{x:.1f}" y="{y + n["size"] + 14:.1f}" font-size="13" text-anchor="middle" '
                   f'fill="#1f2328" stroke="#ffffff" stroke-width="3" paint-order="stroke">'
                   f'{esc(n["label"])}</text>')
    if legend:
        out += _svg_legend(page, esc, head)
    out.append("</svg>")
    return "\n".join(out) + "\n"


def _arrow(e, a, b, ctrl, w, opacity, page):
    size = {n["id"]: n["size"] for n in page["nodes"]}[e["to"]]
    fx, fy = ctrl if ctrl else a
    ang = math.atan2(b[1] - fy, b[0] - fx)
    tipx, tipy = b[0] - math.cos(ang) * (size + 2), b[1] - math.sin(ang) * (size + 2)
    L = 8 + w * 1.5
    pts = [(tipx, tipy)]
    for da in (2.7, -2.7):
        pts.append((tipx + L * math.cos(ang + da), tipy + L * math.sin(ang + da)))
    p = " ".join(f"{x:.1f},{y:.1f}" for x, y in pts)
    return f'<polygon points="{p}" fill="{html.escape(e["color"])}" fill-opacity="{opacity}" stroke="none"/>'


def _class_name(c, meta):
    if c["cls"] is None:
        return "No bloc" if meta.get("class_word") == "Bloc" else "None"
    return f"{meta.get('class_word', '')} {c['cls'] + 1}" if isinstance(c["cls"], int) else str(c["cls"])


def _warn(t):
    if not t["adversarial"]:
        return ""
    return " (adversarial)" if t["adversarial"] == t["count"] else f" ({t['adversarial']} adversarial)"


def _svg_legend(page, esc, top):
    out = [f'<g font-size="12" fill="#1f2328" transform="translate(16,{top + 10})">']
    y = 0
    out.append(f'<text x="0" y="{y}" font-size="11" font-weight="bold" fill="#59636e">TIE TYPES</text>')
    y += 18
    for t in page["legend"]["types"]:
        out.append(f'<line x1="0" y1="{y - 4}" x2="24" y2="{y - 4}" stroke="{esc(t["color"])}" stroke-width="3"/>')
        warn = _warn(t)
        out.append(f'<text x="32" y="{y}">{esc(t["label"])}{warn} — {t["count"]}</text>')
        y += 18
    y += 8
    out.append(f'<line x1="0" y1="{y - 4}" x2="24" y2="{y - 4}" stroke="#59636e" stroke-width="2.5"/>'
               f'<text x="32" y="{y}">confirmed or reported</text>')
    y += 18
    out.append(f'<line x1="0" y1="{y - 4}" x2="24" y2="{y - 4}" stroke="#59636e" stroke-width="2.5" '
               f'stroke-dasharray="6 4"/><text x="32" y="{y}">assessed or speculated</text>')
    y += 18
    out.append(f'<text x="0" y="{y}">→  directed; width = tie weight</text>')
    y += 18
    meta = page["meta"]
    if meta.get("metric"):
        out.append(f'<text x="0" y="{y}">Node size: {esc(meta["metric_label"])}</text>')
        y += 18
    for i, c in enumerate(page["legend"]["classes"][:10]):
        name = _class_name(c, meta)
        members = ", ".join(c["members"][:3]) + ("…" if c["count"] > 3 else "")
        out.append(f'<circle cx="6" cy="{y - 4}" r="6" fill="{esc(c["color"])}"/>'
                   f'<text x="18" y="{y}">{esc(name)}: {esc(members)}</text>')
        y += 18
    if page.get("path"):
        y += 8
        out.append(f'<text x="0" y="{y}" font-weight="bold">{esc(page["path"]["title"])}</text>')
    out.append("</g>")
    return out


def write_image(page, path):
    """Write the view to ``path``: ``.svg`` directly, ``.png`` through matplotlib.

    Raises
    ------
    ValueError
        For another suffix.
    RuntimeError
        For a PNG when matplotlib is not installed.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".svg":
        from graph.files import write_atomic
        write_atomic(path, render_svg(page))
        return path
    if suffix != ".png":
        raise ValueError(f"{path}: an image must be .png or .svg")
    try:
        import matplotlib
    except ImportError as ex:
        raise RuntimeError("a PNG needs matplotlib (pip install 'tiegraph[plot]'); "
                           "or write an .svg, which needs nothing") from ex
    matplotlib.use("Agg")
    from graph.files import atomic_path
    with atomic_path(path) as tmp:  # savefig is told the format: the temp name ends in .tmp
        _write_png(page, tmp)
    return path


def _write_png(page, path):
    import matplotlib.pyplot as plt
    from matplotlib.patches import FancyArrowPatch
    x0, y0, x1, y1 = _bounds(page, 40)
    scale = 1 / 100
    fig_w = max(6.0, (x1 - x0) * scale + 2.6)
    fig_h = max(4.5, (y1 - y0) * scale + 0.6)
    fig = plt.figure(figsize=(fig_w, fig_h), dpi=150)
    ax = fig.add_axes([2.6 / fig_w, 0.02, 1 - 2.6 / fig_w - 0.01, 1 - 0.6 / fig_h])
    ax.set_xlim(x0, x1)
    ax.set_ylim(y1, y0)  # y down, as on screen
    ax.set_aspect("equal")
    ax.axis("off")
    fig.canvas.draw()
    bbox = ax.get_window_extent()
    # points per layout pixel (the axes keep an equal aspect, so take the tighter scale)
    px = min(bbox.width / (x1 - x0), bbox.height / (y1 - y0)) * 72 / fig.dpi
    pos = {n["id"]: (n["x"], n["y"]) for n in page["nodes"]}
    on_path = set((page.get("path") or {}).get("edges", []))
    path_nodes = set((page.get("path") or {}).get("nodes", []))
    dim = bool(on_path)
    for e in page["edges"]:
        a, b = pos[e["from"]], pos[e["to"]]
        strong = e["id"] in on_path
        w = max(4, e["width"] * 1.8) if strong else e["width"]
        sm = e.get("smooth")
        rad = 0.0 if not sm else (sm["roundness"] * (1 if sm["type"] == "curvedCW" else -1) * 2)
        patch = FancyArrowPatch(a, b, connectionstyle=f"arc3,rad={rad:.3f}",
                                arrowstyle="-|>,head_length=4,head_width=2.5" if e["arrows"] == "to" else "-",
                                color=e["color"], lw=w * px, alpha=0.9 if strong or not dim else 0.15,
                                linestyle=(0, (5, 4)) if e["dashes"] else "-",
                                shrinkA=0, shrinkB={n["id"]: n["size"] for n in page["nodes"]}[e["to"]] * px * 1.4)
        ax.add_patch(patch)
    for n in page["nodes"]:
        faded = dim and n["id"] not in path_nodes
        ax.scatter([n["x"]], [n["y"]], s=(2 * n["size"] * px) ** 2, c=n["color"],
                   alpha=0.35 if faded else 1.0, edgecolors="#111111" if n["id"] in path_nodes else "white",
                   linewidths=2 if n["id"] in path_nodes else 1, zorder=3)
        ax.annotate(n["label"], (n["x"], n["y"] + n["size"] + 4), ha="center", va="top", fontsize=8,
                    zorder=4, annotation_clip=False)
    meta = page["meta"]
    fig.text(0.01, 0.985, meta["title"], fontsize=12, weight="bold", va="top")
    sub = ([f"Ties dated {meta['first']} to {meta['last']}"] if meta.get("first") else []) + \
        [f"{meta['n_actors']} actors, {meta['n_ties']} ties", "Filters: " + (meta.get("filters") or "none")] + \
        ([meta["notes"]] if meta.get("notes") else [])
    fig.text(0.01, 0.955, " · ".join(sub), fontsize=8, color="#59636e", va="top")
    y = 0.915
    for t in page["legend"]["types"]:
        fig.add_artist(plt.Line2D([0.01, 0.04], [y + 0.005, y + 0.005], color=t["color"], lw=2.5,
                                  transform=fig.transFigure))
        fig.text(0.045, y, f"{t['label']}{_warn(t)} — {t['count']}",
                 fontsize=7.5, va="center")
        y -= 0.028
    y -= 0.01
    for c in page["legend"]["classes"][:10]:
        name = _class_name(c, meta)
        fig.text(0.01, y, "●", color=c["color"], fontsize=10, va="center")
        fig.text(0.025, y, f"{name}: {', '.join(c['members'][:3])}", fontsize=7.5, va="center")
        y -= 0.028
    fig.savefig(path, format="png", metadata={"Software": None})
    plt.close(fig)
