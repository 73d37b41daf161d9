"""Writing files without losing anything: the library's own files, and the outputs a person names.

What it owns:

* :func:`atomic_write`: a file written whole or not at all (a temporary file beside
  it, flushed and fsynced, then renamed over it). A symlink is written through: the
  new text goes to the file it points to, beside that file, and the link stays. The
  file keeps its mode; a new file gets the mode the user's umask gives (0644 with
  the usual 022), not the 0600 of a temporary file.
* :func:`locked`: the exclusive lock (``.innoref.lock`` in the library folder) that
  every read-modify-write holds. A writer that finds it taken says who holds it
  (through ``on_wait``, after a moment) and gives up after ``wait`` seconds.
* :func:`write_output`: an ``--output`` path given by a person, treated as an
  attacker would treat it: a path that is (through symlinks, ``..`` or a hard link)
  a file of the library in use is refused; a FIFO or a character device is written
  as a stream (``/dev/null`` stays a device); a symlink is written through to its
  target; a missing folder is made; a folder, a block device or a path under a
  regular file is an error.
* :func:`remove_leftover_temp_files`: only innoref's own temporary files, named
  ``.<name>.innoref-XXXXXXXX.tmp``, are ever removed; a file of the user's that merely
  looks temporary stays.

Every failure is an :class:`~innoref.errors.InnorefError` that names the path and
says nothing was written. Never prints, never exits.
"""

from __future__ import annotations

import errno
import os
import re
import stat
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterable, Iterator

from innoref.errors import InnorefError

TEMP_MARK = ".innoref-"
LOCK_NAME = ".innoref.lock"
DEFAULT_WAIT = 30.0  # seconds a writer waits for the lock (--wait)
NOTIFY_AFTER = 1.0  # seconds before a waiting writer says what it waits for


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _real(path: Path) -> Path:
    """The file a write of ``path`` must change: through every symlink, as an absolute path."""
    return Path(os.path.realpath(path))


def _temp_pattern(name: str) -> re.Pattern[str]:
    return re.compile(re.escape(f".{name}{TEMP_MARK}") + r"[A-Za-z0-9_]{8}\.tmp")


def _why(exc: OSError) -> str:
    return exc.strerror or str(exc)


def atomic_write(path: Path, data: str | bytes, *, make_folder: bool = False) -> Path:
    """Write ``path`` whole or not at all; returns the file actually written (a symlink's target).

    Raises :class:`InnorefError` naming the path when it cannot be written; the old
    file is then unchanged. ``make_folder`` creates a missing parent folder.
    """
    payload = data.encode("utf-8") if isinstance(data, str) else data
    target = _real(Path(path))
    folder = target.parent
    try:
        if make_folder:
            folder.mkdir(parents=True, exist_ok=True)
        try:
            mode = stat.S_IMODE(os.stat(target).st_mode)
        except FileNotFoundError:
            mode = 0o666 & ~_umask()
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}{TEMP_MARK}", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise InnorefError(f"{path}: cannot write: {_why(exc)}; nothing was written") from None
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(payload)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, target)
    except BaseException as exc:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        if isinstance(exc, OSError):
            raise InnorefError(f"{path}: cannot write: {_why(exc)}; nothing was written") from None
        raise
    try:
        dir_fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)
    except OSError:
        pass
    return target


def remove_leftover_temp_files(path: Path) -> None:
    """Remove innoref's own temporary files that a killed :func:`atomic_write` of ``path`` left.

    Call only under :func:`locked`: then no other writer of ``path`` is half-way.
    """
    target = _real(Path(path))
    pattern = _temp_pattern(target.name)
    try:
        entries = list(os.scandir(target.parent))
    except OSError:
        return
    for entry in entries:
        if pattern.fullmatch(entry.name) and entry.is_file(follow_symlinks=False):
            try:
                os.unlink(entry.path)
            except OSError:
                pass


def refuse_read_only(path: Path) -> None:
    """A library file the user made read-only (``chmod 444``) is not written over, even by root."""
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return
    except OSError as exc:
        raise InnorefError(f"{path}: cannot read: {_why(exc)}") from None
    if not st.st_mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH) or not os.access(path, os.W_OK):
        raise InnorefError(
            f"{path} is read-only (mode {stat.S_IMODE(st.st_mode):04o}); nothing was written. "
            "Make it writable (chmod u+w) to change it"
        )


# --------------------------------------------------------------------------- the lock


def _holder(handle) -> str:
    try:
        handle.seek(0)
        text = handle.read(200).decode("utf-8", "replace").strip()
    except OSError:
        text = ""
    return text or "another process"


@contextmanager
def locked(folder: Path, *, wait: float = DEFAULT_WAIT,
           on_wait: Callable[[str], None] | None = None, what: str = "innoref") -> Iterator[None]:
    """Hold the library folder's exclusive lock for a read-modify-write.

    When another process holds it, ``on_wait(holder)`` is called once after
    :data:`NOTIFY_AFTER` seconds, and after ``wait`` seconds the wait ends with an
    :class:`InnorefError` naming the holder. The holder is described by what it
    wrote into the lock file: ``what``, its process id and the time it took the lock.
    """
    import fcntl

    try:
        folder.mkdir(parents=True, exist_ok=True)
        handle = open(folder / LOCK_NAME, "a+b")
    except OSError as exc:
        raise InnorefError(f"{folder}: cannot create or lock the library folder: {_why(exc)}") from None
    with handle:
        start = time.monotonic()
        told = False
        while True:
            try:
                fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except OSError as exc:
                if exc.errno not in (errno.EAGAIN, errno.EACCES, errno.EWOULDBLOCK):
                    raise InnorefError(f"{folder}: cannot lock the library folder: {_why(exc)}") from None
            waited = time.monotonic() - start
            if waited >= wait:
                raise InnorefError(
                    f"{folder / LOCK_NAME} is held by {_holder(handle)}; gave up after {wait:g} s and "
                    "nothing was written (wait longer with --wait SECONDS)"
                )
            if not told and waited >= NOTIFY_AFTER and on_wait is not None:
                on_wait(_holder(handle))
                told = True
            time.sleep(min(0.05, max(wait - waited, 0.001)))
        try:
            handle.truncate(0)
            handle.write(f"{what} (pid {os.getpid()}, since {time.strftime('%H:%M:%S')})".encode())
            handle.flush()
        except OSError:
            pass  # the lock is what matters; the note only helps a waiting process
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


# --------------------------------------------------------------------------- outputs


def _same_file(a: Path, b: Path) -> bool:
    if _real(a) == _real(b):
        return True
    try:
        return os.path.samestat(os.stat(a), os.stat(b))
    except OSError:
        return False


def write_output(path: Path, data: str | bytes, *, protected: Iterable[Path] = (),
                 skip_unchanged: bool = False) -> bool:
    """Write an output file a person named; True when it was written.

    ``protected`` are the files of the library in use: an output that is one of them
    (through symlinks, ``..`` or hard links) is refused. With ``skip_unchanged``, a
    regular file that already holds exactly ``data`` is left alone (same bytes, same
    modification time), so that make and latexmk see nothing new.
    """
    path = Path(path)
    payload = data.encode("utf-8") if isinstance(data, str) else data
    for guarded in protected:
        if _same_file(path, guarded):
            raise InnorefError(f"{path} is the library's own {Path(guarded).name}; refusing to write "
                               "an export over it (choose another --output)")
    try:
        st = os.stat(path)
    except FileNotFoundError:
        st = None
    except NotADirectoryError:
        raise InnorefError(f"{path}: cannot write: a part of the path is a file, not a folder; "
                           "nothing was written") from None
    except OSError as exc:
        raise InnorefError(f"{path}: cannot write: {_why(exc)}; nothing was written") from None
    if st is None:
        parent = _real(path).parent
        try:
            parent.mkdir(parents=True, exist_ok=True)  # `-o out/refs.bib` makes out/
        except (FileExistsError, NotADirectoryError):
            raise InnorefError(f"{path}: cannot write: a part of the path is a file, not a folder; "
                               "nothing was written") from None
        except OSError as exc:
            raise InnorefError(f"{path}: cannot write: {_why(exc)}; nothing was written") from None
    elif stat.S_ISDIR(st.st_mode):
        raise InnorefError(f"{path} is a folder; give a file name to write to")
    elif stat.S_ISFIFO(st.st_mode) or stat.S_ISCHR(st.st_mode) or stat.S_ISSOCK(st.st_mode):
        try:
            with open(path, "wb") as stream:  # a pipe or device is written to, never replaced
                stream.write(payload)
        except OSError as exc:
            raise InnorefError(f"{path}: cannot write: {_why(exc)}") from None
        return True
    elif not stat.S_ISREG(st.st_mode):
        raise InnorefError(f"{path} is not a regular file, a pipe or a character device; nothing was written")
    elif skip_unchanged and st.st_size == len(payload):
        try:
            if _real(path).read_bytes() == payload:
                return False
        except OSError:
            pass
    atomic_write(path, payload)
    return True
