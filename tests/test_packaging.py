"""The wheel, installed with its own dependencies into a fresh venv outside the repo, finds the
bundled bank and keeps progress in the platform's data folder when MLOPS_QUIZ_HOME is unset."""

from __future__ import annotations

import re
import subprocess
import sys
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.slow
def test_wheel_installed_in_a_fresh_venv_finds_the_bundled_bank(tmp_path: Path, script_env):
    dist = tmp_path / "dist"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(dist), str(ROOT)],
        check=True,
        timeout=300,
    )
    [wheel] = dist.glob("mlops_quiz-*.whl")
    env_dir = tmp_path / "fresh"
    venv.EnvBuilder(with_pip=False).create(env_dir)
    fresh_python = env_dir / "bin" / "python"
    # The wheel with its own dependencies, resolved from its metadata by pip: a dependency
    # missing from pyproject.toml is missing here too.
    subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(fresh_python), "install", "-q", str(wheel)],
        check=True,
        timeout=600,
    )
    target = Path(
        subprocess.run(
            [str(fresh_python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    )
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    # A user as they are: no MLOPS_QUIZ_HOME, the platform's folders under a home of their own.
    home = tmp_path / "user"
    env = {k: v for k, v in script_env.items() if k != "MLOPS_QUIZ_HOME" and k[:4] != "XDG_"}
    env.update(
        HOME=str(home),
        XDG_DATA_HOME=str(home / "data"),
        XDG_CACHE_HOME=str(home / "cache"),
        XDG_CONFIG_HOME=str(home / "config"),
        XDG_STATE_HOME=str(home / "state"),
        PYTHONNOUSERSITE="1",
    )
    env.pop("PYTHONPATH", None)
    where = subprocess.run(
        [
            str(fresh_python),
            "-c",
            "import mlops_quiz, mlops_quiz.config as c; "
            "print(mlops_quiz.__file__); print(c.bundled_bank_path())",
        ],
        capture_output=True,
        text=True,
        cwd=outside,
        env=env,
        check=True,
    ).stdout.splitlines()
    assert where[0].startswith(str(target))
    assert where[1] == str(target / "mlops_quiz" / "data" / "questions.yaml")
    script = env_dir / "bin" / "mlops-quiz"
    result = subprocess.run(
        [str(script), "validate"], capture_output=True, text=True, cwd=outside, env=env
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("ok: ")
    # A session answered from start to end writes the progress into the platform's data folder.
    result = subprocess.run(
        [str(script), "study", "--limit", "1"],
        input="data; model\n\n",
        capture_output=True,
        text=True,
        cwd=outside,
        env=env,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert (home / "data" / "mlops-quiz" / "progress.db").is_file()
    path = subprocess.run(
        [str(script), "path"], capture_output=True, text=True, cwd=outside, env=env, check=True
    )
    assert str(home / "data" / "mlops-quiz") in path.stdout


def test_every_package_the_code_imports_is_a_declared_dependency():
    """A package used through another's dependency (rich through typer) is declared too: the
    other may drop it."""
    import ast
    from importlib.metadata import packages_distributions

    import tomllib

    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    specs = list(project["dependencies"])
    for extra in ("postgres",):  # imported only by the features these extras install
        specs += project["optional-dependencies"][extra]
    declared = {
        re.split(r"[<>=!~; \[]", spec, maxsplit=1)[0].lower().replace("_", "-") for spec in specs
    }
    distributions = packages_distributions()
    imported: set[str] = set()
    for source in (ROOT / "src" / "mlops_quiz").rglob("*.py"):
        for node in ast.walk(ast.parse(source.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                imported.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                imported.add(node.module.split(".")[0])
    third_party = {
        name for name in imported if name not in sys.stdlib_module_names and name != "mlops_quiz"
    }
    needed = {
        # A module not installed here (tomli, below Python 3.11 only) stands for itself.
        dist.lower().replace("_", "-")
        for name in third_party
        for dist in distributions.get(name, [name])
    }
    assert third_party >= {"rich", "typer", "yaml", "sqlalchemy", "platformdirs"}
    assert sorted(needed - declared) == []
