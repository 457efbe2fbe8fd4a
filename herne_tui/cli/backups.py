"""Commands on whole databases: ``backup`` and ``restore``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from herne_tui.cli.common import EPILOG, Command, add_common
from herne_tui.errors import InvalidInput, ReadOnly

if TYPE_CHECKING:
    from herne_tui.cli.common import Subparsers


def add_backup(sub: Subparsers) -> None:
    """The ``backup`` parser (no ``--read-only``: a backup only reads anyway)."""
    p = sub.add_parser(
        "backup",
        help="Sicherung der Datenbank schreiben (auch im laufenden Betrieb)",
        epilog=EPILOG,
    )
    add_common(p, read_only=False)
    p.add_argument("dest", metavar="ZIEL", help="Zieldatei (oder Ordner: Name mit Datum)")
    p.add_argument("--force", action="store_true", help="eine vorhandene Zieldatei ersetzen")
    p.add_argument(
        "--format",
        choices=("auto", "export"),
        default="auto",
        help="auto: SQLite-Kopie bzw. pg_dump-Archiv; export: herne-tui-Export "
        "aller Tabellen (.json.gz), in SQLite und PostgreSQL wiederherstellbar",
    )


def add_restore(sub: Subparsers) -> None:
    """The ``restore`` parser."""
    p = sub.add_parser(
        "restore",
        help="Datenbank aus einer Sicherung wiederherstellen",
        epilog=EPILOG + " Der bisherige Stand wird daneben gesichert.",
    )
    add_common(p)
    p.add_argument("source", metavar="QUELLE", help="Sicherungsdatei")
    p.add_argument("--yes", action="store_true", help="ohne Rückfrage ersetzen")


def _notice(line: str) -> None:
    print(line, file=sys.stderr)


def cmd_backup(args: argparse.Namespace) -> int:
    """``backup``: write a backup, checked, and say what it holds."""
    from herne_tui.backup.run import run_backup

    result = run_backup(
        args.db,
        Path(args.dest).expanduser(),
        force=args.force,
        notice=_notice,
        export=args.format == "export",
    )
    seconds = f"{result.seconds:.2f}".replace(".", ",")
    print(f"Sicherung {result.facts.path}: {result.facts.summary()}; {result.check} ({seconds} s)")
    return 0


def _confirmed(target: str, source: Path, summary: str) -> bool:
    """Ask on the terminal whether ``target`` may be replaced; InvalidInput without one."""
    if not sys.stdin.isatty():
        raise InvalidInput(
            f"Wiederherstellen ersetzt {target}: ohne Terminal bitte mit --yes bestätigen"
        )
    print(
        f"{target} durch {source} ersetzen? ({summary}; der jetzige Stand "
        "wird vorher daneben gesichert) [j/N] ",
        end="",
        file=sys.stderr,
        flush=True,
    )
    return sys.stdin.readline().strip().lower() in ("j", "ja", "y", "yes")


def cmd_restore(args: argparse.Namespace) -> int:
    """``restore``: replace the database by a backup, keeping the old state beside it."""
    from herne_tui.backup.run import inspect_source, restore_target, run_restore

    if getattr(args, "read_only", False):
        raise ReadOnly("Nur-Lese-Modus: Wiederherstellen ist hier nicht möglich")
    source = Path(args.source).expanduser()
    target = restore_target(args.db)
    facts = inspect_source(args.db, source)
    if not args.yes and not _confirmed(target, source, facts.summary()):
        print("abgebrochen: nichts geändert", file=sys.stderr)
        return 1
    result = run_restore(args.db, source, notice=_notice)
    if result.saved is not None:
        print(f"bisheriger Stand gesichert: {result.saved}")
    print(f"Wiederhergestellt {target} aus {source}: {result.facts.summary()}")
    return 0


COMMANDS = {
    "backup": Command(add_backup, cmd_backup),
    "restore": Command(add_restore, cmd_restore),
}
