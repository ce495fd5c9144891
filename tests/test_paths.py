"""Paths with evidence: fewest hops, strongest, alternatives, time-respecting, and why none."""

import pytest

from conftest import ROOT, TIE_HEADER, write_csv
from graph.build import build_graph
from graph.errors import QueryError, UnknownActorError
from graph.load import load_dataset
from graph.paths import HOP_TIE_FIELDS, briefing_lines, doc_label, find_paths, graph_paths

ACTOR_HEADER = ["id", "name", "kind", "aliases", "group"]


def tie(tid, source, target, start, *, type="trade", end="", weight=1, directed="false",
        confidence="confirmed", polarity="", doc="001_a.txt"):
    return [tid, source, target, type, start, end, directed, str(weight), "", "", confidence,
            doc, f"quote for {tid}", polarity, ""]


def load(tmp_path, rows, actors=None):
    write_csv(tmp_path / "ties.csv", TIE_HEADER, rows)
    if actors:
        write_csv(tmp_path / "actors.csv", ACTOR_HEADER, actors)
        return load_dataset([tmp_path])
    return load_dataset([tmp_path / "ties.csv"])


def nodes(result):
    return [p["nodes"] for p in result["paths"]]


# A–B–D is the fewest-hop route, but B–D ended (2019) before A–B happened (2020);
# A–C (2020), C–E (2021), E–D (2022) respects time.
TIMED = [tie("t1", "A", "B", "2020"), tie("t2", "B", "D", "2019"), tie("t3", "A", "C", "2020"),
         tie("t4", "C", "E", "2021"), tie("t5", "E", "D", "2022")]


def test_time_respecting_path_differs_from_fewest_hops(tmp_path):
    ds = load(tmp_path, TIMED)
    assert nodes(find_paths(ds.ties, "A", "D")) == [["A", "B", "D"]]
    result = find_paths(ds.ties, "A", "D", time_respecting=True)
    assert nodes(result) == [["A", "C", "E", "D"]]
    path = result["paths"][0]
    assert path["arrival"] == "2022-01-01" and path["length"] == 3
    assert [h["on"] for h in path["hops"]] == ["2020-01-01", "2021-01-01", "2022-01-01"]
    assert [[t["id"] for t in h["ties"]] for h in path["hops"]] == [["t3"], ["t4"], ["t5"]]


def test_time_respecting_takes_a_lasting_tie_later_and_keeps_only_fitting_ties(tmp_path):
    # B–C lasts 2018–2022, so it can be walked in 2021, after A–B; the 2019 B–C event cannot.
    ds = load(tmp_path, [tie("t1", "A", "B", "2021"), tie("t2", "B", "C", "2018", end="2022"),
                         tie("t3", "B", "C", "2019")])
    path = find_paths(ds.ties, "A", "C", time_respecting=True)["paths"][0]
    assert path["hops"][1]["on"] == "2021-01-01"
    assert [t["id"] for t in path["hops"][1]["ties"]] == ["t2"]
    assert "(walked on 2021-01-01)" in "\n".join(briefing_lines(find_paths(ds.ties, "A", "C",
                                                                           time_respecting=True)))


def test_time_respecting_prefers_fewest_hops_among_earliest_arrivals(tmp_path):
    # Reaching V via X is earlier (2019) but V–T only happens in 2021 anyway,
    # so A–V–T (2 hops) and A–X–V–T (3 hops) both arrive in 2021: fewer hops wins.
    ds = load(tmp_path, [tie("t1", "A", "V", "2020"), tie("t2", "A", "X", "2019"),
                         tie("t3", "X", "V", "2019"), tie("t4", "V", "T", "2021")])
    result = find_paths(ds.ties, "A", "T", time_respecting=True, k=2)
    assert nodes(result) == [["A", "V", "T"], ["A", "X", "V", "T"]]
    assert [p["arrival"] for p in result["paths"]] == ["2021-01-01", "2021-01-01"]


def test_no_time_respecting_path_says_so(tmp_path):
    ds = load(tmp_path, [tie("t1", "A", "B", "2021"), tie("t2", "B", "C", "2019")])
    with pytest.raises(QueryError) as info:
        find_paths(ds.ties, "A", "C", time_respecting=True)
    assert str(info.value) == ("no path from A to C with cooperative ties only (the default), "
                               "--time-respecting; without --time-respecting there is one")


# Diamond: A–B–D strong (distance 0.25 + 0.25), A–C–D weak (1 + 1), A–D direct weak (2).
DIAMOND = [tie("t1", "A", "B", "2020", weight=4), tie("t2", "B", "D", "2020", weight=4),
           tie("t3", "A", "C", "2020"), tie("t4", "C", "D", "2020"), tie("t5", "A", "D", "2020", weight=0.5)]


def test_fewest_hops_and_k_alternatives_in_order(tmp_path):
    ds = load(tmp_path, DIAMOND)
    result = find_paths(ds.ties, "A", "D", k=3)
    assert nodes(result) == [["A", "D"], ["A", "B", "D"], ["A", "C", "D"]]  # equal lengths by ids
    assert [p["length"] for p in result["paths"]] == [1, 2, 2]
    assert result["mode"] == "fewest_hops" and result["polarity"] == "cooperative"


def test_strongest_and_k_alternatives(tmp_path):
    ds = load(tmp_path, DIAMOND)
    result = find_paths(ds.ties, "A", "D", strongest=True, k=3)
    assert nodes(result) == [["A", "B", "D"], ["A", "C", "D"], ["A", "D"]]
    assert [p["length"] for p in result["paths"]] == [0.5, 2.0, 2.0]
    assert nodes(find_paths(ds.ties, "A", "D", strongest=True, k=10)) == nodes(result)  # only 3 exist


def test_disconnected_graph_no_path_sentence(tmp_path):
    ds = load(tmp_path, [tie("t1", "A", "B", "2020"), tie("t2", "X", "Y", "2020")],
              actors=[["A", "Alpha", "state", "", ""], ["B", "Beta", "state", "", ""],
                      ["X", "Xland", "state", "", ""], ["Y", "Yland", "state", "", ""]])
    with pytest.raises(QueryError) as info:
        find_paths(ds.ties, "alpha", "Yland", actors=ds.actors)
    assert str(info.value) == ("no path from Alpha to Yland with cooperative ties only (the default); "
                               "Alpha and Yland are not connected at all in this data")
    assert graph_paths(build_graph(ds.ties), "A", "Y") == []


@pytest.mark.parametrize("filters, flag", [
    ({"types": ["energy"]}, "without --type energy there is one"),
    ({"min_confidence": "reported"}, "without --min-confidence reported there is one"),
    ({"start": "2022"}, "without --from 2022 there is one"),
    ({"as_of": "2020-06"}, "without --as-of 2020-06 there is one"),
])
def test_filter_that_causes_no_path_is_named(tmp_path, filters, flag):
    ds = load(tmp_path, [tie("t1", "A", "B", "2020", type="energy"),
                         tie("t2", "B", "C", "2021", confidence="assessed")])
    with pytest.raises(QueryError, match=flag):
        find_paths(ds.ties, "A", "C", filters=filters)


def test_no_single_filter_is_the_cause(tmp_path):
    ds = load(tmp_path, [tie("t1", "A", "B", "2020"), tie("t2", "B", "C", "2020", type="energy",
                                                          confidence="assessed")])
    with pytest.raises(QueryError, match="no single one of these is the cause, but without all"):
        find_paths(ds.ties, "A", "C", filters={"types": ["trade"], "min_confidence": "reported"})


def test_adversarial_ties_are_not_walked_by_default(tmp_path):
    ds = load(tmp_path, [tie("t1", "A", "B", "2020"), tie("t2", "C", "B", "2020", type="sanctions"),
                         tie("t3", "B", "C", "2020", type="diplomatic", polarity="adversarial")])
    with pytest.raises(QueryError, match="with --polarity all there is one"):
        find_paths(ds.ties, "A", "C")
    result = find_paths(ds.ties, "A", "C", filters={"polarity": "all"})
    assert nodes(result) == [["A", "B", "C"]] and result["polarity"] == "all"
    assert [t["id"] for t in result["paths"][0]["hops"][1]["ties"]] == ["t2", "t3"]
    # A–B is cooperative, so walking adversarial ties only finds no path either
    with pytest.raises(QueryError, match="with --polarity all there is one"):
        find_paths(ds.ties, "A", "C", filters={"polarity": "adversarial"})


def test_directed_respects_direction_only_when_asked(tmp_path):
    ds = load(tmp_path, [tie("t1", "B", "A", "2020", directed="true"), tie("t2", "B", "C", "2020")])
    assert nodes(find_paths(ds.ties, "A", "C")) == [["A", "B", "C"]]
    with pytest.raises(QueryError, match="without --directed there is one"):
        find_paths(ds.ties, "A", "C", directed=True)
    assert nodes(find_paths(ds.ties, "B", "C", directed=True)) == [["B", "C"]]  # undirected: both ways
    assert nodes(find_paths(ds.ties, "C", "B", directed=True)) == [["C", "B"]]


def test_hop_ties_carry_the_evidence_best_first(tmp_path):
    ds = load(tmp_path, [tie("t1", "A", "B", "2021", confidence="reported", weight=5),
                         tie("t2", "A", "B", "2020", confidence="confirmed", weight=1),
                         tie("t3", "B", "A", "2022", confidence="confirmed", weight=3, type="energy")])
    hop = find_paths(ds.ties, "A", "B")["paths"][0]["hops"][0]
    assert [t["id"] for t in hop["ties"]] == ["t3", "t2", "t1"]  # confirmed first, then weight
    assert set(HOP_TIE_FIELDS) == set(hop["ties"][0])
    assert hop["ties"][0]["quote"] == "quote for t3" and hop["ties"][0]["doc"] == "001_a.txt"
    assert hop["ties"][0]["end"] is None and hop["ties"][0]["weight"] == 3.0


def test_unknown_and_same_actor(tmp_path):
    ds = load(tmp_path, TIMED, actors=[[a, f"Actor {a}", "state", "", ""] for a in "ABCDE"])
    with pytest.raises(UnknownActorError, match="no actor named 'Atlantis'"):
        find_paths(ds.ties, "A", "Atlantis", actors=ds.actors)
    with pytest.raises(QueryError, match="two different actors"):
        find_paths(ds.ties, "Actor A", "a", actors=ds.actors)


def test_briefing_line(dataset_dir):
    ds = load_dataset([dataset_dir])
    result = find_paths(ds.ties, "DPRK", "russia", actors=ds.actors)
    assert briefing_lines(result) == [
        "North Korea → Russia  (1 hop; cooperative ties; fewest hops)",
        '  North Korea → Russia  arms_transfer 2023-09 (reported): "Pyongyang provided shells" [d1.txt]',
    ]
    lines = briefing_lines(find_paths(ds.ties, "Japan", "South Korea", actors=ds.actors, k=2))
    assert lines[0].startswith("1. Japan → South Korea  (1 hop;")
    assert lines[2].startswith("2. Japan → United States → South Korea  (2 hops;")


def test_briefing_counts_more_ties_and_names_the_giver(tmp_path):
    ds = load(tmp_path, [tie("t1", "B", "A", "2023", type="arms_transfer", directed="true"),
                         tie("t2", "A", "B", "2022", confidence="reported"),
                         tie("t3", "A", "B", "2021", confidence="assessed", type="energy")])
    lines = briefing_lines(find_paths(ds.ties, "A", "B"))
    assert lines[1] == '  A → B  arms_transfer from B 2023 (confirmed): "quote for t1" [001]'
    assert lines[2].strip() == "+ 2 more ties (energy, trade)"
    assert len(briefing_lines(find_paths(ds.ties, "A", "B"), more=5)) == 4


def test_doc_label():
    assert doc_label("001_6eca2f6d8a1765eb.txt") == "001"
    assert doc_label("notes.txt") == "notes.txt"


BUNDLED = ROOT / "data" / "ties.csv"


@pytest.mark.skipif(not BUNDLED.is_file(), reason="the bundled dataset is not there")
@pytest.mark.parametrize("options", [{}, {"strongest": True, "k": 3}, {"time_respecting": True},
                                     {"filters": {"polarity": "all"}, "k": 2}])
def test_bundled_north_korea_reaches_the_united_states_with_quotes(options):
    ds = load_dataset()
    result = find_paths(ds.ties, "North Korea", "United States", actors=ds.actors, **options)
    assert result["paths"]
    for path in result["paths"]:
        assert path["nodes"][0] == "PRK" and path["nodes"][-1] == "USA"
        for hop in path["hops"]:
            assert hop["ties"], hop
            for t in hop["ties"]:
                assert t["quote"] and t["doc"]
                assert {t["source"], t["target"]} == {hop["from"], hop["to"]}


# --- the table route (_table_paths) answers as graph_paths on build_graph did ----------------------

import json  # noqa: E402

from click.testing import CliRunner  # noqa: E402

import graph.paths  # noqa: E402
from cli import cli  # noqa: E402


def multigraph_route(monkeypatch):
    """Make find_paths walk as before: build_graph of the slice, then graph_paths."""
    calls = []

    def table_paths(ties, actors, source, target, **options):
        calls.append((source, target))
        return graph_paths(build_graph(ties, actors), source, target, **options)

    monkeypatch.setattr(graph.paths, "_table_paths", table_paths)
    return calls


@pytest.mark.skipif(not BUNDLED.is_file(), reason="the bundled dataset is not there")
@pytest.mark.parametrize("args", [
    ["PRK", "USA"], ["PRK", "UKR", "--k", "3"], ["DPRK", "Japan", "--strongest", "--k", "3"],
    ["PRK", "USA", "--time-respecting", "--k", "2"], ["RUS", "KOR", "--directed"],
    ["CHN", "UKR", "--polarity", "all", "--k", "4"], ["USA", "RUS", "--polarity", "adversarial", "--strongest"],
    ["PRK", "JPN", "--from", "2023", "--min-confidence", "reported"],
    ["KOR", "PRK", "--time-respecting", "--directed", "--polarity", "all"],
])
def test_bundled_paths_answer_as_the_multigraph_route(args, monkeypatch):
    invoke = lambda: CliRunner().invoke(cli, ["--data", str(ROOT / "data"), "path", *args,  # noqa: E731
                                              "--format", "json"])
    fast = invoke()
    calls = multigraph_route(monkeypatch)
    slow = invoke()
    assert calls, "the reference route was not taken"
    assert (fast.exit_code, fast.stdout, fast.stderr) == (slow.exit_code, slow.stdout, slow.stderr)
    if fast.exit_code == 0:
        assert json.loads(fast.stdout)["paths"]
    else:
        assert fast.exit_code == 1 and isinstance(fast.exception, SystemExit) and "no path" in fast.stderr


def test_table_paths_equal_graph_paths_on_awkward_ties():
    # parallel ties of different confidence and weight, a blank weight, opposite directions, a self-tie,
    # an adversarial tie, a blank polarity, an actor without a name, a lasting tie (hand-made: the
    # loader would reject some of these)
    import numpy as np
    import pandas as pd
    rows = [("t1", "A", "B", "2020", "", False, 2.0, "reported", "cooperative"),
            ("t2", "B", "A", "2019", "2021", True, np.nan, "confirmed", "cooperative"),
            ("t3", "B", "C", "2021", "", False, 0.5, "confirmed", "cooperative"),
            ("t4", "C", "C", "2022", "", False, 1.0, "confirmed", "cooperative"),
            ("t5", "A", "C", "2018", "", True, 1.0, "confirmed", "adversarial"),
            ("t6", "C", "D", "2023", "", True, 1.0, "speculated", "cooperative"),
            ("t7", "B", "D", "2024-05", "", False, 4.0, "confirmed", "cooperative"),
            ("t8", "D", "E", "2022", "2030", False, 0.0, "confirmed", None)]
    ties = pd.DataFrame(rows, columns=["id", "source", "target", "start", "end", "directed", "weight",
                                       "confidence", "polarity"])
    ties["type"] = "trade"
    ties["quote"] = "quote for " + ties["id"]
    ties["start_date"] = pd.to_datetime(["2020-01-01", "2019-01-01", "2021-01-01", "2022-01-01", "2018-01-01",
                                         "2023-01-01", "2024-05-01", "2022-01-01"])
    ties["end_date"] = pd.to_datetime(["2020-12-31", "2021-12-31", "2021-12-31", "2022-12-31", "2018-12-31",
                                       "2023-12-31", "2024-05-31", "2030-12-31"])
    actors = pd.DataFrame({"id": ["A", "B"], "name": ["Alpha", None]})
    for source, target in [("A", "D"), ("D", "A"), ("A", "C"), ("C", "B"), ("A", "E"), ("A", "Z")]:
        for options in ({}, {"k": 4}, {"strongest": True, "k": 3}, {"time_respecting": True, "k": 3},
                        {"directed": True}, {"directed": True, "time_respecting": True},
                        {"polarity": "all", "k": 2}, {"polarity": "adversarial"}):
            fast = graph.paths._table_paths(ties, actors, source, target, **options)
            assert fast == graph_paths(build_graph(ties, actors), source, target, **options), \
                (source, target, options)
    found = graph.paths._table_paths(ties, actors, "A", "D", k=3)
    assert [p["nodes"] for p in found] == [["A", "B", "D"], ["A", "B", "C", "D"]]
    assert [t["id"] for t in found[0]["hops"][0]["ties"]] == ["t2", "t1"]  # confirmed before reported
    assert found[0]["names"] == ["Alpha", "B", "D"]
    strongest = graph.paths._table_paths(ties, actors, "A", "C", strongest=True)[0]
    # A–B weighs 2 + 1 (the blank weight counts 1): 1/3; B–C 1/0.5 = 2 is longer than B–D–C, 1/4 + 1
    assert strongest["nodes"] == ["A", "B", "D", "C"] and strongest["length"] == pytest.approx(1 / 3 + 1 / 4 + 1)
    assert graph.paths._table_paths(ties, actors, "A", "E") == []  # D–E has no polarity: not walked
    assert graph.paths._table_paths(ties, actors, "A", "E", polarity="all")[0]["nodes"][-1] == "E"
