"""The ``herne-tui`` command line: the app, and commands for scripts and quick looks.

Every command takes ``--db PATH_OR_URL`` after its name. Errors are one line on stderr with
exit status 2 (3 for a version conflict); never a traceback.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from herne_tui import __version__

EPILOG = (
    "Datenbank: --db PFAD_ODER_URL, sonst $HERNE_TUI_DB, sonst die Datei im Nutzer-"
    "Datenverzeichnis. Ein Pfad ist eine SQLite-Datei; alles mit :// ist eine SQLAlchemy-URL."
)


def _common(
    p: argparse.ArgumentParser, *, user: bool = False, read_only: bool = True, top: bool = False
) -> None:
    # A sub-command's option must not reset what was given before the command's name.
    default = None if top else argparse.SUPPRESS
    p.add_argument(
        "--db", metavar="PATH_OR_URL", default=default, help="Datenbank (Datei oder URL)"
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


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every sub-command."""
    parser = argparse.ArgumentParser(
        prog="herne-tui",
        epilog=EPILOG,
        description="Koalitionsvertrag im Terminal verfolgen. Ohne Befehl startet die App.",
    )
    parser.add_argument("--version", action="version", version=f"herne-tui {__version__}")
    _common(parser, user=True, top=True)
    sub = parser.add_subparsers(dest="command", metavar="BEFEHL")

    p = sub.add_parser("app", help="die App starten (Standard)", epilog=EPILOG)
    _common(p, user=True)

    p = sub.add_parser("seed", help="Seed in die Datenbank übernehmen (idempotent)", epilog=EPILOG)
    _common(p)
    p.add_argument(
        "--from",
        dest="source",
        metavar="PATH",
        help="Seed-Datei oder -Ordner (Standard: der mitgelieferte Seed)",
    )

    p = sub.add_parser(
        "check",
        help="Seed-Datei/-Ordner prüfen (ohne Datenbank), oder mit "
        "--db die Vorschlagsrechte und Verfahren einer Datenbank",
    )
    p.add_argument("path", metavar="PATH", nargs="?", help="Seed-Datei oder -Ordner")
    p.add_argument(
        "--db",
        metavar="PATH_OR_URL",
        help="statt eines Seeds die Datenbank prüfen (Exit 2 bei Verstößen)",
    )

    p = sub.add_parser("list", help="Maßnahmen auflisten", epilog=EPILOG)
    _common(p)
    p.add_argument("--topic", metavar="KEY", help="nur dieses Thema (z. B. SCH)")
    p.add_argument("--status", metavar="KEY", help="nur dieser Status (z. B. offen)")
    p.add_argument("--format", choices=("table", "json"), default="table")

    p = sub.add_parser("show", help="eine Maßnahme anzeigen", epilog=EPILOG)
    _common(p)
    p.add_argument("id", metavar="ID")

    p = sub.add_parser("set", help="eine Maßnahme ändern", epilog=EPILOG)
    _common(p, user=True)
    p.add_argument("id", metavar="ID")
    p.add_argument("--status", metavar="KEY")
    p.add_argument("--responsible", metavar="TEXT")
    p.add_argument("--lead", metavar="SPD|CDU|gemeinsam")
    p.add_argument("--due", metavar="DATE", help="31.03.2026 oder 2026-03-31; '' löscht")
    p.add_argument("--note", metavar="TEXT", help="Notiz anhängen")
    p.add_argument(
        "--if-version",
        type=int,
        metavar="N",
        help="nur speichern, wenn die Maßnahme noch Version N hat (sonst Exit 3)",
    )
    p.add_argument("--source", metavar="TEXT", default="", help="Quelle (Link, Drucksache)")
    p.add_argument("--comment", metavar="TEXT", default="", help="Kommentar zur Änderung")

    p = sub.add_parser("export", help="aktuellen Stand exportieren", epilog=EPILOG)
    _common(p)
    p.add_argument("--format", choices=("toml", "json", "csv"), default="toml")
    p.add_argument("-o", "--output", metavar="FILE", help="Datei (sonst Standardausgabe)")
    p.add_argument(
        "--as-of",
        metavar="DATE",
        help="Stand am Ende dieses Tages (UTC), aus der Historie rekonstruiert",
    )

    p = sub.add_parser(
        "report",
        help="Bericht: weekly, annual (Jahresbilanz), midterm, minutes (Protokoll)",
        epilog=EPILOG,
    )
    _common(p)
    p.add_argument(
        "kind",
        metavar="ART",
        help="weekly (Wochenrückblick), annual "
        "(Jahresbilanz), midterm (Halbzeitbilanz) oder "
        "minutes (Protokoll der Koordinierungsgruppe)",
    )
    p.add_argument(
        "--since",
        metavar="DATE",
        help="weekly: ab diesem Tag (sonst seit der "
        "letzten Durchsicht, sonst 7 Tage); "
        "minutes: Entscheidungen ab diesem Tag",
    )
    p.add_argument("--year", metavar="YYYY", help="annual: das Jahr (sonst das laufende)")
    p.add_argument("--at", metavar="DATE", help="midterm: Stichtag (sonst Mitte der Wahlperiode)")
    p.add_argument(
        "--stale-weeks",
        metavar="N",
        default="4",
        help="weekly: ohne Bewegung seit N Wochen (Standard 4)",
    )
    p.add_argument("--format", metavar="text|md|html", default="text")
    p.add_argument("-o", "--output", metavar="FILE", help="Datei (sonst Standardausgabe)")

    p = sub.add_parser("history", help="Historie der Änderungen (älteste zuerst)", epilog=EPILOG)
    _common(p)
    p.add_argument(
        "id",
        metavar="ID",
        nargs="?",
        help="nur diese Maßnahme (oder dieser Ausschuss, Posten, Sitz)",
    )
    p.add_argument("--since", metavar="DATE", help="ab diesem Tag (00:00 UTC)")
    p.add_argument("--user", dest="by_user", metavar="NAME", help="nur Änderungen von NAME")
    p.add_argument("--format", metavar="text|json", default="text")

    p = sub.add_parser(
        "forget", help="Namen einer Person überall entfernen (Datenschutz)", epilog=EPILOG
    )
    _common(p, user=True)
    p.add_argument("name", metavar="NAME", help="der Name, genau so geschrieben")
    p.add_argument("--yes", action="store_true", help="ohne Rückfrage ausführen")

    p = sub.add_parser(
        "backup",
        help="Sicherung der Datenbank schreiben (auch im laufenden Betrieb)",
        epilog=EPILOG,
    )
    _common(p, read_only=False)
    p.add_argument("dest", metavar="DEST", help="Zieldatei (oder Ordner: Name mit Datum)")
    p.add_argument("--force", action="store_true", help="eine vorhandene Zieldatei ersetzen")
    p.add_argument(
        "--format",
        choices=("auto", "export"),
        default="auto",
        help="auto: SQLite-Kopie bzw. pg_dump-Archiv; export: herne-tui-Export "
        "aller Tabellen (.json.gz), in SQLite und PostgreSQL wiederherstellbar",
    )

    p = sub.add_parser(
        "restore",
        help="Datenbank aus einer Sicherung wiederherstellen",
        epilog=EPILOG + " Der bisherige Stand wird daneben gesichert.",
    )
    _common(p)
    p.add_argument("source", metavar="SRC", help="Sicherungsdatei")
    p.add_argument("--yes", action="store_true", help="ohne Rückfrage ersetzen")

    p = sub.add_parser(
        "serve",
        help="die App im Browser anbieten (textual-serve); ohne "
        "Anmeldung: nur hinter einem Proxy mit Anmeldung freigeben",
        epilog=EPILOG,
    )
    _common(p, user=True)
    p.add_argument(
        "--host",
        default="127.0.0.1",
        help="Adresse, an die der Server bindet (Standard 127.0.0.1: nur lokal)",
    )
    p.add_argument("--port", type=int, default=8000, help="Port (Standard 8000)")
    p.add_argument(
        "--public-url",
        metavar="URL",
        help="Adresse, unter der Browser die Seite aufrufen (hinter einem Proxy, "
        "z. B. https://herne.example.org)",
    )
    p.add_argument(
        "--user-header",
        metavar="KOPF",
        help="Nutzername jeder Sitzung aus diesem HTTP-Kopf des Proxys (z. B. "
        "X-Remote-User); nur wenn der Proxy ihn setzt und Fremdwerte entfernt",
    )
    return parser


# -- helpers --------------------------------------------------------------------------------
def _fail(message: str, code: int = 2) -> int:
    print(f"herne-tui: {message}", file=sys.stderr)
    return code


def open_db(args, *, read_only: bool = False, seed_if_empty: bool = True):
    """Open the database named by ``--db``; create and seed it on first use."""
    from herne_tui.db.schema import open_database
    from herne_tui.seeding.apply import is_seeded, seed_database
    from herne_tui.seeding.load import load_seed

    read_only = read_only or getattr(args, "read_only", False)
    db = open_database(args.db, read_only=read_only)
    if db.migration_backup is not None:
        print(
            f"Datenbank auf das neue Schema aktualisiert; Sicherung des alten Stands: "
            f"{db.migration_backup}",
            file=sys.stderr,
        )
    if seed_if_empty and not read_only and not is_seeded(db):
        report = seed_database(db, load_seed())
        print(
            f"Neue Datenbank {db.where} angelegt und befüllt: {report.summary()}", file=sys.stderr
        )
    return db


def _user(args) -> str:
    from herne_tui.paths import default_user

    return getattr(args, "user", None) or default_user()


def _write_output(text: str, output: str | None) -> None:
    if output:
        path = Path(output)
        tmp = path.with_name(f".{path.name}.tmp")
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(path)
        print(f"geschrieben: {path}", file=sys.stderr)
    else:
        sys.stdout.write(text)


# -- commands -------------------------------------------------------------------------------
def cmd_seed(args) -> int:
    from herne_tui.seeding.apply import seed_database
    from herne_tui.seeding.load import load_seed

    loaded = load_seed(args.source)
    db = open_db(args, seed_if_empty=False)
    report = seed_database(db, loaded)
    for label, items in (
        ("hinzugefügt", report.added),
        ("aktualisiert", report.updated),
        ("behalten (Nutzerwert)", report.kept),
    ):
        for item in items:
            print(f"{label}: {item}")
    print(f"Seed {loaded.origin} → {db.where}: {report.summary()}")
    return 0


def cmd_check(args) -> int:
    from herne_tui.errors import SeedProblems
    from herne_tui.seeding.load import bundled_seed_dir, load_seed

    if args.path is None and args.db is not None:
        return _check_database(args)
    if args.path is None:
        args.path = str(bundled_seed_dir())
    try:
        loaded = load_seed(args.path)
    except SeedProblems as exc:
        for problem in exc.problems:
            print(problem)
        print(f"{len(exc.problems)} Problem(e) gefunden", file=sys.stderr)
        return 2
    s = loaded.seed
    print(
        f"{loaded.origin}: in Ordnung – {len(s.measures)} Maßnahmen, {len(s.topics)} Themen, "
        f"{len(s.statuses)} Status, {len(s.repeats)} Wiederholungen, "
        f"{len(s.committees)} Ausschüsse, {len(s.posts)} Posten, {len(s.holdings)} "
        f"Beteiligungen, {len(s.rules)} Regeln"
    )
    return 0


def _check_database(args) -> int:
    """``check --db``: the nomination rules and procedures applied to a database."""
    from herne_tui.db.schema import open_database
    from herne_tui.services.checks import nomination_violations

    db = open_database(args.db, create=False)
    found = nomination_violations(db)
    for v in found:
        print(f"{v.ref}: {v.message} [{v.rule}]")
    where = db.where
    if found:
        print(f"{where}: {len(found)} Verstöße", file=sys.stderr)
        return 2
    print(
        f"{where}: keine Verstöße gegen Vorschlagsrechte, Ausschreibungspflicht oder die "
        "Größe der Koordinierungsgruppe"
    )
    return 0


def cmd_list(args) -> int:
    from herne_tui.domain.objects import format_date
    from herne_tui.errors import InvalidInput
    from herne_tui.services.queries import load_board

    board = load_board(open_db(args))
    if args.topic and args.topic.upper() not in {t.key for t in board.topics}:
        raise InvalidInput(
            f"Thema „{args.topic}“ gibt es nicht (bekannt: "
            f"{', '.join(t.key for t in board.topics)})"
        )
    if args.status and args.status not in board.status_keys():
        raise InvalidInput(
            f"Status „{args.status}“ gibt es nicht (bekannt: {', '.join(board.status_keys())})"
        )
    rows = [
        m
        for m in board.measures
        if (not args.topic or m.topic == args.topic.upper())
        and (not args.status or m.status == args.status)
    ]
    if args.format == "json":
        print(
            json.dumps(
                [
                    {
                        "id": m.id,
                        "topic": m.topic,
                        "status": m.status,
                        "title": m.title,
                        "responsible": m.responsible,
                        "lead": m.lead,
                        "due": m.due.isoformat() if m.due else None,
                        "notes": m.note_count,
                        "version": m.version,
                    }
                    for m in rows
                ],
                ensure_ascii=False,
                indent=2,
            )
        )
        return 0
    labels = {s.key: s.label for s in board.statuses}
    for m in rows:
        due = format_date(m.due)
        print(f"{m.id:<7} {labels[m.status]:<16} {m.title:<60} {m.lead:<9} {due}".rstrip())
    print(f"{len(rows)} Maßnahmen", file=sys.stderr)
    return 0


def cmd_show(args) -> int:
    from herne_tui.domain.objects import format_date, format_datetime
    from herne_tui.services.queries import get_measure, load_board

    db = open_db(args)
    m = get_measure(db, args.id.upper())
    board = load_board(db)
    topics = {t.key: t.name for t in board.topics}
    labels = {s.key: s.label for s in board.statuses}
    print(f"{m.id} – {m.title}")
    print(f"Thema:          {topics.get(m.topic, m.topic)} (Absatz {m.paragraph})")
    print(f"Status:         {labels.get(m.status, m.status)}")
    print(f"Verantwortlich: {m.responsible or '—'}")
    print(f"Federführung:   {m.lead or '—'}")
    print(f"Fällig:         {format_date(m.due) or '—'}")
    print(f"Version:        {m.version}")
    print()
    print(m.text)
    for item in m.subitems:
        print(f"  • {item}")
    for t in m.targets:
        print(f"Ziel: {t.label}: {t.value} {t.unit}".rstrip())
    for place in m.duplicates:
        print(
            f"Wortgleich wiederholt in: {topics.get(place.topic, place.topic)}, "
            f"Absatz {place.paragraph}"
        )
    if m.related:
        print(f"Verwandt: {', '.join(m.related)}")
    for note in m.notes:
        print(f"Notiz {format_datetime(note.at.astimezone())} {note.author}: {note.text}")
    return 0


def cmd_set(args) -> int:
    from herne_tui.errors import InvalidInput
    from herne_tui.services.edits import update_measure

    changes = {
        k: getattr(args, k)
        for k in ("status", "responsible", "lead", "due")
        if getattr(args, k) is not None
    }
    if not changes and args.note is None:
        raise InvalidInput(
            "nichts zu ändern: --status, --responsible, --lead, --due oder --note angeben"
        )
    db = open_db(args)
    m = update_measure(
        db,
        measure_id=args.id.upper(),
        changes=changes,
        user=_user(args),
        expected_version=args.if_version,
        source=args.source,
        comment=args.comment,
        note=args.note,
    )
    print(f"{m.id} gespeichert (Version {m.version})")
    return 0


def cmd_export(args) -> int:
    from herne_tui.reports.export import export_text

    if args.as_of is not None:
        from herne_tui.reports.export import export_text_as_of
        from herne_tui.services.history import parse_day

        day = parse_day(args.as_of, "--as-of")
        _write_output(export_text_as_of(open_db(args), day, args.format), args.output)
        return 0
    _write_output(export_text(open_db(args), args.format), args.output)
    return 0


def _choice(value: str, options: tuple[str, ...], field: str) -> str:
    from herne_tui.errors import InvalidInput

    if value not in options:
        raise InvalidInput(f"{field}: „{value}“ gibt es nicht (bekannt: {', '.join(options)})")
    return value


def _number(value: str, field: str) -> int:
    from herne_tui.errors import InvalidInput

    try:
        return int(value)
    except ValueError:
        raise InvalidInput(f"{field}: „{value}“ ist keine ganze Zahl") from None


def cmd_report(args) -> int:
    from herne_tui.errors import InvalidInput
    from herne_tui.reports import build
    from herne_tui.services.history import parse_day

    kind = _choice(args.kind, build.KINDS, "Berichtsart")
    fmt = _choice(args.format, build.FORMATS, "--format")
    allowed = {
        "weekly": ("since", "stale_weeks"),
        "annual": ("year",),
        "midterm": ("at",),
        "minutes": ("since",),
    }
    for option in ("since", "year", "at"):
        if getattr(args, option) is not None and option not in allowed[kind]:
            raise InvalidInput(f"--{option}: gilt nicht für den Bericht {kind}")
    since = parse_day(args.since, "--since") if args.since is not None else None
    at = parse_day(args.at, "--at") if args.at is not None else None
    year = _number(args.year, "--year") if args.year is not None else None
    weeks = _number(args.stale_weeks, "--stale-weeks")
    text = build.build_report(
        open_db(args), kind, fmt, since=since, year=year, at=at, stale_weeks=weeks
    )
    _write_output(text, args.output)
    return 0


def cmd_history(args) -> int:
    from herne_tui.services.history import entry_json, format_entry, parse_day, resolve_subject
    from herne_tui.services.queries import history, load_board

    fmt = _choice(args.format, ("text", "json"), "--format")
    since = parse_day(args.since, "--since") if args.since is not None else None
    db = open_db(args)
    entity, key = resolve_subject(db, args.id) if args.id else (None, None)
    entries = history(db, entity=entity, entity_id=key, since=since, user=args.by_user)
    if fmt == "json":
        print(json.dumps([entry_json(e) for e in entries], ensure_ascii=False, indent=2))
        return 0
    labels = {s.key: s.label for s in load_board(db).statuses}
    for e in entries:
        print(format_entry(e, labels))
    print(f"{len(entries)} Einträge", file=sys.stderr)
    return 0


def cmd_forget(args) -> int:
    from herne_tui.errors import InvalidInput
    from herne_tui.services.privacy import check_name, forget

    name = check_name(args.name)
    db = open_db(args)
    if not args.yes:
        if not sys.stdin.isatty():
            raise InvalidInput(
                "--yes fehlt: ohne Terminal keine Rückfrage möglich; zum Ausführen --yes angeben"
            )
        preview = forget(db, name=name, user=_user(args), dry_run=True)
        for line in preview.lines():
            print(line)
        if not preview.changed:
            return 0
        answer = input(
            f"„{name}“ überall durch „{preview.placeholder}“ ersetzen? Das ist endgültig. [j/N] "
        )
        if answer.strip().lower() not in ("j", "ja", "y", "yes"):
            print("abgebrochen: nichts geändert")
            return 1
    for line in forget(db, name=name, user=_user(args)).lines():
        print(line)
    return 0


def cmd_backup(args) -> int:
    from herne_tui.backup.sqlite import run_backup

    result = run_backup(
        args.db,
        Path(args.dest).expanduser(),
        force=args.force,
        notice=lambda line: print(line, file=sys.stderr),
        export=args.format == "export",
    )
    seconds = f"{result.seconds:.2f}".replace(".", ",")
    print(f"Sicherung {result.facts.path}: {result.facts.summary()}; {result.check} ({seconds} s)")
    return 0


def cmd_restore(args) -> int:
    from herne_tui.backup.sqlite import inspect_source, restore_target, run_restore
    from herne_tui.errors import InvalidInput, ReadOnly

    if getattr(args, "read_only", False):
        raise ReadOnly("Nur-Lese-Modus: Wiederherstellen ist hier nicht möglich")
    source = Path(args.source).expanduser()
    target = restore_target(args.db)
    facts = inspect_source(args.db, source)
    if not args.yes:
        if not sys.stdin.isatty():
            raise InvalidInput(
                f"Wiederherstellen ersetzt {target}: ohne Terminal bitte mit --yes bestätigen"
            )
        print(
            f"{target} durch {source} ersetzen? ({facts.summary()}; der jetzige Stand "
            "wird vorher daneben gesichert) [j/N] ",
            end="",
            file=sys.stderr,
            flush=True,
        )
        if sys.stdin.readline().strip().lower() not in ("j", "ja", "y", "yes"):
            print("abgebrochen: nichts geändert", file=sys.stderr)
            return 1
    result = run_restore(args.db, source, notice=lambda line: print(line, file=sys.stderr))
    if result.saved is not None:
        print(f"bisheriger Stand gesichert: {result.saved}")
    print(f"Wiederhergestellt {target} aus {source}: {result.facts.summary()}")
    return 0


def cmd_app(args) -> int:
    from herne_tui.app import run_app
    from herne_tui.db.quickstart import quick_start

    read_only = bool(getattr(args, "read_only", False))
    # A current, seeded SQLite file paints at once; the ORM loads after the first paint.
    quick = quick_start(
        args.db, read_only=read_only, opener=lambda: open_db(args, read_only=read_only)
    )
    if quick is not None:
        board, db = quick
        return run_app(db, user=_user(args), initial_board=board)
    return run_app(open_db(args, read_only=read_only), user=_user(args))


def cmd_serve(args) -> int:
    from herne_tui.web.serve import check_port, serve

    check_port(args.host, args.port)  # before touching the database: a clear line first
    db = open_db(args, read_only=args.read_only)  # create, upgrade or refuse once, up front
    url = db.url
    db.dispose()
    return serve(
        url,
        host=args.host,
        port=args.port,
        user=_user(args),
        read_only=args.read_only,
        public_url=args.public_url,
        user_header=args.user_header,
    )


COMMANDS = {
    "backup": cmd_backup,
    "restore": cmd_restore,
    "serve": cmd_serve,
    None: cmd_app,
    "app": cmd_app,
    "seed": cmd_seed,
    "check": cmd_check,
    "list": cmd_list,
    "show": cmd_show,
    "set": cmd_set,
    "export": cmd_export,
    "report": cmd_report,
    "history": cmd_history,
    "forget": cmd_forget,
}


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``herne-tui`` console script."""
    args = build_parser().parse_args(argv)
    from herne_tui.errors import Conflict, HerneError

    try:
        return COMMANDS[args.command](args)
    except Conflict as exc:
        print(f"herne-tui: {exc.message}", file=sys.stderr)
        for field, value in exc.theirs.items():
            print(
                f"  {field}: jetzt „{value}“ (von {exc.changed_by or 'unbekannt'}), "
                f"Ihr Wert „{exc.mine.get(field)}“",
                file=sys.stderr,
            )
        return exc.exit_code
    except HerneError as exc:
        return _fail(exc.message, exc.exit_code)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0
    except OSError as exc:
        return _fail(f"{exc.filename or ''}: {exc.strerror or exc}".lstrip(": "))


if __name__ == "__main__":
    sys.exit(main())
