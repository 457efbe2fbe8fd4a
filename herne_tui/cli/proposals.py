"""``proposals``: status changes waiting for another partner's confirmation (issue 14), listed,
confirmed or rejected from the command line, through the same services as the app's weekly
review (``j``/``n``), so the same roles and the same history apply."""

from __future__ import annotations

import argparse
import json
from typing import TYPE_CHECKING

from herne_tui.cli.common import EPILOG, Command, add_common, open_db, user_name
from herne_tui.domain.objects import Proposal, format_datetime
from herne_tui.domain.text import for_serialized, for_terminal

if TYPE_CHECKING:
    from herne_tui.cli.common import Subparsers


def proposal_id(text: str) -> int:
    """A proposal's number as typed (``3``); a German line for anything else."""
    try:
        value = int(text.strip().lstrip("#"))
    except ValueError:
        value = 0
    if value < 1:
        shown = for_terminal(text, one_line=True)
        raise argparse.ArgumentTypeError(
            f"„{shown}“ ist keine Vorschlagsnummer (eine Zahl wie 3: herne-tui proposals list)"
        )
    return value


def add_proposals(sub: Subparsers) -> None:
    """The ``proposals`` parser and its sub-commands."""
    p = sub.add_parser(
        "proposals",
        help="Statusänderungen, die auf die Bestätigung einer anderen Partei warten",
        epilog=EPILOG,
    )
    own = p.add_subparsers(dest="proposals_command", metavar="BEFEHL", required=True)
    ls = own.add_parser("list", help="wartende Vorschläge auflisten (älteste zuerst)")
    add_common(ls, user=True)
    ls.add_argument("--format", choices=("table", "json"), default="table")
    ls.add_argument(
        "--json", action="store_const", const="json", dest="format", help="wie --format json"
    )
    for name, text in (
        ("confirm", "einen Vorschlag bestätigen: der Status gilt dann (mit Ihnen als Autor)"),
        ("reject", "einen Vorschlag zurückweisen: der Status bleibt, wie er war"),
    ):
        q = own.add_parser(name, help=text)
        add_common(q, user=True)
        q.add_argument(
            "id", metavar="ID", type=proposal_id, help="Nummer des Vorschlags (proposals list)"
        )


def _json(p: Proposal) -> dict:
    return {
        "id": p.id,
        "measure": p.measure_id,
        "old": p.old,
        "new": p.new,
        "old_label": p.old_label,
        "new_label": p.new_label,
        "proposed_by": p.proposed_by,
        "party": p.party,
        "proposed_at": p.proposed_at.isoformat(),
        "source": p.source,
        "confirm_by": list(p.confirm_by),
    }


def _line(p: Proposal) -> str:
    source = f", aus {p.source}" if p.source else ""
    return for_terminal(
        f"{p.id:>4}  {p.measure_id:<8} {p.change}  ({p.proposed_by}, {p.party or '—'}, "
        f"{format_datetime(p.proposed_at)}{source}) – Bestätigung: {'/'.join(p.confirm_by)}",
        one_line=True,
    )


def cmd_proposals(args: argparse.Namespace) -> int:
    """``proposals list|confirm|reject``."""
    from herne_tui.services import confirm

    listing = args.proposals_command == "list"
    db = open_db(args, read_only=listing or args.read_only)
    if listing:
        found = confirm.waiting(db)
        if args.format == "json":
            print(
                for_serialized(json.dumps([_json(p) for p in found], ensure_ascii=False, indent=2))
            )
        elif not found:
            print("Kein Vorschlag wartet auf Bestätigung")
        for p in found if args.format == "table" else ():
            print(_line(p))
        return 0
    decide = confirm.confirm if args.proposals_command == "confirm" else confirm.reject
    p = decide(db, user=user_name(args), proposal_id=args.id)
    if args.proposals_command == "confirm":
        print(for_terminal(f"Vorschlag {p.id} bestätigt: {p.measure_id} {p.change}", one_line=True))
    else:
        kept = p.old_label or p.old
        print(
            for_terminal(
                f"Vorschlag {p.id} zurückgewiesen: {p.measure_id} bleibt „{kept}“", one_line=True
            )
        )
    return 0


COMMANDS = {"proposals": Command(add_proposals, cmd_proposals)}
