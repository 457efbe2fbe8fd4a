"""`herne-tui check` on broken seed files: the right file:line, exit 2, no database touched."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

BROKEN = sorted((Path(__file__).parent / "seeds_broken").glob("[0-9]*.toml"))


def expectation(path: Path) -> tuple[int, str]:
    """The hand-written `# expect: LINE: message` header of a broken seed file."""
    m = re.match(r"# expect: (\d+): (.+)", path.read_text(encoding="utf-8").splitlines()[0])
    assert m, f"{path.name} has no expectation header"
    return int(m.group(1)), m.group(2)


def test_there_are_at_least_ten_broken_seeds():
    assert len(BROKEN) >= 10


@pytest.mark.parametrize("path", BROKEN, ids=lambda p: p.stem)
def test_check_reports_file_and_line(path, cli, tmp_path):
    line, message = expectation(path)
    untouched = tmp_path / "must-not-exist.db"
    result = cli("check", str(path), env={"HERNE_TUI_DB": str(untouched)})
    assert result.returncode == 2, result.stdout + result.stderr
    assert f"{path}:{line}: " in result.stdout, result.stdout
    hit = [r for r in result.stdout.splitlines() if r.startswith(f"{path}:{line}: ")]
    assert any(message in r for r in hit), result.stdout
    assert "Traceback" not in result.stderr
    assert not untouched.exists()


def test_valid_seed_passes(cli, tmp_path):
    valid = tmp_path / "mini.toml"
    valid.write_text(
        (Path(__file__).parent / "seeds_broken" / "_valid.toml.txt").read_text(encoding="utf-8"),
        encoding="utf-8",
    )
    result = cli("check", str(valid))
    assert result.returncode == 0, result.stdout
    assert "2 Maßnahmen" in result.stdout


def test_bundled_seed_passes(cli):
    result = cli("check")
    assert result.returncode == 0, result.stdout
    assert "in Ordnung" in result.stdout


def test_missing_path_is_one_line(cli, tmp_path):
    result = cli("check", str(tmp_path / "nope.toml"))
    assert result.returncode == 2
    assert result.stdout.strip().endswith("Datei oder Ordner nicht gefunden")
