"""GDELT event records → ties (the per-event form; aggregation is in graph.importers.events)."""

import re
from pathlib import Path

import numpy as np
import pandas as pd

from .common import (_actors, _countries, _dataset, _documents, _event_countries, _event_ends, _num, _read_source,
                     _rejections, _ties, _unique)


def gdelt_tie_type(code):
    """Return ``(type, polarity)`` for a CAMEO event code (GDELT ``eventcode``).

    Examples
    --------
    >>> [gdelt_tie_type(c) for c in ["042", "0622", "0741", "111", "163", "190"]]
    [('diplomatic', ''), ('military_cooperation', ''), ('military_cooperation', ''), ('diplomatic', 'adversarial'), ('sanctions', ''), ('hostile_act', '')]
    """
    code = str(code).strip()
    root = int(code[:2]) if code[:2].isdigit() else 0
    if code.startswith(("062", "074", "075")):
        return "military_cooperation", ""
    if code.startswith("061"):
        return "trade", ""
    if code.startswith(("163", "172")) or root == 16:
        return "sanctions", ""
    if root in (15, 17, 18, 19, 20):
        return "hostile_act", ""
    if root == 7 or code.startswith("051"):
        return "political_support", ""
    if root in (10, 11, 12, 13, 14):
        return "diplomatic", "adversarial"
    return "diplomatic", ""


GDELT_COLUMNS = ("globaleventid", "day", "actor1countrycode", "actor2countrycode", "actor1name",
                 "actor2name", "eventcode", "quadclass", "goldsteinscale")


#: GDELT 1.0's field names (lower case, as the shipped sample's header); 2.0 has the same first 35.
GDELT_FULL_COLUMNS = tuple("globaleventid,day,monthyear,year,fractiondate,actor1code,actor1name,actor1countrycode,actor1knowngroupcode,actor1ethniccode,actor1religion1code,actor1religion2code,actor1type1code,actor1type2code,actor1type3code,actor2code,actor2name,actor2countrycode,actor2knowngroupcode,actor2ethniccode,actor2religion1code,actor2religion2code,actor2type1code,actor2type2code,actor2type3code,isrootevent,eventcode,eventbasecode,eventrootcode,quadclass,goldsteinscale,nummentions,numsources,numarticles,avgtone,actor1geo_type,actor1geo_fullname,actor1geo_countrycode,actor1geo_adm1code,actor1geo_lat,actor1geo_long,actor1geo_featureid,actor2geo_type,actor2geo_fullname,actor2geo_countrycode,actor2geo_adm1code,actor2geo_lat,actor2geo_long,actor2geo_featureid,actiongeo_type,actiongeo_fullname,actiongeo_countrycode,actiongeo_adm1code,actiongeo_lat,actiongeo_long,actiongeo_featureid,dateadded,sourceurl".split(","))


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


