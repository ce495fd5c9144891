"""The analysis commands end to end: real files, exit codes, stdout vs stderr, every format."""

import csv
import io
import json

import networkx as nx
import pytest
from click.testing import CliRunner

import cli as cli_module
from cli import cli
from conftest import ROOT, TIE_HEADER, write_csv

COMMANDS = ["centrality", "communities", "path", "neighbors", "timeline", "diff", "export"]


def run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


def failed(result, code, message):
    assert result.exit_code == code, result.output
    assert isinstance(result.exception, SystemExit), result.exception
    assert message in result.output, result.output


@pytest.mark.parametrize("args", [
    ["centrality"], ["centrality", "--metric", "all"], ["centrality", "--metric", "betweenness", "--top", "2"],
    ["communities"], ["path", "PRK", "JPN", "--polarity", "all"], ["neighbors", "Russia"],
    ["timeline", "--metric", "strength"], ["diff", "--before", "2022", "--after", "2023"],
])
@pytest.mark.parametrize("fmt", ["table", "json", "csv"])
def test_commands_run_in_every_format(dataset_dir, args, fmt):
    result = run("--data", dataset_dir, *args, "--format", fmt)
    assert result.exit_code == 0, result.output
    assert result.stdout.strip()
    if fmt == "json":
        json.loads(result.stdout)
    if fmt == "csv":
        rows = list(csv.DictReader(io.StringIO(result.stdout)))
        assert rows


def test_centrality_table_and_json(dataset_dir):
    result = run("--data", dataset_dir, "centrality", "--metric", "strength", "--top", "4")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["id", "name", "strength", "rank"]
    # RUS 3 + 4 = 7, CHN 4 + 1, PRK 3 + 1, USA 2 + 2 (the sanction on Russia does not count)
    assert [line.split()[0] for line in lines[2:]] == ["RUS", "CHN", "PRK", "USA"]
    assert [line.split()[-1] for line in lines[2:]] == ["1", "2", "3", "3"]  # equal scores share a rank
    assert "centrality on cooperative ties (the default" in result.stderr
    rows = json.loads(run("--data", dataset_dir, "centrality", "--metric", "strength", "--format", "json",
                          "--polarity", "all").stdout)
    assert rows[0] == {"id": "RUS", "name": "Russia", "strength": 9.0, "rank": 1, "polarity": "all"}


def test_communities_table(dataset_dir):
    result = run("--data", dataset_dir, "communities")
    assert result.exit_code == 0
    assert result.stdout.startswith("2 communities, modularity ")
    assert "China, North Korea, Russia" in result.stdout
    data = json.loads(run("--data", dataset_dir, "communities", "--format", "json").stdout)
    assert data["polarity"] == "cooperative" and data["seed"] == 42
    assert [c["members"] for c in data["communities"]] == [["CHN", "PRK", "RUS"], ["JPN", "KOR", "USA"]]


def test_path_table_reads_like_a_briefing(dataset_dir):
    result = run("--data", dataset_dir, "path", "North Korea", "china")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        "North Korea → China  (1 hop; cooperative ties; fewest hops)",
        '  North Korea → China  political_support from China 2021–2025 (speculated): '
        '"some experts speculate" [d2.txt]',
    ]


def test_path_json_shape(dataset_dir):
    result = run("--data", dataset_dir, "path", "DPRK", "Japan", "--polarity", "all", "--k", "2",
                 "--format", "json")
    data = json.loads(result.stdout)
    assert data["polarity"] == "all" and data["mode"] == "fewest_hops"
    first = data["paths"][0]
    assert first["nodes"] == ["PRK", "RUS", "USA", "JPN"] and first["length"] == 3
    hop = first["hops"][0]
    assert set(hop) == {"from", "to", "ties"}
    assert {"id", "type", "start", "end", "confidence", "weight", "value", "unit", "doc", "quote"} <= set(hop["ties"][0])
    assert hop["ties"][0]["quote"] == "Pyongyang provided shells"


def test_path_csv_one_row_per_tie(dataset_dir):
    result = run("--data", dataset_dir, "path", "PRK", "JPN", "--polarity", "all", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [(r["path"], r["hop"], r["id"]) for r in rows] == [("1", "1", "t1"), ("1", "2", "t3"), ("1", "3", "t4")]


@pytest.mark.parametrize("args, code, message", [
    (["path", "PRK", "JPN"], 1,
     "Error: no path from North Korea to Japan with cooperative ties only (the default); "
     "with --polarity all there is one"),
    (["path", "PRK", "RUS", "--type", "trade"], 1, "without --type trade there is one"),
    (["path", "USA", "Atlantis"], 1, "no actor named 'Atlantis'"),
    (["path", "USA", "us"], 1, "a path needs two different actors"),
    (["path", "PRK", "USA", "--strongest", "--time-respecting"], 2, "choose one"),
    (["path", "PRK", "USA", "--k", "0"], 2, "Invalid value for '--k'"),
    (["centrality", "--metric", "fame"], 2, "Invalid value for '--metric'"),
    (["centrality", "--from", "2030"], 1, "no ties are selected"),
    (["communities", "--type", "energy"], 1, "no ties to find communities in"),
    (["neighbors", "Atlantis"], 1, "no actor named 'Atlantis'"),
    (["neighbors", "JPN", "--polarity", "adversarial"], 1, "'JPN' has no ties in the selected data"),
    (["timeline", "--plot", "chart.pdf"], 2, "must end in .png or .svg"),
    (["timeline", "--actor", "Narnia"], 1, "no actor named 'Narnia'"),
    (["diff", "--before", "2022"], 2, "Missing option '--after'"),
    (["diff", "--before", "2022", "--after", "2023", "--from", "2020"], 2, "drop --from/--to"),
    (["diff", "--before", "soon", "--after", "2023"], 2, "'soon' is not a period"),
    (["export", "--to", "pdf"], 2, "Invalid value for '--to'"),
    (["export"], 2, "Missing option '--to'"),
    (["export", "--to", "csv", "--from", "2023", "--until", "2022"], 2, "--until 2022 is before --from 2023"),
])
def test_bad_input(dataset_dir, args, code, message):
    failed(run("--data", dataset_dir, *args), code, message)


def test_no_path_between_disconnected_actors(tmp_path):
    rows = [["t1", "A", "B", "trade", "2020", "", "false", "1", "", "", "confirmed", "d.txt", "q", "", ""],
            ["t2", "X", "Y", "trade", "2020", "", "false", "1", "", "", "confirmed", "d.txt", "q", "", ""]]
    ties = write_csv(tmp_path / "ties.csv", TIE_HEADER, rows)
    failed(run("--data", ties, "path", "A", "Y"), 1, "A and Y are not connected at all in this data")


def test_neighbors_lists_actors_then_ties(dataset_dir):
    result = run("--data", dataset_dir, "neighbors", "Russia")
    assert result.exit_code == 0
    out = result.stdout
    assert out.index("North Korea") < out.index("t1")
    assert "3 actors within 1 hop of Russia; 3 ties (all ties)" in result.stderr
    data = json.loads(run("--data", dataset_dir, "neighbors", "RUS", "--depth", "2", "--format", "json").stdout)
    assert [a["id"] for a in data["actors"]] == ["RUS", "CHN", "PRK", "USA", "JPN", "KOR"]
    assert [t["id"] for t in data["ties"]] == ["t1", "t2", "t3", "t4", "t5"]  # not t6 (JPN–KOR) or t7
    all_ties = json.loads(run("--data", dataset_dir, "neighbors", "RUS", "--depth", "2", "--all-ties",
                              "--format", "json").stdout)
    assert [t["id"] for t in all_ties["ties"]] == ["t1", "t2", "t3", "t4", "t5", "t6", "t7"]


def test_timeline_table_is_wide_json_is_long(dataset_dir):
    result = run("--data", dataset_dir, "timeline", "--metric", "strength", "--actor", "USA", "--actor", "DPRK")
    assert result.exit_code == 0, result.output
    header = result.stdout.splitlines()[0].split()
    assert header == ["id", "name", "2021", "2022", "2023"]
    rows = json.loads(run("--data", dataset_dir, "timeline", "--metric", "strength", "--actor", "USA",
                          "--format", "json").stdout)
    assert rows == [{"id": "USA", "name": "United States", "year": y, "strength": s, "polarity": "cooperative"}
                    for y, s in [(2021, 0.0), (2022, 0.0), (2023, 4.0)]]


def test_timeline_plot_writes_a_png(dataset_dir, tmp_path):
    pytest.importorskip("matplotlib")
    out = tmp_path / "chart.png"
    result = run("--data", dataset_dir, "timeline", "--top", "3", "--plot", out)
    assert result.exit_code == 0, result.output
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert f"wrote {out}" in result.stderr


def test_diff_table(dataset_dir):
    result = run("--data", dataset_dir, "diff", "--before", "2022", "--after", "2023", "--metric", "strength")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    # 2022: t3 (sanctions 2022-02-24–2024) and t7 (2021–2025); 2023: all seven
    assert lines[0] == ("2022 → 2023: ties 2 → 7, actors 4 → 6 "
                        "(ties: all polarities; strength on cooperative ties)")
    assert "Actors appearing (2): Japan, South Korea" in lines
    assert "Ties disappearing (0): none" in lines
    rows = list(csv.DictReader(io.StringIO(run("--data", dataset_dir, "diff", "--before", "2022", "--after",
                                               "2023", "--format", "csv").stdout)))
    assert {r["kind"] for r in rows} == {"actor_added", "tie_added", "move"}
    move = next(r for r in rows if r["kind"] == "move")
    assert float(move["after"]) - float(move["before"]) == pytest.approx(float(move["change"]), abs=1e-5)


@pytest.mark.parametrize("to", ["graphml", "gexf", "json", "csv"])
def test_export_to_file_and_stdout(dataset_dir, tmp_path, to):
    out = tmp_path / f"g.{to}"
    result = run("--data", dataset_dir, "export", "--to", to, "--out", out)
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    assert "exported 7 ties among 6 actors" in result.stderr
    again = run("--data", dataset_dir, "export", "--to", to)
    assert again.stdout == out.read_text(encoding="utf-8")


def test_export_filters_and_reads_back(dataset_dir, tmp_path):
    out = tmp_path / "g.graphml"
    result = run("--data", dataset_dir, "export", "--to", "graphml", "--out", out, "--until", "2022",
                 "--type", "sanctions")
    assert result.exit_code == 0, result.output
    back = nx.read_graphml(out, force_multigraph=True)
    assert list(back.edges(keys=True)) == [("USA", "RUS", "t3")]


def test_metric_lists_agree():
    from graph.analysis import METRICS
    from graph.export import EXPORT_FORMATS
    assert cli_module.CENTRALITY_METRICS == METRICS
    assert set(cli_module.EXPORT_TO) == set(EXPORT_FORMATS)


@pytest.mark.parametrize("command", COMMANDS)
def test_help_has_an_example_and_readme_shows_it(command):
    result = run(command, "--help")
    assert result.exit_code == 0
    assert "Example:" in result.output
    assert f"tiegraph {command}" in (ROOT / "README.md").read_text(encoding="utf-8")


BUNDLED = ROOT / "data" / "ties.csv"


@pytest.mark.skipif(not BUNDLED.is_file(), reason="the bundled dataset is not there")
def test_bundled_path_north_korea_to_united_states():
    result = run("path", "North Korea", "United States", "--k", "2", "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    for path in data["paths"]:
        assert path["nodes"][0] == "PRK" and path["nodes"][-1] == "USA"
        assert all(t["quote"] for hop in path["hops"] for t in hop["ties"])
    table = run("path", "DPRK", "US", "--strongest")
    assert table.exit_code == 0
    assert table.stdout.splitlines()[0].startswith("North Korea → ")


@pytest.mark.skipif(not BUNDLED.is_file(), reason="the bundled dataset is not there")
@pytest.mark.parametrize("metric", ["eigenvector", "all"])
def test_bundled_centrality_eigenvector_works(metric):
    result = run("centrality", "--metric", metric, "--format", "json")
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert len(rows) >= 10 and all(r["rank"] >= 1 for r in rows)
