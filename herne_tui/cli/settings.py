"""The config file on the command line: applying it to the options, and ``herne-tui config``.

Precedence: a flag (``--db``, ``--user``), then the environment (``HERNE_TUI_DB``,
``HERNE_TUI_USER``), then the config file, then the default.
"""

from __future__ import annotations

import argparse
import os
from typing import TYPE_CHECKING

from herne_tui.cli.common import EPILOG, Command, add_common
from herne_tui.config import Settings, load_settings
from herne_tui.paths import ENV_DB, ENV_USER, default_db_path

if TYPE_CHECKING:
    from herne_tui.cli.common import Subparsers


def apply_settings(args: argparse.Namespace) -> Settings:
    """Read the config file and fill ``--db``/``--user`` where neither flag nor environment
    says anything; the settings are kept in ``args.settings`` for the app."""
    settings = load_settings()
    args.settings = settings
    args.db_given = getattr(args, "db", None) is not None
    args.user_given = getattr(args, "user", None) is not None
    if getattr(args, "db", None) is None and not os.environ.get(ENV_DB) and settings.database:
        args.db = settings.database
    if getattr(args, "user", None) is None and not os.environ.get(ENV_USER) and settings.user:
        args.user = settings.user
    return settings


def _source(settings: Settings, name: str, flag: str | None = None, env: str | None = None) -> str:
    if flag:
        return flag
    if env and os.environ.get(env):
        return env
    return "Konfiguration" if getattr(settings, name) is not None else "Standard"


def effective(args: argparse.Namespace, settings: Settings) -> list[tuple[str, str, str]]:
    """(setting, value, where it comes from) for every setting, as the app would use them."""
    from herne_tui.paths import default_user

    db_flag = "--db" if getattr(args, "db_given", False) else None
    user_flag = "--user" if getattr(args, "user_given", False) else None
    database = args.db or os.environ.get(ENV_DB) or str(default_db_path())
    user = args.user or default_user()
    rows = [
        ("database", database, _source(settings, "database", db_flag, ENV_DB)),
        ("user", user, _source(settings, "user", user_flag, ENV_USER)),
    ]
    for name in ("theme", "density", "review_weeks"):
        rows.append((name, str(settings.get(name)), _source(settings, name)))
    return rows


def add_config(sub: Subparsers) -> None:
    """The ``config`` parser."""
    p = sub.add_parser(
        "config",
        help="Konfigurationsdatei: Pfad und die wirksamen Einstellungen zeigen",
        epilog=EPILOG,
    )
    add_common(p, user=True, read_only=False)


def cmd_config(args: argparse.Namespace) -> int:
    """``config``: where the config file is, and every setting with where it comes from."""
    settings: Settings = args.settings
    state = "vorhanden" if settings.exists else "nicht vorhanden, es gelten die Standardwerte"
    print(f"Konfigurationsdatei: {settings.path} ({state})")
    rows = effective(args, settings)
    width = max(len(name) for name, _, _ in rows)
    for name, value, source in rows:
        print(f"  {name.ljust(width)} = {value}  ({source})")
    if settings.keymap:
        print("  keymap:")
        for binding, keys in sorted(settings.keymap.items()):
            print(f"    {binding} = {keys}")
    else:
        print("  keymap: (keine eigenen Tasten)")
    return 0


COMMANDS = {"config": Command(add_config, cmd_config)}
