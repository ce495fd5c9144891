"""Turn tie tables into graphs: slice, build the multigraph, collapse to weights."""

import math

import networkx as nx
import numpy as np
import pandas as pd

from .errors import QueryError
from .load import parse_partial_dates
from .schema import CONFIDENCE_LEVELS, CONFIDENCE_RANK, POLARITIES, TIE_TYPES

__all__ = ["select", "build_graph", "collapse", "collapse_ties", "neighborhood", "period_bounds",
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


def _plain_column(col):
    """``[_plain(v) for v in col]``, by column type rather than by cell where it can be."""
    dtype = col.dtype
    if dtype.kind == "M" and getattr(dtype, "tz", None) is None:
        codes, days = pd.factorize(col.to_numpy().astype("datetime64[D]"))  # few distinct days
        text = np.datetime_as_string(np.asarray(days, dtype="datetime64[D]"), unit="D").astype(object)
        out = text[codes] if len(text) else np.full(len(codes), pd.NaT, dtype=object)
        out[codes < 0] = pd.NaT  # as _plain leaves it
        return out.tolist()
    if dtype.kind == "f" and isinstance(dtype, np.dtype):
        arr = col.to_numpy()
        out = arr.astype(object)
        out[np.isnan(arr)] = None
        return out.tolist()
    if dtype.kind in "biu" and isinstance(dtype, np.dtype):
        return col.tolist()
    if isinstance(dtype, pd.StringDtype) and dtype.na_value is not pd.NA:
        return col.to_numpy(dtype=object, na_value=None).tolist()
    if dtype == object:
        return [v if type(v) is str else _plain(v) for v in col.tolist()]
    return [_plain(v) for v in col.to_frame("v").to_dict("list")["v"]]  # as to_dict("records") boxes


def _actor_info(actors):
    """``{actor id: node attributes}`` from the actor table (plain values, no provenance)."""
    info = {}
    if actors is not None and len(actors):
        cols = [c for c in actors.columns if c not in ("file", "line")]
        for rec in actors[cols].to_dict("records"):
            info[rec["id"]] = {k: _plain(v) for k, v in rec.items() if k != "id"}
    return info


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
    info = _actor_info(actors)
    if include_isolates:
        for aid in sorted(info):
            G.add_node(aid, **info[aid])
    if not len(ties):
        return G
    cols = [c for c in ties.columns if c not in ("file", "line")]
    sources, targets = ties["source"].tolist(), ties["target"].tolist()
    ends = [None] * (2 * len(sources))  # s0, t0, s1, t1, …: nodes in the order ties meet them
    ends[0::2], ends[1::2] = sources, targets
    for n in dict.fromkeys(ends):
        if n not in G:
            G.add_node(n, **info.get(n, {"name": n}))
    values = [_plain_column(ties[c]) for c in cols]
    records = [dict(zip(cols, row)) for row in zip(*values)]
    if titles:
        for attrs in records:
            attrs["doc_title"] = titles.get(attrs.get("doc"), "")
    for s, t, key, attrs in zip(sources, targets, ties["id"].tolist(), records):
        G.add_edge(s, t, key, **attrs)
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
    for u, v, e in H.edges(data=True):
        if not math.isfinite(e["weight"]):
            _overflow(u, v, e["n_ties"])
        e["ties"].sort()
        e["distance"] = 1.0 / e["weight"]
    return H


def _overflow(u, v, n):
    """Raise the error for a pair whose summed weight is too large for a float."""
    raise QueryError(f"the {n} tie{'s' if n != 1 else ''} between {u} and {v} weigh more in total "
                     "than a number can hold (over 1.8e308); scale their weights down")


def _counted_weights(ties, type_factors, polarity):
    """Per row: the factored weight collapse() would count, and whether it counts at all."""
    n = len(ties)
    if "weight" in ties.columns:
        w = pd.to_numeric(ties["weight"], errors="coerce").to_numpy(dtype=float, na_value=np.nan)
        w = np.where(np.isnan(w), 1.0, w)
    else:
        w = np.ones(n)
    factors = dict(type_factors or {})
    if factors:
        if "type" in ties.columns:
            codes, kinds = pd.factorize(ties["type"])
            per_kind = np.array([float(factors.get(k, 1.0)) for k in kinds] + [float(factors.get(None, 1.0))])
            w = w * per_kind[codes]  # code -1 (a blank type) picks the last entry, as None
        else:
            w = w * float(factors.get(None, 1.0))
    counted = w > 0
    if polarity != "all":
        if "polarity" in ties.columns:
            counted &= (ties["polarity"] == polarity).fillna(False).to_numpy(dtype=bool)
        else:
            counted[:] = False
    return w, counted


def _undirected_rows(ties):
    """Per row: True for a tie that goes both ways (``not directed``, as collapse() reads it)."""
    if "directed" not in ties.columns:
        return np.zeros(len(ties), dtype=bool)
    col = ties["directed"]
    if col.dtype == bool:
        return ~col.to_numpy()
    return np.array([not _plain(v) for v in col.tolist()], dtype=bool)


def collapse_slices(ties, actors=None, slices=(None,), *, directed=False, type_factors=None,
                    polarity="cooperative", tie_ids=True):
    """Yield :func:`collapse_ties` of ``ties[mask]`` for each boolean row mask in ``slices``.

    The pair codes, tie order and counted weights are worked out once for the
    whole table, so many slices (a timeline's years) cost little more than
    one. A mask of ``None`` stands for every row. With ``tie_ids=False``
    edges carry ``weight``, ``n_ties`` and ``distance`` but no ``ties`` list
    (for callers that only score the graph: a third faster).

    Examples
    --------
    >>> ties = pd.DataFrame({"id": ["t1", "t2"], "source": ["A", "B"], "target": ["B", "C"],
    ...     "type": ["trade", "trade"], "polarity": ["cooperative", "cooperative"],
    ...     "weight": [1.0, 2.0], "directed": [False, False]})
    >>> [sorted(H.edges) for H in collapse_slices(ties, slices=[[True, False], [False, True]])]
    [[('A', 'B')], [('B', 'C')]]
    """
    polarity = polarity or "all"
    info = _actor_info(actors)
    n = len(ties)
    if n:
        ids = ties["id"].tolist()
        keys = ids if all(type(k) is str for k in ids) else [str(k) for k in ids]
        order = np.argsort(np.array(keys, dtype=object), kind="stable")  # collapse() walks ties by str(id)
        place = np.empty(n, dtype=np.int64)
        place[order] = np.arange(n)  # each row's place in that order
        ends, names = pd.factorize(np.concatenate([ties["source"].to_numpy(dtype=object),
                                                   ties["target"].to_numpy(dtype=object)]))
        names = np.asarray(names, dtype=object)
        src, tgt = ends[:n].astype(np.int64), ends[n:].astype(np.int64)
        weight, counted = _counted_weights(ties, type_factors, polarity)
        both_ways = _undirected_rows(ties) if directed else np.zeros(n, dtype=bool)
        ids = np.array(ids + [None], dtype=object)[:-1]  # a 1-d object array whatever the ids are
    for mask in slices:
        H = nx.DiGraph() if directed else nx.Graph()
        H.graph["polarity"] = polarity
        if not n:
            yield H
            continue
        if mask is None:
            rows = order
        else:  # the slice's rows in id order, at a cost that grows with the slice, not the table
            rows = np.flatnonzero(np.asarray(mask, dtype=bool))
            rows = rows[np.argsort(place[rows], kind="stable")]
        present = np.zeros(len(names), dtype=bool)
        present[src[rows]] = True
        present[tgt[rows]] = True
        H.add_nodes_from(sorted(((v, dict(info.get(v, {"name": v}))) for v in names[present]),
                                key=lambda nd: str(nd[0])))
        rows = rows[counted[rows]]
        u, v = src[rows], tgt[rows]
        if directed:  # each tie (s, t), then (t, s) if it goes both ways, as collapse() adds them
            back = both_ways[rows]
            seq_u = np.stack([u, v], axis=1).ravel()
            seq_v = np.stack([v, u], axis=1).ravel()
            keep = np.stack([np.ones(len(rows), dtype=bool), back], axis=1).ravel()
            seq_u, seq_v = seq_u[keep], seq_v[keep]
            seq_rows = np.repeat(rows, 1 + back.astype(np.int64))
        else:
            seq_u, seq_v, seq_rows = np.minimum(u, v), np.maximum(u, v), rows
        if not len(seq_rows):
            yield H
            continue
        pair_keys, first, inverse = np.unique(seq_u * len(names) + seq_v, return_index=True,
                                              return_inverse=True)
        inverse = inverse.ravel()
        with np.errstate(over="ignore", invalid="ignore"):
            summed = np.bincount(inverse, weights=weight[seq_rows], minlength=len(pair_keys))  # in tie order
        if not np.isfinite(summed).all():
            p = int(np.flatnonzero(~np.isfinite(summed))[0])
            _overflow(names[seq_u[first[p]]], names[seq_v[first[p]]], int(np.bincount(inverse)[p]))
        counts = np.bincount(inverse, minlength=len(pair_keys))
        summed, n_ties = summed.tolist(), counts.tolist()
        first_u, first_v = names[seq_u[first]].tolist(), names[seq_v[first]].tolist()
        met = np.argsort(first, kind="stable").tolist()  # pairs in the order collapse() meets them
        if tie_ids:
            grouped = ids[seq_rows[np.argsort(inverse, kind="stable")]].tolist()
            stops = np.cumsum(counts).tolist()
            edges = []
            for p in met:
                found = grouped[stops[p] - n_ties[p]:stops[p]]
                found.sort()
                w = summed[p]
                edges.append((first_u[p], first_v[p],
                              {"weight": w, "n_ties": n_ties[p], "ties": found, "distance": 1.0 / w}))
        else:
            edges = [(first_u[p], first_v[p], {"weight": summed[p], "n_ties": n_ties[p],
                                               "distance": 1.0 / summed[p]}) for p in met]
        H.add_edges_from(edges)
        yield H


def collapse_ties(ties, actors=None, *, directed=False, type_factors=None, polarity="cooperative"):
    """Return ``collapse(build_graph(ties, actors), ...)``, computed on the table.

    The same Graph or DiGraph (nodes, their attributes, edges in the same
    order with ``weight``, ``n_ties``, ``ties`` and ``distance``, and
    ``graph["polarity"]``) without building one edge per tie first: ties are
    grouped per actor pair in NumPy, so 561k ties collapse in about a second
    instead of twenty. Every actor with a tie in ``ties`` is a node, counted
    or not. A blank weight counts as 1.

    Parameters
    ----------
    ties : DataFrame
        As loaded by :func:`graph.load.load_dataset` (already sliced).
    actors : DataFrame, optional
        Node attributes; an actor with no row gets ``name`` = id.
    directed, type_factors, polarity
        As in :func:`collapse`.

    Examples
    --------
    >>> ties = pd.DataFrame({"id": ["t2", "t1", "t3"], "source": ["B", "A", "A"],
    ...     "target": ["A", "B", "C"], "type": ["energy", "trade", "sanctions"],
    ...     "polarity": ["cooperative", "cooperative", "adversarial"],
    ...     "weight": [3.0, 1.0, 2.0], "directed": [True, False, True]})
    >>> H = collapse_ties(ties)
    >>> sorted(H), H["A"]["B"]
    (['A', 'B', 'C'], {'weight': 4.0, 'n_ties': 2, 'ties': ['t1', 't2'], 'distance': 0.25})
    """
    return next(collapse_slices(ties, actors, [None], directed=directed, type_factors=type_factors,
                                polarity=polarity))


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
