"""Write the explorer page: one self-contained HTML file, or a fragment to paste into a briefing.

The page is built by our own template around the vis-network bundle that
ships inside pyvis (see :mod:`explorer.assets`); pyvis's own templates are not
used because they fetch from CDNs, write data as raw HTML and collide when two
are pasted into one document.

Safety: every string that comes from the data travels inside a JSON block
(``<script type="application/json">``) with ``<``, ``>``, ``&`` and the line
separators escaped, and the page script puts it on screen with
``textContent`` only. The few strings written straight into the HTML (title
and header line) are escaped with :func:`html.escape`.
"""

import hashlib
import html
import json
import re
from pathlib import Path

from .assets import BOOT, CSS, runtime_script
from .elements import BUNDLE_ABOVE, date_range, legend_entries
from .image import dashed_words, render_svg

__all__ = ["BIG", "vis_options", "build_page", "render_html", "write_html", "safe_json",
           "valid_element_id"]

#: Above this many actors or ties the page switches to its large-graph settings.
BIG = {"nodes": 800, "edges": 2500}

METRIC_LABELS = {"degree": "Degree", "strength": "Strength (summed weight)",
                 "betweenness": "Betweenness", "closeness": "Closeness",
                 "eigenvector": "Eigenvector centrality", "pagerank": "PageRank"}

_ID_RE = re.compile(r"^[A-Za-z][A-Za-z0-9_-]{0,63}$")
_JSON_ESCAPES = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026",
                 "\u2028": "\\u2028", "\u2029": "\\u2029"}


def safe_json(value):
    """Return ``value`` as compact, key-sorted JSON that is safe inside an HTML ``<script>``.

    Examples
    --------
    >>> safe_json({"b": "</script><img onerror=x>", "a": 1})
    '{"a":1,"b":"\\\\u003c/script\\\\u003e\\\\u003cimg onerror=x\\\\u003e"}'
    """
    text = json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"),
                      allow_nan=False)
    return re.sub("[<>&\u2028\u2029]", lambda m: _JSON_ESCAPES[m.group(0)], text)


def valid_element_id(name):
    """Return whether ``name`` may be used as the fragment's element id.

    A letter, then up to 63 letters, digits, ``-`` or ``_``.

    Examples
    --------
    >>> valid_element_id("briefing-fig1"), valid_element_id("1x"), valid_element_id('a"><b')
    (True, False, False)
    """
    return bool(_ID_RE.match(str(name)))


def vis_options(n_nodes, n_edges):
    """Return the vis-network options: physics off at load, positions are given.

    Large graphs (see :data:`BIG`) get straight edges, labels only when zoomed
    in, and edges hidden while dragging or zooming.

    We build this dict ourselves rather than through pyvis's ``Options``
    object: pyvis models only part of vis-network's options (no label
    thresholds, hover or layout seed) and its defaults (physics and
    stabilisation on, dynamic curves) are what made its pages slow and
    different on every load.

    Examples
    --------
    >>> o = vis_options(10, 20)
    >>> o["physics"]["enabled"], o["layout"]["randomSeed"], o["edges"]["smooth"]["enabled"]
    (False, 42, True)
    >>> vis_options(5000, 20000)["edges"]["smooth"]
    False
    """
    big = n_nodes > BIG["nodes"] or n_edges > BIG["edges"]
    font = '-apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif'
    return {
        "autoResize": True,
        "width": "100%",
        "height": "100%",
        "layout": {"randomSeed": 42, "improvedLayout": False},
        "physics": {"enabled": False, "solver": "forceAtlas2Based",
                    "forceAtlas2Based": {"gravitationalConstant": -60, "springLength": 110,
                                         "springConstant": 0.04, "avoidOverlap": 0.4},
                    "stabilization": {"enabled": False}},
        "interaction": {"hover": True, "tooltipDelay": 120, "hideEdgesOnDrag": big,
                        "hideEdgesOnZoom": big, "keyboard": False, "multiselect": False,
                        "navigationButtons": False, "zoomSpeed": 0.7},
        "nodes": {"shape": "dot", "borderWidth": 1.5,
                  "font": {"size": 14, "face": font, "color": "#1f2328",
                           "strokeWidth": 3, "strokeColor": "#ffffff"},
                  "scaling": {"label": {"enabled": False, "drawThreshold": 9 if big else 4}}},
        "edges": {"smooth": False if big else {"enabled": True, "type": "continuous",
                                               "roundness": 0.2},
                  "selectionWidth": 2, "hoverWidth": 1.2,
                  "font": {"size": 11, "face": font, "color": "#444c56", "strokeWidth": 3,
                           "strokeColor": "#ffffff", "align": "middle"},
                  "arrows": {"to": {"enabled": False, "scaleFactor": 0.55}},
                  "arrowStrikethrough": False},
    }


def build_page(G, elements, *, title="Ties", filters_text="", metric=None, color_by="community",
               polarity="cooperative", path=None, notes_text=""):
    """Return everything the page shows, as one plain dict (the page's JSON block).

    Parameters
    ----------
    G : MultiDiGraph
        The drawn tie graph (for the date range).
    elements : dict
        From :func:`explorer.elements.vis_elements`.
    title : str
        Shown as the page title.
    filters_text : str
        The filters in force, in words (:func:`graph.build.describe_filters`).
    notes_text : str
        What was left out to make the drawing, in words (``meta["notes"]``,
        shown in the header line).
    metric : str, optional
        Centrality behind node size (``None``: all nodes one size).
    color_by : {"community", "group", "none"}
    polarity : str
        Which ties the metric and communities counted.
    path : dict, optional
        From :func:`explorer.elements.path_overlay`.

    Examples
    --------
    >>> import networkx as nx
    >>> page = build_page(nx.MultiDiGraph(), {"nodes": [], "edges": []}, title="Empty")
    >>> page["meta"]["title"], page["years"], page["path"], page["ties"]
    ('Empty', None, None, [])
    """
    first, last = date_range(G)
    years = [int(first[:4]), int(last[:4])] if first and last else None
    class_word = {"community": "Bloc", "group": "Group"}.get(color_by, "")
    ties = elements.get("ties", elements["edges"])
    pairs = elements.get("pairs", [])
    lines_per_pair = {}
    for e in elements["edges"]:
        key = tuple(sorted((e["from"], e["to"])))
        lines_per_pair[key] = lines_per_pair.get(key, 0) + 1
    # a path is drawn on its own ties, so a page with one opens with every line
    bundle = bool(pairs) and not path and max(lines_per_pair.values(), default=0) > BUNDLE_ABOVE
    return {
        "nodes": elements["nodes"],
        "edges": elements["edges"],
        "ties": ties,
        "pairs": pairs,
        "legend": legend_entries(elements),
        "years": years,
        "options": vis_options(len(elements["nodes"]), len(elements["edges"])),
        "path": path,
        "meta": {"title": str(title), "filters": filters_text or "", "notes": notes_text or "",
                 "first": first, "last": last,
                 "n_actors": len(elements["nodes"]), "n_ties": len(ties),
                 "n_edges": len(elements["edges"]), "n_pairs": len(pairs), "bundle": bundle,
                 "metric": metric, "metric_label": METRIC_LABELS.get(metric, metric or ""),
                 "color_by": color_by, "class_word": class_word, "polarity": polarity,
                 "n_proposed": sum(1 for _, _, d in G.edges(data=True) if d.get("status") == "proposed")},
    }


def _header_line(meta):
    parts = []
    if meta["first"]:
        parts.append(f"Ties dated {meta['first']} to {meta['last']}")
    parts.append(f"{meta['n_actors']} actors, {meta['n_ties']} ties")
    parts.append("Filters: " + (meta["filters"] or "none"))
    if meta.get("notes"):
        parts.append(meta["notes"])
    return parts


def _legend_notes(meta):
    notes = []
    if meta["metric"]:
        notes.append(f"Node size: {meta['metric_label']} ({meta['polarity']} ties)")
    else:
        notes.append("Node size: uniform")
    if meta["color_by"] == "community":
        notes.append(f"Node colour: bloc (seeded Louvain communities, {meta['polarity']} ties)")
    elif meta["color_by"] == "group":
        notes.append("Node colour: the actor's group")
    return notes


_CONFIDENCE_CHOICES = (("0", "Any (speculated or better)"), ("1", "Assessed or better"),
                       ("2", "Reported or better"), ("3", "Confirmed only"))


def render_html(page, *, fragment=False, element_id=None, runtime=True, compact=False, graph_height=None):
    """Return the page (or, with ``fragment=True``, an embeddable snippet) as a string.

    The fragment is one ``<div class="tiegraph" id=…>`` holding its data, a
    static SVG drawing of the same view for print (:func:`explorer.image.render_svg`,
    shown instead of the canvas under ``@media print``) and a small script
    that registers the figure on the page's one global, ``window.tiegraph``.
    With ``runtime=True`` (the default) it also carries the runtime (style,
    vis-network and the explorer script), which draws every figure of the page
    that registered before or after it; ``runtime=False`` leaves it out, for
    pages whose other fragment carries it (in any order). Its id is derived
    from the content (or ``element_id``). The full page wraps the same
    fragment in a doctype'd document with a Content-Security-Policy that
    forbids every network request.

    ``compact=True`` puts the controls in a slim toolbar above the graph
    (as happens anyway when the figure is narrower than 720 px).

    Raises
    ------
    ValueError
        If ``element_id`` is not a safe identifier (see :func:`valid_element_id`).

    Examples
    --------
    >>> import networkx as nx
    >>> page = build_page(nx.MultiDiGraph(), {"nodes": [], "edges": []}, title="<T>")
    >>> frag = render_html(page, fragment=True, element_id="fig1")
    >>> frag.startswith('<div class="tiegraph" id="fig1"'), "<html" in frag, "&lt;T&gt;" in frag
    (True, False, True)
    >>> lean = render_html(page, fragment=True, element_id="fig1", runtime=False)
    >>> "vis.Network" in frag, "vis.Network" in lean, len(lean) < len(frag) // 10
    (True, False, True)
    """
    payload = safe_json(page)
    if element_id is None:
        element_id = "tg-" + hashlib.sha256(payload.encode("utf-8")).hexdigest()[:12]
    elif not valid_element_id(element_id):
        raise ValueError(f"{element_id!r} is not a usable element id: start with a letter, then "
                         "letters, digits, '-' or '_' (at most 64 characters)")
    meta = page["meta"]
    esc = html.escape
    rid = element_id
    conf = "".join(f'<option value="{v}">{esc(t)}</option>' for v, t in _CONFIDENCE_CHOICES)
    notes = "".join(f'<div>{esc(n)}</div>' for n in _legend_notes(meta))
    dash_words = dashed_words(meta)
    header = " · ".join(esc(p) for p in _header_line(meta))
    big = meta["n_actors"] > BIG["nodes"] or meta["n_edges"] > BIG["edges"]
    svg = render_svg(page, legend="below", label_size=16, max_labels=150 if big else None,
                     halo=False)
    style = f"<style>{CSS}</style>\n" if runtime else ""
    waiting = "" if runtime else ("Waiting for the tiegraph runtime: a figure written without "
                                  "--no-runtime must be on this page.")
    script = (runtime_script() + "\n" if runtime else "") + BOOT.replace("@@ID@@", json.dumps(rid))
    cls = "tiegraph tg-compact" if compact else "tiegraph"
    body = f"""<div class="{cls}" id="{rid}">
{style}<div class="tg-head"><h2 class="tg-title">{esc(meta['title'])}</h2><div class="tg-sub">{header}</div></div>
<div class="tg-main">
<div class="tg-panel" data-role="panel">
<details class="tg-menu" data-role="types-menu" open><summary>Tie types</summary>
<div class="tg-menu-body">
<h4>Tie types (edge colour)</h4>
<div data-role="types"></div>
<div class="tg-row"><button type="button" data-role="all">All</button><button type="button" data-role="none">None</button></div>
</div>
</details>
<div class="tg-group tg-dates" data-role="dates">
<h4>Dates</h4>
<div class="tg-row"><span class="tg-small tg-lab">From</span><input type="range" data-role="from" aria-label="From year"><b data-role="from-out"></b></div>
<div class="tg-row"><span class="tg-small tg-lab">To</span><input type="range" data-role="to" aria-label="To year"><b data-role="to-out"></b></div>
</div>
<div class="tg-group tg-conf">
<h4>Confidence</h4>
<select data-role="conf" aria-label="Minimum confidence">{conf}</select>
</div>
<div class="tg-group tg-find">
<h4>Find an actor</h4>
<div class="tg-row"><input type="search" data-role="find" list="{rid}-actors" placeholder="Find: name, id or alias" aria-label="Find an actor"><button type="button" data-role="clear">Clear</button></div>
<datalist id="{rid}-actors" data-role="actors"></datalist>
<span class="tg-small" data-role="find-out"></span>
</div>
<div class="tg-group tg-view">
<h4>View</h4>
<div class="tg-row"><label title="One line per actor pair: width by the pair's total weight, colour by its main type; click it for every tie"><input type="checkbox" data-role="bundle"> One line per pair</label></div>
<div class="tg-row"><label><input type="checkbox" data-role="physics"> Physics<span class="tg-long"> (let it move)</span></label><button type="button" data-role="fit">Fit</button></div>
</div>
</div>
<div class="tg-stage"><div class="tg-canvas" data-role="canvas"></div><div class="tg-status" data-role="status">{waiting}</div>
<div class="tg-legend" data-role="legend">
<div>
<div class="tg-row tg-wrap"><span class="tg-item"><span class="tg-line" style="border-top-color:#59636e"></span>confirmed or reported</span><span class="tg-item"><span class="tg-line tg-dash" style="border-top-color:#59636e"></span>{dash_words}</span><span class="tg-item">&rarr; directed</span><span class="tg-item">width = tie weight</span></div>
{notes}
</div>
<div data-role="classes"></div>
</div>
<div class="tg-tip" data-role="tip" hidden></div></div>
</div>
<div class="tg-print" data-role="print">
{svg}</div>
<div class="tg-path" data-role="path" hidden></div>
<div class="tg-details" data-role="details"><span class="tg-small">Click an actor or a tie to see its evidence; hover for a summary.</span></div>
<script type="application/json" data-role="data">{payload}</script>
<script>{script}</script>
</div>
"""
    if fragment:
        return body
    height = f"{int(graph_height)}px" if graph_height else "max(560px,min(78vh,900px))"
    csp = ("default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; "
           "img-src data: blob:; font-src data:; connect-src 'none'; base-uri 'none'; form-action 'none'")
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{csp}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="tiegraph">
<title>{esc(meta['title'])}</title>
<style>body{{margin:16px;background:#f3f4f6}}.tiegraph{{--tg-graph-height:{height}}}@media print{{body{{margin:0;background:#fff}}}}</style>
</head>
<body>
{body}</body>
</html>
"""


def write_html(page, path, *, fragment=False, element_id=None, runtime=True, compact=False):
    """Write :func:`render_html` to ``path`` atomically, as UTF-8 with ``\\n`` line ends; return the path."""
    from graph.files import write_atomic
    return write_atomic(Path(path), render_html(page, fragment=fragment, element_id=element_id,
                                                runtime=runtime, compact=compact))
