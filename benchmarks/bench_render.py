"""Explorer at scale: time to write the page and time for chromium to draw it, 1k/5k/20k actors.

Run: python benchmarks/bench_render.py [--sizes 1000 5000 20000] [--no-browser]

Synthetic tie graphs with ties ≈ 4 × actors (mostly local, some long-range,
11 types, dates 1990–2024, mixed confidence, quotes of ~120 characters).
For each size it prints:

- layout: seeded positions (graph.layout), against networkx's own
  ``random_layout`` as the floor of "placing n points";
- write: the whole page (layout + elements + HTML to disk, sized by degree,
  coloured by Louvain bloc), against ``json.dumps`` of the same element data;
- drawn: chromium, navigation start to vis-network's first ``afterDrawing``
  (the page sets ``__tiegraph.drawnAt``), against an empty vis page of the
  same bundle (the floor: parsing ~470 kB of JavaScript).

Targets: 5k actors / 20k ties written in ≤ 3 s and drawn in ≤ 2 s.
"""

import argparse
import json
import random
import sys
import tempfile
import time
from pathlib import Path

import networkx as nx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from explorer.html import write_html  # noqa: E402
from explorer.view import make_view  # noqa: E402
from graph.layout import layout_positions  # noqa: E402
from graph.schema import CONFIDENCE_LEVELS, TIE_TYPES, default_polarity  # noqa: E402


def synthetic(n, m=None, seed=11):
    """A tie MultiDiGraph of ``n`` actors and ``m`` (default 4n) ties, deterministic."""
    rnd = random.Random(seed)
    m = m or 4 * n
    G = nx.MultiDiGraph()
    for i in range(n):
        G.add_node(f"A{i:05d}", name=f"Actor {i}", kind="state", group=f"g{i % 7}")
    for k in range(m):
        u = rnd.randrange(n)
        v = (u + int(rnd.gauss(0, 25))) % n if rnd.random() < 0.85 else rnd.randrange(n)
        if v == u:
            v = (u + 1) % n
        t = rnd.choice(TIE_TYPES)
        y = rnd.randint(1990, 2024)
        G.add_edge(f"A{u:05d}", f"A{v:05d}", key=f"t{k:06d}", id=f"t{k:06d}", type=t,
                   start=str(y), end=None, start_date=f"{y}-01-01", end_date=f"{y}-12-31",
                   directed=rnd.random() < 0.5, weight=float(rnd.randint(1, 5)),
                   value=None, unit=None, confidence=rnd.choice(CONFIDENCE_LEVELS),
                   polarity=default_polarity(t), doc="synthetic.txt", doc_title="Synthetic",
                   quote="x" * 120, note="")
    return G


def timed(fn, *a, **kw):
    t = time.perf_counter()
    out = fn(*a, **kw)
    return out, time.perf_counter() - t


def draw_times(paths):
    """Seconds from navigation start to first draw, per page, in chromium (offline)."""
    from playwright.sync_api import sync_playwright
    out = []
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path="/usr/bin/chromium",
                              args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                                    "--no-first-run", "--disable-background-networking"])
        for path in paths:
            page = b.new_page(viewport={"width": 1400, "height": 950})
            page.route("**/*", lambda r: r.continue_() if r.request.url.startswith("file:") else r.abort())
            page.goto(Path(path).resolve().as_uri())
            page.wait_for_function("document.querySelector('.tiegraph[data-drawn], body[data-drawn]')",
                                   timeout=120000)
            ms = page.evaluate("() => { const r = document.querySelector('.tiegraph');"
                               " return r ? r.__tiegraph.drawnAt : +document.body.dataset.ms; }")
            out.append(ms / 1000)
            page.close()
        b.close()
    return out


def empty_vis_page(path):
    from explorer.assets import vis_bundle
    Path(path).write_text(
        "<!DOCTYPE html><html><body><div id=c style='height:600px'></div><script>"
        "(function(){var module={exports:{}},exports=module.exports,define=undefined;\n" + vis_bundle()
        + "\nvar vis=module.exports;var n=new vis.Network(document.getElementById('c'),"
        "{nodes:[{id:1,x:0,y:0}],edges:[]},{physics:false});n.once('afterDrawing',function(){"
        "document.body.dataset.ms=performance.now();document.body.setAttribute('data-drawn','1');});"
        "})();</script></body></html>", encoding="utf-8")
    return path


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", type=int, nargs="+", default=[1000, 5000, 20000])
    ap.add_argument("--no-browser", action="store_true")
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="tiegraph-bench-"))
    pages = []
    print(f"{'actors':>7} {'ties':>7} | {'layout':>8} {'random':>8} {'ratio':>6} | {'write':>7} "
          f"{'json':>7} {'ratio':>6} {'size':>8}")
    for n in args.sizes:
        G = synthetic(n)
        _, t_layout = timed(layout_positions, G)
        _, t_rand = timed(nx.random_layout, G, seed=1)
        out = tmp / f"bench_{n}.html"
        t = time.perf_counter()
        page = make_view(G, size_by="degree", color_by="community", title=f"{n} actors")
        write_html(page, out)
        t_write = time.perf_counter() - t
        _, t_json = timed(json.dumps, {"nodes": page["nodes"], "edges": page["edges"]})
        pages.append(out)
        print(f"{n:>7,} {G.number_of_edges():>7,} | {t_layout:>7.2f}s {t_rand:>7.3f}s {t_layout / t_rand:>5.0f}x | "
              f"{t_write:>6.2f}s {t_json:>6.3f}s {t_write / t_json:>5.0f}x {out.stat().st_size / 1e6:>6.1f}MB")
    if args.no_browser:
        return
    floor = draw_times([empty_vis_page(tmp / "empty.html")])[0]
    print(f"\nchromium, navigation start → first draw (empty vis page: {floor:.2f}s)")
    for n, t in zip(args.sizes, draw_times(pages)):
        print(f"{n:>7,} actors: {t:5.2f}s  ({t / floor:.1f}x the empty page)")
    print(f"\npages kept in {tmp}")


if __name__ == "__main__":
    main()
