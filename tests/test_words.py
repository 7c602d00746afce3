"""The words a person reads: numbers with their nouns in the right number, no jargon, no word
said twice, and a README that says what the program does."""

from __future__ import annotations

import csv
import re
import subprocess
from pathlib import Path

import yaml

from conftest import console_script

ROOT = Path(__file__).resolve().parent.parent
NOW = "2026-11-20T10:00:00+00:00"


def run(args: list[str], env: dict[str, str], stdin: str = "", **extra: str):
    return subprocess.run(
        [console_script(), *args],
        input=stdin,
        capture_output=True,
        text=True,
        env={**env, "TZ": "UTC", "MLOPS_QUIZ_NOW": NOW, **extra},
        timeout=120,
        check=False,
    )


def answer_once(env: dict[str, str], bank: Path) -> None:
    done = run(["study", "--bank", str(bank), "--limit", "1"], env, "my answer\n5\n")
    assert done.returncode == 0, done.stderr


def test_one_answer_on_one_day_in_the_calendar(script_env, small_bank: Path):
    answer_once(script_env, small_bank)
    out = run(["stats", "--bank", str(small_bank)], script_env).stdout
    assert "1 answer on 1 day · current streak" in out
    assert "1 answers" not in out and "1 days" not in out


def test_one_card_suspended_is_one_card(script_env, small_bank: Path):
    done = run(["suspend", "open-one", "--bank", str(small_bank)], script_env)
    assert done.stdout.strip() == "suspended: 1 card: open-one"


def test_a_suspended_or_a_buried_card_asked_by_id_says_which(script_env, small_bank: Path):
    bank = ["--bank", str(small_bank)]
    assert run(["suspend", "open-one", *bank], script_env).returncode == 0
    assert run(["bury", "mcq-one", *bank], script_env).returncode == 0
    suspended = run(["study", "--id", "open-one", *bank], script_env)
    assert suspended.returncode == 2
    assert suspended.stderr.splitlines() == [
        "error: 'open-one' is suspended; 'mlops-quiz unsuspend open-one' brings it back"
    ]
    buried = run(["study", "--id", "mcq-one", *bank], script_env)
    assert buried.returncode == 2
    assert buried.stderr.splitlines() == [
        "error: 'mcq-one' is buried; it comes back on the next study day"
    ]


def test_show_names_a_buried_card_once(script_env, small_bank: Path):
    assert run(["bury", "open-one", "--bank", str(small_bank)], script_env).returncode == 0
    out = run(["show", "open-one", "--bank", str(small_bank)], script_env).stdout
    (state,) = [line.strip("│ ") for line in out.splitlines() if "│ state " in line]
    assert state.split() == ["state", "buried"]


def test_doctor_and_prune_count_in_words(script_env, small_bank: Path, tmp_path: Path):
    answer_once(script_env, small_bank)  # open-one, answered once
    smaller = tmp_path / "smaller.yaml"
    text = small_bank.read_text()
    start = text.index("  - id: open-one")
    smaller.write_text(text[:start] + text[text.index("  - id: mcq-one") :])
    args = ["doctor", "--bank", str(smaller)]
    report = run(args, script_env)
    assert "  default: open-one (1 answer)" in report.stdout.splitlines()
    pruned = run([*args, "--prune", "--yes", "--any-bank"], script_env)
    assert pruned.returncode == 0, pruned.stderr
    assert "  default: 1 question, 1 answer" in pruned.stdout.splitlines()
    assert "deleted the progress of 1 question (1 answer)" in pruned.stdout
    assert "rows" not in pruned.stdout


def test_a_dry_run_import_of_one_question(script_env, small_bank: Path, tmp_path: Path):
    sheet = tmp_path / "one.csv"
    sheet.write_text("prompt,answer\nWhat is a feature store?,A shared store of features.\n")
    done = run(
        ["import", str(sheet), "--into", str(small_bank), "--topic", "basics", "--dry-run"],
        script_env,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(f"would add 1 question to {small_bank} (nothing written):")


# ---------------------------------------------------------------- the README


README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_the_readme_counts_the_bundled_bank_right():
    bank = yaml.safe_load((ROOT / "data" / "questions.yaml").read_text(encoding="utf-8"))
    total = len(bank["questions"])
    rows = re.findall(r"^\| `[a-z-]+` \| .* \| (\d+) \|$", README, re.MULTILINE)
    assert sum(int(n) for n in rows) == total
    assert f"{total} now" in README  # beside the figures measured when it was smaller


def test_the_readme_lists_the_csv_columns_an_export_writes(script_env, tmp_path: Path):
    target = tmp_path / "bank.csv"
    assert run(["export", str(target)], script_env).returncode == 0
    with target.open(encoding="utf-8-sig", newline="") as handle:
        header = next(csv.reader(handle))
    found = re.search(
        r"one row per question, (\d+) columns: `([^`]*)`", README.replace("\n  ", " ")
    )
    assert found is not None
    assert int(found.group(1)) == len(header)
    assert [c.strip() for c in found.group(2).split(",")] == header


def test_the_readme_says_how_a_repeat_owed_from_earlier_is_shown():
    assert "`again today · 7 of 12`" in README.replace("\n", " ")
    assert "every choice and every gap is marked" not in README
