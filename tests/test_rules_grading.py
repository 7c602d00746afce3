"""The open-answer checking rules of the README and of ``grading``'s docstring, with fixed
answers and fixed verdicts.

The grade: empty 0, no point made 1, fewer than half 2, at least half 3, all 4, all and quick
5, an item without key points none. Matching: case and accents folded, the abbreviation,
phrase and synonym tables, numbers in digits joined to their unit or numbered word, stop words
dropped, stems compared, one typo from 5 letters and two from 9 (not a prefixed or suffixed
word), 60% of the point's weight (vague words half, numbers one and a half) within one
sentence and a window, negation forward to the end of the clause (back to its start before a
predicate such as "needed"), a point with numbers needing one of them, ``accept``
alternatives, spans on the matched words, and only the first 10,000 characters read.
"""

from __future__ import annotations

import pytest

from mlops_quiz.bank import parse_text
from mlops_quiz.checking.words import check_open, check_question, suggest_grade


def made(answer: str, point: str, accept: tuple[str, ...] = ()) -> bool:
    return check_open(answer, [point], [accept]).points[0].covered


def spans(answer: str, point: str) -> list[str]:
    found = check_open(answer, [point]).points[0].spans
    return [answer[start:end] for start, end in found]


# ---------------------------------------------------------------- the suggested grade

POINTS = ["kedro", "airflow", "prefect", "dagster"]


@pytest.mark.parametrize(
    ("answer", "quick", "grade"),
    [
        ("", False, 0),
        ("  ... ?! ", False, 0),
        ("", True, 0),
        ("nothing relevant here", False, 1),
        ("nothing relevant here", True, 1),
        ("kedro", False, 2),
        ("kedro", True, 2),
        ("kedro and airflow", False, 3),
        ("kedro, airflow and prefect", False, 3),
        ("kedro, airflow and prefect", True, 3),
        ("kedro, airflow, prefect and dagster", False, 4),
        ("kedro, airflow, prefect and dagster", True, 5),
    ],
)
def test_grade_of_an_answer_at_each_boundary(answer: str, quick: bool, grade: int):
    check = check_open(answer, POINTS, quick=quick)
    assert check.suggested == grade
    assert check.empty == (grade == 0)


def test_made_and_coverage_count_the_points():
    check = check_open("kedro, airflow and prefect", POINTS)
    assert [p.covered for p in check.points] == [True, True, True, False]
    assert [p.text for p in check.points] == POINTS
    assert check.made == 3
    assert check.coverage == 0.75
    assert check_open("", POINTS).coverage == 0.0


def test_an_item_without_key_points_gets_no_grade():
    check = check_open("kedro", [])
    assert check.suggested is None and check.coverage is None and check.made == 0
    assert suggest_grade(0, 0, empty=False) is None
    assert suggest_grade(0, 0, empty=True) == 0


@pytest.mark.parametrize(
    ("made_points", "total", "quick", "grade"),
    [(0, 2, False, 1), (1, 3, False, 2), (1, 2, False, 3), (2, 3, True, 3), (3, 3, True, 5)],
)
def test_suggest_grade_rule(made_points: int, total: int, quick: bool, grade: int):
    assert suggest_grade(made_points, total, empty=False, quick=quick) == grade


def test_an_answer_with_a_letter_or_a_digit_is_not_empty():
    assert check_open("7", POINTS).suggested == 1
    assert check_open("é", POINTS).suggested == 1


# ---------------------------------------------------------------- numbers


@pytest.mark.parametrize(
    "answer", ["12%", "12 %", "12 percent", "12 per cent", "twelve per cent", "12 pct"]
)
def test_twelve_percent_in_every_form(answer: str):
    assert made(f"only {answer} reach production", "only 12% reach production")
    assert made(f"{answer} of runs", "12 percent of runs")


def test_half_is_fifty_percent():
    assert made("half of the models", "50% of models")


@pytest.mark.parametrize(
    ("word", "digits"),
    [
        ("zero", 0), ("one", 1), ("two", 2), ("three", 3), ("four", 4), ("five", 5),
        ("six", 6), ("seven", 7), ("eight", 8), ("nine", 9), ("ten", 10), ("eleven", 11),
        ("twelve", 12), ("thirteen", 13), ("fourteen", 14), ("fifteen", 15),
        ("sixteen", 16), ("seventeen", 17), ("eighteen", 18), ("nineteen", 19),
        ("twenty", 20), ("thirty", 30), ("forty", 40), ("fifty", 50), ("sixty", 60),
        ("seventy", 70), ("eighty", 80), ("ninety", 90),
        ("two hundred", 200), ("three thousand", 3000), ("two million", 2000000),
        ("two thousand three hundred", 2300), ("hundred", None),
    ],
)  # fmt: skip
def test_numbers_in_words(word: str, digits: int | None):
    if digits is None:
        assert not made(f"{word} days", "100 days")
    else:
        assert made(f"{word} days", f"{digits} days")
        assert not made(f"{word} days", f"{digits + 1} days")


def test_numbers_as_written_in_digits():
    assert made("1,000 runs", "1000 runs")
    assert made("2.50 runs", "2.5 runs")
    assert made("2,5 runs", "2.5 runs")
    assert not made("25 runs", "2.5 runs")


@pytest.mark.parametrize(
    ("unit", "other"),
    [
        ("percent", "%"), ("day", "days"), ("days", "day"), ("week", "weeks"),
        ("weeks", "week"), ("month", "months"), ("months", "month"), ("year", "years"),
        ("years", "year"), ("hour", "hours"), ("hours", "hour"), ("minute", "minutes"),
        ("minutes", "minute"), ("times", "times"),
    ],
)  # fmt: skip
def test_a_number_is_joined_to_its_unit(unit: str, other: str):
    assert made(f"3 {other}", f"3 {unit}")
    assert not made(f"{unit} 3", f"3 {unit}")
    assert not made(f"3 {unit}", f"4 {unit}")


def test_a_number_with_a_unit_is_not_another_unit():
    assert not made("12 days", "12%")
    assert not made("3 weeks", "3 months")


@pytest.mark.parametrize("word", ["level", "step", "stage", "phase", "version", "tier"])
def test_a_number_is_joined_to_the_word_it_numbers(word: str):
    assert made(f"{word} 0", f"{word} 0")
    assert not made(f"0 {word}", f"{word} 0")
    assert not made(f"{word} 2", f"{word} 0")


def test_a_point_with_numbers_needs_one_of_them():
    assert made("12% kedro airflow", "12% kedro airflow")
    assert not made("kedro airflow", "12% kedro airflow")
    assert not made("30% kedro airflow", "12% kedro airflow")


# ---------------------------------------------------------------- words to terms


@pytest.mark.parametrize(
    ("answer", "point"),
    [
        ("ML", "machine learning"),
        ("AI", "artificial intelligence"),
        ("CI", "continuous integration"),
        ("CD", "continuous delivery"),
        ("CT", "continuous training"),
        ("continuous deployment", "continuous delivery"),
        ("EDA", "exploratory data analysis"),
        ("DAG", "directed acyclic graph"),
        ("prod", "production"),
        ("dev", "development"),
        ("env", "environment"),
        ("I/O", "input output"),
        ("IO", "input output"),
        ("A/B test", "ab test"),
        ("dataset", "data"),
        ("datasets", "data"),
        ("hold out set", "holdout"),
        ("held out set", "holdout"),
        ("hand over", "handover"),
        ("hand off", "handover"),
        ("by hand", "manual"),
        ("unnecessary", "not needed"),
        ("irrelevant", "does not matter"),
        ("unlabeled", "no labels"),
        ("unlabelled", "no labels"),
        ("no side effects", "pure"),
        ("without side effects", "pure"),
        ("side effect free", "pure"),
        ("re-train", "retrain"),
        ("re-trained", "retrained"),
        ("re-training", "retraining"),
        ("train again", "retrain"),
        ("trained again", "retrained"),
        ("again and again", "repeatedly"),
        ("a lot", "lot"),
        ("alot", "lot"),
    ],
)
def test_abbreviations_and_phrases(answer: str, point: str):
    assert made(answer, point)


def test_phrases_span_their_words():
    assert spans("the data set", "data") == ["data set"]
    assert spans("the data sets", "data") == ["data sets"]
    assert spans("We use ML", "machine learning") == ["ML"]


@pytest.mark.parametrize(
    "group",
    [
        ("label", "annotation", "annotate", "annotator", "labeller", "tag"),
        ("wrong", "incorrect", "incorrectly", "erroneous", "mistaken", "false"),
        ("example", "sample", "instance", "record", "observation", "datapoint"),
        ("change", "drift", "shift", "evolve", "modify", "modified", "alter"),
        ("decay", "degrade", "degradation", "deteriorate", "worsen", "worse", "decline"),
        ("monitor", "watch", "track", "observe"),
        ("rare", "infrequent", "seldom", "unusual", "uncommon"),
        ("release", "deploy", "deployment", "ship"),
        ("need", "require", "necessary", "must"),
        ("fresh", "new", "recent"),
        ("quick", "fast", "rapid", "rapidly"),
        ("large", "big", "huge", "massive", "significant", "significantly", "millions"),
        ("small", "little", "tiny", "few", "handful"),
        ("fixed", "constant", "frozen", "unchanged"),
        ("improve", "better", "enhance"),
        ("automate", "automatic", "automation", "automatically"),
        ("reuse", "reusable"),
        ("reproduce", "reproducible", "reproducibility"),
        ("consistent", "uniform"),
        ("environment", "surroundings"),
        ("production", "live"),
        ("performance", "accuracy"),
        ("silently", "quietly", "unnoticed", "silent", "quiet"),
        ("pipeline", "workflow"),
        ("stop", "halt", "abort"),
        ("trigger", "start", "launch"),
        ("package", "bundle", "wheel", "container", "docker", "containerise", "containerize"),
        ("wrap", "wrapper"),
        ("statistics", "distribution"),
        ("mobile", "phone", "smartphone"),
        ("baseline", "reference"),
        ("differ", "different", "difference"),
        ("experiment", "experimental", "experimentation"),
        ("manual", "manually"),
        ("schedule", "periodic", "periodically", "nightly", "cron"),
        ("run", "execute", "execution"),
        ("repeat", "repeated", "repeatedly", "recurring"),
        ("combine", "compose", "merge", "join"),
        ("order", "sequence"),
        ("organisation", "organization", "company", "firm"),
        ("optimise", "optimize"),
        ("behaviour", "behavior"),
    ],
)
def test_synonyms_make_each_other(group: tuple[str, ...]):
    for word in group[1:]:
        assert made(word, group[0]), word
        assert made(group[0], word), word
        assert made(f"the {word}", group[-1]), word


def test_words_outside_a_synonym_group_do_not_make_it():
    assert not made("kedro", "label")
    assert not made("drift", "decay")
    assert not made("fast", "small")


def test_case_and_accents_are_folded():
    assert made("KEDRO PIPELINES", "kedro pipelines")
    assert made("naïve café", "naive cafe")
    assert made("Kedro’s pipelines", "Kedro's pipelines")


STOP_WORDS = [
    "a",
    "an",
    "the",
    "of",
    "to",
    "in",
    "on",
    "for",
    "by",
    "with",
    "from",
    "at",
    "as",
    "into",
    "onto",
    "about",
    "is",
    "are",
    "was",
    "were",
    "be",
    "been",
    "being",
    "am",
    "it",
    "its",
    "this",
    "that",
    "these",
    "those",
    "there",
    "here",
    "they",
    "them",
    "their",
    "we",
    "our",
    "you",
    "your",
    "he",
    "she",
    "his",
    "her",
    "i",
    "me",
    "my",
    "do",
    "does",
    "did",
    "done",
    "has",
    "have",
    "had",
    "having",
    "will",
    "would",
    "shall",
    "should",
    "may",
    "might",
    "could",
    "can",
    "or",
    "if",
    "than",
    "who",
    "whom",
    "what",
    "when",
    "where",
    "how",
    "why",
    "also",
    "very",
    "just",
    "e",
    "g",
    "eg",
    "ie",
    "etc",
    "such",
    "like",
    "some",
    "any",
    "other",
    "own",
    "itself",
    "themselves",
    "up",
    "out",
    "over",
    "both",
    "either",
    "via",
    "yes",
    "only",
    "even",
    "too",
    "well",
    "much",
    "really",
    "thing",
    "things",
    "b",
    "c",
    "d",
    "f",
    "h",
    "j",
    "k",
    "l",
    "m",
    "n",
    "o",
    "p",
    "q",
    "r",
    "s",
    "t",
    "u",
    "v",
    "w",
    "x",
    "y",
    "z",
    "mean",
    "means",
    "something",
    "anything",
    "everything",
    "whole",
]


@pytest.mark.parametrize("word", STOP_WORDS)
def test_stop_words_are_dropped(word: str):
    # Were the word kept, the answer would hold only half the point.
    assert made("kedro", f"{word} kedro")


LIGHT_WORDS = [
    "need",
    "use",
    "make",
    "get",
    "keep",
    "often",
    "usually",
    "more",
    "less",
    "many",
    "way",
    "part",
    "all",
    "each",
    "every",
    "same",
    "machine",
    "learn",
    "model",
    "data",
    "system",
    "work",
    "stay",
    "go",
    "lot",
    "set",
    "step",
]


@pytest.mark.parametrize("word", LIGHT_WORDS)
def test_vague_words_weigh_half(word: str):
    # kedro (1) of kedro + a vague word (0.5) is 2/3 of the point: made.
    assert made("kedro", f"kedro {word}")
    assert not made(word, f"kedro {word}")


def test_the_share_is_sixty_percent():
    point = "kedro airflow prefect dagster kubeflow"
    assert made("kedro airflow prefect", point)
    assert not made("kedro airflow", point)
    assert not made("kedro", "kedro airflow")
    assert made("kedro airflow", "kedro airflow")


def test_numbers_weigh_one_and_a_half():
    point = "12 kedro airflow prefect"
    assert not made("12 kedro", point)  # 2.5 of 4.5
    assert made("12 kedro airflow", point)  # 3.5 of 4.5
    assert not made("need use", "need use kedro")  # 1 of 2


def test_words_in_any_order():
    assert made("prefect dagster kedro", "kedro prefect dagster")


# ---------------------------------------------------------------- typos


def test_one_typo_from_five_letters():
    assert made("kedor", "kedro")
    assert made("kedrx", "kedro")
    assert not made("kexrx", "kedro")
    assert not made("yamx", "yaml")
    assert not made("yaml", "yamx")


def test_two_typos_from_nine_letters():
    assert made("strcutrue", "structure")
    assert not made("strxxtxre", "structure")
    assert not made("ntoebooj", "notebook")
    assert made("notebooj", "notebook")


def test_a_prefixed_or_suffixed_word_is_not_a_typo():
    assert not made("inconsistent", "consistent")
    assert not made("consistent", "inconsistent")
    assert not made("production", "produces")
    assert not made("produces", "production")
    assert not made("retrain", "train")


# ---------------------------------------------------------------- sentence and window


@pytest.mark.parametrize("end", [".", ";", "!", "?"])
def test_a_point_is_made_within_one_sentence(end: str):
    assert not made(f"kedro{end} airflow", "kedro airflow")


@pytest.mark.parametrize("mark", [":", ",", "(", ")", "[", "]", "->", "→", "-", "–", "—"])
def test_a_clause_boundary_does_not_end_the_sentence(mark: str):
    assert made(f"kedro {mark} airflow", "kedro airflow")


FILLER = [
    "alpha",
    "bravo",
    "charlie",
    "delta",
    "echo",
    "foxtrot",
    "golf",
    "hotel",
    "india",
    "juliet",
    "kilo",
    "lima",
]


def test_the_window_is_eight_terms_and_two_per_point_term():
    # Two point terms: a window of 12 answer terms.
    assert made(" ".join(["kedro", *FILLER[:10], "airflow"]), "kedro airflow")
    assert not made(" ".join(["kedro", *FILLER[:11], "airflow"]), "kedro airflow")


def test_level_n_covers_the_clauses_under_it():
    answer = "Level 0 is manual; releases are rare. Level 2 automates CI/CD."
    assert made(answer, "level 0: rare releases")
    assert not made(answer, "level 1: rare releases")
    assert not made("Level 2 is manual; releases are rare.", "level 0: rare releases")


# ---------------------------------------------------------------- negation

NEGATORS = [
    "not",
    "no",
    "never",
    "none",
    "nothing",
    "nobody",
    "neither",
    "nor",
    "without",
    "cannot",
    "lack",
    "lacks",
    "lacking",
    "dont",
    "doesnt",
    "didnt",
    "isnt",
    "arent",
    "wasnt",
    "werent",
    "cant",
    "wont",
    "shouldnt",
    "couldnt",
    "wouldnt",
    "hasnt",
    "havent",
    "hadnt",
    "neednt",
    "mustnt",
    "dosnt",
    "dosent",
    "doesent",
    "ain't",
    "is'nt",
    "doesn’t",
]


@pytest.mark.parametrize("word", NEGATORS)
def test_a_negation_turns_the_point(word: str):
    assert not made(f"{word} kedro", "kedro")
    assert made(f"{word} kedro", "not kedro")


def test_a_negation_reaches_six_terms():
    assert not made("not " + " ".join(FILLER[:5]) + " kedro", "kedro")
    assert made("not " + " ".join(FILLER[:6]) + " kedro", "kedro")


@pytest.mark.parametrize(
    "ender",
    [
        "but", "however", "although", "though", "whereas", "while", "yet", "instead", "and",
        "so", "because", "since", "which", "then", "unlike",
        ".", ";", ":", "!", "?", ",", "(", ")", "[", "]", "->", "→", "-", "–", "—",
    ],
)  # fmt: skip
def test_a_negation_ends_with_its_clause(ender: str):
    assert made(f"no airflow {ender} kedro", "kedro")


@pytest.mark.parametrize(
    "predicate",
    [
        "need", "needed", "required", "necessary", "used", "matter", "matters", "important",
        "relevant", "useful", "true", "correct", "enough", "possible", "allowed", "wanted",
    ],
)  # fmt: skip
def test_a_negated_predicate_turns_the_clause_before_it(predicate: str):
    assert not made(f"kedro is not {predicate}", "kedro")
    assert made(f"kedro is not {predicate}", "kedro is not " + predicate)
    assert made(f"airflow, kedro is not {predicate}", "airflow")


def test_a_turned_vague_word_does_not_veto():
    assert made("kedro airflow, no need", "kedro airflow need")
    assert not made("kedro, no airflow", "kedro airflow prefect")
    assert not made("kedro prefect, not airflow", "kedro airflow prefect")


# ---------------------------------------------------------------- alternatives and spans


def test_an_alternative_makes_the_point():
    assert not made("kedro", "airflow")
    assert made("kedro", "airflow", ("dagster", "kedro"))
    check = check_open("kedro", ["airflow", "prefect"], [("kedro",)])
    assert [p.covered for p in check.points] == [True, False]
    assert check.points[0].spans == ((0, 5),)


def test_spans_are_the_matched_words_in_order():
    answer = "Kedro, then Airflow runs."
    check = check_open(answer, ["airflow kedro"])
    assert check.points[0].spans == ((0, 5), (12, 19))
    assert spans("12 % of runs", "12% of runs") == ["12 %", "runs"]


def test_only_the_first_ten_thousand_characters_are_checked():
    assert made(" " * 9_995 + "kedro", "kedro")
    assert not made(" " * 9_996 + "kedro", "kedro")
    assert check_open("." * 10_000 + "kedro", ["kedro"]).suggested == 0


def test_a_very_long_word_is_checked():
    assert made("x" * 5_000 + " kedro", "kedro")
    assert not made("x" * 5_000, "kedro")


# ---------------------------------------------------------------- edges of the rules


def test_more_numbers_in_words_and_digits():
    assert made("two hundred thousand runs", "200000 runs")
    assert made("2.0 runs", "2 runs")
    assert not made("10 runs", "1 runs")
    assert not made("level 0", "levels")


def test_a_short_answer_word_is_no_typo_of_a_longer_point_word():
    assert not made("kedr", "kedro")
    assert not made("kedro", "kedr")


def test_a_negation_before_another_word_does_not_reach_back():
    assert made("airflow not kedro needed", "airflow")
    assert not made("airflow not kedro needed", "kedro")


def test_the_point_itself_counts_before_its_alternatives():
    assert made("kedro", "kedro", ("airflow",))
    check = check_open("kedro runs", ["kedro"], [("kedro runs",)])
    assert check.points[0].spans == ((0, 5),)


def test_spans_are_those_of_the_first_best_window():
    check = check_open("Kedro runs. Kedro again.", ["kedro"])
    assert check.points[0].spans == ((0, 5),)


def test_a_number_in_words_at_the_end_and_its_span():
    assert made("runs: twelve", "12 runs")
    assert made("one hundred days", "100 days")
    assert not made("one hundred days", "200 days")
    assert spans("two hundred runs", "200 runs") == ["two hundred", "runs"]
    assert spans("runs, two hundred", "200 runs") == ["runs", "two hundred"]


def test_a_dropped_last_letter_is_a_typo():
    assert made("kubeflo", "kubeflow")
    assert made("kedor", "kedro")


def test_a_typo_is_found_next_to_a_word_that_is_none():
    assert made("kedr kedor", "kedro")
    assert made("xkedro kedor", "kedro")


def test_spans_of_a_heading_stay_in_the_sentence_that_made_the_point():
    answer = "Level 0 is manual; releases are rare."
    assert spans(answer, "level 0: rare releases") == ["releases", "rare"]


def test_words_written_together_are_one_span():
    assert spans("kedro2airflow", "kedro 2 airflow") == ["kedro2airflow"]
    assert spans("kedro 2 airflow", "kedro 2 airflow") == ["kedro", "2", "airflow"]


def test_check_question_passes_quick_on():
    _, questions = parse_text(
        "topics: [{id: t, title: T}]\n"
        "questions:\n"
        "  - id: q\n    topic: t\n    type: open\n    prompt: p\n    answer: a\n"
        "    key_points:\n"
        "      - kedro\n"
        "      - {point: airflow, accept: [dagster]}\n",
        "bank.yaml",
    )
    assert check_question(questions[0], "kedro and dagster").suggested == 4
    assert check_question(questions[0], "kedro and dagster", quick=True).suggested == 5
    assert check_question(questions[0], "kedro", quick=True).suggested == 3


def test_decimal_numbers_are_joined_too_and_the_next_word_is_kept():
    assert not made("2.1 version", "version 2.1")
    assert made("version 2.1", "version 2.1")
    assert not made("days 2.5", "2.5 days")
    assert made("level 0 kedro", "kedro")
    assert made("3 days kedro", "kedro")


def test_every_word_within_a_typo_is_looked_at():
    assert made("edro kdro kero kedo kedr xkedro kedor", "kedro")


def test_a_heading_adds_no_span_of_its_own():
    answer = "Level 0 is manual; releases of kedro are rare."
    assert spans(answer, "level 0: rare releases") == ["releases", "rare"]


def test_a_predicate_without_a_negation_turns_nothing():
    assert made("kedro is needed", "kedro")
    assert made("kedro. not airflow; kedro", "kedro")
