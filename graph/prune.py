"""Cut a large selection down to what can be drawn, and say in words what was left out.

Three rules, which combine (pair rules first, then the actor cut):

- ``min_weight``: leave out actor pairs whose ties weigh less than this in
  total (summed over every tie of the pair, both directions, all polarities —
  the ties that would be drawn);
- ``backbone``: keep only the pairs that the *disparity filter* of Serrano,
  Boguñá and Vespignani (PNAS 2009) finds significant at level ``alpha`` for
  at least one of their two actors, on the same pair weights;
- ``max_actors``: keep the ``N`` actors with the highest centrality (by
  default PageRank, on the graph collapsed over ``polarity`` ties, as for node
  size), ties broken by id.

An actor left without any kept tie is left out too. :func:`prune` works on a
tie MultiDiGraph, :func:`prune_ties` on a tie table (the fast way for files of
hundreds of thousands of ties, before a graph is built), and
:func:`fit_for_drawing` adds the safety net used by ``tiegraph render``: above
:data:`LIMITS` actors or ties it keeps the top actors and merges each pair's
ties of one type into one record (:func:`aggregate_ties`).
"""

import networkx as nx
import numpy as np
import pandas as pd

from .errors import QueryError

__all__ = ["LIMITS", "prune", "prune_ties", "aggregate_ties", "fit_for_drawing", "disparity_keep"]

#: What a browser page draws comfortably; above either, ``render`` prunes unless told not to.
LIMITS = {"actors": 2000, "ties": 20000}

_METRIC_WORDS = {"degree": "degree", "strength": "summed tie weight", "betweenness": "betweenness",
                 "closeness": "closeness", "eigenvector": "eigenvector centrality",
                 "pagerank": "PageRank"}


def _n(x):
    """A count with thousands separators."""
    return f"{int(x):,}"


def _w(x):
    """A weight as short text: 5, 2.5, 1.2e+06."""
    return f"{x:g}"


def disparity_keep(a, b, w, alpha):
    """Return which undirected weighted edges the disparity filter keeps at level ``alpha``.

    For an edge of weight ``w`` at an actor of degree ``k > 1`` and strength
    ``s``, ``p = (1 - w / s) ** (k - 1)`` is the chance that a tie that heavy
    arises from spreading the actor's strength at random over its ``k`` ties;
    the edge is kept if ``p < alpha`` at either end (an actor with one tie
    judges nothing). Self-loops are neither counted nor judged: they are kept.

    Parameters
    ----------
    a, b : sequence
        End points of each edge (one entry per undirected pair).
    w : sequence of float
        Edge weights.
    alpha : float
        Significance level, in (0, 1).

    Returns
    -------
    numpy.ndarray of bool

    Examples
    --------
    A hub with one heavy tie and three light ones keeps the heavy one
    (``p = (1 - 10/13) ** 3 ≈ 0.012``), not the light ones (``≈ 0.77``):

    >>> disparity_keep(["H", "H", "H", "H"], ["A", "B", "C", "D"], [10, 1, 1, 1], 0.05).tolist()
    [True, False, False, False]
    """
    a, b = np.asarray(a, dtype=object), np.asarray(b, dtype=object)
    w = np.asarray(w, dtype=float)
    loop = a == b
    codes, names = pd.factorize(np.concatenate([a, b]))
    ca, cb = codes[:len(a)], codes[len(a):]
    n = len(names)
    real = ~loop
    s = np.bincount(ca[real], weights=w[real], minlength=n) + np.bincount(cb[real], weights=w[real], minlength=n)
    k = np.bincount(ca[real], minlength=n) + np.bincount(cb[real], minlength=n)

    def significant(c):
        with np.errstate(divide="ignore", invalid="ignore"):
            share = np.where(s[c] > 0, w / s[c], 0.0)
        p = np.clip(1.0 - share, 0.0, 1.0) ** (k[c] - 1)
        return (k[c] > 1) & (p < alpha)

    return loop | significant(ca) | significant(cb)


def _frame_of_graph(G):
    """The edges of a tie MultiDiGraph as a table (source, target, key, weight, polarity)."""
    rows = [(u, v, k, d.get("weight", 1.0), d.get("polarity")) for u, v, k, d in G.edges(keys=True, data=True)]
    return pd.DataFrame(rows, columns=["source", "target", "id", "weight", "polarity"])


def _pairs(frame):
    """Pair code per tie and the pairs' (a, b, weight), pairs sorted by (a, b)."""
    src = frame["source"].astype(str).to_numpy(dtype=object)
    tgt = frame["target"].astype(str).to_numpy(dtype=object)
    w = pd.to_numeric(frame["weight"], errors="coerce").fillna(1.0).to_numpy(dtype=float)
    if not len(frame):
        empty = np.zeros(0, dtype=object)
        return np.zeros(0, dtype=np.int64), empty, empty, w, np.zeros(0)
    ends, names = pd.factorize(np.concatenate([src, tgt]), sort=True)  # codes in id order
    names = np.asarray(names, dtype=object)
    cs, ct = ends[:len(src)].astype(np.int64), ends[len(src):].astype(np.int64)
    n = len(names)
    pair_keys, codes = np.unique(np.minimum(cs, ct) * n + np.maximum(cs, ct), return_inverse=True)
    a, b = names[pair_keys // n], names[pair_keys % n]
    with np.errstate(over="ignore", invalid="ignore"):
        pair_w = np.bincount(codes, weights=w, minlength=len(a))
    if not np.isfinite(pair_w).all():  # reported as collapse() reports it, not drawn as inf
        from .build import _overflow
        p = int(np.flatnonzero(~np.isfinite(pair_w))[0])
        _overflow(a[p], b[p], int(np.count_nonzero(codes.ravel() == p)))
    return codes.ravel(), a, b, w, pair_w


def _collapsed(frame, actors, polarity):
    """The undirected collapsed graph (``weight``, ``distance``) over ``polarity`` ties, as collapse() builds it."""
    w = pd.to_numeric(frame["weight"], errors="coerce").fillna(1.0).to_numpy(dtype=float)
    mask = w > 0
    if polarity and polarity != "all":
        mask &= (frame["polarity"].astype(str) == polarity).to_numpy()
    part = frame[mask]
    H = nx.Graph()
    H.add_nodes_from(sorted(actors, key=str))
    if len(part):
        codes, a, b, _, pair_w = _pairs(part)
        for u, v, x in zip(a, b, pair_w):
            H.add_edge(u, v, weight=float(x), distance=1.0 / float(x))
    return H


def _plan(frame, actors, *, max_actors, min_weight, backbone, metric, polarity, keep, keep_ties=()):
    """Decide which ties to keep: a boolean mask over ``frame`` and the report."""
    from .analysis import centrality_scores
    if max_actors is not None and max_actors < 0:
        raise QueryError(f"the number of actors to keep must be 0 or more, not {max_actors}")
    if min_weight is not None and not min_weight >= 0:
        raise QueryError(f"the minimum pair weight must be 0 or more, not {min_weight}")
    if backbone is not None and not 0 < backbone < 1:
        raise QueryError(f"the backbone level must be between 0 and 1 (e.g. 0.05), not {backbone}")
    if metric not in _METRIC_WORDS:
        raise QueryError(f"unknown metric {metric!r}; expected one of {', '.join(_METRIC_WORDS)}")
    actors = sorted(set(map(str, actors)))
    codes, a, b, _, pair_w = _pairs(frame)
    keep_pair = np.ones(len(a), dtype=bool)
    rules = []
    if min_weight:
        keep_pair &= pair_w >= min_weight
        rules.append(f"pairs whose ties weigh less than {_w(min_weight)} in total left out")
    if backbone is not None:
        keep_pair &= disparity_keep(a, b, pair_w, backbone)
        rules.append(f"only the backbone of pairs (disparity filter, alpha {_w(backbone)})")
    candidates = set(a[keep_pair]) | set(b[keep_pair])
    keep = {str(x) for x in keep or ()} & set(actors)
    chosen = candidates
    if max_actors and len(candidates | keep) > max_actors:
        H = _collapsed(frame, actors, polarity)
        scores = centrality_scores(H, metric)
        ranked = sorted(candidates - keep, key=lambda v: (-round(scores.get(v, 0.0), 12), v))
        chosen = (candidates & keep) | set(ranked[:max(0, max_actors - len(candidates & keep))])
        rules.insert(0, f"the {_n(max_actors)} actors with the highest {_METRIC_WORDS[metric]}"
                        f" ({polarity or 'cooperative'} ties)")
    chosen_arr = np.array(sorted(chosen), dtype=object)
    keep_pair &= np.isin(a, chosen_arr) & np.isin(b, chosen_arr)
    tie_mask = keep_pair[codes] if len(frame) else np.zeros(0, dtype=bool)
    if keep_ties:
        tie_mask = tie_mask | frame["id"].astype(str).isin({str(t) for t in keep_ties}).to_numpy()
        keep_pair = np.bincount(codes[tie_mask], minlength=len(a)) > 0
    kept_actors = set(a[keep_pair]) | set(b[keep_pair])
    report = {
        "actors_kept": len(kept_actors), "actors_total": len(actors),
        "ties_kept": int(tie_mask.sum()), "ties_total": len(frame),
        "pairs_kept": int(keep_pair.sum()), "pairs_total": len(a),
        "rule": "; ".join(rules) or "nothing left out",
    }
    report["text"] = _sentence(report)
    return tie_mask, sorted(kept_actors), report


def _sentence(r):
    """The report in one line, for the page header and stderr."""
    text = (f"Showing {_n(r['actors_kept'])} of {_n(r['actors_total'])} actors, "
            f"{_n(r['ties_kept'])} of {_n(r['ties_total'])} ties "
            f"({_n(r['pairs_kept'])} of {_n(r['pairs_total'])} actor pairs)")
    if r["rule"] != "nothing left out":
        text += f": {r['rule']}"
    if r.get("merged"):
        text += (f"; ties merged into {_n(r['merged'])} records, one per pair, tie type and "
                 "confidence (dates span, weights summed)")
    if r.get("heaviest"):
        text += (f"; only the {_n(r['heaviest'])} heaviest of those merged records drawn")
    return text + "."


def prune(G, *, max_actors=None, min_weight=None, backbone=None, metric="pagerank",
          polarity="cooperative", keep=(), seed=42):
    """Return a smaller tie graph and a report of what was left out.

    Parameters
    ----------
    G : MultiDiGraph
        A tie graph from :func:`graph.build.build_graph`; it is not modified.
    max_actors : int, optional
        Keep at most this many actors, those with the highest ``metric``
        (ties broken by id); ``None`` or 0: no cut.
    min_weight : float, optional
        Leave out actor pairs whose ties weigh less than this in total.
    backbone : float, optional
        Keep only the pairs the disparity filter finds significant at this
        level (see :func:`disparity_keep`), e.g. 0.05.
    metric : str
        Centrality for ``max_actors`` (:func:`graph.analysis.centrality_scores`),
        on the graph collapsed over ``polarity`` ties.
    polarity : {"cooperative", "adversarial", "all"}
        Which ties count for ``metric``. Pair weights count every tie.
    keep : iterable of str
        Actors kept whatever their rank (for example a path's ends).
    seed : int
        Unused by the rules above (all deterministic); accepted for symmetry
        with the other drawing options.

    Returns
    -------
    (MultiDiGraph, dict)
        A new graph with the kept actors (their attributes) and the ties among
        them on kept pairs; and the report: ``actors_kept``, ``actors_total``,
        ``ties_kept``, ``ties_total``, ``pairs_kept``, ``pairs_total``,
        ``rule`` (in words) and ``text`` (one sentence).

    Raises
    ------
    QueryError
        For a negative count or weight, a backbone level outside (0, 1), or an
        unknown metric.

    Examples
    --------
    >>> M = nx.MultiDiGraph()
    >>> for key, (u, v, w) in {"t1": ("A", "B", 5.0), "t2": ("A", "B", 1.0), "t3": ("B", "C", 2.0),
    ...                        "t4": ("C", "D", 1.0)}.items():
    ...     _ = M.add_edge(u, v, key=key, weight=w, polarity="cooperative")
    >>> small, report = prune(M, min_weight=2)
    >>> sorted(small.edges(keys=True)), report["text"]
    ([('A', 'B', 't1'), ('A', 'B', 't2'), ('B', 'C', 't3')], 'Showing 3 of 4 actors, 3 of 4 ties (2 of 3 actor pairs): pairs whose ties weigh less than 2 in total left out.')
    >>> sorted(prune(M, max_actors=2, metric="strength")[0])
    ['A', 'B']
    """
    frame = _frame_of_graph(G)
    mask, kept, report = _plan(frame, list(G), max_actors=max_actors, min_weight=min_weight,
                               backbone=backbone, metric=metric, polarity=polarity, keep=keep)
    small = nx.MultiDiGraph()
    small.graph.update(G.graph)
    small.add_nodes_from((v, dict(G.nodes[v])) for v in sorted(G, key=str) if str(v) in set(kept))
    for u, v, k in frame.loc[mask, ["source", "target", "id"]].itertuples(index=False):
        small.add_edge(u, v, key=k, **G.edges[u, v, k])
    return small, report


def prune_ties(ties, *, max_actors=None, min_weight=None, backbone=None, metric="pagerank",
               polarity="cooperative", keep=(), keep_ties=()):
    """Return the rows of a tie table that :func:`prune` would keep, and its report.

    The same rules as :func:`prune`, applied to the table (as loaded by
    :func:`graph.load.load_dataset` and sliced by :func:`graph.build.select`)
    so that a graph need only be built for what is kept. The actors are those
    with a tie in ``ties``. Ties whose id is in ``keep_ties`` are kept whatever
    the rules say (for example the ties of a highlighted path).

    Examples
    --------
    >>> ties = pd.DataFrame({"id": ["t1", "t2", "t3"], "source": ["A", "B", "C"],
    ...     "target": ["B", "C", "D"], "weight": [3.0, 1.0, 1.0], "polarity": ["cooperative"] * 3})
    >>> kept, report = prune_ties(ties, max_actors=2, metric="strength")
    >>> list(kept["id"]), report["rule"]
    (['t1'], 'the 2 actors with the highest summed tie weight (cooperative ties)')
    """
    actors = set(ties["source"].astype(str)) | set(ties["target"].astype(str))
    mask, _, report = _plan(ties, actors, max_actors=max_actors, min_weight=min_weight,
                            backbone=backbone, metric=metric, polarity=polarity, keep=keep,
                            keep_ties=keep_ties)
    return ties[mask].copy(), report


def aggregate_ties(ties):
    """Merge each pair's ties of one type, polarity and confidence into one row.

    The merged row spans the earliest start to the latest end, sums
    ``weight`` (and ``value`` when every tie has one in the same unit), keeps
    the direction only if every tie ran the same way, and says in ``quote``
    and ``note`` how many ties it stands for and quotes the heaviest. A group
    of one tie is left as it is. Rows come out sorted by id.

    Examples
    --------
    >>> ties = pd.DataFrame({"id": ["t1", "t2", "t3"], "source": ["A", "B", "A"],
    ...     "target": ["B", "A", "C"], "type": ["trade"] * 3, "polarity": ["cooperative"] * 3,
    ...     "confidence": ["confirmed"] * 3, "directed": [True, True, True], "weight": [1.0, 2.0, 1.0],
    ...     "value": [1.0, 2.0, 1.0], "unit": ["USD"] * 3, "start": ["2001", "2003", "2002"],
    ...     "end": ["", "", ""], "start_date": pd.to_datetime(["2001-01-01", "2003-01-01", "2002-01-01"]),
    ...     "end_date": pd.to_datetime(["2001-12-31", "2003-12-31", "2002-12-31"]),
    ...     "doc": ["d"] * 3, "quote": ["q1", "q2", "q3"], "note": [""] * 3})
    >>> merged = aggregate_ties(ties)
    >>> merged[["id", "source", "target", "directed", "weight", "start", "end"]].values.tolist()
    [['t1+1', 'A', 'B', False, 3.0, '2001', '2003'], ['t3', 'A', 'C', True, 1.0, '2002', '']]
    >>> merged["quote"].iloc[0]
    '2 ties merged (2001 to 2003, total weight 3); the heaviest, t2: q2'
    """
    return _aggregate(ties)[0]


def _aggregate(ties):
    """:func:`aggregate_ties`, and how many ties each output row stands for."""
    if ties.empty:
        return ties.copy(), np.zeros(0, dtype=np.int64)
    t = ties.reset_index(drop=True)
    codes, a, b, w, _ = _pairs(t)
    key = codes.astype(np.int64)
    for col in ("type", "polarity", "confidence"):  # group = (pair, type, polarity, confidence)
        c, seen = pd.factorize(t[col].astype(str), sort=True)
        key = key * len(seen) + c
    _, group = np.unique(key, return_inverse=True)
    t = t.assign(_a=a[codes], _b=b[codes], _w=w, _g=group.ravel())
    size = t.groupby("_g")["_g"].transform("size")
    single = t[size == 1].drop(columns=["_a", "_b", "_w", "_g"]).assign(_n=1)
    many = t[size > 1].sort_values(["_g", "id"], kind="stable")
    if many.empty:
        single = single.sort_values("id", kind="stable").reset_index(drop=True)
        return single.drop(columns="_n"), single["_n"].to_numpy()
    g = many.groupby("_g", sort=True)
    first = g.head(1).set_index("_g")
    out = first.copy()
    n = g.size()
    out["id"] = first["id"].astype(str) + "+" + (n - 1).astype(str)
    directed = many["directed"].astype(str).str.lower() == "true"
    one_way = g["source"].nunique().eq(1) & g["target"].nunique().eq(1) & directed.groupby(many["_g"]).all()
    out["source"] = np.where(one_way, first["source"], first["_a"])
    out["target"] = np.where(one_way, first["target"], first["_b"])
    out["directed"] = one_way.to_numpy()
    out["weight"] = g["_w"].sum()
    if "value" in many:
        value = pd.to_numeric(many["value"], errors="coerce")
        whole = value.notna().groupby(many["_g"]).all() & g["unit"].nunique(dropna=False).eq(1)
        out["value"] = value.groupby(many["_g"]).sum().where(whole)
        out["unit"] = first["unit"].where(whole, "")
    early = many.loc[many.groupby("_g")["start_date"].idxmin()].set_index("_g")
    late = many.loc[many.groupby("_g")["end_date"].idxmax()].set_index("_g")
    out["start_date"], out["start"] = early["start_date"], early["start"]
    out["end_date"] = late["end_date"]
    late_end = late["end"].fillna("").astype(str)
    out["end"] = late_end.where(late_end != "", late["start"].astype(str))
    out["end"] = out["end"].where(out["end"] != out["start"], "")
    heavy = many.loc[many.groupby("_g")["_w"].idxmax()].set_index("_g")
    span = out["start"].astype(str) + np.where(out["end"] != "", " to " + out["end"].astype(str), "")
    out["quote"] = (n.astype(str) + " ties merged (" + span + ", total weight "
                    + out["weight"].map(_w) + "); the heaviest, " + heavy["id"].astype(str) + ": "
                    + heavy["quote"].fillna("").astype(str))
    if "doc" in many:
        out["doc"] = first["doc"].where(g["doc"].nunique(dropna=False).eq(1), heavy["doc"])
    if "note" in many:
        out["note"] = n.astype(str) + " ties merged into this record by tiegraph render"
    out["_n"] = n
    out = out.reset_index(drop=True).drop(columns=["_a", "_b", "_w"], errors="ignore")
    merged = pd.concat([single, out[single.columns]], ignore_index=True)
    merged = merged.sort_values("id", kind="stable").reset_index(drop=True)
    return merged.drop(columns="_n"), merged["_n"].to_numpy()


def fit_for_drawing(ties, *, max_actors=None, min_weight=None, backbone=None, metric="pagerank",
                    polarity="cooperative", keep=(), keep_ties=(), limits=None):
    """Prune and merge a tie table until a page can draw it; return ``(ties, report or None)``.

    ``max_actors=0`` draws everything (returns ``ties`` and ``None``). With no
    rule given and more than ``limits["actors"]`` actors or
    ``limits["ties"]`` ties (default :data:`LIMITS`), the top
    ``limits["actors"]`` actors by ``metric`` are kept. Then, if more than
    ``limits["ties"]`` ties remain, they are merged per pair, type, polarity
    and confidence (:func:`aggregate_ties`), and if that is still too many,
    only the heaviest merged records are kept (the report's ``merged`` and
    ``heaviest``). ``report["auto"]`` tells whether the safety net chose.
    Actors in ``keep`` survive the actor cut, ties in ``keep_ties`` every
    cut and the merging.

    Examples
    --------
    >>> ties = pd.DataFrame({"id": ["t1", "t2", "t3"], "source": ["A", "B", "C"],
    ...     "target": ["B", "C", "D"], "weight": [3.0, 1.0, 1.0], "polarity": ["cooperative"] * 3})
    >>> kept, report = fit_for_drawing(ties, limits={"actors": 3, "ties": 10})
    >>> list(kept["id"]), report["auto"], report["text"]
    (['t1', 't2'], True, 'Showing 3 of 4 actors, 2 of 3 ties (2 of 3 actor pairs): the 3 actors with the highest PageRank (cooperative ties).')
    >>> fit_for_drawing(ties, max_actors=0)[1] is None
    True
    """
    limits = dict(LIMITS if limits is None else limits)
    if max_actors == 0:
        return ties, None
    n_actors = len(set(ties["source"].astype(str)) | set(ties["target"].astype(str)))
    asked = max_actors is not None or min_weight is not None or backbone is not None
    auto = not asked and (n_actors > limits["actors"] or len(ties) > limits["ties"])
    if not asked and not auto:
        return ties, None
    if auto:
        max_actors = limits["actors"]
    kept, report = prune_ties(ties, max_actors=max_actors, min_weight=min_weight, backbone=backbone,
                              metric=metric, polarity=polarity, keep=keep, keep_ties=keep_ties)
    report["auto"] = auto
    if len(kept) > limits["ties"]:
        fixed = kept["id"].astype(str).isin({str(t) for t in keep_ties}).to_numpy()
        merged, counts = _aggregate(kept[~fixed])
        kept = pd.concat([kept[fixed], merged], ignore_index=True)
        counts = np.concatenate([np.ones(int(fixed.sum()), dtype=np.int64), counts])
        report["merged"] = len(kept)
        if len(kept) > limits["ties"]:
            w = pd.to_numeric(kept["weight"], errors="coerce").fillna(1.0).to_numpy(dtype=float, copy=True)
            w[:int(fixed.sum())] = np.inf  # the ties asked for come first
            rank = pd.DataFrame({"w": -w, "id": kept["id"].astype(str).to_numpy()})
            top = np.sort(rank.sort_values(["w", "id"], kind="stable").index.to_numpy()[:limits["ties"]])
            kept, counts = kept.iloc[top].reset_index(drop=True), counts[top]
            report["heaviest"] = len(kept)
            codes, a, b, _, _ = _pairs(kept)
            report["actors_kept"] = len(set(a) | set(b))
            report["pairs_kept"] = len(a)
            report["ties_kept"] = int(counts.sum())
        report["text"] = _sentence(report)
    return kept, report
