"""Export a tie graph to GEXF, GraphML, Cytoscape.js JSON, node-link JSON, the ties CSV or XLSX.

Every function returns the file's content (text, or bytes for XLSX; no file
is written here) and is deterministic: nodes and edges are sorted by id and
no timestamp is written, so the same graph gives the same bytes. The
exchange formats (GEXF, GraphML, Cytoscape) name the tie's type
``tie_type`` (``type`` is reserved or ambiguous there) and validate against
their official schemas; text from the data is escaped, and a character XML
cannot carry is refused with the tie or actor and field named.
"""

import csv
import io
import json
import math
import re

import networkx as nx

from .errors import DatasetError, QueryError
from .schema import ACTOR_COLUMNS, CENTRALITY_METRICS, DOCUMENT_COLUMNS, TIE_COLUMNS
from .textsafe import neutralise_cell, xml_illegal

__all__ = ["EXPORT_FORMATS", "GEXF_VERSIONS", "export_graph", "graphml_id", "from_graphml_id", "to_graphml",
           "to_gexf", "to_cytoscape",
           "to_node_link", "to_csv", "to_xlsx", "node_scores"]

#: Formats :func:`export_graph` knows, with their usual file suffix.
EXPORT_FORMATS = {"graphml": ".graphml", "gexf": ".gexf", "cytoscape": ".cyjs", "json": ".json",
                  "csv": ".csv", "xlsx": ".xlsx"}

#: GEXF versions :func:`to_gexf` writes: namespace and version attribute. Gephi's viz elements
#: (color, position, size) are written in the GEXF namespace, where the official XSDs of both
#: versions declare them (the RelaxNG files put them in a viz namespace; Gephi reads either).
_GEXF = {"1.3": ("http://gexf.net/1.3", "1.3"), "1.2draft": ("http://www.gexf.net/1.2draft", "1.2")}
GEXF_VERSIONS = tuple(_GEXF)

#: Attribute order in the exchange formats (others follow, sorted).
_NODE_ORDER = ("label", "name", "kind", "group", "actor_group", "aliases") + CENTRALITY_METRICS
_EDGE_ORDER = ("tie_type", "directed", "weight", "value", "unit", "start", "end", "start_date",
               "end_date", "confidence", "polarity", "doc", "doc_title", "quote", "note")
_EDGE_ORDER_GEXF = tuple({"start": "start_as_given", "end": "end_as_given"}.get(a, a) for a in _EDGE_ORDER)
#: Tie fields renamed in GEXF, whose ``start``/``end`` are the timeline's.
_GEXF_RENAME = {"start": "start_as_given", "end": "end_as_given"}
#: Attributes with a fixed type whatever their values.
_FIXED_TYPES = {"directed": "boolean", "weight": "double", "value": "double",
                **{m: "double" for m in CENTRALITY_METRICS}}
_GEXF_TYPES = {"boolean": "boolean", "double": "double", "long": "long", "string": "string"}
_GRAPHML_TYPES = {"boolean": "boolean", "double": "double", "long": "long", "string": "string"}
_NMTOKEN_RE = re.compile(r"[A-Za-z0-9_.\-]+")
#: Column widths (characters) in the XLSX sheets; others are 11.
_XLSX_WIDTHS = {"type": 20, "doc": 24, "quote": 60, "note": 40, "name": 24, "aliases": 30, "title": 40}
#: Rows of an Excel sheet, and characters of a cell.
_EXCEL_ROWS = 1_048_576
_EXCEL_CELL = 32_767
_ID_SAFE_RE = re.compile(r"[A-Za-z0-9.:\-]|_(?!x[0-9A-F]{4}_)")
_ID_ESCAPE_RE = re.compile(r"((?:_x[0-9A-F]{4}_)+)")
_ATTR_ESCAPES = {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "\t": "&#9;", "\n": "&#10;",
                 "\r": "&#13;"}
_ATTR_RE = re.compile('[&<>"\t\n\r]')
_TEXT_RE = re.compile("[&<>\r]")


def _flat(value):
    """A value GraphML/GEXF can hold: None and NaN dropped (returns None), lists joined."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, (list, tuple, set)):
        return ";".join(str(v) for v in value)
    if hasattr(value, "item"):
        value = value.item()
    return value


def _sorted_copy(G, *, flat=False):
    """A MultiDiGraph copy with nodes and edges in id order (attributes flattened if asked)."""
    H = nx.MultiDiGraph()
    H.graph.update(G.graph)

    def attrs(d):
        if not flat:
            return dict(d)
        return {k: f for k, v in sorted(d.items()) if (f := _flat(v)) is not None}

    for n in sorted(G, key=str):
        H.add_node(n, **attrs(G.nodes[n]))
    if G.is_multigraph():
        edges = G.edges(keys=True, data=True)
    else:
        edges = ((u, v, d.get("id", f"{u}-{v}"), d) for u, v, d in G.edges(data=True))
    for u, v, k, d in sorted(edges, key=lambda e: (str(e[2]), str(e[0]), str(e[1]))):
        H.add_edge(u, v, key=k, **attrs(d))
    return H


def to_graphml(G, *, node_attrs=None, edge_types=True):
    """Return ``G`` as GraphML 1.0 text: every tie an edge (id = tie id) with typed attributes.

    The tie's type is the attribute ``tie_type``; ``weight`` and ``value``
    are ``double``, ``directed`` is ``boolean``, everything else ``string``
    (dates as given, and ``start_date``/``end_date``, the first and last day
    covered). Each edge carries ``directed="true"|"false"`` from its tie
    (``edgedefault`` is ``undirected`` only when every tie is), so that
    Gephi and yEd draw undirected ties as such; ``edge_types=False`` leaves
    those per-edge flags out, for readers that refuse a graph mixing both
    (``nx.read_graphml``): the direction is then only in ``directed``.
    The tie id is the edge's id and also the attribute ``tie_id`` (igraph
    1.0 reads GraphML edge ids wrongly). GraphML ids are XML name tokens:
    an id with other characters is written with ``_xHHHH_`` escapes
    (:func:`graphml_id`; tiegraph's reader undoes them). Nodes carry
    ``label`` (the name), the actor columns and ``node_attrs`` (``{actor:
    {name: value}}``, e.g. centrality scores, as ``double``).
    Missing values are left out. Deterministic: sorted by id.

    Raises
    ------
    DatasetError
        If a value holds a character XML 1.0 cannot carry (the tie or actor
        and its field are named).

    Examples
    --------
    >>> M = nx.MultiDiGraph()
    >>> M.add_edge("A", "B", key="t1", type="trade", weight=2.0, directed=True, value=None)
    't1'
    >>> back = nx.parse_graphml(to_graphml(M), force_multigraph=True)
    >>> list(back.edges(keys=True, data=True))
    [('A', 'B', 't1', {'tie_id': 't1', 'tie_type': 'trade', 'directed': True, 'weight': 2.0})]
    """
    nodes, edges = _records(G, node_attrs)
    # the tie id also as data: igraph (1.0) reads edge ids wrongly, and edge ids are optional in GraphML
    edges = [(u, v, k, {"tie_id": str(k), **d}) for u, v, k, d in edges]
    node_keys = _declare(nodes, _NODE_ORDER, ("label",))
    edge_keys = _declare(edges, ("tie_id",) + _EDGE_ORDER)
    kinds = {bool(d.get("directed", True)) for _, _, _, d in edges}
    default = "undirected" if kinds == {False} else "directed"
    ids = {}
    out = ['<?xml version="1.0" encoding="UTF-8"?>',
           '<graphml xmlns="http://graphml.graphdrawing.org/xmlns" '
           'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
           'xsi:schemaLocation="http://graphml.graphdrawing.org/xmlns '
           'http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd">']
    for where, keys, prefix in (("node", node_keys, "n"), ("edge", edge_keys, "e")):
        for i, (name, typ) in enumerate(keys):
            key_id = f"{prefix}_{name}" if _NMTOKEN_RE.fullmatch(name) else f"{prefix}{i}"
            ids[where, name] = key_id
            out.append(f'  <key id="{_attr(key_id)}" for="{where}" attr.name="{_attr(name)}" '
                       f'attr.type="{_GRAPHML_TYPES[typ]}"/>')
    out.append(f'  <graph id="G" edgedefault="{default}">')
    for n, d in nodes:
        data = {"label": d.get("name") or str(n), **d}
        out.append(f'    <node id="{_attr(graphml_id(n))}">')
        out += [f'      <data key="{ids["node", k]}">{_text(_value(data[k]))}</data>'
                for k, _ in node_keys if _present(data.get(k))]
        out.append("    </node>")
    for u, v, k, d in edges:
        flag = f' directed="{_bool(d.get("directed", True))}"' if edge_types else ""
        out.append(f'    <edge id="{_attr(graphml_id(k))}" source="{_attr(graphml_id(u))}" '
                   f'target="{_attr(graphml_id(v))}"{flag}>')
        out += [f'      <data key="{ids["edge", name]}">{_text(_value(d[name]))}</data>'
                for name, _ in edge_keys if _present(d.get(name))]
        out.append("    </edge>")
    out += ["  </graph>", "</graphml>"]
    return "\n".join(out) + "\n"


def to_node_link(G):
    """Return ``G`` as node-link JSON (``edges="edges"``), keys sorted, every attribute kept.

    A tie's ``source`` and ``target`` attributes are its link's endpoints
    (the same values), so they are not repeated. Read it back with ``nx.node_link_graph(json.loads(text), edges="edges")``.

    Examples
    --------
    >>> M = nx.MultiDiGraph()
    >>> M.add_edge("A", "B", key="t1", value=None)
    't1'
    >>> back = nx.node_link_graph(json.loads(to_node_link(M)), edges="edges")
    >>> list(back.edges(keys=True, data=True))
    [('A', 'B', 't1', {'value': None})]
    """
    H = _sorted_copy(G)
    data = nx.node_link_data(H, edges="edges")

    def clean(v):
        if isinstance(v, float) and math.isnan(v):
            return None
        if isinstance(v, dict):
            return {k: clean(x) for k, x in v.items()}
        if isinstance(v, (list, tuple)):
            return [clean(x) for x in v]
        return v.item() if hasattr(v, "item") else v

    return json.dumps(clean(data), ensure_ascii=False, indent=1, sort_keys=True) + "\n"


def to_gexf(G, *, version="1.3", viz=None, node_attrs=None, edge_types=True, edge_viz=None):
    """Return ``G`` as GEXF (1.3, or ``"1.2draft"``) for Gephi, valid against the official schema.

    Each tie is an edge (id = tie id) with ``type="directed"|"undirected"``
    from its ``directed`` flag (``edge_types=False`` leaves these out, for
    ``nx.read_gexf``, which refuses a graph mixing both), ``weight`` and its
    fields as typed attributes: ``tie_type``, ``directed`` (boolean),
    ``value`` (double), the dates as given as ``start_as_given`` /
    ``end_as_given`` (``start``/``end`` are GEXF's own). When ties are dated
    the graph is dynamic (``timeformat="date"``): each edge spans
    ``start``–``end`` = the first and last day its tie covers, each node its
    ties' span, so Gephi's timeline plays it; otherwise it is static.

    Parameters
    ----------
    viz : dict, optional
        ``{actor: {"x", "y", "size", "color": "#rrggbb"}}``: Gephi's colour,
        size and position (y is flipped: Gephi's axis points up).
    node_attrs : dict, optional
        ``{actor: {name: value}}`` added to the actor columns (name, kind,
        group, aliases), e.g. centrality scores.
    edge_viz : dict, optional
        ``{tie id: {"color": "#rrggbb"}}``: each tie's colour.

    Raises
    ------
    DatasetError
        If a value holds a character XML 1.0 cannot carry.

    Examples
    --------
    >>> M = nx.MultiDiGraph()
    >>> M.add_edge("A", "B", key="t1", type="trade", directed=False, weight=1.0, start="2023",
    ...            end=None, start_date="2023-01-01", end_date="2023-12-31")
    't1'
    >>> text = to_gexf(M)
    >>> 'mode="dynamic"' in text and 'timeformat="date"' in text
    True
    >>> '<edge id="t1" source="A" target="B" type="undirected" weight="1" start="2023-01-01" end="2023-12-31">' in text
    True
    """
    if version not in _GEXF:
        raise QueryError(f"unknown GEXF version {version!r}; expected 1.3 or 1.2draft")
    ns, number = _GEXF[version]
    nodes, edges = _records(G, node_attrs)
    renamed = [(u, v, k, {_GEXF_RENAME.get(a, a): x for a, x in d.items()}) for u, v, k, d in edges]
    node_keys = _declare(nodes, _NODE_ORDER)
    edge_keys = [(a, t) for a, t in _declare(renamed, _EDGE_ORDER_GEXF) if a != "weight"]
    dynamic = any(d.get("start_date") for _, _, _, d in edges)
    span = {}
    for u, v, k, d in edges:
        if d.get("start_date"):
            lo, hi = str(d["start_date"]), str(d.get("end_date") or d["start_date"])
            for n in (u, v):
                a, b = span.get(n, (lo, hi))
                span[n] = (min(a, lo), max(b, hi))
    kinds = {bool(d.get("directed", True)) for _, _, _, d in edges}
    default = "undirected" if kinds == {False} else "directed"
    out = ['<?xml version="1.0" encoding="UTF-8"?>',
           f'<gexf xmlns="{ns}" version="{number}">',
           "  <meta>", "    <creator>tiegraph</creator>",
           "    <description>Ties between actors: one edge per tie, keyed by its id</description>",
           "  </meta>",
           f'  <graph defaultedgetype="{default}" mode="{"dynamic" if dynamic else "static"}"'
           + (' timeformat="date"' if dynamic else "") + ">"]
    for cls, keys in (("node", node_keys), ("edge", edge_keys)):
        out.append(f'    <attributes class="{cls}" mode="static">')
        out += [f'      <attribute id="{_attr(a)}" title="{_attr(a)}" type="{_GEXF_TYPES[t]}"/>'
                for a, t in keys]
        out.append("    </attributes>")
    out.append(f'    <nodes count="{len(nodes)}">')
    for n, d in nodes:
        times = f' start="{span[n][0]}" end="{span[n][1]}"' if n in span else ""
        out.append(f'      <node id="{_attr(n)}" label="{_attr(d.get("name") or n)}"{times}>')
        out += _attvalues(d, node_keys, "        ")
        look = (viz or {}).get(n)
        if look:
            if look.get("color"):
                out.append(f'        <color {_rgb(look["color"])}/>')
            if look.get("x") is not None and look.get("y") is not None:
                out.append(f'        <position x="{_num(float(look["x"]))}" '
                           f'y="{_num(-float(look["y"]))}" z="0"/>')
            if look.get("size") is not None:
                out.append(f'        <size value="{_num(max(0.0, float(look["size"])))}"/>')
        out.append("      </node>")
    out += ["    </nodes>", f'    <edges count="{len(renamed)}">']
    for u, v, k, d in renamed:
        attrs = f'id="{_attr(k)}" source="{_attr(u)}" target="{_attr(v)}"'
        if edge_types:
            attrs += f' type="{"directed" if d.get("directed", True) else "undirected"}"'
        if _present(d.get("weight")):
            attrs += f' weight="{_value(d["weight"])}"'
        if d.get("start_date"):
            attrs += f' start="{d["start_date"]}" end="{d.get("end_date") or d["start_date"]}"'
        out.append(f"      <edge {attrs}>")
        out += _attvalues(d, edge_keys, "        ")
        color = (edge_viz or {}).get(k, {}).get("color")
        if color:
            out.append(f'        <color {_rgb(color)}/>')
        out.append("      </edge>")
    out += ["    </edges>", "  </graph>", "</gexf>"]
    return "\n".join(out) + "\n"


def to_csv(G):
    """Return the ties of ``G`` as a ties CSV (the ``data/ties.csv`` columns), by id.

    Booleans are written ``true``/``false``, whole numbers without ``.0``,
    missing values empty, so the file loads back with the same values. A
    cell a spreadsheet would run as a formula (``=HYPERLINK(...)``) gets a
    leading apostrophe (:func:`graph.textsafe.neutralise_cell`), which
    tiegraph's loader removes again.

    Examples
    --------
    >>> M = nx.MultiDiGraph()
    >>> M.add_edge("A", "B", key="t1", id="t1", source="A", target="B", type="trade",
    ...            directed=False, weight=2.0, value=None)
    't1'
    >>> print(to_csv(M).splitlines()[1])
    t1,A,B,trade,,,false,2,,,,,,,
    """
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    quoted = csv.writer(out, lineterminator="\n", quoting=csv.QUOTE_ALL)  # a bare CR must be quoted
    writer.writerow(TIE_COLUMNS)

    from .textsafe import neutralise_cell

    def cell(v):
        v = _flat(v)
        if v is None:
            return ""
        if isinstance(v, bool):
            return "true" if v else "false"
        if isinstance(v, float) and v.is_integer() and abs(v) < 1e16:
            return str(int(v))
        return str(v)

    for u, v, k, d in sorted(G.edges(keys=True, data=True), key=lambda e: str(e[2])):
        rec = {"id": k, "source": u, "target": v, **d}
        cells = [neutralise_cell(cell(rec.get(c))) for c in TIE_COLUMNS]
        (quoted if any("\r" in c for c in cells) else writer).writerow(cells)
    return out.getvalue()


def export_graph(G, fmt, **options):
    """Return ``G`` in ``fmt`` (a key of :data:`EXPORT_FORMATS`): text, or bytes for ``xlsx``.

    ``options`` go to the format's function (``version``, ``viz``,
    ``edge_viz``, ``node_attrs``, ``edge_types``, ``documents``); those a
    format does not take are ignored.

    Raises
    ------
    QueryError
        For an unknown format.

    Examples
    --------
    >>> export_graph(nx.MultiDiGraph(), "csv").splitlines()[0].split(",")[:3]
    ['id', 'source', 'target']
    """
    writers = {"graphml": (to_graphml, ("node_attrs", "edge_types")),
               "gexf": (to_gexf, ("version", "viz", "node_attrs", "edge_types", "edge_viz")),
               "cytoscape": (to_cytoscape, ("viz", "node_attrs", "edge_viz")),
               "json": (to_node_link, ()), "csv": (to_csv, ()), "xlsx": (to_xlsx, ("documents",))}
    if fmt not in writers:
        raise QueryError(f"unknown export format {fmt!r}; expected one of {', '.join(writers)}")
    func, takes = writers[fmt]
    return func(G, **{k: v for k, v in options.items() if k in takes and v is not None})


def graphml_id(text):
    """``text`` as a GraphML id (an XML name token): other characters as ``_xHHHH_`` (UTF-16 units).

    Plain ids are unchanged; :func:`from_graphml_id` is the exact inverse.

    Examples
    --------
    >>> graphml_id("t0001"), graphml_id("cow:USA-CHN:2019:a|b"), graphml_id("Q&A 1")
    ('t0001', 'cow:USA-CHN:2019:a_x007C_b', 'Q_x0026_A_x0020_1')
    >>> all(from_graphml_id(graphml_id(s)) == s for s in ("a_x0041_b", "대한", "\U0001F600", "_"))
    True
    """
    text = str(text)
    out, i = [], 0
    for m in _ID_SAFE_RE.finditer(text):
        for c in text[i:m.start()]:
            units = c.encode("utf-16-be")
            out += [f"_x{units[j] << 8 | units[j + 1]:04X}_" for j in range(0, len(units), 2)]
        out.append(m.group(0))
        i = m.end()
    for c in text[i:]:
        units = c.encode("utf-16-be")
        out += [f"_x{units[j] << 8 | units[j + 1]:04X}_" for j in range(0, len(units), 2)]
    return "".join(out)


def from_graphml_id(text):
    """Undo :func:`graphml_id`."""
    def decode(m):
        units = bytes.fromhex("".join(m.group(1)[i + 2:i + 6] for i in range(0, len(m.group(1)), 7)))
        return units.decode("utf-16-be", "surrogatepass").encode("utf-16", "surrogatepass").decode("utf-16")
    return _ID_ESCAPE_RE.sub(decode, str(text))


def node_scores(G, *, polarity="cooperative"):
    """Return ``{actor: {metric: score}}`` for the six centrality metrics, as ``centrality`` computes them.

    Scores are computed on ``G`` collapsed over ``polarity`` ties
    (:func:`graph.build.collapse`, :func:`graph.analysis.centrality_scores`).

    Examples
    --------
    >>> M = nx.MultiDiGraph()
    >>> M.add_edge("A", "B", key="t1", type="trade", weight=1.0, directed=False, polarity="cooperative")
    't1'
    >>> node_scores(M)["A"]["degree"]
    1.0
    """
    from .analysis import centrality_scores
    from .build import collapse
    H = collapse(G, polarity=polarity or "cooperative")
    per_metric = {m: centrality_scores(H, m) for m in CENTRALITY_METRICS}
    return {n: {m: float(per_metric[m].get(n, 0.0)) for m in CENTRALITY_METRICS} for n in G}


def to_cytoscape(G, *, viz=None, node_attrs=None, edge_viz=None):
    """Return ``G`` as Cytoscape.js JSON (``{"elements": {"nodes": [...], "edges": [...]}}``).

    The shape ``cy.add()``/``cytoscape({elements})`` and Cytoscape desktop
    (``.cyjs``) read. Each node's ``data`` holds ``id``, ``name``, ``kind``,
    ``aliases``, ``actor_group`` (the actor's group: ``group`` is a reserved
    key on Cytoscape elements) and ``node_attrs``; with ``viz`` also
    ``color``, ``size`` and a ``position``. Each edge's ``data`` holds ``id``
    (the tie id), ``source``, ``target``, ``tie_type``, ``directed`` and the
    other tie fields (with ``edge_viz``, ``{tie id: {"color"}}``, its
    ``color``); missing values are left out.

    Examples
    --------
    >>> M = nx.MultiDiGraph()
    >>> M.add_edge("A", "B", key="t1", type="trade", directed=False, weight=1.0)
    't1'
    >>> json.loads(to_cytoscape(M))["elements"]["edges"]
    [{'data': {'id': 't1', 'source': 'A', 'target': 'B', 'tie_type': 'trade', 'directed': False, 'weight': 1.0}}]
    """
    nodes, edges = _records(G, node_attrs, rename_group=True, xml=False)
    out_nodes, out_edges = [], []
    for n, d in nodes:
        data = {"id": str(n), **{k: _json_value(x) for k, x in _ordered(d, _NODE_ORDER) if _present(x)}}
        element = {"data": data}
        look = (viz or {}).get(n)
        if look:
            for k in ("color", "size"):
                if look.get(k) is not None:
                    data[k] = look[k]
            if look.get("x") is not None and look.get("y") is not None:
                element["position"] = {"x": float(look["x"]), "y": float(look["y"])}
        out_nodes.append(element)
    for u, v, k, d in edges:
        data = {"id": str(k), "source": str(u), "target": str(v)}
        data.update((a, _json_value(x)) for a, x in _ordered(d, _EDGE_ORDER) if _present(x))
        color = (edge_viz or {}).get(k, {}).get("color")
        if color:
            data["color"] = color
        out_edges.append({"data": data})
    doc = {"data": {"generated_by": "tiegraph"}, "elements": {"nodes": out_nodes, "edges": out_edges}}
    return json.dumps(doc, ensure_ascii=False, indent=1, allow_nan=False) + "\n"


def to_xlsx(G, *, documents=None):
    """Return the ties of ``G`` as an Excel workbook (bytes): sheets ``ties``, ``actors``, ``documents``.

    ``ties`` has the ``data/ties.csv`` columns (weight and value as numbers,
    directed as TRUE/FALSE, dates as text); ``actors`` is written when every
    actor has a kind (otherwise the actors are inferred again on reading);
    ``documents`` (records or a DataFrame with the documents.csv columns) when
    given and every tie's document is in it. Text that a spreadsheet would run
    as a formula is neutralised (:func:`graph.textsafe.neutralise_cell`) and
    stored as a string; tiegraph's XLSX reader restores it. The bytes are
    deterministic (fixed dates in the file and its zip entries).

    Raises
    ------
    QueryError
        If there are more ties than an Excel sheet has rows (1,048,575), or
        a text longer than a cell holds (32,767 characters; the tie or actor
        and field are named).

    Examples
    --------
    >>> M = nx.MultiDiGraph()
    >>> M.add_edge("A", "B", key="t1", type="trade", directed=False, weight=2.0, quote="=1+1")
    't1'
    >>> to_xlsx(M)[:2]
    b'PK'
    """
    import datetime
    import zipfile
    from openpyxl import Workbook

    def cell(v, numeric=False, where=None):
        """A cell value: numbers and booleans as such, text neutralised (never starting with '=')."""
        v = _flat(v)
        if v is None or v == "":
            return None
        if isinstance(v, bool) or (numeric and isinstance(v, (int, float))):
            return v
        if isinstance(v, float) and v.is_integer() and abs(v) < 1e16:
            v = int(v)
        text = neutralise_cell(str(v))
        if len(text) > _EXCEL_CELL:
            raise QueryError(f"{where[0]}: {where[1]}: {len(text):,} characters, more than an Excel cell "
                             f"holds ({_EXCEL_CELL:,}); export --to csv keeps it whole")
        return text

    ties = sorted(G.edges(keys=True, data=True), key=lambda e: str(e[2]))
    if len(ties) > _EXCEL_ROWS - 1:
        raise QueryError(f"{len(ties):,} ties do not fit in one Excel sheet ({_EXCEL_ROWS - 1:,} rows at "
                         "most); narrow the selection or export --to csv")
    # every cell worked out first, so that a refusal leaves no half-written workbook behind
    tables = {"ties": [list(TIE_COLUMNS)] + [
        [cell({**d, "id": k, "source": u, "target": v}.get(c), numeric=c in ("weight", "value"),
              where=(f"tie {k!r}", c)) for c in TIE_COLUMNS] for u, v, k, d in ties]}
    nodes = sorted(G.nodes(data=True), key=lambda nd: str(nd[0]))
    if nodes and all(d.get("kind") for _, d in nodes):
        tables["actors"] = [list(ACTOR_COLUMNS)] + [
            [cell(n, where=(f"actor {n!r}", "id"))] + [cell(d.get(c), where=(f"actor {n!r}", c))
                                                        for c in ACTOR_COLUMNS[1:]] for n, d in nodes]
    if documents is not None:
        records = documents.to_dict("records") if hasattr(documents, "to_dict") else list(documents)
        known = {str(r.get("doc")) for r in records}
        if all(str(d.get("doc")) in known for _, _, _, d in ties):
            tables["documents"] = [list(DOCUMENT_COLUMNS)] + [
                [cell(r.get(c), where=(f"document {r.get('doc')!r}", c)) for c in DOCUMENT_COLUMNS]
                for r in sorted(records, key=lambda r: str(r.get("doc")))]
    from openpyxl.utils import get_column_letter
    wb = Workbook(write_only=True)  # streamed; text cells are neutralised, so none is a formula
    for name, rows in tables.items():
        sheet = wb.create_sheet(name)
        sheet.freeze_panes = "A2"  # the header stays in view
        for i, c in enumerate(rows[0], 1):  # room for the text columns
            sheet.column_dimensions[get_column_letter(i)].width = _XLSX_WIDTHS.get(c, 11)
        for row in rows:
            sheet.append(row)
    fixed = datetime.datetime(2000, 1, 1)
    wb.properties.created = wb.properties.modified = fixed
    wb.properties.creator = "tiegraph"
    raw = io.BytesIO()
    wb.save(raw)
    # zip entries carry the time of writing: rewrite them with a fixed one (same bytes every run)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(raw.getvalue())) as src, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                data = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*", rb"\g<1>2000-01-01T00:00:00Z", data)
            entry = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            dst.writestr(entry, data)
    return out.getvalue()


# --------------------------------------------------------------------------- helpers

def _records(G, node_attrs=None, *, rename_group=False, xml=True):
    """Sorted ``(nodes, edges)`` with plain values; edges as ``(u, v, key, attrs)``.

    Edge attributes drop ``id``/``source``/``target`` (the edge's own) and
    name the tie type ``tie_type``. With ``xml``, values are checked for
    characters XML cannot carry.
    """
    nodes = []
    for n in sorted(G, key=str):
        d = {k: _flat(v) for k, v in G.nodes[n].items() if k not in ("file", "line")}
        d.update((node_attrs or {}).get(n, {}))
        if rename_group and "group" in d:
            d["actor_group"] = d.pop("group")
        if xml:
            _check_xml("actor", n, {"id": n, **d})
        nodes.append((n, {k: v for k, v in d.items() if v is not None}))
    if G.is_multigraph():
        raw = G.edges(keys=True, data=True)
    else:
        raw = ((u, v, d.get("id", f"{u}-{v}"), d) for u, v, d in G.edges(data=True))
    edges = []
    for u, v, k, d in sorted(raw, key=lambda e: (str(e[2]), str(e[0]), str(e[1]))):
        rec = {}
        for a, x in d.items():
            if a in ("id", "source", "target", "file", "line"):
                continue
            x = _flat(x)
            if x is not None:
                rec["tie_type" if a == "type" else a] = x
        if xml:
            _check_xml("tie", k, {"id": k, "source": u, "target": v, **rec})
        edges.append((u, v, k, rec))
    return nodes, edges


def _check_xml(what, ident, values):
    """Raise DatasetError naming the field when a value (or name) holds a character XML cannot carry."""
    if xml_illegal("\n".join(f"{k}\n{v}" for k, v in values.items())) is None:  # one pass: the usual case
        return
    for field, value in values.items():
        for text in (str(field), str(value)):
            bad = xml_illegal(text)
            if bad is not None:
                raise DatasetError(f"{what} {str(ident)!r}: {field}: holds the control character "
                                   f"U+{ord(bad):04X}, which XML cannot carry; remove it from the data")


def _declare(records, order, extra=()):
    """``[(name, type)]`` of the attributes the records use, in ``order`` then sorted."""
    types = {}
    for rec in records:
        d = rec[-1]
        for a, x in d.items():
            if not _present(x):
                continue
            t = _FIXED_TYPES.get(a) or ("boolean" if isinstance(x, bool) else
                                        "long" if isinstance(x, int) else
                                        "double" if isinstance(x, float) else "string")
            if types.get(a, t) != t:
                t = "double" if {types[a], t} == {"long", "double"} else "string"
            types[a] = t
    for a in extra:
        types.setdefault(a, "string")
    names = [a for a in order if a in types] + sorted(a for a in types if a not in order)
    return [(a, types[a]) for a in names]


def _ordered(d, order):
    return [(a, d[a]) for a in order if a in d] + sorted((a, x) for a, x in d.items() if a not in order)


def _attvalues(d, keys, indent):
    values = [(a, d[a]) for a, _ in keys if _present(d.get(a))]
    if not values:
        return []
    return ([f"{indent}<attvalues>"]
            + [f'{indent}  <attvalue for="{_attr(a)}" value="{_attr(_value(x))}"/>' for a, x in values]
            + [f"{indent}</attvalues>"])


def _rgb(color):
    """``#rrggbb`` as GEXF colour attributes."""
    r, g, b = (int(str(color).lstrip("#")[i:i + 2], 16) for i in (0, 2, 4))
    return f'r="{r}" g="{g}" b="{b}"'


def _present(x):
    return x is not None and x != "" and not (isinstance(x, float) and not math.isfinite(x))


def _bool(x):
    return "true" if x else "false"


def _num(x):
    """A float as short decimal text (whole numbers without ``.0``)."""
    if x.is_integer() and abs(x) < 1e16:
        return str(int(x))
    return repr(x)


def _value(x):
    """An attribute value as XML text: booleans true/false, numbers short, the rest as is."""
    if isinstance(x, bool):
        return _bool(x)
    if isinstance(x, float):
        return _num(x)
    return str(x)


def _json_value(x):
    return x if isinstance(x, (bool, int, float)) else str(x)


def _attr(text):
    """``text`` escaped for a double-quoted XML attribute (tabs and line ends kept as references)."""
    return _ATTR_RE.sub(lambda m: _ATTR_ESCAPES[m.group(0)], str(text))


def _text(text):
    """``text`` escaped for XML character data (carriage returns kept as a reference)."""
    return _TEXT_RE.sub(lambda m: _ATTR_ESCAPES[m.group(0)], str(text))
