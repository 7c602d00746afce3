"""add-question whose write fails half way leaves the bank file exactly as it was."""

from __future__ import annotations

import errno
import json
import os
from pathlib import Path

import pytest
from rel_helpers import env_with, no_write_bits, run

from mlops_quiz.bank import authoring
from mlops_quiz.errors import BankError

NEW_ITEM = {"topic": "basics", "type": "open", "prompt": "Is this new?", "answer": "Yes."}
ADD_ARGS = ["--topic", "basics", "--type", "open", "--prompt", "Is this new?", "--answer", "Yes."]


def test_read_only_bank_folder_refuses_the_write(script_env, small_bank: Path):
    folder = small_bank.parent / "banks"
    folder.mkdir()
    bank = folder / "bank.yaml"
    bank.write_bytes(small_bank.read_bytes())
    before = bank.read_bytes()
    mode = no_write_bits(folder)
    try:
        result = run(["add-question", "--bank", str(bank), *ADD_ARGS], env_with(script_env))
        listing = sorted(p.name for p in folder.iterdir())
    finally:
        os.chmod(folder, mode)
    assert result.returncode != 0, result.stdout
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"error: {bank}"), result.stderr
    assert "Traceback" not in result.stderr
    assert bank.read_bytes() == before
    assert listing == ["bank.yaml"]


def test_read_only_bank_file_is_not_replaced(script_env, small_bank: Path):
    """A bank file with no write bit is read-only: add-question must not rename over it."""
    before = small_bank.read_bytes()
    mode = no_write_bits(small_bank)
    inode = small_bank.stat().st_ino
    try:
        result = run(["add-question", "--bank", str(small_bank), *ADD_ARGS], env_with(script_env))
    finally:
        if small_bank.exists():
            os.chmod(small_bank, mode)
    assert result.returncode != 0, result.stdout
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"error: {small_bank}"), result.stderr
    assert small_bank.read_bytes() == before
    assert small_bank.stat().st_ino == inode


@pytest.mark.parametrize(
    "failure",
    [
        OSError(errno.EIO, "Input/output error"),
        OSError(errno.ENOSPC, "No space left on device"),
        KeyboardInterrupt(),
    ],
    ids=["EIO", "ENOSPC", "ctrl-c"],
)
def test_failing_rename_keeps_the_old_bytes_and_no_temporary_file(
    failure: BaseException, small_bank: Path, monkeypatch: pytest.MonkeyPatch
):
    before = small_bank.read_bytes()
    calls: list[tuple[str, str]] = []

    def replace(src: str, dst: str) -> None:
        calls.append((str(src), str(dst)))
        assert Path(src).read_text(encoding="utf-8").startswith(before.decode("utf-8"))
        raise failure

    monkeypatch.setattr(authoring.os, "replace", replace)
    expected = BankError if isinstance(failure, OSError) else type(failure)
    with pytest.raises(expected) as raised:
        authoring.add_question(small_bank, [], dict(NEW_ITEM))
    monkeypatch.undo()
    assert calls and calls[0][1] == str(small_bank)  # it did get as far as the rename
    if expected is BankError:
        assert raised.value.problems[0].startswith(f"{small_bank}: cannot write")
    assert small_bank.read_bytes() == before
    # No temporary file is left; the writers' lock file beside the bank stays, empty.
    left = sorted(p.name for p in small_bank.parent.iterdir() if p.is_file())
    assert left == [".bank.yaml.lock", "bank.yaml"]
    assert (small_bank.parent / ".bank.yaml.lock").stat().st_size == 0


def test_failing_fsync_keeps_the_old_bytes(small_bank: Path, monkeypatch: pytest.MonkeyPatch):
    before = small_bank.read_bytes()

    def fsync(fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(authoring.os, "fsync", fsync)
    with pytest.raises(BankError, match="No space left"):
        authoring.add_question(small_bank, [], dict(NEW_ITEM))
    monkeypatch.undo()
    assert small_bank.read_bytes() == before
    assert not [p for p in small_bank.parent.iterdir() if p.name.endswith(".tmp")]


STALE = "questions:\n  - id: half-writ\n    topic: basics\n    type: op"  # cut mid-write


def test_stale_temporary_file_is_ignored(script_env, quiz_home: Path):
    env = env_with(script_env)
    quiz_home.mkdir()
    user_bank = quiz_home / "questions.yaml"
    user_bank.write_text(
        "# my own\nquestions:\n  - id: mine-one\n    topic: data-centric-ai\n    type: open\n"
        "    prompt: Mine?\n    answer: Yes.\n",
        encoding="utf-8",
    )
    stale = quiz_home / ".questions.yaml.k3j9x_q1.tmp"
    stale.write_text(STALE, encoding="utf-8")

    listed = run(["list", "--json"], env)
    assert listed.returncode == 0, listed.stderr
    ids = [row["id"] for row in json.loads(listed.stdout)]
    assert "mine-one" in ids and "half-writ" not in ids
    validated = run(["validate"], env)
    assert validated.returncode == 0, validated.stderr

    added = run(
        [
            "add-question",
            "--topic",
            "data-centric-ai",
            "--type",
            "open",
            "--prompt",
            "Two?",
            "--answer",
            "Yes.",
            "--id",
            "mine-two",
        ],
        env,
    )
    assert added.returncode == 0, added.stderr
    assert added.stdout.strip() == f"added mine-two to {user_bank}"
    text = user_bank.read_text(encoding="utf-8")
    assert text.startswith("# my own\nquestions:\n  - id: mine-one\n")
    assert "mine-two" in text and "half-writ" not in text
    if stale.exists():  # left alone, or cleaned up: never read
        assert stale.read_text(encoding="utf-8") == STALE
    leftovers = [p.name for p in quiz_home.iterdir() if p.name.endswith(".tmp") and p != stale]
    assert leftovers == []
    relisted = run(["list", "--json"], env)
    ids = [row["id"] for row in json.loads(relisted.stdout)]
    assert ids[-2:] == ["mine-one", "mine-two"]


def test_stale_temporary_file_beside_an_explicit_bank(script_env, small_bank: Path):
    stale = small_bank.parent / f".{small_bank.name}.abcd1234.tmp"
    stale.write_text("{{{{ not yaml", encoding="utf-8")
    before = small_bank.read_bytes()
    result = run(["add-question", "--bank", str(small_bank), *ADD_ARGS], env_with(script_env))
    assert result.returncode == 0, result.stderr
    after = small_bank.read_bytes()
    assert after.startswith(before) and b"Is this new?" in after
    assert not stale.exists() or stale.read_text(encoding="utf-8") == "{{{{ not yaml"


def test_a_damaged_bank_cache_is_rebuilt(script_env, small_bank: Path, quiz_home: Path):
    """Cache entries cut short, filled with junk or swapped between files are never trusted."""
    env = env_with(script_env)
    other = small_bank.parent / "other.yaml"
    other.write_text(
        "questions:\n  - id: other-one\n    topic: basics\n    type: open\n"
        "    prompt: Other?\n    answer: Yes.\n",
        encoding="utf-8",
    )
    args = ["list", "--json", "--bank", str(small_bank), "--bank", str(other)]
    first = run(args, env)
    assert first.returncode == 0, first.stderr
    entries = sorted((quiz_home / "cache").glob("*"))
    # one entry per bank file read (the bundled bank too, for its topics): the damage below
    # must touch both of ours
    assert len(entries) == 3
    for n, entry in enumerate(entries):
        data = entry.read_bytes()
        entry.write_bytes(data[: len(data) // 2] if n % 2 == 0 else b"\x00junk" * 50)
    damaged = run(args, env)
    assert damaged.returncode == 0, damaged.stderr
    assert damaged.stdout == first.stdout
    # Swap two (now rebuilt) entries between their files.
    a, b = (e.read_bytes() for e in entries[:2])
    assert a != b
    entries[0].write_bytes(b)
    entries[1].write_bytes(a)
    swapped = run(args, env)
    assert swapped.returncode == 0, swapped.stderr
    assert swapped.stdout == first.stdout
    # A change to the bank is seen at once, whatever the cache holds.
    other.write_text(other.read_text(encoding="utf-8").replace("Other?", "Changed?"))
    other.write_text(other.read_text(encoding="utf-8").replace("other-one", "other-two"))
    changed = run(args, env)
    ids = [row["id"] for row in json.loads(changed.stdout)]
    assert ids == ["open-one", "mcq-one", "cloze-one", "open-two", "other-two"]
