"""Find actors by id, name or alias, forgiving case and accents."""

import difflib
import unicodedata

from .errors import AmbiguousActorError, UnknownActorError

__all__ = ["normalize_name", "actor_index", "resolve_actor"]


def normalize_name(text):
    """Return ``text`` folded for matching: no accents, case or extra spaces.

    Examples
    --------
    >>> normalize_name("  Türkiye ") == normalize_name("turkiye")
    True
    >>> normalize_name("Côte d’Ivoire")
    "cote d'ivoire"
    """
    text = unicodedata.normalize("NFKD", str(text))
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = text.replace("\u2019", "'").replace("\u2018", "'")
    return " ".join(text.casefold().split())


def actor_index(actors):
    """Return ``{folded key: actor id}`` for every id, name and alias.

    ``actors`` is a DataFrame or an iterable of dicts with ``id``, ``name``
    and optionally ``aliases`` (``;``-separated). Ids win over names, names
    over aliases, when two actors share a key.

    Examples
    --------
    >>> idx = actor_index([{"id": "PRK", "name": "North Korea", "aliases": "DPRK;Pyongyang"}])
    >>> idx["dprk"], idx["north korea"], idx["prk"]
    ('PRK', 'PRK', 'PRK')
    """
    rows = actors.to_dict("records") if hasattr(actors, "to_dict") else list(actors)
    index = {}
    for rank in ("aliases", "name", "id"):  # later ranks overwrite earlier ones
        for row in rows:
            value = row.get(rank) or ""
            keys = str(value).split(";") if rank == "aliases" else [value]
            for key in keys:
                key = normalize_name(key)
                if key:
                    index[key] = row["id"]
    return index


def resolve_actor(actors, query, *, index=None):
    """Return the id of the actor named ``query`` (id, name or alias).

    Raises
    ------
    UnknownActorError
        If nothing matches; the message suggests the closest names.
    AmbiguousActorError
        If the name or alias belongs to two or more actors (an id always names one).

    Examples
    --------
    >>> actors = [{"id": "PRK", "name": "North Korea", "aliases": "DPRK"},
    ...           {"id": "KOR", "name": "South Korea", "aliases": "ROK"}]
    >>> resolve_actor(actors, "dprk"), resolve_actor(actors, "SOUTH KOREA")
    ('PRK', 'KOR')
    >>> resolve_actor(actors + [{"id": "ROK", "name": "Korea"}, {"id": "KORX", "name": "X", "aliases": "Korea"}],
    ...               "korea")
    Traceback (most recent call last):
    ...
    graph.errors.AmbiguousActorError: 'korea' names 2 actors: KORX, ROK; use the id of the one you mean
    >>> resolve_actor(actors, "Nort Korea")
    Traceback (most recent call last):
    ...
    graph.errors.UnknownActorError: no actor named 'Nort Korea'; did you mean 'North Korea', 'South Korea'?
    """
    index = index if index is not None else actor_index(actors)
    key = normalize_name(query)
    rows = actors.to_dict("records") if hasattr(actors, "to_dict") else list(actors)
    if key in index:
        found = index[key]
        if any(normalize_name(row["id"]) == key for row in rows):
            return found  # an id names one actor
        sharing = sorted({str(row["id"]) for row in rows
                          if normalize_name(row.get("name") or "") == key
                          or key in (normalize_name(a) for a in str(row.get("aliases") or "").split(";"))})
        if len(sharing) > 1:
            raise AmbiguousActorError(query, sharing)
        return found
    display = {}
    for row in rows:
        for k in [row.get("name") or "", row["id"]] + str(row.get("aliases") or "").split(";"):
            if normalize_name(k):
                display.setdefault(normalize_name(k), row.get("name") or row["id"])
    close = difflib.get_close_matches(key, list(display), n=6, cutoff=0.6)
    if not close:  # a fragment such as "korea" or "kim"
        close = sorted(k for k in display if key and key in k)[:6]
    names = []
    for k in close:
        if display[k] not in names:
            names.append(display[k])
    raise UnknownActorError(query, names[:3])
