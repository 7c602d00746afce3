"""A real PostgreSQL server for the class tests: its URL comes from MLOPS_QUIZ_TEST_POSTGRES
(``scripts/postgres.sh start`` prints it). Without it the tests skip with one line, unless
MLOPS_QUIZ_REQUIRE_POSTGRES=1 (CI), where a missing server is a failure."""

from __future__ import annotations

import os
import subprocess
import uuid
from pathlib import Path
from typing import Any

import pytest

from conftest import console_script

ENV_URL = "MLOPS_QUIZ_TEST_POSTGRES"
ENV_REQUIRE = "MLOPS_QUIZ_REQUIRE_POSTGRES"
ENV_DIR = "MLOPS_QUIZ_PG_DIR"
LOOPBACK = ("127.0.0.1", "localhost", "::1")
SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "postgres.sh"


def server_url() -> str:
    url = os.environ.get(ENV_URL, "")
    if not url:
        reason = f"no PostgreSQL server: set {ENV_URL} (see scripts/postgres.sh)"
        if os.environ.get(ENV_REQUIRE) == "1":
            pytest.fail(f"{ENV_REQUIRE}=1 but {reason}")
        pytest.skip(reason)
    from sqlalchemy.engine import make_url

    host = make_url(url).host
    assert host in LOOPBACK, f"the test server must be on a loopback address, not {host}"
    return url


def dsn(url: str) -> str:
    """A SQLAlchemy URL as psycopg's own connection string."""
    return url.replace("postgresql+psycopg://", "postgresql://", 1)


def sql(url: str, statement: str, params: Any = None) -> list[tuple[Any, ...]]:
    """Run one statement as the URL's login, as `psql` would, and return its rows."""
    import psycopg

    with psycopg.connect(dsn(url), autocommit=True) as conn:
        cur = conn.execute(statement, params)
        return cur.fetchall() if cur.description else []


def with_database(url: str, name: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).set(database=name).render_as_string(hide_password=False)


def cli(
    args: list[str],
    env: dict[str, str],
    stdin: str = "",
    db: str | None = None,
    timeout: float = 120,
) -> subprocess.CompletedProcess[str]:
    run_env = dict(env)
    if db is not None:
        run_env["MLOPS_QUIZ_DB"] = db
    if "--db" in args and "@" in args[args.index("--db") + 1]:
        # a URL with a login goes in the environment, as the README advises: on the command
        # line its password would show in every process list (and a warning says so)
        at = args.index("--db")
        run_env["MLOPS_QUIZ_DB"] = args[at + 1]
        args = args[:at] + args[at + 2 :]
    return subprocess.run(
        [console_script(), *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=run_env,
        timeout=timeout,
    )


def ok(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 0, result.stderr
    return result.stdout


class ClassDb:
    """A fresh database with a class set up in it by the superuser (the teacher)."""

    def __init__(self, server: str, env: dict[str, str]) -> None:
        self.tag = uuid.uuid4().hex[:8]
        self.name = f"class_{self.tag}"
        sql(server, f'CREATE DATABASE "{self.name}"')
        self.server = server
        self.url = with_database(server, self.name)
        self.env = env
        ok(cli(["class", "init", "--db", self.url], env))

    def learner(self, stem: str) -> tuple[str, str]:
        """A new learner: (login, database URL)."""
        name = f"{stem}_{self.tag}"
        url = ok(cli(["class", "add-learner", name, "--db", self.url], self.env)).strip()
        return name, url

    def publish(self, *banks: Path, bundled: bool = False) -> None:
        args = ["class", "publish", *map(str, banks), "--db", self.url]
        ok(cli(args if bundled else [*args, "--no-bundled"], self.env))

    def rows(self, statement: str, params: Any = None) -> list[tuple[Any, ...]]:
        return sql(self.url, statement, params)


def studied(items: int, grade: int = 5) -> str:
    """Scripted study input: "I don't know" and a grade, per item (valid for every type)."""
    return f"\n{grade}\n" * items
