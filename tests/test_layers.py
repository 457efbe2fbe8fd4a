"""Architecture contracts: the core runs without Textual; screens never touch the database."""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import REPO

import herne_tui

PACKAGE = Path(herne_tui.__file__).parent
UI = ("app", "commands", "screens", "widgets", "web")
DB_LAYER = ("herne_tui.db", "sqlalchemy")


def imports_of(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_core_modules_never_import_textual():
    core = [
        p
        for p in PACKAGE.rglob("*.py")
        if p.relative_to(PACKAGE).parts[0].removesuffix(".py") not in UI
    ]
    assert len(core) >= 8
    for path in core:
        bad = {n for n in imports_of(path) if n.split(".")[0] == "textual"}
        assert not bad, f"{path.name} imports {bad}"


def test_screens_and_widgets_never_import_the_database_layer():
    ui_files = [
        PACKAGE / "app.py",
        PACKAGE / "commands.py",
        *PACKAGE.glob("screens/*.py"),
        *PACKAGE.glob("widgets/*.py"),
    ]
    for path in ui_files:
        bad = {n for n in imports_of(path) if n.startswith(DB_LAYER)}
        assert not bad, f"{path.relative_to(PACKAGE)} imports {bad}"


def test_the_cli_core_path_does_not_load_textual():
    code = (
        "import sys, herne_tui.cli.main as c, herne_tui.services.edits, herne_tui.reports.export, "
        "herne_tui.seeding.apply; print('textual' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.stdout.strip() == "False", out.stderr


START_UP = (
    "herne_tui.app",
    "herne_tui.screens.board",
    "herne_tui.db.quickstart",
    "herne_tui.commands",
    "herne_tui.widgets.card_column",
    "herne_tui.cli.main",
)
ORM = ("sqlalchemy", "pydantic")


def test_the_start_up_path_loads_no_orm_before_the_first_paint():
    code = (
        f"import sys, importlib\nfor name in {START_UP!r}: importlib.import_module(name)\n"
        f"print(' '.join(m for m in {ORM!r} if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "", f"the start-up modules load {out.stdout.strip()}"


def test_the_import_contracts_hold():
    exe = shutil.which("lint-imports") or str(Path(sys.executable).with_name("lint-imports"))
    if not Path(exe).exists():
        pytest.skip("lint-imports is not installed (pip install '.[test]')")
    # no cache: parallel test runs must not write the same cache files
    out = subprocess.run([exe, "--no-cache"], capture_output=True, text=True, cwd=REPO)
    assert out.returncode == 0, out.stdout[-4000:] + out.stderr
