"""The drawing as plain data: nodes and edges with positions, sizes, colours and evidence.

Everything the page shows about an actor or a tie is decided here, in Python,
so that it can be tested (golden JSON) and reused for the static image. The
HTML writer only serialises it.
"""

import math

from graph.layout import spread_positions
from graph.palette import OTHER_COLOR, PLAIN_COLOR, class_colors
from graph.schema import ADVERSARIAL_TYPES, CONFIDENCE_RANK, TIE_TYPES

__all__ = ["TYPE_COLORS", "type_color", "type_label", "vis_elements",
           "merge_ties", "pair_lines", "BUNDLE_ABOVE", "legend_entries", "date_range", "path_overlay"]

#: Edge colour per tie type. Hue families tell the kind of tie at a glance:
#: blues/purples military, greens economic, neutral diplomatic, and warning
#: red/orange for the adversarial types. Chosen to stay apart under the common
#: colour-vision deficiencies when read together with the legend.
TYPE_COLORS = {
    "arms_transfer": "#1f4e9c",
    "technology_transfer": "#7b5ea7",
    "military_exercise": "#3b8fd9",
    "military_cooperation": "#0e7c86",
    "security_commitment": "#14365c",
    "trade": "#2e9e5b",
    "energy": "#8a6d1d",
    "diplomatic": "#7d8590",
    "political_support": "#b565a7",
    "sanctions": "#e8710a",
    "hostile_act": "#d1242f",
}

#: Colours for types outside the vocabulary (imported data), in order of first appearance.
FALLBACK_COLORS = ("#5c6bc0", "#00897b", "#8d6e63", "#c0ca33", "#6d4c41", "#546e7a")

#: Node fills come from :mod:`graph.palette`: a group's colour is a function of its name, and a
#: bloc takes the colour of its largest member's group, so they are the same in every figure.

MIN_SIZE, MAX_SIZE = 8, 30

#: The page starts in "one line per pair" view when some actor pair has more lines than this.
BUNDLE_ABOVE = 3

#: Drawings with more lines than this (the page's large-graph settings) get no pair lines.
PAIRS_UP_TO = 2500

#: A drawing smaller than this (pixels) is spread to fill it: about the page's graph area.
FILL = (1000, 640)


def type_label(tie_type):
    """Return a tie type as words.

    Examples
    --------
    >>> type_label("arms_transfer")
    'arms transfer'
    """
    return str(tie_type).replace("_", " ")


def type_color(tie_type, extra=()):
    """Return the colour of ``tie_type``; unknown types take fallback colours in ``extra`` order.

    Examples
    --------
    >>> type_color("sanctions"), type_color("cyber", extra=["cyber"])
    ('#e8710a', '#5c6bc0')
    """
    if tie_type in TYPE_COLORS:
        return TYPE_COLORS[tie_type]
    others = [t for t in extra if t not in TYPE_COLORS]
    i = others.index(tie_type) if tie_type in others else 0
    return FALLBACK_COLORS[i % len(FALLBACK_COLORS)]


def _text(v):
    """Plain text for a data value ('' for missing)."""
    if v is None:
        return ""
    if isinstance(v, float):
        if math.isnan(v):
            return ""
        return f"{v:.0f}" if v.is_integer() else f"{v:g}"
    return str(v)


def _num(v, default=0.0):
    try:
        x = float(v)
    except (TypeError, ValueError):
        return default
    return default if math.isnan(x) or math.isinf(x) else x


def _width(weight):
    """Line width in pixels for a (summed) tie weight: square-root scaled, capped at 9.

    One tie of weight 1 is 1.75 px, a summed weight of 16 is 5.5 px; the page
    recomputes it with the same formula from the ties that pass its filters.

    Examples
    --------
    >>> _width(1), _width(4), _width(16), _width(400)
    (1.75, 3.0, 5.5, 9.0)
    """
    return round(min(9.0, 0.5 + 1.25 * math.sqrt(max(0.0, _num(weight, 1.0)))), 2)


def _sizes(scores, nodes):
    """Node radius by score, area-proportional between MIN_SIZE and MAX_SIZE."""
    if not scores:
        return {v: 16 for v in nodes}
    top = max((_num(scores.get(v)) for v in nodes), default=0.0)
    out = {}
    for v in nodes:
        s = max(0.0, _num(scores.get(v)))
        out[v] = round(MIN_SIZE + (MAX_SIZE - MIN_SIZE) * math.sqrt(s / top), 1) if top > 0 else 16
    return out


def date_range(G):
    """Return ``(first day, last day)`` covered by the ties of ``G``, or ``(None, None)``.

    Examples
    --------
    >>> import networkx as nx
    >>> M = nx.MultiDiGraph()
    >>> M.add_edge("A", "B", start_date="2021-03-01", end_date="2021-03-31")
    0
    >>> M.add_edge("A", "B", start_date="2019-01-01", end_date="2019-12-31")
    1
    >>> date_range(M)
    ('2019-01-01', '2021-03-31')
    """
    starts = [d.get("start_date") for _, _, d in G.edges(data=True) if d.get("start_date")]
    ends = [d.get("end_date") or d.get("start_date") for _, _, d in G.edges(data=True)
            if d.get("end_date") or d.get("start_date")]
    return (min(starts) if starts else None, max(ends) if ends else None)


def _curves(edges):
    """Spread parallel ties between one pair: alternate sides, growing roundness."""
    by_pair = {}
    for e in edges:
        by_pair.setdefault(tuple(sorted((e["from"], e["to"]))), []).append(e)
    for pair, group in by_pair.items():
        if len(group) == 1:
            continue
        for i, e in enumerate(group):
            if i == 0 and len(group) % 2 == 1:
                continue  # the middle one stays straight
            j = i + 1 if len(group) % 2 == 0 else i
            side = 1 if j % 2 else -1
            if (e["from"], e["to"]) != pair:
                side = -side  # curvedCW is relative to the edge's own direction
            step = min(0.14, 0.6 / max(1, len(group) // 2))  # many ties: a lens, not loops
            roundness = round(step * ((j + 1) // 2), 3)
            e["smooth"] = {"enabled": True, "type": "curvedCW" if side > 0 else "curvedCCW",
                           "roundness": roundness}


def vis_elements(G, *, positions, scores=None, classes=None, lone_class=False, spread=True,
                 blocs=False):
    """Return the nodes and edges to draw, as sorted lists of plain dicts.

    Parameters
    ----------
    G : MultiDiGraph
        A tie graph from :func:`graph.build.build_graph`.
    positions : dict
        ``{actor: (x, y)}`` from :func:`graph.layout.layout_positions`.
    scores : dict, optional
        ``{actor: float}``; node size grows with the score (area-proportional).
    classes : dict, optional
        ``{actor: community index or group}``; node colour by class
        (:func:`graph.palette.class_colors`): a group name has its own colour;
        ``None`` colours every node alike.
    blocs : bool
        The classes are blocs (communities), not group names: each bloc takes
        the colour of the group of its largest member (by ``scores``, else by
        number of ties), so the same actors look the same in every figure.
    lone_class : bool
        Treat a class of one actor as no class (grey, ``cls`` = ``None``): a
        Louvain community of one is an actor with no cooperative tie.
    spread : bool
        Push actors apart until discs (sized by score) keep a 40 px gap and
        labels do not overlap (:func:`graph.layout.spread_positions`); the
        positions drawn are then these, not exactly ``positions``.

    Returns
    -------
    dict
        ``{"nodes": [...], "edges": [...], "ties": [...]}``. Nodes sorted by id
        carry ``id``, ``label``, ``kind``, ``aliases``, ``group``, ``x``, ``y``,
        ``size``, ``score``, ``cls`` and ``color``. ``ties`` (sorted by tie id)
        holds the evidence of every tie: ``id``, ``from``, ``to``, ``type``,
        ``weight``, ``dashes`` (confidence below reported), ``directed``,
        dates, value, unit, confidence (and its ``rank``), polarity, quote,
        ``doc``, ``doc_title``, ``note`` and ``edge`` (the drawn edge it is
        merged into) — every text as plain text, never markup. ``edges`` are
        what is drawn: the ties of one pair that share type, direction, line
        style and polarity merged into one (see :func:`merge_ties`), with
        ``smooth`` curves keeping the remaining parallel edges apart.
        ``pairs`` holds one line per actor pair (:func:`pair_lines`; empty
        above :data:`PAIRS_UP_TO` edges).

    Examples
    --------
    >>> import networkx as nx
    >>> M = nx.MultiDiGraph()
    >>> M.add_node("A", name="Alpha")
    >>> M.add_edge("A", "B", key="t1", type="trade", weight=2.0, directed=False,
    ...            confidence="assessed", start="2020", start_date="2020-01-01",
    ...            end_date="2020-12-31", quote="A <b>sells</b> to B")
    't1'
    >>> M.add_edge("B", "A", key="t2", type="trade", weight=2.0, directed=False, confidence="assessed")
    't2'
    >>> el = vis_elements(M, positions={"A": (0, 0), "B": (100, 0)})
    >>> [n["label"] for n in el["nodes"]], el["ties"][0]["dashes"], el["ties"][0]["quote"]
    (['Alpha', 'B'], True, 'A <b>sells</b> to B')
    >>> [(e["id"], e["ties"], e["width"]) for e in el["edges"]]
    [('A~B trade dashed', ['t2', 't1'], 3.0)]
    """
    scores = dict(scores or {})
    nodes_sorted = sorted(G.nodes, key=str)
    sizes = _sizes(scores, nodes_sorted)
    if classes is not None and lone_class:
        sizes_of = {}
        for c in classes.values():
            sizes_of[c] = sizes_of.get(c, 0) + 1
        classes = {v: (c if sizes_of[c] > 1 else None) for v, c in classes.items()}
    palette = {}
    if classes is not None and blocs:
        groups = {v: _text(G.nodes[v].get("group")) for v in nodes_sorted}
        weight = scores if scores else {v: G.degree(v) for v in nodes_sorted}
        palette = class_colors(classes, groups=groups, scores=weight)
    elif classes is not None:
        palette = class_colors({v: (c if c is None else _text(c)) for v, c in classes.items()})
    extra = sorted({d.get("type") for _, _, d in G.edges(data=True)} - set(TIE_TYPES), key=str)
    labels = {v: _text(G.nodes[v].get("name")) or str(v) for v in nodes_sorted}
    if spread and positions:
        positions = spread_positions({v: positions.get(v, (0, 0)) for v in nodes_sorted}, sizes, labels,
                                     fill=FILL)
    nodes = []
    for v in nodes_sorted:
        d = G.nodes[v]
        x, y = positions.get(v, (0, 0))
        cls = classes.get(v) if classes is not None else None
        nodes.append({
            "id": str(v),
            "label": labels[v],
            "kind": _text(d.get("kind")),
            "aliases": [a.strip() for a in _text(d.get("aliases")).split(";") if a.strip()],
            "group": _text(d.get("group")),
            "x": int(x), "y": int(y),
            "size": sizes[v],
            "score": round(_num(scores.get(v)), 6) if scores else None,
            "cls": cls if cls is None or isinstance(cls, int) else _text(cls),
            "color": PLAIN_COLOR if classes is None else palette.get(
                cls if blocs or cls is None else _text(cls), OTHER_COLOR),
        })
    ties = []
    for s, t, key, d in sorted(G.edges(keys=True, data=True), key=lambda e: str(e[2])):
        ttype = _text(d.get("type"))
        conf = _text(d.get("confidence"))
        directed = d.get("directed")
        directed = directed if isinstance(directed, bool) else str(directed).lower() == "true"
        polarity = _text(d.get("polarity")) or ("adversarial" if ttype in ADVERSARIAL_TYPES
                                                else "cooperative")
        proposed = _text(d.get("status")) == "proposed"  # an extract candidate not yet reviewed
        ties.append({
            "id": str(d.get("id") or key),
            "from": str(s), "to": str(t),
            "type": ttype,
            "weight": _num(d.get("weight"), 1.0),
            "dashes": proposed or CONFIDENCE_RANK.get(conf, 0) < CONFIDENCE_RANK["reported"],
            "directed": bool(directed),
            "start": _text(d.get("start")),
            "end": _text(d.get("end")),
            "start_date": _text(d.get("start_date")),
            "end_date": _text(d.get("end_date")) or _text(d.get("start_date")),
            "value": _text(d.get("value")),
            "unit": _text(d.get("unit")),
            "confidence": conf,
            "rank": CONFIDENCE_RANK.get(conf, 0),
            "polarity": polarity,
            "quote": _text(d.get("quote")),
            "doc": _text(d.get("doc")),
            "doc_title": _text(d.get("doc_title")),
            "note": ("proposed (an extract candidate, not yet reviewed). " if proposed else "")
                    + _text(d.get("note")),
        })
    edges = merge_ties(ties, extra)
    _curves(edges)
    # one line per pair is for a readable core; a big graph's page draws straight lines without it
    pairs = pair_lines(edges, ties) if len(edges) <= PAIRS_UP_TO else []
    return {"nodes": nodes, "edges": edges, "ties": ties, "pairs": pairs}


def pair_lines(edges, ties):
    """Return one line per actor pair (the "one line per pair" view), sorted by id.

    Each pair line sums every tie between the two actors, whatever their type
    or direction: ``weight`` (and ``width`` from it), ``count`` of ties,
    ``color`` and ``type`` of its dominant type (the most total weight, then
    the most ties, then the vocabulary's order), ``types`` (``[type, ties]``
    by weight), ``lines`` (the drawn edges it stands for) and ``ties``;
    ``dashes`` when every tie is below ``reported``. Each tie gets a ``pair``
    key naming its pair line (``ties`` is modified in place).

    Examples
    --------
    >>> mk = lambda i, s, t, ty, w=1.0: {"id": i, "from": s, "to": t, "type": ty, "directed": False,
    ...     "dashes": False, "polarity": "cooperative", "weight": w, "start_date": ""}
    >>> ties = [mk("t1", "B", "A", "trade"), mk("t2", "A", "B", "energy", 3.0), mk("t3", "A", "C", "trade")]
    >>> [(p["id"], p["count"], p["weight"], p["type"], p["lines"]) for p in pair_lines(merge_ties(ties), ties)]
    [('A=B', 2, 4.0, 'energy', ['A~B energy', 'A~B trade']), ('A=C', 1, 1.0, 'trade', ['A~C trade'])]
    >>> ties[0]["pair"]
    'A=B'
    """
    color = {e["type"]: e["color"] for e in edges}
    order = {t: i for i, t in enumerate(TIE_TYPES)}
    groups = {}
    for e in edges:
        a, b = sorted((e["from"], e["to"]))
        groups.setdefault((a, b), []).append(e)
    by_id = {t["id"]: t for t in ties}
    out = []
    for (a, b), lines in sorted(groups.items()):
        name = f"{a}={b}"
        members = sorted((by_id[i] for e in lines for i in e["ties"] if i in by_id),
                         key=lambda t: (t.get("start_date") or "", t["id"]))
        for t in members:
            t["pair"] = name
        weight, count = {}, {}
        for t in members:
            weight[t["type"]] = weight.get(t["type"], 0.0) + t["weight"]
            count[t["type"]] = count.get(t["type"], 0) + 1
        types = sorted(weight, key=lambda ty: (-weight[ty], -count[ty], order.get(ty, len(order)), ty))
        total = round(sum(weight.values()), 6)
        out.append({"id": name, "from": a, "to": b, "type": types[0], "color": color[types[0]],
                    "types": [[ty, count[ty]] for ty in types], "count": len(members), "weight": total,
                    "width": _width(total), "dashes": all(t["dashes"] for t in members), "arrows": "",
                    "directed": False, "polarity": "", "smooth": None,
                    "lines": sorted(e["id"] for e in lines), "ties": [t["id"] for t in members]})
    return out


def _edge_key(tie):
    """What a drawn edge stands for: the pair (ordered if directed), type, line style and polarity."""
    a, b = tie["from"], tie["to"]
    if not tie["directed"] and b < a:
        a, b = b, a
    return (a, b, tie["directed"], tie["type"], tie["dashes"], tie["polarity"])


def merge_ties(ties, extra=()):
    """Return the drawn edges: one per actor pair, direction, type, line style and polarity.

    Ties between the same two actors are merged when they share their type,
    their direction (``a → b``, ``b → a`` or undirected), their line style
    (dashed below ``reported`` confidence, or not) and their polarity (so a
    condemnation and a summit, both "diplomatic", stay apart). Each tie gets
    an ``edge`` key naming its edge (``ties`` is modified in place).

    Parameters
    ----------
    ties : list of dict
        The per-tie records built by :func:`vis_elements`.
    extra : sequence of str
        Tie types outside the vocabulary, for their fallback colours.

    Returns
    -------
    list of dict
        Sorted by ``id``. Each carries ``id`` (made from its key, so the same
        ties always give the same id: ``"PRK>RUS arms_transfer"``,
        ``"CHN~RUS trade dashed"``, ``"KOR>PRK diplomatic adversarial"``),
        ``from``, ``to``, ``type``, ``color``, ``count`` (ties merged),
        ``weight`` (their summed weight), ``width`` (:func:`_width` of it),
        ``dashes``, ``arrows``, ``directed``, ``polarity``, ``smooth`` and
        ``ties`` (member tie ids, oldest first, then by id).

    Examples
    --------
    >>> mk = lambda i, s, t, ty="trade", d=False, w=1.0: {"id": i, "from": s, "to": t, "type": ty,
    ...     "directed": d, "dashes": False, "polarity": "cooperative", "weight": w, "start_date": ""}
    >>> ties = [mk("t1", "B", "A"), mk("t2", "A", "B", w=3.0), mk("t3", "A", "B", d=True),
    ...         mk("t4", "A", "B", ty="energy")]
    >>> [(e["id"], e["count"], e["weight"], e["ties"]) for e in merge_ties(ties)]
    [('A>B trade', 1, 1.0, ['t3']), ('A~B energy', 1, 1.0, ['t4']), ('A~B trade', 2, 4.0, ['t1', 't2'])]
    >>> ties[0]["edge"]
    'A~B trade'
    """
    groups = {}
    for t in ties:
        groups.setdefault(_edge_key(t), []).append(t)
    named = {}
    for key in sorted(groups, key=lambda k: tuple(str(x) for x in k)):
        a, b, directed, ttype, dashes, polarity = key
        name = f"{a}{'>' if directed else '~'}{b} {ttype}"
        if dashes:
            name += " dashed"
        if polarity != ("adversarial" if ttype in ADVERSARIAL_TYPES else "cooperative"):
            name += f" {polarity}"
        base, i = name, 2
        while name in named:  # ids with '>', '~' or spaces could meet; keep every edge apart
            name, i = f"{base} #{i}", i + 1
        named[name] = key
    edges = []
    for name, key in named.items():
        a, b, directed, ttype, dashes, polarity = key
        members = sorted(groups[key], key=lambda t: (t.get("start_date") or "", t["id"]))
        weight = round(sum(t["weight"] for t in members), 6)
        for t in members:
            t["edge"] = name
        edges.append({
            "id": name, "from": a, "to": b, "type": ttype,
            "color": type_color(ttype, extra),
            "count": len(members), "weight": weight, "width": _width(weight),
            "dashes": dashes, "arrows": "to" if directed else "", "directed": directed,
            "polarity": polarity, "smooth": None,
            "ties": [t["id"] for t in members],
        })
    edges.sort(key=lambda e: e["id"])
    return edges


def legend_entries(elements):
    """Return the legend: tie types present (with counts) and node classes (with members).

    Each type entry counts its ties (``count``, from ``elements["ties"]`` when
    present: ties, not drawn edges) and how many of them are adversarial (``adversarial``: a condemnation is a diplomatic tie that is).

    Examples
    --------
    >>> el = {"nodes": [{"id": "A", "label": "A", "cls": 0, "color": "#4e79a7", "size": 20}],
    ...       "edges": [{"type": "trade", "color": "#2e9e5b", "polarity": "cooperative"}]}
    >>> legend_entries(el)["types"]
    [{'type': 'trade', 'label': 'trade', 'color': '#2e9e5b', 'count': 1, 'adversarial': 0}]
    """
    counts, colors, adversarial = {}, {}, {}
    for e in elements["edges"]:
        colors[e["type"]] = e["color"]
    for e in elements.get("ties", elements["edges"]):
        counts[e["type"]] = counts.get(e["type"], 0) + 1
        adversarial[e["type"]] = adversarial.get(e["type"], 0) + (e["polarity"] == "adversarial")
    order = {t: i for i, t in enumerate(TIE_TYPES)}
    types = [{"type": t, "label": type_label(t), "color": colors[t], "count": counts[t],
              "adversarial": adversarial[t]}
             for t in sorted(counts, key=lambda t: (order.get(t, len(order)), t))]
    groups = {}
    lone = []
    for n in elements["nodes"]:
        if n.get("cls") is None or n.get("cls") == "":
            if n.get("color") == OTHER_COLOR:
                lone.append((-n["size"], n["label"]))
            continue
        g = groups.setdefault(n["cls"], {"cls": n["cls"], "color": n["color"], "members": []})
        g["members"].append((-n["size"], n["label"]))
    classes_out = []
    for g in sorted(groups.values(), key=lambda g: (-len(g["members"]), str(g["cls"]))):
        members = [label for _, label in sorted(g["members"])]
        classes_out.append({"cls": g["cls"], "color": g["color"], "count": len(members),
                            "members": members[:4]})
    if lone:
        members = [label for _, label in sorted(lone)]
        classes_out.append({"cls": None, "color": OTHER_COLOR, "count": len(members),
                            "members": members[:4]})
    return {"types": types, "classes": classes_out}


def path_overlay(result, elements):
    """Return what the page needs to highlight a path answer and list its hops.

    Parameters
    ----------
    result : dict
        From :func:`graph.paths.find_paths`; its first path is highlighted,
        the others are listed as alternatives.
    elements : dict
        From :func:`vis_elements` (for document titles and the drawn edges).

    Returns
    -------
    dict
        ``edges`` are the drawn (merged) edges holding the path's ties,
        ``ties`` the path's tie ids; ``hops`` one entry per hop with its
        first tie (and how many more).

    Examples
    --------
    >>> tie = {"id": "t1", "type": "trade", "start": "2020", "end": None, "confidence": "reported",
    ...        "quote": "q", "doc": "d.txt"}
    >>> result = {"mode": "fewest_hops", "measure": "hops", "polarity": "cooperative",
    ...           "paths": [{"nodes": ["A", "B"], "names": ["Alpha", "Beta"], "length": 1,
    ...                      "hops": [{"from": "A", "to": "B", "ties": [tie]}]}]}
    >>> el = {"nodes": [], "edges": [], "ties": [{"id": "t1", "doc_title": "Doc", "edge": "A>B trade"}]}
    >>> p = path_overlay(result, el)
    >>> p["title"], p["edges"], p["ties"], p["hops"][0]["tie"]["doc_title"]
    ('Path: Alpha → Beta (1 hop, fewest hops)', ['A>B trade'], ['t1'], 'Doc')
    """
    titles = {e["id"]: e.get("doc_title", "") for e in elements.get("ties", elements["edges"])}
    edge_of = {e["id"]: e.get("edge", e["id"]) for e in elements.get("ties", elements["edges"])}
    best = result["paths"][0]
    names = dict(zip(best["nodes"], best["names"]))
    hops, edge_ids = [], []
    for hop in best["hops"]:
        ties = hop["ties"]
        edge_ids += [str(t["id"]) for t in ties if str(t["id"]) in titles]
        t = ties[0]
        hops.append({"from_label": names.get(hop["from"], hop["from"]),
                     "to_label": names.get(hop["to"], hop["to"]),
                     "on": hop.get("on"),
                     "more": len(ties) - 1,
                     "tie": {"id": str(t["id"]), "type": _text(t.get("type")), "start": _text(t.get("start")),
                             "end": _text(t.get("end")), "confidence": _text(t.get("confidence")),
                             "quote": _text(t.get("quote")), "doc": _text(t.get("doc")),
                             "doc_title": titles.get(str(t["id"]), "")}})
    n = len(best["hops"])
    mode = {"fewest_hops": "fewest hops", "strongest": "strongest ties",
            "time_respecting": "time-respecting"}.get(result.get("mode"), result.get("mode", ""))
    title = f"Path: {' → '.join(best['names'])} ({n} hop{'s' if n != 1 else ''}, {mode})"
    note = f"Walks {result['polarity']} ties." if result.get("polarity") else ""
    if best.get("arrival"):
        note += f" Earliest arrival {best['arrival']}."
    return {"title": title, "note": note.strip(), "nodes": [str(v) for v in best["nodes"]],
            "edges": sorted({edge_of[t] for t in edge_ids}), "ties": sorted(set(edge_ids)), "hops": hops,
            "alternatives": [" → ".join(p["names"]) for p in result["paths"][1:]]}
