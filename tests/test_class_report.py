"""The teacher's report computed from what the store reads, without a server (README "A class on
PostgreSQL": per learner the answers, retention (scheduling reviews graded 3 or more), cards
learning and mature, cards due now, streak and last answer; per question the answers, the
learners who answered and the share of failed recalls; per topic the same summed; learners
lowest retention first, those with no answer yet before everyone; questions highest failure
share first). Expected values worked out by hand from the activity below."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from mlops_quiz.bank import load_bank
from mlops_quiz.classroom.report import compute
from mlops_quiz.store.class_report import CardRow, ClassActivity

TODAY = date(2026, 11, 26)


def activity() -> ClassActivity:
    return ClassActivity(
        cards=[
            # ann: a mature card (21 days) and one still learning (20) that is due today.
            CardRow("ann", "open-one", 21, date(2026, 12, 10), 4, 4),
            CardRow("ann", "mcq-one", 20, TODAY, 2, 1),
            # bob: one overdue (due now), one due tomorrow; a question no longer in the bank.
            CardRow("bob", "open-one", 1, date(2026, 11, 20), 3, 1),
            CardRow("bob", "cloze-one", 6, date(2026, 11, 27), 2, 0),
            CardRow("bob", "gone", 30, date(2026, 11, 1), 10, 10),
            # old: a removed learner's progress, kept under its profile.
            CardRow("old", "mcq-one", 2, date(2026, 11, 28), 1, 0),
        ],
        answers_by_question={"open-one": 5, "mcq-one": 3, "cloze-one": 1, "gone": 9},
        days={
            "ann": {TODAY: 3, date(2026, 11, 25): 3, date(2026, 11, 23): 1},
            "bob": {date(2026, 11, 25): 2, date(2026, 11, 24): 2, date(2026, 11, 23): 1},
            "old": {date(2026, 11, 1): 1},
            "dan": {TODAY: 1},  # answered, but holds no card of the bank
        },
        last_active={
            "ann": "2026-11-26T09:00:00+00:00",
            "bob": "2026-11-25T18:30:00+00:00",
            "old": "2026-11-01T07:00:00+00:00",
            "dan": "2026-11-26T08:00:00+00:00",
        },
        points_made={
            ("open-one", "1,3/3"): 2,  # "run" missed twice
            ("open-one", "/3"): 1,  # all three missed once
            ("open-one", "1/2"): 5,  # saved when the item had 2 key points: left out
            ("open-two", "1,2,3/4"): 1,  # "deploy" missed once
        },
    )


def learner(name: str, answers: int, retention, learning, mature, due, streak, last):
    return {
        "learner": name,
        "answers": answers,
        "retention": retention,
        "learning": learning,
        "mature": mature,
        "due": due,
        "streak": streak,
        "last_active": last,
    }


def test_the_report_per_learner(small_bank: Path):
    report = compute(activity(), load_bank([small_bank]), ["ann", "bob", "cat"], TODAY)
    rows = [row.to_json() for row in report.learners]
    # cat (a login, no answer) and dan (answers, no card) have no retention: they come first.
    assert {row["learner"] for row in rows[:2]} == {"cat", "dan"}
    by_name = {row["learner"]: row for row in rows[:2]}
    assert by_name["cat"] == learner("cat", 0, None, 0, 0, 0, 0, None)
    assert by_name["dan"] == learner("dan", 1, None, 0, 0, 0, 1, "2026-11-26T08:00:00+00:00")
    # 0/1 < 1/5 < 5/6; a question gone from the bank counts for nobody.
    assert rows[2:] == [
        learner("old", 1, 0.0, 1, 0, 0, 0, "2026-11-01T07:00:00+00:00"),
        learner("bob", 5, 0.2, 2, 0, 1, 3, "2026-11-25T18:30:00+00:00"),
        learner("ann", 7, 0.8333, 1, 1, 1, 2, "2026-11-26T09:00:00+00:00"),
    ]


def test_the_report_per_question_and_topic(small_bank: Path):
    report = compute(activity(), load_bank([small_bank]), ["ann", "bob", "cat"], TODAY).to_json()
    assert report["today"] == "2026-11-26"
    assert report["questions"] == [
        {
            "id": "cloze-one",
            "topic": "more",
            "answers": 1,
            "learners": 1,
            "failed_share": 1.0,
            "missed_key_points": [],
        },
        {
            "id": "mcq-one",
            "topic": "basics",
            "answers": 3,
            "learners": 2,
            "failed_share": 0.6667,
            "missed_key_points": [],
        },
        {
            "id": "open-one",
            "topic": "basics",
            "answers": 5,
            "learners": 2,
            "failed_share": 0.2857,
            "missed_key_points": [
                {"key_point": "run", "missed": 3, "answers": 3},
                {"key_point": "build", "missed": 1, "answers": 3},
                {"key_point": "reliably", "missed": 1, "answers": 3},
            ],
        },
        {
            "id": "open-two",
            "topic": "more",
            "answers": 0,
            "learners": 0,
            "failed_share": None,
            "missed_key_points": [{"key_point": "deploy", "missed": 1, "answers": 1}],
        },
    ]
    # Per topic, the same summed: more 2 failed of 2, basics 4 of 10.
    assert report["topics"] == [
        {"topic": "more", "title": "More", "questions": 2, "answers": 1, "failed_share": 1.0},
        {"topic": "basics", "title": "Basics", "questions": 2, "answers": 8, "failed_share": 0.4},
    ]


def test_a_class_without_answers(small_bank: Path):
    empty = ClassActivity(cards=[], answers_by_question={}, days={}, last_active={})
    report = compute(empty, load_bank([small_bank]), ["ann"], TODAY).to_json()
    assert report["learners"] == [learner("ann", 0, None, 0, 0, 0, 0, None)]
    assert [q["failed_share"] for q in report["questions"]] == [None] * 4
    assert [t["failed_share"] for t in report["topics"]] == [None, None]


def test_counts_add_up_and_a_topic_without_reviews_comes_last(small_bank: Path):
    # eve: two mature cards (25 and 30 days), both due now; only the topic "more" was reviewed.
    cards = [
        CardRow("eve", "cloze-one", 30, TODAY, 3, 3),
        CardRow("eve", "open-two", 25, date(2026, 11, 1), 2, 2),
    ]
    activity = ClassActivity(cards, {"cloze-one": 3, "open-two": 2}, {}, {})
    report = compute(activity, load_bank([small_bank]), ["eve"], TODAY).to_json()
    assert report["learners"] == [learner("eve", 0, 1.0, 0, 2, 2, 0, None)]
    assert [(t["topic"], t["failed_share"]) for t in report["topics"]] == [
        ("more", 0.0),
        ("basics", None),
    ]
    # questions never reviewed come after those with a failure share, even one of 0
    assert [q["failed_share"] for q in report["questions"]] == [0.0, 0.0, None, None]
