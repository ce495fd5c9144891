"""Ingest + validation of 1M and 5M synthetic ties, as a ratio to a bare pyarrow.csv.read_csv.

Run: python benchmarks/bench_ingest.py [N ...]   (default 1e6 5e6; files go to a temp dir)

The two are run alternately, five times each, and the best of each is kept: the machine
may be shared, and load from others then slows both alike.
"""

import os
import sys
import tempfile
import time

import pyarrow.csv

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from synth import write_synthetic  # noqa: E402

from graph.load import load_dataset  # noqa: E402


def best_of(fns, repeat):
    """Best time of each function, the runs interleaved so that load from others hits both alike."""
    times = [[] for _ in fns]
    for _ in range(repeat):
        for fn, ts in zip(fns, times):
            t0 = time.perf_counter()
            fn()
            ts.append(time.perf_counter() - t0)
    return [min(ts) for ts in times]


def main(sizes, repeat=5):
    with tempfile.TemporaryDirectory() as tmp:
        for n in sizes:
            path = write_synthetic(os.path.join(tmp, f"ties_{n}.csv"), n)
            base, ours = best_of([lambda: pyarrow.csv.read_csv(path), lambda: load_dataset([path])], repeat)
            ds = load_dataset([path])
            print(f"{n:>9,} ties: pyarrow read {base:6.2f} s | tiegraph load+validate {ours:6.2f} s "
                  f"| ratio {ours / base:4.1f}x (target <= 3x) | {len(ds.ties):,} ties, "
                  f"{len(ds.rejected)} rejected")


if __name__ == "__main__":
    main([int(float(a)) for a in sys.argv[1:]] or [1_000_000, 5_000_000])
