"""Reading the mirror: meetings with their agendas, papers with their path through the
committees, and the links; each read is one transaction returning domain objects."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from herne_tui.db.models import (
    PaperRow,
    RisAgendaItemRow,
    RisConsultationRow,
    RisLinkRow,
    RisMeetingRow,
    RisOrganizationRow,
    RisPaperRow,
    RisSourceRow,
)
from herne_tui.db.store import Database
from herne_tui.domain import ris as r
from herne_tui.ris.shapes import MISSING

CHUNK = 500


def _in(session: Session, model, column, values: Iterable[str]) -> list:
    values = [v for v in set(values) if v]
    out: list = []
    for i in range(0, len(values), CHUNK):
        out.extend(session.scalars(select(model).where(column.in_(values[i : i + CHUNK]))))
    return out


def _org_names(session: Session) -> dict[str, str]:
    return {
        o.url: o.name or o.short_name or o.url for o in session.scalars(select(RisOrganizationRow))
    }


def _local_start(day: date) -> datetime:
    return datetime.combine(day, time.min).astimezone().astimezone(UTC)  # the user's local day


class Context:
    """Lookups shared by the reads of one transaction."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.orgs = _org_names(session)

    def names(self, urls: Iterable[str]) -> tuple[str, ...]:
        return tuple(self.orgs.get(u, u) for u in urls)

    def agendas(self, meetings: list[RisMeetingRow]) -> dict[str, list[r.AgendaEntry]]:
        items = _in(
            self.session, RisAgendaItemRow, RisAgendaItemRow.meeting_url, (m.url for m in meetings)
        )
        by_item = {c.agenda_item_url: c for c in self._consultations_of(items)}
        by_url = {c.url: c for c in by_item.values()}
        papers = {
            p.url: p
            for p in _in(
                self.session, RisPaperRow, RisPaperRow.url, (c.paper_url for c in by_url.values())
            )
        }
        out: dict[str, list[r.AgendaEntry]] = defaultdict(list)
        items.sort(key=lambda i: (i.order if i.order is not None else 10**6, i.number, i.url))
        for item in items:
            cons = by_url.get(item.consultation_url) or by_item.get(item.url)
            paper = papers.get(cons.paper_url) if cons else None
            out[item.meeting_url].append(
                r.AgendaEntry(
                    url=item.url,
                    number=item.number,
                    name=item.name,
                    paper_url=cons.paper_url if cons else "",
                    paper_reference=paper.reference if paper else "",
                    paper_name=paper.name if paper else "",
                    result=item.result,
                    resolution_text=item.resolution_text,
                )
            )
        return out

    def _consultations_of(self, items: list[RisAgendaItemRow]) -> list[RisConsultationRow]:
        found = _in(
            self.session,
            RisConsultationRow,
            RisConsultationRow.url,
            (i.consultation_url for i in items),
        )
        found += _in(
            self.session,
            RisConsultationRow,
            RisConsultationRow.agenda_item_url,
            (i.url for i in items),
        )
        return list({c.url: c for c in found}.values())

    def meeting(self, row: RisMeetingRow, agenda: list[r.AgendaEntry]) -> r.Meeting:
        return r.Meeting(
            url=row.url,
            name=row.name,
            start=row.start,
            organizations=self.names(row.organization_urls),
            agenda=tuple(agenda),
            cancelled=row.cancelled,
            web=row.web,
            end=row.end,
            location=location_of(row.raw),
            date_only=_is_date(row.raw.get("start") if isinstance(row.raw, dict) else None),
        )


def _is_date(value: object) -> bool:
    """Whether a server's ``start``/``end`` is a bare date (``2026-12-10``): no time known."""
    return isinstance(value, str) and len(value.strip()) == 10


_LOCATION_FIELDS = ("description", "room", "streetAddress")


def location_of(raw: object) -> str:
    """A meeting's place as one line (description, room, street, postcode and town) when the
    server embedded its Location object; a bare reference (a URL) gives nothing."""
    place = raw.get("location") if isinstance(raw, dict) else None
    if isinstance(place, list):  # a sloppy server: a list where one object belongs
        place = place[0] if place else None
    if not isinstance(place, dict):
        return ""
    parts = [place.get(k) for k in _LOCATION_FIELDS]
    town = " ".join(
        v.strip() for v in (place.get("postalCode"), place.get("locality")) if isinstance(v, str)
    )
    out: list[str] = []
    for part in [*parts, town]:
        text = " ".join(part.split()) if isinstance(part, str) else ""
        if text and text.lower() not in MISSING and text not in out:
            out.append(text)
    return ", ".join(out)


def calendar_meetings(session: Session) -> tuple[r.Meeting, ...]:
    """Every mirrored meeting with a start (past ones too), without agendas: the calendar's."""
    ctx = Context(session)
    rows = session.scalars(select(RisMeetingRow).where(RisMeetingRow.start.is_not(None)))
    return tuple(ctx.meeting(m, []) for m in rows)


def meeting_starts(session: Session) -> list[datetime]:
    """The start of every mirrored meeting that has one (cheap: no JSON, no names)."""
    rows = session.scalars(select(RisMeetingRow.start).where(RisMeetingRow.start.is_not(None)))
    return [start for start in rows if start is not None]


def _matches(row: RisMeetingRow, names: tuple[str, ...], committee: str) -> bool:
    wanted = committee.casefold()
    return any(wanted in n.casefold() for n in names) or wanted in row.name.casefold()


def meetings(
    db: Database,
    *,
    since: date | None = None,
    until: date | None = None,
    committee: str = "",
) -> tuple[r.Meeting, ...]:
    """Mirrored meetings (from/until whole local days, a committee's words), by start."""

    def run(session: Session) -> tuple[r.Meeting, ...]:
        ctx = Context(session)
        q = select(RisMeetingRow)
        if since is not None:
            q = q.where(RisMeetingRow.start >= _local_start(since))
        if until is not None:
            q = q.where(RisMeetingRow.start < _local_start(until + timedelta(days=1)))
        rows = list(session.scalars(q))
        if committee.strip():
            rows = [m for m in rows if _matches(m, ctx.names(m.organization_urls), committee)]
        rows.sort(key=lambda m: (m.start is None, m.start or datetime.min.replace(tzinfo=UTC)))
        agendas = ctx.agendas(rows)
        return tuple(ctx.meeting(m, agendas.get(m.url, [])) for m in rows)

    return db.read(run)


def _links(session: Session, urls: Iterable[str]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = defaultdict(list)
    for link in _in(session, RisLinkRow, RisLinkRow.paper_url, urls):
        if link.state == "linked":
            out[link.paper_url].append(link.subject)
    return out


def _paper_consultations(ctx: Context, papers: list[RisPaperRow]) -> dict[str, list]:
    session = ctx.session
    cons = _in(session, RisConsultationRow, RisConsultationRow.paper_url, (p.url for p in papers))
    meetings = {
        m.url: m
        for m in _in(session, RisMeetingRow, RisMeetingRow.url, (c.meeting_url for c in cons))
    }
    items = {
        i.url: i
        for i in _in(
            session, RisAgendaItemRow, RisAgendaItemRow.url, (c.agenda_item_url for c in cons)
        )
    }
    by_cons = {
        i.consultation_url: i
        for i in _in(
            session, RisAgendaItemRow, RisAgendaItemRow.consultation_url, (c.url for c in cons)
        )
    }
    out: dict[str, list] = defaultdict(list)
    for c in cons:
        meeting = meetings.get(c.meeting_url)
        item = items.get(c.agenda_item_url) or by_cons.get(c.url)
        if meeting is None and item is not None:
            meeting = session.get(RisMeetingRow, item.meeting_url)
        out[c.paper_url].append(
            r.Consultation(
                meeting_url=meeting.url if meeting else c.meeting_url,
                meeting=meeting.name if meeting else "",
                start=meeting.start if meeting else None,
                organizations=ctx.names(
                    c.organization_urls or (meeting.organization_urls if meeting else [])
                ),
                role=c.role,
                authoritative=c.authoritative,
                result=item.result if item else "",
            )
        )
    for steps in out.values():
        steps.sort(key=lambda s: (s.start is None, s.start or datetime.min.replace(tzinfo=UTC)))
    return out


def _search(rows: list[RisPaperRow], words: str) -> list[RisPaperRow]:
    wanted = words.casefold().split()
    return [p for p in rows if all(w in f"{p.reference} {p.name}".casefold() for w in wanted)]


def to_papers(session: Session, rows: list[RisPaperRow]) -> tuple[r.Paper, ...]:
    """Paper rows with their consultations and links as domain objects."""
    ctx = Context(session)
    steps = _paper_consultations(ctx, rows)
    links = _links(session, (p.url for p in rows))
    numbered: dict[str, list[str]] = defaultdict(list)  # a motion's number is its reference
    for motion_id, number in session.execute(select(PaperRow.id, PaperRow.number)):
        if number and number.strip():
            numbered[number.strip()].append(f"paper:{motion_id}")
    out = []
    for p in rows:
        subjects = sorted(set(links.get(p.url, [])) | set(numbered.get(p.reference, [])))
        out.append(
            r.Paper(
                url=p.url,
                reference=p.reference,
                name=p.name,
                date=p.paper_date,
                paper_type=p.paper_type,
                consultations=tuple(steps.get(p.url, [])),
                measures=tuple(
                    sorted(s.partition(":")[2] for s in subjects if s.startswith("measure:"))
                ),
                motions=tuple(
                    sorted(int(s.partition(":")[2]) for s in subjects if s.startswith("paper:"))
                ),
                deleted=p.deleted,
                web=p.web,
            )
        )
    return tuple(out)


def papers(db: Database, *, search: str = "") -> tuple[r.Paper, ...]:
    """Mirrored papers (every word of ``search`` in the reference or title), newest first."""

    def run(session: Session) -> tuple[r.Paper, ...]:
        rows = list(session.scalars(select(RisPaperRow)))
        if search.strip():
            rows = _search(rows, search)
        rows.sort(key=lambda p: (p.paper_date or date.min, p.reference), reverse=True)
        return to_papers(session, rows)

    return db.read(run)


def source(db: Database) -> RisSourceRow | None:
    """The mirror's source and sync state (None before the first sync)."""
    return db.read(lambda session: session.get(RisSourceRow, 1))


def _describe(m: r.Meeting) -> str:
    when = m.start.astimezone().strftime("%d.%m.%Y %H:%M") if m.start else "ohne Datum"
    return f"{when} {m.name}"


def find_meeting(db: Database, text: str) -> r.Meeting:
    """The one meeting a user means: its OParl URL, a date (with words of the committee or
    name after it, e.g. ``10.12.2026 Rat``), or words of its name or committee."""
    from herne_tui.domain.objects import DateError, parse_date
    from herne_tui.errors import InvalidInput, NotFound

    wanted = " ".join(text.split())
    if not wanted:
        raise InvalidInput("Sitzung fehlt: URL, Datum (und Gremium) oder Teil des Namens angeben")
    everything = meetings(db)
    found = [m for m in everything if m.url == wanted]
    if not found:
        first, _, rest = wanted.partition(" ")
        try:
            day = parse_date(first)
        except DateError:
            day, rest = None, wanted
        found = [
            m
            for m in everything
            if (day is None or (m.start and m.start.astimezone().date() == day))
            and all(
                w in f"{m.name} {' '.join(m.organizations)}".casefold()
                for w in rest.casefold().split()
            )
        ]
    if not found:
        raise NotFound(f"Sitzung „{wanted}“ ist nicht im RIS-Spiegel (herne-tui ris meetings)")
    if len(found) > 1:
        shown = "; ".join(_describe(m) for m in found[:3])
        more = f" und {len(found) - 3} weitere" if len(found) > 3 else ""
        raise InvalidInput(
            f"Sitzung „{wanted}“ ist mehrdeutig ({shown}{more}): Datum und Gremium oder URL angeben"
        )
    return found[0]


def paper_detail(db: Database, url: str) -> r.Paper | None:
    """One paper with its originators and resolution texts (the paper view), or None."""
    from dataclasses import replace

    from herne_tui.db.models import RisPersonRow

    def run(session: Session) -> r.Paper | None:
        row = session.get(RisPaperRow, url)
        if row is None:
            return None
        (paper,) = to_papers(session, [row])
        orgs = _org_names(session)
        raw = row.raw or {}
        names = [orgs.get(u, u) for u in _urls(raw.get("originatorOrganization"))]
        for person_url in _urls(raw.get("originatorPerson")):
            person = session.get(RisPersonRow, person_url)
            names.append(person.name if person and person.name else person_url)
        cons = session.scalars(
            select(RisConsultationRow).where(RisConsultationRow.paper_url == url)
        ).all()
        items = _in(
            session, RisAgendaItemRow, RisAgendaItemRow.url, (c.agenda_item_url for c in cons)
        )
        items += _in(
            session, RisAgendaItemRow, RisAgendaItemRow.consultation_url, (c.url for c in cons)
        )
        texts = tuple(dict.fromkeys(i.resolution_text for i in items if i.resolution_text))
        return replace(paper, originators=tuple(names), resolutions=texts)

    return db.read(run)


def _urls(value) -> list[str]:
    items = value if isinstance(value, list) else [value]
    return [v for v in items if isinstance(v, str) and v]
