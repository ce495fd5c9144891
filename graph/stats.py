"""Descriptive counts of a tie table: what is in it, by type and year."""

import pandas as pd

__all__ = ["summarize"]


def summarize(ties, actors=None, *, filtered=False):
    """Return counts of a tie table as a plain dict.

    Parameters
    ----------
    ties : DataFrame
        Loaded (and possibly sliced) ties.
    actors : DataFrame, optional
        The actor table. Unless ``filtered``, ``actors`` counts its rows (every
        known actor); otherwise only the actors with a tie in ``ties``.

    Returns
    -------
    dict
        ``actors``, ``ties``, ``documents`` (cited), ``by_type``, ``by_year``
        (by start year), ``by_confidence``, ``date_range`` (first and last day
        covered, ISO) and ``directed`` (count of directed ties).

    Examples
    --------
    >>> ties = pd.DataFrame({"source": ["A", "B"], "target": ["B", "C"], "type": ["trade", "trade"],
    ...     "confidence": ["confirmed", "reported"], "doc": ["d1", "d1"], "directed": [True, False],
    ...     "start_date": pd.to_datetime(["2021-03-01", "2023-01-01"]),
    ...     "end_date": pd.to_datetime(["2021-03-31", "2023-12-31"])})
    >>> s = summarize(ties)
    >>> s["actors"], s["by_year"], s["date_range"]
    (3, {'2021': 1, '2023': 1}, ['2021-03-01', '2023-12-31'])
    """
    involved = pd.unique(pd.concat([ties["source"], ties["target"]], ignore_index=True))
    n_actors = len(involved) if filtered or actors is None else len(set(actors["id"]) | set(involved))
    years = ties["start_date"].dt.year
    if len(ties):
        date_range = [ties["start_date"].min().date().isoformat(),
                      ties["end_date"].max().date().isoformat()]
    else:
        date_range = [None, None]
    return {
        "actors": int(n_actors),
        "ties": int(len(ties)),
        "documents": int(ties["doc"].nunique()),
        "directed": int(ties["directed"].sum()),
        "by_type": {k: int(v) for k, v in ties["type"].value_counts().sort_index().items()},
        "by_year": {str(k): int(v) for k, v in years.value_counts().sort_index().items()},
        "by_confidence": {k: int(v) for k, v in ties["confidence"].value_counts().sort_index().items()},
        "date_range": date_range,
    }
