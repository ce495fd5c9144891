"""The cue tables of ``extract`` (data/extract/*.csv), read and checked.

The tables are data a curator extends: one row per actor form, trigger, grade cue, negation
cue or date pattern (data/extract/README.md describes each). A bad row is an error naming the
file, the line and the field, never a silent skip.
"""

import csv
import os
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

from graph.errors import DatasetError
from graph.schema import ACTOR_KINDS, CONFIDENCE_LEVELS, TIE_TYPES

__all__ = ["Tables", "load_tables", "tables_dir", "TABLE_FILES", "MONTHS", "UNIT_REF"]

TABLE_FILES = {
    "actors.csv": ("id", "name", "kind", "group", "form", "form_kind"),
    "triggers.csv": ("type", "cue", "role", "directed", "polarity", "example"),
    "grades.csv": ("cue", "grade", "example"),
    "negations.csv": ("cue", "kind", "example"),
    "dates.csv": ("name", "pattern", "example"),
    "references.csv": ("cue", "count", "example"),
    "quantities.csv": ("unit", "pattern", "types", "example"),
    "sections.csv": ("heading", "kind", "example"),
    "places.csv": ("form", "example"),
    "leads.csv": ("kind", "pattern", "example"),
}
LEAD_KINDS = ("dateline", "speaker")
SECTION_KINDS = ("summary",)
UNIT_REF = {"USD": 1e9, "Mt": 1000 / 566, "bcm": 4.0, "rounds": 500000.0}
ROLES = ("trigger", "verb", "object")
FORM_KINDS = ("name", "alias", "demonym", "capital", "leader", "institution")
NEGATION_KINDS = ("negation", "refusal", "unnamed", "recommendation", "continuation")
MONTHS = {m: i for i, m in enumerate(
    ["January", "February", "March", "April", "May", "June", "July", "August", "September",
     "October", "November", "December"], start=1)}
_MONTH_RE = "(?:" + "|".join(MONTHS) + "|" + "|".join(m[:3] + r"\." for m in MONTHS
                                                        if len(m) > 4) + ")"


@dataclass
class Tables:
    """The five cue tables as lists of row dicts (each with its ``line``), plus where they came from."""
    directory: Path
    actors: list = field(default_factory=list)
    triggers: list = field(default_factory=list)
    grades: list = field(default_factory=list)
    negations: list = field(default_factory=list)
    dates: list = field(default_factory=list)
    references: list = field(default_factory=list)
    quantities: list = field(default_factory=list)
    sections: list = field(default_factory=list)
    places: list = field(default_factory=list)
    leads: list = field(default_factory=list)

    def date_patterns(self):
        """``[(name, compiled regex)]`` in table order; ``MONTH`` in a pattern is any month name."""
        return [(d["name"], re.compile(d["pattern"].replace("MONTH", _MONTH_RE))) for d in self.dates]


def tables_dir():
    """Where the cue tables are: ``TIEGRAPH_EXTRACT_TABLES``, else ``extract/`` beside the bundled data."""
    env = os.environ.get("TIEGRAPH_EXTRACT_TABLES")
    if env:
        return Path(env)
    for base in (Path(__file__).resolve().parent.parent.parent / "data",
                 Path(sys.prefix) / "share" / "tiegraph" / "data"):
        if (base / "extract" / "triggers.csv").is_file():
            return base / "extract"
    raise DatasetError("the cue tables of extract (data/extract/*.csv) were not found; "
                       "set TIEGRAPH_EXTRACT_TABLES to their directory")


def _read(path, columns):
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as ex:
        raise DatasetError(f"{path}: cannot be read ({ex.strerror})") from None
    except UnicodeDecodeError:
        raise DatasetError(f"{path}: is not UTF-8 text") from None
    reader = csv.DictReader(text.lstrip("\ufeff").splitlines())
    missing = [c for c in columns if c not in (reader.fieldnames or [])]
    if missing:
        raise DatasetError(f"{path}: missing column {', '.join(missing)} (expected {', '.join(columns)})")
    rows = []
    for i, row in enumerate(reader, start=2):
        row = {k: (v or "").strip() for k, v in row.items() if k}
        row["line"] = i
        rows.append(row)
    return rows


def _bad(path, row, fld, reason):
    return DatasetError(f"{path}:{row['line']}: {fld}: {reason}")


def load_tables(directory=None):
    """Read and check the cue tables in ``directory`` (default :func:`tables_dir`).

    Examples
    --------
    >>> t = load_tables()
    >>> {a["id"] for a in t.actors if a["form"] == "Democratic People's Republic of Korea"}
    {'PRK'}
    >>> sorted({r["type"] for r in t.triggers}) == sorted(TIE_TYPES)
    True
    """
    directory = Path(directory) if directory else tables_dir()
    t = Tables(directory)
    for name, columns in TABLE_FILES.items():
        setattr(t, name[:-4], _read(directory / name, columns))
    p = directory / "actors.csv"
    owner = {}
    for r in t.actors:
        if not r["id"] or not r["form"] or not r["name"]:
            raise _bad(p, r, "form" if r["id"] else "id", "is empty")
        if r["kind"] not in ACTOR_KINDS:
            raise _bad(p, r, "kind", f"{r['kind']!r} is not one of {', '.join(ACTOR_KINDS)}")
        if r["form_kind"] not in FORM_KINDS:
            raise _bad(p, r, "form_kind", f"{r['form_kind']!r} is not one of {', '.join(FORM_KINDS)}")
        prev = owner.setdefault(r["form"], r["id"])
        if prev != r["id"]:
            raise _bad(p, r, "form", f"{r['form']!r} already names {prev}")
    p = directory / "triggers.csv"
    for r in t.triggers:
        if r["type"] not in TIE_TYPES:
            raise _bad(p, r, "type", f"{r['type']!r} is not a tie type")
        if not r["cue"]:
            raise _bad(p, r, "cue", "is empty")
        if r["role"] not in ROLES:
            raise _bad(p, r, "role", f"{r['role']!r} is not one of {', '.join(ROLES)}")
        if r["role"] != "object" and r["directed"] not in ("true", "false", "inverse"):
            raise _bad(p, r, "directed", "must be true, false or inverse for a trigger or verb")
        if r["polarity"] not in ("", "cooperative", "adversarial"):
            raise _bad(p, r, "polarity", f"{r['polarity']!r} is not cooperative or adversarial")
    p = directory / "grades.csv"
    for r in t.grades:
        if r["grade"] not in CONFIDENCE_LEVELS or not r["cue"]:
            raise _bad(p, r, "grade", f"{r['grade']!r} is not one of {', '.join(CONFIDENCE_LEVELS)}")
    p = directory / "negations.csv"
    for r in t.negations:
        if r["kind"] not in NEGATION_KINDS or not r["cue"]:
            raise _bad(p, r, "kind", f"{r['kind']!r} is not one of {', '.join(NEGATION_KINDS)}")
    p = directory / "references.csv"
    known = {a["id"] for a in t.actors}
    for r in t.references:
        if r["count"].startswith("earlier:"):
            if r["count"][8:] not in known:
                raise _bad(p, r, "count", f"{r['count'][8:]!r} is not an actor id of actors.csv")
            continue
        if not r["cue"] or r["count"] not in ("group", "speaker") and (
                not r["count"].isdigit() or int(r["count"]) < 2):
            raise _bad(p, r, "count", f"{r['count']!r} is not a number of actors (2 or more), "
                                      "'group', 'speaker' or 'earlier:ID'")
    p = directory / "quantities.csv"
    for r in t.quantities:
        if r["unit"] not in UNIT_REF:
            raise _bad(p, r, "unit", f"{r['unit']!r} is not one of {', '.join(UNIT_REF)}")
        bad = [x for x in r["types"].split(";") if x not in TIE_TYPES]
        if bad or not r["types"]:
            raise _bad(p, r, "types", f"{';'.join(bad) or 'empty'}: not tie types")
        try:
            r["regex"] = re.compile(r["pattern"])
        except re.error as ex:
            raise _bad(p, r, "pattern", f"not a regular expression ({ex})") from None
    p = directory / "places.csv"
    for r in t.places:
        if not r["form"]:
            raise _bad(p, r, "form", "is empty")
    p = directory / "sections.csv"
    for r in t.sections:
        if not r["heading"]:
            raise _bad(p, r, "heading", "is empty")
        if r["kind"] not in SECTION_KINDS:
            raise _bad(p, r, "kind", f"{r['kind']!r} is not one of {', '.join(SECTION_KINDS)}")
    p = directory / "leads.csv"
    for r in t.leads:
        if r["kind"] not in LEAD_KINDS:
            raise _bad(p, r, "kind", f"{r['kind']!r} is not one of {', '.join(LEAD_KINDS)}")
        try:
            r["regex"] = re.compile(r["pattern"])
        except re.error as ex:
            raise _bad(p, r, "pattern", f"not a regular expression ({ex})") from None
    p = directory / "dates.csv"
    for r in t.dates:
        try:
            re.compile(r["pattern"].replace("MONTH", _MONTH_RE))
        except re.error as ex:
            raise _bad(p, r, "pattern", f"not a regular expression ({ex})") from None
    return t
