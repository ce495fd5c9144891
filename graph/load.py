"""Load tie datasets from CSV: check columns, parse types, enforce vocabularies.

A dataset is a directory holding ``ties.csv`` (and optionally ``actors.csv`` and
``documents.csv``) or a single ties CSV. Several can be merged. Every row that
fails a check is set aside and reported as ``file:line: id: field: reason``;
the good rows are kept. A file that cannot be read as a CSV table at all raises
:class:`~graph.errors.DatasetError` with one clear sentence.
"""

import csv
import difflib
import functools
import io
import os
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pandas as pd

from .dataset import Dataset, Part, format_rejection
from .errors import DatasetError
from .textsafe import not_utf8_message as _not_utf8
from .textsafe import xml_illegal_mask as _xml_illegal_mask
from .sources import check_regular_file, read_source, resolve_source
from .schema import (ACTOR_COLUMNS, ACTOR_KINDS, ACTOR_REQUIRED, ADVERSARIAL_TYPES, CONFIDENCE_LEVELS,
                     DOCUMENT_COLUMNS, DOCUMENT_REQUIRED, POLARITIES, TIE_COLUMNS,
                     TIE_REQUIRED, TIE_TYPES, default_polarity)

__all__ = ["Dataset", "Part", "load_dataset", "read_ties", "read_actors", "read_documents",
           "check_ties", "check_actors", "check_documents", "bundled_data_dir", "format_rejection",
           "parse_partial_dates"]

_TRUE = {"true", "yes", "y", "t", "1"}
_FALSE = {"false", "no", "n", "f", "0"}
_DATE_RE = r"\d{4}(?:-\d{2}(?:-\d{2})?)?"


def bundled_data_dir():
    """Return the directory of the bundled seed dataset.

    The one place that knows where it lives: next to ``graph/`` in a checkout or
    an editable install, or under ``<prefix>/share/tiegraph/data`` when installed
    from a wheel. ``TIEGRAPH_DATA`` overrides both.

    Examples
    --------
    >>> (bundled_data_dir() / "ties.csv").is_file()
    True
    """
    env = os.environ.get("TIEGRAPH_DATA")
    candidates = [Path(env)] if env else []
    candidates += [Path(__file__).resolve().parent.parent / "data",
                   Path(sys.prefix) / "share" / "tiegraph" / "data"]
    for path in candidates:
        if (path / "ties.csv").is_file():
            return path
    raise DatasetError("the bundled dataset was not found (looked in "
                       + ", ".join(str(p) for p in candidates) + "); pass --data PATH")


# --------------------------------------------------------------------------- reading

#: A header wider than this is refused at once (a runaway file, not a table).
MAX_COLUMNS = 1000

def _wide_encoding(raw):
    """``(name, iconv name)`` when ``raw`` is UTF-16 or UTF-32 text (by BOM or NUL pattern), else None."""
    boms = ((b"\xff\xfe\x00\x00", "UTF-32 (little-endian, with a byte-order mark)", "UTF-32"),
            (b"\x00\x00\xfe\xff", "UTF-32 (big-endian, with a byte-order mark)", "UTF-32"),
            (b"\xff\xfe", "UTF-16 (little-endian, with a byte-order mark)", "UTF-16"),
            (b"\xfe\xff", "UTF-16 (big-endian, with a byte-order mark)", "UTF-16"))
    for bom, name, iconv in boms:
        if raw.startswith(bom):
            return name, iconv
    head = raw[:4096]
    n = len(head) // 4 * 4
    if n < 8:
        return None
    cols = [head[i:n:4] for i in range(4)]
    zeros = [c.count(0) / len(c) for c in cols]
    if min(zeros[1:]) > 0.9 and zeros[0] < 0.5:
        return "UTF-32LE (no byte-order mark)", "UTF-32LE"
    if min(zeros[:3]) > 0.9 and zeros[3] < 0.5:
        return "UTF-32BE (no byte-order mark)", "UTF-32BE"
    even, odd = head[0:n:2], head[1:n:2]
    if odd.count(0) / len(odd) > 0.6 and even.count(0) / len(even) < 0.2:
        return "UTF-16LE (no byte-order mark)", "UTF-16LE"
    if even.count(0) / len(even) > 0.6 and odd.count(0) / len(odd) < 0.2:
        return "UTF-16BE (no byte-order mark)", "UTF-16BE"
    return None


def _decode(path):
    check_regular_file(path)
    try:
        raw = Path(path).read_bytes()
    except IsADirectoryError:
        raise DatasetError(f"{path}: is a directory without a ties.csv") from None
    except OSError as ex:
        raise DatasetError(f"{path}: cannot be read ({ex.strerror})") from None
    wide = _wide_encoding(raw)
    if wide:
        name, iconv = wide
        raise DatasetError(f"{path}: the file is {name} text; tiegraph reads UTF-8: convert it with "
                           f"iconv -f {iconv} -t UTF-8 {path} > {Path(path).stem}-utf8.csv")
    if not raw.replace(b"\xef\xbb\xbf", b"").strip():
        raise DatasetError(f"{path}: the file is empty; a CSV with a header row is expected")
    head = raw[:65536]
    # control bytes in UTF-8 text (a stray NUL, an escape sequence) are rows to reject, each at
    # its line (control character U+0000); a file full of them, or not UTF-8 with some, is binary
    controls = sum(b < 9 or 13 < b < 32 for b in head)
    if controls > len(head) // 10 + 2:
        raise DatasetError(f"{path}: this is a binary file, not a CSV text file")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as ex:
        if controls > len(head) // 100 + 1:
            raise DatasetError(f"{path}: this is a binary file, not a CSV text file") from None
        raise DatasetError(_not_utf8(path, raw, ex.start)) from None


#: Files at least this big try the pyarrow reader first (tests set it to 0).
FAST_MIN_BYTES = 1 << 20

#: Tie tables with at least this many rows check their ids in a second thread (tests set it to 0).
_THREAD_MIN_ROWS = 200_000


def _read_table_fast(path, *, columns, required):
    """Read a plain CSV with pyarrow; None when the file needs the careful reader.

    Used only when the answer is exactly the csv module's: UTF-8, a header
    without quotes, every record on one line (no quoted newlines, no blank
    lines) and every row as wide as the header. Anything else — and every
    error message — is left to :func:`_read_table`'s csv-module path.
    """
    try:
        size = os.path.getsize(path)
    except OSError:
        return None
    if size < FAST_MIN_BYTES:
        return None
    try:
        import pyarrow as pa
        import pyarrow.csv as pcsv
    except ImportError:  # pragma: no cover - pyarrow is a dependency
        return None
    try:  # mapped, not read into Python: Arrow parses it and NumPy counts its lines in place
        with pa.memory_map(str(path)) as mapped:
            table, n_lines = _parse_mapped(mapped.read_buffer(), pa, pcsv, columns, required)
    except (OSError, pa.ArrowException):
        return None
    if table is None or n_lines != table.num_rows + 1:  # blank lines or quoted newlines: csv
        return None
    header = table.column_names
    frame = pd.DataFrame({h: _str_array(_trim(table.column(h))) for h in header}, copy=False)
    frame = _with_columns(frame, columns)
    frame["line"] = np.arange(2, table.num_rows + 2, dtype="int64")
    return frame, []


def _parse_mapped(buf, pa, pcsv, columns, required):
    """``(table, lines)`` of a mapped file for :func:`_read_table_fast`; ``(None, 0)`` to hand over."""
    start = 3 if buf.size >= 3 and buf[:3].to_pybytes() == b"\xef\xbb\xbf" else 0
    body = np.frombuffer(buf, dtype=np.uint8)[start:]
    head = body[:65536]
    controls = np.count_nonzero((head < 9) | ((head > 13) & (head < 32)))
    if (head == 0).any() or controls > len(head) // 100 + 1:
        return None, 0
    head = head.tobytes()
    end = head.find(b"\n")
    if end < 0:  # no line end in the first 64 KiB: no table the fast path is for
        return None, 0
    try:
        first = head[:end].decode("utf-8").rstrip("\r")
    except UnicodeDecodeError:
        return None, 0
    if '"' in first:
        return None, 0
    header = [h.strip() for h in first.split(",")]
    if len(header) > MAX_COLUMNS:  # the careful reader says why
        return None, 0
    header = [h.lower() if h.lower() in columns else h for h in header]  # as _read_table does
    if len(set(header)) != len(header) or any(c not in header for c in required) or not all(header):
        return None, 0
    # Arrow checks that every value is UTF-8 (check_utf8): a file that is not raises, and the
    # csv-module path then reports the line
    table = pcsv.read_csv(
        pa.BufferReader(buf),
        read_options=pcsv.ReadOptions(column_names=header, skip_rows=1, block_size=1 << 22),
        parse_options=pcsv.ParseOptions(newlines_in_values=False),
        convert_options=pcsv.ConvertOptions(column_types={h: pa.large_string() for h in header},
                                            strings_can_be_null=False,
                                            quoted_strings_can_be_null=False))
    lines, step = 0, 1 << 24
    for lo in range(0, len(body), step):
        lines += int(np.count_nonzero(body[lo:lo + step] == 10))
    return table, lines + (0 if len(body) == 0 or body[-1] == 10 else 1)


def _read_table(path, *, columns, required, what):
    """Read a CSV into a DataFrame of stripped strings plus a ``line`` column.

    Returns ``(frame, rejected)``; rows with the wrong number of fields are rejected.
    Big plain files go through pyarrow (same result, many times faster).
    Cells neutralised against spreadsheet formulas (``'=x``) are restored.
    """
    check_regular_file(path)
    fast = _read_table_fast(path, columns=columns, required=required)
    if fast is not None:
        frame, rejected = fast
        return _restore_cells(frame), rejected
    text = _decode(path)
    # a field may be as long as the file (a long quote); the csv module's default stops at 128 KiB
    csv.field_size_limit(max(csv.field_size_limit(), min(len(text) + 1, 2**31 - 1)))
    lines = io.StringIO(text, newline="").readlines()  # split exactly as the csv reader splits
    feed = _Lines(lines)
    reader = csv.reader(feed, strict=False)
    try:
        header = next(reader)
    except csv.Error as ex:
        raise DatasetError(f"{path}:1: not a readable CSV header ({ex})") from None
    except StopIteration:
        raise DatasetError(f"{path}: the file is empty; a CSV with a header row is expected") from None
    if len(header) > MAX_COLUMNS:
        raise DatasetError(f"{path}:1: the header has {len(header):,} columns; a {what} table has "
                           f"{len(columns)} (at most {MAX_COLUMNS} are read): this is not a {what} table")
    header = [h.strip() for h in header]
    header = [h.lower() if h.lower() in columns else h for h in header]  # "ID", "Source" are fine
    # nameless columns (trailing commas from a spreadsheet) are ignored like any unknown column
    header = [h or f"(unnamed column {i})" for i, h in enumerate(header, 1)]
    seen, dupes = set(), []
    for h in header:
        if h and h in seen:
            dupes.append(h)
        seen.add(h)
    if dupes:
        raise DatasetError(f"{path}:1: column {sorted(dupes)[0]!r} appears more than once in the header")
    missing = [c for c in required if c not in header]
    if missing and len(missing) == len(required):
        sep = next((name for char, name in ((";", "';'"), ("\t", "tabs"), ("|", "'|'"))
                    if len(header) == 1 and char in header[0]), None)
        hint = f" (it seems to be separated by {sep}; tiegraph reads comma-separated files)" if sep else ""
        raise DatasetError(
            f"{path}: this does not look like a CSV {what} table: the header row has none of the "
            f"required columns ({', '.join(required)}); found {_shorten(','.join(header))!r}{hint}")
    if missing:
        raise DatasetError(f"{path}:1: missing required column{'s' if len(missing) > 1 else ''} "
                           f"{', '.join(missing)} (a {what} table needs {', '.join(required)})")
    width = len(header)
    id_at = header.index(columns[0]) if columns[0] in header else None
    records, rec_lines, rejected = [], [], []
    while True:
        first = feed.pos + 1  # the line the next record starts on
        try:
            rec = next(reader)
        except StopIteration:
            break
        except csv.Error as ex:
            raise DatasetError(f"{path}:{feed.pos}: not readable as CSV ({ex})") from None
        last = feed.pos
        if not rec or (len(rec) == 1 and not rec[0].strip()):
            continue
        rid = rec[id_at].strip() if id_at is not None and id_at < len(rec) else ""
        if last > first:
            found = _swallowed_rows(lines, first, last, width, id_at)
            if found is not None:  # an unclosed quote: read the lines it swallowed again, on their own
                ids = ", ".join(found[:5]) + (f" and {len(found) - 5} more" if len(found) > 5 else "")
                span = f"line {last}" if last == first + 1 else f"lines {first + 1}..{last}"
                rows = f"the row with id {ids}" if len(found) == 1 else f"rows with ids {ids}"
                rejected.append(_rej(path, first, rid, "(row)",
                                     f"unclosed quote swallows {span} ({rows}); this row is left out "
                                     "and those lines are read again as rows of their own"))
                feed.pos = first
                reader = csv.reader(feed, strict=False)
                continue
        if len(rec) != width:
            rejected.append(_rej(path, first, rid, "(row)",
                                 f"has {len(rec)} fields but the header has {width}"
                                 + (" (an unclosed quote?)" if '"' in "".join(rec) or len(rec) < width else "")))
        else:
            records.append(rec)
            rec_lines.append(first)
    frame = pd.DataFrame(records, columns=header, dtype=object) if records else \
        pd.DataFrame({h: pd.Series([], dtype=object) for h in header})
    for c in frame.columns:
        frame[c] = frame[c].str.strip()
    frame = _with_columns(frame, columns)
    frame["line"] = np.asarray(rec_lines, dtype="int64")
    rejected.sort(key=lambda r: r["line"])
    return _restore_cells(frame), rejected


class _Lines:
    """The lines of a file for ``csv.reader``, with the position it has read to (settable to re-read)."""

    def __init__(self, lines):
        self.lines, self.pos = lines, 0

    def __iter__(self):
        return self

    def __next__(self):
        if self.pos >= len(self.lines):
            raise StopIteration
        self.pos += 1
        return self.lines[self.pos - 1]


def _swallowed_rows(lines, first, last, width, id_at):
    """Ids of the whole rows that start inside a record spanning lines ``first..last``; None if none.

    A quoted field may hold line breaks. A quote left open swallows the rows
    below it instead. The rule: a record was cut short by an unclosed quote
    when one of its inner lines has as many commas as a row has, or when,
    read again from line ``first+1``, the lines start at least one record as
    wide as the header with an id. (A record read again may run past
    ``last``: the row just below may hold a quoted line break of its own.)
    """
    if width >= 4 and any(line.count(",") >= width - 1 for line in lines[first:last]):
        # an inner line with as many commas as a row (a row that is itself broken, too)
        ids = [line.split(",", 1)[0].strip().strip('"') for line in lines[first:last]
               if line.count(",") >= width - 1]
        return [i or "?" for i in ids]
    feed = _Lines(lines)
    feed.pos = first
    reader = csv.reader(feed, strict=False)
    ids = []
    try:
        while feed.pos < last:
            rec = next(reader)
            if len(rec) == width and (id_at is None or rec[id_at].strip()):
                ids.append(rec[id_at].strip() if id_at is not None else "?")
    except (csv.Error, StopIteration):
        pass
    return ids or None


def _restore_cells(frame):
    """Undo spreadsheet-formula neutralisation (``'=x`` → ``=x``) in every text column of ``frame``."""
    from .textsafe import restore_cell
    for c in frame.columns:
        if c == "line":
            continue
        col = frame[c]
        if isinstance(col.array, pd.arrays.ArrowStringArray):
            import pyarrow.compute as pac
            starts = pac.starts_with(_arrow(col), "'")
            if not pac.any(starts).as_py():
                continue
            mask = pd.Series(starts.to_numpy(zero_copy_only=False), index=col.index)
        else:
            mask = col.str.startswith("'").fillna(False).astype(bool)
            if not mask.any():
                continue
        frame[c] = col.where(~mask, col[mask].map(restore_cell))
    return frame


def _with_columns(frame, columns):
    """``frame`` with every column of ``columns`` it lacks added, empty (a new frame; none added: the same)."""
    missing = [c for c in columns if c not in frame.columns]
    return frame.assign(**dict.fromkeys(missing, "")) if missing else frame


def _shorten(s, n=60):
    return s if len(s) <= n else s[: n - 1] + "…"


def _rej(path, line, rid, fld, reason):
    return {"file": str(path), "line": int(line), "id": rid, "field": fld, "reason": reason}


def _trim(column):
    """A pyarrow string column with whitespace trimmed off each value (skipped when there is none)."""
    import pyarrow as pa
    import pyarrow.compute as pac
    for chunk in column.chunks:
        if len(chunk) == 0:
            continue
        width = np.int64 if pa.types.is_large_string(chunk.type) else np.int32
        offsets = np.frombuffer(chunk.buffers()[1], dtype=width)[chunk.offset:chunk.offset + len(chunk) + 1]
        if offsets[0] == offsets[-1]:  # every value empty: nothing to trim
            continue
        data = np.frombuffer(chunk.buffers()[2], dtype=np.uint8)
        # the first and last byte of each value (of a neighbour for an empty value: harmless);
        # that byte may be (part of) whitespace unless it is printable ASCII or DEL, 33..127
        # (any byte of a multi-byte UTF-8 character counts: U+00A0 and U+3000 are spaces)
        edge = np.uint8(94)
        if ((data.take(offsets[:-1], mode="clip") - np.uint8(33)) > edge).any() or \
                ((data.take(offsets[1:] - 1, mode="clip") - np.uint8(33)) > edge).any():
            return pac.utf8_trim_whitespace(column)
    return column


def _str_array(values):
    """A pyarrow string array as pandas' default string array (dtype "str"); no Python objects."""
    return pd.arrays.ArrowStringArray(values, dtype=pd.StringDtype("pyarrow", na_value=np.nan))


def _arrow(col, *, combine=False):
    """A string Series as a pyarrow (chunked) array; no copy when it is Arrow-backed already."""
    import pyarrow as pa
    if isinstance(col.array, pd.arrays.ArrowStringArray):
        arr = pa.array(col.array)
        return arr.combine_chunks() if combine and isinstance(arr, pa.ChunkedArray) else arr
    return pa.array(col.to_numpy(dtype=object), type=pa.string())


def _first_rows(col):
    """For each row of a string Series, the position of the first row holding the same value.

    Rows are hashed in NumPy and only rows whose hash is shared are compared
    exactly (Arrow's hash table, far slower on millions of distinct ids).
    """
    import pyarrow as pa
    import pyarrow.compute as pac
    n = len(col)
    first = np.arange(n)
    if n < 2:
        return first
    arr = _arrow(col, combine=True)
    shared = _shared_hashes(arr)
    rows = first if shared is None else np.flatnonzero(shared)
    if len(rows) == 0:
        return first
    sub = arr if shared is None else arr.take(pa.array(rows))
    codes = pac.dictionary_encode(sub).indices.to_numpy(zero_copy_only=False).astype(np.int64)
    # codes number the distinct values in order of first appearance, so a row holds the
    # first occurrence of its value exactly when its code exceeds every code before it
    is_first = np.ones(len(codes), dtype=bool)
    is_first[1:] = codes[1:] > np.maximum.accumulate(codes)[:-1]
    first[rows] = rows[np.flatnonzero(is_first)][codes]
    return first


def _shared_hashes(arr, max_width=32):
    """Mask of the values of a pyarrow string array whose 64-bit hash occurs more than once.

    Equal values hash equally, so every repeated value is in the mask (with the
    rare value that merely collides). None when the values are too long to hash
    this way.
    """
    import pyarrow as pa
    import pyarrow.compute as pac
    n = len(arr)
    width = pac.max(pac.binary_length(arr)).as_py() or 0
    if width > max_width:
        return None
    width = max(8, (width + 7) // 8 * 8)
    padded = pac.ascii_rpad(arr, width, "\x00")  # pads by bytes, whatever the characters
    offsets, data = padded.buffers()[1], padded.buffers()[2]
    width_type = np.int64 if pa.types.is_large_string(padded.type) else np.int32
    if padded.offset != 0 or data is None or np.frombuffer(offsets, dtype=width_type)[0] != 0 \
            or data.size < n * width:
        return None
    words = np.frombuffer(data, dtype=np.uint64, count=n * width // 8).reshape(n, width // 8)
    h = np.full(n, 0x243F6A8885A308D3, dtype=np.uint64)
    with np.errstate(over="ignore"):
        for k in range(words.shape[1]):
            h = (h ^ words[:, k]) * np.uint64(0x9E3779B97F4A7C15)
            h ^= h >> np.uint64(29)
    ordered = np.sort(h)
    repeated = ordered[1:][ordered[1:] == ordered[:-1]]
    if len(repeated) == 0:
        return np.zeros(n, dtype=bool)
    return np.isin(h, repeated)


class _Checker:
    """Collects row errors for one frame; ``bad`` marks rows to set aside."""

    def __init__(self, frame, path, codes=None):
        self.frame, self.path = frame, path
        self.codes = codes or {}  # column -> (codes, values), see check_ties
        self.bad = np.zeros(len(frame), dtype=bool)
        self._blank = {}
        self.errors = []

    def flag(self, mask, fld, reason):
        mask = np.asarray(mask, dtype=bool)
        if not mask.any():
            return
        self.bad |= mask
        idx = np.flatnonzero(mask)  # whole columns at once: fast however many rows are bad
        lines = self.frame["line"].to_numpy()[idx]
        ids = self.frame.iloc[idx, 0].to_numpy(dtype=object)
        values = self.frame[fld].iloc[idx].to_numpy(dtype=object) if fld in self.frame.columns \
            else [""] * len(idx)
        for line, rid, value in zip(lines, ids, values):
            text = reason(value) if callable(reason) else reason
            self.errors.append((int(line), _rej(self.path, line, rid, fld, text)))

    def blank(self, fld):
        """Mask of the empty values of a column (worked out once: lower-casing keeps it)."""
        if fld not in self._blank:
            self._blank[fld] = _by_value(self.codes[fld], lambda v: v == "") if fld in self.codes \
                else _blank(self.frame[fld])
        return self._blank[fld]

    def required(self, columns):
        for c in columns:
            self.flag(self.blank(c), c, "is empty; a value is required")

    def vocabulary(self, fld, allowed, *, optional=False, found=None):
        """Flag values not in ``allowed``; ``found`` (from :func:`_positions`) can tell they all are."""
        if found is not None and found.all():
            return
        # judged once per distinct value (a vocabulary column holds a few); an empty value is
        # allowed when optional, and otherwise reported by required()
        codes, uniques = _codes(self.frame[fld])
        bad = np.array([v not in allowed and v != "" for v in uniques] + [False])[codes]

        def reason(v):
            close = difflib.get_close_matches(v, allowed, n=1)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            return f"{v!r} is not one of {', '.join(allowed)}{hint}"
        self.flag(bad, fld, reason)

    def unique_ids(self, fld="id", first=None):
        """Flag repeated ids; ``first`` is ``_first_rows`` of the column when worked out already."""
        col = self.frame[fld]
        first = _first_rows(col) if first is None else first
        dup = (first != np.arange(len(col))) & ~self.blank(fld)
        if dup.any():
            lines = self.frame["line"].to_numpy()
            idx = np.flatnonzero(dup)
            first_line = dict(zip(col.iloc[idx].to_numpy(dtype=object), lines[first[idx]]))
            self.flag(dup, fld, lambda v: f"duplicate id {v!r}; first used on line {first_line[v]}")

    def xml_text(self):
        """Flag values holding a character XML cannot carry (C0 controls but tab/LF/CR, U+FFFE/U+FFFF).

        One rule for every reader and every text column: such a row is refused
        at load, so that every output (GraphML, GEXF, SVG) stays well-formed.
        """
        from .textsafe import XML_ILLEGAL_RE, describe_char
        for c in self.frame.columns:
            if c == "line":
                continue
            if c in self.codes:
                mask = _by_value(self.codes[c], lambda v: XML_ILLEGAL_RE.search(v) is not None)
                mask = mask if mask.any() else None
            else:
                mask = _xml_illegal_mask(self.frame[c])
            if mask is not None:
                self.flag(mask, c, lambda v: describe_char(XML_ILLEGAL_RE.search(str(v)).group(0)))

    def result(self):
        self.errors.sort(key=lambda e: e[0])
        return [e[1] for e in self.errors]


def parse_partial_dates(values):
    """Parse ISO dates of any precision into the first and last day they cover.

    Returns ``(first, last, ok)``: two datetime64 Series and a boolean mask of
    values that parsed. ``2023`` covers the whole year, ``2023-02`` all of February.

    Examples
    --------
    >>> first, last, ok = parse_partial_dates(pd.Series(["2023", "2024-02", "2023-09-13", "2023-13"]))
    >>> [d.date().isoformat() if ok_ else None for d, ok_ in zip(last, ok)]
    ['2023-12-31', '2024-02-29', '2023-09-13', None]
    >>> first[0].date().isoformat()
    '2023-01-01'
    """
    values = pd.Series(values)
    codes, uniques = pd.factorize(values, use_na_sentinel=False)
    if len(uniques) < len(values) // 2:  # few distinct dates (the usual case): parse each once
        first, last, ok = parse_partial_dates(pd.Series(np.asarray(uniques, dtype=object)))
        return (pd.Series(first.to_numpy()[codes], index=values.index),
                pd.Series(last.to_numpy()[codes], index=values.index),
                pd.Series(ok.to_numpy()[codes], index=values.index))
    s = pd.Series(values.to_numpy(dtype=object), index=values.index).astype(str)
    # year 0000 does not exist (1 BC is followed by AD 1); pandas would hold it, Python cannot
    shape = s.str.fullmatch(_DATE_RE).fillna(False).astype(bool) & ~s.str.startswith("0000")
    n = s.str.len()
    month = s.str.slice(5, 7).where(n >= 7, "01")
    day = s.str.slice(8, 10).where(n >= 10, "01")
    full = (s.str.slice(0, 4) + "-" + month + "-" + day).where(shape, None)
    first = pd.to_datetime(full, format="%Y-%m-%d", errors="coerce")
    ok = shape & first.notna()
    last = first.copy()
    year_only, month_only = ok & (n == 4), ok & (n == 7)
    if year_only.any():
        last[year_only] = first[year_only] + pd.offsets.YearEnd(0)
    if month_only.any():
        last[month_only] = first[month_only] + pd.offsets.MonthEnd(0)
    return first, last, ok


def _codes(col):
    """``(codes, uniques)`` of a string Series: ``uniques[codes]`` is the column (no NaN in it)."""
    codes, uniques = pd.factorize(col, use_na_sentinel=False)
    return codes, list(uniques)


def _blank(col):
    """NumPy mask of the empty values of a string Series (one Arrow pass when Arrow-backed).

    A typed column (numbers or booleans, from Parquet) is empty where it is null.
    """
    if pd.api.types.is_float_dtype(col.dtype) or pd.api.types.is_bool_dtype(col.dtype):
        return col.isna().to_numpy(dtype=bool)
    if isinstance(col.array, pd.arrays.ArrowStringArray):
        import pyarrow.compute as pac
        return pac.equal(_arrow(col), "").to_numpy(zero_copy_only=False)
    return (col == "").to_numpy(dtype=bool)


def _used_codes(codes, n):
    """``codes`` (see :func:`check_ties`) for the columns they fit (others are checked value by value)."""
    out = {}
    for c, (k, values) in (codes or {}).items():
        k = np.asarray(k)
        if len(k) == n and not (n and (k.min() < 0 or k.max() >= len(values))):
            out[c] = (k, list(values))
    return out


def _only_used(cv):
    """``(codes, values)`` without the values no row holds (renumbered)."""
    k, values = cv
    used = np.bincount(k, minlength=len(values)) > 0
    if used.all():
        return cv
    return (np.cumsum(used) - 1)[k], [v for v, u in zip(values, used) if u]


def _by_value(cv, fn, dtype=bool):
    """``fn`` of each row's value, worked out once per distinct value of a coded column."""
    k, values = cv
    return np.array([fn(v) for v in values], dtype=dtype).reshape(-1).take(k) if len(k) else np.zeros(0, dtype)


@functools.lru_cache(maxsize=1)
def _empty_end_dtype():
    """The dtype an all-empty ``end`` column parses to (``end_date`` keeps it when every end is empty)."""
    return parse_partial_dates(pd.Series([""]))[1].dtype


def _dates(col, cv=None, *, last_as=None):
    """:func:`parse_partial_dates` of a column, once per value of its ``(codes, values)`` when given.

    With ``last_as`` (a dtype) a fourth item: ``last`` as that dtype, converted once per value
    (None when the column was parsed whole: the caller converts it).
    """
    if cv is not None:  # values no row holds must not judge anything (not even the dtype)
        cv = _only_used(cv)
    if cv is None or not len(cv[1]) < len(col) // 2:  # as parse_partial_dates picks its way
        got = parse_partial_dates(col)
        return got if last_as is None else (*got, None)
    k, values = cv
    first, last, ok = parse_partial_dates(pd.Series(np.asarray(values, dtype=object)))
    got = (pd.Series(first.to_numpy()[k], index=col.index), pd.Series(last.to_numpy()[k], index=col.index),
           pd.Series(ok.to_numpy()[k], index=col.index))
    return got if last_as is None else (*got, pd.Series(last.astype(last_as).to_numpy()[k], index=col.index))


def _same(frame, a, b, codes):
    """NumPy mask of the rows whose columns ``a`` and ``b`` hold the same text."""
    if a in codes and b in codes:
        (ka, va), (kb, vb) = codes[a], codes[b]
        number = {v: i for i, v in enumerate(dict.fromkeys(va + vb))}
        return np.array([number[v] for v in va], dtype=np.int32).take(ka) == \
            np.array([number[v] for v in vb], dtype=np.int32).take(kb)
    return (frame[a] == frame[b]).to_numpy(dtype=bool)


def _positions(col, words, cv=None):
    """Where each value of a string Series is in ``words`` (all lower case), -1 where it is not.

    One Arrow pass over an Arrow-backed column (or one look per value of its
    ``(codes, values)`` when given); None for another column. When every value
    is found, lowering the column changes nothing and none of its values is
    outside the vocabulary: the checks below then skip their passes.
    """
    if cv is not None:
        where = {w: i for i, w in enumerate(words)}
        return _by_value(cv, lambda v: where.get(v, -1), dtype=np.int32)
    if not isinstance(col.array, pd.arrays.ArrowStringArray):
        return None
    import pyarrow as pa
    import pyarrow.compute as pac
    arr = _arrow(col)
    found = pac.index_in(arr, value_set=pa.array(list(words), type=arr.type)).fill_null(-1)
    return found.to_numpy(zero_copy_only=False) if isinstance(found, pa.Array) else \
        np.concatenate([c.to_numpy(zero_copy_only=False) for c in found.chunks] + [np.zeros(0, np.int32)])


def _lower(col, found=None):
    """``col.str.lower()``, without a pass over the column when every value is lower case already."""
    if found is not None and (found >= 0).all():
        return col
    _, uniques = _codes(col)
    return col if all(v == v.lower() for v in uniques) else col.str.lower()


def _parse_bool(col):
    if pd.api.types.is_bool_dtype(col.dtype):  # typed already (Parquet)
        return col, pd.Series(np.zeros(len(col), bool), index=col.index)
    found = _positions(col, ("true", "false"))
    if found is not None and (found >= 0).all():  # the usual spelling throughout
        return pd.Series(found == 0, index=col.index), pd.Series(np.zeros(len(col), bool), index=col.index)
    codes, uniques = _codes(col)
    low = [v.lower() for v in uniques]
    true = np.array([v in _TRUE for v in low] + [False])[codes]
    bad = np.array([v not in _TRUE and v not in _FALSE for v in low] + [False])[codes]
    return pd.Series(true, index=col.index), pd.Series(bad, index=col.index)


#: A plain decimal number (ASCII); anything else is judged by the general parser below.
_PLAIN_NUMBER_RE = r"[-+]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?"


def _parse_number(col):
    """Parse a column of number strings; NaN where empty or not a number.

    Plain decimals (nearly every value) are cast by Arrow, exactly as ``float()``
    rounds them; only the rest goes through the general parser. A float
    column (Parquet) is taken as it is.
    """
    if pd.api.types.is_float_dtype(col.dtype):
        return col.astype("float64")
    import pyarrow as pa
    import pyarrow.compute as pac
    arr = _arrow(col)
    empty = pac.equal(arr, "").to_numpy(zero_copy_only=False)
    out = np.full(len(col), np.nan)
    if empty.all():  # an optional column left blank
        return pd.Series(out, index=col.index)
    plain = _digits_and_point(arr)
    if plain is None:
        plain = pac.match_substring_regex(arr, f"^(?:{_PLAIN_NUMBER_RE})$").to_numpy(zero_copy_only=False)
    if plain.all():
        out = pac.cast(arr, pa.float64()).to_numpy(zero_copy_only=False).astype("float64", copy=True)
    elif plain.any():
        out[plain] = pac.cast(arr.filter(pa.array(plain)), pa.float64()).to_numpy(zero_copy_only=False)
    odd = ~plain & ~empty
    if odd.any():
        out[odd] = _parse_number_general(col[odd]).to_numpy()
    return pd.Series(out, index=col.index)


def _digits_and_point(arr):
    """Which values match ``_PLAIN_NUMBER_RE``, when every byte of the column is a digit or ``.``.

    Such a value matches exactly when it has at most one point and at least one
    digit; two NumPy passes over the bytes and one Arrow count instead of a
    regex. None when some byte is anything else (a sign, an exponent, a letter).

    >>> import pyarrow as pa
    >>> _digits_and_point(pa.array(["1", "2.5", ".5", "7.", ".", "1.2.3", ""])).tolist()
    [True, True, True, True, False, False, False]
    >>> _digits_and_point(pa.array(["1", "-2"])) is None
    True
    """
    import pyarrow as pa
    import pyarrow.compute as pac
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks()
    if not (pa.types.is_string(arr.type) or pa.types.is_large_string(arr.type)):
        return None
    width = np.int64 if pa.types.is_large_string(arr.type) else np.int32
    offsets = np.frombuffer(arr.buffers()[1], dtype=width)[arr.offset:arr.offset + len(arr) + 1]
    if arr.null_count or len(arr) == 0 or offsets[0] == offsets[-1]:
        return None
    data = np.frombuffer(arr.buffers()[2], dtype=np.uint8)[offsets[0]:offsets[-1]]
    if not (((data - np.uint8(48)) < 10) | (data == 46)).all():
        return None
    points = pac.count_substring(arr, ".").to_numpy(zero_copy_only=False)
    return (points <= 1) & (np.diff(offsets) > points)


def _parse_number_general(col):
    blanked = col.where(col != "", None)
    try:  # the fast cast when every value is a plain number
        num = blanked.astype("float64")
        if not col.str.contains(r"^\s*[-+]?(?:\d|\.\d)", regex=True).where(col != "", True).all():
            raise ValueError  # e.g. "inf" or "nan" spelled out: let to_numeric judge
        return num
    except (ValueError, TypeError):
        return pd.to_numeric(blanked, errors="coerce").astype("float64")


def read_ties(path):
    """Read and check one ties CSV.

    Returns ``(ties, rejected)``: the good rows with parsed types, and the
    rejected ones as dicts. Actor and document references are checked later,
    by :func:`load_dataset`, against the tables loaded with them.

    Raises
    ------
    DatasetError
        If the file is empty, binary, not UTF-8, not a CSV table, or lacks a
        required column.
    """
    frame, rejected = _read_table(path, columns=TIE_COLUMNS, required=TIE_REQUIRED, what="ties")
    return check_ties(frame, path, rejected)


def check_ties(frame, path, rejected=(), *, codes=None, first=None):
    """Check a table of tie strings (as read from any format) and parse its types.

    ``frame`` holds stripped strings in the tie columns (missing optional
    columns may be absent) and a ``line`` column; ``path`` is the place named
    in rejections and kept in the ``file`` column (``file``, or
    ``file:sheet`` for a spreadsheet). ``rejected`` are the reader's own
    rejections, returned first. Returns ``(ties, rejected)`` as
    :func:`read_ties`.

    ``codes`` (optional) maps a column name to ``(codes, values)``: a NumPy
    integer array and a list of strings such that ``values[codes]`` *is* the
    column (a dictionary-encoded column, as Parquet stores them). Checks that
    depend on a value only (vocabularies, empty values, dates, XML text,
    source = target) are then worked out once per distinct value; the answers
    are the same as without ``codes``. ``first`` (optional) is :func:`_first_rows`
    of the id column, or a Future of it, when the reader worked it out already.
    """
    rejected = list(rejected)
    frame = _with_columns(frame, TIE_COLUMNS)
    frame = frame[list(TIE_COLUMNS) + [c for c in frame.columns if c not in TIE_COLUMNS]]
    codes = _used_codes(codes, len(frame))
    chk = _Checker(frame, path, codes)
    # Every value is parsed first and flagged after, in a fixed order (a row's reasons are listed
    # in that order). On a big table the id check (a sort) and the numbers are worked out in a
    # second thread meanwhile: NumPy and Arrow let go of the GIL while they work.
    empty_end = _empty_end_dtype()
    pool = ThreadPoolExecutor(max_workers=1) if len(frame) >= _THREAD_MIN_ROWS else None
    if pool:
        ids_first = pool.submit(_first_rows, frame["id"]) if first is None else first
        numbers = pool.submit(lambda w, v: (_parse_number(w), _parse_number(v)),
                              frame["weight"], frame["value"])
        starts = pool.submit(_dates, frame["start"], codes.get("start"), last_as=empty_end)
        blanks = pool.submit(lambda: {c: _blank(frame[c]) for c in TIE_REQUIRED if c not in codes})
    try:
        # positions in the vocabularies: one pass each, and nothing more when every value is found
        type_at = _positions(frame["type"], TIE_TYPES, codes.get("type"))
        confidence_at = _positions(frame["confidence"], CONFIDENCE_LEVELS, codes.get("confidence"))
        polarity_at = _positions(frame["polarity"], ("",) + POLARITIES, codes.get("polarity"))
        if not pool:
            start_lo, start_hi, start_ok, start_hi_as = _dates(frame["start"], codes.get("start"),
                                                               last_as=empty_end)
        has_end = ~chk.blank("end")
        if has_end.any():  # an open-ended tie leaves end empty; often every one does
            _, end_hi, end_ok = _dates(frame["end"], codes.get("end"))
        directed, bad_bool = _parse_bool(frame["directed"])
        if pool:
            first, (weight, value) = getattr(ids_first, "result", lambda: ids_first)(), numbers.result()
            start_lo, start_hi, start_ok, start_hi_as = starts.result()
            chk._blank.update(blanks.result())
        else:
            first = getattr(first, "result", lambda: first)()
            weight, value = _parse_number(frame["weight"]), _parse_number(frame["value"])
    finally:
        if pool:
            pool.shutdown(cancel_futures=True)

    if has_end.any():
        end_date = end_hi.where(has_end, start_hi)
    else:  # the dtype an all-empty column parses to, as when it was parsed
        end_date = start_hi.astype(empty_end) if start_hi_as is None else start_hi_as
    chk.required(TIE_REQUIRED)
    chk.xml_text()
    chk.unique_ids(first=first)
    frame["confidence"] = _lower(frame["confidence"], confidence_at)
    frame["polarity"] = _lower(frame["polarity"], polarity_at)
    chk.vocabulary("type", TIE_TYPES, found=None if type_at is None else type_at >= 0)
    chk.vocabulary("confidence", CONFIDENCE_LEVELS,
                   found=None if confidence_at is None else confidence_at >= 0)
    chk.vocabulary("polarity", POLARITIES, optional=True,
                   found=None if polarity_at is None else polarity_at >= 0)
    chk.flag(_same(frame, "source", "target", codes) & ~chk.blank("source"), "target",
             lambda v: f"same actor as source ({v!r}); a tie needs two actors")
    chk.flag(~start_ok.to_numpy(dtype=bool) & ~chk.blank("start"), "start", _not_a_date)
    if has_end.any():
        chk.flag(has_end & ~end_ok, "end", _not_a_date)
        chk.flag(has_end & end_ok & start_ok & (end_hi < start_lo), "end",
                 lambda v: f"{v!r} is before start")
    chk.flag(bad_bool.to_numpy(dtype=bool) & ~chk.blank("directed"), "directed",
             lambda v: f"{v!r} is not a boolean (expected true or false)")
    chk.flag(~chk.blank("weight") & ~(np.isfinite(weight) & (weight > 0)).to_numpy(), "weight",
             lambda v: _bad_number(v, "must be a number > 0"))
    chk.flag(~chk.blank("value") & ~np.isfinite(value).to_numpy(), "value",
             lambda v: _bad_number(v, "must be a number"))

    rejected += chk.result()
    rejected.sort(key=lambda r: r["line"])
    frame = frame.assign(directed=directed, weight=weight, value=value,
                         start_date=start_lo, end_date=end_date,
                         file=_repeat(str(path), frame))
    frame["polarity"] = _fill_polarity(frame["polarity"], frame["type"], polarity_at, type_at)
    if chk.bad.any():
        frame = frame[~chk.bad].reset_index(drop=True)
    return frame, rejected


def _bad_number(text, rule):
    """Why ``text`` is not a usable number: too large to hold, or not a number at all."""
    import math
    try:
        number = float(str(text).strip())
    except ValueError:
        number = None
    if number is not None and math.isinf(number) and "inf" not in str(text).lower():
        return f"{text!r} is too large to hold (the largest is about 1.8e308)"
    return f"{rule}, got {text!r}"


def _not_a_date(v):
    if str(v).startswith("0000"):
        return f"{v!r} is not a date: there is no year 0000 (years run from 0001 to 9999)"
    return f"{v!r} is not a date (expected YYYY, YYYY-MM or YYYY-MM-DD)"


def _repeat(text, frame):
    """``text`` as a column for ``frame``, built in Arrow when the frame's strings are."""
    if len(frame) and isinstance(frame["id"].array, pd.arrays.ArrowStringArray):
        import pyarrow as pa
        return pd.Series(_str_array(pa.repeat(pa.scalar(text), len(frame))), index=frame.index)
    return text


def _fill_polarity(polarity, types, polarity_at=None, type_at=None):
    """``polarity`` with each empty value replaced by its type's default.

    ``polarity_at`` and ``type_at`` are the columns' :func:`_positions` in
    ``("",) + POLARITIES`` and ``TIE_TYPES`` (taken before lowering: they are
    used only when every polarity was found, so lowering changed nothing).
    """
    if isinstance(polarity.array, pd.arrays.ArrowStringArray):
        import pyarrow as pa
        if polarity_at is not None and type_at is not None and (polarity_at >= 0).all():
            codes, uniques, type_codes, type_uniques = polarity_at, ["", *POLARITIES], type_at, TIE_TYPES
        else:
            codes, uniques = _codes(polarity)  # few distinct values: pick by index
            type_codes, type_uniques = _codes(types)
        words = pa.array([default_polarity("trade"), default_polarity("sanctions")] + list(uniques),
                         type=pa.large_string())
        # the word for each (polarity, type) pair of codes, types shifted by one (-1: not found)
        table = np.array([[2 + i] * (len(type_uniques) + 1) if v else
                          [0] + [int(t in ADVERSARIAL_TYPES) for t in type_uniques]
                          for i, v in enumerate(uniques)], dtype=np.int32).reshape(-1)
        pair = codes.astype(np.int32) * np.int32(len(type_uniques) + 1) + type_codes.astype(np.int32)
        pair += np.int32(1)
        return pd.Series(_str_array(words.take(pa.array(table[pair]))), index=polarity.index)
    defaults = np.where(types.isin(ADVERSARIAL_TYPES), default_polarity("sanctions"),
                        default_polarity("trade"))
    return polarity.where(polarity != "", pd.Series(defaults, index=polarity.index))


def read_actors(path):
    """Read and check an actors CSV; returns ``(actors, rejected)``."""
    frame, rejected = _read_table(path, columns=ACTOR_COLUMNS, required=ACTOR_REQUIRED, what="actors")
    return check_actors(frame, path, rejected)


def check_actors(frame, path, rejected=()):
    """Check a table of actor strings (any format); returns ``(actors, rejected)``."""
    rejected = list(rejected)
    frame = _with_columns(frame, ACTOR_COLUMNS)
    chk = _Checker(frame, path)
    chk.required(ACTOR_REQUIRED)
    chk.xml_text()
    chk.unique_ids()
    frame["kind"] = _lower(frame["kind"])
    chk.vocabulary("kind", ACTOR_KINDS)
    rejected += chk.result()
    frame = frame.assign(file=str(path))
    return frame[~chk.bad].reset_index(drop=True), sorted(rejected, key=lambda r: r["line"])


def read_documents(path):
    """Read and check a documents CSV; returns ``(documents, rejected)``."""
    frame, rejected = _read_table(path, columns=DOCUMENT_COLUMNS, required=DOCUMENT_REQUIRED,
                                  what="documents")
    return check_documents(frame, path, rejected)


def check_documents(frame, path, rejected=()):
    """Check a table of document strings (any format); returns ``(documents, rejected)``."""
    rejected = list(rejected)
    frame = _with_columns(frame, DOCUMENT_COLUMNS)
    chk = _Checker(frame, path)
    chk.required(DOCUMENT_REQUIRED)
    chk.xml_text()
    chk.unique_ids("doc")
    rejected += chk.result()
    frame = frame.assign(file=str(path))
    return frame[~chk.bad].reset_index(drop=True), sorted(rejected, key=lambda r: r["line"])


# --------------------------------------------------------------------------- merging

def _merge_tables(frames, key):
    frames = [f for f in frames if len(f)]
    if not frames:
        return None
    merged = pd.concat(frames, ignore_index=True)
    return merged.drop_duplicates(key, keep="first").reset_index(drop=True)


def _empty(columns):
    return pd.DataFrame({c: pd.Series([], dtype=object) for c in columns})


def load_dataset(paths=None, *, progress=None, cache=True):
    """Load and merge datasets; the bundled one when ``paths`` is empty.

    Parameters
    ----------
    paths : list of str or Path, optional
        Directories (holding ``ties.csv`` and optionally ``actors.csv``,
        ``documents.csv``), single ties CSV files, or ``KIND:FILE`` for a
        public dataset in its publisher's format (``sipri:register.csv``;
        kinds in :data:`graph.importers.KINDS`).
    progress : callable, optional
        Called as ``progress(stage, done, total)`` at coarse steps (before each
        file is read, before the cross-file checks, once at the end); ``total``
        is None when unknown. Nothing is printed by the library itself.
    cache : bool, optional
        Read and keep ``KIND:FILE`` imports in the import cache (:mod:`graph.cache`).

    Returns
    -------
    Dataset
        ``ties`` of the rows that passed every check; ``rejected`` lists the rest.
        Where an actors table was given with a ties file, every actor the ties
        name must be in an actors table; otherwise unknown actors are inferred.
        The same holds for documents.

    Raises
    ------
    DatasetError
        If a file cannot be read as a table, or a tie id occurs in two files.

    Examples
    --------
    >>> ds = load_dataset()
    >>> ds.rejected, sorted(ds.ties.columns)[:3]
    ([], ['confidence', 'directed', 'doc'])
    >>> steps = []
    >>> _ = load_dataset(progress=lambda stage, done, total: steps.append((done, total)))
    >>> steps[0], steps[-1]
    ((0, 1), (1, 1))
    """
    def report(stage, done):
        if progress is not None:
            progress(stage, done, len(specs))

    specs = list(paths) if paths else [bundled_data_dir()]
    parts, actor_frames, doc_frames, rejected, notes = [], [], [], [], []
    loaded = set()
    for i, spec in enumerate(specs):
        report(f"loading {spec}", i)
        source = resolve_source(spec)
        ties_file = source.path / "ties.csv" if source.reader == "dir" else source.path
        if ties_file.resolve() in loaded:
            raise DatasetError(f"{ties_file}: the same ties file is given twice")
        loaded.add(ties_file.resolve())
        part = _read_part(source, progress=progress, cache=cache)
        rejected += part.rejected
        notes += part.notes
        if part.actors is not None:
            actor_frames.append(part.actors)
        if part.documents is not None:
            doc_frames.append(part.documents)
        parts.append((part.label, part.ties, part.actors is not None, part.documents is not None))

    if len(parts) > 1:  # ids unique across files (within a file, read_ties checks them)
        all_ids = pd.concat([ties["id"] for _, ties, _, _ in parts], ignore_index=True)
        owner = np.repeat(np.arange(len(parts)), [len(t) for _, t, _, _ in parts])
        first_owner = pd.DataFrame({"id": all_ids, "owner": owner}).drop_duplicates("id") \
            .set_index("id")["owner"]
        dup = all_ids.duplicated(keep="first").to_numpy() & \
            (owner != all_ids.map(first_owner).to_numpy())
        if dup.any():
            k = int(np.flatnonzero(dup)[0])
            tid, i = all_ids.iloc[k], int(owner[k])
            j = int(first_owner.loc[tid])
            line_i = parts[i][1]["line"].iloc[k - int(np.flatnonzero(owner == i)[0])]
            line_j = parts[j][1]["line"][parts[j][1]["id"] == tid].iloc[0]
            more = int(dup.sum()) - 1
            also = f" (and {more} more id{'s' if more != 1 else ''}: are the files overlapping copies?)" \
                if more else ""
            raise DatasetError(f"tie id {tid!r} is used in two files: {parts[j][0]}:{line_j} "
                               f"and {parts[i][0]}:{line_i}{also}; ids must be unique across merged datasets")

    report("checking actors and documents", len(specs))
    actors = _merge_tables(actor_frames, "id")
    documents = _merge_tables(doc_frames, "doc")
    known_actors = set(actors["id"]) if actors is not None else set()
    known_docs = set(documents["doc"]) if documents is not None else set()
    kept = []
    for ties_path, ties, checks_actors, checks_docs in parts:
        chk = _Checker(ties, ties_path)
        if checks_actors:
            for end in ("source", "target"):
                chk.flag(~ties[end].isin(known_actors), end, lambda v: _unknown("actor", v, known_actors))
        if checks_docs:
            chk.flag(~ties["doc"].isin(known_docs), "doc", lambda v: _unknown("document", v, known_docs))
        rejected += chk.result()
        kept.append(ties[~chk.bad])

    ties = pd.concat(kept, ignore_index=True) if kept else _empty(TIE_COLUMNS)
    used = set(ties["source"].unique()) | set(ties["target"].unique())  # no 2n-row concat
    inferred = sorted(used - known_actors)
    if inferred:
        extra = pd.DataFrame({"id": inferred, "name": inferred, "kind": "", "aliases": "", "group": "",
                              "line": 0, "file": ""})
        actors = extra if actors is None else pd.concat([actors, extra], ignore_index=True)
    if actors is None:
        actors = _empty(ACTOR_COLUMNS)
    if documents is None:
        documents = _empty(DOCUMENT_COLUMNS)
    rejected.sort(key=lambda r: (r["file"], r["line"]))
    report("loaded", len(specs))
    return Dataset(ties=ties, actors=actors.reset_index(drop=True), documents=documents,
                   rejected=rejected, sources=[str(s) for s in specs], notes=notes)


def _read_part(source, *, progress=None, cache=True):
    """Read one resolved source into a checked :class:`Part` (CSV here; others via graph.sources)."""
    if source.reader == "dir":
        ties_path = source.path / "ties.csv"
        actors_path, docs_path = (source.path / n for n in ("actors.csv", "documents.csv"))
        ties, rejected = read_ties(ties_path)
        actors = docs = None
        if actors_path.exists():  # a FIFO or a device there is refused, not skipped
            actors, rej = read_actors(actors_path)
            rejected += rej
        if docs_path.exists():
            docs, rej = read_documents(docs_path)
            rejected += rej
        return Part(label=str(ties_path), ties=ties, actors=actors, documents=docs,
                    rejected=rejected, checked=True)
    if source.reader == "csv":
        ties, rejected = read_ties(source.path)
        return Part(label=str(source.path), ties=ties, rejected=rejected, checked=True)
    part = read_source(source, progress=progress, cache=cache)
    if part.checked:
        # Parquet is checked by its reader with check_ties (XML text included); others are typed
        return part if source.reader == "parquet" else _xml_checked(part)
    return check_part(part)


def check_part(part, *, codes=None, first=None):
    """Check an unchecked :class:`Part` (tables of strings) into a checked one, as a ties CSV is checked.

    ``codes`` and ``first`` are passed to :func:`check_ties` (what the reader worked out already).
    """
    ties, rejected = check_ties(part.ties, part.label, part.rejected, codes=codes, first=first)
    actors = documents = None
    if part.actors is not None:
        actors, rej = check_actors(part.actors, part.actors.attrs.get("place", part.label))
        rejected += rej
    if part.documents is not None:
        documents, rej = check_documents(part.documents, part.documents.attrs.get("place", part.label))
        rejected += rej
    return Part(label=part.label, ties=ties, actors=actors, documents=documents, rejected=rejected,
                notes=part.notes, checked=True)


def _xml_checked(part):
    """A typed Part (an importer's, Parquet) with the rows holding text XML cannot carry set aside.

    The same rule as :meth:`_Checker.xml_text` for the string tables, so that no
    reader lets such text through to the outputs.
    """
    tables, rejected = {}, list(part.rejected)
    for name in ("ties", "actors", "documents"):
        frame = getattr(part, name)
        if frame is None or not len(frame) or "line" not in frame.columns:
            tables[name] = frame
            continue
        place = frame.attrs.get("place", part.label) if name != "ties" else part.label
        chk = _Checker(frame, place)
        chk.xml_text()
        if chk.bad.any():
            rejected += chk.result()
            frame = frame[~chk.bad].reset_index(drop=True)
        tables[name] = frame
    if len(rejected) == len(part.rejected):
        return part
    return Part(label=part.label, ties=tables["ties"], actors=tables["actors"],
                documents=tables["documents"], rejected=rejected, notes=part.notes, checked=True)


def _unknown(what, value, known):
    same = sorted(k for k in known if isinstance(k, str) and k.casefold() == str(value).casefold())
    close = same[:1] or difflib.get_close_matches(value, sorted(known), n=1)  # ids are case-sensitive
    hint = f"; did you mean {close[0]!r}?" if close else ""
    return f"unknown {what} {value!r} (not in {what}s.csv){hint}"
