"""Loading and validation: whole-file errors, per-row rejections, parsing."""

import pandas as pd
import pytest

from conftest import SMALL_ACTORS, SMALL_TIES, TIE_HEADER, write_csv
from graph.errors import DatasetError
from graph.load import bundled_data_dir, format_rejection, load_dataset, read_ties


def _row(**changes):
    row = dict(zip(TIE_HEADER, SMALL_TIES[0]))
    row.update(changes)
    return [row[c] for c in TIE_HEADER]


# ---------------------------------------------------------------- whole-file errors

@pytest.mark.parametrize("content, message", [
    (b"", "the file is empty"),
    (b"\xef\xbb\xbf\r\n  \n", "the file is empty"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10", "binary file"),
    ("id,source,target\nt1,PRK,RUS\n".encode(), "missing required columns type, start"),
    ('{"ties": [{"id": "t1"}]}\n'.encode(), "does not look like a CSV ties table"),
    ("id,source,target,type,start,directed,weight,confidence,doc,quote\n"
     "t1,PRK,RUS,trade,2023,true,1,reported,d,Caf\xe9\n".encode("latin-1"), "not UTF-8"),
    ("id,id,source,target,type,start,directed,weight,confidence,doc,quote\n".encode(),
     "column 'id' appears more than once"),
])
def test_unreadable_files_raise_one_clear_error(tmp_path, content, message):
    path = tmp_path / "ties.csv"
    path.write_bytes(content)
    with pytest.raises(DatasetError) as info:
        load_dataset([path])
    assert message in str(info.value)
    assert str(path) in str(info.value)


def test_not_utf8_names_the_line(tmp_path):
    path = tmp_path / "ties.csv"
    good = ",".join(SMALL_TIES[0]) + "\n"
    path.write_bytes((",".join(TIE_HEADER) + "\n" + good).encode() + "t9,PRK,RUS,trade,2023,,true,1,,,reported,d,Caf\xe9,,\n".encode("cp1252"))
    with pytest.raises(DatasetError, match=r"ties\.csv:3: the file is not UTF-8"):
        load_dataset([path])


def test_missing_path_and_directory_without_ties(tmp_path):
    with pytest.raises(DatasetError, match="no such file or directory"):
        load_dataset([tmp_path / "nope.csv"])
    (tmp_path / "empty_dir").mkdir()
    with pytest.raises(DatasetError, match="directory has no ties.csv"):
        load_dataset([tmp_path / "empty_dir"])


# ---------------------------------------------------------------- per-row rejections

@pytest.mark.parametrize("changes, field, reason", [
    ({"type": "arms_tranfer"}, "type", "did you mean 'arms_transfer'"),
    ({"start": "2023-13"}, "start", "is not a date"),
    ({"start": "2023-02-30"}, "start", "is not a date"),
    ({"start": "Sept 2023"}, "start", "is not a date"),
    ({"start": ""}, "start", "is empty"),
    ({"end": "2022"}, "end", "is before start"),
    ({"end": "soon"}, "end", "is not a date"),
    ({"directed": "maybe"}, "directed", "is not a boolean"),
    ({"weight": "0"}, "weight", "must be a number > 0"),
    ({"weight": "-2"}, "weight", "must be a number > 0"),
    ({"weight": "heavy"}, "weight", "must be a number > 0"),
    ({"weight": "inf"}, "weight", "must be a number > 0"),
    ({"value": "lots"}, "value", "must be a number"),
    ({"weight": "1e400"}, "weight", "'1e400' is too large to hold"),
    ({"value": "-1e999"}, "value", "'-1e999' is too large to hold"),
    ({"confidence": "certain"}, "confidence", "is not one of"),
    ({"polarity": "friendly"}, "polarity", "is not one of"),
    ({"quote": ""}, "quote", "is empty"),
    ({"doc": ""}, "doc", "is empty"),
    ({"target": "PRK"}, "target", "same actor as source"),
])
def test_bad_field_rejects_the_row_and_keeps_the_rest(tmp_path, changes, field, reason):
    rows = [SMALL_TIES[1], _row(id="bad1", **changes), SMALL_TIES[2]]
    path = write_csv(tmp_path / "ties.csv", TIE_HEADER, rows)
    ds = load_dataset([path])
    assert list(ds.ties["id"]) == ["t2", "t3"]
    assert [(r["line"], r["id"], r["field"]) for r in ds.rejected] == [(3, "bad1", field)]
    assert reason in ds.rejected[0]["reason"]
    assert format_rejection(ds.rejected[0]).startswith(f"{path}:3: bad1: {field}: ")


def test_every_problem_of_a_row_is_reported(tmp_path):
    path = write_csv(tmp_path / "t.csv", TIE_HEADER,
                     [_row(id="x", type="nope", weight="-1", start="20233")])
    ds = load_dataset([path])
    assert sorted(r["field"] for r in ds.rejected) == ["start", "type", "weight"]
    assert len(ds.ties) == 0


def test_ragged_rows_and_duplicate_ids(tmp_path):
    path = tmp_path / "t.csv"
    lines = [",".join(TIE_HEADER), ",".join(SMALL_TIES[0]), "t8,PRK,RUS,trade", ",".join(SMALL_TIES[0]),
             ",".join(SMALL_TIES[1])]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    ds = load_dataset([path])
    assert list(ds.ties["id"]) == ["t1", "t2"]
    got = [(r["line"], r["id"], r["field"]) for r in ds.rejected]
    assert got == [(3, "t8", "(row)"), (4, "t1", "id")]
    assert "first used on line 2" in ds.rejected[1]["reason"]


# ---------------------------------------------------------------- encodings and CSV forms

def test_bom_crlf_quoted_newlines_and_cjk_names(tmp_path):
    d = tmp_path / "ds"
    quote = 'He said, "the ties are\r\nunbreakable" – 北朝鮮와 러시아'
    rows = [_row(id="k1", quote=quote), _row(id="k2", source="KOR", target="CHN", type="trade",
                                           quote="교역 贸易"), _row(id="k3", weight="x")]
    write_csv(d / "ties.csv", TIE_HEADER, rows, encoding="utf-8-sig", newline="\r\n")
    actors = SMALL_ACTORS + [["X", "", "state", "", ""]]
    actors = [a if a[0] != "KOR" else ["KOR", "대한민국", "state", "South Korea;ROK", "allies"] for a in actors]
    actors = [a if a[0] != "CHN" else ["CHN", "中国", "state", "China", "axis"] for a in actors]
    write_csv(d / "actors.csv", ["id", "name", "kind", "aliases", "group"], actors, encoding="utf-8-sig",
              newline="\r\n")
    ds = load_dataset([d])
    assert list(ds.ties["id"]) == ["k1", "k2"]
    assert ds.ties.loc[0, "quote"] == quote.strip()
    assert ds.ties.columns[0] == "id"  # the BOM is not part of the first header
    # k3 starts on line 5: the quoted newline makes k1 span lines 2-3
    assert [(r["line"], r["id"], r["field"]) for r in ds.rejected if r["file"].endswith("ties.csv")] == \
        [(5, "k3", "weight")]
    # the actor row without a name is rejected, reported against actors.csv
    assert [(r["line"], r["field"]) for r in ds.rejected if r["file"].endswith("actors.csv")] == [(8, "name")]
    assert "대한민국" in set(ds.actors["name"])


def test_types_are_parsed(dataset_dir):
    ds = load_dataset([dataset_dir])
    t = ds.ties.set_index("id")
    assert t.loc["t1", "directed"] is True or t.loc["t1", "directed"] == True  # noqa: E712
    assert t["directed"].dtype == bool
    assert t.loc["t2", "weight"] == 4.0 and t.loc["t2", "value"] == 240e9
    assert pd.isna(t.loc["t3", "value"])
    assert t.loc["t1", "start_date"] == pd.Timestamp("2023-09-01")
    assert t.loc["t1", "end_date"] == pd.Timestamp("2023-09-30")
    assert t.loc["t3", "end_date"] == pd.Timestamp("2024-12-31")
    assert t.loc["t7", "start_date"] == pd.Timestamp("2021-01-01")
    assert t.loc["t3", "polarity"] == "adversarial" and t.loc["t2", "polarity"] == "cooperative"
    assert t.loc["t1", "start"] == "2023-09"  # original precision is kept


@pytest.mark.parametrize("text, expected", [("TRUE", True), ("yes", True), ("1", True),
                                            ("False", False), ("no", False), ("0", False)])
def test_booleans(tmp_path, text, expected):
    ds = load_dataset([write_csv(tmp_path / "t.csv", TIE_HEADER, [_row(directed=text)])])
    assert ds.rejected == [] and bool(ds.ties.loc[0, "directed"]) is expected


# ---------------------------------------------------------------- actors, documents, merging

def test_unknown_actor_is_an_error_when_actors_csv_is_given(dataset_dir):
    write_csv(dataset_dir / "ties.csv", TIE_HEADER, SMALL_TIES + [_row(id="t9", target="RUSS")])
    ds = load_dataset([dataset_dir])
    assert len(ds.ties) == len(SMALL_TIES)
    [r] = ds.rejected
    assert (r["id"], r["field"]) == ("t9", "target")
    assert "unknown actor 'RUSS'" in r["reason"] and "did you mean 'RUS'" in r["reason"]


def test_unknown_document_is_an_error_when_documents_csv_is_given(dataset_dir):
    write_csv(dataset_dir / "ties.csv", TIE_HEADER, SMALL_TIES + [_row(id="t9", doc="d3.txt")])
    ds = load_dataset([dataset_dir])
    assert [(r["id"], r["field"]) for r in ds.rejected] == [("t9", "doc")]


def test_actors_are_inferred_without_actors_csv(ties_csv):
    ds = load_dataset([ties_csv])
    assert ds.rejected == []
    assert sorted(ds.actors["id"]) == ["CHN", "JPN", "KOR", "PRK", "RUS", "USA"]
    assert (ds.actors["name"] == ds.actors["id"]).all()


def test_merge_and_duplicate_ids_across_files(tmp_path, dataset_dir):
    extra = write_csv(tmp_path / "extra.csv", TIE_HEADER, [_row(id="e1", source="UKR")])
    ds = load_dataset([dataset_dir, extra])
    assert len(ds.ties) == len(SMALL_TIES) + 1
    assert "UKR" in set(ds.actors["id"])  # inferred for the bare CSV
    clash = write_csv(tmp_path / "clash.csv", TIE_HEADER, [_row(id="t3")])
    with pytest.raises(DatasetError) as info:
        load_dataset([dataset_dir, clash])
    msg = str(info.value)
    assert "'t3'" in msg and f"{dataset_dir / 'ties.csv'}:4" in msg and f"{clash}:2" in msg


def test_read_ties_directly(ties_csv):
    ties, rejected = read_ties(ties_csv)
    assert rejected == [] and list(ties["line"]) == list(range(2, 2 + len(SMALL_TIES)))


def test_bundled_data_dir_default_and_override(tmp_path, monkeypatch, dataset_dir):
    assert (bundled_data_dir() / "ties.csv").is_file()
    monkeypatch.setenv("TIEGRAPH_DATA", str(dataset_dir))
    assert bundled_data_dir() == dataset_dir
    assert len(load_dataset().ties) == len(SMALL_TIES)


def test_same_file_twice_is_an_error(dataset_dir):
    with pytest.raises(DatasetError, match="the same ties file is given twice"):
        load_dataset([dataset_dir, dataset_dir / "ties.csv"])


def test_numbers_do_not_depend_on_other_rows(tmp_path):
    # a long mantissa is read as float() reads it, even when another row's weight is not a number
    long = "+4396025346663.26742663318"
    path = write_csv(tmp_path / "t.csv", TIE_HEADER, [_row(id="a", weight=long, value=long),
                                                      _row(id="b", weight="heavy", value="lots")])
    ds = load_dataset([path])
    assert list(ds.ties["id"]) == ["a"]
    assert ds.ties.loc[0, "weight"] == float(long) and ds.ties.loc[0, "value"] == float(long)
    assert ds.ties["weight"].dtype == "float64" and ds.ties["value"].dtype == "float64"
    assert sorted(r["field"] for r in ds.rejected) == ["value", "weight"]


def test_header_names_are_case_insensitive(tmp_path):
    header = [c.upper() if i % 2 else c.title() for i, c in enumerate(TIE_HEADER)]
    ds = load_dataset([write_csv(tmp_path / "t.csv", header, SMALL_TIES[:2])])
    assert ds.rejected == [] and list(ds.ties["id"]) == ["t1", "t2"]
    assert ds.ties.loc[1, "type"] == "trade"


@pytest.mark.parametrize("sep, name", [(";", "';'"), ("\t", "tabs")])
def test_other_separators_are_named(tmp_path, sep, name):
    path = tmp_path / "t.csv"
    path.write_text(sep.join(TIE_HEADER) + "\n" + sep.join(SMALL_TIES[0]) + "\n", encoding="utf-8")
    with pytest.raises(DatasetError, match=f"separated by {name}; tiegraph reads comma-separated"):
        load_dataset([path])
