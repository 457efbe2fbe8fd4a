"""Errors the core raises; each carries a one-line German message fit for a user."""

from __future__ import annotations

from herne_tui import __version__


class HerneError(Exception):
    """Base of every error meant to be shown to a user as one line (no traceback)."""

    exit_code = 2

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class NotFound(HerneError):
    """An id, key or name that does not exist."""


class InvalidInput(HerneError):
    """A value the user gave that cannot be used (bad date, unknown status, ...)."""


class Conflict(HerneError):
    """A change was made against a stale version: someone else changed the row meanwhile.

    ``theirs`` maps field → the current value in the database, ``mine`` the values the
    user tried to save, ``version`` the current version.
    """

    exit_code = 3

    def __init__(
        self,
        message: str,
        *,
        entity: str,
        entity_id: str,
        version: int,
        theirs: dict,
        mine: dict,
        changed_by: str = "",
    ):
        super().__init__(message)
        self.entity = entity
        self.entity_id = entity_id
        self.version = version
        self.theirs = theirs
        self.mine = mine
        self.changed_by = changed_by


class DatabaseBusy(HerneError):
    """The database stayed locked by another writer through every retry."""


class DatabaseUnavailable(HerneError):
    """The database server cannot be reached, or refused the login (wrong user, password)."""


class DiskFull(HerneError):
    """A write failed for want of space (full disk, file size limit) or an I/O error; the
    transaction was rolled back, nothing was saved."""


class ReadOnly(HerneError):
    """A change was attempted on a database opened read-only."""


class NotAllowed(HerneError):
    """The user's role (or party) does not allow this change (issue 14)."""


class SchemaError(HerneError):
    """The database's schema cannot be used by this version of the code."""


class SeedProblems(HerneError):
    """A seed has problems; ``problems`` holds one ``file:line: message`` string each."""

    def __init__(self, problems: list[str]):
        super().__init__(problems[0] if problems else "seed has problems")
        self.problems = problems


def already_exists(path: object) -> InvalidInput:
    """The refusal to overwrite a file the user named without ``--force``."""
    return InvalidInput(f"{path} gibt es schon: anderen Namen wählen oder --force angeben")


def newer_schema(where: object, found: object, known: int) -> SchemaError:
    """The refusal of a database or backup whose schema version is newer than ``known``.

    herne-tui is installed from its source, not from a package index: the hint names the
    version to install, not a ``pip install -U`` that would find nothing."""
    return SchemaError(
        f"{where} hat Schema-Version {found}, dieses herne-tui ({__version__}) kennt nur bis "
        f"{known}: bitte die neuere herne-tui-Version installieren, die sie geschrieben hat "
        "(in deren Quellordner: pip install .); nichts geändert"
    )
