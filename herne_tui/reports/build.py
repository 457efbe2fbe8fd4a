"""Reports: the weekly review, the Jahresbilanz and the Halbzeitbilanz, as text, md or html.

Builders (``annual_report``, ``midterm_report``; the weekly one is ``review.weekly_review``)
read the database and return frozen data; the renderers are pure functions of that data.

Sections of the Jahresbilanz follow the statuses: *umgesetzt* = a status that counts as done
(dated when the measure last became done); *nicht begonnen* = the first status of the
workflow; *zurückgestellt* = a status that is not done and comes after the first done status
in the workflow; *in Arbeit* = every other status (dated with the last change of any kind).
The Halbzeitbilanz compares the state as of a date (default: the middle of the term) with the
state at the start of the term (the signing date, when the seed's entries are dated, if that
is later than the term's first day). Every "as of" date means the end of that day in UTC.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

from herne_tui.db.store import Database
from herne_tui.domain import objects as d
from herne_tui.errors import InvalidInput
from herne_tui.reports.digest import ahead_blocks, attention_blocks, stale_blocks
from herne_tui.reports.document import FORMATS, Heading, Items, Para, Table, render
from herne_tui.reports.document import Bar as _Bar
from herne_tui.reports.review import (
    DEFAULT_DAYS,
    Progress,
    StatusChange,
    Term,
    TopicProgress,
    WeeklyReview,
    progress_of,
    term_dates,
)
from herne_tui.services.history import cutoff, end_of_day, last_changes, state_as_of
from herne_tui.services.queries import history, load_board, utc

KINDS = ("weekly", "annual", "midterm", "minutes")
"""Report kinds of ``herne-tui report``."""

__all__ = [
    "KINDS",
    "FORMATS",
    "annual_report",
    "midterm_report",
    "render_weekly",
    "render_annual",
    "render_midterm",
    "AnnualReport",
    "MidtermReport",
    "build_report",
    "save_report",
    "SUFFIXES",
]

SUFFIXES = {"text": ".txt", "md": ".md", "html": ".html"}
"""File name suffix per report format."""


@dataclass(frozen=True, slots=True)
class AnnualItem:
    """A measure in a section of the Jahresbilanz, with its status label and date."""

    measure: d.Measure
    status_label: str
    date: datetime | None


@dataclass(frozen=True, slots=True)
class AnnualTopic:
    """One topic of the Jahresbilanz, its measures sorted into the four sections."""

    key: str
    name: str
    done: tuple[AnnualItem, ...]
    in_progress: tuple[AnnualItem, ...]
    not_started: tuple[AnnualItem, ...]
    deferred: tuple[AnnualItem, ...]


@dataclass(frozen=True, slots=True)
class AnnualReport:
    """The Jahresbilanz of one year: the state at the year's end (or now, if earlier)."""

    year: int
    as_of: datetime
    title: str
    topics: tuple[AnnualTopic, ...]
    progress: Progress

    def done_in_year(self) -> int:
        """Measures that became done during the report's year."""
        return sum(
            1
            for t in self.topics
            for i in t.done
            if i.date is not None and i.date.year == self.year
        )


@dataclass(frozen=True, slots=True)
class Moved:
    """A measure whose status differs between the start of the term and the report date."""

    measure: d.Measure
    old_label: str
    new_label: str


@dataclass(frozen=True, slots=True)
class MidtermReport:
    """The Halbzeitbilanz: state at ``as_of`` compared with ``baseline``."""

    requested: date
    as_of: date
    baseline: date
    title: str
    start: Progress
    now: Progress
    moved: tuple[Moved, ...]


# -- helpers --------------------------------------------------------------------------------------
def _label(m: d.Measure) -> str:
    return f"{m.id} {m.title}"


def _local(value: datetime | None) -> str:
    return d.format_datetime(value.astimezone()) if value else "—"


def _day(value: datetime | None) -> str:
    return d.format_date(value.astimezone().date()) if value else "—"


def sections_of(statuses: tuple[d.Status, ...]) -> dict[str, str]:
    """Status key → section of the Jahresbilanz (done, in_progress, not_started, deferred)."""
    ordered = sorted(statuses, key=lambda s: s.order)
    first_done = min((s.order for s in ordered if s.done), default=10**9)
    out = {}
    for i, s in enumerate(ordered):
        if s.done:
            out[s.key] = "done"
        elif i == 0:
            out[s.key] = "not_started"
        elif s.order > first_done:
            out[s.key] = "deferred"
        else:
            out[s.key] = "in_progress"
    return out


def _status_dates(db: Database, until: datetime, done: frozenset[str]) -> tuple[dict, dict]:
    """Per measure: when it last became done, and when its status last changed."""
    became_done: dict[str, datetime | None] = {}
    status_at: dict[str, datetime] = {}
    current: dict[str, str] = {}
    for e in history(db, entity="measure", until=until):
        if e.field == "*":
            # a row's creation records its user fields as one dict
            values = e.new if isinstance(e.new, dict) else {}
            new = values.get("status", "")
        elif e.field == "status":
            new = str(e.new) if e.new else ""
        else:
            continue
        was_done = current.get(e.entity_id) in done
        if new in done and not was_done:
            became_done[e.entity_id] = e.at
        elif new not in done:
            became_done[e.entity_id] = None
        current[e.entity_id] = new
        status_at[e.entity_id] = e.at
    return became_done, status_at


# -- builders -------------------------------------------------------------------------------------
def annual_report(db: Database, year: int) -> AnnualReport:
    """The Jahresbilanz of ``year``: per topic done, in progress, not started, deferred."""
    now = utc(db.now())
    if year > now.year:
        raise InvalidInput(f"Jahr: {year} hat noch nicht begonnen")
    if year < 1990:
        raise InvalidInput(f"Jahr: {year} liegt vor jeder Wahlperiode")
    year_end = end_of_day(date(year, 12, 31))
    limit = min(year_end, cutoff(now))
    snap = state_as_of(db, limit - timedelta(microseconds=1))
    board = snap.board
    labels = {s.key: s.label for s in board.statuses}
    section = sections_of(board.statuses)
    became_done, status_at = _status_dates(db, limit, board.done_statuses)
    latest = last_changes(db, limit - timedelta(microseconds=1))
    topics = []
    for t in board.topics:
        parts: dict[str, list[AnnualItem]] = {
            k: [] for k in ("done", "in_progress", "not_started", "deferred")
        }
        for m in board.measures:
            if m.topic != t.key:
                continue
            kind = section.get(m.status, "in_progress")
            when = {
                "done": became_done.get(m.id),
                "in_progress": latest.get(m.id),
                "deferred": status_at.get(m.id),
                "not_started": None,
            }[kind]
            parts[kind].append(AnnualItem(m, labels.get(m.status, m.status), when))
        parts["done"].sort(key=lambda i: (i.date or now, i.measure.position))
        topics.append(AnnualTopic(t.key, t.name, *(tuple(parts[k]) for k in parts)))
    as_of = min(year_end - timedelta(seconds=1), now)
    return AnnualReport(
        year=year,
        as_of=as_of,
        title=(board.meta.get("agreement") or {}).get("name", ""),
        topics=tuple(topics),
        progress=progress_of(board, as_of.date()),
    )


def midpoint(meta: dict) -> date | None:
    """The middle of the term from the agreement's metadata."""
    start, end = term_dates(meta)
    if start is None or end is None:
        return None
    return start + timedelta(days=(end - start).days // 2)


def midterm_report(db: Database, at: date | None = None) -> MidtermReport:
    """The Halbzeitbilanz: the state at ``at`` (default: mid-term) against the term's start."""
    from herne_tui.services.queries import get_meta

    meta = get_meta(db)
    agreement = meta.get("agreement") or {}
    start, _end = term_dates(meta)
    signed = date.fromisoformat(agreement["signed"]) if agreement.get("signed") else None
    baseline = max(x for x in (start, signed, date.min) if x is not None)
    requested = at or midpoint(meta)
    if requested is None:
        raise InvalidInput("Stichtag: die Wahlperiode fehlt in den Metadaten; bitte --at angeben")
    if requested < baseline:
        raise InvalidInput(
            f"Stichtag: {d.format_date(requested)} liegt vor dem Beginn ({d.format_date(baseline)})"
        )
    today = utc(db.now()).date()
    as_of = min(requested, today)
    before = state_as_of(db, baseline).board
    after = state_as_of(db, as_of if as_of < today else utc(db.now())).board
    labels = {s.key: s.label for s in after.statuses}
    old = {m.id: m.status for m in before.measures}
    moved = tuple(
        Moved(m, labels.get(old.get(m.id, ""), "—"), labels.get(m.status, m.status))
        for m in after.measures
        if old.get(m.id) != m.status
    )
    return MidtermReport(
        requested=requested,
        as_of=as_of,
        baseline=baseline,
        title=agreement.get("name", ""),
        start=progress_of(before, baseline),
        now=progress_of(after, as_of),
        moved=moved,
    )


# -- documents ------------------------------------------------------------------------------------
def _progress_table(p: Progress) -> Table:
    rows: tuple[tuple[str | _Bar, ...], ...] = tuple(
        (t.name, str(t.total), *(str(c.count) for c in t.counts), _Bar(t.done_share))
        for t in (*p.topics, p.overall)
    )
    return Table(("Thema", "Gesamt", *(s.label for s in p.statuses), "erledigt"), rows)


def _term_para(term: Term) -> Para:
    if term.start is None or term.end is None:
        return Para("Wahlperiode: nicht angegeben")
    return Para(
        f"Wahlperiode {d.format_date(term.start)} – {d.format_date(term.end)}: "
        f"am {d.format_date(term.today)} sind {round(term.share_elapsed * 100)} % "
        f"vergangen, noch {term.days_left} Tage."
    )


def _change_line(c: StatusChange) -> str:
    where = f"{c.user}, {_local(c.at)}" + (f"; Quelle: {c.source}" if c.source else "")
    return f"{_label(c.measure)}: {c.old_label or '—'} → {c.new_label} ({where})"


def weekly_blocks(review: WeeklyReview, heading: str = "Wochenrückblick") -> list:
    """The weekly review (and the digest, with its own ``heading``) as document blocks."""
    how = {
        "mine": "seit meiner letzten Durchsicht",
        "mark": "seit der letzten Durchsicht",
        "default": f"letzte {DEFAULT_DAYS} Tage",
    }.get(review.since_source, "ab dem gewählten Datum")
    labels = {s.key: s.label for s in review.progress.statuses}
    period = f"Zeitraum: {_local(review.since)} – {_local(review.until)} ({how})"
    who = f" für {review.for_user}" if review.for_user else ""
    blocks = [Heading(1, f"{heading} {review.title}{who}".strip()), Para(period)]
    blocks += [
        Heading(2, f"Statusänderungen ({len(review.status_changes)})"),
        Items(tuple(_change_line(c) for c in review.status_changes)),
    ]
    blocks += [
        Heading(2, f"Neue Notizen ({len(review.notes)})"),
        Items(
            tuple(
                f"{_label(n.measure)} – {n.author}, {_local(n.at)}: {' '.join(n.text.split())}"
                for n in review.notes
            )
        ),
    ]
    blocks += ahead_blocks(review) + attention_blocks(review)
    blocks += [
        Heading(2, f"Überfällig ({len(review.overdue)})"),
        Items(
            tuple(
                f"{_label(m)}: fällig {d.format_date(m.due)}, {labels.get(m.status, m.status)}"
                + (f", verantwortlich: {m.responsible}" if m.responsible else "")
                for m in review.overdue
            )
        ),
    ]
    blocks += stale_blocks(review)
    blocks += [
        Heading(2, "Fortschritt je Thema"),
        _progress_table(review.progress),
        _term_para(review.progress.term),
    ]
    return blocks


def annual_blocks(report: AnnualReport) -> list:
    """The Jahresbilanz as document blocks."""
    blocks = [
        Heading(1, f"Jahresbilanz {report.year} {report.title}".strip()),
        Para(
            f"Stand: {_local(report.as_of)}. Im Jahr {report.year} umgesetzt: "
            f"{d.measures_count(report.done_in_year())}."
        ),
    ]
    blocks.append(
        Table(
            ("Thema", "Umgesetzt", "In Arbeit", "Nicht begonnen", "Zurückgestellt"),
            tuple(
                (
                    t.name,
                    str(len(t.done)),
                    str(len(t.in_progress)),
                    str(len(t.not_started)),
                    str(len(t.deferred)),
                )
                for t in report.topics
            ),
        )
    )
    for t in report.topics:
        blocks.append(Heading(2, t.name))
        blocks += [
            Heading(3, f"Umgesetzt ({len(t.done)})"),
            Items(tuple(f"{_label(i.measure)} – umgesetzt am {_day(i.date)}" for i in t.done)),
        ]
        blocks += [
            Heading(3, f"In Arbeit ({len(t.in_progress)})"),
            Items(
                tuple(
                    f"{_label(i.measure)} – {i.status_label}, letzte Änderung {_day(i.date)}"
                    for i in t.in_progress
                )
            ),
        ]
        blocks += [
            Heading(3, f"Nicht begonnen ({len(t.not_started)})"),
            Items(tuple(_label(i.measure) for i in t.not_started)),
        ]
        blocks += [
            Heading(3, f"Zurückgestellt ({len(t.deferred)})"),
            Items(tuple(f"{_label(i.measure)} – seit {_day(i.date)}" for i in t.deferred)),
        ]
    blocks += [
        Heading(2, "Fortschritt je Thema"),
        _progress_table(report.progress),
        _term_para(report.progress.term),
    ]
    return blocks


def _versus(a: TopicProgress, b: TopicProgress) -> tuple[str, ...]:
    # a and b come from two separate reads of the board; should a seed run between them change
    # the statuses, the table shows the common ones rather than failing
    pairs = zip(a.counts, b.counts, strict=False)
    return (a.name, *(f"{x.count} → {y.count}" for x, y in pairs))


def midterm_blocks(report: MidtermReport) -> list:
    """The Halbzeitbilanz as document blocks."""
    blocks = [
        Heading(1, f"Halbzeitbilanz {report.title}".strip()),
        Para(
            f"Stand {d.format_date(report.as_of)} verglichen mit dem Beginn der "
            f"Wahlperiode ({d.format_date(report.baseline)})."
        ),
    ]
    if report.as_of < report.requested:
        blocks.append(
            Para(
                f"Der Stichtag {d.format_date(report.requested)} ist noch nicht "
                f"erreicht: gezeigt wird der Stand vom {d.format_date(report.as_of)}."
            )
        )
    statuses = report.now.statuses
    # two separate reads of the board (see _versus): show the topics both have in common
    pairs = list(zip(report.start.topics, report.now.topics, strict=False))
    blocks += [
        Heading(2, "Stand je Thema (Beginn → Stichtag)"),
        Table(
            ("Thema", *(s.label for s in statuses)),
            tuple(_versus(a, b) for a, b in [*pairs, (report.start.overall, report.now.overall)]),
        ),
    ]
    blocks.append(Heading(2, f"Bewegte Maßnahmen ({len(report.moved)})"))
    names = {t.key: t.name for t in report.now.topics}
    if not report.moved:
        blocks.append(Items(()))
    for key, name in names.items():
        items = tuple(
            f"{_label(x.measure)}: {x.old_label} → {x.new_label}"
            for x in report.moved
            if x.measure.topic == key
        )
        if items:
            blocks += [Heading(3, name), Items(items)]
    blocks += [Heading(2, "Erledigt"), _progress_table(report.now), _term_para(report.now.term)]
    return blocks


# -- renderers ------------------------------------------------------------------------------------
def render_weekly(review: WeeklyReview, fmt: str, heading: str = "Wochenrückblick") -> str:
    """The weekly review (or, with ``heading``, the digest) as ``text``, ``md`` or ``html``."""
    return render(weekly_blocks(review, heading), fmt)


def render_annual(data: AnnualReport, fmt: str) -> str:
    """The Jahresbilanz as ``text``, ``md`` or ``html``."""
    return render(annual_blocks(data), fmt)


def render_midterm(data: MidtermReport, fmt: str) -> str:
    """The Halbzeitbilanz as ``text``, ``md`` or ``html``."""
    return render(midterm_blocks(data), fmt)


# -- one call for the CLI and the app ---------------------------------------------------------
def build_report(
    db: Database,
    kind: str,
    fmt: str = "text",
    *,
    since: date | datetime | None = None,
    year: int | None = None,
    at: date | None = None,
    stale_weeks: int = 4,
    list_stale: bool = False,
    user: str | None = None,
    viewer: str = "",
    intern: bool = False,
) -> str:
    """Build and render one report (``weekly``, ``annual``, ``midterm``, ``minutes``); a
    weekly one starts at ``user``'s last review unless ``since`` says otherwise.

    Internal notes (issue 14) are shared by nobody: only with ``intern`` and only those of
    ``viewer``'s own party are added (the weekly report lists them); once the database has
    users, every report says in one line whether they are included.
    """
    from herne_tui.reports.review import weekly_review

    if kind not in KINDS:
        raise InvalidInput(f"Berichtsart: „{kind}“ gibt es nicht (bekannt: {', '.join(KINDS)})")
    if fmt not in FORMATS:
        raise InvalidInput(f"--format: „{fmt}“ gibt es nicht (bekannt: {', '.join(FORMATS)})")
    scope = intern_scope(db, viewer, intern)
    if kind == "weekly":
        data = weekly_review(
            db, since=since, stale_weeks=stale_weeks, list_stale=list_stale, user=user
        )
        blocks = weekly_blocks(data)
        if scope.party:  # right after the shared notes
            spot = next(
                (i + 2 for i, b in enumerate(blocks) if isinstance(b, Heading) and
                 b.text.startswith("Neue Notizen")), len(blocks)
            )  # fmt: skip
            blocks[spot:spot] = _intern_blocks(db, scope.party, data.since, data.until)
    elif kind == "minutes":
        from herne_tui.reports.minutes import minutes_blocks

        blocks = minutes_blocks(db, since.date() if isinstance(since, datetime) else since)
    elif kind == "annual":
        blocks = annual_blocks(annual_report(db, year or utc(db.now()).year))
        blocks += origin_blocks(load_board(db))
    else:
        blocks = midterm_blocks(midterm_report(db, at))
        blocks += origin_blocks(load_board(db))
    if scope.line:
        blocks.insert(1, Para(scope.line))
    return render(blocks, fmt)


def origin_share(board: d.Board) -> list[tuple[str, int, int]]:
    """Per origin (each partner's programme, ``gemeinsam``, then "ohne Angabe"): measures and
    how many of them are done (confirmed changes only: proposals do not move the status)."""
    done = board.done_statuses
    order = [*d.agreement_of(board.meta).leads, ""]
    counts = {o: [0, 0] for o in order}
    for m in board.measures:
        c = counts.setdefault(m.origin, [0, 0])
        c[0] += 1
        c[1] += m.status in done
    return [(o, total, n) for o, (total, n) in counts.items() if total]


def origin_blocks(board: d.Board) -> list:
    """Issue 14: the share implemented per origin (as coalition-agreement studies measure
    it), so each partner can show what came from its programme; none while no measure has
    an origin."""
    shares = origin_share(board)
    if all(o == "" for o, _, _ in shares):
        return []
    rows = tuple(
        (o or "ohne Angabe", str(total), str(n), f"{round(100 * n / total)} %")
        for o, total, n in shares
    )
    return [
        Heading(2, "Umsetzung nach Herkunft (heutiger Stand)"),
        Table(("Herkunft", "Maßnahmen", "umgesetzt", "Anteil"), rows),
    ]


@dataclass(frozen=True)
class InternScope:
    """Which party's internal notes a report includes ("" = none) and the line saying so."""

    party: str = ""
    line: str = ""


def intern_scope(db: Database, viewer: str, intern: bool) -> InternScope:
    """Check ``--intern`` against the viewer's party and word the report's line about it."""
    from herne_tui.services.queries import user_access

    access = user_access(db, viewer) if viewer else None
    if access is None or not access.managed:
        if intern:
            raise InvalidInput(
                "--intern: ohne Nutzerliste gibt es keine internen Notizen (herne-tui users add)"
            )
        return InternScope()
    if not intern:
        return InternScope(line="Ohne interne Notizen (gemeinsamer Bericht).")
    if not access.known or not access.partner:
        raise InvalidInput(
            f"--intern: „{viewer}“ hat keine Partei in der Nutzerliste; nichts ausgegeben"
        )
    party = access.partner
    return InternScope(
        party, f"Mit internen Notizen von {party}: nur für {party} bestimmt, nicht weitergeben."
    )


def _intern_blocks(db: Database, party: str, since: datetime, until: datetime) -> list:
    from herne_tui.services.queries import internal_notes

    notes = internal_notes(db, party=party, since=since, until=until)
    return [
        Heading(2, f"Interne Notizen {party} ({len(notes)})"),
        Items(
            tuple(
                f"{measure_id} – {n.author}, {_local(n.at)}: {' '.join(n.text.split())}"
                for measure_id, n in notes
            )
        ),
    ]


def save_report(
    text: str, path: str | os.PathLike, *, database: Path | None = None, force: bool = False
) -> Path:
    """Write a report atomically; never over ``database``, over a file only with ``force``."""
    from herne_tui.files import atomic_write

    return atomic_write(path, text, force=force, database=database)
