"""Parquet ties: export and import write it, --data reads it back with every check."""

import re
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
from click.testing import CliRunner

from cli import cli
from graph.load import load_dataset

COLS = ["id", "source", "target", "type", "start", "end", "directed", "weight", "value", "unit",
        "confidence", "doc", "quote", "polarity", "start_date", "end_date"]


def test_export_parquet_round_trip(tmp_path):
    out = tmp_path / "ties.parquet"
    result = CliRunner().invoke(cli, ["export", "--to", "parquet", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert pq.read_schema(out).field("weight").type == pa.float64()
    first, again = load_dataset(), load_dataset([str(out)])
    assert again.rejected == []
    for c in COLS:
        assert first.ties[c].astype(object).fillna("-").tolist() == again.ties[c].astype(object).fillna("-").tolist(), c
    data = out.read_bytes()
    CliRunner().invoke(cli, ["export", "--to", "parquet", "--out", str(out)])
    assert out.read_bytes() == data  # deterministic
    stdout = CliRunner().invoke(cli, ["export", "--to", "parquet"])
    assert stdout.exit_code == 2 and "give --out FILE.parquet" in stdout.output


def test_foreign_parquet_is_checked(tmp_path):
    """A Parquet file from elsewhere: text weights, null directed, bad rows: all checked, rows numbered."""
    table = pa.table({
        "id": ["a", "b", "c", "c", "e", None],
        "source": ["USA", "USA", " CHN ", "RUS", "RUS", "X"],
        "target": ["CHN", "USA", "RUS", "UKR", "UKR", "Y"],
        "type": ["trade", "trade", "trade", "sanctoins", "trade", "trade"],
        "start": ["2024", "2024", "2024-02", "2024", "2024-13", "2024"],
        "directed": [True, None, True, True, True, True],
        "weight": ["1.5", "1", "2", "1", "-3", "1"],
        "confidence": ["reported"] * 6, "doc": ["d"] * 6, "quote": ["q"] * 6,
    })
    path = tmp_path / "foreign.parquet"
    pq.write_table(table, path)
    ds = load_dataset([str(path)])
    assert ds.ties["id"].tolist() == ["a", "c"]
    assert ds.ties["source"].tolist() == ["USA", "CHN"] and ds.ties["weight"].tolist() == [1.5, 2.0]
    got = {(r["line"], r["field"]) for r in ds.rejected}
    assert {(2, "target"), (2, "directed"), (4, "id"), (4, "type"), (5, "start"), (5, "weight"), (6, "id")} <= got
    assert all(r["file"] == str(path) for r in ds.rejected)


def test_directory_of_parquet_files_and_import_as_parquet(tmp_path):
    from test_events import EVENTS, write_gdelt
    write_gdelt(tmp_path / "a.export.CSV.zip", EVENTS)
    out = tmp_path / "pq"
    result = CliRunner().invoke(cli, ["import", "gdelt", str(tmp_path / "a.export.CSV.zip"), "--out", str(out),
                                      "--as", "parquet"])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == ["actors.parquet", "documents.parquet", "ties.parquet"]
    ds = load_dataset([str(out)])
    assert ds.rejected == [] and "gdelt:USA:CHN:hostile_act:2024-03" in set(ds.ties["id"])
    assert ds.actors.set_index("id").loc["CHN", "name"] == "China"
    parts = tmp_path / "parts"
    parts.mkdir()
    t = pq.read_table(out / "ties.parquet")
    pq.write_table(t.slice(0, 2), parts / "part-0.parquet")
    pq.write_table(t.slice(2), parts / "part-1.parquet")
    both = load_dataset([str(parts)])
    assert sorted(both.ties["id"]) == sorted(ds.ties["id"])
    assert CliRunner().invoke(cli, ["--data", str(parts), "summary"]).exit_code == 0


def test_parquet_xml_illegal_text_in_any_row_group(tmp_path):
    """Text XML cannot carry is refused wherever it sits: a control character or U+FFFE in a late
    row group (a later chunk of the column) is found as in the first."""
    n = 40
    quote = ["plain text"] * n
    quote[3] = "esc \x1b[31m"
    quote[27] = "bad \ufffe here"
    note = ["tab\tand\nnewline are fine"] * n
    note[35] = "nul \x00"
    table = pa.table({
        "id": [f"t{i}" for i in range(n)], "source": ["USA"] * n, "target": ["CHN"] * n,
        "type": ["trade"] * n, "start": ["2024"] * n, "directed": [True] * n, "weight": [1.0] * n,
        "confidence": ["reported"] * n, "doc": ["d"] * n, "quote": quote, "note": note,
    })
    path = tmp_path / "groups.parquet"
    pq.write_table(table, path, row_group_size=8)
    assert pq.ParquetFile(path).num_row_groups == 5
    ds = load_dataset([str(path)])
    got = sorted((r["line"], r["field"]) for r in ds.rejected)
    assert got == [(4, "quote"), (28, "quote"), (36, "note")]
    assert len(ds.ties) == n - 3 and "t27" not in ds.ties["id"].tolist()


def _messy_table(n, seed):
    """Ties with every kind of value a foreign Parquet file may hold in the columns read dictionary-encoded."""
    import numpy as np
    rng = np.random.default_rng(seed)

    def pick(values, odd=0.01):  # the first value mostly; each other one in about ``odd`` of the rows
        at = np.where(rng.random(n) < odd * (len(values) - 1), rng.integers(1, max(len(values), 2), n), 0)
        return [values[i] for i in at]
    return pa.table({
        "id": [f"t{i % (n - 7)}" if i % 10_013 else None for i in range(n)],
        "source": pick(["USA", " CHN", "RUS ", "", None, "UKR", "\u00a0PRK", "esc\x1b"]),
        "target": pick(["CHN", "USA", "RUS", "UKR", "", "FRA"]),
        "type": pick(["trade", "Trade", " alliance", "sanctoins", "", None, "hostile_act"]),
        "start": pick(["2024", "2024-02", "2024-13", "0000", "2023-02-29", "2024-02-29", " 2020 ", "", None, "x"]),
        "end": pick(["", None, "2025", "2019", "2024-06", "bad"]),
        "directed": pick(["true", "false", "maybe"]),
        "weight": pick(["1.5", "1", "-3", "", "abc"]),
        "confidence": pick(["reported", "Reported", "estimated", "bogus", "", None]),
        "doc": ["d"] * n, "quote": pick(["q", " padded ", "bad \ufffe"], 0.001),
        "polarity": pick(["", "cooperative", "Adversarial", "neutralish", None]),
    })


def test_parquet_is_checked_as_the_same_rows_in_csv(tmp_path):
    """Columns read dictionary-encoded (spaces, nulls, unused dictionary entries, bad values) and checked
    once per distinct value give the ties and rejections the same rows give as a CSV, row by row; big
    enough for the threaded path."""
    import pandas as pd
    n = 210_000
    table = _messy_table(n, 5)
    path = tmp_path / "messy.parquet"
    # a dictionary with entries no row uses (the slice keeps the whole dictionary)
    dict_type = pa.compute.dictionary_encode(pa.concat_arrays([pa.array(["nowhere", "0001"]),
                                                               table.column("start").combine_chunks()]))
    table = table.set_column(table.schema.get_field_index("start"), "start", dict_type.slice(2))
    pq.write_table(table, path, row_group_size=50_000)
    csv = tmp_path / "messy.csv"
    frame = table.to_pandas().astype(object).where(lambda f: f.notna(), "")
    frame.to_csv(csv, index=False)
    got, want = load_dataset([str(path)]), load_dataset([str(csv)])
    assert len(got.ties) > 100_000 and len(got.rejected) > 10_000
    cols = [c for c in want.ties.columns if c != "file"]
    pd.testing.assert_frame_equal(got.ties[cols].drop(columns="line"), want.ties[cols].drop(columns="line"))
    assert (got.ties["line"] + 1).tolist() == want.ties["line"].tolist()  # CSV lines count the header
    def later(m):
        return f"line {int(m.group(1)) + 1}"
    assert [(r["line"] + 1, r["id"], r["field"], re.sub(r"line (\d+)", later, r["reason"])) for r in got.rejected] \
        == [(r["line"], r["id"], r["field"], r["reason"]) for r in want.rejected]
