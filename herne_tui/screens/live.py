"""What every data screen shares: refresh when it comes back after others changed things,
and load errors shown as one line instead of ending the app."""

from __future__ import annotations

import functools

from herne_tui.errors import HerneError


class LiveScreen:
    """Mixin for screens that show database data and implement ``data_changed()``."""

    stale = False
    """Set by the app when others committed while this screen was not shown."""

    def on_screen_resume(self) -> None:
        if self.stale:
            self.stale = False
            self.data_changed()

    def data_changed(self) -> None:
        """Reload what the screen shows (subclasses implement it)."""


def guarded(method):
    """Run a worker body; a HerneError (database gone, locked, …) becomes a notice."""

    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):
        try:
            return method(self, *args, **kwargs)
        except HerneError as exc:
            self.app.call_from_thread(self.notify, exc.message, severity="error", timeout=8)

    return wrapper
