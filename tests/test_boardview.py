"""What a card and the board's filters show, as pure functions."""

from __future__ import annotations

from datetime import date

from rich.cells import cell_len

from herne_tui.domain.boardview import BoardFilter, markers, matches
from herne_tui.domain.objects import Measure
from herne_tui.widgets.card_column import _wrap

TODAY = date(2026, 3, 2)
DONE = frozenset({"umgesetzt"})


def measure(**kw) -> Measure:
    values = dict(
        id="SCH-02",
        topic="SCH",
        title="Letzte Herner Hauptschule erhalten",
        text="Erhalt der letzten Herner Hauptschule.",
        status="offen",
        position=8,
        paragraph=2,
    )
    values.update(kw)
    return Measure(**values)


def test_markers_read_without_colour():
    m = measure(note_count=2, lead="gemeinsam", due=date(2026, 3, 1), responsible="Schulamt")
    assert markers(m, TODAY, DONE) == "✎2 gem. ÜBERFÄLLIG 01.03.26 @Schulamt"
    assert (
        markers(measure(due=date(2026, 3, 1), status="umgesetzt"), TODAY, DONE) == "fällig 01.03.26"
    )


def test_filters():
    m = measure(lead="CDU", responsible="Schulamt Herne")
    assert matches(m, BoardFilter(text="HAUPTSCHULE"), TODAY, DONE)
    assert matches(m, BoardFilter(text="sch-02"), TODAY, DONE)
    assert not matches(m, BoardFilter(text="Kita"), TODAY, DONE)
    assert matches(m, BoardFilter(topic="SCH", lead="CDU", responsible="schulamt"), TODAY, DONE)
    assert not matches(m, BoardFilter(lead="-"), TODAY, DONE)
    assert not matches(m, BoardFilter(overdue_only=True), TODAY, DONE)
    assert matches(measure(due=date(2026, 1, 1)), BoardFilter(overdue_only=True), TODAY, DONE)


def test_card_titles_wrap_into_two_rows_and_show_cuts():
    rows = _wrap("Blumenthal-Quartier mit Seilbahn-Erschließung realisieren", 23, 2)
    assert rows[0].rstrip() == "Blumenthal-Quartier mit"
    assert rows[1].rstrip().endswith("…")
    assert all(cell_len(r) == 23 for r in rows)
    assert _wrap("Schulmodernisierungsgesellschaft bis 2035", 20, 2)[0].endswith("…")
    assert _wrap("Kurz", 10, 2) == ["Kurz      ", "          "]
