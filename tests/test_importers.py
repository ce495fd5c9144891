"""Importers of public datasets: real slices from ../shared/data/external and hand-made bad rows."""

import csv
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli import cli
from graph.importers import (country_iso3, cow_code_table, gdelt_tie_type, icews_tie_type,
                             import_dataset)
from graph.load import load_dataset, read_actors, read_documents, read_ties

EXTERNAL = Path(__file__).resolve().parents[2] / "shared" / "data" / "external"
FILES = {
    "sipri": EXTERNAL / "sipri_arms_transfers" / "sipri_trade_register_deliveries_1995_2024.csv",
    "atop": EXTERNAL / "atop_alliances" / "atop5_1_directed_dyad_year.csv",
    "cow-trade": EXTERNAL / "cow_dyadic_trade" / "cow_trade_4.0_dyad_year.csv",
    "icews": EXTERNAL / "icews14_events" / "icews14_events_2014.csv",
    "gdelt": EXTERNAL / "gdelt_sample" / "gdelt1_events_sample.csv",
}


def real(kind):
    path = FILES[kind]
    if not path.is_file():
        if os.environ.get("CI"):
            pytest.fail(f"{path} is missing")
        pytest.skip(f"{path} is not here")
    return path


def slice_file(kind, tmp_path, *, keep=None, n=40, extra=()):
    """Header + the first n lines (+ lines for which keep(line) is true) + extra raw lines."""
    src = real(kind)
    out = tmp_path / src.name
    with open(src, encoding="utf-8") as fh, open(out, "w", encoding="utf-8") as dst:
        dst.write(fh.readline())
        for i, line in enumerate(fh):
            if i < n or (keep and keep(line)):
                dst.write(line)
        for line in extra:
            dst.write(line + "\n")
    return out


def rejected_by(ds, field):
    return [r for r in ds.rejected if r["field"] == field]


# --------------------------------------------------------------------------- names and codes

def test_country_names_through_the_library():
    assert [country_iso3(n) for n in ["North Korea", "South Korea", "Russia", "Bosnia-Herzegovina",
                                      "Cote d'Ivoire", "Viet Nam", "eSwatini", "Kosovo"]] == \
        ["PRK", "KOR", "RUS", "BIH", "CIV", "VNM", "SWZ", "XKX"]
    assert country_iso3("Soviet Union") == "SUN"
    assert country_iso3("Yugoslavia", year=1980) == "YUG"
    assert country_iso3("France") == "FRA"  # not ISO 3166-3's "France, Metropolitan"
    assert country_iso3("Narnia") is None


def test_cow_codes_map_to_iso3_with_historic_states():
    t = cow_code_table().set_index("ccode")
    assert t.loc[[2, 20, 365, 710, 731, 732, 740], "iso3"].tolist() == \
        ["USA", "CAN", "RUS", "CHN", "PRK", "KOR", "JPN"]
    assert (t.loc[265, "historic"], t.loc[315, "historic"], t.loc[345, "historic"]) == ("DDR", "CSK", "YUG")
    assert t.loc[260, "iso3"] == "DEU"  # German Federal Republic through GW = COW 260
    assert "no ISO 3166 code" in t.loc[245, "problem"]  # Bavaria
    assert "like COW 678" in t.loc[680, "problem"]  # South Yemen is not merged into Yemen


@pytest.mark.parametrize("name, expected", [
    ("Consult", ("diplomatic", "")), ("Accuse_of_aggression", ("diplomatic", "adversarial")),
    ("fight_with_artillery_and_tanks", ("hostile_act", "")),
    ("Reduce_or_break_diplomatic_relations", ("sanctions", "")),
    ("Cooperate_economically", ("trade", "")), ("Praise_or_endorse", ("political_support", "")),
])
def test_icews_event_types(name, expected):
    assert icews_tie_type(name) == expected


def test_gdelt_codes():
    assert gdelt_tie_type("0234") == ("diplomatic", "")
    assert gdelt_tie_type("1831") == ("hostile_act", "")
    assert gdelt_tie_type("061") == ("trade", "")


# --------------------------------------------------------------------------- SIPRI

PRK_RUS = "North Korea,Russia"


def sipri_slice(tmp_path, extra=()):
    return slice_file("sipri", tmp_path, keep=lambda l: PRK_RUS in l, extra=extra)


def test_sipri_real_slice(tmp_path):
    path = sipri_slice(tmp_path)
    ds = import_dataset("sipri", path)
    t = ds.ties.set_index("id")
    row = t.loc["sipri:67145:2024"]  # 95 Hwasong-11 delivered 2024, TIV 237.5
    assert (row["source"], row["target"], row["type"], row["start"]) == ("PRK", "RUS", "arms_transfer", "2024")
    assert row["weight"] == row["value"] == 237.5 and row["unit"] == "TIV (millions)"
    assert bool(row["directed"]) and row["confidence"] == "confirmed"
    assert row["doc"] == path.name and "SIPRI AT Database ID 67145" in row["quote"]
    assert row["start_date"].isoformat()[:10] == "2024-01-01" and row["end_date"].isoformat()[:10] == "2024-12-31"
    assert ds.ties["id"].is_unique
    assert ds.rejected == []
    names = ds.actors.set_index("id")["name"]
    assert names["PRK"] == "North Korea" and names["RUS"] == "Russia"
    # ids are stable: the same file gives the same ids
    assert import_dataset("sipri", path).ties["id"].tolist() == ds.ties["id"].tolist()


def test_sipri_bad_rows_are_reported_not_dropped(tmp_path):
    extra = ["1,Narnia,Russia,X-1,tank,Armoured vehicles,2020,No,1,No,2021,No,New,1,1,1,No",
             "2,unknown supplier(s),Russia,X-2,tank,Armoured vehicles,2020,No,1,No,2021,No,New,1,1,1,No",
             "3,Hamas (Palestine)*,Houthi rebels (Yemen)*,X-3,rocket,Missiles,2020,No,1,No,2021,No,New,1,1,1,No",
             "4,NATO**,Ukraine,X-4,radar,Sensors,2022,No,1,No,2023,No,New,2,2,2,No",
             "5,Russia,Belarus,X-5,tank,Armoured vehicles,2020,No,1,No,20x1,No,New,1,1,1,No"]
    path = sipri_slice(tmp_path, extra)
    n_lines = len(path.read_text().splitlines())
    ds = import_dataset("sipri", path)
    assert len(ds.ties) + len({r["line"] for r in ds.rejected}) == n_lines - 1  # nothing silent
    bad = {r["id"]: r for r in ds.rejected}
    assert bad["sipri:1:2021"]["field"] == "Supplier" and "Narnia" in bad["sipri:1:2021"]["reason"]
    assert bad["sipri:1:2021"]["line"] == n_lines - 4
    assert "unidentified" in bad["sipri:2:2021"]["reason"]
    assert bad["sipri:5:20x1"]["field"] == "Delivery year"
    kinds = ds.actors.set_index("id")["kind"]
    assert kinds["hamas_palestine"] == "armed_group" and kinds["houthi_rebels_yemen"] == "armed_group"
    assert kinds["nato"] == "organization" and kinds["UKR"] == "state"


def test_sipri_merges_with_bundled_data(tmp_path):
    path = sipri_slice(tmp_path)
    ds = load_dataset(["data", f"sipri:{path}"])
    prk_rus = ds.ties[(ds.ties["source"] == "PRK") & (ds.ties["target"] == "RUS")]
    assert {"sipri:67145:2024", "sipri:68227:2024"} <= set(prk_rus["id"])
    assert (prk_rus["file"].str.endswith("ties.csv")).any()  # the articles' reports are there too
    assert ds.rejected == []
    assert ds.actors["id"].is_unique


def test_import_command_writes_loadable_tables(tmp_path):
    path = sipri_slice(tmp_path, ["9,unknown supplier(s),Russia,X,tank,Armoured vehicles,2020,No,1,No,2021,No,New,1,1,1,No"])
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["import", "sipri", str(path), "--out", str(out),
                                      "--rejected", str(tmp_path / "rej.csv")])
    assert result.exit_code == 0, result.output
    assert "1 source row rejected" in result.output and "unknown supplier" in result.output
    ties, rej = read_ties(out / "ties.csv")
    assert rej == [] and "sipri:67145:2024" in set(ties["id"])
    assert read_actors(out / "actors.csv")[1] == [] and read_documents(out / "documents.csv")[1] == []
    assert len(list(csv.reader(open(tmp_path / "rej.csv")))) == 2
    strict = CliRunner().invoke(cli, ["import", "sipri", str(path), "--strict"])
    assert strict.exit_code == 1 and isinstance(strict.exception, SystemExit)
    merged = CliRunner().invoke(cli, ["--data", "data", "--data", str(out), "validate"])
    assert merged.exit_code == 0, merged.output


@pytest.mark.parametrize("args, code, message", [
    (["import", "sipri", "{f}"], 1, "does not look like a SIPRI trade register"),
    (["import", "nosuch", "{f}"], 2, "Invalid value for 'KIND'"),
    (["--data", "nosuch:{f}", "summary"], 1, "unknown dataset kind 'nosuch'"),
    (["--data", "sipri:/no/such.csv", "summary"], 1, "no such file"),
])
def test_import_errors(tmp_path, args, code, message):
    f = tmp_path / "x.csv"
    f.write_text("a,b\n1,2\n")
    result = CliRunner().invoke(cli, [a.format(f=f) for a in args])
    assert result.exit_code == code, result.output
    assert isinstance(result.exception, SystemExit)
    assert message in result.output


# --------------------------------------------------------------------------- COW-coded

def test_atop_real_slice(tmp_path):
    years = ("2,740,1960,", "740,2,1960,", "2,20,1960,", "20,2,1960,", "265,365,1980,", "365,265,1980,",
             "245,")
    path = slice_file("atop", tmp_path, keep=lambda l: l.startswith(years), n=0)
    ds = import_dataset("atop", path)
    t = ds.ties.set_index("id")
    us_ca = t.loc["atop:2-20:1960"]  # mirrored rows with the same obligations: one undirected tie
    assert (us_ca["source"], us_ca["target"], bool(us_ca["directed"])) == ("USA", "CAN", False)
    assert us_ca["type"] == "security_commitment" and us_ca["start"] == "1960"
    assert us_ca["value"] == us_ca["weight"] > 0 and "defense" in us_ca["note"]
    assert not any(i.startswith("atop:20-2") for i in t.index)
    # 1960 treaty: the US pledges to defend Japan, Japan does not pledge to defend the US
    us_jp, jp_us = t.loc["atop:2>740:1960"], t.loc["atop:740>2:1960"]
    assert bool(us_jp["directed"]) and (us_jp["source"], us_jp["target"]) == ("USA", "JPN")
    assert "defense" in us_jp["note"] and "defense" not in jp_us["note"]
    gdr = t.loc["atop:265-365:1980"]
    assert (gdr["source"], gdr["target"]) == ("DDR", "RUS")
    bav = [r for r in ds.rejected if "Bavaria" in r["reason"]]
    assert bav and all(r["line"] > 1 for r in bav)
    assert ds.ties["id"].is_unique


def test_cow_trade_real_slice_and_bad_codes(tmp_path):
    path = slice_file("cow-trade", tmp_path, keep=lambda l: l.startswith("2,710,2014,"), n=5,
                      extra=["2,9999,2000,5,6,5,6", "2,20,2001,abc,7,,"])
    ds = import_dataset("cow-trade", path)
    t = ds.ties.set_index("id")
    assert t.loc["cow_trade:2-710:2014:flow1", ["source", "target", "value"]].tolist() == ["CHN", "USA", 472525.0]
    assert t.loc["cow_trade:2-710:2014:flow2", ["source", "target", "value"]].tolist() == ["USA", "CHN", 183283.0]
    assert t.loc["cow_trade:2-710:2014:flow1", "unit"] == "million USD"
    reasons = {(r["id"], r["field"]): r["reason"] for r in ds.rejected}
    assert "not in the COW state list" in reasons[("cow_trade:2-9999:2000", "ccode2")]
    assert "not a number" in reasons[("cow_trade:2-20:2001:flow1", "flow1")]
    assert "cow_trade:2-20:2001:flow2" in t.index  # the good flow of that row is kept
    assert any("zero" in n for n in ds.notes)


# --------------------------------------------------------------------------- events

def test_icews_real_slice(tmp_path):
    path = slice_file("icews", tmp_path, n=300)
    ds = import_dataset("icews", path)
    assert len(ds.ties) > 0 and ds.ties["id"].is_unique
    assert set(ds.ties["confidence"]) == {"reported"}
    assert ds.ties["start"].str.fullmatch(r"2014-\d\d-\d\d").all()
    assert (ds.ties["source"] != ds.ties["target"]).all()
    assert len(ds.ties) + len({r["line"] for r in ds.rejected}) == 300
    assert any("domestic" in r["reason"] for r in ds.rejected)


def test_gdelt_real_file():
    ds = import_dataset("gdelt", real("gdelt"))
    assert len(ds.ties) + len({r["line"] for r in ds.rejected}) == 710
    assert ds.ties["id"].str.startswith("gdelt:").all() and ds.ties["id"].is_unique
    assert ds.ties["unit"].eq("Goldstein").all() and ds.ties["value"].between(-10, 10).all()
    assert ds.ties["start"].str.fullmatch(r"\d{4}-\d\d-\d\d").all()


# --------------------------------------------------------------------------- text XML cannot carry

def _tg(*args, cwd):
    """The CLI in this process, run in ``cwd``; shaped like a finished subprocess."""
    class Done:
        pass
    old = os.getcwd()
    os.chdir(cwd)
    try:
        r = CliRunner().invoke(cli, [str(a) for a in args])
    finally:
        os.chdir(old)
    assert isinstance(r.exception, (SystemExit, type(None))), repr(r.exception)
    done = Done()
    done.returncode, done.stdout, done.stderr = r.exit_code, r.stdout, r.stderr
    return done


SIPRI_HEAD = ("SIPRI AT Database ID,Supplier,Recipient,Designation,Description,Armament category,Order date,"
              "Order date is estimate,Numbers delivered,Numbers delivered is estimate,Delivery year,"
              "Delivery year is estimate,Status,SIPRI estimate,TIV deal unit,TIV delivery values,Local production")
#: One source file per importer: a good row, then rows whose text (which the ties carry) XML cannot hold.
XML_CASES = {
    "sipri": (SIPRI_HEAD + "\n"
              "1,Russia,Belarus,T-72,tank,Armoured vehicles,2019,No,4,No,2020,No,New,1,1,4,No\n"
              "2,Russia,Belarus,T-90\x1b[31m,tank,Armoured vehicles,2019,No,4,No,2020,No,New,1,1,4,No\n"
              "3,France,Belarus,X,ta\x0bnk,Armoured vehicles,2019,No,4,No,2021,No,New,1,1,4,No\n",
              {3: "quote", 4: "quote"}),
    "atop": ("ccode1,ccode2,year,atop_defense,atop_offense,atop_neutral,atop_nonagg,atop_consul\n"
             "2,20,1960,1,0,0,0,0\n20,2,1960,1,0,0,0,0\n2,740,1960,1,0,0,0,0\x0c0\n", {4: "quote"}),
    "icews": ("date,source,event_type,target,source_country,target_country\n"
              "2014-01-01,Putin,Consult,Zelensky,Russia,Ukraine\n"
              "2014-01-02,Lav\x07rov,Consult,Kuleba,Russia,Ukraine\n", {3: "quote"}),
    "gdelt": ("globaleventid,day,actor1countrycode,actor2countrycode,actor1name,actor2name,eventcode,"
              "quadclass,goldsteinscale\n"
              "1,20240101,USA,CHN,UNITED STATES,CHINA,042,1,1.9\n"
              "2,20240102,USA,CHN,UNITED\x1fSTATES,CHINA,042,1,1.9\n", {3: "quote"}),
}


@pytest.mark.parametrize("kind", sorted(XML_CASES))
@pytest.mark.parametrize("as_", ["csv", "parquet"])
def test_import_refuses_text_xml_cannot_carry(tmp_path, kind, as_):
    """import --out writes only what the loader accepts: rows whose text XML cannot carry are
    rejected as file:line: id: field: reason, counted, and the valid rows kept (every importer)."""
    if as_ == "parquet" and kind != "sipri":
        pytest.skip("the Parquet writer is the same for every importer: one run is enough")
    text, expected = XML_CASES[kind]
    src = tmp_path / f"{kind}.csv"
    src.write_bytes(text.encode("utf-8"))
    args = ["import", kind, src.name, "--out", "out", "--as", as_, "--rejected", "rej.csv"]
    proc = _tg(*args + (["--period", "none"] if kind in ("icews", "gdelt") else []), cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    n = len(expected)
    assert f"{n} source row{'s' if n > 1 else ''} rejected" in proc.stderr, proc.stderr
    for line, fld in expected.items():
        assert f"{kind}.csv:{line}: " in proc.stderr and f": {fld}: control character U+00" in proc.stderr
    rej = list(csv.DictReader(open(tmp_path / "rej.csv", encoding="utf-8")))
    assert {int(r["line"]): r["field"] for r in rej} == expected
    ds = load_dataset([str(tmp_path / "out")])  # what was written loads back whole
    assert ds.rejected == [] and len(ds.ties) >= 1
    every = "".join(str(v) for frame in (ds.ties, ds.actors, ds.documents) for v in frame.to_numpy().ravel())
    assert not any(c in every for c in "\x07\x0b\x0c\x1b\x1f")


def test_import_aggregated_events_and_aliases_refuse_text_xml_cannot_carry(tmp_path):
    """Aggregated events: a tie whose quoted example holds such text is rejected with its event count;
    an actor alias (the COW state list's name) holding it is left out and said so."""
    text, _ = XML_CASES["icews"]
    (tmp_path / "icews.csv").write_bytes(text.encode("utf-8"))
    proc = _tg("import", "icews", "icews.csv", "--period", "month", cwd=tmp_path)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr  # the one tie is refused: nothing left
    assert "icews:RUS:UKR:diplomatic:2014-01: quote: control character U+0007 (a tie of 2 events)" in proc.stderr
    assert "Error: icews.csv: no tie could be imported as icews" in proc.stderr
    codes = (ROOT_DATA / "external_codes" / "cow_states2016.csv").read_text(encoding="utf-8")
    (tmp_path / "codes.csv").write_text(codes.replace("Canada", "Can\x1bada"), encoding="utf-8")
    (tmp_path / "trade.csv").write_text("ccode1,ccode2,year,flow1,flow2\n2,20,2000,5,6\n", encoding="utf-8")
    proc = _tg("import", "cow-trade", "trade.csv", "--cow-codes", "codes.csv", "--out", "out", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "1 actor alias holding characters XML cannot carry left out" in proc.stderr
    ds = load_dataset([str(tmp_path / "out")])
    assert ds.rejected == [] and len(ds.ties) == 2
    assert ds.actors.set_index("id").loc["CAN", "aliases"] == "COW 20"


ROOT_DATA = Path(__file__).resolve().parents[1] / "data"
