"""GDELT event records → ties (the per-event form; aggregation is in graph.importers.events)."""

import re
from pathlib import Path

import numpy as np
import pandas as pd

from .common import (_actors, _countries, _dataset, _documents, _event_countries, _event_ends, _num, _read_source,
                     _rejections, _ties, _unique)
from .codes import GDELT_COLUMNS, gdelt_tie_type  # noqa: F401 - gdelt_tie_type is also imported from here


def import_gdelt(path, frame=None, lines=None):
    """Import GDELT 1.0 event records (with GDELT's lower-case column names as header).

    Each event whose two actors have different CAMEO country codes becomes one
    directed tie actor1 → actor2 dated to the day, typed from the CAMEO event
    code by :func:`gdelt_tie_type`, ``value`` the Goldstein scale (−10…+10),
    ``weight`` 1, ``confidence`` reported. CAMEO codes that are not ISO 3166
    countries (regions such as ``AFR``, groups such as ``NGO``) are rejected.
    Ids are ``gdelt:<globaleventid>``.

    Raises
    ------
    DatasetError
        If the file cannot be read or lacks GDELT's columns.
    """
    if frame is None:
        from .events import read_event_frame
        got = read_event_frame("gdelt", path)
        frame, lines = got if got is not None else _read_source(path, GDELT_COLUMNS, "GDELT 1.0 events")
    ids = _unique(("gdelt:" + frame["globaleventid"]).to_numpy(dtype=object))
    cc = _countries()

    def code(v):
        return v if cc.code_name(v) and re.fullmatch(r"[A-Z]{3}", v) else None
    src, dst = _event_ends(frame["actor1countrycode"].to_numpy(), frame["actor2countrycode"].to_numpy(), code)
    rejected, bad = _event_countries(path, lines, ids, frame, [
        (col, iso, "no country code for actor '" + frame[name].where(frame[name] != "", "(none)") + "'",
         "CAMEO code '" + frame[col] + "' is not an ISO 3166 country")
        for col, iso, name in (("actor1countrycode", src, "actor1name"), ("actor2countrycode", dst, "actor2name"))],
        "actor2countrycode")
    day = frame["day"]
    iso_day = day.str.slice(0, 4) + "-" + day.str.slice(4, 6) + "-" + day.str.slice(6, 8)
    ok_day = day.str.fullmatch(r"\d{8}") & pd.to_datetime(iso_day, format="%Y-%m-%d", errors="coerce").notna()
    rejected += _rejections(path, lines, ids, "day", "'" + day + "' is not a YYYYMMDD date",
                            ~ok_day.to_numpy() & ~bad)
    bad |= ~ok_day.to_numpy()
    f = frame[~bad]
    kinds = {c: gdelt_tie_type(c) for c in pd.unique(f["eventcode"])}
    gold = _num(f["goldsteinscale"])
    url = f["sourceurl"] if "sourceurl" in f.columns else pd.Series("", index=f.index)
    quote = ("GDELT event " + f["globaleventid"] + " on " + iso_day[~bad] + ": " + f["actor1name"] + " → "
             + f["actor2name"] + ", CAMEO " + f["eventcode"] + ", Goldstein " + f["goldsteinscale"]
             + url.map(lambda u: f" ({u})" if u else ""))
    doc = Path(path).name
    ties = _ties({"id": ids[~bad], "source": src[~bad], "target": dst[~bad],
                  "type": f["eventcode"].map(lambda c: kinds[c][0]).to_numpy(),
                  "polarity": f["eventcode"].map(lambda c: kinds[c][1]).to_numpy(),
                  "start": iso_day[~bad].to_numpy(), "directed": True, "weight": 1.0,
                  "value": gold.to_numpy(), "unit": "Goldstein", "confidence": "reported", "doc": doc,
                  "quote": quote.to_numpy(),
                  "note": ("CAMEO event code " + f["eventcode"] + ", quad class " + f["quadclass"]).to_numpy(),
                  "line": lines[~bad]}, path=path, precision="day")
    codes = np.concatenate([src, dst])
    actors = _actors(codes, [""] * len(codes), ["state"] * len(codes), {}, path)
    actors = actors[actors["id"].isin(set(ties["source"]) | set(ties["target"]))]
    docs = _documents(doc, "GDELT 1.0 Event Database (sample)", "The GDELT Project", path)
    return _dataset(ties, actors, docs, rejected, path, [])


