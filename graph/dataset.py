"""What a reader hands back: a loaded dataset, and one part of it before merging."""

from dataclasses import dataclass, field

__all__ = ["Dataset", "Part", "format_rejection"]


@dataclass(frozen=True)
class Dataset:
    """Ties, actors and documents loaded together, with the rows that were set aside.

    ``ties`` has the columns of ``data/ties.csv`` (types parsed; ``polarity``
    filled with the type's default), plus ``start_date``/``end_date`` (the first
    and last day the tie covers), ``file`` and ``line`` (where it came from).
    ``rejected`` lists dicts with ``file``, ``line``, ``id``, ``field``, ``reason``.
    ``notes`` are sentences from importers about source rows that make no tie by
    the source's own definition (a trade flow of 0), so that nothing is left out
    unsaid.
    """

    ties: object
    actors: object
    documents: object
    rejected: list = field(default_factory=list)
    sources: list = field(default_factory=list)
    notes: list = field(default_factory=list)


@dataclass(frozen=True)
class Part:
    """One source of a dataset (a directory, a file, an import), as its reader gives it.

    ``label`` names it in messages (a path). ``checked`` tells whether the
    tables are already parsed and checked (importers, typed formats) or are
    tables of stripped strings with a ``line`` column that
    :func:`graph.load.load_dataset` checks like a ties CSV. ``actors`` or
    ``documents`` is ``None`` when the source has no such table: the actors its
    ties name are then inferred (a bare ties file), not checked against a table.
    ``rejected`` holds what the reader itself refused (rows it could not read).
    """

    label: str
    ties: object
    actors: object = None
    documents: object = None
    rejected: list = field(default_factory=list)
    notes: list = field(default_factory=list)
    checked: bool = False


def format_rejection(r):
    """Return one rejected row as ``file:line: id: field: reason``.

    Examples
    --------
    >>> format_rejection({"file": "t.csv", "line": 3, "id": "t1", "field": "weight",
    ...                   "reason": "must be a number > 0, got '-1'"})
    "t.csv:3: t1: weight: must be a number > 0, got '-1'"
    """
    return f"{r['file']}:{r['line']}: {r['id'] or '-'}: {r['field']}: {r['reason']}"
