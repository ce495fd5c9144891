"""tiegraph command line: parse options, call graph/ and explorer/, print.

Heavy libraries (pandas, networkx) are imported inside the commands so that
``tiegraph --help`` starts fast.
"""

import calendar
import csv
import json
import math
import re
import sys
from contextlib import contextmanager
from functools import wraps

import click

from graph.errors import TiesError
from graph.schema import CONFIDENCE_LEVELS, TIE_TYPES

__all__ = ["cli"]

FORMATS = ("table", "json", "csv")


# --------------------------------------------------------------------------- plumbing

class PartialDate(click.ParamType):
    """A date of any ISO precision: YYYY, YYYY-MM or YYYY-MM-DD."""

    name = "DATE"
    _re = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")

    def convert(self, value, param, ctx):
        m = self._re.match(str(value).strip())
        ok = bool(m)
        if m and m.group(2):
            month = int(m.group(2))
            ok = 1 <= month <= 12
            if ok and m.group(3):
                ok = 1 <= int(m.group(3)) <= calendar.monthrange(int(m.group(1)), month)[1]
        if not ok:
            self.fail(f"{value!r} is not a date (expected YYYY, YYYY-MM or YYYY-MM-DD)", param, ctx)
        return str(value).strip()


DATE = PartialDate()


class Session:
    """What the group options set up; the dataset is loaded once, on first use."""

    def __init__(self, data_paths, quiet):
        self.data_paths = list(data_paths)
        self.quiet = quiet
        self._dataset = None

    def dataset(self, *, warn=True):
        if self._dataset is None:
            from graph.load import load_dataset
            with library_errors():
                self._dataset = load_dataset(self.data_paths)
            n = count_rows(self._dataset.rejected)
            if n and warn:
                click.echo(f"warning: {n} row{'s were' if n > 1 else ' was'} rejected while loading "
                           f"and left out; run 'tiegraph validate' with the same --data to list them",
                           err=True)
        return self._dataset

    def info(self, message):
        if not self.quiet:
            click.echo(message, err=True)


def count_rows(rejected):
    """Number of distinct rows among rejection reports (a row can fail several checks)."""
    return len({(r["file"], r["line"]) for r in rejected})


@contextmanager
def library_errors():
    """Turn the library's deliberate errors into a one-line ``Error:`` and exit 1."""
    try:
        yield
    except TiesError as ex:
        raise click.ClickException(str(ex)) from ex
    except Exception as ex:
        if type(ex).__module__.split(".")[0] == "networkx":
            raise click.ClickException(str(ex)) from ex
        raise


def filter_options(func):
    """Add the common filters; the command receives them as ``filters`` (a dict)."""
    options = [
        click.option("--from", "start", type=DATE, help="Keep ties active on or after this date."),
        click.option("--to", "end", type=DATE, help="Keep ties active on or before this date."),
        click.option("--as-of", "as_of", type=DATE, help="Keep ties begun by this date (a snapshot)."),
        click.option("--type", "types", multiple=True, type=click.Choice(TIE_TYPES),
                     help="Keep only this tie type (repeatable)."),
        click.option("--min-confidence", type=click.Choice(CONFIDENCE_LEVELS[::-1]),
                     help="Weakest confidence to keep: confirmed > reported > assessed > speculated."),
        click.option("--polarity", type=click.Choice(["all", "cooperative", "adversarial"]),
                     help="Which ties count (default: the command's own; see its help)."),
    ]

    @wraps(func)
    def wrapper(*args, start, end, as_of, types, min_confidence, polarity, **kwargs):
        if start and end and start > end and not start.startswith(end):
            raise click.UsageError(f"--to {end} is before --from {start}")
        filters = {"start": start, "end": end, "as_of": as_of, "types": list(types) or None,
                   "min_confidence": min_confidence, "polarity": polarity}
        return func(*args, filters=filters, **kwargs)

    for option in reversed(options):
        wrapper = option(wrapper)
    return wrapper


def format_option(func):
    """Add ``--format table|json|csv`` (passed on as ``fmt``)."""
    return click.option("--format", "fmt", type=click.Choice(FORMATS), default="table",
                        show_default=True, help="table for people; json or csv for scripts.")(func)


def _jsonable(value):
    if isinstance(value, float) and (math.isnan(value) or math.isinf(value)):
        return None
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if hasattr(value, "item"):  # numpy scalars
        return _jsonable(value.item())
    return value


def _cell(value):
    value = _jsonable(value)
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.6g}"
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False) if isinstance(value, dict) else \
            "; ".join(_cell(v) for v in value)
    return str(value)


def _columns(rows):
    cols = []
    for row in rows:
        for k in row:
            if k not in cols:
                cols.append(k)
    return cols


def emit(data, fmt, *, columns=None, out=None):
    """Print ``data`` (a list of dicts, or a dict for a report) to stdout in ``fmt``."""
    out = out or sys.stdout
    if fmt == "json":
        out.write(json.dumps(_jsonable(data), ensure_ascii=False, indent=2) + "\n")
        return
    if isinstance(data, dict):  # a report: flatten into key/value rows
        rows = [{"key": k, "value": v} for k, v in data.items()]
        if fmt == "table":
            width = max((len(str(k)) for k in data), default=0)
            for k, v in data.items():
                if isinstance(v, dict):
                    out.write(f"{k}:\n")
                    inner = max((len(str(i)) for i in v), default=0)
                    for i, x in v.items():
                        out.write(f"  {str(i).ljust(inner)}  {_cell(x)}\n")
                else:
                    out.write(f"{str(k).ljust(width)}  {_cell(v)}\n")
            return
        data, columns = rows, ["key", "value"]
    columns = columns or _columns(data)
    if fmt == "csv":
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(columns)
        for row in data:
            writer.writerow([_cell(row.get(c)) for c in columns])
        return
    cells = [[_cell(row.get(c)) for c in columns] for row in data]
    widths = [max([len(c)] + [len(r[i]) for r in cells]) for i, c in enumerate(columns)]
    right = [all(isinstance(_jsonable(row.get(c)), (int, float)) or row.get(c) is None
                 for row in data) and data for c in columns]
    def line(values):
        return "  ".join(v.rjust(w) if r else v.ljust(w)
                         for v, w, r in zip(values, widths, right)).rstrip()
    out.write(line(columns) + "\n")
    out.write(line(["-" * w for w in widths]) + "\n")
    for r in cells:
        out.write(line(r) + "\n")


# --------------------------------------------------------------------------- commands

@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.option("--data", "data_paths", multiple=True, metavar="PATH",
              help="A dataset directory (ties.csv + actors.csv + documents.csv) or a ties CSV. "
                   "Repeat to merge. Default: the bundled seed dataset.")
@click.option("-q", "--quiet", is_flag=True, help="No progress or notes on stderr (warnings still show).")
@click.version_option("0.1.0", prog_name="tiegraph")
@click.pass_context
def cli(ctx, data_paths, quiet):
    """Question and draw a graph of ties between states and other actors.

    \b
    Example:
        tiegraph summary
        tiegraph --data my_ties/ --data extra.csv validate
    """
    ctx.obj = Session(data_paths, quiet)


@cli.command()
@format_option
@click.pass_obj
def validate(session, fmt):
    """Check the data; list every rejected row; exit 1 if any.

    Each rejected row is reported as file:line: id: field: reason.

    \b
    Example:
        tiegraph --data my_ties/ validate
        tiegraph --data ties.csv validate --format csv > problems.csv
    """
    from graph.load import format_rejection
    ds = session.dataset(warn=False)
    n = count_rows(ds.rejected)
    if fmt == "table":
        for r in ds.rejected:
            click.echo(format_rejection(r))
    elif ds.rejected or fmt == "json":
        emit(ds.rejected, fmt, columns=["file", "line", "id", "field", "reason"])
    summary = f"{len(ds.ties)} ties and {len(ds.actors)} actors are valid"
    if n:
        click.echo(f"{n} row{'s' if n > 1 else ''} rejected; {summary}", err=True)
        sys.exit(1)
    session.info(f"OK: {summary}; no row rejected")


@cli.command()
@filter_options
@format_option
@click.pass_obj
def summary(session, filters, fmt):
    """Count actors and ties by type and year, and give the date range.

    \b
    Example:
        tiegraph summary
        tiegraph summary --from 2022 --type arms_transfer --format json
    """
    from graph.build import select
    from graph.stats import summarize
    ds = session.dataset()
    with library_errors():
        report = summarize(select(ds.ties, **filters), ds.actors, filtered=any(filters.values()))
    report["rejected"] = count_rows(ds.rejected)
    emit(report, fmt)


if __name__ == "__main__":
    cli()
