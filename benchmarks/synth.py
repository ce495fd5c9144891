"""Write synthetic ties CSVs of any size (deterministic) for the benchmarks and scale tests."""

import sys

import numpy as np

TYPES = ("arms_transfer", "trade", "energy", "military_exercise", "diplomatic", "sanctions")
CONF = ("confirmed", "reported", "assessed", "speculated")


def write_synthetic(path, n, *, actors=250, seed=7, chunk=500_000):
    """Write ``n`` valid ties among ``actors`` actors (A000…) to ``path``; returns ``path``."""
    rng = np.random.default_rng(seed)
    names = np.array([f"A{i:03d}" if actors <= 1000 else f"A{i:05d}" for i in range(actors)], dtype=object)
    with open(path, "w", encoding="utf-8", newline="") as fh:
        fh.write("id,source,target,type,start,end,directed,weight,value,unit,confidence,doc,quote,polarity,note\n")
        for lo in range(0, n, chunk):
            m = min(chunk, n - lo)
            s = rng.integers(0, actors, m)
            t = (s + rng.integers(1, actors, m)) % actors
            year = rng.integers(1990, 2025, m).astype(str).astype(object)
            month = np.char.zfill(rng.integers(1, 13, m).astype(str), 2).astype(object)
            start = np.where(rng.random(m) < 0.5, year + "-" + month, year)
            weight = np.round(rng.random(m) * 5 + 0.1, 2).astype(str).astype(object)
            ids = np.char.add("s", np.arange(lo, lo + m).astype(str)).astype(object)
            rows = (ids + "," + names[s] + "," + names[t] + "," + np.array(TYPES, dtype=object)[rng.integers(0, 6, m)]
                    + "," + start + ",," + np.where(rng.random(m) < 0.5, "true", "false") + "," + weight
                    + ",,," + np.array(CONF, dtype=object)[rng.integers(0, 4, m)]
                    + ",doc.txt,\"synthetic tie, for benchmarks\",,\n")
            fh.write("".join(rows))
    return path


if __name__ == "__main__":
    write_synthetic(sys.argv[1], int(float(sys.argv[2])))
