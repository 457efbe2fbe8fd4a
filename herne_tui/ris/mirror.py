"""Applying a sync's snapshot to the mirror: all of it in one write transaction, or nothing.

A full sync replaces the mirror: what the server no longer lists is removed. A later sync
applies changed objects, deleted ones (``deleted: true``) and embedded children that left
their re-read parent. A paper that disappears but has links stays as ``deleted`` with its last
reference and name, and its links are marked ``deleted_upstream`` ("im RIS gelöscht").
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, insert, select, update
from sqlalchemy.orm import Session

from herne_tui.db.models import (
    Base,
    RisAgendaItemRow,
    RisConsultationRow,
    RisFileRow,
    RisLinkRow,
    RisMeetingRow,
    RisMembershipRow,
    RisOrganizationRow,
    RisPaperRow,
    RisPersonRow,
    RisSourceRow,
)
from herne_tui.db.store import Database
from herne_tui.ris.fetch import Snapshot, Stored
from herne_tui.services import access

MODELS: dict[str, type[Base]] = {
    "organization": RisOrganizationRow,
    "person": RisPersonRow,
    "membership": RisMembershipRow,
    "meeting": RisMeetingRow,
    "agendaItem": RisAgendaItemRow,
    "paper": RisPaperRow,
    "consultation": RisConsultationRow,
    "file": RisFileRow,
}

BACKREF = {
    "membership": "person_url",
    "agendaItem": "meeting_url",
    "consultation": "paper_url",
    "file": "parent_url",
}
"""The column naming the parent an embedded child was split out of."""

CHUNK = 500


@dataclass(frozen=True)
class SyncResult:
    """What a sync changed, for the user's summary."""

    full: bool
    version: str
    body_name: str
    added: int
    updated: int
    removed: int
    kept_deleted: int
    requests: int
    objects: int
    new_papers: tuple[str, ...]
    problems: tuple[str, ...]


def stored_source(db: Database) -> Stored | None:
    """What the mirror remembers of the last sync, or None before the first."""

    def run(session: Session) -> Stored | None:
        row = session.get(RisSourceRow, 1)
        return Stored(row.url, row.body_url, row.last_sync) if row else None

    return db.read(run)


def known_urls(db: Database) -> set[str]:
    """Every URL in the mirror (a reference to one of them needs no fetch)."""

    def run(session: Session) -> set[str]:
        out: set[str] = set()
        for model in MODELS.values():
            out.update(session.scalars(select(model.url)).all())  # type: ignore[attr-defined]
        return out

    return db.read(run)


def _chunks(items: Iterable[str]) -> Iterable[list[str]]:
    items = list(items)
    for i in range(0, len(items), CHUNK):
        yield items[i : i + CHUNK]


def _orphans(session: Session, snap: Snapshot, kind: str) -> set[str]:
    """Children that left a re-read parent's embedded list (and were listed nowhere else)."""
    if kind not in BACKREF:
        return set()
    column = getattr(MODELS[kind], BACKREF[kind])
    out: set[str] = set()
    for (child_kind, parent), ids in snap.children.items():
        if child_kind != kind:
            continue
        found = session.scalars(select(MODELS[kind].url).where(column == parent)).all()  # type: ignore[attr-defined]
        out.update(u for u in found if u not in ids and u not in snap.rows[kind])
    return out


def _keep_linked(session: Session, gone: set[str]) -> set[str]:
    """Of the papers to remove, those with links: marked deleted, their links too."""
    linked: set[str] = set()
    for part in _chunks(gone):
        linked.update(
            session.scalars(
                select(RisLinkRow.paper_url).where(
                    RisLinkRow.paper_url.in_(part), RisLinkRow.state == "linked"
                )
            ).all()
        )
    for part in _chunks(linked):
        session.execute(update(RisPaperRow).where(RisPaperRow.url.in_(part)).values(deleted=True))
        session.execute(
            update(RisLinkRow).where(RisLinkRow.paper_url.in_(part)).values(deleted_upstream=True)
        )
    for part in _chunks(gone - linked):  # suggestions for a paper that is gone are void
        session.execute(delete(RisLinkRow).where(RisLinkRow.paper_url.in_(part)))
    return linked


def _with_parents_of(session: Session, kind: str, gone_parents: set[str]) -> set[str]:
    """Children (by back-reference) of parents this sync removes."""
    if kind not in BACKREF or not gone_parents:
        return set()
    model = MODELS[kind]
    column = getattr(model, BACKREF[kind])
    out: set[str] = set()
    for part in _chunks(gone_parents):
        out.update(session.scalars(select(model.url).where(column.in_(part))).all())  # type: ignore[attr-defined]
    return out


def _keep_backrefs(session: Session, kind: str, changed: list[dict]) -> None:
    """A re-read child without its back-reference keeps the parent it had."""
    if kind not in BACKREF:
        return
    column = BACKREF[kind]
    empty = [r["url"] for r in changed if not r.get(column)]
    if not empty:
        return
    model = MODELS[kind]
    known: dict[str, str] = {}
    for part in _chunks(empty):
        q = select(model.url, getattr(model, column)).where(model.url.in_(part))  # type: ignore[attr-defined]
        known.update(dict(session.execute(q).all()))
    for r in changed:
        if not r.get(column) and known.get(r["url"]):
            r[column] = known[r["url"]]


def _apply_kind(
    session: Session, snap: Snapshot, kind: str, gone_parents: set[str]
) -> tuple[int, int, set[str], set[str]]:
    """Apply one kind; returns (added, updated, removed URLs, new URLs)."""
    model = MODELS[kind]
    url_col = model.url  # type: ignore[attr-defined]
    rows = snap.rows.get(kind, {})
    existing = set(session.scalars(select(url_col)).all())
    if snap.full:
        gone = existing - rows.keys()
    else:
        gone = snap.deleted.get(kind, set()) | _orphans(session, snap, kind)
        gone = (gone | _with_parents_of(session, kind, gone_parents)) & existing
        gone -= rows.keys()
    kept: set[str] = set()
    if kind == "paper" and gone:
        kept = _keep_linked(session, gone)
        already = set(session.scalars(select(RisPaperRow.url).where(RisPaperRow.deleted)).all())
        kept |= already & gone
    for part in _chunks(gone - kept):
        session.execute(delete(model).where(url_col.in_(part)))
    new = [r for u, r in rows.items() if u not in existing]
    changed = [r for u, r in rows.items() if u in existing]
    _keep_backrefs(session, kind, changed)
    if new:
        session.execute(insert(model), new)
    if changed:
        session.execute(update(model), changed)
    return len(new), len(changed), gone - kept, {u for u in rows if u not in existing}


def _refresh_links(session: Session, snap: Snapshot) -> None:
    """Links to papers this sync read carry their current reference and name again."""
    papers = snap.rows.get("paper", {})
    if not papers:
        return
    for link in session.scalars(select(RisLinkRow).where(RisLinkRow.paper_url.in_(papers))):
        row = papers.get(link.paper_url)
        if row is None:
            continue
        link.reference, link.name, link.deleted_upstream = row["reference"], row["name"], False
        session.add(link)


def _save_source(session: Session, snap: Snapshot, finished: datetime) -> None:
    row = session.get(RisSourceRow, 1) or RisSourceRow(id=1, url=snap.source_url)
    row.url = snap.source_url
    row.system_url = snap.system_url or row.system_url
    row.body_url = snap.body_url
    row.body_name = snap.body_name or row.body_name
    row.oparl_version = snap.version
    row.lists = dict(snap.lists)
    row.last_sync = snap.started
    if snap.full:
        row.last_full_sync = snap.started
    row.last_requests = snap.requests
    row.last_objects = snap.count
    session.add(row)


def apply_snapshot(db: Database, snap: Snapshot, *, user: str = "", suggest=None) -> SyncResult:
    """Write a snapshot into the mirror in one transaction; ``suggest(session, new_papers)``
    adds link suggestions in the same transaction. With a user list, ``user`` must be allowed
    to edit (``services.access``: a user who may only read cannot change the shared mirror)."""

    def run(session: Session) -> SyncResult:
        access.authorize(session, user, "ris")
        added = updated = removed = 0
        new_papers: set[str] = set()
        gone_parents: set[str] = set()
        for kind in MODELS:
            a, u, gone, new = _apply_kind(session, snap, kind, gone_parents)
            added, updated, removed = added + a, updated + u, removed + len(gone)
            gone_parents |= gone
            if kind == "paper":
                new_papers = new
        _refresh_links(session, snap)
        _save_source(session, snap, db.now())
        kept = len(session.scalars(select(RisPaperRow.url).where(RisPaperRow.deleted)).all())
        if suggest is not None and new_papers:
            suggest(session, sorted(new_papers))
        return SyncResult(
            full=snap.full,
            version=snap.version,
            body_name=snap.body_name,
            added=added,
            updated=updated,
            removed=removed,
            kept_deleted=kept,
            requests=snap.requests,
            objects=snap.count,
            new_papers=tuple(sorted(new_papers)),
            problems=tuple(snap.problems.lines()),
        )

    return db.write(run)
