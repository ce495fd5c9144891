"""The command line end to end: real files, real exit codes, stdout vs stderr."""

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli import cli
from conftest import ROOT, SMALL_TIES, TIE_HEADER, write_csv


def run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


def bad_dataset(dataset_dir):
    rows = SMALL_TIES + [["b1", "PRK", "RUS", "trade", "2023-13", "", "true", "1", "", "", "reported",
                          "d1.txt", "q", "", ""],
                         ["b2", "PRK", "XXX", "trade", "2023", "", "true", "1", "", "", "reported",
                          "d1.txt", "q", "", ""]]
    write_csv(dataset_dir / "ties.csv", TIE_HEADER, rows)
    return dataset_dir


def test_validate_ok(dataset_dir):
    result = run("--data", dataset_dir, "validate")
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    assert "OK: 7 ties and 6 actors are valid" in result.stderr


def test_validate_lists_every_rejected_row_and_exits_1(dataset_dir):
    result = run("--data", bad_dataset(dataset_dir), "validate")
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit)
    lines = result.stdout.splitlines()
    path = dataset_dir / "ties.csv"
    assert lines == [f"{path}:9: b1: start: '2023-13' is not a date (expected YYYY, YYYY-MM or YYYY-MM-DD)",
                     f"{path}:10: b2: target: unknown actor 'XXX' (not in actors.csv)"]
    assert "2 rows rejected; 7 ties" in result.stderr


@pytest.mark.parametrize("fmt", ["json", "csv"])
def test_validate_machine_formats(dataset_dir, fmt):
    result = run("--data", bad_dataset(dataset_dir), "validate", "--format", fmt)
    assert result.exit_code == 1
    rows = json.loads(result.stdout) if fmt == "json" else list(csv.DictReader(io.StringIO(result.stdout)))
    assert [(r["id"], r["field"], str(r["line"])) for r in rows] == [("b1", "start", "9"), ("b2", "target", "10")]


def test_summary_json(dataset_dir):
    result = run("--data", dataset_dir, "summary", "--format", "json")
    assert result.exit_code == 0, result.output
    s = json.loads(result.stdout)
    assert s["actors"] == 6 and s["ties"] == 7 and s["rejected"] == 0
    assert s["by_type"] == {"arms_transfer": 1, "diplomatic": 1, "military_exercise": 2,
                            "political_support": 1, "sanctions": 1, "trade": 1}
    assert s["by_year"] == {"2021": 1, "2022": 1, "2023": 5}
    assert s["date_range"] == ["2021-01-01", "2025-12-31"]


def test_summary_with_filters_and_table(dataset_dir):
    result = run("--data", dataset_dir, "summary", "--type", "military_exercise", "--format", "json")
    s = json.loads(result.stdout)
    assert (s["ties"], s["actors"], s["by_type"]) == (2, 3, {"military_exercise": 2})
    table = run("--data", dataset_dir, "summary").stdout
    assert "ties" in table and "arms_transfer" in table and "date_range" in table


def test_rejected_rows_warn_once_on_stderr_for_other_commands(dataset_dir):
    result = run("--data", bad_dataset(dataset_dir), "summary", "--format", "json")
    assert result.exit_code == 0
    assert json.loads(result.stdout)["rejected"] == 2
    warnings = [l for l in result.stderr.splitlines() if l.startswith("warning:")]
    assert len(warnings) == 1 and "2 rows were rejected" in warnings[0] and "validate" in warnings[0]


@pytest.mark.parametrize("content, message", [
    (b"", "the file is empty"),
    (b"\x00\x01\x02binary", "binary file"),
    (b"id,source\nt1,A\n", "missing required columns"),
])
def test_bad_files_exit_1_without_traceback(tmp_path, content, message):
    f = tmp_path / "ties.csv"
    f.write_bytes(content)
    result = run("--data", f, "summary")
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit)
    assert result.stderr.startswith("Error: ") and message in result.stderr
    assert "Traceback" not in result.output


@pytest.mark.parametrize("args, message", [
    (["summary", "--format", "yaml"], "Invalid value for '--format'"),
    (["summary", "--from", "2023-13"], "is not a date"),
    (["summary", "--type", "alliance"], "Invalid value for '--type'"),
    (["summary", "--min-confidence", "sure"], "Invalid value for '--min-confidence'"),
    (["summary", "--from", "2024", "--to", "2023"], "--to 2023 is before --from 2024"),
    (["frobnicate"], "No such command"),
])
def test_usage_errors_exit_2(dataset_dir, args, message):
    result = run("--data", dataset_dir, *args)
    assert result.exit_code == 2 and isinstance(result.exception, SystemExit)
    assert message in result.output


def test_every_command_has_an_example_and_is_in_the_readme():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for name, command in cli.commands.items():
        help_text = run(name, "--help").output
        assert "Example:" in help_text, name
        assert f"tiegraph {name}" in readme or f"cli.py {name}" in readme, name


# ---------------------------------------------------------------- real processes

def _bin(name):
    path = Path(sys.executable).parent / name
    return str(path) if path.exists() else None


@pytest.mark.parametrize("entry", ["checkout", "installed"])
def test_bundled_data_is_the_default_from_any_directory(tmp_path, entry):
    if entry == "checkout":
        cmd = [sys.executable, str(ROOT / "cli.py")]
    else:
        exe = _bin("tiegraph")
        if exe is None:
            pytest.fail("the tiegraph command is not installed (pip install -e .)")
        cmd = [exe]
    env = {k: v for k, v in os.environ.items() if k != "TIEGRAPH_DATA"}
    proc = subprocess.run(cmd + ["summary", "--format", "json"], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    s = json.loads(proc.stdout)
    n_rows = sum(1 for _ in csv.DictReader(open(ROOT / "data" / "ties.csv", encoding="utf-8")))
    assert s["ties"] == n_rows and s["rejected"] == 0 and s["ties"] > 50


def test_errors_go_to_stderr_in_a_real_process(tmp_path):
    proc = subprocess.run([sys.executable, str(ROOT / "cli.py"), "--data", str(tmp_path / "none.csv"),
                           "summary"], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 1 and proc.stdout == ""
    assert proc.stderr.strip() == f"Error: {tmp_path / 'none.csv'}: no such file or directory"


def test_actor_names_survive_an_ascii_locale(dataset_dir):
    """Every command reads user-typed names through one click type, whatever the locale."""
    env = {**os.environ, "LC_ALL": "C", "LANG": "C", "PYTHONUTF8": "0", "PYTHONCOERCECLOCALE": "0",
           "PYTHONIOENCODING": "utf-8"}
    proc = subprocess.run([sys.executable, str(ROOT / "cli.py"), "--data", str(dataset_dir), "path",
                           "대한민국", "DPRK", "--polarity", "all", "--format", "json"],
                          env=env, capture_output=True, text=True, encoding="utf-8", timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["paths"][0]["nodes"][0] == "KOR"
