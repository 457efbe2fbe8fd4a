"""RIS sync benchmark: a generated OParl body served on 127.0.0.1, synced twice.

    python bench/ris_sync.py [--papers 10000] [--meetings 1000] [--version 1.1]

Builds a body with N papers (each with one consultation) and M meetings (five agenda items
each) in our own test server (``tests/oparl_server.py``, 100 objects a page), syncs a fresh
seeded SQLite database from it without a rate limit, and prints objects per second and the
requests made; then a second sync with nothing changed (it should cost one request for the
body and one per list). Numbers are printed, not asserted: this is not a test.
"""

from __future__ import annotations

import argparse
import logging
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from oparl_server import FakeRis  # noqa: E402
from pytest_httpserver import HTTPServer  # noqa: E402

from herne_tui.db.schema import open_database  # noqa: E402
from herne_tui.ris.client import Politeness  # noqa: E402
from herne_tui.ris.sync import sync  # noqa: E402
from herne_tui.seeding.apply import seed_database  # noqa: E402
from herne_tui.seeding.load import load_seed  # noqa: E402

TOPICS = ("Radweg", "Schulhof", "Kita", "Bebauungsplan", "Haushalt", "Sporthalle", "Klimaschutz")


def generate(ris: FakeRis, papers: int, meetings: int) -> None:
    """A council with ten committees, fifty people and the given papers and meetings."""
    orgs = [ris.add("organization", str(n), name=f"Ausschuss {n}")["id"] for n in range(1, 11)]
    for n in range(1, 51):
        ris.add(
            "person",
            str(n),
            name=f"Person {n}",
            membership=[
                {"id": ris.url(f"membership/{n}"), "organization": orgs[n % 10], "role": "Mitglied"}
            ],
        )
    for n in range(1, papers + 1):
        topic = TOPICS[n % len(TOPICS)]
        ris.add(
            "paper",
            str(n),
            reference=f"{2020 + n // 2000}/{n:04d}",
            name=f"{topic}: Vorlage Nummer {n}",
            paperType="Beschlussvorlage",
            date=f"2026-{1 + n % 12:02d}-{1 + n % 28:02d}",
        )
    for n in range(1, meetings + 1):
        ris.add(
            "meeting",
            str(n),
            name=f"Sitzung {n}",
            organization=[orgs[n % 10]],
            start=f"2026-{1 + n % 12:02d}-{1 + n % 28:02d}T17:00:00+01:00",
            agendaItem=[],
        )
    item = 0
    for n in range(1, meetings + 1):
        for k in range(1, 6):
            item += 1
            paper = (item - 1) % papers + 1
            ris.agenda(
                str(item),
                str(n),
                str(k),
                f"Tagesordnungspunkt {k}",
                str(paper),
                "beschließend",
                k == 5,
                "beschlossen" if k == 5 else "",
            )
    for n in range(item + 1, papers + 1):  # the other papers get a consultation without item
        ris.paper(str(n))["consultation"] = [
            {
                "id": ris.url(f"consultation/{n}"),
                "type": ris.type("Consultation"),
                "paper": ris.url(f"paper/{n}"),
                "role": "Kenntnisnahme",
            }
        ]


def main() -> None:
    """Run the benchmark and print its numbers."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--papers", type=int, default=10_000)
    parser.add_argument("--meetings", type=int, default=1_000)
    parser.add_argument("--version", choices=("1.0", "1.1"), default="1.1")
    args = parser.parse_args()
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    server = HTTPServer(host="127.0.0.1", port=0)
    server.start()
    try:
        ris = FakeRis(server.url_for(""), args.version, page_size=100)
        generate(ris, args.papers, args.meetings)
        ris.serve(server)
        with tempfile.TemporaryDirectory() as folder:
            db = open_database(str(Path(folder) / "bench.db"))
            seed_database(db, load_seed())
            polite = Politeness(rate=0)
            start = time.perf_counter()
            first = sync(db, ris.url("system"), politeness=polite)
            took = time.perf_counter() - start
            print(f"OParl {args.version}: {args.papers} Vorlagen, {args.meetings} Sitzungen")
            print(
                f"erster Abgleich:  {first.objects} Objekte in {took:.2f} s "
                f"= {first.objects / took:,.0f} Objekte/s, {first.requests} Anfragen"
            )
            start = time.perf_counter()
            second = sync(db, politeness=polite)
            took = time.perf_counter() - start
            print(
                f"zweiter Abgleich (nichts geändert): {took:.2f} s, {second.requests} Anfragen "
                f"(1 Body + {len(ris.body()) - 7} Listen), {second.added + second.updated} "
                "Objekte geändert"
            )
            db.dispose()
    finally:
        server.stop()


if __name__ == "__main__":
    main()
