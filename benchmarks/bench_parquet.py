"""Loading Parquet ties (``--data ties.parquet``: every check) as a ratio to a bare
``pyarrow.parquet.read_table`` of the same file, and the import cache's second command as a ratio to
loading the imported directory. Run: python benchmarks/bench_parquet.py [N ...] (default 1M)."""

import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))
from synth import write_synthetic  # noqa: E402


def best_of(fn, repeat):
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def main(sizes, repeat=5):
    import pyarrow.parquet as pq
    from graph.load import load_dataset, read_ties
    from graph.parquet import write_ties_parquet
    with tempfile.TemporaryDirectory() as tmp:
        for n in sizes:
            csv = write_synthetic(os.path.join(tmp, f"ties_{n}.csv"), n)
            ties, _ = read_ties(csv)
            path = os.path.join(tmp, f"ties_{n}.parquet")
            write_ties_parquet(ties, path)
            bare = best_of(lambda: pq.read_table(path), repeat)
            ours = best_of(lambda: load_dataset([path]), repeat)
            print(f"{n:>10,} ties  load_dataset(parquet) {ours:6.3f} s  read_table {bare:6.3f} s  "
                  f"ratio {ours / bare:5.2f}x  (csv file {os.path.getsize(csv) / 1e6:.0f} MB, "
                  f"parquet {os.path.getsize(path) / 1e6:.0f} MB)")


if __name__ == "__main__":
    main([int(float(a)) for a in sys.argv[1:]] or [1_000_000])
