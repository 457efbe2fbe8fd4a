"""Edits cost what they change: the board applies commits measure by measure (issue 15).

The app's own saves and other users' commits reach the board as single-measure deltas; the
whole board is read once per start, never again after an edit.
"""

from __future__ import annotations

from datetime import date

import pytest
from pilot import make_app, settle, until, watch_reports
from pilot import shown as on_screen
from sqlalchemy import select
from textual.geometry import Region

from herne_tui.db.models import MeasureRow
from herne_tui.db.schema import open_database
from herne_tui.domain.boardview import BoardFilter, BoardModel, measures_to_read
from herne_tui.domain.objects import Board, HistoryEntry, Measure, Status, Topic
from herne_tui.services import edits, queries
from herne_tui.services.watch import ChangeWatcher

TODAY = date(2026, 3, 2)


@pytest.fixture
def full_reads(monkeypatch) -> list[int]:
    """Counts every read of the whole board through the services."""
    calls: list[int] = []
    real = queries.load_board

    def counting(db):
        calls.append(1)
        return real(db)

    monkeypatch.setattr(queries, "load_board", counting)
    return calls


def ids(app, status: str) -> list[str]:
    return [m.id for m in app.screen.shown[status]]


async def test_own_move_is_applied_without_reading_the_board_again(db, full_reads):
    app = make_app(db, user="anna", watch_interval=0.1)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await until(pilot, lambda: app.screen.focused_measure() is not None)
        assert full_reads == [1]  # the start
        reports = await watch_reports(pilot, app)
        await pilot.press("L")
        await until(pilot, lambda: "ARB-01" in ids(app, "vorbereitung"), what="the moved card")
        # the watcher notices the app's own commit too; that must not reload everything
        await until(pilot, lambda: reports, what="the watcher to see the own commit")
        await settle(pilot)
        assert full_reads == [1]
        assert "ARB-01" not in ids(app, "offen")
        assert app.screen.focused_measure().id == "ARB-01"


async def test_others_changes_arrive_one_measure_at_a_time(db_path, db, clock, full_reads):
    other = open_database(str(db_path), clock=clock)
    app = make_app(db, user="bernd", watch_interval=0.1)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await until(pilot, lambda: app.screen.focused_measure() is not None)
        await watch_reports(pilot, app)
        edits.move_measure(other, measure_id="ARB-03", status="beratung", user="anna")
        edits.add_note(other, measure_id="ARB-02", text="Annas Notiz", user="anna")
        await until(pilot, lambda: "ARB-03" in ids(app, "beratung"), what="anna's move")
        await until(
            pilot,
            lambda: app.screen.model.by_id["ARB-02"].note_count == 1,
            what="anna's note on the card",
        )
        assert "ARB-03" not in ids(app, "offen")
        assert app.screen.focused_measure().id == "ARB-01"  # bernd keeps his focus
        assert full_reads == [1]


async def test_a_measure_deleted_elsewhere_leaves_the_board(db_path, db, clock, full_reads):
    other = open_database(str(db_path), clock=clock)
    app = make_app(db, user="bernd", watch_interval=0.1)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await until(pilot, lambda: app.screen.focused_measure() is not None)
        await watch_reports(pilot, app)
        before = len(app.screen.model.by_id)

        def delete(session) -> None:
            session.delete(
                session.scalars(select(MeasureRow).where(MeasureRow.id == "ARB-02")).one()
            )
            edits.record(
                session,
                at=other.now(),
                user="anna",
                action="edit",
                entity="measure",
                entity_id="ARB-02",
                field="*",
                txn=edits.new_txn(),
            )

        other.write(delete)
        await until(pilot, lambda: "ARB-02" not in ids(app, "offen"), what="the deleted card")
        assert len(app.screen.model.by_id) == before - 1
        assert full_reads == [1]


def scrollbar_cells(app, cards) -> list:
    """The cells of a column's scrollbar (right of its cards), with their styles."""
    region = cards.region
    return on_screen(app, Region(region.right - 1, region.y, 1, region.height), styled=True)


async def test_a_move_draws_the_scrollbars_with_the_cards(db_path, db, clock):
    """A column's scrollbar follows its cards at once: it appears when they no longer fit and
    its thumb shrinks with the next card, with nothing left for a later layout pass (the
    move and its scrollbars are one frame, see bench/README.md)."""
    from herne_tui.widgets.card_column import CardList

    other = open_database(str(db_path), clock=clock)
    app = make_app(db, user="bernd", watch_interval=0.1)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await until(pilot, lambda: app.screen.focused_measure() is not None)
        screen = app.screen
        target = screen.query_one("#cards-vorbereitung", CardList)
        assert not target.show_vertical_scrollbar
        empty = scrollbar_cells(app, target)
        over = target.size.height // target.card_height + 1  # one card more than fits
        for measure in ids(app, "offen")[1 : 1 + over]:  # another user's moves
            edits.move_measure(other, measure_id=measure, status="vorbereitung", user="anna")
        await until(pilot, lambda: len(ids(app, "vorbereitung")) == over, what="anna's moves")
        await settle(pilot)
        assert target.show_vertical_scrollbar
        shown = scrollbar_cells(app, target)
        assert shown != empty
        await pilot.press("L")  # the own move of ARB-01 into the same column
        await until(pilot, lambda: "ARB-01" in ids(app, "vorbereitung"), what="the own move")
        await settle(pilot)
        after = scrollbar_cells(app, target)
        assert after != shown  # a smaller thumb for one card more
        screen.refresh(layout=True)
        await settle(pilot)
        assert scrollbar_cells(app, target) == after


async def test_a_restore_still_reads_the_whole_board(db, full_reads):
    app = make_app(db, user="bernd", watch_interval=0.1)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await until(pilot, lambda: app.screen.focused_measure() is not None)
        app.post_message(app.DataChanged([]))  # what the watcher says after a restore
        await until(pilot, lambda: len(full_reads) == 2, what="a full read")


def test_the_watcher_starts_where_the_board_was_read(db):
    seen = queries.load_board(db).history_id
    assert seen > 0
    edits.move_measure(db, measure_id="ARB-01", status="beratung", user="anna")
    with ChangeWatcher(db, since=seen) as watcher:
        entries = watcher.poll()
        assert [(e.entity_id, e.new) for e in entries] == [("ARB-01", "beratung")]
        assert watcher.poll() is None
    with ChangeWatcher(db, since=queries.load_board(db).history_id) as watcher:
        assert watcher.poll() is None


# -- the model ---------------------------------------------------------------------------------
def card(mid: str, position: int, status: str = "offen", **kw) -> Measure:
    return Measure(
        id=mid, topic="ARB", title=mid, text="", status=status, position=position, paragraph=1, **kw
    )


def model(*measures: Measure, f: BoardFilter | None = None) -> BoardModel:
    board = Board(
        (Topic("ARB", "Arbeit", 1),),
        (Status("offen", "Offen", 1, False), Status("fertig", "Fertig", 2, True)),
        measures,
    )
    return BoardModel(board, f or BoardFilter(), TODAY)


def shown(m: BoardModel) -> dict[str, list[str]]:
    return {k: [x.id for x in v] for k, v in m.shown.items()}


def test_model_moves_adds_and_removes_single_measures():
    m = model(card("A", 1), card("B", 2), card("C", 3))
    assert m.put(card("B", 2, "fertig", version=2)) == {"offen", "fertig"}
    assert shown(m) == {"offen": ["A", "C"], "fertig": ["B"]}
    assert m.put(card("D", 0)) == {"offen"}  # added elsewhere: in agreement order
    assert shown(m)["offen"] == ["D", "A", "C"]
    assert m.remove("A") == {"offen"}
    assert m.remove("A") == set()
    assert shown(m) == {"offen": ["D", "C"], "fertig": ["B"]}
    assert m.find("C") == ("offen", 1)
    assert [x.id for x in m.board().measures] == ["D", "B", "C"]


def test_model_ignores_an_older_copy_and_keeps_the_filter():
    m = model(card("A", 1), card("B", 2), f=BoardFilter(text="b"))
    assert shown(m)["offen"] == ["B"]
    m.put(card("A", 1, "fertig", version=3))
    assert m.put(card("A", 1, "offen", version=2)) == set()  # a read that raced a newer save
    assert m.by_id["A"].status == "fertig"
    m.put(card("B", 2, "fertig", version=2))
    assert shown(m) == {"offen": [], "fertig": ["B"]}  # A does not match the filter


def entry(entity: str, entity_id: str, action: str = "edit") -> HistoryEntry:
    from datetime import UTC, datetime

    return HistoryEntry(
        id=1,
        at=datetime(2026, 3, 2, tzinfo=UTC),
        user="anna",
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


def test_which_history_needs_which_read():
    assert measures_to_read([entry("measure", "A"), entry("measure", "B", "note")]) == {"A", "B"}
    assert measures_to_read([entry("committee", "x"), entry("seat", "y")]) == set()
    assert measures_to_read([]) is None  # e.g. a restore
    assert measures_to_read([entry("measure", "A", "seed")]) is None
    assert measures_to_read([entry("status", "offen")]) is None
    assert measures_to_read([entry("privacy", "")]) is None


# -- sideways ----------------------------------------------------------------------------------
async def test_right_and_left_move_between_columns_and_keep_the_column_in_view(db):
    from pilot import started

    async with started(db, size=(80, 24)) as (app, pilot):
        screen = app.screen
        keys = screen.model.status_keys()
        row = screen.query_one("#columns")
        assert len(keys) * screen.COLUMN_MIN_WIDTH > 80  # not every column fits: it scrolls
        for index in range(1, len(keys)):
            await pilot.press("right")
            await pilot.pause()
            assert screen.column_index == index
            column = screen.query_one(f"#col-{keys[index]}").region
            assert row.region.x <= column.x and column.right <= row.region.right, index
        assert row.scroll_x > 0
        for index in reversed(range(len(keys) - 1)):
            await pilot.press("left")
            await pilot.pause()
            assert screen.column_index == index
        await pilot.pause()
        assert row.scroll_x == 0


async def test_at_120_columns_all_six_columns_fit_and_right_never_scrolls(db):
    """At 120×40 (the benchmark's terminal) the columns share the width: ``right`` moves the
    focus without scrolling the row (a scroll repaints the whole board); a label too long for
    its column is cut with … and keeps its count."""
    from pilot import started

    async with started(db, size=(120, 40)) as (app, pilot):
        screen = app.screen
        keys = screen.model.status_keys()
        row = screen.query_one("#columns")
        assert len(keys) == 6
        for index in range(1, len(keys)):
            await pilot.press("right")
            await pilot.pause()
            assert screen.column_index == index
            assert row.scroll_x == 0
        for key in keys:
            column = screen.query_one(f"#col-{key}").region
            assert row.region.x <= column.x and column.right <= row.region.right, key
        headers = [str(h.content) for h in screen.query(".column-header")]
        assert headers[1] == "In Vorbereit… (0)"  # "In Vorbereitung (0)" does not fit in 17
        assert headers[0] == "Offen (140)" and headers[4] == "Umgesetzt (0) ✓"


async def test_a_narrower_terminal_keeps_the_focused_column_in_view(db):
    from pilot import started

    async with started(db, size=(120, 40)) as (app, pilot):
        screen = app.screen
        keys = screen.model.status_keys()
        for _ in keys:
            await pilot.press("right")
        await pilot.pause()
        await pilot.resize_terminal(80, 24)
        row = screen.query_one("#columns")
        last = screen.query_one(f"#col-{keys[-1]}")
        await until(pilot, lambda: last.region.right <= row.region.right, what="the last column")
        assert screen.column_index == len(keys) - 1
        assert last.region.x >= row.region.x


# -- one read per start ------------------------------------------------------------------------
async def test_a_quick_start_reads_the_board_once(db_path, db, clock, full_reads):
    from herne_tui.db.quickstart import read_board

    other = open_database(str(db_path), clock=clock)
    first = read_board(db_path)  # what the quick start paints
    edits.move_measure(other, measure_id="ARB-02", status="beratung", user="anna")  # in between
    app = make_app(db, user="bernd", watch_interval=0.1, initial_board=first)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await until(pilot, lambda: app.watcher is not None, what="the watcher")
        # the change committed between the first read and the watcher's start arrives by itself
        await until(pilot, lambda: "ARB-02" in ids(app, "beratung"), what="anna's move")
        await pilot.press("L")
        await until(pilot, lambda: "ARB-01" in ids(app, "vorbereitung"), what="the own move")
        await settle(pilot)
        assert full_reads == []  # the quick start's read was the only one
