"""ATOP alliance obligations (directed dyad-year) → security_commitment ties."""

from pathlib import Path

import numpy as np
import pandas as pd

from .common import _actors, _dataset, _documents, _num, _read_source, _rejections, _ties
from .cow_codes import _map_cow, cow_code_table

def _cow_ends(frame, lines, ids, path, table):
    """Map ccode1/ccode2 per year; returns (src, dst, bad, rejected)."""
    rejected, bad = [], np.zeros(len(frame), dtype=bool)
    out = {}
    bad_year = ~frame["year"].str.fullmatch(r"\d{4}").to_numpy()
    rejected += _rejections(path, lines, ids, "year", "'" + frame["year"] + "' is not a year", bad_year)
    bad |= bad_year
    for col in ("ccode1", "ccode2"):
        iso, prob = _map_cow(frame[col], frame["year"], table)
        mask = (prob != "") & ~bad
        rejected += _rejections(path, lines, ids, col, prob, mask)
        bad |= prob != ""
        out[col] = iso
    return out["ccode1"], out["ccode2"], bad, rejected


def _cow_actors(codes, iso, path, table):
    t = table.set_index("ccode")
    pairs = pd.DataFrame({"c": _num(codes), "i": iso}).dropna().drop_duplicates()
    aliases = {}
    for code, i in zip(pairs["c"].astype(int), pairs["i"]):
        if i and code in t.index:
            aliases.setdefault(i, set()).update({t.loc[code, "statenme"], f"COW {code}"})
    uniq = pd.unique(np.asarray(iso, dtype=object))
    return _actors(uniq, [""] * len(uniq), ["state"] * len(uniq), aliases, path)


ATOP_FLAGS = ("atop_defense", "atop_offense", "atop_neutral", "atop_nonagg", "atop_consul")


def import_atop(path, *, cow_codes=None):
    """Import ATOP alliance obligations, directed dyad-year form (``ccode1, ccode2, year, atop_*``).

    Each dyad-year becomes one ``security_commitment`` tie dated by the year.
    ATOP lists every dyad-year both ways; where both directions carry the same
    obligations they make one undirected tie (``atop:<low>-<high>:<year>``),
    otherwise each direction is its own directed tie (``atop:<a>><b>:<year>``).
    ``value`` is the number of obligation types (defence, offence,
    neutrality, non-aggression, consultation), named in ``note``; ``weight`` is
    that number, or 0.5 for an alliance ATOP records with none of the five.

    Raises
    ------
    DatasetError
        If the file cannot be read or lacks ATOP's columns.
    """
    frame, lines = _read_source(path, ("ccode1", "ccode2", "year") + ATOP_FLAGS, "ATOP dyad-year")
    table = cow_code_table(cow_codes)
    flags = np.stack([(frame[c] == "1").to_numpy() for c in ATOP_FLAGS], axis=1)
    key = frame["ccode1"] + "|" + frame["ccode2"] + "|" + frame["year"]
    mirror = frame["ccode2"] + "|" + frame["ccode1"] + "|" + frame["year"]
    code = pd.Series(flags.astype(int).dot(1 << np.arange(5)), index=frame.index)
    by_key = pd.Series(code.to_numpy(), index=key.to_numpy())
    by_key = by_key[~by_key.index.duplicated()]
    mirrored = mirror.map(by_key)
    symmetric = (mirrored == code).to_numpy()
    c1, c2 = pd.to_numeric(frame["ccode1"], errors="coerce"), pd.to_numeric(frame["ccode2"], errors="coerce")
    low_first = (c1 < c2).to_numpy()
    twin = symmetric & ~low_first  # the mirror row of an undirected tie already kept
    ids = np.where(symmetric, "atop:" + np.where(low_first, frame["ccode1"] + "-" + frame["ccode2"],
                                                 frame["ccode2"] + "-" + frame["ccode1"]) + ":" + frame["year"],
                   "atop:" + frame["ccode1"] + ">" + frame["ccode2"] + ":" + frame["year"])
    src, dst, bad, rejected = _cow_ends(frame, lines, ids, path, table)
    # a rejected undirected tie is reported once, on its first row
    rejected = [r for r, t in zip(rejected, twin[np.searchsorted(lines, [r["line"] for r in rejected])])
                if not t] if rejected else []
    keep = ~bad & ~twin
    f = frame[keep]
    n_obl = flags[keep].sum(axis=1).astype(float)
    names = np.array([c.replace("atop_", "") for c in ATOP_FLAGS], dtype=object)
    kinds = ["; ".join(names[row]) for row in flags[keep]]
    note = pd.Series(kinds, index=f.index).map(lambda k: f"obligations: {k}" if k else
                                               "ATOP records an alliance with none of the five obligation types")
    quote = ("ATOP 5.1 directed dyad-year ccode1=" + f["ccode1"] + " ccode2=" + f["ccode2"]
             + " year=" + f["year"] + ": defense=" + f["atop_defense"] + " offense=" + f["atop_offense"]
             + " neutral=" + f["atop_neutral"] + " nonagg=" + f["atop_nonagg"] + " consul=" + f["atop_consul"])
    doc = Path(path).name
    ties = _ties({"id": ids[keep], "source": src[keep], "target": dst[keep],
                  "type": "security_commitment", "start": f["year"].to_numpy(),
                  "directed": ~symmetric[keep], "weight": np.where(n_obl > 0, n_obl, 0.5),
                  "value": n_obl, "unit": "obligation types", "confidence": "confirmed",
                  "doc": doc, "quote": quote.to_numpy(), "note": note.to_numpy(), "line": lines[keep]},
                 path=path, precision="year")
    actors = _cow_actors(np.concatenate([f["ccode1"], f["ccode2"]]),
                         np.concatenate([src[keep], dst[keep]]), path, table)
    docs = _documents(doc, "Alliance Treaty Obligations and Provisions (ATOP) v5.1, directed dyad-year",
                      "ATOP project (Leeds et al.), atopdata.org", path)
    notes = [f"{int(twin.sum())} ATOP rows are the mirror of an identical row and were merged into "
             f"{int((symmetric & low_first & ~bad).sum())} undirected ties; "
             f"{int((~symmetric & ~bad).sum())} asymmetric rows kept as directed ties"]
    return _dataset(ties, actors, docs, rejected, path, notes)


