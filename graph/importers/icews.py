"""ICEWS coded events → ties (the per-event form; aggregation is in graph.importers.events)."""

from pathlib import Path

import numpy as np
import pandas as pd

from .common import (_actors, _dataset, _documents, _event_countries, _event_ends, _read_source, _rejections,
                     _ties, country_iso3)
from .codes import gdelt_tie_type, icews_tie_type


def import_icews(path, frame=None, lines=None):
    """Import ICEWS events (``date, source, event_type, target, source_country, target_country``).

    Each event between two different countries becomes one directed tie
    (source → target) dated to the day, typed by :func:`icews_tie_type`, with
    ``weight`` 1 (collapsing counts events), ``confidence`` reported (machine-coded
    news, not an official record) and the ICEWS actors and event type in ``quote``.
    Events whose actors have no country, or with the same country on both sides
    (domestic events), are rejected with that reason. Ids are ``icews:<line>``.

    Raises
    ------
    DatasetError
        If the file cannot be read or lacks the ICEWS columns.
    """
    cols = ("date", "source", "event_type", "target", "source_country", "target_country")
    if frame is None:
        from .events import read_event_frame
        got = read_event_frame("icews", path)
        frame, lines = got if got is not None else _read_source(path, cols, "ICEWS events")
    ids = np.array([f"icews:{n}" for n in lines], dtype=object)
    src, dst = _event_ends(frame["source_country"].to_numpy(), frame["target_country"].to_numpy(),
                           lambda v: country_iso3(v.replace("_", " ")))
    rejected, bad = _event_countries(path, lines, ids, frame, [
        (col, iso, "no country for ICEWS actor '" + frame[actor] + "'",
         "'" + frame[col] + "' is not a country name known to country_converter/pycountry")
        for col, iso, actor in (("source_country", src, "source"), ("target_country", dst, "target"))],
        "target_country")
    bad_date = ~frame["date"].str.fullmatch(r"\d{4}-\d{2}-\d{2}").to_numpy() & ~bad
    rejected += _rejections(path, lines, ids, "date", "'" + frame["date"] + "' is not a date", bad_date)
    bad |= bad_date
    f = frame[~bad]
    if "cameo" in f.columns:  # the Dataverse layout: the CAMEO code decides, as for GDELT
        kinds = {c: gdelt_tie_type(c) for c in pd.unique(f["cameo"])}
        type_key = f["cameo"]
    else:
        kinds = {e: icews_tie_type(e) for e in pd.unique(f["event_type"])}
        type_key = f["event_type"]
    quote = ("ICEWS " + f["date"] + ": " + f["source"] + " — " + f["event_type"] + " — " + f["target"])
    doc = Path(path).name
    ties = _ties({"id": ids[~bad], "source": src[~bad], "target": dst[~bad],
                  "type": type_key.map(lambda e: kinds[e][0]).to_numpy(),
                  "polarity": type_key.map(lambda e: kinds[e][1]).to_numpy(),
                  "start": f["date"].to_numpy(), "directed": True, "weight": 1.0,
                  "value": f["intensity"].to_numpy() if "intensity" in f.columns else np.nan,
                  "unit": "intensity" if "intensity" in f.columns else "",
                  "confidence": "reported", "doc": doc, "quote": quote.to_numpy(),
                  "note": ("event type: " + f["event_type"]).to_numpy(), "line": lines[~bad]},
                 path=path, precision="day")
    names = np.concatenate([frame["source_country"].str.replace("_", " ").to_numpy(),
                            frame["target_country"].str.replace("_", " ").to_numpy()])
    actors = _actors(np.concatenate([src, dst]), names, ["state"] * len(names), {}, path)
    actors = actors[actors["id"].isin(set(ties["source"]) | set(ties["target"]))]
    docs = _documents(doc, "ICEWS coded event data (ICEWS14 benchmark form)",
                      "Integrated Crisis Early Warning System (ICEWS)", path)
    return _dataset(ties, actors, docs, rejected, path, [])


