import subprocess
import sys
from pathlib import Path

import pytest

from mlops_quiz.bank import load_bank
from mlops_quiz.checking.words import check_open, check_question, suggest_grade

BENCHMARK = Path(__file__).resolve().parent.parent / "benchmarks" / "grading.py"


def made(answer: str, point: str, accept: tuple[str, ...] = ()) -> bool:
    return check_open(answer, [point], [accept]).points[0].covered


# ---------------------------------------------------------------- what counts as made


@pytest.mark.parametrize(
    "answer",
    [
        "The data changes.",
        "Data keeps changing over time.",
        "Over time the data changed.",
        "changes in the data",
    ],
)
def test_inflections_and_word_order(answer: str):
    assert made(answer, "the data changes")


@pytest.mark.parametrize(
    "answer",
    ["it needs monitorng", "needs moniotring", "nedes monitoring", "the enviroment changes"],
)
def test_small_typos(answer: str):
    point = "the environment changes" if "enviroment" in answer else "needs monitoring"
    assert made(answer, point)


def test_a_word_is_not_taken_for_a_typo_of_another_of_its_family():
    assert not made("it goes to production", "Kedro produces what gets deployed")
    assert not made("the date", "the data")


@pytest.mark.parametrize(
    ("answer", "point"),
    [
        ("ML models decay in prod", "machine learning models decay in production"),
        ("CI also tests the data and the models", "continuous integration also tests data"),
        ("continuous training is unique to machine learning", "CT is unique to ML"),
        ("we add CT", "continuous training"),
        ("no CI/CD", "no continuous integration and no continuous delivery"),
        ("the annotations are wrong", "labeled incorrectly"),
        ("the input distribution drifts", "the input data changes"),
        ("done by hand in notebooks", "manual, notebook driven"),
    ],
)
def test_abbreviations_and_synonyms(answer: str, point: str):
    assert made(answer, point)


@pytest.mark.parametrize(
    "answer",
    [
        "Only 12% of models reach production",
        "only 12 % of the models reach production",
        "just twelve percent of models reach production",
        "12 per cent of models get to production... 12 per cent reach production",
        "only 12 percent of models reach production",
    ],
)
def test_numbers_in_any_common_form(answer: str):
    assert made(answer, "only 12% of models reach production")


@pytest.mark.parametrize(
    "answer",
    [
        "Only 30% of models reach production",
        "models reach production after 12 days",
        "models reach production",
    ],
)
def test_a_point_with_numbers_needs_its_number(answer: str):
    assert not made(answer, "only 12% of models reach production")


def test_words_and_digits_of_larger_numbers():
    assert made("seventy-two percent of companies", "72% of companies")
    assert made("it takes over thirty days", "more than 30 days")
    assert not made("it takes over thirteen days", "more than 30 days")


@pytest.mark.parametrize(
    ("answer", "point"),
    [
        ("Kedro is an orchestrator.", "Kedro is not an orchestrator"),
        ("Yes, Kedro is an orchestrator: it schedules runs.", "Kedro is not an orchestrator"),
        ("It does not need labels.", "needs labels"),
        ("No labels are needed.", "needs labels"),
        ("Continuous training is not needed.", "continuous training"),
        ("the list order matters", "list order does not matter"),
        ("there is no need for monitoring", "needs monitoring"),
    ],
)
def test_a_negated_point_is_not_made(answer: str, point: str):
    assert not made(answer, point)


@pytest.mark.parametrize(
    ("answer", "point"),
    [
        ("Kedro isn't an orchestrator.", "Kedro is not an orchestrator"),
        ("Kedro is not an orchestrator.", "Kedro is not an orchestrator"),
        ("It doesn't need any labels.", "does not need labels"),
        ("It needs no labels.", "does not need labels"),
        ("the order of the list is irrelevant", "list order does not matter"),
    ],
)
def test_a_negation_said_either_way_is_made(answer: str, point: str):
    assert made(answer, point)


def test_a_negation_in_one_clause_does_not_reach_the_next():
    answer = "There is no monitoring, so models break when the data changes."
    assert made(answer, "models break when data changes")
    assert made(answer, "no monitoring")


def test_words_spread_over_two_sentences_do_not_make_a_point():
    assert not made("The input data is noisy. The labels are fine.", "noisy labels")


def test_level_headings_carry_over_the_clauses_under_them():
    answer = "Level 0 is manual; releases are rare. Level 2 automates CI/CD."
    assert made(answer, "level 0: rare releases")
    assert not made(answer, "level 2: rare releases")


def test_an_accepted_alternative_makes_the_point():
    point = "embedded on an edge or mobile device"
    assert not made("it runs inside a phone app", point)
    assert made("it runs inside a phone app", point, ("runs in a phone app",))


def test_off_topic_answer_makes_nothing():
    check = check_open(
        "Kedro organises code into nodes and pipelines.",
        ["the data changes", "needs monitoring", "needs retraining"],
    )
    assert [p.covered for p in check.points] == [False, False, False]
    assert check.made == 0 and check.coverage == 0.0 and check.suggested == 1


# ---------------------------------------------------------------- where it was found


def test_spans_point_at_the_matched_words():
    answer = "Models need monitoring. Their data changes."
    check = check_open(answer, ["needs monitoring", "the data changes", "retraining"])
    assert check.points[0].spans == ((7, 11), (12, 22))
    assert [answer[s:e] for s, e in check.points[1].spans] == ["data", "changes"]
    assert check.points[2].spans == ()


def test_spans_of_an_abbreviation_and_a_number_in_words():
    answer = "Twelve percent use CI"
    check = check_open(answer, ["12% use continuous integration"])
    assert [answer[s:e] for s, e in check.points[0].spans] == ["Twelve percent", "use", "CI"]


# ---------------------------------------------------------------- the suggested grade


@pytest.mark.parametrize(
    ("made_points", "total", "empty", "quick", "grade"),
    [
        (0, 4, True, False, 0),
        (0, 0, True, False, 0),
        (0, 4, False, False, 1),
        (1, 4, False, False, 2),
        (1, 3, False, False, 2),
        (2, 5, False, False, 2),
        (2, 4, False, False, 3),
        (3, 5, False, False, 3),
        (3, 4, False, True, 3),
        (4, 4, False, False, 4),
        (4, 4, False, True, 5),
        (0, 0, False, False, None),
    ],
)
def test_grade_rule_at_each_boundary(
    made_points: int, total: int, empty: bool, quick: bool, grade: int | None
):
    assert suggest_grade(made_points, total, empty=empty, quick=quick) == grade


def test_check_suggests_from_the_points_made():
    points = ["the data changes", "the environment changes", "needs monitoring"]
    assert check_open("", points).suggested == 0
    assert check_open("  \n ", points).suggested == 0
    assert check_open("?", points).points[0].covered is False
    assert check_open("Data changes.", points).suggested == 2
    assert check_open("Data changes, and so does the environment.", points).suggested == 3
    full = "Data changes, the environment changes, so it needs monitoring."
    assert check_open(full, points).suggested == 4
    assert check_open(full, points, quick=True).suggested == 5
    assert check_open(full, points).coverage == 1.0
    assert check_open("anything", []).suggested is None
    assert check_open("anything", []).coverage is None


def test_check_question_uses_the_banks_alternatives(tmp_path: Path):
    path = tmp_path / "b.yaml"
    path.write_text(
        "topics: [{id: t, title: T}]\n"
        "questions:\n"
        "  - id: q\n    topic: t\n    type: open\n    prompt: p\n    answer: a\n"
        "    key_points:\n"
        "      - the data changes\n"
        "      - {point: needs retraining, accept: [train it again]}\n",
        encoding="utf-8",
    )
    question = load_bank([path]).questions[0]
    check = check_question(question, "Data drifts, so you train the model again.")
    assert [p.covered for p in check.points] == [True, True]
    assert [p.text for p in check.points] == ["the data changes", "needs retraining"]


# ---------------------------------------------------------------- the evaluation script


def test_evaluation_script_smoke_run():
    result = subprocess.run(
        [sys.executable, str(BENCHMARK), "--smoke"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "matcher: meaning; split: held-out; accepted alternatives: yes"
    assert lines[1].split()[:4] == ["kind", "answers", "judgments", "tp"]
    assert any(line.startswith("overall ") for line in lines)
    assert "checking one answer to " in result.stdout and " ms warm" in result.stdout
