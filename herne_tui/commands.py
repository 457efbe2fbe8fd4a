"""Command palette providers: go to a measure, and every action of the current screen."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from functools import partial
from typing import TYPE_CHECKING, cast

from textual.app import App
from textual.binding import Binding
from textual.command import DiscoveryHit, Hit, Hits, Matcher, Provider
from textual.content import Content
from textual.screen import Screen

from herne_tui.domain.text import for_terminal

if TYPE_CHECKING:
    from herne_tui.app import HerneApp


def highlighted(matcher: Matcher, label: str) -> Content:
    """``label`` with the letters the query matched styled, as ``Matcher.highlight`` does, but
    read as plain text: ``highlight`` reads its candidate as markup, so a title or a view's
    name with ``[/b]`` in it stopped the palette (and a ``[SPD]`` vanished).

    The search lowercases the label; „İ“ is the one character whose lowercase is two, which
    moved every later position one to the right (past the end: an IndexError that dropped
    the provider's hits). It is matched as „I“, of the same length."""
    content = Content(label)
    if not matcher.query:
        return content
    score, offsets = matcher.fuzzy_search.match(matcher.query, label.replace("İ", "I"))
    if score:
        for offset in offsets:
            if not label[offset].isspace():
                content = content.stylize(matcher.match_style, offset, offset + 1)
    return content


class HerneProvider(Provider):
    """A command provider with a typed handle on the app."""

    @property
    def herne(self) -> HerneApp:
        """The app, typed."""
        return cast("HerneApp", self.app)


class MeasureProvider(HerneProvider):
    """„Gehe zu Maßnahme“: find a measure by id or words of its title and text."""

    async def startup(self) -> None:
        # deferred: the services load the ORM, which stays off the first paint
        from herne_tui.services import queries

        shown = self.herne.board_screen()
        board = (
            shown.board
            if shown is not None and shown.board is not None
            else await asyncio.to_thread(queries.load_board, self.herne.db)
        )
        self.measures = [(m.id, m.title, m.haystack()) for m in board.measures]

    async def search(self, query: str) -> Hits:
        words = query.casefold().split()
        # Short queries are for commands ("no" → Notiz); measures need 3 letters or an id.
        if not words or (len(query.strip()) < 3 and not any(c.isdigit() for c in query)):
            return
        matcher = self.matcher(query)
        for mid, title, haystack in self.measures:
            label = f"Gehe zu {mid} – {for_terminal(title, one_line=True)}"
            # the hit's own label counts too: "gehe zu ARB-03" finds "Gehe zu ARB-03 – …"
            searched = f"{label.casefold()}\n{haystack}"
            if all(w in searched for w in words):
                # below the screen's own commands, so quick edits stay within three keys
                score = 0.5 * (matcher.match(label) or 0.5)
                yield Hit(
                    score,
                    highlighted(matcher, label),
                    partial(self.herne.goto_measure, mid),
                    help="Maßnahme auf dem Board auswählen",
                )


class ViewsProvider(HerneProvider):
    """The user's saved views: "Ansicht: NAME (F1)" shows one, "Ansicht löschen: NAME"
    removes it."""

    async def startup(self) -> None:
        from herne_tui.services import views

        self.views = await asyncio.to_thread(views.list_views, self.herne.db, self.herne.user)

    def _commands(self) -> Iterator[tuple[str, Callable[[], object], str]]:
        for number, (name, view) in enumerate(self.views, start=1):
            shown = for_terminal(name, one_line=True)
            key = f" (F{number})" if number <= 9 else ""
            where = "Tabelle" if view.get("mode") == "table" else "Board"
            yield (
                f"Ansicht: {shown}{key}",
                partial(self.herne.show_view, name, view),
                f"gespeicherte Ansicht ({where})",
            )
            yield (
                f"Ansicht löschen: {shown}",
                partial(self.herne.delete_view, name),
                "die gespeicherte Ansicht entfernen",
            )

    async def discover(self) -> Hits:
        for title, callback, help_text in self._commands():
            if title.startswith("Ansicht: "):
                yield DiscoveryHit(Content(title), callback, text=title, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for title, callback, help_text in self._commands():
            if score := matcher.match(title):
                yield Hit(score, highlighted(matcher, title), callback, help=help_text)


class RisPaperProvider(HerneProvider):
    """Search the RIS mirror's papers by reference or words of the title; opens the paper."""

    async def startup(self) -> None:
        # deferred: the mirror's queries load the ORM, which stays off the first paint
        from herne_tui.ris import queries

        papers = await asyncio.to_thread(queries.papers, self.herne.db)
        self.papers = [
            (p.url, p.reference, p.name, f"{p.reference} {p.name}".casefold()) for p in papers
        ]

    async def search(self, query: str) -> Hits:
        words = query.casefold().split()
        if not words or len(query.strip()) < 3:
            return
        matcher = self.matcher(query)
        for url, reference, name, haystack in self.papers:
            if all(w in haystack for w in words):
                label = f"Vorlage {for_terminal(reference, one_line=True)} – " + for_terminal(
                    name, one_line=True
                )
                yield Hit(
                    0.4 * (matcher.match(label) or 0.5),
                    highlighted(matcher, label),
                    partial(self.herne.open_ris_paper, url),
                    help="Vorlage aus dem Ratsinformationssystem anzeigen",
                )


class ScreenActionsProvider(Provider):
    """Every key-bound action of the current screen and of the app, by its German name."""

    def _commands(self) -> Iterator[tuple[str, Callable[[], object]]]:
        owners: list[Screen | App] = [self.screen, self.app]
        seen = set()
        for owner in owners:
            for binding in owner.BINDINGS:
                if not isinstance(binding, Binding) or not binding.description:
                    continue
                if binding.action in seen:
                    continue
                seen.add(binding.action)
                keys = binding.key_display or binding.key.split(",")[0]
                yield (f"{binding.description} ({keys})", partial(owner.run_action, binding.action))

    async def discover(self) -> Hits:
        for title, callback in self._commands():
            yield DiscoveryHit(title, callback)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for title, callback in self._commands():
            if score := matcher.match(title):
                # the current screen's own actions win ties against app-wide commands
                yield Hit(score * 1.2, highlighted(matcher, title), callback)
