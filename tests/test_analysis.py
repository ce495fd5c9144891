"""Centrality, communities, ego networks, timeline and diff on graphs with known answers."""

import networkx as nx
import pytest

from conftest import TIE_HEADER, write_csv
from graph.analysis import (METRICS, centrality_scores, centrality_table, collapsed_selection,
                            communities, community_map, diff, ego_network, parse_period, timeline,
                            timeline_wide)
from graph.build import build_graph
from graph.errors import QueryError
from graph.load import load_dataset


def weighted(edges, nodes=()):
    """A collapsed-style Graph: edges (u, v, weight) with distance = 1/weight."""
    H = nx.Graph()
    H.add_nodes_from(nodes)
    for u, v, w in edges:
        H.add_edge(u, v, weight=float(w), distance=1.0 / w)
    return H


def tie(tid, source, target, start, *, type="trade", end="", weight=1, directed="false",
        confidence="confirmed", polarity=""):
    return [tid, source, target, type, start, end, directed, str(weight), "", "", confidence,
            "001_a.txt", f"quote for {tid}", polarity, ""]


def dataset(tmp_path, rows):
    write_csv(tmp_path / "ties.csv", TIE_HEADER, rows)
    return load_dataset([tmp_path / "ties.csv"])


STAR = weighted([("C", "L1", 1), ("C", "L2", 1), ("C", "L3", 1)])


def test_star_centre_leads_every_metric():
    for metric in METRICS:
        scores = centrality_scores(STAR, metric)
        assert max(scores, key=scores.get) == "C", metric
        assert scores["L1"] == pytest.approx(scores["L3"]), metric


def test_star_exact_values():
    assert centrality_scores(STAR, "degree") == {"C": 1.0, "L1": pytest.approx(1 / 3),
                                                 "L2": pytest.approx(1 / 3), "L3": pytest.approx(1 / 3)}
    assert centrality_scores(STAR, "betweenness") == {"C": 1.0, "L1": 0.0, "L2": 0.0, "L3": 0.0}
    assert centrality_scores(STAR, "strength") == {"C": 3.0, "L1": 1.0, "L2": 1.0, "L3": 1.0}
    # PageRank of a 3-leaf star, damping 0.85, solved by hand:
    # y = 0.15/4 + 0.85*3x, x = 0.15/4 + 0.85*y/3  ->  y = 0.133125/0.2775
    pr = centrality_scores(STAR, "pagerank")
    assert pr["C"] == pytest.approx(0.133125 / 0.2775, abs=1e-9)
    assert pr["L1"] == pytest.approx((1 - 0.133125 / 0.2775) / 3, abs=1e-9)
    assert sum(pr.values()) == pytest.approx(1.0)


def test_path_graph_betweenness_and_closeness():
    H = weighted([("A", "B", 1), ("B", "C", 1), ("C", "D", 1)])
    bc = centrality_scores(H, "betweenness")
    assert bc == {"A": 0.0, "B": pytest.approx(2 / 3), "C": pytest.approx(2 / 3), "D": 0.0}
    cc = centrality_scores(H, "closeness")
    assert cc["A"] == pytest.approx(3 / 6) and cc["B"] == pytest.approx(3 / 4)


def test_betweenness_walks_distance_so_strong_ties_are_short():
    # A–B and B–C are strong (distance 0.1 each); A–C is weak (distance 1).
    H = weighted([("A", "B", 10), ("B", "C", 10), ("A", "C", 1)])
    assert centrality_scores(H, "betweenness")["B"] == 1.0
    # Counting weight as a length would route A–C directly and give B nothing.
    assert nx.betweenness_centrality(H, weight="weight")["B"] == 0.0


def test_strength_sums_weights():
    H = weighted([("A", "B", 2.5), ("A", "C", 4)])
    assert centrality_scores(H, "strength") == {"A": 6.5, "B": 2.5, "C": 4.0}


def test_eigenvector_connected_matches_networkx():
    H = weighted([("A", "B", 1), ("B", "C", 2), ("C", "A", 3), ("C", "D", 1)])
    ours = centrality_scores(H, "eigenvector")
    ref = nx.eigenvector_centrality(H, weight="weight", max_iter=1000, tol=1e-12)
    assert ours == {k: pytest.approx(v, abs=1e-6) for k, v in ref.items()}


def test_eigenvector_disconnected_and_isolated_never_raises():
    H = weighted([("A", "B", 1), ("B", "C", 1), ("C", "A", 1), ("X", "Y", 1)], nodes=["Z"])
    scores = centrality_scores(H, "eigenvector")
    assert scores["Z"] == 0.0
    assert scores["A"] > scores["X"] > 0  # the island of two does not outrank the triangle
    assert sum(v * v for v in scores.values()) == pytest.approx(1.0)


def test_eigenvector_falls_back_to_numpy_when_power_iteration_fails(monkeypatch):
    H = weighted([("A", "B", 1), ("B", "C", 2), ("C", "A", 3), ("C", "D", 1)])
    expected = centrality_scores(H, "eigenvector")

    def fail(*args, **kwargs):
        raise nx.PowerIterationFailedConvergence(1)

    monkeypatch.setattr(nx, "eigenvector_centrality", fail)
    assert centrality_scores(H, "eigenvector") == {k: pytest.approx(v, abs=1e-9) for k, v in expected.items()}


def test_unknown_metric_is_a_query_error():
    with pytest.raises(QueryError, match="unknown metric 'fame'"):
        centrality_scores(STAR, "fame")


def test_empty_and_single_node_graphs():
    for metric in METRICS:
        assert centrality_scores(nx.Graph(), metric) == {}
        assert centrality_scores(weighted([], nodes=["A"]), metric) == {"A": 0.0}
        # an actor with no counted tie scores 0 on every metric, PageRank included
        assert centrality_scores(weighted([("A", "B", 1)], nodes=["Z"]), metric)["Z"] == 0.0
    assert centrality_scores(weighted([("A", "B", 1)], nodes=["Z"]), "pagerank") == {"A": 0.5, "B": 0.5, "Z": 0.0}


def test_table_ranks_ties_by_id_and_shares_rank():
    rows = centrality_table(STAR, "degree")
    assert [(r["id"], r["rank"]) for r in rows] == [("C", 1), ("L1", 2), ("L2", 2), ("L3", 2)]
    assert list(rows[0]) == ["id", "name", "degree", "rank"]
    assert len(centrality_table(STAR, "degree", top=2)) == 2


def test_table_all_metrics():
    rows = centrality_table(STAR, "all")
    assert rows[0]["id"] == "C" and rows[0]["rank"] == 1
    assert set(METRICS) <= set(rows[0])


TWO_CLIQUES = weighted([(u, v, 1) for i, u in enumerate("abcd") for v in "abcd"[i + 1:]]
                       + [(u, v, 1) for i, u in enumerate("wxyz") for v in "wxyz"[i + 1:]]
                       + [("d", "w", 1)])


def test_two_cliques_and_a_bridge():
    result = communities(TWO_CLIQUES)
    assert [c["members"] for c in result["communities"]] == [list("abcd"), list("wxyz")]
    # Q = 2 * (6/13 - (13/26)^2)
    assert result["modularity"] == pytest.approx(2 * (6 / 13 - 0.25))
    assert community_map(TWO_CLIQUES) == {**{v: 0 for v in "abcd"}, **{v: 1 for v in "wxyz"}}


def test_communities_numbered_by_size_then_id_and_isolates_marked():
    H = weighted([("Q", "R", 1), ("A", "B", 1), ("B", "C", 1), ("A", "C", 1)], nodes=["Z"])
    result = communities(H)
    assert [c["members"] for c in result["communities"]] == [["A", "B", "C"], ["Q", "R"], ["Z"]]
    assert [c["isolated"] for c in result["communities"]] == [False, False, True]
    assert community_map(H, seed=7) == community_map(H, seed=7)


def test_communities_need_ties():
    with pytest.raises(QueryError, match="no ties"):
        communities(weighted([], nodes=["A", "B"]))


def test_cooperative_default_keeps_sanctions_out(tmp_path):
    ds = dataset(tmp_path, [tie("t1", "A", "B", "2020"), tie("t2", "C", "A", "2020", type="sanctions")])
    H = collapsed_selection(ds.ties, ds.actors)
    assert sorted(H.edges) == [("A", "B")] and "C" in H
    assert centrality_scores(H, "degree")["C"] == 0.0
    H_all = collapsed_selection(ds.ties, ds.actors, filters={"polarity": "all"})
    assert H_all.graph["polarity"] == "all" and H_all.has_edge("A", "C")


def test_ego_network_lists_the_ties_that_reach_each_actor(tmp_path):
    ds = dataset(tmp_path, [tie("t1", "A", "B", "2020"), tie("t2", "B", "C", "2020"),
                            tie("t3", "A", "C", "2020"), tie("t4", "C", "D", "2020"),
                            tie("t5", "E", "A", "2020", type="sanctions")])
    G = build_graph(ds.ties, ds.actors)
    ego = ego_network(G, "A")
    assert [(a["id"], a["hops"], a["ties_with_actor"]) for a in ego["actors"]] == \
        [("A", 0, None), ("B", 1, 1), ("C", 1, 1), ("E", 1, 1)]
    assert [t["id"] for t in ego["ties"]] == ["t1", "t3", "t5"]
    assert [t["id"] for t in ego_network(G, "A", among=True)["ties"]] == ["t1", "t2", "t3", "t5"]
    coop = ego_network(G, "A", depth=2, polarity="cooperative")
    assert [a["id"] for a in coop["actors"]] == ["A", "B", "C", "D"]
    assert [t["id"] for t in coop["ties"]] == ["t1", "t3", "t4"]
    with pytest.raises(QueryError):
        ego_network(G, "E", polarity="cooperative")


def test_timeline_counts_ties_active_in_each_year(tmp_path):
    ds = dataset(tmp_path, [tie("t1", "A", "B", "2019", end="2021", weight=2),
                            tie("t2", "A", "C", "2021", weight=3),
                            tie("t3", "B", "C", "1990", weight=1)])
    rows = timeline(ds.ties, ds.actors, metric="strength", only=["A", "C"])
    got = {(r["id"], r["year"]): r["strength"] for r in rows}
    # 1990 (one event) and 2019–2021 (active years); no empty years in between
    assert sorted({r["year"] for r in rows}) == [1990, 2019, 2020, 2021]
    assert got[("A", 2019)] == 2 and got[("A", 2020)] == 2 and got[("A", 2021)] == 5
    assert got[("C", 1990)] == 1 and got[("C", 2020)] == 0 and got[("C", 2021)] == 3
    wide = timeline_wide(rows, "strength")
    assert wide[0] == {"id": "A", "name": "A", "1990": 0.0, "2019": 2.0, "2020": 2.0, "2021": 5.0}
    # default actors: the top by the metric; window narrows the years
    rows = timeline(ds.ties, ds.actors, metric="strength", top=1, filters={"start": "2020"})
    assert [(r["id"], r["year"]) for r in rows] == [("A", 2020), ("A", 2021)]


def test_timeline_empty_selection(tmp_path):
    ds = dataset(tmp_path, [tie("t1", "A", "B", "2019")])
    with pytest.raises(QueryError, match="no ties are selected"):
        timeline(ds.ties, ds.actors, filters={"start": "2030"})


@pytest.mark.parametrize("text, expected", [("2021", ("2021", "2021")), ("2021-06", ("2021-06", "2021-06")),
                                            ("2014:2021", ("2014", "2021")), (":2021", (None, "2021")),
                                            ("2022:", ("2022", None))])
def test_parse_period(text, expected):
    assert parse_period(text) == expected


@pytest.mark.parametrize("text, message", [("last year", "not a period"), ("2021:2019", "ends before"),
                                           (":", "not a period"), ("2021-13", "not a period")])
def test_parse_period_errors(text, message):
    with pytest.raises(QueryError, match=message):
        parse_period(text)


def test_diff_added_removed_and_moves(tmp_path):
    ds = dataset(tmp_path, [tie("t1", "A", "B", "2020"), tie("t2", "B", "C", "2019", end="2022"),
                            tie("t3", "C", "D", "2022", weight=5), tie("t4", "D", "A", "2022", type="sanctions")])
    d = diff(ds.ties, ds.actors, before="2020", after="2022", metric="strength")
    assert [a["id"] for a in d["actors_added"]] == ["D"]
    assert [a["id"] for a in d["actors_removed"]] == []  # A is still there through the sanction
    assert [t["id"] for t in d["ties_added"]] == ["t3", "t4"]
    assert [t["id"] for t in d["ties_removed"]] == ["t1"]
    assert d["polarity"] == {"ties": "all", "centrality": "cooperative"}
    moves = {m["id"]: (m["before"], m["after"]) for m in d["moves"]}
    assert moves["C"] == (1.0, 6.0) and moves["D"] == (0.0, 5.0) and moves["A"] == (1.0, 0.0)
    assert d["moves"][0]["id"] == "C"  # biggest move first (|+5|, then id: C before D)
    assert moves["B"] == (2.0, 1.0)  # lost t1, kept t2
    assert d["before"] == {"period": "2020", "ties": 2, "actors": 3}
    same = diff(ds.ties, ds.actors, before="2019", after="2019", metric="strength")
    assert same["moves"] == [] and same["ties_added"] == [] and same["actors_added"] == []


def test_betweenness_accelerator_agrees_with_networkx_on_the_bundled_data():
    """centrality_scores uses graph.fast (igraph when installed); the answer must be networkx's."""
    from graph.build import build_graph, collapse
    from graph.fast import betweenness
    from graph.load import load_dataset
    ds = load_dataset()
    H = collapse(build_graph(ds.ties, ds.actors))
    reference = nx.betweenness_centrality(H, weight="distance", normalized=True)
    got = centrality_scores(H, "betweenness")
    assert max(abs(got[v] - reference[v]) for v in H) < 1e-9
    assert betweenness(H, backend="networkx") == reference


def _dense_pagerank(H, alpha=0.85):
    """Reference: power iteration on networkx's dense Google matrix (the former implementation)."""
    import numpy as np
    scores = {v: 0.0 for v in H}
    H = H.subgraph([v for v in H if H.degree(v) > 0])
    nodes = sorted(H, key=str)
    if not nodes:
        return scores
    M = nx.google_matrix(H, alpha=alpha, weight="weight", nodelist=nodes)
    x = np.full(len(nodes), 1.0 / len(nodes))
    for _ in range(1000):
        nxt = x @ M
        nxt = nxt / nxt.sum()
        done = np.abs(nxt - x).sum() < len(nodes) * 1e-12
        x = nxt
        if done:
            break
    scores.update(zip(nodes, np.asarray(x).ravel().tolist()))
    return scores


@pytest.mark.parametrize("seed", range(6))
def test_sparse_pagerank_equals_google_matrix(seed):
    import random
    rnd = random.Random(seed)
    for directed in (False, True):
        H = nx.DiGraph() if directed else nx.Graph()
        H.add_nodes_from(f"N{i}" for i in range(30))  # some stay isolated
        for _ in range(60):
            u, v = f"N{rnd.randrange(25)}", f"N{rnd.randrange(25)}"  # self-loops allowed
            H.add_edge(u, v, weight=rnd.choice([0.5, 1.0, 2.0, 7.0]))
        if directed:
            H.add_edge("N26", "N27", weight=1.0)  # N27 is dangling: no way out
        ours = centrality_scores(H, "pagerank")
        ref = _dense_pagerank(H)
        assert set(ours) == set(ref)
        for v in ref:
            assert ours[v] == pytest.approx(ref[v], abs=1e-10), (seed, directed, v)
        assert ours["N29"] == 0.0
        # and networkx's own PageRank over the actors with a tie
        tied = H.subgraph([v for v in H if H.degree(v) > 0])
        from networkx.algorithms.link_analysis.pagerank_alg import _pagerank_python  # no scipy here
        nxpr = _pagerank_python(tied, alpha=0.85, weight="weight", tol=1e-14, max_iter=5000)
        for v in nxpr:
            assert ours[v] == pytest.approx(nxpr[v], abs=1e-9)


def test_pagerank_does_not_depend_on_insertion_order():
    edges = [("A", "B", 1.0), ("B", "C", 3.0), ("C", "A", 0.3), ("C", "D", 2.0), ("E", "F", 1.0)]
    one, two = weighted(edges), weighted(edges[::-1], nodes=["F", "E"])
    assert centrality_scores(one, "pagerank") == centrality_scores(two, "pagerank")


# --- the table route (collapse_ties, collapse_slices) answers as the multigraph route did ---------

import json  # noqa: E402

import numpy as np  # noqa: E402
from click.testing import CliRunner  # noqa: E402

import graph.build  # noqa: E402
from cli import cli  # noqa: E402
from conftest import ROOT  # noqa: E402
from graph.build import collapse  # noqa: E402

BUNDLED_DIR = ROOT / "data"


def multigraph_route(monkeypatch):
    """Make the analyses collapse as before: one edge per tie (build_graph), then collapse()."""
    calls = []

    def collapse_ties(ties, actors=None, **options):
        calls.append(len(ties))
        return collapse(build_graph(ties, actors), **options)

    def collapse_slices(ties, actors=None, slices=(None,), *, tie_ids=True, **options):
        for mask in slices:  # with every tie id, whatever tie_ids asks: scores do not depend on them
            yield collapse_ties(ties if mask is None else ties[np.asarray(mask, dtype=bool)], actors, **options)

    monkeypatch.setattr(graph.build, "collapse_ties", collapse_ties)
    monkeypatch.setattr(graph.build, "collapse_slices", collapse_slices)
    return calls


@pytest.mark.skipif(not (BUNDLED_DIR / "ties.csv").is_file(), reason="the bundled dataset is not there")
@pytest.mark.parametrize("args", [
    ["centrality", "--metric", "all"], ["centrality", "--metric", "pagerank", "--from", "2022"],
    ["centrality", "--metric", "betweenness", "--polarity", "all"], ["communities"],
    ["communities", "--polarity", "adversarial"],
    ["timeline", "--metric", "degree", "--top", "5"], ["timeline", "--metric", "pagerank", "--top", "4"],
    ["timeline", "--metric", "strength", "--polarity", "all", "--from", "2014"],
    ["timeline", "--metric", "betweenness", "--actor", "PRK", "--actor", "KOR", "--actor", "JPN"],
    ["diff", "--before", "2022", "--after", "2023", "--metric", "eigenvector"],
])
def test_bundled_commands_answer_as_the_multigraph_route(args, monkeypatch):
    invoke = lambda: CliRunner().invoke(cli, ["--data", str(BUNDLED_DIR), *args, "--format", "json"])  # noqa: E731
    fast = invoke()
    assert fast.exit_code == 0, fast.output
    assert json.loads(fast.stdout)
    calls = multigraph_route(monkeypatch)
    slow = invoke()
    assert slow.exit_code == 0, slow.output
    assert calls, "the reference route was not taken"
    assert fast.stdout == slow.stdout


def test_timeline_years_and_scores_per_year_by_hand(tmp_path):
    # A–B 2010–2012, B–C 2015 only, A–C lasting 2011–2030 (no future years past the last start, 2015)
    ds = dataset(tmp_path, [tie("t1", "A", "B", "2010", end="2012"), tie("t2", "B", "C", "2015"),
                            tie("t3", "A", "C", "2011", end="2030", weight=3)])
    rows = timeline(ds.ties, metric="strength", only=["A", "B", "C"])
    by = {(r["id"], r["year"]): r["strength"] for r in rows}
    assert sorted({r["year"] for r in rows}) == [2010, 2011, 2012, 2013, 2014, 2015]
    assert [by["A", y] for y in range(2010, 2016)] == [1.0, 4.0, 4.0, 3.0, 3.0, 3.0]
    assert [by["B", y] for y in range(2010, 2016)] == [1.0, 1.0, 1.0, 0.0, 0.0, 1.0]
    assert [r["year"] for r in timeline(ds.ties, metric="degree", only=["C"], filters={"end": "2011"})] == \
        [2010, 2011]
