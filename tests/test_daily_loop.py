"""The daily loop, as a learner runs it every day: the console script in real processes, real
YAML banks and real SQLite files in temporary folders. Expected values come from the README."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pexpect
import pytest

from conftest import console_script

NOW = "2026-11-26T09:00:00+00:00"

LOOP_BANK = textwrap.dedent(
    """\
    topics:
      - id: alpha
        title: Alpha
      - id: beta
        title: Beta
    questions:
      - id: alpha-req
        topic: alpha
        type: open
        prompt: What is alpha one?
        answer: The first alpha.
        key_points: [first]
        tags: [required]
      - id: alpha-free
        topic: alpha
        type: open
        prompt: What is alpha two?
        answer: The second alpha.
        key_points: [second]
      - id: beta-req
        topic: beta
        type: open
        prompt: What is beta one?
        answer: The first beta.
        key_points: [first]
        tags: [required]
    """
)


def run(
    args: list[str], env: dict[str, str], stdin: str = "", now: str = NOW
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [console_script(), *args],
        input=stdin,
        capture_output=True,
        text=True,
        env={**env, "MLOPS_QUIZ_NOW": now, "TZ": "UTC"},
        timeout=120,
    )


@pytest.fixture
def loop_bank(tmp_path: Path) -> Path:
    path = tmp_path / "loop.yaml"
    path.write_text(LOOP_BANK, encoding="utf-8")
    return path


def asked_prompts(out: str, prompts: list[str]) -> list[str]:
    """The prompts of the items shown (in their panels), in the order they were asked."""
    return [p for line in out.splitlines() for p in prompts if line.strip("│ ") == p]


def db_rows(db: Path, query: str) -> list[tuple[object, ...]]:
    with sqlite3.connect(db) as conn:
        return conn.execute(query).fetchall()


# 1. --topic with --tag means both -------------------------------------------------------------


def test_topic_and_tag_together_mean_both_in_card_commands(
    script_env: dict[str, str], loop_bank: Path, quiz_home: Path
) -> None:
    both = ["--topic", "alpha", "--tag", "required", "--bank", str(loop_bank)]
    suspended = run(["suspend", *both], script_env)
    assert suspended.returncode == 0, suspended.stderr
    assert suspended.stdout.strip() == "suspended: 1 card: alpha-req"
    assert run(["unsuspend", *both], script_env).stdout.strip() == (
        "unsuspended: 1 card: alpha-req"
    )
    buried = run(["bury", *both], script_env)
    assert buried.stdout.strip() == "buried until the next study day: 1 card: alpha-req"
    studied = run(
        ["study", "--bank", str(loop_bank)],
        script_env,
        "first\n5\n" * 3,
        now="2026-11-27T09:00:00+00:00",
    )
    assert studied.returncode == 0, studied.stderr
    reset = run(["reset", *both], script_env, now="2026-11-27T10:00:00+00:00")
    assert reset.returncode == 0, reset.stderr
    assert "reset to new: 1 card" in reset.stdout
    assert "alpha-req" in reset.stdout and "beta-req" not in reset.stdout


def test_reset_of_several_cards_asks_and_keeps_a_backup(
    script_env: dict[str, str], loop_bank: Path, quiz_home: Path
) -> None:
    bank = ["--bank", str(loop_bank)]
    assert run(["study", *bank], script_env, "first\n5\n" * 3).returncode == 0
    refused = run(["reset", "--topic", "alpha", *bank], script_env)
    assert refused.returncode != 0
    assert (
        refused.stderr.strip()
        .splitlines()[-1]
        .endswith("add --yes to reset more than one card when not at a terminal")
    )
    assert db_rows(quiz_home / "progress.db", "SELECT count(*) FROM cards WHERE due IS NULL") == [
        (0,)
    ]
    assert not list(quiz_home.glob("progress-before-reset-*.db"))
    done = run(["reset", "--topic", "alpha", "--yes", *bank], script_env)
    assert done.returncode == 0, done.stderr
    assert "to reset: 2 cards" in done.stdout
    assert "reset to new: 2 cards" in done.stdout
    (kept,) = quiz_home.glob("progress-before-reset-*.db")
    assert db_rows(kept, "SELECT count(*) FROM cards WHERE due IS NULL") == [(0,)]
    assert db_rows(quiz_home / "progress.db", "SELECT count(*) FROM cards WHERE due IS NULL") == [
        (2,)
    ]


def test_reset_of_several_cards_at_a_terminal_asks_and_no_changes_nothing(
    script_env: dict[str, str], loop_bank: Path, quiz_home: Path
) -> None:
    bank = ["--bank", str(loop_bank)]
    assert run(["study", *bank], script_env, "first\n5\n" * 3).returncode == 0
    db = quiz_home / "progress.db"
    new_cards = "SELECT count(*) FROM cards WHERE due IS NULL"
    for reply, reset_cards, backups in (("n", 0, 0), ("y", 2, 1)):
        child = spawn(["reset", "--topic", "alpha", *bank], script_env)
        child.expect("to reset: 2 cards")
        child.expect(r"Reset 2 cards to new\?")
        child.sendline(reply)
        child.expect(pexpect.EOF)
        child.close()
        assert child.exitstatus == 0, child.before
        assert db_rows(db, new_cards) == [(reset_cards,)], reply
        assert len(list(quiz_home.glob("progress-before-reset-*.db"))) == backups, reply
    (kept,) = quiz_home.glob("progress-before-reset-*.db")
    assert db_rows(kept, new_cards) == [(0,)]


# 2. Undo never brings a buried item back ------------------------------------------------------


def test_undo_after_a_bury_does_not_bring_the_buried_item_back(
    script_env: dict[str, str], loop_bank: Path, quiz_home: Path
) -> None:
    # Item 1 graded 5, item 2 buried (:b), :u at item 3: item 1 again, then item 3.
    script = "first\n5\n:b\n:u\nfirst\n5\nfirst\n5\n"
    result = run(["study", "--bank", str(loop_bank)], script_env, script)
    assert result.returncode == 0, result.stderr
    prompts = ["What is alpha one?", "What is alpha two?", "What is beta one?"]
    order = asked_prompts(result.stdout, prompts)
    assert order == [
        "What is alpha one?",
        "What is alpha two?",
        "What is beta one?",
        "What is alpha one?",
        "What is beta one?",
    ]
    db = quiz_home / "progress.db"
    assert db_rows(db, "SELECT count(*) FROM reviews WHERE question_id = 'alpha-free'") == [(0,)]
    assert db_rows(db, "SELECT buried_until FROM cards WHERE question_id = 'alpha-free'") == [
        ("2026-11-27",)
    ]
    assert db_rows(db, "SELECT question_id FROM reviews ORDER BY id") == [
        ("alpha-req",),
        ("beta-req",),
    ]


# 3. Owed repeats are logged with the card's real state ----------------------------------------


def test_a_repeat_owed_from_an_earlier_session_is_logged_with_the_cards_state(
    script_env: dict[str, str], loop_bank: Path, quiz_home: Path
) -> None:
    bank = ["--bank", str(loop_bank), "--limit", "1"]
    # Grade 3 (README): interval 1 day, EF 2.50 - 0.14 = 2.36, and a repeat owed today.
    first = run(["study", *bank], script_env, "nothing\n3\n:q\n")
    assert first.returncode == 0, first.stderr
    later = "2026-11-26T11:00:00+00:00"
    second = run(["study", *bank, "--new", "0"], script_env, "first\n5\n", now=later)
    assert second.returncode == 0, second.stderr
    assert "What is alpha one?" in second.stdout
    rows = db_rows(
        quiz_home / "progress.db",
        "SELECT kind, before_interval, after_interval, before_ef100, after_ef100, after_due "
        "FROM reviews ORDER BY id",
    )
    assert rows == [
        ("review", 0, 1, 250, 236, "2026-11-27"),
        ("repeat", 1, 1, 236, 236, "2026-11-27"),
    ]
    shown = run(["show", "alpha-req", "--json", "--bank", str(loop_bank)], script_env)
    history = json.loads(shown.stdout)["history"]
    assert [(h["interval_before"], h["interval_after"]) for h in history] == [(0, 1), (1, 1)]


# 4. Two sessions of one profile ---------------------------------------------------------------


def spawn(args: list[str], env: dict[str, str], now: str = NOW) -> pexpect.spawn:
    env = {**env, "MLOPS_QUIZ_NOW": now, "TZ": "UTC", "COLUMNS": "100", "LINES": "40"}
    env["TERM"] = "xterm"
    return pexpect.spawn(
        console_script(), args, env=env, encoding="utf-8", timeout=90, dimensions=(40, 100)
    )


def test_two_sessions_of_one_profile_never_grade_a_card_twice(
    script_env: dict[str, str], loop_bank: Path, quiz_home: Path
) -> None:
    bank = ["--bank", str(loop_bank), "--limit", "1"]
    assert run(["study", *bank], script_env, "first\n5\n").returncode == 0  # due tomorrow
    tomorrow = "2026-11-27T09:00:00+00:00"
    one = spawn(["study", *bank, "--new", "0"], script_env, tomorrow)
    one.expect("What is alpha one")
    one.expect("Your answer")
    two = spawn(["study", *bank, "--new", "0"], script_env, tomorrow)
    two.expect("What is alpha one")
    two.expect("Your answer")
    one.sendline("first")
    one.expect(r"Grade 0-5")
    one.sendline("5")  # the second repetition: 6 days (README)
    one.expect("Session over")
    one.expect(pexpect.EOF)
    two.sendline("nothing")
    two.expect(r"Grade 0-5")
    two.sendline("0")
    two.expect("Skipped: this card was answered in another session meanwhile")
    two.expect("Session over")
    two.expect(pexpect.EOF)
    db = quiz_home / "progress.db"
    assert db_rows(
        db, "SELECT grade, before_interval, after_interval FROM reviews ORDER BY id"
    ) == [
        (5, 0, 1),
        (5, 1, 6),
    ]
    assert db_rows(db, "SELECT interval, due FROM cards WHERE question_id = 'alpha-req'") == [
        (6, "2026-12-03")
    ]


# 5. A suspended leech is owed no repeat -------------------------------------------------------


def test_a_leech_suspended_at_its_eighth_lapse_is_not_counted_as_owed(
    script_env: dict[str, str], loop_bank: Path, quiz_home: Path
) -> None:
    bank = ["--bank", str(loop_bank), "--limit", "1"]
    assert run(["study", *bank], script_env, "first\n5\n").returncode == 0
    with sqlite3.connect(quiz_home / "progress.db") as conn:  # seven lapses behind it already
        conn.execute("UPDATE cards SET lapses = 7 WHERE question_id = 'alpha-req'")
    env = {**script_env, "MLOPS_QUIZ_SUSPEND_LEECHES": "true"}
    result = run(
        ["study", *bank, "--new", "0"], env, "nothing\n0\n", now="2026-11-27T09:00:00+00:00"
    )
    assert result.returncode == 0, result.stderr
    assert "it is a leech and was suspended" in " ".join(result.stdout.split())
    (left,) = [line for line in result.stdout.splitlines() if "Left today" in line]
    assert left.strip("│ ").split() == ["Left", "today", "nothing"]
    assert "owed" not in result.stdout


# 6. A new --bank file may use the bundled topics everywhere ----------------------------------


def test_a_new_bank_file_written_by_add_question_is_read_by_every_command(
    script_env: dict[str, str], tmp_path: Path
) -> None:
    new = tmp_path / "new.yaml"
    added = run(
        [
            "add-question",
            "--bank",
            str(new),
            "--topic",
            "data-centric-ai",
            "--type",
            "open",
            "--id",
            "my-labels",
            "--prompt",
            "Why do consistent labels matter for small data?",
            "--answer",
            "Each noisy label weighs a lot.",
            "--key-point",
            "noisy label",
        ],
        script_env,
    )
    assert added.returncode == 0, added.stderr
    assert added.stdout.strip() == f"added my-labels to {new}"
    checked = run(["validate", str(new)], script_env)
    assert checked.returncode == 0, checked.stderr
    assert checked.stdout.strip() == "ok: 1 question in 1 topic, 1 file"
    listed = run(["list", "--json", "--bank", str(new)], script_env)
    assert listed.returncode == 0, listed.stderr
    assert [row["id"] for row in json.loads(listed.stdout)] == ["my-labels"]
    topics = run(["topics", "--bank", str(new)], script_env)
    assert topics.returncode == 0, topics.stderr
    assert "data-centric-ai" in topics.stdout
    studied = run(["study", "--bank", str(new)], script_env, "noisy label\n5\n")
    assert studied.returncode == 0, studied.stderr
    assert "Why do consistent labels matter for small data?" in studied.stdout
    assert "unknown topic" not in studied.stderr + topics.stderr + listed.stderr


# 10. u at the grade prompt says which answer it takes back ------------------------------------


def test_undo_at_the_grade_prompt_names_the_item_and_asks_the_current_one_after_it(
    script_env: dict[str, str], loop_bank: Path, quiz_home: Path
) -> None:
    script = "first\n5\nsecond\nu\nfirst\n4\nsecond\n5\nfirst\n5\n"
    result = run(["study", "--bank", str(loop_bank)], script_env, script)
    assert result.returncode == 0, result.stderr
    flat = " ".join(result.stdout.split())
    assert (
        "Undone: your answer to alpha-req ('What is alpha one?') was taken back; "
        "it is asked again, then the item you were on." in flat
    )
    prompts = ["What is alpha one?", "What is alpha two?", "What is beta one?"]
    assert asked_prompts(result.stdout, prompts) == [
        "What is alpha one?",
        "What is alpha two?",
        "What is alpha one?",
        "What is alpha two?",
        "What is beta one?",
    ]
    query = "SELECT question_id, grade FROM reviews ORDER BY question_id"
    assert db_rows(quiz_home / "progress.db", query) == [
        ("alpha-free", 5),
        ("alpha-req", 4),
        ("beta-req", 5),
    ]


# 11. A refused --id writes nothing ------------------------------------------------------------


def test_study_with_an_unknown_id_refuses_before_creating_the_database(
    script_env: dict[str, str], loop_bank: Path, quiz_home: Path
) -> None:
    result = run(["study", "--id", "nope", "--bank", str(loop_bank)], script_env)
    assert result.returncode == 2
    assert result.stderr == "error: no question with id 'nope' in the loaded banks and topics\n"
    assert result.stdout == ""
    assert not (quiz_home / "progress.db").exists()


# 12. restore while a session is open ----------------------------------------------------------


def test_restore_is_refused_while_a_session_of_the_database_is_at_a_prompt(
    script_env: dict[str, str], loop_bank: Path, quiz_home: Path, tmp_path: Path
) -> None:
    bank = ["--bank", str(loop_bank)]
    assert run(["study", *bank, "--limit", "1"], script_env, "first\n5\n").returncode == 0
    copy = tmp_path / "copy.db"
    assert run(["backup", str(copy)], script_env).returncode == 0
    session = spawn(["study", *bank, "--new", "2"], script_env)
    session.expect("What is alpha two")
    session.expect("Your answer")
    refused = run(["restore", str(copy)], script_env)
    assert refused.returncode == 2
    assert refused.stderr == (
        "error: a study session of this database is open; finish it (q) before restoring\n"
    )
    assert not list(quiz_home.glob("progress-before-restore-*.db"))
    session.sendline("second")
    session.expect("Grade 0-5")
    session.sendline("5")  # the day's last new item: the session ends
    session.expect("Session over")
    session.expect(pexpect.EOF)
    db = quiz_home / "progress.db"
    assert db_rows(db, "SELECT question_id FROM reviews ORDER BY id") == [
        ("alpha-req",),
        ("alpha-free",),
    ]
    restored = run(["restore", str(copy)], script_env)  # the session is over: it may go on
    assert restored.returncode == 0, restored.stderr
    assert db_rows(db, "SELECT question_id FROM reviews ORDER BY id") == [("alpha-req",)]


# 9. A file of the wrong format is one line ----------------------------------------------------


def test_import_and_export_refuse_a_file_of_the_wrong_format_in_one_line(
    script_env: dict[str, str], loop_bank: Path, quiz_home: Path, tmp_path: Path
) -> None:
    assert (
        run(["study", "--bank", str(loop_bank), "--limit", "1"], script_env, "x\n5\n").returncode
        == 0
    )
    before = loop_bank.read_bytes()
    cases = [
        (
            ["import", str(loop_bank), "--into", str(loop_bank), "--bank", str(loop_bank)],
            f"error: {loop_bank}: a sheet of questions is a .csv or .txt file, not 'loop.yaml'\n",
        ),
        (
            ["import", "--progress", str(tmp_path / "bank.csv")],
            f"error: {tmp_path / 'bank.csv'}: --progress reads JSON lines: it is a .jsonl file, "
            "not 'bank.csv'\n",
        ),
        (
            ["export", "--reviews", str(tmp_path / "r.json")],
            f"error: {tmp_path / 'r.json'}: --reviews writes CSV: it is a .csv file, "
            "not 'r.json'\n",
        ),
        (
            ["export", "--progress", str(tmp_path / "p.csv")],
            f"error: {tmp_path / 'p.csv'}: --progress writes JSON lines: it is a .jsonl file, "
            "not 'p.csv'\n",
        ),
    ]
    (tmp_path / "bank.csv").write_text("prompt,answer\nq,a\n", encoding="utf-8")
    for args, expected in cases:
        result = run(args, script_env)
        assert result.returncode == 2, args
        assert result.stderr == expected
    assert loop_bank.read_bytes() == before
    assert not (tmp_path / "r.json").exists() and not (tmp_path / "p.csv").exists()


# 7. topics warns about a bad entry in your own bank and goes on -------------------------------


OWN_BANK_ONE_BAD = """\
topics:
  - id: mine
    title: My own topic
questions:
  - id: mine-good
    topic: mine
    type: open
    prompt: A good question?
    answer: A good answer.
  - id: mine-bad
    topic: mine
    type: essay
    prompt: A bad one?
    answer: Its type is no type.
"""


def test_topics_warns_about_a_bad_entry_in_your_own_bank_and_goes_on(
    script_env: dict[str, str], quiz_home: Path
) -> None:
    quiz_home.mkdir(parents=True, exist_ok=True)
    own = quiz_home / "questions.yaml"
    own.write_text(OWN_BANK_ONE_BAD, encoding="utf-8")
    result = run(["topics"], script_env)
    assert result.returncode == 0, result.stderr
    (mine,) = [line for line in result.stdout.splitlines() if "My own topic" in line]
    assert "1" in mine.split()
    assert "data-centric-ai" in result.stdout
    assert "warning:" in result.stderr and "1 question left out" in result.stderr


# 14. :s suspends the item in a session --------------------------------------------------------


def test_s_in_a_session_suspends_the_item_and_no_undo_brings_it_back(
    script_env: dict[str, str], loop_bank: Path, quiz_home: Path
) -> None:
    # Item 1 graded 5, :s on item 2, :u at item 3: item 1 again, then item 3; item 2 stays out.
    script = "first\n5\n:s\n:u\nfirst\n5\nfirst\n5\n"
    result = run(["study", "--bank", str(loop_bank)], script_env, script)
    assert result.returncode == 0, result.stderr
    flat = " ".join(result.stdout.split())
    assert "Suspended: skipped, ungraded, until 'mlops-quiz unsuspend alpha-free'." in flat
    prompts = ["What is alpha one?", "What is alpha two?", "What is beta one?"]
    assert asked_prompts(result.stdout, prompts) == [
        "What is alpha one?",
        "What is alpha two?",
        "What is beta one?",
        "What is alpha one?",
        "What is beta one?",
    ]
    db = quiz_home / "progress.db"
    assert db_rows(db, "SELECT suspended FROM cards WHERE question_id = 'alpha-free'") == [(1,)]
    assert db_rows(db, "SELECT count(*) FROM reviews WHERE question_id = 'alpha-free'") == [(0,)]
    later = run(
        ["study", "--bank", str(loop_bank), "--cram"],
        script_env,
        "",
        now="2026-12-20T09:00:00+00:00",
    )
    assert "What is alpha two?" not in later.stdout


# 14. edit ID: $EDITOR at the item's line, validated when it closes ----------------------------


def fake_editor(tmp_path: Path, replace: str, by: str) -> str:
    """An editor that records its arguments and replaces text in the file it is given."""
    script = tmp_path / "editor.py"
    script.write_text(
        textwrap.dedent(
            f"""\
            import sys
            from pathlib import Path
            line, path = sys.argv[1], Path(sys.argv[2])
            Path({str(tmp_path / "args")!r}).write_text(line)
            path.write_text(path.read_text().replace({replace!r}, {by!r}))
            """
        ),
        encoding="utf-8",
    )
    return f"{sys.executable} {script}"


def test_edit_opens_your_item_at_its_line_and_keeps_the_old_bytes_if_invalid(
    script_env: dict[str, str], loop_bank: Path, tmp_path: Path
) -> None:
    bank = ["--bank", str(loop_bank)]
    good = {**script_env, "EDITOR": fake_editor(tmp_path, "The second alpha.", "Alpha, second.")}
    edited = run(["edit", "alpha-free", *bank], good)
    assert edited.returncode == 0, edited.stderr
    assert edited.stdout.strip() == f"edited alpha-free in {loop_bank}"
    assert (tmp_path / "args").read_text() == "+14"  # line 14: '- id: alpha-free'
    assert "answer: Alpha, second." in loop_bank.read_text()
    before = loop_bank.read_bytes()
    bad = {**script_env, "EDITOR": fake_editor(tmp_path, "type: open", "type: essay")}
    refused = run(["edit", "alpha-free", *bank], bad)
    assert refused.returncode == 2
    # each problem at the line of its bad field ('type: essay', three times), then what was kept
    *problems, _kept = refused.stderr.splitlines()
    assert [line.split(": question ")[0] for line in problems] == [
        f"error: {loop_bank}:{n}" for n in (9, 16, 22)
    ]
    assert all("unknown type 'essay'" in line for line in problems)
    assert refused.stderr.splitlines()[-1] == f"error: {loop_bank}: kept as it was before the edit"
    assert loop_bank.read_bytes() == before
    bundled = run(["edit", "dcai-noisy-labels"], good)
    assert bundled.returncode == 2
    assert bundled.stderr == (
        "error: 'dcai-noisy-labels' is in the bundled bank, which is not edited in place; "
        "add your own version with 'mlops-quiz add-question'\n"
    )


def test_edit_opens_items_of_your_own_bank_with_an_invalid_item_in_it(
    script_env: dict[str, str], quiz_home: Path, tmp_path: Path
) -> None:
    # Every command but validate reads your own bank leniently (README): one invalid item
    # is a warning, and edit is how it gets fixed.
    quiz_home.mkdir(parents=True, exist_ok=True)
    own = quiz_home / "questions.yaml"
    own.write_text(OWN_BANK_ONE_BAD, encoding="utf-8")
    before = own.read_bytes()
    answer_only = {**script_env, "EDITOR": fake_editor(tmp_path, "A good answer.", "Good.")}
    refused = run(["edit", "mine-good"], answer_only)
    assert (tmp_path / "args").read_text() == "+5"  # opened at '- id: mine-good'
    assert refused.returncode == 2
    errors = [line for line in refused.stderr.splitlines() if line.startswith("error:")]
    assert errors[0].startswith(f"error: {own}:12: question 'mine-bad': ")
    assert errors[-1] == f"error: {own}: kept as it was before the edit"
    assert own.read_bytes() == before
    bundled = run(["edit", "dcai-noisy-labels"], answer_only)
    assert bundled.returncode == 2
    assert bundled.stderr.splitlines()[-1] == (
        "error: 'dcai-noisy-labels' is in the bundled bank, which is not edited in place; "
        "add your own version with 'mlops-quiz add-question'"
    )
    fixed = {**script_env, "EDITOR": fake_editor(tmp_path, "type: essay", "type: open")}
    edited = run(["edit", "mine-bad"], fixed)
    assert edited.returncode == 0, edited.stderr
    assert (tmp_path / "args").read_text() == "+10"  # opened at '- id: mine-bad'
    assert edited.stdout.strip() == f"edited mine-bad in {own}"
    checked = run(["validate"], script_env)
    assert checked.returncode == 0, checked.stderr
    listed = run(["list", "--json", "--topic", "mine"], script_env)
    assert [row["id"] for row in json.loads(listed.stdout)] == ["mine-good", "mine-bad"]


# 13. A class's own bank comes first (PostgreSQL) ----------------------------------------------


def test_a_class_learner_is_asked_the_teachers_questions_first(
    class_db: Any, loop_bank: Path
) -> None:
    from postgres_helpers import cli, ok

    class_db.publish(loop_bank, bundled=True)
    _, url = class_db.learner("first")
    session = ok(cli(["study", "--limit", "1"], class_db.env, "first\n5\n", db=url))
    assert "What is alpha one?" in session
    assert "1 of 1" in session
    published = ok(
        cli(["class", "publish", "--only", str(loop_bank), "--db", class_db.url], class_db.env)
    )
    assert published.startswith("published 3 questions in 2 topics")
    listed = json.loads(ok(cli(["list", "--json"], class_db.env, db=url)))
    assert [row["id"] for row in listed] == ["alpha-req", "alpha-free", "beta-req"]


# 8. doctor recognises a renamed id by its prompt and answer -----------------------------------

RENAME_BANK = """\
topics: [{id: t, title: T}]
questions:
  - id: which-layer-stores-features
    topic: t
    type: open
    prompt: Where do the features of a model live?
    answer: In the feature store.
    key_points: [feature store]
  - id: other
    topic: t
    type: open
    prompt: What does a pipeline do?
    answer: It moves data.
    key_points: [moves data]
"""


def test_doctor_sees_an_id_renamed_with_its_text_and_prune_keeps_it(
    tmp_path: Path, script_env: dict[str, str], quiz_home: Path
) -> None:
    bank = tmp_path / "bank.yaml"
    bank.write_text(RENAME_BANK, encoding="utf-8")
    studied = run(
        ["study", "--bank", str(bank), "--new", "2"], script_env, "feature store\n4\nx\n1\n"
    )
    assert studied.returncode == 0, studied.stderr
    # the first id renamed beyond any likeness of spelling, its text kept; the other removed
    renamed = RENAME_BANK.replace("which-layer-stores-features", "feature-home")
    bank.write_text(renamed.split("  - id: other")[0], encoding="utf-8")
    doctor = run(["doctor", "--bank", str(bank)], script_env)
    assert "  default: which-layer-stores-features (1 answer; renamed to 'feature-home'?)" in (
        doctor.stdout.splitlines()
    )
    assert "  default: other (1 answer)" in doctor.stdout.splitlines()
    pruned = run(["doctor", "--bank", str(bank), "--prune", "--yes", "--any-bank"], script_env)
    assert pruned.returncode == 0, pruned.stderr
    assert (
        "kept default: which-layer-stores-features: the same question is now 'feature-home'; "
        "move its progress with 'mlops-quiz doctor --rename which-layer-stores-features "
        "feature-home'"
    ) in pruned.stdout.splitlines()
    db = quiz_home / "progress.db"
    assert db_rows(db, "SELECT question_id FROM reviews ORDER BY id") == [
        ("which-layer-stores-features",)
    ]
    moved = run(
        ["doctor", "--bank", str(bank), "--rename", "which-layer-stores-features", "feature-home"],
        script_env,
    )
    assert moved.returncode == 0, moved.stderr
    assert db_rows(db, "SELECT question_id FROM cards") == [("feature-home",)]
