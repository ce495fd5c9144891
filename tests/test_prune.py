"""Pruning for drawing: top-N actors, minimum pair weight, disparity backbone, merging; render's use of it."""

import json
import re

import networkx as nx
import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

import graph.prune
from cli import cli
from conftest import TIE_HEADER, write_csv
from graph.errors import QueryError
from graph.prune import aggregate_ties, disparity_keep, fit_for_drawing, prune, prune_ties


def tie_graph(ties):
    """A tie MultiDiGraph from (id, source, target, weight[, polarity])."""
    M = nx.MultiDiGraph()
    for t in ties:
        tid, s, d, w = t[:4]
        pol = t[4] if len(t) > 4 else "cooperative"
        M.add_node(s, name=f"name {s}")
        M.add_node(d, name=f"name {d}")
        M.add_edge(s, d, key=tid, id=tid, weight=float(w), polarity=pol, type="trade")
    return M


def table(ties):
    return pd.DataFrame([{"id": t[0], "source": t[1], "target": t[2], "weight": float(t[3]),
                          "polarity": t[4] if len(t) > 4 else "cooperative"} for t in ties])


# Hub H: one heavy tie (to A) and three light ones; A–B light; C–D a separate light pair.
TIES = [("t1", "H", "A", 8), ("t2", "A", "H", 2), ("t3", "H", "B", 1), ("t4", "H", "C", 1),
        ("t5", "H", "D", 1), ("t6", "A", "B", 1), ("t7", "C", "D", 0.5)]


def test_disparity_known_values():
    # Triangle of equal weights: at every actor k = 2 and p = (1 - 1/2) ** 1 = 0.5.
    a, b, w = ["A", "B", "C"], ["B", "C", "A"], [1.0, 1.0, 1.0]
    assert disparity_keep(a, b, w, 0.05).tolist() == [False, False, False]
    assert disparity_keep(a, b, w, 0.6).tolist() == [True, True, True]
    # A leaf (k = 1) judges nothing; at the hub (k = 2, s = 10): p(9) = 0.1, p(1) = 0.9.
    keep = disparity_keep(["H", "H"], ["A", "B"], [9.0, 1.0], 0.2)
    assert keep.tolist() == [True, False]
    # Self-loops are kept and do not count in k or s.
    assert disparity_keep(["H", "H", "H"], ["H", "A", "B"], [50.0, 9.0, 1.0], 0.2).tolist() == [True, True, False]


def test_min_weight_drops_light_pairs_and_lone_actors():
    G = tie_graph(TIES)
    before = sorted(G.edges(keys=True))
    small, report = prune(G, min_weight=2)
    assert sorted(small.edges(keys=True)) == [("A", "H", "t2"), ("H", "A", "t1")]  # pair H–A weighs 10
    assert sorted(small) == ["A", "H"]
    assert small.nodes["A"]["name"] == "name A" and small.edges["H", "A", "t1"]["weight"] == 8.0
    assert (report["actors_kept"], report["actors_total"]) == (2, 5)
    assert (report["ties_kept"], report["ties_total"]) == (2, 7)
    assert (report["pairs_kept"], report["pairs_total"]) == (1, 6)
    assert report["rule"] == "pairs whose ties weigh less than 2 in total left out"
    assert report["text"].startswith("Showing 2 of 5 actors, 2 of 7 ties (1 of 6 actor pairs)")
    assert sorted(G.edges(keys=True)) == before  # the argument is unchanged


def test_top_actors_by_strength_ties_broken_by_id():
    G = tie_graph(TIES)
    # strength: H 13, A 11, B 2, C 1.5, D 1.5 -> top 4 takes C (id before D)
    small, report = prune(G, max_actors=4, metric="strength")
    assert sorted(small) == ["A", "B", "C", "H"]
    assert sorted(k for _, _, k in small.edges(keys=True)) == ["t1", "t2", "t3", "t4", "t6"]
    assert report["rule"] == "the 4 actors with the highest summed tie weight (cooperative ties)"
    # more room than actors: nothing left out
    assert prune(G, max_actors=10)[1]["rule"] == "nothing left out"


def test_top_actors_count_only_the_polarity_asked_for():
    G = tie_graph([("t1", "A", "B", 1), ("t2", "B", "C", 1), ("t3", "X", "A", 9, "adversarial"),
                   ("t4", "X", "B", 9, "adversarial")])
    assert sorted(prune(G, max_actors=2, metric="strength")[0]) == ["A", "B"]
    assert sorted(prune(G, max_actors=2, metric="strength", polarity="all")[0]) == ["B", "X"]


def test_kept_actors_survive_the_cut():
    G = tie_graph(TIES)
    small, _ = prune(G, max_actors=2, metric="strength", keep=["D"])
    assert sorted(small) == ["D", "H"]  # D forced in, then the best other one


def test_backbone_keeps_the_heavy_tie_of_the_hub():
    G = tie_graph(TIES)
    small, report = prune(G, backbone=0.1)
    # H: k=4, s=13: p(H–A) = (3/13)^3 ≈ 0.012 kept; p(light) = (12/13)^3 ≈ 0.79.
    # A: k=2, s=11: p(A–B) = 10/11 dropped. C: k=2, s=1.5: p(C–D) = 2/3 dropped.
    assert sorted(small.edges(keys=True)) == [("A", "H", "t2"), ("H", "A", "t1")]
    assert "disparity filter, alpha 0.1" in report["rule"]


def test_prune_ties_matches_prune_on_a_graph():
    for kw in ({"max_actors": 3}, {"min_weight": 1.5}, {"backbone": 0.5}, {"max_actors": 3, "min_weight": 1}):
        small, rep_g = prune(tie_graph(TIES), **kw)
        kept, rep_t = prune_ties(table(TIES), **kw)
        assert sorted(k for _, _, k in small.edges(keys=True)) == sorted(kept["id"]), kw
        assert rep_g == rep_t, kw


def test_bad_rules_are_query_errors():
    G = tie_graph(TIES)
    with pytest.raises(QueryError, match="between 0 and 1"):
        prune(G, backbone=1.5)
    with pytest.raises(QueryError, match="0 or more"):
        prune(G, max_actors=-1)
    with pytest.raises(QueryError, match="unknown metric"):
        prune(G, max_actors=2, metric="fame")


def full_table(rows):
    cols = ["id", "source", "target", "type", "directed", "weight", "value", "unit", "start", "end",
            "confidence", "polarity", "doc", "quote", "note"]
    t = pd.DataFrame([dict(zip(cols, r)) for r in rows])
    t["start_date"] = pd.to_datetime(t["start"].str.slice(0, 4) + "-01-01")
    t["end_date"] = pd.to_datetime(t["end"].where(t["end"] != "", t["start"]).str.slice(0, 4) + "-12-31")
    return t


def test_aggregate_merges_per_pair_type_and_confidence():
    t = full_table([
        ("a1", "USA", "CAN", "trade", True, 5.0, 5.0, "USD", "2001", "", "confirmed", "cooperative", "d", "q1", ""),
        ("a2", "USA", "CAN", "trade", True, 7.0, 7.0, "USD", "2003", "", "confirmed", "cooperative", "d", "q2", ""),
        ("a3", "CAN", "USA", "trade", True, 1.0, 1.0, "EUR", "2002", "2004", "confirmed", "cooperative", "e", "q3", ""),
        ("b1", "USA", "CAN", "trade", True, 2.0, 2.0, "USD", "2002", "", "reported", "cooperative", "d", "q4", ""),
        ("c1", "USA", "MEX", "trade", True, 3.0, 3.0, "USD", "2001", "", "confirmed", "cooperative", "d", "q5", ""),
        ("c2", "USA", "MEX", "trade", True, 4.0, 4.0, "USD", "2002", "", "confirmed", "cooperative", "d", "q6", ""),
    ])
    m = aggregate_ties(t).set_index("id")
    assert list(m.index) == ["a1+2", "b1", "c1+1"]
    a = m.loc["a1+2"]
    assert (a["source"], a["target"], a["directed"]) == ("CAN", "USA", False)  # both ways: undirected
    assert a["weight"] == 13.0 and np.isnan(a["value"]) and a["unit"] == ""  # units differ: no sum
    assert (a["start"], a["end"]) == ("2001", "2004")
    assert a["quote"] == "3 ties merged (2001 to 2004, total weight 13); the heaviest, a2: q2"
    c = m.loc["c1+1"]
    assert (c["source"], c["target"], c["directed"], c["value"], c["unit"]) == ("USA", "MEX", True, 7.0, "USD")
    assert m.loc["b1", "quote"] == "q4"  # a group of one is untouched


def test_fit_for_drawing_auto_cut_merge_and_heaviest():
    t = full_table([(f"x{i}", "A", "B" if i % 2 else "C", "trade", False, float(i + 1), None, "", str(2000 + i), "",
                     "confirmed", "cooperative", "d", f"q{i}", "") for i in range(6)]
                   + [("y1", "D", "E", "trade", False, 1.0, None, "", "2001", "", "confirmed", "cooperative", "d", "qy", "")])
    assert fit_for_drawing(t) == (t, None)  # small: untouched
    assert fit_for_drawing(t, max_actors=0, limits={"actors": 1, "ties": 1})[1] is None
    kept, rep = fit_for_drawing(t, limits={"actors": 10, "ties": 4})
    assert rep["auto"] and rep["merged"] == 3 and sorted(kept["id"]) == ["x0+2", "x1+2", "y1"]
    assert "ties merged into 3 records" in rep["text"]
    kept, rep = fit_for_drawing(t, limits={"actors": 10, "ties": 2})
    # only the 2 heaviest merged records: A–B (2+4+6) and A–C (1+3+5)
    assert sorted(kept["id"]) == ["x0+2", "x1+2"] and rep["heaviest"] == 2
    assert (rep["ties_kept"], rep["actors_kept"], rep["pairs_kept"]) == (6, 3, 2)
    # a path's tie is neither merged nor dropped
    kept, rep = fit_for_drawing(t, limits={"actors": 10, "ties": 2}, keep_ties=["y1"])
    assert "y1" in set(kept["id"])


# ---- the CLI

def page_data(path):
    text = path.read_text(encoding="utf-8")
    block = re.search(r'<script type="application/json" data-role="data">(.*?)</script>', text, re.S).group(1)
    return json.loads(block), text


def star_dataset(tmp_path, n_leaves=5):
    rows = [[f"t{i}", "HUB", f"L{i}", "trade", "2020", "", "false", str(i + 1), "", "", "confirmed",
             "d.txt", f"quote {i}", "", ""] for i in range(n_leaves)]
    rows.append(["u1", "L0", "L1", "trade", "2021", "", "false", "1", "", "", "confirmed", "d.txt", "q", "", ""])
    write_csv(tmp_path / "ties.csv", TIE_HEADER, rows)
    return tmp_path / "ties.csv"


def test_render_max_actors_says_what_was_left_out(tmp_path):
    data = star_dataset(tmp_path)
    out = tmp_path / "page.html"
    r = CliRunner().invoke(cli, ["--data", str(data), "render", "--max-actors", "3", "--size-by", "strength",
                                 "--out", str(out)])
    assert r.exit_code == 0, r.output
    page, html = page_data(out)
    assert sorted(n["id"] for n in page["nodes"]) == ["HUB", "L3", "L4"]
    notes = page["meta"]["notes"]
    assert notes == ("Showing 3 of 6 actors, 2 of 6 ties (2 of 6 actor pairs): the 3 actors with the "
                     "highest summed tie weight (cooperative ties).")
    assert notes in html and notes in r.stderr  # in the header line and on stderr
    assert "too large" not in r.stderr


def test_render_prunes_automatically_above_the_limits(tmp_path, monkeypatch):
    data = star_dataset(tmp_path)
    monkeypatch.setitem(graph.prune.LIMITS, "actors", 2)
    out = tmp_path / "page.html"
    r = CliRunner().invoke(cli, ["--data", str(data), "render", "--out", str(out)])
    assert r.exit_code == 0, r.output
    page, _ = page_data(out)
    assert len(page["nodes"]) == 2 and "HUB" in {n["id"] for n in page["nodes"]}
    assert page["meta"]["notes"].startswith("Showing 2 of 6 actors")
    assert "too large to draw whole (use --max-actors 0 to force)" in r.stderr
    # --max-actors 0 draws everything and says nothing
    r = CliRunner().invoke(cli, ["--data", str(data), "render", "--max-actors", "0", "--out", str(out)])
    assert r.exit_code == 0, r.output
    page, _ = page_data(out)
    assert len(page["nodes"]) == 6 and page["meta"]["notes"] == ""


def test_render_merges_ties_above_the_tie_limit(tmp_path, monkeypatch):
    rows = [[f"t{y}", "AAA", "BBB", "trade", str(y), "", "true", "1", "", "", "confirmed", "d.txt", f"q{y}", "", ""]
            for y in range(1990, 2000)]
    write_csv(tmp_path / "ties.csv", TIE_HEADER, rows)
    monkeypatch.setitem(graph.prune.LIMITS, "ties", 5)
    out = tmp_path / "page.html"
    r = CliRunner().invoke(cli, ["--data", str(tmp_path / "ties.csv"), "render", "--out", str(out),
                                 "--image", str(tmp_path / "p.svg")])
    assert r.exit_code == 0, r.output
    page, _ = page_data(out)
    assert [t["id"] for t in page["ties"]] == ["t1990+9"]
    assert page["ties"][0]["start"] == "1990" and page["ties"][0]["end"] == "1999"
    assert "ties merged into 1 records" in page["meta"]["notes"]
    assert "ties merged into 1 records" in (tmp_path / "p.svg").read_text(encoding="utf-8")


def test_render_rejects_a_bad_backbone(tmp_path):
    data = star_dataset(tmp_path)
    r = CliRunner().invoke(cli, ["--data", str(data), "render", "--backbone", "1.5", "--out", str(tmp_path / "p.html")])
    assert r.exit_code == 2 and isinstance(r.exception, SystemExit)
    assert "--backbone" in r.output and "Traceback" not in r.output
