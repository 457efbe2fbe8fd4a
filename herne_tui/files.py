"""Writing files safely: never over the database, never over a file unless asked, never half.

Every file herne-tui writes for a user (``-o`` of ``export``/``report``, the app's saved
reports, backups) goes through :func:`atomic_write` or :func:`publish`: the content is written
to a temporary file in the target's folder, flushed to disk, and only then renamed into place
(without ``force`` by a hard link, which never replaces a file someone created meanwhile). The
temporary file is removed on every failure, a KeyboardInterrupt included.
"""

from __future__ import annotations

import contextlib
import errno
import os
import signal
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

from herne_tui.errors import HerneError, InvalidInput, already_exists

DATABASE_COMPANIONS = ("", "-wal", "-shm", "-journal")
"""Suffixes of the files that make up a live SQLite database."""

NO_SPACE = (errno.ENOSPC, errno.EFBIG, errno.EDQUOT)


class WriteFailed(HerneError):
    """A file could not be written (full disk, read-only folder, ...); nothing was replaced."""


def _same(a: Path, b: Path) -> bool:
    """Whether two paths name one file: the same inode, or (for missing files) one path."""
    try:
        sa, sb = a.stat(), b.stat()
    except OSError:
        return a.expanduser().resolve() == b.expanduser().resolve()
    return (sa.st_dev, sa.st_ino) == (sb.st_dev, sb.st_ino)


def database_files(database: Path) -> list[Path]:
    """The database file and its ``-wal``/``-shm``/``-journal`` companions."""
    return [Path(f"{database}{suffix}") for suffix in DATABASE_COMPANIONS]


def check_target(path: Path, *, database: Path | None, force: bool) -> None:
    """Refuse to write ``path`` over the database (ever) or an existing file (without force)."""
    if database is not None:
        for part in database_files(database):
            if _same(path, part):
                raise InvalidInput(
                    f"{path} ist die Datenbank {database} (oder eine ihrer Dateien): "
                    "nie überschreiben – bitte einen anderen Dateinamen wählen"
                )
    if not force and (path.exists() or path.is_symlink()):
        raise already_exists(path)


def write_error(exc: OSError, path: Path) -> WriteFailed:
    """One German line for a failed write of ``path``."""
    if exc.errno in NO_SPACE:
        return WriteFailed(
            f"{path}: Kein Platz mehr auf dem Datenträger (oder Dateigröße begrenzt): "
            "Platz schaffen und erneut versuchen; nichts wurde überschrieben"
        )
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return WriteFailed(
            f"{path}: Ordner {path.parent} ist nicht beschreibbar: anderen Ort wählen "
            "oder Rechte setzen"
        )
    if exc.errno == errno.ENOENT:
        return WriteFailed(f"{path}: Ordner {path.parent} gibt es nicht: bitte anlegen")
    return WriteFailed(f"{path}: Schreiben fehlgeschlagen ({exc.strerror or exc})")


@contextlib.contextmanager
def temporary_beside(path: Path) -> Iterator[Path]:
    """A fresh temporary file name in ``path``'s folder, removed afterwards unless moved.

    SIGTERM is held back while the file is created, so a termination (which the CLI turns
    into an exception) always finds the name known and the file removed."""
    tmp: Path | None = None
    held = _hold_term()
    try:
        try:
            fd, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
        except OSError as exc:
            raise write_error(exc, path) from None
        tmp = Path(name)
        os.close(fd)
        _release_term(held)  # a SIGTERM that waited arrives here, with tmp known
        held = None
        yield tmp
    finally:
        _release_term(held)
        for leftover in (tmp, Path(f"{tmp}-journal")) if tmp is not None else ():
            with contextlib.suppress(OSError):
                leftover.unlink()


def _hold_term() -> set[int] | None:
    """Block SIGTERM in this thread; the previous mask (None where signals cannot be masked)."""
    if not hasattr(signal, "pthread_sigmask"):
        return None
    return set(signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGTERM}))


def _release_term(previous: set[int] | None) -> None:
    if previous is not None:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def publish(tmp: Path, dest: Path, *, force: bool) -> None:
    """Move a complete temporary file to ``dest``; never over an existing one unless ``force``."""
    try:
        if force:
            os.replace(tmp, dest)
        else:
            try:
                os.link(tmp, dest)  # never overwrites, even when someone raced us
            except FileExistsError:
                raise already_exists(dest) from None
            except OSError as exc:  # file systems without hard links
                if exc.errno in NO_SPACE or dest.exists():
                    raise
                os.replace(tmp, dest)
        fsync_dir(dest.parent)
    except OSError as exc:
        raise write_error(exc, dest) from None


def atomic_write(
    path: str | os.PathLike,
    content: str | bytes | Callable[[Path], None],
    *,
    force: bool = False,
    database: Path | None = None,
) -> Path:
    """Write ``content`` (text, bytes, or a function writing the temporary file) to ``path``.

    Refuses the database and, without ``force``, an existing file; raises WriteFailed (one
    line) on a full disk or a read-only folder, leaving neither a temporary file nor a changed
    target behind.
    """
    target = Path(path).expanduser()
    check_target(target, database=database, force=force)
    with temporary_beside(target) as tmp:
        try:
            if callable(content):
                content(tmp)
            else:
                data = content.encode("utf-8") if isinstance(content, str) else content
                with open(tmp, "wb") as f:
                    f.write(data)
                    f.flush()
                    os.fsync(f.fileno())
        except OSError as exc:
            raise write_error(exc, target) from None
        publish(tmp, target, force=force)
    return target


def fsync_file(path: Path) -> None:
    """Flush a written file to disk."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def fsync_dir(path: Path) -> None:
    """Flush a directory entry to disk, where the system allows it."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
