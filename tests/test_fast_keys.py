"""Keys are not lost when switching screens fast; the weekly review never blocks (issue 12)."""

from __future__ import annotations

import asyncio

from pilot import settle, started, until

from herne_tui.screens.board import BoardScreen


async def test_fast_screen_switching_ends_on_the_last_key(db):
    async with started(db, size=(120, 40)) as (app, pilot):
        await pilot.press("2")
        for key in "34678 90d1":
            if key == " ":
                continue
            await pilot.press(key)
            await asyncio.sleep(0.2)
        await until(pilot, lambda: isinstance(app.screen, BoardScreen), what="the board (key 1)")
        await settle(pilot)
        assert isinstance(app.screen, BoardScreen)
