"""Everything with a date the coalition must watch, soonest first (key ``d``)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from herne_tui.db.models import (
    MeasureRow,
    PaperRow,
    RisMeetingRow,
    RisOrganizationRow,
    StatusRow,
)
from herne_tui.db.store import Database
from herne_tui.domain import procedures
from herne_tui.domain.objects import Deadline
from herne_tui.services.papers import to_paper
from herne_tui.services.queries import read_meta

RIS_BEFORE = timedelta(days=7)
RIS_AHEAD = timedelta(days=90)
"""The window of mirrored RIS meetings the deadlines list shows around today."""


def ris_meetings(session: Session, today: date) -> list[Deadline]:
    """Meetings of the RIS mirror (issue 13) from a week ago to 90 days ahead."""
    start = datetime.combine(today - RIS_BEFORE, time.min, tzinfo=UTC)
    end = datetime.combine(today + RIS_AHEAD, time.max, tzinfo=UTC)
    rows = session.scalars(
        select(RisMeetingRow).where(RisMeetingRow.start >= start, RisMeetingRow.start <= end)
    ).all()
    if not rows:
        return []
    orgs = {o.url: o.name or o.short_name for o in session.scalars(select(RisOrganizationRow))}
    out = []
    for m in rows:
        if m.start is None:  # never: the query excludes it; this tells the type checker
            continue
        names = ", ".join(orgs.get(u, "") for u in m.organization_urls if orgs.get(u))
        gone = " (abgesagt)" if m.cancelled else ""
        label = f"{names}: {m.name}{gone}" if names else f"{m.name}{gone}"
        out.append(Deadline(m.start.astimezone().date(), "Sitzung", label, f"ris:{m.url}", False))
    return out


def deadlines_in(session: Session, today: date) -> list[Deadline]:
    """Filing and partner deadlines, meetings (from the RIS mirror, and those entered with
    motions on days the mirror has none), measure due dates, annual and mid-term reviews."""
    out: list[Deadline] = ris_meetings(session, today)
    ris_days = {x.when for x in out}
    for row in session.scalars(select(PaperRow)):
        paper = to_paper(session, row, today)
        ref = f"paper:{paper.id}"
        if paper.partner_deadline:
            sent = f" (gesendet {paper.proposal_sent:%d.%m.%Y})" if paper.proposal_sent else ""
            out.append(
                Deadline(
                    paper.partner_deadline,
                    "Vorschlag an Partner",
                    f"{paper.title}{sent}",
                    ref,
                    paper.partner_overdue,
                )
            )
        if paper.filing_deadline:
            out.append(
                Deadline(
                    paper.filing_deadline,
                    "Einreichfrist",
                    paper.title,
                    ref,
                    paper.filing_deadline < today,
                )
            )
        if paper.meeting_date and paper.meeting_date not in ris_days:
            out.append(
                Deadline(
                    paper.meeting_date,
                    "Sitzung",
                    f"{paper.body}: {paper.title} – {paper.verdict}",
                    ref,
                    False,
                )
            )
    done = {s.key for s in session.scalars(select(StatusRow)) if s.done}
    for m in session.scalars(select(MeasureRow).where(MeasureRow.due.is_not(None))):
        if m.due is None:  # never: the query excludes it; this tells the type checker
            continue
        out.append(
            Deadline(
                m.due,
                "Fällig",
                f"{m.id} {m.title}",
                f"measure:{m.id}",
                m.due < today and m.status_key not in done,
            )
        )
    meta = read_meta(session).get("agreement", {})
    if meta.get("signed") and meta.get("term_end"):
        signed, start = (
            date.fromisoformat(meta["signed"]),
            date.fromisoformat(meta.get("term_start", meta["signed"])),
        )
        end = date.fromisoformat(meta["term_end"])
        for day in procedures.annual_reviews(signed, end):
            out.append(
                Deadline(
                    day,
                    "Jahresbilanz",
                    "Gemeinsame Auswertung als Jahresbilanz",
                    "review:annual",
                    False,
                )
            )
        out.append(
            Deadline(
                procedures.midterm(start, end),
                "Halbzeit",
                "Evaluation der Kooperation zur Halbzeit",
                "review:midterm",
                False,
            )
        )
    out.sort(key=lambda x: (x.when, x.kind, x.label))
    return out


def upcoming(db: Database) -> list[Deadline]:
    """Every deadline, soonest first; overdue ones are marked."""
    return db.read(lambda s: deadlines_in(s, db.now().astimezone().date()))
