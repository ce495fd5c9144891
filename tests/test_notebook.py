"""A figure in a notebook: executed by nbclient (a real ipykernel), exported by nbconvert, drawn by Chromium."""

import os
from pathlib import Path

import pytest

from test_browser import PIXELS, Page, browser  # noqa: F401  (the browser fixture)

ROOT = Path(__file__).resolve().parents[1]


def _nb_tools():
    try:
        import nbclient  # noqa: F401
        import nbconvert  # noqa: F401
        import nbformat  # noqa: F401
        import ipykernel  # noqa: F401
    except ImportError as ex:
        if os.environ.get("CI"):
            pytest.fail(f"notebook tools missing in CI: {ex}")
        pytest.skip(f"notebook tools missing: {ex} (pip install -e '.[test]')")


def test_view_saves_and_gives_fragments(tmp_path):
    import explorer
    from graph.load import load_dataset
    fig = explorer.view(load_dataset(), start="2023", title="<b>Since</b> 2023", element_id="nbfig")
    assert fig.page["meta"]["filters"] == "from 2023" and fig.page["meta"]["n_ties"] > 0
    out = fig.save(tmp_path / "fig.html")
    assert out.read_text("utf-8") == fig.html() and fig.html().startswith("<!DOCTYPE html>")
    assert [p.name for p in tmp_path.iterdir()] == ["fig.html"]  # no temporary file left behind
    frag = fig.fragment(runtime=False)
    assert frag.startswith('<div class="tiegraph" id="nbfig"') and "vis.Network" not in frag
    frame = fig._repr_html_()
    assert frame.startswith('<iframe class="tiegraph-view" title="&lt;b&gt;Since&lt;/b&gt; 2023"')
    assert "<script" not in frame and "<b>" not in frame  # the whole page is escaped into srcdoc
    with pytest.raises(TypeError, match="unknown options: colour"):
        explorer.view(load_dataset(), colour="red")


def test_notebook_executed_and_exported_draws_the_figure(browser, tmp_path):
    _nb_tools()
    import nbformat
    from nbclient import NotebookClient
    from nbconvert import HTMLExporter
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("import explorer\nfrom graph.load import load_dataset\n"
                                          "ds = load_dataset()"),
                nbformat.v4.new_code_cell('fig = explorer.view(ds, start="2022", title="Notebook figure", '
                                          'height=640)\nfig')]
    NotebookClient(nb, timeout=180, kernel_name="python3",
                   resources={"metadata": {"path": str(tmp_path)}}).execute()
    outputs = nb.cells[1].outputs
    assert outputs and "text/html" in outputs[0]["data"], outputs
    assert outputs[0]["data"]["text/html"].startswith('<iframe class="tiegraph-view"')
    html, _ = HTMLExporter().from_notebook_node(nb)
    doc = tmp_path / "notebook.html"
    doc.write_text(html, encoding="utf-8")
    p = Page(browser, width=1200)
    requests = []
    p.page.on("request", lambda r: requests.append((r.frame.url, r.url)))
    try:
        p.page.goto(doc.resolve().as_uri())
        frame = next(f for f in p.page.frames if f.url == "about:srcdoc")
        frame.wait_for_selector(".tiegraph[data-drawn]", timeout=20000)
        p.page.wait_for_timeout(150)
        assert frame.evaluate(PIXELS, ".tiegraph") > 5000
        assert frame.evaluate("() => document.querySelector('.tg-title').textContent") == "Notebook figure"
        # the figure asks for nothing outside its frame (nbconvert's own template may; it is blocked)
        assert [u for f, u in requests if f == "about:srcdoc" and not u.startswith(("data:", "about:"))] == []
        assert p.dialogs == []
        assert [e for e in p.errors if "tiegraph" in e or "vis" in e] == []
    finally:
        p.close()
