"""SIPRI Arms Transfers Database trade register → arms_transfer ties."""

import re
from pathlib import Path

import numpy as np
import pandas as pd

from .common import (_actors, _dataset, _documents, _num, _read_source, _rejections, _ties, _unique,
                     country_iso3)

SIPRI_COLUMNS = ("SIPRI AT Database ID", "Supplier", "Recipient", "Designation", "Description",
                 "Armament category", "Numbers delivered", "Delivery year", "Status",
                 "TIV delivery values")


def _snake(name):
    return re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")


def _sipri_actor(label):
    """(id, kind, problem) for a SIPRI supplier/recipient label."""
    clean = label.rstrip("*").strip()
    if not clean:
        return "", "", "is empty"
    if clean.lower().startswith("unknown"):
        return "", "", f"{label!r} is SIPRI's label for an unidentified party; there is no actor to link"
    if label.endswith("**"):  # SIPRI marks international organisations with **
        return _snake(clean), "organization", ""
    if label.endswith("*"):  # ... and non-state actors with *
        return _snake(clean), "armed_group", ""
    iso = country_iso3(clean)
    if iso:
        return iso, "state", ""
    return "", "", f"{label!r} is not a country name known to country_converter/pycountry"


def import_sipri(path):
    """Import a SIPRI Arms Transfers Database trade register (one row per deal and delivery year).

    Ties are ``arms_transfer``, directed supplier → recipient, dated by the
    delivery year, with ``value`` = ``weight`` = the TIV delivered that year
    (millions of SIPRI trend-indicator value; SIPRI's ``0`` means under 0.5, so
    it becomes 0.25), ``confidence`` confirmed, ``doc`` the file name and
    ``quote`` the SIPRI deal id, year and what was delivered. Ids are
    ``sipri:<deal id>:<delivery year>``. Non-state actors (SIPRI's ``*``) and
    organisations (``**``) get snake_case ids; "unknown supplier(s)" rows are rejected.

    Raises
    ------
    DatasetError
        If the file cannot be read or lacks SIPRI's columns.
    """
    frame, lines = _read_source(path, SIPRI_COLUMNS, "SIPRI trade register")
    ids = _unique(("sipri:" + frame["SIPRI AT Database ID"] + ":" + frame["Delivery year"]).to_numpy())
    labels = pd.unique(pd.concat([frame["Supplier"], frame["Recipient"]]))
    resolved = {lab: _sipri_actor(lab) for lab in labels}
    rejected, bad = [], np.zeros(len(frame), dtype=bool)
    ends = {}
    for col in ("Supplier", "Recipient"):
        info = frame[col].map(resolved)
        ends[col] = info.map(lambda t: t[0]).to_numpy(dtype=object)
        problem = info.map(lambda t: t[2]).to_numpy(dtype=object)
        mask = (problem != "") & ~bad
        rejected += _rejections(path, lines, ids, col, problem, mask)
        bad |= problem != ""
        ends[col + "_kind"] = info.map(lambda t: t[1]).to_numpy(dtype=object)
    same = (ends["Supplier"] == ends["Recipient"]) & ~bad
    rejected += _rejections(path, lines, ids, "Recipient",
                            "same actor as the supplier (internal transfer)", same)
    bad |= same
    year = frame["Delivery year"]
    bad_year = ~year.str.fullmatch(r"\d{4}") & ~bad
    rejected += _rejections(path, lines, ids, "Delivery year",
                            "'" + year + "' is not a year", bad_year)
    bad |= bad_year
    tiv = _num(frame["TIV delivery values"])
    bad_tiv = (tiv.isna() | (tiv < 0)).to_numpy() & ~bad
    rejected += _rejections(path, lines, ids, "TIV delivery values",
                            "no TIV delivered ('" + frame["TIV delivery values"] + "')", bad_tiv)
    bad |= bad_tiv
    keep = ~bad
    f = frame[keep]
    tiv_k = tiv[keep]
    n = f["Numbers delivered"].where(f["Numbers delivered"] != "", "?")
    quote = ("SIPRI AT Database ID " + f["SIPRI AT Database ID"] + ", delivered " + f["Delivery year"]
             + ": " + n + " " + f["Designation"] + " (" + f["Description"] + ", "
             + f["Armament category"] + ", " + f["Status"].str.lower() + ") from " + f["Supplier"]
             + " to " + f["Recipient"] + "; TIV " + f["TIV delivery values"] + " million")
    est = [c for c in ("Numbers delivered is estimate", "Delivery year is estimate") if c in f.columns]
    note = pd.Series("", index=f.index)
    for c in est:
        note = note.where(f[c] != "Yes", note + ("; " if True else "") + c.lower().replace(" is ", " "))
    note = note.str.lstrip("; ").where(note == "", "SIPRI estimate: " + note.str.lstrip("; "))
    if "Local production" in f.columns:
        note = note.where(f["Local production"] != "Yes",
                          (note + "; ").str.lstrip("; ") + "produced under licence in the recipient country")
    doc = Path(path).name
    ties = _ties({"id": ids[keep], "source": ends["Supplier"][keep], "target": ends["Recipient"][keep],
                  "type": "arms_transfer", "start": f["Delivery year"].to_numpy(), "directed": True,
                  "weight": tiv_k.where(tiv_k > 0, 0.25).to_numpy(), "value": tiv_k.to_numpy(),
                  "unit": "TIV (millions)", "confidence": "confirmed", "doc": doc,
                  "quote": quote.to_numpy(), "note": note.to_numpy(), "line": lines[keep]},
                 path=path, precision="year")
    actors = _actors(np.concatenate([ends["Supplier"], ends["Recipient"]]),
                     np.concatenate([frame["Supplier"].str.rstrip("*").to_numpy(),
                                     frame["Recipient"].str.rstrip("*").to_numpy()]),
                     np.concatenate([ends["Supplier_kind"], ends["Recipient_kind"]]), {}, path)
    actors = actors[actors["id"].isin(set(ties["source"]) | set(ties["target"]))]
    docs = _documents(doc, "SIPRI Arms Transfers Database: trade register (deliveries)",
                      "Stockholm International Peace Research Institute (SIPRI)", path)
    notes = [f"{len(ties)} arms transfers from {len(frame)} SIPRI rows; "
             f"{int((tiv_k == 0).sum())} deliveries under 0.5 million TIV (SIPRI's 0) weighted 0.25"]
    return _dataset(ties, actors, docs, rejected, path, notes)


