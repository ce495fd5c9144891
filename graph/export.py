"""Export a tie graph to GraphML, GEXF (dynamic), node-link JSON or the ties CSV format.

Every function returns the file's text (no file is written here) and is
deterministic: nodes and edges are sorted by id, so the same graph gives the
same bytes.
"""

import csv
import io
import json
import math
import re

import networkx as nx

from .errors import QueryError
from .schema import TIE_COLUMNS

__all__ = ["EXPORT_FORMATS", "export_graph", "to_graphml", "to_gexf", "to_node_link", "to_csv"]

#: Formats :func:`export_graph` knows, with their usual file suffix.
EXPORT_FORMATS = {"graphml": ".graphml", "gexf": ".gexf", "json": ".json", "csv": ".csv"}


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


def to_graphml(G):
    """Return ``G`` as GraphML text: every tie an edge (id = tie id) with all its attributes.

    Missing values (None) are left out of the edge; lists are joined with ``;``.
    Read it back with ``nx.read_graphml(path, force_multigraph=True)``.

    Examples
    --------
    >>> M = nx.MultiDiGraph()
    >>> M.add_edge("A", "B", key="t1", type="trade", weight=2.0, value=None)
    't1'
    >>> back = nx.parse_graphml(to_graphml(M), force_multigraph=True)
    >>> list(back.edges(keys=True, data=True))
    [('A', 'B', 't1', {'type': 'trade', 'weight': 2.0})]
    """
    H = _sorted_copy(G, flat=True)
    H.graph = {k: f for k, v in H.graph.items() if (f := _flat(v)) is not None}
    return "\n".join(nx.generate_graphml(H, named_key_ids=True, edge_id_from_attribute=None)) + "\n"


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


def to_gexf(G):
    """Return ``G`` as GEXF 1.2 in dynamic mode, so that Gephi's timeline plays it.

    Each edge gets ``start``/``end`` = the first and last day its tie covers
    (``timeformat="date"``); the dates as the evidence gave them are kept as
    ``start_as_given``/``end_as_given``. Each node starts on the day of its
    first tie. Other attributes are kept (None left out, lists joined).

    Examples
    --------
    >>> M = nx.MultiDiGraph()
    >>> M.add_edge("A", "B", key="t1", start="2023", end=None, start_date="2023-01-01",
    ...            end_date="2023-12-31")
    't1'
    >>> text = to_gexf(M)
    >>> 'mode="dynamic"' in text and 'timeformat="date"' in text
    True
    >>> 'start="2023-01-01" end="2023-12-31"' in text
    True
    """
    H = _sorted_copy(G, flat=True)
    first = {}
    for u, v, k, d in H.edges(keys=True, data=True):
        for name in ("start", "end"):
            if name in d:
                d[f"{name}_as_given"] = d.pop(name)
        if d.get("start_date"):
            d["start"] = d["start_date"]
            d["end"] = d.get("end_date") or d["start_date"]
            for n in (u, v):
                first[n] = min(first.get(n, d["start"]), d["start"])
    for n, d in H.nodes(data=True):
        for name in ("start", "end"):
            if name in d:
                d[f"{name}_as_given"] = d.pop(name)
        if n in first:
            d["start"] = first[n]
    H.graph = {"mode": "dynamic"}
    if "label" not in next(iter(H.nodes.values()), {}):
        for n, d in H.nodes(data=True):
            d.setdefault("label", d.get("name") or str(n))
    text = "\n".join(nx.generate_gexf(H, version="1.2draft")) + "\n"
    text = re.sub(r'<meta lastmodifieddate="[^"]*"', "<meta", text, count=1)  # today's date: not reproducible
    if H.number_of_edges() and 'timeformat="date"' not in text:  # no dated tie at all
        text = text.replace('mode="dynamic"', 'mode="dynamic" timeformat="date"', 1)
    return text


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
        writer.writerow([neutralise_cell(cell(rec.get(c))) for c in TIE_COLUMNS])
    return out.getvalue()


def export_graph(G, fmt):
    """Return ``G`` as text in ``fmt`` (a key of :data:`EXPORT_FORMATS`).

    Raises
    ------
    QueryError
        For an unknown format.

    Examples
    --------
    >>> export_graph(nx.MultiDiGraph(), "csv").splitlines()[0].split(",")[:3]
    ['id', 'source', 'target']
    """
    writers = {"graphml": to_graphml, "gexf": to_gexf, "json": to_node_link, "csv": to_csv}
    if fmt not in writers:
        raise QueryError(f"unknown export format {fmt!r}; expected one of {', '.join(writers)}")
    return writers[fmt](G)
