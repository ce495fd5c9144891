"""From an article to candidate ties: read, extract, score against the loaded data.

``extract_files`` is what the ``extract`` command calls. It returns plain tables (pandas
DataFrames) and notes; the command formats and writes them. Candidates follow the ties contract
plus ``status`` (``proposed``), ``rule`` (the cue that fired and the actor spans, with character
offsets into the extracted text), ``score`` (0–1: how close the actors stand to the cue) and
``duplicate_of`` (an existing tie with the same unordered pair, type and period).
"""

from pathlib import Path

from graph.errors import DatasetError
from graph.extract.reading import Document, parse_date, read_document, repair_pdf_pages
from graph.extract.tables import load_tables, tables_dir
from graph.schema import DOCUMENT_COLUMNS, TIE_COLUMNS

__all__ = ["CANDIDATE_COLUMNS", "EXTRA_COLUMNS", "extract_files", "get_extractor",
           "read_document", "repair_pdf_pages", "Document", "load_tables", "tables_dir",
           "parse_date", "candidate_table"]

EXTRA_COLUMNS = ("status", "rule", "score", "duplicate_of")
CANDIDATE_COLUMNS = TIE_COLUMNS + EXTRA_COLUMNS
STATUSES = ("proposed", "accepted", "rejected", "skipped")

_EXTRACTORS = {}


def get_extractor(directory=None):
    """The :class:`~graph.extract.rules.Extractor` for the cue tables in ``directory`` (cached)."""
    key = str(Path(directory).resolve()) if directory else str(tables_dir())
    if key not in _EXTRACTORS:
        from graph.extract.rules import Extractor
        _EXTRACTORS[key] = Extractor(load_tables(key))
    return _EXTRACTORS[key]


def _pair_key(a, b, typ, start, end):
    return (frozenset((a, b)), typ, start or "", end or "")


def extract_files(paths, *, doc_ids=None, date=None, dataset=None, tables=None, one_per_tie=False):
    """Extract candidates from each file in ``paths``.

    Returns ``(candidates, documents, texts, engine)``: a DataFrame with
    :data:`CANDIDATE_COLUMNS` (strings), a DataFrame of proposed documents.csv rows, the
    extracted text of each document (``{doc: text}``; every quote is a substring of it) and the
    name of the engine that decided direction.

    An article restates its ties: a candidate with the same unordered pair, type and period
    as a more specific one of the same document (see :func:`restatements`) says so in its
    note ("Restates c0009 …"); with ``one_per_tie`` it is not proposed apart and the kept
    candidate's note lists it. A candidate under a summary heading (sections.csv) whose pair
    and type the body states is never proposed apart: the body's candidate lists it.
    """
    import pandas as pd
    ex = get_extractor(tables)
    existing = {}
    if dataset is not None and len(dataset.ties):
        t = dataset.ties
        for row in t.itertuples(index=False):
            start = _iso(getattr(row, "start_text", None) or row.start)
            end = _iso(getattr(row, "end_text", None) or row.end)
            existing.setdefault(_pair_key(row.source, row.target, row.type, start, end), row.id)
    rows, docs, texts, n = [], [], {}, 0
    for i, path in enumerate(paths):
        d = read_document(path)
        doc = (doc_ids[i] if doc_ids and i < len(doc_ids) and doc_ids[i] else Path(path).stem)
        day = parse_date(date) if date else d.date
        if date and not day:
            raise DatasetError(f"{path}: --date {date!r} is not an ISO date (YYYY, YYYY-MM or YYYY-MM-DD)")
        if not day:
            raise DatasetError(f"{path}: no date: pass --date YYYY-MM-DD (the file's metadata gives none)")
        texts[doc] = d.text
        docs.append({"doc": doc, "title": d.title, "publisher": d.publisher, "date": day,
                     "author": d.author})
        seen, found = {}, []
        for c in ex.extract(d.text, day):
            assert d.text[c.quote_at:c.quote_at + len(c.quote)] == c.quote
            key = (frozenset((c.source, c.target)), c.type, c.quote_at)  # one per sentence
            if key in seen:
                continue
            seen[key] = True
            found.append(c)
        kept, notes = restatements(found, ex.summary_headings, one_per_tie)
        ids = {}
        for c in kept:
            n += 1
            ids[id(c)] = f"c{n:04d}"
        for c in kept:
            note = " ".join(x for x in (c.tag, f"Proposed by extract from '{c.trigger}'.",
                                        (c.date_note[:1].upper() + c.date_note[1:] + ".") if c.date_note else "",
                                        notes.get(id(c), ""),
                                        (f"Restates {ids[notes[(id(c), 'of')]]} (same pair, type and period; "
                                         "that sentence is more specific).") if (id(c), "of") in notes else "")
                            if x)
            rows.append({
                "id": ids[id(c)], "source": c.source, "target": c.target, "type": c.type,
                "start": c.start, "end": c.end, "directed": "true" if c.directed else "false",
                "weight": _num(c.weight), "value": c.value, "unit": c.unit, "confidence": c.confidence,
                "doc": doc, "quote": c.quote, "polarity": c.polarity if c.polarity else "",
                "note": note, "status": "proposed", "rule": c.rule, "score": _num(c.score),
                "duplicate_of": existing.get(_pair_key(c.source, c.target, c.type, c.start, c.end), ""),
            })
    frame = pd.DataFrame(rows, columns=list(CANDIDATE_COLUMNS), dtype=str)
    return frame, pd.DataFrame(docs, columns=list(DOCUMENT_COLUMNS), dtype=str), texts, ex.engine


_DATE_RANK = {"": 0, "dated by an earlier sentence of the paragraph": 1}


def _specific(c):
    """How specific a mention is (smaller: more): its own date, then a stated amount, then the
    surer grade, then the closer cue (score), then the earlier in the text."""
    from graph.extract.rules import _GRADE_RANK
    return (_DATE_RANK.get(c.date_note, 0 if c.date_note.startswith(("relative", "a month")) else 2),
            0 if c.value else 1, _GRADE_RANK[c.confidence], -c.score, c.quote_at)


def _short(quote, size=80):
    return "“" + (quote if len(quote) <= size else quote[:size].rstrip() + "…") + "”"


def restatements(cands, summary_headings=(), one_per_tie=False):
    """Which candidates of one document to propose, and the notes that tie restatements together.

    Mentions of the same unordered pair, type, start and end are one tie stated again (the data
    dictionary's duplicate rule, direction aside): the most specific (:func:`_specific`) is kept
    and the others are marked "Restates {id}" — or, with ``one_per_tie``, dropped and listed in
    the kept one's note. A mention under a summary heading whose pair and type the body also
    states is always dropped and listed in the body's first such candidate.
    Returns ``(kept candidates in text order, notes)``: ``notes[id(c)]`` is text for c's note;
    ``notes[(id(c), "of")]`` is the candidate c restates (its note then says "Restates <its id>").
    """
    summary = {h.lower() for h in summary_headings}
    in_summary = [c for c in cands if c.section.lower() in summary]
    body = [c for c in cands if c.section.lower() not in summary]
    notes, drop = {}, set()
    for c in in_summary:
        twin = next((b for b in body if b.type == c.type
                     and {b.source, b.target} == {c.source, c.target}), None)
        if twin is not None:
            drop.add(id(c))
            notes.setdefault(("summary", id(twin)), []).append(c)
    groups = {}
    for c in cands:
        if id(c) not in drop:
            groups.setdefault((frozenset((c.source, c.target)), c.type, c.start, c.end), []).append(c)
    for members in groups.values():
        if len(members) < 2:
            continue
        best = min(members, key=_specific)
        others = [c for c in members if c is not best]
        if one_per_tie:
            drop.update(id(c) for c in others)
            notes.setdefault(("restated", id(best)), []).extend(others)
        else:
            for c in others:
                notes[(id(c), "of")] = id(best)
    out = {}
    for c in cands:
        parts = []
        if ("summary", id(c)) in notes:
            parts.append("Also stated in the summary: " + "; ".join(
                _short(x.quote) for x in notes[("summary", id(c))]) + ".")
        if ("restated", id(c)) in notes:
            xs = notes[("restated", id(c))]
            parts.append(f"Restated in {len(xs)} other sentence(s): "
                         + "; ".join(_short(x.quote) for x in xs) + ".")
        if parts:
            out[id(c)] = " ".join(parts)
        if (id(c), "of") in notes:
            out[(id(c), "of")] = notes[(id(c), "of")]
    return [c for c in cands if id(c) not in drop], out


def _num(x):
    return f"{x:g}"


def _iso(value):
    """A loaded date (Timestamp or text) as the ISO text it was written as."""
    if value is None:
        return ""
    try:
        import pandas as pd
        if pd.isna(value):
            return ""
    except (TypeError, ValueError):
        pass
    return str(value)


def candidate_table(rows):
    """Rows (dicts) as a DataFrame with the candidate columns, in order, as strings."""
    import pandas as pd
    return pd.DataFrame(rows, columns=list(CANDIDATE_COLUMNS), dtype=str).fillna("")
