"""Quick start: paint the board from the database before the ORM has even loaded.

Importing SQLAlchemy and the table mappings costs more than starting an empty Textual
screen. The board does not need them to be *shown*: for a current, seeded SQLite file the
first board is read here with the standard library (read-only, one short transaction), and
the full ``Database`` opens in a background thread in the user's first pause (or as soon as
something needs it; ``DeferredDatabase``). Anything else (a URL, a missing, old or unseeded
file, an unwritable one) takes the normal path through ``schema.open_database``.
``tests/test_quickstart.py`` checks that both readers agree.
"""

from __future__ import annotations

import json
import logging
import sqlite3
import threading
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path
from sys import intern

from herne_tui import SCHEMA_VERSION
from herne_tui.db.env import busy_timeout_default
from herne_tui.domain import objects as d
from herne_tui.domain import search
from herne_tui.paths import check_writable, plain_sqlite_file

_log = logging.getLogger(__name__)

MEASURE_COLUMNS = (
    "id, topic_key, title, text, status_key, position, paragraph, subitems, "
    "targets, related, responsible, lead, due, version, origin"
)


def _connect(path: Path) -> sqlite3.Connection | None:
    """A read-only connection to a current herne-tui SQLite file, inside a read transaction
    (None: take the slow path)."""
    if not path.is_file():
        return None
    try:
        conn = sqlite3.connect(
            f"{path.absolute().as_uri()}?mode=ro", uri=True, timeout=busy_timeout_default()
        )
    except sqlite3.Error:
        return None
    if _log.isEnabledFor(logging.DEBUG):  # --debug logs this reader's SQL too, like the ORM's
        conn.set_trace_callback(_log.debug)
    try:
        row = conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
        if row and str(row[0]) == str(SCHEMA_VERSION):
            conn.execute("BEGIN")
            return conn
    except sqlite3.Error:
        pass
    conn.close()
    return None


def _labels(conn: sqlite3.Connection) -> tuple[tuple[d.Topic, ...], tuple[d.Status, ...]]:
    topics = tuple(
        d.Topic(*r) for r in conn.execute('SELECT key, name, "order" FROM topic ORDER BY "order"')
    )
    statuses = tuple(
        d.Status(k, label, order, bool(done))
        for k, label, order, done in conn.execute(
            'SELECT key, label, "order", done FROM status ORDER BY "order"'
        )
    )
    return topics, statuses


def read_measure(
    path: Path, measure_id: str
) -> tuple[d.Measure, tuple[d.Topic, ...], tuple[d.Status, ...]] | None:
    """One measure with its notes, and the labels, read from a current, seeded SQLite file
    without the ORM; None to take the slow path (also for an unknown id: it says why)."""
    conn = _connect(path)
    if conn is None:
        return None
    try:
        topics, statuses = _labels(conn)
        row = conn.execute(
            f"SELECT {MEASURE_COLUMNS} FROM measure WHERE id = ?", (measure_id,)
        ).fetchone()
        if not topics or not statuses or row is None:
            return None
        places = [
            d.Place(topic, paragraph)
            for topic, paragraph in conn.execute(
                "SELECT topic_key, paragraph FROM repeat WHERE of_measure = ? ORDER BY id",
                (measure_id,),
            )
        ]
        subject = f"measure:{measure_id}"
        if conn.execute(
            "SELECT 1 FROM note WHERE subject = ? AND intern != '' LIMIT 1", (subject,)
        ).fetchone():
            return None  # internal notes: who may read them is the services' decision
        notes = tuple(
            d.Note(nid, author, _utc(at), text)
            for nid, author, at, text in conn.execute(
                "SELECT id, author, at, text FROM note WHERE subject = ? ORDER BY at, id",
                (subject,),
            )
        )
        measure = _measure(row, Counter(), {measure_id: places})
        conn.execute("COMMIT")
        return replace(measure, notes=notes, note_count=len(notes)), topics, statuses
    except (sqlite3.Error, ValueError, KeyError, TypeError):
        return None
    finally:
        conn.close()


def _utc(value: str) -> datetime:
    """A stored (naive UTC) datetime as aware UTC."""
    at = datetime.fromisoformat(value)
    return at if at.tzinfo else at.replace(tzinfo=UTC)


def read_board(path: Path) -> d.Board | None:
    """The board of a current, seeded herne-tui SQLite file, or None to take the slow path."""
    conn = _connect(path)
    if conn is None:
        return None
    try:
        topics, statuses = _labels(conn)
        if not topics or not statuses:
            return None
        shared: dict[str, list[str]] = defaultdict(list)  # the shared notes only (issue 14)
        for subject, text in conn.execute(
            "SELECT subject, text FROM note WHERE subject LIKE 'measure:%' AND intern = '' "
            "ORDER BY id"
        ):
            shared[subject].append(text)
        notes = Counter({subject: len(texts) for subject, texts in shared.items()})
        repeats = defaultdict(list)
        for of, topic, paragraph in conn.execute(
            "SELECT of_measure, topic_key, paragraph FROM repeat ORDER BY id"
        ):
            repeats[of].append(d.Place(topic, paragraph))
        measures = tuple(
            _measure(r, notes, repeats, search.notes_text(shared.get(f"measure:{r[0]}", ())))
            for r in conn.execute(f"SELECT {MEASURE_COLUMNS} FROM measure ORDER BY position")
        )
        meta = {}
        for key, value in conn.execute("SELECT key, value FROM meta"):
            try:
                meta[key] = json.loads(value)
            except ValueError:
                meta[key] = value
        measures = _with_pending(conn, measures, meta)
        (newest,) = conn.execute("SELECT max(id) FROM history").fetchone()
        conn.execute("COMMIT")
        return d.Board(
            topics=topics, statuses=statuses, measures=measures, meta=meta, history_id=newest or 0
        )
    except (sqlite3.Error, ValueError, KeyError, TypeError):
        return None
    finally:
        conn.close()


def read_access(path: Path, user: str) -> d.Access | None:
    """What ``user`` may do, as ``services.access.access_in`` says (None: cannot tell)."""
    conn = _connect(path)
    if conn is None:
        return None
    try:
        if conn.execute("SELECT name FROM app_user LIMIT 1").fetchone() is None:
            return d.Access.of(user, users_exist=False, row=None)
        row = conn.execute("SELECT partner, role FROM app_user WHERE name = ?", (user,)).fetchone()
        return d.Access.of(user, users_exist=True, row=row)
    except sqlite3.Error:
        return None
    finally:
        conn.close()


def _with_pending(conn, measures: tuple[d.Measure, ...], meta: dict) -> tuple[d.Measure, ...]:
    """The cards' status proposals waiting for confirmation (issue 14), as the ORM reads them."""
    waiting = dict(
        conn.execute(
            "SELECT entity_id, new || char(31) || party FROM proposal "
            "WHERE entity = 'measure' AND state = 'offen'"
        )
    )
    if not waiting:
        return measures
    partners = tuple((meta.get("agreement") or {}).get("partners") or ())
    out = []
    for m in measures:
        if m.id in waiting:
            new, _, party = waiting[m.id].partition(chr(31))
            others = tuple(p for p in partners if p != party)
            m = replace(m, pending=json.loads(new), confirm_by=others)
        out.append(m)
    return tuple(out)


def _json_tuple(text: str) -> tuple:
    """A stored JSON list as a tuple; most are empty, and ``[]`` needs no parser."""
    return () if text == "[]" else tuple(json.loads(text))


def _measure(r, notes: Counter, repeats, notes_text: str | None = None) -> d.Measure:
    (
        mid,
        topic,
        title,
        text,
        status,
        position,
        paragraph,
        subitems,
        targets,
        related,
        responsible,
        lead,
        due,
        version,
        origin,
    ) = r
    return d.Measure(  # the few distinct labels once in memory, not once per measure
        id=mid,
        topic=intern(topic),
        title=title,
        text=text,
        status=intern(status),
        position=position,
        paragraph=paragraph,
        subitems=_json_tuple(subitems),
        targets=tuple(
            d.Target(t["label"], t["value"], t.get("unit", "")) for t in _json_tuple(targets)
        ),
        related=_json_tuple(related),
        duplicates=tuple(repeats.get(mid, ())),
        responsible=intern(responsible),
        lead=intern(lead),
        due=date.fromisoformat(due) if due else None,
        version=version,
        note_count=notes.get(f"measure:{mid}", 0),
        origin=intern(origin or ""),
        notes_text=notes_text,
    )


class DeferredDatabase:
    """Stands in for ``store.Database`` until it has opened in a background thread.

    ``start()`` begins opening (the app calls it once the user pauses after the first paint,
    so that loading the ORM never competes with the first keys); any other attribute waits
    until the database is open and then comes from it. Until then ``quick_newest_history_id``
    and ``quick_access`` answer with the standard library, so the watcher and the board's
    rights do not need the ORM.
    """

    def __init__(self, opener: Callable[[], object], *, path: Path, read_only: bool):
        self.path = path
        self.read_only = read_only
        self._opener = opener
        self._db: object | None = None
        self._error: BaseException | None = None
        self._ready = threading.Event()
        self._started = False
        self._lock = threading.Lock()
        self._probe: sqlite3.Connection | None = None
        self._probe_version: int | None = None
        self._probe_newest = 0

    def start(self) -> None:
        """Open the real database in a background thread (once)."""
        with self._lock:
            if self._started:
                return
            self._started = True
            if self._probe is not None:  # from now on the real database answers
                self._probe.close()
                self._probe = None
        threading.Thread(target=self._open, name="open-database", daemon=True).start()

    def _open(self) -> None:
        try:
            self._db = self._opener()
        except BaseException as exc:  # reported to whoever uses the database next
            self._error = exc
        finally:
            self._ready.set()

    @property
    def quick_pending(self) -> bool:
        """True until opening has begun (from then on everything goes to the real database)."""
        return not self._started

    def quick_newest_history_id(self) -> int | None:
        """The newest history id, read without the ORM (None: cannot tell). One read-only
        connection stays open for it: ``PRAGMA data_version`` tells in microseconds whether
        another connection committed, so a poll with nothing new costs next to nothing."""
        with self._lock:
            if self._started:
                return None
            try:
                if self._probe is None:
                    self._probe = sqlite3.connect(
                        f"{self.path.absolute().as_uri()}?mode=ro",
                        uri=True,
                        timeout=0.1,  # asked on the UI thread: busy means "cannot tell"
                        isolation_level=None,  # autocommit: no read transaction stays open
                        check_same_thread=False,  # closed by whichever thread starts the db
                    )
                (version,) = self._probe.execute("PRAGMA data_version").fetchone()
                if version != self._probe_version:
                    (newest,) = self._probe.execute("SELECT max(id) FROM history").fetchone()
                    self._probe_version, self._probe_newest = version, int(newest or 0)
                return self._probe_newest
            except (sqlite3.Error, TypeError, ValueError):
                return None

    def quick_access(self, user: str) -> d.Access | None:
        """What ``user`` may do, read without the ORM (None: cannot tell)."""
        return read_access(self.path, user)

    def database(self):
        """The opened database (waits for it; re-raises an error from opening)."""
        self.start()
        self._ready.wait()
        if self._error is not None:
            raise self._error
        return self._db

    def __getattr__(self, name: str):
        return getattr(self.database(), name)


def quick_start(
    db_arg, *, read_only: bool, opener: Callable[[], object]
) -> tuple[d.Board, DeferredDatabase] | None:
    """The first board and a deferred database, when the fast path applies; else None."""
    path = plain_sqlite_file(db_arg)
    if path is None or (not read_only and check_writable(path)):
        return None
    board = read_board(path)
    if board is None:
        return None
    return board, DeferredDatabase(opener, path=path, read_only=read_only)
