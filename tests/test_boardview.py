"""What a card and the board's filters show, as pure functions."""

from __future__ import annotations

from datetime import date

from rich.cells import cell_len

from herne_tui.domain.boardview import BoardFilter, columns, markers, matches
from herne_tui.domain.objects import Board, Measure, Status
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
    assert matches(m, BoardFilter(text="  letzten herner  "), TODAY, DONE)  # in the text only
    assert matches(m, BoardFilter(text="   "), TODAY, DONE)  # blanks restrict nothing
    with_sub = measure(subitems=("Ganztagsangebote ausbauen",))
    assert matches(with_sub, BoardFilter(text="ganztag"), TODAY, DONE)
    assert not matches(m, BoardFilter(text="ganztag"), TODAY, DONE)
    assert not matches(m, BoardFilter(topic="ARB"), TODAY, DONE)
    assert not matches(m, BoardFilter(lead="SPD"), TODAY, DONE)
    assert matches(measure(), BoardFilter(lead="-"), TODAY, DONE)
    assert not matches(m, BoardFilter(responsible="Bauamt"), TODAY, DONE)
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


def test_filter_reports_itself_in_german():
    assert not BoardFilter().active()
    for active in (
        BoardFilter(text="x"),
        BoardFilter(topic="SCH"),
        BoardFilter(lead="-"),
        BoardFilter(responsible="amt"),
        BoardFilter(overdue_only=True),
    ):
        assert active.active()
    names = {"SCH": "Schule"}
    assert BoardFilter(text="Kita", topic="SCH").describe(names) == "Suche „Kita“ · Thema Schule"
    assert BoardFilter(topic="XYZ").describe(names) == "Thema XYZ"
    assert BoardFilter(lead="-").describe(names) == "ohne Federführung"
    assert BoardFilter(lead="CDU").describe(names) == "Federführung CDU"
    assert (
        BoardFilter(responsible="Amt", overdue_only=True).describe(names)
        == "Verantwortlich „Amt“ · nur überfällige"
    )
    assert BoardFilter().describe(names) == ""


def test_columns_keep_agreement_order_and_only_known_statuses():
    statuses = (
        Status("offen", "Offen", 1, False),
        Status("umgesetzt", "Umgesetzt", 2, True),
    )
    ms = (
        measure(id="A-01", status="umgesetzt"),
        measure(id="A-02"),
        measure(id="A-03", status="verschollen"),
        measure(id="A-04", title="Kita"),
        measure(id="A-05", status="umgesetzt", due=date(2026, 1, 1)),
    )
    board = Board(topics=(), statuses=statuses, measures=ms)
    got = columns(board, BoardFilter(), TODAY)
    assert list(got) == ["offen", "umgesetzt"]
    assert [m.id for m in got["offen"]] == ["A-02", "A-04"]
    assert [m.id for m in got["umgesetzt"]] == ["A-01", "A-05"]
    # a done measure is never overdue, however old its date
    assert columns(board, BoardFilter(overdue_only=True), TODAY) == {"offen": [], "umgesetzt": []}
    assert markers(ms[4], TODAY, board.done_statuses) == "fällig 01.01.26"
    assert markers(measure(lead="SPD", due=date(2026, 3, 2)), TODAY, DONE) == "SPD fällig 02.03.26"


def test_the_notes_text_is_searched_and_kept_when_a_save_result_has_none():
    from herne_tui.domain.boardview import BoardModel
    from herne_tui.domain.search import notes_text

    read = measure(notes_text=notes_text(["Termin mit dem Förderverein"]), note_count=1)
    assert matches(read, BoardFilter(text="Foerderverein"), TODAY, DONE)
    assert not matches(measure(), BoardFilter(text="Foerderverein"), TODAY, DONE)
    board = Board((), (Status("offen", "Offen", 1, False),), (read,), {})
    model = BoardModel(board, BoardFilter(text="förderverein"), TODAY)
    assert [m.id for m in model.shown["offen"]] == ["SCH-02"]
    saved = measure(version=2, lead="SPD", note_count=1)  # a save's result: no notes_text
    model.put(saved)
    assert [m.lead for m in model.shown["offen"]] == ["SPD"]  # the save is shown, still found
    assert model.by_id["SCH-02"].notes_text == read.notes_text


def test_the_kept_haystack_follows_a_changed_measure():
    from herne_tui.domain.boardview import BoardModel

    board = Board((), (Status("offen", "Offen", 1, False),), (measure(),), {})
    model = BoardModel(board, BoardFilter(text="hauptschule"), TODAY)
    assert [m.id for m in model.shown["offen"]] == ["SCH-02"]
    model.put(measure(version=2, title="Gesamtschule", text="Eine neue Gesamtschule."))
    assert model.shown["offen"] == []  # the old title's words find it no more
    model.set_filter(BoardFilter(text="gesamtschule"))
    assert [m.title for m in model.shown["offen"]] == ["Gesamtschule"]
