"""``--verbose`` / ``--debug``: a log file in the user log directory (platformdirs).

``--verbose`` records each command, the database it opens and every error shown to the user;
``--debug`` adds SQLAlchemy's SQL statements and everything else at debug level. The log never
goes to the terminal, so output for scripts stays as it is.
"""

from __future__ import annotations

import logging
from pathlib import Path

LOG_NAME = "herne-tui.log"
_FORMAT = "%(asctime)s %(process)d %(levelname)s %(name)s: %(message)s"


def log_file() -> Path:
    """Where ``--verbose``/``--debug`` write: ``herne-tui.log`` in the user log directory."""
    from platformdirs import user_log_path

    return user_log_path("herne-tui", appauthor=False) / LOG_NAME


def start_logging(*, verbose: bool, debug: bool) -> Path | None:
    """Log to the file when asked; returns its path (None: no logging, or not writable)."""
    if not (verbose or debug):
        return None
    path = log_file()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handler = logging.FileHandler(path, encoding="utf-8")
    except OSError:
        return None
    handler.setFormatter(logging.Formatter(_FORMAT))
    root = logging.getLogger()
    root.addHandler(handler)
    root.setLevel(logging.DEBUG if debug else logging.INFO)
    if debug:
        logging.getLogger("sqlalchemy.engine").setLevel(logging.INFO)  # the SQL statements
    return path
