"""Architecture contracts: the core runs without Textual; screens never touch the database."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import herne_tui

PACKAGE = Path(herne_tui.__file__).parent
UI = ("app", "commands", "screens", "widgets", "web")
DB_LAYER = ("herne_tui.db", "sqlmodel", "sqlalchemy")


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
