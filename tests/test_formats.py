"""Exchange formats: schema-valid GEXF/GraphML, Cytoscape JSON, XLSX, and reading every one back.

Every GEXF and GraphML file written here is validated with lxml against the
official schemas in ../shared/schemas/ (bundled data, a window, hostile text,
an empty selection).
"""

import json
import zipfile
from pathlib import Path

import networkx as nx
import pytest
from click.testing import CliRunner

from cli import cli
from conftest import ROOT, SHARED, SMALL_ACTORS, SMALL_DOCS, SMALL_TIES, write_csv, write_dataset
from graph.build import build_graph
from graph.errors import DatasetError
from graph.export import graphml_id, to_gexf, to_graphml, to_xlsx
from graph.load import load_dataset

lxml_etree = pytest.importorskip("lxml.etree")

SCHEMAS = SHARED / "schemas"
BUNDLED = ROOT / "data"
CONTRACT = ["id", "source", "target", "type", "start", "end", "directed", "weight", "value", "unit",
            "confidence", "doc", "quote", "polarity", "note", "start_date", "end_date"]
GEXF_NS = {"1.3": "http://gexf.net/1.3", "1.2": "http://www.gexf.net/1.2draft"}

#: Text that is an attack in XML, HTML or a spreadsheet, or just awkward.
HOSTILE = ['=HYPERLINK("http://evil.example","click")', "+1+2", "-cmd|' /C calc'!A0", "@SUM(A1:A9)",
           "'=already quoted", "]]><x/><!-- & \"quotes\" 'single' <b>bold</b>",
           "line one\nline two\twith a tab", "\u202eevil bidi \u05e9\u05dc\u05d5\u05dd 대한민국"]


def hostile_dataset(root):
    """The small dataset with quotes, notes, names, groups and titles that are attacks."""
    ties = [list(r) for r in SMALL_TIES]
    for i, row in enumerate(ties):
        row[12] = HOSTILE[i % len(HOSTILE)]
        row[14] = HOSTILE[(i + 3) % len(HOSTILE)]
        row[9] = HOSTILE[(i + 1) % len(HOSTILE)] if i % 2 else row[9]
    ties.append(["t8", "Q&A<\"1\">", "RUS", "hostile_act", "2024", "", "true", "0.1", "-3.5", "",
                 "reported", "d1.txt", HOSTILE[7], "", HOSTILE[0]])
    actors = [list(r) for r in SMALL_ACTORS]
    actors[0][1] = "North <img src=x onerror=alert(5)> Korea"
    actors[1][1] = "=cmd|'/C calc'!A0"
    actors[2][4] = "<b>axis</b> & co"
    actors[3][3] = "US;\"U.S.\";@washington"
    actors.append(["Q&A<\"1\">", "Quiz & <Answer>", "organization", "", "-odd"])
    docs = [list(r) for r in SMALL_DOCS]
    docs[0][1] = "<script>alert(7)</script> report"
    docs[1][4] = "=1+1"
    return write_dataset(root, ties, actors, docs)


@pytest.fixture(scope="module")
def schemas():
    return {"1.3": lxml_etree.XMLSchema(lxml_etree.parse(str(SCHEMAS / "1.3" / "gexf.xsd"))),
            "1.2": lxml_etree.XMLSchema(lxml_etree.parse(str(SCHEMAS / "1.2draft" / "gexf.xsd"))),
            "graphml": lxml_etree.XMLSchema(lxml_etree.parse(str(SCHEMAS / "graphml" / "graphml.xsd")))}


def assert_valid(schema, path):
    doc = lxml_etree.parse(str(path))
    assert schema.validate(doc), [f"{e.line}: {e.message}" for e in schema.error_log][:5]
    return doc


def export(tmp_path, data, fmt, *extra, name=None):
    out = tmp_path / (name or f"out.{fmt}")
    args = (["--data", str(data)] if data else []) + ["-q", "export", "--to", fmt, "--out", str(out), *extra]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    return out


def contract(ds):
    return ds.ties[CONTRACT].sort_values("id").reset_index(drop=True)


def same_ties(a, b):
    a, b = contract(a), contract(b)
    assert list(a["id"]) == list(b["id"])
    for col in CONTRACT:
        left, right = a[col].tolist(), b[col].tolist()
        assert [None if x != x else x for x in left] == [None if x != x else x for x in right], col


def same_actors(a, b):
    cols = ["id", "name", "kind", "aliases", "group"]
    x = a.actors[cols].sort_values("id").reset_index(drop=True)
    y = b.actors[cols].sort_values("id").reset_index(drop=True)
    assert x.to_dict("records") == y.to_dict("records")


# --------------------------------------------------------------------------- schema validity

@pytest.fixture(scope="module")
def hostile_dir(tmp_path_factory):
    return hostile_dataset(tmp_path_factory.mktemp("hostile") / "ds")


SELECTIONS = {"bundled": (None, ()), "window": (None, ("--from", "2022", "--until", "2023")),
              "hostile": ("hostile", ()), "empty": (None, ("--from", "2090"))}


@pytest.mark.parametrize("selection", sorted(SELECTIONS))
def test_gexf_and_graphml_validate_against_the_official_schemas(selection, schemas, hostile_dir, tmp_path):
    data, extra = SELECTIONS[selection]
    data = hostile_dir if data else None
    ds = load_dataset([data] if data else None)
    for version in ("1.3", "1.2"):
        out = export(tmp_path, data, "gexf", "--gexf-version", version, *extra, name=f"v{version}.gexf")
        doc = assert_valid(schemas[version], out)
        ns = {"g": GEXF_NS[version]}
        edges = doc.findall(".//g:edge", ns)
        graph = doc.find("g:graph", ns)
        if selection == "empty":
            assert edges == [] and graph.get("mode") == "static" and graph.get("timeformat") is None
        else:
            assert graph.get("mode") == "dynamic" and graph.get("timeformat") == "date"
            assert graph.get("defaultedgetype") == "directed"
            if selection != "window":
                assert len(edges) == len(ds.ties)
            directed = dict(zip(ds.ties["id"], ds.ties["directed"]))
            for e in edges:
                assert e.get("type") == ("directed" if directed[e.get("id")] else "undirected")
    out = export(tmp_path, data, "graphml", *extra)
    doc = assert_valid(schemas["graphml"], out)
    ns = {"g": "http://graphml.graphdrawing.org/xmlns"}
    keys = {k.get("attr.name"): k.get("attr.type") for k in doc.findall("g:key[@for='edge']", ns)}
    if selection != "empty":
        assert keys["weight"] == "double" and keys["directed"] == "boolean" and keys["tie_type"] == "string"
        directed = dict(zip(ds.ties["id"], ds.ties["directed"]))
        for e in doc.findall(".//g:edge", ns):
            assert e.get("directed") == ("true" if directed[e.get("id")] else "false")
        node_keys = {k.get("attr.name"): k.get("attr.type") for k in doc.findall("g:key[@for='node']", ns)}
        assert node_keys["pagerank"] == node_keys["betweenness"] == "double"


def test_gexf_window_spans_each_tie_and_actor(tmp_path):
    out = export(tmp_path, None, "gexf", "--from", "2022", "--until", "2023")
    root = lxml_etree.parse(str(out))
    ns = {"g": GEXF_NS["1.3"]}
    ds = load_dataset()
    ties = ds.ties.set_index("id")
    edges = root.findall(".//g:edge", ns)
    assert edges and len(edges) < len(ds.ties)
    starts = {}
    for e in edges:
        t = ties.loc[e.get("id")]
        assert e.get("start") == t["start_date"].date().isoformat()
        assert e.get("end") == t["end_date"].date().isoformat()
        for n in (e.get("source"), e.get("target")):
            starts[n] = min(starts.get(n, e.get("start")), e.get("start"))
        values = {a.get("for"): a.get("value") for a in e.findall(".//g:attvalue", ns)}
        assert values["tie_type"] == t["type"] and values["start_as_given"] == t["start"]
        assert values["directed"] == ("true" if t["directed"] else "false")
    for node in root.findall(".//g:node", ns):
        assert node.get("start") == starts[node.get("id")]


def test_gexf_viz_is_the_render_view(tmp_path):
    """Colours, sizes and positions are those of render's view (y up for Gephi); scores are typed."""
    from explorer.view import make_view
    out = export(tmp_path, None, "gexf", "--color-by", "group", "--size-by", "degree", "--seed", "7")
    root = lxml_etree.parse(str(out))
    ns = {"g": GEXF_NS["1.3"]}
    ds = load_dataset()
    G = build_graph(ds.ties, ds.actors, documents=ds.documents, include_isolates=True)
    view = {n["id"]: n for n in make_view(G, size_by="degree", color_by="group", seed=7)["nodes"]}
    nodes = root.findall(".//g:node", ns)
    assert len(nodes) == len(view) == 22
    for node in nodes:
        want = view[node.get("id")]
        c = node.find("g:color", ns)
        assert "#%02x%02x%02x" % (int(c.get("r")), int(c.get("g")), int(c.get("b"))) == want["color"]
        p = node.find("g:position", ns)
        assert (float(p.get("x")), float(p.get("y"))) == (want["x"], -want["y"])
        assert float(node.find("g:size", ns).get("value")) == pytest.approx(want["size"])
    page = make_view(G, size_by="degree", color_by="group", seed=7)
    tie_color = {t: e["color"] for e in page["edges"] for t in e["ties"]}
    edges = root.findall(".//g:edge", ns)
    assert len(edges) == len(tie_color) == 169
    for e in edges:  # each tie in the colour the explorer draws it
        c = e.find("g:color", ns)
        assert "#%02x%02x%02x" % (int(c.get("r")), int(c.get("g")), int(c.get("b"))) == tie_color[e.get("id")]
    usa = root.find(".//g:node[@id='USA']", ns)
    assert usa.find("g:color", ns).get("b") == str(0xa7)  # allies: #4e79a7
    values = {a.get("for"): a.get("value") for a in usa.findall(".//g:attvalue", ns)}
    assert values["group"] == "allies" and values["name"] == "United States"
    assert 0 < float(values["pagerank"]) < 1 and float(values["degree"]) > 0


def test_same_bytes_every_run(tmp_path):
    """Through the CLI, with the view's layout (test_export checks every format from the library)."""
    for fmt in ("gexf", "xlsx"):
        a = export(tmp_path, None, fmt, name=f"a.{fmt}").read_bytes()
        b = export(tmp_path, None, fmt, name=f"b.{fmt}").read_bytes()
        assert a == b, fmt
    assert b"lastmodified" not in export(tmp_path, None, "gexf").read_bytes()


def test_xlsx_refuses_text_longer_than_a_cell():
    from graph.errors import QueryError
    M = nx.MultiDiGraph()
    M.add_edge("A", "B", key="t9", type="trade", directed=True, weight=1.0, quote="x" * 40000)
    with pytest.raises(QueryError, match=r"tie 't9': quote: 40,000 characters, more than an Excel cell"):
        to_xlsx(M)


def test_xml_illegal_character_names_the_tie_and_field():
    M = nx.MultiDiGraph()
    M.add_edge("A", "B", key="t9", type="trade", directed=True, weight=1.0, quote="esc \x1b[31m")
    for write in (to_gexf, to_graphml):
        with pytest.raises(DatasetError, match=r"tie 't9': quote: holds the control character U\+001B"):
            write(M)
    M = nx.MultiDiGraph()
    M.add_node("A", name="bad\x00name")
    with pytest.raises(DatasetError, match=r"actor 'A': name: .*U\+0000"):
        to_gexf(M)


# --------------------------------------------------------------------------- what other readers see

def test_networkx_and_igraph_see_type_direction_and_dates(tmp_path):
    ds = load_dataset()
    ties = ds.ties.set_index("id")
    # networkx refuses graphs mixing directed and undirected edges: --for-networkx drops the flags
    with pytest.raises(nx.NetworkXError, match="Undirected edge found in directed graph"):
        nx.read_gexf(export(tmp_path, None, "gexf"))
    for fmt in ("gexf", "graphml"):
        out = export(tmp_path, None, fmt, "--for-networkx", name=f"nx.{fmt}")
        back = (nx.read_gexf if fmt == "gexf" else nx.read_graphml)(out)
        assert isinstance(back, nx.MultiDiGraph) and back.number_of_edges() == len(ties)
        for u, v, k, d in back.edges(keys=True, data=True):
            t = ties.loc[k]
            assert (u, v, d["tie_type"], d["directed"]) == (t["source"], t["target"], t["type"], t["directed"])
            assert d["start_date"] == t["start_date"].date().isoformat()
            assert d["end_date"] == t["end_date"].date().isoformat()
            assert d["weight"] == t["weight"]
    igraph = pytest.importorskip("igraph")
    g = igraph.Graph.Read_GraphML(str(export(tmp_path, None, "graphml")))
    assert g.ecount() == len(ties)
    for e in g.es:
        t = ties.loc[e["tie_id"]]
        assert (g.vs[e.source]["id"], g.vs[e.target]["id"]) == (t["source"], t["target"])
        assert (e["tie_type"], e["directed"], e["start"]) == (t["type"], t["directed"], t["start"])
        assert e["end_date"] == t["end_date"].date().isoformat()


def test_one_direction_throughout_reads_in_networkx_with_the_flags():
    M = nx.MultiDiGraph()
    M.add_edge("A", "B", key="t1", type="trade", directed=False, weight=1.0, start_date="2020-01-01")
    M.add_edge("B", "C", key="t2", type="energy", directed=False, weight=2.0, start_date="2021-01-01")
    for back in (nx.parse_graphml(to_graphml(M)), nx.read_gexf(__import__("io").BytesIO(to_gexf(M).encode()))):
        assert not back.is_directed()
        assert sorted(d.get("tie_id", d.get("id")) for *_, d in back.edges(data=True)) == ["t1", "t2"]
    assert 'edgedefault="undirected"' in to_graphml(M) and 'defaultedgetype="undirected"' in to_gexf(M)


def test_cytoscape_json_shape(tmp_path, hostile_dir):
    doc = json.loads(export(tmp_path, hostile_dir, "cytoscape").read_text(encoding="utf-8"))
    nodes, edges = doc["elements"]["nodes"], doc["elements"]["edges"]
    assert len(nodes) == 7 and len(edges) == 8
    for n in nodes:
        assert set(n) == {"data", "position"} and "group" not in n["data"]
        assert n["data"]["color"].startswith("#") and set(n["position"]) == {"x", "y"}
    chn = next(n for n in nodes if n["data"]["id"] == "CHN")
    assert chn["data"]["actor_group"] == "<b>axis</b> & co" and chn["data"]["kind"] == "state"
    t8 = next(e["data"] for e in edges if e["data"]["id"] == "t8")
    assert t8["source"] == 'Q&A<"1">' and t8["tie_type"] == "hostile_act" and t8["directed"] is True
    assert t8["weight"] == 0.1 and t8["value"] == -3.5 and t8["quote"] == HOSTILE[7]


# --------------------------------------------------------------------------- reading back

FORMATS = [("gexf", ()), ("gexf", ("--gexf-version", "1.2")), ("graphml", ()), ("graphml", ("--for-networkx",)),
           ("cytoscape", ()), ("json", ()), ("xlsx", ())]


@pytest.mark.parametrize("fmt, extra", FORMATS, ids=[f"{f}{''.join(e)}" for f, e in FORMATS])
@pytest.mark.parametrize("which", ["bundled", "hostile"])
def test_export_then_import_gives_the_same_ties(fmt, extra, which, hostile_dir, tmp_path):
    data = hostile_dir if which == "hostile" else None
    before = load_dataset([data] if data else None)
    suffix = {"cytoscape": "cyjs"}.get(fmt, fmt)
    out = export(tmp_path, data, fmt, *extra, name=f"back.{suffix}")
    after = load_dataset([out])
    assert after.rejected == []
    same_ties(before, after)
    same_actors(before, after)
    if fmt == "xlsx" and which == "hostile":
        assert sorted(after.documents["doc"]) == sorted(before.documents["doc"])
        assert after.documents.set_index("doc").loc["d2.txt", "author"] == before.documents.set_index(
            "doc").loc["d2.txt", "author"]


def test_readers_by_prefix_whatever_the_suffix(tmp_path):
    out = export(tmp_path, None, "gexf", name="ties.xml")
    ds = load_dataset([f"gexf:{out}"])
    assert len(ds.ties) == 169
    result = CliRunner().invoke(cli, ["--data", f"graphml:{export(tmp_path, None, 'graphml', name='g.txt')}",
                                      "validate"])
    assert result.exit_code == 0 and "169 ties" in result.output


def test_xlsx_cells_are_strings_never_formulas(tmp_path, hostile_dir):
    from openpyxl import load_workbook
    out = export(tmp_path, hostile_dir, "xlsx")
    with zipfile.ZipFile(out) as z:
        assert not any("<f>" in z.read(n).decode("utf-8") for n in z.namelist() if n.endswith(".xml"))
    wb = load_workbook(out)
    assert wb.sheetnames == ["ties", "actors", "documents"]
    ws = wb["ties"]
    header = [c.value for c in ws[1]]
    rows = {r[0].value: {h: c for h, c in zip(header, r)} for r in ws.iter_rows(min_row=2)}
    assert rows["t1"]["quote"].value == "'" + HOSTILE[0] and rows["t1"]["quote"].data_type == "s"
    # the CSV loader undoes one neutralising apostrophe ("'=already quoted" loads as "=already
    # quoted"), and the XLSX writer puts it back
    assert rows["t5"]["quote"].value == "'=already quoted"
    assert rows["t2"]["weight"].value == 4 and rows["t2"]["directed"].value is False
    assert rows["t8"]["value"].value == -3.5  # a number, not neutralised
    names = {r[0].value: r[1] for r in wb["actors"].iter_rows(min_row=2)}
    assert names["RUS"].value == "'=cmd|'/C calc'!A0" and names["RUS"].data_type == "s"


def write_xlsx(path, sheets):
    from openpyxl import Workbook
    wb = Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for row in rows:
            ws.append(row)
    wb.save(path)
    return path


def test_xlsx_typed_cells_become_contract_text(tmp_path):
    import datetime
    rows = [["ID", "Source", "Target", "Type", "Start", "End", "Directed", "Weight", "Confidence", "Doc",
             "Quote"],
            ["t1", "A", "B", "trade", datetime.datetime(2023, 9, 13), 2024, True, 3.0, "confirmed", "d", "q"],
            [None, None, None, None, None, None, None, None, None, None, None],
            ["t2", "A", "C", "TRADE", "2023", None, "false", -1, "confirmed", "d", "q"]]
    path = write_xlsx(tmp_path / "Ties Book.xlsx", {"Sheet One": rows})  # a single sheet: the ties
    ds = load_dataset([path])
    t1 = ds.ties.set_index("id").loc["t1"]
    assert (t1["start"], t1["end"], t1["directed"], t1["weight"]) == ("2023-09-13", "2024", True, 3.0)
    assert [(r["file"], r["line"], r["id"], r["field"]) for r in ds.rejected] == [
        (f"{path}:Sheet One", 4, "t2", "type"), (f"{path}:Sheet One", 4, "t2", "weight")]
    result = CliRunner().invoke(cli, ["--data", str(path), "validate"])
    assert result.exit_code == 1
    assert f"{path}:Sheet One:4: t2: weight: must be a number > 0, got '-1'" in result.output


def test_xlsx_sheets_by_name_in_any_case_and_checked_together(tmp_path):
    ties = [list(map(str.upper, ["id"])) + ["source", "target", "type", "start", "directed", "weight",
                                            "confidence", "doc", "quote"],
            ["t1", "A", "B", "trade", "2023", "false", "1", "confirmed", "d1", "q"],
            ["t2", "A", "Z", "trade", "2023", "false", "1", "confirmed", "d1", "q"]]
    actors = [["id", "name", "kind"], ["A", "Alpha", "state"], ["B", "Beta", "robot"]]
    path = write_xlsx(tmp_path / "t.xlsx", {"ACTORS": actors, "Ties": ties, "documents": [["doc"], ["d1"]]})
    ds = load_dataset([path])
    assert ds.ties.empty
    got = {(r["file"], r["line"], r["id"], r["field"]) for r in ds.rejected}
    assert (f"{path}:ACTORS", 3, "B", "kind") in got
    assert (f"{path}:Ties", 3, "t2", "target") in got and (f"{path}:Ties", 2, "t1", "target") in got


@pytest.mark.parametrize("sheets, message", [
    ({"a": [["id"]], "b": [["x"]]}, "no sheet named 'ties' (sheets: a, b)"),
    ({"ties": [["id", "source"], ["t1", "A"]]}, ":ties:1: missing required columns target, type"),
    ({"ties": []}, ":ties: the sheet is empty"),
])
def test_xlsx_unusable_workbooks(tmp_path, sheets, message):
    path = write_xlsx(tmp_path / "bad.xlsx", sheets)
    with pytest.raises(DatasetError, match=message.replace("(", r"\(").replace(")", r"\)")):
        load_dataset([path])


def test_not_a_workbook(tmp_path):
    path = tmp_path / "fake.xlsx"
    path.write_text("id,source\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["--data", str(path), "validate"])
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit)
    assert f"Error: {path}: not a readable Excel .xlsx workbook" in result.output


GEXF_BAD = """<?xml version="1.0" encoding="UTF-8"?>
<gexf xmlns="http://gexf.net/1.3" version="1.3">
  <graph defaultedgetype="undirected">
    <attributes class="edge">
      <attribute id="0" title="Tie_Type" type="string"/>
      <attribute id="1" title="confidence" type="string"/>
      <attribute id="2" title="quote" type="string"/>
      <attribute id="3" title="doc" type="string"/>
    </attributes>
    <nodes><node id="A" label="Alpha"/><node id="B" label="Beta"/></nodes>
    <edges>
      <edge id="e1" source="A" target="B" weight="2" start="2020-01-01" end="2020-06-30" type="directed">
        <attvalues><attvalue for="0" value="trade"/><attvalue for="1" value="confirmed"/>
          <attvalue for="2" value="q"/><attvalue for="3" value="d"/></attvalues>
      </edge>
      <edge id="e2" source="A" target="B" weight="heavy" kind="trade">
        <spells><spell start="2021-01-01" end="2021-02-01"/></spells>
        <attvalues><attvalue for="1" value="confirmed"/>
          <attvalue for="2" value="q"/><attvalue for="3" value="d"/></attvalues>
      </edge>
    </edges>
  </graph>
</gexf>
"""


def test_gexf_from_elsewhere_maps_by_title_and_names_the_element(tmp_path):
    path = tmp_path / "gephi.gexf"
    path.write_text(GEXF_BAD, encoding="utf-8")
    ds = load_dataset([path])
    t = ds.ties.set_index("id").loc["e1"]
    assert (t["type"], t["directed"], t["weight"], t["start"], t["end"]) == \
        ("trade", True, 2.0, "2020-01-01", "2020-06-30")
    assert [(r["line"], r["id"], r["field"], r["reason"]) for r in ds.rejected] == [
        (16, "e2", "weight", "must be a number > 0, got 'heavy'")]  # its type from kind="trade"
    assert list(ds.actors["name"]) == ["A", "B"]  # no kind: actors inferred, as from a bare ties file


@pytest.mark.parametrize("name, text, message", [
    ("broken.gexf", "<gexf><graph>", ":1: not a readable GEXF file: no element found"),
    ("x.gexf", "<graphml/>", "not a GEXF file"),
    ("dtd.graphml", '<!DOCTYPE x [<!ENTITY a "b">]><graphml/>', "with a DTD or entity declarations"),
    ("bad.json", '{"elements": {"nodes": [}', ":1: not readable as JSON"),
    ("other.json", '{"a": 1}', "neither Cytoscape.js JSON"),
])
def test_unreadable_exchange_files(tmp_path, name, text, message):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    result = CliRunner().invoke(cli, ["--data", str(path), "validate"])
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit), result.output
    assert message in result.output


def test_json_rejections_name_the_list_and_position(tmp_path):
    doc = {"elements": {"nodes": [], "edges": [
        {"data": {"id": "e1", "source": "A", "target": "B", "tie_type": "trade", "directed": False,
                  "weight": 1, "start": "2020", "confidence": "confirmed", "doc": "d", "quote": "q"}},
        {"data": {"id": "e2", "source": "A", "target": "B", "tie_type": "trade", "directed": "maybe",
                  "weight": 1, "start": "2020", "confidence": "confirmed", "doc": "d", "quote": "q"}}]}}
    path = tmp_path / "g.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    result = CliRunner().invoke(cli, ["--data", str(path), "validate"])
    assert f"{path}:edges:2: e2: directed: 'maybe' is not a boolean" in result.output


def test_export_help_and_bad_options():
    result = CliRunner().invoke(cli, ["export", "--help"])
    assert "tiegraph export --to cytoscape" in result.output and "--for-networkx" in result.output
    result = CliRunner().invoke(cli, ["export", "--to", "gexf", "--gexf-version", "2.0"])
    assert result.exit_code == 2
    result = CliRunner().invoke(cli, ["export", "--to", "cytoscape", "--for-networkx"])
    assert result.exit_code == 2 and "--for-networkx applies to gexf and graphml only" in result.output


def test_networkx_reads_hostile_text_back_exactly(tmp_path, hostile_dir):
    ds = load_dataset([hostile_dir])
    ties = ds.ties.set_index("id")
    for fmt in ("gexf", "graphml"):
        back = (nx.read_gexf if fmt == "gexf" else nx.read_graphml)(
            export(tmp_path, hostile_dir, fmt, "--for-networkx", name=f"h.{fmt}"))
        assert back.number_of_edges() == len(ties)
        for u, v, d in back.edges(data=True):
            key = d.get("tie_id", d.get("id"))
            assert (d["quote"], d["note"]) == (ties.loc[key, "quote"], ties.loc[key, "note"])
        names = dict(zip(ds.actors["id"], ds.actors["name"]))
        assert {n: d["name"] for n, d in back.nodes(data=True)} == \
            {(n if fmt == "gexf" else graphml_id(n)): name for n, name in names.items()}


# --- Files made by other tools (and opened by a careless analyst) ---------------------------------

TIE_FIELDS = ["id", "source", "target", "type", "start", "end", "directed", "weight", "confidence", "doc",
              "quote"]


def validate(*paths):
    args = [a for p in paths for a in ("--data", str(p))]
    result = CliRunner().invoke(cli, [*args, "validate"])
    assert "Traceback" not in result.output
    return result


def test_xlsx_header_below_a_title_row(tmp_path):
    rows = [["Bilateral ties, exported 2024-05-01"], [], TIE_FIELDS,
            ["t1", "A", "B", "trade", "2023", "", "false", "1", "confirmed", "d", "q"],
            ["t2", "A", "C", "trade", "20x", "", "false", "1", "confirmed", "d", "q"]]
    path = write_xlsx(tmp_path / "report.xlsx", {"Ties ": rows})  # trailing space in the sheet name
    result = validate(path)
    assert result.exit_code == 1
    assert f"{path}:Ties :5: t2: start: '20x' is not a date" in result.output  # the sheet's own row
    assert "1 row rejected; 1 ties" in result.output


def test_xlsx_no_header_in_the_top_rows_names_the_rows_searched(tmp_path):
    path = write_xlsx(tmp_path / "t.xlsx", {"ties": [["a title"], ["x", "y"], ["t1", "A"]]})
    result = validate(path)
    assert result.exit_code == 1
    assert (f"Error: {path}:ties:1: missing required columns id, source" in result.output
            and "no row among rows 1-3 names them all" in result.output)


@pytest.mark.parametrize("name, content, says", [
    ("renamed.xlsx", b"id,source,target\nt1,A,B\n", "plain text, most likely a CSV file renamed to .xlsx; "
                                                     "read it with --data csv:"),
    ("old.xls", bytes.fromhex("D0CF11E0A1B11AE1") + bytes(504), "an old Excel .xls workbook or a "
                                                                   "password-protected (encrypted) one"),
    ("locked.xlsx", bytes.fromhex("D0CF11E0A1B11AE1") + bytes(504), "remove any password"),
    ("empty.xlsx", b"", "the file is empty"),
])
def test_not_really_an_xlsx_says_what_it_is(tmp_path, name, content, says):
    path = tmp_path / name
    path.write_bytes(content)
    result = validate(path)
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit)
    assert f"Error: {path}: not a readable Excel .xlsx workbook" in result.output and says in result.output


@pytest.mark.parametrize("writer", ["gexf", "graphml", "node-link"])
def test_a_graph_from_networkx_without_tie_fields_is_one_clear_error(tmp_path, writer):
    g = nx.karate_club_graph()
    path = tmp_path / f"karate.{'json' if writer == 'node-link' else writer}"
    if writer == "gexf":
        nx.write_gexf(g, path)
    elif writer == "graphml":
        nx.write_graphml(g, path)
    else:
        path.write_text(json.dumps(nx.node_link_data(g, edges="edges")), encoding="utf-8")
    result = validate(path)
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit)
    assert len(result.output.strip().splitlines()) == 1, result.output  # not 78 edges x 6 fields
    assert "no edge has" in result.output and "type, start, confidence, doc, quote" in result.output
    assert "the edges carry" in result.output and "weight" in result.output


def test_igraph_graphml_names_what_it_has(tmp_path):
    ig = pytest.importorskip("igraph")
    g = ig.Graph([(0, 1), (1, 2)], directed=True)
    g.vs["name"] = ["USA", "CAN", "MEX"]
    g.es["type"], g.es["weight"] = ["trade", "trade"], [1.0, 2.0]
    path = tmp_path / "ig.graphml"
    g.write_graphml(str(path))
    result = validate(path)
    assert result.exit_code == 1
    assert f"Error: {path}: no edge has id, start, confidence, doc, quote" in result.output
    assert "the edges carry source, target, type, weight" in result.output


def tie_graph():
    g = nx.DiGraph()
    g.add_edge("USA", "CAN", id="t1", type="trade", start="2001", weight=2, confidence="confirmed",
               doc="d", quote="q")
    g.add_edge("São Paulo", "New York", id="t2", type="trade", start="2001", weight=1,
               confidence="confirmed", doc="d", quote="q")
    return g


@pytest.mark.parametrize("key", ["edges", "links"])  # networkx 3.4+ writes 'edges'; before, 'links'
def test_networkx_node_link_takes_the_graphs_direction(tmp_path, key):
    path = tmp_path / "g.json"
    path.write_text(json.dumps(nx.node_link_data(tie_graph(), edges=key)), encoding="utf-8")
    ds = load_dataset([path])
    assert ds.rejected == [] and sorted(ds.ties["id"]) == ["t1", "t2"]
    assert ds.ties["directed"].tolist() == [True, True]
    assert set(ds.ties["source"]) == {"USA", "São Paulo"}


def test_json_lines_and_a_bare_list_of_ties(tmp_path):
    records = [{"id": "t1", "source": "A", "target": "B", "type": "trade", "start": "2023", "directed": False,
                "weight": 1, "confidence": "confirmed", "doc": "d", "quote": "q"},
               {"id": "t2", "source": "A", "target": "C", "type": "trade", "start": "20x", "directed": False,
                "weight": 1, "confidence": "confirmed", "doc": "d", "quote": "q"}]
    lines = tmp_path / "ties.jsonl"
    lines.write_text(json.dumps(records[0]) + "\n\n" + json.dumps(records[1]) + "\n", encoding="utf-8")
    bare = tmp_path / "ties.json"
    bare.write_text(json.dumps(records), encoding="utf-8")
    result = validate(lines)
    assert result.exit_code == 1 and f"{lines}:3: t2: start: '20x' is not a date" in result.output
    result = validate(bare)
    assert result.exit_code == 1 and f"{bare}:edges:2: t2: start: '20x' is not a date" in result.output
    assert "1 row rejected; 1 ties" in result.output


@pytest.mark.parametrize("fmt", ["gexf", "graphml", "json"])
def test_gzip_compressed_exchange_files(tmp_path, fmt):
    import gzip
    plain = tmp_path / f"ties.{fmt}"
    result = CliRunner().invoke(cli, ["--data", str(BUNDLED), "export", "--to", fmt if fmt != "json"
                                      else "cytoscape", "--out", str(plain)])
    assert result.exit_code == 0, result.output
    packed = tmp_path / f"ties.{fmt}.gz"
    packed.write_bytes(gzip.compress(plain.read_bytes()))
    a, b = load_dataset([plain]), load_dataset([packed])
    assert len(b.ties) == len(a.ties) > 0 and b.ties["id"].tolist() == a.ties["id"].tolist()
    other = tmp_path / "ties.csv.gz"
    other.write_bytes(gzip.compress(b"id\n"))
    result = validate(other)
    assert result.exit_code == 1 and "read only as .gexf.gz, .graphml.gz or .json.gz" in result.output


@pytest.mark.parametrize("writer", ["gexf", "graphml"])
def test_networkx_written_ties_keep_type_id_and_direction(tmp_path, writer):
    # write_gexf puts an edge's 'type' in GEXF's direction slot; write_graphml puts 'id' in a <data>
    path = tmp_path / f"g.{writer}"
    getattr(nx, f"write_{writer}")(tie_graph(), path)
    ds = load_dataset([path])
    assert ds.rejected == []
    got = ds.ties.set_index("id")[["source", "target", "type", "directed"]].to_dict("index")
    assert got == {"t1": {"source": "USA", "target": "CAN", "type": "trade", "directed": True},
                   "t2": {"source": "São Paulo", "target": "New York", "type": "trade", "directed": True}}


def test_xlsx_formula_cells_read_their_saved_value_or_say_it_is_missing(tmp_path):
    # openpyxl writes formulas without a computed value, as many libraries do; Excel saves one (<v>)
    rows = [TIE_FIELDS, ["t1", "A", "B", "trade", "2023", None, "false", "=1+1", "confirmed", "d", "q"],
            ["t2", "A", "C", "trade", "2023", None, "false", "=1+2", "confirmed", "d", "q"],
            ["t3", "A", "D", "trade", "2023", None, "false", "1", "confirmed", "d", "q"]]
    path = write_xlsx(tmp_path / "calc.xlsx", {"ties": rows})
    with zipfile.ZipFile(path) as z:
        members = {n: z.read(n) for n in z.namelist()}
    sheet = next(n for n in members if n.startswith("xl/worksheets/sheet"))
    assert b"<f>1+2</f><v></v>" in members[sheet]
    members[sheet] = members[sheet].replace(b"<f>1+2</f><v></v>", b"<f>1+2</f><v>3</v>")  # as Excel saves
    with zipfile.ZipFile(path, "w") as z:
        for name, data in members.items():
            z.writestr(name, data)
    result = validate(path)
    assert result.exit_code == 1
    assert (f"{path}:ties:2: t1: weight: the cell holds the formula '=1+1' with no computed value"
            in result.output)
    assert "1 row rejected; 2 ties" in result.output
    ds = load_dataset([path])
    assert ds.ties.set_index("id")["weight"].to_dict() == {"t2": 3.0, "t3": 1.0}


def test_xlsx_merged_cells_reject_the_rows_that_only_look_filled(tmp_path):
    from openpyxl import Workbook
    wb = Workbook()
    ws = wb.active
    ws.title = "ties"
    ws.append(TIE_FIELDS)
    for i, target in enumerate(["B", "C", "D"], 1):
        ws.append([f"t{i}", "A" if i == 1 else None, target, "trade", "2023", None, "false", "1", "confirmed",
                   "d", "q"])
    ws.merge_cells("B2:B3")  # looks like source A on t1 and t2; t3's source is simply empty
    ws.column_dimensions["F"].hidden = True  # hidden columns and rows are still read
    ws.row_dimensions[2].hidden = True
    path = tmp_path / "merged.xlsx"
    wb.save(path)
    result = validate(path)
    assert result.exit_code == 1
    assert (f"{path}:ties:3: t2: source: the cell is inside merged cells B2:B3, whose value is stored only "
            "in B2; unmerge the cells and fill in each row") in result.output
    assert f"{path}:ties:4: t3: source: is empty; a value is required" in result.output
    assert "2 rows rejected; 1 ties" in result.output


GEXF_DYNAMIC = """<?xml version="1.0" encoding="UTF-8"?>
<gexf xmlns="http://www.gexf.net/1.2draft" version="1.2">
<graph mode="dynamic" defaultedgetype="undirected" timeformat="date">
<attributes class="edge" mode="dynamic">
  <attribute id="0" title="tie_type" type="string"/><attribute id="1" title="start_as_given" type="string"/>
  <attribute id="2" title="confidence" type="string"/><attribute id="3" title="doc" type="string"/>
  <attribute id="4" title="quote" type="string"/>
</attributes>
<nodes><node id="USA" label="USA"/><node id="CAN" label="CAN"/></nodes>
<edges>
<edge id="e1" source="USA" target="CAN" weight="1"><attvalues>
  <attvalue for="0" value="trade" start="2001-01-01" end="2002-01-01"/>
  <attvalue for="0" value="trade" start="2002-01-01"/>
  <attvalue for="1" value="2001"/><attvalue for="2" value="confirmed"/><attvalue for="3" value="d"/>
  <attvalue for="4" value="q"/></attvalues></edge>
<edge id="e2" source="USA" target="CAN" weight="1"><attvalues>
  <attvalue for="0" value="trade" start="2001-01-01" end="2002-01-01"/>
  <attvalue for="0" value="sanctions" start="2002-01-01"/>
  <attvalue for="1" value="2001"/><attvalue for="2" value="confirmed"/><attvalue for="3" value="d"/>
  <attvalue for="4" value="q"/></attvalues></edge>
</edges></graph></gexf>
"""


def test_gexf_dynamic_attribute_that_changes_is_rejected_not_last_value_wins(tmp_path):
    path = tmp_path / "dynamic.gexf"
    path.write_text(GEXF_DYNAMIC, encoding="utf-8")
    result = validate(path)
    assert result.exit_code == 1
    assert (f"{path}:16: e2: type: the dynamic attribute 'tie_type' changes over time ('trade' from "
            "2001-01-01, 'sanctions' from 2002-01-01)") in result.output
    assert "1 row rejected; 1 ties" in result.output  # e1: the same value throughout is one value


def test_cytoscape_desktop_export_joins_ties_by_node_name_not_suid(tmp_path):
    # the shape Cytoscape 3.x writes (File > Export > Network to File > .cyjs): ids are SUIDs
    tie = {"tie_type": "trade", "start": "2023", "weight": 1.0, "directed": False, "confidence": "confirmed",
           "doc": "d", "quote": "q", "shared_interaction": "interacts with", "interaction": "interacts with",
           "selected": False}
    doc = {"format_version": "1.0", "generated_by": "cytoscape-3.10.2", "target_cytoscapejs_version": "~2.1",
           "data": {"name": "ties", "SUID": 52, "selected": True},
           "elements": {"nodes": [{"data": {"id": "104", "shared_name": "USA", "name": "USA", "SUID": 104,
                                            "selected": False}, "position": {"x": 0, "y": 0}},
                                  {"data": {"id": "105", "shared_name": "CAN", "name": "CAN", "SUID": 105,
                                            "selected": False}, "position": {"x": 1, "y": 0}}],
                        "edges": [{"data": {"id": "t1", "source": "104", "target": "105", "SUID": 106,
                                            "shared_name": "USA (interacts with) CAN", **tie}}]}}
    path = tmp_path / "session.cyjs"
    path.write_text(json.dumps(doc), encoding="utf-8")
    ds = load_dataset([path])
    assert ds.rejected == []
    assert ds.ties[["id", "source", "target", "type"]].values.tolist() == [["t1", "USA", "CAN", "trade"]]


GRAPHML_NESTED = """<?xml version="1.0" encoding="UTF-8"?>
<graphml xmlns="http://graphml.graphdrawing.org/xmlns">
  <key id="d0" for="edge" attr.name="tie_type" attr.type="string"/>
  <key id="d1" for="edge" attr.name="start" attr.type="string"/>
  <key id="d2" for="edge" attr.name="weight" attr.type="double"/>
  <key id="d3" for="edge" attr.name="confidence" attr.type="string"/>
  <key id="d4" for="edge" attr.name="doc" attr.type="string"/>
  <key id="d5" for="edge" attr.name="quote" attr.type="string"/>
  <graph id="G" edgedefault="undirected">
    <node id="NATO">
      <graph id="NATO:" edgedefault="undirected">
        <node id="USA"/><node id="CAN"/>
        <edge id="t2" source="USA" target="CAN"><data key="d0">trade</data><data key="d1">2001</data>
          <data key="d2">1</data><data key="d3">confirmed</data><data key="d4">d</data><data key="d5">q</data></edge>
      </graph>
    </node>
    <node id="MEX"/>
    <edge id="t1" source="USA" target="MEX"><data key="d0">trade</data><data key="d1">2001</data>
      <data key="d2">1</data><data key="d3">confirmed</data><data key="d4">d</data><data key="d5">q</data></edge>
  </graph>
</graphml>
"""


def test_graphml_edges_inside_a_group_node_are_read(tmp_path):
    path = tmp_path / "yed.graphml"  # yEd writes a group as a node holding a nested <graph>
    path.write_text(GRAPHML_NESTED, encoding="utf-8")
    result = validate(path)
    assert result.exit_code == 0, result.output
    assert "OK: 2 ties" in result.output


@pytest.mark.parametrize("name, content, says", [
    ("sheet.ods", b"PK\x03\x04", "an OpenDocument spreadsheet (.ods) is not read; save it as .xlsx or CSV"),
    ("book.xlsb", b"PK\x03\x04", "an Excel binary workbook (.xlsb) is not read"),
    ("meta.json", b'{"data": {"name": "g"}}', "nor a list of ties; found an object with keys 'data'"),
])
def test_other_files_an_analyst_might_pass_are_named(tmp_path, name, content, says):
    path = tmp_path / name
    path.write_bytes(content)
    result = validate(path)
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit)
    assert f"Error: {path}: " in result.output and says in result.output


def test_xlsx_date_serial_in_a_number_cell_is_rejected_with_the_date_it_likely_is(tmp_path):
    import datetime
    rows = [TIE_FIELDS, ["t1", "A", "B", "trade", datetime.date(2001, 3, 4), None, "false", 1, "confirmed", "d", "q"],
            ["t2", "A", "C", "trade", 37000, None, "false", 1, "confirmed", "d", "q"],
            ["t3", "A", "D", "trade", 2001, None, "false", 1, "confirmed", "d", "q"],  # a year, as a number
            ["t4", "A", "E", "trade", "04/03/2001", None, "false", 1, "confirmed", "d", "q"]]
    path = write_xlsx(tmp_path / "dates.xlsx", {"ties": rows})
    result = validate(path)
    assert result.exit_code == 1
    assert (f"{path}:ties:3: t2: start: '37000' is a number, not a date: an Excel date serial (2001-04-19)"
            in result.output)
    assert f"{path}:ties:5: t4: start: '04/03/2001' is not a date" in result.output
    assert "2 rows rejected; 2 ties" in result.output
