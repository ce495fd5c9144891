"""Seeded node positions for drawing: the same graph always gets the same layout.

The explorer draws with physics off, so the positions computed here are the
picture. Small graphs (up to :data:`SMALL`) use networkx's Fruchterman–Reingold
``spring_layout``; larger ones a numpy force layout whose repulsion is taken
from a seeded sample of pivot nodes, which is linear in the number of actors
and needs no scipy.
"""

import math

import networkx as nx

__all__ = ["SMALL", "layout_positions", "layout_weights"]

#: Above this many actors the sampled numpy layout is used.
SMALL = 400

#: Adversarial ties pull this much (relative to their weight) in the layout:
#: rivals stay visibly apart, yet an actor tied only by sanctions is not lost at the edge.
ADVERSARIAL_PULL = 0.25


def layout_weights(G):
    """Return the undirected weighted graph a layout is computed on.

    A tie multigraph (from :func:`graph.build.build_graph`) is collapsed per
    actor pair; the pull is ``log(1 + summed weight)`` (so that a
    pair with fifty ties does not swallow the picture), adversarial ties at
    :data:`ADVERSARIAL_PULL` of that. A simple graph is used as it is
    (direction ignored).

    Examples
    --------
    >>> M = nx.MultiDiGraph()
    >>> M.add_edge("USA", "RUS", key="t1", type="sanctions", weight=4.0, polarity="adversarial")
    't1'
    >>> M.add_edge("USA", "JPN", key="t2", type="trade", weight=4.0, polarity="cooperative")
    't2'
    >>> H = layout_weights(M)
    >>> round(H["USA"]["RUS"]["weight"], 2), round(H["USA"]["JPN"]["weight"], 2)
    (0.4, 1.61)
    """
    if G.is_multigraph():
        sums = {}  # (pair, adversarial?) -> summed weight, as collapse() would count it
        for s, t, d in G.edges(data=True):
            w = float(d.get("weight", 1.0))
            if s == t or not w > 0:
                continue
            pair = (s, t) if str(s) <= str(t) else (t, s)
            key = (pair, d.get("polarity") == "adversarial")
            sums[key] = sums.get(key, 0.0) + w
        pulls = {}
        for (pair, adversarial), w in sums.items():
            pulls[pair] = pulls.get(pair, 0.0) + math.log1p(w) * (ADVERSARIAL_PULL if adversarial else 1.0)
        H = nx.Graph()
        H.add_nodes_from(sorted(G, key=str))
        ordered = sorted(pulls.items(), key=lambda kv: (str(kv[0][0]), str(kv[0][1])))
        H.add_weighted_edges_from((u, v, w) for (u, v), w in ordered)
        return H
    H = nx.Graph()
    H.add_nodes_from(sorted(G, key=str))
    for s, t, d in G.edges(data=True):
        w = float(d.get("weight", 1.0))
        if H.has_edge(s, t):
            H[s][t]["weight"] += w
        else:
            H.add_edge(s, t, weight=w)
    return H


def layout_positions(G, *, seed=42, spacing=130):
    """Return ``{actor: (x, y)}`` integer pixel positions, the same on every run.

    Parameters
    ----------
    G : graph
        A tie multigraph or any networkx graph; edge ``weight`` pulls actors
        together (see :func:`layout_weights`).
    seed : int
        Seed of every random choice.
    spacing : int
        Roughly the distance in pixels between neighbouring actors; the
        drawing spans about ``spacing * sqrt(n)`` pixels.

    Returns
    -------
    dict
        Keys in sorted order; the layout is centred on (0, 0) with y pointing down.

    Examples
    --------
    >>> pos = layout_positions(nx.path_graph(["A", "B", "C"]))
    >>> sorted(pos), pos == layout_positions(nx.path_graph(["A", "B", "C"]))
    (['A', 'B', 'C'], True)
    >>> layout_positions(nx.Graph([("A", "B")]), spacing=100)["A"] != (0, 0)
    True
    """
    H = layout_weights(G)
    nodes = sorted(H, key=str)
    n = len(nodes)
    if n == 0:
        return {}
    if n == 1:
        return {nodes[0]: (0, 0)}
    if n <= SMALL:
        ordered = nx.Graph()
        ordered.add_nodes_from(nodes)
        ordered.add_edges_from(sorted(H.edges(data=True), key=lambda e: (str(e[0]), str(e[1]))))
        raw = nx.spring_layout(ordered, weight="weight", seed=seed, iterations=300,
                               k=1.6 / math.sqrt(n))
        xy = [tuple(float(c) for c in raw[v]) for v in nodes]
        xy = _separate(_scale(xy, spacing * max(2.0, math.sqrt(n))), 0.75 * spacing)
    else:
        xy = _scale(_sampled_force_layout(H, nodes, seed=seed), spacing * max(2.0, math.sqrt(n)))
    return _to_pixels(nodes, xy)


def _scale(xy, size):
    """Centre ``xy`` on (0, 0) and scale it to ``size`` across."""
    xs = [p[0] for p in xy]
    ys = [p[1] for p in xy]
    cx, cy = (max(xs) + min(xs)) / 2, (max(ys) + min(ys)) / 2
    span = max(max(xs) - min(xs), max(ys) - min(ys)) or 1.0
    k = size / span
    return [((x - cx) * k, (y - cy) * k) for x, y in xy]


def _separate(xy, gap, rounds=80):
    """Push apart any two points closer than ``gap`` (pixels), a little at a time."""
    import numpy as np
    pos = np.array(xy, dtype=float)
    n = len(pos)
    for _ in range(rounds):
        d = pos[:, None, :] - pos[None, :, :]
        dist = np.sqrt((d ** 2).sum(axis=2))
        np.fill_diagonal(dist, gap * 10)
        close = dist < gap
        if not close.any():
            break
        push = np.where(close, (gap - dist) / np.maximum(dist, 1e-9) / 2, 0.0)
        # coincident points: nudge along a fixed direction per pair order
        same = close & (dist < 1e-9)
        if same.any():
            i, j = np.nonzero(np.triu(same))
            pos[j] += np.array([gap * 0.5, gap * 0.3])
            continue
        pos += (d * push[:, :, None]).sum(axis=1) * 0.5
    return [tuple(float(c) for c in row) for row in pos[:n]]


def _to_pixels(nodes, xy):
    """Round to integer pixels, keyed by actor."""
    return {v: (int(round(x)), int(round(y))) for v, (x, y) in zip(nodes, xy)}


def _sampled_force_layout(H, nodes, *, seed, iterations=60, pivots=150):
    """Fruchterman–Reingold in numpy with repulsion from seeded pivot samples.

    Attraction runs along every edge (scaled by weight); repulsion against a
    fresh sample of ``pivots`` nodes per step, scaled up to stand for all.
    Cost per step is O(n * pivots + m).
    """
    import numpy as np
    rng = np.random.default_rng(seed)
    n = len(nodes)
    index = {v: i for i, v in enumerate(nodes)}
    edges = sorted(((index[s], index[t], float(d.get("weight", 1.0)))
                    for s, t, d in H.edges(data=True)), key=lambda e: (e[0], e[1]))
    src = np.array([e[0] for e in edges], dtype=np.int64)
    dst = np.array([e[1] for e in edges], dtype=np.int64)
    w = np.array([e[2] for e in edges], dtype=float)
    if len(w):
        w = w / w.mean()
    pos = rng.random((n, 2)) - 0.5
    k = 1.0 / math.sqrt(n)  # ideal distance in a unit square
    temp = 0.1
    cool = temp / (iterations + 1)
    p = min(pivots, n)
    for _ in range(iterations):
        disp = np.zeros((n, 2))
        sample = rng.choice(n, size=p, replace=False)
        dx = pos[:, 0:1] - pos[sample, 0][None, :]  # n x p
        dy = pos[:, 1:2] - pos[sample, 1][None, :]
        inv = (k * k * n / p) / np.maximum(dx * dx + dy * dy, 1e-6)
        disp[:, 0] += (dx * inv).sum(axis=1)
        disp[:, 1] += (dy * inv).sum(axis=1)
        if len(w):
            d = pos[src] - pos[dst]
            dist = np.maximum(np.sqrt((d ** 2).sum(axis=1)), 1e-6)
            f = d * (dist * w / k)[:, None]
            for axis in (0, 1):
                disp[:, axis] += (np.bincount(dst, f[:, axis], minlength=n)
                                  - np.bincount(src, f[:, axis], minlength=n))
        # a weak pull to the centre keeps loose components on the page
        disp -= pos * (n * k * 0.05)
        length = np.maximum(np.sqrt((disp ** 2).sum(axis=1)), 1e-9)
        pos += disp * (np.minimum(length, temp) / length)[:, None]
        temp -= cool
    return [tuple(float(c) for c in row) for row in pos]
