"""Progress on stderr: the library's hook, the CLI's reporter (terminal only, after a delay)."""

import io
import subprocess
import sys

from click.testing import CliRunner

from cli import Progress, cli
from conftest import ROOT, SMALL_TIES, TIE_HEADER, write_csv
from graph.load import load_dataset


class FakeTTY(io.StringIO):
    def isatty(self):
        return True


class Clock:
    def __init__(self):
        self.now = 100.0

    def __call__(self):
        return self.now


def test_load_dataset_reports_coarse_steps(tmp_path, dataset_dir):
    other = write_csv(tmp_path / "other.csv", TIE_HEADER, [["e1"] + SMALL_TIES[0][1:]])
    steps = []
    ds = load_dataset([dataset_dir, other],
                      progress=lambda stage, done, total: steps.append((stage, done, total)))
    assert len(ds.ties) > 0
    assert [(d, t) for _, d, t in steps] == [(0, 2), (1, 2), (2, 2), (2, 2)]
    assert steps[0][0] == f"loading {dataset_dir}" and steps[-1][0] == "loaded"


def test_reporter_waits_then_draws_then_clears():
    out, clock = FakeTTY(), Clock()
    p = Progress(out, delay=1.5, clock=clock, timer=False, width=80)
    p("loading big.csv", 0, 2)
    assert out.getvalue() == ""  # a quick command prints nothing
    clock.now += 2
    p("loading big.csv", 1, 2)
    assert out.getvalue() == "\rloading big.csv [##########----------] 1/2"
    p("checking", 2, 2)
    assert out.getvalue().endswith("\rchecking [####################] 2/2" + " " * 7)
    p.close()
    drawn = len("checking [####################] 2/2")
    assert out.getvalue().endswith("\r" + " " * drawn + "\r")
    p("late", 1, 1)  # nothing after close
    assert out.getvalue().endswith("\r" + " " * drawn + "\r")


def test_reporter_unknown_total_and_narrow_terminal():
    out, clock = FakeTTY(), Clock()
    p = Progress(out, delay=0, clock=clock, timer=False, width=20)
    p("importing a_very_long_file_name.csv as sipri", 0, None)
    assert out.getvalue() == "\rimporting a_very_l…"  # 19 columns: the cursor never wraps
    p.close()


def test_reporter_is_silent_off_a_terminal_and_when_quiet():
    clock = Clock()
    for out, enabled in ((io.StringIO(), True), (FakeTTY(), False)):
        p = Progress(out, enabled=enabled, delay=0, clock=clock, timer=False)
        p("loading", 0, 1)
        p.close()
        assert out.getvalue() == ""


def test_quick_step_never_draws_even_with_the_timer():
    out = FakeTTY()
    p = Progress(out, delay=5)
    p("loading", 0, 1)
    p.close()  # before the timer fires
    assert out.getvalue() == ""


def test_timer_draws_during_one_long_step():
    import time
    out = FakeTTY()
    p = Progress(out, delay=0.05, width=80)
    p("loading big.csv", 0, 1)
    deadline = time.monotonic() + 5
    while not out.getvalue() and time.monotonic() < deadline:
        time.sleep(0.01)
    p.close()
    assert out.getvalue().startswith("\rloading big.csv [")
    assert out.getvalue().endswith("\r")


def eager(monkeypatch):
    """Make the CLI's reporter draw at once (no delay), so that silence means 'not a terminal'."""
    import cli as cli_module

    class Eager(cli_module.Progress):
        def __init__(self, stream=None, **kwargs):
            super().__init__(stream, **{**kwargs, "delay": 0, "timer": False, "width": 80})
    monkeypatch.setattr(cli_module, "Progress", Eager)


def test_cli_in_a_pipe_prints_no_progress(dataset_dir, monkeypatch):
    eager(monkeypatch)
    result = CliRunner().invoke(cli, ["--data", str(dataset_dir), "summary"])
    assert result.exit_code == 0, result.output
    assert "\r" not in result.stderr and "loading" not in result.stderr


def test_session_draws_on_a_terminal_unless_quiet(dataset_dir, monkeypatch):
    from cli import Session
    eager(monkeypatch)
    for quiet in (False, True):
        err = FakeTTY()
        monkeypatch.setattr(sys, "stderr", err)
        assert len(Session([str(dataset_dir)], quiet).dataset().ties) > 0
        text = err.getvalue()
        if quiet:
            assert text == ""
        else:
            assert f"\rloading {dataset_dir} [" in text and "\rloaded [####################] 1/1" in text
            assert text.endswith("\r")  # the line is erased when loading ends


def test_help_does_not_import_pandas():
    code = "import sys, cli; cli.cli(['--help'], standalone_mode=False); print('pandas' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip().endswith("False")
