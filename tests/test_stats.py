import json
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

from mlops_quiz.bank import load_bank
from mlops_quiz.scheduling import CardState, next_state
from mlops_quiz.store import KIND_REPEAT, KIND_REVIEW, ReviewRecord, Store
from mlops_quiz.study.stats import compute, streak

TODAY = date(2026, 11, 26)


def test_streak_counts_back_from_today_or_yesterday():
    days = {TODAY - timedelta(days=n) for n in range(45)}  # beyond the 30-day window
    asked: list[date] = []

    def studied_on(day: date) -> bool:
        asked.append(day)
        return day in days

    recent = {TODAY - timedelta(days=n): 1 for n in range(30)}
    assert streak(studied_on, recent, TODAY) == 45
    assert min(asked) == TODAY - timedelta(days=45)
    assert all(day < TODAY - timedelta(days=29) for day in asked)
    recent[TODAY] = 0
    assert streak(lambda d: False, recent, TODAY) == 29  # today not yet studied
    recent[TODAY - timedelta(days=1)] = 0
    assert streak(lambda d: False, recent, TODAY) == 0


def test_compute_over_a_real_store(tmp_path: Path, small_bank: Path):
    bank = load_bank([small_bank])
    with Store.open(f"sqlite:///{tmp_path / 'p.db'}") as store:
        moment = datetime(2026, 11, 26, 9, tzinfo=timezone.utc)
        state = CardState()
        for grade, kind in ((5, KIND_REVIEW), (2, KIND_REVIEW), (5, KIND_REPEAT)):
            after = next_state(state, grade, TODAY) if kind == KIND_REVIEW else state
            store.record(
                "default",
                ReviewRecord("open-one", moment, TODAY, grade, "", 1, kind, state, after),
            )
            state = after
        big = CardState(5, 30, 250, TODAY + timedelta(days=3), 2)
        store.record(
            "default",
            ReviewRecord("cloze-one", moment, TODAY, 4, "", 1, KIND_REVIEW, CardState(), big),
        )
        result = compute(store, bank, "default", TODAY)
    assert (result.total, result.new, result.learning, result.mature) == (4, 2, 1, 1)
    assert (result.reviews, result.passed) == (3, 2)
    by_topic = {t.topic: (t.reviews, t.passed) for t in result.by_topic}
    assert by_topic == {"basics": (2, 1), "more": (1, 1)}
    assert result.forecast[1] == (TODAY + timedelta(days=1), 1)
    assert result.forecast[3] == (TODAY + timedelta(days=3), 1)
    assert result.reviews_per_day[-1] == (TODAY, 4)
    assert result.most_lapsed == [("cloze-one", 2), ("open-one", 1)]
    assert result.streak == 1
    assert result.to_json()["retention"]["share"] == 2 / 3


def test_stats_most_lapsed_shows_a_cloze_with_blanks_and_titles_do_not_wrap(
    runner, small_bank: Path
):
    from mlops_quiz.cli import app

    base = ["--bank", str(small_bank)]
    fresh = runner.invoke(app, ["stats", *base], env={"COLUMNS": "100"})
    assert fresh.exit_code == 0
    lines = fresh.output.splitlines()
    for title in (
        "Due in the next 7 days",
        "Answers per day, last 30 days",
        "Retention (scheduling reviews graded 3 or more)",
    ):
        assert any(line.strip() == title for line in lines), fresh.output
    for day, grade in (("2026-11-26T09:00:00", "5"), ("2026-11-27T09:00:00", "1")):
        env = {"MLOPS_QUIZ_NOW": day}
        runner.invoke(app, ["study", *base, "--id", "cloze-one"], input=f"1; 2\n{grade}\n", env=env)
    env = {"COLUMNS": "100", "MLOPS_QUIZ_NOW": "2026-11-27T10:00:00"}
    lapsed = runner.invoke(app, ["stats", *base], env=env)
    assert "The E-Factor starts at [1]____ and never falls below [2]____." in lapsed.output
    assert "{{" not in lapsed.output


def test_stats_shows_the_key_points_missed_most_often(runner, small_bank: Path):
    from mlops_quiz.cli import app

    base = ["--bank", str(small_bank)]
    env = {"COLUMNS": "100", "MLOPS_QUIZ_NOW": "2026-11-26T09:00:00"}
    answers = [
        "scope and deploy",  # open-two: points 1 and 4 of 4
        "build it",  # open-one: point 1 of 3
        "train",  # open-two again: point 3
        "build and run reliably",  # open-one again: all three
        ":q",
    ]
    script = "".join(f"{a}\n\n" for a in answers)  # Enter takes each suggested grade
    studied = runner.invoke(
        app, ["study", *base, "--id", "open-two", "--id", "open-one"], input=script, env=env
    )
    assert studied.exit_code == 0, studied.output
    as_json = runner.invoke(app, ["stats", *base, "--json"], env=env)
    assert json.loads(as_json.output)["most_missed_key_points"] == [
        {"id": "open-two", "key_point": "data", "missed": 2, "answers": 2},
        {"id": "open-one", "key_point": "run", "missed": 1, "answers": 2},
        {"id": "open-one", "key_point": "reliably", "missed": 1, "answers": 2},
        {"id": "open-two", "key_point": "scope", "missed": 1, "answers": 2},
        {"id": "open-two", "key_point": "train", "missed": 1, "answers": 2},
    ]
    table = runner.invoke(app, ["stats", *base], env=env).output
    assert "Key points missed most often" in table
    row = next(line for line in table.splitlines() if "│ data" in line)
    assert "Name the four stages of an ML project." in row and "2 of 2" in row
