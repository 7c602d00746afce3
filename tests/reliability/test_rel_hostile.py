"""Files and settings from someone else: nothing leaks, hangs, crashes, misleads or is written
where it should not be. Cases that need a second user run as uid 65534 when the suite runs as
root (as in CI, where they must run); elsewhere they are skipped with the reason."""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import sqlite3
import stat
import subprocess
import tempfile
import time
from pathlib import Path

import pytest
from rel_helpers import (
    SMALL_ANSWERS,
    env_with,
    file_state,
    one_error_line,
    query,
    run,
    scripted,
    time_bound,
)

from conftest import SMALL_BANK

OTHER_UID = 65534  # "nobody"
AS_ROOT = hasattr(os, "getuid") and os.getuid() == 0
needs_root = pytest.mark.skipif(
    not AS_ROOT and not os.environ.get("CI"),
    reason="switching to another user needs root (CI runs these as root)",
)
HEAD = "topics:\n  - id: t\n    title: T\nquestions:\n"


def cloze_bank(path: Path, prompt: str) -> Path:
    path.write_text(
        HEAD + f"  - id: c\n    topic: t\n    type: cloze\n    prompt: {prompt}\n",
        encoding="utf-8",
    )
    return path


def add_open(
    env: dict[str, str], bank: Path | str, prompt: str = "Why?", timeout: float = 90
) -> subprocess.CompletedProcess[str]:
    """``add-question`` of an open item on a bundled topic into ``bank``."""
    args = ["add-question", "--bank", str(bank), "--topic", "data-centric-ai", "--type", "open"]
    return run([*args, "--prompt", prompt, "--answer", "Because."], env, timeout=timeout)


def study(env: dict[str, str], bank: Path, answers: list[tuple[str, str]], *args: str) -> None:
    result = run(["study", "--bank", str(bank), "--new", "4", *args], env, scripted(answers))
    assert result.returncode == 0, result.stderr


# ---------------------------------------------------------------- 3. passwords


def test_passwords_in_database_urls_are_never_shown(script_env, small_bank: Path):
    env = env_with(script_env)
    secret = "S3cretPW"
    for url in (
        f"postgresql://alice:{secret}@127.0.0.1:1/class",
        f"nosuchdriver://alice:{secret}@host/db",
        f"not a url at all {secret}",
        f"://{secret}",
    ):
        for args in (
            ["stats", "--bank", str(small_bank)],
            ["study", "--bank", str(small_bank)],
            ["doctor", "--bank", str(small_bank)],
            ["backup", "x.db"],
        ):
            result = run([*args, "--db", url], env)
            assert result.returncode != 0, (url, args)
            assert secret not in result.stdout + result.stderr, (url, args, result.stderr)
            # a password on the command line is warned about (README: MLOPS_QUIZ_DB, .pgpass)
            lines = result.stderr.splitlines()
            warned = [line for line in lines if "in every process list" in line]
            assert len(warned) == ("@" in url), (url, result.stderr)
            one_error_line("".join(f"{line}\n" for line in lines if line not in warned))
    shown = run(["path"], {**env, "MLOPS_QUIZ_DB": f"postgresql://alice:{secret}@db/class"})
    assert shown.returncode == 0
    assert secret not in shown.stdout and "postgresql://alice:***@db/class" in shown.stdout


# ---------------------------------------------------------------- 4. private files


def test_the_data_folder_and_database_are_private_under_umask_022(
    script_env, small_bank: Path, quiz_home: Path
):
    env = env_with(script_env)
    old = os.umask(0o022)
    try:
        study(env, small_bank, SMALL_ANSWERS[:1], "--new", "1")
    finally:
        os.umask(old)
    assert stat.S_IMODE(quiz_home.stat().st_mode) == 0o700
    db = quiz_home / "progress.db"
    assert stat.S_IMODE(db.stat().st_mode) == 0o600
    for journal in (Path(f"{db}-wal"), Path(f"{db}-shm")):
        if journal.exists():
            assert stat.S_IMODE(journal.stat().st_mode) & 0o077 == 0, journal


@needs_root
def test_another_user_cannot_read_what_the_learner_typed(script_env, small_bank: Path):
    base = Path(tempfile.mkdtemp(prefix="mlops-quiz-home-"))
    try:
        os.chmod(base, 0o755)  # like /home/alice: others may pass through
        home = base / "home"
        env = env_with({**script_env, "MLOPS_QUIZ_HOME": str(home)})
        old = os.umask(0o022)
        try:
            study(env, small_bank, [("my secret answer", "5")], "--new", "1")
        finally:
            os.umask(old)

        def as_other(*cmd: str) -> subprocess.CompletedProcess[str]:
            return subprocess.run(list(cmd), user=OTHER_UID, capture_output=True, text=True)

        db = str(home / "progress.db")
        assert "Permission denied" in as_other("cat", db).stderr  # the folder is 0700
        os.chmod(home, 0o755)  # a folder made before, or opened up by hand
        assert as_other("ls", str(home)).returncode == 0  # now others can look in...
        reader = as_other("cat", db)
        assert reader.returncode != 0 and "Permission denied" in reader.stderr  # ...not read
        assert "my secret answer" not in reader.stdout
    finally:
        shutil.rmtree(base)


def test_an_existing_database_readable_by_others_is_made_private(
    script_env, small_bank: Path, quiz_home: Path
):
    env = env_with(script_env)
    study(env, small_bank, SMALL_ANSWERS[:1], "--new", "1")
    db = quiz_home / "progress.db"
    os.chmod(db, 0o644)
    assert run(["stats", "--bank", str(small_bank)], env).returncode == 0
    assert stat.S_IMODE(db.stat().st_mode) == 0o600


def test_a_data_folder_others_can_write_to_is_refused(
    script_env, small_bank: Path, quiz_home: Path
):
    env = env_with(script_env)
    study(env, small_bank, SMALL_ANSWERS[:1], "--new", "1")
    os.chmod(quiz_home, 0o777)
    before = file_state(quiz_home)
    result = run(["study", "--bank", str(small_bank)], env, scripted(SMALL_ANSWERS))
    assert result.returncode == 1
    assert "can be written by other users" in one_error_line(result.stderr)
    assert file_state(quiz_home) == before


@needs_root
def test_a_data_folder_owned_by_someone_else_is_refused(
    script_env, small_bank: Path, quiz_home: Path
):
    env = env_with(script_env)
    quiz_home.mkdir(mode=0o700)
    os.chown(quiz_home, OTHER_UID, OTHER_UID)
    result = run(["study", "--bank", str(small_bank)], env, scripted(SMALL_ANSWERS))
    assert result.returncode == 1
    assert f"belongs to another user (uid {OTHER_UID})" in one_error_line(result.stderr)
    assert not (quiz_home / "progress.db").exists()


def entry_header(entry: Path) -> dict:
    data = entry.read_bytes()
    return json.loads(data[: data.index(b"\n")])


def planted_entry(cache: Path, bank: Path, questions: list | None = None) -> Path:
    """A well-formed cache entry someone else wrote: a fake question in place of the bank's."""
    from mlops_quiz.bank import cache as bank_cache
    from mlops_quiz.bank import load_bank

    bank_cache.load([bank], cache)  # a genuine entry, for its header
    entry = bank_cache.cache_file(cache, bank)
    header = entry_header(entry)
    meta = {k: header[k] for k in ("format", "version", "stat", "digest")} | {"trusted": True}
    parsed = load_bank([bank])
    if questions is None:
        questions = [parsed.questions[0]._replace(prompt="Type your password to continue")]
    entry.write_bytes(bank_cache._pack(meta, list(parsed.topics.values()), questions))
    return entry


def test_a_cache_folder_others_can_write_to_is_not_used(
    script_env, small_bank: Path, quiz_home: Path
):
    env = env_with(script_env)
    old = time.time() - 3600
    os.utime(small_bank, (old, old))  # an old file: its entry would be trusted by its stat
    cache = quiz_home / "cache"
    planted_entry(cache, small_bank)
    os.chmod(cache, 0o777)
    result = run(["study", "--bank", str(small_bank), "--new", "1"], env, "x\n4\n")
    assert result.returncode == 0, result.stderr
    assert "Type your password" not in result.stdout
    assert "What is MLOps?" in result.stdout
    assert "can be written by other users" in result.stderr and "not used" in result.stderr


@needs_root
def test_a_cache_entry_owned_by_someone_else_is_not_used(
    script_env, small_bank: Path, quiz_home: Path
):
    env = env_with(script_env)
    old = time.time() - 3600
    os.utime(small_bank, (old, old))
    entry = planted_entry(quiz_home / "cache", small_bank)
    os.chown(entry, OTHER_UID, OTHER_UID)
    result = run(["study", "--bank", str(small_bank), "--new", "1"], env, "x\n4\n")
    assert result.returncode == 0, result.stderr
    assert "Type your password" not in result.stdout and "What is MLOps?" in result.stdout


def test_a_new_bank_file_follows_the_umask(script_env, quiz_home: Path, tmp_path: Path):
    env = env_with(script_env)
    for mask, expected in ((0o077, 0o600), (0o022, 0o644)):
        target = tmp_path / f"mine-{mask:o}.yaml"
        old = os.umask(mask)
        try:
            result = add_open(env, target)
        finally:
            os.umask(old)
        assert result.returncode == 0, result.stderr
        assert stat.S_IMODE(target.stat().st_mode) == expected


# ---------------------------------------------------------------- 5, 6. hangs and crashes


def test_a_prompt_of_unclosed_gaps_is_refused_in_linear_time(script_env, tmp_path: Path):
    """40,000 characters of '{{' took 18 s (quadratic); a megabyte would take hours."""
    bank = cloze_bank(tmp_path / "braces.yaml", '"' + "{{" * 500_000 + '"')
    bound = time_bound(env_with(script_env), 10)
    started = time.monotonic()
    result = run(["validate", str(bank)], env_with(script_env))
    assert time.monotonic() - started < bound
    assert result.returncode == 2
    assert "at most 4,000" in one_error_line(result.stderr)


def test_long_fields_and_lists_are_refused_with_their_line(script_env, tmp_path: Path):
    env = env_with(script_env)
    marks = "a" + "\u0301" * 300 + "\u0316" * 300
    long_list = "[" + ", ".join(f"k{n}" for n in range(31)) + "]"
    cases = {
        "answer": (
            "  - id: o\n    topic: t\n    type: open\n    prompt: P\n    answer: "
            + "w" * 20_001
            + "\n",
            "answer is 20,001 characters long; at most 20,000",
        ),
        "key points": (
            f"  - id: o\n    topic: t\n    type: open\n    prompt: P\n    answer: A\n"
            f"    key_points: {long_list}\n",
            "key_points: 31 items; at most 30",
        ),
        "gap answer": (
            f'  - id: c\n    topic: t\n    type: cloze\n    prompt: "{{{{{marks}}}}}"\n',
            "an answer is over 200 characters",
        ),
        "gaps": (
            '  - id: c\n    topic: t\n    type: cloze\n    prompt: "'
            + " ".join(["{{a}}"] * 31)
            + '"\n',
            "31 gaps; at most 30",
        ),
    }
    lines = {"answer": 9, "key points": 10, "gap answer": 8, "gaps": 8}  # the field's line
    for name, (body, message) in cases.items():
        bank = tmp_path / f"{name}.yaml"
        bank.write_text(HEAD + body, encoding="utf-8")
        result = run(["validate", str(bank)], env)
        assert result.returncode == 2, name
        line = one_error_line(result.stderr)
        assert line.startswith(f"error: {bank}:{lines[name]}: "), line
        assert message in line, line


def test_a_huge_typed_answer_of_combining_marks_is_checked_at_once(script_env, small_bank: Path):
    marks = "\u0301" * 200_000 + "\u0316" * 200_000  # an order normalisation must sort
    bound = time_bound(env_with(script_env), 10)
    for topic, answer in (("more", f"2.5{marks}; 1.3"), ("basics", f"build{marks} run")):
        started = time.monotonic()
        result = run(
            ["study", "--bank", str(small_bank), "--topic", topic, "--new", "1"],
            env_with(script_env),
            f"{answer}\n0\n",
        )
        assert result.returncode == 0, result.stderr
        assert time.monotonic() - started < bound, topic


def test_a_thousand_gaps_are_refused_not_a_crash(script_env, tmp_path: Path):
    """1,000 gaps crashed study (StopIteration); the prompt's length cap stops them first."""
    bank = cloze_bank(tmp_path / "gaps.yaml", '"' + "".join(["{{a}}"] * 1000) + '"')
    result = run(["study", "--bank", str(bank)], env_with(script_env), "a\n4\n")
    assert result.returncode == 2
    assert "prompt is 5,000 characters long; at most 4,000" in one_error_line(result.stderr)


def test_devices_and_pipes_are_not_read_as_banks(script_env, tmp_path: Path):
    env = env_with(script_env)
    fifo = tmp_path / "fifo.yaml"
    os.mkfifo(fifo)
    bound = time_bound(env, 10)
    for bank in (Path("/dev/zero"), fifo):
        started = time.monotonic()
        result = run(["validate", str(bank)], env, timeout=bound + 30)
        assert time.monotonic() - started < bound
        assert result.returncode == 2
        assert "not a regular file" in one_error_line(result.stderr)


def test_ids_with_a_trailing_newline_are_refused(script_env, tmp_path: Path):
    bank = tmp_path / "id.yaml"
    bank.write_text(
        HEAD + '  - id: "ok\\n"\n    topic: t\n    type: open\n    prompt: P\n    answer: A\n',
        encoding="utf-8",
    )
    result = run(["validate", str(bank)], env_with(script_env))
    assert result.returncode == 2
    assert "question id 'ok\\n' must be" in one_error_line(result.stderr)


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        ("MLOPS_QUIZ_NOW", "0001-01-01T00:00:00+00:00", "from 1970 to 9000"),
        ("MLOPS_QUIZ_NOW", "9999-12-31T23:00:00+00:00", "from 1970 to 9000"),
        ("MLOPS_QUIZ_DB", "sqlite:///{tmp}/p.db?timeout=abc", "cannot use the database URL"),
    ],
)
def test_bad_settings_are_one_line(
    variable: str, value: str, message: str, script_env, small_bank: Path, tmp_path: Path
):
    made = run(
        ["study", "--bank", str(small_bank), "--new", "1", "--db", f"sqlite:///{tmp_path}/p.db"],
        env_with(script_env),
        "x\n4\n",
    )
    assert made.returncode == 0, made.stderr
    env = {**env_with(script_env), variable: value.format(tmp=tmp_path)}
    for args in (["study", "--bank", str(small_bank)], ["stats", "--bank", str(small_bank)]):
        result = run(args, env, scripted(SMALL_ANSWERS))
        assert result.returncode == 2, (args, result.stderr)
        assert message in one_error_line(result.stderr)


# ---------------------------------------------------------------- 7. what you see is stored


def test_invisible_characters_are_refused_where_they_would_mislead(script_env, tmp_path: Path):
    env = env_with(script_env)
    mcq = (
        "  - id: m\n    topic: t\n    type: mcq\n    prompt: P\n"
        '    choices: ["Data", "Da\\u200bta"]\n    correct: a\n'
    )
    for name, body, message in (
        ("zero-width gap", cloze_bank_text('"{{2.\\u200b5}}"'), "U+200B"),
        ("soft hyphen gap", cloze_bank_text('"{{da\\u00adta}}"'), "U+00AD"),
        ("bidi mark gap", cloze_bank_text('"{{\\u061c2.5}}"'), "U+061C"),
        ("tag character gap", cloze_bank_text('"{{a\\U000E0041}}"'), "U+E0041"),
        ("line separator gap", cloze_bank_text('"{{a\\u2028b}}"'), "U+2028"),
        ("look-alike choices", HEAD + mcq, "U+200B"),
        ("dots only", cloze_bank_text('"{{...}}"'), "only punctuation"),
    ):
        bank = tmp_path / "bank.yaml"
        bank.write_text(body, encoding="utf-8")
        result = run(["validate", str(bank)], env)
        assert result.returncode == 2, name
        assert message in result.stderr, (name, result.stderr)


def cloze_bank_text(prompt: str) -> str:
    return HEAD + f"  - id: c\n    topic: t\n    type: cloze\n    prompt: {prompt}\n"


def test_invisible_characters_typed_in_an_answer_are_ignored(script_env, small_bank: Path):
    result = run(
        ["study", "--bank", str(small_bank), "--topic", "more", "--new", "1"],
        env_with(script_env),
        "2.\u200b5; \u20611.3\n\n",
    )
    assert result.returncode == 0, result.stderr
    assert "✓" in result.stdout and "✗" not in result.stdout


def test_outside_text_is_escaped_in_json_and_in_doctor(
    script_env, small_bank: Path, quiz_home: Path
):
    env = env_with(script_env)
    bank = small_bank
    bank.write_text(SMALL_BANK.replace("title: Basics", 'title: "Bas\\u061cics \\e[31m"'))
    study(env, bank, SMALL_ANSWERS[:1], "--new", "1")
    db = quiz_home / "progress.db"
    conn = sqlite3.connect(db)
    conn.execute(
        "INSERT INTO reviews (profile, question_id, reviewed_at, day, grade, answer, "
        "duration_ms, kind, before_repetitions, before_interval, before_ef100, before_lapses, "
        "after_repetitions, after_interval, after_ef100, after_lapses) VALUES "
        "('evil\x1b[2J\u202e', 'gone', '2026-11-26T09:00:00+00:00', '2026-11-26', 4, '', 0, "
        "'review', 0, 0, 250, 0, 1, 1, 250, 0)"
    )
    conn.commit()
    conn.close()
    doctor = run(["doctor", "--bank", str(bank)], env)
    assert doctor.returncode == 0, doctor.stderr
    assert "\x1b" not in doctor.stdout and "\u202e" not in doctor.stdout
    assert "evil\\x1b[2J\\u202e: gone" in doctor.stdout
    topics = run(["list", "--json", "--bank", str(bank)], env)
    listing = run(["stats", "--json", "--bank", str(bank)], env)
    for result in (topics, listing):
        assert result.returncode == 0, result.stderr
        assert "\u061c" not in result.stdout and "\x1b" not in result.stdout
    assert "\\u061c" in listing.stdout
    title = json.loads(listing.stdout)["retention"]["by_topic"][0]["title"]
    assert title == "Bas\u061cics \x1b[31m"


# ---------------------------------------------------------------- 8. the cache


def test_a_same_size_edit_copied_with_cp_p_is_seen(script_env, small_bank: Path, tmp_path: Path):
    env = env_with(script_env)
    old = time.time() - 3600
    os.utime(small_bank, (old, old))
    first = run(["study", "--bank", str(small_bank), "--new", "1", "--cram"], env, "x\n4\n")
    assert "What is MLOps?" in first.stdout
    edited = tmp_path / "edited.yaml"
    edited.write_text(SMALL_BANK.replace("What is MLOps?", "What is DevOp?"), encoding="utf-8")
    os.utime(edited, (old, old))
    assert edited.stat().st_size == small_bank.stat().st_size
    subprocess.run(["cp", "-p", str(edited), str(small_bank)], check=True)
    assert small_bank.stat().st_mtime == old  # same size, same time, same inode
    shown = run(["study", "--bank", str(small_bank), "--new", "1", "--cram"], env, "x\n4\n")
    assert "What is DevOp?" in shown.stdout and "What is MLOps?" not in shown.stdout


@pytest.mark.parametrize(
    "damage",
    [
        b'{"format": 4}\n',
        b"\x00\x01\x02\x03\x04",
        b"[]",
        b'{"format": 4, "version": "0", "stat": [], "digest": "", "trusted": true}\n',
        "truncated",
        "marshal-bomb",
    ],
    ids=["wrong-shape", "five-bytes", "a-list", "old-version", "truncated", "marshal-bomb"],
)
def test_a_damaged_cache_entry_is_deleted_and_rebuilt(
    damage: bytes, script_env, small_bank: Path, quiz_home: Path
):
    from mlops_quiz.bank.cache import CACHE_FORMAT, cache_file

    env = env_with(script_env)
    assert run(["list", "--bank", str(small_bank)], env).returncode == 0
    entry = cache_file(quiz_home / "cache", small_bank)
    whole = entry.read_bytes()
    if damage == "truncated":
        damage = whole[:-100]
    elif damage == "marshal-bomb":  # a list of 2**31-1 items, behind the genuine header
        damage = whole[: whole.index(b"\n") + 1] + b"[\xff\xff\xff\x7f"
    entry.write_bytes(damage)
    for _ in range(2):
        result = run(["list", "--bank", str(small_bank)], env)
        assert result.returncode == 0, result.stderr
        assert "open-one" in result.stdout
    assert entry_header(entry)["format"] == CACHE_FORMAT  # rebuilt, with the same rows
    rebuilt = entry.read_bytes()
    assert rebuilt[rebuilt.index(b"\n") :] == whole[whole.index(b"\n") :]


def test_a_forged_entry_with_questions_of_the_wrong_shape_is_not_used(
    script_env, small_bank: Path, quiz_home: Path
):
    env = env_with(script_env)
    old = time.time() - 3600
    os.utime(small_bank, (old, old))
    wrong = ("open-one", "basics", "open", "Type your password to continue")  # 4 fields
    planted_entry(quiz_home / "cache", small_bank, [wrong])
    result = run(["study", "--bank", str(small_bank), "--new", "1"], env, "x\n4\n")
    assert result.returncode == 0, result.stderr
    assert "Type your password" not in result.stdout and "What is MLOps?" in result.stdout


# ---------------------------------------------------------------- 9-12. writes


def test_a_foreign_database_keeps_every_byte(script_env, small_bank: Path, tmp_path: Path):
    folder = tmp_path / "data"
    folder.mkdir()
    foreign = folder / "notes.db"
    conn = sqlite3.connect(foreign)
    conn.execute("CREATE TABLE notes (body TEXT)")
    conn.execute("INSERT INTO notes VALUES ('mine')")
    conn.commit()
    conn.close()
    assert query(foreign, "PRAGMA journal_mode") == [("delete",)]
    before = file_state(folder)
    result = run(
        ["study", "--bank", str(small_bank), "--db", f"sqlite:///{foreign}"],
        env_with(script_env),
        scripted(SMALL_ANSWERS),
    )
    assert result.returncode == 1
    assert "other tables" in one_error_line(result.stderr)
    assert file_state(folder) == before


def test_add_question_writes_through_a_linked_bank(script_env, tmp_path: Path):
    real = tmp_path / "synced" / "mine.yaml"
    real.parent.mkdir()
    real.write_text("questions: []\n", encoding="utf-8")
    link = tmp_path / "link.yaml"
    link.symlink_to(real)
    result = add_open(env_with(script_env), link, "Why link?")
    assert result.returncode == 0, result.stderr
    assert link.is_symlink() and "Why link?" in real.read_text(encoding="utf-8")


def test_add_question_refuses_a_device(script_env):
    result = add_open(env_with(script_env), "/dev/null")
    assert result.returncode == 2
    assert "not a regular file" in one_error_line(result.stderr)
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)


def test_add_question_ignores_a_lock_on_the_folder_and_times_out_on_its_own(
    script_env, tmp_path: Path
):
    env = env_with(script_env)
    folder = tmp_path / "banks"
    folder.mkdir()
    bank = folder / "mine.yaml"
    fd = os.open(folder, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)  # someone else's lock on the folder
        first = add_open(env, bank, "One?", timeout=30)
        assert first.returncode == 0, first.stderr
    finally:
        os.close(fd)
    lock = os.open(folder / ".mine.yaml.lock", os.O_RDWR)
    try:
        fcntl.flock(lock, fcntl.LOCK_EX)  # another writer of this bank, stuck
        bound = time_bound(env, 30)
        started = time.monotonic()
        second = add_open(env, bank, "Two?", timeout=bound + 30)
        assert time.monotonic() - started < bound
    finally:
        os.close(lock)
    assert second.returncode == 2
    assert "another program is writing this bank" in one_error_line(second.stderr)
    assert "Two?" not in bank.read_text(encoding="utf-8")


def test_add_question_caps_the_problems_it_prints(script_env, tmp_path: Path):
    bank = tmp_path / "bad.yaml"
    bank.write_text(
        "questions:\n" + "".join(f"  - id: q{n}\n    topic: nowhere\n" for n in range(2000)),
        encoding="utf-8",
    )
    result = add_open(env_with(script_env), bank)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 51 and lines[-1].startswith("error: ... and ")


def test_a_tilde_path_is_opened_where_it_is_checked(script_env, small_bank: Path, tmp_path: Path):
    home = tmp_path / "user"
    home.mkdir()
    env = {**env_with(script_env), "HOME": str(home)}
    result = run(
        ["study", "--bank", str(small_bank), "--new", "1", "--db", "sqlite:///~/quiz.db"],
        env,
        "x\n4\n",
    )
    assert result.returncode == 0, result.stderr
    assert query(home / "quiz.db", "SELECT count(*) FROM reviews") == [(1,)]
    assert not Path("~").exists() and not (tmp_path / "~").exists()


def test_an_in_memory_database_is_refused_where_answers_are_saved(script_env, small_bank: Path):
    env = env_with(script_env)
    refused = run(["study", "--bank", str(small_bank), "--db", "sqlite://"], env, "x\n4\n")
    assert refused.returncode == 2
    assert "keeps nothing" in one_error_line(refused.stderr)
    shown = run(["stats", "--json", "--bank", str(small_bank), "--db", "sqlite://"], env)
    assert shown.returncode == 0 and json.loads(shown.stdout)["cards"]["total"] == 4
