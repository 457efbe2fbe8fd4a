"""Commands that write documents: ``export`` and ``report``."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from herne_tui.cli.common import (
    EPILOG,
    Command,
    add_common,
    choice,
    number,
    offer,
    open_db,
    user_name,
    write_output,
)
from herne_tui.domain.objects import MAX_YEAR, MIN_YEAR
from herne_tui.errors import InvalidInput

if TYPE_CHECKING:
    from herne_tui.cli.common import Subparsers

EXPORT_FORMATS = ("toml", "json", "csv", "xlsx", "ics")

# Which of the optional report settings each kind of report takes.
REPORT_OPTIONS = {
    "weekly": ("since", "stale_weeks", "stale"),
    "annual": ("year",),
    "midterm": ("at",),
    "minutes": ("since",),
}


def add_export(sub: Subparsers) -> None:
    """The ``export`` parser."""
    p = sub.add_parser("export", help="aktuellen Stand exportieren", epilog=EPILOG)
    add_common(p)
    p.add_argument(
        "--format",
        choices=EXPORT_FORMATS,
        default="toml",
        help="toml (ein gültiger Seed), json, csv, xlsx (Tabelle der Maßnahmen; braucht -o, "
        "außer die Ausgabe geht in eine Datei oder Pipe) oder ics (Sitzungen, Fristen, "
        "Fälligkeiten und Bilanzen als Kalender, iCalendar)",
    )
    p.add_argument(
        "--excel",
        action="store_true",
        help="mit --format csv: für deutsche Tabellenkalkulationen (UTF-8 mit BOM, Semikolon)",
    )
    p.add_argument("-o", "--output", metavar="DATEI", help="Datei (sonst Standardausgabe)")
    p.add_argument(
        "--force", action="store_true", help="eine vorhandene Datei ersetzen (nie die Datenbank)"
    )
    p.add_argument(
        "--as-of",
        metavar="DATUM",
        help="Stand am Ende dieses Tages (UTC), aus der Historie rekonstruiert",
    )


REPORT_KINDS = ("weekly", "annual", "midterm", "minutes", "positions")
"""What ``report`` offers in shell completion: ``reports.build.KINDS`` and the position sheet
(spelled out: building the parser imports no report code)."""


def add_report(sub: Subparsers) -> None:
    """The ``report`` parser."""
    p = sub.add_parser(
        "report",
        help="Bericht: weekly, annual (Jahresbilanz), midterm, minutes (Protokoll), "
        "positions (Positionsblatt)",
        epilog=EPILOG,
    )
    add_common(p, user=True)
    kind = p.add_argument(
        "kind",
        metavar="ART",
        help="weekly (Wochenrückblick), annual "
        "(Jahresbilanz), midterm (Halbzeitbilanz), "
        "minutes (Protokoll der Koordinierungsgruppe) oder "
        "positions (Positionsblatt einer Sitzung aus dem RIS)",
    )
    offer(kind, REPORT_KINDS)
    p.add_argument(
        "meeting",
        nargs="?",
        metavar="MEETING",
        help="positions: die Sitzung (OParl-URL, Datum und Gremium, oder Teil des Namens)",
    )
    p.add_argument(
        "--since",
        metavar="DATUM",
        help="weekly: ab diesem Tag (sonst seit der "
        "letzten Durchsicht, sonst 7 Tage); "
        "minutes: Entscheidungen ab diesem Tag",
    )
    p.add_argument("--year", metavar="JJJJ", help="annual: das Jahr (sonst das laufende)")
    p.add_argument("--at", metavar="DATUM", help="midterm: Stichtag (sonst Mitte der Wahlperiode)")
    p.add_argument(
        "--stale-weeks",
        metavar="N",
        help="weekly: ohne Bewegung seit N Wochen (sonst review_weeks der Konfiguration, sonst 4)",
    )
    p.add_argument(
        "--stale",
        action="store_true",
        help="weekly: jede Maßnahme ohne Bewegung einzeln aufführen (sonst Anzahl je Thema)",
    )
    p.add_argument("--format", metavar="text|md|html", default="text")
    p.add_argument("-o", "--output", metavar="DATEI", help="Datei (sonst Standardausgabe)")
    p.add_argument(
        "--force", action="store_true", help="eine vorhandene Datei ersetzen (nie die Datenbank)"
    )
    p.add_argument(
        "--intern",
        action="store_true",
        help="mit den internen Notizen der eigenen Partei (--user; nur für sie bestimmt)",
    )


def add_digest(sub: Subparsers) -> None:
    """The ``digest`` parser."""
    p = sub.add_parser(
        "digest",
        help="Übersicht für die Woche: Änderungen, Notizen, Fristen, Sitzungen, Verstöße, Dissense",
        epilog=EPILOG,
    )
    add_common(p)
    p.add_argument(
        "--since",
        metavar="last|DATUM",
        default="last",
        help="ab der letzten Durchsicht (last, Standard; sonst 7 Tage) oder ab diesem Tag",
    )
    p.add_argument(
        "--for",
        dest="for_user",
        metavar="NAME",
        help="ab der letzten Durchsicht dieser Person (sonst der gemeinsamen)",
    )
    p.add_argument("--format", metavar="text|md|html", default="text")
    p.add_argument(
        "--stale",
        action="store_true",
        help="jede Maßnahme ohne Bewegung einzeln aufführen (sonst Anzahl je Thema)",
    )
    p.add_argument(
        "--stale-weeks",
        metavar="N",
        help="ohne Bewegung seit N Wochen (sonst review_weeks der Konfiguration, sonst 4)",
    )
    p.add_argument("-o", "--output", metavar="DATEI", help="Datei (sonst Standardausgabe)")
    p.add_argument(
        "--force", action="store_true", help="eine vorhandene Datei ersetzen (nie die Datenbank)"
    )


def _stale_weeks(args: argparse.Namespace) -> int:
    """``--stale-weeks``, else the config file's ``review_weeks``, else 4."""
    if args.stale_weeks is not None:
        return number(args.stale_weeks, "--stale-weeks", 1, 520)
    settings = getattr(args, "settings", None)
    return int(settings.get("review_weeks")) if settings is not None else 4


def cmd_export(args: argparse.Namespace) -> int:
    """``export``: the current state, or the state at the end of a day, as TOML, JSON, CSV
    or an ``.xlsx`` workbook; or the coalition's dates as iCalendar."""
    from herne_tui.reports import export

    if args.excel and args.format != "csv":
        raise InvalidInput(f"--excel gilt nur für --format csv, nicht für {args.format}")
    if args.format == "ics":
        return _export_ics(args)
    if args.format == "xlsx" and not args.output and sys.stdout.isatty():
        raise InvalidInput(
            "--format xlsx schreibt eine Binärdatei: bitte -o DATEI.xlsx angeben "
            "(oder die Ausgabe in eine Datei umleiten)"
        )
    day = None
    _say_internal_notes_left_out(args)
    if args.as_of is not None:
        from herne_tui.services.history import parse_day

        day = parse_day(args.as_of, "--as-of")
    db = open_db(args)
    if args.format == "xlsx":
        write_output(export.export_xlsx(db, day), args.output, args)
    elif day is not None:
        write_output(
            export.export_text_as_of(db, day, args.format, excel=args.excel), args.output, args
        )
    else:
        write_output(export.export_text(db, args.format, excel=args.excel), args.output, args)
    return 0


def _say_internal_notes_left_out(args: argparse.Namespace) -> None:
    """Exports never hold a party's internal notes; stderr says so (the file's first line
    stays its header)."""
    from herne_tui.services.queries import internal_note_count

    count = internal_note_count(open_db(args))
    if count:
        print(
            f"herne-tui: {count} interne Notiz(en) nicht im Export (nur für die eigene Partei)",
            file=sys.stderr,
        )


def _export_ics(args: argparse.Namespace) -> int:
    """``export --format ics``: the calendar; CRLF line ends, so raw bytes on standard output."""
    from herne_tui.reports.calendar import export_ics

    if args.as_of is not None:
        raise InvalidInput(
            "--as-of: gilt nicht für --format ics (der Kalender zeigt den Stand jetzt)"
        )
    text = export_ics(open_db(args))
    if args.output:
        write_output(text, args.output, args)
    else:  # every text in it is already made safe (reports.calendar); keep its CR LF
        sys.stdout.flush()
        sys.stdout.buffer.write(text.encode("utf-8"))
        sys.stdout.buffer.flush()
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    """``report``: a weekly, annual, midterm report or the minutes, as text, Markdown or HTML."""
    from herne_tui.reports import build
    from herne_tui.services.history import parse_day

    if args.kind == "positions":
        return _positions(args)
    if args.meeting is not None:
        raise InvalidInput(f"MEETING: gilt nur für den Bericht positions, nicht für {args.kind}")
    kind = choice(args.kind, build.KINDS, "Berichtsart")
    fmt = choice(args.format, build.FORMATS, "--format")
    for option in ("since", "year", "at", "stale"):
        if getattr(args, option) not in (None, False) and option not in REPORT_OPTIONS[kind]:
            raise InvalidInput(f"--{option}: gilt nicht für den Bericht {kind}")
    since = parse_day(args.since, "--since") if args.since is not None else None
    at = parse_day(args.at, "--at") if args.at is not None else None
    year = number(args.year, "--year", MIN_YEAR, MAX_YEAR) if args.year is not None else None
    weeks = _stale_weeks(args)
    text = build.build_report(
        open_db(args),
        kind,
        fmt,
        since=since,
        year=year,
        at=at,
        stale_weeks=weeks,
        list_stale=args.stale,
        user=user_name(args),
        viewer=user_name(args),
        intern=args.intern,
    )
    write_output(text, args.output, args)
    return 0


def _positions(args: argparse.Namespace) -> int:
    """``report positions MEETING``: the position sheet of a mirrored meeting."""
    from herne_tui.reports.document import FORMATS
    from herne_tui.reports.positions import render_positions

    fmt = choice(args.format, FORMATS, "--format")
    if not args.meeting:
        raise InvalidInput("report positions: die Sitzung angeben (siehe herne-tui ris meetings)")
    for option in ("since", "year", "at"):
        if getattr(args, option) is not None:
            raise InvalidInput(f"--{option}: gilt nicht für den Bericht positions")
    write_output(render_positions(open_db(args), args.meeting, fmt), args.output, args)
    return 0


def cmd_digest(args: argparse.Namespace) -> int:
    """``digest``: the week's changes and what comes up, for the inbox (text, md or html)."""
    from herne_tui.cli.common import USER_MAX
    from herne_tui.reports import build
    from herne_tui.reports.review import weekly_review
    from herne_tui.services.history import parse_day

    fmt = choice(args.format, build.FORMATS, "--format")
    since = None if args.since.strip() == "last" else parse_day(args.since, "--since")
    user = args.for_user.strip() if args.for_user is not None else None
    if user is not None and not 0 < len(user) <= USER_MAX:
        raise InvalidInput(f"--for: einen Namen mit 1 bis {USER_MAX} Zeichen angeben")
    weeks = _stale_weeks(args)
    data = weekly_review(
        open_db(args), since=since, stale_weeks=weeks, list_stale=args.stale, for_user=user
    )
    write_output(build.render_weekly(data, fmt, heading="Digest"), args.output, args)
    return 0


COMMANDS = {
    "export": Command(add_export, cmd_export),
    "report": Command(add_report, cmd_report),
    "digest": Command(add_digest, cmd_digest),
}
