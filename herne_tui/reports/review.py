"""The weekly review and the progress overview, as plain frozen data for screens and reports.

"Today" is the UTC date of the database clock. Review marks are ISO timestamps in the meta
table, written through ``services.set_meta``, so they are recorded in the history and survive
restarts: each user's own (``review_mark:<user>``, "since my last review") and the
coalition-wide one (``review_mark``, set only by an explicit choice; marks from before the
per-user ones are read through it). A review starts at the later of the two.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from herne_tui.db.store import Database
from herne_tui.domain import objects as d
from herne_tui.domain.ris import StatusProposal
from herne_tui.errors import InvalidInput
from herne_tui.reports.calendar import MEETING, CalendarEvent, calendar_events
from herne_tui.ris import proposals as ris_proposals
from herne_tui.ris.queries import source as ris_source
from herne_tui.services import confirm
from herne_tui.services.checks import nomination_violations
from herne_tui.services.edits import set_meta
from herne_tui.services.history import last_changes, start_of_day
from herne_tui.services.papers import list_dissents
from herne_tui.services.queries import get_meta, history, load_board, utc

REVIEW_MARK = "review_mark"
"""Meta key of the coalition-wide "reviewed now"; ``review_mark:<user>`` is one user's own."""
AHEAD_DAYS = 14
"""Deadlines and meetings this many days ahead belong in the review."""

WaitingSource = Callable[[Database, "str | None"], Iterable[str]]
"""Lines about proposals waiting for someone (the user given, or anyone)."""
WAITING_SOURCES: list[WaitingSource] = []
"""Where "waiting for confirmation" comes from: the coalition issue's proposed status changes
append their source here; while the list is empty the review has no such section."""

DEFAULT_DAYS = 7
"""Without a review mark, a review covers this many days."""


@dataclass(frozen=True, slots=True)
class StatusChange:
    """A measure moved from one status to another."""

    measure: d.Measure
    old: str
    new: str
    old_label: str
    new_label: str
    user: str
    at: datetime
    source: str = ""


@dataclass(frozen=True, slots=True)
class NewNote:
    """A note added to a measure."""

    measure: d.Measure
    author: str
    at: datetime
    text: str


@dataclass(frozen=True, slots=True)
class StaleMeasure:
    """A measure (not done) without any recorded change since ``last_change``."""

    measure: d.Measure
    last_change: datetime
    weeks: int


@dataclass(frozen=True, slots=True)
class TopicCount:
    """How many measures of one topic something applies to (e.g. stale ones)."""

    key: str
    name: str
    count: int


@dataclass(frozen=True, slots=True)
class StatusCount:
    """How many measures are in one status, and their share of the group."""

    key: str
    label: str
    count: int
    share: float
    done: bool


@dataclass(frozen=True, slots=True)
class TopicProgress:
    """Counts per status for one topic (or, with key ``""``, for all measures)."""

    key: str
    name: str
    total: int
    counts: tuple[StatusCount, ...]

    @property
    def done(self) -> int:
        """Measures in a status that counts as done."""
        return sum(c.count for c in self.counts if c.done)

    @property
    def done_share(self) -> float:
        """Share of measures done (0..1)."""
        return self.done / self.total if self.total else 0.0

    def count(self, status: str) -> int:
        """Measures in one status."""
        return next((c.count for c in self.counts if c.key == status), 0)


@dataclass(frozen=True, slots=True)
class Term:
    """The electoral term and how much of it has passed."""

    start: date | None
    end: date | None
    today: date
    days_total: int
    days_left: int
    share_elapsed: float


@dataclass(frozen=True, slots=True)
class Progress:
    """Per topic and overall, the measures in each status; and the term."""

    statuses: tuple[d.Status, ...]
    topics: tuple[TopicProgress, ...]
    overall: TopicProgress
    term: Term


@dataclass(frozen=True, slots=True)
class WeeklyReview:
    """Everything the weekly review shows, for the period ``since`` .. ``until``."""

    since: datetime
    until: datetime
    since_source: str  # "mark" (last review), "default" (7 days) or "given"
    stale_weeks: int
    status_changes: tuple[StatusChange, ...]
    notes: tuple[NewNote, ...]
    overdue: tuple[d.Measure, ...]
    stale: tuple[StaleMeasure, ...]
    progress: Progress
    title: str = ""
    upcoming: tuple[CalendarEvent, ...] = ()
    meetings: tuple[CalendarEvent, ...] = ()
    violations: tuple[d.Violation, ...] = ()
    dissents: tuple[d.Dissent, ...] = ()
    waiting: tuple[str, ...] | None = None  # None: no source of waiting proposals yet
    stale_by_topic: tuple[TopicCount, ...] = ()
    list_stale: bool = False
    for_user: str = ""
    decisions: tuple[StatusProposal, ...] | None = None
    """Status changes proposed by linked papers' authoritative results (the RIS mirror);
    None while there is no mirror."""


# -- term and progress --------------------------------------------------------------------------
def _meta_date(meta: dict, key: str) -> date | None:
    value = (meta.get("agreement") or {}).get(key)
    try:
        return date.fromisoformat(value) if value else None
    except (TypeError, ValueError):
        return None


def term_dates(meta: dict) -> tuple[date | None, date | None]:
    """Start and end of the term from the agreement's metadata."""
    return _meta_date(meta, "term_start"), _meta_date(meta, "term_end")


def term_of(meta: dict, today: date) -> Term:
    """The term's length, days left and share elapsed as of ``today``."""
    start, end = term_dates(meta)
    if start is None or end is None or end <= start:
        return Term(start, end, today, 0, 0, 0.0)
    total = (end - start).days
    elapsed = min(max((today - start).days, 0), total)
    return Term(start, end, today, total, max((end - today).days, 0), elapsed / total)


def progress_of(board: d.Board, today: date) -> Progress:
    """Counts per status per topic and overall for a board (today's or a snapshot's)."""

    def group(key: str, name: str, measures) -> TopicProgress:
        total = len(measures)
        counts = tuple(
            StatusCount(s.key, s.label, n, n / total if total else 0.0, s.done)
            for s in board.statuses
            for n in [sum(1 for m in measures if m.status == s.key)]
        )
        return TopicProgress(key, name, total, counts)

    topics = tuple(
        group(t.key, t.name, [m for m in board.measures if m.topic == t.key]) for t in board.topics
    )
    return Progress(
        statuses=board.statuses,
        topics=topics,
        overall=group("", "Gesamt", list(board.measures)),
        term=term_of(board.meta, today),
    )


def progress(db: Database) -> Progress:
    """The progress overview: shares per status per topic and overall, and the term."""
    return progress_of(load_board(db), db.now().date())


# -- review mark --------------------------------------------------------------------------------
def user_mark_key(user: str) -> str:
    """The meta key of one user's own review mark."""
    return f"{REVIEW_MARK}:{user}"


def _timestamp(value: object) -> datetime | None:
    if not value:
        return None
    try:
        return utc(datetime.fromisoformat(str(value)))
    except ValueError:
        return None


def review_mark_and_source(db: Database, user: str | None = None) -> tuple[datetime | None, str]:
    """Where ``user``'s next review starts: their own mark (``"mine"``) or the coalition-wide
    one (``"mark"``), whichever is later; ``(None, "")`` when neither is set."""
    meta = get_meta(db)
    shared = _timestamp(meta.get(REVIEW_MARK))
    own = _timestamp(meta.get(user_mark_key(user))) if user else None
    if own is not None and (shared is None or own >= shared):
        return own, "mine"
    return shared, "mark" if shared is not None else ""


def review_mark(db: Database, user: str | None = None) -> datetime | None:
    """When the last review (``user``'s own, or the coalition's) was marked done, or None."""
    return review_mark_and_source(db, user)[0]


def mark_reviewed(db: Database, *, user: str, everyone: bool = False) -> datetime:
    """Set "reviewed now" for ``user`` (or, with ``everyone``, for the whole coalition): that
    next review starts at this moment (recorded in history)."""
    now = utc(db.now())
    key = REVIEW_MARK if everyone else user_mark_key(user)
    set_meta(db, key=key, value=now.isoformat(), user=user)
    return now


# -- the weekly review ----------------------------------------------------------------------------
def default_since(db: Database, user: str | None = None) -> tuple[datetime, str]:
    """The review mark (``"mine"`` or ``"mark"``), else 7 days before now (``"default"``)."""
    mark, source = review_mark_and_source(db, user)
    if mark is not None:
        return mark, source
    return utc(db.now()) - timedelta(days=DEFAULT_DAYS), "default"


def _review_start(
    db: Database, since: date | datetime | None, user: str | None = None
) -> tuple[datetime, str]:
    """Where the review starts and why: ``"mine"``, ``"mark"``, ``"default"`` or ``"given"``."""
    if since is None:
        return default_since(db, user)
    if isinstance(since, datetime):
        return utc(since), "given"
    return start_of_day(since), "given"


def _text(value: object) -> str:
    """A recorded status key or note text; nothing recorded reads as ``""``."""
    return str(value) if value else ""


def _changes_and_notes(
    db: Database, board: d.Board, start: datetime, now: datetime
) -> tuple[list[StatusChange], list[NewNote]]:
    """Status changes and new notes on measures from ``start`` up to ``now``."""
    by_id = {m.id: m for m in board.measures}
    labels = {s.key: s.label for s in board.statuses}
    changes: list[StatusChange] = []
    notes: list[NewNote] = []
    for e in history(db, entity="measure", since=start):
        if e.at > now or e.entity_id not in by_id:
            continue
        m = by_id[e.entity_id]
        if e.field == "status":
            old, new = _text(e.old), _text(e.new)
            changes.append(
                StatusChange(
                    m,
                    old,
                    new,
                    labels.get(old, old),
                    labels.get(new, new),
                    e.user,
                    e.at,
                    e.source,
                )
            )
        elif e.action == "note" and e.field == "note":  # internal notes: see build.intern
            notes.append(NewNote(m, e.user, e.at, _text(e.new)))
    return changes, notes


def _overdue(board: d.Board, today: date) -> tuple[d.Measure, ...]:
    """Measures past their due date and not done, soonest due first."""
    done = board.done_statuses
    return tuple(
        sorted(
            (m for m in board.measures if m.is_overdue(today, done)),
            key=lambda m: (m.due, m.position),
        )
    )


def _stale(db: Database, board: d.Board, now: datetime, weeks: int) -> tuple[StaleMeasure, ...]:
    """Measures not done and unchanged for at least ``weeks`` weeks, longest unchanged first."""
    done = board.done_statuses
    limit = now - timedelta(weeks=weeks)
    latest = last_changes(db)
    stale = []
    for m in board.measures:
        last = latest.get(m.id)
        if m.status in done or last is None or last >= limit:
            continue
        stale.append(StaleMeasure(m, last, (now - last).days // 7))
    stale.sort(key=lambda s: (s.last_change, s.measure.position))
    return tuple(stale)


def stale_by_topic(board: d.Board, stale: tuple[StaleMeasure, ...]) -> tuple[TopicCount, ...]:
    """Stale measures counted per topic, in the board's topic order (topics without any left
    out)."""
    counts: dict[str, int] = {}
    for s in stale:
        counts[s.measure.topic] = counts.get(s.measure.topic, 0) + 1
    return tuple(TopicCount(t.key, t.name, counts[t.key]) for t in board.topics if t.key in counts)


def _ahead(
    db: Database, today: date
) -> tuple[tuple[CalendarEvent, ...], tuple[CalendarEvent, ...]]:
    """Deadlines and meetings from today up to ``AHEAD_DAYS`` days ahead, soonest first."""
    last = today + timedelta(days=AHEAD_DAYS)
    soon = [e for e in calendar_events(db) if today <= e.day <= last]
    return (
        tuple(e for e in soon if e.category != MEETING),
        tuple(e for e in soon if e.category == MEETING),
    )


def _waiting(db: Database, user: str | None) -> tuple[str, ...] | None:
    if not WAITING_SOURCES:
        return None
    lines = tuple(line for source in WAITING_SOURCES for line in source(db, user))
    return lines if lines or confirm.in_use(db) else None  # no section before users exist


WAITING_SOURCES.append(confirm.waiting_lines)  # issue 14: status changes to confirm


def _decisions(db: Database) -> tuple[StatusProposal, ...] | None:
    """What council decisions propose (issue 13); None before the first RIS sync."""
    if ris_source(db) is None:
        return None
    return ris_proposals.status_proposals(db)


def weekly_review(
    db: Database,
    *,
    since: date | datetime | None = None,
    stale_weeks: int = 4,
    list_stale: bool = False,
    for_user: str | None = None,
    user: str | None = None,
) -> WeeklyReview:
    """What a coordinator reads every week: status changes and notes since ``since`` (else
    since the last review of ``for_user`` — the digest's reader — or of ``user``, the one
    asking, or the coalition's), deadlines and meetings of the next two weeks, rule
    violations, open dissents, overdue and stale measures (listed with ``list_stale``, else
    counted per topic), progress."""
    if stale_weeks < 1:
        raise InvalidInput(f"Wochen ohne Bewegung: {stale_weeks} ist zu klein (mindestens 1)")
    now = utc(db.now())
    start, source = _review_start(db, since, for_user or user)
    board = load_board(db)
    changes, notes = _changes_and_notes(db, board, start, now)
    today = now.date()
    stale = _stale(db, board, now, stale_weeks)
    upcoming, meetings = _ahead(db, db.now().astimezone().date())
    return WeeklyReview(
        since=start,
        until=now,
        since_source=source,
        stale_weeks=stale_weeks,
        status_changes=tuple(changes),
        notes=tuple(notes),
        overdue=_overdue(board, today),
        stale=stale,
        progress=progress_of(board, today),
        title=(board.meta.get("agreement") or {}).get("name", ""),
        upcoming=upcoming,
        meetings=meetings,
        violations=tuple(nomination_violations(db)),
        dissents=list_dissents(db, open_only=True),
        waiting=_waiting(db, for_user),
        stale_by_topic=stale_by_topic(board, stale),
        list_stale=list_stale,
        for_user=for_user or "",
        decisions=_decisions(db),
    )
