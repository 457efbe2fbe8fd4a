"""Packaging habits: licence, one version, shell completion, the log file (issue 16 item 8)."""

from __future__ import annotations

import shutil
import subprocess
import tomllib
from importlib.metadata import metadata

import pytest
from helpers import REPO

import herne_tui


def test_licence_and_version_in_one_place(cli):
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert project["license"] == "EUPL-1.2" and "version" in project["dynamic"]
    assert "version" not in project
    licence = (REPO / "LICENSE").read_text(encoding="utf-8")
    assert licence.lstrip().startswith("EUROPEAN UNION PUBLIC LICENCE v. 1.2")
    installed = metadata("herne-tui")
    assert installed["Version"] == herne_tui.__version__
    assert installed.get("License-Expression") == "EUPL-1.2"
    assert any(c.startswith("Natural Language :: German") for c in installed.get_all("Classifier"))
    out = cli("--version")
    assert out.returncode == 0 and out.stdout.strip() == f"herne-tui {herne_tui.__version__}"


def _bash_complete(script: str, *words: str) -> list[str]:
    """What bash offers after ``herne-tui WORDS…`` (the last word is being completed)."""
    line = " ".join(f"'{w}'" for w in ("herne-tui", *words))
    program = (
        f"{script}\nCOMP_WORDS=({line}); COMP_CWORD={len(words)}; _herne_tui; "
        'printf "%s\\n" "${COMPREPLY[@]}"'
    )
    done = subprocess.run(["bash", "-c", program], capture_output=True, text=True, check=True)
    return done.stdout.split()


def test_bash_completion_offers_commands_options_and_choices(cli):
    out = cli("completion", "bash")
    assert out.returncode == 0 and "complete -o default -F _herne_tui herne-tui" in out.stdout
    script = out.stdout
    assert {"export", "digest"} <= set(_bash_complete(script, "e")) | set(
        _bash_complete(script, "d")
    )
    assert _bash_complete(script, "exp") == ["export"]
    assert "ics" in _bash_complete(script, "export", "--format", "")
    assert _bash_complete(script, "completion", "")[:2] == ["bash", "zsh"]
    assert "--stale" in _bash_complete(script, "digest", "--st")
    assert _bash_complete(script, "report", "--db", "") == []  # bash falls back to file names


@pytest.mark.skipif(shutil.which("zsh") is None, reason="zsh is not installed")
def test_zsh_completion_is_valid_zsh(cli, tmp_path):
    out = cli("completion", "zsh")
    assert out.returncode == 0 and out.stdout.startswith("#compdef herne-tui\n")
    script = tmp_path / "_herne-tui"
    script.write_text(out.stdout, encoding="utf-8")
    checked = subprocess.run(["zsh", "-n", str(script)], capture_output=True, text=True)
    assert checked.returncode == 0, checked.stderr
    assert "'export:aktuellen Stand exportieren'" in out.stdout
    formats = [line for line in out.stdout.splitlines() if "'--format[toml" in line]
    assert formats and " ics)'" in formats[0]  # export's fixed choices
    # the function loads in a real zsh with the completion system
    load = f"autoload -U compinit && compinit -u -D && source {script} 2>&1; whence -w _herne_tui"
    loaded = subprocess.run(["zsh", "-f", "-c", load], capture_output=True, text=True)
    assert "_herne_tui: function" in loaded.stdout, loaded.stdout + loaded.stderr


def test_verbose_and_debug_log_to_the_user_log_folder(cli, tmp_path, own_user_data):
    log = own_user_data / "state" / "herne-tui" / "log" / "herne-tui.log"
    db = str(tmp_path / "h.db")
    assert cli("seed", "--db", db).returncode == 0
    assert cli("list", "--db", db).returncode == 0
    assert not log.exists()  # nothing without the flag
    assert cli("--verbose", "show", "NOPE-99", "--db", db).returncode == 2
    text = log.read_text(encoding="utf-8")
    assert ": show (Datenbank: " in text and "WARNING herne_tui: show: " in text
    assert "SELECT" not in text
    assert cli("--debug", "export", "--db", db).returncode == 0  # through SQLAlchemy
    assert "SELECT" in log.read_text(encoding="utf-8")
