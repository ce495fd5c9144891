"""The import cache behind --data KIND:FILE: used when sound, rebuilt when damaged or stale."""

import json
import os

import pytest
from click.testing import CliRunner

from cli import cli
from graph import importers
from graph.cache import cache_dir
from graph.load import load_dataset
from test_events import EVENTS, write_gdelt


@pytest.fixture
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv("TIEGRAPH_CACHE_DIR", str(tmp_path / "cache"))
    calls = []
    real = importers.import_dataset

    def counting(*args, **kwargs):
        calls.append(args)
        return real(*args, **kwargs)
    monkeypatch.setattr(importers, "import_dataset", counting)
    return calls


def entries():
    return sorted(p for p in cache_dir().iterdir() if p.is_dir())


def same(a, b):
    cols = ["id", "source", "target", "type", "start", "weight", "value", "polarity", "quote", "file", "line",
            "start_date", "end_date", "directed"]
    assert a.ties[cols].astype(object).fillna("-").values.tolist() == \
        b.ties[cols].astype(object).fillna("-").values.tolist()
    assert str(a.ties["start_date"].dtype) == str(b.ties["start_date"].dtype)
    assert a.rejected == b.rejected and a.notes == b.notes
    assert a.actors[["id", "name"]].values.tolist() == b.actors[["id", "name"]].values.tolist()


def test_second_load_reads_the_cache(tmp_path, cache):
    path = write_gdelt(tmp_path / "20240101000000.export.CSV.zip")
    first = load_dataset([f"gdelt:{path}"])
    second = load_dataset([f"gdelt:{path}"])
    assert len(cache) == 1 and len(entries()) == 1
    same(first, second)
    assert "gdelt:USA:CHN:hostile_act:2024-03" in set(second.ties["id"])  # aggregated by month
    fresh = load_dataset([f"gdelt:{path}"], cache=False)
    assert len(cache) == 2
    same(first, fresh)


@pytest.mark.parametrize("damage", ["truncate", "garbage", "version", "meta"])
def test_damaged_or_stale_cache_is_rebuilt(tmp_path, cache, damage):
    path = write_gdelt(tmp_path / "a.export.CSV")
    first = load_dataset([f"gdelt:{path}"])
    (entry,) = entries()
    if damage == "truncate":
        data = (entry / "ties.parquet").read_bytes()
        (entry / "ties.parquet").write_bytes(data[: len(data) // 2])
    elif damage == "garbage":
        (entry / "actors.parquet").write_bytes(b"PAR1 not really")
    elif damage == "version":
        meta = json.loads((entry / "meta.json").read_text())
        meta["version"] = "0"
        (entry / "meta.json").write_text(json.dumps(meta))
    else:
        (entry / "meta.json").write_text("{")
    again = load_dataset([f"gdelt:{path}"])
    assert len(cache) == 2
    same(first, again)
    load_dataset([f"gdelt:{path}"])
    assert len(cache) == 2  # rebuilt entry is sound again


def test_changed_file_is_imported_again_and_no_cache_flag(tmp_path, cache):
    path = write_gdelt(tmp_path / "a.export.CSV", EVENTS[:5])
    assert load_dataset([f"gdelt:{path}"]).ties["weight"].sum() == 5
    write_gdelt(path, EVENTS[:4])
    os.utime(path, ns=(1, 1))
    assert load_dataset([f"gdelt:{path}"]).ties["weight"].sum() == 4
    assert len(cache) == 2
    result = CliRunner().invoke(cli, ["--no-cache", "--data", f"gdelt:{path}", "summary"])
    assert result.exit_code == 0, result.output
    assert len(cache) == 3
    result = CliRunner().invoke(cli, ["--data", f"gdelt:{path}", "summary"])
    assert result.exit_code == 0 and len(cache) == 3


def test_a_missing_home_is_not_created_for_the_cache(tmp_path):
    """HOME pointing at a missing directory (a service account): the command works, imports each time,
    and creates nothing; with a home that exists the cache lands in it."""
    import subprocess
    import sys
    from pathlib import Path
    path = write_gdelt(tmp_path / "20240101000000.export.CSV.zip")
    env = {k: v for k, v in os.environ.items() if k not in ("TIEGRAPH_CACHE_DIR", "XDG_CACHE_HOME")}
    cli_py = str(Path(__file__).resolve().parent.parent / "cli.py")
    for home, made in ((tmp_path / "gone" / "home", False), (tmp_path / "home", True)):
        if made:
            home.mkdir()
        proc = subprocess.run([sys.executable, cli_py, "--data", f"gdelt:{path}", "summary", "--format", "json"],
                              env={**env, "HOME": str(home)}, capture_output=True, text=True, cwd=tmp_path)
        assert proc.returncode == 0, proc.stderr
        assert json.loads(proc.stdout)
        assert home.exists() is made
        if made:
            assert any((home / ".cache" / "tiegraph").iterdir())
