"""``ris sync``: read the body's data (all of it, or what changed), then apply it at once."""

from __future__ import annotations

import os

from herne_tui.db.store import Database
from herne_tui.errors import InvalidInput
from herne_tui.ris import links
from herne_tui.ris.client import Client, Politeness, Problems
from herne_tui.ris.fetch import Fetcher, Progress
from herne_tui.ris.mirror import SyncResult, apply_snapshot, known_urls, stored_source
from herne_tui.services import access

ENV_URL = "HERNE_TUI_RIS_URL"
"""The OParl System or Body URL when ``ris sync`` is given none."""


def source_url(db: Database, given: str | None) -> str:
    """The URL to sync: the one given, else ``HERNE_TUI_RIS_URL``, else the stored one."""
    url = (given or os.environ.get(ENV_URL, "") or "").strip()
    if not url:
        stored = stored_source(db)
        url = stored.url if stored else ""
    if not url:
        raise InvalidInput(
            "keine RIS-Adresse: herne-tui ris sync URL (OParl-System oder -Body) angeben "
            f"oder {ENV_URL} setzen"
        )
    if not url.startswith(("http://", "https://")):
        raise InvalidInput(f"RIS-Adresse „{url}“: eine http- oder https-URL angeben")
    return url


def sync(
    db: Database,
    url: str | None = None,
    *,
    full: bool = False,
    politeness: Politeness | None = None,
    progress: Progress | None = None,
    user: str = "",
) -> SyncResult:
    """Mirror the body behind ``url`` (or the stored one): everything on the first sync or
    with ``full``, else only what changed since the last complete sync. Nothing is written
    unless everything was read."""
    target = source_url(db, url)
    check_user(db, user)
    stored = stored_source(db)
    full = full or stored is None or stored.url != target
    client = Client(Problems(), politeness)
    try:
        fetcher = Fetcher(client, known=set() if full else known_urls(db), progress=progress)
        snapshot = fetcher.run(target, stored=stored, started=db.now(), full=full)
    finally:
        client.close()
    return apply_snapshot(db, snapshot, user=user, suggest=links.suggest_for)


def check_user(db: Database, user: str) -> None:
    """Refuse before any request when ``user`` may not change the mirror (issue 14's roles)."""
    db.read(lambda session: access.authorize(session, user, "ris"))
