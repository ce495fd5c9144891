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

from .atop import import_atop
from .common import country_iso3
from .cow_codes import cow_code_table
from .cow_trade import import_cow_trade
from .gdelt import gdelt_tie_type, import_gdelt
from .icews import icews_tie_type, import_icews
from .sipri import import_sipri
from .tables import tie_table
from .xmltext import refuse_xml_text
from ..errors import DatasetError

__all__ = ["KINDS", "import_dataset", "import_sipri", "import_atop", "import_cow_trade",
           "import_icews", "import_gdelt", "country_iso3", "cow_code_table",
           "icews_tie_type", "gdelt_tie_type", "tie_table", "refuse_xml_text", "EVENT_KINDS"]


KINDS = {"sipri": import_sipri, "atop": import_atop, "cow-trade": import_cow_trade,
         "icews": import_icews, "gdelt": import_gdelt}


#: Kinds whose records are events, aggregated into ties (graph.importers.events).
EVENT_KINDS = ("gdelt", "icews")


def import_dataset(kind, path, *, cow_codes=None, progress=None, period="none", engine="duckdb",
                   memory_limit=None, spark_master=None):
    """Import ``path`` with the importer for ``kind`` (a key of :data:`KINDS`).

    ``path`` is a file, or for event kinds (:data:`EVENT_KINDS`) also a list of
    files and glob patterns. ``period`` (``day``, ``month``, ``year``) aggregates
    events into one tie per source, target, type and period on ``engine``
    (``duckdb`` or ``spark``, see :mod:`graph.importers.events`); ``none`` (the
    library's default; the CLI's is ``month``) makes one tie per event.
    ``progress``, if given, is called as ``progress(stage, done, total)``.

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
    paths = list(path) if isinstance(path, (list, tuple)) else [path]
    shown = paths[0] if len(paths) == 1 else f"{len(paths)} files"
    if progress is not None:
        progress(f"importing {shown} as {kind}", 0, None)
    if kind in EVENT_KINDS and period not in (None, "none"):
        from .events import aggregate_events
        ds = aggregate_events(kind, paths, period=period, engine=engine, memory_limit=memory_limit,
                              spark_master=spark_master, progress=progress)
    elif kind in EVENT_KINDS:
        from .events import expand_files
        files = expand_files(paths)
        parts = [KINDS[kind](f) for f in files]
        ds = parts[0] if len(parts) == 1 else _concat(parts)
    else:
        if len(paths) != 1:
            raise DatasetError(f"{kind} imports one file at a time; got {len(paths)}")
        if kind in ("atop", "cow-trade"):
            ds = KINDS[kind](paths[0], cow_codes=cow_codes)
        else:
            ds = KINDS[kind](paths[0])
    ds = refuse_xml_text(ds)  # the loader's rule, so that what an import writes loads back
    if progress is not None:
        progress(f"imported {shown} as {kind}", 1, None)
    return ds


def _concat(parts):
    """Datasets of several event files as one (one tie per event; ids made unique per file)."""
    import pandas as pd
    from ..dataset import Dataset
    ties = pd.concat([p.ties for p in parts], ignore_index=True)
    if not ties["id"].is_unique:  # icews:<line> repeats across files: name the file in the id
        ties["id"] = ties["file"].map(lambda f: __import__("pathlib").Path(f).name) + ":" + ties["id"]
    actors = pd.concat([p.actors for p in parts], ignore_index=True).drop_duplicates("id")
    documents = pd.concat([p.documents for p in parts], ignore_index=True).drop_duplicates("doc")
    return Dataset(ties=ties, actors=actors.reset_index(drop=True), documents=documents.reset_index(drop=True),
                   rejected=[r for p in parts for r in p.rejected],
                   sources=[s for p in parts for s in p.sources], notes=[n for p in parts for n in p.notes])
