"""Map public datasets (SIPRI, ATOP, COW trade, ICEWS, GDELT) onto the tie schema.

Each importer reads one file in its publisher's own layout and returns a
:class:`~graph.load.Dataset` whose ``ties`` have exactly the columns
:func:`~graph.load.read_ties` produces, so imported ties merge with curated
ones (``--data data --data sipri:FILE``). Actors get ISO 3166 alpha-3 ids:

* country **names** go through the ``country_converter`` library (its regular
  expressions know ``DR Congo``, ``UAE``, ``Turkiye``, ``Cote d'Ivoire`` ...),
  and names of dissolved states through ``pycountry``'s ISO 3166-3 list
  (``Czechoslovakia`` → ``CSK``, ``German Democratic Republic`` → ``DDR``,
  ``Yugoslavia`` → ``YUG``, ``USSR`` → ``SUN``), valid up to the year ISO
  withdrew the code;
* **COW codes** go through COW's own state list (a verbatim copy ships in
  ``data/external_codes/``), then by name as above, then through the
  Gleditsch-Ward column of ``country_converter`` (GW and COW share most
  numbers; this is how ``260`` German Federal Republic becomes ``DEU``);
* **CAMEO country codes** (GDELT) are ISO alpha-3 codes checked with ``pycountry``.

No name table is written by hand. A row that cannot be mapped goes to
``rejected`` with the file, line, column and reason; rows that are absent ties
by the source's own definition (a trade flow of 0) are counted in ``notes``.
Tie ids are ``<kind>:<row key>`` and stable for the same file.
"""

import functools
import logging
import os
import re
import sys
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

from .dataset import Dataset
from .errors import DatasetError
from .schema import ACTOR_COLUMNS, DOCUMENT_COLUMNS, TIE_COLUMNS, default_polarity

__all__ = ["KINDS", "import_dataset", "import_sipri", "import_atop", "import_cow_trade",
           "import_icews", "import_gdelt", "country_iso3", "cow_code_table",
           "icews_tie_type", "gdelt_tie_type", "tie_table"]


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


# --------------------------------------------------------------------------- COW codes

def _shipped_cow_table():
    candidates = [Path(__file__).resolve().parent.parent / "data" / "external_codes",
                  Path(sys.prefix) / "share" / "tiegraph" / "data" / "external_codes"]
    for folder in candidates:
        if (folder / "cow_states2016.csv").is_file():
            return folder / "cow_states2016.csv"
    raise DatasetError("the COW state list (cow_states2016.csv) was not found in "
                       + ", ".join(str(c) for c in candidates) + "; pass it with --cow-codes FILE")


def cow_code_table(path=None):
    """Map COW state codes to ISO3, from COW's own state list.

    Returns a DataFrame with one row per COW code: ``ccode``, ``stateabb``,
    ``statenme``, ``iso3`` (current code or empty), ``historic`` (ISO 3166-3
    code or empty), ``until`` (first year the historic code no longer applies),
    ``first``/``last`` (membership years) and ``problem`` (why a code cannot be
    mapped, or empty).

    Examples
    --------
    >>> t = cow_code_table().set_index("ccode")
    >>> t.loc[[2, 365, 731, 732, 260], "iso3"].tolist()
    ['USA', 'RUS', 'PRK', 'KOR', 'DEU']
    >>> t.loc[315, "historic"], t.loc[265, "historic"]
    ('CSK', 'DDR')
    """
    path = Path(path) if path else _shipped_cow_table()
    try:
        raw = pd.read_csv(path, dtype=str, keep_default_na=False)
    except (OSError, UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError) as ex:
        raise DatasetError(f"{path}: cannot be read as the COW state list ({ex})") from None
    need = ["stateabb", "ccode", "statenme", "styear", "endyear"]
    missing = [c for c in need if c not in raw.columns]
    if missing:
        raise DatasetError(f"{path}: not a COW state list: missing column(s) {', '.join(missing)}")
    raw["ccode"] = pd.to_numeric(raw["ccode"], errors="coerce")
    raw = raw.dropna(subset=["ccode"])
    raw["ccode"] = raw["ccode"].astype(int)
    for part in ("st", "end"):
        ymd = [pd.to_numeric(raw.get(part + u, 1), errors="coerce") for u in ("year", "month", "day")]
        raw[part] = ymd[0] * 10000 + ymd[1].fillna(1) * 100 + ymd[2].fillna(1)
    spans = {int(c): list(zip(g["st"], g["end"])) for c, g in raw.groupby("ccode")}
    states = raw.drop_duplicates("ccode").set_index("ccode")[["stateabb", "statenme"]]
    cc = _countries()
    rows = []
    for code, st in states.iterrows():
        name = st["statenme"].strip()
        hist = cc.historic.get(name.lower())
        historic, until = (hist[0], hist[2]) if hist else ("", 0)
        current = cc.iso3(name, 9999) or ""
        by_name = bool(current)
        if not current:  # GW and COW share most numbers: 260 German Federal Republic → DEU
            current = cc.gw.get(int(code), "")
        rows.append({"ccode": int(code), "stateabb": st["stateabb"], "statenme": name,
                     "iso3": current, "historic": historic, "until": until,
                     "first": int(min(s for s, _ in spans[code]) // 10000),
                     "last": int(max(e for _, e in spans[code]) // 10000),
                     "by_name": by_name, "problem": ""})
    table = pd.DataFrame(rows)
    # Two COW codes must not become one actor at the same time (North and South
    # Yemen both match "yemen"): the code matched by name keeps the ISO code (rather
    # than one matched by its GW number), else the lower code; the other is rejected.
    for iso, group in table[table["iso3"] != ""].groupby("iso3"):
        for i in group.index:
            for j in group.index:
                a, b = table.loc[i], table.loc[j]
                if i == j or not any(s1 <= e2 and s2 <= e1 for s1, e1 in spans[a["ccode"]]
                                     for s2, e2 in spans[b["ccode"]]):
                    continue
                if (b["by_name"], -b["ccode"]) > (a["by_name"], -a["ccode"]):
                    table.loc[i, "problem"] = (
                        f"COW {a['ccode']} {a['statenme']!r} would map to {iso} like COW "
                        f"{b['ccode']} {b['statenme']!r} at the same time; left out rather than merged")
    nothing = (table["iso3"] == "") & (table["historic"] == "")
    table.loc[nothing, "problem"] = [
        f"COW {c} {n!r} has no ISO 3166 code (no match in country_converter or pycountry)"
        for c, n in zip(table.loc[nothing, "ccode"], table.loc[nothing, "statenme"])]
    return table.drop(columns="by_name")


def _map_cow(codes, years, table):
    """COW code + year → (iso3 array, problem array), computed once per distinct pair."""
    rows = {int(r["ccode"]): r for r in table.to_dict("records")}
    c_all, y_all = _num(codes).to_numpy(), _num(years).to_numpy()
    key, uniq = pd.factorize(np.where(np.isnan(c_all) | np.isnan(y_all), -1.0, c_all * 10000 + y_all))
    iso, prob = [], []
    for k in uniq:
        c, y = divmod(int(k), 10000) if k >= 0 else (None, None)
        row = rows.get(c)
        if c is None:
            iso.append(""), prob.append("not a COW code and year")
        elif row is None:
            iso.append(""), prob.append(f"COW code {c} is not in the COW state list")
        elif row["problem"]:
            iso.append(""), prob.append(row["problem"])
        elif row["historic"] and y < row["until"]:
            iso.append(row["historic"]), prob.append("")
        elif row["iso3"]:
            iso.append(row["iso3"]), prob.append("")
        else:
            iso.append(""), prob.append(f"COW {c} {row['statenme']!r} has no ISO 3166 code in {y} "
                                         "(its ISO 3166-3 code had been withdrawn)")
    return (np.asarray(iso, dtype=object)[key], np.asarray(prob, dtype=object)[key])


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
        raise DatasetError(f"{path}: the file is empty; a {what} CSV is expected")
    if b"\x00" in raw[:65536]:
        raise DatasetError(f"{path}: this is a binary file, not a {what} CSV")
    try:
        raw.decode("utf-8-sig")
    except UnicodeDecodeError as ex:
        line = raw[:ex.start].count(b"\n") + 1
        raise DatasetError(f"{path}:{line}: the file is not UTF-8 text; save it as UTF-8") from None
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except (pd.errors.ParserError, pd.errors.EmptyDataError, ValueError) as ex:
        raise DatasetError(f"{path}: not readable as a {what} CSV ({str(ex).splitlines()[0]})") from None
    frame.columns = [c.strip() for c in frame.columns]
    missing = [c for c in required if c not in frame.columns]
    if missing:
        raise DatasetError(f"{path}: this does not look like a {what} file: missing column(s) "
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


# --------------------------------------------------------------------------- SIPRI

SIPRI_COLUMNS = ("SIPRI AT Database ID", "Supplier", "Recipient", "Designation", "Description",
                 "Armament category", "Numbers delivered", "Delivery year", "Status",
                 "TIV delivery values")


def _snake(name):
    return re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")


def _sipri_actor(label):
    """(id, kind, problem) for a SIPRI supplier/recipient label."""
    clean = label.rstrip("*").strip()
    if not clean:
        return "", "", "is empty"
    if clean.lower().startswith("unknown"):
        return "", "", f"{label!r} is SIPRI's label for an unidentified party; there is no actor to link"
    if label.endswith("**"):  # SIPRI marks international organisations with **
        return _snake(clean), "organization", ""
    if label.endswith("*"):  # ... and non-state actors with *
        return _snake(clean), "armed_group", ""
    iso = country_iso3(clean)
    if iso:
        return iso, "state", ""
    return "", "", f"{label!r} is not a country name known to country_converter/pycountry"


def import_sipri(path):
    """Import a SIPRI Arms Transfers Database trade register (one row per deal and delivery year).

    Ties are ``arms_transfer``, directed supplier → recipient, dated by the
    delivery year, with ``value`` = ``weight`` = the TIV delivered that year
    (millions of SIPRI trend-indicator value; SIPRI's ``0`` means under 0.5, so
    it becomes 0.25), ``confidence`` confirmed, ``doc`` the file name and
    ``quote`` the SIPRI deal id, year and what was delivered. Ids are
    ``sipri:<deal id>:<delivery year>``. Non-state actors (SIPRI's ``*``) and
    organisations (``**``) get snake_case ids; "unknown supplier(s)" rows are rejected.

    Raises
    ------
    DatasetError
        If the file cannot be read or lacks SIPRI's columns.
    """
    frame, lines = _read_source(path, SIPRI_COLUMNS, "SIPRI trade register")
    ids = _unique(("sipri:" + frame["SIPRI AT Database ID"] + ":" + frame["Delivery year"]).to_numpy())
    labels = pd.unique(pd.concat([frame["Supplier"], frame["Recipient"]]))
    resolved = {lab: _sipri_actor(lab) for lab in labels}
    rejected, bad = [], np.zeros(len(frame), dtype=bool)
    ends = {}
    for col in ("Supplier", "Recipient"):
        info = frame[col].map(resolved)
        ends[col] = info.map(lambda t: t[0]).to_numpy(dtype=object)
        problem = info.map(lambda t: t[2]).to_numpy(dtype=object)
        mask = (problem != "") & ~bad
        rejected += _rejections(path, lines, ids, col, problem, mask)
        bad |= problem != ""
        ends[col + "_kind"] = info.map(lambda t: t[1]).to_numpy(dtype=object)
    same = (ends["Supplier"] == ends["Recipient"]) & ~bad
    rejected += _rejections(path, lines, ids, "Recipient",
                            "same actor as the supplier (internal transfer)", same)
    bad |= same
    year = frame["Delivery year"]
    bad_year = ~year.str.fullmatch(r"\d{4}") & ~bad
    rejected += _rejections(path, lines, ids, "Delivery year",
                            "'" + year + "' is not a year", bad_year)
    bad |= bad_year
    tiv = _num(frame["TIV delivery values"])
    bad_tiv = (tiv.isna() | (tiv < 0)).to_numpy() & ~bad
    rejected += _rejections(path, lines, ids, "TIV delivery values",
                            "no TIV delivered ('" + frame["TIV delivery values"] + "')", bad_tiv)
    bad |= bad_tiv
    keep = ~bad
    f = frame[keep]
    tiv_k = tiv[keep]
    n = f["Numbers delivered"].where(f["Numbers delivered"] != "", "?")
    quote = ("SIPRI AT Database ID " + f["SIPRI AT Database ID"] + ", delivered " + f["Delivery year"]
             + ": " + n + " " + f["Designation"] + " (" + f["Description"] + ", "
             + f["Armament category"] + ", " + f["Status"].str.lower() + ") from " + f["Supplier"]
             + " to " + f["Recipient"] + "; TIV " + f["TIV delivery values"] + " million")
    est = [c for c in ("Numbers delivered is estimate", "Delivery year is estimate") if c in f.columns]
    note = pd.Series("", index=f.index)
    for c in est:
        note = note.where(f[c] != "Yes", note + ("; " if True else "") + c.lower().replace(" is ", " "))
    note = note.str.lstrip("; ").where(note == "", "SIPRI estimate: " + note.str.lstrip("; "))
    if "Local production" in f.columns:
        note = note.where(f["Local production"] != "Yes",
                          (note + "; ").str.lstrip("; ") + "produced under licence in the recipient country")
    doc = Path(path).name
    ties = _ties({"id": ids[keep], "source": ends["Supplier"][keep], "target": ends["Recipient"][keep],
                  "type": "arms_transfer", "start": f["Delivery year"].to_numpy(), "directed": True,
                  "weight": tiv_k.where(tiv_k > 0, 0.25).to_numpy(), "value": tiv_k.to_numpy(),
                  "unit": "TIV (millions)", "confidence": "confirmed", "doc": doc,
                  "quote": quote.to_numpy(), "note": note.to_numpy(), "line": lines[keep]},
                 path=path, precision="year")
    actors = _actors(np.concatenate([ends["Supplier"], ends["Recipient"]]),
                     np.concatenate([frame["Supplier"].str.rstrip("*").to_numpy(),
                                     frame["Recipient"].str.rstrip("*").to_numpy()]),
                     np.concatenate([ends["Supplier_kind"], ends["Recipient_kind"]]), {}, path)
    actors = actors[actors["id"].isin(set(ties["source"]) | set(ties["target"]))]
    docs = _documents(doc, "SIPRI Arms Transfers Database: trade register (deliveries)",
                      "Stockholm International Peace Research Institute (SIPRI)", path)
    notes = [f"{len(ties)} arms transfers from {len(frame)} SIPRI rows; "
             f"{int((tiv_k == 0).sum())} deliveries under 0.5 million TIV (SIPRI's 0) weighted 0.25"]
    return _dataset(ties, actors, docs, rejected, path, notes)


# --------------------------------------------------------------------------- COW-coded

def _cow_ends(frame, lines, ids, path, table):
    """Map ccode1/ccode2 per year; returns (src, dst, bad, rejected)."""
    rejected, bad = [], np.zeros(len(frame), dtype=bool)
    out = {}
    bad_year = ~frame["year"].str.fullmatch(r"\d{4}").to_numpy()
    rejected += _rejections(path, lines, ids, "year", "'" + frame["year"] + "' is not a year", bad_year)
    bad |= bad_year
    for col in ("ccode1", "ccode2"):
        iso, prob = _map_cow(frame[col], frame["year"], table)
        mask = (prob != "") & ~bad
        rejected += _rejections(path, lines, ids, col, prob, mask)
        bad |= prob != ""
        out[col] = iso
    return out["ccode1"], out["ccode2"], bad, rejected


def _cow_actors(codes, iso, path, table):
    t = table.set_index("ccode")
    pairs = pd.DataFrame({"c": _num(codes), "i": iso}).dropna().drop_duplicates()
    aliases = {}
    for code, i in zip(pairs["c"].astype(int), pairs["i"]):
        if i and code in t.index:
            aliases.setdefault(i, set()).update({t.loc[code, "statenme"], f"COW {code}"})
    uniq = pd.unique(np.asarray(iso, dtype=object))
    return _actors(uniq, [""] * len(uniq), ["state"] * len(uniq), aliases, path)


ATOP_FLAGS = ("atop_defense", "atop_offense", "atop_neutral", "atop_nonagg", "atop_consul")


def import_atop(path, *, cow_codes=None):
    """Import ATOP alliance obligations, directed dyad-year form (``ccode1, ccode2, year, atop_*``).

    Each dyad-year becomes one ``security_commitment`` tie dated by the year.
    ATOP lists every dyad-year both ways; where both directions carry the same
    obligations they make one undirected tie (``atop:<low>-<high>:<year>``),
    otherwise each direction is its own directed tie (``atop:<a>><b>:<year>``).
    ``value`` is the number of obligation types (defence, offence,
    neutrality, non-aggression, consultation), named in ``note``; ``weight`` is
    that number, or 0.5 for an alliance ATOP records with none of the five.

    Raises
    ------
    DatasetError
        If the file cannot be read or lacks ATOP's columns.
    """
    frame, lines = _read_source(path, ("ccode1", "ccode2", "year") + ATOP_FLAGS, "ATOP dyad-year")
    table = cow_code_table(cow_codes)
    flags = np.stack([(frame[c] == "1").to_numpy() for c in ATOP_FLAGS], axis=1)
    key = frame["ccode1"] + "|" + frame["ccode2"] + "|" + frame["year"]
    mirror = frame["ccode2"] + "|" + frame["ccode1"] + "|" + frame["year"]
    code = pd.Series(flags.astype(int).dot(1 << np.arange(5)), index=frame.index)
    by_key = pd.Series(code.to_numpy(), index=key.to_numpy())
    by_key = by_key[~by_key.index.duplicated()]
    mirrored = mirror.map(by_key)
    symmetric = (mirrored == code).to_numpy()
    c1, c2 = pd.to_numeric(frame["ccode1"], errors="coerce"), pd.to_numeric(frame["ccode2"], errors="coerce")
    low_first = (c1 < c2).to_numpy()
    twin = symmetric & ~low_first  # the mirror row of an undirected tie already kept
    ids = np.where(symmetric, "atop:" + np.where(low_first, frame["ccode1"] + "-" + frame["ccode2"],
                                                 frame["ccode2"] + "-" + frame["ccode1"]) + ":" + frame["year"],
                   "atop:" + frame["ccode1"] + ">" + frame["ccode2"] + ":" + frame["year"])
    src, dst, bad, rejected = _cow_ends(frame, lines, ids, path, table)
    # a rejected undirected tie is reported once, on its first row
    rejected = [r for r, t in zip(rejected, twin[np.searchsorted(lines, [r["line"] for r in rejected])])
                if not t] if rejected else []
    keep = ~bad & ~twin
    f = frame[keep]
    n_obl = flags[keep].sum(axis=1).astype(float)
    names = np.array([c.replace("atop_", "") for c in ATOP_FLAGS], dtype=object)
    kinds = ["; ".join(names[row]) for row in flags[keep]]
    note = pd.Series(kinds, index=f.index).map(lambda k: f"obligations: {k}" if k else
                                               "ATOP records an alliance with none of the five obligation types")
    quote = ("ATOP 5.1 directed dyad-year ccode1=" + f["ccode1"] + " ccode2=" + f["ccode2"]
             + " year=" + f["year"] + ": defense=" + f["atop_defense"] + " offense=" + f["atop_offense"]
             + " neutral=" + f["atop_neutral"] + " nonagg=" + f["atop_nonagg"] + " consul=" + f["atop_consul"])
    doc = Path(path).name
    ties = _ties({"id": ids[keep], "source": src[keep], "target": dst[keep],
                  "type": "security_commitment", "start": f["year"].to_numpy(),
                  "directed": ~symmetric[keep], "weight": np.where(n_obl > 0, n_obl, 0.5),
                  "value": n_obl, "unit": "obligation types", "confidence": "confirmed",
                  "doc": doc, "quote": quote.to_numpy(), "note": note.to_numpy(), "line": lines[keep]},
                 path=path, precision="year")
    actors = _cow_actors(np.concatenate([f["ccode1"], f["ccode2"]]),
                         np.concatenate([src[keep], dst[keep]]), path, table)
    docs = _documents(doc, "Alliance Treaty Obligations and Provisions (ATOP) v5.1, directed dyad-year",
                      "ATOP project (Leeds et al.), atopdata.org", path)
    notes = [f"{int(twin.sum())} ATOP rows are the mirror of an identical row and were merged into "
             f"{int((symmetric & low_first & ~bad).sum())} undirected ties; "
             f"{int((~symmetric & ~bad).sum())} asymmetric rows kept as directed ties"]
    return _dataset(ties, actors, docs, rejected, path, notes)


def import_cow_trade(path, *, cow_codes=None):
    """Import COW Dyadic Trade (``ccode1, ccode2, year, flow1, flow2``; million current USD).

    Each non-zero flow is one directed ``trade`` tie from exporter to importer
    (``flow1`` = imports of ccode1 from ccode2, so ccode2 → ccode1), dated by the
    year, with ``value`` = ``weight`` = the flow in million USD. Zero flows
    (under 0.5 million after COW's rounding) and missing flows make no tie; they
    are counted in ``notes``. Ids are ``cow_trade:<ccode1>-<ccode2>:<year>:flow1|flow2``.

    Raises
    ------
    DatasetError
        If the file cannot be read or lacks the COW trade columns.
    """
    frame, lines = _read_source(path, ("ccode1", "ccode2", "year", "flow1", "flow2"), "COW dyadic trade")
    table = cow_code_table(cow_codes)
    ids = ("cow_trade:" + frame["ccode1"] + "-" + frame["ccode2"] + ":" + frame["year"]).to_numpy(dtype=object)
    iso1, iso2, bad, rejected = _cow_ends(frame, lines, ids, path, table)
    doc = Path(path).name
    parts, notes = [], []
    for flow, src, dst, src_code, dst_code in (("flow1", iso2, iso1, "ccode2", "ccode1"),
                                               ("flow2", iso1, iso2, "ccode1", "ccode2")):
        val = _num(frame[flow])
        text = frame[flow]
        bad_num = (text != "") & val.isna()
        rejected += _rejections(path, lines, ids + ":" + flow, flow,
                                "'" + text + "' is not a number", bad_num.to_numpy() & ~bad)
        keep = ~bad & (val > 0).to_numpy()
        notes.append(f"{flow}: {int(((val == 0).to_numpy() & ~bad).sum())} zero and "
                     f"{int(((text == '').to_numpy() & ~bad).sum())} missing flows make no tie")
        f = frame[keep]
        quote = ("COW Dyadic Trade 4.0 ccode1=" + f["ccode1"] + " ccode2=" + f["ccode2"] + " year="
                 + f["year"] + ": " + flow + " = " + f[flow] + " (imports of " + f[dst_code]
                 + " from " + f[src_code] + ", million current USD)")
        parts.append(_ties({"id": ids[keep] + ":" + flow, "source": src[keep], "target": dst[keep],
                            "type": "trade", "start": f["year"].to_numpy(), "directed": True,
                            "weight": val[keep].to_numpy(), "value": val[keep].to_numpy(),
                            "unit": "million USD", "confidence": "confirmed", "doc": doc,
                            "quote": quote.to_numpy(), "line": lines[keep]},
                           path=path, precision="year"))
    ties = pd.concat(parts, ignore_index=True)
    ties = ties.iloc[np.argsort(ties["line"].to_numpy(), kind="stable")]
    actors = _cow_actors(np.concatenate([frame["ccode1"][~bad], frame["ccode2"][~bad]]),
                         np.concatenate([iso1[~bad], iso2[~bad]]), path, table)
    docs = _documents(doc, "Correlates of War Dyadic Trade v4.0 (dyad-year, million current USD)",
                      "Correlates of War Project", path)
    return _dataset(ties, actors, docs, rejected, path, notes)


# --------------------------------------------------------------------------- events

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


def _event_ends(src_names, dst_names, resolve):
    cache = {}

    def one(v):
        if v not in cache:
            cache[v] = resolve(v) if v else None
        return cache[v]
    return (np.array([one(v) or "" for v in src_names], dtype=object),
            np.array([one(v) or "" for v in dst_names], dtype=object))


def import_icews(path):
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
    frame, lines = _read_source(path, cols, "ICEWS events")
    ids = np.array([f"icews:{n}" for n in lines], dtype=object)
    src, dst = _event_ends(frame["source_country"].to_numpy(), frame["target_country"].to_numpy(),
                           lambda v: country_iso3(v.replace("_", " ")))
    rejected, bad = [], np.zeros(len(frame), dtype=bool)
    for col, iso, actor in (("source_country", src, "source"), ("target_country", dst, "target")):
        empty = (frame[col] == "").to_numpy()
        rejected += _rejections(path, lines, ids, col, "no country for ICEWS actor '" + frame[actor] + "'",
                                empty & ~bad)
        bad |= empty
        unknown = (iso == "") & ~bad
        rejected += _rejections(path, lines, ids, col, "'" + frame[col]
                                + "' is not a country name known to country_converter/pycountry", unknown)
        bad |= unknown
    same = (src == dst) & ~bad
    rejected += _rejections(path, lines, ids, "target_country",
                            "same country on both sides (a domestic event)", same)
    bad |= same
    bad_date = ~frame["date"].str.fullmatch(r"\d{4}-\d{2}-\d{2}").to_numpy() & ~bad
    rejected += _rejections(path, lines, ids, "date", "'" + frame["date"] + "' is not a date", bad_date)
    bad |= bad_date
    f = frame[~bad]
    kinds = {e: icews_tie_type(e) for e in pd.unique(f["event_type"])}
    quote = ("ICEWS " + f["date"] + ": " + f["source"] + " — " + f["event_type"] + " — " + f["target"])
    doc = Path(path).name
    ties = _ties({"id": ids[~bad], "source": src[~bad], "target": dst[~bad],
                  "type": f["event_type"].map(lambda e: kinds[e][0]).to_numpy(),
                  "polarity": f["event_type"].map(lambda e: kinds[e][1]).to_numpy(),
                  "start": f["date"].to_numpy(), "directed": True, "weight": 1.0, "value": np.nan,
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


def gdelt_tie_type(code):
    """Return ``(type, polarity)`` for a CAMEO event code (GDELT ``eventcode``).

    Examples
    --------
    >>> [gdelt_tie_type(c) for c in ["042", "0622", "0741", "111", "163", "190"]]
    [('diplomatic', ''), ('military_cooperation', ''), ('military_cooperation', ''), ('diplomatic', 'adversarial'), ('sanctions', ''), ('hostile_act', '')]
    """
    code = str(code).strip()
    root = int(code[:2]) if code[:2].isdigit() else 0
    if code.startswith(("062", "074", "075")):
        return "military_cooperation", ""
    if code.startswith("061"):
        return "trade", ""
    if code.startswith(("163", "172")) or root == 16:
        return "sanctions", ""
    if root in (15, 17, 18, 19, 20):
        return "hostile_act", ""
    if root == 7 or code.startswith("051"):
        return "political_support", ""
    if root in (10, 11, 12, 13, 14):
        return "diplomatic", "adversarial"
    return "diplomatic", ""


GDELT_COLUMNS = ("globaleventid", "day", "actor1countrycode", "actor2countrycode", "actor1name",
                 "actor2name", "eventcode", "quadclass", "goldsteinscale")


def import_gdelt(path):
    """Import GDELT 1.0 event records (with GDELT's lower-case column names as header).

    Each event whose two actors have different CAMEO country codes becomes one
    directed tie actor1 → actor2 dated to the day, typed from the CAMEO event
    code by :func:`gdelt_tie_type`, ``value`` the Goldstein scale (−10…+10),
    ``weight`` 1, ``confidence`` reported. CAMEO codes that are not ISO 3166
    countries (regions such as ``AFR``, groups such as ``NGO``) are rejected.
    Ids are ``gdelt:<globaleventid>``.

    Raises
    ------
    DatasetError
        If the file cannot be read or lacks GDELT's columns.
    """
    frame, lines = _read_source(path, GDELT_COLUMNS, "GDELT 1.0 events")
    ids = _unique(("gdelt:" + frame["globaleventid"]).to_numpy(dtype=object))
    cc = _countries()

    def code(v):
        return v if cc.code_name(v) and re.fullmatch(r"[A-Z]{3}", v) else None
    src, dst = _event_ends(frame["actor1countrycode"].to_numpy(), frame["actor2countrycode"].to_numpy(), code)
    rejected, bad = [], np.zeros(len(frame), dtype=bool)
    for col, iso, name in (("actor1countrycode", src, "actor1name"), ("actor2countrycode", dst, "actor2name")):
        empty = (frame[col] == "").to_numpy()
        who = frame[name].where(frame[name] != "", "(none)")
        rejected += _rejections(path, lines, ids, col, "no country code for actor '" + who + "'", empty & ~bad)
        bad |= empty
        unknown = (iso == "") & ~bad
        rejected += _rejections(path, lines, ids, col, "CAMEO code '" + frame[col]
                                + "' is not an ISO 3166 country", unknown)
        bad |= unknown
    same = (src == dst) & ~bad
    rejected += _rejections(path, lines, ids, "actor2countrycode",
                            "same country on both sides (a domestic event)", same)
    bad |= same
    day = frame["day"]
    iso_day = day.str.slice(0, 4) + "-" + day.str.slice(4, 6) + "-" + day.str.slice(6, 8)
    ok_day = day.str.fullmatch(r"\d{8}") & pd.to_datetime(iso_day, format="%Y-%m-%d", errors="coerce").notna()
    rejected += _rejections(path, lines, ids, "day", "'" + day + "' is not a YYYYMMDD date",
                            ~ok_day.to_numpy() & ~bad)
    bad |= ~ok_day.to_numpy()
    f = frame[~bad]
    kinds = {c: gdelt_tie_type(c) for c in pd.unique(f["eventcode"])}
    gold = _num(f["goldsteinscale"])
    url = f["sourceurl"] if "sourceurl" in f.columns else pd.Series("", index=f.index)
    quote = ("GDELT event " + f["globaleventid"] + " on " + iso_day[~bad] + ": " + f["actor1name"] + " → "
             + f["actor2name"] + ", CAMEO " + f["eventcode"] + ", Goldstein " + f["goldsteinscale"]
             + url.map(lambda u: f" ({u})" if u else ""))
    doc = Path(path).name
    ties = _ties({"id": ids[~bad], "source": src[~bad], "target": dst[~bad],
                  "type": f["eventcode"].map(lambda c: kinds[c][0]).to_numpy(),
                  "polarity": f["eventcode"].map(lambda c: kinds[c][1]).to_numpy(),
                  "start": iso_day[~bad].to_numpy(), "directed": True, "weight": 1.0,
                  "value": gold.to_numpy(), "unit": "Goldstein", "confidence": "reported", "doc": doc,
                  "quote": quote.to_numpy(),
                  "note": ("CAMEO event code " + f["eventcode"] + ", quad class " + f["quadclass"]).to_numpy(),
                  "line": lines[~bad]}, path=path, precision="day")
    codes = np.concatenate([src, dst])
    actors = _actors(codes, [""] * len(codes), ["state"] * len(codes), {}, path)
    actors = actors[actors["id"].isin(set(ties["source"]) | set(ties["target"]))]
    docs = _documents(doc, "GDELT 1.0 Event Database (sample)", "The GDELT Project", path)
    return _dataset(ties, actors, docs, rejected, path, [])


KINDS = {"sipri": import_sipri, "atop": import_atop, "cow-trade": import_cow_trade,
         "icews": import_icews, "gdelt": import_gdelt}


def import_dataset(kind, path, *, cow_codes=None, progress=None):
    """Import ``path`` with the importer for ``kind`` (a key of :data:`KINDS`).

    ``progress``, if given, is called as ``progress(stage, done, total)`` before
    and after the import (``total`` None: the importers do not count their steps).

    Raises
    ------
    DatasetError
        If ``kind`` is unknown or the file cannot be imported.

    Examples
    --------
    >>> sorted(KINDS)
    ['atop', 'cow-trade', 'gdelt', 'icews', 'sipri']
    """
    if kind not in KINDS:
        raise DatasetError(f"unknown import kind {kind!r}; choose one of {', '.join(sorted(KINDS))}")
    if progress is not None:
        progress(f"importing {path} as {kind}", 0, None)
    if kind in ("atop", "cow-trade"):
        ds = KINDS[kind](path, cow_codes=cow_codes)
    else:
        ds = KINDS[kind](path)
    if progress is not None:
        progress(f"imported {path} as {kind}", 1, None)
    return ds


def tie_table(ties):
    """Return ``ties`` as the text columns of ``ties.csv`` (what ``import --out`` writes).

    Examples
    --------
    >>> t = pd.DataFrame({"id": ["x:1"], "source": ["PRK"], "target": ["RUS"], "type": ["trade"],
    ...                   "start": ["2024"], "end": [""], "directed": [True], "weight": [237.5],
    ...                   "value": [float("nan")], "unit": [""], "confidence": ["confirmed"],
    ...                   "doc": ["d.csv"], "quote": ["q"], "polarity": ["cooperative"], "note": [""]})
    >>> tie_table(t).iloc[0][["directed", "weight", "value"]].tolist()
    ['true', '237.5', '']
    """
    out = pd.DataFrame({c: ties[c].astype(object).where(ties[c].notna(), "") for c in TIE_COLUMNS})
    out["directed"] = np.where(ties["directed"].astype(bool), "true", "false")
    for c in ("weight", "value"):
        out[c] = _fmt(ties[c].to_numpy()).to_numpy()
    return out.astype(str)
