"""FSRS through the installed console script: the setting, a profile studied under it, switched
back to SM-2 and to FSRS again, and the intervals shown at the grade prompt.

Expected FSRS intervals are the library's own (fsrs-rs-python 0.9.3, FSRS-6 defaults, printed
once and written down, see tests/test_fsrs.py): a first Good gives 2.31 days, then a Hard two
days later 7.51 days. Expected SM-2 values come from SM-2's text."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from conftest import console_script
from screen import TerminalSession

BANK = """\
topics:
  - id: t
    title: T
questions:
  - id: gaps
    topic: t
    type: cloze
    prompt: "SM-2 starts at an E-Factor of {{2.5}}."
"""
GAP = "Fill the gap (Enter: don't know): "


def run(args: list[str], env: dict[str, str], stdin: str = "", **extra: str):
    return subprocess.run(
        [console_script(), *args],
        input=stdin,
        capture_output=True,
        text=True,
        env={**env, "TZ": "UTC", **extra},
        timeout=120,
        check=False,
    )


@pytest.fixture
def bank(tmp_path: Path) -> Path:
    path = tmp_path / "bank.yaml"
    path.write_text(BANK, encoding="utf-8")
    return path


def card(env: dict[str, str], bank: Path, now: str, **extra: str) -> dict:
    result = run(["list", "--json", "--bank", str(bank)], env, MLOPS_QUIZ_NOW=now, **extra)
    assert result.returncode == 0, result.stderr
    (row,) = json.loads(result.stdout)
    return row


def review(env: dict[str, str], bank: Path, now: str, grade: int, **extra: str) -> str:
    result = run(
        ["study", "--bank", str(bank), "--limit", "1"],
        env,
        f"2.5\n{grade}\n",
        MLOPS_QUIZ_NOW=now,
        **extra,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_the_scheduler_setting_and_its_errors(script_env: dict[str, str], quiz_home: Path):
    assert run(["config", "scheduler", "fsrs"], script_env).returncode == 0
    assert 'scheduler = "fsrs"' in (quiz_home / "settings.toml").read_text()
    shown = run(["config"], script_env).stdout
    assert any(line.split()[:3] == ["scheduler", "fsrs", "file"] for line in shown.splitlines())
    shown = run(["config"], script_env, MLOPS_QUIZ_SCHEDULER="sm2").stdout
    assert any(
        line.split()[:3] == ["scheduler", "sm2", "environment"] for line in shown.splitlines()
    )
    bad = run(["config", "scheduler", "leitner"], script_env)
    assert bad.returncode == 2
    assert bad.stderr.strip() == "error: scheduler must be sm2 or fsrs, not 'leitner'"
    bad = run(["config", "desired_retention", "0.99"], script_env)
    assert bad.returncode == 2 and len(bad.stderr.strip().splitlines()) == 1
    assert run(["config", "desired_retention", "0.85"], script_env).returncode == 0


def test_fsrs_schedules_then_switching_keeps_every_answer(script_env, bank: Path):
    fsrs = {"MLOPS_QUIZ_SCHEDULER": "fsrs"}
    out = review(script_env, bank, "2026-03-02T09:00", 4, **fsrs)
    # a new card under FSRS: Again 0.21, Hard 1.29, Good 2.31, Easy 8.30 days
    assert "Next review: 5 8d · 4 2d · 0-3 1d" in out
    row = card(script_env, bank, "2026-03-02T10:00", **fsrs)
    assert (row["interval"], row["due"]) == (2, "2026-03-04")
    assert row["memory"]["scheduler"] == "fsrs"
    assert row["memory"]["stability"] == pytest.approx(2.3065, abs=1e-3)
    review(script_env, bank, "2026-03-04T09:00", 3, **fsrs)
    row = card(script_env, bank, "2026-03-04T10:00", **fsrs)
    assert (row["interval"], row["due"]) == (8, "2026-03-12")  # 7.51 days
    assert row["memory"]["stability"] == pytest.approx(7.5133, abs=1e-3)
    assert row["memory"]["difficulty"] == pytest.approx(4.7529, abs=1e-3)

    # back to SM-2: grades 4 then 3 give intervals 1 then 6, EF 2.5 - 0.14
    nothing = run(
        ["study", "--bank", str(bank), "--limit", "0"],
        script_env,
        "",
        MLOPS_QUIZ_NOW="2026-03-04T11:00",
    )
    assert nothing.returncode == 0, nothing.stderr
    row = card(script_env, bank, "2026-03-04T11:00")
    assert (row["repetitions"], row["interval"], row["due"], row["ef"]) == (
        2,
        6,
        "2026-03-10",
        2.36,
    )
    assert row["memory"] == {"scheduler": "sm2", "ef": 2.36}

    # and FSRS again: the same schedule as before, from the same log
    run(
        ["study", "--bank", str(bank), "--limit", "0"],
        script_env,
        "",
        MLOPS_QUIZ_NOW="2026-03-04T12:00",
        **fsrs,
    )
    row = card(script_env, bank, "2026-03-04T12:00", **fsrs)
    assert (row["interval"], row["due"]) == (8, "2026-03-12")
    shown = run(
        ["show", "gaps", "--json", "--bank", str(bank)],
        script_env,
        MLOPS_QUIZ_NOW="2026-03-04T12:00",
        **fsrs,
    )
    history = json.loads(shown.stdout)["history"]
    assert [(h["day"], h["grade"]) for h in history] == [("2026-03-02", 4), ("2026-03-04", 3)]


def test_sm2_shows_its_intervals_at_the_grade_prompt(script_env, bank: Path):
    out = review(script_env, bank, "2026-03-02T09:00", 4)
    assert "Next review: 0-5 1d" in out  # a new card: every grade gives one day


@pytest.mark.parametrize("cols", [100, 60])
def test_the_intervals_line_at_a_terminal(script_env, bank: Path, cols: int):
    env = {**script_env, "MLOPS_QUIZ_SCHEDULER": "fsrs", "MLOPS_QUIZ_NOW": "2026-03-02T09:00"}
    with TerminalSession(["study", "--bank", str(bank)], env, rows=30, cols=cols) as term:
        term.wait_for_prompt(GAP)
        term.sendline("2.5")
        term.wait_for("Grade 0-5")
        row = term.index_of("Next review:")
        assert term.lines[row] == "Next review: 5 8d · 4 2d · 0-3 1d"
        assert term.lines[row + 1].startswith("Grade 0-5 [5]")
        term.sendline("4")
        term.wait_for("Session over")
        assert term.wait_for_exit() == 0


def test_stats_predict_retention_under_fsrs_only(script_env, bank: Path):
    fsrs = {"MLOPS_QUIZ_SCHEDULER": "fsrs"}
    review(script_env, bank, "2026-03-02T09:00", 4, **fsrs)
    result = run(
        ["stats", "--json", "--bank", str(bank)],
        script_env,
        MLOPS_QUIZ_NOW="2026-03-04T09:00",
        **fsrs,
    )
    assert result.returncode == 0, result.stderr
    stats = json.loads(result.stdout)
    # FSRS-6's forgetting curve, R = (1 + f * t / S) ** -w20 with f = 0.9 ** (-1 / w20) - 1,
    # for the library's S = 2.3065 after a first Good and its default w20 = 0.1542, at t = 2
    w20, stability = 0.1542, 2.30649995803833
    expected = (1 + (0.9 ** (-1 / w20) - 1) * 2 / stability) ** -w20
    assert stats["scheduler"] == "fsrs"
    assert stats["predicted_retention"] == pytest.approx(expected, abs=1e-3)
    text = run(
        ["stats", "--bank", str(bank)], script_env, MLOPS_QUIZ_NOW="2026-03-04T09:00", **fsrs
    ).stdout
    assert f"Predicted retention today (FSRS): {expected:.0%}" in text
    plain = json.loads(
        run(
            ["stats", "--json", "--bank", str(bank)], script_env, MLOPS_QUIZ_NOW="2026-03-04T09:00"
        ).stdout
    )
    assert (plain["scheduler"], plain["predicted_retention"]) == ("sm2", None)


FIVE_DAYS = [
    ("2026-03-02", "2.5\n4\n"),
    ("2026-03-03", "2.5\n1\n2.5\n4\n"),
    ("2026-03-04", "2.5\n4\n"),
    ("2026-03-05", "2.5\n5\n"),
    ("2026-03-11", "2.5\n3\n2.5\n4\n"),
]
"""Grades 4, 1 (and its repeat), 4, 5, 3 (and its repeat) under SM-2."""


def study_five_days_under_sm2(env: dict[str, str], bank: Path) -> None:
    for day, answers in FIVE_DAYS:
        done = run(
            ["study", "--bank", str(bank), "--limit", "1"],
            env,
            answers,
            MLOPS_QUIZ_NOW=f"{day}T09:00",
        )
        assert done.returncode == 0, done.stderr


def test_sm2_to_fsrs_and_back_gives_the_same_sm2_state(script_env, bank: Path):
    """A card studied under SM-2, the profile switched to FSRS and back: every answer is kept
    and the SM-2 state is the one it had before the switch. Below 4 a card comes back the same
    day (a repeat, answered 4 here), which is logged but moves nothing."""
    study_five_days_under_sm2(script_env, bank)
    # SM-2 on 4, 1, 4, 5, 3: the 1 is a lapse (repetitions back to 0, EF kept); then intervals
    # 1, 6 and ceil(6 * 2.6) = 16 days; EF 2.5 + 0.1 - 0.14 = 2.46
    sm2_state = {
        "repetitions": 3,
        "interval": 16,
        "ef": 2.46,
        "due": "2026-03-27",
        "lapses": 1,
        "memory": {"scheduler": "sm2", "ef": 2.46},
    }
    keys = list(sm2_state)

    def state(now: str, **extra: str) -> dict:
        row = card(script_env, bank, now, **extra)
        return {key: row[key] for key in keys}

    def history(now: str, **extra: str) -> list[tuple[str, int, str]]:
        shown = run(
            ["show", "gaps", "--json", "--bank", str(bank)], script_env, MLOPS_QUIZ_NOW=now, **extra
        )
        assert shown.returncode == 0, shown.stderr
        return [(h["day"], h["grade"], h["kind"]) for h in json.loads(shown.stdout)["history"]]

    assert state("2026-03-11T10:00") == sm2_state
    answers = history("2026-03-11T10:00")
    assert len(answers) == 7  # five scheduling reviews and two same-day repeats

    fsrs = {"MLOPS_QUIZ_SCHEDULER": "fsrs"}
    opened = run(
        ["study", "--bank", str(bank), "--limit", "0"],
        script_env,
        "",
        MLOPS_QUIZ_NOW="2026-03-11T11:00",
        **fsrs,
    )
    assert opened.returncode == 0, opened.stderr
    # the library on Good, Again, Good, Easy, Hard after 0, 1, 1, 1 and 6 days: S = 12.68
    row = card(script_env, bank, "2026-03-11T11:00", **fsrs)
    assert (row["interval"], row["due"]) == (13, "2026-03-24")
    assert row["memory"]["stability"] == pytest.approx(12.6830, abs=1e-3)
    assert history("2026-03-11T11:00", **fsrs) == answers

    back = run(
        ["study", "--bank", str(bank), "--limit", "0"],
        script_env,
        "",
        MLOPS_QUIZ_NOW="2026-03-11T12:00",
    )
    assert back.returncode == 0, back.stderr
    assert state("2026-03-11T12:00") == sm2_state
    assert history("2026-03-11T12:00") == answers


def test_config_scheduler_reschedules_at_once_and_back(script_env, bank: Path):
    """`config scheduler fsrs` reschedules the studied cards from their answers at once, so
    `list` shows FSRS's interval before any session; `config scheduler sm2` gives back the
    SM-2 state the answers make. The days and values are those of the test above (SM-2's rules,
    and the library's S = 12.68 for FSRS)."""
    env = {k: v for k, v in script_env.items() if k != "MLOPS_QUIZ_SCHEDULER"}
    study_five_days_under_sm2(env, bank)
    assert (card(env, bank, "2026-03-11T10:00")["interval"]) == 16

    switched = run(["config", "scheduler", "fsrs"], env, MLOPS_QUIZ_NOW="2026-03-11T10:00")
    assert switched.returncode == 0, switched.stderr
    assert "1 card of profile 'default' rescheduled by fsrs" in switched.stdout
    row = card(env, bank, "2026-03-11T10:00")
    assert (row["interval"], row["due"]) == (13, "2026-03-24")
    assert row["memory"]["stability"] == pytest.approx(12.6830, abs=1e-3)

    back = run(["config", "scheduler", "sm2"], env, MLOPS_QUIZ_NOW="2026-03-11T10:00")
    assert back.returncode == 0, back.stderr
    assert "1 card of profile 'default' rescheduled by sm2" in back.stdout
    row = card(env, bank, "2026-03-11T10:00")
    assert (row["interval"], row["due"], row["ef"]) == (16, "2026-03-27", 2.46)

    again = run(["config", "scheduler", "sm2"], env, MLOPS_QUIZ_NOW="2026-03-11T10:00")
    assert "rescheduled" not in again.stdout  # nothing to move
