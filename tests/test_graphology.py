"""The GEXF export read by graphology-gexf, the reader of Gephi Lite and sigma.js (npm, run in Node).

tests/run.sh installs graphology and graphology-gexf into tests/.npm.
Skipped (with the reason) when node or the packages are missing, except
under CI, where that is a failure.
"""

import json
import os
import shutil
import subprocess

import pytest
from click.testing import CliRunner

from cli import cli
from conftest import ROOT
from graph.load import load_dataset
from test_formats import hostile_dataset

MODULES = ROOT / "tests" / ".npm" / "node_modules"

READ = r"""
const Graph = require('graphology');
const gexf = require('graphology-gexf');
const g = gexf.parse(Graph, require('fs').readFileSync(process.argv[1], 'utf8'));
const out = {type: g.type, nodes: {}, edges: {}};
g.forEachNode((n, a) => { out.nodes[n] = a; });
g.forEachEdge((k, a, s, t, sa, ta, undirected) => { out.edges[k] = {...a, source: s, target: t, undirected}; });
process.stdout.write(JSON.stringify(out));
"""


@pytest.fixture(scope="module")
def node():
    exe = shutil.which("node")
    reason = None if exe else "node is not installed"
    if exe and not (MODULES / "graphology-gexf").is_dir():
        reason = f"{MODULES}/graphology-gexf is missing (bash tests/run.sh installs it with npm)"
    if reason:
        if os.environ.get("CI"):
            pytest.fail(f"the graphology test cannot run in CI: {reason}")
        pytest.skip(reason)
    return exe


@pytest.mark.parametrize("which, version", [("bundled", "1.3"), ("hostile", "1.2")])
def test_graphology_reads_types_directions_dates_and_viz(node, which, version, tmp_path):
    data = hostile_dataset(tmp_path / "bad") if which == "hostile" else None
    out = tmp_path / "ties.gexf"
    result = CliRunner().invoke(cli, (["--data", str(data)] if data else []) +
                                ["-q", "export", "--to", "gexf", "--gexf-version", version, "--out", str(out)])
    assert result.exit_code == 0, result.output
    run = subprocess.run([node, "-e", READ, str(out)], capture_output=True, text=True, timeout=60,
                         env={**os.environ, "NODE_PATH": str(MODULES)})
    assert run.returncode == 0, run.stderr
    got = json.loads(run.stdout)
    ds = load_dataset([data] if data else None)
    ties = ds.ties.set_index("id")
    assert got["type"] == "mixed" and len(got["edges"]) == len(ties) and len(got["nodes"]) == len(ds.actors)
    for k, e in got["edges"].items():
        t = ties.loc[k]
        assert (e["source"], e["target"], e["undirected"]) == (t["source"], t["target"], not t["directed"])
        assert (e["tie_type"], e["directed"], e["weight"], e["quote"]) == \
            (t["type"], bool(t["directed"]), t["weight"], t["quote"])
        assert e["start_date"] == t["start_date"].date().isoformat()
    for n, a in got["nodes"].items():
        assert a["color"].startswith("rgb(") and a["size"] > 0 and "x" in a and "y" in a
        assert 0 <= a["pagerank"] <= 1
