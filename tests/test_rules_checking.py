"""The checking rules of the README, with fixed answers and fixed grades.

Cloze: gaps in order separated by ";", compared ignoring case, spacing and accents, and a
trailing period, and numbers as numbers (``76.20`` is ``76.2``, ``zero`` is ``0``); every other
character counts (``25`` is not ``2.5``), and only a whole
accepted answer is right (``2`` is not ``2.5``). Mcq: letters in any dress, partial credit by
overlap. The suggested grade: 0 empty, 5 all right and quick, 4 all right, 3 at least half,
2 some, 1 none.
"""

from __future__ import annotations

import textwrap

import pytest

from mlops_quiz.bank import Question, parse_text
from mlops_quiz.checking import (
    Check,
    NotAnAnswer,
    check_answer,
    correct_answer_text,
    is_quick,
    mcq_share,
    normalize,
    other_answers,
    parse_letters,
    split_gaps,
    suggest_grade,
)
from mlops_quiz.checking.words import OpenCheck, PointResult
from mlops_quiz.ui.render import highlighted_answer

BANK = textwrap.dedent(
    """\
    topics:
      - id: t
        title: T
    questions:
      - id: one-gap
        topic: t
        type: cloze
        prompt: "The E-Factor starts at {{2.5}}."
      - id: two-gaps
        topic: t
        type: cloze
        prompt: "SM-2 by {{Wozniak|Piotr Wozniak}} in {{1987}}."
      - id: three-gaps
        topic: t
        type: cloze
        prompt: "{{a}}, {{b}} and {{c.d}}"
      - id: single
        topic: t
        type: mcq
        prompt: Which one?
        choices: [w, x, y, z]
        correct: [b]
        shuffle: false
      - id: many
        topic: t
        type: mcq
        prompt: Which ones?
        choices: [p, q, r, s, u]
        correct: [a, b, c]
        shuffle: false
      - id: open
        topic: t
        type: open
        prompt: Why?
        answer: Because.
    """
)


@pytest.fixture(scope="module")
def q() -> dict[str, Question]:
    _, questions = parse_text(BANK, "rules.yaml")
    return {question.id: question for question in questions}


def checked(question: Question, typed: str, seconds: float | None = None) -> Check:
    check = check_answer(question, typed, seconds)
    assert check is not None
    return check


@pytest.mark.parametrize("typed", ["2.5", " 2.5 ", "2.5.", "2.5;", "2.5 ;  "])
def test_a_one_gap_answer_is_right_with_spacing_a_period_or_a_trailing_separator(q, typed):
    check = checked(q["one-gap"], typed)
    assert check.correct and check.parts == (True,) and check.share == 1.0
    assert check.suggested == 4 and check.given == (typed.split(";")[0].strip(),)


@pytest.mark.parametrize("typed", ["25", "2", "2.", ".5", "2.55", "12.5", "2 5", "2,55"])
def test_punctuation_counts_and_only_a_whole_answer_is_right(q, typed):
    check = checked(q["one-gap"], typed)
    assert not check.correct and check.parts == (False,)
    assert check.suggested == 1 and check.share == 0.0


@pytest.mark.parametrize("typed", ["2.5;x", ";2.5", "a;b;"])
def test_a_one_gap_item_refuses_two_gaps(q, typed):
    with pytest.raises(NotAnAnswer, match=r"^This item has one gap: type it without ;\.$"):
        check_answer(q["one-gap"], typed)


def test_cloze_alternatives_case_and_accents(q):
    assert checked(q["two-gaps"], "WOZNIAK; 1987").correct
    assert checked(q["two-gaps"], "piotr  wozniak;1987").correct
    assert checked(q["two-gaps"], "Woźniak; 1987").correct
    wrong = checked(q["two-gaps"], "Piotr; 1987")
    assert wrong.parts == (False, True) and wrong.suggested == 3 and wrong.share == 0.5


def test_cloze_share_and_grades_over_three_gaps(q):
    assert checked(q["three-gaps"], "a; b; c.d").suggested == 4
    assert checked(q["three-gaps"], "a; b; cd").parts == (True, True, False)
    two = checked(q["three-gaps"], "a; b; x")
    assert two.suggested == 3 and two.share == pytest.approx(2 / 3)
    one = checked(q["three-gaps"], "a; x; x")
    assert one.suggested == 2 and one.share == pytest.approx(1 / 3)
    assert checked(q["three-gaps"], "x; x; x").suggested == 1
    blank_gap = checked(q["three-gaps"], " ; b; c.d")
    assert blank_gap.parts == (False, True, True) and blank_gap.given == ("", "b", "c.d")


def test_a_quick_right_cloze_suggests_5(q):
    assert checked(q["one-gap"], "2.5", seconds=1.0).suggested == 5
    assert checked(q["one-gap"], "2.5", seconds=1.0).quick
    assert not checked(q["one-gap"], "2.5").quick  # no time measured: not quick


def test_wrong_number_of_gaps_names_both_counts(q):
    with pytest.raises(NotAnAnswer) as raised:
        check_answer(q["three-gaps"], "a;b")
    assert str(raised.value) == (
        "This item has 3 gaps and you gave 2: separate them with ; and leave a gap empty "
        "if you don't know it (e.g. first;)."
    )


def test_split_gaps_drops_only_trailing_empty_extras():
    assert split_gaps("a;b;", 2) == ["a", "b"]
    assert split_gaps(" a ; ", 2) == ["a", ""]
    assert split_gaps("a;;;", 2) == ["a", ""]
    assert split_gaps(";a;", 2) == ["", "a"]
    with pytest.raises(NotAnAnswer):
        split_gaps("a;b;c", 2)


def test_empty_answer_is_i_dont_know_for_every_type(q):
    for qid in ("one-gap", "three-gaps", "single", "many"):
        check = checked(q[qid], "   ")
        assert check.empty and check.suggested == 0 and not check.correct
        assert check.share == 0.0
    assert checked(q["three-gaps"], "").given == ("", "", "")
    assert checked(q["three-gaps"], "").parts == (False, False, False)


def test_empty_quick_answer_still_suggests_0(q):
    check = checked(q["single"], "", seconds=0.5)
    assert check.suggested == 0


def test_mcq_single_answer(q):
    right = checked(q["single"], "b")
    assert right.correct and right.suggested == 4 and right.chosen == frozenset({1})
    assert right.share == 1.0
    wrong = checked(q["single"], "d")
    assert not wrong.correct and wrong.suggested == 1 and wrong.share == 0.0


@pytest.mark.parametrize(
    ("typed", "grade"), [("c,a", 1), ("a,b", 2), ("b d", 2), ("abcd", 2), ("b", 5)]
)
def test_hedging_on_a_choose_one_item_is_a_failed_recall(q, typed, grade):
    # More letters than a single-answer item (right: b) has correct: below 3, even with b.
    check = checked(q["single"], typed, seconds=1.0)
    assert check.suggested == grade and check.correct == (typed == "b")


def test_mcq_many_answers_share_is_overlap_over_union(q):
    assert checked(q["many"], "a,b,c").correct
    two = checked(q["many"], "a b")
    assert two.share == pytest.approx(2 / 3) and two.suggested == 3 and not two.correct
    extra = checked(q["many"], "abcd")
    assert extra.share == pytest.approx(3 / 4) and not extra.correct and extra.suggested == 3
    one_and_two_wrong = checked(q["many"], "a,d,e")
    assert one_and_two_wrong.share == pytest.approx(1 / 5) and one_and_two_wrong.suggested == 2


def test_mcq_share_values():
    assert mcq_share({0, 1}, [0, 1, 2]) == pytest.approx(2 / 3)
    assert mcq_share(set(), []) == 0.0
    assert mcq_share({3}, [1]) == 0.0
    assert mcq_share({1}, [1]) == 1.0


def test_letters_in_many_spellings():
    assert parse_letters("a/c", 4) == {0, 2}
    assert parse_letters("a & c", 4) == {0, 2}
    assert parse_letters("a+c", 4) == {0, 2}
    assert parse_letters("[d]", 4) == {3}
    assert parse_letters("d:", 4) == {3}
    assert parse_letters("  c  ", 4) == {2}


def test_a_letter_past_the_last_choice_names_the_range():
    with pytest.raises(NotAnAnswer, match=r"^e is not one of the choices: use a to d\.$"):
        parse_letters("e", 4)
    with pytest.raises(NotAnAnswer, match=r"\(a to d\)"):
        parse_letters("1", 4)
    with pytest.raises(NotAnAnswer):
        parse_letters("é", 4)


def test_shuffled_letters_map_to_the_bank(q):
    # Shown as a) z, b) x, c) w, d) y: bank order d, b, a, c.
    check = check_answer(q["single"], "b", order=[3, 1, 0, 2])
    assert check is not None and check.correct and check.chosen == frozenset({1})
    wrong = check_answer(q["single"], "a", order=[3, 1, 0, 2])
    assert wrong is not None and wrong.chosen == frozenset({3}) and not wrong.correct


def test_open_answers_are_left_to_the_learner(q):
    assert check_answer(q["open"], "Because.") is None


@pytest.mark.parametrize(
    ("share", "empty", "quick", "grade"),
    [
        (1.0, False, True, 5),
        (1.0, False, False, 4),
        (0.99, False, True, 3),
        (0.5, False, False, 3),
        (0.49, False, True, 2),
        (0.01, False, False, 2),
        (0.0, False, False, 1),
        (1.0, True, True, 0),
        (0.0, True, False, 0),
    ],
)
def test_suggestion_boundaries(share, empty, quick, grade):
    assert suggest_grade(share, empty, quick) == grade


def test_quick_is_timed_against_the_cloze_as_shown_not_its_hidden_answers(q):
    # "SM-2 by {{Wozniak|Piotr Wozniak}} in {{1987}}." is shown as "SM-2 by [1]____ in [2]____."
    # (27 characters): 4 + 27/20 = 5.35 s, plus "Wozniak; 1987" (13 typed) / 4 = 3.25 s.
    assert is_quick(8.6, q["two-gaps"], "Wozniak; 1987")
    assert not is_quick(8.61, q["two-gaps"], "Wozniak; 1987")
    assert checked(q["two-gaps"], "Wozniak; 1987", seconds=8.61).suggested == 4


def test_quick_allowance_base_reading_and_typing(q):
    # "Which one?" (10) + "w", "x", "y", "z" (4) = 14 characters: 4 + 14/20 = 4.7 s.
    assert is_quick(4.7, q["single"], "")
    assert not is_quick(4.71, q["single"], "")
    # 6 characters typed (spaces around are not typed): 1.5 s more.
    assert is_quick(6.2, q["single"], "  abcdef  ")
    assert not is_quick(6.21, q["single"], "  abcdef  ")


def test_normalize_folds_only_case_spacing_accents_and_a_final_period():
    assert normalize("  Ça  Va.  ") == "ca va"
    assert normalize("2.5") == "2.5"
    assert normalize("a-b, c!") == "a-b, c!"
    assert normalize("x" * 1_500) == "x" * 1_000


def test_other_answers_leave_out_number_formats():
    assert other_answers(("2.5", "2,5", "25")) == ["25"]
    assert other_answers(("10%", "10", "ten")) == []
    assert other_answers(("1 000", "1_000", "1'000", "1000.0")) == []
    assert other_answers(("one", "two")) == ["two"]
    # "ten" is a number too: its other spellings are no other answers.
    assert other_answers(("ten", "10", "10.0")) == []


NUMBERS = textwrap.dedent(
    """\
    topics:
      - id: t
        title: T
    questions:
      - id: coverage
        topic: t
        type: cloze
        prompt: "Coverage was {{76.2}} and the share {{16.9%}}; errors: {{0}}."
    """
)


@pytest.mark.parametrize(
    "typed",
    [
        "76.2; 16.9%; 0",
        "76.20; 16,9 %; 0.0",
        "76,2; 16.9; zero",
        "076.2; 16.90%; Zero",
        "76.200;16.9 %;+0",
    ],
)
def test_numbers_in_gaps_compare_as_numbers(typed):
    _, (question,) = parse_text(NUMBERS, "numbers.yaml")
    check = checked(question, typed)
    assert check.correct and check.parts == (True, True, True) and check.suggested == 4


@pytest.mark.parametrize(
    ("typed", "parts"),
    [
        ("76.21; 16.9%; 0", (False, True, True)),
        ("762; 169%; 0.01", (False, False, False)),
        ("76; 16,9,0 %; one", (False, False, False)),
        ("seventy-six; 1.69; nil", (False, False, False)),
    ],
)
def test_other_numbers_stay_wrong(typed, parts):
    _, (question,) = parse_text(NUMBERS, "numbers.yaml")
    assert checked(question, typed).parts == parts


def test_also_accepted_shows_the_canonical_answer_never_what_was_typed():
    gap = ("Wozniak", "Piotr Wozniak", "P. Wozniak")
    assert other_answers(gap) == ["Piotr Wozniak", "P. Wozniak"]
    assert other_answers(gap, "piotr  wozniak") == ["Wozniak", "P. Wozniak"]
    assert other_answers(gap, "Wozniak") == ["Piotr Wozniak", "P. Wozniak"]
    assert other_answers(gap, "Smith") == ["Piotr Wozniak", "P. Wozniak"]
    # No number spellings: typing "0.0" for a gap of 0 lists nothing, not "0".
    assert other_answers(("0", "zero", "0.0", "none"), "0.0") == ["none"]
    assert other_answers(("0", "zero", "none"), "none") == ["0"]


def test_the_correct_answer_text(q):
    assert correct_answer_text(q["two-gaps"]) == "Wozniak; 1987"
    assert correct_answer_text(q["many"]) == "a,b,c"
    assert correct_answer_text(q["single"]) == "b"
    assert correct_answer_text(q["open"]) == "Because."


def test_a_quick_mcq_answer_is_marked_quick(q):
    assert checked(q["single"], "b", seconds=1.0).quick
    assert not checked(q["single"], "b", seconds=60.0).quick


def test_only_a_percent_sign_is_number_formatting():
    # "10X" (ten times) is another answer than 10, not a way of writing it.
    assert other_answers(("10", "10X", "10 %")) == ["10X"]


def test_a_key_points_marker_goes_after_the_matched_word_never_inside_it():
    typed = "the data drifts over time"
    # The matcher found the stem "drift" (9 to 14) inside "drifts", and "data" (4 to 8).
    points = (
        PointResult("data drift", True, ((4, 8), (9, 14))),
        PointResult("time", True, ((21, 25),)),
    )
    shown = highlighted_answer(typed, OpenCheck(points, 4, False)).plain
    assert shown == "the data drifts [1] over time [2]"
