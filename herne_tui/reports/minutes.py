"""The minutes (Protokoll) of the Koordinierungsgruppe: "Beschlüsse werden protokolliert".

Decisions on dissents (unanimous with the outcome, or dissent recorded with the procedure
for the case), who took part, what is still on the agenda, and the partners' positions on
papers whose meeting falls in the period.
"""

from __future__ import annotations

from datetime import date, datetime

from herne_tui.db.store import Database
from herne_tui.domain import objects as d
from herne_tui.domain import procedures
from herne_tui.reports.document import Block, Heading, Items, Para, Table, render
from herne_tui.services import papers
from herne_tui.services.queries import get_meta


def _day(value: date | None) -> str:
    return d.format_date(value) or "—"


def _decision_lines(x: d.Dissent) -> tuple[str, ...]:
    """One decision: the dissent, the decision, outcome or procedure, who took part."""
    lines = [
        f"Dissens gemeldet von {x.raised_by}"
        f"{' (' + x.party + ')' if x.party else ''} am "
        f"{d.format_datetime(x.raised_at.astimezone())}: {x.reason}",
        f"Entscheidung: {procedures.DECISIONS.get(x.decision, x.decision)}",
    ]
    if x.outcome:
        lines.append(f"Ergebnis: {x.outcome}")
    if x.procedure:
        lines.append(f"Verfahren für den Einzelfall: {x.procedure}")
    for party, names in x.participants:
        lines.append(f"Teilnehmende {party} ({len(names)}): {', '.join(names)}")
    return tuple(lines)


def _decisions(decided: list[d.Dissent]) -> list[Block]:
    blocks: list[Block] = [Heading(2, f"Entscheidungen ({len(decided)})")]
    if not decided:
        blocks.append(Para("Keine Entscheidungen im Zeitraum."))
    for x in sorted(decided, key=lambda x: (x.decided_on or date.min, x.id)):
        blocks.append(Heading(3, f"{_day(x.decided_on)}: {x.subject_label}"))
        blocks.append(Items(_decision_lines(x)))
    return blocks


def _agenda(agenda: list[d.Dissent]) -> list[Block]:
    return [
        Heading(2, f"Offene Dissense auf der Tagesordnung ({len(agenda)})"),
        Items(
            tuple(
                f"{x.subject_label}: {x.reason} (gemeldet von {x.raised_by}, "
                f"{d.format_datetime(x.raised_at.astimezone())})"
                for x in agenda
            ),
            empty="keine",
        ),
    ]


def _positions(relevant: list[d.Paper]) -> list[Block]:
    heading = Heading(2, f"Positionen zu Anträgen und Vorlagen ({len(relevant)})")
    if not relevant:
        return [heading, Para("Keine Sitzungen im Zeitraum.")]
    table = Table(
        ("Sitzung", "Gremium", "Papier", "Positionen", "Ergebnis"),
        tuple(
            (
                _day(p.meeting_date),
                p.body,
                f"{p.number or p.id} {p.title}",
                ", ".join(f"{party}: {pos}" for party, pos, _ in p.positions),
                p.verdict,
            )
            for p in relevant
        ),
    )
    return [heading, table]


def minutes_blocks(db: Database, since: date | None = None) -> list[Block]:
    """The minutes as document blocks (decisions since ``since``, or all)."""
    meta = get_meta(db).get("agreement", {})
    decided = [
        x
        for x in papers.list_dissents(db)
        if x.state != "offen" and (since is None or (x.decided_on and x.decided_on >= since))
    ]
    agenda = list(papers.list_dissents(db, open_only=True))
    relevant = [
        p
        for p in papers.list_papers(db)
        if p.meeting_date and (since is None or p.meeting_date >= since)
    ]
    period = f"seit {_day(since)}" if since else "gesamte Wahlperiode"
    return [
        Heading(1, f"Protokoll der Koordinierungsgruppe – {meta.get('name', '')}"),
        Para(f"Zeitraum: {period}. Beschlüsse werden protokolliert."),
        *_decisions(decided),
        *_agenda(agenda),
        *_positions(relevant),
    ]


def render_minutes(db: Database, fmt: str, since: date | datetime | None = None) -> str:
    """The minutes as text, md or html."""
    if isinstance(since, datetime):
        since = since.date()
    return render(minutes_blocks(db, since), fmt)
