"""What every command group shares: the ``--db``/``--user``/``--read-only`` options, opening the
database, the acting user, writing output, and checking option values.

Heavy imports stay inside the functions (see the package docstring).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TextIO, TypeAlias

from herne_tui.domain.text import for_terminal
from herne_tui.errors import InvalidInput

if TYPE_CHECKING:
    from pathlib import Path

    from herne_tui.db.store import Database

    Subparsers: TypeAlias = argparse._SubParsersAction[argparse.ArgumentParser]

# The longest acting user name, as ``serve`` allows (web/serve.py USER_MAX).
USER_MAX = 80

EPILOG = (
    "Datenbank: --db PFAD_ODER_URL, sonst $HERNE_TUI_DB, sonst die Datei im Nutzer-"
    "Datenverzeichnis. Ein Pfad ist eine SQLite-Datei; alles mit :// ist eine SQLAlchemy-URL."
)


@dataclass(frozen=True)
class Command:
    """One sub-command: how to add its parser to the sub-parsers, and the handler to run."""

    add: Callable[[Subparsers], None]
    run: Callable[[argparse.Namespace], int]


def add_common(
    p: argparse.ArgumentParser, *, user: bool = False, read_only: bool = True, top: bool = False
) -> None:
    """Add ``--db`` and, if asked, ``--user`` and ``--read-only`` to a parser."""
    # A sub-command's option must not reset what was given before the command's name.
    default = None if top else argparse.SUPPRESS
    p.add_argument(
        "--db", metavar="PFAD_ODER_URL", default=default, help="Datenbank (Datei oder URL)"
    )
    if user:
        p.add_argument(
            "--user",
            metavar="NAME",
            default=default,
            help="wer ändert (sonst $HERNE_TUI_USER oder der Systemnutzer)",
        )
    if read_only:
        p.add_argument(
            "--read-only",
            action="store_true",
            default=False if top else argparse.SUPPRESS,
            help="nur ansehen: jede Änderung wird abgelehnt",
        )


def open_db(
    args: argparse.Namespace,
    *,
    read_only: bool = False,
    seed_if_empty: bool = True,
    create: bool = False,
) -> Database:
    """Open the database named by ``--db``; seed it when it holds no data yet.

    Only with ``create`` (the app and ``seed``) is a missing SQLite file created, and only in
    a folder that exists (or the default data directory); every other command refuses a
    database that is not there, so a mistyped ``--db`` is one line, not a new database.
    """
    from herne_tui.db.schema import open_database
    from herne_tui.services.queries import is_seeded

    check_common(args)
    read_only = read_only or getattr(args, "read_only", False)
    db = open_database(args.db, read_only=read_only, create=create)
    if db.migration_backup is not None:
        print(
            f"Datenbank auf das neue Schema aktualisiert; Sicherung des alten Stands: "
            f"{db.migration_backup}",
            file=sys.stderr,
        )
    _user_from_login(args, db)
    if seed_if_empty and not read_only and not is_seeded(db):
        # only now: the seed's validation (pydantic) costs a tenth of a second to import
        from herne_tui.seeding.apply import seed_database
        from herne_tui.seeding.load import load_seed

        report = seed_database(db, load_seed())
        print(
            f"Neue Datenbank {db.where} angelegt und befüllt: {report.summary()}", file=sys.stderr
        )
    return db


def _user_from_login(args: argparse.Namespace, db) -> None:
    """On PostgreSQL with rights (``users pg-setup``), logged in with a user's own role and no
    ``--user``, $HERNE_TUI_USER or config ``user``: that user acts (not the system user)."""
    import os

    from herne_tui.paths import ENV_USER

    if not db.is_postgres or getattr(args, "user", "") is not None or os.environ.get(ENV_USER):
        return
    from herne_tui.services.users import login_user

    if name := login_user(db):
        args.user = name


def check_common(args: argparse.Namespace) -> None:
    """InvalidInput for an empty ``--db`` or a blank or over-long ``--user``; every command
    checks these before it opens (and perhaps creates) a database."""
    db = getattr(args, "db", None)
    if db is not None and not str(db).strip():
        raise InvalidInput("--db ist leer: einen Pfad oder eine URL angeben oder --db weglassen")
    if getattr(args, "user", None) is not None:
        user_name(args)


def quick_file(args: argparse.Namespace) -> Path | None:
    """The SQLite file ``--db`` names, for a read without the ORM (``db.quickstart``); None
    for a URL. The quick readers say None again for anything that needs ``open_db`` (a
    missing, old or unseeded file), and the command then takes that path."""
    from herne_tui.paths import plain_sqlite_file

    check_common(args)
    return plain_sqlite_file(args.db)


def user_name(args: argparse.Namespace) -> str:
    """The acting user: ``--user``, else $HERNE_TUI_USER, else the system user."""
    from herne_tui.paths import default_user

    given = getattr(args, "user", None)
    if given is None:
        return default_user()
    name = given.strip()
    if not name:
        raise InvalidInput("--user ist leer: einen Namen angeben oder --user weglassen")
    if len(name) > USER_MAX:
        raise InvalidInput(
            f"--user ist {len(name)} Zeichen lang, erlaubt sind höchstens {USER_MAX}"
        )
    return name


class TerminalSafe:
    """A text stream that shows control characters as visible symbols (``for_terminal``).

    ``main`` puts standard output and standard error behind it for every command but the app,
    so no stored text a command prints (a note, a name, a value quoted in an error) can act on
    the reader's terminal, whether the output goes to a terminal, a pipe or a file. JSON and
    TOML go out already escaped (``for_serialized``), so they pass unchanged.
    """

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        """Write ``text`` with its control characters made visible."""
        self._stream.write(for_terminal(text))
        return len(text)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


def write_output(
    text: str | bytes, output: str | None, args: argparse.Namespace | None = None
) -> None:
    """Write ``text`` (or bytes) to the file ``output`` (atomically, never over the database,
    over an existing file only with ``--force``), or to standard output."""
    if output:
        from herne_tui.files import atomic_write
        from herne_tui.paths import plain_sqlite_file

        database = plain_sqlite_file(getattr(args, "db", None)) if args is not None else None
        force = bool(getattr(args, "force", False))
        path = atomic_write(output, text, force=force, database=database)
        print(f"geschrieben: {path}", file=sys.stderr)
    elif isinstance(text, bytes):
        sys.stdout.flush()
        sys.stdout.buffer.write(text)
        sys.stdout.buffer.flush()
    else:
        sys.stdout.write(text)


COMPLETES = "herne_completes"
"""Attribute of an argparse action: the values shell completion offers for an argument the
command checks itself (``choice``), so that a wrong value is one German line."""


def offer(action: argparse.Action, values: tuple[str, ...]) -> argparse.Action:
    """Let shell completion offer ``values`` for ``action`` (see ``COMPLETES``)."""
    setattr(action, COMPLETES, values)
    return action


def choice(value: str, options: tuple[str, ...], field: str) -> str:
    """``value`` if it is one of ``options``, else InvalidInput naming the known ones."""
    if value not in options:
        raise InvalidInput(f"{field}: „{value}“ gibt es nicht (bekannt: {', '.join(options)})")
    return value


def number(value: str, field: str, low: int, high: int) -> int:
    """``value`` as an integer between ``low`` and ``high``, else InvalidInput."""
    try:
        result = int(value)
    except ValueError:
        raise InvalidInput(f"{field}: „{value}“ ist keine ganze Zahl") from None
    if not low <= result <= high:
        raise InvalidInput(f"{field}: {result} liegt nicht zwischen {low} und {high}")
    return result
