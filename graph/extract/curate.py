"""Reading, changing and accepting a candidates file (the library side of ``review`` and ``accept``).

No printing and no prompts here: the cli asks, these functions check and compute.
"""

import csv
import io
import re
from pathlib import Path

from graph.errors import DatasetError
from graph.schema import ACTOR_COLUMNS, CONFIDENCE_LEVELS, DOCUMENT_COLUMNS, TIE_COLUMNS, TIE_TYPES
from graph.textsafe import neutralise_cell, restore_cell

__all__ = ["read_candidates", "write_candidates_text", "documents_path", "accept_into",
           "rule_spans", "set_status", "STATUSES"]

STATUSES = ("proposed", "accepted", "rejected")
_REQUIRED = ("id", "source", "target", "type", "start", "directed", "confidence", "doc", "quote",
             "status")


def documents_path(candidates_path):
    """Where ``extract --out FILE`` writes the proposed documents.csv row: ``FILE.documents.csv``
    beside it (``cands.csv`` → ``cands.documents.csv``)."""
    p = Path(candidates_path)
    return p.with_name(p.stem + ".documents.csv")


def _read_csv(path, what):
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except OSError as ex:
        raise DatasetError(f"{path}: cannot be read ({ex.strerror})") from None
    except UnicodeDecodeError:
        raise DatasetError(f"{path}: is not UTF-8 text") from None
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = [h.strip() for h in (reader.fieldnames or [])]
    rows = []
    for i, row in enumerate(reader, start=2):
        rows.append({k.strip(): restore_cell(v or "") for k, v in row.items() if k})
        rows[-1]["line"] = i
    return header, rows


def read_candidates(path):
    """``(columns, rows)`` of a candidates CSV; errors name the file, row and field."""
    header, rows = _read_csv(path, "candidates")
    missing = [c for c in _REQUIRED if c not in header]
    if missing:
        raise DatasetError(f"{path}: missing column {', '.join(missing)}; a candidates file from "
                           "'tiegraph extract' is expected")
    for r in rows:
        if r["status"] not in STATUSES:
            raise DatasetError(f"{path}:{r['line']}: {r['id']}: status: {r['status']!r} is not one "
                               f"of {', '.join(STATUSES)}")
        if r["type"] not in TIE_TYPES:
            raise DatasetError(f"{path}:{r['line']}: {r['id']}: type: {r['type']!r} is not a tie type")
        if r["confidence"] not in CONFIDENCE_LEVELS:
            raise DatasetError(f"{path}:{r['line']}: {r['id']}: confidence: {r['confidence']!r} is "
                               "not a confidence level")
    return header, rows


def write_candidates_text(columns, rows):
    """The CSV text of candidate rows (formula-like cells neutralised, ``\\n`` line ends)."""
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(columns)
    for r in rows:
        w.writerow([neutralise_cell(str(r.get(c, "") or "")) for c in columns])
    return out.getvalue()


def set_status(row, status):
    if status not in STATUSES:
        raise ValueError(status)
    row["status"] = status


def rule_spans(row):
    """The quoted words the rule names (trigger and actors) as ``[(kind, text)]``.

    Examples
    --------
    >>> rule_spans({"rule": "trade ← 'exported'@5; source RUS='Russia'@0; target CHN='China'@20; active"})
    [('trigger', 'exported'), ('actor', 'Russia'), ('actor', 'China')]
    """
    out = []
    for m in re.finditer(r"(← |=)'((?:[^']|'(?!@))*)'@\d+", row.get("rule", "")):
        out.append(("trigger" if m.group(1) == "← " else "actor", m.group(2)))
    return out


def _next_ids(existing, n):
    nums = [int(m.group(1)) for i in existing if (m := re.fullmatch(r"t(\d+)", str(i)))]
    width = max([len(str(i)) - 1 for i in existing if re.fullmatch(r"t\d+", str(i))] or [4])
    first = max(nums, default=0) + 1
    return [f"t{k:0{width}d}" for k in range(first, first + n)]


def _period_key(a, b, typ, start, end):
    return (frozenset((a, b)), typ, start or "", end or "")


def accept_into(candidates_path, directory, *, lexicon=None):
    """Compute the dataset files of ``directory`` with the accepted candidates appended.

    Returns ``(texts, added, refused)``: ``{file name: new CSV text}`` for ties.csv, actors.csv
    and documents.csv; the rows added (with their new ids) and the candidates refused, each
    ``(candidate id, reason)``. Nothing is written here; the caller validates the texts with
    graph.load and writes them as one set.
    """
    directory = Path(directory)
    _, cands = read_candidates(candidates_path)
    files = {}
    for name, cols in (("ties.csv", TIE_COLUMNS), ("actors.csv", ACTOR_COLUMNS),
                       ("documents.csv", DOCUMENT_COLUMNS)):
        p = directory / name
        if p.is_file():
            header, rows = _read_csv(p, name)
            text = p.read_text(encoding="utf-8-sig")
        else:
            header, rows, text = list(cols), [], ""
        files[name] = {"header": header or list(cols), "rows": rows, "text": text}
    ties = files["ties.csv"]["rows"]
    known = {}
    for t in ties:
        known.setdefault(_period_key(t.get("source"), t.get("target"), t.get("type"),
                                     t.get("start"), t.get("end")), t.get("id"))
    accepted = [c for c in cands if c["status"] == "accepted"]
    added, refused, new_rows = [], [], []
    for c in accepted:
        key = _period_key(c["source"], c["target"], c["type"], c["start"], c.get("end", ""))
        if c.get("duplicate_of"):
            refused.append((c["id"], f"already in the data as {c['duplicate_of']} (duplicate_of)"))
        elif key in known:
            refused.append((c["id"], f"already in the data as {known[key]} (same pair, type and period)"))
        else:
            known[key] = c["id"]
            new_rows.append(c)
    ids = _next_ids([t.get("id") for t in ties], len(new_rows))
    for new_id, c in zip(ids, new_rows):
        row = {col: c.get(col, "") for col in TIE_COLUMNS}
        row["id"] = new_id
        added.append((c["id"], row))
    # new actors, from the extract lexicon
    have = {a.get("id") for a in files["actors.csv"]["rows"]}
    actor_rows = []
    info = {}
    for r in (lexicon.actors if lexicon else []):
        info.setdefault(r["id"], r)
    for _, row in added:
        for actor in (row["source"], row["target"]):
            if actor not in have:
                have.add(actor)
                r = info.get(actor, {})
                actor_rows.append({"id": actor, "name": r.get("name", actor),
                                   "kind": r.get("kind", "state"), "aliases": "",
                                   "group": r.get("group", "other")})
    # the document row(s)
    docs_have = {d.get("doc") for d in files["documents.csv"]["rows"]}
    proposed = {}
    dp = documents_path(candidates_path)
    if dp.is_file():
        _, drows = _read_csv(dp, "documents")
        proposed = {d.get("doc"): d for d in drows}
    doc_rows = []
    for _, row in added:
        if row["doc"] not in docs_have:
            docs_have.add(row["doc"])
            doc_rows.append(proposed.get(row["doc"], {"doc": row["doc"], "title": row["doc"]}))
    texts = {}
    for name, extra in (("ties.csv", [r for _, r in added]), ("actors.csv", actor_rows),
                        ("documents.csv", doc_rows)):
        f = files[name]
        text = f["text"]
        if not text:
            text = ",".join(f["header"]) + "\n"
        elif not text.endswith("\n"):
            text += "\n"
        out = io.StringIO()
        w = csv.writer(out, lineterminator="\n")
        for r in extra:
            w.writerow([neutralise_cell(str(r.get(c, "") or "")) for c in f["header"]])
        texts[name] = text + out.getvalue()
    return texts, added, refused
