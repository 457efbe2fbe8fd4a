"""What the mirror suggests to a user: links to new papers, and status changes that a linked
paper's authoritative result proposes. Only lists: a user confirms each (``ris link``,
``set --status … --source URL``)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from herne_tui.db.models import HistoryRow, MeasureRow, RisLinkRow, RisPaperRow, StatusRow
from herne_tui.db.store import Database
from herne_tui.domain import ris as r
from herne_tui.domain.objects import format_date
from herne_tui.ris.queries import to_papers

ADOPTED = ("beschlossen", "angenommen", "zugestimmt", "zustimmung", "beschluss gefasst")
NOT_ADOPTED = ("abgelehnt", "nicht ", "vertagt", "zurückgestellt", "zurückgezogen", "abgesetzt")


def adopted(result: str) -> bool:
    """Whether a result text says the paper was adopted (in whatever wording)."""
    text = result.casefold()
    return any(w in text for w in ADOPTED) and not any(w in text for w in NOT_ADOPTED)


def suggestions(db: Database) -> tuple[r.Suggestion, ...]:
    """Open link suggestions, best first."""

    def run(session: Session) -> tuple[r.Suggestion, ...]:
        titles = {m.id: m.title for m in session.scalars(select(MeasureRow))}
        rows = session.scalars(
            select(RisLinkRow)
            .where(RisLinkRow.state == "suggested")
            .order_by(RisLinkRow.score.desc(), RisLinkRow.id)
        )
        out = []
        for row in rows:
            mid = row.subject.partition(":")[2]
            out.append(
                r.Suggestion(
                    mid, titles.get(mid, ""), row.paper_url, row.reference, row.name, row.score
                )
            )
        return tuple(out)

    return db.read(run)


def decision_line(step: r.Consultation) -> str:
    """``Beschlossen am 10.12.2026 im Rat der Stadt: unverändert beschlossen``."""
    when = format_date(step.start.astimezone().date()) if step.start else "?"
    where = ", ".join(step.organizations) or step.meeting or "Gremium"
    return f"Beschlossen am {when} im {where}: {step.result}"


def _next_status(statuses: list[StatusRow], current: str) -> StatusRow | None:
    order = {s.key: s.order for s in statuses}
    now = next((s for s in statuses if s.key == current), None)
    if now is None or now.done:
        return None
    later = [s for s in statuses if s.order > order[current] and s.key != current]
    return min(later, key=lambda s: s.order) if later else None


def _confirmed(session: Session, measure_id: str, url: str) -> bool:
    return (
        session.scalars(
            select(HistoryRow.id).where(
                HistoryRow.entity == "measure",
                HistoryRow.entity_id == measure_id,
                HistoryRow.field == "status",
                HistoryRow.source == url,
            )
        ).first()
        is not None
    )


def status_proposals(db: Database) -> tuple[r.StatusProposal, ...]:
    """Linked measures whose paper got an authoritative result, each with the status that
    result proposes (the next status in the workflow when adopted), unless already confirmed."""

    def run(session: Session) -> tuple[r.StatusProposal, ...]:
        statuses = sorted(session.scalars(select(StatusRow)), key=lambda s: s.order)
        links = list(
            session.scalars(
                select(RisLinkRow).where(
                    RisLinkRow.state == "linked", RisLinkRow.subject.like("measure:%")
                )
            )
        )
        rows = [p for p in (session.get(RisPaperRow, link.paper_url) for link in links) if p]
        papers = {p.url: p for p in to_papers(session, rows)}
        out = []
        for link in links:
            paper = papers.get(link.paper_url)
            measure = session.get(MeasureRow, link.subject.partition(":")[2])
            if paper is None or measure is None:
                continue
            step = next((c for c in paper.consultations if c.authoritative and c.result), None)
            if (
                step is None
                or not adopted(step.result)
                or _confirmed(session, measure.id, paper.url)
            ):
                continue
            target = _next_status(statuses, measure.status_key)
            if target is None:
                continue
            out.append(
                r.StatusProposal(
                    measure_id=measure.id,
                    measure_title=measure.title,
                    status=measure.status_key,
                    proposed=target.key,
                    proposed_label=target.label,
                    paper_url=paper.url,
                    reference=paper.reference,
                    decided=decision_line(step),
                    paper_name=paper.name,
                )
            )
        return tuple(out)

    return db.read(run)


def linked_papers(db: Database, subject: str) -> tuple[r.LinkedPaper, ...]:
    """The papers a measure (``measure:ID``) or motion (``paper:N``) is linked to."""

    def run(session: Session) -> tuple[r.LinkedPaper, ...]:
        links = list(
            session.scalars(
                select(RisLinkRow).where(
                    RisLinkRow.subject == subject, RisLinkRow.state == "linked"
                )
            )
        )
        rows = [p for p in (session.get(RisPaperRow, link.paper_url) for link in links) if p]
        papers = {p.url: p for p in to_papers(session, rows)}
        out = []
        for link in links:
            paper = papers.get(link.paper_url)
            step = (
                next((c for c in paper.consultations if c.authoritative and c.result), None)
                if paper
                else None
            )
            out.append(
                r.LinkedPaper(
                    url=link.paper_url,
                    reference=paper.reference if paper else link.reference,
                    name=paper.name if paper else link.name,
                    deleted=paper.deleted if paper else True,
                    decided=decision_line(step) if step else "",
                )
            )
        return tuple(out)

    return db.read(run)
