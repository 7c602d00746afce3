"""The README stays true: its quick start matches CI, its topic table matches the bank."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

from mlops_quiz.bank import load_bank
from mlops_quiz.config import bundled_bank_path

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_quick_start_is_two_commands_and_ci_runs_the_second():
    block = re.search(r"```sh\n(.*?)```", README, re.DOTALL)
    assert block is not None
    lines = block.group(1).strip().splitlines()
    assert len(lines) == 2
    assert "pip install ." in lines[0] and lines[0].endswith("mlops-quiz study")
    assert "pip install -e '.[test]'" in lines[1] and lines[1].endswith("pytest")
    ci = (ROOT / ".ci" / "run").read_text()
    assert "python3 -m venv .venv" in ci
    assert "pip install --quiet -e '.[test]'" in ci
    assert re.search(r"^\.venv/bin/pytest$", ci, re.MULTILINE)


def test_topic_table_matches_the_bundled_bank():
    bank = load_bank([bundled_bank_path()])
    rows = re.findall(
        r"^\| `([a-z-]+)` \| [^|]+ \| (\d+) \| (\d+) \| (\d+) \| (\d+) \|$", README, re.MULTILINE
    )
    assert {r[0] for r in rows} == set(bank.topics)
    for topic, n_open, n_mcq, n_cloze, total in rows:
        counts = Counter(q.type for q in bank.questions if q.topic == topic)
        assert (counts["open"], counts["mcq"], counts["cloze"]) == (
            int(n_open),
            int(n_mcq),
            int(n_cloze),
        ), topic
        assert sum(counts.values()) == int(total)


def test_the_scripted_example_works_as_written(script_env, quiz_home: Path):
    import os
    import sqlite3
    import subprocess
    import sys

    section = README.split("### Scripted sessions", 1)[1]
    block = re.search(r"```sh\n(.*?)```", section, re.DOTALL)
    assert block is not None
    command = block.group(1).strip()
    assert command.startswith("printf ") and "| mlops-quiz study" in command
    path = f"{Path(sys.executable).parent}{os.pathsep}{script_env['PATH']}"
    result = subprocess.run(
        ["sh", "-c", command],
        env={**script_env, "PATH": path},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0 and result.stderr == ""
    assert "Please type" not in result.stdout and "is not" not in result.stdout
    with sqlite3.connect(quiz_home / "progress.db") as conn:
        rows = conn.execute("SELECT question_id, grade, answer FROM reviews ORDER BY id")
        assert rows.fetchall() == [
            ("dcai-ai-system-cloze", 5, "data; model"),
            ("dcai-research-vs-practice", 4, "my answer"),
        ]


def test_the_simulation_table_is_what_simulate_prints(script_env):
    """The README's table of simulated learners is the output of the command it names, as is."""
    import subprocess
    import sys

    section = README.split("`benchmarks/simulate.py` compares the schedulers", 1)[1]
    table = section.split("\n\n| memory |", 1)[1].splitlines()
    readme_rows = ["| memory |" + table[0]]
    for line in table[1:]:
        if not line.startswith("|"):
            break
        readme_rows.append(line)
    result = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "simulate.py")],
        env=script_env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    printed = [line for line in result.stdout.splitlines() if line.startswith("|")]
    assert readme_rows == printed
    assert len(printed) == 2 + 2 * 4  # header, rule, two memories by four schedulers
