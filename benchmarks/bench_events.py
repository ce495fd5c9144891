"""Event aggregation at scale: synthetic GDELT 2.0 event files (real layout: 61 tab-separated fields,
no header, zipped), aggregated into monthly ties by DuckDB (``graph.importers.events``), by a chunked
pandas baseline written here, and by Spark in local mode; time and peak RSS of each, in a child
process of its own, as ratios in the same run.

    python benchmarks/bench_events.py                    # 1M and 10M events; Spark on 1M
    python benchmarks/bench_events.py 1e6 10e6 50e6 --spark 1e6 10e6 --keep /tmp/gdelt-synth

Files hold 500k events each (GDELT's own 15-minute files hold a few thousand; fewer, bigger files
keep generation quick and change nothing for DuckDB, which streams them one after another). They are
made from a pool of 20,000 realistic rows (country pairs, CAMEO codes with their quad class and
Goldstein value, 30 % of actors without a country code, some regional CAMEO codes, URLs), each row
given its own event id and one of 365 days.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
PER_FILE = 500_000
COUNTRIES = ("USA", "CHN", "RUS", "UKR", "GBR", "FRA", "DEU", "JPN", "KOR", "PRK", "IND", "PAK", "IRN", "ISR",
             "SAU", "TUR", "SYR", "IRQ", "AFG", "EGY", "NGA", "ZAF", "BRA", "MEX", "CAN", "AUS", "IDN", "VNM",
             "PHL", "TWN", "POL", "ITA", "ESP", "NLD", "SWE", "NOR", "FIN", "BLR", "GEO", "ARM")
REGIONS = ("AFR", "EUR", "ASA", "MEA", "WST")
CODES = (("010", 1, 0.0), ("020", 1, 3.0), ("036", 1, 4.0), ("042", 1, 1.9), ("043", 1, 2.8), ("046", 1, 7.0),
         ("051", 1, 3.4), ("057", 1, 8.0), ("061", 2, 6.4), ("0622", 2, 7.4), ("071", 2, 7.4), ("073", 2, 7.4),
         ("111", 3, -2.0), ("112", 3, -2.0), ("120", 3, -4.0), ("130", 3, -4.4), ("138", 3, -7.0),
         ("141", 3, -6.5), ("150", 4, -7.2), ("163", 4, -8.0), ("173", 4, -5.0), ("180", 4, -9.0),
         ("190", 4, -10.0), ("193", 4, -10.0), ("195", 4, -10.0), ("204", 4, -10.0))


def row_pool(n=20_000, seed=11):
    """Rows of GDELT 2.0 without their first field (the event id) and date fields."""
    rng = np.random.default_rng(seed)
    pool = []
    for _ in range(n):
        f = [""] * 60  # fields 1..60
        a1 = "" if rng.random() < 0.3 else (REGIONS[rng.integers(len(REGIONS))] if rng.random() < 0.05
                                             else COUNTRIES[rng.integers(len(COUNTRIES))])
        a2 = "" if rng.random() < 0.3 else COUNTRIES[rng.integers(len(COUNTRIES))]
        code, quad, gold = CODES[rng.integers(len(CODES))]
        f[4], f[5], f[6] = a1 + "GOV", f"{a1 or 'SOME'} GOVERNMENT", a1
        f[14], f[15], f[16] = a2 + "MIL", f"{a2 or 'OTHER'} MILITARY", a2
        f[24], f[25], f[26], f[27], f[28], f[29] = "1", code, code[:3], code[:2], str(quad), str(gold)
        f[30], f[31], f[32], f[33] = "4", str(rng.integers(1, 5)), "4", f"{rng.normal(-1, 3):.6f}"
        f[34], f[35], f[36] = "1", "Somewhere, Some Country", "SC"
        f[50], f[51], f[52] = "4", "Capital, Some Country", "SC"
        f[59] = f"https://news{rng.integers(200)}.example/{rng.integers(10**9)}.html"
        pool.append(f)
    return pool


def write_files(folder, n_events, seed=3):
    """Zipped GDELT 2.0 export files of PER_FILE events; returns their paths."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    paths = [folder / f"2024{k:06d}0000.export.CSV.zip" for k in range((n_events + PER_FILE - 1) // PER_FILE)]
    if all(p.is_file() for p in paths) and (folder / f"n{n_events}").is_file():
        return paths
    pool = row_pool()
    days = [np.datetime64("2024-01-01") + np.timedelta64(d, "D") for d in range(365)]
    dates = [str(d).replace("-", "") for d in days]
    tails = [["\t".join([d, d[:6], d[:4], f"{d[:4]}.{int(d[4:6]):02d}"] + f[4:58] + [d + "000000", f[59]])
              for f in pool[:2000]] for d in dates[:1]]  # warm-up shape check
    assert len(tails[0][0].split("\t")) == 60
    rng = np.random.default_rng(seed)
    pre = {}
    for k, path in enumerate(paths):
        m = min(PER_FILE, n_events - k * PER_FILE)
        pick = rng.integers(0, len(pool), m)
        day = rng.integers(0, 365, m)
        lines = []
        for i in range(m):
            key = (int(pick[i]), int(day[i]))
            tail = pre.get(key)
            if tail is None:
                d, f = dates[key[1]], pool[key[0]]
                tail = "\t".join([d, d[:6], d[:4], f"{d[:4]}.{int(d[4:6]):02d}"] + f[4:58]
                                 + [d + "000000", f[59]])
                if len(pre) < 2_000_000:
                    pre[key] = tail
            lines.append(f"{k * PER_FILE + i + 1}\t{tail}\n")
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
            zf.writestr(path.name[:-4], "".join(lines))
    (folder / f"n{n_events}").write_text("ok")
    return paths


CHILD = r"""
import json, resource, sys, time
sys.path.insert(0, {root!r})
what, pattern = sys.argv[1], sys.argv[2]
t = time.perf_counter()
if what == "pandas":
    sys.path.insert(0, {bench!r})
    from bench_events import pandas_baseline
    n_ties, n_events = pandas_baseline(pattern)
else:
    from graph.importers.events import aggregate_events
    ds = aggregate_events("gdelt", [pattern], period="month", engine=what,
                          spark_master="local[2]" if what == "spark" else None)
    n_ties, n_events = len(ds.ties), int(ds.ties["weight"].sum())
secs = time.perf_counter() - t
hwm = [l for l in open("/proc/self/status") if l.startswith("VmHWM")][0].split()[1]
print(json.dumps({{"secs": secs, "rss_mib": int(hwm) / 1024,
                  "ties": n_ties, "events_in_ties": n_events}}))
"""


def pandas_baseline(pattern, chunk=1_000_000):
    """The obvious chunked-pandas aggregation (count and mean Goldstein per pair, type, month).

    It computes less than the engine (no distinct sources, no most frequent root, no rejections).
    """
    import glob
    import pandas as pd
    from graph.importers.events import gdelt_countries
    from graph.importers import gdelt_tie_type
    valid = set(gdelt_countries())
    parts = []
    for path in sorted(glob.glob(pattern)):
        for df in pd.read_csv(path, sep="\t", header=None, usecols=[1, 7, 17, 26, 29, 30], dtype=str,
                              keep_default_na=False, quoting=3, chunksize=chunk):
            df.columns = ["day", "src", "dst", "code", "quad", "gold"]
            df = df[df["src"].isin(valid) & df["dst"].isin(valid) & (df["src"] != df["dst"])]
            types = {c: gdelt_tie_type(c)[0] for c in df["code"].unique()}
            df = df.assign(type=df["code"].map(types), month=df["day"].str[:6],
                           gold=pd.to_numeric(df["gold"], errors="coerce"))
            parts.append(df.groupby(["src", "dst", "type", "month"])["gold"].agg(["count", "sum"]))
    total = pd.concat(parts).groupby(level=[0, 1, 2, 3]).sum()
    total["mean"] = total["sum"] / total["count"]
    return len(total), int(total["count"].sum())


def floor(pattern, workers=2):
    """What reading the zipped files costs at least, timed in this process on the same files.

    ``inflate``: ISA-L inflating every member (what any engine must do); ``tokenise``: inflating and
    Arrow parsing the used fields (``graph.importers.events._parse_member``, what the DuckDB engine
    feeds it), each on one thread and on ``workers`` threads (members split between them). Returns
    seconds (wall) per stage.
    """
    import glob
    from concurrent.futures import ThreadPoolExecutor
    from graph.importers.events import _inflate, _parse_member, _zip_members
    members = list(_zip_members([Path(p) for p in sorted(glob.glob(pattern))]))

    def timed(fn, threads):
        t = time.perf_counter()
        if threads == 1:
            for m in members:
                fn(m)
        else:
            with ThreadPoolExecutor(threads) as pool:
                list(pool.map(fn, members))
        return time.perf_counter() - t
    code = (f"import sys; sys.path.insert(0, {str(ROOT)!r}); import duckdb, pyarrow.csv; "
            "from graph.importers.events import gdelt_countries; gdelt_countries()")
    t = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    out = {"fixed (python, imports, country table)": time.perf_counter() - t}
    for name, fn in (("inflate", lambda m: len(_inflate(*m))), ("tokenise", lambda m: _parse_member(*m, 61))):
        out[f"{name} 1 thread"] = timed(fn, 1)
        out[f"{name} {workers} threads"] = timed(fn, workers)
    return out


def run(what, pattern):
    code = CHILD.format(root=str(ROOT), bench=str(ROOT / "benchmarks"))
    out = subprocess.run([sys.executable, "-c", code, what, pattern], capture_output=True, text=True)
    if out.returncode != 0:
        raise SystemExit(f"{what} failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("sizes", nargs="*", type=float, default=[1e6, 10e6])
    ap.add_argument("--spark", nargs="*", type=float, default=[1e6])
    ap.add_argument("--no-pandas", action="store_true")
    ap.add_argument("--keep", default=None, help="folder to keep the generated files in (reused)")
    ap.add_argument("--floor", action="store_true",
                    help="also time inflating, and inflating + parsing, the same files (the least any "
                         "engine reading them spends) and print the ratio the hardware permits")
    args = ap.parse_args()
    base = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="gdelt-synth-"))
    print(f"machine: {os.cpu_count()} cores (shared); files of {PER_FILE:,} events, zipped")
    results = {}
    for n in map(int, args.sizes):
        folder = base / f"n{n}"
        t = time.perf_counter()
        paths = write_files(folder, n)
        size = sum(p.stat().st_size for p in paths) / 1e6
        print(f"\n{n:,} events in {len(paths)} zip files ({size:.0f} MB), made in {time.perf_counter() - t:.0f} s")
        pattern = str(folder / "*.export.CSV.zip")
        duck = run("duckdb", pattern)
        results[n] = duck
        print(f"  duckdb : {duck['secs']:7.1f} s  peak RSS {duck['rss_mib']:6.0f} MiB  "
              f"{n / duck['secs'] / 1e6:5.2f} M events/s  {duck['ties']:,} ties from {duck['events_in_ties']:,} events")
        if not args.no_pandas:
            pdb = run("pandas", pattern)
            print(f"  pandas : {pdb['secs']:7.1f} s  peak RSS {pdb['rss_mib']:6.0f} MiB  "
                  f"(chunked baseline; {pdb['ties']:,} groups from {pdb['events_in_ties']:,} events)  "
                  f"duckdb is {pdb['secs'] / duck['secs']:.1f}x faster")
        if args.floor:
            sys.path.insert(0, str(ROOT))
            got = floor(pattern)
            print("  floor  : " + "  ".join(f"{k} {v:.1f} s" for k, v in got.items()) +
                  f"  (load average {os.getloadavg()[0]:.1f})")
            if not args.no_pandas:
                fixed = got["fixed (python, imports, country table)"]
                best = min(v for k, v in got.items() if k.startswith("tokenise"))
                least = min(v for k, v in got.items() if k.startswith("inflate"))
                print(f"  bound  : pandas / (fixed + inflate + tokenise) = {pdb['secs'] / (fixed + best):.1f}x; "
                      f"pandas / (inflate + tokenise) = {pdb['secs'] / best:.1f}x; "
                      f"pandas / inflate alone = {pdb['secs'] / least:.1f}x (DuckDB, reading these zips, "
                      f"cannot beat pandas by more than the first without a faster parser)")
        if n in map(int, args.spark):
            sp = run("spark", pattern)
            print(f"  spark  : {sp['secs']:7.1f} s  peak RSS (Python driver only) {sp['rss_mib']:6.0f} MiB  "
                  f"local[2]; {sp['secs'] / duck['secs']:.1f}x DuckDB's time; same ties: "
                  f"{sp['ties'] == duck['ties'] and sp['events_in_ties'] == duck['events_in_ties']}")
    sizes = sorted(results)
    if len(sizes) > 1:
        a, b = sizes[0], sizes[-1]
        print(f"\nscaling {a:,} → {b:,} events: time x{results[b]['secs'] / results[a]['secs']:.1f} "
              f"for x{b / a:.0f} the events")


if __name__ == "__main__":
    main()
