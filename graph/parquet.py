"""Ties (and actors, documents) as Parquet: a typed format that loads at about the speed of the disk.

Layout: ``ties.parquet`` holds the tie columns of ``data/ties.csv`` with their
types (text as strings, ``directed`` boolean, ``weight``/``value`` float64;
``value`` null where empty); ``actors.parquet`` and ``documents.parquet``
beside it are optional, as ``actors.csv``/``documents.csv`` are. ``--data``
takes such a file, or a directory holding ``ties.parquet`` or any number of
Parquet files of ties (a partitioned export; ``actors.parquet`` and
``documents.parquet`` are read as those tables).

Reading is the typed fast path of :func:`graph.load.check_ties`: columns
already of the right type are not parsed again, strings are trimmed only
where some value has whitespace at an edge, but every check still runs (a
Parquet file from elsewhere can hold anything): required values, unique ids,
vocabularies, dates, weights. A column of another type (``weight`` as text,
``directed`` with nulls) is cast to text and checked as text. Rows are
numbered from 1 in rejections (``ties.parquet:12``).
"""

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pandas as pd

from .dataset import Part
from .errors import DatasetError
from .files import atomic_files, atomic_path
from .schema import ACTOR_COLUMNS, DOCUMENT_COLUMNS, TIE_COLUMNS

__all__ = ["read_parquet", "write_ties_parquet", "write_dataset_parquet", "ties_table", "SIDE_TABLES"]

#: Files of a Parquet dataset directory that are not ties.
SIDE_TABLES = ("actors.parquet", "documents.parquet")
_TYPED = {"directed": "bool", "weight": "double", "value": "double"}
_META = {b"tiegraph": b"ties 1"}


def ties_table(ties):
    """The tie columns of a parsed ties frame as a typed Arrow table (what ``ties.parquet`` holds)."""
    import pyarrow as pa
    cols = {}
    for c in TIE_COLUMNS:
        s = ties[c] if c in ties.columns else pd.Series([""] * len(ties), index=ties.index)
        if c == "directed":
            cols[c] = pa.array(s.astype(bool).to_numpy(), type=pa.bool_())
        elif c in ("weight", "value"):
            v = pd.to_numeric(s, errors="coerce").to_numpy(dtype="float64")
            cols[c] = pa.array(v, type=pa.float64(), from_pandas=True)
        else:
            cols[c] = pa.array(s.astype(object).where(s.notna(), "").astype(str).to_numpy(dtype=object),
                               type=pa.string())
    return pa.table(cols).replace_schema_metadata(_META)


def _text_table(frame, columns):
    import pyarrow as pa
    return pa.table({c: pa.array(frame[c].astype(object).where(frame[c].notna(), "").astype(str)
                                 .to_numpy(dtype=object) if c in frame.columns else [""] * len(frame),
                                 type=pa.string()) for c in columns})


def write_ties_parquet(ties, path):
    """Write the ties of a parsed frame to one Parquet file, atomically (same ties → same bytes)."""
    import pyarrow.parquet as pq
    with atomic_path(path) as tmp:
        pq.write_table(ties_table(ties), tmp, compression="zstd")


def write_dataset_parquet(ds, directory):
    """Write ``ties.parquet``, ``actors.parquet`` and ``documents.parquet`` into ``directory`` together."""
    import pyarrow.parquet as pq
    tables = {"ties.parquet": ties_table(ds.ties),
              "actors.parquet": _text_table(ds.actors, ACTOR_COLUMNS),
              "documents.parquet": _text_table(ds.documents, DOCUMENT_COLUMNS)}
    with atomic_files(directory, tables) as temps:
        for name, table in tables.items():
            pq.write_table(table, temps[name], compression="zstd")


#: Tie columns read dictionary-encoded: they hold few distinct values (Parquet stores them as a
#: dictionary already), so the checks look at each distinct value once (``check_ties(codes=...)``)
#: and the strings are made by one ``take`` from the dictionary, cheaper than Parquet's own decoding.
_DICT_COLUMNS = ("source", "target", "type", "start", "end", "confidence", "polarity")


def _read(path, dictionary=()):
    import pyarrow as pa
    import pyarrow.parquet as pq
    try:
        if dictionary:
            schema = pq.read_schema(path)
            dictionary = [c for c in dictionary if schema.get_field_index(c) >= 0 and
                          (pa.types.is_string(schema.field(c).type) or pa.types.is_large_string(schema.field(c).type))]
        return pq.read_table(path, read_dictionary=list(dictionary) or None)
    except (pa.ArrowInvalid, OSError) as ex:
        raise DatasetError(f"{path}: not readable as Parquet ({str(ex).splitlines()[0]})") from None


def _decoded(col):
    """A dictionary-encoded text column as ``(strings, codes, values)``: trimmed, nulls as "".

    ``strings`` is the column as plain Arrow strings; ``values[codes]`` is the same
    column (``codes`` a NumPy array). None when the dictionary does not hold text.
    """
    import pyarrow as pa
    import pyarrow.compute as pac
    from .load import _trim
    col = pa.table({"c": col}).unify_dictionaries().column(0)
    if col.num_chunks == 0:
        return None
    values = col.chunk(0).dictionary
    if not (pa.types.is_string(values.type) or pa.types.is_large_string(values.type)):
        return None
    # one more entry, "", for the nulls (of the values and of the indices)
    # large_string: what pandas' string array holds (no cast of the decoded column after)
    values = pac.fill_null(pa.concat_arrays([values.cast(pa.large_string()), pa.array([""], pa.large_string())]), "")
    values = _trim(pa.chunked_array([values])).chunk(0)
    empty = len(values) - 1
    indices = [pac.fill_null(ch.indices, empty) if ch.indices.null_count else ch.indices for ch in col.chunks]
    strings = pa.chunked_array([values.take(i) for i in indices], type=values.type)
    codes = np.concatenate([i.to_numpy(zero_copy_only=False) for i in indices] + [np.zeros(0, np.int32)])
    return strings, codes, values.to_pylist()


def _frame(table, columns, place, *, typed=(), codes=None, pool=None):
    """A checked-as-text frame of ``table``: strings trimmed (nulls → ""), typed columns kept when right.

    The ``(codes, values)`` of each dictionary-encoded text column are put in ``codes``
    (a dict) when one is given. With a thread ``pool`` those columns are decoded in it
    while the others are made here.
    """
    import pyarrow as pa
    import pyarrow.compute as pac
    from .load import _str_array, _trim
    data = {}
    n = table.num_rows
    decoding = {c: (pool.submit(_decoded, table.column(c)) if pool else None) for c in table.column_names
                if pa.types.is_dictionary(table.schema.field(c).type)}
    for c in table.column_names:
        col = table.column(c)
        want = _TYPED.get(c) if c in typed else None
        if c in decoding:
            got = decoding[c].result() if decoding[c] else _decoded(col)
            if got is not None:
                data[c] = pd.Series(_str_array(got[0]))
                if codes is not None:
                    codes[c] = got[1:]
                continue
        if want == "double" and (pa.types.is_floating(col.type) or pa.types.is_integer(col.type)):
            data[c] = pd.Series(pac.cast(col, pa.float64()).to_numpy(), dtype="float64")
            continue
        if want == "bool" and pa.types.is_boolean(col.type) and col.null_count == 0:
            data[c] = pd.Series(col.to_numpy(), dtype=bool)
            continue
        if not (pa.types.is_string(col.type) or pa.types.is_large_string(col.type)):
            try:
                col = pac.cast(col, pa.string())
            except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
                raise DatasetError(f"{place}: column {c!r} of type {col.type} cannot be read as text") from None
        if col.null_count:
            col = pac.fill_null(col, "")
        col = _trim(col)
        data[c] = pd.Series(_str_array(col))
    frame = pd.DataFrame(data)
    frame["line"] = np.arange(1, n + 1, dtype="int64")
    frame.attrs["place"] = place
    return frame


def read_parquet(path, progress=None):
    """Read a ``ties.parquet`` file or a directory of Parquet files into a checked :class:`Part`.

    Every value is checked as :func:`graph.load.check_ties` checks a ties CSV (a
    Parquet file from elsewhere can hold anything); the columns of few distinct
    values are read dictionary-encoded and checked once per distinct value.

    Raises
    ------
    DatasetError
        If a file is not Parquet or lacks the tie columns ``id``/``source``/``target``.
    """
    import pyarrow as pa
    path = Path(path)
    actors = documents = None
    if path.is_dir():
        named = path / "ties.parquet"
        files = [named] if named.is_file() else sorted(
            p for p in path.glob("*.parquet") if p.name not in SIDE_TABLES)
        if not files:
            raise DatasetError(f"{path}: directory has no ties.parquet or other Parquet file of ties")
        for name in SIDE_TABLES:
            side = path / name
            if side.is_file():
                frame = _frame(_read(side), None, str(side))
                if name == "actors.parquet":
                    actors = frame
                else:
                    documents = frame
        label = str(files[0]) if len(files) == 1 else str(path)
    else:
        files, label = [path], str(path)
    # one file: the columns of few values dictionary-encoded (a directory of several files: as they are,
    # so that concat_tables unifies their types as it does any others)
    tables = [_read(f, _DICT_COLUMNS if len(files) == 1 else ()) for f in files]
    for f, t in zip(files, tables):
        missing = [c for c in ("id", "source", "target") if c not in t.column_names]
        if missing:
            raise DatasetError(f"{f}: not a Parquet file of ties: missing column(s) {', '.join(missing)}")
    if len(tables) > 1:
        try:
            table = pa.concat_tables(tables, promote_options="permissive")
        except (pa.ArrowInvalid, pa.ArrowTypeError) as ex:
            raise DatasetError(f"{path}: the Parquet files do not share one schema ({ex})") from None
    else:
        table = tables[0]
    from .load import _THREAD_MIN_ROWS, _first_rows, check_part
    codes = {}
    if table.num_rows < _THREAD_MIN_ROWS:
        ties = _frame(table, TIE_COLUMNS, label, typed=tuple(_TYPED), codes=codes)
        first = None
    else:  # big: the columns decoded and the ids' first rows sorted out in two threads meanwhile
        pool = ThreadPoolExecutor(max_workers=2)
        try:
            if "id" in table.column_names and not pa.types.is_dictionary(table.schema.field("id").type):
                ids = _frame(table.select(["id"]), ("id",), label)["id"]
                first = pool.submit(_first_rows, ids)
                ties = _frame(table.drop_columns(["id"]), TIE_COLUMNS, label, typed=tuple(_TYPED),
                              codes=codes, pool=pool)
                ties.insert(0, "id", ids)
            else:
                first = None
                ties = _frame(table, TIE_COLUMNS, label, typed=tuple(_TYPED), codes=codes, pool=pool)
            return check_part(Part(label=label, ties=ties, actors=actors, documents=documents), codes=codes,
                              first=first)
        finally:
            pool.shutdown(cancel_futures=True)
    part = Part(label=label, ties=ties, actors=actors, documents=documents, checked=False)
    return check_part(part, codes=codes, first=first)
