"""The bank changes between sessions: removed, re-added and renamed questions."""

from __future__ import annotations

import json
from pathlib import Path

from rel_helpers import env_with, query, run, scripted

from conftest import SMALL_BANK

DAY1 = "2026-11-26T09:00:00+00:00"
DAY2 = "2026-11-27T09:00:00+00:00"
DAY3 = "2026-11-28T09:00:00+00:00"


def without(text: str, qid: str) -> str:
    """The small bank without one question (its block of lines)."""
    lines = text.splitlines(keepends=True)
    start = next(n for n, line in enumerate(lines) if line.strip() == f"- id: {qid}")
    end = start + 1
    while end < len(lines) and not lines[end].lstrip().startswith("- id:"):
        end += 1
    return "".join(lines[:start] + lines[end:])


def study(env, bank: Path, now: str, answers: list[tuple[str, str]], *extra: str):
    result = run(
        ["study", "--bank", str(bank), *extra], {**env, "MLOPS_QUIZ_NOW": now}, scripted(answers)
    )
    assert result.returncode == 0, result.stderr
    return result


def listing(env, bank: Path, now: str) -> dict[str, dict]:
    result = run(["list", "--json", "--bank", str(bank)], {**env, "MLOPS_QUIZ_NOW": now})
    assert result.returncode == 0, result.stderr
    return {row["id"]: row for row in json.loads(result.stdout)}


def stats(env, bank: Path, now: str) -> dict:
    result = run(["stats", "--json", "--bank", str(bank)], {**env, "MLOPS_QUIZ_NOW": now})
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_removed_then_re_added_question(script_env, small_bank: Path, quiz_home: Path):
    env = env_with(script_env)
    db = quiz_home / "progress.db"
    # Day 1: all four items; mcq-one gets 5 (interval 1, due day 2).
    study(env, small_bank, DAY1, [("a", "5"), ("a,c", "5"), ("2.5; 1.3", "5"), ("b", "5")])
    before = listing(env, small_bank, DAY1)["mcq-one"]
    assert before["due"] == "2026-11-27" and before["repetitions"] == 1

    small_bank.write_text(without(SMALL_BANK, "mcq-one"), encoding="utf-8")
    # Day 2: the three remaining are due; mcq-one is neither asked nor counted.
    day2 = study(env, small_bank, DAY2, [("a", "5"), ("2.5; 1.3", ""), ("b", "5")], "--new", "0")
    assert "1 of 3" in day2.stdout and "Which are SM-2 grades" not in day2.stdout
    assert "mcq-one" not in listing(env, small_bank, DAY2)
    numbers = stats(env, small_bank, DAY2)
    assert numbers["cards"]["total"] == 3
    assert numbers["retention"]["reviews"] == 6  # 3 on day 1 + 3 on day 2, not mcq-one's
    assert all(row["id"] != "mcq-one" for row in numbers["most_lapsed"])
    # The history is kept in the database.
    assert query(db, "SELECT count(*) FROM reviews WHERE question_id = 'mcq-one'") == [(1,)]
    assert query(db, "SELECT interval, due FROM cards WHERE question_id = 'mcq-one'") == [
        (1, "2026-11-27")
    ]

    # Re-added: it resumes where it was (same interval and due, now overdue on day 3).
    small_bank.write_text(SMALL_BANK, encoding="utf-8")
    again = listing(env, small_bank, DAY3)["mcq-one"]
    assert {k: again[k] for k in ("repetitions", "interval", "ef", "due", "lapses")} == {
        k: before[k] for k in ("repetitions", "interval", "ef", "due", "lapses")
    }
    assert stats(env, small_bank, DAY3)["cards"]["total"] == 4
    day3 = study(env, small_bank, DAY3, [("a,c", "5")], "--new", "0")
    assert "review · every 1 d" in day3.stdout and "Which are SM-2 grades" in day3.stdout
    assert query(
        db,
        "SELECT before_repetitions, after_repetitions, after_interval FROM reviews "
        "WHERE question_id = 'mcq-one' ORDER BY id",
    ) == [(0, 1, 1), (1, 2, 6)]


def test_renamed_id_is_reported_and_pruned(script_env, small_bank: Path, quiz_home: Path):
    env = env_with(script_env)
    db = quiz_home / "progress.db"
    study(env, small_bank, DAY1, [("a", "5"), ("a,c", "")], "--new", "2")
    assert run(["stats", "--bank", str(small_bank), "--profile", "other"], env).returncode == 0
    study(env, small_bank, DAY1, [("a", "4")], "--new", "1", "--profile", "other")

    # renamed and reworded: its text is no longer in the bank, so only the id's spelling
    # suggests the rename, and prune deletes it (a rename that keeps the text is kept)
    reworded = SMALL_BANK.replace("id: mcq-one", "id: mcq-one-b").replace(
        "Which are SM-2 grades that pass?", "Which SM-2 grades pass?"
    )
    small_bank.write_text(reworded, encoding="utf-8")
    report = run(["doctor", "--bank", str(small_bank)], env)
    assert report.returncode == 0, report.stderr
    assert "integrity: ok" in report.stdout
    assert "orphaned progress: 1 " in report.stdout
    assert "default: mcq-one (1 answer; renamed to 'mcq-one-b'?)" in report.stdout
    assert "other: open-one" not in report.stdout  # still in the bank
    assert query(db, "SELECT count(*) FROM reviews WHERE question_id = 'mcq-one'") == [(1,)]

    pruned = run(["doctor", "--prune", "--yes", "--any-bank", "--bank", str(small_bank)], env)
    assert pruned.returncode == 0, pruned.stderr
    assert "deleted the progress of 1 question (1 answer)" in pruned.stdout
    assert query(db, "SELECT count(*) FROM reviews WHERE question_id = 'mcq-one'") == [(0,)]
    assert query(db, "SELECT count(*) FROM cards WHERE question_id = 'mcq-one'") == [(0,)]
    assert query(db, "SELECT count(*) FROM reviews") == [(2,)]  # the others are kept

    after = run(["doctor", "--bank", str(small_bank)], env)
    assert after.returncode == 0 and "orphaned progress: none" in after.stdout
    assert "mcq-one-b" in listing(env, small_bank, DAY1)
