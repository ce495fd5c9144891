"""The import cache: ``--data KIND:FILE`` converts a public dataset once and keeps the ties as Parquet.

Where: the user's cache directory (``platformdirs.user_cache_dir("tiegraph")``,
e.g. ``~/.cache/tiegraph``), or ``$TIEGRAPH_CACHE_DIR`` when set. One entry
per import: a directory named by the key, holding ``ties.parquet``,
``actors.parquet``, ``documents.parquet`` and ``meta.json`` (rejections,
notes, the key and a SHA-256 of each table file), written together and
atomically (:func:`graph.files.atomic_files`).

The key covers what decides the result: the import kind and its options,
the file's absolute path, size and modification time, a SHA-256 of its first
and last MiB, and :data:`graph.importers.events.IMPORTER_VERSION`. An entry
is used only when ``meta.json`` parses, names the same key and version, and
every table file has the recorded hash and reads as Parquet; anything else
(a half-written, corrupt or older entry) is ignored and rebuilt — never trusted.
"""

import hashlib
import json
import os
from pathlib import Path

import numpy as np
import pandas as pd

from .dataset import Part
from .files import atomic_files

__all__ = ["cache_dir", "cache_key", "cached_import"]

_TABLES = ("ties.parquet", "actors.parquet", "documents.parquet")
_EDGE = 1 << 20


def cache_dir():
    """The cache directory: ``$TIEGRAPH_CACHE_DIR`` or platformdirs' user cache dir for tiegraph."""
    env = os.environ.get("TIEGRAPH_CACHE_DIR")
    if env:
        return Path(env)
    import platformdirs
    return Path(platformdirs.user_cache_dir("tiegraph", appauthor=False))


def _home_ok():
    """Whether the cache may be written: a home that does not exist (a service account, HOME set to a
    missing path) is not created just to hold a cache; ``$TIEGRAPH_CACHE_DIR`` is always used."""
    if os.environ.get("TIEGRAPH_CACHE_DIR"):
        return True
    try:
        return Path.home().is_dir()
    except (RuntimeError, KeyError, OSError):
        return False


def cache_key(kind, path, options=()):
    """The hex key of importing ``path`` as ``kind`` with ``options`` (a sorted tuple of pairs)."""
    from .importers.events import IMPORTER_VERSION
    path = Path(path).resolve()
    st = path.stat()
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        h.update(fh.read(_EDGE))
        if st.st_size > 2 * _EDGE:
            fh.seek(-_EDGE, os.SEEK_END)
        h.update(fh.read(_EDGE))
    parts = [kind, str(path), str(st.st_size), str(st.st_mtime_ns), h.hexdigest(), IMPORTER_VERSION,
             repr(sorted(options))]
    return hashlib.sha256("\0".join(parts).encode("utf-8")).hexdigest()[:32]


def _sha(path):
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _load(entry, key):
    """The cached Part, or None when the entry is missing, another version or damaged in any way."""
    import pyarrow.parquet as pq
    from .importers.events import IMPORTER_VERSION
    from .load import _str_array
    try:
        meta = json.loads((entry / "meta.json").read_text(encoding="utf-8"))
        if meta.get("key") != key or meta.get("version") != IMPORTER_VERSION:
            return None
        tables = {}
        for name in _TABLES:
            if _sha(entry / name) != meta["sha256"][name]:
                return None
            tables[name] = pq.read_table(entry / name)
        ties = tables["ties.parquet"]
        frame = pd.DataFrame({c: (pd.Series(_str_array(ties.column(c))) if ties.schema.field(c).type == "string"
                                  else ties.column(c).to_pandas()) for c in ties.column_names})
        for c, dtype in meta["dtypes"].items():
            if str(frame[c].dtype) != dtype:
                frame[c] = frame[c].astype(dtype)
        actors = tables["actors.parquet"].to_pandas()
        documents = tables["documents.parquet"].to_pandas()
        return Part(label=meta["label"], ties=frame, actors=actors, documents=documents,
                    rejected=meta["rejected"], notes=meta["notes"], checked=True)
    except Exception:  # any damage (I/O, JSON, pyarrow's errors on a damaged file, missing keys): rebuild
        return None


def _store(entry, key, part):
    import pyarrow as pa
    import pyarrow.parquet as pq
    from .importers.events import IMPORTER_VERSION
    ties = part.ties.copy()
    ties["line"] = ties["line"].astype("int64")
    cols = {}
    for c in ties.columns:
        s = ties[c]
        if s.dtype == object or pd.api.types.is_string_dtype(s.dtype):
            cols[c] = pa.array(s.astype(object).where(s.notna(), "").astype(str).to_numpy(dtype=object),
                               type=pa.string())
        else:
            cols[c] = pa.array(s.to_numpy(), from_pandas=True)
    tables = {"ties.parquet": pa.table(cols),
              "actors.parquet": pa.Table.from_pandas(part.actors.astype(object).where(part.actors.notna(), "")
                                                     .astype(str), preserve_index=False),
              "documents.parquet": pa.Table.from_pandas(part.documents.astype(object)
                                                        .where(part.documents.notna(), "").astype(str),
                                                        preserve_index=False)}
    names = list(_TABLES) + ["meta.json"]
    with atomic_files(entry, names) as temps:
        sha = {}
        for name in _TABLES:
            pq.write_table(tables[name], temps[name], compression="zstd")
            sha[name] = _sha(temps[name])
        meta = {"key": key, "version": IMPORTER_VERSION, "label": part.label, "sha256": sha,
                "dtypes": {c: str(ties[c].dtype) for c in ("start_date", "end_date", "weight", "value")},
                "rejected": [{k: (int(v) if isinstance(v, (np.integer,)) else v) for k, v in r.items()}
                             for r in part.rejected],
                "notes": list(part.notes)}
        Path(temps["meta.json"]).write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")


def cached_import(kind, path, build, options=(), *, use_cache=True, progress=None):
    """The Part for ``kind:path``: from the cache when a sound entry is there, else ``build()`` (stored).

    A cache that cannot be written (read-only home, full disk) only costs the
    next command the import again.
    """
    if not use_cache:
        return build()
    try:
        key = cache_key(kind, path, options)
    except OSError:
        return build()
    entry = cache_dir() / f"{kind}-{key}"
    if entry.is_dir():
        part = _load(entry, key)
        if part is not None:
            if progress is not None:
                progress(f"read {path} from the import cache", 1, 1)
            return part
    part = build()
    if not _home_ok():
        return part
    try:
        _store(entry, key, part)
    except OSError:
        pass
    return part
