"""A small OParl server for tests and the benchmark (importable as ``oparl_server``).

The data is our own (a made-up council with committees, meetings and papers), in the shape
OParl 1.0 or 1.1 prescribes: ``FakeRis`` builds it, answers pytest-httpserver's requests
with a handler (paging, ``modified_since``, soft-deleted objects) and can be told to misbehave
the ways real servers do. Every request is logged in ``requests`` (path and query).
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from datetime import datetime
from urllib.parse import urlencode

from werkzeug import Request, Response

OLD = "2026-01-05T10:00:00+01:00"


class FakeRis:
    """An OParl System with one Body; ``version`` is ``"1.0"`` or ``"1.1"``."""

    def __init__(self, base: str, version: str = "1.1", page_size: int = 2) -> None:
        self.base = base.rstrip("/")
        self.version = version
        self.page_size = page_size
        self.requests: list[tuple[str, dict]] = []
        self.objects: dict[str, dict[str, dict]] = {k: {} for k in KINDS}
        self.fail: dict[str, int] = {}  # path -> how many 500s before it answers
        self.override: dict[str, Callable[[Request], Response]] = {}
        self.raw_body: dict[str, str] = {}  # path -> exact body text to send
        self.body_lists_lack: set[str] = set()  # URLs the body-level lists leave out
        self.agents: set[str] = set()

    # -- building data ----------------------------------------------------------------------
    def url(self, path: str) -> str:
        return f"{self.base}/oparl/{path}"

    def type(self, name: str) -> str:
        return f"https://schema.oparl.org/{self.version}/{name}"

    def add(self, kind: str, key: str, modified: str = OLD, **fields) -> dict:
        obj = {
            "id": self.url(f"{kind.lower()}/{key}"),
            "type": self.type(kind[0].upper() + kind[1:]),
            "created": OLD,
            "modified": modified,
            **fields,
        }
        self.objects[kind][obj["id"]] = obj
        return obj

    def delete(self, kind: str, key: str, modified: str) -> None:
        url = self.url(f"{kind.lower()}/{key}")
        old = self.objects[kind][url]
        self.objects[kind][url] = {
            "id": url,
            "type": old["type"],
            "created": old["created"],
            "modified": modified,
            "deleted": True,
        }

    def standard(self) -> FakeRis:
        """A council, two committees, two people, three meetings, four papers."""
        rat = self.add("organization", "1", name="Rat der Stadt", organizationType="Gremium")
        umw = self.add(
            "organization", "2", name="Ausschuss für Umwelt und Klimaschutz", shortName="UKA"
        )
        sch = self.add("organization", "3", name="Schulausschuss", shortName="SchA")
        self.add(
            "person",
            "1",
            name="Erika Beispiel",
            membership=[
                {"id": self.url("membership/1"), "organization": rat["id"], "role": "Mitglied"}
            ],
        )
        self.add("person", "2", name="Max Muster", membership=[])
        papers = {
            "1": ("2026/0901", "Fortschreibung des Klimaschutzkonzepts", "Beschlussvorlage"),
            "2": (
                "2026/0902",
                "Mensen an Schulen: stadtweites Konzept für das Schulessen",
                "Antrag",
            ),
            "3": ("2026/0903", "Bericht über die Haushaltslage", "Mitteilungsvorlage"),
            "4": ("2026/0904", "Schulhöfe entsiegeln und öffnen", "Antrag"),
        }
        for key, (ref, name, kind) in papers.items():
            self.add("paper", key, reference=ref, name=name, paperType=kind, date="2026-10-01")
        meetings = [
            (
                "1",
                "Sitzung des Ausschusses für Umwelt und Klimaschutz",
                umw,
                "2026-11-20T17:00:00+01:00",
            ),
            ("2", "Sitzung des Rates", rat, "2026-12-10T16:00:00+01:00"),
            ("3", "Sitzung des Schulausschusses", sch, "2026-11-25T15:00:00+01:00"),
        ]
        for key, name, org, start in meetings:
            self.add(
                "meeting", key, name=name, start=start, organization=[org["id"]], agendaItem=[]
            )
        self.agenda(
            "1",
            "1",
            "1",
            "Fortschreibung des Klimaschutzkonzepts",
            "1",
            "vorberatend",
            False,
            "empfohlen",
        )
        self.agenda(
            "2",
            "2",
            "5",
            "Fortschreibung des Klimaschutzkonzepts",
            "1",
            "beschließend",
            True,
            "unverändert beschlossen",
        )
        self.agenda("3", "3", "2", "Mensenkonzept", "2", "beschließend", True, "")
        self.agenda("4", "3", "3", "Schulhöfe", "4", "vorberatend", False, "")
        self.meeting("1")["agendaItem"].insert(
            0, {"id": self.url("agendaitem/10"), "number": "0", "order": 0, "name": "Eröffnung"}
        )
        self.paper("1")["mainFile"] = {
            "id": self.url("file/1"),
            "name": "Vorlage",
            "fileName": "vorlage.pdf",
            "mimeType": "application/pdf",
            "accessUrl": self.url("file/1/download"),
        }
        return self

    def meeting(self, key: str) -> dict:
        return self.objects["meeting"][self.url(f"meeting/{key}")]

    def paper(self, key: str) -> dict:
        return self.objects["paper"][self.url(f"paper/{key}")]

    def agenda(self, key, meeting, number, name, paper, role, authoritative, result) -> None:
        """An agenda item of a meeting with its consultation of a paper (both embedded)."""
        item = self.url(f"agendaitem/{key}")
        cons = self.url(f"consultation/{key}")
        m = self.meeting(meeting)
        entry = {
            "id": item,
            "number": number,
            "order": int(number),
            "name": name,
            "consultation": cons,
        }
        if result:
            entry["result"] = result
        c = {
            "id": cons,
            "meeting": m["id"],
            "agendaItem": item,
            "organization": m["organization"],
            "role": role,
            "authoritative": authoritative,
        }
        if self.version == "1.1":
            entry = {**entry, "type": self.type("AgendaItem"), "meeting": m["id"]}
            c = {**c, "type": self.type("Consultation"), "paper": self.url(f"paper/{paper}")}
        m["agendaItem"].append(entry)
        self.paper(paper).setdefault("consultation", []).append(c)

    # -- answering --------------------------------------------------------------------------
    def system(self) -> dict:
        return {
            "id": self.url("system"),
            "type": self.type("System"),
            "oparlVersion": f"https://schema.oparl.org/{self.version}/",
            "name": "Test-RIS",
            "body": self.url("bodies"),
        }

    def body(self) -> dict:
        lists = ["organization", "person", "meeting", "paper"]
        if self.version == "1.1":
            lists += ["membership", "agendaItem", "consultation", "file"]
        body = {
            "id": self.url("body/1"),
            "type": self.type("Body"),
            "system": self.url("system"),
            "name": "Beispielstadt",
            "shortName": "Beispielstadt",
            "created": OLD,
            "modified": OLD,
        }
        for kind in lists:
            body[kind] = self.url(f"body/1/{kind.lower()}")
        return body

    def embedded(self, kind: str) -> list[dict]:
        """1.1's body-level lists of objects that live embedded in their parents."""
        parent, key = {
            "agendaItem": ("meeting", "agendaItem"),
            "consultation": ("paper", "consultation"),
            "membership": ("person", "membership"),
        }.get(kind, ("", ""))
        out = []
        if kind == "file":
            for p in self.objects["paper"].values():
                if "mainFile" in p:
                    out.append(
                        {**p["mainFile"], "type": self.type("File"), "modified": p["modified"]}
                    )
            return out
        for obj in self.objects[parent].values():
            for child in obj.get(key, []):
                out.append(
                    {
                        "type": self.type(kind[0].upper() + kind[1:]),
                        "modified": obj["modified"],
                        **child,
                    }
                )
        return out

    def listed(self, kind: str, since: str | None) -> list[dict]:
        items = (
            list(self.objects[kind].values())
            if kind in ("organization", "person", "meeting", "paper")
            else self.embedded(kind)
        )
        items = [i for i in items if i["id"] not in self.body_lists_lack]
        if since is None:
            return [i for i in items if not i.get("deleted")]
        cut = datetime.fromisoformat(since)
        return [i for i in items if datetime.fromisoformat(i["modified"]) >= cut]

    def page(self, request: Request, kind: str) -> dict:
        since = request.args.get("modified_since")
        items = self.listed(kind, since)
        number = int(request.args.get("page", "1"))
        size = self.page_size
        chunk = items[(number - 1) * size : number * size]
        links = {}
        if number * size < len(items):
            args = {k: v for k, v in request.args.items() if k != "page"}
            links["next"] = f"{self.base}{request.path}?{urlencode({**args, 'page': number + 1})}"
        pages = max(1, -(-len(items) // size))
        return {
            "data": chunk,
            "pagination": {"totalPages": pages, "currentPage": number},
            "links": links,
        }

    def handle(self, request: Request) -> Response:
        self.requests.append((request.path, dict(request.args)))
        self.agents.add(request.headers.get("User-Agent", ""))
        path = request.path
        if self.fail.get(path, 0) > 0:
            self.fail[path] -= 1
            return Response("Internal Server Error", status=500)
        if path in self.override:
            return self.override[path](request)
        if path in self.raw_body:
            return Response(self.raw_body[path], content_type="application/json")
        value = self.answer(request)
        if value is None:
            return Response(
                json.dumps({"error": "not found"}), status=404, content_type="application/json"
            )
        return Response(json.dumps(value, ensure_ascii=False), content_type="application/json")

    def answer(self, request: Request):
        path = request.path.removeprefix("/oparl/")
        if path == "system":
            return self.system()
        if path == "bodies":
            return {"data": [self.body()], "pagination": {}, "links": {}}
        if path == "body/1":
            return self.body()
        if path.startswith("body/1/"):
            name = path.removeprefix("body/1/")
            kind = {k.lower(): k for k in KINDS}.get(name)
            return self.page(request, kind) if kind else None
        for objects in self.objects.values():
            if self.url(path) in objects:
                return copy.deepcopy(objects[self.url(path)])
        return None

    def serve(self, httpserver) -> FakeRis:
        import re

        httpserver.expect_request(re.compile(".*")).respond_with_handler(self.handle)
        return self

    def asked(self, fragment: str) -> list[dict]:
        """The query arguments of every request whose path contains ``fragment``."""
        return [args for path, args in self.requests if fragment in path]


KINDS = (
    "organization",
    "person",
    "membership",
    "meeting",
    "agendaItem",
    "paper",
    "consultation",
    "file",
)


def main() -> None:
    """Serve the standard made-up council on 127.0.0.1 until interrupted (the README's
    walk-through): ``python tests/oparl_server.py [--port 8765] [--version 1.1]``."""
    import argparse
    import logging
    import time

    from pytest_httpserver import HTTPServer

    parser = argparse.ArgumentParser(description="OParl-Testserver mit einem erfundenen Rat")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--version", choices=("1.0", "1.1"), default="1.1")
    args = parser.parse_args()
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    server = HTTPServer(host="127.0.0.1", port=args.port)
    server.start()
    ris = FakeRis(server.url_for(""), args.version).standard().serve(server)
    print(f"OParl {args.version}: {ris.url('system')} (Strg+C beendet)", flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        server.stop()


if __name__ == "__main__":
    main()
