"""Seeded node positions for drawing: the same graph always gets the same layout.

The explorer draws with physics off, so the positions computed here are the
picture. Small graphs (up to :data:`SMALL`) use networkx's Fruchterman–Reingold
``spring_layout``; larger ones a numpy force layout whose repulsion is taken
from a seeded sample of pivot nodes, which is linear in the number of actors
and needs no scipy.
"""

import math

import networkx as nx

__all__ = ["SMALL", "STRESS", "layout_positions", "layout_weights", "spread_positions"]

#: Above this many actors the sampled numpy layout is used.
SMALL = 400

#: Up to this many actors the layout is stress majorization over weighted graph distances.
STRESS = 150

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
    if n <= STRESS:
        # drawn compact: spread_positions() then makes room where actors crowd,
        # so that the crowded core grows and the periphery does not
        xy = _widen(_scale(_stress_layout(H, nodes, seed=seed), 0.45 * spacing * max(2.0, math.sqrt(n))))
        xy = _separate(xy, 0.5 * spacing)
    elif n <= SMALL:
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


def _widen(xy, aspect=1.5):
    """Stretch ``xy`` sideways (up to twice) towards ``aspect`` = width / height, the shape of the page's graph area."""
    xs = [p[0] for p in xy]
    ys = [p[1] for p in xy]
    w, h = max(xs) - min(xs), max(ys) - min(ys)
    k = min(2.0, max(1.0, aspect * h / w)) if w > 0 else 1.0
    return [(x * k, y) for x, y in xy]


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


def _stress_layout(H, nodes, *, seed, iterations=400):
    """Stress majorization: place actors so that drawn distances follow graph distances.

    An edge is ``1 / pull`` long (pull from :func:`layout_weights`, floored
    and capped so that neither a fifty-tie pair nor a lone sanction
    dominates); unconnected pairs count as one step beyond the longest
    distance, with little weight. Starts from classical MDS (signs fixed) plus
    a little seeded noise, then runs the localized majorization update
    (Gansner, Koren and North 2004) on all nodes at once.
    """
    import numpy as np
    n = len(nodes)
    index = {v: i for i, v in enumerate(nodes)}
    lengths = {}
    for s, t, d in H.edges(data=True):
        if s == t:
            continue
        pull = float(d.get("weight", 1.0))
        lengths[(s, t)] = (1.0 / min(2.0, max(0.5, pull))) ** 0.6
    L = nx.Graph()
    L.add_nodes_from(nodes)
    L.add_weighted_edges_from(sorted(((s, t, w) for (s, t), w in lengths.items()),
                                     key=lambda e: (str(e[0]), str(e[1]))), weight="len")
    D = np.full((n, n), np.inf)
    for v, dist in nx.all_pairs_dijkstra_path_length(L, weight="len"):
        i = index[v]
        for u, x in dist.items():
            D[i, index[u]] = x
    finite = np.isfinite(D)
    far = (D[finite].max() if finite.any() else 1.0) + 1.0
    W = np.where(finite, 1.0, 0.1)
    D = np.where(finite, D, far)
    np.fill_diagonal(D, 0.0)
    W = W / np.maximum(D, 1e-9) ** 2
    np.fill_diagonal(W, 0.0)
    # classical MDS start, with eigenvector signs fixed so LAPACK builds agree
    B = -0.5 * (D ** 2)
    B -= B.mean(axis=0)[None, :]
    B -= B.mean(axis=1)[:, None]
    vals, vecs = np.linalg.eigh(B)
    top = vecs[:, -2:][:, ::-1] * np.sqrt(np.maximum(vals[-2:][::-1], 1e-9))
    for k in range(2):
        j = int(np.argmax(np.abs(top[:, k]) + 1e-12 * np.arange(n)[::-1]))
        if top[j, k] < 0:
            top[:, k] = -top[:, k]
    rng = np.random.default_rng(seed)
    pos = top + rng.normal(scale=0.05 * far, size=(n, 2))
    wsum = np.maximum(W.sum(axis=1), 1e-12)
    for _ in range(iterations):
        diff = pos[:, None, :] - pos[None, :, :]
        dist = np.maximum(np.sqrt((diff ** 2).sum(axis=2)), 1e-9)
        target = pos[None, :, :] + (D / dist)[:, :, None] * diff
        new = (W[:, :, None] * target).sum(axis=1) / wsum[:, None]
        if np.abs(new - pos).max() < 1e-5 * far:
            pos = new
            break
        pos = new
    return [tuple(float(c) for c in row) for row in pos]


def spread_positions(positions, radii, labels=None, *, gap=60, font=14, fill=None, rounds=300,
                     limit=SMALL):
    """Return ``positions`` with actors pushed apart until they and their labels have room.

    Two actors end at least ``r_a + r_b + gap`` pixels apart (centre to
    centre), and the boxes made of each disc and its label underneath
    (about ``0.55 * font`` pixels a character) do not overlap. Overlapping
    pairs move apart along the axis that frees them soonest, half each, a
    few pixels at a time, so the picture keeps its shape. Deterministic;
    graphs over ``limit`` actors (labels shown only when zoomed in) are
    returned unchanged.

    With ``fill=(width, height)``, a drawing smaller than that box is then
    scaled up (at most twice) until it fills it: the page shows a drawing at
    its own size when it fits, so room left over would only be white.

    Parameters
    ----------
    positions : dict
        ``{actor: (x, y)}`` pixels, as from :func:`layout_positions`.
    radii : dict
        ``{actor: radius}`` in the same pixels.
    labels : dict, optional
        ``{actor: label text}``; without it only discs are kept apart.

    Returns
    -------
    dict
        ``{actor: (x, y)}`` integer pixels, keys in sorted order.

    Examples
    --------
    >>> spread_positions({"A": (0, 0), "B": (10, 0)}, {"A": 20, "B": 20}, gap=40)
    {'A': (-35, 0), 'B': (45, 0)}
    >>> spread_positions({"A": (0, 0), "B": (300, 0)}, {"A": 20, "B": 20})
    {'A': (0, 0), 'B': (300, 0)}
    """
    import numpy as np
    nodes = sorted(positions, key=str)
    n = len(nodes)
    if n < 2 or n > limit:
        return {v: (int(positions[v][0]), int(positions[v][1])) for v in nodes}
    pos = np.array([positions[v] for v in nodes], dtype=float)
    r = np.array([float(radii.get(v, 10)) for v in nodes])
    labels = labels or {}
    half_w = np.array([max(float(radii.get(v, 10)), 0.275 * font * len(str(labels.get(v, ""))) + 3)
                       for v in nodes])
    below = np.array([float(radii.get(v, 10)) + (font * 1.5 if labels.get(v) else 0) for v in nodes])
    need = r[:, None] + r[None, :] + gap
    upper = np.triu(np.ones((n, n), dtype=bool), 1)
    # a fixed direction for actors that sit exactly on top of each other
    jitter = np.stack([np.cos(np.arange(n) * 2.4), np.sin(np.arange(n) * 2.4)], axis=1)
    for _ in range(rounds):
        d = pos[:, None, :] - pos[None, :, :]
        dist = np.sqrt((d ** 2).sum(axis=2))
        same = upper & (dist < 1e-6)
        if same.any():
            i, j = np.nonzero(same)
            pos[j] += jitter[j]
            continue
        move = np.zeros_like(pos)
        # discs: centre distance at least r_a + r_b + gap
        short = upper & (dist < need)
        if short.any():
            i, j = np.nonzero(short)
            push = ((need[i, j] - dist[i, j]) / 2 / dist[i, j])[:, None] * d[i, j]
            np.add.at(move, i, push)
            np.add.at(move, j, -push)
        # label boxes: [x - half_w, x + half_w] x [y - r, y + below], a margin of 6 px
        ox = (half_w[:, None] + half_w[None, :] + 6) - np.abs(d[:, :, 0])
        top_i, top_j = pos[:, 1] - r, pos[:, 1] + below
        oy = np.minimum(top_j[:, None], top_j[None, :]) - np.maximum(top_i[:, None], top_i[None, :]) + 6
        hit = upper & (ox > 0) & (oy > 0) & bool(labels)
        if hit.any():
            i, j = np.nonzero(hit)
            horizontal = ox[i, j] * 1.5 < oy[i, j]  # labels are wide: prefer moving up or down
            sx = np.where(d[i, j, 0] >= 0, 1.0, -1.0)
            sy = np.where(d[i, j, 1] >= 0, 1.0, -1.0)
            step = np.zeros((len(i), 2))
            step[:, 0] = np.where(horizontal, sx * ox[i, j] / 2, 0.0)
            step[:, 1] = np.where(horizontal, 0.0, sy * oy[i, j] / 2)
            np.add.at(move, i, step)
            np.add.at(move, j, -step)
        if not (short.any() or hit.any()):
            break
        pos += np.clip(move, -8.0, 8.0) * 0.5
    if fill:
        span = pos.max(axis=0) - pos.min(axis=0)
        k = min(2.0, *(f / s for f, s in zip(fill, span) if s > 0)) if (span > 0).any() else 1.0
        if k > 1.0:
            pos = (pos - (pos.max(axis=0) + pos.min(axis=0)) / 2) * k
    return {v: (int(round(x)), int(round(y))) for v, (x, y) in zip(nodes, pos)}
