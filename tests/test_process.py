"""The installed console script, run as a user runs it, in separate processes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from conftest import console_script


def run(args: list[str], env: dict[str, str], stdin: str = "", **extra: str):
    return subprocess.run(
        [console_script(), *args],
        input=stdin,
        capture_output=True,
        text=True,
        env={**env, **extra},
        timeout=60,
    )


def due_ids(env: dict[str, str], bank: Path, now: str) -> list[str]:
    result = run(
        ["list", "--due", "--json", "--bank", str(bank)], env, MLOPS_QUIZ_NOW=now, TZ="UTC"
    )
    assert result.returncode == 0, result.stderr
    return [row["id"] for row in json.loads(result.stdout)]


def test_version_and_module_entry_point(script_env):
    result = run(["--version"], script_env)
    assert result.returncode == 0 and result.stdout.startswith("mlops-quiz 0.")
    module = subprocess.run(
        [sys.executable, "-m", "mlops_quiz", "--version"],
        capture_output=True,
        text=True,
        env=script_env,
        timeout=60,
    )
    assert module.stdout == result.stdout


def test_study_quit_and_come_back_tomorrow(script_env, small_bank: Path, quiz_home: Path):
    today = "2026-11-26T09:00:00+00:00"
    # Day 1: open-one perfect (5), mcq-one wrong (suggestion 1 accepted), then quit.
    first = run(
        ["study", "--bank", str(small_bank)],
        script_env,
        "I know\n5\nb\n\nq\n",
        MLOPS_QUIZ_NOW=today,
        TZ="UTC",
    )
    assert first.returncode == 0, first.stderr
    assert "Session over" in first.stdout
    assert due_ids(script_env, small_bank, today) == []
    # Day 2 (a new process, a day later): both studied items are due, nothing else.
    assert due_ids(script_env, small_bank, "2026-11-27T09:00:00+00:00") == ["open-one", "mcq-one"]
    # Before 04:00 it still counts as the day before.
    assert due_ids(script_env, small_bank, "2026-11-27T03:59:00+00:00") == []
    second = run(
        ["study", "--bank", str(small_bank), "--new", "0"],
        script_env,
        "x\n5\na,c\n\n",
        MLOPS_QUIZ_NOW="2026-11-27T09:00:00+00:00",
        TZ="UTC",
    )
    assert second.returncode == 0, second.stderr
    assert "2 of 2" in second.stdout
    # open-one is now at 6 days, mcq-one (failed yesterday) at 1 day.
    assert due_ids(script_env, small_bank, "2026-11-28T09:00:00+00:00") == ["mcq-one"]
    assert due_ids(script_env, small_bank, "2026-12-03T09:00:00+00:00") == ["open-one", "mcq-one"]
    assert (quiz_home / "progress.db").exists()


def test_day_start_is_configurable(script_env, small_bank: Path):
    run(
        ["study", "--bank", str(small_bank), "--new", "1"],
        script_env,
        "\n5\n",
        MLOPS_QUIZ_NOW="2026-11-26T09:00:00+00:00",
        TZ="UTC",
    )
    at_one = "2026-11-27T01:00:00+00:00"
    assert due_ids(script_env, small_bank, at_one) == []
    result = run(
        ["list", "--due", "--json", "--bank", str(small_bank)],
        script_env,
        MLOPS_QUIZ_NOW=at_one,
        MLOPS_QUIZ_DAY_START="0",
        TZ="UTC",
    )
    assert [r["id"] for r in json.loads(result.stdout)] == ["open-one"]


def test_errors_are_one_line_on_stderr(script_env, tmp_path: Path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("questions:\n  - id: q\n\ttopic: t\n")
    result = run(["validate", str(bad)], script_env)
    assert result.returncode == 2
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"error: {bad}:3:")
    assert "Traceback" not in result.stderr
    day = run(["stats"], script_env, MLOPS_QUIZ_DAY_START="25")
    assert day.returncode == 2 and "MLOPS_QUIZ_DAY_START" in day.stderr


def test_no_color_output_has_no_escape_sequences(script_env, small_bank: Path):
    result = run(["stats", "--bank", str(small_bank)], script_env, NO_COLOR="1")
    assert result.returncode == 0 and "\x1b[" not in result.stdout
