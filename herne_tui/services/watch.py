"""Noticing other processes' commits, cheaply enough to ask several times a second.

For an SQLite file a dedicated stdlib connection (opened once, never from the pool, never
inside a transaction) asks ``PRAGMA data_version``: the number changes whenever any *other*
connection — another process, or another connection of this one — has committed. Only then
are the history entries newer than the last seen one read, so the caller can say who changed
what. Other engines (PostgreSQL) poll ``max(history.id)`` instead: one indexed query. That is
sound because every PostgreSQL write transaction holds the writers' advisory lock from its
first statement to its commit (``store.Database.write``), so history ids become visible in
the order they were handed out: a snapshot never shows a newer id while an older one is still
to come.
"""

from __future__ import annotations

import sqlite3
import threading

from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError

from herne_tui.db.models import HistoryRow
from herne_tui.db.store import Database
from herne_tui.domain import objects as d
from herne_tui.errors import DatabaseBusy, DatabaseUnavailable
from herne_tui.services.queries import to_history


class ChangeWatcher:
    """Tells whether the database changed since the last look, and which history is new.

    ``poll()`` returns None when nothing was committed since the previous call, else the new
    history entries (oldest first; possibly empty, e.g. after a restore: refresh anyway).
    Thread-safe; meant to be called from a worker thread about every half second.
    """

    def __init__(
        self, db: Database, *, use_data_version: bool | None = None, since: int | None = None
    ):
        self.db = db
        self._lock = threading.Lock()
        self._conn: sqlite3.Connection | None = None
        use = db.path is not None if use_data_version is None else use_data_version
        if use and db.path is None:
            raise ValueError("PRAGMA data_version needs an SQLite file")
        if use:
            self._conn = db.connect_raw()
        self._closed = False
        self._marker = self._probe()  # first, so a commit in between is not missed
        newest = self._max_id()
        self.last_id = newest if since is None else since
        """The newest history id already handed out (or present when watching began, or
        ``since``: what the caller has already seen)."""
        self._behind = newest != self.last_id
        """True while entries after ``since`` are still to be handed out."""

    # -- probes -----------------------------------------------------------------------------
    def _max_id(self) -> int:
        return self.db.read(lambda s: s.scalars(select(func.max(HistoryRow.id))).one()) or 0

    def _probe(self) -> int:
        if self._conn is not None:
            return self._conn.execute("PRAGMA data_version").fetchone()[0]
        return self._max_id()

    @property
    def uses_data_version(self) -> bool:
        """True when changes are detected with SQLite's ``PRAGMA data_version``."""
        return self._conn is not None

    # -- API ----------------------------------------------------------------------------------
    def quiet(self) -> bool:
        """True when surely nothing was committed since the last poll: one ``PRAGMA
        data_version``, cheap enough for the UI thread (the app then starts no worker). False
        when it cannot tell (no data_version, a poll under way, an error): poll then."""
        if self._conn is None or self._behind or not self._lock.acquire(blocking=False):
            return False
        try:
            if self._closed or self._conn is None:
                return False
            return self._conn.execute("PRAGMA data_version").fetchone()[0] == self._marker
        except sqlite3.Error:
            return False
        finally:
            self._lock.release()

    def poll(self) -> list[d.HistoryEntry] | None:
        """None when nothing changed; else the history entries newer than the last seen."""
        with self._lock:
            if self._closed:
                return None
            try:
                marker = self._probe()
                if marker == self._marker and not self._behind:
                    return None
                entries = self._new_entries()
            except (sqlite3.OperationalError, OperationalError, DatabaseBusy, DatabaseUnavailable):
                # locked for a moment (recovery, restore) or the server is restarting:
                # look again next time
                return None
            if self._conn is not None:
                self._marker = marker
            self._behind = False
            return entries

    def _new_entries(self) -> list[d.HistoryEntry]:
        last = self.last_id

        def run(session) -> tuple[int, list[d.HistoryEntry]]:
            newest = session.scalars(select(func.max(HistoryRow.id))).one() or 0
            rows = session.scalars(
                select(HistoryRow).where(HistoryRow.id > last).order_by(HistoryRow.id)
            ).all()
            return newest, [to_history(r) for r in rows]

        newest, entries = self.db.read(run)
        # Read in one snapshot; after a restore the history may be shorter: go on from its end.
        self.last_id = newest
        if self._conn is None:
            self._marker = newest
        return entries

    def close(self) -> None:
        """Close the dedicated connection; ``poll`` returns None afterwards."""
        with self._lock:
            self._closed = True
            if self._conn is not None:
                self._conn.close()
                self._conn = None

    def __enter__(self) -> ChangeWatcher:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


__all__ = ["ChangeWatcher"]
