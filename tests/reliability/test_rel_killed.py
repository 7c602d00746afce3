"""A study session killed with SIGKILL loses nothing it had saved, and the next one carries on."""

from __future__ import annotations

import signal
from pathlib import Path

import pytest
from rel_helpers import (
    ANSWER_PROMPT,
    GRADE_PROMPT,
    SMALL_ANSWERS,
    SMALL_IDS,
    SMALL_PROMPTS,
    assert_cards_match_log,
    env_with,
    integrity,
    query,
    reviewed_ids,
    run,
    scripted,
    spawn,
)


def kill(child, may_have_finished: bool = False) -> None:
    """SIGKILL the session. After its last answer a session may save it and exit on its own
    before the signal lands: then ``may_have_finished`` accepts a clean exit instead."""
    child.kill(signal.SIGKILL)
    child.close(force=True)
    if may_have_finished and child.signalstatus is None:
        assert child.exitstatus == 0
    else:
        assert child.signalstatus == signal.SIGKILL


def carry_on(env: dict[str, str], bank: Path, db: Path, done: int) -> None:
    """The next session asks exactly the items not answered yet, in bank order."""
    remaining = len(SMALL_IDS) - done
    result = run(["study", "--bank", str(bank), "--new", "4"], env, scripted(SMALL_ANSWERS[done:]))
    assert result.returncode == 0, result.stderr
    if remaining == 0:  # the last answer reached the disk before the kill
        assert "Nothing to study" in result.stdout
        assert sorted(reviewed_ids(db)) == sorted(SMALL_IDS)
        return
    assert f"1 of {remaining}" in result.stdout
    first_asked = result.stdout.index(SMALL_PROMPTS[done])
    for earlier in SMALL_PROMPTS[:done]:
        assert earlier not in result.stdout  # answered before the kill: not new any more
    for later in SMALL_PROMPTS[done + 1 :]:
        assert result.stdout.index(later) > first_asked
    assert sorted(reviewed_ids(db)) == sorted(SMALL_IDS)
    assert integrity(db) == "ok"
    assert_cards_match_log(db)


def answer_and_wait(child, k: int) -> None:
    """Give the first k answers, each time waiting until it is reported saved."""
    for answer, grade in SMALL_ANSWERS[:k]:
        child.expect(ANSWER_PROMPT)
        child.sendline(answer)
        child.expect(GRADE_PROMPT)
        child.sendline(grade)
        child.expect("saved")


@pytest.mark.parametrize("k", [0, 1, 2, 3])
def test_kill_after_k_saved_answers(k: int, script_env, small_bank: Path, quiz_home: Path):
    env = env_with(script_env)
    db = quiz_home / "progress.db"
    child = spawn(["study", "--bank", str(small_bank), "--new", "4"], env)
    answer_and_wait(child, k)
    child.expect(SMALL_PROMPTS[k])
    child.expect(ANSWER_PROMPT)
    kill(child)

    assert reviewed_ids(db) == SMALL_IDS[:k]
    assert integrity(db) == "ok"
    assert_cards_match_log(db)
    carry_on(env, small_bank, db, k)


@pytest.mark.parametrize("k", [0, 1, 2, 3])
def test_kill_while_the_answer_is_written(k: int, script_env, small_bank: Path, quiz_home: Path):
    env = env_with(script_env)
    db = quiz_home / "progress.db"
    child = spawn(["study", "--bank", str(small_bank), "--new", "4"], env)
    answer_and_wait(child, k)
    answer, grade = SMALL_ANSWERS[k]
    child.expect(ANSWER_PROMPT)
    child.sendline(answer)
    child.expect(GRADE_PROMPT)
    child.sendline(grade)
    # Without waiting for "saved": the answer may be half way to the disk.
    kill(child, may_have_finished=k == len(SMALL_IDS) - 1)

    assert integrity(db) == "ok"
    saved = reviewed_ids(db)
    assert saved in (SMALL_IDS[:k], SMALL_IDS[: k + 1])
    assert_cards_match_log(db)
    carry_on(env, small_bank, db, len(saved))


def test_undo_and_repeats_keep_cards_consistent_with_the_log(
    script_env, small_bank: Path, quiz_home: Path
):
    """Answers taken back (u) and same-day repeats, then the input stops: log and cards agree."""
    env = env_with(script_env)
    db = quiz_home / "progress.db"
    lines = [
        ("a", "2"),  # open-one fails: it comes back at the end
        ("b", "u"),  # at mcq-one's grade: take back open-one's answer
        ("a", "5"),  # open-one again, passed
        ("a,c", ""),
        ("wrong; 9", "1"),  # cloze-one fails
        ("scope", "u"),  # take back cloze-one's answer
        ("2.5; 1.3", "3"),  # cloze passed with difficulty: a repeat is queued
        ("scope", "4"),
        ("2.5; 1.3", ""),  # the repeat (logged, schedule unchanged)
    ]
    result = run(["study", "--bank", str(small_bank), "--new", "4"], env, scripted(lines))
    assert result.returncode == 0, result.stderr
    assert result.stdout.count("Undone") == 2
    rows = query(db, "SELECT question_id, grade, kind FROM reviews ORDER BY id")
    assert rows == [
        ("open-one", 5, "review"),
        ("mcq-one", 5, "review"),  # right and quick: the suggestion is 5
        ("cloze-one", 3, "review"),
        ("open-two", 4, "review"),
        ("cloze-one", 5, "repeat"),
    ]
    assert integrity(db) == "ok"
    assert_cards_match_log(db)
