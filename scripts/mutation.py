"""Mutation testing of the core modules with mutmut: the score per module.

Each module is mutated alone, in a scratch copy of the project, against its own fast tests
(never the subprocess or terminal suites): mutmut changes one operator, constant or call at a
time and runs the tests that cover the changed function; a mutant the tests do not notice
"survives". The score is killed / (killed + survived + timeouts + no tests).

    .venv/bin/python scripts/mutation.py                 # every module, one after the other
    .venv/bin/python scripts/mutation.py scheduling store # some of them
    .venv/bin/python scripts/mutation.py --survivors checking  # and list what survived
    .venv/bin/python scripts/mutation.py --sample 40 scheduling  # 40 mutants drawn (seed 25)

The run takes a few minutes per module on two cores (see the README's development section).
The exit code is 1 when a module is below its target.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = "src/mlops_quiz"


@dataclass(frozen=True)
class Target:
    paths: tuple[str, ...]
    tests: tuple[str, ...]
    score: float
    """The least mutation score accepted, in percent."""
    slow: tuple[str, ...] = ()
    """Tests left out: they run a subprocess, which imports the code unmutated."""


MODULES: dict[str, Target] = {
    "scheduling": Target(
        (f"{PACKAGE}/scheduling/sm2.py", f"{PACKAGE}/scheduling/fsrs.py"),
        (
            "tests/test_scheduler.py",
            "tests/test_rules_scheduler.py",
            "tests/test_fsrs.py",
            "tests/test_pass_rule.py",
        ),
        90,
    ),
    "checking": Target(
        (f"{PACKAGE}/checking/choices.py", f"{PACKAGE}/checking/grade.py"),
        ("tests/test_checking.py", "tests/test_rules_checking.py"),
        90,
    ),
    "session": Target(
        (f"{PACKAGE}/study/session.py",),
        ("tests/test_session.py", "tests/test_rules_session.py"),
        80,
    ),
    "store": Target(
        (f"{PACKAGE}/store/cards.py", f"{PACKAGE}/store/review_log.py"),
        ("tests/test_store.py", "tests/test_rules_store.py"),
        80,
    ),
    "bank": Target(
        (
            f"{PACKAGE}/bank/model.py",
            f"{PACKAGE}/bank/reading.py",
            f"{PACKAGE}/bank/fields.py",
            f"{PACKAGE}/bank/entries.py",
            f"{PACKAGE}/bank/loading.py",
        ),
        ("tests/test_bank.py", "tests/test_rules_bank.py"),
        80,
    ),
    "authoring": Target(
        (f"{PACKAGE}/bank/authoring.py",),
        ("tests/test_authoring.py", "tests/test_rules_authoring.py"),
        80,
    ),
    "grading": Target(
        (f"{PACKAGE}/checking/words.py", f"{PACKAGE}/checking/vocabulary.py"),
        ("tests/test_grading.py", "tests/test_rules_grading.py"),
        80,
        ("tests/test_grading.py::test_evaluation_script_smoke_run",),
    ),
    "model": Target(
        (f"{PACKAGE}/checking/model.py",),
        ("tests/test_model.py",),
        90,
    ),
    "meaning": Target(
        (f"{PACKAGE}/checking/meaning.py", f"{PACKAGE}/checking/matchers.py"),
        ("tests/test_meaning.py",),
        90,
        tuple(
            f"tests/test_meaning.py::{test}"
            for test in (
                "test_check_says_which_matcher_ran",
                "test_a_model_that_fails_its_digest_is_one_warning_and_the_words_check",
                "test_the_matcher_setting_is_shown_with_its_source",
                "test_a_scripted_session_checks_an_open_answer_by_meaning",
                "test_at_a_terminal_the_question_comes_at_once_and_the_answer_is_checked_by_meaning",
            )
        ),
    ),
    "classroom": Target(
        (f"{PACKAGE}/classroom/report.py",),
        ("tests/test_class_report.py",),
        80,
    ),
    "transfer": Target(
        (
            f"{PACKAGE}/transfer/__init__.py",
            f"{PACKAGE}/transfer/progress.py",
            f"{PACKAGE}/transfer/spreadsheet.py",
            f"{PACKAGE}/transfer/markdown.py",
            f"{PACKAGE}/transfer/anki.py",
        ),
        # tests/test_transfer*.py run the installed script, which imports the code unmutated
        ("tests/test_rules_transfer.py",),
        80,
    ),
}

KILLED = "killed"
COUNTED = ("killed", "survived", "timeout", "no tests", "suspicious", "segfault")


def mutmut_config(target: Target) -> str:
    tests = [test for test in target.tests if (ROOT / test).exists()]
    for node in target.slow:
        tests += ["--deselect", node]

    def toml_list(items: tuple[str, ...] | list[str]) -> str:
        return "[" + ", ".join(json.dumps(item) for item in items) + "]"

    return (
        "\n[tool.mutmut]\n"
        f"source_paths = {toml_list(['src'])}\n"
        f"only_mutate = {toml_list(target.paths)}\n"
        f"pytest_add_cli_args_test_selection = {toml_list(tests)}\n"
        'also_copy = ["data", "README.md"]\n'
        'pytest_add_cli_args = ["-p", "no:cacheprovider", "-q"]\n'
        "timeout_multiplier = 10.0\n"
        "timeout_constant = 10.0\n"
        "use_git_change_detection = false\n"
    )


def scratch_copy(target: Target, into: Path) -> None:
    for folder in ("src", "tests", "data"):
        shutil.copytree(
            ROOT / folder,
            into / folder,
            ignore=shutil.ignore_patterns("__pycache__", "*.pyc", ".hypothesis"),
        )
    shutil.copy(ROOT / "README.md", into / "README.md")
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    pyproject = re.sub(r"\n\[tool\.mutmut\]\n(?:[^\[].*\n|\n)*", "\n", pyproject)
    (into / "pyproject.toml").write_text(pyproject + mutmut_config(target), encoding="utf-8")


def statuses(work: Path) -> dict[str, str]:
    """Each mutant's name and status, as ``mutmut results --all true`` prints them."""
    done = subprocess.run(
        [sys.executable, "-m", "mutmut", "results", "--all", "true"],
        cwd=work,
        capture_output=True,
        text=True,
        check=False,
    )
    found: dict[str, str] = {}
    for line in done.stdout.splitlines():
        name, sep, status = line.strip().rpartition(": ")
        if sep and name:
            found[name] = status.strip()
    return found


NOTHING = "no.such.mutant"
"""A filter no mutant matches: mutmut generates the mutants, then stops before running any."""


def sampled(work: Path, env: dict[str, str], size: int, seed: int) -> list[str]:
    """Generate the mutants and draw ``size`` of them with a fixed seed (all if fewer)."""
    subprocess.run(
        [sys.executable, "-m", "mutmut", "run", NOTHING],
        cwd=work,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        check=False,
    )
    names = sorted(statuses(work))
    if len(names) <= size:
        return names
    return sorted(random.Random(seed).sample(names, size))


def run_module(
    name: str, children: int, show_survivors: bool, limit: float, sample: int, seed: int
) -> float:
    target = MODULES[name]
    with tempfile.TemporaryDirectory(prefix=f"mutation-{name}-") as scratch:
        work = Path(scratch)
        scratch_copy(target, work)
        env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1")
        started = time.monotonic()
        chosen = sampled(work, env, sample, seed) if sample else []
        try:
            subprocess.run(
                [sys.executable, "-m", "mutmut", "run", "--max-children", str(children), *chosen],
                cwd=work,
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                timeout=limit,
                check=False,
            )
        except subprocess.TimeoutExpired:
            print(f"{name}: stopped after {limit:.0f} s; the score counts what finished")
        seconds = time.monotonic() - started
        found = statuses(work)
        if chosen:
            found = {mutant: status for mutant, status in found.items() if mutant in chosen}
        if not any(status in COUNTED for status in found.values()):
            print(f"{name}: mutmut checked nothing; run it in a copy to see why", flush=True)
        if show_survivors:
            for mutant, status in sorted(found.items()):
                if status in COUNTED and status != KILLED:
                    diff = subprocess.run(
                        [sys.executable, "-m", "mutmut", "show", mutant],
                        cwd=work,
                        capture_output=True,
                        text=True,
                        check=False,
                    ).stdout
                    print(f"--- {status}: {mutant}\n{diff}")
    counted = [s for s in found.values() if s in COUNTED]
    killed = sum(1 for s in counted if s == KILLED)
    score = 100.0 * killed / len(counted) if counted else 0.0
    verdict = "ok" if score >= target.score else f"below {target.score:.0f}%"
    print(
        f"{name:<10} {score:5.1f}%  {killed:4d} of {len(counted):4d} killed"
        f"  ({len(found) - len(counted)} not run)  {seconds:5.0f} s  {verdict}",
        flush=True,
    )
    return score


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("modules", nargs="*", help=f"some of: {', '.join(MODULES)}")
    parser.add_argument("--children", type=int, default=max(1, (os.cpu_count() or 2) // 2))
    parser.add_argument("--survivors", action="store_true", help="show every mutant not killed")
    parser.add_argument(
        "--limit", type=float, default=1800, help="seconds allowed per module (default 1800)"
    )
    parser.add_argument(
        "--sample",
        type=int,
        default=0,
        help="run only this many mutants per module, drawn at random",
    )
    parser.add_argument("--seed", type=int, default=25, help="the seed of --sample (default 25)")
    args = parser.parse_args()
    names = args.modules or list(MODULES)
    unknown = [name for name in names if name not in MODULES]
    if unknown:
        parser.error(f"no such module: {', '.join(unknown)} (choose from {', '.join(MODULES)})")
    below = []
    for name in names:
        score = run_module(name, args.children, args.survivors, args.limit, args.sample, args.seed)
        if score < MODULES[name].score:
            below.append(name)
    return 1 if below else 0


if __name__ == "__main__":
    sys.exit(main())
