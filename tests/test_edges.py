"""What a careless user and an unlucky machine do: full or closed standard streams, odd files and
arguments. The real CLI in subprocesses (streams only behave truthfully there), run side by side."""

import csv
import io
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli import cli

from conftest import ROOT, SMALL_TIES, TIE_HEADER, write_csv, write_dataset

CLI = [sys.executable, str(ROOT / "cli.py")]


def _close_stderr():
    os.close(2)


def _close_stdout():
    os.close(1)


def run_all(cases, cwd):
    """Run ``{name: (args, how)}`` at once (how: 'full-err', 'closed-err', 'closed-out', None, or
    ``('env', {VAR: value})``).

    Returns ``{name: (returncode, stdout bytes, stderr text)}``; stderr is '' when it went nowhere.
    """
    procs = {}
    full = open("/dev/full", "wb")
    try:
        for name, (args, how) in cases.items():
            kw = {"stdout": subprocess.PIPE, "stderr": subprocess.PIPE}
            if how == "full-err":
                kw["stderr"] = full
            elif how == "closed-err":
                kw.update(stderr=None, preexec_fn=_close_stderr)
            elif how == "closed-out":
                kw.update(stdout=None, preexec_fn=_close_stdout)
            if isinstance(how, tuple) and how[0] == "gone":  # run in a directory deleted under it
                kw["preexec_fn"] = lambda d=how[1]: (os.chdir(d), os.rmdir(d))
            env = {**os.environ, **(how[1] if isinstance(how, tuple) and how[0] == "env" else {})}
            procs[name] = subprocess.Popen(CLI + [str(a) for a in args], cwd=cwd, env=env, **kw)
        out = {}
        for name, p in procs.items():
            o, e = p.communicate(timeout=120)
            out[name] = (p.returncode, o or b"", (e or b"").decode("utf-8", "replace"))
        return out
    finally:
        full.close()


# =========================================================================== standard streams

def test_a_full_or_closed_stderr_changes_neither_the_exit_status_nor_stdout(tmp_path):
    """Messages are best-effort: 2>/dev/full and 2>&- give no traceback, no hang, the same exit
    status and the same stdout as a working stderr; an error never lands on stdout."""
    data = write_dataset(tmp_path / "ds")
    bad_ties = [r[:] for r in SMALL_TIES]
    bad_ties[2][7] = "-1"  # weight: rejected by validate (exit 1) with the list on stdout
    bad = write_dataset(tmp_path / "bad", ties=bad_ties)
    sipri = tmp_path / "sipri.csv"
    sipri.write_text("SIPRI AT Database ID,Supplier,Recipient,Designation,Description,Armament category,"
                     "Numbers delivered,Delivery year,Status,TIV delivery values\n"
                     "1,Russia,Belarus,T-72,tank,Armoured vehicles,4,2020,New,4\n"
                     "2,Narnia,Belarus,T-72,tank,Armoured vehicles,4,2020,New,4\n", encoding="utf-8")
    commands = {
        "json": (["--data", data, "summary", "--format", "json"], ("closed-err",)),
        "validate": (["--data", bad, "validate"], ("full-err",)),
        "missing": (["--data", data, "path", "USA", "Atlantis"], ("full-err", "closed-err")),
        "import": (["import", "sipri", sipri, "--out", "{out}"], ("full-err", "closed-err")),
    }
    cases = {(name, how): ([str(a).replace("{out}", str(tmp_path / f"out-{how}")) for a in args], how)
             for name, (args, hows) in commands.items() for how in hows}
    got = run_all(cases, tmp_path)
    base = {}  # the same commands with a working stderr, in this process
    for name, (args, _) in commands.items():
        r = CliRunner().invoke(cli, [str(a).replace("{out}", str(tmp_path / "out-None")) for a in args])
        assert isinstance(r.exception, (SystemExit, type(None))), r.exception
        base[name] = (r.exit_code, r.stdout_bytes, r.stderr)
    for (name, how), (code, out, err) in got.items():
        assert (code, out) == base[name][:2], (name, how, code, out, err)
        assert "Traceback" not in err and err == "", (name, how, err)
    assert base["json"][0] == 0 and json.loads(base["json"][1])["ties"] == 7
    assert base["validate"][0] == 1 and b"weight" in base["validate"][1]
    assert base["missing"][0] == 1 and base["missing"][1] == b""  # the error is not on stdout
    assert "no actor named 'Atlantis'" in base["missing"][2]
    assert base["import"][0] == 0 and "Narnia" in base["import"][2]
    for how in ("full-err", "closed-err"):  # the import's files are all there, whatever stderr did
        assert sorted(p.name for p in (tmp_path / f"out-{how}").iterdir()) == \
            ["actors.csv", "documents.csv", "ties.csv"]
        assert (tmp_path / f"out-{how}" / "ties.csv").read_bytes() == \
            (tmp_path / "out-None" / "ties.csv").read_bytes()


def test_a_closed_stdout_is_an_error_and_files_keep_their_descriptors(tmp_path):
    """>&-: a command with data for stdout says 'cannot write stdout' (exit 1, as coreutils do);
    one writing a file succeeds, and with 2>&- too no file takes descriptor 1 or 2. An ASCII-only
    stdout encoding still gets the data, as UTF-8. A deleted current directory is said, not a bug."""
    data = write_dataset(tmp_path / "ds")
    (tmp_path / "gone").mkdir()
    got = run_all({
        "summary": (["--data", data, "summary"], "closed-out"),
        "export": (["--data", data, "export", "--to", "csv", "--out", tmp_path / "t.csv"], "closed-out"),
        "export-err": (["--data", data, "export", "--to", "graphml", "--out", tmp_path / "t.graphml"],
                       "closed-err"),
        "gone": (["--data", "../ds", "summary"], ("gone", str(tmp_path / "gone"))),
        "ascii": (["--data", data, "neighbors", "대한민국", "--format", "csv"],  # an alias of KOR
                  ("env", {"PYTHONIOENCODING": "ascii"})),
    }, tmp_path)
    code, out, err = got["gone"]
    assert code == 1 and err.strip().startswith("Error: the current directory no longer exists"), err
    code, out, err = got["ascii"]  # data on stdout is UTF-8 whatever the locale says (was a crash)
    assert code == 0 and "Traceback" not in err and "failed unexpectedly" not in err, err
    assert "Seoul and Tokyo “reset” ties" in out.decode("utf-8")
    code, _, err = got["summary"]
    assert code == 1 and err.strip() == "Error: cannot write stdout: Bad file descriptor"
    assert got["export"][0] == 0 and "exported 7 ties" in got["export"][2]
    assert got["export-err"][0] == 0
    rows = list(csv.reader(io.StringIO((tmp_path / "t.csv").read_text(encoding="utf-8"))))
    assert len(rows) == 8 and rows[0][0] == "id"
    assert (tmp_path / "t.graphml").read_text(encoding="utf-8").startswith("<?xml")


# =========================================================================== a careless user (in process)

def invoke(*args):
    r = CliRunner().invoke(cli, [str(a) for a in args])
    assert isinstance(r.exception, (SystemExit, type(None))), repr(r.exception)  # never a crash
    return r


@pytest.mark.parametrize("args, message", [
    (["summary", "--data", "d"], "it is an option of tiegraph itself; put it before the command "
                                 "(tiegraph --data … summary …)"),
    (["validate", "-q"], "put it before the command (tiegraph -q validate …)"),
    (["--format", "json", "summary"], "it is an option of summary; put it after the command name"),
])
def test_an_option_on_the_wrong_side_of_the_command_says_where_it_goes(args, message):
    r = invoke(*args)
    assert r.exit_code == 2 and message in r.stderr, r.stderr
    assert "Did you mean '--to'" not in r.stderr


def test_empty_data_says_so_rather_than_blaming_the_filters(tmp_path):
    header_only = tmp_path / "ties.csv"
    header_only.write_text(",".join(TIE_HEADER) + "\n", encoding="utf-8")
    for args in (["render", "--out", tmp_path / "x.html"], ["centrality"], ["timeline"]):
        r = invoke("--data", header_only, *args)
        assert r.exit_code == 1 and "Error: the data has no ties\n" in r.stderr, (args, r.stderr)
    r = invoke("--data", header_only, "path", "USA", "CHN")
    assert r.exit_code == 1 and "no actor named 'USA'" in r.stderr, r.stderr
    bad = [row[:] for row in SMALL_TIES]
    for row in bad:
        row[7] = "-1"
    r = invoke("--data", write_csv(tmp_path / "bad.csv", TIE_HEADER, bad), "centrality")
    assert r.exit_code == 1 and "the data has no ties (7 rows were rejected; 'tiegraph validate' lists them)" \
        in r.stderr


def test_trailing_commas_in_a_header_are_ignored(tmp_path):
    """A spreadsheet's empty trailing columns (two or more nameless columns) load; was a crash."""
    d = write_dataset(tmp_path / "ds")
    for name in ("ties.csv", "actors.csv"):
        text = (d / name).read_text(encoding="utf-8").splitlines()
        (d / name).write_text("".join(line + ",,\n" for line in text), encoding="utf-8")
    r = invoke("--data", d, "validate")
    assert r.exit_code == 0 and "OK: 7 ties and 6 actors are valid" in r.stderr, r.stderr


def test_an_import_that_yields_no_tie_leaves_the_out_directory_alone(tmp_path):
    out = tmp_path / "out"
    (tmp_path / "good.csv").write_text("ccode1,ccode2,year,flow1,flow2\n2,20,2000,5,6\n", encoding="utf-8")
    (tmp_path / "none.csv").write_text("ccode1,ccode2,year,flow1,flow2\n2,20,2000,0,0\n", encoding="utf-8")
    assert invoke("import", "cow-trade", tmp_path / "good.csv", "--out", out).exit_code == 0
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    r = invoke("import", "cow-trade", tmp_path / "none.csv", "--out", out)
    assert r.exit_code == 1 and f"no tie could be imported as cow-trade; {out} is left as it was" in r.stderr
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    r = invoke("import", "cow-trade", tmp_path / "none.csv")
    assert r.exit_code == 1 and r.stdout == "" and "nothing written" in r.stderr


def _immutable(path):
    """chattr +i (root ignores permission bits; only the immutable flag stops it); None if unsupported."""
    proc = subprocess.run(["chattr", "+i", str(path)], capture_output=True)
    return proc.returncode == 0 or None


def test_a_read_only_destination_is_an_output_error(tmp_path):
    """Exit 1 and 'cannot write PATH: reason' for every output (was click's exit 2 for some); a set of
    import tables is refused whole before any member changes."""
    d = write_dataset(tmp_path / "ds")
    targets = {"gexf": ["export", "--to", "gexf", "--out"], "png": ["timeline", "--plot"],
               "html": ["render", "--out"]}
    files = {ext: tmp_path / f"ro.{ext}" for ext in targets}
    for f in files.values():
        f.write_text("old", encoding="utf-8")
        if os.geteuid() != 0:
            f.chmod(0o444)
        elif not shutil.which("chattr") or _immutable(f) is None:
            pytest.skip("root on a file system without chattr +i: nothing makes a file read-only")
    try:
        for ext, args in targets.items():
            r = invoke("--data", d, *args, files[ext])
            assert r.exit_code == 1, (ext, r.stderr)
            assert f"Error: cannot write {files[ext]}: Permission denied" in r.stderr, r.stderr
            assert files[ext].read_text(encoding="utf-8") == "old"
    finally:
        for f in files.values():
            subprocess.run(["chattr", "-i", str(f)], capture_output=True)
    out = tmp_path / "out"
    out.mkdir()
    (out / "ties.csv").write_text("old ties", encoding="utf-8")
    (out / "actors.csv").mkdir()  # a member that cannot be replaced: nothing of the set changes
    (tmp_path / "t.csv").write_text("ccode1,ccode2,year,flow1,flow2\n2,20,2000,5,6\n", encoding="utf-8")
    r = invoke("import", "cow-trade", tmp_path / "t.csv", "--out", out)
    assert r.exit_code == 1 and f"Error: cannot write {out / 'actors.csv'}: Is a directory" in r.stderr
    assert (out / "ties.csv").read_text(encoding="utf-8") == "old ties"
    assert sorted(p.name for p in out.iterdir()) == ["actors.csv", "ties.csv"]



def test_communities_are_the_same_bytes_whatever_the_hash_seed(tmp_path):
    """Modularity was summed in set order: its last digit changed with PYTHONHASHSEED."""
    got = run_all({seed: (["communities", "--format", "json"], ("env", {"PYTHONHASHSEED": seed}))
                   for seed in ("1", "2", "3")}, tmp_path)
    outs = {out for code, out, _ in got.values() if code == 0}
    assert len(outs) == 1 and len(got) == 3 and all(code == 0 for code, _, _ in got.values())
    assert json.loads(outs.pop())["modularity"] > 0.3


def test_huge_weights_are_drawn_and_grouped(tmp_path):
    """A weight of 1e300 overflowed Louvain (it squares total weights): render and communities crashed."""
    ties = [row[:] for row in SMALL_TIES]
    ties[0][7] = "1e300"
    data = write_dataset(tmp_path / "ds", ties=ties)
    r = invoke("--data", data, "render", "--out", tmp_path / "x.html", "--polarity", "all")
    assert r.exit_code == 0, r.stderr
    r = invoke("--data", data, "communities", "--format", "json")
    assert r.exit_code == 0, r.stderr
    found = json.loads(r.stdout)
    assert ["PRK", "RUS"] in [sorted(set(c["members"]) & {"PRK", "RUS"}) for c in found["communities"]]
    assert 0 <= found["modularity"] <= 1


@pytest.mark.parametrize("args, message", [
    (["export", "--to", "parquet", "--out", "-"], "Error: --to parquet writes a binary file"),  # was '--until parquet'
    (["export", "--to", "parquet", "--out", "{tmp}/x.csv"], "the suffix .csv is read back as csv, but --to "
                                                            "parquet writes parquet; name the file x.parquet"),
    (["export", "--to", "gexf", "--out", "{tmp}/x.graphml"], "name the file x.gexf"),
    (["import", "cow-trade", "{tmp}/t.csv", "--out", "{tmp}/o", "--rejected", "{tmp}/o/ties.csv"],
     "is one of the tables --out"),
])
def test_outputs_that_would_not_read_back_or_would_overwrite_each_other_are_refused(tmp_path, args, message):
    (tmp_path / "t.csv").write_text("ccode1,ccode2,year,flow1,flow2\n2,20,2000,5,6\n", encoding="utf-8")
    r = invoke(*[a.replace("{tmp}", str(tmp_path)) for a in args])
    assert r.exit_code == 2 and message in r.stderr, r.stderr
    assert not (tmp_path / "o").exists() and not (tmp_path / "x.csv").exists()


def test_typed_text_xml_cannot_carry_is_refused_before_it_reaches_an_output(tmp_path):
    """--title with an escape character made the --image SVG malformed XML."""
    r = invoke("render", "--title", "bad\x1b[31m", "--out", tmp_path / "x.html", "--image", tmp_path / "x.svg")
    assert r.exit_code == 2 and "'bad\\x1b[31m' holds a control character U+001B" in r.stderr, r.stderr
    assert not (tmp_path / "x.svg").exists()
    r = invoke("render", "--title", "Kim \u202e ok\ttab", "--out", tmp_path / "x.html", "--image", tmp_path / "x.svg")
    assert r.exit_code == 0, r.stderr
    import xml.etree.ElementTree as ET
    ET.parse(tmp_path / "x.svg")


def test_data_from_stdin_is_refused_by_name():
    r = invoke("--data", "-", "summary")
    assert r.exit_code == 1 and "Error: -: data is not read from stdin; save it to a file" in r.stderr
