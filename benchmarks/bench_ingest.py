"""Ingest + validation of 1M and 5M synthetic ties, as a ratio to a bare pyarrow.csv.read_csv.

Run: python benchmarks/bench_ingest.py [N ...]   (default 1e6 5e6; files go to a temp dir)
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


def best(fn, repeat=3):
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def main(sizes):
    with tempfile.TemporaryDirectory() as tmp:
        for n in sizes:
            path = write_synthetic(os.path.join(tmp, f"ties_{n}.csv"), n)
            base = best(lambda: pyarrow.csv.read_csv(path))
            ours = best(lambda: load_dataset([path]), repeat=2)
            ds = load_dataset([path])
            print(f"{n:>9,} ties: pyarrow read {base:6.2f} s | tiegraph load+validate {ours:6.2f} s "
                  f"| ratio {ours / base:4.1f}x (target <= 3x) | {len(ds.ties):,} ties, "
                  f"{len(ds.rejected)} rejected")


if __name__ == "__main__":
    main([int(float(a)) for a in sys.argv[1:]] or [1_000_000, 5_000_000])
