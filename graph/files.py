"""Write files atomically: the one place tiegraph writes a file.

Every output goes to a temporary file in the destination's own directory,
is flushed and fsync'ed, and is then renamed over the destination, so the
destination holds either its previous complete content or the new complete
content — never a truncation or a mix — whatever fails (a full disk, an
error, a signal, a concurrent writer). Temporary files are removed on every
failure; :data:`PENDING` lists those in flight so that a signal handler can
remove them too.
"""

import os
import signal
import tempfile
from contextlib import contextmanager
from pathlib import Path

__all__ = ["PENDING", "atomic_path", "write_atomic", "atomic_files", "cleanup_pending", "check_writable"]

#: Temporary paths being written right now (removed on success or failure).
PENDING = set()

_SIGNALS = tuple(s for s in (getattr(signal, "SIGINT", None), getattr(signal, "SIGTERM", None),
                             getattr(signal, "SIGHUP", None)) if s is not None)


def _default_mode(path):
    """The mode the destination keeps: its current one, else 0666 less the umask."""
    try:
        return os.stat(path).st_mode & 0o7777
    except OSError:
        mask = os.umask(0)
        os.umask(mask)
        return 0o666 & ~mask


def _fsync_dir(directory):
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _remove(tmp):
    PENDING.discard(tmp)
    try:
        os.unlink(tmp)
    except OSError:
        pass


def cleanup_pending():
    """Remove every temporary file still in flight (for signal handlers and exit hooks)."""
    for tmp in list(PENDING):
        _remove(tmp)


def _temp_for(path):
    path = Path(path)
    directory = path.parent if str(path.parent) else Path(".")
    with _signals_deferred():  # a signal between creating and listing it would leave it behind
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=directory)
        PENDING.add(tmp)
    return fd, tmp


def _pause_before_commit():
    """Test hook: ``TIEGRAPH_TEST_COMMIT_DELAY=SECONDS`` waits with the temp file complete.

    The fault-injection tests set it to kill a real process while a write is in
    flight (signals cannot be timed otherwise); unset, it costs one lookup.
    """
    delay = os.environ.get("TIEGRAPH_TEST_COMMIT_DELAY")
    if delay:
        import time
        time.sleep(float(delay))


@contextmanager
def _signals_deferred():
    """Hold SIGINT/SIGTERM/SIGHUP back while a set of renames completes (POSIX only)."""
    mask = getattr(signal, "pthread_sigmask", None)
    if mask is None:
        yield
        return
    old = mask(signal.SIG_BLOCK, _SIGNALS)
    try:
        yield
    finally:
        mask(signal.SIG_SETMASK, old)


@contextmanager
def atomic_path(path):
    """Yield a temporary path beside ``path``; on success it replaces ``path`` atomically.

    Write the whole content to the yielded path (by name: pyarrow, matplotlib,
    openpyxl…). When the block ends without an exception the file is fsync'ed
    and renamed over ``path``; on any exception (or signal turned into one) it
    is removed and ``path`` is left as it was.

    Raises
    ------
    OSError
        If the directory does not exist or cannot be written.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> with atomic_path(d / "a.txt") as tmp:
    ...     _ = pathlib.Path(tmp).write_text("new")
    >>> (d / "a.txt").read_text(), sorted(p.name for p in d.iterdir())
    ('new', ['a.txt'])
    """
    path, special = _destination(path)
    if special:  # not a regular file (a device, a FIFO): nothing to replace, write in place
        yield str(path)
        return
    fd, tmp = _temp_for(path)
    os.close(fd)
    try:
        yield tmp
        _pause_before_commit()
        _commit(tmp, path)
    except BaseException:
        _remove(tmp)
        raise


def _destination(path):
    """``(path, special)``: the regular file to replace (a symlink's target), or a device/FIFO.

    Renaming over ``/dev/full`` or ``/dev/stdout`` would replace the device node
    itself, so such a destination is written in place (and its errors, such as
    ENOSPC, are the caller's).
    """
    import stat
    path = Path(path)
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return (Path(os.path.realpath(path)) if path.is_symlink() else path), False
    except NotADirectoryError:
        raise NotADirectoryError(20, "Not a directory (a part of the path is a file)", str(path)) from None
    if stat.S_ISDIR(st.st_mode):
        raise IsADirectoryError(21, "Is a directory", str(path))
    if stat.S_ISREG(st.st_mode):
        if not os.access(path, os.W_OK):  # read-only (or immutable): a rename would replace it anyway
            raise PermissionError(13, "Permission denied (the file is read-only)", str(path))
        return (Path(os.path.realpath(path)) if path.is_symlink() else path), False
    return path, True


def check_writable(path):
    """Raise the OSError that writing ``path`` would raise, before any work is done (nothing is written).

    A missing directory, a path under a plain file, a directory where a file is
    expected, a read-only file or a directory where files cannot be created.
    Devices and FIFOs are left to the write itself.

    Raises
    ------
    OSError
        With the path that is at fault.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> check_writable(d / "x.csv")
    >>> check_writable(d / "missing" / "x.csv")
    Traceback (most recent call last):
    ...
    FileNotFoundError: [Errno 2] No such file or directory: '.../missing'
    """
    path, special = _destination(path)
    if special:
        return
    parent = path.parent if str(path.parent) else Path(".")
    if not parent.exists():
        raise FileNotFoundError(2, "No such file or directory", str(parent))
    if not parent.is_dir():
        raise NotADirectoryError(20, "Not a directory", str(parent))
    if not os.access(parent, os.W_OK | os.X_OK):
        raise PermissionError(13, "Permission denied (cannot create files in the directory)", str(parent))


def _commit(tmp, path):
    with open(tmp, "rb+") as fh:
        os.fsync(fh.fileno())
    os.chmod(tmp, _default_mode(path))
    os.replace(tmp, path)
    PENDING.discard(tmp)
    _fsync_dir(path.parent if str(path.parent) else ".")


def write_atomic(path, data):
    """Write ``data`` (bytes, or str as UTF-8) to ``path`` atomically; return the path.

    Raises
    ------
    OSError
        If it cannot be written (missing directory, no space, read-only...);
        ``path`` is then unchanged.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> write_atomic(d / "x.csv", "a,b\\n").read_bytes()
    b'a,b\\n'
    """
    path = Path(path)
    if isinstance(data, str):
        data = data.encode("utf-8")
    with atomic_path(path) as tmp:
        with open(tmp, "wb") as fh:
            fh.write(data)
            fh.flush()
    return path


@contextmanager
def _locked(directory):
    """Hold an exclusive lock on ``directory`` (flock on its descriptor) while a set is renamed.

    Two processes replacing the same set of files then rename theirs one after
    the other, so the set ends whole from one of them, never mixed. Where
    locking is not available the renames simply run unlocked.
    """
    try:
        import fcntl
        fd = os.open(directory, os.O_RDONLY)
    except (ImportError, OSError):
        yield
        return
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
        except OSError:
            pass
        yield
    finally:
        os.close(fd)  # closing the descriptor releases the lock


@contextmanager
def atomic_files(directory, names):
    """Yield ``{name: temporary path}`` for a set of files that must change together.

    ``directory`` is created if missing. When the block succeeds every file is
    fsync'ed first, then all are renamed into place with SIGINT/SIGTERM held
    back and the directory locked against another tiegraph doing the same, so
    the set is replaced together; on failure no file of the set changes and
    the temporary files are removed.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp()) / "out"
    >>> with atomic_files(d, ["a.csv", "b.csv"]) as tmp:
    ...     for name, p in tmp.items():
    ...         _ = pathlib.Path(p).write_text(name)
    >>> sorted(p.name for p in d.iterdir()), (d / "b.csv").read_text()
    (['a.csv', 'b.csv'], 'b.csv')
    """
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    for name in names:  # a member that cannot be replaced fails the set before any file changes
        _destination(directory / name)
    temps = {}
    try:
        for name in names:
            fd, tmp = _temp_for(directory / name)
            os.close(fd)
            temps[name] = tmp
        yield dict(temps)
        _pause_before_commit()
        for name, tmp in temps.items():
            with open(tmp, "rb+") as fh:
                os.fsync(fh.fileno())
            os.chmod(tmp, _default_mode(directory / name))
        with _signals_deferred(), _locked(directory):
            for name, tmp in temps.items():
                os.replace(tmp, directory / name)
                PENDING.discard(tmp)
        _fsync_dir(directory)
    except BaseException:
        for tmp in temps.values():
            _remove(tmp)
        raise
