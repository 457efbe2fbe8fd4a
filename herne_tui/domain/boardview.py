"""What the board shows: filtering and card markers, as pure functions of domain objects.

No Textual and no database here, so the rules are unit-testable and cost microseconds per
keystroke.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date

from herne_tui.domain.objects import Board, HistoryEntry, Measure
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


def matches(
    m: Measure, f: BoardFilter, today: date, done: frozenset[str], hay: str | None = None
) -> bool:
    """True when a measure passes every active filter (text search is case-insensitive and
    folded; ``hay``: ``m.haystack()`` when the caller keeps it)."""
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
        if (
            needle
            and needle not in (m.haystack() if hay is None else hay)
            and (needle not in (m.notes_text or ""))
        ):
            return False
    return True


class Haystacks:
    """Each measure's folded haystack, kept while the measure is the same object: a key typed
    in the search folds nothing again (the board and the table keep one each)."""

    __slots__ = ("_kept",)

    def __init__(self) -> None:
        self._kept: dict[str, tuple[Measure, str]] = {}

    def of(self, m: Measure) -> str:
        """``m.haystack()``, folded once per measure object."""
        kept = self._kept.get(m.id)
        if kept is None or kept[0] is not m:
            kept = self._kept[m.id] = (m, m.haystack())
        return kept[1]

    def forget(self, measure_id: str) -> None:
        """Drop a measure that left the board."""
        self._kept.pop(measure_id, None)


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
    if m.pending:  # issue 14: a status change waits for another partner (first: always seen)
        parts.append(f"⧗ Bestätigung: {'/'.join(m.confirm_by) or '—'}")
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


class BoardModel:
    """The board in memory, changed one measure at a time.

    It holds every measure by id and, per status column, the measures that pass the filter in
    board order (``shown``, with their sort keys beside them for bisection). ``put`` and
    ``remove`` cost a dictionary lookup and two list edits whatever the board's size, and
    return the status keys whose columns changed, so a screen repaints only those. Only
    ``set_filter`` and ``set_day`` walk every measure.
    """

    __slots__ = (
        "_board",
        "_hay",
        "_keys",
        "by_id",
        "done",
        "filter",
        "meta",
        "shown",
        "statuses",
        "today",
        "topics",
    )

    def __init__(self, board: Board, f: BoardFilter, today: date) -> None:
        self.topics = board.topics
        self.statuses = board.statuses
        self.meta = board.meta
        self.done = board.done_statuses
        self.by_id: dict[str, Measure] = {m.id: m for m in board.measures}
        self.filter = f
        self.today = today
        self.shown: dict[str, list[Measure]] = {}
        self._keys: dict[str, list[tuple[int, str]]] = {}
        self._board: Board | None = board
        self._hay = Haystacks()
        self._rebuild()

    def _rebuild(self) -> None:
        self.shown = {s.key: [] for s in self.statuses}
        for m in sorted(self.by_id.values(), key=_order):
            if m.status in self.shown and self._passes(m):
                self.shown[m.status].append(m)
        self._keys = {key: [_order(m) for m in items] for key, items in self.shown.items()}

    def _passes(self, m: Measure) -> bool:
        hay = self._hay.of(m) if self.filter.text else None
        return matches(m, self.filter, self.today, self.done, hay)

    # -- whole-board changes (walk every measure) -------------------------------------------------
    def set_filter(self, f: BoardFilter) -> None:
        """Show only the measures that pass ``f``."""
        self.filter = f
        self._rebuild()

    def set_day(self, today: date) -> bool:
        """Count overdue from ``today``; True when that changed the day."""
        if today == self.today:
            return False
        self.today = today
        self._rebuild()
        return True

    # -- single-measure deltas --------------------------------------------------------------------
    def put(self, m: Measure) -> set[str]:
        """Add or replace one measure; the status keys of the columns that changed.

        A copy older than the one shown (a lower version) is ignored: reads that raced with a
        newer save must not undo it on screen.
        """
        old = self.by_id.get(m.id)
        if old is not None and m.notes_text is None:  # a save's result: notes as read before
            m = replace(m, notes_text=old.notes_text)
        if old is not None and (old.version > m.version or old == m):
            return set()
        changed = self._take_out(old) if old is not None else set()
        self.by_id[m.id] = m
        self._board = None
        if m.status in self.shown and self._passes(m):
            key = _order(m)
            index = bisect_left(self._keys[m.status], key)
            self._keys[m.status].insert(index, key)
            self.shown[m.status].insert(index, m)
            changed.add(m.status)
        return changed

    def remove(self, measure_id: str) -> set[str]:
        """Drop a measure (deleted elsewhere); the status keys of the columns that changed."""
        old = self.by_id.pop(measure_id, None)
        self._hay.forget(measure_id)
        if old is None:
            return set()
        self._board = None
        return self._take_out(old)

    def _take_out(self, m: Measure) -> set[str]:
        index = self.locate(m)
        if index is None:
            return set()
        del self._keys[m.status][index]
        del self.shown[m.status][index]
        return {m.status}

    # -- reads --------------------------------------------------------------------------------
    def locate(self, m: Measure) -> int | None:
        """Where the shown copy of ``m`` stands in its column, or None when it is not shown."""
        keys = self._keys.get(m.status)
        if keys is None:
            return None
        index = bisect_left(keys, _order(m))
        if index < len(keys) and keys[index][1] == m.id:
            return index
        return None

    def find(self, measure_id: str) -> tuple[str, int] | None:
        """(status key, row) of a shown measure, or None."""
        m = self.by_id.get(measure_id)
        index = None if m is None else self.locate(m)
        return None if m is None or index is None else (m.status, index)

    def status_keys(self) -> list[str]:
        """Status keys in board order."""
        return [s.key for s in self.statuses]

    def board(self) -> Board:
        """The whole board as a frozen snapshot (built on demand, then kept until a change)."""
        if self._board is None:
            measures = tuple(sorted(self.by_id.values(), key=_order))
            self._board = Board(self.topics, self.statuses, measures, self.meta)
        return self._board


def _order(m: Measure) -> tuple[int, str]:
    """A measure's place on the board: agreement order, the id breaking ties."""
    return (m.position, m.id)


OFF_BOARD = frozenset({"committee", "post", "seat", "holding", "paper", "dissent"})
"""History entities the board does not show: their changes leave it as it is."""


def measures_to_read(entries: Iterable[HistoryEntry] | None) -> set[str] | None:
    """The measures to read again after these history entries; None: read the whole board.

    ``None`` or no entries at all (e.g. after a restore), a re-seed, and changes to anything the
    board shows besides measures (topics, statuses, metadata, a ``forget``) need the whole
    board; changes of measures need only those measures.
    """
    if not entries:
        return None
    ids: set[str] = set()
    for e in entries:
        if e.entity in OFF_BOARD:
            continue
        if e.entity != "measure" or e.action == "seed" or not e.entity_id:
            return None
        ids.add(e.entity_id)
    return ids
