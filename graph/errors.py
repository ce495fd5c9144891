"""Errors that tiegraph raises on purpose."""

__all__ = ["TiesError", "DatasetError", "UnknownActorError", "AmbiguousActorError", "QueryError"]


class TiesError(Exception):
    """Base class for every error we raise on purpose."""


class DatasetError(TiesError):
    """A ties file is unreadable, lacks columns, has bad values or clashes with another."""


class UnknownActorError(TiesError):
    """An actor was asked for that is not in the data."""

    def __init__(self, query, suggestions=()):
        self.query = query
        self.suggestions = list(suggestions)
        msg = f"no actor named {query!r}"
        if self.suggestions:
            msg += "; did you mean " + ", ".join(repr(s) for s in self.suggestions) + "?"
        super().__init__(msg)


class QueryError(TiesError):
    """A question that has no answer on this data (no path, empty slice, ...)."""


class AmbiguousActorError(TiesError):
    """A name or alias that two or more actors share was used to pick one."""

    def __init__(self, query, ids):
        self.query = query
        self.ids = list(ids)
        super().__init__(f"{query!r} names {len(self.ids)} actors: {', '.join(self.ids)}; "
                         "use the id of the one you mean")
