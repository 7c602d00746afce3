"""``mlops-quiz backup`` while a study session is running, and restoring the copy."""

from __future__ import annotations

import json
from pathlib import Path

import pexpect
from rel_helpers import (
    ANSWER_PROMPT,
    GRADE_PROMPT,
    SMALL_ANSWERS,
    SMALL_IDS,
    env_with,
    integrity,
    query,
    reviewed_ids,
    run,
    spawn,
)


def retention(env, bank: Path, *db: str) -> dict:
    result = run(["stats", "--json", "--bank", str(bank), *db], env)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    return {"retention": data["retention"], "cards": data["cards"]}


def answer(child, item: int) -> None:
    text, grade = SMALL_ANSWERS[item]
    child.expect(ANSWER_PROMPT)
    child.sendline(text)
    child.expect(GRADE_PROMPT)
    child.sendline(grade)
    child.expect("saved")


def test_backup_during_a_session_and_restore(
    script_env, small_bank: Path, quiz_home: Path, tmp_path: Path
):
    env = env_with(script_env)
    db = quiz_home / "progress.db"
    copy = tmp_path / "backups" / "copy.db"
    copy.parent.mkdir()
    child = spawn(["study", "--bank", str(small_bank), "--new", "4"], env)
    answer(child, 0)
    answer(child, 1)
    child.expect(ANSWER_PROMPT)  # the session is open, waiting for the third answer
    at_backup = retention(env, small_bank)
    result = run(["backup", str(copy)], env)
    assert result.returncode == 0, result.stderr
    assert f"to {copy}" in result.stdout
    # The session goes on after the backup, and its later answers are not in the copy.
    child.sendline(SMALL_ANSWERS[2][0])
    child.expect(GRADE_PROMPT)
    child.sendline(SMALL_ANSWERS[2][1])
    child.expect("saved")
    answer(child, 3)
    child.expect("Session over")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    assert reviewed_ids(db) == SMALL_IDS

    assert integrity(copy) == "ok"
    assert reviewed_ids(copy) == SMALL_IDS[:2]
    assert query(copy, "PRAGMA journal_mode") == [("delete",)]
    assert sorted(p.name for p in copy.parent.iterdir()) == ["copy.db"]  # no temporary left
    assert retention(env, small_bank) != at_backup  # the live database moved on

    # Restore 1: use the copy directly.
    assert retention(env, small_bank, "--db", f"sqlite:///{copy}") == at_backup
    # Restore 2: put it back in place of progress.db, the way the README says.
    restored = run(["restore", str(copy)], env)
    assert restored.returncode == 0, restored.stderr
    assert retention(env, small_bank) == at_backup
    assert reviewed_ids(db) == SMALL_IDS[:2]
    assert integrity(db) == "ok"


def test_backup_refuses_to_overwrite_without_force(script_env, small_bank: Path, tmp_path: Path):
    env = env_with(script_env)
    studied = run(["study", "--bank", str(small_bank), "--new", "1"], env, "x\n4\n")
    assert studied.returncode == 0, studied.stderr
    target = tmp_path / "keep.db"
    target.write_bytes(b"precious")
    refused = run(["backup", str(target)], env)
    assert refused.returncode == 2
    assert refused.stderr.strip().startswith("error: ") and "--force" in refused.stderr
    assert target.read_bytes() == b"precious"
    forced = run(["backup", "--force", str(target)], env)
    assert forced.returncode == 0, forced.stderr
    assert integrity(target) == "ok"
