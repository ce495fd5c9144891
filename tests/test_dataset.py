"""Checks of the bundled, curated dataset in data/ (issue 3).

The dataset is what every first user sees, so these tests hold it to the rules written in
data/README.md: every row loads, every quote is a verbatim excerpt of the seed article it
cites, ids and actors are consistent, no tie is recorded twice, and every weight follows the
weighting guide. Most checks read the CSV files with the csv module directly, so they are
meaningful on their own; one also goes through the project's loader.
"""

import csv
import datetime as dt
import math
import os
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DATA_DIR = ROOT / "data"
SEEDS = Path(__file__).resolve().parents[1].parent / "shared" / "seeds"

TIE_COLUMNS = ["id", "source", "target", "type", "start", "end", "directed", "weight", "value",
               "unit", "confidence", "doc", "quote", "polarity", "note"]
ACTOR_COLUMNS = ["id", "name", "kind", "aliases", "group"]
DOCUMENT_COLUMNS = ["doc", "title", "publisher", "date", "author"]
TIE_TYPES = {"arms_transfer", "technology_transfer", "trade", "energy", "military_exercise",
             "military_cooperation", "security_commitment", "diplomatic", "political_support",
             "sanctions", "hostile_act"}
CONFIDENCE = {"confirmed", "reported", "assessed", "speculated"}
ADVERSARIAL_TYPES = {"sanctions", "hostile_act"}
ACTOR_KINDS = {"state", "organization", "company", "armed_group", "person"}
GROUPS = {"axis", "allies", "other"}
SEED_DOCS = {"000_9561514f1145a40f.txt", "001_6eca2f6d8a1765eb.txt", "002_a3776b7d71be2205.txt"}
DATE_RE = re.compile(r"\d{4}(-\d{2}(-\d{2})?)?")

# ---------------------------------------------------------------- the weighting guide
# data/README.md, "Weighting guide": weight = base(type) × quantity factor (or duration factor) × 2
# for a [summit] / [war] tag, rounded to 2 decimals.
BASE = {"arms_transfer": 3, "technology_transfer": 3, "security_commitment": 3,
        "military_cooperation": 2, "military_exercise": 2, "trade": 2, "energy": 2,
        "sanctions": 2, "hostile_act": 2, "diplomatic": 1, "political_support": 1}
#: the reference amount of each unit (worth about $1 billion, or one meeting)
REF = {"USD": 1e9, "Mt": 1000 / 566, "bcm": 4.0, "rounds": 5e5, "meetings": 1.0}
#: the types whose stated quantity scales the weight (flows and counts of meetings)
QTY_TYPES = {"arms_transfer", "technology_transfer", "trade", "energy", "diplomatic"}
TAGS = {"[summit]": "diplomatic", "[war]": "hostile_act"}


def weight_rule(typ, value, unit, start, end, note):
    """Recompute a row's weight from its type, quantity, dates and tags (see data/README.md).

    >>> weight_rule("trade", "240000000000", "USD", "2023", "", "")     # $240 billion of trade
    4.38
    >>> weight_rule("arms_transfer", "2300000", "rounds", "2023-12", "", "")  # 2.3 million shells
    3.99
    >>> weight_rule("diplomatic", "", "", "2023-08", "", "[summit] Camp David")  # a summit
    2
    >>> weight_rule("military_cooperation", "", "", "2021", "2025", "")  # a road map 2021–2025
    4.0
    """
    w = BASE[typ]
    if value != "" and typ in QTY_TYPES and unit in REF:
        w *= min(3.0, max(0.5, 1 + 0.5 * math.log10(float(value) / REF[unit])))
    elif value == "" and end:
        w *= min(2.0, 1 + (int(end[:4]) - int(start[:4])) / 4)
    if any(tag in note for tag in TAGS):
        w *= 2
    return round(w, 2)


# ---------------------------------------------------------------- helpers

def _read(name):
    path = DATA_DIR / name
    raw = path.read_bytes()
    with open(path, encoding="utf-8", newline="") as fh:
        reader = csv.reader(fh)
        header = next(reader)
        rows = [dict(zip(header, rec)) for rec in reader]
    return raw, header, rows


@pytest.fixture(scope="module")
def ties():
    return _read("ties.csv")[2]


@pytest.fixture(scope="module")
def actors():
    return _read("actors.csv")[2]


@pytest.fixture(scope="module")
def documents():
    return _read("documents.csv")[2]


@pytest.fixture(scope="module")
def seeds():
    if not SEEDS.is_dir():
        if os.environ.get("CI"):
            pytest.fail(f"the seed articles are missing ({SEEDS}); CI must have them")
        pytest.skip(f"the seed articles are not available here ({SEEDS})")
    return {p.name: p.read_text(encoding="utf-8") for p in SEEDS.glob("*.txt")}


def _span(date):
    """First and last day a partial ISO date covers."""
    y = int(date[:4])
    if len(date) == 4:
        return dt.date(y, 1, 1), dt.date(y, 12, 31)
    m = int(date[5:7])
    if len(date) == 7:
        nxt = dt.date(y + (m == 12), m % 12 + 1, 1)
        return dt.date(y, m, 1), nxt - dt.timedelta(days=1)
    d = dt.date(y, m, int(date[8:10]))
    return d, d


def _same_tie(a, b):
    """The duplicate rule of data/README.md: same type, dates and quantity, and the same
    ordered pair, or the same unordered pair when either row is undirected."""
    key = ("type", "start", "end", "value", "unit")
    if any(a[k] != b[k] for k in key):
        return False
    if (a["source"], a["target"]) == (b["source"], b["target"]):
        return True
    if "false" in (a["directed"], b["directed"]):
        return {a["source"], a["target"]} == {b["source"], b["target"]}
    return False


# ---------------------------------------------------------------- file format

@pytest.mark.parametrize("name,columns", [("ties.csv", TIE_COLUMNS), ("actors.csv", ACTOR_COLUMNS),
                                          ("documents.csv", DOCUMENT_COLUMNS)])
def test_files_are_plain_utf8_csv_written_by_the_csv_module(name, columns):
    raw, header, rows = _read(name)
    assert header == columns
    assert not raw.startswith(b"\xef\xbb\xbf"), "no BOM"
    assert b"\r" not in raw, "\\n line ends only"
    raw.decode("utf-8")
    # Byte-identical to what csv.writer (QUOTE_MINIMAL, \n) writes for the same rows.
    import io
    buf = io.StringIO(newline="")
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(header)
    writer.writerows([[r[c] for c in header] for r in rows])
    assert buf.getvalue().encode("utf-8") == raw
    for r in rows:
        assert all(v == v.strip() for v in r.values()), f"stray whitespace in {r}"


def test_every_row_loads_and_validates_through_the_loader(ties, actors, documents):
    from graph.load import load_dataset
    ds = load_dataset([DATA_DIR])
    assert ds.rejected == []
    assert len(ds.ties) == len(ties)
    assert len(ds.actors) == len(actors)
    assert len(ds.documents) == len(documents)
    assert set(ds.ties["id"]) == {t["id"] for t in ties}


def test_dataset_is_substantial_and_uses_the_whole_vocabulary(ties):
    assert len(ties) > 100, "the issue expects well over 50 rows"
    assert {t["type"] for t in ties} == TIE_TYPES
    assert {t["confidence"] for t in ties} == CONFIDENCE


# ---------------------------------------------------------------- ids, vocabularies, dates

# ids of rows dropped in a review: never reused, and the data dictionary says why
RETIRED = {"t0166"}


def test_ids_are_unique_and_numbered_in_order(ties):
    ids = [t["id"] for t in ties]
    assert len(ids) == len(set(ids))
    last = int(ids[-1][1:])
    assert ids == [f"t{i:04d}" for i in range(1, last + 1) if f"t{i:04d}" not in RETIRED]
    readme = (DATA_DIR / "README.md").read_text(encoding="utf-8")
    for rid in RETIRED:
        assert f"`{rid}`" in readme and rid not in ids, rid


def test_vocabularies(ties):
    for t in ties:
        assert t["type"] in TIE_TYPES, t["id"]
        assert t["confidence"] in CONFIDENCE, t["id"]
        assert t["directed"] in ("true", "false"), t["id"]
        assert t["source"] != t["target"], t["id"]


def test_polarity_is_set_only_where_the_type_default_misleads(ties):
    for t in ties:
        assert t["polarity"] in ("", "cooperative", "adversarial"), t["id"]
        if t["polarity"]:
            default = "adversarial" if t["type"] in ADVERSARIAL_TYPES else "cooperative"
            assert t["polarity"] != default, f"{t['id']}: polarity repeats the type's default"


def test_direction_conventions(ties):
    for t in ties:
        if t["type"] in ("arms_transfer", "technology_transfer", "sanctions", "hostile_act"):
            assert t["directed"] == "true", f"{t['id']}: {t['type']} goes from giver to receiver"
        if t["type"] == "military_exercise":
            assert t["directed"] == "false", f"{t['id']}: an exercise is mutual"
        if "[summit]" in t["note"]:
            assert t["directed"] == "false", f"{t['id']}: a summit is mutual"


def test_dates_are_iso_with_end_not_before_start(ties):
    for t in ties:
        assert DATE_RE.fullmatch(t["start"]), f"{t['id']}: start {t['start']!r}"
        first, _ = _span(t["start"])  # raises on an impossible date
        if t["end"]:
            assert DATE_RE.fullmatch(t["end"]), f"{t['id']}: end {t['end']!r}"
            _, last = _span(t["end"])
            assert last >= first, f"{t['id']}: end before start"
            assert t["end"] != t["start"], f"{t['id']}: a point event has an empty end"


def test_ties_do_not_start_after_their_document(ties, documents):
    dates = {d["doc"]: d["date"] for d in documents}
    for t in ties:
        if dates.get(t["doc"]):
            _, doc_last = _span(dates[t["doc"]])
            first, _ = _span(t["start"])
            assert first <= doc_last, f"{t['id']} starts after its document was written"


# ---------------------------------------------------------------- evidence

def test_quotes_are_single_line_clauses(ties):
    for t in ties:
        q = t["quote"]
        assert "\n" not in q and "\r" not in q, t["id"]
        assert q == q.strip() and len(q.split()) >= 4, f"{t['id']}: quote too short: {q!r}"


def test_every_quote_occurs_verbatim_in_its_document(ties, seeds):
    missing = [t["id"] for t in ties if t["doc"] not in seeds or t["quote"] not in seeds[t["doc"]]]
    assert missing == []


def test_documents_are_the_seeds_and_every_cited_doc_is_listed(ties, documents, seeds):
    listed = {d["doc"] for d in documents}
    assert listed == SEED_DOCS
    assert listed <= set(seeds)
    assert {t["doc"] for t in ties} <= listed
    for d in documents:
        assert d["title"], d["doc"]
        if d["date"]:
            _span(d["date"])


# ---------------------------------------------------------------- actors

def test_actors_referenced_exist_and_every_actor_is_used(ties, actors):
    ids = [a["id"] for a in actors]
    assert len(ids) == len(set(ids))
    used = {t["source"] for t in ties} | {t["target"] for t in ties}
    assert used - set(ids) == set(), "actors missing from actors.csv"
    assert set(ids) - used == set(), "actors no tie references"


def test_actor_ids_kinds_groups_and_aliases(actors):
    names = {}
    for a in actors:
        assert a["kind"] in ACTOR_KINDS, a["id"]
        assert a["group"] in GROUPS, a["id"]
        assert a["name"], a["id"]
        if a["kind"] == "state":
            assert re.fullmatch(r"[A-Z]{3}", a["id"]), f"{a['id']}: states use ISO 3166 alpha-3"
        else:
            assert re.fullmatch(r"[a-z][a-z0-9_]*", a["id"]), f"{a['id']}: others use snake_case"
        for label in [a["id"], a["name"]] + [x for x in a["aliases"].split(";") if x]:
            assert label == label.strip() and label, a["id"]
            owner = names.setdefault(label.casefold(), a["id"])
            assert owner == a["id"], f"{label!r} names both {owner} and {a['id']}"


# ---------------------------------------------------------------- no tie twice

def test_no_tie_is_recorded_twice(ties):
    """Rows with the same type, start, end, value and unit between the same actors (either
    order when a row is undirected) are the same tie, unless the later row's note says
    ``Distinct from <earlier id>`` and why."""
    problems = []
    for j, b in enumerate(ties):
        for a in ties[:j]:
            if _same_tie(a, b) and f"Distinct from" not in b["note"]:
                problems.append(f"{b['id']} repeats {a['id']}")
            elif _same_tie(a, b) and a["id"] not in b["note"].split("Distinct from", 1)[1]:
                problems.append(f"{b['id']} does not name {a['id']} as distinct")
    assert problems == []


def test_distinct_marks_are_not_used_without_a_collision(ties):
    for j, b in enumerate(ties):
        if "Distinct from" in b["note"]:
            named = re.findall(r"t\d{4}", b["note"].split("Distinct from", 1)[1].split(":")[0])
            assert named, b["id"]
            by_id = {t["id"]: t for t in ties[:j]}
            for n in named:
                assert n in by_id and _same_tie(by_id[n], b), f"{b['id']} names {n} needlessly"


def test_no_identical_evidence_for_the_same_pair_and_type(ties):
    seen = {}
    for t in ties:
        key = (frozenset((t["source"], t["target"])), t["type"], t["doc"], t["quote"])
        assert key not in seen, f"{t['id']} and {seen[key]} cite the same words for the same tie"
        seen[key] = t["id"]


# ---------------------------------------------------------------- weights and quantities

def test_value_and_unit_go_together(ties):
    for t in ties:
        assert bool(t["value"]) == bool(t["unit"]), t["id"]
        if t["value"]:
            assert re.fullmatch(r"\d+(\.\d+)?", t["value"]), f"{t['id']}: raw number, no exponent"
            assert float(t["value"]) > 0
            assert t["unit"] in REF, f"{t['id']}: unit {t['unit']!r} has no reference amount"


def test_weights_follow_the_weighting_guide(ties):
    wrong = []
    for t in ties:
        w = float(t["weight"])
        assert w > 0 and math.isfinite(w), t["id"]
        expected = weight_rule(t["type"], t["value"], t["unit"], t["start"], t["end"], t["note"])
        if abs(w - expected) > 1e-9:
            wrong.append((t["id"], w, expected))
    assert wrong == []


def test_weight_tags_match_their_types(ties):
    for t in ties:
        for tag, typ in TAGS.items():
            if tag in t["note"]:
                assert t["type"] == typ, f"{t['id']}: {tag} is only for {typ}"
                assert t["note"].startswith(tag), f"{t['id']}: tags open the note"


def test_worked_examples_of_the_guide():
    assert weight_rule("trade", "240000000000", "USD", "2023", "", "") == 4.38
    assert weight_rule("arms_transfer", "2300000", "rounds", "2023-12", "", "") == 3.99
    assert weight_rule("diplomatic", "", "", "2023-08", "", "[summit]") == 2
    assert weight_rule("military_cooperation", "", "", "2021", "2025", "") == 4
    # A stated quantity already measures the whole period: no duration factor on top.
    assert weight_rule("trade", "6200000000", "USD", "2023-01", "2023-10", "") == 2.79
    # Quantities of non-flow ties are recorded but do not scale the weight.
    assert weight_rule("hostile_act", "170", "rounds", "2010", "", "") == 2
    # Tiny and huge amounts are clamped to ×0.5 … ×3.
    assert weight_rule("trade", "1", "USD", "2000", "", "") == 1
    assert weight_rule("trade", str(10 ** 20), "USD", "2000", "", "") == 6


# ---------------------------------------------------------------- faithfulness spot checks

def _find(ties, source, target, typ, start, directed=None):
    out = []
    for t in ties:
        pair = (t["source"], t["target"]) == (source, target) or (
            t["directed"] == "false" and (t["target"], t["source"]) == (source, target))
        if pair and t["type"] == typ and t["start"] == start:
            out.append(t)
    return out


@pytest.mark.parametrize("source,target,typ,start,value,unit", [
    ("CHN", "RUS", "trade", "2023", "240000000000", "USD"),
    ("RUS", "CHN", "energy", "2023", "107", "Mt"),
    ("gazprom", "CHN", "energy", "2022", "10", "bcm"),
    ("PRK", "RUS", "arms_transfer", "2023-12", "2300000", "rounds"),
    ("CHN", "PRK", "trade", "2023", "2300000000", "USD"),
    ("CHN", "PRK", "trade", "2021", "320000000", "USD"),
])
def test_key_figures_are_kept_with_their_years(ties, source, target, typ, start, value, unit):
    rows = _find(ties, source, target, typ, start)
    assert any(t["value"] == value and t["unit"] == unit for t in rows)


def test_key_events_are_present(ties):
    assert _find(ties, "CHN", "RUS", "military_cooperation", "2021")[0]["end"] == "2025"
    assert _find(ties, "PRK", "wagner_group", "arms_transfer", "2022-11")[0]["confidence"] == "confirmed"
    assert _find(ties, "PRK", "RUS", "diplomatic", "2023-09")  # Kim–Putin summit
    for a, b in (("USA", "JPN"), ("USA", "KOR"), ("JPN", "KOR")):  # Camp David, per pair
        assert any("[summit]" in t["note"] for t in _find(ties, a, b, "diplomatic", "2023-08"))
        assert _find(ties, a, b, "military_exercise", "2022")
    ap4 = ["AUS", "JPN", "NZL", "KOR"]
    for i, a in enumerate(ap4):
        for b in ap4[i + 1:]:
            assert any("Asian-Pacific Four" in t["quote"] for t in _find(ties, a, b, "diplomatic", "2024-04"))
    assert _find(ties, "RUS", "UKR", "hostile_act", "2022")


def test_uncertainty_of_the_wording_is_kept(ties):
    by_phrase = {
        "Some experts speculate": "speculated",
        "There is speculation": "speculated",
        "is reportedly considering": "speculated",  # a sanction only being considered
        "National Intelligence Service assessed": "assessed",
        "Shin Won-sik said": "reported",
        "Washington subsequently confirmed": "confirmed",
    }
    for phrase, level in by_phrase.items():
        rows = [t for t in ties if phrase in t["quote"]]
        assert rows, phrase
        assert {t["confidence"] for t in rows} == {level}, phrase


# ---------------------------------------------------------------- the data dictionary

def test_readme_documents_vocabulary_scale_and_weighting():
    text = (DATA_DIR / "README.md").read_text(encoding="utf-8")
    for word in sorted(TIE_TYPES | CONFIDENCE) + TIE_COLUMNS + ACTOR_COLUMNS + DOCUMENT_COLUMNS:
        assert f"`{word}`" in text, word
    for example in ("$240 billion", "2.3 million", "summit", "2021–2025", "[summit]", "[war]",
                    "Distinct from", "per pair"):
        assert example in text, example
    for unit, ref in REF.items():
        assert f"`{unit}`" in text, unit
