"""Property tests: whatever the text, the bank parser raises BankError or returns, nothing else."""

from __future__ import annotations

from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mlops_quiz.bank import QUESTION_FIELDS, TOPIC_FIELDS, parse_text
from mlops_quiz.errors import BankError

BUNDLED = Path(__file__).resolve().parents[2] / "data" / "questions.yaml"
BUNDLED_LINES = BUNDLED.read_text(encoding="utf-8").splitlines(keepends=True)

FUZZ = settings(
    max_examples=150,
    deadline=None,
    database=None,  # write nothing outside the test's own folders
    # The same examples on every run and machine, so a failure in CI replays here; the
    # failing example is printed with the blob that reproduces it (@reproduce_failure).
    derandomize=True,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def parses_or_refuses(text: str) -> None:
    try:
        topics, questions = parse_text(text, "x.yaml")
    except BankError as exc:
        assert exc.problems, "a BankError must say what is wrong"
        for problem in exc.problems:
            assert problem.startswith("x.yaml:"), problem
        return
    assert isinstance(topics, list) and isinstance(questions, list)


FIELD_NAMES = sorted(set(QUESTION_FIELDS) | TOPIC_FIELDS | {"topics", "questions"})
scalars = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=True)
    | st.text(max_size=20)
    | st.sampled_from(["open", "mcq", "cloze", "a", "b", "[a, c]", "{{x}}", "{{}}", "a{{b|c}}"])
)
keys = st.sampled_from(FIELD_NAMES) | st.text(max_size=8)
documents = st.recursive(
    scalars,
    lambda children: st.lists(children, max_size=6) | st.dictionaries(keys, children, max_size=8),
    max_leaves=40,
)


@FUZZ
@given(documents)
def test_random_yaml_documents(doc: object) -> None:
    parses_or_refuses(yaml.safe_dump(doc, allow_unicode=True))


letters = st.lists(st.sampled_from(list("abcdefghijklmnopqrstuvwxyz?1A ")), max_size=3)
question_values = {
    "id": st.sampled_from(["q", "q2", "Bad Id", "", "x" * 90]) | scalars,
    "topic": st.sampled_from(["t", "u", ""]) | scalars,
    "type": st.sampled_from(["open", "mcq", "cloze", "essay"]),
    "prompt": st.sampled_from(["P?", "A {{gap}}.", "{{}}", "{{a|b}} {{c", "x}}"]) | scalars,
    "answer": scalars,
    "key_points": st.lists(scalars, max_size=4) | scalars,
    "tags": st.lists(scalars, max_size=4) | scalars,
    "choices": st.lists(st.text(max_size=5), max_size=6) | scalars,
    "correct": st.sampled_from(["a", "b", "z", "?", "aa"])
    | letters.map(lambda x: "".join(x))
    | st.lists(st.sampled_from(["a", "b", "c", "zz", "?"]), max_size=4),
}
bank_questions = st.fixed_dictionaries(
    {"id": question_values["id"], "type": question_values["type"]},
    optional={k: v for k, v in question_values.items() if k not in ("id", "type")},
)
well_formed_mcq = st.fixed_dictionaries(
    {
        "id": st.sampled_from(["m1", "m2"]),
        "topic": st.just("t"),
        "type": st.just("mcq"),
        "prompt": st.just("Pick?"),
        "choices": st.sampled_from([0, 1, 2, 3, 25, 26, 27, 30]).map(
            lambda n: [f"choice {i}" for i in range(n)]
        ),
        "correct": question_values["correct"],
    }
)
well_formed_cloze = st.fixed_dictionaries(
    {
        "id": st.sampled_from(["c1", "c2"]),
        "topic": st.just("t"),
        "type": st.just("cloze"),
        "prompt": st.lists(
            st.sampled_from(["a ", "{{", "}}", "|", ";", "{{x}}", "{{ }}", "{{a|b}}", "\n"]),
            max_size=8,
        ).map("".join),
    }
)
bank_questions = bank_questions | well_formed_mcq | well_formed_cloze
banks = st.fixed_dictionaries(
    {
        "topics": st.lists(
            st.fixed_dictionaries({"id": st.sampled_from(["t", "u"]), "title": scalars}),
            max_size=3,
        ),
        "questions": st.lists(bank_questions, max_size=5),
    }
)


@FUZZ
@given(banks)
def test_random_bank_shaped_documents(doc: object) -> None:
    parses_or_refuses(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False))


@FUZZ
@given(st.text(max_size=400))
def test_random_text(text: str) -> None:
    parses_or_refuses(text)


@FUZZ
@given(
    st.lists(
        st.sampled_from(
            [
                "topics:",
                "questions:",
                "  - ",
                "id: ",
                "{{",
                "&a ",
                "*a",
                "!!python/object:x ",
                "\t",
                "\n",
                "    ",
                "- [",
                "]",
                "'",
                '"',
                "#",
                ": ",
                "type: mcq",
                "correct: [a, b]",
                "---",
            ]
        ),
        max_size=60,
    )
)
def test_random_yaml_like_fragments(pieces: list[str]) -> None:
    parses_or_refuses("".join(pieces))


mutation = st.one_of(
    st.tuples(st.just("delete"), st.integers(0, 10**6)),
    st.tuples(st.just("duplicate"), st.integers(0, 10**6)),
    st.tuples(st.just("swap"), st.integers(0, 10**6), st.integers(0, 10**6)),
    st.tuples(st.just("insert"), st.integers(0, 10**6), st.text(min_size=1, max_size=5)),
    st.tuples(st.just("cut"), st.integers(0, 10**6)),
)


def mutate(lines: list[str], steps: list[tuple]) -> str:
    lines = list(lines)
    for step in steps:
        if not lines:
            break
        n = step[1] % len(lines)
        if step[0] == "delete":
            del lines[n]
        elif step[0] == "duplicate":
            lines.insert(n, lines[n])
        elif step[0] == "swap":
            m = step[2] % len(lines)
            lines[n], lines[m] = lines[m], lines[n]
        elif step[0] == "insert":
            line = lines[n]
            at = step[1] % (len(line) + 1)
            lines[n] = line[:at] + step[2] + line[at:]
        elif step[0] == "cut":
            line = lines[n]
            lines[n] = line[: step[1] % (len(line) + 1)]
    return "".join(lines)


def test_the_bundled_bank_is_valid() -> None:
    topics, questions = parse_text("".join(BUNDLED_LINES), "x.yaml")
    assert len(topics) >= 4 and len(questions) >= 100


@FUZZ
@given(st.lists(mutation, min_size=1, max_size=8))
def test_mutations_of_the_bundled_bank(steps: list[tuple]) -> None:
    parses_or_refuses(mutate(BUNDLED_LINES, steps))
