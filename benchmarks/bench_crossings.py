"""Line crossings in the bundled page: every tie's line against "one line per pair".

Run: python benchmarks/bench_crossings.py [--data DIR] [--seed 42]

The page draws with physics off at the positions written in its data, so the
crossings are counted from those positions: each drawn line is a straight
segment or, for the curved parallel lines of one pair, the quadratic curve the
static image draws for it (:func:`explorer.image._curve_ctrl`, as vis-network's
``curvedCW``/``curvedCCW``), cut into 12 segments. Two lines cross when any of
their segments properly intersect away from a shared end actor (lines that
meet at an actor do not count). Printed: crossings with every line (the
baseline), with one line per pair, and their ratio.
"""

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from explorer.image import _curve_ctrl  # noqa: E402
from explorer.view import make_view  # noqa: E402
from graph.build import build_graph  # noqa: E402
from graph.load import load_dataset  # noqa: E402

STEPS = 12


def polyline(e, pos):
    a, b = pos[e["from"]], pos[e["to"]]
    ctrl = _curve_ctrl(e, a, b)
    if not ctrl:
        return [a, b]
    pts = []
    for i in range(STEPS + 1):
        t = i / STEPS
        pts.append(((1 - t) ** 2 * a[0] + 2 * (1 - t) * t * ctrl[0] + t * t * b[0],
                    (1 - t) ** 2 * a[1] + 2 * (1 - t) * t * ctrl[1] + t * t * b[1]))
    return pts


def _orient(p, q, r):
    v = (q[0] - p[0]) * (r[1] - p[1]) - (q[1] - p[1]) * (r[0] - p[0])
    return (v > 1e-9) - (v < -1e-9)


def _cross(p1, p2, q1, q2):
    return (_orient(p1, p2, q1) * _orient(p1, p2, q2) < 0) and (_orient(q1, q2, p1) * _orient(q1, q2, p2) < 0)


def crossings(lines, pos):
    """Number of pairs of lines that cross (lines sharing an end actor never count)."""
    shapes = [(e, polyline(e, pos)) for e in lines]
    boxes = [(min(x for x, _ in s), min(y for _, y in s), max(x for x, _ in s), max(y for _, y in s))
             for _, s in shapes]
    n = 0
    for i, (e, s) in enumerate(shapes):
        for j in range(i + 1, len(shapes)):
            f, t = shapes[j]
            if {e["from"], e["to"]} & {f["from"], f["to"]}:
                continue
            a, b = boxes[i], boxes[j]
            if a[2] < b[0] or b[2] < a[0] or a[3] < b[1] or b[3] < a[1]:
                continue
            if any(_cross(s[k], s[k + 1], t[m], t[m + 1])
                   for k in range(len(s) - 1) for m in range(len(t) - 1)):
                n += 1
    return n


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", action="append", default=[], help="a --data value (default: bundled)")
    ap.add_argument("--seed", type=int, default=42)
    args = ap.parse_args()
    ds = load_dataset(args.data)
    G = build_graph(ds.ties, ds.actors, documents=ds.documents)
    page = make_view(G, seed=args.seed)
    pos = {n["id"]: (n["x"], n["y"]) for n in page["nodes"]}
    every = crossings(page["edges"], pos)
    pairs = crossings(page["pairs"], pos)
    print(f"{len(page['ties'])} ties, {len(page['nodes'])} actors; page opens in "
          f"{'one line per pair' if page['meta']['bundle'] else 'every line'} view")
    print(f"every line : {len(page['edges']):4d} lines, {every:5d} crossings (baseline)")
    print(f"one per pair: {len(page['pairs']):4d} lines, {pairs:5d} crossings "
          f"({pairs / every if every else 0:.2f}× the baseline)")


if __name__ == "__main__":
    main()
