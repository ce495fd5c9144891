"""Who matters and which blocs: centrality, communities, their change over time."""

import math

import networkx as nx

from .schema import CENTRALITY_METRICS as METRICS  # one list for the CLI and the library

__all__ = ["METRICS", "centrality_scores", "community_map", "centrality_table", "communities",
           "ego_network", "timeline", "timeline_wide", "parse_period", "diff", "diff_lines",
           "collapsed_selection"]


def _clean(scores):
    """Plain floats, with round-off noise (|x| < 1e-12) set to 0."""
    return {n: (0.0 if abs(float(x)) < 1e-12 else float(x)) for n, x in scores.items()}


def _eigenvector_component(S):
    """Leading eigenvector (unit length, non-negative) of one connected component."""
    try:
        return nx.eigenvector_centrality(S, weight="weight", max_iter=1000, tol=1e-9)
    except nx.PowerIterationFailedConvergence:
        import numpy as np
        nodes = sorted(S, key=str)
        A = nx.to_numpy_array(S.to_undirected(as_view=True) if S.is_directed() else S,
                              nodelist=nodes, weight="weight")
        vals, vecs = np.linalg.eigh(A)
        v = np.abs(vecs[:, int(np.argmax(vals))])
        v = v / (np.linalg.norm(v) or 1.0)
        return dict(zip(nodes, v.tolist()))


def _eigenvector(H):
    """Eigenvector centrality that works on disconnected graphs.

    Computed within each connected component (weakly, for a DiGraph) of two
    or more actors, then scaled by ``sqrt(component size / actors in such
    components)``: on a connected graph this is networkx's
    ``eigenvector_centrality``; on a disconnected one the whole vector still
    has unit length and a small island cannot outrank the main body.
    Isolated actors score 0.
    """
    scores = {v: 0.0 for v in H}
    parts = nx.weakly_connected_components(H) if H.is_directed() else nx.connected_components(H)
    parts = [p for p in parts if len(p) > 1]
    n = sum(len(p) for p in parts)
    for part in parts:
        scale = math.sqrt(len(part) / n)
        for v, x in _eigenvector_component(H.subgraph(part)).items():
            scores[v] = abs(x) * scale
    return scores


def _pagerank(H, alpha=0.85):
    """PageRank by sparse power iteration (numpy only, no scipy), networkx's semantics.

    The same chain as ``nx.google_matrix`` (out-weight normalised, dangling
    actors' mass and the random jump spread uniformly; an undirected tie goes
    both ways), stepped over edge arrays instead of a dense n × n matrix, so
    memory grows with the ties, not the square of the actors. Computed over
    the actors with at least one tie (they share 1); an isolated actor scores
    0 rather than a share of random jumps it did nothing to earn.
    """
    import numpy as np
    scores = {v: 0.0 for v in H}
    nodes = sorted((v for v in H if H.degree(v) > 0), key=str)
    if not nodes:
        return scores
    n = len(nodes)
    index = {v: i for i, v in enumerate(nodes)}
    src, dst, wts = [], [], []
    for u, v, d in H.edges(data=True):
        w = float(d.get("weight", 1.0))
        src.append(index[u])
        dst.append(index[v])
        wts.append(w)
        if not H.is_directed() and u != v:
            src.append(index[v])
            dst.append(index[u])
            wts.append(w)
    src, dst, wts = np.array(src, dtype=np.int64), np.array(dst, dtype=np.int64), np.array(wts)
    order = np.lexsort((dst, src))  # a fixed summation order, whatever the insertion order
    src, dst, wts = src[order], dst[order], wts[order]
    out = np.bincount(src, weights=wts, minlength=n)
    dangling = out == 0
    share = wts / np.where(dangling, 1.0, out)[src]
    x = np.full(n, 1.0 / n)
    for _ in range(1000):
        nxt = alpha * np.bincount(dst, weights=x[src] * share, minlength=n)
        nxt += (alpha * x[dangling].sum() + (1.0 - alpha)) / n
        nxt = nxt / nxt.sum()
        done = np.abs(nxt - x).sum() < n * 1e-12
        x = nxt
        if done:
            break
    scores.update(zip(nodes, x.tolist()))
    return scores


def centrality_scores(H, metric):
    """Return ``{actor id: score}`` for one centrality metric of a collapsed graph.

    Parameters
    ----------
    H : Graph or DiGraph
        A collapsed graph from :func:`graph.build.collapse` (edges carry
        ``weight`` and ``distance = 1 / weight``).
    metric : {"degree", "strength", "betweenness", "closeness", "eigenvector", "pagerank"}
        ``degree``: share of the other actors tied to (networkx's
        ``degree_centrality``); ``strength``: summed tie weight; ``betweenness``
        and ``closeness``: over shortest paths by ``distance``, so strong ties
        are short (closeness uses the Wasserman–Faust correction, fair on
        disconnected graphs); ``eigenvector``: by ``weight``, per connected
        component (see below); ``pagerank``: by ``weight``, damping 0.85,
        over the actors with a tie.

    Returns
    -------
    dict
        Every node of ``H`` gets a float; isolated actors get 0.

    Raises
    ------
    QueryError
        For an unknown metric.

    Notes
    -----
    Eigenvector centrality is only defined on a connected graph. Here it is
    computed within each connected component and scaled by
    ``sqrt(component size / actors with a tie)``: on a connected graph that is
    exactly networkx's result, and on a disconnected one it never fails, the
    scores still form a unit vector, and an island of two cannot outrank the
    main body. If power iteration does not converge, the leading eigenvector
    is taken with numpy instead. PageRank is computed over the actors with a
    tie (their scores sum to 1), so an isolated actor scores 0 there too
    rather than a share of random jumps.

    Examples
    --------
    >>> star = nx.Graph()
    >>> star.add_weighted_edges_from([("A", "B", 1.0), ("A", "C", 3.0)])
    >>> for u, v, d in star.edges(data=True):
    ...     d["distance"] = 1 / d["weight"]
    >>> centrality_scores(star, "strength")
    {'A': 4.0, 'B': 1.0, 'C': 3.0}
    >>> centrality_scores(star, "betweenness")
    {'A': 1.0, 'B': 0.0, 'C': 0.0}
    """
    from .errors import QueryError
    if metric == "degree":
        scores = nx.degree_centrality(H) if len(H) > 1 else {v: 0.0 for v in H}
    elif metric == "strength":
        scores = dict(H.degree(weight="weight"))
    elif metric == "betweenness":
        from .fast import betweenness  # igraph when installed (tiegraph[fast]), else networkx
        scores = betweenness(H, weight="distance", normalized=True)
    elif metric == "closeness":
        scores = nx.closeness_centrality(H, distance="distance")
    elif metric == "eigenvector":
        scores = _eigenvector(H)
    elif metric == "pagerank":
        scores = _pagerank(H)
    else:
        raise QueryError(f"unknown metric {metric!r}; expected one of {', '.join(METRICS)}")
    return _clean({v: scores.get(v, 0.0) for v in sorted(H, key=str)})


def community_map(H, *, seed=42):
    """Return ``{actor id: community index}`` from seeded Louvain on ``weight``.

    Communities are numbered 0, 1, … by decreasing size, then by their
    smallest member id, so the numbering is stable. An isolated actor is a
    community of its own.

    Examples
    --------
    >>> H = nx.Graph([("A", "B"), ("B", "C"), ("A", "C"), ("X", "Y")])
    >>> community_map(H)
    {'A': 0, 'B': 0, 'C': 0, 'X': 1, 'Y': 1}
    """
    if H.number_of_nodes() == 0:
        return {}
    G = H.to_undirected(as_view=True) if H.is_directed() else H
    top = max((abs(w) for _, _, w in G.edges(data="weight", default=1)), default=0)
    if top > 1e100:  # Louvain squares total weights (overflow past 1e154); its answer ignores the scale
        G = nx.Graph(G)
        for _, _, d in G.edges(data=True):
            d["weight"] = d.get("weight", 1) / top
    parts = nx.community.louvain_communities(G, weight="weight", seed=seed)
    parts = sorted((sorted(p, key=str) for p in parts), key=lambda p: (-len(p), str(p[0])))
    found = {v: i for i, part in enumerate(parts) for v in part}
    return dict(sorted(found.items(), key=lambda kv: str(kv[0])))


def collapsed_selection(ties, actors=None, *, filters=None, default_polarity="cooperative"):
    """Slice ``ties`` by ``filters`` and collapse them; returns the collapsed Graph.

    ``filters`` are :func:`graph.build.select` keywords; ``polarity`` (``None``
    → ``default_polarity``) decides which ties are counted by
    :func:`graph.build.collapse`, and every actor with a tie in the slice is a
    node (so an actor with only adversarial ties scores 0 rather than vanishing).
    ``H.graph`` records ``polarity`` and ``filters`` (in words).

    Examples
    --------
    >>> import pandas as pd
    >>> ties = pd.DataFrame({"id": ["t1", "t2"], "source": ["A", "C"], "target": ["B", "A"],
    ...     "type": ["trade", "sanctions"], "polarity": ["cooperative", "adversarial"],
    ...     "weight": [2.0, 1.0], "confidence": ["confirmed", "confirmed"],
    ...     "start_date": pd.to_datetime(["2020-01-01", "2021-01-01"]),
    ...     "end_date": pd.to_datetime(["2020-12-31", "2021-12-31"])})
    >>> H = collapsed_selection(ties)
    >>> sorted(H.nodes), sorted(H.edges), H.graph["polarity"]
    (['A', 'B', 'C'], [('A', 'B')], 'cooperative')
    """
    from .build import collapse_ties, describe_filters, select
    filters = dict(filters or {})
    polarity = filters.pop("polarity", None) or default_polarity
    H = collapse_ties(select(ties, **filters), actors, polarity=polarity)  # = collapse(build_graph(...))
    H.graph["filters"] = describe_filters(**filters)
    return H


def _ranks(scores):
    """Competition ranks (equal scores share the best rank) and the order (score desc, id)."""
    order = sorted(scores, key=lambda a: (-round(scores[a], 10), str(a)))
    ranks, prev, r = {}, None, 0
    for i, a in enumerate(order, 1):
        v = round(scores[a], 10)
        if v != prev:
            r, prev = i, v
        ranks[a] = r
    return order, ranks


def centrality_table(H, metric="degree", *, top=None):
    """Return actors ranked by ``metric`` as rows ``{"id", "name", metric, "rank"}``.

    Rows are ordered by score, highest first, then by id; equal scores share
    a rank. With ``metric="all"`` each row carries every metric of
    :data:`METRICS` and ``rank`` orders actors by their mean rank over the six
    (a consensus; ties again by id). ``top`` keeps the first ``top`` rows.

    Examples
    --------
    >>> H = nx.Graph([("A", "B"), ("A", "C"), ("A", "D")])
    >>> for u, v, d in H.edges(data=True):
    ...     d.update(weight=1.0, distance=1.0)
    >>> centrality_table(H, "degree", top=2)
    [{'id': 'A', 'name': 'A', 'degree': 1.0, 'rank': 1}, {'id': 'B', 'name': 'B', 'degree': 0.3333333333333333, 'rank': 2}]
    """
    names = {v: H.nodes[v].get("name") or v for v in H}
    if metric == "all":
        every = {m: centrality_scores(H, m) for m in METRICS}
        per_metric = {m: _ranks(sc)[1] for m, sc in every.items()}
        mean_rank = {v: sum(per_metric[m][v] for m in METRICS) / len(METRICS) for v in H}
        order, ranks = _ranks({v: -x for v, x in mean_rank.items()})
        rows = [{"id": v, "name": names[v], **{m: every[m][v] for m in METRICS}, "rank": ranks[v]}
                for v in order]
    else:
        scores = centrality_scores(H, metric)
        order, ranks = _ranks(scores)
        rows = [{"id": v, "name": names[v], metric: scores[v], "rank": ranks[v]} for v in order]
    return rows[:top] if top else rows


def communities(H, *, seed=42):
    """Return seeded Louvain communities of ``H`` with members and modularity.

    Returns
    -------
    dict
        ``polarity`` (from ``H.graph``), ``seed``, ``modularity`` (by
        ``weight``) and ``communities``: ``[{"community", "size", "members",
        "names", "isolated"}]`` numbered as in :func:`community_map`;
        ``isolated`` marks an actor alone because it has no counted tie (for
        example only sanctions, on cooperative ties).

    Raises
    ------
    QueryError
        If ``H`` has no ties to partition.

    Examples
    --------
    >>> H = nx.Graph([("A", "B"), ("B", "C"), ("A", "C"), ("X", "Y")])
    >>> result = communities(H)
    >>> [c["members"] for c in result["communities"]], round(result["modularity"], 3)
    ([['A', 'B', 'C'], ['X', 'Y']], 0.375)
    """
    from .errors import QueryError
    if H.number_of_edges() == 0:
        raise QueryError("there are no ties to find communities in (check the filters and --polarity)")
    found = community_map(H, seed=seed)
    n = max(found.values()) + 1
    parts = [sorted((v for v, c in found.items() if c == i), key=str) for i in range(n)]
    G = H.to_undirected(as_view=True) if H.is_directed() else H
    q = _modularity(G, parts, weight="weight")
    return {"polarity": H.graph.get("polarity", "all"), "seed": seed, "modularity": float(q),
            "communities": [{"community": i, "size": len(p), "members": p,
                             "names": [H.nodes[v].get("name") or v for v in p],
                             "isolated": len(p) == 1 and G.degree(p[0]) == 0}
                            for i, p in enumerate(parts)]}



def _modularity(G, parts, *, weight="weight"):
    """``nx.community.modularity`` of an undirected ``G``, with sums that do not depend on set order.

    networkx sums over ``set(community)``, whose order follows string hashing,
    so the last bit of the result changed from run to run (PYTHONHASHSEED);
    :func:`math.fsum` is exact whatever the order.

    Examples
    --------
    >>> G = nx.Graph([("A", "B", {"weight": 0.1}), ("B", "C", {"weight": 0.7}), ("X", "Y", {"weight": 0.3})])
    >>> q = _modularity(G, [["A", "B", "C"], ["X", "Y"]])
    >>> abs(q - nx.community.modularity(G, [{"A", "B", "C"}, {"X", "Y"}])) < 1e-12
    True
    """
    import math
    degree = dict(G.degree(weight=weight))
    deg_sum = math.fsum(degree.values())
    if deg_sum == 0:
        return 0.0
    m = deg_sum / 2
    total = []
    for part in parts:
        members = set(part)
        inside = math.fsum(wt for u, v, wt in G.edges(sorted(members, key=str), data=weight, default=1)
                           if v in members)
        d = math.fsum(degree[u] for u in part)
        total.append(inside / m - (d / deg_sum) ** 2)  # (d / sum)²: no overflow for huge weights
    return math.fsum(total)

def ego_network(G, actor, *, depth=1, polarity="all", among=False):
    """Return the actors within ``depth`` hops of ``actor`` and the ties that reach them.

    Parameters
    ----------
    G : MultiDiGraph
        From :func:`graph.build.build_graph`.
    actor : str
        Actor id.
    depth : int
        Hops, ignoring direction.
    polarity : {"all", "cooperative", "adversarial"}
        Which ties count (for hops and for the list).
    among : bool
        Also list the ties between actors at the same distance (for example
        between two of the actor's neighbours); by default only the ties that
        make the network, from each actor at ``h`` hops to those at ``h + 1``.

    Returns
    -------
    dict
        ``actor``, ``depth``, ``polarity``, ``actors`` (``[{"id", "name",
        "hops", "ties_with_actor"}]`` by hops then id; the actor first, with
        ``ties_with_actor`` None) and ``ties`` (tie records, by id).

    Raises
    ------
    QueryError
        If ``actor`` has no ties in ``G``.

    Examples
    --------
    >>> M = nx.MultiDiGraph()
    >>> for key, (u, v) in {"t1": ("A", "B"), "t2": ("B", "C"), "t3": ("C", "D")}.items():
    ...     _ = M.add_edge(u, v, key=key, id=key, polarity="cooperative")
    >>> _ = M.add_edge("A", "C", key="t4", id="t4", polarity="cooperative")
    >>> ego = ego_network(M, "B")
    >>> [a["id"] for a in ego["actors"]], [t["id"] for t in ego["ties"]]
    (['B', 'A', 'C'], ['t1', 't2'])
    >>> [t["id"] for t in ego_network(M, "B", among=True)["ties"]]
    ['t1', 't2', 't4']
    """
    from .build import neighborhood
    from .errors import QueryError
    if polarity not in (None, "all"):
        keep = [(u, v, k) for u, v, k, d in G.edges(keys=True, data=True) if d.get("polarity") == polarity]
        G = G.edge_subgraph(keep)
    if actor not in G:
        raise QueryError(f"{actor!r} has no ties in the selected data")
    ego = neighborhood(G, actor, depth=depth)
    hops = nx.single_source_shortest_path_length(ego.to_undirected(as_view=True), actor)
    direct = {}
    for u, v in ego.edges():
        if actor in (u, v):
            other = v if u == actor else u
            direct[other] = direct.get(other, 0) + 1
    actors = [{"id": v, "name": ego.nodes[v].get("name") or v, "hops": hops[v],
               "ties_with_actor": None if v == actor else direct.get(v, 0)}
              for v in sorted(ego, key=lambda v: (hops[v], str(v)))]
    ties = sorted(({"id": k, **{a: x for a, x in d.items() if a != "id"}}
                   for u, v, k, d in ego.edges(keys=True, data=True)
                   if among or abs(hops[u] - hops[v]) == 1), key=lambda t: str(t["id"]))
    return {"actor": actor, "depth": depth, "polarity": polarity or "all", "actors": actors, "ties": ties}


def timeline(ties, actors=None, *, metric="degree", only=None, top=10, filters=None):
    """Return ``metric`` per actor per year, on the ties active in that year.

    Parameters
    ----------
    ties, actors : DataFrame
        As loaded by :func:`graph.load.load_dataset`.
    metric : str
        One of :data:`METRICS`.
    only : list of str, optional
        Actor ids to follow; default the ``top`` actors by ``metric`` on the
        whole selection.
    filters : dict, optional
        :func:`graph.build.select` keywords; ``polarity`` ``None`` means
        cooperative ties.

    Returns
    -------
    list of dict
        Long form, ``{"id", "name", "year", metric}``, by actor (in the order
        followed) then year. The years are those in which some selected tie
        is active, up to the last year in which one starts (so a treaty running
        to 2040 does not add empty future years, and a lone 1910 event adds
        one column, not a century). An actor with no counted tie in a year
        scores 0.

    Raises
    ------
    QueryError
        If no tie is selected.

    Examples
    --------
    >>> import pandas as pd
    >>> ties = pd.DataFrame({"id": ["t1", "t2"], "source": ["A", "A"], "target": ["B", "C"],
    ...     "type": ["trade", "trade"], "polarity": ["cooperative", "cooperative"],
    ...     "weight": [1.0, 1.0], "confidence": ["confirmed", "confirmed"],
    ...     "start_date": pd.to_datetime(["2020-01-01", "2021-01-01"]),
    ...     "end_date": pd.to_datetime(["2021-12-31", "2021-12-31"])})
    >>> [(r["id"], r["year"], r["strength"]) for r in timeline(ties, metric="strength", only=["A"])]
    [('A', 2020, 1.0), ('A', 2021, 2.0)]
    """
    import numpy as np
    import pandas as pd

    from .build import collapse_slices, collapse_ties, describe_filters, period_bounds, select
    from .errors import QueryError
    from .load import parse_partial_dates
    filters = dict(filters or {})
    sliced = {k: v for k, v in filters.items() if k != "polarity"}
    polarity = filters.get("polarity") or "cooperative"
    chosen = select(ties, **sliced)
    if chosen.empty:
        raise QueryError("no ties are selected; loosen the filters" if len(ties) else "the data has no ties")
    whole = collapse_ties(chosen, actors, polarity=polarity)  # = collapsed_selection(ties, actors, filters=filters)
    names = {v: whole.nodes[v].get("name") or v for v in whole}
    if actors is not None and len(actors):
        names.update({a: n for a, n in zip(actors["id"], actors["name"]) if a not in names and n})
    if only:
        follow = list(dict.fromkeys(only))
    else:
        follow = [r["id"] for r in centrality_table(whole, metric, top=top)]
    first, last = int(chosen["start_date"].dt.year.min()), int(chosen["start_date"].dt.year.max())
    if filters.get("start"):
        first = max(first, int(period_bounds(filters["start"])[0].year))
    if filters.get("end"):
        last = min(last, int(period_bounds(filters["end"])[1].year))
    years = []
    if first <= last:  # the years some tie covers, clipped to [first, last]: +1 at each start, -1 after each end
        lo = np.maximum(chosen["start_date"].dt.year.to_numpy(dtype=np.int64), first) - first
        hi = np.minimum(chosen["end_date"].dt.year.to_numpy(dtype=np.int64), last) - first
        ok = lo <= hi
        steps = np.zeros(last - first + 2, dtype=np.int64)
        np.add.at(steps, lo[ok], 1)
        np.add.at(steps, hi[ok] + 1, -1)
        years = (np.flatnonzero(np.cumsum(steps)[:-1] > 0) + first).tolist()
    starts, ends = chosen["start_date"].to_numpy(), chosen["end_date"].to_numpy()
    year_lo, year_hi, ok = parse_partial_dates(pd.Series([f"{y:04d}" for y in years], dtype=object))
    for y, good in zip(years, ok):
        if not good:
            period_bounds(f"{y:04d}")  # raises, as select(start=y) would

    def in_year(i):  # as select(chosen, start=years[i], end=years[i])
        return (ends >= year_lo[i].to_datetime64()) & (starts <= year_hi[i].to_datetime64())

    per_year = collapse_slices(chosen, actors, (in_year(i) for i in range(len(years))), polarity=polarity,
                               tie_ids=False)  # scores need weights only
    rows_by_actor = {a: [] for a in follow}
    for year, H in zip(years, per_year):
        H.graph["filters"] = describe_filters(start=f"{year:04d}", end=f"{year:04d}")
        scores = centrality_scores(H, metric) if len(H) else {}
        for a in follow:
            rows_by_actor[a].append({"id": a, "name": names.get(a, a), "year": year,
                                     metric: float(scores.get(a, 0.0))})
    return [row for a in follow for row in rows_by_actor[a]]


def timeline_wide(rows, metric):
    """Pivot :func:`timeline` rows to one row per actor with a column per year.

    Examples
    --------
    >>> timeline_wide([{"id": "A", "name": "A", "year": 2020, "degree": 1.0},
    ...                {"id": "A", "name": "A", "year": 2021, "degree": 0.5}], "degree")
    [{'id': 'A', 'name': 'A', '2020': 1.0, '2021': 0.5}]
    """
    wide = {}
    for r in rows:
        wide.setdefault(r["id"], {"id": r["id"], "name": r["name"]})[str(r["year"])] = r[metric]
    return list(wide.values())


def parse_period(text):
    """Return ``(start, end)`` partial dates for a period: ``2021``, ``2021-06`` or ``2014:2021``.

    Either side of ``:`` may be left empty for an open end (``:2021``).

    Raises
    ------
    QueryError
        If a side is not a date, or the end is before the start.

    Examples
    --------
    >>> parse_period("2021"), parse_period("2014:2021-06"), parse_period("2022:")
    (('2021', '2021'), ('2014', '2021-06'), ('2022', None))
    """
    from .build import period_bounds
    from .errors import QueryError
    text = str(text).strip()
    lo, _, hi = text.partition(":") if ":" in text else (text, "", text)
    lo, hi = lo.strip() or None, hi.strip() or None
    if lo is None and hi is None:
        raise QueryError(f"{text!r} is not a period (expected 2021, 2021-06 or 2014:2021)")
    try:
        if lo and hi and period_bounds(hi)[1] < period_bounds(lo)[0]:
            raise QueryError(f"the period {text!r} ends before it starts")
        for side in (lo, hi):
            if side:
                period_bounds(side)
    except QueryError as ex:
        if "ends before" in str(ex):
            raise
        raise QueryError(f"{text!r} is not a period (expected 2021, 2021-06 or 2014:2021)") from ex
    return lo, hi


def diff(ties, actors=None, *, before, after, metric="pagerank", top=10, filters=None):
    """Compare two periods: actors and ties that appear or disappear, and centrality moves.

    A tie belongs to a period if the days it covers overlap it, so a tie that
    lasts across both periods neither appears nor disappears. Actors and ties
    are compared on every selected tie (``polarity`` ``None`` → all);
    centrality on the cooperative ties unless ``filters["polarity"]`` says otherwise.

    Parameters
    ----------
    before, after : str
        Periods for :func:`parse_period`.
    metric : str
        One of :data:`METRICS`, for the moves.
    top : int
        How many of the biggest moves (by absolute change, then id).

    Returns
    -------
    dict
        ``before``/``after`` (``period``, ``ties``, ``actors``), ``polarity``
        (``ties`` and ``centrality``), ``metric``, ``actors_added``,
        ``actors_removed`` (``[{"id", "name"}]``), ``ties_added``,
        ``ties_removed`` (tie records by id) and ``moves`` (``[{"id", "name",
        "before", "after", "change"}]``).

    Examples
    --------
    >>> import pandas as pd
    >>> ties = pd.DataFrame({"id": ["t1", "t2"], "source": ["A", "A"], "target": ["B", "C"],
    ...     "type": ["trade", "trade"], "polarity": ["cooperative", "cooperative"],
    ...     "weight": [1.0, 1.0], "confidence": ["confirmed", "confirmed"],
    ...     "start_date": pd.to_datetime(["2020-01-01", "2021-01-01"]),
    ...     "end_date": pd.to_datetime(["2020-12-31", "2021-12-31"])})
    >>> d = diff(ties, before="2020", after="2021", metric="strength")
    >>> [a["id"] for a in d["actors_added"]], [t["id"] for t in d["ties_removed"]], d["moves"][0]["id"]
    (['C'], ['t1'], 'B')
    """
    from .build import select, tie_record
    filters = dict(filters or {})
    cent_polarity = filters.get("polarity") or "cooperative"
    tie_polarity = filters.get("polarity") or "all"
    base = {k: v for k, v in filters.items() if k not in ("start", "end", "polarity")}
    names = {}
    if actors is not None and len(actors):
        names = {a: n or a for a, n in zip(actors["id"], actors["name"])}
    sides, scores = {}, {}
    for label, period in (("before", before), ("after", after)):
        lo, hi = parse_period(period)
        part = select(ties, **base, start=lo, end=hi, polarity=tie_polarity)
        sides[label] = part
        H = collapsed_selection(ties, actors, filters={**base, "start": lo, "end": hi,
                                                         "polarity": cent_polarity})
        scores[label] = centrality_scores(H, metric) if len(H) else {}
    def actor_set(part):
        return set(part["source"]) | set(part["target"])
    a_before, a_after = actor_set(sides["before"]), actor_set(sides["after"])
    t_before = {r["id"]: r for r in sides["before"].to_dict("records")}
    t_after = {r["id"]: r for r in sides["after"].to_dict("records")}
    def who(ids):
        return [{"id": a, "name": names.get(a, a)} for a in sorted(ids, key=str)]
    def tie_rows(found, ids):
        keep = ("id", "source", "target", "type", "start", "end", "confidence", "weight", "doc", "quote")
        rows = []
        for i in sorted(ids, key=str):
            rec = tie_record(found[i])
            rows.append({k: rec.get(k) for k in keep} | {"end": rec.get("end") or None})
        return rows
    moves = []
    for a in sorted(set(scores["before"]) | set(scores["after"]), key=str):
        b, f = scores["before"].get(a, 0.0), scores["after"].get(a, 0.0)
        if round(f - b, 10) != 0:
            moves.append({"id": a, "name": names.get(a, a), "before": b, "after": f, "change": f - b})
    moves.sort(key=lambda m: (-abs(round(m["change"], 10)), str(m["id"])))
    return {
        "before": {"period": str(before), "ties": len(t_before), "actors": len(a_before)},
        "after": {"period": str(after), "ties": len(t_after), "actors": len(a_after)},
        "polarity": {"ties": tie_polarity, "centrality": cent_polarity},
        "metric": metric,
        "actors_added": who(a_after - a_before),
        "actors_removed": who(a_before - a_after),
        "ties_added": tie_rows(t_after, set(t_after) - set(t_before)),
        "ties_removed": tie_rows(t_before, set(t_before) - set(t_after)),
        "moves": moves[:top],
    }


def diff_lines(report):
    """Return a :func:`diff` report as readable lines of text.

    Examples
    --------
    >>> report = {"before": {"period": "2020", "ties": 1, "actors": 2},
    ...     "after": {"period": "2021", "ties": 1, "actors": 2},
    ...     "polarity": {"ties": "all", "centrality": "cooperative"}, "metric": "strength",
    ...     "actors_added": [{"id": "C", "name": "C"}], "actors_removed": [{"id": "B", "name": "B"}],
    ...     "ties_added": [], "ties_removed": [], "moves": []}
    >>> print("\\n".join(diff_lines(report)[:3]))
    2020 → 2021: ties 1 → 1, actors 2 → 2 (ties: all polarities; strength on cooperative ties)
    Actors appearing (1): C
    Actors disappearing (1): B
    """
    b, a = report["before"], report["after"]
    pol = report["polarity"]
    ties_pol = "all polarities" if pol["ties"] == "all" else f"{pol['ties']} only"
    lines = [f"{b['period']} → {a['period']}: ties {b['ties']} → {a['ties']}, "
             f"actors {b['actors']} → {a['actors']} "
             f"(ties: {ties_pol}; {report['metric']} on {pol['centrality']} ties)"]
    for key, label in (("actors_added", "appearing"), ("actors_removed", "disappearing")):
        found = report[key]
        lines.append(f"Actors {label} ({len(found)}): " + (", ".join(x["name"] for x in found) or "none"))
    for key, label in (("ties_added", "appearing"), ("ties_removed", "disappearing")):
        found = report[key]
        lines.append(f"Ties {label} ({len(found)}):" + ("" if found else " none"))
        for t in found:
            when = t["start"] + (f"–{t['end']}" if t.get("end") else "")
            lines.append(f"  {t['id']}  {t['source']} – {t['target']}  {t['type']} {when} ({t['confidence']})")
    lines.append(f"Biggest {report['metric']} moves:" + ("" if report["moves"] else " none"))
    width = max((len(m["name"]) for m in report["moves"]), default=0)
    for m in report["moves"]:
        lines.append(f"  {m['name'].ljust(width)}  {m['before']:.3g} → {m['after']:.3g}  ({m['change']:+.3g})")
    return lines
