"""Reliability at the edges: output faults, signals, concurrent writers, hostile text, odd input files.

Most tests run the real CLI in a subprocess (signals, /dev/full, closed pipes and
FIFOs only behave truthfully there). Signals are timed with the documented test
hook TIEGRAPH_TEST_COMMIT_DELAY (graph.files waits that long with the temporary
file complete, just before the rename).
"""

import csv
import io
import json
import os
import signal
import subprocess
import sys
import threading
import time
import xml.etree.ElementTree as ET
from pathlib import Path

import networkx as nx
import pytest
from click.testing import CliRunner

import graph.files
from cli import cli
from conftest import ROOT, SMALL_ACTORS, SMALL_TIES, TIE_HEADER, write_csv, write_dataset
from graph import load
from graph.load import check_ties, load_dataset, read_actors, read_documents, read_ties

CLI = [sys.executable, str(ROOT / "cli.py")]


def tg(*args, stdout=subprocess.PIPE, env=None, timeout=120, **kw):
    """Run the real CLI; returns CompletedProcess with text output."""
    return subprocess.run(CLI + [str(a) for a in args], stdout=stdout, stderr=subprocess.PIPE,
                          text=True, encoding="utf-8", env={**os.environ, **(env or {})},
                          timeout=timeout, **kw)


def run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


class _Done:
    def __init__(self, result):
        self.returncode, self.stdout, self.stderr = result.exit_code, result.stdout, result.stderr


def inproc(*args, **_):
    """The CLI in this process (much faster than a subprocess), shaped like ``tg``'s result."""
    return _Done(CliRunner().invoke(cli, [str(a) for a in args]))


def assert_one_error_line(proc, text, code=1):
    assert proc.returncode == code, (proc.returncode, proc.stderr)
    assert "Traceback" not in proc.stderr
    lines = [l for l in proc.stderr.splitlines() if l.startswith("Error:")]
    assert len(lines) == 1 and text in lines[0], proc.stderr


def tie(i, source="PRK", target="RUS", **fields):
    row = dict(zip(TIE_HEADER, [f"t{i}", source, target, "trade", "2023", "", "false", "1", "", "",
                                "confirmed", "d1.txt", "a quote", "", ""]))
    row.update(fields)
    return [row[c] for c in TIE_HEADER]


def no_temp_files(directory):
    return [p.name for p in Path(directory).iterdir() if p.name.endswith(".tmp")] == []


# =========================================================================== the catch-all

def test_an_unexpected_error_is_one_line_naming_the_command(monkeypatch, dataset_dir):
    import graph.stats

    def broken(*a, **k):
        raise RuntimeError("boom\nsecond line")
    monkeypatch.setattr(graph.stats, "summarize", broken)
    result = CliRunner().invoke(cli, ["--data", str(dataset_dir), "summary"])
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.output
    assert lines[0].startswith("Error: 'tiegraph summary' failed unexpectedly (RuntimeError: boom second line)")
    assert "bug" in lines[0] and "--debug" in lines[0]
    debug = CliRunner().invoke(cli, ["--debug", "--data", str(dataset_dir), "summary"])
    assert debug.exit_code == 1 and "Traceback (most recent call last)" in debug.output
    assert "RuntimeError: boom" in debug.output


# =========================================================================== output faults

@pytest.fixture
def plain_file(tmp_path):
    p = tmp_path / "plain"
    p.write_text("x")
    return p


_MISSING = ("{tmp}/missing/x.{ext}", "No such file or directory")
_UNDER_FILE = ("{plain}/x.{ext}", "Not a directory")
_FULL = ("/dev/full", "No space left on device")
_EXPORT_CSV = (["export", "--to", "csv", "--out"], "csv")
_EXPORT_XML = (["export", "--to", "graphml", "--out"], "graphml")
_RENDER = (["render", "--out"], "html")
_SVG = (["render", "--out", "{tmp}/ok.html", "--image"], "svg")
_PNG = (["render", "--out", "{tmp}/ok.html", "--image"], "png")
_PLOT = (["timeline", "--plot"], "png")


@pytest.mark.parametrize("command, ext, where, reason", [
    (*cmd, *fault) for cmd, fault in
    [(c, f) for c in (_EXPORT_CSV, _EXPORT_XML, _RENDER, _SVG, _PNG, _PLOT) for f in (_MISSING, _UNDER_FILE)]
    + [(_EXPORT_CSV, _FULL), (_EXPORT_XML, _FULL)]])  # the others check the file name's suffix first
def test_write_faults_are_one_error_line(tmp_path, plain_file, command, ext, where, reason):
    path = where.format(tmp=tmp_path, plain=plain_file, ext=ext)
    args = [a.format(tmp=tmp_path) for a in command] + [path]
    proc = inproc(*args)
    assert_one_error_line(proc, f"cannot write {path}: {reason}")
    assert no_temp_files(tmp_path)


def test_import_out_and_rejected_faults(tmp_path, plain_file):
    from conftest import SHARED
    sipri = SHARED / "data" / "external" / "sipri_arms_transfers" / \
        "sipri_trade_register_deliveries_1995_2024.csv"
    if not sipri.is_file():
        pytest.skip("no SIPRI sample here")
    small = tmp_path / "small.csv"
    with open(sipri, encoding="utf-8") as fh:
        small.write_text("".join(fh.readline() for _ in range(30)) + "9,nobody,Russia,X,tank,Armoured "
                         "vehicles,2020,No,1,No,2021,No,New,1,1,1,No\n", encoding="utf-8")
    proc = inproc("import", "sipri", small, "--out", plain_file / "dir")
    assert_one_error_line(proc, f"cannot write {plain_file / 'dir'}")
    proc = inproc("import", "sipri", small, "--rejected", tmp_path / "missing" / "r.csv")
    assert_one_error_line(proc, f"cannot write {tmp_path / 'missing' / 'r.csv'}: No such file or directory")


def _fail_fsync(monkeypatch, errno_):
    def fsync(fd):
        raise OSError(errno_, os.strerror(errno_))
    monkeypatch.setattr(graph.files.os, "fsync", fsync)


@pytest.mark.parametrize("errno_, reason", [(5, "Input/output error"), (28, "No space left on device"),
                                            (13, "Permission denied")])
def test_eio_enospc_eacces_leave_the_old_file_and_no_temp(monkeypatch, tmp_path, errno_, reason):
    dest = tmp_path / "out.csv"
    dest.write_text("old complete content\n")
    _fail_fsync(monkeypatch, errno_)
    result = run("export", "--to", "csv", "--out", dest)
    assert result.exit_code == 1
    assert f"Error: cannot write {dest}: {reason}" in result.output
    assert dest.read_text() == "old complete content\n" and no_temp_files(tmp_path)


def test_a_read_only_directory(tmp_path):
    if os.geteuid() == 0:  # root writes anywhere; the EACCES path is covered by the test above
        pytest.skip("running as root")
    ro = tmp_path / "ro"
    ro.mkdir()
    ro.chmod(0o555)
    try:
        assert_one_error_line(tg("export", "--to", "csv", "--out", ro / "x.csv"),
                              f"cannot write {ro / 'x.csv'}: Permission denied")
    finally:
        ro.chmod(0o755)


def test_stdout_on_a_full_disk_is_one_error_line():
    for args in (["summary"], ["validate", "--format", "json"]):  # a command that returns, one that exits
        with open("/dev/full", "w") as full:
            proc = tg(*args, stdout=full)
        assert_one_error_line(proc, "cannot write stdout: No space left on device")


@pytest.fixture(scope="module")
def big_dataset(tmp_path_factory):
    """3,000 ties among 60 actors: outputs well beyond a pipe's 64 KiB."""
    d = tmp_path_factory.mktemp("big")
    names = [f"A{i:02d}" for i in range(60)]
    rows = [tie(i, names[i % 60], names[(i * 7 + 1) % 60] if (i * 7 + 1) % 60 != i % 60 else names[0],
                start=str(1990 + i % 30), quote=f"quote number {i} " + "x" * 40) for i in range(3000)]
    rows = [r for r in rows if r[1] != r[2]]
    write_csv(d / "ties.csv", TIE_HEADER, rows)
    return d


@pytest.mark.parametrize("args", [["export", "--to", "graphml"], ["validate", "--format", "json"]])
def test_a_closed_pipe_ends_quietly(big_dataset, args):
    proc = subprocess.Popen(CLI + ["--data", str(big_dataset)] + args, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)
    proc.stdout.readline()
    proc.stdout.close()  # as `| head -1` does
    err = proc.stderr.read().decode()
    proc.wait(timeout=120)
    assert "Traceback" not in err and "Exception ignored" not in err and "Error" not in err, err
    assert proc.returncode in (0, 1)


# =========================================================================== signals

def _wait_for_temp(directory, proc, count=1, timeout=90):
    """Wait until ``count`` temporary files are written (the process then waits before renaming)."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        temps = [p for p in Path(directory).rglob("*") if p.name.endswith(".tmp")]
        if len(temps) >= count and all(p.exists() and p.stat().st_size > 0 for p in temps):
            time.sleep(0.2)  # inside the pause: content complete, rename not yet done
            return
        if proc.poll() is not None:
            raise AssertionError(f"ended before writing: {proc.communicate()}")
        time.sleep(0.05)
    raise AssertionError("no temporary file appeared")


@pytest.mark.parametrize("what, sig, code", [("export", signal.SIGTERM, 143), ("render", signal.SIGINT, 130),
                                             ("image", signal.SIGTERM, 143), ("import-dir", signal.SIGINT, 130)])
def test_a_signal_mid_write_leaves_the_old_content_and_no_temp(tmp_path, dataset_dir, sig, code, what):
    out = tmp_path / "out"
    out.mkdir()
    if what == "export":
        dest = out / "ties.graphml"
        args = ["export", "--to", "graphml", "--out", dest]
    elif what == "render":
        dest = out / "page.html"
        args = ["render", "--out", dest]
    elif what == "image":
        dest = out / "page.svg"
        args = ["render", "--out", out / "page.html", "--image", dest]
        (out / "page.html").write_text("old page")
    else:  # a set of files replaced together
        dest = out / "ties.csv"
        args = ["import", "cow-trade", ROOT / "tests" / "missing.csv", "--out", out]
        (out / "actors.csv").write_text("old actors")
        from conftest import SHARED
        src = SHARED / "data" / "external" / "cow_dyadic_trade" / "cow_trade_4.0_dyad_year.csv"
        if not src.is_file():
            pytest.skip("no COW trade sample here")
        small = tmp_path / "cow.csv"
        with open(src, encoding="utf-8") as fh:
            small.write_text("".join(fh.readline() for _ in range(50)), encoding="utf-8")
        args[2] = small
    dest.write_text("old complete content")
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    proc = subprocess.Popen(CLI + ["--data", str(dataset_dir)] + [str(a) for a in args],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, "TIEGRAPH_TEST_COMMIT_DELAY": "30"})
    _wait_for_temp(out, proc, count=3 if what == "import-dir" else 1)
    proc.send_signal(sig)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == code, err
    assert err.strip().splitlines()[-1] == "interrupted" and "Traceback" not in err
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before  # untouched, no temp left


def test_concurrent_writers_leave_one_complete_file(tmp_path, dataset_dir):
    dest = tmp_path / "same.csv"
    outputs = {}
    for kind in ("trade", "sanctions"):
        proc = inproc("--data", dataset_dir, "export", "--to", "csv", "--type", kind, "--out",
                      tmp_path / f"alone-{kind}.csv")
        assert proc.returncode == 0, proc.stderr
        outputs[kind] = (tmp_path / f"alone-{kind}.csv").read_bytes()
    assert outputs["trade"] != outputs["sanctions"]
    procs = [subprocess.Popen(CLI + ["--data", str(dataset_dir), "export", "--to", "csv", "--type", k,
                                     "--out", str(dest)], stderr=subprocess.PIPE,
                              env={**os.environ, "TIEGRAPH_TEST_COMMIT_DELAY": "0.5"})
             for k in ("trade", "sanctions")]
    assert all(p.wait(timeout=120) == 0 for p in procs)
    assert dest.read_bytes() in outputs.values()
    assert no_temp_files(tmp_path)


def test_a_special_destination_is_written_in_place_not_replaced(tmp_path):
    """Renaming over /dev/full would replace the device node; it is written in place (and fails)."""
    with pytest.raises(OSError):
        graph.files.write_atomic("/dev/full", "x")
    assert not Path("/dev/full").is_file()
    assert graph.files.write_atomic("/dev/null", "x") == Path("/dev/null")
    assert Path("/dev/null").exists() and not Path("/dev/null").is_file()


# =========================================================================== text safety

HOSTILE = "Kim\u202eevil \u009b31m =cmd"  # bidi override, C1 CSI: XML-legal, terminal-hostile


def test_xml_illegal_characters_are_refused_at_load_in_every_table(tmp_path):
    d = tmp_path / "ds"
    ties = SMALL_TIES + [tie(8, quote="esc \x1b[31m red"), tie(9, note="nul \x00 byte"),
                         tie(10, unit="\x7f is fine"), tie(11, quote="ok\ttab")]
    actors = SMALL_ACTORS + [["XX1", "Bad\x07bell", "state", "", ""]]
    write_dataset(d, ties=ties, actors=actors,
                  documents=[["d1.txt", "A", "P", "2024", ""], ["d2.txt", "B\x0cC", "P", "2023", ""]])
    ds = load_dataset([d])
    got = {(Path(r["file"]).name, r["line"], r["id"], r["field"], r["reason"]) for r in ds.rejected}
    assert ("ties.csv", 9, "t8", "quote", "control character U+001B") in got
    assert ("ties.csv", 10, "t9", "note", "control character U+0000") in got
    assert ("actors.csv", 8, "XX1", "name", "control character U+0007") in got
    assert ("documents.csv", 3, "d2.txt", "title", "control character U+000C") in got
    assert {"t10", "t11"} <= set(ds.ties["id"])
    proc = inproc("--data", d, "validate")
    assert proc.returncode == 1 and f"{d / 'ties.csv'}:9: t8: quote: control character U+001B" in proc.stdout


def test_the_xml_rule_holds_for_other_readers_and_the_fast_path(tmp_path, monkeypatch):
    import pandas as pd
    frame = pd.DataFrame([dict(zip(TIE_HEADER, tie(1))), dict(zip(TIE_HEADER, tie(2, note="a\x1fb")))],
                         dtype=object)
    frame["line"] = [2, 3]
    ties, rejected = check_ties(frame, "book.xlsx:ties")
    assert list(ties["id"]) == ["t1"]
    assert rejected == [{"file": "book.xlsx:ties", "line": 3, "id": "t2", "field": "note",
                         "reason": "control character U+001F"}]
    monkeypatch.setattr(load, "FAST_MIN_BYTES", 0)
    path = write_csv(tmp_path / "t.csv", TIE_HEADER, [tie(1), tie(2, quote="x\x1by"), tie(3, note="\ufffe"),
                                                      tie(4, quote="=SUM(A1)", note="'=kept")])
    ties, rejected = read_ties(path)
    assert [(r["line"], r["reason"]) for r in rejected] == [(3, "control character U+001B"),
                                                            (4, "non-character U+FFFE")]
    assert list(ties["quote"])[-1] == "=SUM(A1)" and list(ties["note"])[-1] == "=kept"


def test_every_xml_output_parses_with_hostile_text(tmp_path):
    d = tmp_path / "ds"
    actors = [a[:] for a in SMALL_ACTORS]
    actors[0][1] = HOSTILE + " <&\">"
    write_dataset(d, ties=SMALL_TIES + [tie(8, quote=HOSTILE + " ]]> <script>")], actors=actors)
    for fmt in ("graphml", "gexf"):
        proc = inproc("--data", d, "export", "--to", fmt, "--out", tmp_path / f"x.{fmt}")
        assert proc.returncode == 0, proc.stderr
        tree = ET.parse(tmp_path / f"x.{fmt}")  # well-formed, and the text is there as it was
        values = {e.text for e in tree.iter()} | {v for e in tree.iter() for v in e.attrib.values()}
        assert HOSTILE + " <&\">" in values
    proc = inproc("--data", d, "render", "--out", tmp_path / "p.html", "--image", tmp_path / "p.svg")
    assert proc.returncode == 0, proc.stderr
    ET.parse(tmp_path / "p.svg")


def test_csv_outputs_neutralise_formulas_and_the_loader_restores_them(tmp_path):
    d = tmp_path / "ds"
    formulas = ['=HYPERLINK("http://evil")', "+1+1", "-2-cmd", "@SUM(A1)", "''=already"]
    ties = SMALL_TIES + [tie(8 + i, quote=f, note=f) for i, f in enumerate(formulas)]
    actors = [a[:] for a in SMALL_ACTORS]
    actors[0][1] = "=cmd|' /C calc'!A0"
    write_dataset(d, ties=ties, actors=actors)
    out = tmp_path / "ties.csv"
    assert inproc("--data", d, "export", "--to", "csv", "--out", out).returncode == 0
    cells = [c for row in csv.reader(open(out, encoding="utf-8")) for c in row]
    assert not [c for c in cells if c[:1] in ("=", "+", "@", "-")]
    # a hand-written "''=already" loads as "'=already" (one apostrophe undone) and is written back as it was
    assert "'=HYPERLINK(\"http://evil\")" in cells and "''=already" in cells and "'-2-cmd" in cells
    # the loader undoes exactly that: export → load → same values
    original = load_dataset([d]).ties.set_index("id")
    again, rejected = read_ties(out)
    assert rejected == []
    again = again.set_index("id")
    for c in ("quote", "note", "source", "weight", "start"):
        assert again.loc[original.index, c].tolist() == original[c].tolist(), c
    # --format csv of any command, and validate's list
    central = inproc("--data", d, "centrality", "--format", "csv").stdout
    assert "'=cmd|' /C calc'!A0" in central and ",=cmd" not in central
    bad = tmp_path / "bad"
    write_dataset(bad, ties=SMALL_TIES + [tie(20, confidence="=1+1")])
    listed = inproc("--data", bad, "validate", "--format", "csv").stdout
    assert "'=1+1" in listed and ",=1+1" not in listed


def test_table_output_escapes_terminal_controls_and_json_keeps_them(tmp_path):
    d = tmp_path / "ds"
    actors = [a[:] for a in SMALL_ACTORS]
    actors[0][1] = HOSTILE
    write_dataset(d, ties=SMALL_TIES, actors=actors)
    for args in (["centrality"], ["neighbors", "PRK"], ["path", "PRK", "USA", "--polarity", "all"],
                 ["communities"], ["summary"], ["timeline", "--actor", "PRK"],
                 ["diff", "--before", "2021", "--after", "2023"]):
        proc = inproc("--data", d, *args)
        assert proc.returncode == 0, (args, proc.stderr)
        assert "\u202e" not in proc.stdout + proc.stderr and "\u009b" not in proc.stdout + proc.stderr
    assert "Kim\\u202eevil \\x9b31m" in inproc("--data", d, "centrality").stdout
    js = inproc("--data", d, "centrality", "--format", "json").stdout
    assert "\u202e" not in js and any(r["name"] == HOSTILE for r in json.loads(js))


# =========================================================================== input edges

def test_fields_of_any_length(tmp_path):
    long_quote = "word " * 60_000  # 300,000 characters, past the csv module's default limit
    path = write_csv(tmp_path / "t.csv", TIE_HEADER, [tie(1, quote=long_quote.strip()),
                                                      tie(2, quote="line one\n" + "y" * 200_000), tie(3)])
    ties, rejected = read_ties(path)
    assert rejected == [] and len(ties) == 3
    assert ties["quote"][0] == long_quote.strip() and len(ties["quote"][1]) == 200_009


def test_an_unclosed_quote_names_the_lines_it_swallowed_and_loses_no_row(tmp_path):
    path = tmp_path / "t.csv"
    lines = [",".join(TIE_HEADER)] + [",".join(tie(i)) for i in range(1, 7)]
    lines[2] = lines[2].replace("a quote", '"unclosed quote')
    lines[4] = lines[4].replace("a quote", '"a legit, quoted field"')
    path.write_text("\n".join(lines) + "\n")
    ties, rejected = read_ties(path)
    assert sorted(ties["id"]) == ["t1", "t3", "t4", "t5", "t6"]
    assert len(rejected) == 1 and rejected[0]["line"] == 3 and rejected[0]["id"] == "t2"
    assert rejected[0]["reason"].startswith("unclosed quote swallows lines 4..")
    assert "t3" in rejected[0]["reason"]
    multi = write_csv(tmp_path / "m.csv", TIE_HEADER, [tie(1, quote="a\nreal\nmulti-line, quote"), tie(2)])
    ties, rejected = read_ties(multi)
    assert rejected == [] and ties["quote"][0] == "a\nreal\nmulti-line, quote"


def test_non_regular_files_are_refused_at_once(tmp_path):
    fifo = tmp_path / "fifo.csv"
    os.mkfifo(fifo)
    for args in (["--data", fifo, "summary"], ["--data", f"csv:{fifo}", "summary"],
                 ["--data", f"sipri:{fifo}", "summary"], ["import", "sipri", fifo],
                 ["--data", "/dev/zero", "validate"]):
        proc = tg(*args, timeout=60)
        name = "/dev/zero" if "/dev/zero" in args else str(fifo)
        kind = "a character device" if name == "/dev/zero" else "a FIFO (named pipe)"
        assert_one_error_line(proc, f"{name}: is {kind}, not a regular file")
    d = write_dataset(tmp_path / "ds")
    (d / "actors.csv").unlink()
    os.mkfifo(d / "actors.csv")  # inside a dataset directory too: refused, not skipped
    assert_one_error_line(tg("--data", d, "summary", timeout=60), f"{d / 'actors.csv'}: is a FIFO")


def test_an_absurdly_wide_header_fails_fast(tmp_path):
    path = tmp_path / "wide.csv"
    path.write_text(",".join(f"c{i}" for i in range(1_000_000)) + "\n1,2\n")
    proc = inproc("--data", path, "validate", timeout=60)
    assert_one_error_line(proc, "the header has 1,000,000 columns")


@pytest.mark.parametrize("encoding, named, iconv", [
    ("utf-16", "UTF-16 (little-endian, with a byte-order mark)", "UTF-16"),
    ("utf-16-be", "UTF-16BE (no byte-order mark)", "UTF-16BE"),
    ("utf-16-le", "UTF-16LE (no byte-order mark)", "UTF-16LE"),
    ("utf-32", "UTF-32 (little-endian, with a byte-order mark)", "UTF-32"),
])
def test_utf16_and_utf32_are_named_with_how_to_convert(tmp_path, encoding, named, iconv):
    path = write_csv(tmp_path / "t.csv", TIE_HEADER, SMALL_TIES, encoding=encoding)
    if encoding == "utf-16":
        assert path.read_bytes()[:2] == b"\xff\xfe"
    proc = inproc("--data", path, "validate")
    assert_one_error_line(proc, f"the file is {named} text")
    assert f"iconv -f {iconv} -t UTF-8" in proc.stderr


def test_a_nul_byte_in_text_names_its_line(tmp_path):
    path = write_csv(tmp_path / "t.csv", TIE_HEADER, [tie(1), tie(2, quote="a\x00b"), tie(3)])
    proc = inproc("--data", path, "validate")
    assert proc.returncode == 1
    assert proc.stdout.strip() == f"{path}:3: t2: quote: control character U+0000"


def test_dates_validate_accepts_work_everywhere(tmp_path):
    zero = write_csv(tmp_path / "zero.csv", TIE_HEADER, [tie(1, start="0000-01-01"), tie(2)])
    proc = inproc("--data", zero, "validate")
    assert "zero.csv:2: t1: start: '0000-01-01' is not a date: there is no year 0000" in proc.stdout
    assert inproc("--data", zero, "summary", "--from", "0000").returncode == 2
    edge = write_csv(tmp_path / "edge.csv", TIE_HEADER, [tie(1, start="0001"), tie(2, start="9999-12-31"),
                                                         tie(3, source="CHN", end="9999")])
    assert inproc("--data", edge, "validate").returncode == 0
    for args in (["summary"], ["render", "--out", tmp_path / "p.html", "--image", tmp_path / "p.svg"],
                 ["timeline", "--format", "json"], ["diff", "--before", "0001", "--after", "9999"],
                 ["export", "--to", "gexf"], ["path", "PRK", "RUS", "--time-respecting"], ["centrality"]):
        proc = inproc("--data", edge, *args)
        assert proc.returncode == 0 and "Traceback" not in proc.stderr, (args, proc.stderr)
    years = {r["year"] for r in json.loads(inproc("--data", edge, "timeline", "--format", "json").stdout)}
    assert {1, 2023, 9999} <= years


def test_weights_that_overflow_are_an_error_naming_the_pair(tmp_path):
    path = write_csv(tmp_path / "t.csv", TIE_HEADER, [tie(1, weight="1e308"), tie(2, weight="1e308"),
                                                      tie(3, source="CHN")])
    for args in (["centrality"], ["render", "--out", tmp_path / "p.html"], ["communities"],
                 ["timeline", "--metric", "strength"], ["render", "--out", tmp_path / "p.html",
                                                        "--backbone", "0.5"]):
        assert_one_error_line(inproc("--data", path, *args),
                              "the 2 ties between PRK and RUS weigh more in total than a number can hold")


def test_a_name_shared_by_two_actors_is_an_error_listing_both(tmp_path):
    d = tmp_path / "ds"
    actors = SMALL_ACTORS + [["ROK2", "Korea", "state", "", ""], ["KOR3", "Other", "state", "Korea", ""]]
    write_dataset(d, actors=actors)
    for args in (["neighbors", "Korea"], ["path", "Korea", "USA"], ["timeline", "--actor", "korea"]):
        assert_one_error_line(inproc("--data", d, *args), "'Korea' names 2 actors: KOR3, ROK2"
                              if args[0] != "timeline" else "'korea' names 2 actors: KOR3, ROK2")
    from graph.actors import resolve_actor
    assert resolve_actor(load_dataset([d]).actors, "rok2") == "ROK2"  # an id is never ambiguous


@pytest.mark.parametrize("before", ["2021-13", "nonsense", "2023:2021", "0000"])
def test_a_bad_diff_period_is_a_usage_error(before):
    result = run("diff", "--before", before, "--after", "2023")
    assert result.exit_code == 2 and "Invalid value for --before" in result.output
