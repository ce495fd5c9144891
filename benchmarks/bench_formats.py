"""Exchange formats: writing and reading back N synthetic ties, as ratios to the ties CSV in the same run.

Writing is timed from the built graph (graph.export, no layout or centrality);
reading is graph.load.load_dataset on the written file (readers + the same
checks as a CSV). Ratios > 1 mean slower than the CSV.

Run: python benchmarks/bench_formats.py [N]   (default 20000)
"""

import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from benchmarks.synth import write_synthetic  # noqa: E402
from graph.build import build_graph  # noqa: E402
from graph.export import export_graph  # noqa: E402
from graph.load import load_dataset  # noqa: E402

FORMATS = (("csv", ".csv"), ("gexf", ".gexf"), ("graphml", ".graphml"), ("cytoscape", ".cyjs"),
           ("json", ".json"), ("xlsx", ".xlsx"))


def main(n=20000):
    with tempfile.TemporaryDirectory() as tmp:
        src = write_synthetic(Path(tmp) / "ties.csv", n)
        ds = load_dataset([src])
        G = build_graph(ds.ties, ds.actors)
        rows = []
        for fmt, suffix in FORMATS:
            t0 = time.perf_counter()
            data = export_graph(G, fmt)
            t_write = time.perf_counter() - t0
            path = Path(tmp) / f"out{suffix}"
            (path.write_bytes if isinstance(data, bytes) else lambda d: path.write_text(d, encoding="utf-8"))(data)
            t0 = time.perf_counter()
            back = load_dataset([path])
            t_read = time.perf_counter() - t0
            if len(back.ties) != len(ds.ties) or back.rejected:
                raise SystemExit(f"{fmt}: {len(back.ties)} ties read back, {len(back.rejected)} rejected")
            rows.append((fmt, t_write, t_read, path.stat().st_size))
        base_w, base_r = rows[0][1], rows[0][2]
        print(f"{n} ties ({G.number_of_nodes()} actors); ratios to the ties CSV in this run")
        print(f"{'format':<10} {'write s':>8} {'x csv':>6} {'read s':>8} {'x csv':>6} {'MB':>6}")
        for fmt, w, r, size in rows:
            print(f"{fmt:<10} {w:8.2f} {w / base_w:6.1f} {r:8.2f} {r / base_r:6.1f} {size / 1e6:6.1f}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 20000)
