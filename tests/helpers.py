"""Helpers shared by the tests (importable as ``helpers``)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")

REPO = Path(__file__).resolve().parent.parent
AGREEMENT = Path(
    os.environ.get("HERNE_TUI_AGREEMENT")
    or REPO.parent / "shared" / "agreement" / "herne-2030-eckpunkte.txt"
)
"""The signed agreement's text, beside the repository (``HERNE_TUI_AGREEMENT`` names another
place, e.g. for a git worktree)."""

PATIENCE = 30.0
"""Seconds a wait may take before it fails: generous, so a loaded machine is slow, not red."""


def wait_until(
    condition: Callable[[], T],
    *,
    timeout: float = PATIENCE,
    interval: float = 0.02,
    what: str | Callable[[], str] = "the condition",
) -> T:
    """Poll ``condition()`` until it returns something truthy and return that.

    Fails with ``what`` (a text, or a function giving the state worth showing) after
    ``timeout`` seconds. Never a fixed sleep: it returns as soon as the condition holds.
    """
    deadline = time.monotonic() + timeout
    while True:
        result = condition()
        if result:
            return result
        if time.monotonic() > deadline:
            shown = what() if callable(what) else what
            raise AssertionError(f"not within {timeout:g} s: {shown}")
        time.sleep(interval)


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on (the system picks it, so it is unique)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Clock:
    """A frozen clock tests can move forward."""

    def __init__(self, start: datetime):
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **kw) -> datetime:
        self.now += timedelta(**kw)
        return self.now


def run_cli(
    *args: str, env: dict | None = None, input: str | None = None, cwd: Path | None = None
) -> subprocess.CompletedProcess:
    """Run the installed ``herne-tui`` console script as a user would."""
    full_env = dict(os.environ)
    full_env.pop("HERNE_TUI_DB", None)
    full_env.update(env or {})
    exe = Path(sys.executable).with_name("herne-tui")
    cmd = [str(exe)] if exe.exists() else [sys.executable, "-m", "herne_tui"]
    return subprocess.run(
        [*cmd, *args],
        capture_output=True,
        text=True,
        env=full_env,
        input=input,
        cwd=cwd,
        timeout=120,
    )


def held(monkeypatch, owner: object, name: str) -> threading.Event:
    """Make ``owner.name`` (e.g. a service function) wait until the returned event is set,
    then do its work: a slow write or computation on demand, without sleeping."""
    real = getattr(owner, name)

    def waiting(*args, **kwargs):
        assert release.wait(PATIENCE), f"{name} was never released"
        return real(*args, **kwargs)

    release = threading.Event()
    monkeypatch.setattr(owner, name, waiting)
    return release
