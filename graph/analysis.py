"""Who matters and which blocs: centrality, communities, their change over time."""

import math

import networkx as nx

__all__ = ["METRICS", "centrality_scores", "community_map"]

#: Centrality metrics, in the order the ``all`` choice lists them.
METRICS = ("degree", "strength", "betweenness", "closeness", "eigenvector", "pagerank")


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
    or more actors, then scaled by ``sqrt(component size / actors)``: on a
    connected graph this is networkx's ``eigenvector_centrality``; on a
    disconnected one the whole vector still has unit length and a small
    island cannot outrank the main body. Isolated actors score 0.
    """
    n = H.number_of_nodes()
    scores = {v: 0.0 for v in H}
    parts = nx.weakly_connected_components(H) if H.is_directed() else nx.connected_components(H)
    for part in parts:
        if len(part) < 2:
            continue
        scale = math.sqrt(len(part) / n)
        for v, x in _eigenvector_component(H.subgraph(part)).items():
            scores[v] = abs(x) * scale
    return scores


def _pagerank(H, alpha=0.85):
    """PageRank by power iteration on networkx's Google matrix (numpy only, no scipy)."""
    import numpy as np
    nodes = sorted(H, key=str)
    if not nodes:
        return {}
    M = nx.google_matrix(H, alpha=alpha, weight="weight", nodelist=nodes)
    x = np.full(len(nodes), 1.0 / len(nodes))
    for _ in range(1000):
        nxt = x @ M
        nxt = nxt / nxt.sum()
        done = np.abs(nxt - x).sum() < len(nodes) * 1e-12
        x = nxt
        if done:
            break
    return dict(zip(nodes, np.asarray(x).ravel().tolist()))


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
        component (see below); ``pagerank``: by ``weight``, damping 0.85.

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
    ``sqrt(component size / number of actors)``: on a connected graph that is
    exactly networkx's result, and on a disconnected one it never fails and an
    island of two cannot outrank the main body. If power iteration does not
    converge, the leading eigenvector is taken with numpy instead.

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
        scores = nx.betweenness_centrality(H, weight="distance", normalized=True)
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
    parts = nx.community.louvain_communities(G, weight="weight", seed=seed)
    parts = sorted((sorted(p, key=str) for p in parts), key=lambda p: (-len(p), str(p[0])))
    found = {v: i for i, part in enumerate(parts) for v in part}
    return dict(sorted(found.items(), key=lambda kv: str(kv[0])))
