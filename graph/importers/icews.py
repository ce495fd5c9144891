"""ICEWS coded events → ties (the per-event form; aggregation is in graph.importers.events)."""

from pathlib import Path

import numpy as np
import pandas as pd

from .common import (_actors, _dataset, _documents, _event_countries, _event_ends, _read_source, _rejections,
                     _ties, country_iso3)


# CAMEO's structure, applied to ICEWS event-type names (which lack numeric codes):
# first rule that matches the start of the name wins.
_ICEWS_RULES = (
    (("Impose_embargo", "Impose_administrative_sanctions", "Reduce_or_break", "Reduce_relations",
      "Reduce_or_stop", "Halt_negotiations", "Halt_mediation", "Expel_or_withdraw"), "sanctions", ""),
    (("Use_", "Employ_aerial", "fight_", "Physically_assault", "Kill_", "Assassinate",
      "Attempt_to_assassinate", "Abduct", "Torture", "Sexually_assault", "Carry_out", "Conduct_suicide",
      "Occupy_territory", "Seize_or_damage", "Destroy_property", "Engage_in_mass", "Violate_ceasefire",
      "Detonate", "Impose_blockade", "Demonstrate_military", "Increase_military_alert",
      "Mobilize_or_increase_armed", "Arrest", "Confiscate", "Expel_or_deport", "Coerce",
      "Obstruct_passage"), "hostile_act", ""),
    (("Cooperate_militarily", "Provide_military", "Receive_deployment_of_peacekeepers",
      "Share_intelligence", "Express_intent_to_cooperate_militarily"), "military_cooperation", ""),
    (("Cooperate_economically", "Express_intent_to_cooperate_economically"), "trade", ""),
    (("Provide_aid", "Provide_economic_aid", "Provide_humanitarian_aid", "Praise_or_endorse",
      "Rally_support", "Defend_verbally", "Grant_diplomatic_recognition", "Express_accord",
      "Grant_asylum", "Forgive", "Apologize"), "political_support", ""),
    (("Accuse", "Criticize", "Complain", "Bring_lawsuit", "Rally_opposition", "Demand", "Reject",
      "Refuse", "Veto", "Threaten", "Give_ultimatum", "Defy_norms", "Demonstrate", "Protest",
      "Conduct_hunger_strike", "Conduct_strike", "Engage_in_political_dissent",
      "Engage_in_violent_protest", "Investigate", "Deny_responsibility", "Impose_restrictions",
      "Ban_political"), "diplomatic", "adversarial"),
    (("",), "diplomatic", ""),
)


def icews_tie_type(event_type):
    """Return ``(type, polarity)`` for an ICEWS/CAMEO event-type name.

    Material conflict → ``hostile_act``; embargoes, sanctions and cut relations →
    ``sanctions``; military aid and cooperation → ``military_cooperation``;
    economic cooperation → ``trade``; aid and endorsement → ``political_support``;
    verbal conflict (accuse, demand, reject, threaten, protest) → ``diplomatic``
    marked adversarial; every other statement, meeting or agreement → ``diplomatic``.

    Examples
    --------
    >>> [icews_tie_type(e) for e in ["Consult", "Threaten", "Use_conventional_military_force",
    ...                                "Impose_embargo,_boycott,_or_sanctions", "Provide_military_aid"]]
    [('diplomatic', ''), ('diplomatic', 'adversarial'), ('hostile_act', ''), ('sanctions', ''), ('military_cooperation', '')]
    """
    for prefixes, tie_type, polarity in _ICEWS_RULES:
        if event_type.startswith(prefixes):
            return tie_type, polarity
    return "diplomatic", ""  # pragma: no cover - the last rule matches everything


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
        from .gdelt import gdelt_tie_type
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


