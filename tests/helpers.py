"""Helpers shared by the tests (importable as ``helpers``)."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
AGREEMENT = REPO.parent / "shared" / "agreement" / "herne-2030-eckpunkte.txt"


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
