"""``mlops-quiz optimize``: FSRS's parameters fitted to the profile's own log, or a refusal that
says how many more reviews it needs and changes nothing."""

from __future__ import annotations

import json
import math
import random
import sqlite3
import subprocess
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

from conftest import console_script
from mlops_quiz.scheduling import CardState
from mlops_quiz.store import ReviewRecord, Store

START = date(2025, 1, 6)


def run(args: list[str], env: dict[str, str]):
    return subprocess.run(
        [console_script(), *args], capture_output=True, text=True, env=env, timeout=300, check=False
    )


def write_log(path: Path, cards: int, reviews_each: int, seed: int = 7) -> None:
    """A log of scheduling reviews made by a forgetting curve that is not FSRS's: recall after
    t days is exp(-t / s), s doubling on a success and falling back to 1 on a lapse."""
    rng = random.Random(seed)
    with Store.open(f"sqlite:///{path}") as store:
        for n in range(cards):
            day, strength = START + timedelta(days=n % 30), 1.0 + rng.random()
            before = CardState()  # each answer starts from the state the card is in
            for _ in range(reviews_each):
                gap = max(1, round(strength * rng.uniform(0.5, 1.5)))
                day += timedelta(days=gap)
                recalled = rng.random() < math.exp(-gap / (strength * 3))
                grade = rng.choice([3, 4, 4, 5]) if recalled else rng.choice([0, 1, 2])
                strength = strength * 2.2 if recalled else 1.0
                moment = datetime(day.year, day.month, day.day, 9, tzinfo=timezone.utc)
                state = CardState(1, gap, 250, day + timedelta(days=gap), 0)
                store.record(
                    "default",
                    ReviewRecord(f"q{n}", moment, day, grade, "", 1000, "review", before, state),
                )
                before = state


def saved_parameters(path: Path) -> list[float] | None:
    with sqlite3.connect(path) as conn:
        row = conn.execute(
            "SELECT value FROM profile_settings WHERE profile = 'default' "
            "AND key = 'fsrs_parameters'"
        ).fetchone()
    return None if row is None else json.loads(row[0])


def test_too_few_reviews_say_how_many_more_and_change_nothing(tmp_path: Path, script_env):
    db = tmp_path / "p.db"
    write_log(db, cards=100, reviews_each=3)  # 100 cards x 2 reviews after the first = 200
    before = db.read_bytes()
    result = run(["optimize", "--db", f"sqlite:///{db}"], script_env)
    assert result.returncode == 1
    assert result.stderr.strip() == (
        "error: fitting FSRS needs 1,000 reviews that follow an earlier review of the same "
        "card; this profile has 200, 800 more are needed (nothing was changed)"
    )
    assert saved_parameters(db) is None
    assert db.read_bytes() == before


def test_parameters_are_fitted_kept_and_used(tmp_path: Path, script_env):
    db = tmp_path / "p.db"
    write_log(db, cards=300, reviews_each=6)  # 300 x 5 = 1,500 training reviews
    result = run(["optimize", "--json", "--db", f"sqlite:///{db}"], script_env)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["reviews"] == 1500
    assert report["after"]["log_loss"] < report["before"]["log_loss"]
    assert report["after"]["rmse"] < report["before"]["rmse"]
    saved = saved_parameters(db)
    assert saved is not None and len(saved) == 21
    assert saved == [round(w, 6) for w in report["parameters"]]
    # the fitted parameters schedule the profile's cards under FSRS
    env = {**script_env, "MLOPS_QUIZ_SCHEDULER": "fsrs", "MLOPS_QUIZ_NOW": "2026-06-01T12:00"}
    bank = tmp_path / "bank.yaml"
    bank.write_text(
        "topics: [{id: t, title: T}]\nquestions: [{id: q0, topic: t, type: cloze, "
        "prompt: 'a {{b}}'}]\n",
        encoding="utf-8",
    )
    shown = run(["show", "q0", "--json", "--bank", str(bank), "--db", f"sqlite:///{db}"], env)
    assert shown.returncode == 0, shown.stderr
    fitted = json.loads(shown.stdout)["memory"]["stability"]
    with sqlite3.connect(db) as conn:
        conn.execute("DELETE FROM profile_settings")
    shown = run(["show", "q0", "--json", "--bank", str(bank), "--db", f"sqlite:///{db}"], env)
    assert json.loads(shown.stdout)["memory"]["stability"] != fitted
