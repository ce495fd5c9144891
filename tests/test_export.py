"""Exports read back with NetworkX (and our loader) with every tie and attribute."""

import io
import json
import xml.etree.ElementTree as ET

import networkx as nx
import pytest

from conftest import ROOT, SMALL_TIES
from graph.build import build_graph
from graph.errors import QueryError
from graph.export import EXPORT_FORMATS, export_graph, to_csv, to_gexf, to_graphml, to_node_link
from graph.load import load_dataset

GEXF_NS = "{http://gexf.net/1.3}"
GEXF12_NS = "{http://www.gexf.net/1.2draft}"


@pytest.fixture
def graph(dataset_dir):
    ds = load_dataset([dataset_dir])
    return build_graph(ds.ties, ds.actors, documents=ds.documents, include_isolates=True)


def present(d):
    """Attributes with a value (GraphML and GEXF leave missing and empty values out)."""
    return {k: v for k, v in d.items() if v is not None and v != ""}


def exchanged(d):
    """A tie's attributes as the exchange formats name them (its endpoints are the edge's own)."""
    out = {("tie_type" if k == "type" else k): v for k, v in present(d).items()
           if k not in ("id", "source", "target")}
    return out


def test_graphml_round_trip_keeps_every_tie_and_attribute(graph, tmp_path):
    path = tmp_path / "ties.graphml"
    path.write_text(to_graphml(graph, edge_types=False), encoding="utf-8")
    back = nx.read_graphml(path, force_multigraph=True)
    assert isinstance(back, nx.MultiDiGraph)
    assert sorted(back.edges(keys=True)) == sorted(graph.edges(keys=True))
    assert len(back.edges) == len(SMALL_TIES)
    for u, v, k, d in graph.edges(keys=True, data=True):
        assert back.edges[u, v, k] == {"tie_id": k, **exchanged(d)}
    for n, d in graph.nodes(data=True):
        assert back.nodes[n] == {"label": d["name"], **present(d)}
    t3 = back.edges["USA", "RUS", "t3"]
    assert t3["directed"] is True and t3["weight"] == 2.0 and t3["end_date"] == "2024-12-31"
    assert "value" not in t3 and back.edges["CHN", "RUS", "t2"]["value"] == 240000000000.0
    assert back.edges["CHN", "RUS", "t2"]["directed"] is False


def test_graphml_marks_undirected_ties(graph):
    text = to_graphml(graph)
    assert '<edge id="t2" source="CHN" target="RUS" directed="false">' in text
    assert '<edge id="t3" source="USA" target="RUS" directed="true">' in text
    with pytest.raises(nx.NetworkXError, match="directed=false edge found in directed graph"):
        nx.parse_graphml(text)  # networkx cannot hold a mixed graph: hence edge_types=False


def test_graphml_joins_lists():
    G = nx.MultiDiGraph()
    G.add_edge("A", "B", key="t1", ties=["x", "y"])
    back = nx.parse_graphml(to_graphml(G), force_multigraph=True)
    assert back.edges["A", "B", "t1"]["ties"] == "x;y"


def test_node_link_round_trip(graph):
    back = nx.node_link_graph(json.loads(to_node_link(graph)), edges="edges")
    assert isinstance(back, nx.MultiDiGraph)
    assert sorted(back.edges(keys=True)) == sorted(graph.edges(keys=True))
    for u, v, k, d in graph.edges(keys=True, data=True):
        # a tie's source/target attributes are its link's endpoints
        assert back.edges[u, v, k] == {a: x for a, x in d.items() if a not in ("source", "target")}
        assert (d["source"], d["target"]) == (u, v)
    assert dict(back.nodes(data=True)) == dict(graph.nodes(data=True))
    assert back.edges["PRK", "RUS", "t1"]["end"] == "" and back.edges["USA", "RUS", "t3"]["value"] is None


@pytest.mark.parametrize("version, ns", [("1.3", GEXF_NS), ("1.2draft", GEXF12_NS)])
def test_gexf_is_dynamic_with_each_tie_interval(graph, version, ns):
    text = to_gexf(graph, version=version)
    root = ET.fromstring(text)
    assert root.tag == f"{ns}gexf" and root.get("version") == version[:3]
    g = root.find(f"{ns}graph")
    assert g.get("mode") == "dynamic" and g.get("timeformat") == "date"
    assert g.get("name") is None  # not allowed by the schema
    edges = {e.get("id"): e for e in g.iter(f"{ns}edge")}
    assert sorted(edges) == sorted(k for _, _, k in graph.edges(keys=True))
    for u, v, k, d in graph.edges(keys=True, data=True):
        e = edges[k]
        assert (e.get("start"), e.get("end")) == (d["start_date"], d["end_date"])
        assert (e.get("source"), e.get("target")) == (u, v)
        assert e.get("type") == ("directed" if d["directed"] else "undirected")
        values = {a.get("for"): a.get("value") for a in e.iter(f"{ns}attvalue")}
        assert values["tie_type"] == d["type"] and "type" not in values
    nodes = {n.get("id"): n for n in g.iter(f"{ns}node")}
    assert nodes["PRK"].get("start") == "2021-01-01"  # its first tie (t7, 2021)
    assert nodes["PRK"].get("label") == "North Korea"
    assert "lastmodifieddate" not in text  # would change the bytes every day


def test_gexf_reads_back_with_networkx(graph, tmp_path):
    path = tmp_path / "ties.gexf"
    path.write_text(to_gexf(graph, edge_types=False), encoding="utf-8")
    back = nx.read_gexf(path)  # a DiGraph here: no parallel ties, the tie id is an attribute
    assert sorted((u, v, d["id"]) for u, v, d in back.edges(data=True)) == sorted(graph.edges(keys=True))
    e = back.edges["USA", "RUS"]
    assert (e["start"], e["end"]) == ("2022-02-24", "2024-12-31")
    assert e["start_as_given"] == "2022-02-24" and e["end_as_given"] == "2024"
    assert e["quote"] == "sanctions were imposed" and e["confidence"] == "confirmed"
    assert e["tie_type"] == "sanctions" and e["directed"] is True
    assert back.edges["CHN", "RUS"]["directed"] is False


def test_gexf_without_dates_is_static():
    M = nx.MultiDiGraph()
    M.add_edge("A", "B", key="t1", type="trade", directed=True, weight=1.0)
    root = ET.fromstring(to_gexf(M))
    g = root.find(f"{GEXF_NS}graph")
    assert g.get("mode") == "static" and g.get("timeformat") is None
    assert root.find(f".//{GEXF_NS}edge").get("start") is None


@pytest.mark.skipif(not (ROOT / "data" / "ties.csv").is_file(), reason="the bundled dataset is not there")
def test_bundled_gexf_reads_back_as_a_multigraph():
    ds = load_dataset()
    G = build_graph(ds.ties, ds.actors, documents=ds.documents, include_isolates=True)
    back = nx.parse_graphml(to_graphml(G, edge_types=False), force_multigraph=True)
    assert sorted(back.edges(keys=True)) == sorted(G.edges(keys=True))
    back = nx.read_gexf(io.BytesIO(to_gexf(G, edge_types=False).encode("utf-8")))
    assert isinstance(back, nx.MultiDiGraph)
    assert sorted(back.edges(keys=True)) == sorted(G.edges(keys=True))
    assert {d["tie_type"] for *_, d in back.edges(data=True)} == set(ds.ties["type"])


def test_csv_loads_back_as_the_same_ties(dataset_dir, tmp_path):
    ds = load_dataset([dataset_dir])
    G = build_graph(ds.ties, ds.actors)
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "ties.csv").write_text(to_csv(G), encoding="utf-8")
    again = load_dataset([tmp_path / "out" / "ties.csv"])
    assert again.rejected == []
    cols = ["id", "source", "target", "type", "start", "end", "directed", "weight", "value", "unit",
            "confidence", "doc", "quote", "polarity", "start_date", "end_date"]
    a = ds.ties[cols].sort_values("id").reset_index(drop=True)
    b = again.ties[cols].sort_values("id").reset_index(drop=True)
    assert a.equals(b)
    first = to_csv(G).splitlines()[1]
    assert first == "t1,PRK,RUS,arms_transfer,2023-09,,true,3,2300000,rounds,reported,d1.txt," \
                    "Pyongyang provided shells,cooperative,"


@pytest.mark.parametrize("fmt", sorted(EXPORT_FORMATS))
def test_same_graph_same_bytes_whatever_the_order(dataset_dir, fmt):
    ds = load_dataset([dataset_dir])
    G1 = build_graph(ds.ties, ds.actors)
    G2 = build_graph(ds.ties.iloc[::-1], ds.actors)
    assert export_graph(G1, fmt) == export_graph(G2, fmt)


def test_unknown_format():
    with pytest.raises(QueryError, match="unknown export format 'pdf'"):
        export_graph(nx.MultiDiGraph(), "pdf")
