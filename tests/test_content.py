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
        for n, gap in enumerate(q.gaps):
            for accepted in gap:
                typed = [g[0] for g in q.gaps]
                typed[n] = accepted
                check = check_answer(q, "; ".join(typed))
                assert check is not None and check.correct, (q.id, accepted)


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


def test_continuous_training_names_every_trigger(bank: Bank):
    item = bank.by_id()["comp-continuous-training"]
    points = " | ".join(item.key_points).lower()
    answer = item.answer.lower()
    for trigger in ("new data", "code", "schedule", "monitoring", "decay", "ad hoc"):
        assert trigger in points, trigger
        assert trigger in answer, trigger
    assert "manual" in points


def test_seven_processes_rest_on_the_capabilities(bank: Bank):
    item = bank.by_id()["comp-seven-processes"]
    assert "the processes rest on core technical capabilities" in item.key_points
    overview = item.answer.lower()
    assert "monitoring" in overview and "ad hoc" in overview


def test_ai_system_cloze_has_one_right_answer(bank: Bank):
    item = bank.by_id()["dcai-ai-system-cloze"]
    assert len(item.gaps) == 2
    for right in ("data; model", "data; algorithm", "data; model/algorithm"):
        check = check_answer(item, right)
        assert check is not None and check.correct, right
    for wrong in ("code; data", "model; data", "data; data", "data; code"):
        check = check_answer(item, wrong)
        assert check is not None and not check.correct, wrong


def test_lifecycle_cloze_has_the_four_stages_in_order(bank: Bank):
    items = bank.by_id()
    assert "dcai-lifecycle-ends-cloze" not in items
    assert "dcai-lifecycle-middle-cloze" not in items
    item = items["dcai-lifecycle-stages-cloze"]
    assert len(item.gaps) == 4
    for answer in (
        "scope project; collect data; train model; deploy in production",
        "scoping; data; modeling; deployment",
        "Scoping; Data; Modelling; Deployment",
    ):
        check = check_answer(item, answer)
        assert check is not None and check.correct, answer
    swapped = check_answer(item, "scoping; modeling; data; deployment")
    assert swapped is not None and swapped.parts == (True, False, False, True)


def test_no_other_lifecycle_cloze_gives_the_stages_away(bank: Bank):
    stages = re.compile(r"scop|collect|deploy", re.IGNORECASE)
    for q in bank.questions:
        if q.topic == "data-centric-ai" and q.type == "cloze" and "lifecycle" in q.tags:
            assert q.id == "dcai-lifecycle-stages-cloze" or not stages.search(q.prompt), q.id


def test_model_governance_has_an_open_item_with_its_key_points(bank: Bank):
    item = bank.by_id()["fw-model-governance"]
    assert item.type == "open" and item.topic == "mlops-framework"
    assert "governance" in item.prompt.lower()
    assert item.key_points == (
        "register, review, validate and approve models for release",
        "manual, semi-automated or fully automated",
        "models and metadata versioned in the model registry",
        "challenger compared with the production model",
        "fairness and explainability checked",
        "approve or reject against release criteria",
        "approved models released to deployment",
        "report on the performance of deployed models",
    )
    short = [q for q in bank.questions if "governance" in q.tags and q.type != "open"]
    assert len(short) >= 4


def test_cloze_gaps_accept_the_forms_a_learner_types(bank: Bank):
    items = bank.by_id()
    for qid, answer in (
        ("dcai-hold-fixed-cloze", "code/algorithm; data"),
        ("dcai-hold-fixed-cloze", "model/algorithm; data"),
        ("dcai-change-x-y-cloze", "input x; label y"),
        ("fw-ct-cloze", "continuous training (CT)"),
        ("dcai-steel-defect-cloze", "76.2 percent; 0 percent; 16.9 percent"),
        ("dcai-steel-defect-cloze", "76.2%; +0%; 16.9 per cent"),
        ("dcai-noise-example-cloze", "five hundred; twelve percent; sixty"),
        ("comp-72-percent-cloze", "seventy-two percent"),
        ("fw-level1-containerised-cloze", "containers"),
    ):
        check = check_answer(items[qid], answer)
        assert check is not None and check.correct, (qid, answer)


def test_key_points_are_short_and_not_about_the_notes(bank: Bank):
    for q in bank.questions:
        for point in q.key_points:
            assert len(point.split()) <= 14, (q.id, point)
            assert "slide" not in point.lower(), (q.id, point)
    assert "remedy is monitoring and frequent retraining" not in (
        bank.by_id()["fw-level0-monitoring"].key_points
    )
    assert "pipelines can be combined and reused" not in (
        bank.by_id()["chal-pipeline-order"].key_points
    )


LABELLING_TELL = re.compile(r"label+ing (instruction|tool)|annotator", re.IGNORECASE)


def test_labelling_distractors_stay_in_the_data_centric_topic(bank: Bank):
    for q in bank.questions:
        if q.type == "mcq" and q.topic != "data-centric-ai":
            wrong = [c for i, c in enumerate(q.choices) if i not in q.correct]
            assert not any(LABELLING_TELL.search(c) for c in wrong), q.id


def test_single_answer_letters_are_spread_over_a_to_d(bank: Bank):
    letters = Counter(
        "abcd"[q.correct[0]] for q in bank.questions if q.type == "mcq" and len(q.correct) == 1
    )
    total = sum(letters.values())
    assert set(letters) == set("abcd")
    assert all(0.2 * total <= n <= 0.32 * total for n in letters.values()), letters


def test_the_right_choice_is_not_the_longest_by_a_margin(bank: Bank):
    strictly_longest = 0
    single = [q for q in bank.questions if q.type == "mcq" and len(q.correct) == 1]
    for q in single:
        right = len(q.choices[q.correct[0]])
        longest_wrong = max(len(c) for i, c in enumerate(q.choices) if i != q.correct[0])
        assert right <= 1.4 * longest_wrong, q.id
        strictly_longest += right > longest_wrong
    assert strictly_longest <= len(single) / 3
