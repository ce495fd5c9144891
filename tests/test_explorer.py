"""The explorer without a browser: element data (golden JSON), page text, safety, the render command."""

import json
import os
import re
from pathlib import Path

import networkx as nx
import pytest
from click.testing import CliRunner

from cli import cli
from conftest import SMALL_ACTORS, SMALL_DOCS, SMALL_TIES, write_dataset
from explorer.elements import TYPE_COLORS, legend_entries, path_overlay, vis_elements
from explorer.html import build_page, render_html, safe_json, write_html
from explorer.image import render_svg
from explorer.view import make_view
from graph.build import build_graph
from graph.layout import layout_positions
from graph.load import load_dataset
from graph.schema import TIE_TYPES

GOLDEN = Path(__file__).parent / "golden"
UPDATE = os.environ.get("TIEGRAPH_UPDATE_GOLDEN") == "1"

HOSTILE = ["<img src=x onerror=alert(1)>", "</script><script>alert(2)</script>",
           "\"'><svg onload=alert(3)>", "<!--<script>alert(4)</script>"]


def hostile_dataset(root):
    """The small dataset with names, quotes, notes and titles that are attacks."""
    ties = [list(r) for r in SMALL_TIES]
    for i, row in enumerate(ties):
        row[12] = HOSTILE[i % 4] + " quote " + row[12]
        row[14] = HOSTILE[(i + 1) % 4]
    # a parallel tie between the same pair, to be drawn too
    ties.append(["t8", "PRK", "RUS", "hostile_act", "2024", "", "true", "1", "", "", "reported",
                 "d1.txt", HOSTILE[1], "", HOSTILE[0]])
    actors = [list(r) for r in SMALL_ACTORS]
    actors[0][1] = "North <img src=x onerror=alert(5)> Korea"
    actors[1][1] = "Russia</script><script>alert(6)</script>"
    actors[2][4] = "<b>axis</b>"
    docs = [list(r) for r in SMALL_DOCS]
    docs[0][1] = "<script>alert(7)</script> report"
    return write_dataset(root, ties, actors, docs)


@pytest.fixture
def small_graph(dataset_dir):
    ds = load_dataset([str(dataset_dir)])
    return build_graph(ds.ties, ds.actors, documents=ds.documents)


def _check_golden(name, value):
    path = GOLDEN / name
    text = json.dumps(value, indent=1, sort_keys=True, ensure_ascii=False) + "\n"
    if UPDATE or not path.exists():
        path.parent.mkdir(exist_ok=True)
        path.write_text(text, encoding="utf-8")
    assert json.loads(path.read_text(encoding="utf-8")) == value


# --------------------------------------------------------------------------- element data

def test_vis_elements_match_golden(small_graph):
    # a second shipment from PRK to Russia: merged with t1 into one line listing both
    small_graph.add_edge("PRK", "RUS", key="t8", id="t8", type="arms_transfer", weight=2.0,
                         directed=True, confidence="confirmed", polarity="cooperative",
                         start="2024-01", start_date="2024-01-01", end_date="2024-01-31",
                         quote="more shells", doc="d2.txt", doc_title="Second document")
    positions = {v: (i * 100, -i * 50) for i, v in enumerate(sorted(small_graph))}
    scores = {"PRK": 0.1, "RUS": 0.4, "CHN": 0.2, "USA": 0.3, "JPN": 0.0, "KOR": 0.05}
    classes = {"PRK": 0, "RUS": 0, "CHN": 0, "USA": 1, "JPN": 1, "KOR": 1}
    el = vis_elements(small_graph, positions=positions, scores=scores, classes=classes, blocs=True)
    _check_golden("elements_small.json", el)
    _check_golden("legend_small.json", legend_entries(el))
    arms = next(e for e in el["edges"] if e["id"] == "PRK>RUS arms_transfer")
    assert (arms["count"], arms["weight"], arms["ties"]) == (2, 5.0, ["t1", "t8"])


def test_encoding_rules(small_graph):
    el = vis_elements(small_graph, positions={}, scores={"RUS": 1.0, "JPN": 0.0})
    ties = {t["id"]: t for t in el["ties"]}
    edges = {t: next(e for e in el["edges"] if e["id"] == ties[t]["edge"]) for t in ties}
    nodes = {n["id"]: n for n in el["nodes"]}
    # no two ties of the small graph share pair, type and direction: one line each
    assert len(el["edges"]) == len(el["ties"]) == 7
    # dashed exactly when confidence is below "reported"
    assert [k for k, e in sorted(edges.items()) if e["dashes"]] == ["t6", "t7"]
    assert [k for k, t in sorted(ties.items()) if t["dashes"]] == ["t6", "t7"]
    # arrows on directed ties only
    assert edges["t1"]["arrows"] == "to" and edges["t2"]["arrows"] == ""
    assert edges["t1"]["id"] == "PRK>RUS arms_transfer" and edges["t2"]["id"] == "CHN~RUS trade"
    # colour by type, width grows with weight
    assert edges["t3"]["color"] == TYPE_COLORS["sanctions"]
    assert edges["t2"]["width"] > edges["t4"]["width"] > edges["t6"]["width"]
    # size by score: the top actor is the largest, zero is the smallest
    assert nodes["RUS"]["size"] == max(n["size"] for n in el["nodes"])
    assert nodes["JPN"]["size"] < nodes["RUS"]["size"]
    # evidence travels with the tie
    t1 = ties["t1"]
    assert (t1["value"], t1["unit"], t1["confidence"], t1["doc_title"], t1["start"]) == \
        ("2300000", "rounds", "reported", "First document", "2023-09")


def _merged(rows):
    """Draw ties given as (id, source, target, type, directed, confidence, polarity, weight, start)."""
    M = nx.MultiDiGraph()
    for tid, s, t, ty, directed, conf, pol, w, start in rows:
        M.add_edge(s, t, key=tid, type=ty, directed=directed, confidence=conf, polarity=pol,
                   weight=w, start_date=start, end_date=start)
    return vis_elements(M, positions={})


def test_parallel_ties_merge_by_type_direction_style_and_polarity():
    T = True
    el = _merged([
        ("t1", "A", "B", "trade", T, "reported", "cooperative", 1.0, "2014-01-01"),
        ("t2", "A", "B", "trade", T, "confirmed", "cooperative", 3.0, "2023-01-01"),   # merges with t1
        ("t3", "B", "A", "trade", T, "reported", "cooperative", 1.0, "2020-01-01"),   # other direction
        ("t4", "A", "B", "trade", False, "reported", "cooperative", 1.0, ""),         # undirected
        ("t5", "B", "A", "trade", False, "confirmed", "cooperative", 1.0, ""),        # merges with t4
        ("t6", "A", "B", "trade", T, "assessed", "cooperative", 1.0, ""),             # dashed
        ("t7", "A", "B", "diplomatic", T, "reported", "cooperative", 1.0, ""),        # other type
        ("t8", "A", "B", "diplomatic", T, "reported", "adversarial", 2.0, ""),        # condemnation
        ("t9", "A", "C", "trade", T, "reported", "cooperative", 1.0, ""),
    ])
    got = {e["id"]: (e["count"], e["weight"], e["ties"]) for e in el["edges"]}
    assert got == {
        "A>B trade": (2, 4.0, ["t1", "t2"]),  # oldest first
        "B>A trade": (1, 1.0, ["t3"]),
        "A~B trade": (2, 2.0, ["t4", "t5"]),
        "A>B trade dashed": (1, 1.0, ["t6"]),
        "A>B diplomatic": (1, 1.0, ["t7"]),
        "A>B diplomatic adversarial": (1, 2.0, ["t8"]),
        "A>C trade": (1, 1.0, ["t9"]),
    }
    assert [e["id"] for e in el["edges"]] == sorted(got)
    # every tie keeps its evidence and names its line; nothing is lost or counted twice
    assert sorted(t["id"] for t in el["ties"]) == [f"t{i}" for i in range(1, 10)]
    assert {t["id"]: t["edge"] for t in el["ties"]}["t5"] == "A~B trade"
    assert sum(e["count"] for e in el["edges"]) == 9
    # width from the summed weight, square-root scaled: 4.0 -> 3.0 px, 1.0 -> 1.75 px
    widths = {e["id"]: e["width"] for e in el["edges"]}
    assert widths["A>B trade"] == 3.0 and widths["B>A trade"] == 1.75
    # the legend counts ties, not lines
    legend = {t["type"]: (t["count"], t["adversarial"]) for t in legend_entries(el)["types"]}
    assert legend == {"trade": (7, 0), "diplomatic": (2, 1)}


def test_many_ties_of_one_pair_are_one_capped_line():
    el = _merged([(f"t{i:02d}", "RUS", "PRK", "arms_transfer", True, "reported", "cooperative", 4.0,
                   f"20{10 + i}-01-01") for i in range(12)])
    (e,) = el["edges"]
    assert (e["id"], e["count"], e["weight"], e["width"]) == ("RUS>PRK arms_transfer", 12, 48.0, 9.0)
    assert e["ties"] == [f"t{i:02d}" for i in range(12)] and e["smooth"] is None


def test_remaining_parallel_lines_are_drawn_apart():
    M = nx.MultiDiGraph()
    for i, (s, t, ty) in enumerate([("A", "B", "trade"), ("B", "A", "energy"), ("A", "B", "trade"),
                                    ("A", "B", "diplomatic"), ("A", "C", "trade")]):
        M.add_edge(s, t, key=f"t{i}", type=ty, weight=1.0, directed=True)
    el = vis_elements(M, positions={})
    ab = [e for e in el["edges"] if {e["from"], e["to"]} == {"A", "B"}]
    assert len(ab) == 3  # two trade ties are one line
    # one straight, the other two curved to opposite sides of the A–B line
    shapes = []
    for e in ab:
        sm = e["smooth"]
        if sm is None:
            shapes.append(0)
        else:
            side = 1 if sm["type"] == "curvedCW" else -1
            if (e["from"], e["to"]) != ("A", "B"):
                side = -side
            shapes.append(side * sm["roundness"])
    assert sorted(shapes) == [-0.14, 0, 0.14]
    assert [e["smooth"] for e in el["edges"] if e["to"] == "C"] == [None]


def test_a_bloc_of_one_is_no_bloc():
    M = nx.MultiDiGraph()
    for k, (s, t) in enumerate([("A", "B"), ("B", "C"), ("D", "E")]):
        M.add_edge(s, t, key=f"t{k}", type="trade")
    M.add_node("Z")
    classes = {"A": 0, "B": 0, "C": 0, "D": 1, "E": 1, "Z": 2}
    el = vis_elements(M, positions={}, classes=classes, lone_class=True)
    nodes = {n["id"]: n for n in el["nodes"]}
    assert nodes["Z"]["cls"] is None and nodes["Z"]["color"] == "#bab0ac"
    assert nodes["A"]["color"] != nodes["D"]["color"] != "#bab0ac"
    legend = legend_entries(el)["classes"]
    assert [(c["cls"], c["count"]) for c in legend] == [(0, 3), (1, 2), (None, 1)]
    # without lone_class (e.g. colour by group) a class of one keeps its own colour
    el = vis_elements(M, positions={}, classes=classes)
    assert {n["id"]: n for n in el["nodes"]}["Z"]["cls"] == 2


def test_unknown_types_get_distinct_fallback_colours():
    M = nx.MultiDiGraph()
    M.add_edge("A", "B", key="x1", type="cyber")
    M.add_edge("A", "B", key="x2", type="espionage")
    M.add_edge("A", "B", key="x3", type="trade")
    colours = {e["type"]: e["color"] for e in vis_elements(M, positions={})["edges"]}
    assert len(colours) == 3
    assert len(set(colours.values())) == 3 and colours["trade"] == TYPE_COLORS["trade"]


def _fills(svg):
    """{label: fill} of the nodes of an SVG from render_svg (circle, then its label, in node order)."""
    circles = re.findall(r'<circle cx="[^"]+" cy="[^"]+" r="[^"]+" fill="(#[0-9a-f]{6})"', svg)
    labels = re.findall(r'paint-order="stroke">([^<]*)</text>', svg)
    return dict(zip(labels, circles))


def test_colours_are_stable_across_figures(tmp_path):
    from graph.palette import GROUP_COLORS, group_color
    ds = load_dataset([])
    axis, allies = GROUP_COLORS["axis"], GROUP_COLORS["allies"]
    group_of = dict(zip(ds.actors["id"], ds.actors["group"]))
    whole = build_graph(ds.ties, ds.actors, documents=ds.documents)
    recent = build_graph(ds.ties[ds.ties["start_date"] >= "2023-01-01"], ds.actors, documents=ds.documents)
    assert 0 < recent.number_of_nodes() < whole.number_of_nodes()
    for G in (whole, recent):
        # by group: a function of the group's name, whatever else the figure holds
        page = make_view(G, color_by="group")
        for n in page["nodes"]:
            assert n["color"] == group_color(group_of.get(n["id"]) or None), n
        assert {n["id"]: n["color"] for n in page["nodes"]}["PRK"] == axis
        assert _fills(render_svg(page)) == {n["label"]: n["color"] for n in page["nodes"]}
        # by bloc: the colour of the group of the bloc's largest member, not of its number
        page = make_view(G, color_by="community")
        nodes = {n["id"]: n for n in page["nodes"]}
        blocs = {}
        for n in page["nodes"]:
            if n["cls"] is not None:
                blocs.setdefault(n["cls"], []).append(n)
        assert len(blocs) >= 2
        colours = {}
        for members in blocs.values():
            assert len({m["color"] for m in members}) == 1
            colours[members[0]["color"]] = members
        assert len(colours) == len(blocs)  # two blocs never share a colour
        # the largest bloc led by a member of a group wears the group's colour; the others their leader's
        seen = set()
        for members in sorted(blocs.values(), key=lambda m: (-len(m), min((-n["score"], n["id"]) for n in m))):
            top = min(members, key=lambda n: (-n["score"], n["id"]))
            group = group_of.get(top["id"]) or top["id"]
            want = group_color(group) if group not in seen else group_color(top["id"])
            seen.add(group)
            assert members[0]["color"] == want, (top["id"], group)
        assert nodes["PRK"]["color"] == nodes["RUS"]["color"] == axis
        assert nodes["USA"]["color"] == allies
        assert _fills(render_svg(page)) == {n["label"]: n["color"] for n in page["nodes"]}
    # and the same in the page's data and its print drawing
    text = render_html(make_view(recent, color_by="community"), fragment=True)
    assert f'fill="{axis}"' in text.split('data-role="print"')[1] and f'"color":"{axis}"' in text


def test_every_design_type_has_its_own_colour():
    assert set(TYPE_COLORS) == set(TIE_TYPES)
    assert len(set(TYPE_COLORS.values())) == len(TIE_TYPES)


def test_layout_is_seeded_and_integer():
    G = nx.karate_club_graph()
    a, b = layout_positions(G, seed=1), layout_positions(G, seed=1)
    assert a == b
    assert a != layout_positions(G, seed=2)
    assert all(isinstance(c, int) for xy in a.values() for c in xy)
    # no two actors on top of each other
    pts = list(a.values())
    assert min(((x1 - x2) ** 2 + (y1 - y2) ** 2) ** 0.5
               for i, (x1, y1) in enumerate(pts) for (x2, y2) in pts[i + 1:]) > 40


def _boxes_overlap(a, b):
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _label_box(n, font=14):
    half = max(n["size"], 0.275 * font * len(n["label"]) + 3)
    return (n["x"] - half, n["y"] - n["size"], n["x"] + half, n["y"] + n["size"] + 1.5 * font)


def test_spread_keeps_discs_and_labels_apart():
    from graph.layout import spread_positions
    names = ["Luhansk separatist region", "Donetsk separatist region", "Russia", "China",
             "North Korea", "UN Security Council", "A", "B"]
    ids = [f"n{i}" for i in range(len(names))]
    crowded = {v: (i % 3 * 9, i // 3 * 7) for i, v in enumerate(ids)}  # all within 25 px
    radii = {v: 10 + 3 * i for i, v in enumerate(ids)}
    labels = dict(zip(ids, names))
    pos = spread_positions(crowded, radii, labels, gap=40)
    assert pos == spread_positions(crowded, radii, labels, gap=40)
    nodes = [{"x": pos[v][0], "y": pos[v][1], "size": radii[v], "label": labels[v]} for v in ids]
    for i, a in enumerate(nodes):
        for b in nodes[i + 1:]:
            assert ((a["x"] - b["x"]) ** 2 + (a["y"] - b["y"]) ** 2) ** 0.5 >= a["size"] + b["size"] + 40 - 2
            assert not _boxes_overlap(_label_box(a), _label_box(b)), (a, b)
    # far apart already: nothing moves
    assert spread_positions({"A": (0, 0), "B": (500, 0)}, {"A": 30, "B": 30}) == {"A": (0, 0), "B": (500, 0)}


def test_bundled_layout_is_readable():
    """The bundled graph: no discs within 40 px, no labels over each other, the two blocs apart."""
    ds = load_dataset([])
    G = build_graph(ds.ties, ds.actors, documents=ds.documents)
    page = make_view(G)
    nodes = {n["id"]: n for n in page["nodes"]}
    ns = list(nodes.values())
    for i, a in enumerate(ns):
        for b in ns[i + 1:]:
            d = ((a["x"] - b["x"]) ** 2 + (a["y"] - b["y"]) ** 2) ** 0.5
            assert d >= a["size"] + b["size"] + 40 - 2, (a["id"], b["id"], d)
            assert not _boxes_overlap(_label_box(a), _label_box(b)), (a["id"], b["id"])
    # the axis and the allies sit on either side of a line: project on the line joining their centres
    axis, allies = ["RUS", "CHN", "PRK"], ["USA", "JPN", "KOR", "AUS"]
    cx = lambda ids: (sum(nodes[v]["x"] for v in ids) / len(ids), sum(nodes[v]["y"] for v in ids) / len(ids))  # noqa: E731
    (ax, ay), (bx, by) = cx(axis), cx(allies)
    proj = lambda v: (nodes[v]["x"] - ax) * (bx - ax) + (nodes[v]["y"] - ay) * (by - ay)  # noqa: E731
    assert max(proj(v) for v in axis) < min(proj(v) for v in allies)
    # the core is not squeezed: the six main states at least 150 px apart from each other
    core = axis + ["USA", "JPN", "KOR"]
    assert min(((nodes[a]["x"] - nodes[b]["x"]) ** 2 + (nodes[a]["y"] - nodes[b]["y"]) ** 2) ** 0.5
               for i, a in enumerate(core) for b in core[i + 1:]) >= 150
    # and it fits the page's graph area at about its own size
    xs, ys = [n["x"] for n in ns], [n["y"] for n in ns]
    assert max(xs) - min(xs) <= 1100 and max(ys) - min(ys) <= 700


def test_large_layout_is_fast_and_deterministic():
    import time
    G = nx.random_regular_graph(4, 3000, seed=3)
    t = time.perf_counter()
    a = layout_positions(G)
    assert time.perf_counter() - t < 5
    assert a == layout_positions(G) and len(a) == 3000


def test_make_view_leaves_the_graph_alone(small_graph):
    before = nx.node_link_data(small_graph, edges="links")
    make_view(small_graph, size_by="pagerank", color_by="community")
    assert nx.node_link_data(small_graph, edges="links") == before


def test_path_overlay_lists_hops_and_edges(dataset_dir):
    from graph.paths import find_paths
    ds = load_dataset([str(dataset_dir)])
    G = build_graph(ds.ties, ds.actors, documents=ds.documents)
    el = vis_elements(G, positions={})
    result = find_paths(ds.ties, "North Korea", "China", actors=ds.actors,
                        filters={"types": ["arms_transfer", "trade"]})
    p = path_overlay(result, el)
    assert p["nodes"] == ["PRK", "RUS", "CHN"]
    assert p["ties"] == ["t1", "t2"]
    assert p["edges"] == ["CHN~RUS trade", "PRK>RUS arms_transfer"]
    assert [(h["from_label"], h["to_label"]) for h in p["hops"]] == \
        [("North Korea", "Russia"), ("Russia", "China")]
    assert p["hops"][0]["tie"]["quote"] == "Pyongyang provided shells"


# --------------------------------------------------------------------------- the page text

def _page(G, **kw):
    return make_view(G, size_by="degree", color_by="community", title="Test", **kw)


def test_same_input_same_bytes(small_graph, tmp_path):
    a = write_html(_page(small_graph), tmp_path / "a.html").read_bytes()
    b = write_html(_page(small_graph.copy()), tmp_path / "b.html").read_bytes()
    assert a == b
    assert a.startswith(b"<!DOCTYPE html>")


def test_same_bytes_across_processes(dataset_dir, tmp_path):
    """Nothing depends on hash order: two interpreters with different hash seeds agree."""
    import subprocess
    import sys
    cli_py = Path(__file__).resolve().parents[1] / "cli.py"
    outs = []
    for seed in ("1", "2"):
        out = tmp_path / f"h{seed}.html"
        subprocess.run([sys.executable, str(cli_py), "-q", "--data", str(dataset_dir), "render",
                        "--out", str(out), "--image", str(out.with_suffix(".svg"))],
                       env={**os.environ, "PYTHONHASHSEED": seed}, check=True)
        outs.append((out.read_bytes(), out.with_suffix(".svg").read_bytes()))
    assert outs[0] == outs[1]


def test_page_is_self_contained(small_graph):
    text = render_html(_page(small_graph))
    assert "vis-network" in text and "new vis.Network" in text
    # nothing that would fetch: no external src/href, no <link>, no @import, no url(http)
    assert not re.search(r"""(src|href)\s*=\s*["']?\s*(https?:)?//""", text, re.I)
    assert "<link" not in text.lower() and "@import" not in text
    assert not re.search(r"url\(\s*['\"]?https?:", text)
    assert "connect-src 'none'" in text  # the CSP forbids requests even if something tried
    assert "bootstrap" not in text.lower() and "cdn" not in text.lower().replace("cdns", "")


def test_fragment_ids_come_from_content_and_options(small_graph):
    f1 = render_html(_page(small_graph), fragment=True)
    f2 = render_html(make_view(small_graph, size_by="degree", color_by="none", title="Test"),
                     fragment=True)
    id1 = re.match(r'<div class="tiegraph" id="(tg-[0-9a-f]{12})"', f1).group(1)
    id2 = re.match(r'<div class="tiegraph" id="(tg-[0-9a-f]{12})"', f2).group(1)
    assert id1 != id2
    assert f1 == render_html(_page(small_graph), fragment=True)
    assert "<html" not in f1 and "<head" not in f1 and "<!DOCTYPE" not in f1
    named = render_html(_page(small_graph), fragment=True, element_id="fig-1")
    assert named.startswith('<div class="tiegraph" id="fig-1"') and 'list="fig-1-actors"' in named
    with pytest.raises(ValueError):
        render_html(_page(small_graph), fragment=True, element_id='x" onload="y')


def test_no_globals_in_our_script():
    from explorer.assets import BOOT, SCRIPT, runtime_script
    # our code runs inside the runtime's function; the only global is the namespace window.tiegraph
    assert "window." not in SCRIPT and "globalThis" not in SCRIPT
    ours = runtime_script().replace(vis_bundle_text(), "") + BOOT
    assert set(re.findall(r"window\.\w+", ours)) == {"window.tiegraph"}
    assert "globalThis" not in ours
    assert ".innerHTML" not in SCRIPT and "insertAdjacentHTML" not in SCRIPT
    assert "document.write" not in SCRIPT


def vis_bundle_text():
    from explorer.assets import vis_bundle
    return vis_bundle()


def test_safe_json_escapes_markup():
    text = safe_json({"q": "</script><img onerror=x>&\u2028"})
    assert "<" not in text and ">" not in text and "&" not in text and "\u2028" not in text
    assert json.loads(text) == {"q": "</script><img onerror=x>&\u2028"}


def test_hostile_data_is_only_text(tmp_path):
    ds = load_dataset([str(hostile_dataset(tmp_path / "bad"))])
    G = build_graph(ds.ties, ds.actors, documents=ds.documents)
    text = render_html(make_view(G, title="<script>alert(8)</script>", color_by="group"))
    from explorer.assets import vis_bundle
    ours = text.replace(vis_bundle(), "")
    for attack in HOSTILE + ["<script>alert(7)", "<img src=x onerror=alert(5)>", "<b>axis", "<script>alert(8)"]:
        assert attack not in ours, attack
    # exactly our own two script elements (data + code) and one closing tag each
    assert ours.count("<script") == 2 and ours.count("</script") == 2
    assert "&lt;script&gt;alert(8)&lt;/script&gt;" in ours  # the title, escaped
    data = re.search(r'<script type="application/json" data-role="data">(.*?)</script>', text, re.S).group(1)
    page = json.loads(data)
    assert any("onerror=alert(5)" in n["label"] for n in page["nodes"])  # kept, as text


def test_svg_is_escaped_and_deterministic(tmp_path):
    ds = load_dataset([str(hostile_dataset(tmp_path / "bad"))])
    G = build_graph(ds.ties, ds.actors, documents=ds.documents)
    page = make_view(G, title="<T>")
    svg = render_svg(page)
    assert svg == render_svg(make_view(G, title="<T>"))
    assert "<img" not in svg and "<script" not in svg and "&lt;img src=x" in svg
    import xml.dom.minidom
    xml.dom.minidom.parseString(svg)  # well-formed


def test_svg_draws_the_merged_lines_at_the_page_positions(small_graph):
    small_graph.add_edge("PRK", "RUS", key="t8", id="t8", type="arms_transfer", weight=2.0, directed=True,
                         confidence="confirmed", polarity="cooperative", start_date="2024-01-01")
    page = make_view(small_graph, title="T")
    svg = render_svg(page)
    assert len(page["ties"]) == 8 and len(page["edges"]) == 7
    assert svg.count("<path ") == len(page["edges"])  # one line per merged edge, not per tie
    r = max(n["size"] for n in page["nodes"])
    # the box holds every disc and every label (about 0.6 em a character, centred on its disc)
    x0 = min(n["x"] - max(r, 0.3 * 13 * len(n["label"])) for n in page["nodes"]) - 24
    y0 = min(n["y"] for n in page["nodes"]) - r - 24
    for n in page["nodes"]:
        assert f'cx="{n["x"] - x0 + 250:.1f}" cy="{n["y"] - y0 + 56:.1f}"' in svg


def test_written_as_utf8_even_under_an_ascii_locale(dataset_dir, tmp_path):
    """pyvis wrote with the platform's default encoding; we always write UTF-8."""
    import subprocess
    import sys
    env = {**os.environ, "LC_ALL": "C", "LANG": "C", "PYTHONUTF8": "0", "PYTHONCOERCECLOCALE": "0",
           "PYTHONIOENCODING": "ascii"}
    probe = subprocess.run([sys.executable, "-c", "import locale; print(locale.getpreferredencoding(False))"],
                           env=env, capture_output=True, text=True)
    out = tmp_path / "u.html"
    cli_py = Path(__file__).resolve().parents[1] / "cli.py"
    result = subprocess.run([sys.executable, str(cli_py), "--data", str(dataset_dir), "render",
                             "--title", "Séoul – 대한민국", "--out", str(out)],
                            env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert "ascii" in probe.stdout.lower() or "ansi" in probe.stdout.lower()  # the locale really is ASCII
    text = out.read_bytes().decode("utf-8")
    assert "Séoul – 대한민국" in text and "Seoul and Tokyo “reset” ties" in text


# --------------------------------------------------------------------------- the command

def run(args, **kw):
    return CliRunner().invoke(cli, args, catch_exceptions=True, **kw)


def test_render_default_out_is_tiegraph_html(dataset_dir, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = run(["--data", str(dataset_dir), "render"])
    assert result.exit_code == 0, result.output
    text = (tmp_path / "tiegraph.html").read_text(encoding="utf-8")
    for name in ("North Korea", "Russia", "South Korea", "First document", "trilateral drills"):
        assert name in text
    assert not (tmp_path / "lib").exists()  # pyvis's "local" mode wrote lib/ here; we don't


def test_render_to_stdout_and_fragment(dataset_dir):
    result = run(["--data", str(dataset_dir), "render", "--out", "-", "--fragment", "--id", "fig1"])
    assert result.exit_code == 0
    assert result.stdout.startswith('<div class="tiegraph" id="fig1"')
    assert "<html" not in result.stdout


def test_render_with_path_image_and_filters(dataset_dir, tmp_path):
    out, svg, png = tmp_path / "p.html", tmp_path / "p.svg", tmp_path / "p.png"
    result = run(["--data", str(dataset_dir), "render", "--out", str(out), "--path", "DPRK", "China",
                  "--type", "arms_transfer", "--type", "trade", "--image", str(svg)])
    assert result.exit_code == 0, result.output
    page = json.loads(re.search(r'data-role="data">(.*?)</script>', out.read_text("utf-8"), re.S).group(1))
    assert page["path"]["nodes"] == ["PRK", "RUS", "CHN"]
    assert "Path: North Korea → Russia → China" in svg.read_text("utf-8")
    result = run(["--data", str(dataset_dir), "render", "--out", str(out), "--from", "2023",
                  "--type", "military_exercise", "--image", str(png)])
    assert result.exit_code == 0, result.output
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    page = json.loads(re.search(r'data-role="data">(.*?)</script>', out.read_text("utf-8"), re.S).group(1))
    assert {t["id"] for t in page["ties"]} == {"t4", "t5"}
    assert {e["id"] for e in page["edges"]} == {"JPN~USA military_exercise", "KOR~USA military_exercise"}
    assert page["meta"]["filters"] == "from 2023; types military_exercise"


@pytest.mark.parametrize("args, code, message", [
    (["render", "--out", "x.txt"], 2, "must end in .html"),
    (["render", "--image", "x.gif"], 2, "must end in .png or .svg"),
    (["render", "--fragment", "--id", "1bad"], 2, "must start with a letter"),
    (["render", "--size-by", "fame"], 2, "Invalid value for '--size-by'"),
    (["render", "--color-by", "kind"], 2, "Invalid value for '--color-by'"),
    (["render", "--strongest"], 2, "need --path A B"),
    (["render", "--path", "PRK", "Atlantis"], 1, "no actor named 'Atlantis'"),
    (["render", "--path", "PRK", "USA", "--type", "trade"], 1, "no path from"),
    (["render", "--from", "2030"], 1, "no ties are selected"),
    (["render", "--out", "/nonexistent-dir/x.html"], 1, "cannot write /nonexistent-dir/x.html"),
])
def test_render_bad_input(dataset_dir, args, code, message):
    result = run(["--data", str(dataset_dir)] + args)
    assert result.exit_code == code, result.output
    assert isinstance(result.exception, SystemExit)
    assert message in result.output
