"""Progress is never lost by the tools meant to look after it: restore and prune."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
from pathlib import Path

import pexpect
from rel_helpers import (
    ANSWER_PROMPT,
    GRADE_PROMPT,
    SMALL_ANSWERS,
    SMALL_IDS,
    env_with,
    file_state,
    integrity,
    one_error_line,
    query,
    reviewed_ids,
    run,
    scripted,
    spawn,
)

from conftest import SMALL_BANK


def stats(env: dict[str, str], bank: Path, *args: str) -> dict:
    result = run(["stats", "--json", "--bank", str(bank), *args], env)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    return {"retention": data["retention"], "cards": data["cards"]}


def study(env: dict[str, str], bank: Path, answers: list[tuple[str, str]], *args: str) -> None:
    result = run(["study", "--bank", str(bank), "--new", "4", *args], env, scripted(answers))
    assert result.returncode == 0, result.stderr


def kill_after_two_answers(env: dict[str, str], bank: Path) -> None:
    """A session killed with -9 after two more answers: their pages are still in the -wal."""
    child = spawn(["study", "--bank", str(bank), "--new", "4"], env)
    try:
        for text, grade in SMALL_ANSWERS[2:]:
            child.expect(ANSWER_PROMPT)
            child.sendline(text)
            child.expect(GRADE_PROMPT)
            child.sendline(grade)
            child.expect("saved")
        os.kill(child.pid, signal.SIGKILL)
        child.expect(pexpect.EOF)
    finally:
        child.close(force=True)


def test_restore_after_a_killed_session_gives_back_the_backup(
    script_env, small_bank: Path, quiz_home: Path, tmp_path: Path
):
    env = env_with(script_env)
    db = quiz_home / "progress.db"
    study(env, small_bank, SMALL_ANSWERS[:2], "--new", "2")
    copy = tmp_path / "copy.db"
    assert run(["backup", str(copy)], env).returncode == 0
    at_backup = stats(env, small_bank)

    kill_after_two_answers(env, small_bank)
    wal = Path(f"{db}-wal")
    assert wal.exists() and wal.stat().st_size > 0  # the state in which a file copy corrupts
    assert reviewed_ids(db) == SMALL_IDS

    restored = run(["restore", str(copy)], env)
    assert restored.returncode == 0, restored.stderr
    assert integrity(db) == "ok"
    assert reviewed_ids(db) == SMALL_IDS[:2]
    assert stats(env, small_bank) == at_backup
    doctor = run(["doctor", "--bank", str(small_bank)], env)
    assert "integrity: ok" in doctor.stdout, doctor.stdout
    # What was replaced is kept, whole: the four answers of before the restore.
    kept = [p for p in quiz_home.iterdir() if p.name.startswith("progress-before-restore-")]
    assert len(kept) == 1 and kept[0].name in restored.stdout
    assert reviewed_ids(kept[0]) == SMALL_IDS
    assert integrity(kept[0]) == "ok"
    # The restored database carries on: a new session answers the two items again.
    study(env, small_bank, SMALL_ANSWERS[2:], "--new", "4")
    assert reviewed_ids(db) == SMALL_IDS


def test_restore_is_refused_while_another_process_is_writing(
    script_env, small_bank: Path, quiz_home: Path, tmp_path: Path
):
    env = env_with(script_env)
    db = quiz_home / "progress.db"
    study(env, small_bank, SMALL_ANSWERS[:1], "--new", "1")
    copy = tmp_path / "copy.db"
    assert run(["backup", str(copy)], env).returncode == 0
    study(env, small_bank, SMALL_ANSWERS[1:2], "--new", "2")
    holder = sqlite3.connect(db, isolation_level=None)
    try:
        holder.execute("BEGIN IMMEDIATE")  # a session in the middle of saving an answer
        refused = run(["restore", str(copy)], env)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert refused.returncode == 1
    assert "in use" in one_error_line(refused.stderr)
    assert reviewed_ids(db) == SMALL_IDS[:2]  # unchanged
    assert not [p for p in quiz_home.iterdir() if "before-restore" in p.name]


def test_restore_refuses_what_is_not_a_sound_backup(
    script_env, small_bank: Path, quiz_home: Path, tmp_path: Path
):
    env = env_with(script_env)
    study(env, small_bank, SMALL_ANSWERS[:1], "--new", "1")
    before = file_state(quiz_home)
    text = tmp_path / "notes.txt"
    text.write_text("not a database")
    foreign = tmp_path / "foreign.db"
    conn = sqlite3.connect(foreign)
    conn.execute("CREATE TABLE notes (body TEXT)")
    conn.commit()
    conn.close()
    newer = tmp_path / "newer.db"
    assert run(["backup", str(newer)], env).returncode == 0
    conn = sqlite3.connect(newer)
    conn.execute("INSERT INTO _mlops_quiz_migrations VALUES ('m999_future', '2030-01-01')")
    conn.commit()
    conn.close()
    for source, message in (
        (tmp_path / "missing.db", "does not exist"),
        (tmp_path, "not a regular file"),
        (text, "not an SQLite database"),
        (foreign, "other tables"),
        (newer, "newer version"),
        (quiz_home / "progress.db", "live database"),
    ):
        result = run(["restore", str(source)], env)
        assert result.returncode == 2, (source, result.stderr)
        assert message in one_error_line(result.stderr), result.stderr
        assert file_state(quiz_home) == before, source


def test_backup_refuses_the_live_database_and_a_missing_one(
    script_env, small_bank: Path, quiz_home: Path, tmp_path: Path
):
    env = env_with(script_env)
    missing = run(["backup", str(tmp_path / "copy.db")], env)
    assert missing.returncode == 2
    assert "no database" in one_error_line(missing.stderr)
    assert not (tmp_path / "copy.db").exists() and not quiz_home.exists()

    study(env, small_bank, SMALL_ANSWERS[:1], "--new", "1")
    db = quiz_home / "progress.db"
    link = tmp_path / "link.db"
    link.symlink_to(db)
    for target in (db, Path(f"{db}-wal"), Path(f"{db}-shm"), link):
        result = run(["backup", "--force", str(target)], env)
        assert result.returncode == 2, target
        assert "live database" in one_error_line(result.stderr)
    assert integrity(db) == "ok" and reviewed_ids(db) == SMALL_IDS[:1]

    dangling = tmp_path / "dangling.db"
    dangling.symlink_to(tmp_path / "nowhere" / "x.db")
    refused = run(["backup", str(dangling)], env)
    assert refused.returncode == 2 and "--force" in one_error_line(refused.stderr)
    assert dangling.is_symlink() and not (tmp_path / "nowhere").exists()

    empty = run(["backup", ""], env)
    assert empty.returncode == 2
    assert "give the path of the file" in one_error_line(empty.stderr)

    unwritable = run(["backup", "/proc/copy.db"], env)
    assert unwritable.returncode == 1
    assert "cannot write the backup" in one_error_line(unwritable.stderr)


# ---------------------------------------------------------------- prune


def two_profiles_with_history(env: dict[str, str], bank: Path) -> None:
    study(env, bank, SMALL_ANSWERS)
    study(env, bank, SMALL_ANSWERS, "--profile", "other")


def count(db: Path, profile: str | None = None) -> int:
    if profile is None:
        return int(query(db, "SELECT count(*) FROM reviews")[0][0])  # type: ignore[arg-type]
    rows = query(db, "SELECT count(*) FROM reviews WHERE profile = ?", (profile,))
    return int(rows[0][0])  # type: ignore[arg-type]


def test_prune_with_another_bank_is_refused(script_env, quiz_home: Path, tmp_path: Path):
    """`doctor --prune --bank extra.yaml` once deleted every profile's whole history."""
    own = quiz_home / "questions.yaml"
    quiz_home.mkdir()
    own.write_text(SMALL_BANK, encoding="utf-8")
    env = env_with(script_env)
    for profile in ("default", "other"):
        result = run(
            ["study", "--topic", "basics", "--topic", "more", "--profile", profile],
            env,
            scripted(SMALL_ANSWERS),
        )
        assert result.returncode == 0, result.stderr
    db = quiz_home / "progress.db"
    extra = tmp_path / "extra.yaml"
    extra.write_text(SMALL_BANK.replace("id: open-one", "id: extra-one"), encoding="utf-8")
    before = count(db)
    result = run(["doctor", "--prune", "--yes", "--bank", str(extra)], env)
    assert result.returncode == 2
    assert "not the usual ones" in one_error_line(result.stderr)
    assert count(db) == before == 8


def test_a_dangling_own_bank_is_a_warning_everywhere_and_stops_prune(
    script_env, quiz_home: Path, tmp_path: Path
):
    quiz_home.mkdir()
    synced = tmp_path / "synced"
    synced.mkdir()
    (synced / "questions.yaml").write_text(
        "topics:\n  - id: mine\n    title: Mine\n"
        "questions:\n"
        "  - id: my-own\n    topic: mine\n    type: open\n"
        "    prompt: My own question?\n    answer: Mine.\n",
        encoding="utf-8",
    )
    own = quiz_home / "questions.yaml"
    own.symlink_to(synced / "questions.yaml")
    env = env_with(script_env)
    result = run(["study", "--topic", "mine"], env, "mine\n5\n")
    assert result.returncode == 0, result.stderr
    db = quiz_home / "progress.db"
    assert query(db, "SELECT count(*) FROM reviews WHERE question_id = 'my-own'") == [(1,)]
    answers = count(db)

    (synced / "questions.yaml").rename(synced / "moved.yaml")  # the synced folder is gone
    for args in (["stats"], ["list"], ["topics"], ["path"], ["doctor"]):
        shown = run(args, env)
        assert shown.returncode == 0, (args, shown.stderr)
        assert f"warning: {own}: your bank is a link to a missing file" in shown.stderr, args
    pruned = run(["doctor", "--prune", "--yes"], env)
    assert pruned.returncode == 2
    assert "could not be loaded" in pruned.stderr
    assert count(db) == answers
    assert query(db, "SELECT count(*) FROM reviews WHERE question_id = 'my-own'") == [(1,)]


def test_prune_shows_what_goes_backs_up_first_and_keeps_other_profiles(
    script_env, small_bank: Path, quiz_home: Path
):
    env = env_with(script_env)
    two_profiles_with_history(env, small_bank)
    db = quiz_home / "progress.db"
    # renamed and reworded, so prune deletes it (a rename that keeps the text is kept)
    small_bank.write_text(
        SMALL_BANK.replace("id: mcq-one", "id: mcq-renamed").replace(
            "Which are SM-2 grades that pass?", "Which SM-2 grades pass?"
        ),
        encoding="utf-8",
    )
    args = ["doctor", "--prune", "--any-bank", "--bank", str(small_bank)]

    not_asked = run([*args, "--profile", "other"], env)  # no terminal to ask at, no --yes
    assert not_asked.returncode == 2
    assert "--yes" in one_error_line(not_asked.stderr)
    assert count(db) == 8

    pruned = run([*args, "--profile", "other", "--yes"], env)
    assert pruned.returncode == 0, pruned.stderr
    assert "to delete:\n  other: 1 question, 1 answer\n" in pruned.stdout
    assert "default:" not in pruned.stdout.split("to delete:")[1]
    assert "deleted the progress of 1 question (1 answer)" in pruned.stdout
    assert count(db, "other") == 3 and count(db, "default") == 4
    kept = [p for p in quiz_home.iterdir() if p.name.startswith("progress-before-prune-")]
    assert len(kept) == 1 and str(kept[0]) in pruned.stdout
    assert count(kept[0], "other") == 4 and integrity(kept[0]) == "ok"


def test_prune_at_a_terminal_asks_first(script_env, small_bank: Path, quiz_home: Path):
    env = env_with(script_env)
    study(env, small_bank, SMALL_ANSWERS)
    db = quiz_home / "progress.db"
    # renamed and reworded, so prune deletes it (a rename that keeps the text is kept)
    small_bank.write_text(
        SMALL_BANK.replace("id: mcq-one", "id: mcq-renamed").replace(
            "Which are SM-2 grades that pass?", "Which SM-2 grades pass?"
        ),
        encoding="utf-8",
    )
    args = ["doctor", "--prune", "--any-bank", "--bank", str(small_bank)]
    for reply, left in (("n", 4), ("y", 3)):
        child = spawn(args, env)
        try:
            child.expect("default: 1 question, 1 answer")
            child.expect("Delete this progress\\?")
            child.sendline(reply)
            child.expect(pexpect.EOF)
        finally:
            child.close()
        assert child.exitstatus == 0, child.before
        assert count(db) == left, reply


def test_the_readme_restores_and_prunes_with_the_safe_commands():
    readme = (Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")
    assert "mlops-quiz restore" in readme
    assert "copy it over" not in readme
