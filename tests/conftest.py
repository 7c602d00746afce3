"""Shared fixtures. No test touches the real data folder: MLOPS_QUIZ_HOME is a temporary one."""

from __future__ import annotations

import os
import shutil
import signal
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

ENV_VARS = (
    "MLOPS_QUIZ_HOME",
    "MLOPS_QUIZ_DB",
    "MLOPS_QUIZ_BANK",
    "MLOPS_QUIZ_PROFILE",
    "MLOPS_QUIZ_NOW",
    "MLOPS_QUIZ_DAY_START",
    "MLOPS_QUIZ_MATCHER",
)

SMALL_BANK = textwrap.dedent(
    """\
    # A small bank with every question type.
    topics:
      - id: basics
        title: Basics
        source: The test suite
      - id: more
        title: More
    questions:
      - id: open-one
        topic: basics
        type: open
        prompt: What is MLOps?
        answer: |
          Practices to build and run ML systems reliably.
        key_points: [build, run, reliably]
      - id: mcq-one
        topic: basics
        type: mcq
        prompt: Which are SM-2 grades that pass? (choose all that apply)
        choices: ["3", "2", "5"]
        correct: [a, c]
        shuffle: false
      - id: cloze-one
        topic: more
        type: cloze
        prompt: The E-Factor starts at {{2.5|2,5}} and never falls below {{1.3}}.
      - id: open-two
        topic: more
        type: open
        prompt: Name the four stages of an ML project.
        answer: Scope, collect data, train, deploy.
        key_points: [scope, data, train, deploy]
    """
)


@pytest.fixture(autouse=True)
def quiz_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for name in ENV_VARS:
        monkeypatch.delenv(name, raising=False)
    home = tmp_path / "home"
    monkeypatch.setenv("MLOPS_QUIZ_HOME", str(home))
    # Open answers are checked by their words unless a test asks for the meaning matcher
    # (tests/test_meaning.py): the word matcher's verdicts are stated in the README.
    monkeypatch.setenv("MLOPS_QUIZ_MATCHER", "words")
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("COLUMNS", "100")
    monkeypatch.setenv("TERM", "dumb")
    return home


@pytest.fixture
def small_bank(tmp_path: Path) -> Path:
    path = tmp_path / "bank.yaml"
    path.write_text(SMALL_BANK, encoding="utf-8")
    return path


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def console_script() -> str:
    """The installed ``mlops-quiz`` next to the running interpreter."""
    candidate = Path(sys.executable).parent / "mlops-quiz"
    if candidate.exists():
        return str(candidate)
    found = shutil.which("mlops-quiz")
    assert found, "the mlops-quiz console script is not installed"
    return found


def wait_until_reading(pid: int, timeout: float = 60.0) -> None:
    """Wait until a child that has printed its prompt is blocked, waiting for input.

    A prompt is printed just before the line editor starts reading; a key sent in between (an
    end of input, a Ctrl-C) could arrive too early on a loaded machine. The process is reading
    once it sleeps (state S in ``/proc``) twice in a row; a fixed sleep is only a guess."""
    import time

    stat = Path(f"/proc/{pid}/stat")
    if not stat.exists():  # pragma: no cover - no /proc: a generous guess
        time.sleep(1.0)
        return
    deadline = time.monotonic() + timeout
    asleep = 0
    while asleep < 2 and time.monotonic() < deadline:
        try:
            state = stat.read_text().rpartition(")")[2].split()[0]
        except (OSError, IndexError):
            return  # the process is gone: the test's next expectation says what happened
        asleep = asleep + 1 if state == "S" else 0
        time.sleep(0.02)


@pytest.fixture
def script_env(quiz_home: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["MLOPS_QUIZ_HOME"] = str(quiz_home)
    return env


@pytest.fixture
def class_db(script_env: dict[str, str]) -> Any:
    """A fresh class database on the PostgreSQL test server (see tests/postgres_helpers.py)."""
    from postgres_helpers import ClassDb, server_url

    return ClassDb(server_url(), script_env)


def _interruptible() -> None:
    """In a child before it starts: Ctrl-C acts, even when the test run was started with SIGINT
    ignored (a background job of a script), which the child would otherwise inherit."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


@pytest.fixture(autouse=True)
def terminal_children(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[Any]]:
    """Every pexpect child a test starts: interruptible, and closed (killed if need be) when
    the test ends, passed or failed, so no ``mlops-quiz`` process outlives its test."""
    import pexpect

    children: list[Any] = []
    original = pexpect.spawn.__init__

    def tracked(self: Any, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("preexec_fn", _interruptible)
        original(self, *args, **kwargs)
        children.append(self)

    monkeypatch.setattr(pexpect.spawn, "__init__", tracked)
    yield children
    for child in children:
        if not child.closed:
            child.close(force=True)
