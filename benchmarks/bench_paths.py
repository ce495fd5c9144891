"""Path latency on a 20k-actor graph (strongest path by distance, and fewest hops).

Run: python benchmarks/bench_paths.py
"""

import random
import time

import networkx as nx


def main(n=20_000, m=80_000, queries=50, seed=7):
    rnd = random.Random(seed)
    t0 = time.perf_counter()
    G = nx.gnm_random_graph(n, m, seed=seed)
    for u, v in G.edges():
        w = rnd.uniform(0.5, 5)
        G[u][v].update(weight=w, distance=1 / w)
    build = time.perf_counter() - t0
    pairs = [(rnd.randrange(n), rnd.randrange(n)) for _ in range(queries)]
    t0 = time.perf_counter()
    for a, b in pairs:
        nx.shortest_path(G, a, b)
    hops = (time.perf_counter() - t0) / queries
    t0 = time.perf_counter()
    for a, b in pairs:
        nx.dijkstra_path(G, a, b, weight="distance")
    strong = (time.perf_counter() - t0) / queries
    t0 = time.perf_counter()
    for a, b in pairs[:5]:
        list(zip(range(3), nx.shortest_simple_paths(G, a, b, weight="distance")))
    k3 = (time.perf_counter() - t0) / 5
    print(f"{n:,} actors, {m:,} ties (graph built in {build:.2f} s): fewest hops {hops * 1e6:.0f} µs/query, "
          f"strongest {strong * 1000:.1f} ms/query ({strong / hops:.1f}x fewest hops), "
          f"3 alternatives {k3 * 1000:.0f} ms/query ({k3 / hops:.0f}x fewest hops)")


if __name__ == "__main__":
    main()
