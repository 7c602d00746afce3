"""A class on a real PostgreSQL server: each learner reads and writes only their own rows (by
any command and by plain SQL), cannot change the schema, the published bank or the roles; names
cannot inject SQL; passwords are never shown."""

from __future__ import annotations

import json
from pathlib import Path

import psycopg
import pytest

from postgres_helpers import ClassDb, cli, ok, sql, studied

HOSTILE_NAMES = [
    'eve"; DROP ROLE postgres; --',
    "robert'); DROP TABLE reviews; --",
    "Eve",
    "pg_eve",
    "eve smith",
    "",
    "é",
    "a" * 41,
]


def one_error(stderr: str) -> str:
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, stderr
    assert lines[0].startswith("error: "), stderr
    return lines[0]


def test_learners_read_and_write_only_their_own_rows(class_db: ClassDb, small_bank: Path) -> None:
    class_db.publish(small_bank)
    alice, alice_url = class_db.learner("alice")
    bob, bob_url = class_db.learner("bob")
    ok(cli(["study", "--limit", "2"], class_db.env, studied(2), db=alice_url))
    ok(cli(["study", "--limit", "3"], class_db.env, studied(3), db=bob_url))

    stats = json.loads(ok(cli(["stats", "--json"], class_db.env, db=alice_url)))
    assert stats["profile"] == alice
    assert stats["cards"]["learning"] == 2
    listed = json.loads(ok(cli(["list", "--json"], class_db.env, db=alice_url)))
    assert sum(1 for row in listed if row["due"] is not None) == 2

    # Plain SQL as alice: bob's rows are invisible and out of reach.
    assert sql(alice_url, "SELECT DISTINCT profile FROM reviews") == [(alice,)]
    assert sql(alice_url, "SELECT count(*) FROM cards") == [(2,)]
    assert sql(alice_url, "SELECT count(*) FROM reviews WHERE profile = %s", (bob,)) == [(0,)]
    with psycopg.connect(alice_url.replace("+psycopg", ""), autocommit=True) as conn:
        assert conn.execute("UPDATE reviews SET grade = 0 WHERE profile = %s", (bob,)).rowcount == 0
        assert conn.execute("DELETE FROM cards WHERE profile = %s", (bob,)).rowcount == 0
        assert conn.execute("DELETE FROM reviews WHERE profile = %s", (bob,)).rowcount == 0
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute(
                "INSERT INTO cards (profile, question_id, repetitions, interval, ef100, lapses) "
                "VALUES (%s, 'open-one', 0, 0, 250, 0)",
                (bob,),
            )
    # Alice's own rows stayed alice's: moving one to bob is refused by the policy.
    with (
        psycopg.connect(alice_url.replace("+psycopg", ""), autocommit=True) as conn,
        pytest.raises(psycopg.errors.InsufficientPrivilege),
    ):
        conn.execute("UPDATE cards SET profile = %s", (bob,))

    # The teacher reads everything, and bob's rows are as bob left them.
    assert class_db.rows("SELECT profile, count(*) FROM reviews GROUP BY profile ORDER BY 1") == [
        (alice, 2),
        (bob, 3),
    ]
    assert class_db.rows("SELECT min(grade) FROM reviews WHERE profile = %s", (bob,)) == [(5,)]
    bob_stats = json.loads(ok(cli(["stats", "--json"], class_db.env, db=bob_url)))
    assert bob_stats["cards"]["learning"] == 3


def test_a_learner_cannot_name_another_profile(class_db: ClassDb, small_bank: Path) -> None:
    class_db.publish(small_bank)
    alice, alice_url = class_db.learner("alice")
    bob, _ = class_db.learner("bob")
    for command in (["stats"], ["list"], ["study"]):
        result = cli([*command, "--profile", bob], class_db.env, studied(1), db=alice_url)
        assert result.returncode == 2
        line = one_error(result.stderr)
        assert "your login" in line and repr(bob) in line
    env = {**class_db.env, "MLOPS_QUIZ_PROFILE": bob}
    assert cli(["stats"], env, db=alice_url).returncode == 2
    # Naming oneself is fine.
    ok(cli(["stats", "--profile", alice], class_db.env, db=alice_url))
    assert class_db.rows("SELECT count(*) FROM reviews") == [(0,)]


def test_learners_cannot_change_schema_bank_or_roles(class_db: ClassDb, small_bank: Path) -> None:
    class_db.publish(small_bank)
    alice, alice_url = class_db.learner("alice")
    teachers = class_db.rows("SELECT value FROM class_info WHERE key = 'teachers'")[0][0]
    refused = [
        "CREATE TABLE mine (x int)",
        "ALTER TABLE reviews ADD COLUMN x int",
        "ALTER TABLE cards DISABLE ROW LEVEL SECURITY",
        "DROP POLICY learner_own_rows ON cards",
        "DROP TABLE reviews",
        "DELETE FROM published_bank",
        "UPDATE published_bank SET content = ''",
        "INSERT INTO class_info VALUES ('x', 'y')",
        "DELETE FROM _mlops_quiz_migrations",
        "CREATE ROLE intruder LOGIN",
        f"ALTER ROLE {alice} CREATEROLE",
        f'GRANT "{teachers}" TO {alice}',
    ]
    for statement in refused:
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            sql(alice_url, statement)
    result = cli(["class", "publish", "--db", alice_url], class_db.env)
    assert result.returncode == 2
    assert "teacher" in one_error(result.stderr)
    result = cli(["class", "add-learner", "mallory", "--db", alice_url], class_db.env)
    assert result.returncode == 2
    assert sql(class_db.url, "SELECT count(*) FROM pg_roles WHERE rolname = 'mallory'") == [(0,)]
    assert class_db.rows("SELECT count(*) FROM published_bank") == [(1,)]


@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_hostile_learner_names_are_refused(class_db: ClassDb, name: str) -> None:
    result = cli(["class", "add-learner", name, "--db", class_db.url], class_db.env)
    assert result.returncode == 2
    assert "cannot be a learner name" in one_error(result.stderr)
    assert class_db.rows("SELECT count(*) FROM pg_roles WHERE rolname = %s", (name,)) == [(0,)]
    learners = class_db.rows("SELECT value FROM class_info WHERE key = 'learners'")[0][0]
    members = "SELECT count(*) FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid "
    assert class_db.rows(members + "WHERE g.rolname = %s", (learners,)) == [(0,)]
    assert class_db.rows("SELECT count(*) FROM pg_roles WHERE rolname = 'postgres'") == [(1,)]
    assert class_db.rows("SELECT count(*) FROM reviews") == [(0,)]
    result = cli(["class", "remove-learner", name, "--db", class_db.url], class_db.env)
    assert result.returncode == 2


def test_add_and_remove_learners(class_db: ClassDb, small_bank: Path) -> None:
    class_db.publish(small_bank)
    alice, alice_url = class_db.learner("alice")
    bob, bob_url = class_db.learner("bob")
    assert alice_url.startswith(f"postgresql+psycopg://{alice}:")
    ok(cli(["study", "--limit", "1"], class_db.env, studied(1), db=alice_url))
    ok(cli(["study", "--limit", "1"], class_db.env, studied(1), db=bob_url))
    again = cli(["class", "add-learner", alice, "--db", class_db.url], class_db.env)
    assert again.returncode == 2 and "already exists" in one_error(again.stderr)

    out = ok(cli(["class", "remove-learner", alice, "--db", class_db.url], class_db.env))
    assert "progress is kept" in out
    assert class_db.rows("SELECT count(*) FROM reviews WHERE profile = %s", (alice,)) == [(1,)]
    with pytest.raises(psycopg.OperationalError):
        sql(alice_url, "SELECT 1")
    out = ok(cli(["class", "remove-learner", bob, "--purge", "--db", class_db.url], class_db.env))
    assert "2 rows of progress deleted" in out  # one answer, one card
    assert class_db.rows("SELECT count(*) FROM reviews WHERE profile = %s", (bob,)) == [(0,)]
    gone = cli(["class", "remove-learner", bob, "--db", class_db.url], class_db.env)
    assert gone.returncode == 2 and "not a learner" in one_error(gone.stderr)


def test_init_again_is_harmless_and_needs_postgres(
    class_db: ClassDb, small_bank: Path, tmp_path: Path
) -> None:
    class_db.publish(small_bank)
    _, alice_url = class_db.learner("alice")
    ok(cli(["study", "--limit", "1"], class_db.env, studied(1), db=alice_url))
    ok(cli(["class", "init", "--db", class_db.url], class_db.env))
    assert class_db.rows("SELECT count(*) FROM reviews") == [(1,)]
    assert sql(alice_url, "SELECT count(*) FROM cards") == [(1,)]
    result = cli(["class", "init", "--db", f"sqlite:///{tmp_path / 'p.db'}"], class_db.env)
    assert result.returncode == 2 and "PostgreSQL" in one_error(result.stderr)


def test_passwords_are_never_shown(class_db: ClassDb, small_bank: Path) -> None:
    _, alice_url = class_db.learner("alice")
    password = alice_url.split(":")[2].split("@")[0]
    assert len(password) >= 20
    wrong = alice_url.replace(password, password[:-3] + "xyz")
    result = cli(["stats"], class_db.env, db=wrong)
    assert result.returncode == 1
    line = one_error(result.stderr)
    assert "password authentication failed" in line
    assert password[:-3] not in result.stderr
    shown = ok(cli(["path"], class_db.env, db=alice_url))
    assert password not in shown and "***" in shown
    nowhere = alice_url.replace(class_db.name, "no_such_db")
    result = cli(["class", "report", "--db", nowhere], class_db.env)
    assert password not in result.stderr + result.stdout
    # The server itself stores only a SCRAM verifier.
    stored = sql(class_db.server, "SELECT rolpassword FROM pg_authid WHERE rolname LIKE 'alice_%%'")
    assert all(str(row[0]).startswith("SCRAM-SHA-256$4096:") for row in stored)
    assert all(password not in str(row[0]) for row in stored)
