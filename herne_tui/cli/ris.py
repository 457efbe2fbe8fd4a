"""``ris``: the council information system through OParl (sync, meetings, papers, links).

``herne-tui ris sync [URL]`` mirrors one body (the URL is stored; ``HERNE_TUI_RIS_URL`` too);
the other sub-commands read the mirror or link measures and motions to its papers.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import TYPE_CHECKING, Any

from herne_tui.cli.common import EPILOG, Command, add_common, open_db, user_name
from herne_tui.domain.objects import format_date, format_datetime
from herne_tui.domain.text import for_serialized

if TYPE_CHECKING:
    from herne_tui.cli.common import Subparsers
    from herne_tui.domain import ris as r
    from herne_tui.ris.mirror import SyncResult

FORMATS = ("table", "json")
SHOWN_PROBLEMS = 20
"""Problem lines ``ris sync`` prints; the rest are counted."""


def add_ris(sub: Subparsers) -> None:
    """The ``ris`` parser and its sub-commands."""
    p = sub.add_parser(
        "ris",
        help="Ratsinformationssystem (OParl): abgleichen, Sitzungen, Vorlagen, Verknüpfungen",
        epilog=EPILOG,
    )
    own = p.add_subparsers(dest="ris_command", metavar="BEFEHL", required=True)
    s = own.add_parser("sync", help="RIS-Spiegel abgleichen (erst alles, dann Änderungen)")
    add_common(s, user=True)
    s.add_argument("url", nargs="?", metavar="URL", help="OParl-System- oder -Body-URL")
    s.add_argument("--full", action="store_true", help="alles neu lesen statt nur Änderungen")
    s.add_argument(
        "--rate", metavar="N", default="5", help="höchstens N Anfragen pro Sekunde (Standard 5)"
    )
    m = own.add_parser("meetings", help="Sitzungen mit Tagesordnung")
    add_common(m)
    m.add_argument("--from", dest="since", metavar="DATUM", help="ab diesem Tag")
    m.add_argument("--to", dest="until", metavar="DATUM", help="bis zu diesem Tag")
    m.add_argument("--committee", metavar="TEXT", default="", help="Gremium (Teil des Namens)")
    m.add_argument("--format", choices=FORMATS, default="table")
    pp = own.add_parser("papers", help="Vorlagen mit Beratungsfolge")
    add_common(pp)
    pp.add_argument("--search", metavar="WÖRTER", default="", help="Nummer oder Wörter im Titel")
    pp.add_argument("--format", choices=FORMATS, default="table")
    for name, text in (
        ("link", "Maßnahme oder Papier (paper:NR) mit einer Vorlage verknüpfen"),
        ("unlink", "Verknüpfung lösen"),
        ("reject", "Verknüpfungsvorschlag ablehnen"),
    ):
        q = own.add_parser(name, help=text)
        add_common(q, user=True)
        q.add_argument("measure", metavar="MASSNAHME", help="Maßnahme (z. B. ARB-01) oder paper:NR")
        q.add_argument("reference", metavar="VORLAGE", help="Vorlagennummer (z. B. 2026/0901)")
    g = own.add_parser("suggestions", help="Verknüpfungsvorschläge und Statusvorschläge")
    add_common(g)
    g.add_argument("--format", choices=FORMATS, default="table")


def _dump(value: Any) -> None:
    print(for_serialized(json.dumps(value, ensure_ascii=False, indent=2)))


def _progress():
    """A rich progress bar on the terminal's stderr, or None when stderr is no terminal."""
    stream = sys.__stderr__
    if stream is None or not stream.isatty():
        return None, None
    from rich.console import Console
    from rich.progress import BarColumn, Progress, TextColumn

    bar = Progress(
        TextColumn("{task.description:<14}"),
        BarColumn(),
        TextColumn(
            "Seite {task.completed:.0f}/{task.fields[pages]}  {task.fields[objects]} Objekte"
        ),
        console=Console(file=stream),
        transient=True,
    )
    tasks: dict[str, Any] = {}

    def report(kind: str, pages: int, total: int | None, objects: int) -> None:
        if kind not in tasks:
            tasks[kind] = bar.add_task(kind, total=total, pages="?", objects=0)
        bar.update(
            tasks[kind],
            completed=pages,
            total=total or pages + 1,
            pages=total or "?",
            objects=objects,
        )

    return bar, report


def _summary(result: SyncResult) -> None:
    how = "vollständig" if result.full else "Änderungen"
    print(
        f"RIS abgeglichen ({how}, OParl {result.version}, {result.body_name or 'Körperschaft'}): "
        f"{result.added} neu, {result.updated} aktualisiert, {result.removed} entfernt; "
        f"{result.requests} Anfragen",
        file=sys.stderr,
    )
    if result.kept_deleted:
        print(
            f"{result.kept_deleted} verknüpfte Vorlagen sind im RIS gelöscht (Verknüpfung bleibt)",
            file=sys.stderr,
        )
    for line in result.problems[:SHOWN_PROBLEMS]:
        print(f"Hinweis: {line}", file=sys.stderr)
    if len(result.problems) > SHOWN_PROBLEMS:
        print(f"… und {len(result.problems) - SHOWN_PROBLEMS} weitere Hinweise", file=sys.stderr)


def cmd_sync(args: argparse.Namespace) -> int:
    """``ris sync``: mirror the body (first all, then what changed)."""
    from herne_tui.cli.common import number
    from herne_tui.ris.client import Politeness
    from herne_tui.ris.sync import sync

    rate = number(args.rate, "--rate", 1, 1000)
    db = open_db(args)
    bar, report = _progress()
    polite, user = Politeness(rate=rate), user_name(args)
    if bar is None:
        result = sync(db, args.url, full=args.full, politeness=polite, user=user)
    else:
        with bar:
            result = sync(
                db, args.url, full=args.full, politeness=polite, progress=report, user=user
            )
    _summary(result)
    return 0


def _iso(value) -> str | None:
    from herne_tui.ris.shapes import LOCAL

    return value.astimezone(LOCAL).isoformat() if value else None


def meeting_json(m: r.Meeting) -> dict:
    """One meeting as ``ris meetings --format json`` prints it."""
    return {
        "id": m.url,
        "name": m.name,
        "start": _iso(m.start),
        "organization": list(m.organizations),
        "cancelled": m.cancelled,
        "agenda": [
            {
                "number": a.number,
                "name": a.name,
                "paper": a.paper_reference or None,
                "result": a.result or None,
            }
            for a in m.agenda
        ],
    }


def paper_json(p: r.Paper) -> dict:
    """One paper as ``ris papers --format json`` prints it."""
    return {
        "id": p.url,
        "reference": p.reference,
        "name": p.name,
        "date": p.date.isoformat() if p.date else None,
        "paperType": p.paper_type,
        "consultations": [
            {
                "meeting": c.meeting or None,
                "organization": list(c.organizations),
                "role": c.role,
                "authoritative": c.authoritative,
            }
            for c in p.consultations
        ],
        "measures": list(p.measures),
        "motions": list(p.motions),
        "deleted": p.deleted,
    }


def cmd_meetings(args: argparse.Namespace) -> int:
    """``ris meetings``: mirrored meetings with their agenda."""
    from herne_tui.ris import queries
    from herne_tui.services.history import parse_day

    since = parse_day(args.since, "--from") if args.since else None
    until = parse_day(args.until, "--to") if args.until else None
    rows = queries.meetings(open_db(args), since=since, until=until, committee=args.committee)
    if args.format == "json":
        _dump([meeting_json(m) for m in rows])
        return 0
    if not rows:
        print("keine Sitzungen im RIS-Spiegel (erst herne-tui ris sync)")
    for m in rows:
        when = format_datetime(m.start.astimezone()) if m.start else "ohne Datum"
        gone = " (abgesagt)" if m.cancelled else ""
        print(f"{when}  {m.name}{gone} – {', '.join(m.organizations) or '—'}")
        for a in m.agenda:
            paper = f" [{a.paper_reference}]" if a.paper_reference else ""
            result = f" → {a.result}" if a.result else ""
            print(f"    {a.number or '–':>4}  {a.name}{paper}{result}")
    return 0


def cmd_papers(args: argparse.Namespace) -> int:
    """``ris papers``: mirrored papers with their consultations and links."""
    from herne_tui.ris import queries

    rows = queries.papers(open_db(args), search=args.search)
    if args.format == "json":
        _dump([paper_json(p) for p in rows])
        return 0
    if not rows:
        print("keine Vorlagen gefunden")
    for p in rows:
        gone = "  [im RIS gelöscht]" if p.deleted else ""
        linked = f"  ↔ {', '.join(p.measures)}" if p.measures else ""
        print(
            f"{p.reference or '—':<12} {format_date(p.date):<10} {p.paper_type:<20} "
            f"{p.name}{linked}{gone}"
        )
        for c in p.consultations:
            star = " [entscheidet]" if c.authoritative else ""
            when = format_date(c.start.astimezone().date()) if c.start else ""
            result = f" → {c.result}" if c.result else ""
            print(
                f"    {when:<10} {', '.join(c.organizations) or c.meeting}: {c.role}{star}{result}"
            )
    return 0


def cmd_link(args: argparse.Namespace) -> int:
    """``ris link``/``unlink``/``reject``: change a link, recorded in the history."""
    from herne_tui.ris import links

    action = {"link": links.link, "unlink": links.unlink, "reject": links.reject}[args.ris_command]
    print(
        action(open_db(args), subject=args.measure, reference=args.reference, user=user_name(args))
    )
    return 0


def cmd_suggestions(args: argparse.Namespace) -> int:
    """``ris suggestions``: suggested links and proposed status changes."""
    from herne_tui.ris import proposals

    db = open_db(args)
    found, changes = proposals.suggestions(db), proposals.status_proposals(db)
    if args.format == "json":
        _dump(
            {
                "links": [
                    {
                        "measure": s.measure_id,
                        "paper": s.reference,
                        "id": s.paper_url,
                        "name": s.name,
                        "score": s.score,
                    }
                    for s in found
                ],
                "status": [
                    {
                        "measure": c.measure_id,
                        "status": c.status,
                        "proposed": c.proposed,
                        "paper": c.reference,
                        "id": c.paper_url,
                        "decided": c.decided,
                    }
                    for c in changes
                ],
            }
        )
        return 0
    print("Verknüpfungsvorschläge (herne-tui ris link / ris reject):")
    for s in found:
        print(f"  {s.measure_id:<8} ↔ {s.reference:<12} {s.name}  ({round(s.score * 100)} %)")
    if not found:
        print("  keine")
    print("Statusvorschläge aus Beschlüssen (herne-tui set MASSNAHME --status NEU --source URL):")
    for c in changes:
        print(
            f"  {c.measure_id:<8} {c.status} → {c.proposed}: {c.decided} "
            f"[{c.reference}] {c.paper_url}"
        )
    if not changes:
        print("  keine")
    return 0


HANDLERS = {
    "sync": cmd_sync,
    "meetings": cmd_meetings,
    "papers": cmd_papers,
    "link": cmd_link,
    "unlink": cmd_link,
    "reject": cmd_link,
    "suggestions": cmd_suggestions,
}


def cmd_ris(args: argparse.Namespace) -> int:
    """``ris``: dispatch to the sub-command."""
    return HANDLERS[args.ris_command](args)


COMMANDS = {"ris": Command(add_ris, cmd_ris)}
