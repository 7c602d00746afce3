"""Open answers checked by meaning: segments, contrast, the rule, and the command that says
which matcher ran (the installed script, with the real model from its pinned package)."""

from __future__ import annotations

import json
import os
import subprocess
import zipfile
from pathlib import Path

import pytest

from conftest import console_script
from mlops_quiz.checking import meaning, model
from mlops_quiz.checking.matchers import WORDS, Loader, load_meaning
from mlops_quiz.checking.words import check_open as words_check

BANK = """\
topics:
  - id: t
    title: T
questions:
  - id: eval
    topic: t
    type: open
    prompt: "How is a trained model evaluated and validated before it is deployed?"
    answer: "Evaluation scores it on a holdout test set; validation compares it to a baseline."
    key_points:
      - evaluation uses a holdout test set
      - validation compares against a baseline
  - id: gaps
    topic: t
    type: cloze
    prompt: "SM-2 starts at an E-Factor of {{2.5}}."
"""


@pytest.fixture(scope="module")
def checker(tmp_path_factory: pytest.TempPathFactory) -> meaning.MeaningChecker:
    return load_meaning(tmp_path_factory.mktemp("cache"))


@pytest.fixture
def bank(tmp_path: Path) -> Path:
    path = tmp_path / "bank.yaml"
    path.write_text(BANK, encoding="utf-8")
    return path


def run(args: list[str], env: dict[str, str], **extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [console_script(), *args],
        capture_output=True,
        text=True,
        env={**env, "MLOPS_QUIZ_NOW": "2026-03-02T09:00", **extra},
        timeout=300,
        check=False,
    )


def test_an_answer_is_cut_into_sentences_clauses_and_pairs() -> None:
    answer = "Canary first, then everyone. We watch the metrics; roll back if they drop."
    found = [(s.text, answer[s.start : s.end]) for s in meaning.segments(answer)]
    assert [text for text, _ in found] == [
        "Canary first, then everyone",
        "Canary first",
        "everyone",
        "We watch the metrics",
        "roll back if they drop",
    ]
    assert all(text == where for text, where in found)  # offsets point at the text


def test_pairs_of_neighbouring_clauses_are_segments_too() -> None:
    answer = "Nulls are checked, ranges are checked, and the schema is checked."
    texts = [s.text for s in meaning.segments(answer)]
    assert texts[0] == "Nulls are checked, ranges are checked, and the schema is checked"
    assert "Nulls are checked" in texts and "the schema is checked" in texts
    assert "Nulls are checked, ranges are checked" in texts


def test_an_empty_or_punctuation_answer_has_no_segment() -> None:
    assert meaning.segments("") == []
    assert meaning.segments(" ... ;; - ") == []


@pytest.mark.parametrize(
    ("point", "contrast"),
    [
        ("evaluation uses a holdout test set", "evaluation does not uses a holdout test set"),
        ("Kedro is not an orchestrator", "Kedro is an orchestrator"),
        ("a primary key cannot be null", "a primary key can be null"),
        ("data doesn't change", "data does change"),
        ("no manual steps", "manual steps"),
        ("automation", "not automation"),
    ],
)
def test_a_point_said_the_other_way_round(point: str, contrast: str) -> None:
    assert meaning.negated(point) == contrast


def test_the_rule_is_a_probability_that_grows_with_similarity() -> None:
    low = [0.1, -0.2, 0.0, 0.0, 0.0, 0.0]
    high = [0.95, 0.4, 1.0, 0.95, 0.95, 0.1]
    assert 0.0 < meaning.probability(low) < meaning.probability(high) < 1.0
    assert meaning.probability(high) >= meaning.THRESHOLD > meaning.probability(low)


def test_the_model_answer_makes_every_point(checker: meaning.MeaningChecker) -> None:
    points = ["evaluation uses a holdout test set", "validation compares against a baseline"]
    found = checker.check(
        "Evaluation scores the model on a holdout test set; validation compares it to a "
        "baseline before deployment.",
        points,
    )
    assert found.matcher == "meaning"
    assert [p.covered for p in found.points] == [True, True]
    assert found.suggested == 4


def test_an_off_topic_or_empty_answer_makes_no_point(checker: meaning.MeaningChecker) -> None:
    points = ["evaluation uses a holdout test set", "validation compares against a baseline"]
    off = checker.check("Kedro wraps Python functions into nodes of a pipeline.", points)
    assert [p.covered for p in off.points] == [False, False]
    assert off.suggested == 1
    empty = checker.check("  ", points)
    assert empty.empty and empty.suggested == 0


def test_a_point_made_by_meaning_is_highlighted_where_it_is_made(
    checker: meaning.MeaningChecker,
) -> None:
    answer = "We hold back a test set the model never sees and score it there."
    found = checker.check(answer, ["evaluation uses a holdout test set"])
    for point in found.points:
        for start, end in point.spans:
            assert 0 <= start < end <= len(answer)


def test_key_points_are_embedded_once_per_process(checker: meaning.MeaningChecker) -> None:
    points = ["data drift", "concept drift"]
    checker.check("the inputs change over time", points)
    known = len(checker._vectors)
    checker.check("the inputs change over time", points)
    assert len(checker._vectors) == known


def test_check_says_which_matcher_ran(script_env: dict[str, str], bank: Path) -> None:
    answer = "Evaluation uses a holdout test set. Validation compares against a baseline."
    by_meaning = run(
        ["check", "eval", "--json", "--answer", answer, "--bank", str(bank)],
        script_env,
        MLOPS_QUIZ_MATCHER="meaning",
    )
    assert by_meaning.returncode == 0, by_meaning.stderr
    verdict = json.loads(by_meaning.stdout)
    assert verdict["matcher"] == "meaning"
    assert [p["covered"] for p in verdict["key_points"]] == [True, True]
    assert verdict["suggested_grade"] == 4
    by_words = run(
        ["check", "eval", "--json", "--answer", answer, "--bank", str(bank)],
        script_env,
        MLOPS_QUIZ_MATCHER="words",
    )
    assert json.loads(by_words.stdout)["matcher"] == "words"


def test_a_model_that_fails_its_digest_is_one_warning_and_the_words_check(
    script_env: dict[str, str], bank: Path, tmp_path: Path
) -> None:
    # a package of the model's name whose weights are not the published file, found first
    fake = tmp_path / "site" / "all_minilm_l6_v2"
    fake.mkdir(parents=True)
    (fake / "__init__.py").write_text("", encoding="utf-8")
    with (
        zipfile.ZipFile(model.package_zip()) as real,
        zipfile.ZipFile(fake / "model.zip", "w") as out,
    ):
        out.writestr("tokenizer.json", real.read("tokenizer.json"))
        out.writestr("model.safetensors", b"not the weights")
    result = run(
        ["check", "eval", "--json", "--answer", "a holdout test set", "--bank", str(bank)],
        script_env,
        MLOPS_QUIZ_MATCHER="meaning",
        PYTHONPATH=str(tmp_path / "site"),
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["matcher"] == "words"
    warnings = result.stderr.strip().splitlines()
    assert len(warnings) == 1, result.stderr
    assert warnings[0].startswith("warning: ")
    assert "sha256" in warnings[0]
    assert warnings[0].endswith("open answers are checked by their words alone")


def test_the_matcher_setting_is_shown_with_its_source(script_env: dict[str, str]) -> None:
    shown = run(["config"], script_env, MLOPS_QUIZ_MATCHER="words")
    assert shown.returncode == 0, shown.stderr
    line = next(line for line in shown.stdout.splitlines() if "matcher" in line)
    assert "words" in line and "environment" in line
    bad = run(["config", "matcher", "vibes"], script_env)
    assert bad.returncode != 0
    assert len(bad.stderr.strip().splitlines()) == 1
    assert "meaning or words" in bad.stderr


def test_a_scripted_session_checks_an_open_answer_by_meaning(
    script_env: dict[str, str], bank: Path
) -> None:
    answer = "Evaluation uses a holdout test set, and validation compares against a baseline."
    session = subprocess.run(
        [console_script(), "study", "--bank", str(bank), "--id", "eval", "--limit", "1"],
        input=f"{answer}\n\n",
        capture_output=True,
        text=True,
        env={**script_env, "MLOPS_QUIZ_NOW": "2026-03-02T09:00", "MLOPS_QUIZ_MATCHER": "meaning"},
        timeout=300,
        check=False,
    )
    assert session.returncode == 0, session.stderr
    assert "Key points (✓ made, ✗ missing): 2 made, 0 missing" in session.stdout
    assert session.stderr == ""


def test_the_loader_falls_back_once(tmp_path: Path) -> None:
    said: list[str] = []
    unsafe = tmp_path / "cache"
    unsafe.mkdir()
    os.chmod(unsafe, 0o777)
    loader = Loader("meaning", unsafe, said.append)
    assert loader.checker() is WORDS
    assert loader.checker() is WORDS
    assert len(said) == 1
    assert Loader("words", unsafe, said.append).checker() is WORDS
    assert len(said) == 1


class CountingLoader(Loader):
    """A loader that counts the loads asked for and checks by words."""

    def __init__(self) -> None:
        super().__init__("words", Path("."), print)
        self.started = 0

    def start(self) -> None:
        self.started += 1


def run_session(tmp_path: Path, bank: Path, order: list[str], typed: str) -> CountingLoader:
    """A scripted session over the bank's items in ``order``; the loader it was given."""
    import io
    import sys
    from datetime import datetime, timezone

    from rich.console import Console

    from mlops_quiz.bank import load_bank
    from mlops_quiz.store import Store
    from mlops_quiz.study import loop
    from mlops_quiz.study.session import StudySession

    loaded = load_bank([bank])
    by_id = {q.id: q for q in loaded.questions}
    moment = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)
    loader = CountingLoader()
    con = Console(file=io.StringIO(), width=100)
    stdin = sys.stdin
    tmp_path.mkdir()
    with Store.open(f"sqlite:///{tmp_path / 'p.db'}") as store:
        session = StudySession.plan(store, "default", [by_id[i] for i in order], lambda: moment, 0)
        sys.stdin = io.StringIO(typed)
        try:
            loop.run(session, loaded, con, loop.Reader(con, False), matcher=loader)
        finally:
            sys.stdin = stdin
    return loader


def test_the_model_loads_from_the_first_open_item_on(tmp_path: Path, bank: Path) -> None:
    # a session that ends before its open item never loads the model
    assert run_session(tmp_path / "a", bank, ["gaps", "eval"], "2.5\nq\n").started == 0
    # reaching the open item starts the load before its answer is read
    assert run_session(tmp_path / "b", bank, ["gaps", "eval"], "2.5\n\n").started == 1


INDEX_POINTS = [
    "a sorted data structure (e.g. a B-tree) over one or more columns",
    "lookups avoid scanning the whole table",
    "writes get slower (inserts, updates, deletes)",
    "takes extra storage",
]


def test_a_terse_list_in_other_words_is_credited_by_meaning(
    checker: meaning.MeaningChecker,
) -> None:
    # from the held-out half of benchmarks/grading/answers.yaml, where a careful grader judged
    # this terse answer to make all four points; the words alone see neither 3 nor 4
    answer = "b-tree on columns\n+ no full scan\n- slower inserts/updates\n- more disk"
    by_words = words_check(answer, INDEX_POINTS)
    by_meaning = checker.check(answer, INDEX_POINTS)
    assert [p.covered for p in by_words.points][2:] == [False, False]
    assert [p.covered for p in by_meaning.points][2:] == [True, True]
    assert by_meaning.points[0].covered
    assert by_meaning.suggested is not None and by_meaning.suggested > by_words.suggested  # type: ignore[operator]
