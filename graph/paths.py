"""How A reaches B: fewest-hop, strongest, alternative and time-respecting paths, with evidence.

Every answer names, for each hop, the ties that make it (type, dates,
confidence, weight, value, document and quote), so that a path can be quoted
in a briefing.

Conventions
-----------
- Direction is ignored by default (``directed=False``): "how is A connected
  to B" is about connections, whoever initiated them. With ``directed=True`` a
  directed tie is only walked from its source to its target; an undirected tie
  is always walkable both ways.
- Polarity: by default only cooperative ties are walked, so that "the US
  sanctions Russia" is not read as a link between them; pass
  ``polarity="all"`` (or ``"adversarial"``) to change that.
- Time-respecting: a path is a chain of ties ``e1, e2, …`` walked at moments
  ``t1 <= t2 <= …``, each ``ti`` a day when ``ei`` is active (between its
  ``start_date`` and ``end_date``, inclusive). So each hop's tie must still be
  active on the day the previous hop happened (``end_date >= t_prev``), and the
  hop happens on ``max(t_prev, start_date)``. The best path arrives earliest;
  among those, the one with fewest hops.
"""

import re
from collections import defaultdict
from collections.abc import Mapping
from itertools import pairwise

import networkx as nx
import numpy as np
import pandas as pd

from .actors import resolve_actor
from .build import _actor_info, _plain_column, describe_filters, select
from .errors import QueryError
from .schema import CONFIDENCE_RANK

__all__ = ["find_paths", "graph_paths", "briefing_lines", "doc_label", "HOP_TIE_FIELDS"]

#: Fields of each tie in a hop, in this order.
HOP_TIE_FIELDS = ("id", "type", "start", "end", "confidence", "weight", "value", "unit", "doc",
                  "quote", "source", "target", "directed", "polarity", "start_date", "end_date")

_MIN_DAY, _MAX_DAY = "0000-01-01", "9999-12-31"
#: How many candidate routes the k-alternatives searches examine at most.
_MAX_CANDIDATES = 2000


def doc_label(doc):
    """Return the short label of a document: its numeric prefix, else its name.

    Examples
    --------
    >>> doc_label("001_6eca2f6d8a1765eb.txt"), doc_label("report.pdf")
    ('001', 'report.pdf')
    """
    m = re.match(r"^(\d+)[_\-.]", str(doc or ""))
    return m.group(1) if m else str(doc or "")


def _blank(v):
    return None if v == "" else v


def _tie(key, d):
    """One tie of a hop as a plain dict with :data:`HOP_TIE_FIELDS`."""
    rec = {f: _blank(d.get(f)) for f in HOP_TIE_FIELDS}
    rec["id"] = d.get("id", key)
    rec["start_date"] = d.get("start_date")
    rec["end_date"] = d.get("end_date") or d.get("start_date")
    rec["_start"] = d.get("start_date") or _MIN_DAY
    rec["_end"] = d.get("end_date") or d.get("start_date") or _MAX_DAY
    return rec


def _best_first(rec):
    """Sort key: strongest evidence first (confidence, weight), then earliest, then id."""
    return (-CONFIDENCE_RANK.get(rec.get("confidence"), -1), -float(rec.get("weight") or 0),
            rec["_start"], str(rec["id"]))


def _arcs(G, *, directed, polarity):
    """``{(u, v): [tie, …]}``: the ties that let one walk from ``u`` to ``v``."""
    arcs = defaultdict(list)
    for s, t, key, d in G.edges(keys=True, data=True):
        if polarity not in (None, "all") and d.get("polarity", "cooperative") != polarity:
            continue
        rec = _tie(key, d)
        arcs[(s, t)].append(rec)
        if not directed or not d.get("directed", True):
            arcs[(t, s)].append(rec)
    for ties in arcs.values():
        ties.sort(key=_best_first)
    return arcs


class _TableArcs(Mapping):
    """``{(u, v): [tie, …]}`` as :func:`_arcs` makes it, from a tie table, each list made when first read.

    ``rows`` maps each walkable pair to its rows of ``frame`` (in best-first
    order); ``times`` gives a pair's ``(_start, _end)`` days without making
    the tie records (all the earliest-arrival search needs).
    """

    def __init__(self, frame, keys, rows, starts, ends):
        self._frame, self._keys, self._rows = frame, keys, rows
        self._starts, self._ends = starts, ends
        self._made = {}
        self.times = _LazyTimes(self)

    def __getitem__(self, uv):
        found = self._made.get(uv)
        if found is None:
            rows = self._rows[uv]
            part = self._frame.take(rows)
            cols = {c: _plain_column(part[c]) for c in part.columns}
            found = [_tie(self._keys[r], {c: vals[i] for c, vals in cols.items()}) for i, r in enumerate(rows)]
            found.sort(key=_best_first)
            self._made[uv] = found
        return found

    def __iter__(self):
        return iter(self._rows)

    def __len__(self):
        return len(self._rows)

    def __contains__(self, uv):
        return uv in self._rows


class _LazyTimes(Mapping):
    """``{(u, v): [(_start, _end), …]}`` of a :class:`_TableArcs`."""

    def __init__(self, arcs):
        self._arcs = arcs

    def __getitem__(self, uv):
        a = self._arcs
        return [(a._starts[r], a._ends[r]) for r in a._rows[uv]]

    def __iter__(self):
        return iter(self._arcs)

    def __len__(self):
        return len(self._arcs)


def _walk_of_table(ties, actors, *, directed, polarity):
    """What :func:`graph_paths` walks, from a (sliced) tie table without building a multigraph.

    Returns ``(nodes, names, arcs, weights)``: the actors with a tie (sorted),
    their names, the walkable pairs (a :class:`_TableArcs`) and, per pair, its
    ties' summed ``weight or 1`` added in best-first order (as
    :func:`graph_paths` sums them for ``distance``).
    """
    n = len(ties)
    info = _actor_info(actors)
    if not n:
        return [], {}, _TableArcs(ties, [], {}, [], []), {}
    keys = ties["id"].tolist()
    ends, names = pd.factorize(np.concatenate([ties["source"].to_numpy(dtype=object),
                                               ties["target"].to_numpy(dtype=object)]))
    names = np.asarray(names, dtype=object)
    src, tgt = ends[:n].astype(np.int64), ends[n:].astype(np.int64)
    nodes = sorted(names.tolist(), key=str)
    labels = {v: info.get(v, {"name": v}).get("name") or v for v in nodes}
    fields = [c for c in HOP_TIE_FIELDS if c in ties.columns]
    frame = ties[fields].reset_index(drop=True)
    plain = {c: _plain_column(frame[c]) for c in ("start_date", "end_date", "weight", "confidence", "id",
                                                  "polarity", "directed") if c in frame.columns}
    none = [None] * n
    first_day, last_day = plain.get("start_date", none), plain.get("end_date", none)
    starts = [a or _MIN_DAY for a in first_day]
    finishes = [b or a or _MAX_DAY for a, b in zip(first_day, last_day)]
    walk = np.ones(n, dtype=bool)
    if polarity not in (None, "all"):
        pol = plain.get("polarity", ["cooperative"] * n)
        walk = np.array([x == polarity for x in pol], dtype=bool)
    both = np.ones(n, dtype=bool)
    if directed:
        both = np.array([not x for x in plain.get("directed", [True] * n)], dtype=bool)
    # best first: confidence, weight (high first), then earliest, then id, as _best_first orders
    rank = np.array([-CONFIDENCE_RANK.get(c, -1) for c in plain.get("confidence", none)], dtype=float)
    heavy = np.array([-float(w or 0) for w in plain.get("weight", none)], dtype=float)
    start_code = pd.factorize(np.array(starts, dtype=object), sort=True)[0]
    id_code = pd.factorize(np.array([str(x) for x in plain["id"]], dtype=object), sort=True)[0]
    order = np.lexsort((id_code, start_code, heavy, rank))
    order = order[walk[order]]
    back = both[order]
    seq_u = np.stack([src[order], tgt[order]], axis=1).ravel()
    seq_v = np.stack([tgt[order], src[order]], axis=1).ravel()
    keep = np.stack([np.ones(len(order), dtype=bool), back], axis=1).ravel()
    seq_u, seq_v = seq_u[keep], seq_v[keep]
    seq_rows = np.repeat(order, 1 + back.astype(np.int64))
    rows, weights = {}, {}
    if len(seq_rows):
        pair_keys, inverse = np.unique(seq_u * len(names) + seq_v, return_inverse=True)
        inverse = inverse.ravel()
        w = np.array([float(x or 1.0) for x in plain.get("weight", none)], dtype=float)
        summed = np.bincount(inverse, weights=w[seq_rows], minlength=len(pair_keys))  # in best-first order
        counts = np.bincount(inverse, minlength=len(pair_keys))
        grouped = np.split(seq_rows[np.argsort(inverse, kind="stable")], np.cumsum(counts)[:-1])
        for code, group, x in zip(pair_keys.tolist(), grouped, summed.tolist()):
            uv = (names[code // len(names)], names[code % len(names)])
            rows[uv], weights[uv] = group, x
    return nodes, labels, _TableArcs(frame, keys, rows, starts, finishes), weights


def _support(G, arcs, *, directed):
    """A simple (Di)Graph with one edge per walkable pair, nodes and edges sorted."""
    H = nx.DiGraph() if directed else nx.Graph()
    H.add_nodes_from(sorted(G, key=str))
    H.add_edges_from(sorted(arcs, key=lambda uv: (str(uv[0]), str(uv[1]))))
    return H


def _ranked_simple_paths(H, source, target, k, weight):
    """The ``k`` best simple paths as ``(length, nodes)``, equal lengths ordered by ids."""
    found = []
    try:
        for p in nx.shortest_simple_paths(H, source, target, weight=weight):
            length = len(p) - 1 if weight is None else sum(H[u][v][weight] for u, v in pairwise(p))
            length = round(length, 9)
            if len(found) >= k and length > found[k - 1][0]:
                break
            found.append((length, p))
            if len(found) >= min(k + _MAX_CANDIDATES, max(k, _MAX_CANDIDATES)):
                break
    except (nx.NetworkXNoPath, nx.NodeNotFound):
        return []
    found.sort(key=lambda lp: (lp[0], [str(n) for n in lp[1]]))
    return found[:k]


def _schedule(nodes, arcs):
    """Time the walk along ``nodes``; ``None`` if no time-respecting schedule exists.

    Returns ``(arrival, hops)``: each hop with the day it happens (earliest
    possible) and every tie that fits some valid schedule, earliest first.
    """
    steps = list(pairwise(nodes))
    arrive = [_MIN_DAY]
    for u, v in steps:
        times = [max(arrive[-1], e["_start"]) for e in arcs.get((u, v), ()) if e["_end"] >= arrive[-1]]
        if not times:
            return None
        arrive.append(min(times))
    latest = [_MAX_DAY] * len(nodes)  # the latest day one may be at nodes[i] and still finish
    for i in range(len(steps) - 1, -1, -1):
        ok = [min(e["_end"], latest[i + 1]) for e in arcs[steps[i]] if e["_start"] <= latest[i + 1]]
        latest[i] = max(ok)
    hops = []
    for i, (u, v) in enumerate(steps):
        usable = [e for e in arcs[(u, v)]
                  if max(arrive[i], e["_start"]) <= min(e["_end"], latest[i + 1])]
        usable.sort(key=lambda e: (max(arrive[i], e["_start"]),) + _best_first(e))
        hops.append({"from": u, "to": v, "on": arrive[i + 1], "ties": usable})
    return arrive[-1], hops


def _earliest_arrival(H, times, source, target):
    """The node path that reaches ``target`` earliest, then with fewest hops, or ``None``.

    Bellman–Ford by hop count: layer ``h`` holds the earliest arrival at each
    actor in at most ``h`` hops (arriving earlier never hurts later hops, so
    this is exact). A layer improves a value only when strictly earlier, so
    the final value at ``target`` was first reached with the fewest hops.
    """
    cur = {source: (_MIN_DAY, 0, None)}  # node -> (day, hops, previous state)
    frontier = [source]
    for _ in range(max(len(H) - 1, 0)):
        nxt = dict(cur)
        for u in sorted(frontier, key=str):
            day_u = cur[u][0]
            for v in sorted(H.successors(u) if H.is_directed() else H.neighbors(u), key=str):
                if v == source:
                    continue
                days = [max(day_u, start) for start, end in times[(u, v)] if end >= day_u]
                if days and (v not in nxt or min(days) < nxt[v][0]):
                    nxt[v] = (min(days), cur[u][1] + 1, (u, cur[u]))
        frontier = [v for v in nxt if v not in cur or nxt[v] is not cur[v]]
        cur = nxt
        if not frontier:
            break
    if target not in cur:
        return None
    nodes, state = [target], cur[target]
    while state[2] is not None:
        u, state = state[2]
        nodes.append(u)
    return nodes[::-1]


def graph_paths(G, source, target, *, k=1, strongest=False, time_respecting=False,
                directed=False, polarity="cooperative"):
    """Return up to ``k`` paths from ``source`` to ``target`` in a tie multigraph, best first.

    Parameters
    ----------
    G : MultiDiGraph
        From :func:`graph.build.build_graph` (already sliced by any filters).
    source, target : str
        Actor ids.
    k : int
        How many alternatives (simple paths), best first; equally good ones are
        ordered by their actor ids.
    strongest : bool
        Least total ``distance`` (``1 / summed weight`` per actor pair) instead
        of fewest hops.
    time_respecting : bool
        Each hop no earlier than the previous one; earliest arrival, then
        fewest hops (see the module notes). Alternatives are sought among the
        first 2000 simple routes by hop count.
    directed : bool
        Walk directed ties only from source to target.
    polarity : {"cooperative", "adversarial", "all"}
        Which ties may be walked.

    Returns
    -------
    list of dict
        Each ``{"nodes", "names", "hops", "length"}``; ``hops`` is a list of
        ``{"from", "to", "ties"}`` and each tie has :data:`HOP_TIE_FIELDS`
        (best evidence first). ``length`` is the hop count, or the total
        distance for ``strongest``; time-respecting paths add ``arrival`` and
        each hop its day ``on``. Empty when there is no path.

    Examples
    --------
    >>> M = nx.MultiDiGraph()
    >>> M.add_edge("A", "B", key="t1", weight=1.0, start_date="2020-01-01", end_date="2020-01-01")
    't1'
    >>> M.add_edge("B", "C", key="t2", weight=1.0, start_date="2019-01-01", end_date="2019-12-31")
    't2'
    >>> [p["nodes"] for p in graph_paths(M, "A", "C")]
    [['A', 'B', 'C']]
    >>> graph_paths(M, "A", "C", time_respecting=True)  # B–C ended before A–B happened
    []
    """
    if source not in G or target not in G or source == target:
        return []
    arcs = _arcs(G, directed=directed, polarity=polarity)
    times = {uv: [(e["_start"], e["_end"]) for e in found] for uv, found in arcs.items()}
    weights = None
    if strongest and not time_respecting:
        weights = {uv: sum(float(e.get("weight") or 1.0) for e in found) for uv, found in arcs.items()}
    names = {n: G.nodes[n].get("name") or n for n in G}
    return _walk_paths(G, names, arcs, times, weights, source, target, k=k, strongest=strongest,
                       time_respecting=time_respecting, directed=directed)


def _table_paths(ties, actors, source, target, *, k=1, strongest=False, time_respecting=False,
                 directed=False, polarity="cooperative"):
    """:func:`graph_paths` of ``build_graph(ties, actors)``, worked out on the table (same answer)."""
    if source == target:
        return []
    nodes, names, arcs, weights = _walk_of_table(ties, actors, directed=directed, polarity=polarity)
    if source not in names or target not in names:
        return []
    return _walk_paths(nodes, names, arcs, arcs.times, weights, source, target, k=k, strongest=strongest,
                       time_respecting=time_respecting, directed=directed)


def _walk_paths(nodes, names, arcs, times, weights, source, target, *, k, strongest, time_respecting,
                directed):
    """The search of :func:`graph_paths` over walkable pairs (``arcs``) between ``nodes``."""
    H = _support(nodes, arcs, directed=directed)
    results = []
    if time_respecting:
        candidates = []
        best = _earliest_arrival(H, times, source, target)
        if best is not None:
            candidates.append(best)
            if k > 1:
                for _, p in _ranked_simple_paths(H, source, target, _MAX_CANDIDATES, None):
                    if p != best:
                        candidates.append(p)
        timed = []
        for nodes in candidates:
            sched = _schedule(nodes, arcs)
            if sched is not None:
                timed.append((sched[0], len(nodes) - 1, nodes, sched[1]))
        first, rest = timed[:1], sorted(timed[1:], key=lambda x: (x[0], x[1], [str(n) for n in x[2]]))
        for arrival, n_hops, nodes, hops in (first + rest)[:k]:
            results.append({"nodes": nodes, "hops": hops, "length": n_hops, "arrival": arrival})
    else:
        if strongest:  # distance = 1 / summed weight of the pair's walkable ties, as in collapse()
            for u, v, d in H.edges(data=True):
                d["distance"] = 1.0 / weights[(u, v)]
            ranked = _ranked_simple_paths(H, source, target, k, "distance")
        else:
            ranked = _ranked_simple_paths(H, source, target, k, None)
        for length, nodes in ranked:
            hops = [{"from": u, "to": v, "ties": list(arcs[(u, v)])} for u, v in pairwise(nodes)]
            results.append({"nodes": nodes, "hops": hops, "length": length})
    for path in results:
        path["names"] = [names[n] for n in path["nodes"]]
        for hop in path["hops"]:
            hop["ties"] = [{f: e[f] for f in HOP_TIE_FIELDS} for e in hop["ties"]]
        path["hops"] = [{"from": h["from"], "to": h["to"], **({"on": h["on"]} if "on" in h else {}),
                         "ties": h["ties"]} for h in path["hops"]]
    return [{key: p[key] for key in ("nodes", "names", "hops", "length", "arrival") if key in p}
            for p in results]


_FLAG = {"start": "--from {}", "end": "--to {}", "as_of": "--as-of {}", "min_confidence": "--min-confidence {}"}


def _constraints(filters, polarity, directed, time_respecting):
    """Active constraints as ``[(name, as stated, as relaxed)]``, in a fixed order."""
    out = [(key, _FLAG[key].format(filters[key]), "without " + _FLAG[key].format(filters[key]))
           for key in ("start", "end", "as_of", "min_confidence") if filters.get(key)]
    if filters.get("types"):
        flags = " ".join(f"--type {t}" for t in sorted(filters["types"]))
        out.append(("types", flags, f"without {flags}"))
    if polarity != "all":
        stated = f"--polarity {polarity}" if filters.get("polarity") else f"{polarity} ties only (the default)"
        out.append(("polarity", stated, "with --polarity all"))
    if directed:
        out.append(("directed", "--directed", "without --directed"))
    if time_respecting:
        out.append(("time_respecting", "--time-respecting", "without --time-respecting"))
    return out


def _explain_no_path(ties, actors, source, target, names, filters, polarity, directed, time_respecting):
    """A sentence saying there is no path and, if a filter caused it, which one."""
    active = _constraints(filters, polarity, directed, time_respecting)

    def exists(drop):
        f = {key: (None if key in drop else filters.get(key))
             for key in ("start", "end", "as_of", "types", "min_confidence")}
        return bool(_table_paths(select(ties, **f), actors, source, target,
                                 polarity="all" if "polarity" in drop else polarity,
                                 directed=directed and "directed" not in drop,
                                 time_respecting=time_respecting and "time_respecting" not in drop))

    S, T = names[source], names[target]
    head = f"no path from {S} to {T}"
    if active:
        head += " with " + ", ".join(stated for _, stated, _ in active)
    if not active or not exists({key for key, _, _ in active}):
        return head + f"; {S} and {T} are not connected at all in this data"
    culprits = [relaxed for key, _, relaxed in active if exists({key})]
    if culprits:
        return head + "; " + " or ".join(culprits) + " there is one"
    return head + "; no single one of these is the cause, but without all of them there is one"


def find_paths(ties, source, target, *, actors=None, filters=None, k=1, strongest=False,
               time_respecting=False, directed=False):
    """Answer "how does ``source`` reach ``target``?" on a tie table, with evidence.

    Parameters
    ----------
    ties : DataFrame
        As loaded by :func:`graph.load.load_dataset` (unfiltered).
    source, target : str
        Actors, by id, name or alias (resolved with ``actors`` when given).
    actors : DataFrame, optional
        The actor table (names and aliases).
    filters : dict, optional
        Keyword arguments of :func:`graph.build.select` (``start``, ``end``,
        ``as_of``, ``types``, ``min_confidence``, ``polarity``). ``polarity``
        ``None`` means cooperative ties only.
    k, strongest, time_respecting, directed
        As in :func:`graph_paths`.

    Returns
    -------
    dict
        ``source``, ``target``, ``mode`` (``fewest_hops``, ``strongest`` or
        ``time_respecting``), ``measure`` (what ``length`` counts), ``directed``,
        ``polarity``, ``filters`` (in words) and ``paths`` (see
        :func:`graph_paths`; never empty).

    Raises
    ------
    UnknownActorError
        If an actor name matches nothing.
    QueryError
        If there is no path; the message says which filter, if any, caused it.

    Examples
    --------
    >>> import pandas as pd
    >>> ties = pd.DataFrame({"id": ["t1", "t2"], "source": ["A", "B"], "target": ["B", "C"],
    ...     "type": ["trade", "sanctions"], "polarity": ["cooperative", "adversarial"],
    ...     "confidence": ["confirmed", "reported"], "weight": [1.0, 1.0],
    ...     "start_date": pd.to_datetime(["2020-01-01", "2021-01-01"]),
    ...     "end_date": pd.to_datetime(["2020-12-31", "2021-12-31"])})
    >>> find_paths(ties, "A", "C", filters={"polarity": "all"})["paths"][0]["nodes"]
    ['A', 'B', 'C']
    >>> find_paths(ties, "A", "C")
    Traceback (most recent call last):
    ...
    graph.errors.QueryError: no path from A to C with cooperative ties only (the default); with --polarity all there is one
    """
    filters = dict(filters or {})
    if actors is not None:  # an empty table too: then no name matches
        source, target = resolve_actor(actors, source), resolve_actor(actors, target)
    if source == target:
        raise QueryError("a path needs two different actors")
    polarity = filters.get("polarity") or "cooperative"
    sliced = {key: filters.get(key) for key in ("start", "end", "as_of", "types", "min_confidence")}
    names = {source: source, target: target}
    if actors is not None and len(actors):
        names.update((a, n or a) for a, n in zip(actors["id"], actors["name"]) if a in names)
    # = graph_paths(build_graph(select(ties, **sliced), actors), …), without one edge per tie
    paths = _table_paths(select(ties, **sliced), actors, source, target, k=k, strongest=strongest,
                         time_respecting=time_respecting, directed=directed, polarity=polarity)
    if not paths:
        raise QueryError(_explain_no_path(ties, actors, source, target, names, filters, polarity,
                                          directed, time_respecting))
    mode = "time_respecting" if time_respecting else "strongest" if strongest else "fewest_hops"
    measure = {"time_respecting": "hops (after earliest arrival)", "strongest": "total distance (1/weight)",
               "fewest_hops": "hops"}[mode]
    return {"source": source, "target": target, "mode": mode, "measure": measure,
            "directed": bool(directed), "polarity": polarity,
            "filters": describe_filters(**{**sliced, "polarity": None}), "paths": paths}


def _quote(text, n=110):
    text = " ".join(str(text or "").split())
    return text if len(text) <= n else text[: n - 1].rstrip() + "…"


def _when(tie):
    return tie["start"] + (f"–{tie['end']}" if tie.get("end") else "") if tie.get("start") else "undated"


def briefing_lines(result, *, more=0):
    """Return a path answer as lines of text, one briefing line per hop.

    Each hop shows its best tie (for a time-respecting path, the one that
    makes the earliest arrival) and how many more ties support it; ``more``
    shows that many of them in full as well.

    Examples
    --------
    >>> tie = {"id": "t1", "type": "arms_transfer", "start": "2023", "end": None,
    ...        "confidence": "reported", "doc": "001_x.txt", "quote": "shells were sent",
    ...        "source": "PRK", "target": "RUS", "directed": True}
    >>> result = {"mode": "fewest_hops", "polarity": "cooperative", "filters": "", "paths": [
    ...     {"nodes": ["PRK", "RUS"], "names": ["North Korea", "Russia"], "length": 1,
    ...      "hops": [{"from": "PRK", "to": "RUS", "ties": [tie]}]}]}
    >>> print("\\n".join(briefing_lines(result)))
    North Korea → Russia  (1 hop; cooperative ties; fewest hops)
      North Korea → Russia  arms_transfer 2023 (reported): "shells were sent" [001]
    """
    lines = []
    paths = result["paths"]
    mode = {"fewest_hops": "fewest hops", "strongest": "strongest",
            "time_respecting": "time-respecting"}[result["mode"]]
    for i, path in enumerate(paths, 1):
        names = dict(zip(path["nodes"], path["names"]))
        n = len(path["hops"])
        facts = [f"{n} hop{'s' if n != 1 else ''}", f"{result['polarity']} ties", mode]
        if result["mode"] == "strongest":
            facts.append(f"distance {path['length']:.3g}")
        if "arrival" in path:
            facts.append(f"arrives {path['arrival']}")
        if result.get("directed"):
            facts.append("directed")
        if result.get("filters"):
            facts.append(result["filters"])
        prefix = f"{i}. " if len(paths) > 1 else ""
        lines.append(f"{prefix}{' → '.join(path['names'])}  ({'; '.join(facts)})")
        for hop in path["hops"]:
            pair = f"{names[hop['from']]} → {names[hop['to']]}"
            for j, tie in enumerate(hop["ties"][: 1 + more]):
                kind = tie["type"]
                if tie.get("directed") and tie.get("source") == hop["to"]:
                    kind += f" from {names[hop['to']]}"
                when = _when(tie)
                if j == 0 and hop.get("on") and tie.get("start_date") and hop["on"] > tie["start_date"]:
                    when += f" (walked on {hop['on']})"  # a lasting tie, taken up after it began
                lead = f"  {pair}  " if j == 0 else " " * (len(pair) + 4)
                lines.append(f"{lead}{kind} {when} ({tie['confidence']}): "
                             f"\"{_quote(tie['quote'])}\" [{doc_label(tie['doc'])}]")
            rest = hop["ties"][1 + more:]
            if rest:
                kinds = sorted({t["type"] for t in rest})
                lines.append(" " * (len(pair) + 4) + f"+ {len(rest)} more tie{'s' if len(rest) > 1 else ''}"
                             f" ({', '.join(kinds)})")
    return lines
