"""The ``herne-tui`` command line: the app, and commands for scripts and quick looks.

Every command takes ``--db PATH_OR_URL`` after its name. Errors are one line on stderr with
exit status 2 (3 for a version conflict); never a traceback.

The commands live in one module per group (``measures``, ``data``, ``reports``, ``backups``,
``server``); this module builds the parser from them, starts the app, and turns errors into
exit codes.
"""

from __future__ import annotations

import argparse
import gc
import logging
import signal
import sys
import threading
from typing import TYPE_CHECKING

from herne_tui import __version__
from herne_tui.cli import (
    backups,
    completion,
    data,
    german,
    measures,
    proposals,
    reports,
    ris,
    server,
    settings,
    users,
)
from herne_tui.cli.common import (
    EPILOG,
    Command,
    TerminalSafe,
    add_common,
    check_common,
    open_db,
    user_name,
)
from herne_tui.cli.logs import start_logging
from herne_tui.errors import Conflict, HerneError

if TYPE_CHECKING:
    from herne_tui.cli.common import Subparsers

log = logging.getLogger("herne_tui")
log.addHandler(logging.NullHandler())  # without --verbose nothing, not even on stderr


def add_app(sub: Subparsers) -> None:
    """The ``app`` parser."""
    p = sub.add_parser("app", help="die App starten (Standard)", epilog=EPILOG)
    add_common(p, user=True)


def cmd_app(args: argparse.Namespace) -> int:
    """``app`` (and no command at all): start the app."""
    from herne_tui.app import run_app
    from herne_tui.db.quickstart import quick_start

    read_only = bool(getattr(args, "read_only", False))

    def open_write_path() -> object:
        db = open_db(args, read_only=read_only, create=True)
        keep_for_good()  # the ORM's modules and tables (after a quick start: its first pause)
        return db

    # A current, seeded SQLite file paints at once; the ORM loads after the first paint.
    quick = quick_start(args.db, read_only=read_only, opener=open_write_path)
    if quick is not None:
        board, db = quick
        keep_for_good()  # Textual's modules and the board just read
        return run_app(
            db,
            user=user_name(args),
            initial_board=board,
            settings=args.settings,
            after_first_paint=keep_for_good,
        )
    return run_app(
        open_write_path(),
        user=user_name(args),
        settings=args.settings,
        after_first_paint=keep_for_good,
    )


def keep_for_good() -> None:
    """What the app holds now lives as long as the app: Python's cycle collector stops walking
    it (``gc.freeze``). Its full passes over the start-up's objects took 25–70 ms of CPU each,
    three in the first second at 10,000 measures and one more after the ORM had loaded
    (bench/README.md). Only for the app's own process: a test that ran many apps in one
    process would keep every one of them."""
    gc.freeze()


# In the order ``--help`` lists them.
ORDER = (
    "app",
    "seed",
    "check",
    "list",
    "show",
    "set",
    "export",
    "report",
    "digest",
    "history",
    "forget",
    "backup",
    "restore",
    "serve",
    "ris",
    "users",
    "proposals",
    "config",
    "completion",
)

COMMANDS: dict[str, Command] = {
    "app": Command(add_app, cmd_app),
    **data.COMMANDS,
    **measures.COMMANDS,
    **reports.COMMANDS,
    **backups.COMMANDS,
    **server.COMMANDS,
    **ris.COMMANDS,
    **users.COMMANDS,
    **proposals.COMMANDS,
    **settings.COMMANDS,
    **completion.COMMANDS,
}


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every sub-command (argparse's own words in German)."""
    german.install()
    parser = argparse.ArgumentParser(
        prog="herne-tui",
        epilog=EPILOG,
        description="Koalitionsvertrag im Terminal verfolgen. Ohne Befehl startet die App.",
    )
    parser.add_argument(
        "--version",
        action="version",
        version=f"herne-tui {__version__}",
        help="Versionsnummer zeigen und beenden",
    )
    parser.add_argument(
        "--verbose",
        action="store_true",
        help="Befehle, Datenbank und Fehler in die Protokolldatei schreiben "
        "(herne-tui.log im Nutzer-Protokollverzeichnis)",
    )
    parser.add_argument(
        "--debug", action="store_true", help="wie --verbose, dazu jede SQL-Anweisung"
    )
    add_common(parser, user=True, top=True)
    sub = parser.add_subparsers(dest="command", metavar="BEFEHL")
    for name in ORDER:
        COMMANDS[name].add(sub)
    parser.set_defaults(root_parser=parser)  # ``completion`` writes its script from it
    return parser


def _fail(message: str, code: int = 2) -> int:
    print(f"herne-tui: {message}", file=sys.stderr)
    return code


def _conflict(exc: Conflict) -> int:
    """A version conflict: the message, then each field's current and intended value."""
    print(f"herne-tui: {exc.message}", file=sys.stderr)
    for field, value in exc.theirs.items():
        print(
            f"  {field}: jetzt „{value}“ (von {exc.changed_by or 'unbekannt'}), "
            f"Ihr Wert „{exc.mine.get(field)}“",
            file=sys.stderr,
        )
    return exc.exit_code


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``herne-tui`` console script."""
    raw = sys.argv[1:] if argv is None else argv
    for n, arg in enumerate(raw, start=1):
        try:
            arg.encode("utf-8")
        except UnicodeEncodeError:
            shown = arg.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
            return _fail(f"Argument {n} („{shown}“) ist kein gültiges UTF-8: bitte neu eingeben")
    saved = sys.stdout, sys.stderr
    # argparse's errors quote what was typed, so the guard is up before parsing
    sys.stdout, sys.stderr = TerminalSafe(sys.stdout), TerminalSafe(sys.stderr)
    try:
        args = build_parser().parse_args(raw)
        command = args.command or "app"
        if command in ("app", "serve"):  # Textual draws these itself (its widgets escape)
            sys.stdout, sys.stderr = saved
        return _run(command, args)
    finally:
        sys.stdout, sys.stderr = saved


class Terminated(BaseException):
    """SIGTERM arrived: unwinds like Ctrl+C, so every ``finally`` removes its temporary file and
    open transactions roll back (a BaseException: no ``except Exception`` swallows it)."""


def _terminated(signum: int, frame: object) -> None:
    raise Terminated()


def _run(command: str, args: argparse.Namespace) -> int:
    start_logging(verbose=args.verbose, debug=args.debug)
    # app and serve stop on SIGTERM themselves; a signal handler needs the main thread
    if command in ("app", "serve") or threading.current_thread() is not threading.main_thread():
        return _guarded(command, args)
    previous = signal.signal(signal.SIGTERM, _terminated)
    try:
        return _guarded(command, args)
    finally:
        signal.signal(signal.SIGTERM, previous)


def _guarded(command: str, args: argparse.Namespace) -> int:
    try:
        settings.apply_settings(args)  # the config file fills what no flag or variable set
        check_common(args)  # before any command opens (and perhaps creates) a database
        log.info("herne-tui %s: %s (Datenbank: %s)", __version__, command, args.db or "Standard")
        return COMMANDS[command].run(args)
    except Terminated:
        return _fail("abgebrochen (SIGTERM): nichts halb Geschriebenes zurückgelassen", 143)
    except Conflict as exc:
        return _conflict(exc)
    except HerneError as exc:
        log.warning("%s: %s", command, exc.message)
        return _fail(exc.message, exc.exit_code)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0
    except OSError as exc:
        return _fail(f"{exc.filename or ''}: {exc.strerror or exc}".lstrip(": "))
    except Exception:
        log.exception("%s: unerwarteter Fehler", command)
        return _crash()


def _crash() -> int:
    """An unexpected error: the traceback into a log file, one line naming it, exit 1."""
    import traceback

    from herne_tui.paths import crash_line, write_crash_log

    _fail(crash_line(write_crash_log(traceback.format_exc())))
    return 1


if __name__ == "__main__":
    sys.exit(main())
