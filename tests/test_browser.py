"""The explorer page in a real browser (Debian's chromium through Playwright), fully offline.

Every request that is not file:, data:, blob: or about: is aborted and
recorded; each test asserts there were none, and no console error.
Skipped (with the reason) when chromium or playwright is missing, except
under CI, where that is a failure.
"""

import html
import json
import os
import re
import shutil
from pathlib import Path

import pytest

from graph.build import build_graph
from graph.load import load_dataset
from explorer.html import render_html, write_html
from explorer.view import make_view
from test_explorer import HOSTILE, hostile_dataset

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def _missing():
    if not (Path(CHROMIUM).exists() or shutil.which("chromium")):
        return f"Debian's chromium is not installed at {CHROMIUM} (apt-get install chromium)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "playwright is not installed (pip install -e '.[test]')"
    return None


@pytest.fixture(scope="module")
def browser():
    reason = _missing()
    if reason:
        if os.environ.get("CI"):
            pytest.fail(f"browser tests cannot run in CI: {reason}")
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        exe = CHROMIUM if Path(CHROMIUM).exists() else shutil.which("chromium")
        b = p.chromium.launch(executable_path=exe, args=ARGS)
        yield b
        b.close()


class Page:
    """A browser page that blocks and records outside requests and collects errors and dialogs."""

    def __init__(self, browser, width=1300):
        self.context = browser.new_context(viewport={"width": width, "height": 950})
        self.outside, self.errors, self.dialogs = [], [], []
        self.context.route("**/*", self._route)
        self.page = self.context.new_page()
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("dialog", self._dialog)

    def _route(self, route):
        url = route.request.url
        if url.startswith(("file:", "data:", "blob:", "about:")):
            route.continue_()
        else:
            self.outside.append(url)
            route.abort()

    def _dialog(self, dialog):
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def open(self, path, n=1):
        self.page.goto(Path(path).resolve().as_uri())
        self.page.wait_for_function(f"document.querySelectorAll('.tiegraph[data-drawn]').length >= {n}",
                                    timeout=20000)
        self.page.wait_for_timeout(150)
        return self

    def js(self, expr, arg=None):
        return self.page.evaluate(expr, arg)

    def visible_edges(self, root=".tiegraph"):
        return sorted(self.js(f"() => document.querySelector('{root}').__tiegraph.visibleEdgeIds()"))

    def clean(self):
        assert self.outside == [], self.outside
        assert self.errors == [], self.errors
        assert self.dialogs == [], self.dialogs

    def close(self):
        self.context.close()


PIXELS = """(sel) => { const c = document.querySelector(sel + ' canvas');
  const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
  let n = 0; for (let i = 3; i < d.length; i += 4) if (d[i] > 0) n++; return n; }"""


def _graph(path=None):
    ds = load_dataset([str(path)] if path else [])
    return ds, build_graph(ds.ties, ds.actors, documents=ds.documents)


@pytest.fixture(scope="module")
def bundled_page(tmp_path_factory):
    ds, G = _graph()
    page = make_view(G, title="Bundled", filters_text="")
    out = write_html(page, tmp_path_factory.mktemp("b") / "bundled.html")
    return out, page


def test_bundled_page_draws_offline_with_legend_and_controls(browser, bundled_page):
    path, data = bundled_page
    p = Page(browser).open(path)
    try:
        assert p.js(PIXELS, ".tiegraph") > 5000
        assert p.js("() => document.doctype && document.doctype.name") == "html"
        # a full page gives the graph min(78vh, 900px), at least 560 px: 741 px in a 950 px window
        assert p.js("() => document.querySelector('.tiegraph [data-role=canvas]').clientHeight") == 741
        counts = p.js("""() => { const r = document.querySelector('.tiegraph'); return {
            types: r.querySelectorAll('[data-role=types] input[type=checkbox]').length,
            ranges: r.querySelectorAll('input[type=range]').length,
            conf: r.querySelectorAll('select[data-role=conf] option').length,
            find: !!r.querySelector('input[data-role=find]'),
            physics: !!r.querySelector('input[data-role=physics]'),
            classes: r.querySelectorAll('[data-role=classes] .tg-row').length,
            title: r.querySelector('.tg-title').textContent,
            sub: r.querySelector('.tg-sub').textContent,
            vis: typeof window.vis, network: typeof window.network }; }""")
        assert counts["types"] == len(data["legend"]["types"]) >= 5
        assert counts["ranges"] == 2 and counts["conf"] == 4 and counts["find"] and counts["physics"]
        assert counts["classes"] == min(6, len(data["legend"]["classes"])) >= 2
        assert counts["title"] == "Bundled"
        assert data["meta"]["first"] in counts["sub"] and "Filters: none" in counts["sub"]
        assert counts["vis"] == "undefined" and counts["network"] == "undefined"  # no globals
        # the core is a tangle, so the page starts with one line per actor pair
        assert data["meta"]["bundle"] and p.js("() => document.querySelector('.tiegraph [data-role=bundle]').checked")
        assert p.visible_edges() == sorted(e["id"] for e in data["pairs"])
        status = _text(p, "status")
        assert f"({len(data['pairs'])} of {len(data['pairs'])} pair lines)" in status, status
        # a pair line is as wide as its total weight, coloured by its main type, and counts its ties
        pair = {e["id"]: e for e in data["pairs"]}["PRK=RUS"]
        assert _edge_state(p, "PRK=RUS") == {"label": f"×{pair['count']}", "width": pair["width"]}
        assert pair["count"] == sum(1 for t in data["ties"] if {t["from"], t["to"]} == {"PRK", "RUS"}) > 14
        x, y = _hover_edge(p, "PRK=RUS")
        p.page.mouse.click(x, y)
        details = _text(p, "details")
        assert details.count("Source") == pair["count"] and "all ties of the pair: " in details, details
        quotes = [t["quote"][:40] for t in data["ties"] if t["pair"] == "PRK=RUS" and t["quote"]]
        assert quotes and all(q in details for q in quotes)
        # the toggle goes back to every tie, and again to one line per pair
        p.page.click(".tiegraph [data-role=bundle]")
        assert len(p.visible_edges()) == len(data["edges"])
        p.page.click(".tiegraph [data-role=bundle]")
        assert len(p.visible_edges()) == len(data["pairs"])
        # physics on and off
        p.page.click(".tiegraph [data-role=physics]")
        assert p.js("() => document.querySelector('.tiegraph').__tiegraph.network.physics.options.enabled")
        p.page.click(".tiegraph [data-role=physics]")
        assert not p.js("() => document.querySelector('.tiegraph').__tiegraph.network.physics.options.enabled")
        p.clean()
    finally:
        p.close()


def test_filters_hide_ties(browser, bundled_page):
    path, data = bundled_page
    p = Page(browser).open(path)
    try:
        edges = data["edges"]
        p.page.click(".tiegraph [data-role=bundle]")  # every tie, not one line per pair
        # unchecking a type hides exactly its ties
        p.page.uncheck(".tiegraph [data-role=types] input[value=diplomatic]")
        assert p.visible_edges() == sorted(e["id"] for e in edges if e["type"] != "diplomatic")
        p.page.check(".tiegraph [data-role=types] input[value=diplomatic]")
        assert len(p.visible_edges()) == len(edges)
        # the date range hides lines whose ties all lie outside it
        p.js("""() => { const r = document.querySelector('.tiegraph [data-role=from]');
                 r.value = 2023; r.dispatchEvent(new Event('input')); }""")
        p.js("""() => { const r = document.querySelector('.tiegraph [data-role=to]');
                 r.value = 2023; r.dispatchEvent(new Event('input')); }""")
        ties = {t["id"]: t for t in data["ties"]}
        in_2023 = {t for t, x in ties.items() if x["start_date"] <= "2023-12-31" and x["end_date"] >= "2023-01-01"}
        want = sorted(e["id"] for e in edges if in_2023 & set(e["ties"]))
        assert p.visible_edges() == want and 0 < len(want) < len(edges)
        assert sorted(p.js("() => document.querySelector('.tiegraph').__tiegraph.visibleTieIds()")) == sorted(in_2023)
        assert p.js("() => document.querySelector('.tiegraph [data-role=from-out]').textContent") == "2023"
        # a node left without visible ties is hidden with them
        visible_nodes = set(p.js("() => document.querySelector('.tiegraph').__tiegraph.visibleNodeIds()"))
        ends = {e["from"] for e in edges if e["id"] in want} | {e["to"] for e in edges if e["id"] in want}
        assert visible_nodes == ends
        # minimum confidence
        p.page.select_option(".tiegraph [data-role=conf]", "2")
        strong = {t for t in in_2023 if ties[t]["rank"] >= 2}
        assert p.visible_edges() == sorted(e["id"] for e in edges if strong & set(e["ties"]))
        # find an actor by alias: it is selected and its neighbourhood lit
        p.page.fill(".tiegraph [data-role=find]", "DPRK")
        p.page.press(".tiegraph [data-role=find]", "Enter")
        assert p.js("() => document.querySelector('.tiegraph').__tiegraph.network.getSelectedNodes()") == ["PRK"]
        # its neighbourhood keeps its colours, everyone else is dimmed
        colours = p.js("""() => Object.fromEntries(document.querySelector('.tiegraph').__tiegraph.nodes.get()
                          .map((n) => [n.id, n.color.background]))""")
        near = {"PRK"} | {e["to"] for e in edges if e["from"] == "PRK" and e["id"] in p.visible_edges()} \
            | {e["from"] for e in edges if e["to"] == "PRK" and e["id"] in p.visible_edges()}
        assert len(near) > 2
        nodes = {n["id"]: n for n in data["nodes"]}
        assert all(colours[v] == nodes[v]["color"] for v in near)
        assert all(colours[v].startswith("rgba(200") for v in nodes if v not in near)
        assert "North Korea" in p.js("() => document.querySelector('.tiegraph [data-role=details]').textContent")
        p.clean()
    finally:
        p.close()


MERGE_TIES = [
    ["m1", "PRK", "RUS", "arms_transfer", "2014", "", "true", "1", "", "", "reported", "d1.txt",
     "old shells", "", ""],
    ["m2", "PRK", "RUS", "arms_transfer", "2023", "", "true", "3", "5000", "rounds", "confirmed", "d2.txt",
     "new shells", "", ""],
    ["m3", "PRK", "CHN", "diplomatic", "2023", "", "false", "1", "", "", "reported", "d2.txt",
     "a summit", "", ""],
    ["m4", "CHN", "RUS", "trade", "2016", "", "false", "1", "", "", "reported", "d1.txt", "trade", "", ""],
    ["m5", "USA", "JPN", "military_exercise", "2023", "", "false", "1", "", "", "reported", "d2.txt",
     "drills", "", ""],
]


@pytest.fixture
def merge_page(tmp_path):
    from conftest import write_dataset
    d = write_dataset(tmp_path / "merge", MERGE_TIES)
    ds, G = _graph(d)
    return write_html(make_view(G, title="Merged", color_by="group"), tmp_path / "merge.html")


ARMS = "PRK>RUS arms_transfer"


def _set_years(p, a, b):
    for role, v in (("from", a), ("to", b), ("from", a)):
        p.js(f"""() => {{ const r = document.querySelector('.tiegraph [data-role={role}]');
                 r.value = {v}; r.dispatchEvent(new Event('input')); }}""")


def _edge_state(p, edge_id):
    return p.js("""(id) => { const e = document.querySelector('.tiegraph').__tiegraph.edges.get(id);
                     return {label: e.label, width: e.width}; }""", edge_id)


def _hover_edge(p, edge_id):
    # the middle of the drawn (possibly curved) line, from vis-network's own edge geometry
    pt = p.js("""(id) => { const n = document.querySelector('.tiegraph').__tiegraph.network;
        return n.canvasToDOM(n.body.edges[id].edgeType.getPoint(0.5)); }""", edge_id)
    box = p.page.locator(".tiegraph [data-role=canvas]").bounding_box()
    p.page.mouse.move(5, 5)
    p.page.mouse.move(box["x"] + pt["x"], box["y"] + pt["y"], steps=3)
    p.page.wait_for_timeout(300)
    return box["x"] + pt["x"], box["y"] + pt["y"]


def _text(p, role):
    return p.js(f"() => {{ const t = document.querySelector('.tiegraph [data-role={role}]');"
                " return t.hidden ? null : t.textContent; }")


def test_merged_line_lists_its_ties_and_follows_the_filters(browser, merge_page):
    p = Page(browser).open(merge_page)
    try:
        assert ARMS in p.visible_edges()
        assert _edge_state(p, ARMS) == {"label": "×2", "width": 3.0}  # 0.5 + 1.25 * sqrt(1 + 3)
        # the tooltip and the details list every tie of the line, as text
        x, y = _hover_edge(p, ARMS)
        tip = _text(p, "tip")
        assert tip and "2 ties" in tip and "old shells" in tip and "new shells" in tip
        assert "5000 rounds" in tip and "First document" in tip and "Second document" in tip
        p.page.mouse.click(x, y)
        details = _text(p, "details")
        assert "old shells" in details and "new shells" in details and "2014" in details and "confirmed" in details
        # 2020-2025: the line stays, lists only the 2023 tie, and is as wide as that tie alone
        _set_years(p, 2020, 2025)
        assert ARMS in p.visible_edges()
        assert _edge_state(p, ARMS) == {"label": "", "width": 2.67}
        details = _text(p, "details")  # redrawn for the filters in force
        assert "new shells" in details and "old shells" not in details and "1 of 2 ties shown" in details
        _hover_edge(p, ARMS)
        tip = _text(p, "tip")
        assert tip and "new shells" in tip and "old shells" not in tip
        # 2010-2015: likewise, the 2014 tie only
        _set_years(p, 2010, 2015)
        assert p.visible_edges() == [ARMS]
        assert _edge_state(p, ARMS) == {"label": "", "width": 1.75}
        _hover_edge(p, ARMS)
        tip = _text(p, "tip")
        assert tip and "old shells" in tip and "new shells" not in tip
        # unchecking its type hides the line
        p.page.uncheck(".tiegraph [data-role=types] input[value=arms_transfer]")
        assert p.visible_edges() == []
        _set_years(p, 2014, 2023)
        assert ARMS not in p.visible_edges() and "CHN~RUS trade" in p.visible_edges()
        p.page.check(".tiegraph [data-role=types] input[value=arms_transfer]")
        assert _edge_state(p, ARMS) == {"label": "×2", "width": 3.0}
        assert "Showing 5 of 5 ties (4 of 4 lines)" in _text(p, "status")
        p.clean()
    finally:
        p.close()


def test_find_highlight_follows_the_filters(browser, merge_page):
    p = Page(browser).open(merge_page)
    colours = """() => Object.fromEntries(document.querySelector('.tiegraph').__tiegraph.nodes.get()
                   .map((n) => [n.id, n.color.background.startsWith('rgba(200') ? 'dim' : 'lit']))"""
    try:
        p.page.fill(".tiegraph [data-role=find]", "North Korea")
        p.page.press(".tiegraph [data-role=find]", "Enter")
        assert p.js(colours) == {"PRK": "lit", "RUS": "lit", "CHN": "lit", "USA": "dim", "JPN": "dim"}
        # China's only tie with North Korea is diplomatic: hide it and China is dimmed,
        # though still drawn (its trade with Russia)
        p.page.uncheck(".tiegraph [data-role=types] input[value=diplomatic]")
        assert "CHN" in p.js("() => document.querySelector('.tiegraph').__tiegraph.visibleNodeIds()")
        assert p.js(colours)["CHN"] == "dim" and p.js(colours)["RUS"] == "lit"
        p.page.check(".tiegraph [data-role=types] input[value=diplomatic]")
        assert p.js(colours)["CHN"] == "lit"
        # the line widths still follow the filters while an actor is found
        _set_years(p, 2020, 2025)
        assert p.js(colours)["RUS"] == "lit" and _edge_state(p, ARMS)["width"] == 2.67
        p.page.click(".tiegraph [data-role=clear]")
        assert set(p.js(colours).values()) == {"lit"}
        p.clean()
    finally:
        p.close()


def test_hostile_dataset_runs_nothing(browser, tmp_path):
    ds, G = _graph(hostile_dataset(tmp_path / "bad"))
    out = write_html(make_view(G, title=HOSTILE[0], color_by="group"), tmp_path / "bad.html")
    p = Page(browser).open(out)
    try:
        pts = p.js("""() => { const h = document.querySelector('.tiegraph').__tiegraph; const n = h.network;
            const pos = n.getPositions(); const out = [];
            Object.keys(pos).forEach((id) => out.push(n.canvasToDOM(pos[id])));
            h.edges.get().forEach((e) => { const a = pos[e.from], b = pos[e.to];
                out.push(n.canvasToDOM({x: (a.x + b.x) / 2, y: (a.y + b.y) / 2})); });
            return out; }""")
        box = p.page.locator(".tiegraph [data-role=canvas]").bounding_box()
        assert len(pts) == G.number_of_nodes() + p.js("() => document.querySelector('.tiegraph').__tiegraph.edges.length")
        for pt in pts:  # hover everything (tooltips) and click everything (details)
            x, y = box["x"] + pt["x"], box["y"] + pt["y"]
            p.page.mouse.move(x, y, steps=2)
            p.page.wait_for_timeout(30)
            p.page.mouse.click(x, y)
        # the hover tooltip is there, and holds the hostile text as text
        prk = p.js("""() => { const n = document.querySelector('.tiegraph').__tiegraph.network;
            return n.canvasToDOM(n.getPositions(['PRK']).PRK); }""")
        p.page.mouse.move(box["x"] + prk["x"] + 1, box["y"] + prk["y"] + 1, steps=3)
        p.page.wait_for_timeout(300)
        tip = p.js("() => { const t = document.querySelector('.tiegraph [data-role=tip]');"
                   " return t.hidden ? null : t.textContent; }")
        assert tip and "North <img src=x onerror=alert(5)> Korea" in tip
        p.page.fill(".tiegraph [data-role=find]", "North <img")
        p.page.press(".tiegraph [data-role=find]", "Enter")
        p.page.wait_for_timeout(200)
        found = p.js("""() => { const r = document.querySelector('.tiegraph');
            return {imgs: document.querySelectorAll('img, iframe, object, embed, svg svg, svg script, '
                              + 'svg foreignObject, svg a, svg image, svg use, [onload], [onerror]').length,
                    svgs: [...document.querySelectorAll('svg')].map((s) => s.parentElement.dataset.role),
                    printed: r.querySelector('[data-role=print]').textContent,
                    scripts: document.querySelectorAll('script').length,
                    title: r.querySelector('.tg-title').textContent,
                    details: r.querySelector('[data-role=details]').textContent,
                    legend: r.querySelector('[data-role=classes]').textContent}; }""")
        assert (found["imgs"], found["scripts"]) == (0, 2), found
        # one SVG, the print drawing, holding the hostile names as text
        assert found["svgs"] == ["print"]
        assert "North <img src=x onerror=alert(5)> Korea" in found["printed"]
        assert "Russia</script><script>alert(6)</script>" in found["printed"]
        # one SVG, the print drawing, holding the hostile names as text
        assert found["svgs"] == ["print"]
        assert "North <img src=x onerror=alert(5)> Korea" in found["printed"]
        assert "Russia</script><script>alert(6)</script>" in found["printed"]
        assert found["title"] == HOSTILE[0]
        assert "North <img src=x onerror=alert(5)> Korea" in found["details"]  # shown as text
        assert "<b>axis</b>" in found["legend"]
        p.clean()  # and, above all, no dialog
    finally:
        p.close()


def _fragment(G, **kw):
    return render_html(make_view(G, **kw), fragment=True)


def test_two_fragments_on_one_page_both_draw(browser, tmp_path, dataset_dir):
    ds, G = _graph(dataset_dir)
    _, big = _graph()
    a = _fragment(G, title="Small", color_by="group")
    b = _fragment(big, title="Bundled", size_by="degree")
    host = tmp_path / "briefing.html"
    b_id = re.match(r'<div class="tiegraph" id="([^"]+)"', b).group(1)
    host.write_text("<!DOCTYPE html><html><head><meta charset='utf-8'><title>Briefing</title>"
                    f"<style>#{b_id}{{--tg-graph-height:450px}}</style></head><body>"
                    + "<h1 id='mynetwork'>Briefing</h1><p>Figure 1</p>" + a + "<p>Figure 2</p>" + b
                    + "</body></html>", encoding="utf-8")
    p = Page(browser).open(host, n=2)
    try:
        ids = p.js("() => [...document.querySelectorAll('.tiegraph')].map((r) => r.id)")
        assert len(ids) == 2 and ids[0] != ids[1]
        # a fragment's graph area is 600 px unless the host page says otherwise
        heights = p.js("() => [...document.querySelectorAll('.tiegraph [data-role=canvas]')].map((c) => c.clientHeight)")
        assert heights == [600, 450]
        for rid in ids:
            assert p.js(PIXELS, "#" + rid) > 2000
        n = p.js("() => [...document.querySelectorAll('.tiegraph')].map((r) => r.__tiegraph.nodes.length)")
        assert n == [G.number_of_nodes(), big.number_of_nodes()]
        # controls act on their own graph only
        p.page.uncheck(f"#{ids[0]} [data-role=types] input[value=trade]")
        assert len(p.visible_edges("#" + ids[0])) == G.number_of_edges() - 1
        assert len(p.js(f"() => document.getElementById('{ids[1]}').__tiegraph.visibleTieIds()")) \
            == big.number_of_edges()
        assert p.js("() => document.getElementById('mynetwork').textContent") == "Briefing"
        p.clean()
    finally:
        p.close()


def test_fragment_in_iframe_srcdoc(browser, tmp_path, dataset_dir):
    ds, G = _graph(dataset_dir)
    frag = _fragment(G, title="In a frame")
    host = tmp_path / "frame.html"
    host.write_text("<!DOCTYPE html><html><body><iframe style='width:1200px;height:900px' srcdoc=\""
                    + html.escape(frag, quote=True) + "\"></iframe></body></html>", encoding="utf-8")
    p = Page(browser)
    try:
        p.page.goto(host.resolve().as_uri())
        frame = p.page.frames[1]
        frame.wait_for_selector(".tiegraph[data-drawn]", timeout=20000)
        p.page.wait_for_timeout(150)
        assert frame.evaluate(PIXELS, ".tiegraph") > 2000
        p.clean()
    finally:
        p.close()


def test_path_is_highlighted_and_listed(browser, tmp_path, dataset_dir):
    from click.testing import CliRunner
    from cli import cli
    out = tmp_path / "path.html"
    result = CliRunner().invoke(cli, ["--data", str(dataset_dir), "render", "--out", str(out),
                                      "--path", "Pyongyang", "Beijing", "--type", "arms_transfer",
                                      "--type", "trade"])
    assert result.exit_code == 0, result.output
    p = Page(browser).open(out)
    try:
        text = p.js("() => document.querySelector('.tiegraph [data-role=path]').innerText")
        assert "Path: North Korea → Russia → China" in text
        assert "Pyongyang provided shells" in text and "trade reached $240 billion" in text
        widths = p.js("""() => { const e = document.querySelector('.tiegraph').__tiegraph.edges;
            return Object.fromEntries(e.get().map((x) => [x.id, x.width])); }""")
        assert widths["PRK>RUS arms_transfer"] >= 4 and widths["CHN~RUS trade"] >= 4
        p.clean()
    finally:
        p.close()


def test_the_harness_catches_dialogs_and_requests(browser, tmp_path):
    """The checks above would see a script that runs or a request that leaves."""
    bad = tmp_path / "bad.html"
    bad.write_text("<!DOCTYPE html><img src='http://example.invalid/x.png'><script>alert(1)</script>"
                   "<div class='tiegraph' data-drawn='1'></div>", encoding="utf-8")
    p = Page(browser).open(bad)
    try:
        assert p.dialogs == ["1"]
        assert p.outside == ["http://example.invalid/x.png"]
    finally:
        p.close()
