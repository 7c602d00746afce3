"""What ``export`` writes, from the installed console script: typed answers kept private (0600
under any umask), cells a spreadsheet would run as formulas neutralised with a leading ``'``
and read back without it, devices, pipes and links left alone, a linked settings file written
through its link, and ids for many prompts without ASCII letters made in linear time."""

from __future__ import annotations

import csv
import os
import stat
import subprocess
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest import console_script
from mlops_quiz.bank import load_bank

NOW = "2026-11-26T09:00:00+00:00"


def run(args: list[str], env: dict[str, str], stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [console_script(), *args],
        input=stdin,
        capture_output=True,
        text=True,
        env={**env, "TZ": "UTC", "MLOPS_QUIZ_NOW": NOW},
        timeout=300,
    )


def ok(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 0, result.stderr
    return result.stdout


def one_error(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 2, (result.stdout, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    return lines[0]


@pytest.fixture
def open_umask() -> Iterator[None]:
    """The umask most systems have (0022): without care a new file is readable by all."""
    old = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(old)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_exported_answers_are_private_under_any_umask(
    script_env: dict[str, str], small_bank: Path, tmp_path: Path, open_umask: None
) -> None:
    """Point 18: `export --progress` and `--reviews` hold every typed answer: 0600."""
    ok(run(["study", "--bank", str(small_bank)], script_env, "=2+3\n5\nq\n"))
    for flag, name in (("--progress", "mine.jsonl"), ("--reviews", "mine.csv")):
        target = tmp_path / name
        ok(run(["export", flag, str(target)], script_env))
        assert mode(target) == 0o600
        target.chmod(0o644)  # replaced with --force: private again
        ok(run(["export", flag, str(target), "--force"], script_env))
        assert mode(target) == 0o600
    with (tmp_path / "mine.csv").open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert rows[0]["answer"] == "'=2+3"  # a formula typed as an answer is not run


HOSTILE_BANK = textwrap.dedent(
    """\
    topics:
      - id: basics
        title: Basics
    questions:
      - id: formula-open
        topic: basics
        type: open
        prompt: '=HYPERLINK("http://example.org/?leak", "click")'
        answer: "+1 for the learner"
        key_points: ["-v flag", "@home"]
      - id: quoted-already
        topic: basics
        type: open
        prompt: "'=SUM(A1:A2) written with its quote"
        answer: "'plain text after a quote"
      - id: formula-mcq
        topic: basics
        type: mcq
        prompt: Which is a formula?
        choices: ["=1+1", "-2", "three"]
        correct: [a]
        shuffle: false
    """
)


def test_cells_that_begin_like_formulas_are_neutralised_and_read_back(
    script_env: dict[str, str], tmp_path: Path
) -> None:
    """Point 18: cells beginning with =, +, -, @ got written as they are."""
    bank = tmp_path / "hostile.yaml"
    bank.write_text(HOSTILE_BANK, encoding="utf-8")
    sheet = tmp_path / "sheet.csv"
    ok(run(["export", str(sheet), "--bank", str(bank)], script_env))
    with sheet.open(encoding="utf-8-sig", newline="") as handle:
        rows = {row["id"]: row for row in csv.DictReader(handle)}
    assert rows["formula-open"]["prompt"] == '\'=HYPERLINK("http://example.org/?leak", "click")'
    assert rows["formula-open"]["answer"] == "'+1 for the learner"
    assert rows["formula-open"]["key_points"] == "'-v flag\n@home"  # the cell's first line
    assert rows["quoted-already"]["prompt"] == "''=SUM(A1:A2) written with its quote"
    assert rows["quoted-already"]["answer"] == "'plain text after a quote"
    assert rows["formula-mcq"]["choices"] == "'=1+1\n-2\nthree"
    for row in rows.values():
        for cell in row.values():
            assert cell[:1] not in ("=", "+", "-", "@", "\t", "\r"), row

    copy = tmp_path / "copy.yaml"
    copy.write_text(HOSTILE_BANK[: HOSTILE_BANK.index("questions:")], encoding="utf-8")
    ok(run(["import", str(sheet), "--into", str(copy), "--bank", str(copy)], script_env))

    def questions(path: Path) -> list[tuple[object, ...]]:
        return [q._replace(file="", line=0) for q in load_bank([path]).questions]

    assert questions(copy) == questions(bank)


def test_export_replaces_no_device_pipe_or_dangling_link(
    script_env: dict[str, str], tmp_path: Path
) -> None:
    """Point 18: `--force` replaced a FIFO with a file, and a dangling link was replaced
    without `--force`."""
    fifo = tmp_path / "pipe.csv"
    os.mkfifo(fifo)
    assert "not a regular file" in one_error(run(["export", str(fifo), "--force"], script_env))
    assert stat.S_ISFIFO(fifo.lstat().st_mode)
    device = tmp_path / "null.md"
    device.symlink_to(os.devnull)
    assert "not a regular file" in one_error(run(["export", str(device), "--force"], script_env))
    assert device.is_symlink() and os.readlink(device) == os.devnull

    dangling = tmp_path / "gone.csv"
    dangling.symlink_to(tmp_path / "nowhere.csv")
    error = one_error(run(["export", str(dangling)], script_env))
    assert "link to a file that does not exist" in error and "--force" in error
    assert dangling.is_symlink() and not (tmp_path / "nowhere.csv").exists()
    ok(run(["export", str(dangling), "--force"], script_env))
    assert dangling.is_file() and not dangling.is_symlink()


def test_config_writes_through_a_linked_settings_file(
    script_env: dict[str, str], quiz_home: Path, tmp_path: Path
) -> None:
    """Point 18: `config KEY VALUE` replaced a linked settings.toml with a file."""
    synced = tmp_path / "synced"
    synced.mkdir()
    real = synced / "settings.toml"
    real.write_text("# kept\nnew_per_day = 7\n", encoding="utf-8")
    quiz_home.mkdir(parents=True, exist_ok=True)
    link = quiz_home / "settings.toml"
    link.symlink_to(real)
    ok(run(["config", "new_per_day", "9"], script_env))
    assert link.is_symlink()
    assert real.read_text(encoding="utf-8") == "# kept\nnew_per_day = 9\n"
    real.unlink()
    error = one_error(run(["config", "new_per_day", "8"], script_env))
    assert "link to a file that does not exist" in error
    assert link.is_symlink() and not real.exists()


def _sheet(path: Path, prompts: list[str]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["prompt", "answer"])
        writer.writerows([prompt, "an answer"] for prompt in prompts)
    return path


def test_ids_for_prompts_without_ascii_letters_take_linear_time(
    script_env: dict[str, str], small_bank: Path, tmp_path: Path
) -> None:
    """Point 16: 16,000 CJK prompts took 71 s against 6.6 s: each id was counted from
    `question-2`. Prompts without ASCII letters must import about as fast as others."""
    count = 8000
    cjk = [f"{chr(0x4E00 + n // 100)}{chr(0x4E00 + n % 100)}是什么？" for n in range(count)]
    ascii_ = [f"what is thing number {n}?" for n in range(count)]
    timings = {}
    for name, prompts in (("ascii", ascii_), ("cjk", cjk)):
        sheet = _sheet(tmp_path / f"{name}.csv", prompts)
        args = ["import", str(sheet), "--dry-run", "--topic", "basics", "--bank", str(small_bank)]
        started = time.monotonic()
        shown = ok(run(args, script_env))
        timings[name] = time.monotonic() - started
        assert f"would add {count} questions" in shown
    ids = [line.split()[0] for line in shown.splitlines()[1:]]
    assert ids == ["question", *(f"question-{n}" for n in range(2, count + 1))]
    assert timings["cjk"] < 2 * timings["ascii"] + 1, timings
