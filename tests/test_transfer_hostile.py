"""Hostile files for ``import``: each is refused with one clear line (``FILE:LINE`` where a
line is at fault), a non-zero exit and nothing written; none hangs or eats the memory."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from conftest import console_script

NOW = "2026-11-26T09:00:00+00:00"
HEADER = {"format": "mlops-quiz progress", "version": 1, "profile": "default", "answers": 1}
STATE = {"repetitions": 0, "interval": 0, "ef100": 250, "due": None, "lapses": 0}


def quiz(
    args: list[str], env: dict[str, str], timeout: float = 60
) -> subprocess.CompletedProcess[str]:
    env = {**env, "MLOPS_QUIZ_NOW": NOW, "TZ": "UTC"}
    return subprocess.run(
        [console_script(), *args], capture_output=True, text=True, env=env, timeout=timeout
    )


def answer(**changes: object) -> dict[str, object]:
    line: dict[str, object] = {
        "id": "a-1",
        "question": "open-one",
        "reviewed_at": "2026-11-20T09:00:00+00:00",
        "day": "2026-11-20",
        "grade": 4,
        "kind": "review",
        "answer": "practices",
        "duration_ms": 1000,
        "before": STATE,
        "after": STATE,
    }
    line.update(changes)
    return line


def one_error(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 2, (result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: ")
    return lines[0]


def import_progress(path: Path, env: dict[str, str], quiz_home: Path) -> str:
    error = one_error(quiz(["import", "--progress", str(path)], env))
    assert not (quiz_home / "progress.db").exists()  # nothing written, not even a database
    return error


def progress_file(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "other.jsonl"
    path.write_text(json.dumps(HEADER) + "\n" + body + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"reviewed_at": "2090-01-01T09:00:00+00:00", "day": "2090-01-01"}, "in the future"),
        ({"reviewed_at": "1969-12-31T09:00:00+00:00", "day": "1969-12-31"}, "before 1970"),
        ({"day": "2026-11-25"}, "does not match reviewed_at"),
        ({"day": "9999-12-31"}, "day must be from 1970"),
        ({"reviewed_at": "0001-01-01T00:00:00+05:00"}, "reviewed_at is out of range"),
        ({"duration_ms": 2**63}, "duration_ms must be from 0 to 2147483647"),
        ({"before": {**STATE, "interval": 2**64}}, "before.interval must be"),
    ],
)
def test_bad_dates_and_numbers_are_refused_with_file_and_line(
    changes: dict[str, object], expected: str, script_env, quiz_home: Path, tmp_path: Path
):
    path = progress_file(tmp_path, json.dumps(answer(**changes)))
    error = import_progress(path, script_env, quiz_home)
    assert error.startswith(f"error: {path}:2: ")
    assert expected in error


def test_an_answer_a_minute_old_is_imported(script_env, quiz_home: Path, tmp_path: Path):
    moment = "2026-11-26T08:59:00+00:00"
    path = progress_file(tmp_path, json.dumps(answer(reviewed_at=moment, day="2026-11-26")))
    result = quiz(["import", "--progress", str(path)], script_env)
    assert result.returncode == 0, result.stderr
    assert "1 answer added" in result.stdout


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("[" * 100_000 + "]" * 100_000, "nested too deeply"),
        ('{"grade": ' + "9" * 5000 + "}", "not JSON we read"),
        (json.dumps(answer(answer="\ud800 surrogate")), "lone surrogate"),
        (json.dumps(answer(answer="x" * 4_000_000)), "at most 10,000 are kept"),
    ],
    ids=["nested", "huge-int", "surrogate", "long-answer"],
)
def test_lines_that_break_parsers_are_one_line_each(
    body: str, expected: str, script_env, quiz_home: Path, tmp_path: Path
):
    path = progress_file(tmp_path, body)
    error = import_progress(path, script_env, quiz_home)
    assert error.startswith(f"error: {path}:2: ")
    assert expected in error


def test_a_csv_cell_over_the_csv_limit_is_one_line(script_env, small_bank: Path, tmp_path: Path):
    sheet = tmp_path / "sheet.csv"
    sheet.write_text("prompt,answer\nshort,fine\nlong," + "y" * 140_000 + "\n", encoding="utf-8")
    into = tmp_path / "mine.yaml"
    result = quiz(
        ["import", str(sheet), "--into", str(into), "--bank", str(small_bank)], script_env
    )
    error = one_error(result)
    assert error.startswith(f"error: {sheet}:3: ")
    assert "more than 131,072 characters" in error
    assert not into.exists()


def test_a_fifo_is_refused_without_waiting(script_env, quiz_home: Path, tmp_path: Path):
    fifo = tmp_path / "pipe.jsonl"
    os.mkfifo(fifo)
    error = import_progress(fifo, script_env, quiz_home)  # the timeout catches a hang
    assert "not a regular file" in error
    sheet = tmp_path / "pipe.csv"
    os.mkfifo(sheet)
    assert "not a regular file" in one_error(quiz(["import", str(sheet)], script_env))


def test_a_device_is_refused(script_env, quiz_home: Path, tmp_path: Path):
    link = tmp_path / "zero.jsonl"
    link.symlink_to("/dev/zero")
    assert "not a regular file" in import_progress(link, script_env, quiz_home)


def test_a_file_over_the_size_cap_is_refused(script_env, small_bank: Path, tmp_path: Path):
    sheet = tmp_path / "big.csv"
    with sheet.open("wb") as out:
        out.truncate(17 * 1024 * 1024)  # sparse: bigger than a bank file may be
    error = one_error(quiz(["import", str(sheet), "--bank", str(small_bank)], script_env))
    assert "at most 16 MB" in error
