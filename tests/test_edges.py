"""What a careless user and an unlucky machine do: full or closed standard streams, odd files and
arguments. The real CLI in subprocesses (streams only behave truthfully there), run side by side."""

import json
import os
import shutil
import subprocess
import sys

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
    """Run ``{name: (args, how)}`` at once (how: 'full-err', 'full-out', 'closed-err', 'closed-out', None, or
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
            elif how == "full-out":
                kw["stdout"] = full
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

SIPRI_TWO_ROWS = ("SIPRI AT Database ID,Supplier,Recipient,Designation,Description,Armament category,"
                  "Numbers delivered,Delivery year,Status,TIV delivery values\n"
                  "1,Russia,Belarus,T-72,tank,Armoured vehicles,4,2020,New,4\n"
                  "2,Narnia,Belarus,T-72,tank,Armoured vehicles,4,2020,New,4\n")

#: name → (arguments, how it runs); every subprocess of this module starts at once (2 cores, ~1 s each).
STREAM_CASES = {
    # a full or closed stderr: same exit status and stdout as a working one
    "json closed-err": (["--data", "ds", "summary", "--format", "json"], "closed-err"),
    "validate full-err": (["--data", "bad", "validate"], "full-err"),
    "missing closed-err": (["--data", "ds", "path", "USA", "Atlantis"], "closed-err"),
    "import full-err": (["import", "sipri", "sipri.csv", "--out", "out-full-err"], "full-err"),
    # a closed stdout; a closed stderr while a file is written; odd environments
    "summary closed-out": (["--data", "ds", "summary"], "closed-out"),
    "gone": (["--data", "../ds", "summary"], ("gone", "gone")),
    "ascii": (["--data", "ds", "neighbors", "대한민국", "--format", "csv"], ("env", {"PYTHONIOENCODING": "ascii"})),
    "help closed-out": (["--help"], "closed-out"),
    "version full-out": (["--version"], "full-out"),
    "seed 1": (["--data", "ds", "communities", "--format", "json"], ("env", {"PYTHONHASHSEED": "1"})),
    "seed 2": (["--data", "ds", "communities", "--format", "json"], ("env", {"PYTHONHASHSEED": "2"})),
}


@pytest.fixture(scope="module")
def streams(tmp_path_factory):
    """``(directory, {case: (returncode, stdout bytes, stderr text)})`` for :data:`STREAM_CASES`."""
    d = tmp_path_factory.mktemp("streams")
    write_dataset(d / "ds")
    bad_ties = [r[:] for r in SMALL_TIES]
    bad_ties[2][7] = "-1"  # weight: rejected by validate (exit 1) with the list on stdout
    write_dataset(d / "bad", ties=bad_ties)
    (d / "sipri.csv").write_text(SIPRI_TWO_ROWS, encoding="utf-8")
    (d / "gone").mkdir()
    return d, run_all({k: (args, how if not (isinstance(how, tuple) and how[0] == "gone")
                           else ("gone", str(d / how[1]))) for k, (args, how) in STREAM_CASES.items()}, d)


def test_a_full_or_closed_stderr_changes_neither_the_exit_status_nor_stdout(streams):
    """Messages are best-effort: 2>/dev/full and 2>&- give no traceback, no hang, the same exit
    status and the same stdout as a working stderr; an error never lands on stdout (it did with 2>&-)."""
    d, got = streams
    for name in ("json closed-err", "validate full-err", "missing closed-err", "import full-err"):
        args = [a.replace("out-full-err", "out-base") for a in STREAM_CASES[name][0]]
        with _in(d):  # the same command with a working stderr, in this process
            r = CliRunner().invoke(cli, args)
        assert isinstance(r.exception, (SystemExit, type(None))), r.exception
        code, out, err = got[name]
        assert (code, out) == (r.exit_code, r.stdout_bytes), (name, code, out, err)
        assert err == "", (name, err)
        if name == "json closed-err":
            assert code == 0 and json.loads(out)["ties"] == 7
        elif name == "validate full-err":
            assert code == 1 and b"weight" in out
        elif name == "missing closed-err":
            assert code == 1 and out == b"" and "no actor named 'Atlantis'" in r.stderr
        else:
            assert code == 0 and "Narnia" in r.stderr
    # the import's files are all there although its notes could not be written
    assert sorted(p.name for p in (d / "out-full-err").iterdir()) == ["actors.csv", "documents.csv", "ties.csv"]
    assert (d / "out-full-err" / "ties.csv").read_bytes() == (d / "out-base" / "ties.csv").read_bytes()


def test_a_closed_stdout_is_an_error_and_files_keep_their_descriptors(streams):
    """>&-: a command with data for stdout says 'cannot write stdout' (exit 1, as coreutils do). An
    ASCII-only stdout encoding still gets the data, as UTF-8 (was a crash). A deleted current
    directory is said, not called a bug."""
    d, got = streams
    code, _, err = got["summary closed-out"]
    assert code == 1 and err.strip() == "Error: cannot write stdout: Bad file descriptor"
    for name, reason in (("help closed-out", "Bad file descriptor"),
                         ("version full-out", "No space left on device")):
        code, _, err = got[name]  # printed before any command runs: was a traceback (exit 120)
        assert code == 1 and err.strip() == f"Error: cannot write stdout: {reason}", (name, err)
    code, out, err = got["gone"]
    assert code == 1 and err.strip().startswith("Error: the current directory no longer exists"), err
    code, out, err = got["ascii"]
    assert code == 0 and "Traceback" not in err and "failed unexpectedly" not in err, err
    assert "Seoul and Tokyo “reset” ties" in out.decode("utf-8")


def test_communities_are_the_same_bytes_whatever_the_hash_seed(streams):
    """Modularity was summed in set order: its last digit changed with PYTHONHASHSEED."""
    _, got = streams
    (c1, out1, _), (c2, out2, _) = got["seed 1"], got["seed 2"]
    assert c1 == c2 == 0 and out1 == out2
    assert json.loads(out1)["modularity"] > 0.3


class _in:
    """Run a block in another working directory."""

    def __init__(self, d):
        self.d = d

    def __enter__(self):
        self.old = os.getcwd()
        os.chdir(self.d)

    def __exit__(self, *exc):
        os.chdir(self.old)


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
    (["import", "cow-trade", "{tmp}/t.csv", "--rejected", "-"], "would mix the rejected rows into the ties CSV"),
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


def test_validate_csv_with_nothing_rejected_is_still_a_csv(tmp_path):
    r = invoke("--data", write_dataset(tmp_path / "ds"), "validate", "--format", "csv")
    assert r.exit_code == 0 and r.stdout == "file,line,id,field,reason\n"


def test_data_from_stdin_is_refused_by_name():
    r = invoke("--data", "-", "summary")
    assert r.exit_code == 1 and "Error: -: data is not read from stdin; save it to a file" in r.stderr


def test_a_file_not_in_utf8_names_the_row_the_column_and_the_fix(tmp_path):
    """Windows-1252 bytes: the message names the cell and the character, and says what to do: convert a
    legacy file with iconv, or retype the one character of an otherwise UTF-8 file. A BOM no longer
    shifts the byte shown (it showed the byte three places before the bad one)."""
    d = write_dataset(tmp_path / "ds")
    (d / "actors.csv").write_bytes(b"\xef\xbb\xbfid,name,kind,aliases,group\nFRA,Fran\xe7ais,state,,\n")
    r = invoke("--data", d, "validate")
    assert r.exit_code == 1, r.stderr
    assert (f"actors.csv:2: the file is not UTF-8 text (byte 0xe7, 'ç' in Windows-1252; row FRA, column name); "
            f"tiegraph reads UTF-8: convert it with iconv -f WINDOWS-1252 -t UTF-8 ") in r.stderr, r.stderr
    ties = (d / "ties.csv").read_bytes().replace(b"\xe2\x80\x9creset\xe2\x80\x9d", b"\x93reset\x94")
    (d / "ties.csv").write_bytes(ties)  # one cp1252 quote in a file with UTF-8 dashes elsewhere
    r = invoke("--data", d / "ties.csv", "validate")
    assert "ties.csv:7: the file is not UTF-8 text (byte 0x93, '“' in Windows-1252; row t6, column quote); " \
           "the rest of it is: retype that character" in r.stderr, r.stderr


def test_overlapping_data_files_say_how_much_overlaps(tmp_path):
    d = write_dataset(tmp_path / "ds")
    copy = write_csv(tmp_path / "copy.csv", TIE_HEADER, SMALL_TIES[:3])
    r = invoke("--data", d, "--data", copy, "validate")
    assert r.exit_code == 1 and "tie id 't1' is used in two files: " in r.stderr
    assert "copy.csv:2 (and 2 more ids: are the files overlapping copies?)" in r.stderr, r.stderr


def test_an_output_that_cannot_be_written_fails_before_any_work(tmp_path):
    """render --image into a missing directory wrote the page, then failed; now nothing is written."""
    page = tmp_path / "page.html"
    r = invoke("render", "--out", page, "--image", tmp_path / "no" / "x.png")
    assert r.exit_code == 1 and f"Error: cannot write {tmp_path / 'no' / 'x.png'}: No such file" in r.stderr
    assert not page.exists()
    (tmp_path / "f").write_text("", encoding="utf-8")
    r = invoke("timeline", "--plot", tmp_path / "f" / "x.png")
    assert r.exit_code == 1 and "Not a directory" in r.stderr and r.stdout == ""


def test_csv_output_keeps_every_digit(tmp_path):
    """--format csv rounded floats to 6 digits (a value of 1234567.89 came out 1.23457e+06)."""
    ties = [row[:] for row in SMALL_TIES]
    ties[0][8] = "1234567.89"
    data = write_dataset(tmp_path / "ds", ties=ties)
    r = invoke("--data", data, "path", "PRK", "RUS", "--format", "csv")
    assert r.exit_code == 0 and ",1234567.89," in r.stdout, r.stdout
    r = invoke("--data", data, "centrality", "--metric", "pagerank", "--format", "csv")
    scores = {row.split(",")[0]: float(row.split(",")[2]) for row in r.stdout.splitlines()[1:]}
    exact = {row["id"]: row["pagerank"] for row in json.loads(invoke(
        "--data", data, "centrality", "--metric", "pagerank", "--format", "json").stdout)}
    assert scores == exact and any(len(repr(v)) > 9 for v in exact.values())


def test_an_actor_id_in_the_wrong_case_is_pointed_at(tmp_path):
    ties = [row[:] for row in SMALL_TIES]
    ties[0][1] = "prk"
    r = invoke("--data", write_dataset(tmp_path / "ds", ties=ties), "validate")
    assert r.exit_code == 1 and "ties.csv:2: t1: source: unknown actor 'prk' (not in actors.csv); " \
        "did you mean 'PRK'?" in r.stdout, r.stdout
