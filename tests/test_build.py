"""Building, slicing and collapsing graphs; finding actors by name."""

import networkx as nx
import pytest

from graph.actors import resolve_actor
from graph.build import build_graph, collapse, neighborhood, select
from graph.errors import QueryError, UnknownActorError
from graph.load import load_dataset


@pytest.fixture
def ds(dataset_dir):
    return load_dataset([dataset_dir])


def test_one_edge_per_tie_with_all_fields(ds):
    G = build_graph(ds.ties, ds.actors, documents=ds.documents)
    assert isinstance(G, nx.MultiDiGraph)
    assert G.number_of_edges() == len(ds.ties)
    e = G.edges["PRK", "RUS", "t1"]
    assert e["type"] == "arms_transfer" and e["value"] == 2300000.0 and e["directed"] is True
    assert e["start"] == "2023-09" and e["start_date"] == "2023-09-01" and e["end_date"] == "2023-09-30"
    assert e["doc_title"] == "First document"
    assert "file" not in e and "line" not in e
    assert G.nodes["KOR"]["name"] == "South Korea" and G.nodes["KOR"]["group"] == "allies"


@pytest.mark.parametrize("filters, expected", [
    ({}, ["t1", "t2", "t3", "t4", "t5", "t6", "t7"]),
    ({"start": "2024"}, ["t3", "t7"]),                   # ties lasting into 2024
    ({"end": "2022"}, ["t3", "t7"]),                     # begun by the end of 2022
    ({"start": "2023-09", "end": "2023-09"}, ["t1", "t2", "t3", "t7"]),  # 2023 covers September
    ({"as_of": "2022-12"}, ["t3", "t7"]),
    ({"as_of": "2023-08-17"}, ["t2", "t3", "t6", "t7"]),     # a tie dated "2023" may have begun
    ({"as_of": "2023-08"}, ["t2", "t3", "t4", "t5", "t6", "t7"]),
    ({"types": ["trade", "sanctions"]}, ["t2", "t3"]),
    ({"min_confidence": "reported"}, ["t1", "t2", "t3", "t4", "t5"]),
    ({"min_confidence": "assessed"}, ["t1", "t2", "t3", "t4", "t5", "t6"]),
    ({"polarity": "adversarial"}, ["t3"]),
    ({"polarity": "all"}, ["t1", "t2", "t3", "t4", "t5", "t6", "t7"]),
])
def test_select(ds, filters, expected):
    assert sorted(select(ds.ties, **filters)["id"]) == expected


@pytest.mark.parametrize("filters, message", [
    ({"start": "2023-13"}, "is not a date"),
    ({"start": "2024", "end": "2023"}, "the window is empty"),
    ({"types": ["alliance"]}, "unknown tie type 'alliance'"),
    ({"min_confidence": "sure"}, "unknown confidence"),
])
def test_select_rejects_bad_filters(ds, filters, message):
    with pytest.raises(QueryError, match=message):
        select(ds.ties, **filters)


def test_select_does_not_change_its_argument(ds):
    before = ds.ties.copy()
    select(ds.ties, types=["trade"])
    assert ds.ties.equals(before)


def test_collapse_weights_distance_and_polarity(ds):
    G = build_graph(ds.ties, ds.actors)
    H = collapse(G)
    assert H.graph["polarity"] == "cooperative"
    assert not H.has_edge("USA", "RUS")  # sanctions do not pull rivals together
    assert H["RUS"]["PRK"]["weight"] == 3.0 and H["RUS"]["PRK"]["distance"] == pytest.approx(1 / 3)
    assert H.has_edge("USA", "RUS") is False and set(H) == set(G)
    A = collapse(G, polarity="all", type_factors={"trade": 0.5})
    assert A["USA"]["RUS"]["ties"] == ["t3"] and A["CHN"]["RUS"]["weight"] == 2.0
    D = collapse(G, directed=True, polarity="all")
    assert D.has_edge("PRK", "RUS") and not D.has_edge("RUS", "PRK")  # directed tie one way
    assert D.has_edge("RUS", "CHN") and D.has_edge("CHN", "RUS")      # undirected tie both ways
    assert G.number_of_edges() == len(ds.ties)  # the argument is untouched


def test_collapse_sums_parallel_ties():
    M = nx.MultiDiGraph()
    for i, w in enumerate([1.0, 2.0, 5.0]):
        M.add_edge("A", "B", key=f"t{i}", weight=w, type="trade", directed=False, polarity="cooperative")
    H = collapse(M)
    assert H["A"]["B"]["weight"] == 8.0 and H["A"]["B"]["n_ties"] == 3
    assert H["A"]["B"]["distance"] == pytest.approx(0.125)


def test_neighborhood(ds):
    G = build_graph(ds.ties, ds.actors)
    assert sorted(neighborhood(G, "PRK", depth=1)) == ["CHN", "PRK", "RUS"]
    assert sorted(neighborhood(G, "PRK", depth=2)) == ["CHN", "PRK", "RUS", "USA"]
    with pytest.raises(QueryError):
        neighborhood(G, "FRA")


@pytest.mark.parametrize("query, expected", [
    ("PRK", "PRK"), ("prk", "PRK"), ("North Korea", "PRK"), ("  north   KOREA ", "PRK"),
    ("DPRK", "PRK"), ("pyongyang", "PRK"), ("대한민국", "KOR"), ("u.s.", "USA"),
])
def test_resolve_actor(ds, query, expected):
    assert resolve_actor(ds.actors, query) == expected


def test_resolve_actor_is_accent_insensitive():
    actors = [{"id": "TUR", "name": "Türkiye", "aliases": "Turkey"}]
    assert resolve_actor(actors, "TURKIYE") == "TUR"


def test_unknown_actor_suggests(ds):
    with pytest.raises(UnknownActorError) as info:
        resolve_actor(ds.actors, "Nort Korea")
    assert info.value.suggestions[0] == "North Korea"
    with pytest.raises(UnknownActorError, match="no actor named 'Atlantis'$"):
        resolve_actor(ds.actors, "Atlantis")


# --- collapse_ties (the table way) gives what collapse(build_graph(...)) gives -------------------

from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from graph.build import _plain, collapse_slices, collapse_ties  # noqa: E402

BUNDLED = Path(__file__).resolve().parents[1] / "data"
COLLAPSE_OPTIONS = [{}, {"polarity": "all"}, {"polarity": "adversarial"}, {"polarity": None},
                    {"directed": True}, {"directed": True, "polarity": "all"},
                    {"type_factors": {"trade": 0.5, "sanctions": 0, "hostile_act": 2}},
                    {"directed": True, "polarity": "all", "type_factors": {"diplomatic": 0}}]


def same_graph(A, B):
    """Same class, graph attributes, nodes and edges with attributes, in the same order."""
    assert type(A) is type(B)
    assert A.graph == B.graph
    assert list(A.nodes(data=True)) == list(B.nodes(data=True))
    assert list(A.edges(data=True)) == list(B.edges(data=True))
    return True


@pytest.mark.parametrize("options", COLLAPSE_OPTIONS)
def test_collapse_ties_equals_collapse_on_the_bundled_data(options):
    ds = load_dataset([BUNDLED])
    assert len(ds.ties) > 100
    H = collapse_ties(ds.ties, ds.actors, **options)
    assert same_graph(H, collapse(build_graph(ds.ties, ds.actors), **options))
    assert H.number_of_edges() > 0 or options.get("polarity") == "adversarial"


@pytest.mark.parametrize("options", COLLAPSE_OPTIONS)
def test_collapse_ties_equals_collapse_on_the_small_dataset(ds, options):
    part = select(ds.ties, start="2023")
    assert same_graph(collapse_ties(part, ds.actors, **options),
                      collapse(build_graph(part, ds.actors), **options))


def awkward_ties():
    """Parallel and opposite ties, a self-tie, a zero weight, an actor with only adversarial ties,
    ids that sort differently as text and as numbers, no actor row for some actors."""
    return pd.DataFrame({
        "id": [10, 9, 2, 11, 3, 4, 5, 100],
        "source": ["B", "A", "A", "C", "A", "D", "E", "E"],
        "target": ["A", "B", "A", "A", "C", "A", "F", "E"],
        "type": ["trade", "energy", "trade", "trade", "diplomatic", "sanctions", "trade", "trade"],
        "polarity": ["cooperative"] * 3 + ["cooperative", "cooperative", "adversarial", "cooperative",
                                          "cooperative"],
        "weight": [1.5, 2.25, 1.0, 0.0, 0.1, 3.0, 0.2, 0.7],
        "directed": [True, False, False, True, False, True, True, False],
    })


@pytest.mark.parametrize("options", COLLAPSE_OPTIONS + [{"type_factors": {"trade": 3}}])
def test_collapse_ties_equals_collapse_on_awkward_ties(options):
    ties = awkward_ties()
    actors = pd.DataFrame({"id": ["A", "B", "Z"], "name": ["Alpha", "Beta", "Zulu"],
                           "group": ["x", None, "y"], "line": [2, 3, 4], "file": ["a.csv"] * 3})
    for who in (None, actors):
        assert same_graph(collapse_ties(ties, who, **options), collapse(build_graph(ties, who), **options))


def test_collapse_ties_known_answers():
    ties, actors = awkward_ties(), pd.DataFrame({"id": ["A", "Z"], "name": ["Alpha", "Zulu"]})
    H = collapse_ties(ties, actors)
    # Z has no tie: not a node; D has only a sanction: a node without edges (as collapse keeps G's nodes)
    assert list(H) == ["A", "B", "C", "D", "E", "F"] and H.degree("D") == 0
    assert H.nodes["A"] == {"name": "Alpha"} and H.nodes["D"] == {"name": "D"}
    assert H["A"]["B"] == {"weight": 3.75, "n_ties": 2, "ties": [9, 10], "distance": 1 / 3.75}
    assert not H.has_edge("A", "C") or H["A"]["C"]["ties"] == [3]  # the zero-weight tie 11 is left out
    assert H["A"]["C"]["n_ties"] == 1 and H["A"]["A"]["ties"] == [2] and H["E"]["E"]["n_ties"] == 1
    D = collapse_ties(ties, directed=True)
    assert D["A"]["B"]["ties"] == [9] and D["B"]["A"]["ties"] == [9, 10]  # 9 goes both ways, 10 only B→A
    assert D["A"]["A"]["n_ties"] == 2 and D["A"]["A"]["weight"] == 2.0  # an undirected self-tie, twice
    assert D.has_edge("E", "F") and not D.has_edge("F", "E")


def test_collapse_ties_empty_and_without_optional_columns():
    ties = awkward_ties()
    empty = collapse_ties(ties.iloc[0:0])
    assert len(empty) == 0 and empty.graph == {"polarity": "cooperative"}
    bare = ties[["id", "source", "target"]]
    for options in ({}, {"polarity": "all"}, {"directed": True, "polarity": "all"}):
        assert same_graph(collapse_ties(bare, **options), collapse(build_graph(bare), **options))
    assert collapse_ties(bare).number_of_edges() == 0  # no polarity column: nothing is cooperative
    assert collapse_ties(bare, polarity="all")["A"]["B"]["weight"] == 2.0


def test_collapse_slices_equal_collapse_per_slice(ds):
    years = [2021, 2022, 2023, 2024]
    masks = [((ds.ties["end_date"] >= f"{y}-01-01") & (ds.ties["start_date"] <= f"{y}-12-31")).to_numpy()
             for y in years]
    for mask, H in zip(masks, collapse_slices(ds.ties, ds.actors, masks)):
        assert same_graph(H, collapse(build_graph(ds.ties[mask], ds.actors)))
    # 2021: only t7 (CHN–PRK); 2022 and 2024: t3 and t7; 2023: every tie
    assert [len(H) for H in collapse_slices(ds.ties, ds.actors, masks)] == [2, 4, 6, 4]


def reference_build_graph(ties, actors=None, *, documents=None, include_isolates=False):
    """build_graph as it was, one row and one cell at a time (the reference for the fast one)."""
    import networkx as nx
    G = nx.MultiDiGraph()
    titles = {}
    if documents is not None and len(documents):
        titles = dict(zip(documents["doc"], documents.get("title", documents["doc"])))
    info = {}
    if actors is not None and len(actors):
        cols = [c for c in actors.columns if c not in ("file", "line")]
        for rec in actors[cols].to_dict("records"):
            info[rec["id"]] = {k: _plain(v) for k, v in rec.items() if k != "id"}
    if include_isolates:
        for aid in sorted(info):
            G.add_node(aid, **info[aid])
    cols = [c for c in ties.columns if c not in ("file", "line")]
    for rec in ties[cols].to_dict("records"):
        s, t = rec["source"], rec["target"]
        for n in (s, t):
            if n not in G:
                G.add_node(n, **info.get(n, {"name": n}))
        attrs = {k: _plain(v) for k, v in rec.items()}
        if titles:
            attrs["doc_title"] = titles.get(rec.get("doc"), "")
        G.add_edge(s, t, key=rec["id"], **attrs)
    return G


def same_multigraph(A, B):
    assert list(A.nodes(data=True)) == list(B.nodes(data=True))
    a, b = list(A.edges(keys=True, data=True)), list(B.edges(keys=True, data=True))
    assert a == b
    assert [[type(x) for x in d.values()] for *_, d in a] == [[type(x) for x in d.values()] for *_, d in b]
    return True


def test_build_graph_equals_the_row_by_row_reference():
    ds = load_dataset([BUNDLED])
    for options in ({}, {"documents": ds.documents}, {"include_isolates": True}):
        assert same_multigraph(build_graph(ds.ties, ds.actors, **options),
                               reference_build_graph(ds.ties, ds.actors, **options))


def test_build_graph_plain_values_per_column_type():
    ties = pd.DataFrame({
        "id": ["t1", "t2", "t3"], "source": ["A", "B", "A"], "target": ["B", "C", "C"],
        "text": pd.Series(["x", None, "z"], dtype="str"), "mixed": ["x", np.nan, 3],
        "number": [1.5, np.nan, 2.0], "count": np.array([1, 2, 3], dtype=np.int64),
        "flag": [True, False, True], "nullable": pd.array([1, None, 3], dtype="Int64"),
        "start_date": np.array(["0999-03-01", "1960-05-05T12:00", "NaT"], dtype="datetime64[us]"),
        "line": [2, 3, 4], "file": ["f", "f", "f"]})
    G = build_graph(ties)
    assert same_multigraph(G, reference_build_graph(ties))
    assert G.edges["A", "B", "t1"]["start_date"] == "0999-03-01" and G.edges["B", "C", "t2"]["number"] is None
    assert G.edges["B", "C", "t2"]["text"] is None and G.edges["B", "C", "t2"]["start_date"] == "1960-05-05"
    assert type(G.edges["A", "C", "t3"]["count"]) is int and G.edges["A", "C", "t3"]["start_date"] is pd.NaT
    assert same_multigraph(build_graph(ties.iloc[0:0]), reference_build_graph(ties.iloc[0:0]))


def test_collapse_slices_without_tie_ids_keep_weights_and_order(ds):
    masks = [None, (ds.ties["type"] == "military_exercise").to_numpy()]
    for full, light in zip(collapse_slices(ds.ties, ds.actors, masks, polarity="all"),
                           collapse_slices(ds.ties, ds.actors, masks, polarity="all", tie_ids=False)):
        assert list(full.nodes(data=True)) == list(light.nodes(data=True))
        assert [(u, v, {k: x for k, x in d.items() if k != "ties"}) for u, v, d in full.edges(data=True)] == \
            list(light.edges(data=True))
        assert all("ties" not in d for *_, d in light.edges(data=True))
    assert sorted(light.edges) == [("JPN", "USA"), ("KOR", "USA")]
