"""The event aggregation on Apache Spark (pyspark): the same SQL text as on DuckDB.

Spark reads plain and ``.gz`` files itself, from local paths or from any file
system the cluster has (``hdfs://``, ``s3a://``); ``.zip`` is no format Spark
reads, so zip members are extracted to a temporary directory first (this
works in local mode and on a cluster whose workers share that directory, as a
standalone cluster on one machine does; on a real cluster, unzip to shared
storage, or gzip the files, first). The ICEWS14 CSV form is small and read
through pandas. The result rows are those of
:data:`graph.importers.events.AGGREGATE_SQL`.
"""

import os
import shutil
import tempfile
import warnings
import zipfile
from pathlib import Path

import pandas as pd

from ..errors import DatasetError
from .events import (_country_table, aggregate_sql, gdelt_csv_select, gdelt_tsv_select, icews_csv_frame,
                     icews_tab_select)

__all__ = ["run_spark", "spark_session"]


def spark_session(master=None, app="tiegraph import"):
    """``(session, started)``: the active SparkSession when it runs on ``master``, else a new one.

    A new session (``started`` True; default master ``local[*]``) is quiet and
    has no web UI; the caller stops it. An active one (an application or a
    test that set it up) is used as it is and left running.
    """
    try:
        from pyspark.sql import SparkSession
    except ImportError:
        raise DatasetError("--engine spark needs pyspark (and Java 17+): pip install 'tiegraph[spark]'") from None
    active = SparkSession.getActiveSession()
    if active is not None and (master is None or active.sparkContext.master == master):
        return active, False
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    builder = (SparkSession.builder.master(master or "local[*]").appName(app)
               .config("spark.ui.enabled", "false")
               .config("spark.ui.showConsoleProgress", "false")
               .config("spark.sql.shuffle.partitions", "8")
               .config("spark.sql.session.timeZone", "UTC")
               .config("spark.sql.execution.arrow.pyspark.enabled", "true")
               .config("spark.driver.bindAddress", "127.0.0.1")
               .config("spark.driver.host", "127.0.0.1"))
    try:
        with warnings.catch_warnings():  # pyspark's note on pandas versions
            warnings.filterwarnings("ignore", module="pyspark")
            spark = builder.getOrCreate()
    except Exception as ex:  # Java missing, master unreachable: one line, no Java stack
        raise DatasetError(f"cannot start Spark on {master or 'local[*]'}: "
                           f"{str(ex).strip().splitlines()[0][:300]}") from None
    spark.sparkContext.setLogLevel("ERROR")
    return spark, True


def _unzip(paths, into):
    """Extract each zip's members into ``into``; returns (extracted paths, extracted → zip)."""
    out, origin = [], {}
    for i, p in enumerate(paths):
        try:
            with zipfile.ZipFile(p) as zf:
                for j, m in enumerate(m for m in zf.infolist() if not m.is_dir()):
                    dest = Path(into) / f"{i:06d}_{j}_{Path(m.filename).name}"
                    with zf.open(m) as src, open(dest, "wb") as dst:
                        shutil.copyfileobj(src, dst, 1 << 20)
                    out.append(dest)
                    origin[str(dest)] = str(p)
        except (zipfile.BadZipFile, OSError) as ex:
            raise DatasetError(f"{p}: not a readable zip archive ({ex})") from None
    return out, origin


def run_spark(kind, files, layouts, period, *, master=None, progress=None):
    """Aggregate on Spark; returns the rows of the shared aggregation SQL as a DataFrame."""
    with warnings.catch_warnings():  # pyspark's warnings on pandas versions, on every conversion
        warnings.filterwarnings("ignore", module="pyspark")
        return _run_spark(kind, files, layouts, period, master=master, progress=progress)


def _run_spark(kind, files, layouts, period, *, master=None, progress=None):
    from pyspark.sql.types import StringType, StructField, StructType
    if progress is not None:
        progress(f"starting Spark on {master or 'local[*]'}", 0, None)
    spark, started = spark_session(master)
    tmp = tempfile.mkdtemp(prefix="tiegraph-spark-")
    origin = {}
    try:
        parts, by_layout = [], {}
        for p in files:
            by_layout.setdefault(layouts[p], []).append(p)
        for k, ((layout, n), group) in enumerate(sorted(by_layout.items())):
            view = f"raw_{k}"
            if layout == "gdelt-tsv":
                zipped = [p for p in group if p.name.lower().endswith(".zip")]
                plain = [str(p) for p in group if not p.name.lower().endswith(".zip")]
                if zipped:
                    if progress is not None:
                        progress(f"unzipping {len(zipped)} file(s) for Spark", 0, None)
                    extracted, got = _unzip(zipped, tmp)
                    origin.update(got)
                    plain += [str(p) for p in extracted]
                schema = StructType([StructField(f"_c{i}", StringType()) for i in range(n)])
                frame = spark.read.csv(plain, sep="\t", header=False, quote="", schema=schema, mode="FAILFAST")
                frame.createOrReplaceTempView(view)
                parts.append(gdelt_tsv_select(n, view, "input_file_name()"))
            elif layout == "gdelt-csv":
                spark.read.csv([str(p) for p in group], header=True, inferSchema=False, quote='"',
                               escape='"', multiLine=True).createOrReplaceTempView(view)
                parts.append(gdelt_csv_select(view, "input_file_name()"))
            elif layout == "icews-tab":
                spark.read.csv([str(p) for p in group], sep="\t", header=True, quote="",
                               inferSchema=False).createOrReplaceTempView(view)
                parts.append(icews_tab_select(view, "input_file_name()", quote="`"))
            elif layout == "icews-csv":
                frame = pd.concat([icews_csv_frame(p) for p in group], ignore_index=True)
                spark.createDataFrame(frame.astype(object)).createOrReplaceTempView(view)
                parts.append(f"SELECT * FROM {view}")
        spark.sql("CREATE OR REPLACE TEMP VIEW events AS " + " UNION ALL ".join(f"({p})" for p in parts))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", FutureWarning)
            countries = _country_table(kind, lambda sql: spark.sql(sql).toPandas())
        if countries.empty:
            countries = pd.DataFrame({"name": ["-"], "code": ["-"]})
        spark.createDataFrame(countries.astype(object)).createOrReplaceTempView("countries")
        if progress is not None:
            progress(f"aggregating {kind} events by {period} on Spark", 0, None)
        with warnings.catch_warnings():  # pyspark's note on pandas versions
            warnings.simplefilter("ignore", FutureWarning)
            rows = spark.sql(aggregate_sql(period, "spark")).toPandas()
    except DatasetError:
        raise
    except Exception as ex:  # a Spark/Java error: the first line, which names the file where it can
        text = str(ex).strip().splitlines()
        raise DatasetError("Spark could not aggregate the events: " + (text[0][:400] if text else repr(ex))) \
            from None
    finally:
        if started:
            spark.stop()
        shutil.rmtree(tmp, ignore_errors=True)
    rows["file"] = rows["file"].map(lambda f: _local(f, origin) if isinstance(f, str) else f)
    return rows


def _local(uri, origin):
    path = uri.removeprefix("file://")
    return origin.get(path, origin.get(os.path.realpath(path), path))
