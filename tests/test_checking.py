from pathlib import Path

import pytest

from mlops_quiz.bank import load_bank
from mlops_quiz.checking import check_answer, correct_answer_text, normalize


@pytest.fixture
def questions(small_bank: Path):
    return load_bank([small_bank]).by_id()


def test_normalize_ignores_case_spacing_and_accents():
    assert normalize("  Café   CRÈME. ") == "cafe creme"


@pytest.mark.parametrize("typed", ["a,c", "ac", "C A", "a, c", "A;C"])
def test_mcq_right_in_any_spelling(questions, typed: str):
    check = check_answer(questions["mcq-one"], typed)
    assert check is not None and check.correct and check.suggested == 4


@pytest.mark.parametrize("typed", ["a", "c", "abc", "z", "", "yes"])
def test_mcq_wrong(questions, typed: str):
    check = check_answer(questions["mcq-one"], typed)
    assert check is not None and not check.correct and check.suggested == 1


def test_cloze_accepts_alternatives_and_reports_each_gap(questions):
    q = questions["cloze-one"]
    assert check_answer(q, "2,5 ; 1.3").correct
    assert check_answer(q, "2.5;1.3").correct
    partly = check_answer(q, "2.5; 9")
    assert not partly.correct and partly.parts == (True, False)
    assert not check_answer(q, "2.5").correct
    assert not check_answer(q, "2.5; 1.3; extra").correct


def test_open_questions_are_not_checked(questions):
    assert check_answer(questions["open-one"], "anything") is None


def test_correct_answer_text_passes_the_checker(questions):
    for q in questions.values():
        if q.type != "open":
            assert check_answer(q, correct_answer_text(q)).correct
