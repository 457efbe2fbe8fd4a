"""Commands that write documents: ``export`` and ``report``."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from herne_tui.cli.common import EPILOG, Command, add_common, choice, number, open_db, write_output
from herne_tui.domain.objects import MAX_YEAR, MIN_YEAR
from herne_tui.errors import InvalidInput

if TYPE_CHECKING:
    from herne_tui.cli.common import Subparsers

# Which of the optional report settings each kind of report takes.
REPORT_OPTIONS = {
    "weekly": ("since", "stale_weeks"),
    "annual": ("year",),
    "midterm": ("at",),
    "minutes": ("since",),
}


def add_export(sub: Subparsers) -> None:
    """The ``export`` parser."""
    p = sub.add_parser("export", help="aktuellen Stand exportieren", epilog=EPILOG)
    add_common(p)
    p.add_argument("--format", choices=("toml", "json", "csv"), default="toml")
    p.add_argument("-o", "--output", metavar="FILE", help="Datei (sonst Standardausgabe)")
    p.add_argument(
        "--force", action="store_true", help="eine vorhandene Datei ersetzen (nie die Datenbank)"
    )
    p.add_argument(
        "--as-of",
        metavar="DATE",
        help="Stand am Ende dieses Tages (UTC), aus der Historie rekonstruiert",
    )


def add_report(sub: Subparsers) -> None:
    """The ``report`` parser."""
    p = sub.add_parser(
        "report",
        help="Bericht: weekly, annual (Jahresbilanz), midterm, minutes (Protokoll)",
        epilog=EPILOG,
    )
    add_common(p)
    p.add_argument(
        "kind",
        metavar="ART",
        help="weekly (Wochenrückblick), annual "
        "(Jahresbilanz), midterm (Halbzeitbilanz), "
        "minutes (Protokoll der Koordinierungsgruppe) oder "
        "positions (Positionsblatt einer Sitzung aus dem RIS)",
    )
    p.add_argument(
        "meeting",
        nargs="?",
        metavar="MEETING",
        help="positions: die Sitzung (OParl-URL, Datum und Gremium, oder Teil des Namens)",
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
    p.add_argument(
        "--force", action="store_true", help="eine vorhandene Datei ersetzen (nie die Datenbank)"
    )


def cmd_export(args: argparse.Namespace) -> int:
    """``export``: the current state, or the state at the end of a day, as TOML, JSON or CSV."""
    from herne_tui.reports.export import export_text

    if args.as_of is not None:
        from herne_tui.reports.export import export_text_as_of
        from herne_tui.services.history import parse_day

        day = parse_day(args.as_of, "--as-of")
        write_output(export_text_as_of(open_db(args), day, args.format), args.output, args)
        return 0
    write_output(export_text(open_db(args), args.format), args.output, args)
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
    for option in ("since", "year", "at"):
        if getattr(args, option) is not None and option not in REPORT_OPTIONS[kind]:
            raise InvalidInput(f"--{option}: gilt nicht für den Bericht {kind}")
    since = parse_day(args.since, "--since") if args.since is not None else None
    at = parse_day(args.at, "--at") if args.at is not None else None
    year = number(args.year, "--year", MIN_YEAR, MAX_YEAR) if args.year is not None else None
    weeks = number(args.stale_weeks, "--stale-weeks", 1, 520)
    text = build.build_report(
        open_db(args), kind, fmt, since=since, year=year, at=at, stale_weeks=weeks
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


COMMANDS = {
    "export": Command(add_export, cmd_export),
    "report": Command(add_report, cmd_report),
}
