"""Read an article into plain text: .txt, .md, .html (trafilatura), .pdf (pypdf).

The text returned is the text ``extract`` quotes from: every quote is an exact substring of it.
For .txt and .md it is the file itself (line ends made ``\\n``); for HTML it is trafilatura's main
text (menus, scripts and boilerplate gone); for PDF it is pypdf's text with words hyphenated at a
line end joined again, lines repeated at the top or bottom of most pages (running headers,
footers, page numbers) dropped, and the lines of a paragraph joined with spaces.
"""

import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from graph.errors import DatasetError

__all__ = ["Document", "read_document", "repair_pdf_pages", "parse_date", "SUFFIXES"]

SUFFIXES = (".txt", ".md", ".html", ".htm", ".pdf")
_DATE = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")


@dataclass
class Document:
    path: str
    text: str
    date: str = ""      # from metadata, ISO at the precision known; "" if none
    title: str = ""
    author: str = ""
    publisher: str = ""


def parse_date(value):
    """An ISO date ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` from the start of ``value``, or ''.

    Examples
    --------
    >>> parse_date("2024-06-20T10:00:00"), parse_date("D:20240105120000"), parse_date("x")
    ('2024-06-20', '', '')
    """
    m = _DATE.match(str(value or "").strip())
    if not m:
        return ""
    y, mo, d = m.groups()
    import datetime
    try:
        datetime.date(int(y), int(mo or 1), int(d or 1))
    except ValueError:
        return ""
    return "-".join(p for p in (y, mo, d) if p)


def _pdf_date(value):
    m = re.match(r"D:(\d{4})(\d{2})?(\d{2})?", str(value or ""))
    if m:
        return parse_date("-".join(p for p in m.groups() if p))
    return parse_date(value)


def read_document(path):
    """Read ``path`` into a :class:`Document`; errors name the file."""
    p = Path(path)
    suffix = p.suffix.lower()
    if suffix not in SUFFIXES:
        raise DatasetError(f"{path}: cannot extract from a {suffix or 'suffix-less'} file "
                           f"(use {', '.join(SUFFIXES)})")
    try:
        raw = p.read_bytes()
    except IsADirectoryError:
        raise DatasetError(f"{path}: is a directory, not an article") from None
    except OSError as ex:
        raise DatasetError(f"{path}: cannot be read ({ex.strerror})") from None
    if suffix == ".pdf":
        return _read_pdf(path, raw)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as ex:
        raise DatasetError(f"{path}: is not UTF-8 text (byte {ex.start})") from None
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if suffix in (".html", ".htm"):
        return _read_html(path, text)
    if not text.strip():
        raise DatasetError(f"{path}: the file is empty")
    title = next((line.strip().lstrip("#").strip() for line in text.split("\n") if line.strip()), "")
    return Document(str(path), text, title=title[:300])


def _read_html(path, html):
    import logging
    logging.getLogger("trafilatura").setLevel(logging.CRITICAL)
    logging.getLogger("htmldate").setLevel(logging.CRITICAL)
    import trafilatura
    result = trafilatura.bare_extraction(html, with_metadata=True, include_comments=False,
                                         include_tables=False, deduplicate=False)
    text = getattr(result, "text", None) if result is not None else None
    if isinstance(result, dict):
        text = result.get("text")
    if not text or not text.strip():
        raise DatasetError(f"{path}: no article text found in the HTML")

    def meta(name):
        value = result.get(name) if isinstance(result, dict) else getattr(result, name, None)
        return str(value or "").strip()
    return Document(str(path), text.replace("\r\n", "\n"), date=parse_date(meta("date")),
                    title=meta("title"), author=meta("author"),
                    publisher=meta("sitename") or meta("hostname"))


def _read_pdf(path, raw):
    import io
    import logging
    logging.getLogger("pypdf").setLevel(logging.CRITICAL)
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError
    try:
        reader = PdfReader(io.BytesIO(raw))
        pages = [page.extract_text() or "" for page in reader.pages]
        info = reader.metadata or {}
    except (PdfReadError, ValueError, KeyError, TypeError) as ex:
        raise DatasetError(f"{path}: is not a readable PDF ({ex})") from None
    text = repair_pdf_pages(pages)
    if not text.strip():
        raise DatasetError(f"{path}: the PDF has no text layer (a scan?); extract needs text")
    title = str(info.get("/Title") or "").strip()
    if not title:
        title = next((ln for ln in text.split("\n") if ln.strip()), "")[:300]
    return Document(str(path), text, date=_pdf_date(info.get("/CreationDate")), title=title,
                    author=str(info.get("/Author") or "").strip())


def _shape(line):
    return re.sub(r"\d+", "#", line.strip().lower())


def repair_pdf_pages(pages):
    """Join the text of PDF pages into paragraphs.

    Lines that open or close most pages in the same shape (digits ignored: "Page 3 of 9")
    are running headers and footers and are dropped; a word split by a hyphen at a line end
    is joined; lines are joined with a space, and a blank line or a line ending a sentence
    followed by a short line keeps the paragraph break.

    Examples
    --------
    >>> pages = ["Heritage Report\\nRussia sup-\\nplied shells to\\nNorth Korea.\\n\\nPage 1",
    ...          "Heritage Report\\nChina held drills.\\nPage 2"]
    >>> print(repair_pdf_pages(pages), end="")
    Russia supplied shells to North Korea.
    China held drills.
    """
    split = [[ln.rstrip() for ln in (p or "").replace("\r", "").split("\n")] for p in pages]
    repeated = set()
    if len(split) >= 2:
        for edge in (slice(0, 2), slice(-2, None)):
            counts = Counter()
            for lines in split:
                nonblank = [ln for ln in lines if ln.strip()]
                counts.update({_shape(ln) for ln in nonblank[edge]})
            repeated |= {s for s, n in counts.items() if n >= max(2, (len(split) + 1) // 2)}
    paragraphs, current = [], ""
    for lines in split:
        nonblank = [ln for ln in lines if ln.strip()]
        edges = set(nonblank[:2] + nonblank[-2:])
        for ln in lines:
            if ln in edges and _shape(ln) in repeated:
                continue
            s = ln.strip()
            if not s:
                if current:
                    paragraphs.append(current)
                    current = ""
                continue
            if not current:
                current = s
            elif re.search(r"[A-Za-z]-$", current) and s[:1].islower():
                current = current[:-1] + s
            else:
                current += " " + s
        # a page break ends a paragraph only when the last line ends a sentence
        if current and current.rstrip()[-1:] in ".!?:”\"":
            paragraphs.append(current)
            current = ""
    if current:
        paragraphs.append(current)
    return "\n".join(paragraphs) + "\n"
