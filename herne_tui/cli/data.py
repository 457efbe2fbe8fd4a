"""Commands on the data as a whole: ``seed``, ``check`` and ``forget``."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from herne_tui.cli.common import EPILOG, Command, add_common, open_db, user_name
from herne_tui.errors import InvalidInput, SeedProblems

if TYPE_CHECKING:
    from herne_tui.cli.common import Subparsers


def add_seed(sub: Subparsers) -> None:
    """The ``seed`` parser."""
    p = sub.add_parser("seed", help="Seed in die Datenbank übernehmen (idempotent)", epilog=EPILOG)
    add_common(p)
    p.add_argument(
        "--from",
        dest="source",
        metavar="PFAD",
        help="Seed-Datei oder -Ordner (Standard: der mitgelieferte Seed)",
    )
    actions = p.add_subparsers(dest="seed_action", metavar="new")
    new = actions.add_parser(
        "new",
        help="einen neuen Seed aus dem Text einer Vereinbarung anlegen (ohne Datenbank)",
        description="Legt in ORDNER ein Seed-Gerüst an: die Abschnitte des inhaltlichen Teils "
        "als Themen, die Absätze als Maßnahmen (wörtlich), Aufzählungen als Unterpunkte, "
        "wörtliche Wiederholungen als Wiederholungen. Die Kurztitel bleiben leer: "
        "`herne-tui check ORDNER` meldet „Titel fehlt“, bis jeder eingetragen ist.",
    )
    new.add_argument("folder", metavar="ORDNER", help="neuer (oder leerer) Ordner für den Seed")
    new.add_argument(
        "--from-text",
        dest="text",
        metavar="DATEI",
        required=True,
        help="die Vereinbarung als Text oder Markdown (.txt, .md), mit Inhaltsverzeichnis",
    )
    new.add_argument(
        "--part",
        metavar="NAME",
        help="der inhaltliche Teil im Inhaltsverzeichnis (sonst der mit den meisten Abschnitten)",
    )


def add_check(sub: Subparsers) -> None:
    """The ``check`` parser (its own ``--db``: without one it needs no database)."""
    p = sub.add_parser(
        "check",
        help="Seed-Datei/-Ordner prüfen (ohne Datenbank), oder mit "
        "--db die Vorschlagsrechte und Verfahren einer Datenbank",
    )
    p.add_argument("path", metavar="PFAD", nargs="?", help="Seed-Datei oder -Ordner")
    p.add_argument(
        "--db",
        metavar="PFAD_ODER_URL",
        help="statt eines Seeds die Datenbank prüfen (Exit 2 bei Verstößen)",
    )


def add_forget(sub: Subparsers) -> None:
    """The ``forget`` parser."""
    p = sub.add_parser(
        "forget", help="Namen einer Person überall entfernen (Datenschutz)", epilog=EPILOG
    )
    add_common(p, user=True)
    p.add_argument("name", metavar="NAME", help="der Name, genau so geschrieben")
    p.add_argument("--yes", action="store_true", help="ohne Rückfrage ausführen")


def _repeats(n: int) -> str:
    return f"{n} Wiederholung" if n == 1 else f"{n} Wiederholungen"


def cmd_seed_new(args: argparse.Namespace) -> int:
    """``seed new``: a seed skeleton from an agreement's text; what it found, what to check."""
    from datetime import date
    from pathlib import Path

    from herne_tui.seeding.draft import entries, read_agreement
    from herne_tui.seeding.skeleton import write_skeleton

    source = Path(args.text).expanduser()
    try:
        text = source.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise InvalidInput(
            f"{source}: Byte {exc.start} ist kein UTF-8: die Datei als UTF-8 speichern"
        ) from None
    except OSError as exc:
        raise InvalidInput(f"{source}: {exc.strerror or exc}") from None
    draft = read_agreement(text, part=args.part)
    written = write_skeleton(draft, Path(args.folder).expanduser(), date.today())
    for note in draft.notes():
        print(f"Hinweis: {note}", file=sys.stderr)
    found = entries(draft)
    measures = [e for e in found if e.id is not None]
    for path in written:
        print(f"geschrieben: {path}")
    print(
        f"{draft.name}: {len(draft.topics)} Themen aus „{draft.part}“, {len(measures)} "
        f"Maßnahmen, {_repeats(len(found) - len(measures))}. Nächste Schritte: Partner, "
        f"Daten und {len(measures)} Kurztitel eintragen (`herne-tui check {args.folder}` "
        "zeigt, was fehlt), dann `herne-tui seed --from` mit diesem Ordner."
    )
    return 0


def cmd_seed(args: argparse.Namespace) -> int:
    """``seed``: take a seed into the database; what was added, updated or kept."""
    if getattr(args, "seed_action", None) == "new":
        return cmd_seed_new(args)
    from herne_tui.seeding.apply import seed_database
    from herne_tui.seeding.load import load_seed

    loaded = load_seed(args.source)
    db = open_db(args, seed_if_empty=False, create=True)
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


def cmd_check(args: argparse.Namespace) -> int:
    """``check``: validate a seed (the bundled one by default), or with ``--db`` a database."""
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


def _check_database(args: argparse.Namespace) -> int:
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


def cmd_forget(args: argparse.Namespace) -> int:
    """``forget``: replace a person's name everywhere, after a preview and a question."""
    from herne_tui.services.privacy import check_name, forget

    name = check_name(args.name)
    db = open_db(args)
    if not args.yes:
        if not sys.stdin.isatty():
            raise InvalidInput(
                "--yes fehlt: ohne Terminal keine Rückfrage möglich; zum Ausführen --yes angeben"
            )
        preview = forget(db, name=name, user=user_name(args), dry_run=True)
        for line in preview.lines():
            print(line)
        if not preview.changed:
            return 0
        count = preview.total
        answer = input(
            f"„{name}“ an {count} Stelle{'' if count == 1 else 'n'} durch „{preview.placeholder}“ "
            "ersetzen? Das ist endgültig. [j/N] "
        )
        if answer.strip().lower() not in ("j", "ja", "y", "yes"):
            print("abgebrochen: nichts geändert")
            return 1
    for line in forget(db, name=name, user=user_name(args)).lines():
        print(line)
    return 0


COMMANDS = {
    "seed": Command(add_seed, cmd_seed),
    "check": Command(add_check, cmd_check),
    "forget": Command(add_forget, cmd_forget),
}
