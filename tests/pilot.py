"""Helpers for driving the app through Textual's Pilot."""

from __future__ import annotations

from herne_tui.app import HerneApp


def make_app(db, user: str = "tester", **kw) -> HerneApp:
    """The app on a test database (the watcher polls fast so tests stay quick)."""
    return HerneApp(db, user=user, watch_interval=kw.pop("watch_interval", 0.2), **kw)


async def settle(pilot, rounds: int = 3) -> None:
    """Let workers finish and messages be processed (a newer load may cancel an older one)."""
    from textual.worker import WorkerCancelled

    for _ in range(rounds):
        try:
            await pilot.app.workers.wait_for_complete()
        except WorkerCancelled:
            pass
        await pilot.pause()
    for _ in range(100):  # a load that replaced a cancelled one may still be running
        if not any(w.is_running for w in pilot.app.workers if w.group != "watch"):
            break
        await pilot.pause(0.02)


def table_rows(screen) -> list[list[str]]:
    """The cells of the screen's DataTable as text, row by row."""
    from textual.widgets import DataTable

    table = screen.query_one(DataTable)
    return [[str(c) for c in table.get_row_at(i)] for i in range(table.row_count)]


def rows(screen) -> list[str]:
    """The screen's DataTable rows, each joined into one line."""
    return [" | ".join(r) for r in table_rows(screen)]
