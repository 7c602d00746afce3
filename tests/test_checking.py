from pathlib import Path

import pytest

from mlops_quiz.bank import load_bank
from mlops_quiz.checking import (
    NotAnAnswer,
    check_answer,
    correct_answer_text,
    is_quick,
    normalize,
    other_answers,
    suggest_grade,
)


@pytest.fixture
def questions(small_bank: Path):
    return load_bank([small_bank]).by_id()


def test_normalize_ignores_case_spacing_and_accents():
    assert normalize("  Café   CRÈME. ") == "cafe creme"


@pytest.mark.parametrize(
    ("share", "empty", "quick", "grade"),
    [
        (1.0, False, True, 5),
        (1.0, False, False, 4),
        (0.5, False, True, 3),
        (2 / 3, False, False, 3),
        (1 / 3, False, True, 2),
        (0.0, False, True, 1),
        (0.0, True, True, 0),
    ],
)
def test_the_suggestion_rule(share: float, empty: bool, quick: bool, grade: int):
    assert suggest_grade(share, empty, quick) == grade


@pytest.mark.parametrize("typed", ["a,c", "ac", "C A", "a, c", "A;C", "a) c)", "(a) (c)", "a. c."])
def test_mcq_right_in_any_spelling(questions, typed: str):
    check = check_answer(questions["mcq-one"], typed)
    assert check is not None and check.correct and check.suggested == 4


def test_a_quick_right_answer_suggests_5(questions):
    check = check_answer(questions["mcq-one"], "a,c", seconds=1.0)
    assert check is not None and check.correct and check.suggested == 5
    slow = check_answer(questions["mcq-one"], "a,c", seconds=120.0)
    assert slow is not None and slow.suggested == 4


def test_quick_allows_time_to_read_and_type(questions):
    q = questions["open-one"]  # 14 characters of prompt: 4 + 0.7 s, plus typing
    assert is_quick(4.5, q, "")
    assert not is_quick(5.0, q, "")
    assert is_quick(6.5, q, "12345678")  # 8 characters typed: 2 s more


@pytest.mark.parametrize(
    ("typed", "grade"),
    [
        ("a", 3),  # one of the two right ones: half
        ("a,b,c", 3),  # both right ones and a wrong one: 2 of 3
        ("b", 1),  # only a wrong one
        ("a,b", 2),  # one right of three involved
        ("", 0),  # I don't know
    ],
)
def test_mcq_partial_credit(questions, typed: str, grade: int):
    check = check_answer(questions["mcq-one"], typed)
    assert check is not None and not check.correct and check.suggested == grade


@pytest.mark.parametrize("typed", ["b)", "(b)", "b.", " B ", "B"])
def test_a_single_letter_in_any_dress_means_that_letter(questions, typed: str):
    check = check_answer(questions["mcq-one"], typed)
    assert check is not None and check.chosen == frozenset({1})


@pytest.mark.parametrize(
    ("typed", "reason"),
    [
        ("z", "z is not one of the choices: use a to c."),
        ("yes", "y is not one of the choices: use a to c."),
        ("the 2nd", "Type the letters of your choices (a to c), e.g. b or a,c."),
        ("()", "Type the letters of your choices (a to c), e.g. b or a,c."),
    ],
)
def test_text_that_is_no_choice_is_no_answer(questions, typed: str, reason: str):
    with pytest.raises(NotAnAnswer) as raised:
        check_answer(questions["mcq-one"], typed)
    assert str(raised.value) == reason


def test_shown_letters_are_mapped_back_to_the_bank(questions):
    # Shown as a) "5", b) "3", c) "2": bank c, a, b.
    check = check_answer(questions["mcq-one"], "a,b", order=[2, 0, 1])
    assert check is not None and check.correct and check.chosen == frozenset({0, 2})


def test_cloze_accepts_alternatives_and_reports_each_gap(questions):
    q = questions["cloze-one"]
    assert check_answer(q, "2,5 ; 1.3").correct
    assert check_answer(q, "2.5;1.3").correct
    assert check_answer(q, "2.5;1.3;").correct  # a trailing separator is no extra gap
    partly = check_answer(q, "2.5; 9")
    assert not partly.correct and partly.parts == (True, False) and partly.suggested == 3
    assert partly.given == ("2.5", "9")
    blank = check_answer(q, "; 1.3")
    assert blank.parts == (False, True) and blank.suggested == 3
    none = check_answer(q, "7; 9")
    assert none.suggested == 1


@pytest.mark.parametrize("typed", ["code, data", "2.5", "2.5; 1.3; 4"])
def test_cloze_with_the_wrong_number_of_gaps_is_no_answer(questions, typed: str):
    with pytest.raises(NotAnAnswer, match=r"has 2 gaps and you gave .*separate them with ;"):
        check_answer(questions["cloze-one"], typed)


def test_an_empty_cloze_answer_is_i_dont_know(questions):
    check = check_answer(questions["cloze-one"], "  ")
    assert check is not None and check.empty and check.suggested == 0


def test_formatting_variants_of_a_number_are_not_other_answers():
    assert other_answers(("2.5", "2,5")) == []
    assert other_answers(("1000", "1,000", "one thousand")) == ["one thousand"]
    assert other_answers(("500", "five hundred")) == ["five hundred"]
    assert other_answers(("code", "model", "algorithm")) == ["model", "algorithm"]


def test_open_questions_are_not_checked(questions):
    assert check_answer(questions["open-one"], "anything") is None


def test_correct_answer_text_passes_the_checker(questions):
    for q in questions.values():
        if q.type != "open":
            assert check_answer(q, correct_answer_text(q)).correct
