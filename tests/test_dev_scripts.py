"""The mutation and planted-bug scripts follow the code when it moves: every file they mutate
and every test file they run exists, and every planted bug's text is still found exactly once
(a bug whose text is gone would test nothing)."""

from __future__ import annotations

import importlib.util
import re
import sys
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[1]


def script(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"dev_{name}", ROOT / "scripts" / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


PLANTED = script("planted_bugs")
MUTATION = script("mutation")


@pytest.mark.parametrize("bug", PLANTED.BUGS, ids=[bug[0] for bug in PLANTED.BUGS])
def test_each_planted_bug_still_applies(bug: tuple[str, str, str, str, str]):
    _, path, old, new, tests = bug
    assert (ROOT / path).read_text(encoding="utf-8").count(old) == 1
    assert old != new
    test_file = tests if tests.endswith(".py") else f"tests/test_rules_{tests}.py"
    assert (ROOT / test_file).is_file()


@pytest.mark.parametrize("name", list(MUTATION.MODULES))
def test_each_mutated_module_and_its_tests_exist(name: str):
    target = MUTATION.MODULES[name]
    for path in (*target.paths, *target.tests):
        assert (ROOT / path).is_file(), path
    for node in target.slow:  # a renamed test would run under mutmut again, unseen
        path, _, name = node.partition("::")
        assert f"def {name}(" in (ROOT / path).read_text(encoding="utf-8"), node


def test_the_new_and_moved_packages_are_covered():
    # checking/ with the model, scheduling/ with FSRS, transfer/, the class report
    planted = {bug[1].removeprefix("src/mlops_quiz/") for bug in PLANTED.BUGS}
    mutated = {
        path.removeprefix("src/mlops_quiz/")
        for target in MUTATION.MODULES.values()
        for path in target.paths
    }
    for path in (
        "checking/model.py",
        "checking/meaning.py",
        "checking/matchers.py",
        "scheduling/fsrs.py",
        "classroom/report.py",
    ):
        assert path in planted and path in mutated, path
    assert any(path.startswith("transfer/") for path in planted)


def test_the_readme_gives_the_number_of_planted_bugs_and_the_90_percent_modules():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    count = re.search(r"# (\d+) plausible bugs planted one at a time", readme)
    assert count is not None and int(count[1]) == len(PLANTED.BUGS)
    strict = {name for name, target in MUTATION.MODULES.items() if target.score >= 90}
    named = re.search(r"90% for ((?:`\w+`(?:, | and |\s)*)+)", readme)
    assert named is not None and set(re.findall(r"`(\w+)`", named[1])) == strict
