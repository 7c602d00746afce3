"""The bundled course bank: valid, complete for the course's required questions, answerable."""

from __future__ import annotations

import difflib
import re
from collections import Counter

import pytest

from mlops_quiz.bank import Bank, Question, load_bank
from mlops_quiz.checking import check_answer, correct_answer_text, normalize
from mlops_quiz.config import bundled_bank_path

# The required questions of the course notes, as the notes write them (one E2E item suffices).
REQUIRED = {
    "data-centric-ai": [
        "Describe the lifecycle of an ML project",
        "What is the difference between a model-centric vs data-centric view",
        "Describe MLOps' most important task",
    ],
    "mlops-challenges": [
        "Describe 4 typical challenges when creating machine learning products.",
        "Reusability concerns within a codebase: Explain a common way to look at what code is "
        "doing in a typical ML project.",
        "What kind of problems does the open-source framework Kedro solve and where does Kedro "
        "fit in the MLOps ecosystem?",
    ],
    "ml-components": [
        "Describe the challenges of current ML systems (where are teams today)?",
        "What are the components of the ML solution lifecycle?",
        "Explain the steps in an automated E2E pipeline.",
    ],
    "mlops-framework": [
        "Describe the difference betweeen DevOps versus MLOps",
        "Name and explain the steps for developing ML models",
        # Asked for by the course page beside the notes' questions:
        "Describe the three MLOps maturity levels",
        "What components does MLOps level 1 add?",
    ],
}


@pytest.fixture(scope="module")
def bank() -> Bank:
    return load_bank([bundled_bank_path()])


def required_items(bank: Bank) -> list[Question]:
    return [q for q in bank.questions if "required" in q.tags]


def best_match(text: str, items: list[Question]) -> tuple[Question, float]:
    scored = [
        (q, difflib.SequenceMatcher(None, normalize(text), normalize(q.prompt)).ratio())
        for q in items
    ]
    return max(scored, key=lambda pair: pair[1])


@pytest.mark.parametrize(
    ("topic", "text"), [(t, text) for t, texts in REQUIRED.items() for text in texts]
)
def test_each_required_question_has_its_marked_item(bank: Bank, topic: str, text: str):
    candidates = [q for q in required_items(bank) if q.topic == topic]
    item, score = best_match(text, candidates)
    assert score > 0.6, f"no required item for {text!r} (closest: {item.prompt!r})"
    assert item.type == "open"
    assert len(item.answer) > 200, "a required answer must be complete"
    assert 3 <= len(item.key_points) <= 8


def test_required_items_map_one_to_one(bank: Bank):
    matched = set()
    for topic, texts in REQUIRED.items():
        candidates = [q for q in required_items(bank) if q.topic == topic]
        for text in texts:
            matched.add(best_match(text, candidates)[0].id)
    assert matched == {q.id for q in required_items(bank)}


def test_counts_per_topic_and_type(bank: Bank):
    assert len(bank.questions) >= 80
    types = Counter(q.type for q in bank.questions)
    assert types["mcq"] >= 15 and types["cloze"] >= 15
    assert len(bank.topics) == 4
    assert all(n >= 10 for n in bank.count_by_topic().values())


def test_every_topic_cites_its_source(bank: Bank):
    assert all(t.source for t in bank.topics.values())


def test_no_two_items_share_a_prompt(bank: Bank):
    prompts = Counter(normalize(q.prompt) for q in bank.questions)
    assert [p for p, n in prompts.items() if n > 1] == []


def test_mcq_have_right_and_wrong_choices_and_pass_the_checker(bank: Bank):
    for q in bank.questions:
        if q.type != "mcq":
            continue
        assert q.correct and len(q.correct) < len(q.choices), q.id
        assert check_answer(q, correct_answer_text(q)).correct, q.id
        wrong = next(i for i in range(len(q.choices)) if i not in q.correct)
        assert not check_answer(q, "abcdefgh"[wrong]).correct, q.id


def test_every_cloze_gap_is_answerable_by_each_accepted_answer(bank: Bank):
    for q in bank.questions:
        if q.type != "cloze":
            continue
        assert q.gaps and all(q.gaps), q.id
        assert check_answer(q, correct_answer_text(q)).correct, q.id
        last = "; ".join(gap[-1] for gap in q.gaps)
        assert check_answer(q, last).correct, q.id


def test_exact_figures_are_taught(bank: Bank):
    text = " ".join(f"{q.prompt} {q.answer} {' '.join(q.choices)}" for q in bank.questions)
    for figure in (
        "76.2%",
        "16.9%",
        "75.68%",
        "3.06%",
        "85.05%",
        "12%",
        "500",
        "60",
        "10,000",
        "72%",
        "55%",
    ):
        assert figure in text, figure


def test_good_data_has_four_properties_not_five(bank: Bank):
    task = bank.by_id()["dcai-most-important-task"]
    assert re.search(r"\bfour\b", task.answer, re.IGNORECASE)
    assert "enough data" in task.answer.lower()


def test_lifecycle_names_all_four_stages(bank: Bank):
    answer = bank.by_id()["dcai-lifecycle"].answer.lower()
    for stage in ("scope", "collect", "train", "deploy"):
        assert stage in answer, stage


def test_kedro_answer_fixes_the_notes(bank: Bank):
    answer = bank.by_id()["chal-kedro-problems"].answer
    assert "Prefect" in answer
    assert "orchestrator" in answer.lower()
