"""The config file: precedence, errors with file:line, keymaps, the remembered theme, help."""

from __future__ import annotations

import json

import pytest
from pilot import settle, started, until

from herne_tui.config import ConfigError, load_settings, with_theme


def test_broken_toml_is_one_line_with_file_and_line(tmp_path, cli):
    path = tmp_path / "config.toml"
    path.write_text('user = "anna"\ntheme = "nord\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=rf"^{path}:2: kein gültiges TOML"):
        load_settings(path)
    out = cli("list", "--db", str(tmp_path / "h.db"), env={"HERNE_TUI_CONFIG": str(path)})
    assert out.returncode == 2 and out.stderr.startswith(f"herne-tui: {path}:2: ")
    assert len(out.stderr.strip().splitlines()) == 1 and "Traceback" not in out.stderr


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ('user = "a"\n\nreview_weeks = "vier"\n', 3, "review_weeks muss eine ganze Zahl sein"),
        ('density = "dicht"\n', 1, "density muss normal oder compact sein"),
        ('them = "nord"\n', 1, "unbekannte Einstellung „them“"),
        ('\n[keymap]\n"app.quit" = 5\n', 3, "app.quit: [keymap] braucht"),
    ],
)
def test_wrong_values_name_the_line(tmp_path, text, line, message):
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_settings(path)
    assert caught.value.message.startswith(f"{path}:{line}: ")
    assert message in caught.value.message


def test_precedence_flag_env_config_default(tmp_path, cli):
    from_config, from_env, from_flag = (str(tmp_path / f"{n}.db") for n in ("c", "e", "f"))
    path = tmp_path / "config.toml"
    path.write_text(f'database = "{from_config}"\nuser = "carla"\n', encoding="utf-8")
    env = {"HERNE_TUI_CONFIG": str(path)}
    shown = cli("config", env=env)
    assert shown.returncode == 0, shown.stderr
    assert f"Konfigurationsdatei: {path} (vorhanden)" in shown.stdout
    assert f"database     = {from_config}  (Konfiguration)" in shown.stdout
    assert "user         = carla  (Konfiguration)" in shown.stdout
    assert "theme        = textual-dark  (Standard)" in shown.stdout
    # the config's database and user are used
    assert cli("seed", env=env).returncode == 0
    done = cli("set", "ARB-01", "--note", "n", env=env)
    assert done.returncode == 0, done.stderr
    history = json.loads(cli("history", "ARB-01", "--db", from_config, "--format", "json").stdout)
    assert history[-1]["user"] == "carla"
    # the environment beats the file, a flag beats both
    both = {**env, "HERNE_TUI_DB": from_env, "HERNE_TUI_USER": "emil"}
    assert f"{from_env}  (HERNE_TUI_DB)" in cli("config", env=both).stdout
    flagged = cli("config", "--db", from_flag, "--user", "fritz", env=both).stdout
    assert f"{from_flag}  (--db)" in flagged and "fritz  (--user)" in flagged
    missing = cli("config", env={"HERNE_TUI_CONFIG": str(tmp_path / "none.toml")})
    assert "(nicht vorhanden, es gelten die Standardwerte)" in missing.stdout


def test_theme_is_written_back_keeping_the_rest():
    text = '# meine Einstellungen\nuser = "anna"\n\n[keymap]\n"app.quit" = "ctrl+q"\n'
    changed = with_theme(text, "nord")
    assert changed.startswith('# meine Einstellungen\nuser = "anna"\ntheme = "nord"\n')
    assert changed.endswith('[keymap]\n"app.quit" = "ctrl+q"\n')
    assert with_theme(changed, "gruvbox").count("theme =") == 1
    assert 'theme = "gruvbox"' in with_theme(changed, "gruvbox")


async def test_keymap_from_the_config_file_works(db, tmp_path):
    from herne_tui.screens.help import HelpScreen
    from herne_tui.screens.review import ReviewScreen

    path = tmp_path / "config.toml"
    path.write_text('review_weeks = 6\n[keymap]\n"app.panel-review" = "f6"\n', encoding="utf-8")
    async with started(db, settings=load_settings(path)) as (app, pilot):
        await pilot.press("w")  # the default key is replaced, not added to
        await settle(pilot)
        assert not isinstance(app.screen, ReviewScreen)
        await pilot.press("question_mark")
        help_screen = await until(pilot, lambda: isinstance(app.screen, HelpScreen) and app.screen)
        rows = [help_screen.query_one("DataTable").get_row_at(i) for i in range(3)]
        assert str(rows[0][0]) == "Board"  # the current screen's keys first
        from herne_tui.screens.help import key_rows

        review_rows = [r for r in key_rows(help_screen.sections, help_screen.keymap)]
        assert ("Überall", "f6", "Wochenrückblick") in review_rows
        await pilot.press("escape")
        await pilot.press("f6")
        screen = await until(pilot, lambda: isinstance(app.screen, ReviewScreen) and app.screen)
        await settle(pilot)
        assert screen.stale_weeks == 6 and "ab 6 Wochen" in screen.sub_title
        await pilot.press("question_mark")
        help_screen = await until(pilot, lambda: isinstance(app.screen, HelpScreen) and app.screen)
        first = help_screen.query_one("DataTable").get_row_at(0)
        assert str(first[0]) == "Wochenrückblick (w)"


async def test_theme_chosen_is_remembered_after_restart(db, tmp_path):
    path = tmp_path / "sub" / "config.toml"  # neither the file nor its folder exist yet
    async with started(db, settings=load_settings(path)) as (app, pilot):
        assert app.theme == "textual-dark"
        app.theme = "nord"  # what the palette's "Change theme" does
        await until(pilot, lambda: path.exists() and 'theme = "nord"' in path.read_text())
    assert load_settings(path).theme == "nord"
    async with started(db, settings=load_settings(path)) as (app, pilot):
        assert app.theme == "nord"
        await settle(pilot)
    assert path.read_text(encoding="utf-8").count("theme =") == 1
