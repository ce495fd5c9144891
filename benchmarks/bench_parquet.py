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


def timed(fn):
    t, c = time.perf_counter(), time.process_time()
    fn()
    return time.perf_counter() - t, time.process_time() - c


def interleaved(ours, bare, repeat):
    """Best wall and CPU seconds of each, and the median of the per-round wall ratios (the two run in
    turns, so that a busy spell of a shared machine weighs on both)."""
    ours(), bare()  # warm
    o, b = [], []
    for _ in range(repeat):
        b.append(timed(bare))
        o.append(timed(ours))
    ratios = sorted(x[0] / y[0] for x, y in zip(o, b))
    return min(x[0] for x in o), min(x[0] for x in b), ratios[len(ratios) // 2], \
        min(x[1] for x in o) / min(x[1] for x in b)


def main(sizes, repeat=9):
    import pyarrow.parquet as pq
    from graph.load import load_dataset, read_ties
    from graph.parquet import write_ties_parquet
    with tempfile.TemporaryDirectory() as tmp:
        for n in sizes:
            csv = write_synthetic(os.path.join(tmp, f"ties_{n}.csv"), n)
            ties, _ = read_ties(csv)
            path = os.path.join(tmp, f"ties_{n}.parquet")
            write_ties_parquet(ties, path)
            ours, bare, median, cpu = interleaved(lambda: load_dataset([path]), lambda: pq.read_table(path), repeat)
            print(f"{n:>10,} ties  load_dataset(parquet) {ours:6.3f} s  read_table {bare:6.3f} s  "
                  f"ratio {ours / bare:5.2f}x (best/best), {median:5.2f}x (median of rounds), CPU time "
                  f"{cpu:5.2f}x  (load average {os.getloadavg()[0]:.1f}; csv file "
                  f"{os.path.getsize(csv) / 1e6:.0f} MB, parquet {os.path.getsize(path) / 1e6:.0f} MB)")


if __name__ == "__main__":
    main([int(float(a)) for a in sys.argv[1:]] or [1_000_000])
