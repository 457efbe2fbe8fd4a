"""Database settings from the environment, without the ORM (the quick readers need them too)."""

from __future__ import annotations

import os

from herne_tui.errors import InvalidInput

ENV_BUSY = "HERNE_TUI_BUSY_TIMEOUT"

BUSY_MAX = 600.0
"""The longest busy timeout in seconds ``HERNE_TUI_BUSY_TIMEOUT`` may ask for."""


def busy_timeout_default() -> float:
    """The busy timeout in seconds: ``HERNE_TUI_BUSY_TIMEOUT`` (0 to 600), else 5."""
    raw = os.environ.get(ENV_BUSY, "").strip()
    if not raw:
        return 5.0
    try:
        value = float(raw)
    except ValueError:
        value = -1.0
    if not 0.0 <= value <= BUSY_MAX:
        raise InvalidInput(
            f"{ENV_BUSY}={raw!r} ist ungültig: eine Zahl von 0 bis {BUSY_MAX:g} Sekunden angeben"
        )
    return value
