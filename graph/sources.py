"""What a ``--data`` value points at, and which reader reads it: decided in one place.

A value is one of

* a directory holding ``ties.csv`` (and optionally ``actors.csv``, ``documents.csv``);
* a single file, read by its suffix: ``.csv`` (and anything unknown) as a
  ties CSV; the other formats in :data:`SUFFIXES` by their readers;
* ``FORMAT:FILE`` to name the format whatever the suffix (``csv:ties.txt``);
* ``KIND:FILE`` for a public dataset in its publisher's layout
  (``sipri:trade_register.csv``), converted by :mod:`graph.importers`.

:func:`resolve_source` only looks at names and the file system; readers are
imported when a source is read (:func:`read_source`), so that neither this
module nor :mod:`graph.load` imports the heavy ones before they are needed.
Readers return a :class:`~graph.dataset.Part`; none of them imports
:mod:`graph.load`, which merges and checks the parts.
"""

import importlib
import os
from dataclasses import dataclass
from pathlib import Path

from .errors import DatasetError

__all__ = ["Source", "SUFFIXES", "FORMATS", "IMPORT_KINDS", "check_regular_file", "resolve_source",
           "read_source"]

#: File suffix → format name.
SUFFIXES = {".csv": "csv", ".parquet": "parquet", ".pq": "parquet", ".xlsx": "xlsx", ".xlsm": "xlsx", ".xls": "xlsx",
            ".gexf": "gexf", ".graphml": "graphml", ".json": "json", ".cyjs": "json", ".jsonl": "json",
            ".ndjson": "json"}
#: Spreadsheet files an analyst may pass that no reader takes (named, not read as a "binary CSV").
UNREAD = {".ods": "an OpenDocument spreadsheet (.ods)", ".xlsb": "an Excel binary workbook (.xlsb)",
          ".numbers": "an Apple Numbers file"}

#: Formats whose reader also takes the file gzip-compressed (``ties.gexf.gz``).
GZIP_FORMATS = ("gexf", "graphml", "json")

#: Format name → ``module:function`` reading it into a Part (``csv``/``dir`` are graph.load's own).
FORMATS = {"csv": None, "dir": None,
           "gexf": "graph.formats.gexf:read_gexf", "graphml": "graph.formats.graphml:read_graphml",
           "json": "graph.formats.jsongraph:read_json", "xlsx": "graph.formats.xlsx:read_xlsx"}
FORMATS["parquet"] = "graph.parquet:read_parquet"

#: Public-dataset kinds accepted before ``:`` (``sipri:FILE``); see graph.importers.
IMPORT_KINDS = ("sipri", "atop", "cow-trade", "icews", "gdelt")


_FILE_KINDS = (("S_ISFIFO", "a FIFO (named pipe)"), ("S_ISCHR", "a character device"),
               ("S_ISBLK", "a block device"), ("S_ISSOCK", "a socket"), ("S_ISDIR", "a directory"))


def check_regular_file(path):
    """Raise DatasetError unless ``path`` is a regular file (looked at, never opened).

    A FIFO with no writer would block forever and ``/dev/zero`` never ends, so
    they are refused before any read.

    Examples
    --------
    >>> check_regular_file("/dev/null")
    Traceback (most recent call last):
    ...
    graph.errors.DatasetError: /dev/null: is a character device, not a regular file; save the data to a file and pass that
    """
    import stat
    try:
        st = os.stat(path)
    except FileNotFoundError:
        raise DatasetError(f"{path}: no such file") from None
    except OSError as ex:
        raise DatasetError(f"{path}: cannot be read ({ex.strerror})") from None
    if stat.S_ISREG(st.st_mode):
        return
    kind = next((name for test, name in _FILE_KINDS if getattr(stat, test)(st.st_mode)), "not a file")
    if kind == "a directory":
        raise DatasetError(f"{path}: is a directory, not a CSV file")
    raise DatasetError(f"{path}: is {kind}, not a regular file; save the data to a file and pass that")


@dataclass(frozen=True)
class Source:
    """One resolved ``--data`` value: ``reader`` is a format name, ``dir`` or an import kind."""

    spec: str
    reader: str
    path: Path


def _prefixed(text):
    """``(prefix, rest)`` for ``NAME:REST`` where NAME looks like a kind or format; else None."""
    kind, sep, rest = text.partition(":")
    if not sep or len(kind) < 2 or not kind.replace("-", "").isalpha():
        return None
    return kind.lower(), rest


def resolve_source(spec):
    """Return the :class:`Source` for one ``--data`` value.

    Raises
    ------
    DatasetError
        If the path does not exist, a directory has no tie table, or the
        prefix before ``:`` is neither a known format nor a dataset kind.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (d / "ties.csv").write_text("id\\n")
    >>> resolve_source(d).reader, resolve_source(d / "ties.csv").reader, resolve_source(f"csv:{d}/ties.csv").reader
    ('dir', 'csv', 'csv')
    >>> resolve_source("nowhere.csv")
    Traceback (most recent call last):
    ...
    graph.errors.DatasetError: nowhere.csv: no such file or directory
    """
    text = str(spec)
    path = Path(text)
    if text == "-" and not path.exists():
        raise DatasetError("-: data is not read from stdin; save it to a file and pass that")
    pre = None if path.exists() else _prefixed(text)
    if pre is not None:
        kind, rest = pre
        if kind in IMPORT_KINDS or kind in FORMATS or kind in SUFFIXES.values():
            if not Path(rest).exists():
                raise DatasetError(f"{rest}: no such file (from --data {text})")
            if kind in IMPORT_KINDS or not Path(rest).is_dir():
                _regular(rest)
                return Source(text, kind, Path(rest))
            path = Path(rest)
            return _directory(text, path, kind)
        raise DatasetError(f"{text}: unknown dataset kind {kind!r} before ':'; known kinds: "
                           f"{', '.join(sorted(IMPORT_KINDS))}; known formats: "
                           f"{', '.join(sorted(set(SUFFIXES.values())))}")
    if path.is_dir():
        return _directory(text, path, None)
    if not path.exists():
        raise DatasetError(f"{path}: no such file or directory")
    _regular(path)
    if path.suffix.lower() in UNREAD:
        raise DatasetError(f"{path}: {UNREAD[path.suffix.lower()]} is not read; save it as .xlsx or CSV "
                           "and pass that")
    reader = SUFFIXES.get(path.suffix.lower(), "csv")
    if path.suffix.lower() == ".gz":
        inner = SUFFIXES.get(Path(path.stem).suffix.lower())
        if inner not in GZIP_FORMATS:
            raise DatasetError(f"{path}: a gzip-compressed file is read only as .gexf.gz, .graphml.gz or "
                               ".json.gz; uncompress it first (gunzip)")
        reader = inner
    return Source(text, reader if reader in FORMATS else "csv", path)


def _regular(path):
    """Refuse a FIFO, device or socket at once (reading one may block or never end)."""
    check_regular_file(path)


def _directory(text, path, fmt):
    if fmt in (None, "csv") and (path / "ties.csv").is_file():
        return Source(text, "dir", path)
    if fmt in (None, "parquet") and "parquet" in FORMATS and \
            ((path / "ties.parquet").is_file() or any(path.glob("*.parquet"))):
        return Source(text, "parquet", path)
    raise DatasetError(f"{path}: directory has no ties.csv")


def read_source(source, *, progress=None, cow_codes=None, cache=True):
    """Read a resolved source other than a CSV file or directory into a :class:`Part`.

    A public dataset (``KIND:FILE``) is imported through the import cache
    (:mod:`graph.cache`) unless ``cache`` is false; events are aggregated by month.

    Raises
    ------
    DatasetError
        If the source cannot be read.
    """
    if source.reader in IMPORT_KINDS:
        from .cache import cached_import
        from .importers import EVENT_KINDS
        period = "month" if source.reader in EVENT_KINDS else "none"

        def build():
            from .dataset import Part
            from .importers import import_dataset
            ds = import_dataset(source.reader, source.path, cow_codes=cow_codes, progress=progress,
                                period=period)
            return Part(label=str(ds.sources[0] if ds.sources else source.path), ties=ds.ties,
                        actors=ds.actors, documents=ds.documents, rejected=list(ds.rejected),
                        notes=list(ds.notes), checked=True)
        return cached_import(source.reader, source.path, build,
                             options=(("period", period), ("cow_codes", str(cow_codes or ""))),
                             use_cache=cache, progress=progress)
    target = FORMATS.get(source.reader)
    if not target:
        raise DatasetError(f"{source.spec}: reading {source.reader} files is not supported")
    module, _, func = target.partition(":")
    return getattr(importlib.import_module(module), func)(source.path, progress=progress)
