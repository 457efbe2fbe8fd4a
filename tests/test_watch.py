"""The change watcher: other processes' commits, each once, oldest first."""

from __future__ import annotations

import pytest

from herne_tui.db.schema import open_database
from herne_tui.services import edits
from herne_tui.services.watch import ChangeWatcher


@pytest.fixture(params=[True, False], ids=["data_version", "max_id"])
def watcher(request, db):
    with ChangeWatcher(db, use_data_version=request.param) as w:
        assert w.uses_data_version is request.param
        yield w


@pytest.fixture
def other(db_path, clock):
    """A second connection to the same file, as another process would have."""
    database = open_database(str(db_path), clock=clock)
    yield database
    database.dispose()


def test_nothing_changed_is_none_and_the_start_is_not_reported(watcher):
    assert watcher.poll() is None
    assert watcher.poll() is None


def test_changes_arrive_once_in_commit_order(watcher, other, clock):
    edits.move_measure(other, measure_id="ARB-03", status="beratung", user="bernd")
    clock.advance(minutes=1)
    edits.add_note(other, measure_id="ARB-01", text="zweite", user="bernd")
    clock.advance(minutes=1)
    edits.update_measure(
        other, measure_id="ARB-02", changes={"responsible": "Amt", "lead": "SPD"}, user="cem"
    )
    seen = watcher.poll()
    assert [(e.entity_id, e.field, e.new) for e in seen] == [
        ("ARB-03", "status", "beratung"),
        ("ARB-01", "note", "zweite"),
        ("ARB-02", "responsible", "Amt"),
        ("ARB-02", "lead", "SPD"),
    ]
    assert [e.id for e in seen] == sorted(e.id for e in seen)
    assert watcher.last_id == seen[-1].id
    assert watcher.poll() is None  # each change once
    edits.add_note(other, measure_id="ARB-01", text="dritte", user="bernd")
    assert [e.new for e in watcher.poll()] == ["dritte"]


def test_a_closed_watcher_reports_nothing(db, other):
    w = ChangeWatcher(db)
    w.close()
    edits.add_note(other, measure_id="ARB-01", text="x", user="bernd")
    assert w.poll() is None


def test_data_version_needs_a_file(db):
    w = ChangeWatcher(db)
    try:
        assert w.uses_data_version  # the default on an SQLite file
    finally:
        w.close()


def test_since_hands_out_what_the_caller_has_not_seen(watcher, db, other):
    edits.add_note(other, measure_id="ARB-01", text="eins", user="bernd")
    edits.add_note(other, measure_id="ARB-01", text="zwei", user="bernd")
    seen = watcher.poll()
    with ChangeWatcher(db, use_data_version=watcher.uses_data_version, since=seen[0].id) as late:
        # nothing was committed since it started, but "zwei" is still to be handed out
        assert [e.new for e in late.poll()] == ["zwei"]
        assert late.poll() is None


def test_a_closed_watcher_has_no_connection_left(db):
    w = ChangeWatcher(db)
    w.close()
    assert not w.uses_data_version


def test_data_version_without_a_file_is_refused():
    class NoFile:
        path = None

    with pytest.raises(ValueError, match="^PRAGMA data_version needs an SQLite file$"):
        ChangeWatcher(NoFile(), use_data_version=True)


def test_quiet_says_nothing_new_without_a_poll_and_never_hides_a_commit(db, other):
    """``quiet()`` lets the app skip a worker per tick: True only while nothing was committed."""
    with ChangeWatcher(db, use_data_version=True) as w:
        assert w.quiet() is True
        edits.add_note(other, measure_id="ARB-01", text="neu", user="bernd")
        assert w.quiet() is False
        assert w.quiet() is False  # asking does not consume the change
        assert [e.new for e in w.poll()] == ["neu"]
        assert w.quiet() is True
    with ChangeWatcher(db, use_data_version=False) as w:
        assert w.quiet() is False  # without data_version it cannot tell cheaply: poll
    with ChangeWatcher(db, use_data_version=True, since=0) as w:
        assert w.quiet() is False  # entries after ``since`` still to hand out
