"""Open answers checked by meaning: segments, contrast, the rule, and the command that says
which matcher ran (the installed script, with the real model from its pinned package)."""

from __future__ import annotations

import json
import os
import subprocess
import zipfile
from pathlib import Path

import numpy as np
import pytest

from conftest import console_script
from mlops_quiz.bank import parse_text
from mlops_quiz.checking import matchers, meaning, model
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
  - id: index
    topic: t
    type: open
    prompt: "What is an index in a relational database, and what does it cost?"
    answer: "A B-tree over columns: lookups skip the full scan, writes slow down, disk grows."
    key_points:
      - a sorted data structure (e.g. a B-tree) over one or more columns
      - lookups avoid scanning the whole table
      - writes get slower (inserts, updates, deletes)
      - takes extra storage
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
        ("data is versioned", "data is not versioned"),
        ("a model must be monitored", "a model must not be monitored"),
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
    assert empty.matcher == "meaning"


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


@pytest.mark.parametrize("cols", [100, 60])
def test_at_a_terminal_the_question_comes_at_once_and_the_answer_is_checked_by_meaning(
    script_env: dict[str, str], bank: Path, cols: int
) -> None:
    from screen import TerminalSession

    env = {**script_env, "MLOPS_QUIZ_NOW": "2026-03-02T09:00", "MLOPS_QUIZ_MATCHER": "meaning"}
    args = ["study", "--bank", str(bank), "--id", "index", "--limit", "1"]
    with TerminalSession(args, env, rows=30, cols=cols) as term:
        # the model loads in the background: the question is on screen and the prompt waits
        term.wait_for_prompt("Your answer (Enter to reveal): ")
        # a terse answer the words alone credit nothing of (a grader judged all four made)
        term.sendline("b-tree on columns; no full scan; slower inserts/updates; more disk")
        term.wait_for(r"Grade 0-5")
        assert "3 made, 1 missing" in term.line_with("Key points")
        assert term.line_with("✓ 3.").strip("│ ").startswith("✓ 3. writes get slower")
        assert term.line_with("✓ 4.").strip("│ ") == "✓ 4. takes extra storage"
        term.sendline("q")
        assert term.wait_for_exit() == 0


# The rule and the features by hand: a stand-in encoder gives chosen vectors, so each feature's
# value follows from its definition in checking/meaning.py's docstring, worked out on paper.
# Axes: 0 "alpha point", 1 "beta point", 2 and 3 carry the negated points' own directions.


class StandInEncoder:
    """Chosen vectors for known texts (384 numbers, the rest zero); counts what it is asked."""

    def __init__(self, vectors: dict[str, tuple[float, ...]]) -> None:
        self.vectors = vectors
        self.asked: list[str] = []

    def encode(self, sentences: list[str]) -> np.ndarray:
        self.asked += sentences
        out = np.zeros((len(sentences), 384), dtype=np.float32)
        for row, text in enumerate(sentences):
            values = self.vectors[text]
            out[row, : len(values)] = values
        return out


POINTS = ["alpha point", "beta point"]  # negated: "alpha does not point", "beta does not point"
ROOT3_2 = 0.75**0.5


def stand_in(**segments: tuple[float, ...]) -> meaning.MeaningChecker:
    vectors: dict[str, tuple[float, ...]] = {
        "alpha point": (1.0, 0.0),
        "beta point": (0.0, 1.0),
        "alpha does not point": (0.5, 0.0, ROOT3_2),
        "beta does not point": (0.6, 0.0, 0.0, 0.8),
    }
    vectors.update({text.replace("_", " "): v for text, v in segments.items()})
    return meaning.MeaningChecker(StandInEncoder(vectors))  # type: ignore[arg-type]


def test_the_rule_is_the_logistic_of_the_weighted_centred_features() -> None:
    # each feature at its mean: the intercept alone, 1 / (1 + e^-0.2956)
    assert meaning.probability(list(meaning.MEANS)) == pytest.approx(0.573367, abs=1e-6)
    # one feature a scale above its mean adds its weight: margin +0.7864, similarity -0.4255
    one_up = [m + s for m, s in zip(meaning.MEANS, meaning.SCALES, strict=True)]
    margin_up = list(meaning.MEANS)
    margin_up[1] = one_up[1]
    assert meaning.probability(margin_up) == pytest.approx(0.746872, abs=1e-6)
    similarity_up = list(meaning.MEANS)
    similarity_up[0] = one_up[0]
    assert meaning.probability(similarity_up) == pytest.approx(0.467571, abs=1e-6)


def test_each_points_features_follow_their_definitions() -> None:
    checker = stand_in(The_first_thing=(0.8, 0.6), Beta_point_here=(0.0, 0.5, 0.0, ROOT3_2))
    rows, pieces, closest = checker.features("The first thing. Beta point here.", POINTS)
    assert [(p.text, p.start, p.end) for p in pieces] == [
        ("The first thing", 0, 15),
        ("Beta point here", 17, 32),
    ]
    assert closest == [0, 0]  # both points are closest to the first segment
    # alpha: cosine 0.8; 0.8 - 0.6 closer than to beta; not in the words; the first segment
    # is nearest alpha (0.8 > 0.6); contrast 0.8 - 0.5 * 0.8 against "alpha does not point"
    assert rows[0] == pytest.approx([0.8, 0.2, 0.0, 0.8, 0.0, 0.4], abs=1e-6)
    # beta: cosine 0.6 at the first segment, 0.2 further than alpha there; made by its words;
    # the only segment nearest beta is the second (0.5); 0.6 x 1; 0.6 - 0.6 * 0.8
    assert rows[1] == pytest.approx([0.6, -0.2, 1.0, 0.5, 0.6, 0.12], abs=1e-6)


def test_a_point_no_segment_is_nearest_to_has_no_own_segment() -> None:
    checker = stand_in(The_first_thing=(0.8, 0.6))
    rows, _, closest = checker.features("The first thing.", POINTS)
    assert closest == [0, 0]
    assert rows[1][3] == 0.0  # the only segment is nearer alpha


def test_no_segment_or_no_point_gives_zero_features() -> None:
    checker = stand_in()
    rows, pieces, closest = checker.features(" ... ", POINTS)
    assert (rows, pieces, closest) == ([[0.0] * 6, [0.0] * 6], [], [-1, -1])
    rows, pieces, closest = checker.features("The first thing.", [])
    assert (rows, [p.text for p in pieces], closest) == ([], ["The first thing"], [])
    assert checker.encoder.asked == []  # type: ignore[attr-defined]


def test_points_made_by_the_rule_are_highlighted_where_they_are_made() -> None:
    checker = stand_in(The_first_thing=(0.8, 0.6), Beta_point_here=(0.0, 0.5, 0.0, ROOT3_2))
    found = checker.check("The first thing. Beta point here.", POINTS)
    # alpha: probability 0.801 by the rule, made by meaning alone: its closest segment is lit;
    # beta: 0.682, made, lit where its words are
    assert found.matcher == "meaning" and found.empty is False
    assert [(p.text, p.covered, p.spans) for p in found.points] == [
        ("alpha point", True, ((0, 15),)),
        ("beta point", True, ((17, 21), (22, 27))),
    ]
    assert found.suggested == 4
    assert checker.check("The first thing. Beta point here.", POINTS, quick=True).suggested == 5


def test_the_rule_overrules_the_words() -> None:
    checker = stand_in(Beta_point_here=(0.9, 0.1))
    found = checker.check("Beta point here.", POINTS)
    # alpha: [0.9, 0.8, 0, 0.9, 0, 0.9] gives 0.993; beta, made by its words, is far closer to
    # alpha there: [0.1, -0.8, 1, 0, 0.1, 0.1] gives 0.345, not made, nothing lit
    assert [(p.covered, p.spans) for p in found.points] == [(True, ((0, 15),)), (False, ())]
    assert found.suggested == 3


def test_nothing_near_any_point_makes_none() -> None:
    checker = stand_in(Something_else_entirely=(0.0, 0.0, 0.0, 0.0, 1.0))
    found = checker.check("Something else entirely.", POINTS)
    # all six features 0: probability 0.359, below the threshold
    assert [(p.covered, p.spans) for p in found.points] == [(False, ()), (False, ())]
    assert found.suggested == 1 and found.matcher == "meaning"


def test_a_point_is_made_when_its_probability_reaches_the_threshold(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    checker = stand_in(Something_else_entirely=(0.0, 0.0, 0.0, 0.0, 1.0))
    monkeypatch.setattr(meaning, "probability", lambda features: meaning.THRESHOLD)
    found = checker.check("Something else entirely.", POINTS)
    assert [p.covered for p in found.points] == [True, True]
    monkeypatch.setattr(meaning, "probability", lambda features: meaning.THRESHOLD - 1e-9)
    found = checker.check("Something else entirely.", POINTS)
    assert [p.covered for p in found.points] == [False, False]


def test_an_empty_answer_or_an_item_without_points_is_the_words_verdict() -> None:
    # nothing to embed: the words' verdict stands, said by the matcher that was asked
    checker = stand_in()
    empty = checker.check("   ", POINTS)
    assert empty.empty and empty.suggested == 0 and empty.matcher == "meaning"
    none = checker.check("The first thing.", [])
    assert none.points == () and none.matcher == "meaning"
    assert checker.encoder.asked == []  # type: ignore[attr-defined]


def test_each_text_is_embedded_once_and_in_batches_of_32() -> None:
    answer = ". ".join(f"Point {n}" for n in range(1, 41)) + "."
    vectors = {f"Point {n}": (0.0, 0.0, 0.0, 0.0, 1.0) for n in range(1, 41)}
    checker = stand_in(**{text.replace(" ", "_"): v for text, v in vectors.items()})
    encoder = checker.encoder
    calls: list[int] = []
    original = encoder.encode

    def counted(sentences: list[str]) -> np.ndarray:
        calls.append(len(sentences))
        return original(sentences)

    encoder.encode = counted  # type: ignore[method-assign]
    checker.check(answer, POINTS)
    assert sorted(encoder.asked) == sorted([*vectors, *POINTS, *map(meaning.negated, POINTS)])
    assert max(calls) == 32
    asked = len(encoder.asked)
    checker.check(answer, POINTS)
    assert len(encoder.asked) == asked  # all known: nothing embedded again


def test_an_answer_is_judged_on_its_first_64_segments() -> None:
    answer = " ".join(f"Point {n}." for n in range(1, 71))
    found = meaning.segments(answer)
    assert len(found) == 64
    assert (found[0].text, found[-1].text) == ("Point 1", "Point 64")


def test_clauses_break_at_and_but_so_while_whereas_because_which_then() -> None:
    answer = "A x and b y but c z so d w while e v whereas f u because g t which h s then i r"
    texts = [s.text for s in meaning.segments(answer)]
    clauses = ["A x", "b y", "c z", "d w", "e v", "f u", "g t", "h s", "i r"]
    assert texts[0] == answer
    assert texts[1:10] == clauses
    assert texts[10] == "A x and b y"  # then each pair of neighbours, in order
    assert len(texts) == 1 + 9 + 8


def test_a_segment_is_trimmed_of_punctuation_and_bullets() -> None:
    answer = "- first point -\n* second point.\n• third point;"
    found = meaning.segments(answer)
    assert [(s.text, answer[s.start : s.end]) for s in found] == [
        ("first point", "first point"),
        ("second point", "second point"),
        ("third point", "third point"),
    ]


def test_the_same_text_is_one_segment() -> None:
    assert [s.text for s in meaning.segments("Scale out. Scale out!")] == ["Scale out"]


def test_a_loader_that_succeeds_loads_once_and_says_nothing(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    loaded: list[Path] = []
    found = stand_in()

    def fake_load(cache_dir: Path) -> meaning.MeaningChecker:
        loaded.append(cache_dir)
        return found

    monkeypatch.setattr(matchers, "load_meaning", fake_load)
    said: list[str] = []
    loader = Loader("meaning", tmp_path, said.append)
    loader.start()
    loader.start()
    assert loader.checker() is found
    assert loader.checker() is found
    assert loaded == [tmp_path] and said == []


def test_a_loader_for_words_never_loads(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(matchers, "load_meaning", lambda cache_dir: pytest.fail("loaded"))
    loader = Loader("words", tmp_path, lambda line: pytest.fail(line))
    loader.start()
    assert loader.checker() is WORDS
    found = WORDS.check("evaluation uses a holdout test set", ["a holdout test set"])
    assert found.matcher == "words" and found.points[0].covered


def test_any_failure_to_load_is_one_warning_that_says_why(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    def broken(cache_dir: Path) -> meaning.MeaningChecker:
        raise MemoryError("out of memory")

    monkeypatch.setattr(matchers, "load_meaning", broken)
    said: list[str] = []
    loader = Loader("meaning", tmp_path, said.append)
    assert loader.checker() is WORDS
    assert loader.checker() is WORDS
    assert len(said) == 1
    assert "out of memory" in said[0]
    assert said[0].endswith("; open answers are checked by their words alone")


def test_the_rule_takes_exactly_six_features() -> None:
    with pytest.raises(ValueError):
        meaning.probability([0.5] * 5)


def test_an_accepted_phrasing_counts_as_the_point() -> None:
    checker = stand_in(The_first_thing=(0.0, 0.0, 0.0, 0.0, 0.9))
    checker.encoder.vectors["first thing"] = (0.0, 0.0, 0.0, 0.0, 1.0)  # type: ignore[attr-defined]
    rows, _, _ = checker.features("The first thing.", POINTS, [["first thing"], []])
    assert rows[0][0] == pytest.approx(0.9)  # the closer of the point and its phrasing
    assert rows[1][0] == pytest.approx(0.0)


def test_a_question_is_checked_by_its_key_points_and_quick_only_when_said() -> None:
    text = (
        "topics: [{id: t, title: T}]\nquestions:\n  - {id: q, topic: t, type: open, prompt: P?,"
        " answer: A., key_points: [alpha point, beta point]}\n"
    )
    _, (question,) = parse_text(text, "b.yaml")
    checker = stand_in(The_first_thing=(0.8, 0.6), Beta_point_here=(0.0, 0.5, 0.0, ROOT3_2))
    answer = "The first thing. Beta point here."
    assert checker.check_question(question, answer).suggested == 4
    assert checker.check_question(question, answer, quick=True).suggested == 5
    by_words = WORDS.check_question(question, "alpha point, beta point", quick=True)
    assert by_words.matcher == "words" and by_words.suggested == 5


def test_the_model_loads_in_a_thread_that_quitting_does_not_wait_for(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(matchers, "load_meaning", lambda cache_dir: stand_in())
    loader = Loader("meaning", tmp_path, lambda line: pytest.fail(line))
    loader.start()
    assert loader._thread is not None and loader._thread.daemon
    loader.checker()
