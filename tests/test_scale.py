"""The loader's pyarrow fast path gives exactly what the csv-module path gives; big files load."""

import sys
import time
from pathlib import Path

import pandas as pd
import pytest

import graph.load as load
from graph.load import load_dataset, read_ties

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
from synth import write_synthetic  # noqa: E402

HEADER = "id,source,target,type,start,end,directed,weight,value,unit,confidence,doc,quote,polarity,note\n"
ROWS = [
    "t1, PRK ,RUS,arms_transfer,2023-09,,true,3,2300000,rounds,Reported,d1.txt,\"shells, many\",,",
    "t2,CHN,RUS,trade,2023,,false,4,2.4e11,USD,confirmed,d1.txt,trade reached $240 billion,,",
    "t3,USA,RUS,sanctions,2022-02-24,2024,true,2,,,confirmed,d1.txt,sanctions,,",
    "t4,USA,USA,trade,2023,,true,1,,,confirmed,d1.txt,self loop,,",
    "t5,USA,JPN,trade,2023-13,,maybe,-1,abc,,sure,d1.txt,bad values,,",
    "t1,USA,KOR,diplomatic,2023,,false,1,,,assessed,d1.txt,duplicate id,,",
    "t6,JPN,KOR,diplomatic,2023-03,,false,1,,,assessed,d1.txt,Seoul and Tokyo “reset” ties,adversarial,",
]


def both_paths(path, monkeypatch):
    monkeypatch.setattr(load, "FAST_MIN_BYTES", 1 << 40)
    slow = read_ties(path)
    monkeypatch.setattr(load, "FAST_MIN_BYTES", 0)
    fast = read_ties(path)
    return slow, fast


def same(a, b):
    pd.testing.assert_frame_equal(a.astype(object).reset_index(drop=True),
                                  b.astype(object).reset_index(drop=True), check_dtype=False)


@pytest.mark.parametrize("newline, bom", [("\n", ""), ("\r\n", ""), ("\n", "\ufeff")])
def test_fast_path_equals_slow_path(tmp_path, monkeypatch, newline, bom):
    path = tmp_path / "ties.csv"
    path.write_bytes((bom + HEADER + newline.join(ROWS) + newline).replace("\n", newline)
                     .replace("\r\r", "\r").encode("utf-8"))
    (slow, slow_rej), (fast, fast_rej) = both_paths(path, monkeypatch)
    assert slow_rej == fast_rej and len(slow_rej) >= 6
    same(slow, fast)
    assert fast["line"].tolist() == [2, 3, 4, 8]


@pytest.mark.parametrize("body", [
    HEADER + ROWS[0] + "\n\n" + ROWS[1] + "\n",                       # a blank line
    HEADER + 't9,PRK,RUS,trade,2023,,true,1,,,confirmed,d.txt,"two\nlines",,\n' + ROWS[1] + "\n",
    HEADER + ROWS[0] + "\n" + "t8,PRK,RUS,trade\n" + ROWS[1] + "\n",  # a ragged row
])
def test_fast_path_hands_over_when_lines_need_care(tmp_path, monkeypatch, body):
    path = tmp_path / "ties.csv"
    path.write_text(body, encoding="utf-8")
    (slow, slow_rej), (fast, fast_rej) = both_paths(path, monkeypatch)
    assert slow_rej == fast_rej
    same(slow, fast)
    assert fast["line"].tolist() == slow["line"].tolist()


def test_200k_synthetic_ties_load(tmp_path):
    path = write_synthetic(tmp_path / "ties.csv", 200_000)
    t0 = time.perf_counter()
    ds = load_dataset([path])
    elapsed = time.perf_counter() - t0
    assert len(ds.ties) == 200_000 and ds.rejected == []
    assert ds.ties["line"].iloc[-1] == 200_001
    assert ds.actors["id"].nunique() == 250
    assert elapsed < 10


def test_fast_betweenness_equals_networkx():
    import random

    import networkx as nx

    from graph.fast import betweenness
    rnd = random.Random(3)
    for directed in (False, True):
        H = nx.gnm_random_graph(60, 200, seed=5, directed=directed)
        for u, v in H.edges():
            H[u][v]["distance"] = 1 / rnd.choice([1, 2, 4, 0.5])  # exact float sums
        ref = nx.betweenness_centrality(H, weight="distance")
        got = betweenness(H)
        assert max(abs(ref[v] - got[v]) for v in H) < 1e-9
        assert betweenness(H, backend="networkx") == ref


@pytest.mark.parametrize("width", [4, 40])  # ids hashed in NumPy, and ids too long for that
def test_duplicate_ids_fast_and_slow(tmp_path, monkeypatch, width):
    ids = [f"x{i:0{width}d}" for i in range(50)] + ["x" + "0" * width, "", f"x{7:0{width}d}"]
    body = HEADER + "".join(f"{i},PRK,RUS,trade,2023,,true,1,,,confirmed,d.txt,q,,\n" for i in ids)
    path = tmp_path / "ties.csv"
    path.write_text(body, encoding="utf-8")
    (slow, slow_rej), (fast, fast_rej) = both_paths(path, monkeypatch)
    assert slow_rej == fast_rej
    assert [(r["line"], r["field"]) for r in fast_rej] == [(52, "id"), (53, "id"), (54, "id")]
    assert "first used on line 2" in fast_rej[0]["reason"] and "first used on line 9" in fast_rej[2]["reason"]
    same(slow, fast)
    assert fast["polarity"].tolist() == ["cooperative"] * 50


def test_fast_path_types(tmp_path, monkeypatch):
    path = tmp_path / "ties.csv"
    path.write_text(HEADER + "\n".join(ROWS) + "\n", encoding="utf-8")
    (slow, _), (fast, _) = both_paths(path, monkeypatch)
    for frame in (slow, fast):
        assert frame["directed"].dtype == bool
        assert frame["weight"].dtype == "float64" and frame["value"].dtype == "float64"
        assert str(frame["start_date"].dtype).startswith("datetime64")
        assert str(frame["end_date"].dtype).startswith("datetime64")
        assert frame.loc[frame["id"] == "t3", "polarity"].tolist() == ["adversarial"]
        assert "PRK" in set(frame["source"]) and frame["file"].tolist() == [str(path)] * len(frame)


def test_plain_numbers_without_regex_match_the_regex():
    """The byte check for columns of digits and points agrees with _PLAIN_NUMBER_RE, slices too."""
    import random
    import re

    import pyarrow as pa
    rnd = random.Random(11)
    values = ["".join(rnd.choice("0123456789..") for _ in range(rnd.randint(0, 5))) for _ in range(3000)]
    expected = [bool(re.fullmatch(load._PLAIN_NUMBER_RE, v)) for v in values]
    for typ in (pa.string(), pa.large_string()):
        arr = pa.array(["x"] + values, type=typ).slice(1)  # an offset into the buffers
        assert load._digits_and_point(arr).tolist() == expected
        assert load._digits_and_point(pa.chunked_array([arr[:1000], arr[1000:]])).tolist() == expected
    assert load._digits_and_point(pa.array(["1", "1e5"])) is None


def test_weights_of_digits_and_points_fast_and_slow(tmp_path, monkeypatch):
    weights = ["1", "2.5", ".5", "7.", ".", "1.2.3", "0", "0.0", "", "12345678901234567890.5"]
    body = HEADER + "".join(f"w{i},PRK,RUS,trade,2023,,true,{w},{w},,confirmed,d.txt,q,,\n"
                            for i, w in enumerate(weights))
    path = tmp_path / "ties.csv"
    path.write_text(body, encoding="utf-8")
    (slow, slow_rej), (fast, fast_rej) = both_paths(path, monkeypatch)
    assert slow_rej == fast_rej
    assert sorted({(r["line"], r["field"]) for r in fast_rej}) == [
        (6, "value"), (6, "weight"), (7, "value"), (7, "weight"),
        (8, "weight"), (9, "weight"), (10, "weight")]
    same(slow, fast)
    assert fast["weight"].tolist() == [1.0, 2.5, 0.5, 7.0, 12345678901234567890.5]


@pytest.mark.parametrize("fast_min", [0, 1 << 40])
def test_ids_checked_in_a_thread_give_the_same_answer(tmp_path, monkeypatch, fast_min):
    ids = ["t1", "t2", "t1", "", "t3", "t2"]
    body = HEADER + "\n".join(ROWS) + "\n" + "".join(
        f"{i},PRK,RUS,Trade,2023,2022,TRUE,1,,,confirmed,d.txt,q,,\n" for i in ids)
    path = tmp_path / "ties.csv"
    path.write_text(body, encoding="utf-8")
    monkeypatch.setattr(load, "FAST_MIN_BYTES", fast_min)
    results = []
    for threshold in (1 << 40, 0):
        monkeypatch.setattr(load, "_THREAD_MIN_ROWS", threshold)
        results.append(read_ties(path))
    (plain, plain_rej), (threaded, threaded_rej) = results
    assert plain_rej == threaded_rej
    assert [(r["line"], r["field"]) for r in threaded_rej if r["field"] == "id"] == [
        (7, "id"), (9, "id"), (10, "id"), (11, "id"), (12, "id"), (13, "id"), (14, "id")]
    same(plain, threaded)


@pytest.mark.parametrize("body, message", [
    ((HEADER + ROWS[0] + "\n" + ROWS[1] + "\n").encode()
     + b"t9,PRK,RUS,trade,2023,,true,1,,,confirmed,d,caf\xe9,,\n",
     "ties.csv:4: the file is not UTF-8 text (byte 0xe9"),
    (HEADER.encode() + bytes(range(1, 9)) * 40 + b"\n", "this is a binary file"),
])
def test_fast_path_leaves_unreadable_files_to_the_careful_reader(tmp_path, monkeypatch, body, message):
    """A mapped file that is not UTF-8 or looks binary gets the csv-module path's one-line error."""
    from graph.errors import DatasetError
    path = tmp_path / "ties.csv"
    path.write_bytes(body)
    errors = []
    for fast_min in (1 << 40, 0):
        monkeypatch.setattr(load, "FAST_MIN_BYTES", fast_min)
        with pytest.raises(DatasetError) as info:
            read_ties(path)
        errors.append(str(info.value))
    assert errors[0] == errors[1] and message in errors[1]


def test_fast_path_equals_slow_path_with_capitalised_header(tmp_path, monkeypatch):
    header = "ID,Source,Target,TYPE,Start,End,Directed,Weight,Value,Unit,Confidence,Doc,Quote,Polarity,Note,Extra\n"
    path = tmp_path / "ties.csv"
    path.write_text(header + "\n".join(r + ",x" for r in ROWS) + "\n", encoding="utf-8")
    (slow, slow_rej), (fast, fast_rej) = both_paths(path, monkeypatch)
    assert slow_rej == fast_rej
    same(slow, fast)
    assert "type" in fast.columns and "Extra" in fast.columns
