"""Two classes on one PostgreSQL server, attacked by their own learners and by each other's
teachers: groups named after the database's OID never collide, ``class init`` adopts no role it
did not make, learners' names cannot be groups' names, and no learner can take the log's ids."""

from __future__ import annotations

import os
import secrets
import stat
import uuid

import psycopg
import pytest
from sqlalchemy.engine import make_url

from postgres_helpers import ClassDb, cli, dsn, ok, server_url, sql, studied, with_database


def one_error(stderr: str) -> str:
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, stderr
    assert lines[0].startswith("error: "), stderr
    return lines[0]


def _database(server: str, name: str, owner: str | None = None) -> str:
    sql(server, f'CREATE DATABASE "{name}"' + (f' OWNER "{owner}"' if owner else ""))
    return with_database(server, name)


def _login(server: str, name: str, createrole: bool = False) -> str:
    """A new login role with a password; its URL (database to be set)."""
    password = secrets.token_hex(12)
    extra = " CREATEROLE" if createrole else ""
    sql(server, f"CREATE ROLE \"{name}\" LOGIN{extra} PASSWORD '{password}'")
    return make_url(server).set(username=name, password=password).render_as_string(False)


def _oid(server: str, database: str) -> int:
    return int(sql(server, "SELECT oid FROM pg_database WHERE datname = %s", (database,))[0][0])


def test_databases_whose_names_fold_alike_share_no_group(
    script_env: dict[str, str], small_bank: object
) -> None:
    """Point 1: `mlops-class` and `MLOps_Class` once shared `mlops_class_teachers`."""
    server = server_url()
    tag = uuid.uuid4().hex[:6]
    first_name, second_name = f"mlops-class-{tag}", f"MLOps_Class_{tag}"
    first = _database(server, first_name)
    ok(cli(["class", "init", "--db", first], script_env))
    ok(cli(["class", "publish", str(small_bank), "--no-bundled", "--db", first], script_env))
    ada = f"ada_{tag}"
    ada_url = ok(cli(["class", "add-learner", ada, "--db", first], script_env)).strip()
    ok(cli(["study", "--limit", "2"], script_env, studied(2), db=ada_url))

    # The second class's teacher may create roles and owns their database, nothing more.
    teacher = f"teacher_{tag}"
    teacher_server = _login(server, teacher, createrole=True)
    _database(server, second_name, owner=teacher)
    second = with_database(teacher_server, second_name)
    ok(cli(["class", "init", "--db", second], script_env))

    groups = {
        name: sorted(v for (v,) in sql(url, "SELECT value FROM class_info WHERE key LIKE '%%ers'"))
        for name, url in ((first_name, first), (second_name, second))
    }
    assert set(groups[first_name]).isdisjoint(groups[second_name])
    assert groups[first_name] == [
        f"mlops_quiz_{_oid(server, first_name)}_learners",
        f"mlops_quiz_{_oid(server, first_name)}_teachers",
    ]
    # The second teacher cannot reach the first class: not its answers, not its learners.
    with pytest.raises(psycopg.OperationalError):
        sql(with_database(teacher_server, first_name), "SELECT count(*) FROM reviews")
    as_second_teacher = with_database(teacher_server, first_name)
    assert cli(["class", "report", "--json", "--db", as_second_teacher], script_env).returncode
    result = cli(["class", "remove-learner", ada, "--db", second], script_env)
    assert result.returncode == 2 and "not a learner" in one_error(result.stderr)
    assert sql(server, "SELECT count(*) FROM pg_roles WHERE rolname = %s", (ada,)) == [(1,)]
    assert sql(ada_url, "SELECT count(*) FROM reviews") == [(2,)]


@pytest.mark.parametrize("login", [True, False])
def test_init_adopts_no_role_it_did_not_make(script_env: dict[str, str], login: bool) -> None:
    """Point 2: a role with the group's name, made beforehand by someone else, is refused."""
    server = server_url()
    name = f"physics_{uuid.uuid4().hex[:6]}"
    url = _database(server, name)
    squatter = f"mlops_quiz_{_oid(server, name)}_teachers"
    if login:
        _login(server, squatter)
    else:
        sql(server, f'CREATE ROLE "{squatter}" NOLOGIN')
    result = cli(["class", "init", "--db", url], script_env)
    assert result.returncode == 2
    line = one_error(result.stderr)
    assert squatter in line and "not made by this class" in line
    acl = sql(
        server, "SELECT coalesce(datacl::text, '') FROM pg_database WHERE datname = %s", (name,)
    )
    assert squatter not in acl[0][0]
    assert sql(url, "SELECT count(*) FROM class_info") == [(0,)]
    # Init again with the role gone: the class is made, and init again is harmless.
    sql(server, f'DROP ROLE "{squatter}"')
    ok(cli(["class", "init", "--db", url], script_env))
    ok(cli(["class", "init", "--db", url], script_env))


@pytest.mark.parametrize("stem", ["physics_teachers", "chem_learners"])
def test_learner_names_cannot_be_group_names(class_db: ClassDb, stem: str) -> None:
    """Point 2: a learner named like a group once became a later class's teacher group."""
    subject, _, kind = stem.partition("_")
    name = f"{subject}_{class_db.tag}_{kind}"
    result = cli(["class", "add-learner", name, "--db", class_db.url], class_db.env)
    assert result.returncode == 2
    assert "cannot be a learner name" in one_error(result.stderr)
    assert class_db.rows("SELECT count(*) FROM pg_roles WHERE rolname = %s", (name,)) == [(0,)]


INSERT_REVIEW = (
    "INSERT INTO reviews (id, profile, question_id, reviewed_at, day, grade, answer, "
    "duration_ms, kind, before_repetitions, before_interval, before_ef100, before_lapses, "
    "after_repetitions, after_interval, after_ef100, after_lapses) VALUES "
    "(%s, %s, 'open-one', '2026-01-01T00:00:00+00:00', '2026-01-01', 5, '', 0, 'review', "
    "0, 0, 250, 0, 1, 1, 260, 0)"
)


def test_a_learner_cannot_take_the_ids_of_the_next_answers(
    class_db: ClassDb, small_bank: object
) -> None:
    """Point 3: ids ahead of the sequence once made the class's next saves fail."""
    class_db.publish(small_bank)  # type: ignore[arg-type]
    eve, eve_url = class_db.learner("eve")
    _, bob_url = class_db.learner("bob")
    ok(cli(["study", "--limit", "1"], class_db.env, studied(1), db=eve_url))
    top = class_db.rows("SELECT max(id) FROM reviews")[0][0]
    with psycopg.connect(dsn(eve_url), autocommit=True) as conn:
        for offset in (1, 2, 3):
            with pytest.raises(psycopg.Error):
                conn.execute(INSERT_REVIEW, (top + offset, eve))
            with pytest.raises(psycopg.Error):
                conn.execute(
                    "INSERT INTO reviews (id, profile, question_id, reviewed_at, day, grade, "
                    "answer, duration_ms, kind, before_repetitions, before_interval, "
                    "before_ef100, before_lapses, after_repetitions, after_interval, "
                    "after_ef100, after_lapses) OVERRIDING SYSTEM VALUE "
                    + INSERT_REVIEW.split(") VALUES ", 1)[1].join(
                        ["SELECT * FROM (VALUES ", ") v"]
                    ),
                    (top + offset, eve),
                )
        with pytest.raises(psycopg.Error):
            conn.execute("UPDATE reviews SET id = %s", (top + 1,))
        for sequence in ("reviews_id_seq", "pg_get_serial_sequence('reviews', 'id')"):
            with pytest.raises(psycopg.Error):
                conn.execute(f"SELECT nextval({sequence if '(' in sequence else repr(sequence)})")
    kind = class_db.rows(
        "SELECT data_type, is_identity, identity_generation FROM information_schema.columns "
        "WHERE table_name = 'reviews' AND column_name = 'id'"
    )
    assert kind == [("bigint", "YES", "ALWAYS")]
    # Bob's answers save, ids after eve's.
    ok(cli(["study", "--limit", "3"], class_db.env, studied(3), db=bob_url))
    assert class_db.rows(
        "SELECT count(*), min(id) > %s FROM reviews WHERE profile <> %s", (top, eve)
    ) == [(3, True)]


def test_a_learner_holding_a_lock_cannot_hang_the_class(
    class_db: ClassDb, small_bank: object
) -> None:
    """Point 6: `LOCK TABLE reviews IN ACCESS EXCLUSIVE MODE` once froze the report."""
    import time

    class_db.publish(small_bank)  # type: ignore[arg-type]
    _, eve_url = class_db.learner("eve")
    _, bob_url = class_db.learner("bob")
    with psycopg.connect(dsn(eve_url)) as hostile:
        hostile.execute("LOCK TABLE reviews IN ACCESS EXCLUSIVE MODE")
        for args, db in ((["class", "report", "--json"], class_db.url), (["stats"], bob_url)):
            started = time.monotonic()
            result = cli(args, class_db.env, db=db, timeout=60)
            assert time.monotonic() - started < 45
            assert result.returncode != 0
            assert "lock timeout" in one_error(result.stderr)
        hostile.rollback()
    ok(cli(["stats"], class_db.env, db=bob_url))


def test_set_role_to_the_group_gives_no_shared_profile(class_db: ClassDb) -> None:
    """Point 11 (policies): as the learner group, a learner reads and writes no row."""
    eve, eve_url = class_db.learner("eve")
    learners = class_db.rows("SELECT value FROM class_info WHERE key = 'learners'")[0][0]
    with psycopg.connect(dsn(eve_url), autocommit=True) as conn:
        conn.execute(f'SET ROLE "{learners}"')
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute(
                "INSERT INTO profile_settings (profile, key, value) VALUES (%s, 'k', 'v')",
                (learners,),
            )
    class_db.rows(
        "INSERT INTO profile_settings (profile, key, value) VALUES (%s, 'k', 'v')", (learners,)
    )
    with psycopg.connect(dsn(eve_url), autocommit=True) as conn:
        conn.execute(f'SET ROLE "{learners}"')
        assert conn.execute("SELECT count(*) FROM profile_settings").fetchone() == (0,)
        assert conn.execute("DELETE FROM profile_settings").rowcount == 0
    assert class_db.rows("SELECT count(*) FROM profile_settings") == [(1,)]
    assert eve != learners


def test_init_moves_a_class_from_groups_named_after_its_database(class_db: ClassDb) -> None:
    """The upgrade: a class set up with `<db>_learners` gets its OID-named groups."""
    alice, alice_url = class_db.learner("alice")
    new_learners, new_teachers = (
        v
        for (v,) in class_db.rows("SELECT value FROM class_info WHERE key LIKE '%%ers' ORDER BY 1")
    )
    # As an older version left it: groups named after the database, alice in the old one.
    old_learners, old_teachers = f"{class_db.name}_learners", f"{class_db.name}_teachers"
    for old in (old_learners, old_teachers):
        sql(class_db.server, f'CREATE ROLE "{old}" NOLOGIN')
        sql(class_db.url, f'GRANT CONNECT ON DATABASE "{class_db.name}" TO "{old}"')
        sql(class_db.url, f'GRANT SELECT ON ALL TABLES IN SCHEMA public TO "{old}"')
    sql(class_db.server, f'GRANT "{old_learners}" TO "{alice}"')
    sql(class_db.url, f'DROP OWNED BY "{new_learners}", "{new_teachers}"')
    sql(class_db.server, f'DROP ROLE "{new_learners}", "{new_teachers}"')
    class_db.rows("DELETE FROM class_info WHERE key IN ('class_id', 'database')")
    class_db.rows("UPDATE class_info SET value = %s WHERE key = 'learners'", (old_learners,))
    class_db.rows("UPDATE class_info SET value = %s WHERE key = 'teachers'", (old_teachers,))

    ok(cli(["class", "init", "--db", class_db.url], class_db.env))
    member = "SELECT pg_has_role(%s, %s, 'MEMBER')"
    assert sql(class_db.server, member, (alice, new_learners)) == [(True,)]
    gone = "SELECT count(*) FROM pg_roles WHERE rolname IN (%s, %s)"
    assert sql(class_db.server, gone, (old_learners, old_teachers)) == [(0,)]
    assert sql(alice_url, "SELECT current_user") == [(alice,)]
    listed = ok(cli(["class", "report", "--json", "--db", class_db.url], class_db.env))
    assert alice in listed


def test_a_learners_hostile_timestamp_does_not_reach_the_report(
    class_db: ClassDb, small_bank: object, tmp_path: object
) -> None:
    """Point 8 (the report): a `reviewed_at` with markup, an escape or a formula."""
    from pathlib import Path

    class_db.publish(small_bank)  # type: ignore[arg-type]
    eve, eve_url = class_db.learner("eve")
    hostile = "=1+1[bold]\x1b[31m"
    sql(
        eve_url,
        INSERT_REVIEW.replace("(id, ", "(")
        .replace("(%s, %s,", "(%s,")
        .replace("'2026-01-01T00:00:00+00:00'", "%s"),
        (eve, hostile),
    )
    shown = ok(cli(["class", "report"], class_db.env, db=class_db.url))
    assert eve in shown and "\x1b" not in shown and "=1+1" not in shown
    csv_path = Path(str(tmp_path)) / "class.csv"
    umask = os.umask(0o022)
    try:
        ok(cli(["class", "report", "--csv", str(csv_path)], class_db.env, db=class_db.url))
    finally:
        os.umask(umask)
    assert stat.S_IMODE(csv_path.stat().st_mode) == 0o600  # point 18: every learner's figures
    text = csv_path.read_text(encoding="utf-8")
    assert eve in text and "=1+1" not in text and "\x1b" not in text


def test_the_report_lists_no_group_as_a_learner(class_db: ClassDb, small_bank: object) -> None:
    """Point 11 (the report): a row under the group's name, as SET ROLE once allowed."""
    import json

    class_db.publish(small_bank)  # type: ignore[arg-type]
    eve, _ = class_db.learner("eve")
    learners = class_db.rows("SELECT value FROM class_info WHERE key = 'learners'")[0][0]
    class_db.rows(INSERT_REVIEW.replace("(id, ", "(").replace("(%s, %s,", "(%s,"), (learners,))
    class_db.rows(
        "INSERT INTO cards (profile, question_id, repetitions, interval, ef100, lapses, due) "
        "VALUES (%s, 'open-one', 1, 1, 250, 0, '2026-01-02')",
        (learners,),
    )
    report = json.loads(ok(cli(["class", "report", "--json"], class_db.env, db=class_db.url)))
    assert [row["learner"] for row in report["learners"]] == [eve]


def test_a_new_learner_of_a_removed_name_needs_keep_progress(
    class_db: ClassDb, small_bank: object
) -> None:
    """Point 10: the new login once got the old learner's answers without a word."""
    class_db.publish(small_bank)  # type: ignore[arg-type]
    ada, ada_url = class_db.learner("ada")
    ok(cli(["study", "--limit", "1"], class_db.env, studied(1), db=ada_url))
    ok(cli(["class", "remove-learner", ada, "--db", class_db.url], class_db.env))
    result = cli(["class", "add-learner", ada, "--db", class_db.url], class_db.env)
    assert result.returncode == 2
    assert "--keep-progress" in one_error(result.stderr)
    assert class_db.rows("SELECT count(*) FROM pg_roles WHERE rolname = %s", (ada,)) == [(0,)]
    args = ["class", "add-learner", ada, "--keep-progress", "--db", class_db.url]
    new_url = ok(cli(args, class_db.env)).strip()
    assert sql(new_url, "SELECT count(*) FROM reviews") == [(1,)]


def _hostile_row(class_db: ClassDb, small_bank: object) -> tuple[str, str]:
    """A learner with one real answer and one logged at a time that is markup, an escape and
    a formula, written by the learner into their own row: (login, URL)."""
    class_db.publish(small_bank)  # type: ignore[arg-type]
    eve, eve_url = class_db.learner("eve")
    ok(cli(["study", "--limit", "1"], class_db.env, studied(1), db=eve_url))
    sql(
        eve_url,
        INSERT_REVIEW.replace("(id, ", "(")
        .replace("(%s, %s,", "(%s,")
        .replace("'2026-01-01T00:00:00+00:00'", "%s"),
        (eve, "=1+1[bold]\x1b[31m"),
    )
    return eve, eve_url


def test_a_learners_hostile_timestamp_breaks_no_export_and_no_profile_list(
    class_db: ClassDb, small_bank: object, tmp_path: object
) -> None:
    """Point 8 (exports, profiles): `export --progress --profile eve` once crashed, and
    `profiles` passed the escape to the teacher's terminal."""
    import json
    from pathlib import Path

    eve, _ = _hostile_row(class_db, small_bank)
    for flag, name in (("--progress", "eve.jsonl"), ("--reviews", "eve.csv")):
        target = Path(str(tmp_path)) / name
        args = ["export", flag, str(target), "--profile", eve]
        shown = ok(cli(args, class_db.env, db=class_db.url))
        assert "1 answer " in shown  # the real one; the hostile row is left out
        text = target.read_text(encoding="utf-8")
        assert "=1+1" not in text and "\x1b" not in text and "[bold]" not in text
    listed = ok(cli(["profiles"], class_db.env, db=class_db.url))
    assert eve in listed and "\x1b" not in listed and "=1+1" not in listed
    rows = json.loads(ok(cli(["profiles", "--json"], class_db.env, db=class_db.url)))
    assert [row["profile"] for row in rows] == [eve]
    assert rows[0]["answers"] == 2


def test_a_learner_makes_no_large_object_and_one_owned_does_not_keep_the_login(
    class_db: ClassDb,
) -> None:
    """Point 7: a learner stored 10 MB with `lo_from_bytea`, and owning one kept the login
    from being removed (`role ... cannot be dropped`)."""
    eve, eve_url = class_db.learner("eve")
    with psycopg.connect(dsn(eve_url), autocommit=True) as conn:
        for call in ("lo_from_bytea(0, 'x'::bytea)", "lo_creat(-1)", "lo_create(0)"):
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                conn.execute(f"SELECT {call}")
    # One made before (an older class, or by another way) and handed to the learner.
    (oid,) = class_db.rows("SELECT lo_from_bytea(0, 'kept'::bytea)")[0]
    class_db.rows(f'ALTER LARGE OBJECT {int(oid)} OWNER TO "{eve}"')
    ok(cli(["class", "remove-learner", eve], class_db.env, db=class_db.url))
    assert sql(class_db.server, "SELECT count(*) FROM pg_roles WHERE rolname = %s", (eve,)) == [
        (0,)
    ]
    assert class_db.rows(
        "SELECT count(*) FROM pg_largeobject_metadata WHERE oid = %s", (int(oid),)
    ) == [(0,)]


def test_a_teacher_without_superuser_removes_a_learner_who_made_large_objects(
    script_env: dict[str, str],
) -> None:
    """Point 7, with a teacher who may only create roles: the large-object functions stay
    (only their owner may revoke them, as the README says), and remove-learner drops what the
    learner made."""
    server = server_url()
    tag = uuid.uuid4().hex[:6]
    teacher = f"teacher_{tag}"
    teacher_server = _login(server, teacher, createrole=True)
    _database(server, f"lo_{tag}", owner=teacher)
    url = with_database(teacher_server, f"lo_{tag}")
    ok(cli(["class", "init"], script_env, db=url))
    eve = f"eve_{tag}"
    eve_url = ok(cli(["class", "add-learner", eve], script_env, db=url)).strip()
    sql(eve_url, "SELECT lo_from_bytea(0, 'x'::bytea)")
    ok(cli(["class", "remove-learner", eve], script_env, db=url))
    assert sql(server, "SELECT count(*) FROM pg_roles WHERE rolname = %s", (eve,)) == [(0,)]
    assert sql(url, "SELECT count(*) FROM pg_largeobject_metadata") == [(0,)]
