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
