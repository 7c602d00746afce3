"""An empty answer to an open item without key points: the README's grade table says an empty
answer ("I don't know") suggests 0, for every item type, so ``check`` and a session agree:
0 is suggested (Enter accepts it), while another answer to such an item gets no suggestion and
needs a number. Through the installed console script."""

from __future__ import annotations

import json
import sqlite3
import subprocess
from pathlib import Path

import pytest

from conftest import console_script

BANK = """\
topics:
  - id: t
    title: T
questions:
  - id: bare
    topic: t
    type: open
    prompt: What does a feature store keep?
    answer: Features, computed once, for training and serving.
"""


@pytest.fixture
def bank(tmp_path: Path) -> Path:
    path = tmp_path / "bare.yaml"
    path.write_text(BANK, encoding="utf-8")
    return path


def run(args: list[str], env: dict[str, str], stdin: str = "") -> subprocess.CompletedProcess:
    return subprocess.run(
        [console_script(), *args],
        input=stdin,
        capture_output=True,
        text=True,
        env={**env, "MLOPS_QUIZ_NOW": "2026-11-26T09:00:00+00:00", "TZ": "UTC"},
        timeout=60,
    )


def grades(db: Path) -> list[int]:
    conn = sqlite3.connect(db)
    try:
        return [g for (g,) in conn.execute("SELECT grade FROM reviews ORDER BY id")]
    finally:
        conn.close()


@pytest.mark.parametrize(("answer", "suggested"), [("", 0), ("   ", 0), ("features", None)])
def test_check_suggests_0_for_an_empty_answer_only(
    script_env, bank: Path, answer: str, suggested: int | None
):
    result = run(["check", "bare", "--answer", answer, "--json", "--bank", str(bank)], script_env)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["suggested_grade"] == suggested


def test_a_scripted_session_accepts_0_for_an_empty_answer(script_env, bank: Path, tmp_path: Path):
    db = tmp_path / "p.db"
    # the answer line empty ("I don't know"), the grade line empty: the suggested 0
    result = run(["study", "--bank", str(bank), "--db", f"sqlite:///{db}"], script_env, "\n\n")
    assert result.returncode == 0, result.stderr
    assert "Grade 0-5 [0]" in result.stdout
    assert "Please type a grade" not in result.stdout
    assert grades(db)[0] == 0


def test_a_scripted_session_needs_a_number_for_another_answer(
    script_env, bank: Path, tmp_path: Path
):
    db = tmp_path / "p.db"
    stdin = "features\n\n4\n"  # no suggestion: the empty grade line is asked again
    result = run(["study", "--bank", str(bank), "--db", f"sqlite:///{db}"], script_env, stdin)
    assert result.returncode == 0, result.stderr
    assert "Grade 0-5 [" not in result.stdout
    assert "Please type a grade from 0 to 5" in result.stdout
    assert grades(db)[0] == 4
