"""The user's settings: a TOML file in the user config directory (platformdirs).

``~/.config/herne-tui/config.toml`` on Linux (``$HERNE_TUI_CONFIG`` names another file)::

    database = "/srv/koalition/herne.db"   # like --db
    user = "anna"                          # like --user
    theme = "nord"                         # remembered when chosen in the palette
    density = "compact"                    # board cards: "normal" or "compact"
    review_weeks = 4                       # weekly review: stale after N weeks

    [keymap]                               # binding id = keys (Textual keymaps)
    "app.quit" = "ctrl+q"
    "board.move" = "m,M"

Precedence everywhere: a command-line flag, then the environment (``HERNE_TUI_DB``,
``HERNE_TUI_USER``), then this file, then the default. Standard library only (tomllib), so the
app reads it before the first paint.
"""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from herne_tui.errors import HerneError

ENV_CONFIG = "HERNE_TUI_CONFIG"
DENSITIES = ("normal", "compact")
DEFAULTS: dict[str, Any] = {
    "database": None,
    "user": None,
    "theme": "textual-dark",
    "density": "normal",
    "review_weeks": 4,
}
_TYPES: dict[str, type] = {
    "database": str,
    "user": str,
    "theme": str,
    "density": str,
    "review_weeks": int,
}


class ConfigError(HerneError):
    """The config file cannot be read or holds a wrong value (names file and line)."""


@dataclass(frozen=True)
class Settings:
    """The settings from the config file (None: not set there) and where they came from."""

    path: Path
    exists: bool = False
    database: str | None = None
    user: str | None = None
    theme: str | None = None
    density: str | None = None
    review_weeks: int | None = None
    keymap: dict[str, str] = field(default_factory=dict)

    def get(self, name: str) -> Any:
        """The file's value for ``name``, else the default."""
        value = getattr(self, name)
        return DEFAULTS[name] if value is None else value


def config_path() -> Path:
    """``$HERNE_TUI_CONFIG``, else ``config.toml`` in the user config directory."""
    if named := os.environ.get(ENV_CONFIG):
        return Path(named).expanduser()
    from platformdirs import user_config_path

    return user_config_path("herne-tui", appauthor=False) / "config.toml"


def _line_of(text: str, key: str) -> int:
    """The line where ``key = …`` is set (1 if it cannot be found)."""
    pattern = re.compile(rf"^[ \t]*[\"']?{re.escape(key)}[\"']?\s*=", re.MULTILINE)
    match = pattern.search(text)
    return text.count("\n", 0, match.start()) + 1 if match else 1


def _keymap(path: Path, text: str, value: Any) -> dict[str, str]:
    """The ``[keymap]`` table: binding id = keys, both text."""
    hint = '[keymap] braucht Einträge wie "app.quit" = "ctrl+q" (Binding-Id = Tasten)'
    if not isinstance(value, dict):
        raise ConfigError(f"{path}:{_line_of(text, 'keymap')}: {hint}")
    for binding, keys in value.items():
        if not isinstance(keys, str) or not keys.strip():
            raise ConfigError(f"{path}:{_line_of(text, binding)}: {binding}: {hint}")
    return dict(value)


def _check(path: Path, text: str, data: dict[str, Any]) -> dict[str, Any]:
    """The known settings with their types checked; ConfigError naming the line otherwise."""
    out: dict[str, Any] = {}
    for key, value in data.items():
        where = f"{path}:{_line_of(text, key)}"
        if key == "keymap":
            out[key] = _keymap(path, text, value)
            continue
        if key not in _TYPES:
            known = ", ".join([*_TYPES, "keymap"])
            raise ConfigError(f"{where}: unbekannte Einstellung „{key}“ (bekannt: {known})")
        wanted = _TYPES[key]
        if not isinstance(value, wanted) or isinstance(value, bool):
            kind = "eine ganze Zahl" if wanted is int else "Text in Anführungszeichen"
            raise ConfigError(f"{where}: {key} muss {kind} sein")
        if isinstance(value, str) and not value.strip():
            raise ConfigError(f"{where}: {key} ist leer: einen Wert angeben oder die Zeile löschen")
        out[key] = value
    if out.get("density", "normal") not in DENSITIES:
        raise ConfigError(
            f"{path}:{_line_of(text, 'density')}: density muss "
            f"{' oder '.join(DENSITIES)} sein, nicht „{out['density']}“"
        )
    weeks = out.get("review_weeks", 4)
    if not 1 <= weeks <= 520:
        raise ConfigError(
            f"{path}:{_line_of(text, 'review_weeks')}: review_weeks muss zwischen 1 und 520 liegen"
        )
    return out


def load_settings(path: Path | None = None) -> Settings:
    """Read the config file; a missing file gives the defaults, a broken one ConfigError."""
    path = config_path() if path is None else path
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return Settings(path)
    except (OSError, UnicodeDecodeError) as exc:
        reason = getattr(exc, "strerror", None) or "kein UTF-8"
        raise ConfigError(f"{path}: Konfiguration nicht lesbar ({reason})") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        found = re.search(r"\(at line (\d+), column \d+\)", str(exc))
        line = found.group(1) if found else "1"
        reason = re.sub(r"\s*\(at line \d+, column \d+\)", "", str(exc))
        raise ConfigError(
            f"{path}:{line}: kein gültiges TOML ({reason}): Zeile korrigieren"
        ) from None
    return Settings(path, True, **_check(path, text, data))


_THEME_LINE = re.compile(r"^[ \t]*[\"']?theme[\"']?[ \t]*=.*$", re.MULTILINE)
_TABLE = re.compile(r"^[ \t]*\[", re.MULTILINE)


def with_theme(text: str, theme: str) -> str:
    """The config text with ``theme`` set, every other line as the user wrote it."""
    line = f'theme = "{theme}"'
    first_table = _TABLE.search(text)
    top = text[: first_table.start()] if first_table else text
    if _THEME_LINE.search(top):
        return _THEME_LINE.sub(line, top, count=1) + text[len(top) :]
    if first_table:
        head = top.rstrip("\n")
        return f"{head}{chr(10) if head else ''}{line}\n\n{text[first_table.start() :]}"
    return f"{text}{'' if not text or text.endswith(chr(10)) else chr(10)}{line}\n"


def remember_theme(path: Path, theme: str) -> None:
    """Write the chosen theme into the config file (atomically; created if missing)."""
    from herne_tui.files import atomic_write

    if not re.fullmatch(r"[\w.-]+", theme):  # Textual's theme names; never a TOML injection
        return
    if path.is_symlink():  # a config kept in a dotfiles repository stays a link
        path = path.resolve()
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        text = "# herne-tui: Einstellungen (siehe herne-tui config)\n"
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write(path, with_theme(text, theme), force=True)
