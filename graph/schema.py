"""The tie data contract: columns, vocabularies and their order (DESIGN.md §1)."""

__all__ = [
    "TIE_COLUMNS", "TIE_REQUIRED", "ACTOR_COLUMNS", "ACTOR_REQUIRED",
    "DOCUMENT_COLUMNS", "DOCUMENT_REQUIRED", "TIE_TYPES", "CONFIDENCE_LEVELS",
    "CONFIDENCE_RANK", "ACTOR_KINDS", "POLARITIES", "ADVERSARIAL_TYPES",
    "default_polarity", "confidence_at_least", "CENTRALITY_METRICS",
]

TIE_COLUMNS = ("id", "source", "target", "type", "start", "end", "directed", "weight",
               "value", "unit", "confidence", "doc", "quote", "polarity", "note")
TIE_REQUIRED = ("id", "source", "target", "type", "start", "directed", "weight",
                "confidence", "doc", "quote")

ACTOR_COLUMNS = ("id", "name", "kind", "aliases", "group")
ACTOR_REQUIRED = ("id", "name", "kind")

DOCUMENT_COLUMNS = ("doc", "title", "publisher", "date", "author")
DOCUMENT_REQUIRED = ("doc",)

TIE_TYPES = ("arms_transfer", "technology_transfer", "trade", "energy",
             "military_exercise", "military_cooperation", "security_commitment",
             "diplomatic", "political_support", "sanctions", "hostile_act")

#: Weakest first, so that the index is the rank.
CONFIDENCE_LEVELS = ("speculated", "assessed", "reported", "confirmed")
CONFIDENCE_RANK = {level: i for i, level in enumerate(CONFIDENCE_LEVELS)}

ACTOR_KINDS = ("state", "organization", "company", "armed_group", "person")
POLARITIES = ("cooperative", "adversarial")
ADVERSARIAL_TYPES = frozenset({"sanctions", "hostile_act"})

#: Centrality metrics, in the order the ``all`` choice lists them.
CENTRALITY_METRICS = ("degree", "strength", "betweenness", "closeness", "eigenvector", "pagerank")


def default_polarity(tie_type):
    """Return the polarity a tie of ``tie_type`` has when its row leaves it empty.

    Examples
    --------
    >>> default_polarity("sanctions"), default_polarity("trade")
    ('adversarial', 'cooperative')
    """
    return "adversarial" if tie_type in ADVERSARIAL_TYPES else "cooperative"


def confidence_at_least(level, minimum):
    """Return whether confidence ``level`` is ``minimum`` or stronger.

    Examples
    --------
    >>> confidence_at_least("reported", "assessed"), confidence_at_least("speculated", "reported")
    (True, False)
    """
    return CONFIDENCE_RANK[level] >= CONFIDENCE_RANK[minimum]
