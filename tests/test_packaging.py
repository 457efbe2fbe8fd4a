"""Packaging habits: licence, one version, shell completion, the log file (issue 16 item 8)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tomllib
from importlib.metadata import metadata
from pathlib import Path

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


def test_bash_completion_knows_sub_commands_and_checked_choices(cli):
    script = cli("completion", "bash").stdout
    assert {"sync", "meetings", "papers", "link"} <= set(_bash_complete(script, "ris", ""))
    assert _bash_complete(script, "ris", "mee") == ["meetings"]
    assert _bash_complete(script, "--db", "x.db", "ris", "s") == ["sync", "suggestions"]
    assert _bash_complete(script, "ris", "meetings", "--format", "") == ["table", "json"]
    assert "--committee" in _bash_complete(script, "ris", "meetings", "--c")
    assert _bash_complete(script, "users", "add", "--role", "")[:1] == ["lesen"]
    # options the command checks itself (one German line on a wrong value) complete too
    assert _bash_complete(script, "digest", "--format", "") == ["text", "md", "html"]
    assert _bash_complete(script, "report", "--format", "") == ["text", "md", "html"]
    assert _bash_complete(script, "digest", "--since", "") == ["last"]
    from herne_tui.reports.build import KINDS

    kinds = _bash_complete(script, "report", "")
    assert kinds[: len(KINDS) + 1] == [*KINDS, "positions"]
    # sourced the way the README says, in a real bash
    herne = Path(sys.executable).with_name("herne-tui")
    program = (
        f"source <({herne} completion bash) && COMP_WORDS=(herne-tui ex) COMP_CWORD=1 "
        '&& _herne_tui && printf "%s\\n" "${COMPREPLY[@]}"'
    )
    done = subprocess.run(["bash", "-c", program], capture_output=True, text=True, timeout=60)
    assert done.stdout.split() == ["export"] and not done.stderr, done.stderr


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


ZPTY = """
zmodload zsh/zpty || exit 3
zpty -b z zsh -f -i
zpty -w z "PROMPT='> '; {before} autoload -U compinit; compinit -u -D; {after} echo LOADED"
zpty -r z line '*LOADED*'; zpty -r z line '*LOADED*'
zpty -n -w z $'herne-tui ex\t'
zpty -r z got '*herne-tui export*' && print -r -- 'export: ok'
zpty -n -w z $'\\C-u'
zpty -n -w z $'herne-tui ris mee\t'
zpty -r z got '*herne-tui ris meetings*' && print -r -- 'ris meetings: ok'
zpty -n -w z $'\\C-u'
zpty -n -w z $'herne-tui digest --format \t'
zpty -r z got '*html*' && print -r -- 'digest --format: ok'
zpty -d z
"""


@pytest.mark.skipif(shutil.which("zsh") is None, reason="zsh is not installed")
@pytest.mark.parametrize("how", ["source", "fpath"])
def test_zsh_completes_in_a_real_shell(cli, tmp_path, how):
    """Typed into an interactive zsh (zpty), sourced or loaded from $fpath, as the README says:
    a tab completes commands, sub-commands and a checked option's values; sourcing prints
    nothing."""
    herne = Path(sys.executable).with_name("herne-tui")
    (tmp_path / "_herne-tui").write_text(cli("completion", "zsh").stdout, encoding="utf-8")
    quiet = subprocess.run(
        [
            "zsh",
            "-f",
            "-c",
            f"autoload -U compinit; compinit -u -D; source <({herne} completion zsh)",
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert quiet.returncode == 0 and quiet.stdout == quiet.stderr == "", quiet.stderr
    load = {
        "source": {"before": "", "after": f"source <({herne} completion zsh) &&"},
        "fpath": {"before": f"fpath=({tmp_path} $fpath);", "after": ""},
    }[how]
    env = {**os.environ, "PATH": f"{herne.parent}{os.pathsep}{os.environ.get('PATH', '')}"}
    done = subprocess.run(
        ["zsh", "-f", "-c", ZPTY.format(**load)],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
    )
    assert done.returncode != 3, "zsh/zpty missing"
    assert done.stdout.splitlines() == [
        "export: ok",
        "ris meetings: ok",
        "digest --format: ok",
    ], done.stdout + done.stderr


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
    log.unlink()
    assert cli("--debug", "list", "--db", db).returncode == 0  # the quick reader, no ORM
    quick = log.read_text(encoding="utf-8")
    assert "herne_tui.db.quickstart: SELECT" in quick and "sqlalchemy" not in quick
