"""Cards under the learner's control, through the installed script: show, search, suspend,
unsuspend, bury (also in a session), reset, doctor --rename, profiles, leeches, list, stats."""

from __future__ import annotations

import json
import sqlite3
import subprocess
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest

from conftest import console_script
from mlops_quiz.scheduling import CardState
from mlops_quiz.store import KIND_REVIEW, ReviewRecord, Store

QUIZ = console_script()
NOW = "2026-11-26T09:00:00+00:00"
TODAY = date(2026, 11, 26)


def run(args: list[str], env: dict[str, str], stdin: str = "", now: str = NOW):
    return subprocess.run(
        [QUIZ, *args],
        input=stdin,
        capture_output=True,
        text=True,
        env={**env, "MLOPS_QUIZ_NOW": now, "TZ": "UTC"},
        timeout=90,
    )


def one_error(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 2, result.stdout + result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    return lines[0]


def rows(db: Path, sql: str) -> list[tuple[object, ...]]:
    conn = sqlite3.connect(db)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def review(qid: str, day: date, grade: int, before: CardState, after: CardState) -> ReviewRecord:
    moment = datetime(day.year, day.month, day.day, 9, tzinfo=timezone.utc)
    return ReviewRecord(qid, moment, day, grade, "typed", 1000, KIND_REVIEW, before, after)


@pytest.fixture
def env(script_env: dict[str, str], small_bank: Path) -> dict[str, str]:
    return {**script_env, "MLOPS_QUIZ_BANK": str(small_bank)}


@pytest.fixture
def db(quiz_home: Path) -> Path:
    return quiz_home / "progress.db"


def study_first_two(env: dict[str, str]) -> None:
    """open-one graded 5 and mcq-one graded 4 (a, c is right) on 2026-11-26."""
    result = run(["study", "--new", "2"], env, "I know\n5\na,c\n4\n")
    assert result.returncode == 0, result.stderr


# ---------------------------------------------------------------- suspend


def test_a_suspended_card_is_never_studied_until_unsuspended(env, db: Path):
    study_first_two(env)
    result = run(["suspend", "open-one", "open-two"], env)
    assert result.returncode == 0, result.stderr
    assert "suspended: 2 cards" in result.stdout
    later = "2026-11-27T09:00:00+00:00"  # open-one is due; open-two would be new
    listed = json.loads(run(["list", "--json"], env, now=later).stdout)
    marks = {r["id"]: r["marks"] for r in listed}
    assert marks["open-one"] == ["suspended"] and marks["open-two"] == ["suspended"]
    stats = json.loads(run(["stats", "--json"], env, now=later).stdout)
    assert stats["suspended"] == 2
    assert stats["cards"] == {"total": 4, "new": 1, "learning": 1, "mature": 0}
    assert stats["due_today"] == 1  # mcq-one only
    session = run(["study", "--new", "5"], env, "a,c\n5\n2.5; 1.3\n5\n", now=later)
    assert "What is MLOps?" not in session.stdout
    assert "Name the four stages" not in session.stdout
    asked = [r[0] for r in rows(db, "SELECT question_id FROM reviews ORDER BY id")]
    assert asked == ["open-one", "mcq-one", "mcq-one", "cloze-one"]
    assert run(["unsuspend", "open-one"], env).returncode == 0
    session = run(["study", "--new", "0"], env, "I know\n5\n", now=later)
    assert "What is MLOps?" in session.stdout


def test_suspend_by_topic_and_tag(env, db: Path, tmp_path: Path, small_bank: Path):
    tagged = small_bank.read_text().replace(
        "key_points: [scope, data, train, deploy]",
        "key_points: [scope, data, train, deploy]\n    tags: [stages]",
    )
    small_bank.write_text(tagged)
    # Both together mean both: open-two (topic more) is not in basics, so nothing matches.
    both = run(["suspend", "--topic", "basics", "--tag", "stages"], env)
    assert both.returncode == 2
    assert both.stderr == "error: no question matches the --topic and --tag given\n"
    assert run(["suspend", "--topic", "basics"], env).returncode == 0
    assert run(["suspend", "--tag", "stages"], env).returncode == 0
    suspended = rows(db, "SELECT question_id FROM cards WHERE suspended = 1 ORDER BY question_id")
    assert [r[0] for r in suspended] == ["mcq-one", "open-one", "open-two"]
    assert "Nothing" not in run(["stats"], env).stdout


@pytest.mark.parametrize(
    "command",
    [
        ["suspend", "open-one", "no-such-id"],
        ["unsuspend", "no-such-id"],
        ["bury", "open-one", "no-such-id"],
        ["reset", "mcq-one", "no-such-id"],
        ["show", "no-such-id"],
        ["suspend", "--topic", "no-such-topic"],
        ["suspend", "--tag", "no-such-tag"],
        ["suspend"],
    ],
)
def test_a_bad_id_is_one_line_exit_2_and_changes_nothing(env, db: Path, command: list[str]):
    study_first_two(env)
    before = rows(db, "SELECT * FROM cards ORDER BY question_id")
    log = rows(db, "SELECT * FROM reviews ORDER BY id")
    line = one_error(run(command, env))
    assert "no-such" in line or "name the cards" in line
    assert rows(db, "SELECT * FROM cards ORDER BY question_id") == before
    assert rows(db, "SELECT * FROM reviews ORDER BY id") == log


# ---------------------------------------------------------------- bury


def test_bury_at_the_grade_prompt_skips_the_card_until_the_next_day(env, db: Path):
    result = run(["study", "--new", "2"], env, "I know\nb\na,c\n5\n")
    assert result.returncode == 0, result.stderr
    assert "Buried" in result.stdout
    assert [r[0] for r in rows(db, "SELECT question_id FROM reviews")] == ["mcq-one"]
    assert rows(db, "SELECT buried_until FROM cards WHERE question_id = 'open-one'") == [
        ("2026-11-27",)
    ]
    same_day = run(["study", "--new", "3"], env, "2.5; 1.3\n5\n")
    assert "What is MLOps?" not in same_day.stdout
    assert json.loads(run(["show", "open-one", "--json"], env).stdout)["schedule"]["state"] == (
        "buried"
    )
    answers = "a,c\n5\n2.5; 1.3\n5\nI know\n5\n"  # two due, then open-one as new
    next_day = run(["study", "--new", "1"], env, answers, now="2026-11-27T09:00:00+00:00")
    assert "What is MLOps?" in next_day.stdout


def test_bury_command_and_colon_b_at_the_answer_prompt(env, db: Path):
    study_first_two(env)
    assert run(["bury", "mcq-one"], env).returncode == 0
    later = "2026-11-27T09:00:00+00:00"
    # buried until the 27th: due on the 27th, it is asked that day
    assert "Which are SM-2" in run(["study"], env, "a,c\n5\n", now=later).stdout
    result = run(["study", "--new", "3"], env, ":b\n")
    assert "Buried" in result.stdout
    assert rows(db, "SELECT count(*) FROM reviews WHERE question_id = 'cloze-one'") == [(0,)]


# ---------------------------------------------------------------- reset and show


def test_reset_starts_again_keeps_the_log_marked_and_retention(env, db: Path):
    study_first_two(env)
    retention = json.loads(run(["stats", "--json"], env).stdout)["retention"]
    result = run(["reset", "open-one"], env)
    assert result.returncode == 0 and "reset to new: 1 card" in result.stdout
    shown = json.loads(run(["show", "open-one", "--json"], env).stdout)
    assert shown["schedule"]["state"] == "new" and shown["schedule"]["due"] is None
    assert len(shown["history"]) == 1 and shown["history"][0]["reset_at"] is not None
    assert json.loads(run(["stats", "--json"], env).stdout)["retention"] == retention
    assert "(reset)" in run(["show", "open-one"], env).stdout
    # it is introduced again as a new item
    answers = "a,c\n5\nI know\n5\n"  # mcq-one is due, then open-one comes as new
    again = run(["study", "--new", "1"], env, answers, now="2026-11-27T09:00:00+00:00")
    assert "What is MLOps?" in again.stdout
    assert rows(
        db, "SELECT introduced_on, repetitions FROM cards WHERE question_id='open-one'"
    ) == [("2026-11-27", 1)]


def test_show_gives_schedule_intervals_per_grade_and_history(env):
    study_first_two(env)
    shown = json.loads(run(["show", "open-one", "--json"], env).stdout)
    assert shown["prompt"] == "What is MLOps?"
    assert shown["key_points"] == ["build", "run", "reliably"]
    assert shown["schedule"] == {
        "state": "learning",
        "repetitions": 1,
        "interval": 1,
        "ef": 2.6,
        "due": "2026-11-27",
        "lapses": 0,
        "leech": False,
        "suspended": False,
        "buried_until": None,
    }
    # SM-2: a miss goes back to 1 day, a pass at the second repetition gives 6 days
    assert shown["if_graded_today"] == {"0": 1, "1": 1, "2": 1, "3": 6, "4": 6, "5": 6}
    (entry,) = shown["history"]
    assert (entry["grade"], entry["kind"], entry["answer"]) == (5, "review", "I know")
    assert (entry["interval_before"], entry["interval_after"]) == (0, 1)
    text = run(["show", "open-one"], env).stdout
    for words in ("Practices to build", "learning", "2026-11-27", "3: 6 d", "I know"):
        assert words in text


# ---------------------------------------------------------------- search


def test_search_ignores_case_and_accents(env, small_bank: Path):
    small_bank.write_text(
        small_bank.read_text().replace("What is MLOps?", "Qu'est-ce que les Données MLOps ?")
    )
    found = json.loads(run(["search", "DONNEES", "--json"], env).stdout)
    assert [r["id"] for r in found] == ["open-one"]
    assert [r["id"] for r in json.loads(run(["search", "données", "--json"], env).stdout)] == [
        "open-one"
    ]
    by_key_point = json.loads(run(["search", "Deploy", "--json"], env).stdout)
    assert [r["id"] for r in by_key_point] == ["open-two"]
    in_topic = json.loads(run(["search", "e", "--topic", "more", "--json"], env).stdout)
    assert {r["id"] for r in in_topic} == {"cloze-one", "open-two"}
    nothing = run(["search", "zebra"], env)
    assert nothing.returncode == 0 and "No question matches 'zebra'." in nothing.stdout


# ---------------------------------------------------------------- rename


def test_doctor_rename_moves_progress_and_refuses_to_overwrite(env, db: Path, small_bank: Path):
    study_first_two(env)
    renamed = "open-one-renamed"
    small_bank.write_text(small_bank.read_text().replace("id: open-one", f"id: {renamed}"))
    guess = run(["doctor"], env)
    assert f"renamed to '{renamed}'?" in guess.stdout
    moved = run(["doctor", "--rename", "open-one", renamed], env)
    assert moved.returncode == 0, moved.stderr
    assert "1 answer" in moved.stdout
    assert rows(db, "SELECT question_id FROM reviews ORDER BY id") == [
        (renamed,),
        ("mcq-one",),
    ]
    assert "orphaned progress: none" in run(["doctor"], env).stdout
    before = rows(db, "SELECT * FROM reviews ORDER BY id")
    refused = one_error(run(["doctor", "--rename", "mcq-one", renamed], env))
    assert "already has progress" in refused and "--force" in refused
    assert rows(db, "SELECT * FROM reviews ORDER BY id") == before
    one_error(run(["doctor", "--rename", "gone", renamed], env))
    one_error(run(["doctor", "--rename", "mcq-one", "not-in-bank"], env))
    forced = run(["doctor", "--rename", "mcq-one", renamed, "--force"], env)
    assert forced.returncode == 0 and "backup:" in forced.stdout
    assert rows(db, "SELECT question_id, grade FROM reviews ORDER BY id") == [(renamed, 4)]


def test_rename_guess_finds_words_dropped_at_the_end():
    from mlops_quiz.cli.upkeep import _renamed_to

    known = {"which-is-unique-to-ml", "pipelines-in-kedro"}
    assert _renamed_to("which-is-unique-to-ml-choose-one", known) == "which-is-unique-to-ml"
    assert _renamed_to("quiz-which-is-unique-to-ml", known) == "which-is-unique-to-ml"
    assert _renamed_to("which-is-uni", known) is None  # cut inside a word: no guess


# ---------------------------------------------------------------- profiles


def test_profiles_and_stats_of_a_profile_without_progress(env, db: Path):
    assert "No profile has any progress yet." in run(["profiles"], env).stdout
    assert not db.exists()  # a reading command makes no database
    study_first_two(env)
    assert run(["study", "-p", "ann", "--new", "1"], env, "I know\n5\n").returncode == 0
    listed = json.loads(run(["profiles", "--json"], env).stdout)
    assert listed == [
        {"profile": "ann", "answers": 1, "cards_studied": 1, "last_activity": NOW},
        {"profile": "default", "answers": 2, "cards_studied": 2, "last_activity": NOW},
    ]
    typo = run(["stats", "-p", "anne"], env)
    assert typo.returncode == 0
    assert "profile 'anne' has no progress at all (profiles with progress: ann, default)" in (
        typo.stderr
    )
    assert json.loads(run(["stats", "-p", "anne", "--json"], env).stdout)["has_progress"] is False


# ---------------------------------------------------------------- leeches


def leech_history(db_url: str, lapses: int) -> None:
    """open-one learnt, then forgotten ``lapses`` times, ending due on 2026-11-26."""
    records = []
    state = CardState()
    day = TODAY - timedelta(days=2 * lapses + 2)
    for n in range(lapses + 1):
        learnt = CardState(1, 1, 250, day + timedelta(days=1), n)
        records.append(review("open-one", day, 5, state, learnt))
        day += timedelta(days=1)
        if n < lapses:
            state = CardState(0, 1, 250, day + timedelta(days=1), n + 1)
            records.append(review("open-one", day, 1, learnt, state))
            day += timedelta(days=1)
            state = state._replace(due=day)
    with Store.open(db_url, create_folder=True) as store:
        store.add_history("default", records)


def test_a_card_with_8_lapses_is_a_leech_in_list_show_and_stats(env, db: Path):
    leech_history(f"sqlite:///{db}", 8)
    listed = {r["id"]: r for r in json.loads(run(["list", "--json"], env).stdout)}
    assert listed["open-one"]["lapses"] == 8 and "leech" in listed["open-one"]["marks"]
    assert "leech" not in listed["mcq-one"]["marks"]
    assert json.loads(run(["show", "open-one", "--json"], env).stdout)["schedule"]["leech"]
    stats = json.loads(run(["stats", "--json"], env).stdout)
    assert stats["leeches"] == [{"id": "open-one", "lapses": 8}]
    assert "Leeches (8 or more lapses): open-one (8 lapses)" in run(["stats"], env).stdout


def test_leeches_are_suspended_only_when_the_setting_says_so(env, db: Path):
    leech_history(f"sqlite:///{db}", 7)
    last_day = "2026-11-27T09:00:00+00:00"
    # lapse number 8 with the setting off: flagged, still studied
    result = run(["study", "--new", "0"], env, "no\n0\n", now=last_day)
    assert result.returncode == 0, result.stderr
    assert rows(db, "SELECT lapses, suspended FROM cards WHERE question_id='open-one'") == [(8, 0)]
    assert "leech" in run(["list"], env, now=last_day).stdout
    leech_history_db = db.parent / "other.db"
    leech_history(f"sqlite:///{leech_history_db}", 7)
    on = {**env, "MLOPS_QUIZ_DB": f"sqlite:///{leech_history_db}"}
    assert run(["config", "suspend_leeches", "true"], on).returncode == 0
    # the eighth lapse suspends it
    result = run(["study", "--new", "0"], on, "no\n0\n", now=last_day)
    assert "it is a leech and was suspended" in result.stdout
    assert rows(
        leech_history_db, "SELECT lapses, suspended FROM cards WHERE question_id='open-one'"
    ) == [(8, 1)]


# ---------------------------------------------------------------- list and stats


def test_list_keeps_ids_whole_and_shortens_prompts(env, small_bank: Path):
    long_id = "a-very-long-question-identifier-that-stays"
    small_bank.write_text(small_bank.read_text().replace("id: open-two", f"id: {long_id}"))
    out = run(["list"], {**env, "COLUMNS": "80"}).stdout
    lines = out.splitlines()
    assert max(len(line) for line in lines) <= 80
    row = lines.index(next(line for line in lines if long_id in line))
    # beside so long an id the prompt would get too few columns: it gets a line of its own
    assert lines[row].split()[0] == long_id and lines[row + 1].startswith("  ")
    assert any(line.strip() == "What is MLOps?" for line in lines)
    empty = run(["list", "--due"], env)
    assert empty.returncode == 0 and "No question is due today." in empty.stdout


def test_list_marks_overdue_cards(env):
    study_first_two(env)
    out = run(["list"], env, now="2026-11-30T09:00:00+00:00").stdout
    row = next(line for line in out.splitlines() if line.startswith("open-one"))
    assert "overdue" in row and "2026-11-27" in row


def test_stats_calendar_fits_80_columns_with_streaks(env, db: Path):
    days = [TODAY - timedelta(days=n) for n in (40, 39, 38, 37, 1, 0)]
    records = [review("open-one", d, 5, CardState(), CardState(1, 1, 260, d, 0)) for d in days]
    with Store.open(f"sqlite:///{db}", create_folder=True) as store:
        store.add_history("default", records)
    out = run(["stats"], {**env, "COLUMNS": "80"}).stdout
    section = out.split("Answers in the last year", 1)[1].splitlines()
    assert all(len(line) <= 80 for line in section)
    grid = [line for line in section if line[:4] in ("Mon ", "Wed ", "Fri ", "Sun ", "    ")]
    assert sum(line.count("█") for line in grid[1:8]) == 6  # one answer a day: the top shade
    assert "6 answers on 6 days · current streak 2 d · longest streak 4 d" in out
    stats = json.loads(run(["stats", "--json"], env).stdout)
    assert stats["longest_streak_days"] == 4 and stats["streak_days"] == 2
    assert len(stats["calendar"]) == 6
