"""A class's URLs never show a password: not the user part's, not a ``?password=`` query's,
and a URL whose password holds an unencoded ``@`` is called malformed without being echoed;
a learner's URL carries only host, port and database from the teacher's."""

from __future__ import annotations

from sqlalchemy.engine import URL, make_url

from postgres_helpers import ClassDb, cli, ok, sql


def _query_url(class_db: ClassDb) -> tuple[str, str]:
    """The teacher's URL with the password moved into ``?password=``: (URL, password)."""
    url = make_url(class_db.url)
    password = str(url.password)
    moved = URL.create(
        url.drivername,
        username=url.username,
        host=url.host,
        port=url.port,
        database=url.database,
        query={"password": password},
    )
    rendered = moved.render_as_string(hide_password=False)
    assert make_url(rendered).password is None
    return rendered, password


def test_a_query_password_is_masked_and_never_reaches_learners(class_db: ClassDb) -> None:
    teacher_url, password = _query_url(class_db)
    assert len(password) >= 4
    shown = ok(cli(["path"], class_db.env, db=teacher_url))
    assert password not in shown
    assert "password=***" in shown
    name = f"zoe_{class_db.tag}"
    result = cli(["class", "add-learner", name, "--db", teacher_url], class_db.env)
    learner_url = ok(result).strip()
    assert password not in learner_url + result.stderr
    parsed = make_url(learner_url)
    assert parsed.username == name
    assert dict(parsed.query) == {}
    assert parsed.database == class_db.name
    # The learner's URL works as printed.
    rows = sql(learner_url, "SELECT current_user")
    assert rows == [(name,)]


def test_an_unencoded_at_in_a_password_is_not_echoed(class_db: ClassDb) -> None:
    url = make_url(class_db.url)
    broken = f"postgresql+psycopg://{url.username}:Sec@Tail9@{url.host}:{url.port}/{url.database}"
    shown = ok(cli(["path"], class_db.env, db=broken))
    assert "Tail9" not in shown and "malformed" in shown
    result = cli(["stats"], class_db.env, db=broken)
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    assert "Tail9" not in result.stderr + result.stdout


def test_a_password_in_db_warns_once_without_showing_it(script_env: dict[str, str]) -> None:
    # README: the URL goes in MLOPS_QUIZ_DB and the password in ~/.pgpass or PGPASSFILE;
    # on the command line a password shows in every process list
    import subprocess

    from conftest import console_script

    url = "postgresql+psycopg://teacher:s3cret-Pw@127.0.0.1:9/nowhere?connect_timeout=1"
    result = subprocess.run(
        [console_script(), "stats", "--db", url],
        capture_output=True,
        text=True,
        env=script_env,
        timeout=120,
        check=False,
    )
    lines = result.stderr.strip().splitlines()
    warned = [line for line in lines if "process list" in line]
    assert len(warned) == 1, result.stderr
    assert warned[0].startswith("warning: a password in --db shows in every process list")
    assert "MLOPS_QUIZ_DB" in warned[0] and "pgpass" in warned[0]
    assert "s3cret" not in result.stderr + result.stdout
    quiet = subprocess.run(
        [console_script(), "stats"],
        capture_output=True,
        text=True,
        env={**script_env, "MLOPS_QUIZ_DB": url},
        timeout=120,
        check=False,
    )
    assert "process list" not in quiet.stderr
