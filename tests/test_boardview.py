"""What a card and the board's filters show, as pure functions."""

from __future__ import annotations

from datetime import UTC, date, datetime

from rich.cells import cell_len

from herne_tui.domain.boardview import (
    BoardFilter,
    BoardModel,
    columns,
    markers,
    matches,
    measures_to_read,
)
from herne_tui.domain.objects import Board, HistoryEntry, Measure, Status
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


def _model(f: BoardFilter | None = None) -> BoardModel:
    statuses = (
        Status("offen", "Offen", 1, False),
        Status("beratung", "In Beratung", 2, False),
        Status("umgesetzt", "Umgesetzt", 3, True),
    )
    ms = (
        measure(id="A-03", position=3),
        measure(id="A-01", position=1),
        measure(id="A-02", position=2, status="beratung", due=date(2026, 3, 2)),
        measure(id="A-04", position=4, title="Kita"),
    )
    return BoardModel(Board(topics=(), statuses=statuses, measures=ms), f or BoardFilter(), TODAY)


def ids(model: BoardModel) -> dict[str, list[str]]:
    return {key: [m.id for m in shown] for key, shown in model.shown.items()}


def test_the_board_model_changes_one_card_at_a_time_in_agreement_order():
    model = _model()
    assert ids(model) == {"offen": ["A-01", "A-03", "A-04"], "beratung": ["A-02"], "umgesetzt": []}
    assert model.find("A-03") == ("offen", 1) and model.find("A-02") == ("beratung", 0)
    assert model.find("ZZ-99") is None
    assert model.status_keys() == ["offen", "beratung", "umgesetzt"]
    # a move: out of one column, into the other at its place
    moved = measure(id="A-03", position=3, status="beratung", version=2)
    assert model.put(moved) == {"offen", "beratung"}
    assert ids(model)["offen"] == ["A-01", "A-04"] and ids(model)["beratung"] == ["A-02", "A-03"]
    assert model.find("A-03") == ("beratung", 1) and model.find("A-04") == ("offen", 1)
    # an older copy (a read that raced with the save) and the same copy change nothing
    assert model.put(measure(id="A-03", position=3, version=1)) == set()
    assert model.put(moved) == set()
    assert model.find("A-03") == ("beratung", 1)
    # a new measure lands at its place; a measure in an unknown column is kept but not shown
    assert model.put(measure(id="A-00", position=0)) == {"offen"}
    assert ids(model)["offen"] == ["A-00", "A-01", "A-04"]
    assert model.put(measure(id="A-09", position=9, status="verschollen")) == set()
    assert model.find("A-09") is None and "A-09" in model.by_id
    assert [m.id for m in model.board().measures] == [
        "A-00",
        "A-01",
        "A-02",
        "A-03",
        "A-04",
        "A-09",
    ]
    assert model.remove("A-01") == {"offen"} and model.remove("A-01") == set()
    assert ids(model)["offen"] == ["A-00", "A-04"] and model.find("A-04") == ("offen", 1)
    assert "A-01" not in [m.id for m in model.board().measures]
    assert model.remove("A-09") == set()  # kept, never shown: no column changed


def test_the_board_model_keeps_the_filter_and_the_day():
    model = _model(BoardFilter(text="kita"))
    assert ids(model) == {"offen": ["A-04"], "beratung": [], "umgesetzt": []}
    # a change that makes a card fail the filter takes it out of its column
    assert model.put(measure(id="A-04", position=4, title="Schule", version=2)) == {"offen"}
    assert ids(model)["offen"] == [] and model.find("A-04") is None
    assert model.put(measure(id="A-01", position=1, title="Kita", version=2)) == {"offen"}
    model.set_filter(BoardFilter(overdue_only=True))
    assert ids(model) == {"offen": [], "beratung": [], "umgesetzt": []}  # due today: not yet
    assert model.set_day(TODAY) is False
    assert model.set_day(date(2026, 3, 3)) is True and model.today == date(2026, 3, 3)
    assert ids(model)["beratung"] == ["A-02"]
    board = model.board()
    assert board is model.board()  # kept until a change
    assert board.statuses == model.statuses and board.topics == ()


def test_which_history_asks_for_which_measures_again():
    def e(entity, entity_id="A-01", action="edit"):
        return HistoryEntry(
            id=1,
            at=datetime(2026, 3, 2, tzinfo=UTC),
            user="a",
            action=action,
            entity=entity,
            entity_id=entity_id,
            field="status",
            old=None,
            new=None,
            source="",
            comment="",
            txn="t",
        )

    assert measures_to_read(None) is None and measures_to_read([]) is None
    assert measures_to_read([e("measure"), e("note", "A-02"), e("paper", "3")]) is None
    assert measures_to_read([e("measure"), e("measure", "A-02"), e("paper", "3")]) == {
        "A-01",
        "A-02",
    }
    assert measures_to_read([e("measure", action="seed")]) is None
    assert measures_to_read([e("measure", entity_id="")]) is None
    assert measures_to_read([e("topic", "ARB")]) is None
    assert measures_to_read([e("dissent", "1"), e("committee", "x")]) == set()


def test_a_pending_status_without_anyone_to_confirm_still_shows():
    m = measure(pending="umgesetzt", confirm_by=())
    assert markers(m, TODAY, DONE) == "⧗ Bestätigung: —"
    assert markers(measure(pending="umgesetzt", confirm_by=("CDU", "GRÜNE")), TODAY, DONE) == (
        "⧗ Bestätigung: CDU/GRÜNE"
    )
