"""Read an Excel workbook (sheets ``ties``, ``actors``, ``documents``) as tie data."""

import datetime
import re
import zipfile

from ..errors import DatasetError
from ..schema import ACTOR_COLUMNS, ACTOR_REQUIRED, DOCUMENT_COLUMNS, DOCUMENT_REQUIRED, TIE_COLUMNS, TIE_REQUIRED
from ..textsafe import restore_cell
from . import cell_text, make_part

__all__ = ["read_xlsx"]

_TABLES = {"ties": (TIE_COLUMNS, TIE_REQUIRED), "actors": (ACTOR_COLUMNS, ACTOR_REQUIRED),
           "documents": (DOCUMENT_COLUMNS, DOCUMENT_REQUIRED)}


def _text(value):
    """A cell as the contract's text: dates YYYY-MM-DD, 3.0 → "3", TRUE → "true", text restored."""
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time() else value.isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, str):
        return restore_cell(value.strip())
    return cell_text(value)


#: How many rows above the header a sheet may have (a title, a blank line, a note).
HEADER_SEARCH = 10


def _names(header, columns):
    names = [str(h).strip() if h is not None else "" for h in header]
    return [n.lower() if n.lower() in columns else n for n in names]


def _rows(path, sheet, what):
    """``[{column: text, "line": row}]`` of one sheet.

    The header is the first row, or the first of the top :data:`HEADER_SEARCH`
    rows that names every required column (rows above it — a title, a blank
    line — are not data).
    """
    columns, required = _TABLES[what]
    place = f"{path}:{sheet.title}"
    it = sheet.iter_rows(values_only=True)
    header, head_line, top = None, 1, []
    for line, values in enumerate(it, 1):
        top.append(values)
        if values is not None and all(c in _names(values, columns) for c in required):
            header, head_line = values, line
            break
        if line >= HEADER_SEARCH:
            break
    if header is None:
        header = next((v for v in top if v and any(h is not None and str(h).strip() for h in v)), None)
        if header is None:
            if what == "ties":
                raise DatasetError(f"{place}: the sheet is empty; a header row naming the columns is expected")
            return [], []
        head_line = top.index(header) + 1
    names = _names(header, columns)
    dupes = sorted({n for n in names if n and names.count(n) > 1})
    if dupes:
        raise DatasetError(f"{place}:{head_line}: column {dupes[0]!r} appears more than once in the header")
    missing = [c for c in required if c not in names]
    if missing:
        where = "row 1" if len(top) == 1 else f"rows 1-{len(top)}"
        raise DatasetError(f"{place}:{head_line}: missing required column{'s' if len(missing) > 1 else ''} "
                           f"{', '.join(missing)} (a {what} sheet needs {', '.join(required)}; no row "
                           f"among {where} names them all)")
    rows, empty, serials = [], {}, []
    for line, values in enumerate(it, head_line + 1):
        if values is None or all(v is None or (isinstance(v, str) and not v.strip()) for v in values):
            continue
        row = {"line": line}
        for col, (name, value) in enumerate(zip(names, values)):
            if name in columns:
                row[name] = _text(value)
                if value is None:
                    empty.setdefault(line, []).append((col, name))
        hit = next(((n, v) for n, v in zip(names, values) if n in columns and n in ("start", "end")
                    and _serial(v)), None)
        if hit is not None:  # a date typed as a number: rejected with its likely date, never guessed
            name, value = hit
            day = datetime.date(1899, 12, 30) + datetime.timedelta(days=int(value))
            serials.append({"file": place, "line": line, "id": row.get("id", ""), "field": name,
                            "reason": f"{cell_text(value)!r} is a number, not a date: an Excel date serial "
                                      f"({day.isoformat()}) in a cell not formatted as a date? Format the "
                                      "column as Date, or type YYYY, YYYY-MM or YYYY-MM-DD"})
            continue
        rows.append(row)
    if not empty:
        return rows, serials
    formulas, merges = _sheet_facts(path, sheet)
    rejected = []
    if merges:
        rows, rejected = _merged(place, rows, empty, merges)
    if formulas:
        rows, more = _uncomputed(path, sheet, place, rows, empty)
        rejected += more
    return rows, serials + rejected


def _serial(value):
    """Whether a number in a date column looks like an Excel date serial (1900-2199), not a year."""
    return (isinstance(value, (int, float)) and not isinstance(value, bool) and float(value).is_integer()
            and 10000 <= value <= 109572)


_MERGE = re.compile(rb'<(?:\w+:)?mergeCell ref="([A-Z]+)(\d+):([A-Z]+)(\d+)"')


def _sheet_facts(path, sheet):
    """``(has formulas, merged ranges)`` of a sheet, from a byte search of its XML (no parsing).

    A merged range is ``(min_col, min_row, max_col, max_row)``, columns counted from 0.
    """
    from openpyxl.utils import column_index_from_string
    member = getattr(sheet, "_worksheet_path", None)
    if not member:
        return True, []
    try:
        with zipfile.ZipFile(path) as z:
            xml = z.read(member.lstrip("/"))
    except (KeyError, OSError, zipfile.BadZipFile):
        return True, []
    merges = [(column_index_from_string(a.decode()) - 1, int(r1), column_index_from_string(b.decode()) - 1,
               int(r2)) for a, r1, b, r2 in _MERGE.findall(xml)]
    return b"<f>" in xml or b"<f " in xml, merges


def _merged(place, rows, empty, merges):
    """Reject rows with an empty cell that is inside merged cells (only the top-left cell holds the value).

    Excel shows a merged value across every row of the range, but the file
    stores it once; tiegraph does not guess that the other rows share it.
    """
    from openpyxl.utils import get_column_letter
    bad = {}
    for line, cells in empty.items():
        for col, name in cells:
            for c1, r1, c2, r2 in merges:
                if c1 <= col <= c2 and r1 <= line <= r2 and (line, col) != (r1, c1):
                    bad.setdefault(line, (name, f"{get_column_letter(c1 + 1)}{r1}:{get_column_letter(c2 + 1)}{r2}",
                                          f"{get_column_letter(c1 + 1)}{r1}"))
    return _reject_rows(rows, bad, place, lambda hit: f"the cell is inside merged cells {hit[1]}, whose value is "
                        f"stored only in {hit[2]}; unmerge the cells and fill in each row")


def _reject_rows(rows, hits, place, reason):
    """Split ``rows`` into kept rows and rejections for the lines in ``hits`` (line → (field, …));
    ``reason(hit)`` words each rejection."""
    kept, rejected = [], []
    for row in rows:
        hit = hits.get(row["line"])
        if hit is None:
            kept.append(row)
        else:
            rejected.append({"file": place, "line": row["line"], "id": row.get("id", ""), "field": hit[0],
                             "reason": reason(hit)})
    return kept, rejected


def _uncomputed(path, sheet, place, rows, empty):
    """Reject rows whose empty cells are formulas never computed (a file saved by a non-calculating tool).

    openpyxl (with ``data_only``) reads a formula's saved value; a workbook
    written by a library, not by Excel or LibreOffice, has none, and the cell
    would read as empty: say so instead.
    """
    from openpyxl import load_workbook
    wb = load_workbook(path, read_only=True, data_only=False)
    try:
        formulas = {}
        last = max(empty)
        for line, values in enumerate(wb[sheet.title].iter_rows(min_row=min(empty), max_row=last,
                                                                values_only=True), min(empty)):
            for col, name in empty.get(line, ()):
                value = values[col] if values is not None and col < len(values) else None
                if isinstance(value, str) and value.startswith("="):
                    formulas.setdefault(line, (name, value))
    finally:
        wb.close()
    def reason(hit):
        text = hit[1] if len(hit[1]) <= 40 else hit[1][:39] + "…"
        return (f"the cell holds the formula {text!r} with no computed value (the file was saved by a program "
                "that does not calculate); open it in Excel or LibreOffice and save it again")
    return _reject_rows(rows, formulas, place, reason)


def _not_a_zip(path):
    """Raise a DatasetError saying what the file is when it is not an .xlsx (zip) container."""
    try:
        with open(path, "rb") as fh:
            head = fh.read(4096)
    except OSError as ex:
        raise DatasetError(f"{path}: cannot be read ({ex.strerror})") from None
    if head.startswith(b"PK"):
        return
    if head.startswith(bytes.fromhex("D0CF11E0A1B11AE1")):
        raise DatasetError(f"{path}: not a readable Excel .xlsx workbook: it is an OLE2 file, i.e. an old "
                           "Excel .xls workbook or a password-protected (encrypted) one; open it in Excel "
                           "or LibreOffice, remove any password and save it as .xlsx (or CSV)")
    if not head:
        raise DatasetError(f"{path}: not a readable Excel .xlsx workbook: the file is empty")
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError:
        text = None
    if text is not None and ("," in text or "\t" in text or ";" in text):
        raise DatasetError(f"{path}: not a readable Excel .xlsx workbook: it is plain text, most likely a "
                           f"CSV file renamed to .xlsx; read it with --data csv:{path}")
    raise DatasetError(f"{path}: not a readable Excel .xlsx workbook (not a zip container)")


def read_xlsx(path, progress=None):
    """Read ``path`` into a :class:`~graph.dataset.Part` of string tables.

    Sheets are found by name, in any case: ``ties`` (a workbook with one
    sheet: that sheet), ``actors`` and ``documents`` (optional). The first
    row of each is the header (names in any case). Cells typed by Excel are
    turned into the contract's text: a date cell → ``YYYY-MM-DD``, ``3.0`` →
    ``3``, TRUE → ``true``; a formula's last computed value is read, and text
    that tiegraph neutralised (``'=…``) is restored. Rejections name
    ``FILE:SHEET`` and the sheet's row.

    Raises
    ------
    DatasetError
        If the file is not an .xlsx workbook, has no ties sheet, or a sheet
        lacks a required column.
    """
    from openpyxl import load_workbook
    _not_a_zip(path)
    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as ex:
        reason = getattr(ex, "strerror", None) or str(ex) or type(ex).__name__
        raise DatasetError(f"{path}: not a readable Excel .xlsx workbook ({reason})") from None
    except Exception as ex:  # openpyxl's own InvalidFileException and friends
        raise DatasetError(f"{path}: not a readable Excel .xlsx workbook ({ex})") from None
    try:
        sheets = {ws.title.strip().lower(): ws for ws in wb.worksheets}
        if "ties" in sheets:
            ties_sheet = sheets["ties"]
        elif len(wb.worksheets) == 1:
            ties_sheet = wb.worksheets[0]
        else:
            raise DatasetError(f"{path}: no sheet named 'ties' (sheets: "
                               f"{', '.join(ws.title for ws in wb.worksheets)})")
        ties, rejected = _rows(path, ties_sheet, "ties")
        actors, documents = None, None
        if "actors" in sheets:
            actors, more = _rows(path, sheets["actors"], "actors")
            rejected += more
        if "documents" in sheets:
            documents, more = _rows(path, sheets["documents"], "documents")
            rejected += more
        return make_part(f"{path}:{ties_sheet.title}", ties, actors, documents,
                         rejected=rejected,
                         actors_place=f"{path}:{sheets['actors'].title}" if actors is not None else None,
                         documents_place=f"{path}:{sheets['documents'].title}" if documents is not None
                         else None)
    finally:
        wb.close()
