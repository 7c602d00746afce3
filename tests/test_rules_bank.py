"""The bank format of the README, rule by rule, with the exact problem each mistake reports.

Ids: lowercase letters, digits, ``-``, ``_`` and ``.``, at most 80 characters (the database
column holds 80), unique across every loaded file, topics included. Mcq: 2 to 26 different
choices, ``correct`` a letter (either case) or a list of letters, at least one right and one
wrong. Cloze: ``{{a|b}}`` gaps, ``;`` never inside an answer.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from mlops_quiz.bank import (
    Bank,
    Question,
    Topic,
    choice_letter,
    cloze_pieces,
    cloze_text,
    content_digest,
    gap_answers,
    load_bank,
    parse_text,
    parse_text_lenient,
    question_line,
)
from mlops_quiz.errors import BankError

TOPIC = "topics:\n  - id: t\n    title: T\n"


def problems_of(text: str) -> list[str]:
    with pytest.raises(BankError) as raised:
        parse_text(textwrap.dedent(text), "b.yaml")
    return raised.value.problems


def questions_of(text: str) -> list[Question]:
    _, questions = parse_text(textwrap.dedent(text), "b.yaml")
    return questions


def one_question(fields: str) -> str:
    return TOPIC + "questions:\n  - {id: q, topic: t, " + fields + "}\n"


def mcq(choices: list[str], correct: str) -> str:
    return one_question(
        f"type: mcq, prompt: P, choices: [{', '.join(choices)}], correct: {correct}"
    )


# ---------------------------------------------------------------- ids


@pytest.mark.parametrize("qid", ["a", "0", "a-b_c.d", "x" * 80, "intro.2024_v-1", "9lives"])
def test_ids_that_are_accepted(qid: str):
    found = questions_of(
        TOPIC + f"questions:\n  - {{id: '{qid}', topic: t, type: open, prompt: P, answer: A}}\n"
    )
    assert [q.id for q in found] == [qid]


@pytest.mark.parametrize("qid", ["Upper", "ABC", "a b", "x" * 81, "-lead", ".lead", "é", "a/b"])
def test_ids_that_are_refused(qid: str):
    found = problems_of(
        TOPIC + f"questions:\n  - {{id: '{qid}', topic: t, type: open, prompt: P, answer: A}}\n"
    )
    assert found[0] == (
        f"b.yaml:5: question id {qid!r} must be lowercase letters, digits, '-', '_' or '.' "
        "(at most 80 characters)"
    )


def test_topic_ids_follow_the_same_rule():
    found = problems_of("topics:\n  - id: Big\n    title: T\n")
    assert found == [
        "b.yaml:2: topic id 'Big' must be lowercase letters, digits, '-', '_' or '.' "
        "(at most 80 characters)"
    ]


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def test_a_topic_id_in_two_files_is_refused_naming_both(tmp_path: Path):
    first = write(tmp_path, "one.yaml", "topics:\n  - id: t\n    title: First\n")
    second = write(tmp_path, "two.yaml", "# another\ntopics:\n  - id: t\n    title: Second\n")
    with pytest.raises(BankError) as raised:
        load_bank([first, second])
    assert raised.value.problems == [f"{second}:3: duplicate topic id 't' (first at {first}:2)"]


def test_a_topic_id_twice_in_a_lenient_file_is_a_warning(tmp_path: Path):
    first = write(tmp_path, "one.yaml", "topics:\n  - id: t\n    title: First\n")
    second = write(tmp_path, "two.yaml", "topics:\n  - id: t\n    title: Second\n")
    bank = load_bank([first, second], lenient=[second])
    assert bank.topics["t"].title == "First"
    assert bank.warnings == [f"{second}:2: duplicate topic id 't' (first at {first}:2)"]


def test_a_question_with_an_unknown_topic_names_the_known_ones(tmp_path: Path):
    path = write(
        tmp_path,
        "b.yaml",
        TOPIC + "  - id: s\n    title: S\nquestions:\n"
        "  - {id: q, topic: nope, type: open, prompt: P, answer: A}\n",
    )
    with pytest.raises(BankError) as raised:
        load_bank([path])
    assert raised.value.problems == [f"{path}:7: question 'q': unknown topic 'nope' (known: s, t)"]
    lone = write(
        tmp_path, "c.yaml", "questions:\n  - {id: q, topic: x, type: open, prompt: P, answer: A}\n"
    )
    with pytest.raises(BankError) as raised:
        load_bank([lone])
    assert raised.value.problems == [
        f"{lone}:2: question 'q': unknown topic 'x' (known: none defined)"
    ]


def test_a_lenient_file_leaves_out_a_duplicate_question(tmp_path: Path):
    first = write(tmp_path, "one.yaml", one_question("type: open, prompt: P, answer: A"))
    second = write(
        tmp_path,
        "two.yaml",
        "questions:\n  - {id: q, topic: t, type: open, prompt: Q, answer: A}\n"
        "  - {id: r, topic: t, type: open, prompt: R, answer: A}\n",
    )
    bank = load_bank([first, second], lenient=[second])
    assert [q.id for q in bank.questions] == ["q", "r"]
    assert bank.questions[0].prompt == "P"
    assert bank.left_out == 1
    assert bank.warnings == [f"{second}:2: duplicate question id 'q' (first at {first}:5)"]


def test_a_lenient_file_that_is_no_yaml_is_left_out_whole(tmp_path: Path):
    first = write(tmp_path, "one.yaml", one_question("type: open, prompt: P, answer: A"))
    broken = write(tmp_path, "two.yaml", "questions: [\n")
    bank = load_bank([first, broken], lenient=[broken])
    assert [q.id for q in bank.questions] == ["q"]
    assert bank.warnings[-1] == f"{broken}: the whole file is left out"
    assert bank.warnings[0].startswith(f"{broken}:")


def test_a_lenient_file_keeps_its_valid_items(tmp_path: Path):
    first = write(tmp_path, "one.yaml", TOPIC)
    mine = write(
        tmp_path,
        "mine.yaml",
        "questions:\n  - {id: good, topic: t, type: open, prompt: P, answer: A}\n"
        "  - {id: bad, topic: t, type: open, prompt: P}\n",
    )
    bank = load_bank([first, mine], lenient=[mine])
    assert [q.id for q in bank.questions] == ["good"]
    assert bank.left_out == 1
    assert bank.warnings == [f"{mine}:3: question 'bad': an open question needs an 'answer'"]
    assert bank.files == [str(first), str(mine)]


# ---------------------------------------------------------------- mcq


def test_correct_may_be_an_upper_case_letter():
    (q,) = questions_of(mcq(["x", "y", "z"], "B"))
    assert q.correct == (1,)
    (q,) = questions_of(mcq(["x", "y", "z"], "[C, a]"))
    assert q.correct == (0, 2)


def test_twenty_six_choices_are_accepted_and_twenty_seven_refused():
    letters = [f"c{n}" for n in range(26)]
    (q,) = questions_of(mcq(letters, "z"))
    assert len(q.choices) == 26 and q.correct == (25,)
    found = problems_of(mcq([*letters, "c26"], "a"))
    assert found == ["b.yaml:5: question 'q': an mcq needs 2 to 26 choices"]


def test_one_choice_is_refused():
    assert problems_of(mcq(["x"], "a")) == [
        "b.yaml:5: question 'q': an mcq needs 2 to 26 choices",
        "b.yaml:5: question 'q': an mcq needs at least one wrong choice",
    ]


@pytest.mark.parametrize(
    ("correct", "problem"),
    [
        ("d", "correct choice 'd' must be a letter from a to c"),
        ("ab", "correct choice 'ab' must be a letter from a to c"),
        ("'1'", "correct choice '1' must be a letter from a to c"),
        ("[a, A]", "correct choice 'A' is given twice"),
        ("[a, b, c]", "an mcq needs at least one wrong choice"),
        ("[]", "an mcq needs at least one correct choice"),
    ],
)
def test_correct_choice_mistakes(correct: str, problem: str):
    assert problems_of(mcq(["x", "y", "z"], correct)) == [f"b.yaml:5: question 'q': {problem}"]


def test_duplicate_choices_are_refused_ignoring_case_and_accents():
    assert problems_of(mcq(["Café", "cafe", "z"], "a")) == [
        "b.yaml:5: question 'q': duplicate choice 'cafe'"
    ]


def test_an_mcq_needs_choices_and_correct():
    assert problems_of(one_question("type: mcq, prompt: P, choices: [x, y]")) == [
        "b.yaml:5: question 'q': an mcq needs 'choices' and 'correct'"
    ]


def test_mcq_fields_on_another_type_are_refused():
    found = problems_of(one_question("type: open, prompt: P, answer: A, shuffle: false"))
    assert found == ["b.yaml:5: question 'q': field 'shuffle' is only for mcq"]


def test_shuffle_must_be_a_boolean():
    found = problems_of(mcq(["x", "y"], "a").replace("correct: a", "correct: a, shuffle: 1"))
    assert found == ["b.yaml:5: question 'q': shuffle must be true or false"]
    (q,) = questions_of(mcq(["x", "y"], "a").replace("correct: a", "correct: a, shuffle: no"))
    assert q.shuffle is False
    (q,) = questions_of(mcq(["x", "y"], "a"))
    assert q.shuffle is True


# ---------------------------------------------------------------- cloze


def cloze(prompt: str) -> str:
    return one_question(f"type: cloze, prompt: '{prompt}'")


def test_cloze_gaps_and_alternatives():
    (q,) = questions_of(cloze("{{ a | b }} and {{c}}"))
    assert q.gaps == (("a", "b"), ("c",))


@pytest.mark.parametrize(
    ("prompt", "problem"),
    [
        ("{{a;b}}", "gap 1: ';' separates answers, it cannot be in one"),
        ("{{x}} {{ok|a;b}}", "gap 2: ';' separates answers, it cannot be in one"),
        ("no gap", "a cloze needs at least one gap written {{answer}}"),
        ("{{a}} }}", "unbalanced '{{' or '}}' in the prompt"),
        ("{{a}} {{b", "unbalanced '{{' or '}}' in the prompt"),
        ("{{ | }}", "gap 1 has no accepted answer"),
        (
            "{{...}}",
            "gap 1: an answer is only punctuation or spaces, which nobody can type "
            "so that it is compared",
        ),
        ("{{" + "x" * 201 + "}}", "gap 1: an answer is over 200 characters"),
    ],
)
def test_cloze_mistakes(prompt: str, problem: str):
    assert problems_of(cloze(prompt)) == [f"b.yaml:5: question 'q': {problem}"]


def test_gap_limits():
    (q,) = questions_of(cloze("{{" + "|".join(f"a{n}" for n in range(50)) + "}}"))
    assert len(q.gaps[0]) == 50
    found = problems_of(cloze("{{" + "|".join(f"a{n}" for n in range(51)) + "}}"))
    assert found == ["b.yaml:5: question 'q': gap 1: 51 answers; at most 50"]
    (q,) = questions_of(cloze(" ".join("{{g}}" for _ in range(30))))
    assert len(q.gaps) == 30
    found = problems_of(cloze(" ".join("{{g}}" for _ in range(31))))
    assert found == ["b.yaml:5: question 'q': 31 gaps; at most 30"]
    (q,) = questions_of(cloze("{{" + "x" * 200 + "}}"))
    assert q.gaps == (("x" * 200,),)


def test_cloze_helpers_on_fixed_prompts():
    assert cloze_pieces("a {{b}} c {{d|e}}") == [
        ("a ", False),
        ("b", True),
        (" c ", False),
        ("d|e", True),
    ]
    assert cloze_pieces("{{x}}") == [("x", True)]
    assert cloze_pieces("{{open") == [("{{open", False)]
    assert gap_answers(" a | | b ") == ("a", "b")
    assert cloze_text("a {{b}} c {{d}}") == "a [1]____ c [2]____"
    assert cloze_text("a {{b}} c {{d}}", ["B"]) == "a B c "
    assert choice_letter(0) == "a" and choice_letter(25) == "z"


# ---------------------------------------------------------------- fields and structure


@pytest.mark.parametrize(
    ("fields", "problem"),
    [
        (
            "type: essay, prompt: P",
            "question 'q': unknown type 'essay'; use one of open, mcq, cloze",
        ),
        ("type: open, prompt: P", "question 'q': an open question needs an 'answer'"),
        ("type: open, prompt: '', answer: A", "question 'q': prompt is empty"),
        ("type: open, prompt: [P], answer: A", "question 'q': prompt must be text, not a sequence"),
        (
            "type: open, prompt: P, answer: A, tags: x",
            "question 'q': tags must be a list, not a scalar",
        ),
        (
            "type: open, prompt: P, answer: A, key_points: x",
            "question 'q': key_points must be a list, not a scalar",
        ),
        (
            "type: open, prompt: P, answer: A, key_points: [{accept: [x]}]",
            "question 'q': key_points: a key point written as a mapping needs 'point'",
        ),
        (
            "type: open, prompt: !!binary aGk=, answer: A",
            "question 'q': prompt: unsupported YAML tag 'tag:yaml.org,2002:binary'",
        ),
    ],
)
def test_question_field_mistakes(fields: str, problem: str):
    assert problems_of(one_question(fields)) == [f"b.yaml:5: {problem}"]


def test_a_misspelt_field_is_named_with_the_right_one():
    assert problems_of(one_question("type: open, promt: P, answer: A")) == [
        "b.yaml:5: question: unknown field 'promt' (did you mean 'prompt'?)",
        "b.yaml:5: question 'q': missing field 'prompt'",
    ]


def test_missing_fields_are_each_named():
    found = problems_of(TOPIC + "questions:\n  - {answer: A}\n")
    assert found == [
        "b.yaml:5: question: missing field 'id'",
        "b.yaml:5: question: missing field 'topic'",
        "b.yaml:5: question: missing field 'type'",
        "b.yaml:5: question: missing field 'prompt'",
    ]
    assert problems_of("topics:\n  - {source: S}\n") == [
        "b.yaml:2: topic: missing field 'id'",
        "b.yaml:2: topic: missing field 'title'",
    ]


def test_length_limits_name_the_length():
    found = problems_of(one_question("type: open, prompt: '" + "p" * 4_001 + "', answer: A"))
    assert found == ["b.yaml:5: question 'q': prompt is 4,001 characters long; at most 4,000"]
    (q,) = questions_of(one_question("type: open, prompt: '" + "p" * 4_000 + "', answer: A"))
    assert len(q.prompt) == 4_000
    tags = ", ".join(f"t{n}" for n in range(21))
    found = problems_of(one_question(f"type: open, prompt: P, answer: A, tags: [{tags}]"))
    assert found == ["b.yaml:5: question 'q': tags: 21 items; at most 20"]


def test_key_point_limits():
    points = ", ".join(f"k{n}" for n in range(31))
    found = problems_of(one_question(f"type: open, prompt: P, answer: A, key_points: [{points}]"))
    assert found == ["b.yaml:5: question 'q': key_points: 31 items; at most 30"]
    accepts = ", ".join(f"a{n}" for n in range(21))
    found = problems_of(
        one_question(
            f"type: open, prompt: P, answer: A, key_points: [{{point: p, accept: [{accepts}]}}]"
        )
    )
    assert found == ["b.yaml:5: question 'q': key_points: accept: 21 items; at most 20"]


def test_every_field_is_kept_stripped():
    (q,) = questions_of(
        TOPIC + "questions:\n"
        "  - id: q\n    topic: t\n    type: open\n    prompt: '  P  '\n"
        "    answer: '  A  '\n    key_points: [' k ', {point: ' p ', accept: [' x ']}]\n"
        "    tags: [' g ']\n"
    )
    assert (q.prompt, q.answer, q.key_points, q.tags) == ("P", "A", ("k", "p"), ("g",))
    assert q.key_point_alternatives == ((), ("x",))
    assert (q.file, q.line, q.where) == ("b.yaml", 5, "b.yaml:5")


def test_topics_keep_title_source_and_description():
    topics, _ = parse_text(
        "topics:\n  - {id: t, title: ' T ', source: ' S ', description: ' D '}\n", "b.yaml"
    )
    assert topics == [Topic("t", "T", "S", "D", "b.yaml", 2)]


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("", "b.yaml:1: the file is empty: expected 'topics:' and/or 'questions:'"),
        (
            "- a\n",
            "b.yaml:1: the top level must be a mapping with 'topics:' and/or "
            "'questions:', not a sequence",
        ),
        ("{}\n", "b.yaml:1: expected 'topics:' and/or 'questions:' at the top level"),
        ("topics: x\n", "b.yaml:1: 'topics' must be a list, not a scalar"),
        ("topics: [x]\n", "b.yaml:1: each item of 'topics' must be a mapping of fields"),
        ("topic: []\n", "b.yaml:1: top level: unknown field 'topic' (did you mean 'topics'?)"),
        ("topics: []\ntopics: []\n", "b.yaml:2: top level: field 'topics' is given twice"),
    ],
)
def test_structure_mistakes(text: str, problem: str):
    assert problems_of(text)[0] == problem


def test_lenient_parse_counts_what_it_leaves_out():
    topics, questions, problems, left = parse_text_lenient(
        TOPIC + "questions:\n  - {id: q, topic: t, type: open, prompt: P}\n"
        "  - {id: r, topic: t, type: open, prompt: P, answer: A}\n",
        "b.yaml",
    )
    assert [t.id for t in topics] == ["t"]
    assert [q.id for q in questions] == ["r"] and left == 1
    assert problems == ["b.yaml:5: question 'q': an open question needs an 'answer'"]


def test_bank_views():
    bank = Bank(
        topics={"a": Topic("a", "A"), "b": Topic("b", "B"), "c": Topic("c", "C")},
        questions=[
            Question("1", "a", "open", "P"),
            Question("2", "b", "open", "P"),
            Question("3", "a", "open", "P"),
        ],
    )
    assert bank.count_by_topic() == {"a": 2, "b": 1, "c": 0}
    assert [q.id for q in bank.in_topics(["a"])] == ["1", "3"]
    assert [q.id for q in bank.in_topics(None)] == ["1", "2", "3"]
    assert [q.id for q in bank.in_topics([])] == ["1", "2", "3"]
    assert list(bank.by_id()) == ["1", "2", "3"]


# ---------------------------------------------------------------- more mistakes, each named


@pytest.mark.parametrize(
    ("fields", "problem"),
    [
        ("type: open, prompt: P, answer: [A]", "question 'q': answer must be text, not a sequence"),
        ("type: open, prompt: ~, answer: A", "question 'q': prompt is empty"),
        (
            "type: open, prompt: P, answer: A, key_points: ['" + "k" * 501 + "']",
            "each item of question 'q': key_points is 501 characters long; at most 500",
        ),
    ],
)
def test_more_question_field_mistakes(fields: str, problem: str):
    assert problems_of(one_question(fields)) == [f"b.yaml:5: {problem}"]


def test_a_key_point_of_500_characters_is_accepted():
    (q,) = questions_of(
        one_question("type: open, prompt: P, answer: A, key_points: [" + "k" * 500 + "]")
    )
    assert q.key_points == ("k" * 500,)


def test_questions_must_be_a_list():
    assert problems_of("questions: x\n") == ["b.yaml:1: 'questions' must be a list, not a scalar"]


def test_a_topic_source_must_be_text():
    assert problems_of("topics:\n  - {id: t, title: T, source: [S]}\n") == [
        "b.yaml:2: topic source must be text, not a sequence"
    ]


def test_a_topic_without_source_or_description_has_them_empty():
    topics, _ = parse_text(
        "topics:\n  - {id: t, title: T}\n  - {id: u, title: U, source: ~}\n", "b.yaml"
    )
    assert topics == [Topic("t", "T", "", "", "b.yaml", 2), Topic("u", "U", "", "", "b.yaml", 3)]


@pytest.mark.parametrize(
    ("word", "value"), [("on", True), ("yes", True), ("off", False), ("no", False)]
)
def test_yaml_booleans_of_yaml_1_1_are_flags(word: str, value: bool):
    (q,) = questions_of(mcq(["x", "y"], "a").replace("correct: a", f"correct: a, shuffle: {word}"))
    assert q.shuffle is value


def test_a_syntax_error_names_its_line():
    found = problems_of("topics: []\nquestions: []\n  bad: x\n")
    assert len(found) == 1 and found[0].startswith("b.yaml:3: invalid YAML: ")


def test_a_quote_never_closed_is_reported_where_it_opens():
    found = problems_of('topics:\n  - id: t\n    title: "T\n    source: S\nquestions: []\n')
    assert found == ["b.yaml:3: invalid YAML: a quoted text starts here and is never closed"]


def test_a_tab_in_the_indentation_is_named():
    (found,) = problems_of("topics:\n\t- id: t\n")
    assert found.startswith("b.yaml:2: invalid YAML: found character")
    assert found.endswith(" (YAML does not allow tabs for indentation)")


def test_a_tab_in_a_file_with_old_mac_line_ends_is_one_problem():
    (found,) = problems_of("topics:\r\t- id: t\r")
    assert found.startswith("b.yaml:2: invalid YAML: ")


def test_a_file_over_the_item_limit_is_refused_before_it_is_parsed():
    limit = 400_000  # lines and list items in one file
    at_limit = "topics: []" + "\n" * limit
    assert parse_text(at_limit, "b.yaml") == ([], [])
    assert problems_of(at_limit + "\n") == [
        "b.yaml:1: the file has over 400,000 lines and list items; split it"
    ]


def test_a_file_that_cannot_be_read_is_named(tmp_path: Path):
    missing = tmp_path / "none.yaml"
    with pytest.raises(BankError) as raised:
        load_bank([missing])
    assert raised.value.problems == [f"{missing}: no such bank file"]
    (tmp_path / "file.yaml").write_text("topics: []\n", encoding="utf-8")
    under_a_file = tmp_path / "file.yaml" / "b.yaml"
    with pytest.raises(BankError) as raised:
        load_bank([under_a_file])
    assert raised.value.problems == [f"{under_a_file}: cannot read: Not a directory"]


def test_the_line_of_a_question_by_its_id():
    text = TOPIC + "questions:\n  - {id: q, topic: t}\n  - id: r\n    topic: t\n  - [x]\n"
    assert question_line(text, "q") == 5
    assert question_line(text, "r") == 6
    assert question_line(text, "s") is None
    assert question_line("topics: [\n", "q") is None


def test_the_content_digest_follows_the_prompt_and_answer_as_folded():
    base = questions_of(one_question("type: open, prompt: Café?, answer: Yes"))[0]
    folded = questions_of(one_question("type: open, prompt: CAFE?, answer: yes"))[0]
    changed = questions_of(one_question("type: open, prompt: Café?, answer: No"))[0]
    assert content_digest(base) == content_digest(folded)
    assert content_digest(base) != content_digest(changed)
    assert len(content_digest(base)) == 16
    assert all(c in "0123456789abcdef" for c in content_digest(base))
