"""What each daily command imports: nothing it does not need.

Each command runs as the installed console script with ``PYTHONPROFILEIMPORTTIME`` (the
environment form of ``-X importtime``), and the modules it imported are read from what Python
printed. A new heavy import on a daily path then fails here, not a learner's patience; nothing
is timed.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from conftest import console_script

BANK = """\
topics:
  - id: t
    title: T
questions:
  - id: gaps
    topic: t
    type: cloze
    prompt: "SM-2 starts at an E-Factor of {{2.5}}."
  - id: letters
    topic: t
    type: mcq
    prompt: "Which is a scheduler?"
    choices: [SM-2, YAML]
    correct: a
    shuffle: false
  - id: words
    topic: t
    type: open
    prompt: "What does a data pipeline do?"
    answer: "It moves and transforms data."
    key_points: [moves data, transforms data]
  - id: free
    topic: t
    type: open
    prompt: "Say anything about pipelines."
    answer: "They move data."
"""

HEAVY_EVERYWHERE = {
    "genanki",
    "psycopg",
    "fsrs",
    "fsrs_rs_python",
    "torch",
    "safetensors",  # the weights are memory-mapped: the format's library is for the tests only
    "mlops_quiz.transfer",
    "mlops_quiz.transfer.spreadsheet",
    "mlops_quiz.transfer.progress",
}
"""Never imported by a daily command: each belongs to a command of its own (export and
import, the class, FSRS profiles). The standard library's ``csv`` comes with SQLAlchemy
(through ``importlib.metadata``), so only the commands that need no database are held to it."""
MODEL = {"numpy", "tokenizers", "mlops_quiz.checking.model"}
"""The meaning matcher's model and its libraries: only an open answer may need them."""
STEMMER = {"Stemmer", "snowballstemmer", "rapidfuzz"}
"""The word matcher's libraries: only an open answer needs them."""


def imported(args: list[str], env: dict[str, str], stdin: str = "") -> set[str]:
    result = subprocess.run(
        [console_script(), *args],
        input=stdin,
        capture_output=True,
        text=True,
        env={
            **env,
            "PYTHONPROFILEIMPORTTIME": "1",
            "MLOPS_QUIZ_NOW": "2026-03-02T09:00",
            "MLOPS_QUIZ_MATCHER": "meaning",  # the default: the model may load, and where not
        },
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    names = re.findall(r"^import time:\s+\d+ \|\s+\d+ \|\s*(\S+)$", result.stderr, re.M)
    assert names, "Python printed no import times"
    return {name.split(".")[0] for name in names} | set(names)


@pytest.fixture
def bank(tmp_path: Path) -> Path:
    path = tmp_path / "bank.yaml"
    path.write_text(BANK, encoding="utf-8")
    return path


def study_one(item: str, answer: str, bank: Path, env: dict[str, str]) -> set[str]:
    return imported(
        ["study", "--bank", str(bank), "--id", item, "--limit", "1"], env, f"{answer}\n\n"
    )


def test_the_import_report_is_read(script_env: dict[str, str], bank: Path) -> None:
    modules = study_one("words", "it moves data", bank, script_env)
    # an open answer is checked by meaning: the parse sees the word matcher's libraries and
    # the model's
    assert {"Stemmer", "rapidfuzz"} <= modules
    assert "mlops_quiz.checking.words" in modules
    assert modules >= MODEL
    assert "mlops_quiz.checking.meaning" in modules


@pytest.mark.parametrize(
    "args",
    [["--help"], ["--version"], ["stats"], ["list"], ["study", "--help"]],
    ids=["help", "version", "stats", "list", "study-help"],
)
def test_reading_commands_import_no_checker_and_no_transfer_library(
    args: list[str], script_env: dict[str, str], bank: Path
) -> None:
    if args[0] in {"stats", "list"}:
        args = [*args, "--bank", str(bank)]
    modules = imported(args, script_env)
    assert modules.isdisjoint(HEAVY_EVERYWHERE | MODEL | STEMMER), modules & (
        HEAVY_EVERYWHERE | MODEL | STEMMER
    )


def test_help_and_version_import_no_database_layer(script_env: dict[str, str]) -> None:
    for args in (["--help"], ["--version"]):
        modules = imported(args, script_env)
        assert "sqlalchemy" not in modules, args
        assert "yaml" not in modules, args
        assert "csv" not in modules, args
    assert "typer" not in imported(["--version"], script_env)  # answered before Typer


@pytest.mark.parametrize(("item", "answer"), [("gaps", "2.5"), ("letters", "a")])
def test_a_cloze_or_mcq_review_imports_no_matcher(
    item: str, answer: str, script_env: dict[str, str], bank: Path
) -> None:
    modules = study_one(item, answer, bank, script_env)
    assert "mlops_quiz.study.loop" in modules  # it did run a session
    unwanted = HEAVY_EVERYWHERE | MODEL | STEMMER
    assert modules.isdisjoint(unwanted), modules & unwanted


def test_an_open_review_and_check_import_no_transfer_library(
    script_env: dict[str, str], bank: Path
) -> None:
    for modules in (
        study_one("words", "it moves data", bank, script_env),
        imported(["check", "words", "--answer", "it moves data", "--bank", str(bank)], script_env),
    ):
        assert modules.isdisjoint(HEAVY_EVERYWHERE), modules & HEAVY_EVERYWHERE


def test_the_stemmer_loads_no_other_language(script_env: dict[str, str], bank: Path) -> None:
    modules = imported(
        ["check", "words", "--answer", "it moves data", "--bank", str(bank)], script_env
    )
    # PyStemmer is one extension module; the pure-Python package imports all its languages
    assert "Stemmer" in modules
    assert not {m for m in modules if m.endswith("_stemmer") or m == "snowballstemmer"}


def test_help_is_kept_and_then_printed_without_typer(
    script_env: dict[str, str], quiz_home: Path
) -> None:
    def shown(columns: int) -> str:
        result = subprocess.run(
            [console_script(), "--help"],
            capture_output=True,
            text=True,
            env={**script_env, "COLUMNS": str(columns)},
            timeout=120,
            check=True,
        )
        return result.stdout

    built = {columns: shown(columns) for columns in (100, 60)}  # no cache folder: nothing kept
    assert "Commands:" in built[100] and "study" in built[100]
    assert built[60] != built[100]  # wrapped to the width
    cache = quiz_home / "cache"
    cache.mkdir(mode=0o700, parents=True)
    for columns in (100, 60):
        assert shown(columns) == built[columns]  # built again, and kept
        assert shown(columns) == built[columns]  # the kept text
        modules = imported(["--help"], {**script_env, "COLUMNS": str(columns)})
        assert "typer" not in modules
    assert len(list(cache.glob("help-*.txt"))) == 2


def test_an_open_item_without_key_points_loads_no_model(
    script_env: dict[str, str], bank: Path
) -> None:
    # nothing to check an answer against: the session never starts loading the model
    modules = study_one("free", "they move data", bank, script_env)
    assert "mlops_quiz.study.loop" in modules
    assert modules.isdisjoint(MODEL), modules & MODEL
