"""Where the database lives and what time it is – with the standard library only.

Kept free of SQLAlchemy so the app can paint its first board before the ORM has loaded.
"""

from __future__ import annotations

import getpass
import os
from datetime import UTC, datetime
from pathlib import Path

ENV_DB = "HERNE_TUI_DB"
ENV_USER = "HERNE_TUI_USER"
ENV_NOW = "HERNE_TUI_NOW"
"""Freezes the clock for scripted tests and reports (an ISO datetime)."""


def default_db_path() -> Path:
    """The SQLite file in the user's data directory (platformdirs)."""
    from platformdirs import user_data_path

    return user_data_path("herne-tui", appauthor=False) / "herne-tui.db"


def raw_target(db: str | os.PathLike | None = None) -> str:
    """``--db``, else ``HERNE_TUI_DB``, else the default file, as the user wrote it."""
    return str(db) if db else os.environ.get(ENV_DB) or str(default_db_path())


def plain_sqlite_file(db: str | os.PathLike | None = None) -> Path | None:
    """The SQLite file a ``--db`` value names, or None for URLs (those need SQLAlchemy)."""
    raw = raw_target(db)
    if "://" in raw:
        return None
    return Path(raw).expanduser().absolute()


def system_clock() -> datetime:
    """Now, in UTC; ``HERNE_TUI_NOW`` freezes it."""
    if frozen := os.environ.get(ENV_NOW):
        value = datetime.fromisoformat(frozen)
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    return datetime.now(UTC)


def check_writable(path: Path) -> str | None:
    """Why a user cannot write the SQLite file and its -wal/-shm companions, or None."""
    directory = path.parent
    if not directory.exists():
        return None
    if not os.access(directory, os.W_OK | os.X_OK):
        return (
            f"Verzeichnis {directory} ist für Sie nicht beschreibbar (SQLite legt dort "
            f"{path.name}-wal/-shm an): Gruppe und Rechte setzen (chgrp GRUPPE {directory}; "
            f"chmod 2775 {directory}) oder --read-only verwenden"
        )
    for candidate in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
        if candidate.exists() and not os.access(candidate, os.W_OK):
            return (
                f"{candidate} ist für Sie nicht beschreibbar: chmod g+w {candidate} "
                "(und umask 002 für alle Nutzer) oder --read-only verwenden"
            )
    return None


def default_user() -> str:
    """Who is making changes: ``HERNE_TUI_USER``, else the operating-system user."""
    if user := os.environ.get(ENV_USER):
        return user
    try:
        return getpass.getuser()
    except Exception:  # no passwd entry (containers)
        return "unbekannt"


def write_crash_log(details: str) -> Path | None:
    """Write an unexpected error's traceback to a new file in the user log folder (platformdirs
    ``user_log_path``); return its path, or None when even that cannot be written."""
    from platformdirs import user_log_path

    folder = user_log_path("herne-tui", appauthor=False)
    log = folder / f"absturz-{datetime.now():%Y%m%d-%H%M%S}-{os.getpid()}.log"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        log.write_text(details, encoding="utf-8")
    except OSError:
        return None
    return log


def crash_line(log: Path | None) -> str:
    """The one German line shown after an unexpected error."""
    if log is None:
        return "unerwarteter Fehler (Protokoll konnte nicht geschrieben werden)"
    return f"unerwarteter Fehler; Einzelheiten in {log} (bitte dem Betreuer schicken)"
