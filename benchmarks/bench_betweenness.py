"""Per-year betweenness over 35 years on a 250-actor graph: networkx, graph.fast (igraph), raw igraph.

Run: python benchmarks/bench_betweenness.py
"""

import os
import random
import sys
import time

import networkx as nx

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from graph.fast import betweenness  # noqa: E402


def slices(seed=7, actors=250, years=range(1990, 2025), ties_per_year=1500, dyadic=False):
    rnd = random.Random(seed)
    choices = [1, 2, 4, 0.5] if dyadic else [1, 1.5, 2, 2.5, 3, 4, 5]
    for year in years:
        H = nx.gnm_random_graph(actors, ties_per_year, seed=rnd.randrange(10**6))
        for u, v in H.edges():
            w = rnd.choice(choices)
            H[u][v].update(weight=w, distance=1.0 / w)
        yield year, H


def main():
    import igraph as ig
    for dyadic in (False, True):
        graphs = list(slices(dyadic=dyadic))
        t0 = time.perf_counter()
        ref = {y: nx.betweenness_centrality(H, weight="distance") for y, H in graphs}
        t_nx = time.perf_counter() - t0
        t0 = time.perf_counter()
        ours = {y: betweenness(H) for y, H in graphs}
        t_fast = time.perf_counter() - t0
        t0 = time.perf_counter()
        for _, H in graphs:
            g = ig.Graph.from_networkx(H)
            g.betweenness(weights="distance", directed=False)
        t_ig = time.perf_counter() - t0
        diff = max(abs(ref[y][v] - ours[y][v]) for y in ref for v in ref[y])
        label = "dyadic weights (exact float sums)" if dyadic else "weights 1..5 (1/w rounds)"
        print(f"{label}: 35 slices x 250 actors x 1500 ties | networkx {t_nx:5.2f} s | "
              f"graph.fast.betweenness {t_fast:5.2f} s | igraph (from_networkx) {t_ig:5.2f} s | "
              f"ours/igraph {t_fast / t_ig:4.2f}x (target <= 2x) | networkx/ours {t_nx / t_fast:4.1f}x "
              f"| max |diff| vs networkx {diff:.1e}")


if __name__ == "__main__":
    main()
