"""The position sheet (Positionsblatt) for one council meeting, handed round before the group
meets: every agenda item with its paper, the linked measures and coalition motions, each
partner's position and the consensus state, open dissents, and the partner deadline for joint
motions (the filing deadline minus the agreement's lead days)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from herne_tui.db.store import Database
from herne_tui.domain import objects as d
from herne_tui.domain import procedures
from herne_tui.domain import ris as r
from herne_tui.reports.document import Block, Heading, Items, Para, Table, render
from herne_tui.ris import queries as ris_queries
from herne_tui.services import papers, queries


@dataclass(frozen=True, slots=True)
class SheetItem:
    """One agenda item with what the coalition has on it."""

    entry: r.AgendaEntry
    measures: tuple[tuple[str, str, str], ...]  # (id, title, status label)
    motions: tuple[d.Paper, ...]
    dissents: tuple[d.Dissent, ...]


@dataclass(frozen=True, slots=True)
class Sheet:
    """The position sheet's data."""

    meeting: r.Meeting
    day: date | None
    partners: tuple[str, ...]
    items: tuple[SheetItem, ...]


def position_sheet(db: Database, meeting: str) -> Sheet:
    """Gather the sheet for the meeting a user names (see ``ris.queries.find_meeting``)."""
    found = ris_queries.find_meeting(db, meeting)
    day = found.start.astimezone().date() if found.start else None
    urls = [a.paper_url for a in found.agenda if a.paper_url]
    mirrored = {p.url: p for p in ris_queries.papers(db) if p.url in urls}
    motions = papers.list_papers(db)
    board = queries.load_board(db)
    labels = {s.key: s.label for s in board.statuses}
    measures = {m.id: (m.id, m.title, labels.get(m.status, m.status)) for m in board.measures}
    dissents = papers.list_dissents(db, open_only=True)
    items = []
    for entry in found.agenda:
        paper = mirrored.get(entry.paper_url)
        linked = set(paper.motions) if paper else set()
        mine = tuple(
            m
            for m in motions
            if m.id in linked or (entry.paper_reference and m.number == entry.paper_reference)
        )
        ids = sorted(
            set(paper.measures if paper else ()) | {i for m in mine for i in m.measure_ids}
        )
        subjects = {f"measure:{i}" for i in ids} | {f"paper:{m.id}" for m in mine}
        items.append(
            SheetItem(
                entry=entry,
                measures=tuple(measures[i] for i in ids if i in measures),
                motions=mine,
                dissents=tuple(x for x in dissents if x.subject in subjects),
            )
        )
    return Sheet(found, day, queries.partners(db), tuple(items))


def _positions(sheet: Sheet, motion: d.Paper) -> str:
    shown = ", ".join(f"{party}: {position}" for party, position, _ in motion.positions)
    return shown or "keine Partner in der Vereinbarung"


def _at_meeting(sheet: Sheet, motion: d.Paper) -> str:
    """What the rules say if nothing changes before the meeting."""
    if sheet.day is None or motion.consensus == "konsens":
        return motion.verdict
    positions = {party: position for party, position, _ in motion.positions}
    return procedures.verdict(
        motion.consensus,
        positions,
        meeting_date=sheet.day,
        today=sheet.day,
        legally_required=motion.legally_required,
        harmful_to_defer=motion.harmful_to_defer,
    )


def _motion_line(sheet: Sheet, motion: d.Paper) -> str:
    lines = [
        f"{motion.kind_label} {motion.id}: {motion.title} – {_positions(sheet, motion)}",
        f"Konsens: {motion.consensus}; jetzt: {motion.verdict}; "
        f"ohne Einigung bis zur Sitzung: {_at_meeting(sheet, motion)}",
    ]
    if motion.partner_deadline:
        late = " – überfällig" if motion.partner_overdue else ""
        sent = f", gesendet {d.format_date(motion.proposal_sent)}" if motion.proposal_sent else ""
        lines.append(
            f"Partnerfrist: {d.format_date(motion.partner_deadline)} (Einreichfrist "
            f"{d.format_date(motion.filing_deadline)}{sent}){late}"
        )
    return " – ".join(lines)


def _item_blocks(sheet: Sheet, item: SheetItem) -> list[Block]:
    e = item.entry
    title = f"TOP {e.number}: {e.name}" if e.number else e.name
    lines = []
    if e.paper_reference or e.paper_name:
        lines.append(f"Vorlage {e.paper_reference or '—'}: {e.paper_name or e.name}")
    if e.result:
        lines.append(f"Ergebnis: {e.result}")
    for mid, mtitle, status in item.measures:
        lines.append(f"Maßnahme {mid}: {mtitle} ({status})")
    for motion in item.motions:
        lines.append(_motion_line(sheet, motion))
    for x in item.dissents:
        lines.append(f"Offener Dissens ({x.party or x.raised_by}): {x.subject_label} – {x.reason}")
    if not (item.measures or item.motions or item.dissents):
        lines.append("nichts aus der Vereinbarung verknüpft")
    return [Heading(2, title), Items(tuple(lines))]


def _deadline(sheet: Sheet) -> str:
    joint = [m for i in sheet.items for m in i.motions if m.partner_deadline]
    if not joint:
        return "Partnerfrist für gemeinsame Anträge: keine gemeinsamen Anträge mit Einreichfrist"
    first = min(joint, key=lambda m: m.partner_deadline or date.max)
    return (
        f"Partnerfrist für gemeinsame Anträge: {d.format_date(first.partner_deadline)} "
        f"(Einreichfrist {d.format_date(first.filing_deadline)} − "
        f"{((first.filing_deadline or date.min) - (first.partner_deadline or date.min)).days} "
        "Tage)"
    )


def sheet_blocks(sheet: Sheet) -> list[Block]:
    """The sheet as document blocks: a summary table, then one section per agenda item."""
    m = sheet.meeting
    when = m.start.astimezone().strftime("%d.%m.%Y %H:%M") if m.start else "ohne Datum"
    rows = tuple(
        (
            i.entry.number or "–",
            i.entry.paper_reference or "—",
            ", ".join(x[0] for x in i.measures) or "—",
            "; ".join(f"{mo.id}: {mo.consensus}" for mo in i.motions) or "—",
            str(len(i.dissents)),
        )
        for i in sheet.items
    )
    blocks: list[Block] = [
        Heading(1, f"Positionsblatt: {m.name}"),
        Para(f"{when} – {', '.join(m.organizations) or 'Gremium unbekannt'}"),
        Para(_deadline(sheet)),
        Para(
            "Regel: ohne Konsens bis zur Sitzung wird zurückgestellt, außer die Beratung ist "
            "rechtlich verpflichtend oder die Zurückstellung schadet finanziell."
        ),
        Table(("TOP", "Vorlage", "Maßnahmen", "Anträge (Konsens)", "Dissense"), rows),
    ]
    for item in sheet.items:
        blocks.extend(_item_blocks(sheet, item))
    if m.url:
        blocks.append(Para(f"Quelle: {m.web or m.url}"))
    return blocks


def render_positions(db: Database, meeting: str, fmt: str) -> str:
    """The position sheet for ``meeting`` as text, md or html."""
    return render(sheet_blocks(position_sheet(db, meeting)), fmt)
