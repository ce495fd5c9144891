"""The Cytoscape.js export loaded by Cytoscape.js itself, in a real headless browser.

Cytoscape.js comes from the npm registry (tests/run.sh installs it into
tests/.npm) and is inlined into a blank page; no request leaves the page.
Skipped (with the reason) when chromium, playwright or the package is
missing, except under CI, where that is a failure.
"""

import json
import os

import pytest
from click.testing import CliRunner

from cli import cli
from conftest import ROOT
from graph.load import load_dataset
from test_browser import browser  # noqa: F401  (the browser fixture)
from test_formats import HOSTILE, hostile_dataset

CYTOSCAPE = ROOT / "tests" / ".npm" / "node_modules" / "cytoscape" / "dist" / "cytoscape.min.js"


@pytest.fixture(scope="module")
def page(browser):
    if not CYTOSCAPE.is_file():
        reason = f"{CYTOSCAPE} is missing (bash tests/run.sh installs it with npm)"
        if os.environ.get("CI"):
            pytest.fail(f"the Cytoscape.js test cannot run in CI: {reason}")
        pytest.skip(reason)
    pg = browser.new_page()
    outside = []
    pg.route("**/*", lambda route: (outside.append(route.request.url), route.abort())
             if not route.request.url.startswith(("about:", "data:", "blob:")) else route.continue_())
    errors = []
    pg.on("pageerror", lambda ex: errors.append(str(ex)))
    pg.goto("about:blank")
    pg.add_script_tag(content=CYTOSCAPE.read_text(encoding="utf-8"))
    pg.outside, pg.errors = outside, errors
    yield pg
    pg.close()


LOAD = """doc => {
    const cy = cytoscape({headless: true, styleEnabled: false, elements: doc.elements,
                          layout: {name: 'preset'}});
    return {
        version: cytoscape.version,
        nodes: cy.nodes().map(n => ({id: n.id(), group: n.group(), actor_group: n.data('actor_group'),
                                     name: n.data('name'), x: n.position('x'), y: n.position('y'),
                                     pagerank: n.data('pagerank')})),
        edges: cy.edges().map(e => ({id: e.id(), source: e.source().id(), target: e.target().id(),
                                     tie_type: e.data('tie_type'), directed: e.data('directed'),
                                     start: e.data('start'), end_date: e.data('end_date'),
                                     quote: e.data('quote')})),
        directed: cy.edges('[?directed]').length,
        undirected: cy.edges('[!directed]').length,
    };
}"""


@pytest.mark.parametrize("which", ["bundled", "hostile"])
def test_cytoscape_js_loads_the_export(page, which, tmp_path):
    data = hostile_dataset(tmp_path / "bad") if which == "hostile" else None
    out = tmp_path / "ties.cyjs"
    result = CliRunner().invoke(cli, (["--data", str(data)] if data else []) +
                                ["-q", "export", "--to", "cytoscape", "--out", str(out)])
    assert result.exit_code == 0, result.output
    doc = json.loads(out.read_text(encoding="utf-8"))
    got = page.evaluate(LOAD, doc)
    assert got["version"].startswith("3.")
    ds = load_dataset([data] if data else None)
    ties = ds.ties.set_index("id")
    assert len(got["nodes"]) == len(ds.actors) and len(got["edges"]) == len(ties)
    assert {n["group"] for n in got["nodes"]} == {"nodes"}  # no actor group taken for the element group
    assert got["directed"] == int(ties["directed"].sum())
    assert got["undirected"] == int((~ties["directed"]).sum())
    for e in got["edges"]:
        t = ties.loc[e["id"]]
        assert (e["source"], e["target"], e["tie_type"], e["directed"], e["start"]) == \
            (t["source"], t["target"], t["type"], bool(t["directed"]), t["start"])
        assert e["end_date"] == t["end_date"].date().isoformat() and e["quote"] == t["quote"]
    positions = {n["data"]["id"]: n["position"] for n in doc["elements"]["nodes"]}
    groups = dict(zip(ds.actors["id"], ds.actors["group"]))
    for n in got["nodes"]:
        assert (n["x"], n["y"]) == (positions[n["id"]]["x"], positions[n["id"]]["y"])
        assert (n["actor_group"] or "") == (groups[n["id"]] or "")
        assert 0 <= n["pagerank"] <= 1
    if which == "hostile":
        assert HOSTILE[0] in {e["quote"] for e in got["edges"]}
    assert page.outside == [] and page.errors == []
