"""Property-based tests (Hypothesis): the loader, the exports and table output under random input.

Runs are bounded (max_examples 40-80, no deadline) so that the module stays fast.
"""

import csv
import io
import json
import string
import xml.etree.ElementTree as ET
from pathlib import Path

import networkx as nx
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from cli import emit
from conftest import TIE_HEADER
from graph.build import build_graph
from graph.errors import DatasetError
from graph.export import export_graph
from graph.load import read_ties
from graph.textsafe import XML_ILLEGAL_RE, neutralise_cell, restore_cell

SETTINGS = dict(deadline=None, database=None, derandomize=True, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                      HealthCheck.too_slow])

#: What a terminal would act on: C0 but tab/LF, DEL, C1, bidi controls, line/paragraph separators.
TERMINAL_HOSTILE = set(map(chr, [*range(0, 9), *range(11, 32), *range(0x7F, 0xA0), 0x61C, 0x200E, 0x200F,
                                 *range(0x202A, 0x202F), *range(0x2066, 0x206A), 0x2028, 0x2029]))

# any character of any plane but surrogates (a UTF-8 file cannot hold them), controls included
ANY_TEXT = st.text(st.characters(exclude_categories=("Cs",)), max_size=30)


def tie_row(i, quote="a quote", note="", weight="1", start="2023"):
    return [f"t{i}", "PRK", "RUS", "trade", start, "", "false", weight, "", "", "confirmed", "d1.txt",
            quote, "", note]


def write_rows(path, rows):
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(TIE_HEADER)
        w.writerows(rows)
    return path


def loaded_text(text):
    """What the loader keeps of a cell: stripped, formula neutralisation undone."""
    return restore_cell(text.strip())


# --------------------------------------------------------------------------- the loader

@settings(max_examples=60, **SETTINGS)
@given(body=st.binary(max_size=400), header=st.booleans())
def test_random_bytes_never_raise_anything_but_a_dataset_error(tmp_path, body, header):
    path = tmp_path / "t.csv"
    path.write_bytes((",".join(TIE_HEADER).encode() + b"\n" if header else b"") + body)
    try:
        ties, rejected = read_ties(path)
    except DatasetError as ex:
        assert str(ex).startswith(str(path))
        return
    for r in rejected:
        assert isinstance(r["line"], int) and r["line"] >= 2 and r["reason"]
    assert len(set(ties["line"])) == len(ties)


GOOD_TEXT = st.text(st.characters(exclude_categories=("Cs",), exclude_characters="\r"), max_size=25) \
    .filter(lambda t: not XML_ILLEGAL_RE.search(t))


@settings(max_examples=60, **SETTINGS)
@given(rows=st.lists(st.tuples(st.sampled_from(["good", "bad_weight", "bad_date", "control", "unclosed"]),
                               GOOD_TEXT), min_size=1, max_size=12))
def test_random_rows_every_good_row_kept_every_bad_row_reported_at_its_line(tmp_path, rows):
    lines, expected_good, expected_bad = [], {}, {}
    line = 2
    for i, (kind, text) in enumerate(rows):
        quote = text if text.strip() else "q"
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\n")
        if kind == "good":
            writer.writerow(tie_row(i, quote=quote))
        elif kind == "bad_weight":
            writer.writerow(tie_row(i, quote=quote, weight="-1"))
        elif kind == "bad_date":
            writer.writerow(tie_row(i, quote=quote, start="2023-13"))
        elif kind == "control":
            writer.writerow(tie_row(i, quote=quote + "\x1b"))
        else:  # an opening quote that is never closed: the raw text, not CSV-quoted
            writer.writerow(tie_row(i, quote="QUOTE"))
        raw = buf.getvalue()
        if kind == "unclosed":
            raw = raw.replace("QUOTE", '"never closed', 1)
        (expected_good if kind == "good" else expected_bad)[f"t{i}"] = line
        lines.append(raw)
        line += raw.count("\n")
    path = Path(tmp_path) / "t.csv"
    path.write_text(",".join(TIE_HEADER) + "\n" + "".join(lines), encoding="utf-8")
    ties, rejected = read_ties(path)
    assert dict(zip(ties["id"], ties["line"])) == expected_good
    kept = dict(zip(ties["id"], ties["quote"]))
    for i, (kind, text) in enumerate(rows):
        if kind == "good":
            assert kept[f"t{i}"] == loaded_text(text if text.strip() else "q")
    assert {(r["id"], r["line"]) for r in rejected} == set(expected_bad.items())


# --------------------------------------------------------------------------- the exports

def _graph(tmp_path, texts):
    rows = [tie_row(i, quote=t if t.strip() else "q", note=t) for i, t in enumerate(texts)]
    ties, rejected = read_ties(write_rows(Path(tmp_path) / "in.csv", rows))
    return ties, rejected, build_graph(ties)


def _squash(text):
    return " ".join(str(text).split())


@settings(max_examples=30, **SETTINGS)
@given(texts=st.lists(ANY_TEXT, min_size=1, max_size=5))
def test_random_unicode_through_every_export(tmp_path, texts):
    ties, rejected, G = _graph(tmp_path, texts)
    for i, t in enumerate(texts):  # a character XML cannot carry is refused at load, with its line
        if XML_ILLEGAL_RE.search(t.strip()):
            assert any(r["id"] == f"t{i}" and "U+" in r["reason"] for r in rejected)
    notes = dict(zip(ties["id"], ties["note"]))
    for fmt in ("graphml", "gexf"):
        text = export_graph(G, fmt)
        ET.fromstring(text.encode("utf-8"))  # well-formed
        back = (nx.read_graphml if fmt == "graphml" else nx.read_gexf)(io.BytesIO(text.encode("utf-8")))
        got = sorted(_squash(d.get("note", "") or "") for *_, d in back.edges(data=True))
        # XML may normalise line ends and whitespace in attributes: compare the words
        assert got == sorted(_squash(n) for n in notes.values()), fmt
    data = json.loads(export_graph(G, "json"))
    links = data.get("links") or data.get("edges")
    assert {l.get("id", l.get("key")): l.get("note", "") for l in links} == notes
    out = Path(tmp_path) / "out.csv"
    out.write_text(export_graph(G, "csv"), encoding="utf-8")
    again, rej = read_ties(out)
    assert rej == [] and dict(zip(again["id"], again["note"])) == notes
    assert dict(zip(again["id"], again["quote"])) == dict(zip(ties["id"], ties["quote"]))


@settings(max_examples=80, **SETTINGS)
@given(text=st.text(st.characters(), max_size=30))
def test_neutralise_then_restore_is_exact_and_never_leaves_a_formula(text):
    cell = neutralise_cell(text)
    assert restore_cell(cell) == text
    if cell[:1] in ("=", "+", "-", "@", "\t", "\r"):
        float(cell)  # only a plain number may start so


@settings(max_examples=60, **SETTINGS)
@given(names=st.lists(st.text(st.characters(), max_size=20), min_size=1, max_size=5),
       fmt=st.sampled_from(["table", "json", "csv"]))
def test_no_raw_control_character_reaches_the_terminal(names, fmt):
    rows = [{"id": f"A{i}", "name": n, "score": float(i)} for i, n in enumerate(names)]
    out = io.StringIO()
    emit(rows, fmt, out=out)
    text = out.getvalue()
    if fmt == "table":
        assert not (set(text) - {"\n"}) & TERMINAL_HOSTILE
    elif fmt == "json":
        assert not set(text) & (TERMINAL_HOSTILE - {"\n"}) - {"\n"}
        assert [r["name"] for r in json.loads(text)] == names
    else:
        back = list(csv.reader(io.StringIO(text)))
        assert [restore_cell(r[1]) for r in back[1:]] == names
    report = io.StringIO()
    emit({names[0]: names[-1], "nested": {names[-1]: names[0]}}, "table", out=report)
    assert not (set(report.getvalue()) - {"\n"}) & TERMINAL_HOSTILE
