"""Bad progress databases: one clear line, a non-zero exit, and the file's bytes left alone."""

from __future__ import annotations

import os
import shutil
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest
from rel_helpers import env_with, file_state, no_write_bits, one_error_line, query, run, scripted

ANSWER_TWO = scripted([("I know", "5"), ("a,c", "")])


def studied_db(env: dict[str, str], bank: Path, db: Path) -> Path:
    """A real database with two answers in it, closed cleanly (no -wal file left)."""
    result = run(["study", "--bank", str(bank), "--db", f"sqlite:///{db}"], env, ANSWER_TWO + "q\n")
    assert result.returncode == 0, result.stderr
    assert query(db, "SELECT count(*) FROM reviews") == [(2,)]
    assert not Path(f"{db}-wal").exists()
    return db


def not_sqlite(folder: Path, env, bank) -> Path:
    db = folder / "progress.db"
    db.write_bytes(b"these are my notes, not a database\n" * 200)
    return db


def truncated(folder: Path, env, bank) -> Path:
    source = studied_db(env, bank, folder.parent / "source.db")
    db = folder / "progress.db"
    db.write_bytes(source.read_bytes()[:2048])
    return db


def newer_schema(folder: Path, env, bank) -> Path:
    db = studied_db(env, bank, folder / "progress.db")
    conn = sqlite3.connect(db)
    with conn:
        conn.execute(
            "INSERT INTO _mlops_quiz_migrations (name, applied_at) VALUES ('m999_future', 'x')"
        )
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    return db


def read_only_file(folder: Path, env, bank) -> Path:
    db = studied_db(env, bank, folder / "progress.db")
    no_write_bits(db)
    return db


def read_only_folder(folder: Path, env, bank) -> Path:
    db = studied_db(env, bank, folder / "progress.db")
    no_write_bits(folder)
    return db


CASES: dict[str, tuple[Callable[..., Path], str, int]] = {
    "not-sqlite": (not_sqlite, "not an SQLite database", 1),
    "truncated": (truncated, "malformed", 1),
    "newer-schema": (newer_schema, "newer version", 2),
    "read-only-file": (read_only_file, "read-only", 1),
    "read-only-folder": (read_only_folder, "read-only", 1),
}


@pytest.mark.parametrize("case_id", sorted(CASES))
def test_a_bad_database_is_refused_and_left_untouched(
    case_id: str, script_env, small_bank: Path, tmp_path: Path
):
    make, message, code = CASES[case_id]
    env = env_with(script_env)
    folder = tmp_path / "data"
    folder.mkdir()
    db = make(folder, env, small_bank)
    before = file_state(folder)
    url = f"sqlite:///{db}"
    try:
        for command, stdin in ((["study"], ANSWER_TWO), (["stats", "--json"], "")):
            result = run([*command, "--bank", str(small_bank), "--db", url], env, stdin)
            assert result.returncode == code, (command, result.stdout, result.stderr)
            line = one_error_line(result.stderr)
            assert message.lower() in line.lower(), line
            if case_id != "newer-schema":  # the other messages name the file or its folder
                assert str(folder) in line, line
            assert file_state(folder) == before, command
    finally:
        os.chmod(folder, 0o755)
        os.chmod(db, 0o644)
    assert db.read_bytes() == before["progress.db"]


def test_the_default_database_path_is_checked_the_same_way(
    script_env, small_bank: Path, quiz_home: Path
):
    quiz_home.mkdir()
    db = quiz_home / "progress.db"
    db.write_bytes(b"\x00" * 16 + b"not sqlite" * 100)
    before = db.read_bytes()
    result = run(["study", "--bank", str(small_bank)], env_with(script_env), ANSWER_TWO)
    assert result.returncode == 1
    assert "not an SQLite database" in one_error_line(result.stderr)
    assert db.read_bytes() == before
    assert sorted(p.name for p in quiz_home.iterdir() if p.is_file()) == ["progress.db"]


def test_a_missing_parent_folder_is_not_created(script_env, small_bank: Path, tmp_path: Path):
    root = Path("/nonexistent")
    assert not root.exists()
    env = env_with(script_env)
    for command, stdin in ((["study"], ANSWER_TWO), (["stats"], "")):
        result = run(
            [*command, "--bank", str(small_bank), "--db", "sqlite:////nonexistent/x/p.db"],
            env,
            stdin,
        )
        assert result.returncode == 1, result.stdout
        line = one_error_line(result.stderr)
        assert "/nonexistent/x" in line and "does not exist" in line
        assert not root.exists()


def test_a_restored_copy_of_a_damaged_file_still_works(
    script_env, small_bank: Path, tmp_path: Path
):
    """After refusing a damaged file, putting the good copy back is all it takes."""
    env = env_with(script_env)
    good = studied_db(env, small_bank, tmp_path / "good.db")
    spare = tmp_path / "spare.db"
    shutil.copyfile(good, spare)
    good.write_bytes(good.read_bytes()[:2048])
    assert run(["stats", "--bank", str(small_bank), "--db", f"sqlite:///{good}"], env).returncode
    shutil.copyfile(spare, good)
    result = run(["stats", "--json", "--bank", str(small_bank), "--db", f"sqlite:///{good}"], env)
    assert result.returncode == 0, result.stderr
    assert '"reviews": 2' in result.stdout
