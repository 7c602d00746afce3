"""Adding questions, rule by rule, with fixed expected text.

The bank file keeps every byte and its permissions; a new file gets the umask's mode; an id made
from the prompt is lowercase ASCII words joined by ``-``, at most 48 characters, made unique with
``-2``, ``-3``...; writers of one file take turns (a lock beside it), so none loses another's
question.
"""

from __future__ import annotations

import os
import stat
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from mlops_quiz.bank import authoring, load_bank
from mlops_quiz.errors import BankError

BANK = "topics:\n  - id: t\n    title: T\nquestions:\n  - id: a\n    topic: t\n    type: open\n    prompt: A?\n    answer: A.\n"  # noqa: E501


def item(prompt: str, **more: object) -> dict[str, object]:
    return {"topic": "t", "type": "open", "prompt": prompt, "answer": "Yes.", **more}


@pytest.fixture
def bank(tmp_path: Path) -> Path:
    path = tmp_path / "bank.yaml"
    path.write_text(BANK, encoding="utf-8")
    return path


@pytest.fixture
def umask_027() -> Iterator[None]:
    before = os.umask(0o027)
    yield
    os.umask(before)


@pytest.mark.parametrize(
    ("prompt", "slug"),
    [
        ("Why version data?", "why-version-data"),
        ("  Café au lait: ÉTÉ 2024!  ", "cafe-au-lait-ete-2024"),
        ("???", "question"),
        ("", "question"),
        # 8 words of 5 letters make 47 characters; a 9th would make 53, over 48.
        (" ".join(["abcde"] * 20), "abcde-abcde-abcde-abcde-abcde-abcde-abcde-abcde"),
        # Exactly 48 characters is allowed.
        ("a" * 48 + " b", "a" * 48),
        ("a" * 49, "question"),
    ],
)
def test_an_id_from_the_prompt(prompt: str, slug: str):
    assert authoring.slugify(prompt) == slug


def test_a_long_prompt_gives_a_bounded_id(bank: Path):
    prompt = "Explain " + " ".join(f"word{n}" for n in range(200)) + "?"
    new_id = authoring.add_question(bank, [], item(prompt))
    assert new_id == "explain-word0-word1-word2-word3-word4-word5"
    assert len(new_id) <= 48


def test_ids_are_made_unique_by_counting():
    assert authoring.unique_id("x", set()) == "x"
    assert authoring.unique_id("x", {"x"}) == "x-2"
    assert authoring.unique_id("x", {"x", "x-2", "x-3"}) == "x-4"
    assert authoring.unique_id("x", {"x-2"}) == "x"


def test_the_bank_keeps_its_permissions(bank: Path):
    bank.chmod(0o640)
    authoring.add_question(bank, [], item("Why?"))
    assert stat.S_IMODE(bank.stat().st_mode) == 0o640
    bank.chmod(0o604)
    authoring.add_question(bank, [], item("Why not?"))
    assert stat.S_IMODE(bank.stat().st_mode) == 0o604


@pytest.mark.usefixtures("umask_027")
def test_a_new_bank_gets_the_umask_mode(tmp_path: Path, bank: Path):
    target = tmp_path / "mine.yaml"
    authoring.add_question(target, [bank], item("Mine?"))
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    assert os.umask(0o027) == 0o027  # the umask is left as it was


def test_no_temporary_or_lock_file_is_left_but_the_lock(bank: Path):
    authoring.add_question(bank, [], item("Why?"))
    assert sorted(p.name for p in bank.parent.iterdir()) == [".bank.yaml.lock", "bank.yaml"]


def test_a_writer_waits_for_the_one_holding_the_lock(bank: Path):
    done = threading.Event()
    failures: list[BaseException] = []

    def second_writer() -> None:
        try:
            authoring.add_question(bank, [], item("Second?"))
        except BaseException as exc:  # pragma: no cover - reported below
            failures.append(exc)
        done.set()

    with authoring.locked(bank):
        text = bank.read_text(encoding="utf-8")
        writer = threading.Thread(target=second_writer)
        writer.start()
        time.sleep(0.5)
        assert not done.is_set()
        assert bank.read_text(encoding="utf-8") == text  # nothing written while held
        # The holder writes its own question meanwhile, as add_question would.
        new_text = authoring.insert_question(text, {"id": "first", **item("First?")}, "bank.yaml")
        authoring.write_atomically(bank, new_text, False)
    writer.join(timeout=30)
    assert done.is_set() and not failures
    assert [q.id for q in load_bank([bank]).questions] == ["a", "first", "second"]


def test_concurrent_writers_lose_no_question(bank: Path):
    prompts = [f"Question number {n}?" for n in range(8)]
    threads = [
        threading.Thread(target=authoring.add_question, args=(bank, [], item(p))) for p in prompts
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    ids = sorted(q.id for q in load_bank([bank]).questions)
    assert ids == sorted(["a", *(f"question-number-{n}" for n in range(8))])


def test_waiting_for_the_lock_is_bounded(bank: Path):
    with authoring.locked(bank):
        started = time.monotonic()
        with pytest.raises(BankError) as raised, authoring.locked(bank, timeout=0.3):
            pass  # pragma: no cover
        waited = time.monotonic() - started
    assert raised.value.problems == [
        f"{bank}: another program is writing this bank (it holds "
        f"{bank.parent / '.bank.yaml.lock'}); try again when it is done"
    ]
    assert 0.3 <= waited < 5


def test_the_lock_is_released_after_use(bank: Path):
    with authoring.locked(bank):
        pass
    with authoring.locked(bank, timeout=0.0):
        pass


def test_a_known_prompt_is_refused_with_its_id(bank: Path):
    with pytest.raises(BankError) as raised:
        authoring.add_question(bank, [], item("  a? "))
    assert raised.value.problems == [
        f"{bank}: this question is already in the bank as 'a' ({bank}:5)"
    ]


def test_several_questions_in_one_write(bank: Path):
    ids = authoring.add_questions(bank, [], [item("One?"), item("One!"), item("Two?", id="zz")])
    assert ids == ["one", "one-2", "zz"]
    text = bank.read_text(encoding="utf-8")
    assert text.startswith(BANK)
    assert text[len(BANK) :] == (
        "  - id: one\n    topic: t\n    type: open\n    prompt: One?\n    answer: Yes.\n"
        "  - id: one-2\n    topic: t\n    type: open\n    prompt: One!\n    answer: Yes.\n"
        "  - id: zz\n    topic: t\n    type: open\n    prompt: Two?\n    answer: Yes.\n"
    )


def test_fields_are_written_in_the_bank_formats_order(bank: Path):
    authoring.add_question(
        bank,
        [],
        {"answer": "Yes.", "tags": ["x"], "prompt": "Ordered?", "type": "open", "topic": "t"},
    )
    added = bank.read_text(encoding="utf-8")[len(BANK) :]
    assert added == (
        "  - id: ordered\n    topic: t\n    type: open\n    prompt: Ordered?\n    answer: Yes.\n"
        "    tags:\n      - x\n"
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", authoring.NEW_FILE_HEADER + "questions:\n  - id: n\n"),
        ("topics: []\n", "topics: []\nquestions:\n  - id: n\n"),
        ("topics: []", "topics: []\nquestions:\n  - id: n\n"),
        ("questions:\n", "questions:\n  - id: n\n"),
        ("questions: []\n# end\n", "questions:\n  - id: n\n# end\n"),
        ("questions:\n- id: a\n\n# next\nx: 1\n", "questions:\n- id: a\n- id: n\n\n# next\nx: 1\n"),
        ("questions:\n  - id: a", "questions:\n  - id: a\n  - id: n\n"),
        ("a: 1\r\nquestions:\r\n  - id: a\r\n", "a: 1\r\nquestions:\r\n  - id: a\r\n  - id: n\r\n"),
    ],
)
def test_where_a_question_is_inserted(text: str, expected: str):
    assert authoring.insert_question(text, {"id": "n"}, "b.yaml") == expected


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("- a\n", "b.yaml:1: the top level must be a mapping to add a question to it"),
        (
            "x: 1\nquestions: [{id: a}]\n",
            "b.yaml:2: 'questions' must be a block list (one '- ' item per question) "
            "to add a question to it",
        ),
    ],
)
def test_files_a_question_cannot_be_added_to(text: str, problem: str):
    with pytest.raises(BankError) as raised:
        authoring.insert_question(text, {"id": "n"}, "b.yaml")
    assert raised.value.problems == [problem]


def test_a_multi_line_answer_is_a_block():
    assert (
        authoring.item_yaml({"answer": "one\ntwo\n"}, 4)
        == "    - answer: |\n        one\n        two\n"
    )


def test_a_problem_in_the_new_question_is_told_as_such(bank: Path):
    with pytest.raises(BankError) as raised:
        authoring.add_question(bank, [], {"topic": "t", "type": "open", "prompt": "No answer?"})
    assert raised.value.problems == [
        f"{bank}: the new question: question 'no-answer': an open question needs an 'answer'"
    ]


def test_a_link_is_followed_and_kept(tmp_path: Path, bank: Path):
    link = tmp_path / "link.yaml"
    link.symlink_to(bank)
    authoring.add_question(link, [], item("Linked?"))
    assert link.is_symlink()
    assert [q.id for q in load_bank([bank]).questions] == ["a", "linked"]
    dangling = tmp_path / "dangling.yaml"
    dangling.symlink_to(tmp_path / "nothing.yaml")
    with pytest.raises(BankError) as raised:
        authoring.add_question(dangling, [], item("Nowhere?"))
    assert raised.value.problems == [f"{dangling}: is a link to a file that does not exist"]


def test_a_folder_is_no_bank_file(tmp_path: Path):
    with pytest.raises(BankError) as raised:
        authoring.add_question(tmp_path, [], item("Folder?"))
    assert raised.value.problems == [
        f"{tmp_path}: is not a regular file; a question can only go into a file"
    ]


def test_a_read_only_bank_is_refused(bank: Path):
    bank.chmod(0o444)
    with pytest.raises(BankError) as raised:
        authoring.add_question(bank, [], item("Read only?"))
    assert raised.value.problems == [f"{bank}: cannot add a question: the file is read-only"]
