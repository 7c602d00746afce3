"""Commands that check no open answer never import the model's libraries (start-up time)."""

from __future__ import annotations

import subprocess
import sys

import pytest

HEAVY = ("numpy", "tokenizers", "safetensors")


@pytest.mark.parametrize("args", [["--help"], ["stats"], ["list"]])
def test_command_imports_no_model_library(args: list[str]) -> None:
    run = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "mlops_quiz", *args],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr[-2000:]
    imported = {line.split("|")[-1].strip() for line in run.stderr.splitlines() if "|" in line}
    assert "mlops_quiz" in imported  # the listing is real
    assert not [name for name in imported if name.split(".")[0] in HEAVY]
