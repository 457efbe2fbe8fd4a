"""Helpers for driving the app through Textual's Pilot."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager, suppress
from typing import TypeVar

from helpers import PATIENCE

from herne_tui.app import HerneApp

T = TypeVar("T")


def make_app(db, user: str = "tester", **kw) -> HerneApp:
    """The app on a test database (the watcher polls fast so tests stay quick)."""
    return HerneApp(db, user=user, watch_interval=kw.pop("watch_interval", 0.2), **kw)


@asynccontextmanager
async def started(
    db, user: str = "tester", size: tuple[int, int] = (120, 40), **kw
) -> AsyncIterator[tuple[HerneApp, object]]:
    """``(app, pilot)``: the app on ``db`` running headless, its first load settled."""
    app = make_app(db, user=user, **kw)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        yield app, pilot


async def until(
    pilot,
    condition: Callable[[], T],
    *,
    timeout: float = PATIENCE,
    what: str | Callable[[], str] = "the condition",
) -> T:
    """Pump the app until ``condition()`` is truthy and return it; fail after ``timeout`` s."""
    deadline = time.monotonic() + timeout
    while True:
        result = condition()
        if result:
            return result
        if time.monotonic() > deadline:
            shown = what() if callable(what) else what
            raise AssertionError(f"not within {timeout:g} s: {shown}")
        await pilot.pause(0.02)


async def watch_reports(pilot, app) -> list:
    """Record every change the app's watcher reports from now on (a poll that is not None)."""
    await until(pilot, lambda: app.watcher is not None, what="the app's watcher")
    reports: list = []
    poll = app.watcher.poll

    def counting_poll():
        result = poll()
        if result is not None:
            reports.append(result)
        return result

    app.watcher.poll = counting_poll
    return reports


def _busy(app) -> bool:
    """True while a worker other than the (endless) change watcher is running."""
    return any(w.is_running for w in app.workers if w.group != "watch")


async def settle(pilot, rounds: int = 3) -> None:
    """Let workers finish and messages be processed (a newer load may cancel an older one)."""
    from textual.worker import WorkerCancelled

    for _ in range(rounds):
        with suppress(WorkerCancelled):
            await pilot.app.workers.wait_for_complete()
        await pilot.pause()
    # a load that replaced a cancelled one may still be running
    await until(pilot, lambda: not _busy(pilot.app), what="the app's workers to finish")


def _palette_shows(app, typed: str) -> bool:
    from textual.command import CommandList, CommandPalette
    from textual.widgets import Input

    palette = app.screen
    if not isinstance(palette, CommandPalette) or palette.query_one(Input).value != typed:
        return False
    gathering = any(w.group == CommandPalette._GATHER_COMMANDS_GROUP for w in app.workers)
    return not gathering and palette.query_one(CommandList).highlighted is not None


async def palette_results(pilot, typed: str) -> None:
    """Wait until the command palette lists (and highlights) the hits for ``typed``.

    The palette searches in a worker; the hits are current when the input holds ``typed``,
    no search is pending and a hit is highlighted, on three looks in a row (the search for
    the last key may start a moment after the key itself was handled).
    """
    for _ in range(3):
        await until(pilot, lambda: _palette_shows(pilot.app, typed), what=f"palette hits {typed!r}")
        await pilot.pause()


def table_rows(screen) -> list[list[str]]:
    """The cells of the screen's DataTable as text, row by row."""
    from textual.widgets import DataTable

    table = screen.query_one(DataTable)
    return [[str(c) for c in table.get_row_at(i)] for i in range(table.row_count)]


def rows(screen) -> list[str]:
    """The screen's DataTable rows, each joined into one line."""
    return [" | ".join(r) for r in table_rows(screen)]


def shown(app, region, styled: bool = False) -> list:
    """What the terminal shows in ``region`` of the screen, row by row: the text, or each
    row's segments with their styles (a scrollbar's thumb is styled blank cells)."""
    strips = app.screen._compositor.render_strips()
    rows = [strips[y].crop(region.x, region.right) for y in range(region.y, region.bottom)]
    if styled:
        return [[(seg.text, str(seg.style)) for seg in row] for row in rows]
    return [row.text.rstrip() for row in rows]
