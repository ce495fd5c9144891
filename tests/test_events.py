"""Event files in their published layouts (GDELT 2.0/1.0 TSV, zipped or gzipped; ICEWS Dataverse),
aggregated into ties on DuckDB; the CLI's import of many files."""

import gzip
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli import cli
from graph.errors import DatasetError
from graph.importers import import_dataset
from graph.importers.events import aggregate_events, sniff

EXTERNAL = Path(__file__).resolve().parents[2] / "shared" / "data" / "external"


def gdelt_row(n_fields, eid, day, a1, a2, code, quad, gold, url="", a1name="", a2name=""):
    """One GDELT event line in the published layout of ``n_fields`` (61, 58 or 57) fields."""
    f = [""] * n_fields
    f[0], f[1], f[2], f[3] = str(eid), day, day[:6], day[:4]
    f[5], f[6], f[7] = a1, a1name or a1, a1
    f[15], f[16], f[17] = a2, a2name or a2, a2
    f[26], f[27], f[28], f[29], f[30] = code, code[:3], code[:2], str(quad), str(gold)
    f[32] = "1"
    if n_fields in (61, 58):
        f[-1] = url
        f[-2] = day + "000000"[: 14 - len(day)]
    return "\t".join(f)


EVENTS = [  # id, day, actor1, actor2, code, quad, goldstein, url
    (1, "20240305", "USA", "CHN", "190", 4, -10.0, "http://a.example/1"),
    (2, "20240310", "USA", "CHN", "193", 4, -10.0, "http://a.example/2"),
    (3, "20240311", "USA", "CHN", "182", 4, -9.0, "http://a.example/1"),
    (4, "20240320", "USA", "CHN", "042", 1, 1.9, "http://b.example/3"),
    (5, "20240401", "USA", "CHN", "190", 4, -10.0, "http://a.example/4"),
    (6, "20240401", "RUS", "UKR", "111", 3, -2.0, "http://c.example/5"),
    (7, "20240402", "RUS", "UKR", "112", 3, -2.0, "http://c.example/6"),
    (8, "20240402", "RUS", "UKR", "043", 1, 2.8, "http://c.example/7"),
    (9, "20240403", "", "UKR", "043", 1, 2.8, "http://c.example/8"),
    (10, "20240403", "AFR", "UKR", "043", 1, 2.8, "http://c.example/9"),
    (11, "20240403", "UKR", "UKR", "043", 1, 2.8, "http://c.example/10"),
    (12, "20241340", "RUS", "USA", "043", 1, 2.8, "http://c.example/11"),
]


def write_gdelt(path, events=EVENTS, n_fields=61):
    text = "".join(gdelt_row(n_fields, *e) + "\n" for e in events)
    name = path.name
    if name.endswith(".zip"):
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
            zf.writestr(name[:-4], text)
    elif name.endswith(".gz"):
        with gzip.open(path, "wt", encoding="utf-8") as fh:
            fh.write(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def tie(ds, tid):
    rows = ds.ties[ds.ties["id"] == tid]
    assert len(rows) == 1, f"{tid} not in {sorted(ds.ties['id'])}"
    return rows.iloc[0]


@pytest.mark.parametrize("name, n_fields", [("20240101000000.export.CSV.zip", 61),
                                            ("20240101.export.CSV.gz", 58),
                                            ("1982.csv", 57)])
def test_gdelt_layouts_aggregate_by_month(tmp_path, name, n_fields):
    path = write_gdelt(tmp_path / name, n_fields=n_fields)
    assert sniff(path) == ("gdelt-tsv", n_fields)
    ds = aggregate_events("gdelt", [path], period="month")
    fight = tie(ds, "gdelt:USA:CHN:hostile_act:2024-03")
    assert fight["weight"] == 3 and fight["value"] == pytest.approx(-29 / 3, abs=1e-12)
    assert fight["polarity"] == "adversarial" and fight["confidence"] == "reported"
    assert str(fight["start_date"])[:10] == "2024-03-01" and str(fight["end_date"])[:10] == "2024-03-31"
    if n_fields == 57:  # the back-file has no SOURCEURL
        assert fight["quote"] == "3 events, CAMEO 19 fight (most frequent of 2)"
    else:
        assert fight["quote"] == "3 events, CAMEO 19 fight (most frequent of 2), 2 sources, e.g. http://a.example/1"
    assert tie(ds, "gdelt:USA:CHN:diplomatic:2024-03")["polarity"] == "cooperative"
    dip = tie(ds, "gdelt:RUS:UKR:diplomatic:2024-04")  # 2 of 3 events verbal conflict
    assert dip["weight"] == 3 and dip["polarity"] == "adversarial"
    assert dip["value"] == pytest.approx((-2 - 2 + 2.8) / 3, abs=1e-12)
    assert len(ds.ties) == 4
    got = sorted((r["field"], r["count"], r["reason"].split(" (")[0]) for r in ds.rejected)
    assert got == [("actor1countrycode", 1, "CAMEO code 'AFR' is not an ISO 3166 country"),
                   ("actor1countrycode", 1, "no country for the actor"),
                   ("actor2countrycode", 1, "same country on both sides, a domestic event"),
                   ("day", 1, "'20241340' is not a YYYYMMDD date")]
    assert sum(r["count"] for r in ds.rejected) + ds.ties["weight"].sum() == len(EVENTS)


@pytest.mark.parametrize("period, tid, n", [("day", "gdelt:USA:CHN:hostile_act:2024-03-05", 1),
                                            ("year", "gdelt:USA:CHN:hostile_act:2024", 4)])
def test_periods(tmp_path, period, tid, n):
    ds = aggregate_events("gdelt", [write_gdelt(tmp_path / "a.CSV")], period=period)
    assert tie(ds, tid)["weight"] == n


def test_many_files_and_globs_and_period_none(tmp_path):
    write_gdelt(tmp_path / "20240101000000.export.CSV.zip", EVENTS[:6])
    write_gdelt(tmp_path / "20240101001500.export.CSV.zip", EVENTS[6:])
    ds = aggregate_events("gdelt", [str(tmp_path / "*.zip")], period="month")
    assert tie(ds, "gdelt:RUS:UKR:diplomatic:2024-04")["weight"] == 3
    assert tie(ds, "gdelt:USA:CHN:hostile_act:2024-04")["weight"] == 1
    per_event = import_dataset("gdelt", [str(tmp_path / "*.zip")], period="none")
    assert sorted(per_event.ties["id"]) == sorted(f"gdelt:{i}" for i in (1, 2, 3, 4, 5, 6, 7, 8))
    assert sorted(r["line"] for r in per_event.rejected) == [3, 4, 5, 6]  # lines in the second file
    with pytest.raises(DatasetError, match="no file matches"):
        aggregate_events("gdelt", [str(tmp_path / "*.gz")])


def test_memory_limit_and_progress(tmp_path):
    path = write_gdelt(tmp_path / "a.export.CSV.zip")
    steps = []
    ds = aggregate_events("gdelt", [path], memory_limit="256MB",
                          progress=lambda stage, done, total: steps.append((stage, done, total)))
    assert len(ds.ties) == 4
    assert ("reading 1 zipped GDELT file(s)", 1, 1) in steps
    with pytest.raises(DatasetError, match="--memory-limit 'lots'"):
        aggregate_events("gdelt", [path], memory_limit="lots")
    result = CliRunner().invoke(cli, ["import", "gdelt", str(path), "--memory-limit", "lots"])
    assert result.exit_code == 1 and "give a size such as 2GB" in result.output
    result = CliRunner().invoke(cli, ["import", "sipri", str(path), str(path)])
    assert result.exit_code == 2 and "one file at a time" in result.output


def test_bad_files_are_clear_errors(tmp_path):
    odd = tmp_path / "odd.CSV"
    odd.write_text("1\t2\t3\n", encoding="utf-8")
    with pytest.raises(DatasetError, match="odd.CSV:1: .*GDELT"):
        aggregate_events("gdelt", [odd])
    broken = tmp_path / "broken.CSV"
    broken.write_text(gdelt_row(61, *EVENTS[0]) + "\n" + "\t".join(["9"] * 40) + "\n", encoding="utf-8")
    with pytest.raises(DatasetError, match="broken.CSV"):
        aggregate_events("gdelt", [broken])
    with pytest.raises(DatasetError, match="not GDELT"):
        aggregate_events("gdelt", [EXTERNAL / "icews14_events" / "icews14_events_2014.csv"])



def test_damaged_zip_member_is_a_clear_error(tmp_path):
    """A zip member whose deflated bytes or CRC are damaged: a DatasetError naming the file, not a traceback."""
    path = write_gdelt(tmp_path / "20240101000000.export.CSV.zip", EVENTS * 50)
    info = zipfile.ZipFile(path).infolist()[0]
    data = bytearray(path.read_bytes())
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    for k in range(start + 20, start + info.compress_size - 20, 97):
        data[k] ^= 0x5A
    path.write_bytes(bytes(data))
    with pytest.raises(DatasetError, match=r"20240101000000\.export\.CSV\.zip"):
        aggregate_events("gdelt", [path])
    # a CRC that does not match the (intact) data
    good = write_gdelt(tmp_path / "crc.export.CSV.zip", EVENTS * 50)
    info = zipfile.ZipFile(good).infolist()[0]
    raw = bytearray(good.read_bytes())
    raw[info.header_offset + 14] ^= 0xFF  # the local header's CRC-32
    central = raw.rfind(b"PK\x01\x02")
    raw[central + 16] ^= 0xFF  # and the central directory's, which zipfile trusts
    good.write_bytes(bytes(raw))
    with pytest.raises(DatasetError, match=r"crc\.export\.CSV\.zip.*(CRC|unzipped)"):
        aggregate_events("gdelt", [good])
    with pytest.raises(DatasetError, match=r"crc\.export\.CSV\.zip.*CRC"):
        import_dataset("gdelt", [str(good)], period="none")


ICEWS_HEADER = ["Event ID", "Event Date", "Source Name", "Source Sectors", "Source Country", "Event Text",
                "CAMEO Code", "Intensity", "Target Name", "Target Sectors", "Target Country", "Story ID",
                "Sentence Number", "Publisher", "City", "District", "Province", "Country", "Latitude",
                "Longitude"]


def write_icews_tab(path):
    rows = [("1", "2014-01-02", "Vladimir Putin", "Russia", "Make statement", "010", "0.0", "Barack Obama",
             "United States", "s1"),
            ("2", "2014-01-20", "Russian Navy", "Russia", "Threaten", "138", "-7.0", "Ukraine Army",
             "Ukraine", "s2"),
            ("3", "2014-01-21", "Russian Navy", "Russia", "Use conventional military force", "190", "-10.0",
             "Ukraine Army", "Ukraine", "s2"),
            ("4", "2014-01-22", "Police", "Ukraine", "Arrest", "173", "-5.0", "Citizen", "Ukraine", "s3"),
            ("5", "2014-01-23", "Someone", "Narnia", "Consult", "040", "1.0", "Citizen", "Ukraine", "s4")]
    lines = ["\t".join(ICEWS_HEADER)]
    for eid, day, sname, sc, text, code, inten, tname, tc, story in rows:
        rec = dict.fromkeys(ICEWS_HEADER, "")
        rec.update({"Event ID": eid, "Event Date": day, "Source Name": sname, "Source Country": sc,
                    "Event Text": text, "CAMEO Code": code, "Intensity": inten, "Target Name": tname,
                    "Target Country": tc, "Story ID": story})
        lines.append("\t".join(rec[h] for h in ICEWS_HEADER))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_icews_dataverse_layout(tmp_path):
    path = write_icews_tab(tmp_path / "events.2014.20160121105408.tab")
    ds = aggregate_events("icews", [path], period="month")
    hostile = tie(ds, "icews:RUS:UKR:hostile_act:2014-01")
    assert hostile["weight"] == 1 and hostile["value"] == -10 and hostile["unit"] == "intensity"
    threat = tie(ds, "icews:RUS:UKR:diplomatic:2014-01")
    assert threat["polarity"] == "adversarial"
    assert "Russian Navy — Threaten — Ukraine Army" in threat["quote"]
    assert tie(ds, "icews:RUS:USA:diplomatic:2014-01")["polarity"] == "cooperative"
    assert sorted(r["reason"].split(" (")[0] for r in ds.rejected) == [
        "country name 'Narnia' is not a country known to country_converter/pycountry",
        "same country on both sides, a domestic event"]
    per_event = import_dataset("icews", path)
    assert len(per_event.ties) == 3 and per_event.ties["value"].tolist() == [0.0, -7.0, -10.0]


def test_shipped_samples_aggregate():
    gd = EXTERNAL / "gdelt_sample" / "gdelt1_events_sample.csv"
    ic = EXTERNAL / "icews14_events" / "icews14_events_2014.csv"
    if not gd.is_file() or not ic.is_file():
        pytest.skip("shared samples missing")
    per_event = import_dataset("gdelt", gd)
    agg = aggregate_events("gdelt", [gd], period="year")
    assert agg.ties["weight"].sum() == len(per_event.ties)
    assert sum(r["count"] for r in agg.rejected) == len({r["line"] for r in per_event.rejected})
    icews = aggregate_events("icews", [ic], period="month")
    assert icews.ties["id"].is_unique and icews.ties["weight"].sum() > 1000
    assert icews.ties["start"].str.fullmatch(r"2014-\d\d").all()


def test_cli_import_many_files(tmp_path):
    write_gdelt(tmp_path / "20240101000000.export.CSV.zip", EVENTS[:6])
    write_gdelt(tmp_path / "20240101001500.export.CSV.gz", EVENTS[6:])
    out = tmp_path / "ties"
    result = CliRunner().invoke(cli, ["import", "gdelt", str(tmp_path / "*.zip"),
                                      str(tmp_path / "20240101001500.export.CSV.gz"), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "4 source rows rejected" in result.output or "4 events rejected" in result.output
    text = (out / "ties.csv").read_text(encoding="utf-8")
    assert "gdelt:USA:CHN:hostile_act:2024-03" in text
    again = CliRunner().invoke(cli, ["--data", str(out), "validate"])
    assert again.exit_code == 0, again.output


# --------------------------------------------------------------------------- Spark: local and a cluster

def spark_skip():
    import os
    import shutil
    if os.environ.get("CI"):
        return
    try:
        import pyspark  # noqa: F401
    except ImportError:
        pytest.skip("pyspark is not installed (tests/run.sh installs it)")
    if not shutil.which("java"):
        pytest.skip("java is not installed (tests/run.sh installs default-jre-headless)")


def free_port():
    import socket
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def spark_cluster(tmp_path_factory):
    """A Spark standalone master and one worker on this machine, from pyspark's bundled sbin script."""
    import os
    import socket
    import subprocess
    import time
    spark_skip()
    import pyspark
    home = Path(pyspark.__file__).parent
    tmp = tmp_path_factory.mktemp("spark-cluster")
    port, web, wweb = free_port(), free_port(), free_port()
    env = dict(os.environ, SPARK_HOME=str(home), SPARK_PID_DIR=str(tmp), SPARK_LOG_DIR=str(tmp),
               SPARK_IDENT_STRING="tiegraph-test", SPARK_LOCAL_IP="127.0.0.1", SPARK_NO_DAEMONIZE="")
    env.pop("SPARK_NO_DAEMONIZE")
    daemon = str(home / "sbin" / "spark-daemon.sh")
    master_url = f"spark://127.0.0.1:{port}"
    started = []
    try:
        subprocess.run(["bash", daemon, "start", "org.apache.spark.deploy.master.Master", "1", "--host",
                        "127.0.0.1", "--port", str(port), "--webui-port", str(web)], env=env, check=True,
                       capture_output=True)
        started.append("org.apache.spark.deploy.master.Master")
        deadline = time.time() + 90
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if time.time() > deadline:
                    raise RuntimeError("the Spark master did not start: "
                                       + " ".join(p.read_text() for p in tmp.glob("*.out")))
                time.sleep(0.5)
        subprocess.run(["bash", daemon, "start", "org.apache.spark.deploy.worker.Worker", "1", "--host",
                        "127.0.0.1", "--cores", "2", "--memory", "1g", "--webui-port", str(wweb), master_url],
                       env=env, check=True, capture_output=True)
        started.append("org.apache.spark.deploy.worker.Worker")
        yield master_url
    finally:
        for cls in reversed(started):
            subprocess.run(["bash", daemon, "stop", cls, "1"], env=env, capture_output=True)


def same_ties(a, b):
    cols = ["id", "source", "target", "type", "start", "weight", "polarity", "quote", "note", "unit"]
    assert a.ties[cols].reset_index(drop=True).equals(b.ties[cols].reset_index(drop=True))
    assert (a.ties["value"] - b.ties["value"]).abs().max() <= 1e-9 or \
        (a.ties["value"].isna() == b.ties["value"].isna()).all()
    assert a.rejected == b.rejected


def spark_inputs(tmp_path):
    write_gdelt(tmp_path / "20240101000000.export.CSV.zip", EVENTS[:6])
    write_gdelt(tmp_path / "20240101.export.CSV.gz", EVENTS[6:], n_fields=58)
    return [str(tmp_path / "*.zip"), str(tmp_path / "*.gz")]


@pytest.mark.spark
def test_spark_local_gives_the_same_ties_as_duckdb(tmp_path):
    spark_skip()
    files = spark_inputs(tmp_path)
    from graph.importers.spark import spark_session
    spark, _ = spark_session("local[2]")
    try:
        tab = write_icews_tab(tmp_path / "events.2014.tab")
        for kind, inputs, period in (("gdelt", files, "month"), ("icews", [tab], "day")):
            duck = aggregate_events(kind, inputs, period=period)
            sp = aggregate_events(kind, inputs, period=period, engine="spark", spark_master="local[2]")
            same_ties(duck, sp)
    finally:
        spark.stop()


@pytest.mark.spark
def test_spark_standalone_cluster_through_the_cli(tmp_path, spark_cluster):
    files = spark_inputs(tmp_path)
    duck = aggregate_events("gdelt", files, period="day")
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["import", "gdelt", *files, "--period", "day", "--engine", "spark",
                                      "--spark-master", spark_cluster, "--out", str(out)])
    assert result.exit_code == 0, result.output
    from graph.load import load_dataset
    back = load_dataset([str(out)])
    assert sorted(back.ties["id"]) == sorted(duck.ties["id"])
    assert back.ties.set_index("id")["weight"].to_dict() == duck.ties.set_index("id")["weight"].to_dict()
