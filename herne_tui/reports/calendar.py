"""The coalition's dates as an iCalendar file (``herne-tui export --format ics``).

One VEVENT per dated item of the deadlines list (``services.deadlines``): meetings, filing and
partner deadlines of the papers, the measures' due dates, the annual and mid-term reviews. Every
event is all-day (only a date is known) and has a UID derived from the object it belongs to
(the paper's id, the measure's id, the review's year), never from its date or a random number,
so a calendar that re-imports or subscribes to the file updates an event instead of adding a
second one when, say, a due date moves.

More sources (the RIS meetings of the OParl mirror) plug in through ``EVENT_SOURCES``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlmodel import Session

from herne_tui import __version__
from herne_tui.db.store import Database
from herne_tui.domain.objects import Deadline
from herne_tui.domain.text import for_terminal
from herne_tui.services.deadlines import deadlines_in
from herne_tui.services.queries import read_meta

PRODID = f"-//herne-tui//herne-tui {__version__}//DE"


@dataclass(frozen=True, slots=True)
class CalendarEvent:
    """One all-day event: ``key`` names the object it belongs to and becomes the UID."""

    key: str
    day: date
    summary: str
    description: str = ""
    category: str = ""


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


def deadline_events(session: Session, today: date) -> list[CalendarEvent]:
    """The deadlines list (papers, due dates, reviews) as events."""
    return [_from_deadline(item) for item in deadlines_in(session, today)]


EVENT_SOURCES: list[EventSource] = [deadline_events]
"""Where the events come from. The RIS mirror appends its meetings source here (the OParl
issue); each source's keys must be unique and stable, prefixed with what they are."""


def calendar_events(db: Database) -> list[CalendarEvent]:
    """Every event of every source, in date order."""
    today = db.now().astimezone().date()

    def read(session: Session) -> list[CalendarEvent]:
        return [e for source in EVENT_SOURCES for e in source(session, today)]

    events = db.read(read)
    events.sort(key=lambda e: (e.day, e.key))
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
    seen: set[str] = set()
    for e in events:
        uid = f"{e.key}@{domain}"
        if uid in seen:  # two papers with the same date kind twice: keep the first
            continue
        seen.add(uid)
        event = Event()
        event.add("uid", uid)
        event.add("dtstamp", stamp)
        event.add("dtstart", e.day)
        event.add("dtend", e.day + timedelta(days=1))
        event.add("summary", _one_line(e.summary))
        if e.description:
            event.add("description", for_terminal(e.description))
        if e.category:
            event.add("categories", [_one_line(e.category)])
        event.add("transp", "TRANSPARENT")
        cal.add_component(event)
    return cal.to_ical().decode("utf-8")


def export_ics(db: Database) -> str:
    """The coalition's calendar as iCalendar text."""
    meta = db.read(read_meta).get("agreement", {})
    name = str(meta.get("name") or "herne-tui")
    return render_ics(calendar_events(db), name=name, stamp=db.now())
