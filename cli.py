"""tiegraph command line: parse options, call graph/ and explorer/, print.

Heavy libraries (pandas, networkx) are imported inside the commands so that
``tiegraph --help`` starts fast.
"""

import calendar
import csv
import io
import json
import math
import re
import sys
from contextlib import contextmanager
from functools import wraps

import click

from graph.errors import TiesError
from graph.schema import CENTRALITY_METRICS, CONFIDENCE_LEVELS, TIE_TYPES

__all__ = ["cli"]

FORMATS = ("table", "json", "csv")


# --------------------------------------------------------------------------- plumbing

class PartialDate(click.ParamType):
    """A date of any ISO precision: YYYY, YYYY-MM or YYYY-MM-DD."""

    name = "DATE"
    _re = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")

    def convert(self, value, param, ctx):
        m = self._re.match(str(value).strip())
        ok = bool(m) and m.group(1) != "0000"  # there is no year 0
        if m and ok and m.group(2):
            month = int(m.group(2))
            ok = 1 <= month <= 12
            if ok and m.group(3):
                ok = 1 <= int(m.group(3)) <= calendar.monthrange(int(m.group(1)), month)[1]
        if not ok:
            self.fail(f"{value!r} is not a date (expected YYYY, YYYY-MM or YYYY-MM-DD)", param, ctx)
        return str(value).strip()


DATE = PartialDate()


class ArgText(click.ParamType):
    """Text typed by the user (an actor name, a title), readable under any locale.

    Under a non-UTF-8 locale Python hands over UTF-8 bytes as surrogate escapes
    ("대한민국" arrives mangled); this undoes that once, for every command.
    """

    name = "TEXT"

    def convert(self, value, param, ctx):
        text = str(value).encode("utf-8", "surrogateescape").decode("utf-8", "replace")
        from graph.textsafe import describe_char, terminal_safe, xml_illegal
        bad = xml_illegal(text)
        if bad is not None:  # the loader refuses such text in data: no name holds it, no output carries it
            self.fail(f"'{terminal_safe(text)}' holds a {describe_char(bad)}, which no output can carry",
                      param, ctx)
        return text


TEXT = ArgText()


class Progress:
    """A one-line status with a bar on stderr, for steps that take a while.

    Called as ``progress(stage, done, total)`` (the library's hook). Draws only
    on a terminal, only once ``delay`` seconds have passed (so quick commands
    print nothing), redraws in place with ``\\r`` and erases the line on
    :meth:`close`. A timer thread draws the latest status at ``delay`` even when
    the library is busy in one long step; ``timer=False`` (for tests) leaves
    drawing to the calls.
    """

    def __init__(self, stream=None, *, enabled=True, delay=1.5, clock=None, timer=True, width=None):
        import time
        self.stream = stream if stream is not None else sys.stderr
        isatty = getattr(self.stream, "isatty", None)
        self.enabled = bool(enabled and isatty and isatty())
        self.delay, self.clock = delay, clock or time.monotonic
        self.started = self.clock()
        self.width = width
        self.latest = None
        self.drawn = 0
        self._timer = None
        if self.enabled and timer:
            import threading
            self._lock = threading.Lock()
            self._timer = threading.Timer(delay, self._draw)
            self._timer.daemon = True
            self._timer.start()
        else:
            self._lock = None

    def __call__(self, stage, done, total):
        if not self.enabled:
            return
        self.latest = (stage, done, total)
        if self.clock() - self.started >= self.delay:
            self._draw()

    def line(self, stage, done, total):
        """The status text: ``stage [####----] done/total`` or ``stage …`` when total is unknown."""
        if total:
            filled = int(20 * min(done, total) / total)
            text = f"{stage} [{'#' * filled}{'-' * (20 - filled)}] {done}/{total}"
        else:
            text = f"{stage} …"
        import shutil
        width = self.width or shutil.get_terminal_size((80, 24)).columns
        return text if len(text) < width else text[: max(width - 2, 1)] + "…"

    def _draw(self):
        if self._lock:
            with self._lock:
                self._draw_unlocked()
        else:
            self._draw_unlocked()

    def _draw_unlocked(self):
        if not self.enabled or self.latest is None:
            return
        text = self.line(*self.latest)
        self.stream.write("\r" + text + " " * max(self.drawn - len(text), 0))
        self.stream.flush()
        self.drawn = len(text)

    def close(self):
        """Stop the timer and erase the status line, if one was drawn."""
        if self._timer is not None:
            self._timer.cancel()
        if self._lock:
            with self._lock:
                self._erase()
        else:
            self._erase()
        self.enabled = False

    def _erase(self):
        if self.drawn:
            self.stream.write("\r" + " " * self.drawn + "\r")
            self.stream.flush()
            self.drawn = 0


class Session:
    """What the group options set up; the dataset is loaded once, on first use."""

    def __init__(self, data_paths, quiet):
        self.data_paths = list(data_paths)
        self.quiet = quiet
        self._dataset = None

    @contextmanager
    def progress(self):
        """A :class:`Progress` for one long step (silent with --quiet or off a terminal)."""
        reporter = Progress(sys.stderr, enabled=not self.quiet)
        try:
            yield reporter
        finally:
            reporter.close()

    def dataset(self, *, warn=True):
        if self._dataset is None:
            from graph.load import load_dataset
            with library_errors(), self.progress() as progress:
                self._dataset = load_dataset(self.data_paths, progress=progress,
                                             cache=getattr(self, "cache", True))
            n = count_rows(self._dataset.rejected)
            if n and warn:
                click.echo(f"warning: {n} row{'s were' if n > 1 else ' was'} rejected while loading "
                           f"and left out; run 'tiegraph validate' with the same --data to list them",
                           err=True)
        return self._dataset

    def info(self, message):
        if not self.quiet:
            say(message, err=True)


def count_rows(rejected):
    """Number of distinct rows among rejection reports (a row can fail several checks).

    A report with a ``count`` stands for that many rows (aggregated event imports).
    """
    return len({(r["file"], r["line"]) for r in rejected if "count" not in r}) + \
        sum(r["count"] for r in rejected if "count" in r)


@contextmanager
def library_errors():
    """Turn the library's deliberate errors into a one-line ``Error:`` and exit 1."""
    from graph.textsafe import terminal_safe
    try:
        yield
    except TiesError as ex:
        raise click.ClickException(terminal_safe(str(ex))) from ex
    except Exception as ex:
        if type(ex).__module__.split(".")[0] == "networkx":
            raise click.ClickException(terminal_safe(str(ex))) from ex
        raise


@contextmanager
def output_errors(path):
    """Turn a failure to write ``path`` into ``Error: cannot write PATH: reason`` and exit 1."""
    try:
        yield
    except OSError as ex:
        from graph.textsafe import terminal_safe
        reason = ex.strerror or str(ex)
        name = str(ex.filename or "")
        if name and name != str(path) and not name.endswith(".tmp") and \
                name.startswith(str(path).rstrip("/") + "/"):  # a file of the directory written
            path = name
        raise click.ClickException(terminal_safe(f"cannot write {path}: {reason}")) from ex


def _preflight(*paths):
    """Fail at once, as the write would, for an output that cannot be written (before hours of work)."""
    from graph.files import check_writable
    for path in paths:
        if path and path != "-":
            with output_errors(path):
                check_writable(path)


def write_output(path, data):
    """Write text or bytes to ``path`` atomically ('-': stdout), with output errors as one line."""
    if path == "-":
        if isinstance(data, bytes):
            sys.stdout.flush()
            sys.stdout.buffer.write(data)
        else:
            sys.stdout.write(data)
        return
    from graph.files import write_atomic
    with output_errors(path):
        write_atomic(path, data)


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


def _cell(value, *, exact=False):
    """A value as table text (floats to 6 significant digits) or, ``exact``, as CSV text (every digit)."""
    value = _jsonable(value)
    if value is None:
        return ""
    if isinstance(value, float):
        if not exact:
            return f"{value:.6g}"
        text = repr(value)  # the shortest text that reads back as the same float
        return text[:-2] if text.endswith(".0") else text
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


def say(text="", *, err=False):
    """``click.echo`` for lines that carry text from data: control and bidi characters escaped."""
    from graph.textsafe import terminal_safe
    click.echo(terminal_safe(str(text)), err=err)


def emit(data, fmt, *, columns=None, out=None):
    """Print ``data`` (a list of dicts, or a dict for a report) to stdout in ``fmt``.

    Text from data is made safe for where it goes: table cells show control
    and bidi characters as escapes, CSV cells that a spreadsheet would run as
    a formula are neutralised (tiegraph's loader undoes it), JSON escapes them.
    """
    from graph.textsafe import json_safe, neutralise_cell, terminal_safe
    out = out or sys.stdout
    if fmt == "json":
        out.write(json_safe(json.dumps(_jsonable(data), ensure_ascii=False, indent=2)) + "\n")
        return
    if isinstance(data, dict):  # a report: flatten into key/value rows
        rows = [{"key": k, "value": v} for k, v in data.items()]
        if fmt == "table":
            width = max((len(terminal_safe(str(k))) for k in data), default=0)
            for k, v in data.items():
                if isinstance(v, dict):
                    out.write(f"{terminal_safe(str(k))}:\n")
                    inner = max((len(terminal_safe(str(i))) for i in v), default=0)
                    for i, x in v.items():
                        out.write(f"  {terminal_safe(str(i)).ljust(inner)}  {terminal_safe(_cell(x))}\n")
                else:
                    out.write(f"{terminal_safe(str(k)).ljust(width)}  {terminal_safe(_cell(v))}\n")
            return
        data, columns = rows, ["key", "value"]
    columns = columns or _columns(data)
    if fmt == "csv":
        writer = csv.writer(out, lineterminator="\n")
        quoted = csv.writer(out, lineterminator="\n", quoting=csv.QUOTE_ALL)  # a row with a bare CR
        for cells in [[neutralise_cell(str(c)) for c in columns]] + \
                [[neutralise_cell(_cell(row.get(c), exact=True)) for c in columns] for row in data]:
            (quoted if any("\r" in c for c in cells) else writer).writerow(cells)
        return
    cells = [[terminal_safe(_cell(row.get(c))) for c in columns] for row in data]
    heads = [terminal_safe(str(c)) for c in columns]
    widths = [max([len(h)] + [len(r[i]) for r in cells]) for i, h in enumerate(heads)]
    right = [all(isinstance(_jsonable(row.get(c)), (int, float)) or row.get(c) is None
                 for row in data) and data for c in columns]
    def line(values):
        return "  ".join(v.rjust(w) if r else v.ljust(w)
                         for v, w, r in zip(values, widths, right)).rstrip()
    out.write(line(heads) + "\n")
    out.write(line(["-" * w for w in widths]) + "\n")
    for r in cells:
        out.write(line(r) + "\n")


# --------------------------------------------------------------------------- the entry point

class Interrupted(BaseException):
    """SIGTERM/SIGHUP turned into an exception, so that pending writes unwind (not an Exception)."""

    def __init__(self, signum):
        super().__init__(signum)
        self.signum = signum


def _on_signal(signum, frame):
    raise Interrupted(signum)


@contextmanager
def _signal_handlers():
    """SIGTERM and SIGHUP raise :class:`Interrupted` for the run (SIGINT already raises KeyboardInterrupt)."""
    import signal
    saved = {}
    for name in ("SIGTERM", "SIGHUP"):
        sig = getattr(signal, name, None)
        if sig is None:
            continue
        try:
            saved[sig] = signal.signal(sig, _on_signal)
        except (ValueError, OSError):  # not the main thread
            pass
    try:
        yield
    finally:
        for sig, handler in saved.items():
            signal.signal(sig, handler)


def _stdout_to_devnull():
    """Point stdout's file descriptor at /dev/null, so that Python's last flush cannot fail."""
    import os
    raw = getattr(getattr(sys.stdout, "buffer", None), "raw", None)
    if isinstance(raw, _ClosedFile):
        raw.discard = True
        return
    try:
        fd = sys.stdout.fileno()
    except (AttributeError, ValueError, OSError):  # a test runner's buffer
        return
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, fd)
    os.close(devnull)


class _ClosedFile(io.RawIOBase):
    """stdout when the caller closed it (``>&-``): writes fail as on a closed descriptor (EBADF).

    File descriptor 1 itself is pointed at /dev/null, so that no file tiegraph
    opens takes its number. ``discard`` (set once the failure is reported)
    makes later writes vanish, so that Python's last flush cannot fail.
    """

    discard = False

    def writable(self):
        return True

    def write(self, b):
        if self.discard:
            return len(b)
        import errno
        import os
        ex = OSError(errno.EBADF, os.strerror(errno.EBADF))
        ex.tiegraph_stdout = True
        raise ex


class _BestEffortStream:
    """stderr for messages only: a write that fails (``2>/dev/full``) is dropped, never raised.

    Progress, notes and errors are best-effort; the exit status and the data on
    stdout must not depend on whether they could be shown. After the first
    failure the descriptor is pointed at /dev/null (when it is a real one), so
    that what is still buffered drains and Python's last flush cannot fail.
    """

    def __init__(self, stream):
        self._stream = stream
        self.failed = False
        self.encoding = getattr(stream, "encoding", None) or "utf-8"
        self.errors = getattr(stream, "errors", None) or "backslashreplace"

    def write(self, text):
        if not self.failed:
            try:
                return self._stream.write(text)
            except (OSError, ValueError):  # ENOSPC, EIO, EPIPE; ValueError: closed
                self._give_up()
        return len(text)

    def flush(self):
        if not self.failed:
            try:
                self._stream.flush()
            except (OSError, ValueError):
                self._give_up()

    def _give_up(self):
        import os
        self.failed = True
        try:
            fd = self._stream.fileno()
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, fd)
            os.close(devnull)
            self._stream.flush()
        except (AttributeError, ValueError, OSError):
            pass

    def isatty(self):
        try:
            return not self.failed and self._stream.isatty()
        except (AttributeError, ValueError, OSError):
            return False

    def fileno(self):
        return self._stream.fileno()

    @property
    def closed(self):
        return False

    def writable(self):
        return True


def _utf8_stdout():
    """Data on stdout is UTF-8 whatever the locale (the loader reads UTF-8 only); a terminal that
    cannot show a character gets an escape rather than a crash."""
    out = sys.stdout
    encoding = (getattr(out, "encoding", None) or "").lower().replace("-", "").replace("_", "")
    if encoding in ("utf8", "") or not hasattr(out, "reconfigure"):
        return
    try:
        if out.isatty():
            out.reconfigure(errors="backslashreplace")
        else:
            out.reconfigure(encoding="utf-8")
    except (OSError, ValueError, AttributeError):  # pragma: no cover - a stream that cannot change
        pass


@contextmanager
def _standard_streams():
    """Make the run safe from closed or failing standard streams.

    * A closed descriptor 0, 1 or 2 (``2>&-``) is reopened on /dev/null, so that
      no file tiegraph opens gets that number (a library writing to fd 2 would
      write into it); a closed stdout then fails writes with EBADF, reported as
      ``cannot write stdout``, exit 1 (as coreutils do);
    * stderr is best-effort (:class:`_BestEffortStream`): a full or closed stderr
      neither raises nor changes the exit status.
    """
    import os
    saved_out, saved_err = sys.stdout, sys.stderr
    for fd in (0, 1, 2):
        try:
            os.fstat(fd)
        except OSError:
            devnull = os.open(os.devnull, os.O_RDWR)
            if devnull != fd:
                os.dup2(devnull, fd)
                os.close(devnull)
            if fd == 1 and sys.stdout is None:
                sys.stdout = io.TextIOWrapper(io.BufferedWriter(_ClosedFile()), encoding="utf-8")
            elif fd == 2 and sys.stderr is None:
                sys.stderr = open(2, "w", encoding="utf-8", errors="backslashreplace", closefd=False)
    _utf8_stdout()
    if sys.stderr is not None and not isinstance(sys.stderr, _BestEffortStream):
        sys.stderr = _BestEffortStream(sys.stderr)
    try:
        yield
    finally:
        if isinstance(sys.stderr, _BestEffortStream):
            sys.stderr = sys.stderr._stream if saved_err is None else saved_err
        if saved_out is not None:
            sys.stdout = saved_out


def _output_errnos():
    import errno
    return {getattr(errno, n) for n in ("ENOSPC", "EIO", "EDQUOT", "EFBIG", "EPIPE", "ENXIO")
            if hasattr(errno, n)}


#: errno values of a failed write to stdout (files are written under output_errors, which names them).
_OUTPUT_ERRNOS = _output_errnos()


class TiegraphGroup(click.Group):
    """The command group with the catch-all: no traceback ever reaches the user.

    * click's own errors (usage, ``Error:``) and exits pass through;
    * a closed stdout (``| head -1``) ends quietly, exit 1;
    * a failing stdout (``> /dev/full``) is ``Error: cannot write stdout: reason``, exit 1;
    * Ctrl-C / SIGTERM / SIGHUP remove pending temp files and say ``interrupted``, exit 128+signal;
    * anything else is a bug: one line naming the command, the traceback only with ``--debug``.
    """

    def resolve_command(self, ctx, args):
        name, cmd, rest = super().resolve_command(ctx, args)
        ctx.meta["tiegraph.command"] = name
        return name, cmd, rest

    def main(self, *args, **kwargs):
        with _signal_handlers(), _standard_streams():
            try:
                return super().main(*args, **kwargs)
            except OSError as ex:  # --help / --version print before any command runs (invoke's net)
                if getattr(ex, "filename", None) is not None or \
                        not (getattr(ex, "tiegraph_stdout", False) or ex.errno in _OUTPUT_ERRNOS):
                    raise
                _stdout_to_devnull()
                click.echo(f"Error: cannot write stdout: {ex.strerror or ex}", err=True)
                sys.exit(1)

    def parse_args(self, ctx, args):
        try:
            return super().parse_args(ctx, args)
        except click.NoSuchOption as ex:  # a command's option before the command
            users = sorted(name for name, cmd in self.commands.items()
                           if any(ex.option_name in p.opts for p in cmd.params))
            typed = next((a for a in args if a in self.commands), None)
            if typed in users:
                ex.message = (f"No such option {ex.option_name!r} here: it is an option of {typed}; "
                              f"put it after the command name (tiegraph … {typed} {ex.option_name} …)")
                ex.possibilities = None
            elif users:
                ex.message = (f"No such option {ex.option_name!r} here: it is an option of "
                              f"{', '.join(users[:4])}{' …' if len(users) > 4 else ''}; "
                              f"put it after the command name (tiegraph {users[0]} {ex.option_name} …)")
                ex.possibilities = None
            raise

    def invoke(self, ctx):
        import errno
        from graph.files import cleanup_pending
        try:
            result = super().invoke(ctx)
            try:
                sys.stdout.flush()
            except OSError as ex:
                ex.tiegraph_stdout = True  # the command's output could not be written
                raise
            return result
        except (click.exceptions.ClickException, click.exceptions.Exit, click.exceptions.Abort,
                SystemExit) as ex:
            cleanup_pending()
            if isinstance(ex, click.NoSuchOption):  # tiegraph's own option after the command
                mine = next((p for p in self.params if ex.option_name in p.opts), None)
                if mine is not None:
                    ex.message = (f"No such option {ex.option_name!r} here: it is an option of tiegraph "
                                  f"itself; put it before the command (tiegraph {ex.option_name}"
                                  f"{' …' if not mine.is_flag else ''} "
                                  f"{ctx.meta.get('tiegraph.command') or 'COMMAND'} …)")
                    ex.possibilities = None
            try:  # what was printed before the exit (validate's list) must reach stdout, or say so
                sys.stdout.flush()
            except OSError as ex:
                if ex.errno in _OUTPUT_ERRNOS:
                    _stdout_to_devnull()
                    if ex.errno != errno.EPIPE:
                        click.echo(f"Error: cannot write stdout: {ex.strerror or ex}", err=True)
                    sys.exit(1)
            raise
        except KeyboardInterrupt:
            self._interrupted(130)
        except Interrupted as ex:
            self._interrupted(128 + ex.signum)
        except OSError as ex:
            cleanup_pending()
            if ex.errno == errno.EPIPE or isinstance(ex, BrokenPipeError):
                _stdout_to_devnull()
                sys.exit(1)
            if getattr(ex, "tiegraph_stdout", False) or (
                    getattr(ex, "filename", None) is None and ex.errno in _OUTPUT_ERRNOS):
                _stdout_to_devnull()
                click.echo(f"Error: cannot write stdout: {ex.strerror or ex}", err=True)
                sys.exit(1)
            self._bug(ctx, ex)
        except Exception as ex:  # noqa: BLE001 - the catch-all
            cleanup_pending()
            self._bug(ctx, ex)

    @staticmethod
    def _interrupted(code):
        from graph.files import cleanup_pending
        cleanup_pending()
        _stdout_to_devnull()
        click.echo("interrupted", err=True)
        sys.exit(code)

    @staticmethod
    def _bug(ctx, ex):
        import os
        try:
            os.getcwd()
        except FileNotFoundError:  # relative paths cannot be resolved: not a bug, say what is wrong
            click.echo("Error: the current directory no longer exists (it was deleted or moved); "
                       "cd to one that does and run the command again", err=True)
            sys.exit(1)
        command = ctx.meta.get("tiegraph.command") or "tiegraph"
        if ctx.params.get("debug"):
            import traceback
            traceback.print_exception(type(ex), ex, ex.__traceback__, file=sys.stderr)
        detail = " ".join(f"{type(ex).__name__}: {ex}".split())
        if len(detail) > 200:
            detail = detail[:199] + "…"
        from graph.textsafe import terminal_safe
        click.echo(f"Error: 'tiegraph {command}' failed unexpectedly ({terminal_safe(detail)}); "
                   "this is a bug in tiegraph: please report it with the command you ran"
                   + (" and this traceback" if ctx.params.get("debug")
                      else " (tiegraph --debug ... prints the traceback)"), err=True)
        sys.exit(1)


# --------------------------------------------------------------------------- commands

@click.group(cls=TiegraphGroup,
             context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.option("--data", "data_paths", multiple=True, metavar="PATH",
              help="A dataset directory (ties.csv + actors.csv + documents.csv) or a ties CSV. "
                   "Repeat to merge. Default: the bundled seed dataset.")
@click.option("-q", "--quiet", is_flag=True, help="No progress or notes on stderr (warnings still show).")
@click.option("--debug", is_flag=True,
              help="On an unexpected error (a bug), print the Python traceback too.")
@click.option("--no-cache", is_flag=True,
              help="Import KIND:FILE data afresh instead of reading the import cache (and do not store it).")
@click.version_option("0.1.0", prog_name="tiegraph")
@click.pass_context
def cli(ctx, data_paths, quiet, debug, no_cache):
    """Question and draw a graph of ties between states and other actors.

    \b
    Example:
        tiegraph summary
        tiegraph --data my_ties/ --data extra.csv validate
    """
    ctx.obj = Session(data_paths, quiet)
    ctx.obj.cache = not no_cache


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
            say(format_rejection(r))
    else:  # a CSV with no rejected row is still a CSV: its header
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


# ---- explorer commands

def _default_title(session):
    from pathlib import Path
    if not session.data_paths:
        return "tiegraph — ties between states and other actors"
    return "tiegraph — " + ", ".join(Path(p.split(":", 1)[-1]).name or p for p in session.data_paths)


@cli.command()
@click.option("--out", default="tiegraph.html", show_default=True, metavar="FILE.html",
              help="Where to write the page; '-' writes it to stdout.")
@click.option("--fragment", is_flag=True,
              help="Write an HTML snippet (no <html>/<head>) to paste into a briefing.")
@click.option("--id", "element_id", metavar="NAME",
              help="Element id of the fragment (default: derived from the content).")
@click.option("--no-runtime", "no_runtime", is_flag=True,
              help="With --fragment: leave out the drawing code (about 650 KB), for a page where "
                   "another tiegraph fragment carries it, before or after this one.")
@click.option("--compact", is_flag=True,
              help="Controls in a slim toolbar above the graph, legend below (automatic below "
                   "720 px of width): for narrow text columns.")
@click.option("--title", type=TEXT, help="Page title (default: tiegraph — the dataset).")
@click.option("--size-by", type=click.Choice(CENTRALITY_METRICS + ("none",)),
              default="pagerank", show_default=True, help="Centrality behind node size.")
@click.option("--color-by", type=click.Choice(("community", "group", "none")), default="community",
              show_default=True, help="Node colour: seeded Louvain bloc, the actor's group, or one colour.")
@click.option("--path", "path_ends", nargs=2, type=TEXT, metavar="A B", help="Highlight how A reaches B.")
@click.option("--strongest", is_flag=True, help="With --path: least total distance, not fewest hops.")
@click.option("--k", "k", type=click.IntRange(min=1), default=1, show_default=True,
              help="With --path: list this many alternatives (the best is highlighted).")
@click.option("--time-respecting", is_flag=True, help="With --path: each hop no earlier than the last.")
@click.option("--directed", is_flag=True, help="With --path: walk directed ties only forwards.")
@click.option("--image", type=click.Path(dir_okay=False), metavar="FILE.png|svg",
              help="Also write a static picture of the same view (SVG; PNG needs matplotlib).")
@click.option("--seed", type=int, default=42, show_default=True, help="Seed of the layout and of Louvain.")
@click.option("--max-actors", type=click.IntRange(min=0), metavar="N",
              help="Draw only the N actors with the highest --size-by metric (PageRank when "
                   "'none'); 0 draws everything, however large.")
@click.option("--min-weight", type=click.FloatRange(min=0), metavar="W",
              help="Leave out actor pairs whose ties weigh less than W in total.")
@click.option("--backbone", type=click.FloatRange(min=0, max=1, min_open=True, max_open=True),
              metavar="ALPHA", help="Keep only the backbone of pairs: the disparity filter at "
                                    "level ALPHA (e.g. 0.05).")
@filter_options
@click.pass_obj
def render(session, out, fragment, element_id, no_runtime, compact, title, size_by, color_by, path_ends, strongest, k,
           time_respecting, directed, image, seed, max_actors, min_weight, backbone, filters):
    """Draw the ties as an interactive page that works offline (one self-contained HTML file).

    --polarity decides which ties count for node size, blocs and --path
    (cooperative by default); every tie passing the other filters is drawn.

    Large selections are cut to what a browser can draw: --max-actors,
    --min-weight and --backbone choose how; with none of them and more than
    2,000 actors or 20,000 ties, the top 2,000 actors by the size metric are
    kept and, above 20,000 ties, each pair's ties of one type are merged into
    one record. The page header (and stderr) says what was left out;
    --max-actors 0 turns all of this off.

    \b
    Example:
        tiegraph render --out tiegraph.html
        tiegraph render --from 2022 --path PRK USA --out path.html --image path.svg
        tiegraph render --fragment --id fig1 --out - > fig1.html
        tiegraph render --fragment --no-runtime --id fig2 --from 2022 --out fig2.html
        tiegraph --data cow-trade:trade.csv render --from 2010 --max-actors 150 --backbone 0.05
    """
    from explorer.html import valid_element_id, write_html, render_html
    if out != "-" and not out.lower().endswith((".html", ".htm")):
        raise click.UsageError(f"--out {out!r} must end in .html (or be '-' for stdout)")
    if no_runtime and not fragment:
        raise click.UsageError("--no-runtime needs --fragment (a whole page always carries its runtime)")
    if element_id is not None and not valid_element_id(element_id):
        raise click.UsageError(f"--id {element_id!r} must start with a letter and hold only letters, "
                               "digits, '-' and '_' (at most 64 characters)")
    if image and not image.lower().endswith((".png", ".svg")):
        raise click.UsageError(f"--image {image!r} must end in .png or .svg")
    if strongest and time_respecting:
        raise click.UsageError("--strongest and --time-respecting rank paths differently; choose one")
    if not path_ends and (strongest or time_respecting or directed or k > 1):
        raise click.UsageError("--strongest, --k, --time-respecting and --directed need --path A B")
    _preflight(out, image)
    from explorer.view import make_view
    from graph.build import build_graph, describe_filters, select
    ds = session.dataset()
    with library_errors():
        from graph.prune import fit_for_drawing
        drawn = {key: v for key, v in filters.items() if key != "polarity"}
        chosen = select(ds.ties, **drawn)
        if chosen.empty:
            raise click.ClickException(_nothing_selected(ds))
        result = None
        if path_ends:
            from graph.paths import find_paths
            result = find_paths(ds.ties, *path_ends, actors=ds.actors, filters=filters, k=k,
                                strongest=strongest, time_respecting=time_respecting, directed=directed)
        on_path = result["paths"][0] if result and result.get("paths") else {"nodes": [], "hops": []}
        chosen, cut = fit_for_drawing(
            chosen, max_actors=max_actors, min_weight=min_weight, backbone=backbone,
            metric=size_by if size_by != "none" else "pagerank",
            polarity=filters["polarity"] or "cooperative", keep=on_path["nodes"],
            keep_ties=[t["id"] for hop in on_path["hops"] for t in hop["ties"]])
        notes = cut["text"] if cut else ""
        if cut:
            session.info(("too large to draw whole (use --max-actors 0 to force): " if cut["auto"] else "")
                         + notes)
        G = build_graph(chosen, ds.actors, documents=ds.documents)
        page = make_view(G, size_by=size_by, color_by=color_by, polarity=filters["polarity"],
                         seed=seed, title=title or _default_title(session),
                         filters_text=describe_filters(**filters), path_result=result,
                         notes_text=notes)
    if out == "-":
        write_output(out, render_html(page, fragment=fragment, element_id=element_id,
                                      runtime=not no_runtime, compact=compact))
    else:
        with output_errors(out):
            write_html(page, out, fragment=fragment, element_id=element_id,
                       runtime=not no_runtime, compact=compact)
        session.info(f"wrote {out} ({page['meta']['n_actors']} actors, {page['meta']['n_ties']} ties)")
    if image:
        from explorer.image import write_image
        try:
            with output_errors(image):
                write_image(page, image)
        except RuntimeError as ex:
            raise click.ClickException(str(ex)) from ex
        session.info(f"wrote {image}")


# ---- extract commands

@cli.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option("--doc", "doc_ids", multiple=True, metavar="ID",
              help="Document id for the file (repeat once per file, in order; default: the file "
                   "name without its extension).")
@click.option("--date", "date", metavar="DATE",
              help="The article's date (YYYY, YYYY-MM or YYYY-MM-DD); default: the HTML/PDF "
                   "metadata. Without either, an error.")
@click.option("--out", default="-", show_default=True, metavar="FILE",
              help="Write the candidates here ('-': stdout). The proposed documents.csv row goes "
                   "beside it as FILE's name + '.documents.csv' (on stderr with stdout).")
@click.option("--format", "fmt", type=click.Choice(("csv", "json")), default="csv",
              show_default=True, help="csv: the ties contract + status, rule, score, duplicate_of; "
                                      "json: {engine, documents, candidates}.")
@click.option("--one-per-tie", is_flag=True,
              help="Propose each tie once per document: a restatement (same pair, type and period "
                   "as a more specific sentence) is listed in that candidate's note instead of "
                   "being proposed apart. Without it, a restatement is proposed and its note "
                   "says 'Restates cNNNN'.")
@click.pass_obj
def extract(session, files, doc_ids, date, out, fmt, one_per_tie):
    """Propose ties from articles (.txt, .md, .html, .pdf) for a curator to review.

    Each candidate quotes the sentence (or clause) that states it, verbatim from the
    extracted text, with the cue that fired (rule), a score and, when the --data loaded
    already holds the same pair, type and period, that tie's id (duplicate_of). Rules come
    from the tables in data/extract/ (actors, triggers, grades, negations, dates).

    \b
    Example:
        tiegraph extract report.pdf --doc heritage-2024-06 --date 2024-06-20 --out candidates.csv
        tiegraph extract report.txt --date 2024-06-20 --one-per-tie
        tiegraph review candidates.csv
        tiegraph accept candidates.csv --into data/
    """
    from graph.extract import CANDIDATE_COLUMNS, extract_files
    from graph.extract.curate import documents_path, write_candidates_text
    from graph.schema import DOCUMENT_COLUMNS
    if doc_ids and len(doc_ids) != len(files):
        raise click.UsageError(f"--doc was given {len(doc_ids)} time(s) for {len(files)} file(s); "
                               "give it once per file, or not at all")
    dataset = session.dataset()
    with library_errors():
        cands, docs, _, engine = extract_files(list(files), doc_ids=list(doc_ids), date=date,
                                               dataset=dataset, one_per_tie=one_per_tie)
    rows = cands.to_dict("records")
    doc_rows = docs.to_dict("records")
    if fmt == "json":
        payload = {"engine": engine, "documents": doc_rows, "candidates": rows}
        write_output(out, json.dumps(payload, ensure_ascii=False, indent=1) + "\n")
    else:
        write_output(out, write_candidates_text(list(CANDIDATE_COLUMNS), rows))
        doc_text = write_candidates_text(list(DOCUMENT_COLUMNS), doc_rows)
        if out != "-":
            write_output(str(documents_path(out)), doc_text)
        else:
            session.info("proposed documents.csv row(s):\n" + doc_text.rstrip("\n"))
    dups = sum(1 for r in rows if r["duplicate_of"])
    session.info(f"{len(rows)} candidate ties from {len(files)} file(s) "
                 f"({dups} already in the data: see duplicate_of); engine: {engine}"
                 + ("" if out == "-" else f"; wrote {out}"
                    + (f" and {documents_path(out)}" if fmt == "csv" else "")))


def _review_line(rich_text):
    from rich.console import Console
    Console(file=sys.stdout, highlight=False, soft_wrap=True, color_system=None if not sys.stdout.isatty() else "auto").print(rich_text)


def _candidate_view(row, n, total):
    from rich.text import Text
    from graph.extract.curate import rule_spans
    from graph.textsafe import terminal_safe
    quote = terminal_safe(row["quote"])
    text = Text(quote)
    for kind, words in rule_spans(row):
        i = quote.find(terminal_safe(words))
        if i >= 0:
            text.stylize("bold magenta" if kind == "trigger" else "bold cyan",
                         i, i + len(terminal_safe(words)))
    arrow = "→" if row["directed"] == "true" else "–"
    head = Text(f"[{n}/{total}] {row['id']}  ", style="bold")
    head.append(terminal_safe(f"{row['source']} {arrow} {row['target']}  {row['type']}  "
                              f"{row['start']}{'–' + row['end'] if row.get('end') else ''}  "
                              f"{row['confidence']}  score {row.get('score', '')}"))
    if row.get("polarity"):
        head.append(f"  {row['polarity']}")
    if row.get("duplicate_of"):
        head.append(f"  (already in the data as {terminal_safe(row['duplicate_of'])})", style="yellow")
    return head, text


def _read_key():
    stdin = sys.stdin
    if stdin.isatty():
        return click.getchar()
    line = stdin.readline()
    if not line:
        return "q"
    return line.strip()[:1] or "s"


@cli.command()
@click.argument("candidates", type=click.Path(exists=True, dir_okay=False))
@click.pass_obj
def review(session, candidates):
    """Go through proposed candidates one at a time and accept, reject or correct them.

    Shows the sentence with the actors (cyan) and the trigger (magenta) highlighted. Keys:
    a accept, r reject, t change type, d swap direction, g change grade, D change date,
    s skip, q quit. Every decision is saved to the file at once (atomically), so a review
    can stop anywhere and resume where it left off (with the next 'proposed' row).

    \b
    Example:
        tiegraph extract article.txt --date 2024-06-20 --out candidates.csv
        tiegraph review candidates.csv
        tiegraph accept candidates.csv --into data/
    """
    from graph.extract.curate import read_candidates, write_candidates_text
    from graph.extract.reading import parse_date
    with library_errors():
        columns, rows = read_candidates(candidates)
    todo = [r for r in rows if r["status"] == "proposed"]

    def save():
        write_output(candidates, write_candidates_text(columns, rows))

    if not todo:
        session.info(f"{candidates}: nothing left to review "
                     f"({sum(r['status'] == 'accepted' for r in rows)} accepted, "
                     f"{sum(r['status'] == 'rejected' for r in rows)} rejected)")
        return
    keys = "[a]ccept [r]eject [t]ype [d]irection [g]rade [D]ate [s]kip [q]uit"
    for n, row in enumerate(todo, start=1):
        while True:
            head, text = _candidate_view(row, n, len(todo))
            _review_line(head)
            _review_line(text)
            from graph.textsafe import terminal_safe
            how = row.get("rule", "").rsplit("; ", 1)[-1]
            click.echo(terminal_safe(f"  ({row.get('doc', '')}; direction: {how}; {row.get('note', '')})"))
            click.echo(keys)
            key = _read_key()
            if key == "a":
                row["status"] = "accepted"
            elif key == "r":
                row["status"] = "rejected"
            elif key == "t":
                row["type"] = click.prompt("type", type=click.Choice(TIE_TYPES), default=row["type"])
                continue
            elif key == "d":
                row["source"], row["target"] = row["target"], row["source"]
                continue
            elif key == "g":
                row["confidence"] = click.prompt("grade", type=click.Choice(CONFIDENCE_LEVELS[::-1]),
                                                 default=row["confidence"])
                continue
            elif key == "D":
                value = click.prompt("start[/end] (YYYY, YYYY-MM or YYYY-MM-DD)", default=row["start"])
                start, _, end = value.partition("/")
                if not parse_date(start) or (end and not parse_date(end)):
                    click.echo(f"not a date: {value!r}")
                    continue
                row["start"], row["end"] = parse_date(start), parse_date(end) if end else ""
                continue
            elif key == "s":
                break
            elif key == "q":
                save()
                left = sum(r["status"] == "proposed" for r in rows)
                session.info(f"saved {candidates}; {left} candidate(s) still proposed")
                return
            else:
                click.echo(f"unknown key {key!r}")
                continue
            save()
            break
    save()
    session.info(f"saved {candidates}; {sum(r['status'] == 'accepted' for r in rows)} accepted, "
                 f"{sum(r['status'] == 'rejected' for r in rows)} rejected, "
                 f"{sum(r['status'] == 'proposed' for r in rows)} still proposed")


@cli.command()
@click.argument("candidates", type=click.Path(exists=True, dir_okay=False))
@click.option("--into", "into", required=True, type=click.Path(file_okay=False), metavar="DIR",
              help="The dataset directory (ties.csv, actors.csv, documents.csv) to append to.")
@click.pass_obj
def accept(session, candidates, into):
    """Append the accepted candidates to a dataset, with fresh ids, as one atomic change.

    Only rows whose status is 'accepted' are added (see 'tiegraph review'), with the actors
    they bring (from the extract actor table) and the document row extract proposed. A
    candidate already in the data (duplicate_of, or the same pair, type and period) is
    refused and listed. The result is validated with the loader before anything is written;
    the three files are then replaced together.

    \b
    Example:
        tiegraph review candidates.csv
        tiegraph accept candidates.csv --into data/
        tiegraph --data data/ validate
    """
    import tempfile
    from pathlib import Path
    from graph.extract import load_tables
    from graph.extract.curate import accept_into
    from graph.load import load_dataset
    with library_errors():
        texts, added, refused = accept_into(candidates, into, lexicon=load_tables())
    for cid, reason in refused:
        say(f"refused {cid}: {reason}", err=True)
    if not added:
        session.info(f"nothing to add to {into} ({len(refused)} refused; accept candidates with "
                     "'tiegraph review' first)")
        return
    with tempfile.TemporaryDirectory() as tmp:
        for name, text in texts.items():
            (Path(tmp) / name).write_text(text, encoding="utf-8")
        with library_errors():
            ds = load_dataset([tmp])
        if ds.rejected:
            from graph.dataset import format_rejection
            for r in ds.rejected[:20]:
                say(format_rejection(r).replace(tmp + "/", f"{into}/"), err=True)
            raise click.ClickException(f"{into}: the result would not validate "
                                       f"({count_rows(ds.rejected)} row(s) rejected); nothing written")
    from graph.files import atomic_files
    with output_errors(into), atomic_files(into, list(texts)) as temps:
        for name, text in texts.items():
            Path(temps[name]).write_text(text, encoding="utf-8", newline="")
    session.info(f"added {len(added)} tie{'s' if len(added) != 1 else ''} to {into} ("
                 + ", ".join(f"{cid} → {row['id']}" for cid, row in added[:8])
                 + (", …" if len(added) > 8 else "") + f"); {len(refused)} refused")


# ---- import commands

IMPORT_KINDS = ("sipri", "atop", "cow-trade", "icews", "gdelt")


def _report_rejected(rejected, n_ties, source, limit=8):
    """Rejected rows on stderr: a count, then the most common reasons."""
    from collections import Counter
    rows = count_rows(rejected)
    click.echo(f"{source}: {n_ties} ties imported; {rows} source row{'s' if rows != 1 else ''} "
               "rejected", err=True)
    if len(rejected) <= limit:  # a few: each as validate lists it
        from graph.load import format_rejection
        for r in rejected:
            say("  " + format_rejection(r), err=True)
        return
    common = Counter()
    for r in rejected:
        common[(r["field"], r["reason"])] += r.get("count", 1)
    common = common.most_common()
    for (fld, reason), n in common[:limit]:
        say(f"  {n:>7} × {fld}: {_short(reason, 110)}", err=True)
    if len(common) > limit:
        click.echo(f"  … and {len(common) - limit} other reasons; --rejected FILE lists every row",
                   err=True)


@cli.command("import")
@click.argument("kind", type=click.Choice(IMPORT_KINDS), metavar="KIND")
@click.argument("files", nargs=-1, required=True, metavar="FILE...")
@click.option("--out", type=click.Path(file_okay=False), default=None,
              help="Write ties, actors and documents into this directory (created if missing). "
                   "Default: the ties CSV on stdout.")
@click.option("--as", "as_", type=click.Choice(["csv", "parquet"]), default="csv", show_default=True,
              help="With --out: ties.csv/actors.csv/documents.csv, or the same as .parquet files.")
@click.option("--period", type=click.Choice(["day", "month", "year", "none"]), default="month",
              show_default=True,
              help="gdelt/icews: one tie per source, target, type and period (weight = events, "
                   "value = mean Goldstein/intensity); none = one tie per event.")
@click.option("--engine", type=click.Choice(["duckdb", "spark"]), default="duckdb", show_default=True,
              help="gdelt/icews: aggregate with DuckDB (embedded, out of core) or Apache Spark.")
@click.option("--spark-master", default=None, metavar="URL",
              help="With --engine spark: the cluster (spark://host:7077); default local[*].")
@click.option("--memory-limit", default=None, metavar="SIZE",
              help="With --engine duckdb: DuckDB's memory limit (e.g. 2GB); it spills to disk beyond.")
@click.option("--rejected", "rejected_out", type=click.Path(dir_okay=False), default=None,
              help="Also write every rejected source row (file,line,id,field,reason) to this CSV.")
@click.option("--cow-codes", type=click.Path(exists=True, dir_okay=False), default=None,
              help="COW state list (states2016 layout) for atop/cow-trade; default: the shipped copy.")
@click.option("--strict", is_flag=True,
              help="Exit 1 if any source row was rejected (as validate does); by default only "
                   "when no tie could be imported.")
@click.pass_obj
def import_(session, kind, files, out, as_, period, engine, spark_master, memory_limit, rejected_out,
            cow_codes, strict):
    """Convert a public dataset (SIPRI, ATOP, COW trade, ICEWS, GDELT) into our tie format.

    Actors become ISO3 ids; every source row that cannot be mapped is
    reported on stderr (and with --rejected FILE, listed). GDELT and ICEWS
    event files (as published: GDELT 2.0/1.0 tab-separated, .zip/.gz/plain;
    ICEWS Dataverse .tab or ICEWS14 CSV) are aggregated into one tie per
    pair, type and --period; give many files or globs. The same import
    happens on the fly with --data KIND:FILE on any command (cached).

    \b
    Example:
        tiegraph import sipri trade_register.csv --out sipri/
        tiegraph --data data --data sipri/ path PRK UKR
        tiegraph import cow-trade cow_trade.csv --rejected rejected.csv > ties.csv
        tiegraph import gdelt 'gdelt/2024*.export.CSV.zip' --period month --out gdelt/ --as parquet
        tiegraph import icews events.2014.tab --engine spark --spark-master spark://host:7077
    """
    from graph.importers import EVENT_KINDS, import_dataset, tie_table
    from graph.schema import ACTOR_COLUMNS, DOCUMENT_COLUMNS
    if rejected_out == "-" and not out:
        raise click.UsageError("--rejected - would mix the rejected rows into the ties CSV on stdout; "
                               "give --out DIR, or --rejected FILE")
    if out and rejected_out:
        import os
        tables = {os.path.abspath(os.path.join(out, f"{t}.{as_}")) for t in ("ties", "actors", "documents")}
        if os.path.abspath(rejected_out) in tables:
            raise click.UsageError(f"--rejected {rejected_out} is one of the tables --out {out} writes; "
                                   "give it another name")
    if kind not in EVENT_KINDS and len(files) > 1:
        raise click.UsageError(f"{kind} imports one file at a time; got {len(files)}")
    _preflight(rejected_out)
    shown = files[0] if len(files) == 1 else f"{len(files)} file patterns"
    with library_errors(), session.progress() as progress:
        from graph.sources import check_regular_file
        for f in files:
            if not any(ch in f for ch in "*?["):  # a glob is expanded by the importer
                check_regular_file(f)
        ds = import_dataset(kind, list(files) if kind in EVENT_KINDS else files[0], cow_codes=cow_codes,
                            progress=progress, period=period if kind in EVENT_KINDS else "none",
                            engine=engine, memory_limit=memory_limit, spark_master=spark_master)
        table = tie_table(ds.ties) if as_ == "csv" or not out else None
    from graph.textsafe import neutralise_frame
    if ds.ties.empty:  # nothing to write: an earlier import into --out stays as it was
        pass
    elif out:
        if as_ == "parquet":
            from graph.parquet import write_dataset_parquet
            with library_errors(), output_errors(out):
                write_dataset_parquet(ds, out)
        else:
            from graph.files import atomic_files
            tables = {"ties.csv": table, "actors.csv": ds.actors[list(ACTOR_COLUMNS)],
                      "documents.csv": ds.documents[list(DOCUMENT_COLUMNS)]}
            with output_errors(out), atomic_files(out, tables) as temps:
                for name, frame in tables.items():
                    neutralise_frame(frame).to_csv(temps[name], index=False, lineterminator="\n")
    else:
        neutralise_frame(table).to_csv(sys.stdout, index=False, lineterminator="\n")
    if rejected_out:
        import io
        buf = io.StringIO()
        cols = ["file", "line", "id", "field", "reason"] + (["count"] if any("count" in r for r in ds.rejected)
                                                            else [])
        emit([{"count": 1, **r} for r in ds.rejected], "csv", columns=cols, out=buf)
        write_output(rejected_out, buf.getvalue())
    for note in ds.notes:
        session.info(f"{shown}: {note}")
    if ds.rejected:
        _report_rejected(ds.rejected, len(ds.ties), shown)
    if ds.ties.empty:
        raise click.ClickException(f"{shown}: no tie could be imported as {kind}"
                                   + (f"; {out} is left as it was" if out else "; nothing written"))
    ext = "parquet" if as_ == "parquet" else "csv"
    session.info(f"{len(ds.ties)} ties among {len(ds.actors)} actors"
                 + (f" written to {out}/ties.{ext}, actors.{ext}, documents.{ext}" if out else ""))
    if strict and ds.rejected:
        sys.exit(1)


# ---- analysis commands

EXPORT_TO = ("gexf", "graphml", "cytoscape", "json", "csv", "xlsx")
#: Formats that write the ties table itself rather than a graph (graph.parquet).
TABLE_EXPORTS = ("parquet",)


def _polarity_note(session, what, polarity, default):
    """Say on stderr which ties an answer used (the JSON/CSV carry it as a field)."""
    how = "the default" if polarity == default else "--polarity"
    session.info(f"{what} on {'all' if polarity == 'all' else polarity} ties ({how}; "
                 f"--polarity all|cooperative|adversarial to change)")


def _nothing_selected(ds):
    """Why a command has no ties to work on: the filters, or the data itself."""
    if len(ds.ties):
        return "no ties are selected; loosen the filters"
    n = count_rows(ds.rejected)
    return "the data has no ties" + (f" ({n} row{'s were' if n != 1 else ' was'} rejected; "
                                     "'tiegraph validate' lists them)" if n else "")


def _short(text, n=90):
    text = " ".join(str(text or "").split())
    return text if len(text) <= n else text[: n - 1].rstrip() + "…"


@cli.command()
@click.option("--metric", type=click.Choice(CENTRALITY_METRICS + ("all",)), default="degree",
              show_default=True, help="Which centrality; 'all' gives every one, ranked by mean rank.")
@click.option("-n", "--top", type=click.IntRange(min=1), help="Keep only the first N actors.")
@filter_options
@format_option
@click.pass_obj
def centrality(session, metric, top, filters, fmt):
    """Rank actors by centrality, on cooperative ties unless --polarity says otherwise.

    Betweenness and closeness walk 'distance' = 1/weight, so strong ties are short.
    Equal scores share a rank; rows are ordered by score, then id.

    \b
    Example:
        tiegraph centrality --metric betweenness --top 5
        tiegraph centrality --metric all --from 2022 --format csv
    """
    from graph.analysis import centrality_table, collapsed_selection
    ds = session.dataset()
    with library_errors():
        H = collapsed_selection(ds.ties, ds.actors, filters=filters)
        rows = centrality_table(H, metric, top=top)
    if not rows:
        raise click.ClickException(_nothing_selected(ds))
    _polarity_note(session, "centrality", H.graph["polarity"], "cooperative")
    emit(rows if fmt == "table" else [{**r, "polarity": H.graph["polarity"]} for r in rows], fmt)


@cli.command()
@click.option("--seed", type=int, default=42, show_default=True, help="Louvain's random seed.")
@filter_options
@format_option
@click.pass_obj
def communities(session, seed, filters, fmt):
    """Find blocs (seeded Louvain on tie weight): members and modularity.

    Cooperative ties only unless --polarity says otherwise, so sanctions do not
    put rivals in one bloc. Communities are numbered by size, then smallest id.

    \b
    Example:
        tiegraph communities
        tiegraph communities --from 2022 --format json
    """
    from graph.analysis import collapsed_selection, communities as find_communities
    ds = session.dataset()
    with library_errors():
        result = find_communities(collapsed_selection(ds.ties, ds.actors, filters=filters), seed=seed)
    if fmt == "json":
        return emit(result, fmt)
    if fmt == "csv":
        return emit([{"community": c["community"], "id": a, "name": n, "modularity": result["modularity"],
                      "polarity": result["polarity"]}
                     for c in result["communities"] for a, n in zip(c["members"], c["names"])], fmt)
    say(f"{len(result['communities'])} communities, modularity {result['modularity']:.3f} "
               f"(Louvain, seed {seed}, {result['polarity']} ties)")
    emit([{"community": c["community"], "size": c["size"], "members": ", ".join(c["names"])
           + (f"  (no {result['polarity']} tie)" if c["isolated"] and result["polarity"] != "all" else "")}
          for c in result["communities"]], fmt)


@cli.command()
@click.argument("source", type=TEXT, metavar="A")
@click.argument("target", type=TEXT, metavar="B")
@click.option("--strongest", is_flag=True, help="Least total distance (1/weight) instead of fewest hops.")
@click.option("--k", "k", type=click.IntRange(min=1), default=1, show_default=True,
              help="How many alternative paths, best first.")
@click.option("--time-respecting", is_flag=True,
              help="Each hop's tie still active when the previous hop happened; earliest arrival, "
                   "then fewest hops.")
@click.option("--directed", is_flag=True, help="Walk directed ties only from source to target.")
@click.option("--show-ties", type=click.IntRange(min=1), default=1, show_default=True,
              help="Ties quoted per hop in the table (the rest are counted).")
@filter_options
@format_option
@click.pass_obj
def path(session, source, target, strongest, k, time_respecting, directed, show_ties, filters, fmt):
    """Show how actor A reaches actor B, each hop with its ties and quotes.

    Fewest hops by default, over cooperative ties (--polarity all walks sanctions
    and hostile acts too), ignoring direction unless --directed. Exit 1 with a
    sentence when there is no path, naming the filter that caused it.

    \b
    Example:
        tiegraph path "North Korea" "United States"
        tiegraph path PRK USA --k 3 --strongest --format json
        tiegraph path DPRK Japan --time-respecting --from 2022
    """
    from graph.paths import HOP_TIE_FIELDS, briefing_lines, find_paths
    if strongest and time_respecting:
        raise click.UsageError("--strongest and --time-respecting rank paths differently; choose one")
    ds = session.dataset()
    with library_errors():
        result = find_paths(ds.ties, source, target, actors=ds.actors, filters=filters, k=k,
                            strongest=strongest, time_respecting=time_respecting, directed=directed)
    if fmt == "table":
        say("\n".join(briefing_lines(result, more=show_ties - 1)))
    elif fmt == "json":
        emit(result, fmt)
    else:
        emit([{"path": i, "hop": j, "from": h["from"], "to": h["to"], "on": h.get("on"),
               **{f: t[f] for f in HOP_TIE_FIELDS}, "polarity_used": result["polarity"]}
              for i, p in enumerate(result["paths"], 1) for j, h in enumerate(p["hops"], 1)
              for t in h["ties"]], fmt)


@cli.command()
@click.argument("actor", type=TEXT)
@click.option("--depth", type=click.IntRange(min=1), default=1, show_default=True,
              help="Hops from the actor (direction ignored).")
@click.option("--all-ties", "among", is_flag=True,
              help="Also list ties between actors at the same distance (e.g. between two neighbours).")
@filter_options
@format_option
@click.pass_obj
def neighbors(session, actor, depth, among, filters, fmt):
    """Show an actor's ego network: the actors within N hops and the ties that reach them.

    All ties count by default (a sanction is a neighbour too); --polarity narrows it.

    \b
    Example:
        tiegraph neighbors "North Korea"
        tiegraph neighbors PRK --depth 2 --polarity cooperative --format json
    """
    from graph.actors import resolve_actor
    from graph.analysis import ego_network
    from graph.build import build_graph, select
    ds = session.dataset()
    with library_errors():
        aid = resolve_actor(ds.actors, actor)
        G = build_graph(select(ds.ties, **{**filters, "polarity": None}), ds.actors)
        ego = ego_network(G, aid, depth=depth, polarity=filters["polarity"] or "all", among=among)
    if fmt != "table":
        return emit(ego if fmt == "json" else ego["ties"], fmt)
    session.info(f"{len(ego['actors']) - 1} actors within {depth} hop{'s' if depth > 1 else ''} of "
                 f"{ego['actors'][0]['name']}; {len(ego['ties'])} ties ({ego['polarity']} ties)")
    emit(ego["actors"], fmt)
    click.echo()
    names = {a["id"]: a["name"] for a in ego["actors"]}
    emit([{"id": t["id"], "source": names[t["source"]], "target": names[t["target"]], "type": t["type"],
           "start": t["start"], "confidence": t["confidence"], "quote": _short(t["quote"], 70)}
          for t in ego["ties"]], fmt)


@cli.command()
@click.option("--metric", type=click.Choice(CENTRALITY_METRICS), default="degree", show_default=True)
@click.option("--actor", "actor_names", multiple=True, type=TEXT, metavar="A",
              help="Follow this actor (repeatable). Default: the top N by the metric overall.")
@click.option("-n", "--top", type=click.IntRange(min=1), default=10, show_default=True,
              help="How many actors to follow when no --actor is given.")
@click.option("--period", type=click.Choice(["year"]), default="year", show_default=True,
              help="Time step (ties active in each year).")
@click.option("--plot", type=click.Path(dir_okay=False), metavar="FILE.png",
              help="Also draw a line chart (.png or .svg; needs matplotlib: tiegraph[plot]).")
@filter_options
@format_option
@click.pass_obj
def timeline(session, metric, actor_names, top, period, plot, filters, fmt):
    """Show a centrality metric per actor per year, on the ties active that year.

    Cooperative ties unless --polarity says otherwise. The table has a column per
    year; JSON and CSV are long form (one row per actor and year).

    \b
    Example:
        tiegraph timeline --metric strength --actor PRK --actor RUS --actor CHN
        tiegraph timeline --metric pagerank --top 5 --plot pagerank.png
    """
    from graph.actors import resolve_actor
    from graph.analysis import timeline as metric_timeline, timeline_wide
    if plot and not plot.lower().endswith((".png", ".svg")):
        raise click.UsageError(f"--plot {plot}: the file name must end in .png or .svg")
    _preflight(plot)
    ds = session.dataset()
    with library_errors():
        only = [resolve_actor(ds.actors, a) for a in actor_names]
        rows = metric_timeline(ds.ties, ds.actors, metric=metric, only=only, top=top, filters=filters)
        if plot:
            from explorer.charts import timeline_chart
            with output_errors(plot):
                timeline_chart(rows, metric, plot,
                               title=f"{metric} per year ({filters['polarity'] or 'cooperative'} ties)")
    _polarity_note(session, f"{metric} per year", filters["polarity"] or "cooperative", "cooperative")
    if plot:
        session.info(f"wrote {plot}")
    polarity = filters["polarity"] or "cooperative"
    emit(timeline_wide(rows, metric) if fmt == "table" else [{**r, "polarity": polarity} for r in rows], fmt)


@cli.command()
@click.option("--before", required=True, metavar="PERIOD", help="2021, 2021-06 or 2014:2021.")
@click.option("--after", required=True, metavar="PERIOD", help="2021, 2021-06 or 2014:2021.")
@click.option("--metric", type=click.Choice(CENTRALITY_METRICS), default="pagerank", show_default=True,
              help="Centrality whose moves are listed.")
@click.option("-n", "--top", type=click.IntRange(min=1), default=10, show_default=True,
              help="How many of the biggest moves.")
@filter_options
@format_option
@click.pass_obj
def diff(session, before, after, metric, top, filters, fmt):
    """Compare two periods: actors and ties that appear or disappear, and centrality moves.

    A PERIOD is a year, a month or a range START:END (either side may be empty).
    A tie is in a period if it is active in it. Ties of every polarity are compared;
    centrality uses cooperative ties unless --polarity says otherwise.

    \b
    Example:
        tiegraph diff --before 2014:2021 --after 2022:2024
        tiegraph diff --before 2022 --after 2023 --metric betweenness --format json
    """
    from graph.analysis import diff as compare, diff_lines, parse_period
    if filters["start"] or filters["end"]:
        raise click.UsageError("diff takes its windows from --before and --after; drop --from/--to")
    for name, value in (("--before", before), ("--after", after)):
        try:
            parse_period(value)
        except TiesError as ex:
            raise click.BadParameter(str(ex), param_hint=name) from ex
    ds = session.dataset()
    with library_errors():
        report = compare(ds.ties, ds.actors, before=before, after=after, metric=metric, top=top,
                         filters=filters)
    if fmt == "table":
        return say("\n".join(diff_lines(report)))
    if fmt == "json":
        return emit(report, fmt)
    rows = [{"kind": key.replace("s_", "_", 1), **a}
            for key in ("actors_added", "actors_removed", "ties_added", "ties_removed") for a in report[key]]
    emit(rows + [{"kind": "move", "metric": metric, **m} for m in report["moves"]], fmt)


def _export_filter_options(func):
    """The common filters, with the window's end spelled --until: export's --to names the format."""
    inner = filter_options(func)

    @wraps(inner)
    def wrapper(*args, **kwargs):
        try:
            return inner(*args, **kwargs)
        except click.UsageError as ex:
            if ex.message.startswith("--to ") and " is before --from " in ex.message:  # the filters' own
                ex.message = ex.message.replace("--to ", "--until ", 1)
            raise

    for param in wrapper.__click_params__:
        if param.name == "end":
            param.opts = ["--until"]
            param.help = "Keep ties active on or before this date (the common --to)."
    return wrapper


@cli.command()
@click.option("--to", "to", type=click.Choice(EXPORT_TO + TABLE_EXPORTS), required=True,
              help="gexf (Gephi), graphml (Gephi, yEd, igraph, NetworkX), cytoscape (Cytoscape.js and "
                   "Cytoscape desktop), json (NetworkX node-link), csv (the ties.csv format), xlsx "
                   "(Excel: sheets ties, actors, documents), parquet (the ties, typed; --data reads it).")
@click.option("--out", type=click.Path(dir_okay=False, allow_dash=True), default="-",
              show_default=True, help="Output file; '-' for stdout.")
@click.option("--gexf-version", type=click.Choice(("1.3", "1.2")), default="1.3", show_default=True,
              help="GEXF version (1.2 is 1.2draft, for older tools).")
@click.option("--size-by", type=click.Choice(CENTRALITY_METRICS + ("none",)), default="pagerank",
              show_default=True, help="gexf/cytoscape: centrality behind node size, as in render.")
@click.option("--color-by", type=click.Choice(("community", "group", "none")), default="community",
              show_default=True, help="gexf/cytoscape: node colour, as in render.")
@click.option("--seed", type=int, default=42, show_default=True,
              help="gexf/cytoscape: seed of the layout and of Louvain, as in render.")
@click.option("--for-networkx", is_flag=True,
              help="gexf/graphml: leave out the per-edge direction flags, which networkx refuses in a "
                   "graph mixing directed and undirected ties (each tie keeps its 'directed' attribute).")
@_export_filter_options
@click.pass_obj
def export(session, to, out, gexf_version, size_by, color_by, seed, for_networkx, filters):
    """Export the (filtered) ties for Gephi, Cytoscape, NetworkX, igraph or a spreadsheet.

    One edge per tie, keyed by its id; every tie of every polarity unless
    --polarity says otherwise. Without filters, actors with no tie are kept too.
    The window's end is --until here, since --to names the format.

    GEXF and GraphML validate against their official schemas; the tie's type
    is the attribute tie_type, each edge is directed or undirected as its tie,
    and actors carry the six centrality scores (over cooperative ties unless
    --polarity says otherwise). GEXF is dynamic when ties are dated (Gephi's
    timeline) and carries the colours, sizes and positions render draws.
    Every format reads back as data with --data FILE.

    \b
    Example:
        tiegraph export --to gexf --out ties.gexf
        tiegraph export --to cytoscape --color-by group --out ties.cyjs
        tiegraph export --to graphml --from 2022 --until 2023 --out ties.graphml
        tiegraph export --to xlsx --out ties.xlsx
        tiegraph --data gdelt:events.zip export --to parquet --out gdelt.parquet
    """
    from graph.build import build_graph, select
    from graph.export import export_graph, node_scores
    if for_networkx and to not in ("gexf", "graphml"):
        raise click.UsageError("--for-networkx applies to gexf and graphml only")
    if out != "-":  # a suffix that names another format would not read back (--data reads by suffix)
        from pathlib import Path
        from graph.sources import SUFFIXES
        named = SUFFIXES.get(Path(out).suffix.lower())
        if named and named != {"cytoscape": "json"}.get(to, to):
            raise click.UsageError(f"--out {out}: the suffix {Path(out).suffix} is read back as {named}, "
                                   f"but --to {to} writes {to}; name the file "
                                   f"{Path(out).stem}{'.cyjs' if to == 'cytoscape' else '.' + to}")
    _preflight(out)
    if to == "xlsx" and out == "-" and sys.stdout.isatty():
        raise click.UsageError("--to xlsx writes a binary workbook: give --out FILE.xlsx")
    ds = session.dataset()
    if to == "parquet":  # the ties table itself, typed; binary, so a file is needed
        if out == "-":
            raise click.UsageError("--to parquet writes a binary file; give --out FILE.parquet")
        from graph.parquet import write_ties_parquet
        with library_errors():
            ties = select(ds.ties, **filters)
        with output_errors(out):
            write_ties_parquet(ties, out)
        session.info(f"exported {len(ties)} ties as parquet to {out}")
        return
    with library_errors():
        G = build_graph(select(ds.ties, **filters), ds.actors, documents=ds.documents,
                        include_isolates=not any(filters.values()))
        options = {"version": "1.2draft" if gexf_version == "1.2" else "1.3", "edge_types": not for_networkx}
        if to in ("gexf", "graphml", "cytoscape"):
            options["node_attrs"] = node_scores(G, polarity=filters["polarity"])
        if to in ("gexf", "cytoscape") and G.number_of_nodes():
            from explorer.view import make_view
            page = make_view(G, size_by=size_by, color_by=color_by, polarity=filters["polarity"], seed=seed)
            options["viz"] = {n["id"]: {k: n.get(k) for k in ("x", "y", "size", "color")}
                              for n in page["nodes"]}
            options["edge_viz"] = {t: {"color": e.get("color")} for e in page["edges"] for t in e.get("ties", ())}
        if to == "xlsx":
            docs = ds.documents
            if any(filters.values()) and len(docs):
                used = {d.get("doc") for _, _, d in G.edges(data=True)}
                docs = docs[docs["doc"].isin(used)]
            options["documents"] = docs if len(docs) else None
        data = export_graph(G, to, **options)
    write_output(out, data)
    session.info(f"exported {G.number_of_edges()} ties among {G.number_of_nodes()} actors as {to}"
                 + ("" if out == "-" else f" to {out}"))


if __name__ == "__main__":
    cli()
