"""A static picture of the same view (same positions, sizes and colours) for printed briefings.

SVG is written here in Python from the page data, so it needs nothing else and
is byte-for-byte deterministic. PNG is drawn with matplotlib (the optional
``plot`` extra) from the same data, because a headless browser is a heavy
thing to require for printing one picture.
"""

import html
import math
from pathlib import Path

__all__ = ["render_svg", "write_image", "drawn_lines", "dashed_words"]

_FONT = "Helvetica, Arial, sans-serif"



def dashed_words(meta):
    """What a dashed line means in this figure's legend (proposed candidates only when there are some).

    Examples
    --------
    >>> dashed_words({"n_proposed": 0}), dashed_words({"n_proposed": 2})
    ('assessed or speculated', 'assessed, speculated or proposed (not yet reviewed)')
    """
    if meta.get("n_proposed"):
        return "assessed, speculated or proposed (not yet reviewed)"
    return "assessed or speculated"

def _bounds(page, pad, label_size=13):
    """The drawing's box: discs, and labels (centred under their disc, about 0.55 em a character)."""
    nodes = page["nodes"]
    r = max((n["size"] for n in nodes), default=10)
    half = {n["id"]: max(r, 0.3 * label_size * len(str(n.get("label", "")))) for n in nodes}
    x0 = min((n["x"] - half[n["id"]] for n in nodes), default=-r)
    x1 = max((n["x"] + half[n["id"]] for n in nodes), default=r)
    ys = [n["y"] for n in nodes] or [0]
    return x0 - pad, min(ys) - r - pad, x1 + pad, max(ys) + r + pad


def drawn_lines(page):
    """The lines the page starts with: one per actor pair when it opens in that view, else every line.

    Examples
    --------
    >>> drawn_lines({"edges": ["e"], "pairs": ["p"], "meta": {"bundle": True}})
    ['p']
    >>> drawn_lines({"edges": ["e"], "meta": {}})
    ['e']
    """
    if page["meta"].get("bundle") and page.get("pairs"):
        return page["pairs"]
    return page["edges"]


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


def render_svg(page, *, legend=True, label_size=13, max_labels=None, halo=True):
    """Return the view as an SVG document (text from the data is escaped).

    ``legend`` is ``True`` (a column on the left), ``"below"`` (columns under
    the drawing, for a figure printed in a text column) or ``False``.
    ``max_labels`` labels only that many actors, the largest (the print
    drawing of a big graph, whose page shows labels only when zoomed in).
    ``halo=False`` sets labels on a soft white box rather than a white
    stroke, so that a PDF holds each label once (a stroked halo is a second
    copy of the text).

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
    x0, y0, x1, y1 = _bounds(page, 24, label_size)
    width, height = x1 - x0, y1 - y0
    side = 250 if legend is True else 0
    head = 72 if page["meta"].get("notes") else 56  # a second caption line says what was left out
    pos = {n["id"]: (n["x"] - x0 + side, n["y"] - y0 + head) for n in page["nodes"]}
    radius = {n["id"]: n["size"] for n in page["nodes"]}
    below, foot = ([], 0)
    if legend == "below":
        below, foot = _legend_below(page, html.escape, head + height, width)
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width + side:.0f}" height="{height + head + foot:.0f}" '
           f'viewBox="0 0 {width + side:.0f} {height + head + foot:.0f}" font-family="{_FONT}">',
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
    for e in drawn_lines(page):
        if e["from"] not in pos or e["to"] not in pos:
            continue
        a, b = pos[e["from"]], pos[e["to"]]
        strong = e["id"] in on_path or any(x in on_path for x in e.get("lines", ()))
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
            out.append(_arrow(e, a, b, ctrl, w, opacity, radius[e["to"]]))
    out.append("</g>")
    path_nodes = set((page.get("path") or {}).get("nodes", []))
    for n in page["nodes"]:
        x, y = pos[n["id"]]
        faded = dim and n["id"] not in path_nodes
        stroke = "#111111" if n["id"] in path_nodes else "#ffffff"
        sw = 3 if n["id"] in path_nodes else 1.5
        out.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{n["size"]:g}" fill="{esc(n["color"])}" '
                   f'fill-opacity="{0.35 if faded else 1}" stroke="{stroke}" stroke-width="{sw}"/>')
    labelled = page["nodes"]
    if max_labels is not None and len(labelled) > max_labels:
        labelled = sorted(labelled, key=lambda n: (-n["size"], n["id"]))[:max_labels]
    for n in labelled:
        x, y = pos[n["id"]]
        base = y + n["size"] + label_size + 1
        if halo:
            paint = 'stroke="#ffffff" stroke-width="3" paint-order="stroke"'
        else:  # a soft box behind the label instead of a stroked halo: each label is one text run in a PDF
            w = 0.56 * label_size * len(n["label"]) + 6
            out.append(f'<rect x="{x - w / 2:.1f}" y="{base - label_size:.1f}" width="{w:.1f}" '
                       f'height="{label_size * 1.3:.1f}" rx="3" fill="#ffffff" fill-opacity="0.8"/>')
            paint = 'data-label="1"'
        out.append(f'<text x="{x:.1f}" y="{base:.1f}" font-size="{label_size:g}" '
                   f'text-anchor="middle" fill="#1f2328" {paint}>{esc(n["label"])}</text>')
    if legend is True:
        out += _svg_legend(page, esc, head)
    out += below
    out.append("</svg>")
    return "\n".join(out) + "\n"


def _arrow(e, a, b, ctrl, w, opacity, size):
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


def _legend_blocks(page, esc, path=True):
    """The legend as blocks of SVG lines, each ``(height, [elements at y from 0])``."""
    blocks = []
    out, y = ['<text x="0" y="0" font-size="11" font-weight="bold" fill="#59636e">TIE TYPES</text>'], 18
    for t in page["legend"]["types"]:
        out.append(f'<line x1="0" y1="{y - 4}" x2="24" y2="{y - 4}" stroke="{esc(t["color"])}" stroke-width="3"/>')
        warn = _warn(t)
        out.append(f'<text x="32" y="{y}">{esc(t["label"])}{warn} — {t["count"]}</text>')
        y += 18
    blocks.append((y, out))
    out, y = [], 0
    out.append(f'<line x1="0" y1="{y - 4}" x2="24" y2="{y - 4}" stroke="#59636e" stroke-width="2.5"/>'
               f'<text x="32" y="{y}">confirmed or reported</text>')
    y += 18
    out.append(f'<line x1="0" y1="{y - 4}" x2="24" y2="{y - 4}" stroke="#59636e" stroke-width="2.5" '
               f'stroke-dasharray="6 4"/><text x="32" y="{y}">{esc(dashed_words(page["meta"]))}</text>')
    y += 18
    out.append(f'<text x="0" y="{y}">→  directed; width = tie weight</text>')
    y += 18
    meta = page["meta"]
    if meta.get("metric"):
        out.append(f'<text x="0" y="{y}">Node size: {esc(meta["metric_label"])}</text>')
        y += 18
    blocks.append((y, out))
    out, y = [], 0
    for c in page["legend"]["classes"][:10]:
        name = _class_name(c, meta)
        members = ", ".join(c["members"][:3]) + ("…" if c["count"] > 3 else "")
        out.append(f'<circle cx="6" cy="{y - 4}" r="6" fill="{esc(c["color"])}"/>'
                   f'<text x="18" y="{y}">{esc(name)}: {esc(members)}</text>')
        y += 18
    if path and page.get("path"):
        y += 8
        out.append(f'<text x="0" y="{y}" font-weight="bold">{esc(page["path"]["title"])}</text>')
        y += 18
    if out:
        blocks.append((y, out))
    return blocks


def _svg_legend(page, esc, top):
    """The legend in a column on the left (the image's layout)."""
    out = [f'<g font-size="12" fill="#1f2328" transform="translate(16,{top + 10})">']
    y = 0
    for height, block in _legend_blocks(page, esc):
        out.append(f'<g transform="translate(0,{y})">')
        out += block
        out.append("</g>")
        y += height + 8
    out.append("</g>")
    return out


def _legend_below(page, esc, top, width):
    """The legend in columns under the drawing (print layout); return ``(elements, height)``."""
    blocks = _legend_blocks(page, esc, path=False)
    col = max(1.0, (width - 32) / max(1, len(blocks)))
    out = [f'<g font-size="13" fill="#1f2328" transform="translate(16,{top + 18})">']
    for i, (_, block) in enumerate(blocks):
        out.append(f'<g transform="translate({i * col:.0f},0)">')
        out += block
        out.append("</g>")
    height = max((h for h, _ in blocks), default=0)
    if page.get("path"):  # the path's title across the whole width, under the columns
        out.append(f'<text x="0" y="{height + 8}" font-weight="bold">{esc(page["path"]["title"])}</text>')
        height += 26
    out.append("</g>")
    return out, height + 24


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
    radius = {n["id"]: n["size"] for n in page["nodes"]}
    on_path = set((page.get("path") or {}).get("edges", []))
    path_nodes = set((page.get("path") or {}).get("nodes", []))
    dim = bool(on_path)
    for e in drawn_lines(page):
        a, b = pos[e["from"]], pos[e["to"]]
        strong = e["id"] in on_path or any(x in on_path for x in e.get("lines", ()))
        w = max(4, e["width"] * 1.8) if strong else e["width"]
        sm = e.get("smooth")
        rad = 0.0 if not sm else (sm["roundness"] * (1 if sm["type"] == "curvedCW" else -1) * 2)
        patch = FancyArrowPatch(a, b, connectionstyle=f"arc3,rad={rad:.3f}",
                                arrowstyle="-|>,head_length=4,head_width=2.5" if e["arrows"] == "to" else "-",
                                color=e["color"], lw=w * px, alpha=0.9 if strong or not dim else 0.15,
                                linestyle=(0, (5, 4)) if e["dashes"] else "-",
                                shrinkA=0, shrinkB=radius[e["to"]] * px * 1.4)
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
