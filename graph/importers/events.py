"""Event data (GDELT, ICEWS) read in the publishers' layouts and aggregated into ties on an engine.

Files
    ``import gdelt`` reads GDELT event files as published: tab-separated, no
    header, plain, ``.gz`` or ``.zip``, the layout told by the number of fields
    (:data:`GDELT_LAYOUTS`: 2.0 has 61, the 1.0 daily files 58, the 1.0
    back-file 57; the first 35 fields are the same in all three), and the
    comma-separated sample with GDELT 1.0's lower-case names as header.
    ``import icews`` reads the Dataverse layout (tab-separated with a header:
    "Event Date", "Source Country", "Target Country", "CAMEO Code",
    "Intensity", ...) and the ICEWS14 form (``date, source, event_type, target,
    source_country, target_country``).

Aggregation
    One tie per (source country, target country, tie type, period): ``weight`` =
    number of events, ``value`` = mean Goldstein scale (GDELT) or intensity
    (ICEWS), the type from the CAMEO code (:func:`~graph.importers.gdelt_tie_type`),
    polarity adversarial when the type is (sanctions, hostile acts) or when most
    of the tie's events are in CAMEO quad classes 3/4 (verbal/material
    conflict), ``confidence`` reported, and one line of ``quote``: the count,
    the most frequent CAMEO root, the number of distinct sources and one of
    them. Ids are ``<kind>:<source>:<target>:<type>:<period>``.

Rejections at scale
    An event that makes no tie (no country, a code that is not a country, the
    same country on both sides, a bad date) is not listed one by one when
    events are aggregated: rejections are grouped by file, field and reason
    (and the offending code, for codes that are not countries), each group one
    entry with ``count`` events, ``line`` 0 (the engines do not number lines)
    and ``id`` the lowest event id of the group as an example. With
    ``period="none"`` each event is one tie and each rejected event is listed
    with its line, as for the other importers.

Engines
    The aggregation is one SQL text (:data:`AGGREGATE_SQL`) run by DuckDB
    (embedded; plain and ``.gz`` files read by DuckDB's ``read_csv``, ``.zip``
    members streamed through Python's ``zipfile`` as Arrow record batches) or
    by Spark (:mod:`graph.importers.spark`). A few functions differ between
    the two SQL dialects; they are the entries of :data:`DIALECTS`.
"""

import glob
import gzip
import io
import struct
import threading
import zipfile
import zlib
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import DatasetError

try:  # ISA-L's inflate, 2-3x zlib's (optional: zipfile's zlib otherwise)
    from isal import isal_zlib as _isal_zlib
except ImportError:  # pragma: no cover - isal is a dependency; kept optional for odd platforms
    _isal_zlib = None
from ..schema import ADVERSARIAL_TYPES
from .codes import GDELT_FULL_COLUMNS, icews_tie_type
from .common import _countries, _dataset, _documents, _actors, _ties, country_iso3

__all__ = ["GDELT_LAYOUTS", "PERIODS", "ENGINES", "AGGREGATE_SQL", "DIALECTS", "expand_files", "sniff",
           "aggregate_events", "CAMEO_ROOTS", "IMPORTER_VERSION"]

#: Bumped whenever the ties an importer makes from the same file change (it keys the import cache).
IMPORTER_VERSION = "2"

GDELT_LAYOUTS = {61: "GDELT 2.0", 58: "GDELT 1.0 daily", 57: "GDELT 1.0 back-file"}
#: 0-based positions of the fields we use (the same in all three layouts) and of SOURCEURL.
GDELT_AT = {"event_id": 0, "day": 1, "src_name": 6, "src": 7, "dst_name": 16, "dst": 17, "code": 26,
            "quad": 29, "value": 30}
GDELT_URL_AT = {61: 60, 58: 57, 57: None}
PERIODS = ("day", "month", "year", "none")
ENGINES = ("duckdb", "spark")

#: CAMEO root codes and their short names (for the quote).
CAMEO_ROOTS = {"01": "make public statement", "02": "appeal", "03": "express intent to cooperate",
               "04": "consult", "05": "engage in diplomatic cooperation",
               "06": "engage in material cooperation", "07": "provide aid", "08": "yield",
               "09": "investigate", "10": "demand", "11": "disapprove", "12": "reject", "13": "threaten",
               "14": "protest", "15": "exhibit force posture", "16": "reduce relations", "17": "coerce",
               "18": "assault", "19": "fight", "20": "use unconventional mass violence"}

# The normalised event table every reader produces (all text but value):
# event_id, day (YYYYMMDD), src, dst (raw country values), code (CAMEO code or ''),
# label (what the quote names: the CAMEO root, or an ICEWS event type), ttype (a tie type
# decided by the reader, or NULL: then from the code), quad (CAMEO quad class 1-4 as text),
# value (text), ref (a source to count: URL or story id), example (a source to quote; NULL when it is
# the ref itself, as GDELT's URL: the smallest ref is quoted then, without a per-event string min), file.

#: Tie type from a CAMEO code: the rules of gdelt_tie_type, in SQL both engines run.
_TYPE_SQL = """CASE
    WHEN substr(code, 1, 3) IN ('062', '074', '075') THEN 'military_cooperation'
    WHEN substr(code, 1, 3) = '061' THEN 'trade'
    WHEN substr(code, 1, 2) = '16' OR substr(code, 1, 3) = '172' THEN 'sanctions'
    WHEN substr(code, 1, 2) IN ('15', '17', '18', '19', '20') THEN 'hostile_act'
    WHEN substr(code, 1, 2) = '07' OR substr(code, 1, 3) = '051' THEN 'political_support'
    ELSE 'diplomatic' END"""

#: The period key per event (digits only: YYYYMMDD, YYYYMM, YYYY; cheap per row) and the period as
#: written (YYYY-MM-DD, YYYY-MM, YYYY), made from the key once per result row.
_PERIOD_SQL = {
    "day": "day",
    "month": "substr(day, 1, 6)",
    "year": "substr(day, 1, 4)",
}
_PERIOD_TEXT = {
    "day": "substr({p}, 1, 4) || '-' || substr({p}, 5, 2) || '-' || substr({p}, 7, 2)",
    "month": "substr({p}, 1, 4) || '-' || substr({p}, 5, 2)",
    "year": "{p}",
}

#: The few expressions that differ between DuckDB's and Spark's SQL.
DIALECTS = {
    "duckdb": {"valid_day": "try_strptime(day, '%Y%m%d') IS NOT NULL", "materialized": "MATERIALIZED"},
    "spark": {"valid_day": "try_to_timestamp(day, 'yyyyMMdd') IS NOT NULL", "materialized": ""},
}

#: The aggregation, shared by both engines: ``events`` (the normalised table) and
#: ``countries`` (name → ISO3 code) in; out one row per (tie, label) (``by_tie`` 0: the most
#: frequent CAMEO root is picked from these), per tie (``by_tie`` 1) and per rejection group
#: (``problem`` not empty). Keys are '' rather than NULL so that the two levels join on equality;
#: distinct sources are counted with DISTINCT + GROUP BY (aggregates DuckDB can spill to disk),
#: not count(DISTINCT). ``fine`` is read twice: DuckDB must materialise it (a zip stream can be
#: read once); Spark reads its files again.
AGGREGATE_SQL = """
WITH classified AS (
    SELECT e.*, a.code AS src_iso, b.code AS dst_iso,
        CASE WHEN e.src IS NULL OR e.src = '' THEN 'src_empty'
             WHEN a.code IS NULL THEN 'src_unknown'
             WHEN e.dst IS NULL OR e.dst = '' THEN 'dst_empty'
             WHEN b.code IS NULL THEN 'dst_unknown'
             WHEN a.code = b.code THEN 'domestic'
             WHEN e.day IS NULL OR length(e.day) <> 8 OR NOT ({valid_day}) THEN 'bad_day'
             ELSE '' END AS problem
    FROM events e
    LEFT JOIN countries a ON e.src = a.name
    LEFT JOIN countries b ON e.dst = b.name
),
keyed AS (
    SELECT problem,
        CASE WHEN problem = '' THEN src_iso ELSE '' END AS source,
        CASE WHEN problem = '' THEN dst_iso ELSE '' END AS target,
        CASE WHEN problem = '' THEN ttype ELSE '' END AS ttype0,  -- the type is decided per fine row
        CASE WHEN problem = '' AND ttype IS NULL THEN substr(code, 1, 3) ELSE '' END AS code3,
        CASE WHEN problem = '' THEN {period_sql} ELSE '' END AS period,
        CASE WHEN problem = '' THEN COALESCE(label, '') ELSE '' END AS label,
        CASE WHEN problem = '' THEN '' ELSE COALESCE(file, '') END AS file,
        COALESCE(CASE WHEN problem = 'src_unknown' THEN src WHEN problem = 'dst_unknown' THEN dst
             WHEN problem = 'bad_day' THEN day END, '') AS detail,
        event_id, TRY_CAST(value AS DOUBLE) AS value, quad,
        CASE WHEN problem <> '' OR ref IS NULL THEN '' ELSE ref END AS ref,
        CASE WHEN example = '' THEN NULL ELSE example END AS example
    FROM classified
),
fine AS {materialized} (  -- one row per tie, label and source: sources counted on these
    SELECT problem, source, target, ttype0, code3, period, file, detail, label, ref,
        count(*) AS n, sum(value) AS total, count(value) AS n_value,
        sum(CASE WHEN quad IN ('3', '4') THEN 1 ELSE 0 END) AS conflict,
        min(example) AS example, min(event_id) AS first_id
    FROM keyed
    GROUP BY problem, source, target, ttype0, code3, period, file, detail, label, ref
),
typed AS (  -- the tie type from the reader's or the CAMEO code's first 3 digits, once per fine row
    SELECT problem, source, target, COALESCE(ttype0, {type_sql}) AS ttype, period, file, detail, label, ref,
        n, total, n_value, conflict, example, first_id
    FROM fine
),
by_label AS (
    SELECT problem, source, target, ttype, period, file, detail, label,
        sum(n) AS n, sum(total) AS total, sum(n_value) AS n_value, sum(conflict) AS conflict,
        COALESCE(min(example), min(CASE WHEN ref <> '' THEN ref END)) AS example, min(first_id) AS first_id
    FROM typed
    GROUP BY problem, source, target, ttype, period, file, detail, label
),
by_tie AS (
    SELECT problem, source, target, ttype, period, file, detail,
        sum(n) AS n, sum(total) AS total, sum(n_value) AS n_value, sum(conflict) AS conflict,
        min(example) AS example, min(first_id) AS first_id
    FROM by_label
    GROUP BY problem, source, target, ttype, period, file, detail
),
refs AS (
    SELECT problem, source, target, ttype, period, file, detail, count(*) AS sources
    FROM (SELECT DISTINCT problem, source, target, ttype, period, file, detail, ref FROM typed
          WHERE ref <> '') AS r
    GROUP BY problem, source, target, ttype, period, file, detail
)
SELECT l.problem, l.source, l.target, l.ttype, CASE WHEN l.period = '' THEN '' ELSE {period_text_l} END AS period,
    l.file, l.detail, l.label, 0 AS by_tie,
    CAST(l.n AS BIGINT) AS n, l.total / NULLIF(l.n_value, 0) AS mean, CAST(l.n_value AS BIGINT) AS n_value,
    CAST(l.conflict AS BIGINT) AS conflict, CAST(0 AS BIGINT) AS sources, l.example, l.first_id
FROM by_label l
UNION ALL
SELECT t.problem, t.source, t.target, t.ttype, CASE WHEN t.period = '' THEN '' ELSE {period_text_t} END AS period,
    t.file, t.detail, '' AS label, 1 AS by_tie,
    CAST(t.n AS BIGINT) AS n, t.total / NULLIF(t.n_value, 0) AS mean, CAST(t.n_value AS BIGINT) AS n_value,
    CAST(t.conflict AS BIGINT) AS conflict, CAST(COALESCE(r.sources, 0) AS BIGINT) AS sources,
    t.example, t.first_id
FROM by_tie t LEFT JOIN refs r
    ON t.problem = r.problem AND t.source = r.source AND t.target = r.target AND t.ttype = r.ttype
    AND t.period = r.period AND t.file = r.file AND t.detail = r.detail
"""


def aggregate_sql(period, dialect):
    """The aggregation SQL for ``period`` (day, month, year) in ``dialect`` (duckdb, spark)."""
    return AGGREGATE_SQL.format(type_sql=_TYPE_SQL.replace("code", "code3"), period_sql=_PERIOD_SQL[period],
                                period_text_l=_PERIOD_TEXT[period].format(p="l.period"),
                                period_text_t=_PERIOD_TEXT[period].format(p="t.period"), **DIALECTS[dialect])


# --------------------------------------------------------------------------- files and layouts

def expand_files(patterns):
    """Paths for file names and glob patterns, in order, each once.

    Raises
    ------
    DatasetError
        If a pattern matches nothing or a name is a directory or missing.
    """
    out, seen = [], set()
    for pat in patterns:
        pat = str(pat)
        if any(ch in pat for ch in "*?["):
            found = sorted(glob.glob(pat))
            if not found:
                raise DatasetError(f"{pat}: no file matches")
            names = [f for f in found if Path(f).is_file()]
        else:
            p = Path(pat)
            if p.is_dir():
                raise DatasetError(f"{p}: is a directory; give the event files (a glob such as "
                                   f"'{p}/*.zip' works)")
            if not p.is_file():
                raise DatasetError(f"{p}: no such file")
            names = [pat]
        for n in names:
            key = Path(n).resolve()
            if key not in seen:
                seen.add(key)
                out.append(Path(n))
    return out


def _open_text(path):
    """A binary stream of the (first) member of a zip, a gunzipped file, or the file itself."""
    name = path.name.lower()
    try:
        if name.endswith(".zip"):
            zf = zipfile.ZipFile(path)
            members = [m for m in zf.infolist() if not m.is_dir()]
            if not members:
                raise DatasetError(f"{path}: the zip archive is empty")
            return zf.open(members[0])
        if name.endswith(".gz"):
            return gzip.open(path, "rb")
        return open(path, "rb")
    except zipfile.BadZipFile:
        raise DatasetError(f"{path}: not a readable zip archive") from None
    except OSError as ex:
        raise DatasetError(f"{path}: cannot be read ({ex.strerror or ex})") from None


def sniff(path):
    """Return the layout of an event file: ``(layout, n_fields)``.

    Layouts: ``gdelt-tsv`` (no header; n_fields 61, 58 or 57), ``gdelt-csv``
    (the sample with a header), ``icews-tab`` (Dataverse), ``icews-csv`` (ICEWS14).

    Raises
    ------
    DatasetError
        If the first line fits none of them.
    """
    with _open_text(path) as fh:
        try:
            head = fh.readline(1 << 20)
        except (OSError, EOFError, zipfile.BadZipFile, zlib.error) as ex:
            raise DatasetError(f"{path}: cannot be read ({ex})") from None
    if not head.strip():
        raise DatasetError(f"{path}: the file is empty")
    if b"\x00" in head:
        raise DatasetError(f"{path}: this is a binary file, not event records")
    text = head.decode("utf-8-sig", errors="replace").rstrip("\r\n")
    tabs = text.split("\t")
    if len(tabs) in GDELT_LAYOUTS and tabs[0].strip().isdigit():
        return "gdelt-tsv", len(tabs)
    lower = text.lower()
    if "globaleventid" in lower and "," in lower:
        return "gdelt-csv", len(text.split(","))
    if "source country" in lower and "\t" in text:
        return "icews-tab", len(tabs)
    if "source_country" in lower and "," in text:
        return "icews-csv", len(text.split(","))
    if len(tabs) > 1 and tabs[0].strip().isdigit():
        raise DatasetError(f"{path}:1: {len(tabs)} tab-separated fields; GDELT event files have "
                           + ", ".join(f"{n} ({v})" for n, v in GDELT_LAYOUTS.items()))
    raise DatasetError(f"{path}:1: not a GDELT or ICEWS event file (no GDELT layout of "
                       f"{'/'.join(map(str, GDELT_LAYOUTS))} tab-separated fields, and no ICEWS header)")


def gdelt_countries():
    """The CAMEO country codes that are ISO 3166 alpha-3 codes (current or historic)."""
    cc = _countries()
    codes = set(c for c in cc.short if isinstance(c, str) and len(c) == 3 and c.isalpha() and c.isupper())
    codes |= {c.alpha_3 for c in cc.pycountry.countries}
    codes |= {v[0] for v in cc.historic.values()}
    return sorted(c for c in codes if cc.code_name(c))


# --------------------------------------------------------------------------- normalising SELECTs

def gdelt_tsv_select(n_fields, source, file_expr, url=None):
    """SELECT turning GDELT's positional fields ``_c0 …`` of ``source`` into the event table."""
    at = {k: f"_c{v}" for k, v in GDELT_AT.items()}
    if url is None:
        url = f"COALESCE(_c{GDELT_URL_AT[n_fields]}, '')" if GDELT_URL_AT[n_fields] is not None else "''"
    return (f"SELECT {at['event_id']} AS event_id, trim({at['day']}) AS day, trim({at['src']}) AS src, "
            f"trim({at['dst']}) AS dst, trim({at['code']}) AS code, substr(trim({at['code']}), 1, 2) AS label, "
            f"CAST(NULL AS VARCHAR(32)) AS ttype, trim({at['quad']}) AS quad, {at['value']} AS value, "
            f"{url} AS ref, CAST(NULL AS VARCHAR(32)) AS example, {file_expr} AS file FROM {source}")


def gdelt_csv_select(source, file_expr):
    return ("SELECT globaleventid AS event_id, trim(day) AS day, trim(actor1countrycode) AS src, "
            "trim(actor2countrycode) AS dst, trim(eventcode) AS code, substr(trim(eventcode), 1, 2) AS label, "
            "CAST(NULL AS VARCHAR(32)) AS ttype, trim(quadclass) AS quad, goldsteinscale AS value, "
            f"COALESCE(sourceurl, '') AS ref, CAST(NULL AS VARCHAR(32)) AS example, {file_expr} AS file "
            f"FROM {source}")


def icews_tab_select(source, file_expr, quote="\""):
    def col(name):
        return f"{quote}{name}{quote}"
    day = f"replace(trim({col('Event Date')}), '-', '')"
    code = f"trim({col('CAMEO Code')})"
    root = f"substr({code}, 1, 2)"
    quad = (f"CASE WHEN {root} BETWEEN '01' AND '05' THEN '1' WHEN {root} BETWEEN '06' AND '09' THEN '2' "
            f"WHEN {root} BETWEEN '10' AND '14' THEN '3' WHEN {root} BETWEEN '15' AND '20' THEN '4' ELSE '' END")
    return (f"SELECT {col('Event ID')} AS event_id, {day} AS day, trim({col('Source Country')}) AS src, "
            f"trim({col('Target Country')}) AS dst, {code} AS code, {root} AS label, "
            f"CAST(NULL AS VARCHAR(32)) AS ttype, {quad} AS quad, {col('Intensity')} AS value, "
            f"COALESCE({col('Story ID')}, '') AS ref, "
            f"COALESCE({col('Source Name')}, '') || ' — ' || COALESCE({col('Event Text')}, '') || ' — ' "
            f"|| COALESCE({col('Target Name')}, '') AS example, {file_expr} AS file FROM {source}")


ICEWS_TAB_NEEDS = ("Event ID", "Event Date", "Source Name", "Source Country", "Event Text", "CAMEO Code",
                   "Intensity", "Target Name", "Target Country", "Story ID")


def icews_csv_frame(path):
    """The ICEWS14 form as a normalised event table (pandas; it has no CAMEO codes)."""
    from .common import _read_source
    frame, lines = _read_source(path, ("date", "source", "event_type", "target", "source_country",
                                       "target_country"), "ICEWS events")
    kinds = {e: icews_tie_type(e) for e in pd.unique(frame["event_type"])}
    ttype = frame["event_type"].map(lambda e: kinds[e][0])
    adverse = frame["event_type"].map(lambda e: kinds[e][0] in ADVERSARIAL_TYPES or kinds[e][1] == "adversarial")
    return pd.DataFrame({
        "event_id": [f"{n:09d}" for n in lines], "day": frame["date"].str.replace("-", "", regex=False),
        "src": frame["source_country"].str.replace("_", " ", regex=False),
        "dst": frame["target_country"].str.replace("_", " ", regex=False),
        "code": "", "label": frame["event_type"], "ttype": ttype,
        "quad": np.where(adverse, "3", "1"), "value": "", "ref": "",
        "example": frame["source"] + " — " + frame["event_type"] + " — " + frame["target"],
        "file": str(path)})


# --------------------------------------------------------------------------- zip members as Arrow

_ZIP_RAW = tuple(f"_c{v}" for v in sorted(set(GDELT_AT.values()))) + ("url", "file")
_WHOLE_MEMBER = 256 << 20  # members up to this size are read whole, by Arrow's multithreaded reader


def _zip_members(paths):
    """``(path, member)`` for every file in the zip archives, in order."""
    for path in paths:
        try:
            with zipfile.ZipFile(path) as zf:
                members = [m for m in zf.infolist() if not m.is_dir()]
        except (zipfile.BadZipFile, OSError) as ex:
            raise DatasetError(f"{path}: not a readable zip archive ({ex})") from None
        for m in members:
            yield path, m


def _inflate(path, member):
    """A member's bytes when small enough to hold (else None: it is streamed).

    A plain deflated member is inflated by ISA-L (``isal``, 2-3x zlib's speed) when it is
    installed, its CRC-32 and size checked as ``zipfile`` checks them; anything else (stored,
    encrypted, other methods, no isal) goes through ``zipfile``.
    """
    if member.file_size > _WHOLE_MEMBER:
        return None
    try:
        if _isal_zlib is not None and member.compress_type == zipfile.ZIP_DEFLATED and not member.flag_bits & 1:
            with open(path, "rb") as fh:
                fh.seek(member.header_offset)
                head = fh.read(30)
                if len(head) != 30 or head[:4] != b"PK\x03\x04":
                    raise zipfile.BadZipFile("bad local file header")
                name_len, extra_len = struct.unpack("<HH", head[26:30])
                fh.seek(member.header_offset + 30 + name_len + extra_len)
                raw = fh.read(member.compress_size)
            try:
                data = _isal_zlib.decompress(raw, -15, max(member.file_size, 1))
            except _isal_zlib.error as ex:
                raise zipfile.BadZipFile(f"inflating failed: {ex}") from None
            if len(data) != member.file_size or _isal_zlib.crc32(data) != member.CRC:
                raise zipfile.BadZipFile(f"Bad CRC-32 or size for file {member.filename!r}")
            return data
        with zipfile.ZipFile(path) as zf:
            return zf.read(member)
    except (zipfile.BadZipFile, OSError, EOFError, zlib.error) as ex:
        raise DatasetError(f"{path} ({member.filename}): cannot be unzipped ({ex})") from None


def _zip_options(n):
    """Arrow CSV options reading the used fields of a GDELT file of ``n`` fields, as text."""
    import pyarrow as pa
    import pyarrow.csv as pcsv
    url_at = GDELT_URL_AT[n]
    include = list(_ZIP_RAW[:-2]) + ([f"_c{url_at}"] if url_at is not None else [])
    return dict(parse_options=pcsv.ParseOptions(delimiter="\t", quote_char=False, newlines_in_values=False),
                convert_options=pcsv.ConvertOptions(column_types={c: pa.string() for c in include},
                                                    include_columns=include, strings_can_be_null=False))


def _zip_batch(batch, n, file_index, files):
    """One parsed batch as the ``_ZIP_RAW`` record batch (``file`` dictionary-encoded: no copy per row)."""
    import pyarrow as pa
    m = batch.num_rows
    url_at = GDELT_URL_AT[n]
    url = batch.column(f"_c{url_at}") if url_at is not None else pa.repeat(pa.scalar(""), m)
    file = pa.DictionaryArray.from_arrays(pa.array(np.full(m, file_index, dtype=np.int32)), files)
    return pa.RecordBatch.from_arrays([batch.column(c) for c in _ZIP_RAW[:-2]] + [url, file],
                                      schema=_zip_schema())


def _parse_member(path, member, n):
    """Inflate and parse one member held whole: its batches (or None: too big, it is streamed)."""
    import pyarrow as pa
    import pyarrow.csv as pcsv
    data = _inflate(path, member)
    if data is None:
        return None
    if not data:
        return []
    try:
        table = pcsv.read_csv(pa.BufferReader(data), read_options=pcsv.ReadOptions(
            column_names=[f"_c{i}" for i in range(n)], block_size=4 << 20, use_threads=False), **_zip_options(n))
    except pa.ArrowInvalid as ex:
        raise DatasetError(f"{path} ({member.filename}): not a GDELT file of {n} fields: "
                           f"{str(ex).splitlines()[0]}") from None
    return table.to_batches()


#: Members inflated and parsed ahead of the one DuckDB is aggregating (each holds its text and
#: table while in flight, ~2.5x the member's size: 500k GDELT events ≈ 130 MB of text).
_AHEAD = 2


def _zip_batches(paths, layout_of, progress, stage):
    """Arrow record batches of GDELT's fields (as text) from zipped TSV files, plus ``url`` and ``file``.

    Members are inflated (ISA-L or zlib) and parsed (Arrow, one thread each) by a pool of
    worker threads, :data:`_AHEAD` members ahead of the one being consumed, so that reading
    overlaps DuckDB's aggregation (both let go of the GIL); members over 256 MiB are streamed.
    Batches come out in file order.
    """
    import os
    import pyarrow as pa
    import pyarrow.csv as pcsv
    from collections import deque
    from concurrent.futures import ThreadPoolExecutor
    jobs = list(_zip_members(paths))
    files = pa.array([str(p) for p in paths], type=pa.string())
    index = {p: k for k, p in enumerate(paths)}
    done_files = set()
    workers = max(1, min(_AHEAD, os.cpu_count() or 1))
    with ThreadPoolExecutor(max_workers=workers) as pool:
        queue = deque()
        nxt = 0
        try:
            for k, (path, member) in enumerate(jobs):
                while nxt < len(jobs) and nxt <= k + _AHEAD - 1:
                    queue.append(pool.submit(_parse_member, *jobs[nxt], layout_of[jobs[nxt][0]]))
                    nxt += 1
                batches = queue.popleft().result()
                if progress is not None and path not in done_files:
                    done_files.add(path)
                    progress(stage, len(done_files) - 1, len(paths))
                n = layout_of[path]
                if batches is None:  # a big member: streamed here
                    try:
                        fh = zipfile.ZipFile(path).open(member)
                        batches = pcsv.open_csv(fh, read_options=pcsv.ReadOptions(
                            column_names=[f"_c{i}" for i in range(n)], block_size=8 << 20), **_zip_options(n))
                        for batch in batches:
                            yield _zip_batch(batch, n, index[path], files)
                    except (pa.ArrowInvalid, zipfile.BadZipFile, OSError, EOFError, zlib.error) as ex:
                        raise DatasetError(f"{path} ({member.filename}): not a GDELT file of {n} fields: "
                                           f"{str(ex).splitlines()[0]}") from None
                    continue
                for batch in batches:
                    yield _zip_batch(batch, n, index[path], files)
                del batches
        finally:
            for f in queue:
                f.cancel()
    if progress is not None:
        progress(stage, len(paths), len(paths))


def _zip_schema():
    import pyarrow as pa
    return pa.schema([(c, pa.string()) for c in _ZIP_RAW[:-1]] + [("file", pa.dictionary(pa.int32(), pa.string()))])


_EVENT_SCHEMA_NAMES = ("event_id", "day", "src", "dst", "code", "label", "ttype", "quad", "value", "ref",
                       "example", "file")


def _event_schema():
    import pyarrow as pa
    return pa.schema([(c, pa.string()) for c in _EVENT_SCHEMA_NAMES])


# --------------------------------------------------------------------------- DuckDB

def _duckdb_events(con, kind, paths, layouts, progress):
    """Create the view ``events`` over all files on DuckDB connection ``con``."""
    import pyarrow as pa
    parts = []
    by_layout = {}
    for p in paths:
        by_layout.setdefault(layouts[p], []).append(p)
    for (layout, n), files in sorted(by_layout.items()):
        names = [str(f) for f in files]
        if layout == "gdelt-tsv":
            plain = [f for f in files if not f.name.lower().endswith(".zip")]
            zipped = [f for f in files if f.name.lower().endswith(".zip")]
            if plain:
                cols = "{" + ", ".join(f"'_c{k}': 'VARCHAR'" for k in range(n)) + "}"
                src = (f"read_csv({[str(f) for f in plain]!r}, delim='\\t', header=false, quote='', "
                       f"escape='', auto_detect=false, columns={cols}, filename=true, "
                       "compression='auto', null_padding=false)")
                parts.append(gdelt_tsv_select(n, src, "filename"))
            if zipped:
                name = f"zip_events_{n}"
                reader = pa.RecordBatchReader.from_batches(
                    _zip_schema(), _zip_batches(zipped, {f: n for f in zipped}, progress,
                                                f"reading {len(zipped)} zipped GDELT file(s)"))
                con.register(name, reader)
                parts.append(gdelt_tsv_select(n, name, "file", url="url"))
        elif layout == "gdelt-csv":
            src = (f"read_csv({names!r}, header=true, all_varchar=true, filename=true, "
                   "normalize_names=false)")
            parts.append(gdelt_csv_select(src, "filename"))
        elif layout == "icews-tab":
            src = (f"read_csv({names!r}, delim='\\t', header=true, quote='', escape='', all_varchar=true, "
                   "filename=true, compression='auto')")
            parts.append(icews_tab_select(src, "filename"))
        elif layout == "icews-csv":
            frame = pd.concat([icews_csv_frame(f) for f in files], ignore_index=True)
            name = "icews14_events"
            con.register(name, pa.Table.from_pandas(frame, schema=_event_schema(), preserve_index=False))
            parts.append(f"SELECT * FROM {name}")
    if not parts:
        raise DatasetError("no event files given")
    con.execute("CREATE OR REPLACE TEMP VIEW events AS " + " UNION ALL BY NAME ".join(
        f"({p})" for p in parts) if len(parts) > 1 else "CREATE OR REPLACE TEMP VIEW events AS " + parts[0])


def _duckdb_run(con, sql, progress, stage):
    """Run ``sql``, reporting DuckDB's own progress (percent) while it works."""
    done = threading.Event()

    def poll():
        while not done.wait(0.5):
            try:
                pct = con.query_progress()
            except Exception:  # pragma: no cover - the query finished meanwhile
                return
            if pct is not None and pct >= 0:
                progress(stage, int(pct), 100)
    watcher = None
    if progress is not None:
        watcher = threading.Thread(target=poll, daemon=True)
        watcher.start()
    try:
        return con.execute(sql).fetch_df()
    finally:
        done.set()
        if watcher is not None:
            watcher.join()


def _duckdb_error(ex):
    """A DuckDB error as one line naming the file and line where DuckDB names them."""
    import re
    text = str(ex)
    where = re.search(r"^\s*file = (.+)$", text, re.M)
    line = re.search(r"CSV Error on Line: (\d+)", text)
    cols = re.search(r"Expected Number of Columns: (\d+) Found: (\d+)", text)
    if where and line:
        what = (f"{cols.group(2)} fields where the file's first line has {cols.group(1)}" if cols
                else text.strip().splitlines()[0])
        return DatasetError(f"{where.group(1).strip()}:{line.group(1)}: {what}")
    return DatasetError("reading the event files failed: " + text.strip().splitlines()[0][:400])


def run_duckdb(kind, paths, layouts, period, *, memory_limit=None, progress=None):
    """Aggregate with DuckDB; returns the result rows of :data:`AGGREGATE_SQL` (a DataFrame)."""
    import shutil
    import tempfile
    import duckdb
    spill = tempfile.mkdtemp(prefix="tiegraph-duckdb-")  # where DuckDB spills beyond its memory limit
    con = duckdb.connect(config={"preserve_insertion_order": False, "temp_directory": spill})
    try:
        # An Arrow stream has no size DuckDB can estimate: left to itself it builds the country joins'
        # hash tables over the events (all held in memory, 3.5 GiB at 10M) instead of the ~300 countries.
        con.execute("SET disabled_optimizers = 'build_side_probe_side'")
        if memory_limit:
            con.execute(f"SET memory_limit = '{_memory_text(memory_limit)}'")
        try:
            _duckdb_events(con, kind, paths, layouts, progress)
            countries = _country_table(kind, lambda sql: con.execute(sql).fetch_df())
            con.register("countries", countries)
            return _duckdb_run(con, aggregate_sql(period, "duckdb"), progress,
                               f"aggregating {kind} events by {period}")
        except duckdb.Error as ex:
            raise _duckdb_error(ex) from None
    finally:
        con.close()
        shutil.rmtree(spill, ignore_errors=True)


def _memory_text(limit):
    text = str(limit).strip().upper().replace(" ", "")
    import re
    if not re.fullmatch(r"\d+(\.\d+)?(B|KB|MB|GB|TB|KIB|MIB|GIB|TIB)?", text):
        raise DatasetError(f"--memory-limit {limit!r}: give a size such as 2GB or 512MB")
    return text


def _country_table(kind, query):
    """``countries(name, code)``: GDELT's ISO codes as themselves; ICEWS's names through the library."""
    if kind == "gdelt":
        codes = gdelt_countries()
        return pd.DataFrame({"name": codes, "code": codes})
    names = query("SELECT DISTINCT src AS name FROM events UNION SELECT DISTINCT dst AS name FROM events")
    names = sorted(n for n in names["name"] if isinstance(n, str) and n.strip())
    pairs = [(n, country_iso3(n)) for n in names]
    return pd.DataFrame({"name": [n for n, c in pairs if c], "code": [c for n, c in pairs if c]},
                        dtype=object)


# --------------------------------------------------------------------------- result → Dataset

_FIELDS = {"gdelt": {"src": "actor1countrycode", "dst": "actor2countrycode", "day": "day"},
           "icews": {"src": "source_country", "dst": "target_country", "day": "date"}}


def _rejections(kind, rows):
    fld = _FIELDS[kind]
    out = []
    for r in rows.itertuples(index=False):
        first = str(r.first_id)
        n, example = int(r.n), f"{kind}:{int(first) if first.isdigit() else first}"  # ICEWS14: a line
        many = f"{n} event{'s' if n != 1 else ''}, e.g. {example}"
        if r.problem in ("src_empty", "dst_empty"):
            field = fld["src" if r.problem == "src_empty" else "dst"]
            reason = f"no country for the actor ({many})"
        elif r.problem in ("src_unknown", "dst_unknown"):
            field = fld["src" if r.problem == "src_unknown" else "dst"]
            what = "CAMEO code" if kind == "gdelt" else "country name"
            known = "an ISO 3166 country" if kind == "gdelt" else "a country known to country_converter/pycountry"
            reason = f"{what} {r.detail!r} is not {known} ({many})"
        elif r.problem == "domestic":
            field, reason = fld["dst"], f"same country on both sides, a domestic event ({many})"
        else:
            field, reason = fld["day"], f"{r.detail!r} is not a YYYYMMDD date ({many})"
        out.append({"file": str(r.file).removeprefix("file://"), "line": 0, "id": example, "field": field,
                    "reason": reason, "count": n})
    out.sort(key=lambda d: (d["file"], d["field"], d["reason"]))
    return out


def _period_bounds(periods, period):
    s = pd.Series(periods, dtype=object)
    if period == "year":
        first = pd.to_datetime(s, format="%Y")
        return first, first + pd.offsets.YearEnd(0)
    if period == "month":
        first = pd.to_datetime(s, format="%Y-%m")
        return first, first + pd.offsets.MonthEnd(0)
    first = pd.to_datetime(s, format="%Y-%m-%d")
    return first, first


def ties_from_rows(kind, rows, period, *, files, doc):
    """Turn the rows of :data:`AGGREGATE_SQL` into a Dataset (ties, actors, documents, rejections)."""
    rows = rows.copy()
    rows["by_tie"] = rows["by_tie"].astype(int)
    bad = rows[(rows["problem"] != "") & (rows["by_tie"] == 1)]
    rejected = _rejections(kind, bad)
    good = rows[rows["problem"] == ""]
    ties_rows = good[good["by_tie"] == 1].sort_values(["source", "target", "ttype", "period"])
    labels = good[good["by_tie"] == 0].sort_values(["n", "label"], ascending=[False, True], kind="stable")
    top = labels.drop_duplicates(["source", "target", "ttype", "period"]).set_index(
        ["source", "target", "ttype", "period"])["label"]
    n_labels = labels.groupby(["source", "target", "ttype", "period"]).size()
    key = pd.MultiIndex.from_frame(ties_rows[["source", "target", "ttype", "period"]])
    label = top.reindex(key).to_numpy()
    n_lab = n_labels.reindex(key).to_numpy()
    n = ties_rows["n"].astype("int64").to_numpy()
    conflict = ties_rows["conflict"].astype("int64").to_numpy()
    sources = ties_rows["sources"].astype("int64").to_numpy()
    types = ties_rows["ttype"].to_numpy(dtype=object)
    adversarial = np.isin(types, list(ADVERSARIAL_TYPES)) | (2 * conflict > n)
    quotes, notes = [], []
    for i, (lab, ex) in enumerate(zip(label, ties_rows["example"])):
        what = (f"CAMEO {lab} {CAMEO_ROOTS.get(lab, 'unknown root')}" if kind == "gdelt" or
                (isinstance(lab, str) and lab.isdigit()) else f"ICEWS {str(lab).replace('_', ' ')}")
        more = f" (most frequent of {n_lab[i]})" if n_lab[i] > 1 else ""
        q = f"{n[i]} event{'s' if n[i] != 1 else ''}, {what}{more}"
        if sources[i]:
            q += f", {sources[i]} source{'s' if sources[i] != 1 else ''}"
        if isinstance(ex, str) and ex:
            q += f", e.g. {ex}"
        quotes.append(" ".join(q.split()))
        notes.append(f"{conflict[i]} of {n[i]} events in CAMEO quad class 3/4 (conflict)")
    ids = (f"{kind}:" + ties_rows["source"] + ":" + ties_rows["target"] + ":" + ties_rows["ttype"] + ":"
           + ties_rows["period"]).to_numpy(dtype=object)
    mean = pd.to_numeric(ties_rows["mean"], errors="coerce").to_numpy(dtype="float64")
    ties = _ties({"id": ids, "source": ties_rows["source"].to_numpy(dtype=object),
                  "target": ties_rows["target"].to_numpy(dtype=object), "type": types,
                  "polarity": np.where(adversarial, "adversarial", "cooperative"),
                  "start": ties_rows["period"].to_numpy(dtype=object), "directed": True,
                  "weight": n.astype("float64"), "value": mean,
                  "unit": "Goldstein" if kind == "gdelt" else ("intensity" if np.isfinite(mean).any() else ""),
                  "confidence": "reported", "doc": doc, "quote": np.asarray(quotes, dtype=object),
                  "note": np.asarray(notes, dtype=object), "line": np.zeros(len(ids), dtype="int64")},
                 path=files[0] if len(files) == 1 else doc, precision="day")
    first, last = _period_bounds(ties["start"], period)
    ties["start_date"], ties["end_date"] = first.to_numpy(), last.to_numpy()
    codes = np.concatenate([ties["source"].to_numpy(dtype=object), ties["target"].to_numpy(dtype=object)])
    label_of = doc if len(files) != 1 else files[0]
    actors = _actors(codes, [""] * len(codes), ["state"] * len(codes), {}, label_of)
    title = {"gdelt": "GDELT Event Database", "icews": "ICEWS coded event data"}[kind]
    publisher = {"gdelt": "The GDELT Project",
                 "icews": "Integrated Crisis Early Warning System (ICEWS)"}[kind]
    shown = ", ".join(Path(f).name for f in files[:3]) + (f" … ({len(files)} files)" if len(files) > 3 else "")
    docs = _documents(doc, f"{title}: {shown}, aggregated by {period}", publisher, label_of)
    total = int(rows.loc[rows["by_tie"] == 1, "n"].sum())
    notes = [f"{total} events read; {int(n.sum())} made {len(ties)} ties (one per source, target, type "
             f"and {period}); {total - int(n.sum())} rejected in {len(rejected)} groups"]
    return _dataset(ties, actors, docs, rejected, label_of, notes)


def aggregate_events(kind, patterns, *, period="month", engine="duckdb", memory_limit=None,
                     spark_master=None, progress=None):
    """Read event files of ``kind`` (gdelt, icews) and aggregate them into ties by ``period``.

    ``patterns`` are file names or globs. Returns a :class:`~graph.dataset.Dataset`.

    Raises
    ------
    DatasetError
        If a file cannot be read, has another layout, or the engine fails.
    """
    if period not in PERIODS[:3]:
        raise DatasetError(f"unknown period {period!r}; choose one of {', '.join(PERIODS)}")
    if engine not in ENGINES:
        raise DatasetError(f"unknown engine {engine!r}; choose one of {', '.join(ENGINES)}")
    files = expand_files(patterns)
    layouts = {p: sniff(p) for p in files}
    for p, (layout, _) in layouts.items():
        if not layout.startswith(kind):
            raise DatasetError(f"{p}: this is a {layout.split('-')[0].upper()} file, not {kind.upper()}")
    if engine == "duckdb":
        rows = run_duckdb(kind, files, layouts, period, memory_limit=memory_limit, progress=progress)
    else:
        from .spark import run_spark
        rows = run_spark(kind, files, layouts, period, master=spark_master, progress=progress)
    doc = files[0].name if len(files) == 1 else f"{kind}_events"
    return ties_from_rows(kind, rows, period, files=[str(f) for f in files], doc=doc)


# --------------------------------------------------------------------------- one tie per event

def read_event_frame(kind, path):
    """A file's events as the per-event importers' string frame and line numbers (``period="none"``)."""
    layout, n = sniff(path)
    if layout in ("gdelt-csv", "icews-csv"):
        return None  # the importers read these themselves
    import csv
    try:
        with _open_text(path) as fh:
            data = fh.read()
    except (OSError, EOFError, zipfile.BadZipFile, zlib.error) as ex:
        raise DatasetError(f"{path}: cannot be read ({ex})") from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as ex:
        line = data[:ex.start].count(b"\n") + 1
        raise DatasetError(f"{path}:{line}: the file is not UTF-8 text") from None
    header = 0 if layout == "icews-tab" else None
    try:
        frame = pd.read_csv(io.StringIO(text), sep="\t", header=header, dtype=str, keep_default_na=False,
                            quoting=csv.QUOTE_NONE, engine="c")
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as ex:
        raise DatasetError(f"{path}: not readable as {layout} ({str(ex).splitlines()[0]})") from None
    frame = frame.apply(lambda s: s.str.strip())
    if layout == "gdelt-tsv":
        if frame.shape[1] != n:
            raise DatasetError(f"{path}: rows have {frame.shape[1]} fields, the first line {n}")
        names = list(GDELT_FULL_COLUMNS[:35]) + [f"_c{k}" for k in range(35, n)]
        frame.columns = names
        frame["sourceurl"] = frame[f"_c{GDELT_URL_AT[n]}"] if GDELT_URL_AT[n] is not None else ""
        lines = np.arange(1, len(frame) + 1, dtype="int64")
    else:
        missing = [c for c in ICEWS_TAB_NEEDS if c not in frame.columns]
        if missing:
            raise DatasetError(f"{path}: this does not look like an ICEWS file: missing column(s) "
                               f"{', '.join(missing)}")
        frame = pd.DataFrame({"date": frame["Event Date"], "source": frame["Source Name"],
                              "event_type": frame["Event Text"].str.replace(" ", "_", regex=False),
                              "target": frame["Target Name"], "source_country": frame["Source Country"],
                              "target_country": frame["Target Country"], "cameo": frame["CAMEO Code"],
                              "intensity": frame["Intensity"], "event_id": frame["Event ID"]})
        lines = np.arange(2, len(frame) + 2, dtype="int64")
    return frame, lines
