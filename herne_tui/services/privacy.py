"""Forgetting a person: replace a name everywhere, history included, with a placeholder.

Names of candidates and nominees are personal data. ``forget`` replaces every occurrence of
the name, as an exact, case-sensitive substring (``"Erika Muster"`` also turns
``"Büro Erika Muster"`` into ``"Büro [entfernt]"``; ``"erika muster"`` is left alone), in the
fields that can hold a person's name: post holders, seat nominees, committee chairs and
spokespeople, measures' responsible, note authors and texts, the seed's remembered values of
those fields, and in the history every old and new value, user, source and comment. All of it
happens in one write transaction, together with one history entry (action ``forget``) that
records that a name was removed and how many values changed, never the name itself. Versions
are not bumped: the rows mean the same, only the name is gone.

On SQLite the transaction runs with ``secure_delete`` and the write-ahead log is checkpointed
afterwards, so the old text does not linger in free pages or the WAL. The agreement's own text
(measure texts, rules, metadata such as the signatories) is not changed; occurrences there are
counted and reported. Backups made earlier still contain the name, and a seed that contains
it brings it back when seeded again.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Text, cast, func, or_, select, text
from sqlalchemy.orm import Session

from herne_tui.db import pgrights
from herne_tui.db.models import (
    Base,
    CommitteeRow,
    DissentRow,
    HistoryRow,
    MeasureRow,
    MetaEntry,
    NoteRow,
    PaperRow,
    PostRow,
    RuleRow,
    SeatRow,
)
from herne_tui.db.store import Database
from herne_tui.errors import InvalidInput
from herne_tui.services import access
from herne_tui.services.edits import encode, new_txn, record

PLACEHOLDER = "[entfernt]"
"""What a forgotten name is replaced with."""

MIN_LENGTH = 3
"""Shorter names are refused: they would hit unrelated words."""

# table -> (model, personal text columns, columns holding JSON values)
_PERSONAL: dict[str, tuple[type[Base], tuple[str, ...], tuple[str, ...]]] = {
    "post": (PostRow, ("holder",), ("seed_base",)),
    "seat": (SeatRow, ("nominee",), ("seed_base",)),
    "committee": (CommitteeRow, ("chair",), ("spokespeople", "seed_base")),
    "measure": (MeasureRow, ("responsible",), ("seed_base",)),
    "note": (NoteRow, ("author", "text"), ()),
    "paper": (PaperRow, ("created_by", "proposer", "title"), ()),
    "dissent": (DissentRow, ("raised_by", "reason", "outcome", "procedure"), ("participants",)),
}
_HISTORY_TEXT = ("user", "source", "comment")
_HISTORY_JSON = ("old", "new")
# agreement data that is never changed, only searched
_AGREEMENT: dict[str, tuple[type[Base], tuple[str, ...]]] = {
    "measure": (MeasureRow, ("title", "text")),
    "rule": (RuleRow, ("summary", "text")),
    "meta": (MetaEntry, ("value",)),
    "committee": (CommitteeRow, ("name", "source", "change_note")),
    "post": (PostRow, ("title", "source")),
    "seat": (SeatRow, ("title", "source")),
}


@dataclass(frozen=True, slots=True)
class ForgetReport:
    """What ``forget`` changed: values per ``table.field``; what it left (agreement text)."""

    placeholder: str
    changed: tuple[tuple[str, int], ...]
    untouched: tuple[tuple[str, int], ...]
    dry_run: bool = False
    wal_cleared: bool = True

    @property
    def total(self) -> int:
        """How many values were (or would be) changed."""
        return sum(n for _, n in self.changed)

    def lines(self) -> list[str]:
        """The report as German lines for the CLI and the app."""
        verb = "würden ersetzt" if self.dry_run else "ersetzt"
        if not self.changed:
            out = ["Name nicht gefunden: nichts geändert"]
        else:
            out = [f"{self.total} Werte {verb} durch „{self.placeholder}“:"]
            out += [f"  {where}: {n}" for where, n in self.changed]
        for where, n in self.untouched:
            out.append(f"unverändert (Vertragstext): {where}: {n}")
        if not self.dry_run and self.changed and not self.wal_cleared:
            out.append(
                "Hinweis: das Schreibprotokoll (WAL) wird erst geleert, wenn kein "
                "anderes Programm die Datenbank mehr offen hat"
            )
        if not self.dry_run and self.changed:
            out.append("Hinweis: ältere Sicherungskopien enthalten den Namen weiterhin")
        return out


def check_name(name: str) -> str:
    """The name to forget, stripped; InvalidInput when it cannot be used safely."""
    clean = (name or "").strip()
    if len(clean) < MIN_LENGTH:
        raise InvalidInput(f"Name: „{clean}“ ist zu kurz (mindestens {MIN_LENGTH} Zeichen)")
    if clean in PLACEHOLDER:
        raise InvalidInput(f"Name: „{clean}“ ist Teil des Platzhalters {PLACEHOLDER}")
    return clean


def check_not_vocabulary(db: Database, name: str) -> None:
    """InvalidInput when ``name`` is a word of the data's vocabulary, not a person's name."""
    from herne_tui.db.models import HoldingRow, StatusRow, TopicRow
    from herne_tui.domain.objects import agreement_of
    from herne_tui.services.queries import get_meta

    leads = agreement_of(get_meta(db)).leads
    words: dict[str, str] = {w.casefold(): "Federführung/Partei" for w in leads}
    words["seed"] = "Nutzer des Seeds"
    with Session(db.engine) as s:
        for st in s.scalars(select(StatusRow)):
            words[st.key.casefold()] = words[st.label.casefold()] = "Status"
        for t in s.scalars(select(TopicRow)):
            words[t.key.casefold()] = words[t.name.casefold()] = "Thema"
        for model in (CommitteeRow, PostRow, SeatRow, HoldingRow):
            for row in s.scalars(select(model)):
                words[str(row.key).casefold()] = "Schlüssel"  # type: ignore[attr-defined]
    kind = words.get(name.casefold())
    if kind is not None:
        raise InvalidInput(
            f"Name: „{name}“ ist kein Personenname, sondern {kind}; forget ersetzt nur Namen"
        )


def _replace(value: Any, name: str) -> Any:
    """Replace ``name`` in every string inside a (JSON-like) value."""
    if isinstance(value, str):
        return value.replace(name, PLACEHOLDER)
    if isinstance(value, list):
        return [_replace(v, name) for v in value]
    if isinstance(value, dict):
        return {k: _replace(v, name) for k, v in value.items()}
    return value


def _replace_json_text(raw: str, name: str) -> str:
    """A JSON text (history value) with the name replaced inside its strings."""
    return encode(_replace(json.loads(raw), name)) if raw else raw


def _seed_base(value: dict, name: str) -> dict:
    return {k: _replace_json_text(v, name) if isinstance(v, str) else v for k, v in value.items()}


def _contains(column, name: str):
    # the name as typed, and as JSON columns store it (escaped quotes, \u00fc for ü);
    # a portable LIKE on the column's text works on SQLite and PostgreSQL alike
    forms = {name, json.dumps(name, ensure_ascii=False)[1:-1], json.dumps(name)[1:-1]}
    as_text = cast(column, Text)
    return or_(*(as_text.contains(form, autoescape=True) for form in forms))


def _scrub_personal(column: str, value: Any, name: str) -> Any:
    return _seed_base(value or {}, name) if column == "seed_base" else _replace(value, name)


def _scrub_history(column: str, value: Any, name: str) -> Any:
    return _replace_json_text(value, name) if column in _HISTORY_JSON else _replace(value, name)


def _scan_table(
    session: Session,
    model: type[Base],
    columns: tuple[str, ...],
    *,
    table: str,
    name: str,
    apply: bool,
    scrub: Callable[[str, Any, str], Any],
    counts: dict[str, int],
) -> None:
    """Count (and with ``apply`` replace) the name in ``columns`` of one table's rows."""
    query = select(model).where(or_(*(_contains(getattr(model, c), name) for c in columns)))
    for row in session.scalars(query):
        for column in columns:
            old = getattr(row, column)
            new = scrub(column, old, name)
            if new != old:
                where = f"{table}.{column}"
                counts[where] = counts.get(where, 0) + 1
                if apply:
                    setattr(row, column, new)
        if apply:
            session.add(row)


def _scan(session: Session, name: str, apply: bool) -> dict[str, int]:
    counts: dict[str, int] = {}
    for table, (model, texts, jsons) in _PERSONAL.items():
        _scan_table(
            session,
            model,
            (*texts, *jsons),
            table=table,
            name=name,
            apply=apply,
            scrub=_scrub_personal,
            counts=counts,
        )
    _scan_table(
        session,
        HistoryRow,
        (*_HISTORY_TEXT, *_HISTORY_JSON),
        table="history",
        name=name,
        apply=apply,
        scrub=_scrub_history,
        counts=counts,
    )
    return counts


def _untouched(session: Session, name: str) -> dict[str, int]:
    out: dict[str, int] = {}
    for table, (model, columns) in _AGREEMENT.items():
        for column in columns:
            n = session.scalars(
                select(func.count())
                .select_from(model)
                .where(_contains(getattr(model, column), name))
            ).one()
            if n:
                out[f"{table}.{column}"] = n
    return out


def forget(db: Database, *, name: str, user: str, dry_run: bool = False) -> ForgetReport:
    """Replace a person's name everywhere (history included) with a placeholder; report it.

    Refuses (InvalidInput, before anything is read or changed) names that are too short, part
    of the placeholder, or a word of the data's vocabulary (status, topic, party, key, seed)."""
    clean = check_name(name)
    check_not_vocabulary(db, clean)

    def preview(session: Session) -> ForgetReport:
        return ForgetReport(
            PLACEHOLDER,
            tuple(sorted(_scan(session, clean, False).items())),
            tuple(sorted(_untouched(session, clean).items())),
            dry_run=True,
        )

    if dry_run:
        return db.read(preview)

    def run(session: Session) -> ForgetReport:
        if db.is_sqlite:
            session.connection().exec_driver_sql("PRAGMA secure_delete = ON")
        access.authorize(session, user, "privacy")
        pgrights.check_owner(session, "forget")  # another party's internal notes too
        counts = _scan(session, clean, True)
        if counts:
            session.flush()
            record(
                session,
                at=db.now(),
                user=_replace(user, clean),
                action="forget",
                entity="privacy",
                entity_id="",
                field="",
                new={"ersetzt": sum(counts.values()), "felder": dict(sorted(counts.items()))},
                txn=new_txn(),
            )
        return ForgetReport(
            PLACEHOLDER,
            tuple(sorted(counts.items())),
            tuple(sorted(_untouched(session, clean).items())),
        )

    report = db.write(run)
    if report.changed and db.is_sqlite:
        with db.engine.connect() as conn:
            busy = conn.execute(text("PRAGMA wal_checkpoint(TRUNCATE)")).first()
            conn.exec_driver_sql("PRAGMA secure_delete = OFF")
        if busy and busy[0]:
            return ForgetReport(
                report.placeholder, report.changed, report.untouched, wal_cleared=False
            )
    return report
