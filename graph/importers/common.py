"""What every importer shares: country names and codes, one source reader, rejections, tie assembly."""

import functools
import logging
import os
import re
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

from ..dataset import Dataset
from ..errors import DatasetError
from ..schema import ACTOR_COLUMNS, DOCUMENT_COLUMNS, TIE_COLUMNS, default_polarity

# --------------------------------------------------------------------------- countries

class _Countries:
    """Name → ISO3 through country_converter and pycountry (built once, lazily)."""

    def __init__(self):
        import country_converter as coco
        import pycountry
        logging.getLogger("country_converter").setLevel(logging.CRITICAL)
        table = os.path.join(os.path.dirname(coco.__file__), "country_data.tsv")
        # country_converter 1.3 reads its own table so that, under pandas 3, Namibia's
        # ISO2 "NA" and the empty ISO2 of obsolete entries become NaN and its regex
        # compilation fails; read the same table as plain strings and hand it over.
        data = pd.read_csv(table, sep="\t", encoding="utf-8", dtype=str,
                           keep_default_na=False, na_values=[""])
        data["ISO2"] = data["ISO2"].fillna("(?!)")  # a pattern that never matches
        self.coco = coco.CountryConverter(country_data=data, include_obsolete=True)
        self.short = dict(zip(data["ISO3"], data["name_short"]))
        self.gw = {int(g): iso for g, iso in zip(data["GWcode"], data["ISO3"])
                   if isinstance(g, str) and g.isdigit() and isinstance(iso, str)}
        # ISO 3166-3 names ("Czechoslovakia, Czechoslovak Socialist Republic"): match the
        # full name, or the part before the comma unless that is a current country's name
        # ("France, Metropolitan" must not capture "France", nor the PDR Yemen "Yemen").
        self.historic = {}
        for c in pycountry.historic_countries:
            year = int(str(getattr(c, "withdrawal_date", "9999"))[:4])
            head = c.name.split(",")[0].strip()
            self.historic[c.name.lower()] = (c.alpha_3, head, year)
            try:
                pycountry.countries.lookup(head)
            except LookupError:
                self.historic.setdefault(head.lower(), (c.alpha_3, head, year))
        self.pycountry = pycountry

    @functools.lru_cache(maxsize=None)
    def iso3(self, name, year=None):
        """ISO3 for a country name, or None; ``year`` gates ISO 3166-3 codes."""
        name = name.strip()
        if not name:
            return None
        hist = self.historic.get(name.lower())
        if hist and (year is None or year < hist[2]):
            return hist[0]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            found = self.coco.convert(name, src="regex", to="ISO3", not_found=None)
        if isinstance(found, str) and re.fullmatch(r"[A-Z]{3}", found) and found != name:
            return found
        if isinstance(found, str) and found == name and name.upper() == name and len(name) == 3:
            return name if self.code_name(name) else None
        return None

    @functools.lru_cache(maxsize=None)
    def code_name(self, code):
        """Display name for an ISO3 code (current or historic), or None if not a code."""
        if code in self.short and isinstance(self.short[code], str):
            return self.short[code]
        c = self.pycountry.countries.get(alpha_3=code)
        if c is not None:
            return getattr(c, "common_name", None) or c.name
        for key, (alpha3, head, _) in self.historic.items():
            if alpha3 == code:
                return head
        return None


@functools.lru_cache(maxsize=1)
def _countries():
    try:
        return _Countries()
    except ImportError as ex:  # pragma: no cover - both are dependencies
        raise DatasetError(f"importing public datasets needs the {ex.name!r} package; "
                           "install it with: pip install country_converter pycountry") from None


def country_iso3(name, *, year=None):
    """Return the ISO 3166 alpha-3 code for a country name, or ``None``.

    ``year`` lets names of dissolved states resolve to their ISO 3166-3 code
    only while that code was in use.

    Examples
    --------
    >>> [country_iso3(n) for n in ["North Korea", "DR Congo", "UAE", "Turkiye", "Atlantis"]]
    ['PRK', 'COD', 'ARE', 'TUR', None]
    >>> country_iso3("Czechoslovakia", year=1980), country_iso3("German Democratic Republic")
    ('CSK', 'DDR')
    """
    return _countries().iso3(str(name), year)


# --------------------------------------------------------------------------- helpers

def _read_source(path, required, what):
    """Read a source CSV as strings; returns (frame, line numbers)."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except IsADirectoryError:
        raise DatasetError(f"{path}: is a directory; give the {what} CSV file") from None
    except OSError as ex:
        raise DatasetError(f"{path}: cannot be read ({ex.strerror})") from None
    if not raw.strip():
        raise DatasetError(f"{path}: the file is empty; {_a(what)} CSV is expected")
    if b"\x00" in raw[:65536]:
        raise DatasetError(f"{path}: this is a binary file, not {_a(what)} CSV")
    try:
        raw.decode("utf-8-sig")
    except UnicodeDecodeError as ex:
        from ..textsafe import not_utf8_message
        raise DatasetError(not_utf8_message(path, raw, ex.start, row_ids=False)) from None  # no id column first
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except (pd.errors.ParserError, pd.errors.EmptyDataError, ValueError) as ex:
        raise DatasetError(f"{path}: not readable as {_a(what)} CSV ({str(ex).splitlines()[0]})") from None
    frame.columns = [c.strip() for c in frame.columns]
    missing = [c for c in required if c not in frame.columns]
    if missing:
        raise DatasetError(f"{path}: this does not look like {_a(what)} file: missing column(s) "
                           f"{', '.join(missing)}")
    n_lines = raw.count(b"\n") + (0 if raw.endswith(b"\n") else 1)
    if n_lines == len(frame) + 1:
        lines = np.arange(2, len(frame) + 2, dtype="int64")
    else:  # quoted newlines or blank lines: count records the slow, exact way
        import csv
        import io
        lines, reader = [], csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline=""))
        next(reader, None)
        start = reader.line_num + 1
        for rec in reader:
            if rec and any(f.strip() for f in rec):
                lines.append(start)
            start = reader.line_num + 1
        lines = np.asarray(lines[:len(frame)], dtype="int64")
    return frame.apply(lambda s: s.str.strip()), lines


def _rejections(path, lines, ids, fields, reasons, mask):
    mask = np.asarray(mask, dtype=bool)
    if not mask.any():
        return []
    idx = np.flatnonzero(mask)
    ids = np.asarray(ids, dtype=object)[idx]
    lines = np.asarray(lines)[idx]
    fields = np.broadcast_to(np.asarray(fields, dtype=object), mask.shape)[idx]
    reasons = np.broadcast_to(np.asarray(reasons, dtype=object), mask.shape)[idx]
    p = str(path)
    return [{"file": p, "line": int(ln), "id": i, "field": f, "reason": r}
            for ln, i, f, r in zip(lines, ids, fields, reasons)]


def _event_ends(src_names, dst_names, resolve):
    """The iso3 of each event's two ends (``""`` when none), resolving each distinct name once."""
    cache = {}

    def one(v):
        if v not in cache:
            cache[v] = resolve(v) if v else None
        return cache[v]
    return (np.array([one(v) or "" for v in src_names], dtype=object),
            np.array([one(v) or "" for v in dst_names], dtype=object))


def _event_countries(path, lines, ids, frame, sides, same_field):
    """Reject events whose two ends are not two different countries; ``(rejected, bad mask)``.

    ``sides``: ``(column, resolved iso3 array, reason when empty, reason when not a
    country)`` per end, the reasons per row. A row is reported once, with its first fault.
    """
    rejected, bad = [], np.zeros(len(frame), dtype=bool)
    for col, iso, if_empty, if_unknown in sides:
        empty = (frame[col] == "").to_numpy() & ~bad
        rejected += _rejections(path, lines, ids, col, if_empty, empty)
        bad |= empty
        unknown = (iso == "") & ~bad
        rejected += _rejections(path, lines, ids, col, if_unknown, unknown)
        bad |= unknown
    same = (sides[0][1] == sides[1][1]) & ~bad
    rejected += _rejections(path, lines, ids, same_field, "same country on both sides (a domestic event)", same)
    return rejected, bad | same


def _unique(ids):
    s = pd.Series(ids, dtype=object)
    n = s.groupby(s).cumcount()
    return s.where(n == 0, s + "~" + (n + 1).astype(str)).to_numpy(dtype=object)


def _dates(start, precision):
    """First and last day of ISO dates that all have the same ``precision``."""
    start = pd.Series(start, dtype=object)
    if precision == "year":
        first = pd.to_datetime(start, format="%Y", errors="coerce")
        return first, first + pd.offsets.YearEnd(0)
    first = pd.to_datetime(start, format="%Y-%m-%d", errors="coerce")
    return first, first


def _ties(cols, *, path, precision):
    """Assemble the parsed ties frame read_ties would give for these rows."""
    n = len(cols["id"])
    frame = pd.DataFrame({c: cols.get(c, "") for c in TIE_COLUMNS}, index=range(n))
    for c in TIE_COLUMNS:
        if c not in ("directed", "weight", "value"):
            frame[c] = np.asarray(frame[c], dtype=object)
    frame["directed"] = frame["directed"].astype(bool)
    frame["weight"] = frame["weight"].astype("float64")
    frame["value"] = pd.to_numeric(frame["value"], errors="coerce").astype("float64")
    frame["end"] = ""
    if not (frame["polarity"] != "").all():
        frame["polarity"] = frame["polarity"].where(frame["polarity"] != "",
                                                    frame["type"].map(default_polarity))
    first, last = _dates(frame["start"], precision)
    frame["line"] = np.asarray(cols["line"], dtype="int64")
    frame["start_date"] = first.to_numpy()
    frame["end_date"] = last.to_numpy()
    frame["file"] = str(path)
    return frame


def _actors(ids, names, kinds, aliases, path):
    """One actor row per id: ISO3 ids get the library's name; labels become aliases."""
    cc = _countries()
    df = pd.DataFrame({"id": ids, "label": names, "kind": kinds}).drop_duplicates()
    df = df[df["id"] != ""]
    rows = []
    for aid, group in df.groupby("id", sort=True):
        labels = sorted(set(group["label"]) - {""})
        kind = group["kind"].iloc[0]
        name = (cc.code_name(aid) if kind == "state" else None) or (labels[0] if labels else aid)
        extra = sorted((set(labels) | set(aliases.get(aid, ()))) - {name})
        rows.append({"id": aid, "name": name, "kind": kind, "aliases": ";".join(extra),
                     "group": "", "line": 0, "file": str(path)})
    return pd.DataFrame(rows, columns=list(ACTOR_COLUMNS) + ["line", "file"])


def _documents(doc, title, publisher, path, date="", author=""):
    return pd.DataFrame([{"doc": doc, "title": title, "publisher": publisher, "date": date,
                          "author": author, "line": 0, "file": str(path)}],
                        columns=list(DOCUMENT_COLUMNS) + ["line", "file"])


def _dataset(ties, actors, documents, rejected, path, notes):
    rejected.sort(key=lambda r: r["line"])
    return Dataset(ties=ties.reset_index(drop=True), actors=actors.reset_index(drop=True),
                   documents=documents, rejected=rejected, sources=[str(path)], notes=notes)


def _num(s):
    """Text → float64 (empty or bad text → NaN); the fast cast first, then the careful one."""
    s = pd.Series(s)
    try:
        return s.replace("", None).astype("float64")
    except (ValueError, TypeError):
        return pd.to_numeric(s.replace("", None), errors="coerce").astype("float64")


def _fmt(x):
    """A float as the shortest plain number text (1.0 → '1', 237.5 → '237.5')."""
    return pd.Series(x).map(lambda v: "" if pd.isna(v) else f"{v:.10g}")


def _a(what):
    """``what`` with its indefinite article ('an ATOP dyad-year', 'a SIPRI trade register')."""
    return ("an " if what[:1].upper() in "AEIOU" else "a ") + what
