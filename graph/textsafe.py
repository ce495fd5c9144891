"""Text from data is untrusted: the rules every output applies to it, in one place.

* **XML/SVG** cannot carry C0 control characters other than tab, line feed
  and carriage return (nor U+FFFE/U+FFFF or lone surrogates): such text is
  refused at load (``control character U+001B``), and writers check again
  with :func:`xml_illegal` for graphs built by hand.
* **CSV/XLSX** cells that a spreadsheet would run as a formula (starting with
  ``=``, ``+``, ``-``, ``@``, tab or carriage return) are neutralised with a
  leading apostrophe by :func:`neutralise_cell`; tiegraph's readers undo
  exactly that with :func:`restore_cell`, so a round trip is exact. Plain
  numbers (``-3.5``) are left alone.
* **Terminals** get control and bidirectional-override characters shown as
  escapes (``\\x1b``, ``\\u202e``) by :func:`terminal_safe`.
"""

import re

__all__ = ["XML_ILLEGAL_RE", "xml_illegal", "neutralise_cell", "restore_cell", "terminal_safe",
           "json_safe", "neutralise_frame", "describe_char", "FORMULA_START"]

#: Characters XML 1.0 cannot hold.
XML_ILLEGAL_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")

#: First characters that make a spreadsheet cell a formula.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

_NEUTRALISE_RE = re.compile("^'*[=+\\-@\t\r]")
_RESTORE_RE = re.compile("^'(?='*[=+\\-@\t\r])")
_NUMBER_RE = re.compile(r"^[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?$")

# C0, DEL, C1, and the bidirectional controls (embeddings, overrides, isolates, marks)
_TERMINAL_RE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e"
                          "\u2066-\u2069\u2028\u2029\ud800-\udfff]")


def xml_illegal(text):
    """Return the first character of ``text`` that XML 1.0 cannot carry, or ``None``.

    Examples
    --------
    >>> xml_illegal("tab\\tand newline\\n are fine"), xml_illegal("esc \\x1b[31m")
    (None, '\\x1b')
    """
    m = XML_ILLEGAL_RE.search(text)
    return m.group(0) if m else None


def neutralise_cell(text):
    """Return ``text`` as a spreadsheet cell that cannot run as a formula.

    Examples
    --------
    >>> [neutralise_cell(s) for s in ['=HYPERLINK("x")', "-3.5", "@SUM(A1)", "'=x", "plain"]]
    ['\\'=HYPERLINK("x")', '-3.5', "'@SUM(A1)", "''=x", 'plain']
    """
    if not text or not _NEUTRALISE_RE.match(text) or _NUMBER_RE.match(text):
        return text
    return "'" + text


def restore_cell(text):
    """Undo :func:`neutralise_cell` (exactly: ``restore_cell(neutralise_cell(s)) == s``).

    Examples
    --------
    >>> [restore_cell(s) for s in ["'=x", "''=x", "'plain", "-3.5"]]
    ['=x', "'=x", "'plain", '-3.5']
    """
    if not text or text[0] != "'":
        return text
    return _RESTORE_RE.sub("", text, count=1)


def terminal_safe(text):
    """Return ``text`` with control and bidi characters written as visible escapes.

    Examples
    --------
    >>> print(terminal_safe("Kim\\x1b[2J \\u202eevil"))
    Kim\\x1b[2J \\u202eevil
    """
    if not _TERMINAL_RE.search(text):
        return text

    def esc(m):
        c = ord(m.group(0))
        return f"\\x{c:02x}" if c < 0x100 else f"\\u{c:04x}"
    return _TERMINAL_RE.sub(esc, text)


def json_safe(text):
    """Return JSON text with the characters a terminal would act on written as ``\\uXXXX``.

    ``json.dumps(..., ensure_ascii=False)`` already escapes C0 controls; DEL, C1,
    bidi overrides and lone surrogates are left raw. They can only stand inside
    JSON strings, where ``\\uXXXX`` means the same character, so the JSON parses
    back to the same values.

    Examples
    --------
    >>> import json
    >>> text = json_safe(json.dumps({"name": "A\u202eB\x1b"}, ensure_ascii=False))
    >>> text, json.loads(text)["name"] == "A\u202eB\x1b"
    ('{"name": "A\\\\u202eB\\\\u001b"}', True)
    """
    if not _TERMINAL_RE.search(text):
        return text
    return _TERMINAL_RE.sub(lambda m: f"\\u{ord(m.group(0)):04x}", text)


def neutralise_frame(frame):
    """A copy of a DataFrame with every text cell passed through :func:`neutralise_cell`.

    Only columns holding text are touched, and only when some cell needs it.
    """
    out = frame.copy()
    for c in out.columns:
        col = out[c]
        if col.dtype.kind not in "OUT" and str(col.dtype) not in ("string", "str"):
            continue
        text = col.astype(str).where(col.notna(), "")
        needs = text.str.match(_NEUTRALISE_RE.pattern)
        if needs.any():
            out[c] = col.where(~needs, text.map(neutralise_cell))
    return out


def describe_char(char):
    """How a rejection names a character XML cannot carry.

    Examples
    --------
    >>> describe_char("\x1b"), describe_char("\ufffe")
    ('control character U+001B', 'non-character U+FFFE')
    """
    code = ord(char)
    if code < 0x20:
        return f"control character U+{code:04X}"
    if 0xD800 <= code <= 0xDFFF:
        return f"lone surrogate U+{code:04X}"
    return f"non-character U+{code:04X}"


def not_utf8_message(path, raw, start, *, row_ids=True):
    """The message for a CSV file that is not UTF-8 (``start``: UnicodeDecodeError.start of
    ``raw.decode("utf-8-sig")``): where (line, row id, column), which byte, what to do.

    The first bad byte is shown as the Windows-1252 (else Latin-1) character it
    most likely is. A file that is otherwise UTF-8 has one character to fix; a
    file wholly in a legacy encoding gets the iconv command that converts it.
    """
    at = start + (3 if raw.startswith(b"\xef\xbb\xbf") else 0)  # decode("utf-8-sig") counts after the BOM
    line = raw[:at].count(b"\n") + 1
    byte = raw[at:at + 1]
    try:
        char, name, iconv = byte.decode("cp1252"), "Windows-1252", "WINDOWS-1252"
    except UnicodeDecodeError:
        char, name, iconv = byte.decode("latin-1"), "Latin-1", "LATIN1"
    where = _where_byte(raw, at, line, row_ids)
    text = raw.decode("utf-8", errors="replace")
    if any(ord(c) > 127 and c not in "\ufffd\ufeff" for c in text):  # UTF-8 elsewhere: one place to fix
        return (f"{path}:{line}: the file is not UTF-8 text (byte 0x{byte[0]:02x}, {char!r} in {name}"
                f"{where}); the rest of it is: retype that character, or save the file as UTF-8 again")
    if iconv == "WINDOWS-1252":
        try:
            raw.decode("cp1252")
        except UnicodeDecodeError:
            name, iconv = "Latin-1", "LATIN1"
    from pathlib import Path
    stem = Path(path)
    return (f"{path}:{line}: the file is not UTF-8 text (byte 0x{byte[0]:02x}, {char!r} in {name}{where}); "
            f"tiegraph reads UTF-8: convert it with iconv -f {iconv} -t UTF-8 {path} > "
            f"{stem.stem}-utf8{stem.suffix}")


def _where_byte(raw, at, line, row_ids=True):
    """``'; row ID, column NAME'`` of the CSV cell holding byte ``at`` (``''`` when it cannot be told)."""
    import csv
    import io
    try:
        text = raw.decode("latin-1")  # one character per byte: offsets and CSV structure kept
        if text.startswith("\u00ef\u00bb\u00bf"):
            text = " " * 3 + text[3:]
        reader = csv.reader(io.StringIO(text, newline=""), strict=False)
        header = [h.strip() for h in next(reader)]
        while True:
            first = reader.line_num + 1
            rec = next(reader)
            if first <= line <= reader.line_num:
                break
        pos = 0
        for _ in range(first - 1):  # the offset of the record's first line
            pos = text.index("\n", pos) + 1
        col, quoted = 0, False
        for ch in text[pos:at]:
            if ch == '"':
                quoted = not quoted
            elif ch == "," and not quoted:
                col += 1
        if col >= len(header):
            return ""
        rid = rec[0].strip() if row_ids and rec and rec[0].strip() else ""
        return f"; row {rid}, column {header[col]}" if rid else f"; column {header[col]}"
    except (StopIteration, csv.Error, ValueError, IndexError):
        return ""


#: RE2 spelling of XML_ILLEGAL_RE (no surrogates: Arrow strings are valid UTF-8).
_XML_ILLEGAL_RE2 = r"[\x00-\x08\x0b\x0c\x0e-\x1f\x{FFFE}\x{FFFF}]"


def xml_illegal_mask(col):
    """NumPy mask of the values of a pandas column holding a character XML cannot carry; None if none does.

    One rule for the loader and the importers. Text is looked at byte-wise in
    Arrow first (no byte below 0x20 but tab, LF, CR, and no 0xEF lead byte:
    nothing to find); only then one Arrow regex pass. An object column is handed
    to Arrow first (a Python pass over a million values costs seconds); one that
    is not all text, value by value. Numbers, booleans and dates hold no text.
    """
    import numpy as np
    import pandas as pd
    import pyarrow as pa
    import pyarrow.compute as pac
    if isinstance(col.array, pd.arrays.ArrowStringArray):
        arr = pa.array(col.array)
    elif col.dtype.kind != "O" and str(col.dtype) not in ("string", "str"):
        return None
    else:
        try:
            arr = pa.array(col.to_numpy(dtype=object), type=pa.large_string(), from_pandas=True)
        except (pa.ArrowInvalid, pa.ArrowTypeError):  # not all text
            mask = col.map(lambda v: isinstance(v, str) and XML_ILLEGAL_RE.search(v) is not None) \
                .to_numpy(dtype=bool)
            return mask if mask.any() else None
    chunks = arr.chunks if isinstance(arr, pa.ChunkedArray) else [arr]
    suspect = False
    for chunk in chunks:
        data = chunk.buffers()[2]
        if data is None or len(chunk) == 0:
            continue
        # only the bytes of this chunk's values: the chunks of a column read from Parquet
        # are often slices of one shared buffer, which would otherwise be scanned once each
        width = np.int64 if pa.types.is_large_string(chunk.type) else np.int32
        offsets = np.frombuffer(chunk.buffers()[1], dtype=width)
        b = np.frombuffer(data, dtype=np.uint8)[offsets[chunk.offset]:offsets[chunk.offset + len(chunk)]]
        if len(b) == 0 or (b.min() >= 32 and b.max() < 0xEF):  # two fast reductions, no temporaries
            continue
        low = b < 32  # two plain passes (a tab or line break inside a value is fine)
        if low.any():
            found = b[low]
            if ((found != 9) & (found != 10) & (found != 13)).any():
                suspect = True
                break
        if (b == 0xEF).any():  # the lead byte of U+F000..U+FFFF (U+FFFE, U+FFFF among them)
            suspect = True
            break
    if not suspect:
        return None
    mask = np.asarray(pac.match_substring_regex(arr, _XML_ILLEGAL_RE2).fill_null(False)
                      .to_numpy(zero_copy_only=False), dtype=bool)
    return mask if mask.any() else None
