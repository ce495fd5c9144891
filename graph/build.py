"""Turn tie tables into graphs: slice, build the multigraph, collapse to weights."""

import math

import networkx as nx
import pandas as pd

from .errors import QueryError
from .load import parse_partial_dates
from .schema import CONFIDENCE_LEVELS, CONFIDENCE_RANK, POLARITIES, TIE_TYPES

__all__ = ["select", "build_graph", "collapse", "neighborhood", "period_bounds",
           "describe_filters", "tie_record"]


def period_bounds(value):
    """Return the first and last day (Timestamps) that a partial ISO date covers.

    Raises
    ------
    QueryError
        If ``value`` is not ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``.

    Examples
    --------
    >>> [d.date().isoformat() for d in period_bounds("2023-02")]
    ['2023-02-01', '2023-02-28']
    """
    first, last, ok = parse_partial_dates(pd.Series([str(value)]))
    if not ok[0]:
        raise QueryError(f"{value!r} is not a date (expected YYYY, YYYY-MM or YYYY-MM-DD)")
    return first[0], last[0]


def select(ties, *, start=None, end=None, as_of=None, types=None, min_confidence=None,
           polarity=None):
    """Return the ties that pass every filter given (a new DataFrame).

    Parameters
    ----------
    ties : DataFrame
        As loaded by :func:`graph.load.load_dataset`.
    start, end : str, optional
        A window: a tie is kept if the days it covers overlap ``[start, end]``
        (a partial date covers its whole period: ``--to 2023`` means to 31 Dec).
    as_of : str, optional
        Keep only ties that had begun by the end of this date.
    types : iterable of str, optional
        Tie types to keep.
    min_confidence : str, optional
        Weakest confidence to keep (``confirmed > reported > assessed > speculated``).
    polarity : {"cooperative", "adversarial", "all", None}
        Keep one polarity; ``None`` or ``"all"`` keeps both.

    Raises
    ------
    QueryError
        For a malformed date, an unknown type, confidence or polarity, or a
        window whose end is before its start.

    Examples
    --------
    >>> ties = pd.DataFrame({"id": ["a", "b"], "type": ["trade", "sanctions"],
    ...     "confidence": ["confirmed", "reported"], "polarity": ["cooperative", "adversarial"],
    ...     "start_date": pd.to_datetime(["2020-01-01", "2023-05-01"]),
    ...     "end_date": pd.to_datetime(["2021-12-31", "2023-05-01"])})
    >>> list(select(ties, start="2022")["id"]), list(select(ties, as_of="2021")["id"])
    (['b'], ['a'])
    """
    keep = pd.Series(True, index=ties.index)
    lo = period_bounds(start)[0] if start else None
    hi = period_bounds(end)[1] if end else None
    if lo is not None and hi is not None and hi < lo:
        raise QueryError(f"the window is empty: --to {end} is before --from {start}")
    if lo is not None:
        keep &= ties["end_date"] >= lo
    if hi is not None:
        keep &= ties["start_date"] <= hi
    if as_of:
        keep &= ties["start_date"] <= period_bounds(as_of)[1]
    if types:
        types = list(types)
        unknown = sorted(set(types) - set(TIE_TYPES))
        if unknown:
            raise QueryError(f"unknown tie type {unknown[0]!r}; expected one of {', '.join(TIE_TYPES)}")
        keep &= ties["type"].isin(types)
    if min_confidence:
        if min_confidence not in CONFIDENCE_RANK:
            raise QueryError(f"unknown confidence {min_confidence!r}; expected one of "
                             f"{', '.join(reversed(CONFIDENCE_LEVELS))}")
        keep &= ties["confidence"].map(CONFIDENCE_RANK) >= CONFIDENCE_RANK[min_confidence]
    if polarity and polarity != "all":
        if polarity not in POLARITIES:
            raise QueryError(f"unknown polarity {polarity!r}; expected all, cooperative or adversarial")
        keep &= ties["polarity"] == polarity
    return ties[keep].copy()


def describe_filters(*, start=None, end=None, as_of=None, types=None, min_confidence=None,
                     polarity=None):
    """Return the filters in force as a short English phrase ('' when none).

    Examples
    --------
    >>> describe_filters(start="2022", types=["trade", "energy"], min_confidence="reported")
    'from 2022; types energy, trade; confidence reported or better'
    """
    parts = []
    if start:
        parts.append(f"from {start}")
    if end:
        parts.append(f"to {end}")
    if as_of:
        parts.append(f"as of {as_of}")
    if types:
        parts.append("types " + ", ".join(sorted(types)))
    if min_confidence:
        parts.append(f"confidence {min_confidence} or better")
    if polarity and polarity != "all":
        parts.append(f"{polarity} ties only")
    return "; ".join(parts)


def _plain(v):
    """Plain Python value for a graph attribute (dates as ISO text, NaN as None)."""
    if isinstance(v, pd.Timestamp):
        return v.date().isoformat()
    if hasattr(v, "item"):
        v = v.item()
    if isinstance(v, float) and math.isnan(v):
        return None
    return v


def tie_record(row):
    """Return one tie (a row mapping) as a dict of plain values, without provenance.

    Examples
    --------
    >>> tie_record({"id": "t1", "weight": 2.0, "value": float("nan"), "line": 2, "file": "x"})
    {'id': 't1', 'weight': 2.0, 'value': None}
    """
    return {k: _plain(v) for k, v in dict(row).items() if k not in ("file", "line")}


def build_graph(ties, actors=None, *, documents=None, include_isolates=False):
    """Return a MultiDiGraph with one edge per tie, keyed by its id.

    Every tie column becomes an edge attribute (dates as ISO strings:
    ``start_date``/``end_date`` are the first and last day covered). Actor
    columns become node attributes; an actor with no row gets ``name`` = id.
    An undirected tie is stored once, ``source → target``, with
    ``directed=False``; analyses count it both ways. Document titles are
    copied onto edges as ``doc_title`` when ``documents`` is given.

    Examples
    --------
    >>> ties = pd.DataFrame({"id": ["t1", "t2"], "source": ["A", "A"], "target": ["B", "B"],
    ...                      "type": ["trade", "energy"], "weight": [1.0, 2.0]})
    >>> G = build_graph(ties)
    >>> sorted(G.edges(keys=True)), G.nodes["A"]["name"]
    ([('A', 'B', 't1'), ('A', 'B', 't2')], 'A')
    """
    G = nx.MultiDiGraph()
    titles = {}
    if documents is not None and len(documents):
        titles = dict(zip(documents["doc"], documents.get("title", documents["doc"])))
    info = {}
    if actors is not None and len(actors):
        cols = [c for c in actors.columns if c not in ("file", "line")]
        for rec in actors[cols].to_dict("records"):
            info[rec["id"]] = {k: _plain(v) for k, v in rec.items() if k != "id"}
    if include_isolates:
        for aid in sorted(info):
            G.add_node(aid, **info[aid])
    cols = [c for c in ties.columns if c not in ("file", "line")]
    for rec in ties[cols].to_dict("records"):
        s, t = rec["source"], rec["target"]
        for n in (s, t):
            if n not in G:
                G.add_node(n, **info.get(n, {"name": n}))
        attrs = {k: _plain(v) for k, v in rec.items()}
        if titles:
            attrs["doc_title"] = titles.get(rec.get("doc"), "")
        G.add_edge(s, t, key=rec["id"], **attrs)
    return G


def collapse(G, *, directed=False, type_factors=None, polarity="cooperative"):
    """Collapse a tie multigraph to one weighted edge per actor pair.

    Parameters
    ----------
    G : MultiDiGraph
        From :func:`build_graph`.
    directed : bool
        Return a DiGraph (an undirected tie then counts in both directions)
        instead of a Graph.
    type_factors : dict, optional
        Multiplier per tie type (default 1); a factor of 0 leaves that type out.
    polarity : {"cooperative", "adversarial", "all"}
        Which ties to count: by default only cooperative ones, so that
        sanctions and hostile acts do not pull rivals together.

    Returns
    -------
    Graph or DiGraph
        Edges carry ``weight`` (summed, factored tie weight), ``distance``
        (``1 / weight``, so strong ties are short), ``n_ties`` and ``ties``
        (the tie ids, sorted). Every node of ``G`` is kept, with its attributes.
        ``graph["polarity"]`` records which ties were counted.

    Examples
    --------
    >>> M = nx.MultiDiGraph()
    >>> M.add_edge("A", "B", key="t1", type="trade", weight=1.0, directed=False, polarity="cooperative")
    't1'
    >>> M.add_edge("B", "A", key="t2", type="energy", weight=3.0, directed=True, polarity="cooperative")
    't2'
    >>> H = collapse(M)
    >>> H["A"]["B"]["weight"], H["A"]["B"]["distance"], H["A"]["B"]["ties"]
    (4.0, 0.25, ['t1', 't2'])
    """
    polarity = polarity or "all"
    factors = dict(type_factors or {})
    H = nx.DiGraph() if directed else nx.Graph()
    H.graph["polarity"] = polarity
    H.add_nodes_from(sorted(G.nodes(data=True), key=lambda nd: str(nd[0])))
    for s, t, key, d in sorted(G.edges(keys=True, data=True), key=lambda e: str(e[2])):
        if polarity != "all" and d.get("polarity") != polarity:
            continue
        w = float(d.get("weight", 1.0)) * factors.get(d.get("type"), 1.0)
        if w <= 0:
            continue
        pairs = [(s, t)]
        if directed and not d.get("directed", True):
            pairs.append((t, s))
        for u, v in pairs:
            if H.has_edge(u, v):
                e = H[u][v]
                e["weight"] += w
                e["n_ties"] += 1
                e["ties"].append(key)
            else:
                H.add_edge(u, v, weight=w, n_ties=1, ties=[key])
    for _, _, e in H.edges(data=True):
        e["ties"].sort()
        e["distance"] = 1.0 / e["weight"]
    return H


def neighborhood(G, actor, *, depth=1):
    """Return the sub-multigraph of actors within ``depth`` hops of ``actor``.

    Direction is ignored when counting hops; every tie among the kept actors
    is kept.

    Examples
    --------
    >>> M = nx.MultiDiGraph([("A", "B"), ("B", "C"), ("C", "D")])
    >>> sorted(neighborhood(M, "B"))
    ['A', 'B', 'C']
    """
    if actor not in G:
        raise QueryError(f"{actor!r} has no ties in the selected data")
    near = nx.single_source_shortest_path_length(G.to_undirected(as_view=True), actor, cutoff=depth)
    return G.subgraph(near).copy()
