"""CLI start-up: `tiegraph --help` vs `python -c "import click"`; `tiegraph path` on the bundled data
vs `python -c "import pandas, networkx"`. Best of 5 runs each, as ratios.

Run: python benchmarks/bench_startup.py
"""

import os
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def best(cmd, repeat=5):
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        subprocess.run(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
        times.append(time.perf_counter() - t0)
    return min(times)


def main():
    py = sys.executable
    click_ = best([py, "-c", "import click"])
    helps = best([py, "cli.py", "--help"])
    heavy = best([py, "-c", "import pandas, networkx"])
    path = best([py, "cli.py", "path", "PRK", "UKR"])
    print(f"--help {helps:.3f} s vs import click {click_:.3f} s: {helps / click_:.2f}x (target <= 3x)")
    print(f"path PRK UKR {path:.3f} s vs import pandas, networkx {heavy:.3f} s: {path / heavy:.2f}x "
          "(target <= 1.3x)")


if __name__ == "__main__":
    main()
