"""The settings file and its precedence: option, then environment, then file, then default."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from conftest import console_script
from mlops_quiz.config import settings
from mlops_quiz.errors import BadInputError

QUIZ = console_script()


def run(args: list[str], env: dict[str, str], stdin: str = ""):
    return subprocess.run(
        [QUIZ, *args],
        input=stdin,
        capture_output=True,
        text=True,
        env={**env, "MLOPS_QUIZ_NOW": "2026-11-26T09:00:00+00:00", "TZ": "UTC"},
        timeout=90,
    )


def shown(env: dict[str, str]) -> dict[str, dict[str, object]]:
    result = run(["config", "--json"], env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_defaults_then_file_then_environment(script_env, quiz_home: Path):
    env = {k: v for k, v in script_env.items() if k != "NO_COLOR"}
    assert shown(env)["new_per_day"] == {"value": 20, "source": "default"}
    assert shown(env)["colour"] == {"value": True, "source": "default"}
    quiz_home.mkdir()
    (quiz_home / "settings.toml").write_text("new_per_day = 5\nprofile = 'ann'\n")
    assert shown(env)["new_per_day"] == {"value": 5, "source": "file"}
    assert shown(env)["profile"] == {"value": "ann", "source": "file"}
    env["MLOPS_QUIZ_NEW"] = "7"
    assert shown(env)["new_per_day"] == {"value": 7, "source": "environment"}
    assert shown({**env, "NO_COLOR": "1"})["colour"] == {"value": False, "source": "environment"}


def test_option_beats_environment_beats_file(script_env, quiz_home: Path, small_bank: Path):
    quiz_home.mkdir()
    (quiz_home / "settings.toml").write_text("new_per_day = 1\nprofile = 'from-file'\n")
    env = {**script_env, "MLOPS_QUIZ_BANK": str(small_bank)}
    plan = run(["study"], env)  # the file: one new item, profile from-file
    assert "Ahead: 0 due · 1 new" in plan.stdout
    plan = run(["study"], {**env, "MLOPS_QUIZ_NEW": "2"})
    assert "Ahead: 0 due · 2 new" in plan.stdout
    plan = run(["study", "--new", "3"], {**env, "MLOPS_QUIZ_NEW": "2"})
    assert "Ahead: 0 due · 3 new" in plan.stdout
    run(["study"], env, "I know\n5\n")
    names = [p["profile"] for p in json.loads(run(["profiles", "--json"], env).stdout)]
    assert names == ["from-file"]


def test_config_key_value_writes_the_file_keeping_comments(script_env, quiz_home: Path):
    quiz_home.mkdir()
    path = quiz_home / "settings.toml"
    path.write_text("# my settings\nnew_per_day = 5 # a few\n")
    result = run(["config", "new_per_day", "12"], script_env)
    assert result.returncode == 0, result.stderr
    assert path.read_text() == "# my settings\nnew_per_day = 12\n"
    assert run(["config", "suspend_leeches", "yes"], script_env).returncode == 0
    assert path.read_text() == "# my settings\nnew_per_day = 12\nsuspend_leeches = true\n"
    assert shown(script_env)["suspend_leeches"] == {"value": True, "source": "file"}
    assert [p.name for p in quiz_home.iterdir()] == ["settings.toml"]  # no temporary left


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["config", "new_per_day", "many"], "new_per_day must be a whole number from 0"),
        (["config", "day_start_hour", "24"], "day_start_hour must be an hour from 0 to 23"),
        (["config", "colour", "maybe"], "colour must be true or false"),
        (["config", "nope", "1"], "unknown setting 'nope'"),
        (["config", "profile", " "], "profile name"),
    ],
)
def test_a_bad_value_is_refused_and_the_file_kept(script_env, quiz_home: Path, args, words):
    quiz_home.mkdir()
    path = quiz_home / "settings.toml"
    path.write_text("new_per_day = 5\n")
    result = run(args, script_env)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and words in lines[0], result.stderr
    assert path.read_text() == "new_per_day = 5\n"


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("new_per_day = 5\nsession_limit = = 3\n", "line 2: not valid TOML"),
        ("new_per_day = 'five'\n", "line 1: new_per_day must be a whole number from 0"),
        ("# settings\n\nspeed = 3\n", "line 3: unknown setting 'speed'"),
        ("suspend_leeches = 1\n", "line 1: suspend_leeches must be true or false"),
    ],
)
def test_a_bad_file_is_one_error_with_file_and_line(script_env, quiz_home: Path, text, words):
    quiz_home.mkdir()
    path = quiz_home / "settings.toml"
    path.write_text(text)
    for command in (["config"], ["stats"], ["config", "new_per_day", "3"]):
        result = run(command, script_env)
        assert result.returncode == 2, command
        lines = result.stderr.strip().splitlines()
        assert lines == [lines[0]] and lines[0].startswith(f"error: {path}: {words}"), lines
    assert path.read_text() == text


def test_a_bad_environment_value_names_the_variable(script_env):
    result = run(["config"], {**script_env, "MLOPS_QUIZ_LIMIT": "-3"})
    assert result.returncode == 2
    assert "MLOPS_QUIZ_LIMIT must be a whole number from 0, not '-3'" in result.stderr


def test_write_setting_is_atomic(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    path = tmp_path / "settings.toml"
    path.write_text("new_per_day = 5\n")

    def fail(*_args: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr("os.replace", fail)
    with pytest.raises(OSError):
        settings.write_setting("new_per_day", "9", path)
    assert path.read_text() == "new_per_day = 5\n"
    assert [p.name for p in tmp_path.iterdir()] == ["settings.toml"]


def test_parse_file_rejects_a_table(tmp_path: Path):
    with pytest.raises(BadInputError, match="unknown setting 'study'"):
        settings.parse_file("[study]\nnew = 3\n", tmp_path / "s.toml")
