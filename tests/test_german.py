"""German everywhere (issue 12 items 10 and 14): argparse's own words, Textual's own texts,
and the palette's screenshot on a machine without a Downloads folder."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from helpers import run_cli
from pilot import started, until
from textual.command import CommandInput, CommandPalette

# argparse's own English, as it prints it
ARGPARSE_ENGLISH = re.compile(
    r"usage:|positional arguments|options:|show this help|error:|the following arguments"
    r"|invalid choice|unrecognized arguments|expected one argument|choose from|show program"
)
COMMANDS = [
    "app",
    "seed",
    "check",
    "list",
    "show",
    "set",
    "export",
    "report",
    "history",
    "forget",
    "backup",
    "restore",
    "serve",
    "digest",
    "ris",
    "ris sync",
    "ris meetings",
    "ris papers",
    "ris link",
    "ris suggestions",
    "seed new",
    "users",
    "users add",
    "proposals",
    "proposals confirm",
    "config",
]


def test_help_of_every_command_is_german():
    for args in ([], *(c.split() for c in COMMANDS)):
        result = run_cli(*args, "--help")
        assert result.returncode == 0, result.stderr
        assert not ARGPARSE_ENGLISH.search(result.stdout), (args, result.stdout)
        assert result.stdout.startswith("Aufruf: herne-tui")
        assert "Optionen:" in result.stdout and "diese Hilfe zeigen und beenden" in result.stdout
        assert not re.search(r"\b(DATE|FILE|PATH|WORDS|USER|KEY)\b", result.stdout), args
    top = run_cli("--help").stdout
    assert "Argumente:" in top and "PFAD_ODER_URL" in top


@pytest.mark.parametrize(
    ("args", "german"),
    [
        (["lsit"], "ungültige Auswahl: 'lsit'"),
        (["list", "--bla"], "unbekannte Argumente: --bla"),
        (["show"], "diese Argumente fehlen: ID"),
        (["set", "ARB-01", "--status"], "Argument --status: erwartet einen Wert"),
        (["export", "--format", "docx"], "ungültige Auswahl: 'docx' (möglich: "),
    ],
)
def test_a_bad_argument_is_refused_in_german(args, german):
    result = run_cli(*args)
    assert result.returncode == 2 and result.stdout == ""
    assert not ARGPARSE_ENGLISH.search(result.stderr), result.stderr
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith("herne-tui") and "Fehler: " in last and german in last, last
    assert result.stderr.startswith("Aufruf: herne-tui")


async def _palette(pilot):
    await pilot.press("ctrl+p")
    return await until(
        pilot,
        lambda: pilot.app.screen if isinstance(pilot.app.screen, CommandPalette) else None,
        what="the command palette",
    )


async def test_the_palette_and_textuals_own_commands_speak_german(db):
    async with started(db) as (app, pilot):
        palette = await _palette(pilot)
        assert palette.query_one(CommandInput).placeholder == "Befehl suchen …"
        titles = [c.title for c in app.get_system_commands(app.screen)]
        for english in ("Theme", "Quit", "Keys", "Screenshot"):
            assert english not in titles
        assert {"Farbschema", "Beenden", "Tastenleiste", "Bildschirmfoto"} <= set(titles)
        helps = [c.help for c in app.get_system_commands(app.screen)]
        assert not [h for h in helps if re.search(r"\b(the|and|of|Change|Show)\b", h)], helps
        await pilot.press(*"xyzqqq")
        option_list = palette.query_one("CommandList")
        shown = await until(
            pilot,
            lambda: [str(o.prompt.renderable) for o in option_list.options if o.disabled],
            what="the no-matches line",
        )
        assert shown == ["Keine Treffer"]
        await pilot.press("escape")
        # the ctrl+c hint
        await pilot.press("ctrl+c")
        notes = await until(pilot, lambda: list(app._notifications), what="the ctrl+c hint")
        assert "Beenden" in notes[-1].title and "drücken" in notes[-1].message
        assert "quit" not in notes[-1].message.casefold().replace("ctrl+q", "")


async def test_screenshot_without_a_downloads_folder_is_saved_and_named(
    db, tmp_path, monkeypatch, own_user_data
):
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    for name in ("XDG_DOWNLOAD_DIR", "XDG_CONFIG_HOME"):
        monkeypatch.delenv(name, raising=False)
    async with started(db) as (app, pilot):
        command = next(
            c for c in app.get_system_commands(app.screen) if c.title == "Bildschirmfoto"
        )
        command.callback()
        notes = await until(
            pilot,
            lambda: [n for n in app._notifications if n.title == "Bildschirmfoto"],
            what="the screenshot notice",
        )
    assert notes[-1].severity == "information", notes[-1].message
    saved = Path(notes[-1].message.split(": ", 1)[1])
    assert saved.parent == own_user_data / "herne-tui" / "bildschirmfotos"
    assert saved.suffix == ".svg" and "<svg" in saved.read_text(encoding="utf-8")
    assert not (home / "Downloads").exists()


ENGLISH_KEYS = re.compile(
    r"\b(Scroll|Focus|Copy|Paste|Page|Cursor|Quit|Select|Delete|Toggle|Submit|Next|Previous)\b"
)


async def test_the_key_panel_lists_textuals_own_keys_in_german(db):
    import io

    from rich.console import Console
    from textual.widgets._key_panel import BindingsTable

    async with started(db) as (app, pilot):
        command = next(c for c in app.get_system_commands(app.screen) if c.title == "Tastenleiste")
        command.callback()
        tables = await until(
            pilot, lambda: list(app.screen.query(BindingsTable)), what="the key panel"
        )
        table = tables[0]
        await pilot.pause()
        console = Console(file=io.StringIO(), width=80)
        console.print(table.render())
        shown = console.file.getvalue()
        assert "Nächstes Feld" in shown and "Voriges Feld" in shown, shown
        assert not ENGLISH_KEYS.search(shown), shown
        # the bindings themselves, as the footer and the panel take them
        described = [
            b.description for _, b, _, _ in app.screen.active_bindings.values() if b.description
        ]
        assert described and not [d for d in described if ENGLISH_KEYS.search(d)]
