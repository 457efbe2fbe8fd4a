"""What the board shows: filtering and card markers, as pure functions of domain objects.

No Textual and no database here, so the rules are unit-testable and cost microseconds per
keystroke.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from herne_tui.domain.objects import Board, Measure
from herne_tui.domain.search import fold


@dataclass(frozen=True, slots=True)
class BoardFilter:
    """The board's filters; empty values mean "no restriction"."""

    text: str = ""
    topic: str = ""
    lead: str = ""
    responsible: str = ""
    overdue_only: bool = False

    def active(self) -> bool:
        """True when any filter restricts the board."""
        return bool(self.text or self.topic or self.lead or self.responsible or self.overdue_only)

    def describe(self, topic_names: dict[str, str]) -> str:
        """German one-line description of the active filters."""
        parts = []
        if self.text:
            parts.append(f"Suche „{self.text}“")
        if self.topic:
            parts.append(f"Thema {topic_names.get(self.topic, self.topic)}")
        if self.lead:
            parts.append("ohne Federführung" if self.lead == "-" else f"Federführung {self.lead}")
        if self.responsible:
            parts.append(f"Verantwortlich „{self.responsible}“")
        if self.overdue_only:
            parts.append("nur überfällige")
        return " · ".join(parts)


def matches(m: Measure, f: BoardFilter, today: date, done: frozenset[str]) -> bool:
    """True when a measure passes every active filter (text search is case-insensitive)."""
    if f.topic and m.topic != f.topic:
        return False
    if f.lead == "-" and m.lead:
        return False
    if f.lead and f.lead != "-" and m.lead != f.lead:
        return False
    if f.responsible and f.responsible.casefold() not in m.responsible.casefold():
        return False
    if f.overdue_only and not m.is_overdue(today, done):
        return False
    if f.text:
        needle = fold(f.text.strip())
        if needle and needle not in m.haystack():
            return False
    return True


def columns(board: Board, f: BoardFilter, today: date) -> dict[str, list[Measure]]:
    """Measures per status key, in agreement order, after filtering."""
    done = board.done_statuses
    out: dict[str, list[Measure]] = {s.key: [] for s in board.statuses}
    for m in board.measures:
        if m.status in out and matches(m, f, today, done):
            out[m.status].append(m)
    return out


def markers(m: Measure, today: date, done: frozenset[str]) -> str:
    """The card's marker line: notes, lead, due date or overdue; readable without colour."""
    parts = []
    if m.note_count:
        parts.append(f"✎{m.note_count}")
    if m.lead:
        parts.append(m.lead if m.lead != "gemeinsam" else "gem.")
    if m.due:
        label = "ÜBERFÄLLIG" if m.is_overdue(today, done) else "fällig"
        parts.append(f"{label} {m.due.strftime('%d.%m.%y')}")
    if m.responsible:
        parts.append(f"@{m.responsible}")
    return " ".join(parts)
