"""The coalition's dates as an iCalendar file (``herne-tui export --format ics``).

One VEVENT per dated item of the deadlines list (``services.deadlines``): meetings, filing and
partner deadlines of the papers, the measures' due dates, the annual and mid-term reviews; and
one per meeting of the RIS mirror (issue 13). The deadlines are all-day (only a date is known);
a RIS meeting has its start and end time (in ``TIMEZONE``, with a VTIMEZONE), its place, its
web page and STATUS:CANCELLED when it is cancelled, and is all-day only when the server gave
just a date. Every event has a UID derived from the object it belongs to (the paper's id, the
measure's id, the review's year, the meeting's OParl URL), never from its date or a random
number, so a calendar that re-imports or subscribes to the file updates an event instead of
adding a second one when, say, a due date or a meeting moves.

More sources plug in through ``EVENT_SOURCES``.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlalchemy.orm import Session

from herne_tui import __version__
from herne_tui.db.store import Database
from herne_tui.domain import ris as r
from herne_tui.domain.objects import Deadline, format_date
from herne_tui.domain.text import for_terminal
from herne_tui.ris.queries import calendar_meetings
from herne_tui.ris.shapes import LOCAL
from herne_tui.services.deadlines import deadlines_in
from herne_tui.services.queries import read_meta

PRODID = f"-//herne-tui//herne-tui {__version__}//DE"
TIMEZONE = LOCAL
"""The zone of the calendar's timed events: OParl is German, the mirror reads it as Berlin's."""
MEETING = "Sitzung"
"""The category of a meeting (``services.deadlines`` names its kind so, the RIS ones too)."""


@dataclass(frozen=True, slots=True)
class CalendarEvent:
    """One event: ``key`` names the object it belongs to and becomes the UID. Without
    ``start`` it is all-day on ``day``; with it, it is timed (``end`` when known)."""

    key: str
    day: date
    summary: str
    description: str = ""
    category: str = ""
    start: datetime | None = None
    end: datetime | None = None
    last_day: date | None = None
    """An all-day event over several days ends on this day (inclusive)."""
    location: str = ""
    url: str = ""
    cancelled: bool = False

    @property
    def when(self) -> str:
        """``10.12.2026 16:00`` (local time) for a timed event, ``10.12.2026`` otherwise."""
        if self.start is None:
            return format_date(self.day)
        return f"{format_date(self.day)} {self.start.astimezone(TIMEZONE):%H:%M}"


EventSource = Callable[[Session, date], Iterable[CalendarEvent]]
"""A function that reads more events from a session (today's date given for context)."""

# Deadline kinds (services.deadlines) → the part of the UID naming what the date is.
_KIND_KEYS = {
    "Vorschlag an Partner": "partner-deadline",
    "Einreichfrist": "filing-deadline",
    "Sitzung": "meeting",
    "Fällig": "due",
    "Jahresbilanz": "annual-review",
    "Halbzeit": "midterm-review",
}


def _slug(text: str) -> str:
    """Lower-case letters, digits and hyphens, for UIDs."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "x"


def _from_deadline(item: Deadline) -> CalendarEvent:
    """A deadline as an event; the UID key comes from its ref, never from its date."""
    what = _KIND_KEYS.get(item.kind, _slug(item.kind))
    entity, _, ident = item.ref.partition(":")
    if what == "due":
        title = item.label.removeprefix(f"{ident} ")
        return CalendarEvent(
            f"measure-{ident}-due", item.when, f"{ident} fällig: {title}", "", "Fällig"
        )
    if what == "annual-review":
        return CalendarEvent(
            f"annual-review-{item.when.year}", item.when, item.kind, item.label, item.kind
        )
    if what == "midterm-review":
        return CalendarEvent("midterm-review", item.when, "Halbzeitbilanz", item.label, item.kind)
    return CalendarEvent(
        f"{entity}-{_slug(ident)}-{what}", item.when, f"{item.kind}: {item.label}", "", item.kind
    )


def _ris_days(session: Session) -> set[date]:
    return {m.start.astimezone(TIMEZONE).date() for m in calendar_meetings(session) if m.start}


def deadline_events(session: Session, today: date) -> list[CalendarEvent]:
    """The deadlines list (papers, due dates, reviews) as events; its RIS meetings come from
    ``ris_meeting_events`` (with their times), and a motion's meeting date on a day the
    mirror has a meeting is left out, as in the deadlines list."""
    items = [item for item in deadlines_in(session, today) if not item.ref.startswith("ris:")]
    if any(item.kind == MEETING for item in items):
        mirrored = _ris_days(session)
        items = [i for i in items if i.kind != MEETING or i.when not in mirrored]
    return [_from_deadline(item) for item in items]


_URL = re.compile(r"https?://[^\s\x00-\x1f\x7f-\x9f\"<>\\^`{|}]+", re.IGNORECASE)


def safe_url(text: str) -> str:
    """An http(s) URL as given, or ``""`` when it could break out of its line (the RIS is
    server data: nothing but a plain URL goes into a calendar's URL property)."""
    text = text.strip()
    return text if len(text) <= 2000 and _URL.fullmatch(text) else ""


def meeting_uid_key(url: str) -> str:
    """A meeting's UID key from its OParl URL: the same URL, the same event, every export."""
    return f"ris-meeting-{hashlib.sha256(url.encode('utf-8')).hexdigest()[:24]}"


def _from_meeting(m: r.Meeting) -> CalendarEvent | None:
    if m.start is None:
        return None
    start = m.start.astimezone(TIMEZONE)
    names = ", ".join(n for n in m.organizations if n and n != m.name)
    title = m.name or "Sitzung"
    summary = f"{names}: {title}" if names else title
    if m.cancelled:
        summary += " (abgesagt)"
    link = safe_url(m.web) or safe_url(m.url)
    description = "\n".join(x for x in (names, f"Im RIS: {link}" if link else "") if x)
    end = m.end.astimezone(TIMEZONE) if m.end else None
    if end is not None and end <= start:  # an end before the start says nothing
        end = None
    return CalendarEvent(
        key=meeting_uid_key(m.url),
        day=start.date(),
        summary=summary,
        description=description,
        category=MEETING,
        start=None if m.date_only else start,
        end=None if m.date_only else end,
        last_day=end.date() if m.date_only and end is not None else None,
        location=m.location,
        url=link,
        cancelled=m.cancelled,
    )


def ris_meeting_events(session: Session, today: date) -> list[CalendarEvent]:
    """Every meeting of the RIS mirror (past ones too), timed where the server gave a time."""
    return [e for m in calendar_meetings(session) if (e := _from_meeting(m)) is not None]


EVENT_SOURCES: list[EventSource] = [deadline_events, ris_meeting_events]
"""Where the events come from; each source's keys must be unique and stable, prefixed with
what they are."""


def calendar_events(db: Database) -> list[CalendarEvent]:
    """Every event of every source, in date order."""
    today = db.now().astimezone().date()

    def read(session: Session) -> list[CalendarEvent]:
        return [e for source in EVENT_SOURCES for e in source(session, today)]

    events = db.read(read)
    events.sort(key=lambda e: (e.day, e.start.timestamp() if e.start else 0.0, e.key))
    return events


def _one_line(text: str) -> str:
    return for_terminal(text, one_line=True)


def render_ics(events: Iterable[CalendarEvent], *, name: str, stamp: datetime) -> str:
    """The events as an iCalendar document (RFC 5545), UIDs ``<key>@<name-slug>.herne-tui``."""
    from icalendar import Calendar, Event  # only the export needs it, not the weekly review

    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", _one_line(name))
    domain = f"{_slug(name)}.herne-tui"
    zoned = hasattr(cal, "add_missing_timezones")  # icalendar ≥ 6.1 writes the VTIMEZONE
    seen: set[str] = set()
    for e in events:
        uid = f"{e.key}@{domain}"
        if uid in seen:  # two papers with the same date kind twice: keep the first
            continue
        seen.add(uid)
        event = Event()
        event.add("uid", uid)
        event.add("dtstamp", stamp)
        _add_times(event, e, zoned)
        event.add("summary", _one_line(e.summary))
        if e.description:
            event.add("description", for_terminal(e.description))
        if e.location:
            event.add("location", _one_line(e.location))
        if safe_url(e.url):
            event.add("url", safe_url(e.url))
        if e.category:
            event.add("categories", [_one_line(e.category)])
        if e.cancelled:
            event.add("status", "CANCELLED")
        event.add("transp", "TRANSPARENT")
        cal.add_component(event)
    if zoned:
        cal.add_missing_timezones()  # the VTIMEZONE of TIMEZONE, for the events that use it
    return cal.to_ical().decode("utf-8")


def _add_times(event, e: CalendarEvent, zoned: bool) -> None:
    """DTSTART/DTEND: dates for an all-day event, local times (TZID) or UTC for a timed one."""
    if e.start is None:
        event.add("dtstart", e.day)
        event.add("dtend", (e.last_day or e.day) + timedelta(days=1))
        return
    zone = TIMEZONE if zoned else UTC
    event.add("dtstart", e.start.astimezone(zone))
    if e.end is not None:
        event.add("dtend", e.end.astimezone(zone))


def export_ics(db: Database) -> str:
    """The coalition's calendar as iCalendar text."""
    meta = db.read(read_meta).get("agreement", {})
    name = str(meta.get("name") or "herne-tui")
    return render_ics(calendar_events(db), name=name, stamp=db.now())
