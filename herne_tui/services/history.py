"""The board as of any moment, rebuilt purely from the history table (replay).

Entries with field ``*`` create a row with the initial user fields held in ``new``; later
entries change one user field each (``edit``, ``undo``, a re-seed's merge); ``note`` entries
add a note. Only user fields are replayed: the agreement's own data (titles, texts, topics,
rights) is taken from today's rows. A row exists as of a moment when its ``*`` entry was
recorded at or before it; the seed dates those at the agreement's signing date.

A *date* given as "as of" means the end of that day in UTC: every entry recorded before
00:00 UTC of the following day is included.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from herne_tui.db.models import (
    CommitteeRow,
    DissentRow,
    HistoryRow,
    HoldingRow,
    MeasureRow,
    PaperRow,
    PositionRow,
    PostRow,
    RuleRow,
    SeatRow,
    StatusRow,
    TopicRow,
)
from herne_tui.db.store import Database
from herne_tui.domain import objects as d
from herne_tui.domain.objects import FIELD_LABELS
from herne_tui.errors import InvalidInput, NotFound
from herne_tui.services import queries
from herne_tui.services.edits import ENTITIES
from herne_tui.services.queries import (
    read_board,
    read_holdings,
    to_committee,
    to_history,
    to_post,
    utc,
)

DATE_FIELDS = frozenset({"due", "state_date", "tender_date", "vote_date"})
"""User fields holding a date (history stores them as ISO text)."""

SNAPSHOT_VERSION = 0
"""The version every replayed row carries: a snapshot is read-only."""

ACTION_LABELS = {
    "seed": "Seed",
    "edit": "Änderung",
    "undo": "Rückgängig",
    "note": "Notiz",
    "meta": "Einstellung",
    "forget": "Name entfernt",
    "link": "verknüpft",
    "unlink": "gelöst",
    "reject": "abgelehnt",
    "user": "Nutzerliste",
    "propose": "Vorschlag",
    "confirm": "bestätigt",
    "decline": "zurückgewiesen",
}
"""German labels of history actions."""


@dataclass(frozen=True, slots=True)
class Snapshot:
    """The user-visible state at one moment: the board, committees, posts and seats."""

    at: datetime | None
    board: d.Board
    committees: tuple[d.Committee, ...]
    posts: tuple[d.Post, ...]
    holdings: tuple[d.Holding, ...]

    def measure(self, measure_id: str) -> d.Measure:
        """One measure of the snapshot; NotFound when it did not exist then."""
        for m in self.board.measures:
            if m.id == measure_id:
                return m
        raise NotFound(f"Maßnahme „{measure_id}“ gab es zu diesem Zeitpunkt nicht")


# -- time ---------------------------------------------------------------------------------------
def end_of_day(day: date) -> datetime:
    """The first instant after ``day`` in UTC (exclusive upper bound of an "as of" date)."""
    return datetime.combine(day + timedelta(days=1), time(0, 0), tzinfo=UTC)


def start_of_day(day: date) -> datetime:
    """00:00 UTC of ``day``."""
    return datetime.combine(day, time(0, 0), tzinfo=UTC)


def cutoff(when: date | datetime) -> datetime:
    """Exclusive upper bound for entries "as of" ``when`` (a date means its whole day, UTC)."""
    if isinstance(when, datetime):
        return utc(when) + timedelta(microseconds=1)
    return end_of_day(when)


def parse_day(text: str, field: str) -> date:
    """A date the user typed (``2026-03-31`` or ``31.03.2026``); InvalidInput naming the field."""
    try:
        return d.parse_date(text)
    except d.DateError as exc:
        raise InvalidInput(f"{field}: {exc}") from None


# -- replay -------------------------------------------------------------------------------------
def _value(field: str, value):
    if field in DATE_FIELDS:
        return date.fromisoformat(value) if value else None
    if field == "spokespeople":
        return dict(sorted((value or {}).items()))
    if field == "tender_done":
        return bool(value)
    return "" if value is None else value


def replay_entries(entries) -> tuple[dict, dict]:
    """Fold history entries (oldest first) into ``{(entity, id): fields}`` and notes per measure."""
    rows: dict[tuple[str, str], dict] = {}
    notes: dict[str, list[d.Note]] = defaultdict(list)
    for e in entries:
        spec = ENTITIES.get(e.entity)
        if spec is None:
            continue
        key = (e.entity, e.entity_id)
        if e.field == "*":
            initial = e.new or {}
            rows[key] = {f: _value(f, initial.get(f)) for f in spec.fields}
        elif e.action == "note" and e.field == "note":
            notes[e.entity_id].append(d.Note(e.id, e.user, e.at, e.new or ""))
        elif e.field in spec.fields and key in rows:
            rows[key][e.field] = _value(e.field, e.new)
    return rows, notes


def replayed(session: Session, until: datetime | None) -> tuple[dict, dict]:
    q = select(HistoryRow)
    if until is not None:
        q = q.where(HistoryRow.at < until)
    entries = [to_history(r) for r in session.scalars(q.order_by(HistoryRow.at, HistoryRow.id))]
    return replay_entries(entries)


def _snapshot(session: Session, until: datetime | None) -> Snapshot:
    rows, notes = replayed(session, until)
    board = read_board(session)
    measures = []
    for m in board.measures:
        fields = rows.get(("measure", m.id))
        if fields is None:
            continue
        own = tuple(notes.get(m.id, ()))
        measures.append(
            replace(
                m,
                status=fields["status"],
                responsible=fields["responsible"],
                lead=fields["lead"],
                due=fields["due"],
                version=SNAPSHOT_VERSION,
                notes=own,
                note_count=len(own),
            )
        )
    committees = []
    for committee in session.scalars(select(CommitteeRow).order_by(CommitteeRow.position)):
        fields = rows.get(("committee", committee.key))
        if fields is not None:
            c = to_committee(committee)
            committees.append(
                replace(
                    c,
                    change_state=fields["change_state"],
                    chair=fields["chair"],
                    chair_party=fields["chair_party"],
                    spokespeople=tuple(sorted(fields["spokespeople"].items())),
                    version=SNAPSHOT_VERSION,
                )
            )
    posts = []
    for post in session.scalars(select(PostRow).order_by(PostRow.position)):
        fields = rows.get(("post", post.key))
        if fields is not None:
            posts.append(replace(to_post(post), **fields, version=SNAPSHOT_VERSION))
    holdings = []
    for h in read_holdings(session):
        seats = tuple(
            replace(s, **rows[("seat", s.key)], version=SNAPSHOT_VERSION)
            for s in h.seats
            if ("seat", s.key) in rows
        )
        holdings.append(replace(h, seats=seats))
    return Snapshot(
        at=until,
        board=replace(board, measures=tuple(measures)),
        committees=tuple(committees),
        posts=tuple(posts),
        holdings=tuple(holdings),
    )


def state_as_of(db: Database, when: date | datetime) -> Snapshot:
    """The user-visible state as of ``when`` (a date: end of that day, UTC), from history."""
    limit = cutoff(when)
    return db.read(lambda s: _snapshot(s, limit))


def replay_all(db: Database) -> Snapshot:
    """Replay the entire history from the seed: must equal today's user-visible state."""
    return db.read(lambda s: _snapshot(s, None))


def last_changes(db: Database, until: date | datetime | None = None) -> dict[str, datetime]:
    """Per measure id, when its latest history entry (of any kind) was recorded."""
    limit = cutoff(until) if until is not None else None

    def run(session: Session) -> dict[str, datetime]:
        q = select(HistoryRow.entity_id, HistoryRow.at).where(HistoryRow.entity == "measure")
        if limit is not None:
            q = q.where(HistoryRow.at < limit)
        out: dict[str, datetime] = {}
        for entity_id, at in session.execute(q):
            at = utc(at)
            if entity_id not in out or at > out[entity_id]:
                out[entity_id] = at
        return out

    return db.read(run)


# -- the history listing (CLI `history`, the app's history screen) ----------------------------
def resolve_subject(db: Database, text: str) -> tuple[str, str]:
    """Which row an id names: ``(entity, key)``; NotFound naming it when nothing matches."""
    wanted = text.strip()
    if db.read(lambda s: s.get(MeasureRow, wanted.upper())) is not None:
        return "measure", wanted.upper()
    for entity, keys in (
        ("committee", [c.key for c in queries.list_committees(db)]),
        ("post", [p.key for p in queries.list_posts(db)]),
        ("seat", [s.key for h in queries.list_holdings(db) for s in h.seats]),
    ):
        if wanted in keys:
            return entity, wanted
    raise NotFound(
        f"ID „{text}“ gibt es nicht (Maßnahme wie ARB-01, oder Schlüssel eines "
        "Ausschusses, Postens oder Sitzes)"
    )


def list_changes(
    db: Database,
    *,
    user: str | None = None,
    topic: str | None = None,
    since: date | datetime | None = None,
    until: date | datetime | None = None,
    limit: int | None = None,
    newest_first: bool = True,
) -> tuple[d.HistoryEntry, ...]:
    """Recent changes across everything, filtered by person, topic (measures) and period.

    ``since`` counts from 00:00 UTC of a date; ``until`` includes the whole of a date.
    """
    entries = queries.history(
        db,
        user=user,
        since=since,
        until=cutoff(until) if until is not None else None,
        newest_first=newest_first,
        limit=None if topic else limit,
    )
    if topic:
        ids = {m.id for m in queries.load_board(db).measures if m.topic == topic.upper()}
        entries = tuple(e for e in entries if e.entity == "measure" and e.entity_id in ids)
    return entries[:limit] if limit else entries


def _show(field: str, value, status_labels: dict[str, str]) -> str:
    if value is None or value == "" or value == {}:
        return "—"
    if field == "status":
        return status_labels.get(value, str(value))
    if field in DATE_FIELDS and isinstance(value, str):
        try:
            return d.format_date(date.fromisoformat(value))
        except ValueError:
            return value
    if isinstance(value, bool):
        return "ja" if value else "nein"
    if isinstance(value, dict):
        return ", ".join(f"{k}: {v}" for k, v in sorted(value.items())) or "—"
    return str(value)


REVIEW_MARK_KEY = "review_mark"
"""The meta key of the coalition's review mark; ``review_mark:<user>`` is one user's."""


def _moment(value: object) -> str:
    """An ISO timestamp recorded in the history as local German date and time."""
    try:
        return d.format_datetime(datetime.fromisoformat(str(value)).astimezone())
    except ValueError:
        return str(value)


def _describe_meta(entry: d.HistoryEntry, labels: dict[str, str]) -> str:
    key = entry.entity_id or ""
    if key == REVIEW_MARK_KEY or key.startswith(f"{REVIEW_MARK_KEY}:"):
        who = key.partition(":")[2]
        scope = f"für {who}" if who else "für die ganze Koalition"
        return f"Wochenrückblick als gesehen markiert ({scope}): {_moment(entry.new)}"
    return f"{key}: {_show('', entry.new, labels)}"


def _paper_label(p: PaperRow) -> str:
    return d.paper_label(p.title, p.number)


def _labels_in(session: Session) -> dict[tuple[str, str], str]:
    out: dict[tuple[str, str], str] = {}
    for c in session.scalars(select(CommitteeRow)):
        out["committee", c.key] = c.name
    for p in session.scalars(select(PostRow)):
        out["post", p.key] = f"{p.title} {p.district}".strip()
    holdings = {h.key: h.name for h in session.scalars(select(HoldingRow))}
    out.update({("holding", k): name for k, name in holdings.items()})
    for s in session.scalars(select(SeatRow)):
        out["seat", s.key] = f"{holdings.get(s.holding_key, s.holding_key)} – {s.title}"
    papers = {p.id: p for p in session.scalars(select(PaperRow))}
    out.update({("paper", str(k)): _paper_label(p) for k, p in papers.items()})
    for pos in session.scalars(select(PositionRow)):
        paper = papers.get(pos.paper_id)
        shown = _paper_label(paper) if paper else "Papier (gelöscht)"
        out["position", pos.key] = f"{shown}: Position {pos.party}"
    for x in session.scalars(select(DissentRow)):
        out["dissent", str(x.id)] = f"Dissens {x.id}"
    for t in session.scalars(select(TopicRow)):
        out["topic", t.key] = f"Thema {t.name}"
    for st in session.scalars(select(StatusRow)):
        out["status", st.key] = f"Status {st.label}"
    for r in session.scalars(select(RuleRow)):
        out["rule", r.key] = f"Regel: {r.summary}" if r.summary else "Regel"
    return out


def entity_labels(db: Database) -> dict[tuple[str, str], str]:
    """User-visible names of the rows history entries name by key: ``(entity, id)`` →
    e.g. the post's title, the company and seat, the paper's title and number."""
    return db.read(_labels_in)


def entity_label(entry: d.HistoryEntry, labels: dict[tuple[str, str], str]) -> str:
    """What an entry is about, as a user reads it (a measure keeps its visible id)."""
    if entry.entity == "meta":
        key = entry.entity_id or ""
        return "Wochenrückblick" if key.startswith(REVIEW_MARK_KEY) else key
    found = labels.get((entry.entity, entry.entity_id or ""))
    return found or entry.entity_id or entry.entity


def describe(entry: d.HistoryEntry, status_labels: dict[str, str] | None = None) -> str:
    """One German line saying what an entry changed (without who and when)."""
    labels = status_labels or {}
    if entry.action == "forget":
        count = entry.new.get("ersetzt", 0) if isinstance(entry.new, dict) else 0
        return f"Name einer Person durch Platzhalter ersetzt ({count} Werte)"
    if entry.field == "*":
        return "angelegt"
    if entry.field == "proposal" and isinstance(entry.new, dict):  # issue 14
        status = entry.new.get("status", "")
        verb = {"propose": "vorgeschlagen", "confirm": "bestätigt", "decline": "zurückgewiesen"}
        return (
            f"Statusvorschlag {entry.new.get('id', '')} "
            f"({_show('status', status, labels)}) {verb.get(entry.action, entry.action)}"
        )
    if entry.action == "note" and entry.field == "note_intern":
        return f"interne Notiz ({entry.new})"  # the text is not in the history
    if entry.action == "note":
        return f"Notiz: {entry.new}"
    if entry.entity == "meta":
        return _describe_meta(entry, labels)
    label = FIELD_LABELS.get(entry.field, entry.field)
    return (
        f"{label}: {_show(entry.field, entry.old, labels)} → "
        f"{_show(entry.field, entry.new, labels)}"
    )


def format_entry(entry: d.HistoryEntry, status_labels: dict[str, str] | None = None) -> str:
    """One text line for an entry: local date and time, who, what, which row, the change."""
    when = d.format_datetime(entry.at.astimezone())
    what = describe(entry, status_labels)
    action = ACTION_LABELS.get(entry.action, entry.action)
    line = f"{when}  {entry.user:<12} {action:<11} {entry.entity_id or '—':<10} {what}"
    extra = "; ".join(
        x
        for x in (
            entry.source and f"Quelle: {entry.source}",
            entry.comment and f"Kommentar: {entry.comment}",
        )
        if x
    )
    return f"{line} ({extra})" if extra else line


def entry_json(entry: d.HistoryEntry) -> dict:
    """An entry as plain JSON data (ISO timestamps in UTC)."""
    return {
        "id": entry.id,
        "at": entry.at.isoformat(),
        "user": entry.user,
        "action": entry.action,
        "entity": entry.entity,
        "entity_id": entry.entity_id,
        "field": entry.field,
        "label": FIELD_LABELS.get(entry.field, entry.field),
        "old": entry.old,
        "new": entry.new,
        "source": entry.source,
        "comment": entry.comment,
        "txn": entry.txn,
    }


def measure_detail(
    db: Database, measure_id: str, *, user: str = "", limit: int = 5
) -> tuple[d.Measure, list[tuple[d.HistoryEntry, str]], dict[str, str]]:
    """What the detail pane shows: the measure with the notes ``user`` may read (never another
    party's internal ones), its newest ``limit`` history entries in words, the status labels."""
    measure = queries.get_measure(db, measure_id, user=user, notes_limit=limit)
    _, statuses = queries.labels(db)
    labels = {s.key: s.label for s in statuses}
    entries = queries.history(db, entity_id=measure_id, limit=limit, newest_first=True)
    return measure, [(e, describe(e, labels)) for e in entries], labels
