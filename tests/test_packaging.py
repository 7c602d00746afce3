"""The wheel carries the bundled bank: installed into a fresh venv outside the repo, it finds it."""

from __future__ import annotations

import site
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


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
    target = Path(
        subprocess.run(
            [str(fresh_python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    )
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--no-deps",
            "--quiet",
            "--target",
            str(target),
            str(wheel),
        ],
        check=True,
        timeout=300,
    )
    # The dependencies come from the test environment; a .pth line adds its site-packages
    # without running its .pth files, so an editable install of the repo is not seen.
    deps = sysconfig.get_paths()["purelib"]
    (target / "_test_deps.pth").write_text(deps + "\n" + "\n".join(site.getsitepackages()) + "\n")
    outside = tmp_path / "elsewhere"
    outside.mkdir()
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
        env=script_env,
        check=True,
    ).stdout.splitlines()
    assert where[0].startswith(str(target))
    assert where[1] == str(target / "mlops_quiz" / "data" / "questions.yaml")
    result = subprocess.run(
        [str(fresh_python), "-m", "mlops_quiz", "validate"],
        capture_output=True,
        text=True,
        cwd=outside,
        env=script_env,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("ok: ")
