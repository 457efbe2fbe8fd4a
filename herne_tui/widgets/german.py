"""Textual's own words in German: the command palette, its system commands, Textual's notices.

Textual writes a few texts of its own in English: the palette's "Search for commands…" and
"No matches found", the system commands ("Theme", "Keys", "Quit", "Screenshot", …), the
ctrl+c hint "Do you want to quit?" and the screenshot notices. ``GermanApp`` (the base of
``HerneApp``) replaces each through the attribute or method Textual offers for it.

The palette's "Screenshot" saves into the Downloads folder when there is one (Textual's
choice), else into herne-tui's own folder in the user data directory, and names the file; in a
browser session (``serve``) the browser receives it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any, ClassVar

from rich.align import Align
from rich.text import Text
from textual import events
from textual.app import App, SystemCommand
from textual.binding import Binding, BindingType
from textual.command import CommandList, CommandPalette
from textual.dom import DOMNode
from textual.screen import Screen
from textual.theme import ThemeProvider
from textual.widgets.option_list import Option

from herne_tui.domain.text import for_terminal

PALETTE_PLACEHOLDER = "Befehl suchen …"
THEME_PLACEHOLDER = "Farbschema suchen …"
NO_MATCHES = "Keine Treffer"

SYSTEM_COMMANDS: dict[str, tuple[str, str]] = {
    "Theme": ("Farbschema", "Das Farbschema der App wechseln"),
    "Quit": ("Beenden", "Die App beenden"),
    "Keys": (
        "Tastenleiste",
        "Die Tasten und die Hilfe zum ausgewählten Element ein- oder ausblenden",
    ),
    "Minimize": ("Verkleinern", "Das Element wieder in normaler Größe zeigen"),
    "Maximize": ("Maximieren", "Das ausgewählte Element über den ganzen Bildschirm zeigen"),
    "Screenshot": ("Bildschirmfoto", "Den Bildschirm als SVG-Datei speichern"),
}
"""Textual's system commands (by their English title) → German title and help."""

SCREENSHOT_FOLDER = "bildschirmfotos"

KEY_DESCRIPTIONS: dict[str, str] = {
    "Bottom": "Ganz nach unten",
    "Copy": "Kopieren",
    "Copy selected text": "Auswahl kopieren",
    "Cursor Down": "Cursor nach unten",
    "Cursor Up": "Cursor nach oben",
    "Cursor down": "Cursor nach unten",
    "Cursor down select": "Nach unten auswählen",
    "Cursor left": "Cursor nach links",
    "Cursor left select": "Nach links auswählen",
    "Cursor left word select": "Wort nach links auswählen",
    "Cursor line end": "Zum Zeilenende",
    "Cursor line end select": "Bis zum Zeilenende auswählen",
    "Cursor line start": "Zum Zeilenanfang",
    "Cursor line start select": "Bis zum Zeilenanfang auswählen",
    "Cursor page down": "Seite nach unten",
    "Cursor page up": "Seite nach oben",
    "Cursor right": "Cursor nach rechts",
    "Cursor right select": "Nach rechts auswählen",
    "Cursor right word select": "Wort nach rechts auswählen",
    "Cursor to next ancestor": "Zur nächsten oberen Ebene",
    "Cursor to next sibling": "Zum nächsten Eintrag der Ebene",
    "Cursor to parent": "Zur oberen Ebene",
    "Cursor to previous sibling": "Zum vorigen Eintrag der Ebene",
    "Cursor up": "Cursor nach oben",
    "Cursor up select": "Nach oben auswählen",
    "Cursor word left": "Ein Wort nach links",
    "Cursor word right": "Ein Wort nach rechts",
    "Cut": "Ausschneiden",
    "Cut selected text": "Auswahl ausschneiden",
    "Delete all to the left": "Alles links löschen",
    "Delete all to the right": "Alles rechts löschen",
    "Delete character left": "Zeichen links löschen",
    "Delete character right": "Zeichen rechts löschen",
    "Delete left to start of word": "Bis zum Wortanfang löschen",
    "Delete line": "Zeile löschen",
    "Delete right to start of word": "Bis zum nächsten Wort löschen",
    "Delete to line end": "Bis zum Zeilenende löschen",
    "Delete to line start": "Bis zum Zeilenanfang löschen",
    "Dismiss menu": "Menü schließen",
    "Down": "Nach unten",
    "End": "Ende",
    "Exit the command palette": "Befehle schließen",
    "Expand or collapse all": "Alles auf- oder zuklappen",
    "First": "Erster",
    "Focus Next": "Nächstes Feld",
    "Focus Previous": "Voriges Feld",
    "Go to bottom": "Zum Ende",
    "Go to end": "Zum Ende",
    "Go to start": "Zum Anfang",
    "Go to top": "Zum Anfang",
    "Home": "Anfang",
    "Last": "Letzter",
    "Move cursor left": "Cursor nach links",
    "Move cursor left a word": "Ein Wort nach links",
    "Move cursor left a word and select": "Ein Wort nach links auswählen",
    "Move cursor left and select": "Nach links auswählen",
    "Move cursor right a word": "Ein Wort nach rechts",
    "Move cursor right a word and select": "Ein Wort nach rechts auswählen",
    "Move cursor right and select": "Nach rechts auswählen",
    "Move cursor right or accept the completion suggestion": (
        "Cursor nach rechts oder Vorschlag übernehmen"
    ),
    "Next command": "Nächster Befehl",
    "Next option": "Nächste Option",
    "Next page": "Nächste Seite",
    "Next tab": "Nächster Reiter",
    "Open link": "Link öffnen",
    "Page Down": "Seite nach unten",
    "Page Left": "Seite nach links",
    "Page Right": "Seite nach rechts",
    "Page Up": "Seite nach oben",
    "Page down": "Seite nach unten",
    "Page up": "Seite nach oben",
    "Paste": "Einfügen",
    "Paste text from the clipboard": "Aus der Zwischenablage einfügen",
    "Press button": "Schaltfläche drücken",
    "Previous command": "Voriger Befehl",
    "Previous option": "Vorige Option",
    "Previous page": "Vorige Seite",
    "Previous tab": "Voriger Reiter",
    "Quit": "Beenden",
    "Quit the app and return to the command prompt.": "Die App beenden",
    "Redo": "Wiederholen",
    "Scroll Down": "Nach unten blättern",
    "Scroll End": "Zum Ende blättern",
    "Scroll Home": "Zum Anfang blättern",
    "Scroll Left": "Nach links blättern",
    "Scroll Right": "Nach rechts blättern",
    "Scroll Up": "Nach oben blättern",
    "Select": "Auswählen",
    "Select all": "Alles auswählen",
    "Select line": "Zeile auswählen",
    "Select line end": "Bis zum Zeilenende auswählen",
    "Select line start": "Bis zum Zeilenanfang auswählen",
    "Show menu": "Menü zeigen",
    "Submit": "Übernehmen",
    "Toggle": "Umschalten",
    "Toggle collapsible": "Auf- oder zuklappen",
    "Toggle option": "Option umschalten",
    "Top": "Ganz nach oben",
    "Undo": "Rückgängig",
    "Up": "Nach oben",
}
"""The descriptions and tooltips of Textual's own key bindings (its widgets, screens and the
App), as the key panel ("Tastenleiste") shows them."""


def _german_binding(binding: BindingType) -> BindingType:
    if isinstance(binding, tuple) and len(binding) == 3:
        key, action, description = binding
        return (key, action, KEY_DESCRIPTIONS.get(description, description))
    if not isinstance(binding, Binding):
        return binding
    return replace(
        binding,
        description=KEY_DESCRIPTIONS.get(binding.description, binding.description),
        tooltip=KEY_DESCRIPTIONS.get(binding.tooltip, binding.tooltip),
    )


def _subclasses(cls: type[Any]) -> Iterator[type[Any]]:
    yield cls
    subs: list[type[Any]] = cls.__subclasses__()
    for sub in subs:
        yield from _subclasses(sub)


_KEYS_GERMAN = False


def germanize_textual_keys() -> None:
    """Give Textual's own key bindings German descriptions (once, before the app starts).

    Textual has no translation hook for them: each widget class's ``BINDINGS`` is replaced by
    a German copy, and every class's merged bindings (computed when a class is created) are
    computed again; classes created later merge the German ones themselves.
    """
    global _KEYS_GERMAN
    if _KEYS_GERMAN:
        return
    _KEYS_GERMAN = True
    classes = [c for c in _subclasses(DOMNode) if c.__module__.startswith("textual.")]
    for cls in classes:
        own = cls.__dict__.get("BINDINGS")
        if own:
            cls.BINDINGS = [_german_binding(b) for b in own]
    for cls in _subclasses(DOMNode):
        cls._merged_bindings = cls._merge_bindings()


class GermanCommandPalette(CommandPalette):
    """Textual's command palette with German placeholder, keys and "no matches" line."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+end, shift+end", "command_list('last')", "Zum Ende", show=False),
        Binding("ctrl+home, shift+home", "command_list('first')", "Zum Anfang", show=False),
        Binding("down", "cursor_down", "Nächster Befehl", show=False),
        Binding("escape", "escape", "Befehle schließen"),
        Binding("pagedown", "command_list('page_down')", "Nächste Seite", show=False),
        Binding("pageup", "command_list('page_up')", "Vorige Seite", show=False),
        Binding("up", "command_list('cursor_up')", "Voriger Befehl", show=False),
    ]

    def __init__(self, *, placeholder: str = PALETTE_PLACEHOLDER, **kwargs: Any) -> None:
        super().__init__(placeholder=placeholder, **kwargs)

    def _start_no_matches_countdown(self, search_value: str) -> None:
        """As Textual's, with the German line (Textual offers no attribute for its text)."""
        self._stop_no_matches_countdown()

        def show_no_matches() -> None:
            if search_value:
                self.query_one(CommandList).add_option(
                    Option(
                        Align.center(Text(NO_MATCHES, style="not bold")),
                        disabled=True,
                        id=self._NO_MATCHES,
                    )
                )
                self._list_visible = True
            else:  # discovering with an empty query: nothing worth saying
                self._list_visible = False

        self._no_matches_timer = self.set_timer(self._NO_MATCHES_COUNTDOWN, show_no_matches)


def screenshot_folder() -> Path:
    """Where a screenshot goes: the Downloads folder if it exists, else herne-tui's own."""
    from platformdirs import user_data_path, user_downloads_path

    downloads = user_downloads_path()
    if downloads.is_dir():
        return downloads
    return user_data_path("herne-tui", appauthor=False) / SCREENSHOT_FOLDER


class GermanApp(App):
    """An App whose own texts (palette, system commands, notices) are German."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "ctrl+q",
            "quit",
            "Beenden",
            show=False,
            priority=True,
            id="app.quit-now",
        ),
        Binding("ctrl+c", "help_quit", show=False, system=True),
    ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        germanize_textual_keys()
        super().__init__(*args, **kwargs)

    def action_command_palette(self) -> None:
        """Show the command palette (German)."""
        if self.use_command_palette and not CommandPalette.is_open(self):
            self.push_screen(GermanCommandPalette(id="--command-palette"))

    def search_themes(self) -> None:
        """The theme picker, with a German placeholder."""
        self.push_screen(
            GermanCommandPalette(providers=[ThemeProvider], placeholder=THEME_PLACEHOLDER)
        )

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        """Textual's system commands with German titles and help texts."""
        for command in super().get_system_commands(screen):
            title, help_text = SYSTEM_COMMANDS.get(command.title, (command.title, command.help))
            callback: Callable[[], Any] = command.callback
            if command.title == "Screenshot":
                callback = self.save_screenshot_for_user
            yield SystemCommand(title, help_text, callback, command.discover)

    def action_help_quit(self) -> None:
        """ctrl+c does not quit: say in German which key does."""
        for key, active in self.active_bindings.items():
            if active.binding.action in ("quit", "app.quit"):
                self.notify(f"Zum Beenden {key} drücken", title="Beenden?")
                return

    def save_screenshot_for_user(self) -> None:
        """Save (or, in a browser, send) an SVG of the screen; the notice names the file."""
        if self.is_web:
            self.deliver_screenshot()
            return
        folder = screenshot_folder()
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            self.notify(
                f"Bildschirmfoto nicht gespeichert: {folder} ({exc.strerror or exc})",
                title="Bildschirmfoto",
                severity="error",
                markup=False,
            )
            return
        self.deliver_screenshot(path=str(folder))

    def on_delivery_complete(self, event: events.DeliveryComplete) -> None:
        """The screenshot is saved: say where (German, instead of Textual's notice)."""
        if event.name != "screenshot":
            return
        event.prevent_default()
        where = f": {for_terminal(str(event.path), one_line=True)}" if event.path else ""
        self.notify(f"Bildschirmfoto gespeichert{where}", title="Bildschirmfoto", markup=False)

    def on_delivery_failed(self, event: events.DeliveryFailed) -> None:
        """The screenshot could not be saved: say so (German, instead of Textual's notice)."""
        if event.name != "screenshot":
            return
        event.prevent_default()
        reason = f" ({event.exception})" if event.exception else ""
        self.notify(
            f"Bildschirmfoto nicht gespeichert{for_terminal(reason, one_line=True)}",
            title="Bildschirmfoto",
            severity="error",
            markup=False,
        )


__all__ = ["GermanApp", "GermanCommandPalette"]
