"""The class commands and their migration seen from SQLite: the schema gains its (empty)
tables, the commands refuse a non-PostgreSQL database, and psycopg is never imported."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

from conftest import console_script

NO_PSYCOPG = """
import sys
sys.argv = ["mlops-quiz", *sys.argv[1:]]
from mlops_quiz.cli import main
try:
    main()
except SystemExit as exc:
    assert not exc.code, exc.code
assert "psycopg" not in sys.modules, "psycopg was imported"
print("ok")
"""


def test_sqlite_never_imports_psycopg(script_env: dict[str, str], tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'p.db'}"
    for args in (["study", "--limit", "1", "--db", db], ["stats", "--db", db], ["path"]):
        result = subprocess.run(
            [sys.executable, "-c", NO_PSYCOPG, *args],
            input="\n5\n",
            capture_output=True,
            text=True,
            env=script_env,
            timeout=60,
        )
        assert result.returncode == 0, result.stderr
        assert result.stdout.strip().endswith("ok")


def test_the_class_tables_exist_on_sqlite_and_stay_empty(
    script_env: dict[str, str], tmp_path: Path
) -> None:
    path = tmp_path / "p.db"
    done = subprocess.run(
        [console_script(), "study", "--limit", "1", "--db", f"sqlite:///{path}"],
        input="\n5\n",
        capture_output=True,
        text=True,
        env=script_env,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    with sqlite3.connect(path) as conn:
        names = [r[0] for r in conn.execute("SELECT name FROM _mlops_quiz_migrations")]
        assert "m006_class" in names
        assert conn.execute("SELECT count(*) FROM published_bank").fetchone() == (0,)
        assert conn.execute("SELECT count(*) FROM class_info").fetchone() == (0,)


def test_class_commands_need_postgres(script_env: dict[str, str], tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'p.db'}"
    for args in (
        ["class", "init"],
        ["class", "add-learner", "ada"],
        ["class", "remove-learner", "ada"],
        ["class", "publish"],
        ["class", "report"],
    ):
        result = subprocess.run(
            [console_script(), *args, "--db", db],
            capture_output=True,
            text=True,
            env=script_env,
            timeout=60,
        )
        assert result.returncode == 2, (args, result.stderr)
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and "PostgreSQL" in lines[0], (args, result.stderr)
