"""SVG snapshots of the main screens (reviewed by eye; `pytest --snapshot-update` renews)."""

from __future__ import annotations

from pilot import make_app, settle

from herne_tui.services import edits


def _prepare(db):
    edits.update_measure(
        db,
        measure_id="ARB-02",
        changes={"status": "beratung", "lead": "SPD", "due": "2026-01-31"},
        user="anna",
        note="Vorlage in Arbeit",
    )
    edits.update_measure(
        db, measure_id="SCH-01", changes={"status": "umsetzung", "lead": "gemeinsam"}, user="anna"
    )
    edits.update_measure(db, measure_id="KJF-02", changes={"status": "umgesetzt"}, user="bernd")
    return make_app(db, watch_interval=60)


async def _settled(pilot):
    await settle(pilot)


def test_board_80x24(db, snap_compare):
    assert snap_compare(_prepare(db), terminal_size=(80, 24), run_before=_settled)


def test_board_160x48(db, snap_compare):
    assert snap_compare(_prepare(db), terminal_size=(160, 48), run_before=_settled)


def test_holdings_panel(db, snap_compare):
    async def open_panel(pilot):
        await settle(pilot)
        await pilot.press("5")
        await settle(pilot)

    assert snap_compare(_prepare(db), terminal_size=(120, 30), run_before=open_panel)
