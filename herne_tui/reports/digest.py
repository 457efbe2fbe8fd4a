"""The digest's sections beyond changes and notes: what comes up in the next two weeks, what
breaks a rule, what is disputed, what waits, and what has not moved.

``herne-tui digest`` and the weekly report (``report weekly``, the app's "Bericht speichern")
render the same ``review.WeeklyReview``; ``build.weekly_blocks`` puts these blocks in.
Every text here is data; the document renderers escape it per format.
"""

from __future__ import annotations

from herne_tui.domain import objects as d
from herne_tui.domain.ris import StatusProposal
from herne_tui.reports.calendar import CalendarEvent
from herne_tui.reports.document import Block, Heading, Items, Para, Table
from herne_tui.reports.review import AHEAD_DAYS, WeeklyReview


def _event_line(e: CalendarEvent) -> str:
    where = f" ({e.location})" if e.location else ""
    return f"{e.when}: {e.summary}{where}"


def ahead_blocks(review: WeeklyReview) -> list[Block]:
    """Deadlines and meetings of the next ``AHEAD_DAYS`` days."""
    return [
        Heading(2, f"Fristen in den nächsten {AHEAD_DAYS} Tagen ({len(review.upcoming)})"),
        Items(tuple(_event_line(e) for e in review.upcoming)),
        Heading(2, f"Anstehende Sitzungen ({len(review.meetings)})"),
        Items(tuple(_event_line(e) for e in review.meetings)),
    ]


def _dissent_line(x: d.Dissent) -> str:
    raised = d.format_date(x.raised_at.astimezone().date())
    return f"{x.subject_label}: {x.party} ({x.raised_by}, {raised}) – {' '.join(x.reason.split())}"


DECISIONS = "Gremienbeschlüsse – Status übernehmen?"
"""The heading of the status changes that linked papers' authoritative results propose."""


def _decision_line(p: StatusProposal, labels: dict[str, str]) -> str:
    now = labels.get(p.status, p.status)
    name = f" „{' '.join(p.paper_name.split())}“" if p.paper_name.strip() else ""
    return (
        f"{p.measure_id} {p.measure_title}: {now} → {p.proposed_label} – "
        f"Vorlage {p.reference or p.paper_url}{name}, {' '.join(p.decided.split())}"
    )


def decision_blocks(review: WeeklyReview) -> list[Block]:
    """Council decisions that propose a status (once there is a RIS mirror)."""
    if review.decisions is None:
        return []
    labels = {s.key: s.label for s in review.progress.statuses}
    return [
        Heading(2, f"{DECISIONS} ({len(review.decisions)})"),
        Items(tuple(_decision_line(p, labels) for p in review.decisions)),
    ]


def attention_blocks(review: WeeklyReview) -> list[Block]:
    """Council decisions and proposals waiting (once there is a source), rule violations,
    open dissents."""
    blocks: list[Block] = decision_blocks(review)
    if review.waiting is not None:
        blocks += [
            Heading(2, f"Warten auf Bestätigung ({len(review.waiting)})"),
            Items(review.waiting),
        ]
    blocks += [
        Heading(2, f"Regelverstöße ({len(review.violations)})"),
        Items(tuple(f"{v.ref}: {v.message}" for v in review.violations)),
        Heading(2, f"Offene Dissense ({len(review.dissents)})"),
        Items(tuple(_dissent_line(x) for x in review.dissents)),
    ]
    return blocks


def stale_blocks(review: WeeklyReview) -> list[Block]:
    """Stale measures: a count per topic; each one listed only when asked (``--stale``)."""
    blocks: list[Block] = [
        Heading(2, f"Ohne Bewegung seit {review.stale_weeks} Wochen ({len(review.stale)})")
    ]
    if review.stale_by_topic:
        blocks.append(
            Table(
                ("Thema", "ohne Bewegung"),
                tuple((t.name, str(t.count)) for t in review.stale_by_topic),
            )
        )
    if review.list_stale:
        blocks.append(
            Items(
                tuple(
                    f"{s.measure.id} {s.measure.title}: letzte Änderung "
                    f"{d.format_date(s.last_change.astimezone().date())}"
                    for s in review.stale
                )
            )
        )
    elif review.stale:
        blocks.append(Para("Einzeln aufgeführt mit --stale."))
    else:
        blocks.append(Items(()))
    return blocks
