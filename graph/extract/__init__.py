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


def extract_files(paths, *, doc_ids=None, date=None, dataset=None, tables=None):
    """Extract candidates from each file in ``paths``.

    Returns ``(candidates, documents, texts, engine)``: a DataFrame with
    :data:`CANDIDATE_COLUMNS` (strings), a DataFrame of proposed documents.csv rows, the
    extracted text of each document (``{doc: text}``; every quote is a substring of it) and the
    name of the engine that decided direction.
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
        seen = {}
        for c in ex.extract(d.text, day):
            assert d.text[c.quote_at:c.quote_at + len(c.quote)] == c.quote
            key = (frozenset((c.source, c.target)), c.type, c.quote_at)  # one per sentence
            if key in seen:
                continue
            seen[key] = True
            n += 1
            note = " ".join(x for x in (c.tag, f"Proposed by extract from '{c.trigger}'.",
                                        (c.date_note[:1].upper() + c.date_note[1:] + ".") if c.date_note else "")
                            if x)
            rows.append({
                "id": f"c{n:04d}", "source": c.source, "target": c.target, "type": c.type,
                "start": c.start, "end": c.end, "directed": "true" if c.directed else "false",
                "weight": _num(c.weight), "value": c.value, "unit": c.unit, "confidence": c.confidence,
                "doc": doc, "quote": c.quote, "polarity": c.polarity if c.polarity else "",
                "note": note, "status": "proposed", "rule": c.rule, "score": _num(c.score),
                "duplicate_of": existing.get(_pair_key(c.source, c.target, c.type, c.start, c.end), ""),
            })
    frame = pd.DataFrame(rows, columns=list(CANDIDATE_COLUMNS), dtype=str)
    return frame, pd.DataFrame(docs, columns=list(DOCUMENT_COLUMNS), dtype=str), texts, ex.engine


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
