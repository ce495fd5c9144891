"""Shared fixtures: small, real CSV datasets written into tmp_path."""

import csv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"

TIE_HEADER = ["id", "source", "target", "type", "start", "end", "directed", "weight", "value",
              "unit", "confidence", "doc", "quote", "polarity", "note"]

SMALL_TIES = [
    ["t1", "PRK", "RUS", "arms_transfer", "2023-09", "", "true", "3", "2300000", "rounds", "reported",
     "d1.txt", "Pyongyang provided shells", "", ""],
    ["t2", "CHN", "RUS", "trade", "2023", "", "false", "4", "240000000000", "USD", "confirmed",
     "d1.txt", "trade reached $240 billion", "", ""],
    ["t3", "USA", "RUS", "sanctions", "2022-02-24", "2024", "true", "2", "", "", "confirmed",
     "d1.txt", "sanctions were imposed", "", ""],
    ["t4", "USA", "JPN", "military_exercise", "2023-08-18", "", "false", "2", "", "", "confirmed",
     "d2.txt", "trilateral drills", "", ""],
    ["t5", "USA", "KOR", "military_exercise", "2023-08-18", "", "false", "2", "", "", "confirmed",
     "d2.txt", "trilateral drills", "", ""],
    ["t6", "JPN", "KOR", "diplomatic", "2023-03", "", "false", "1", "", "", "assessed",
     "d2.txt", "Seoul and Tokyo “reset” ties – a summit", "", ""],
    ["t7", "CHN", "PRK", "political_support", "2021", "2025", "true", "1", "", "", "speculated",
     "d2.txt", "some experts speculate", "", ""],
]

SMALL_ACTORS = [
    ["PRK", "North Korea", "state", "DPRK;Pyongyang", "axis"],
    ["RUS", "Russia", "state", "Russian Federation;Moscow", "axis"],
    ["CHN", "China", "state", "PRC;Beijing", "axis"],
    ["USA", "United States", "state", "US;U.S.;Washington", "allies"],
    ["JPN", "Japan", "state", "Tokyo", "allies"],
    ["KOR", "South Korea", "state", "ROK;Seoul;대한민국", "allies"],
]

SMALL_DOCS = [
    ["d1.txt", "First document", "Publisher A", "2024-04-05", "Author A"],
    ["d2.txt", "Second document", "Publisher B", "2023-09", ""],
]


def write_csv(path, header, rows, *, encoding="utf-8", newline="\n"):
    """Write rows with the csv module (so quoting is real CSV) and return the path."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding=encoding, newline="") as fh:
        writer = csv.writer(fh, lineterminator=newline)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def write_dataset(d, ties=SMALL_TIES, actors=SMALL_ACTORS, documents=SMALL_DOCS):
    """Write ties.csv, actors.csv and documents.csv into directory ``d`` and return it."""
    write_csv(d / "ties.csv", TIE_HEADER, ties)
    write_csv(d / "actors.csv", ["id", "name", "kind", "aliases", "group"], actors)
    write_csv(d / "documents.csv", ["doc", "title", "publisher", "date", "author"], documents)
    return d


@pytest.fixture
def dataset_dir(tmp_path):
    """A directory with ties.csv, actors.csv and documents.csv (7 ties, 6 actors, 2 docs)."""
    return write_dataset(tmp_path / "ds")


@pytest.fixture
def ties_csv(tmp_path):
    """A single ties CSV with no actor table (actors are inferred)."""
    return write_csv(tmp_path / "ties.csv", TIE_HEADER, SMALL_TIES)


@pytest.fixture(autouse=True, scope="session")
def _private_import_cache(tmp_path_factory):
    """--data KIND:FILE caches imports; the tests keep that cache in a temporary directory."""
    import os
    old = os.environ.get("TIEGRAPH_CACHE_DIR")
    os.environ["TIEGRAPH_CACHE_DIR"] = str(tmp_path_factory.mktemp("import-cache"))
    yield
    if old is None:
        os.environ.pop("TIEGRAPH_CACHE_DIR", None)
    else:
        os.environ["TIEGRAPH_CACHE_DIR"] = old
