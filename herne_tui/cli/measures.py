"""Commands on measures: ``list``, ``show``, ``set`` and ``history``."""

from __future__ import annotations

import argparse
import json
import sys
from typing import TYPE_CHECKING

from herne_tui.cli.common import (
    EPILOG,
    Command,
    add_common,
    choice,
    open_db,
    quick_file,
    user_name,
)
from herne_tui.domain.objects import Measure, format_date, format_datetime
from herne_tui.domain.text import for_serialized, for_terminal
from herne_tui.errors import InvalidInput

if TYPE_CHECKING:
    from herne_tui.cli.common import Subparsers


def add_list(sub: Subparsers) -> None:
    """The ``list`` parser."""
    p = sub.add_parser("list", help="Maßnahmen auflisten", epilog=EPILOG)
    add_common(p)
    p.add_argument("--topic", metavar="SCHLÜSSEL", help="nur dieses Thema (z. B. SCH)")
    p.add_argument("--status", metavar="SCHLÜSSEL", help="nur dieser Status (z. B. offen)")
    p.add_argument("--format", choices=("table", "json"), default="table")


def add_show(sub: Subparsers) -> None:
    """The ``show`` parser."""
    p = sub.add_parser("show", help="eine Maßnahme anzeigen", epilog=EPILOG)
    add_common(p, user=True)
    p.add_argument("id", metavar="ID")


def add_set(sub: Subparsers) -> None:
    """The ``set`` parser."""
    p = sub.add_parser("set", help="eine Maßnahme ändern", epilog=EPILOG)
    add_common(p, user=True)
    p.add_argument("id", metavar="ID")
    p.add_argument("--status", metavar="SCHLÜSSEL")
    p.add_argument("--responsible", metavar="TEXT")
    p.add_argument("--lead", metavar="PARTNER|gemeinsam")
    p.add_argument("--due", metavar="DATUM", help="31.03.2026 oder 2026-03-31; '' löscht")
    p.add_argument("--note", metavar="TEXT", help="Notiz anhängen")
    p.add_argument(
        "--intern",
        action="store_true",
        help="die Notiz nur für die eigene Partei (braucht eine Nutzerliste)",
    )
    p.add_argument(
        "--origin",
        metavar="PARTNER|gemeinsam",
        help="aus wessen Programm die Maßnahme stammt; '' löscht",
    )
    p.add_argument(
        "--if-version",
        type=int,
        metavar="N",
        help="nur speichern, wenn die Maßnahme noch Version N hat (sonst Exit 3)",
    )
    p.add_argument("--source", metavar="TEXT", default="", help="Quelle (Link, Drucksache)")
    p.add_argument("--comment", metavar="TEXT", default="", help="Kommentar zur Änderung")


def add_history(sub: Subparsers) -> None:
    """The ``history`` parser."""
    p = sub.add_parser("history", help="Historie der Änderungen (älteste zuerst)", epilog=EPILOG)
    add_common(p)
    p.add_argument(
        "id",
        metavar="ID",
        nargs="?",
        help="nur diese Maßnahme (oder dieser Ausschuss, Posten, Sitz)",
    )
    p.add_argument("--since", metavar="DATUM", help="ab diesem Tag (00:00 UTC)")
    p.add_argument("--user", dest="by_user", metavar="NAME", help="nur Änderungen von NAME")
    p.add_argument("--format", metavar="text|json", default="text")


def cmd_list(args: argparse.Namespace) -> int:
    """``list``: the measures, optionally of one topic or status, as a table or JSON."""
    from herne_tui.db.quickstart import read_board

    path = quick_file(args)
    board = read_board(path) if path is not None else None
    if board is None:  # a URL, or a file the ORM must open first (old, new, unseeded)
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
            for_serialized(json.dumps([_json_row(m) for m in rows], ensure_ascii=False, indent=2))
        )
        return 0
    labels = {s.key: s.label for s in board.statuses}
    for m in rows:
        due = format_date(m.due)
        title, lead = (for_terminal(t, one_line=True) for t in (m.title, m.lead))
        print(f"{m.id:<7} {labels[m.status]:<16} {title:<60} {lead:<9} {due}".rstrip())
    print(f"{len(rows)} Maßnahmen", file=sys.stderr)
    return 0


def _json_row(m: Measure) -> dict[str, object]:
    """One measure as ``list --format json`` prints it."""
    return {
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


def cmd_show(args: argparse.Namespace) -> int:
    """``show``: one measure with its text, targets, duplicates, relations and notes."""
    from herne_tui.db.quickstart import read_measure

    path = quick_file(args)
    found = read_measure(path, args.id.upper()) if path is not None else None
    if found is None:  # a URL, a file the ORM must open first, or an unknown id (it says so)
        from herne_tui.services.queries import get_measure, labels

        db = open_db(args)
        m = get_measure(db, args.id.upper(), user=user_name(args))
        found = (m, *labels(db))
    m, topic_rows, status_rows = found
    topics = {t.key: t.name for t in topic_rows}
    status_labels = {s.key: s.label for s in status_rows}
    print(f"{m.id} – {m.title}")
    print(f"Thema:          {topics.get(m.topic, m.topic)} (Absatz {m.paragraph})")
    print(f"Status:         {status_labels.get(m.status, m.status)}")
    print(f"Verantwortlich: {m.responsible or '—'}")
    print(f"Federführung:   {m.lead or '—'}")
    if m.origin:
        print(f"Herkunft:       {m.origin}")
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
        mark = f" [intern {note.intern}]" if note.intern else ""
        print(f"Notiz {format_datetime(note.at.astimezone())} {note.author}{mark}: {note.text}")
    return 0


def cmd_set(args: argparse.Namespace) -> int:
    """``set``: change a measure's fields or add a note, optionally only at a given version."""
    from herne_tui.services.edits import update_measure

    changes = {
        k: getattr(args, k)
        for k in ("status", "responsible", "lead", "due", "origin")
        if getattr(args, k) is not None
    }
    if not changes and args.note is None:
        raise InvalidInput(
            "nichts zu ändern: --status, --responsible, --lead, --due, --origin oder --note angeben"
        )
    if args.intern and args.note is None:
        raise InvalidInput("--intern gilt nur zusammen mit --note")
    db = open_db(args)
    m = update_measure(
        db,
        measure_id=args.id.upper(),
        changes=changes,
        user=user_name(args),
        expected_version=args.if_version,
        source=args.source,
        comment=args.comment,
        note=args.note,
        intern=args.intern,
    )
    print(f"{m.id} gespeichert (Version {m.version})")
    if m.pending and m.pending == changes.get("status"):
        from herne_tui.services.queries import labels

        shown = {s.key: s.label for s in labels(db)[1]}.get(m.pending, m.pending)
        print(
            f"{m.id}: Status „{for_terminal(shown, one_line=True)}“ ist vorgeschlagen und gilt "
            f"erst nach Bestätigung durch {'/'.join(m.confirm_by)} (herne-tui proposals "
            "confirm ID; im Wochenrückblick j bestätigt, n weist zurück)"
        )
    return 0


def cmd_history(args: argparse.Namespace) -> int:
    """``history``: the change log, oldest first, as text or JSON."""
    from herne_tui.services.history import entry_json, format_entry, parse_day, resolve_subject
    from herne_tui.services.queries import history, labels

    fmt = choice(args.format, ("text", "json"), "--format")
    since = parse_day(args.since, "--since") if args.since is not None else None
    db = open_db(args)
    entity, key = resolve_subject(db, args.id) if args.id else (None, None)
    entries = history(db, entity=entity, entity_id=key, since=since, user=args.by_user)
    if fmt == "json":
        print(
            for_serialized(
                json.dumps([entry_json(e) for e in entries], ensure_ascii=False, indent=2)
            )
        )
        return 0
    status_labels = {s.key: s.label for s in labels(db)[1]}
    for e in entries:
        print(format_entry(e, status_labels))
    print(f"{len(entries)} Einträge", file=sys.stderr)
    return 0


COMMANDS = {
    "list": Command(add_list, cmd_list),
    "show": Command(add_show, cmd_show),
    "set": Command(add_set, cmd_set),
    "history": Command(add_history, cmd_history),
}
