"""Figures in a briefing: a Markdown document built with pandoc, printed to PDF; one runtime per page.

A real document tool (Debian's pandoc) builds the briefing, the real CLI
writes its figures, headless Chromium draws and prints it (print media) and
poppler's pdftotext reads the PDF back. Skipped when a tool is missing,
except under CI, where tests/run.sh installs them and a missing one fails.
"""

import json
import os
import re
import shutil
import subprocess

import pytest
from click.testing import CliRunner

from cli import cli
from explorer.assets import CSS, runtime_script
from explorer.html import render_html, safe_json
from explorer.view import make_view
from graph.build import build_graph
from graph.load import load_dataset
from test_browser import PIXELS, Page, browser  # noqa: F401  (the browser fixture)

CONTROLS = ["Find an actor", "Physics", "Tie types (edge colour)", "Minimum confidence", "Fit"]


def _need(*tools):
    missing = [t for t in tools if not shutil.which(t)]
    if missing:
        if os.environ.get("CI"):
            pytest.fail(f"{', '.join(missing)} missing in CI (tests/run.sh installs them)")
        pytest.skip(f"{', '.join(missing)} not installed (apt-get install pandoc poppler-utils)")


def _render(*args):
    result = CliRunner().invoke(cli, ["render", *args])
    assert result.exit_code == 0, result.output
    return result


def _data(fragment):
    return json.loads(re.search(r'data-role="data">(.*?)</script>', fragment, re.S).group(1))


def test_pandoc_briefing_draws_offline_and_prints_its_figures_as_text(browser, tmp_path):
    _need("pandoc", "pdftotext", "pdftoppm")
    one, two = tmp_path / "fig1.html", tmp_path / "fig2.html"
    _render("--fragment", "--id", "fig1", "--title", "All ties", "--out", str(one))
    _render("--fragment", "--no-runtime", "--id", "fig2", "--from", "2023", "--color-by", "group",
            "--title", "Since 2023", "--out", str(two))
    f1, f2 = one.read_text("utf-8"), two.read_text("utf-8")
    assert "vis.Network" in f1 and "vis.Network" not in f2 and len(f2) < len(f1) / 3
    md = tmp_path / "briefing.md"
    md.write_text("---\ntitle: Briefing on ties\n---\n\n# The picture\n\nText before the figure.\n\n"
                  f"````{{=html}}\n{f1}````\n\nAnd a second figure.\n\n````{{=html}}\n{f2}````\n\nThe end.\n",
                  encoding="utf-8")
    doc = tmp_path / "briefing.html"
    subprocess.run(["pandoc", "--standalone", "--from", "markdown", "--to", "html", "--output", str(doc),
                    str(md)], check=True, capture_output=True, timeout=120)
    p = Page(browser, width=1000).open(doc, n=2)
    try:
        assert p.js("() => [...document.querySelectorAll('.tiegraph')].map((r) => r.id)") == ["fig1", "fig2"]
        for rid in ("fig1", "fig2"):
            assert p.js(PIXELS, "#" + rid) > 2000  # both drawn on screen
        # on screen the print drawing is hidden; in print the canvas and the controls are
        shown = """() => [...document.querySelectorAll('.tiegraph')].map((r) => [
            getComputedStyle(r.querySelector('[data-role=print]')).display,
            getComputedStyle(r.querySelector('.tg-main')).display])"""
        assert p.js(shown) == [["none", "flex"], ["none", "flex"]]
        p.page.emulate_media(media="print")
        assert p.js(shown) == [["block", "none"], ["block", "none"]]
        p.page.emulate_media(media=None)  # page.pdf prints with print media unless told otherwise
        pdf = tmp_path / "briefing.pdf"
        p.page.pdf(path=str(pdf), format="A4", print_background=True)
        p.clean()  # no console error, nothing outside the file requested
    finally:
        p.close()
    text = subprocess.run(["pdftotext", str(pdf), "-"], check=True, capture_output=True, text=True).stdout
    flat = " ".join(text.split())
    lines = {" ".join(line.split()) for line in text.splitlines()}
    for fragment in (f1, f2):
        data = _data(fragment)
        assert data["meta"]["title"] in flat
        for n in data["nodes"]:  # every actor's label is text in the PDF, whole, on a line of its own
            assert n["label"] in lines, (n["label"], text)
    for control in CONTROLS:
        assert control not in flat, control
    assert "Briefing on ties" in flat and "And a second figure." in flat
    # the pages are pictures, not blank (a page image: more than a few non-white pixels)
    subprocess.run(["pdftoppm", "-png", "-r", "30", "-f", "1", "-l", "1", str(pdf), str(tmp_path / "page")],
                   check=True, timeout=60)
    png = next(tmp_path.glob("page*.png"))
    assert png.stat().st_size > 10000


def _figure(G, **kw):
    return make_view(G, **kw)


def test_one_runtime_draws_six_figures_in_any_order(browser, tmp_path):
    ds = load_dataset([])
    years = [None, 2015, 2020, 2022, 2023, 2024]
    pages = []
    for y in years:
        ties = ds.ties if y is None else ds.ties[ds.ties["start_date"] >= f"{y}-01-01"]
        G = build_graph(ties, ds.actors, documents=ds.documents)
        pages.append(_figure(G, title=f"Since {y or 'the start'}", color_by="group"))
    # the runtime comes with the fourth figure: three data-only figures come before it
    frags = [render_html(pg, fragment=True, element_id=f"f{i}", runtime=(i == 3)) for i, pg in enumerate(pages)]
    host = tmp_path / "six.html"
    shell = ("<!DOCTYPE html><html><head><meta charset='utf-8'><title>Six</title></head><body>"
             "<div id='tiegraph'>a host element named like the namespace</div>{}</body></html>")
    host.write_text(shell.format("".join(f"<p>Figure {i}</p>{f}" for i, f in enumerate(frags))), encoding="utf-8")
    # weight: one runtime + six times the data (JSON and print drawing) + a small overhead each
    runtime = len(runtime_script().encode()) + len(CSS.encode())
    data = [len(safe_json(pg).encode()) for pg in pages]
    svgs = [len(re.search(r'data-role="print">(.*?)</div>', f, re.S).group(1).encode()) for f in frags]
    size = host.stat().st_size
    overhead = size - runtime - sum(data) - sum(svgs)
    print(f"\nsix figures: {size} bytes = runtime {runtime} + data {sum(data)} + print SVG {sum(svgs)} "
          f"+ overhead {overhead} ({overhead / 6:.0f} per figure); a full fragment each: "
          f"{sum(len(render_html(pg, fragment=True).encode()) for pg in pages)} bytes")
    assert 0 < overhead < 6 * 4000
    p = Page(browser, width=1100).open(host, n=6)
    try:
        for i in range(6):
            assert p.js(PIXELS, f"#f{i}") > 2000, i
        n = p.js("() => [...document.querySelectorAll('.tiegraph')].map((r) => r.__tiegraph.nodes.length)")
        assert n == [len(pg["nodes"]) for pg in pages]
        # one global: window.tiegraph (the host's element of that name is still there)
        assert p.js("() => typeof window.tiegraph.draw") == "function"
        assert p.js("() => document.getElementById('tiegraph').textContent").startswith("a host element")
        p.clean()
    finally:
        p.close()
    # a figure alone, with its runtime, defines nothing else: compare with a blank page
    alone = tmp_path / "alone.html"
    alone.write_text(shell.format(frags[3]).replace("<div id='tiegraph'>a host element named like the "
                                                    "namespace</div>", ""), encoding="utf-8")
    blank = tmp_path / "blank.html"
    blank.write_text(shell.format("<div class='tiegraph' data-drawn='1'></div>"), encoding="utf-8")
    keys = "() => Object.keys(window).sort()"
    p = Page(browser).open(blank)
    try:
        before = set(p.js(keys)) - {"tiegraph"}  # the host element's named access
    finally:
        p.close()
    p = Page(browser).open(alone)
    try:
        assert set(p.js(keys)) - before == {"tiegraph"}
        p.clean()
    finally:
        p.close()


def test_a_data_only_figure_without_a_runtime_says_so(browser, tmp_path):
    ds = load_dataset([])
    G = build_graph(ds.ties, ds.actors, documents=ds.documents)
    lone = tmp_path / "lone.html"
    lone.write_text("<!DOCTYPE html><meta charset='utf-8'><title>x</title>"
                    + render_html(make_view(G), fragment=True, runtime=False), encoding="utf-8")
    p = Page(browser)
    try:
        p.page.goto(lone.resolve().as_uri())
        status = p.js("() => document.querySelector('.tiegraph [data-role=status]').textContent")
        assert "--no-runtime" in status and "runtime" in status
        assert p.js("() => window.tiegraph.q.length") == 1  # waiting to be drawn
        p.clean()
    finally:
        p.close()


def test_no_runtime_needs_fragment(dataset_dir):
    result = CliRunner().invoke(cli, ["--data", str(dataset_dir), "render", "--no-runtime", "--out", "-"])
    assert result.exit_code == 2 and "--no-runtime needs --fragment" in result.output


LABELS = """(ids) => { const h = document.querySelector('.tiegraph').__tiegraph, n = h.network;
    return ids.map((id) => { const s = n.body.nodes[id].labelModule.size;
        const a = n.canvasToDOM({x: s.left, y: s.top}), b = n.canvasToDOM({x: s.left + s.width, y: s.top + s.height});
        return {id, left: a.x, top: a.y, right: b.x, bottom: b.y}; }); }"""


@pytest.mark.parametrize("width", [480, 640, 960])
def test_narrow_columns_keep_the_graph_wide_and_its_labels_readable(browser, tmp_path, width):
    frag = tmp_path / "fig.html"
    _render("--fragment", "--id", "fig", "--out", str(frag))
    text = frag.read_text("utf-8")
    host = tmp_path / f"col{width}.html"
    host.write_text("<!DOCTYPE html><html><head><meta charset='utf-8'><title>Column</title></head>"
                    f"<body style='margin:0'><div style='width:{width}px;margin:0 auto'><p>Text.</p>{text}"
                    "</div></body></html>", encoding="utf-8")
    p = Page(browser, width=width + 40).open(host)
    try:
        got = p.js("""() => { const r = document.querySelector('.tiegraph'), c = r.querySelector('[data-role=canvas]');
            const s = document.scrollingElement, h = r.__tiegraph;
            return {narrow: r.classList.contains('tg-narrow'), root: r.clientWidth, rootScroll: r.scrollWidth,
                    page: s.clientWidth, pageScroll: s.scrollWidth, canvas: c.clientWidth,
                    font: h.network.body.nodes[h.nodes.getIds()[0]].options.font.size * h.network.getScale(),
                    menuOpen: r.querySelector('[data-role=types-menu]').open,
                    panel: r.querySelector('[data-role=panel]').getBoundingClientRect().height}; }""")
        assert got["pageScroll"] <= got["page"] and got["rootScroll"] <= got["root"], got  # no sideways scroll
        assert got["font"] >= 11, got  # labels at least 11 px on screen
        if width < 720:
            assert got["narrow"] and not got["menuOpen"], got  # toolbar, types in a closed menu
            assert got["canvas"] >= 0.8 * got["root"], got
            assert got["panel"] < 110, got  # a slim toolbar, not a sidebar stacked on top
            # the menu opens and its checkboxes filter
            p.page.click(".tiegraph [data-role=types-menu] summary")
            p.page.uncheck(".tiegraph [data-role=types] input[value=diplomatic]")
            assert "diplomatic" not in " ".join(p.visible_edges())
        else:
            assert not got["narrow"] and got["menuOpen"], got
        # the ten largest actors' labels do not overlap, and lie inside the graph area
        data = _data(text)
        top = [n["id"] for n in sorted(data["nodes"], key=lambda n: (-n["size"], n["id"]))[:10]]
        boxes = p.js(LABELS, top)
        assert all(b["right"] - b["left"] > 20 and b["bottom"] - b["top"] > 10 for b in boxes), boxes
        for i, a in enumerate(boxes):
            assert a["left"] >= -1 and a["right"] <= got["canvas"] + 1, a
            for b in boxes[i + 1:]:
                apart = (a["right"] <= b["left"] or b["right"] <= a["left"]
                         or a["bottom"] <= b["top"] or b["bottom"] <= a["top"])
                assert apart, (a, b)
        p.clean()
    finally:
        p.close()


def test_compact_puts_the_toolbar_above_the_graph_on_a_wide_page(browser, tmp_path):
    out = tmp_path / "compact.html"
    _render("--compact", "--out", str(out))
    p = Page(browser, width=1300).open(out)
    try:
        got = p.js("""() => { const r = document.querySelector('.tiegraph');
            const panel = r.querySelector('[data-role=panel]').getBoundingClientRect();
            const canvas = r.querySelector('[data-role=canvas]').getBoundingClientRect();
            const legend = r.querySelector('[data-role=legend]').getBoundingClientRect();
            return {narrow: r.classList.contains('tg-narrow'), above: panel.bottom <= canvas.top + 1,
                    below: legend.top >= canvas.bottom - 1, wide: canvas.width / r.clientWidth}; }""")
        assert got == {"narrow": True, "above": True, "below": True, "wide": got["wide"]} and got["wide"] > 0.95
        p.clean()
    finally:
        p.close()
