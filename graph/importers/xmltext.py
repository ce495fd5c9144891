"""Imported text that XML 1.0 cannot carry: refused at import exactly as the loader refuses it.

The loader sets aside every row holding a character XML 1.0 cannot carry
(:func:`graph.textsafe.xml_illegal`), so that GraphML, GEXF and SVG outputs
stay well-formed. An import must apply the same rule, or ``import --out``
writes tables that ``--data`` later refuses. :func:`refuse_xml_text` does it
on what an importer returns:

* a tie holding such text is rejected, one report per field, with the source
  file and line it came from (an aggregated event tie, which has no line,
  is one report with ``count`` = its events);
* an actor alias holding it is left out (said in ``notes``): aliases are the
  source's labels, and the rows that carried the label keep or lose their tie
  by their own text;
* an actor or document whose other fields hold it is left out, and the ties
  that name it are rejected with the reason.
"""

from dataclasses import replace

import numpy as np

from ..schema import ACTOR_COLUMNS, DOCUMENT_COLUMNS, TIE_COLUMNS
from ..textsafe import XML_ILLEGAL_RE, describe_char
from ..textsafe import xml_illegal_mask as _illegal_mask

__all__ = ["refuse_xml_text"]


def _reason(value):
    return describe_char(XML_ILLEGAL_RE.search(str(value)).group(0))


def _report(ties, idx, fld, reason, *, done):
    """Rejections for tie rows ``idx``; an aggregated tie (line 0) is reported once, with its events."""
    out = []
    lines = ties["line"].to_numpy() if "line" in ties.columns else np.zeros(len(ties), dtype="int64")
    files = ties["file"].to_numpy(dtype=object) if "file" in ties.columns else np.full(len(ties), "", object)
    for i in idx:
        line = int(lines[i])
        if line == 0 and done[i]:
            continue
        r = {"file": str(files[i]), "line": line, "id": ties["id"].iat[i], "field": fld,
             "reason": reason(i)}
        if line == 0:  # an aggregated tie: the events it stands for
            r["count"] = max(int(ties["weight"].iat[i]), 1) if "weight" in ties.columns else 1
            r["reason"] += f" (a tie of {r['count']} event{'s' if r['count'] != 1 else ''})"
        out.append(r)
        done[i] = True
    return out


def refuse_xml_text(ds):
    """Return the :class:`~graph.dataset.Dataset` ``ds`` with text XML 1.0 cannot carry refused.

    Nothing is copied when no such text is found (the usual case).

    Examples
    --------
    >>> import pandas as pd
    >>> from graph.dataset import Dataset
    >>> ties = pd.DataFrame({"id": ["x:1", "x:2"], "source": ["A", "A"], "target": ["B", "C"],
    ...                      "quote": ["fine", "bad \\x1b[2J"], "weight": [1.0, 1.0],
    ...                      "line": [2, 3], "file": ["f.csv", "f.csv"]})
    >>> actors = pd.DataFrame({"id": ["A", "B", "C"], "name": ["A", "B", "C"], "kind": "state",
    ...                        "aliases": ["", "b\\x00;bee", ""], "group": ""})
    >>> ds = refuse_xml_text(Dataset(ties=ties, actors=actors, documents=pd.DataFrame()))
    >>> ds.ties["id"].tolist(), ds.rejected
    (['x:1'], [{'file': 'f.csv', 'line': 3, 'id': 'x:2', 'field': 'quote', 'reason': 'control character U+001B'}])
    >>> ds.actors["id"].tolist(), ds.actors["aliases"].tolist()
    (['A', 'B'], ['', 'bee'])
    """
    ties, actors, documents = ds.ties, ds.actors, ds.documents
    n = len(ties)
    bad = np.zeros(n, dtype=bool)
    done = np.zeros(n, dtype=bool)  # aggregated ties already reported
    rejected, notes = [], []
    for c in TIE_COLUMNS:
        if c not in ties.columns or not n:
            continue
        mask = _illegal_mask(ties[c])
        if mask is None:
            continue
        values = ties[c].to_numpy(dtype=object)
        rejected += _report(ties, np.flatnonzero(mask), c, lambda i: _reason(values[i]), done=done)
        bad |= mask

    def refused_rows(frame, key, columns, skip=()):
        """{key value: (field, reason)} for rows of ``frame`` whose text XML cannot carry."""
        found = {}
        if frame is None or not len(frame):
            return found
        for c in columns:
            if c in skip or c not in frame.columns:
                continue
            mask = _illegal_mask(frame[c])
            if mask is None:
                continue
            for k, v in zip(frame[key].to_numpy(dtype=object)[mask], frame[c].to_numpy(dtype=object)[mask]):
                found.setdefault(k, (c, _reason(v)))
        return found

    changed_actors = False
    if actors is not None and len(actors) and "aliases" in actors.columns:
        mask = _illegal_mask(actors["aliases"])
        if mask is not None:
            actors = actors.copy()
            dropped = 0

            def clean(text):
                nonlocal dropped
                kept = [a for a in str(text).split(";") if XML_ILLEGAL_RE.search(a) is None]
                dropped += len(str(text).split(";")) - len(kept)
                return ";".join(kept)
            actors.loc[mask, "aliases"] = actors.loc[mask, "aliases"].map(clean)
            changed_actors = True
            notes.append(f"{dropped} actor alias{'es' if dropped != 1 else ''} holding characters XML "
                         "cannot carry left out (the source's labels; each row is judged by its own text)")
    bad_actors = refused_rows(actors, "id", ACTOR_COLUMNS, skip=("aliases",))
    bad_docs = refused_rows(documents, "doc", DOCUMENT_COLUMNS)
    for end in ("source", "target"):
        if bad_actors and end in ties.columns:
            mask = ties[end].isin(list(bad_actors)).to_numpy() & ~bad
            vals = ties[end].to_numpy(dtype=object)
            rejected += _report(ties, np.flatnonzero(mask), end,
                                lambda i: f"actor {vals[i]!r} has a {bad_actors[vals[i]][0]} XML cannot "
                                          f"carry ({bad_actors[vals[i]][1]})", done=done)
            bad |= mask
    if bad_docs and "doc" in ties.columns:
        mask = ties["doc"].isin(list(bad_docs)).to_numpy() & ~bad
        vals = ties["doc"].to_numpy(dtype=object)
        rejected += _report(ties, np.flatnonzero(mask), "doc",
                            lambda i: f"document {vals[i]!r} has a {bad_docs[vals[i]][0]} XML cannot carry "
                                      f"({bad_docs[vals[i]][1]})", done=done)
        bad |= mask
    if not bad.any() and not changed_actors and not bad_actors and not bad_docs:
        return ds
    if bad.any():
        ties = ties[~bad].reset_index(drop=True)
    if actors is not None and len(actors):
        used = set(ties["source"]) | set(ties["target"]) if len(ties) else set()
        keep = ~actors["id"].isin(list(bad_actors))
        if bad.any():  # importers keep the actors their ties name; so does this
            keep &= actors["id"].isin(list(used))
        actors = actors[keep].reset_index(drop=True)
    if documents is not None and len(documents) and bad_docs:
        documents = documents[~documents["doc"].isin(list(bad_docs))].reset_index(drop=True)
    every = list(ds.rejected) + rejected
    every.sort(key=lambda r: (r["file"], r["line"]))
    return replace(ds, ties=ties, actors=actors, documents=documents, rejected=every,
                   notes=list(ds.notes) + notes)
