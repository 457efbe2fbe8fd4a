"""Textual's footer, rebuilt only when the keys it shows change."""

from __future__ import annotations

from textual.screen import Screen
from textual.widgets import Footer


class QuietFooter(Footer):
    """A footer that rebuilds (and repaints) only when its keys would look different.

    Textual's footer rebuilds itself whenever the screen's bindings are refreshed, e.g. on every
    focus change, even when the same keys come back. While ``covered`` (the board's note line
    lies over it) it does not rebuild at all; when uncovered it rebuilds only if the keys
    differ from those it shows.
    """

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.covered = False
        self._shown: tuple | None = None

    def _keys(self, screen: Screen) -> tuple:
        return tuple(
            (binding.key, binding.action, binding.description, enabled, tooltip)
            for (_, binding, enabled, tooltip) in screen.active_bindings.values()
            if binding.show
        )

    def bindings_changed(self, screen: Screen) -> None:
        if self.covered and self._shown is not None:
            return
        if self._shown is not None and screen is self.screen and self._keys(screen) == self._shown:
            return
        super().bindings_changed(screen)

    def uncover(self) -> None:
        """The footer is visible again: show the keys that apply now (if they changed)."""
        self.covered = False
        if self.is_attached:
            self.bindings_changed(self.screen)

    def compose(self):
        if self._bindings_ready:
            self._shown = self._keys(self.screen)
        yield from super().compose()
