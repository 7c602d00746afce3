"""``mlops-quiz check``: one answer to one item, checked and never recorded."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from conftest import console_script


def check(env: dict[str, str], *args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [console_script(), "check", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )


def verdict(env: dict[str, str], bank: Path, qid: str, answer: str) -> dict:
    result = check(env, qid, "--bank", str(bank), "--answer", answer, "--json")
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_open_answer_lists_the_key_points_it_made(script_env, small_bank: Path, quiz_home: Path):
    assert verdict(script_env, small_bank, "open-one", "We build it and run it") == {
        "id": "open-one",
        "type": "open",
        "matcher": "words",
        "suggested_grade": 3,
        "key_points": [
            {"text": "build", "covered": True},
            {"text": "run", "covered": True},
            {"text": "reliably", "covered": False},
        ],
        "coverage": pytest.approx(2 / 3),
        "correct": None,
    }
    assert not (quiz_home / "progress.db").exists()  # nothing is recorded


@pytest.mark.parametrize(
    ("qid", "answer", "grade", "coverage", "correct"),
    [
        ("mcq-one", "a,c", 4, 1.0, True),  # letters as in the bank; no timing: never 5
        ("mcq-one", "a", 3, 0.5, False),
        ("mcq-one", "b", 1, 0.0, False),
        ("mcq-one", "", 0, 0.0, False),
        ("cloze-one", "2,5; 1.3", 4, 1.0, True),
        ("cloze-one", "2.5; 9", 3, 0.5, False),
    ],
)
def test_mcq_and_cloze_answers(script_env, small_bank: Path, qid, answer, grade, coverage, correct):
    got = verdict(script_env, small_bank, qid, answer)
    assert got["suggested_grade"] == grade
    assert got["coverage"] == coverage and got["correct"] is correct
    assert got["key_points"] == []


def test_answer_from_standard_input_and_the_verdict_as_text(script_env, small_bank: Path):
    result = check(script_env, "open-two", "--bank", str(small_bank), stdin="scope and deploy\n")
    assert result.returncode == 0, result.stderr
    assert "✓ 1. scope" in result.stdout and "✗ 2. data" in result.stdout
    assert "✓ 4. deploy" in result.stdout
    assert "Suggested grade: 3" in result.stdout  # two of four: at least half


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["nope", "--answer", "x"], "error: no question with id 'nope' in the loaded banks\n"),
        (["mcq-one", "--answer", "z"], "error: z is not one of the choices: use a to c.\n"),
        (["cloze-one", "--answer", "2.5"], "error: This item has 2 gaps and you gave 1"),
    ],
)
def test_unknown_id_or_an_answer_that_is_no_answer_exits_2(
    script_env, small_bank: Path, args: list[str], message: str
):
    result = check(script_env, *args, "--bank", str(small_bank), "--json")
    assert result.returncode == 2
    assert result.stderr.startswith(message) and result.stderr.count("\n") == 1
    assert result.stdout == ""
