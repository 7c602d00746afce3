"""A class on PostgreSQL: ``class init``, ``add-learner``, ``remove-learner``, ``publish`` and
``report``, run by the teacher. Learners use the usual commands with the URL they are given."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import IO, TYPE_CHECKING, Annotated, Optional

import typer

from mlops_quiz.cli.common import (
    BUNDLED_NAME,
    DbOption,
    app,
    load_questions,
    open_store,
    print_json,
    reports_errors,
    resolve_settings,
    today,
)
from mlops_quiz.errors import BadInputError
from mlops_quiz.text import counted

if TYPE_CHECKING:
    from mlops_quiz.classroom.report import ClassReportResult
    from mlops_quiz.store import ClassInfo, Store

PASSWORD_BYTES = 18

class_app = typer.Typer(
    name="class",
    help="Run a class on PostgreSQL: learners' logins, the published bank, the report.",
    no_args_is_help=True,
)
app.add_typer(class_app, name="class")


def _open(db: str | None) -> Store:
    from mlops_quiz.config import db_url
    from mlops_quiz.store import Store, require_server_url

    url = db_url(db)
    require_server_url(url)  # before a SQLite file (or its folder) is looked for
    return Store.open(url)


def _teacher(store: Store, action: str) -> ClassInfo:
    """The class, if the login is its teacher (the server would refuse a learner anyway)."""
    info = store._require_class()
    if not info.is_teacher:
        raise BadInputError(f"only the class's teacher can {action}; {info.login!r} is a learner")
    return info


@class_app.command("init")
@reports_errors
def init(db: DbOption = None) -> None:
    """Set up a class database: the schema, the learner and teacher groups, row-level security.
    Run it again after an upgrade; it is harmless."""
    with _open(db) as store:
        info = store.init_class()
    print(
        f"class ready in {store.label}: learners join {info.learners!r}, "
        f"teachers {info.teachers!r}; add learners with 'mlops-quiz class add-learner NAME'"
    )


@class_app.command("add-learner")
@reports_errors
def add_learner(
    name: Annotated[str, typer.Argument(help="The learner's login (lowercase, digits, '_').")],
    no_password: Annotated[
        bool,
        typer.Option(
            "--no-password", help="Make no password (the server authenticates otherwise)."
        ),
    ] = False,
    keep_progress: Annotated[
        bool,
        typer.Option(
            "--keep-progress",
            help="Hand progress kept under this name (a removed learner's) to the new login.",
        ),
    ] = False,
    db: DbOption = None,
) -> None:
    """Create a learner's login and print, once, the URL they put in MLOPS_QUIZ_DB."""
    import secrets

    from sqlalchemy.engine import URL

    password = None if no_password else secrets.token_urlsafe(PASSWORD_BYTES)
    with _open(db) as store:
        _teacher(store, "add learners")
        store.add_learner(name, password, keep_progress)
        teacher_url = store.engine.url
    # Only the host, port and database: never the teacher's query (it may hold a password).
    learner_url = URL.create(
        teacher_url.drivername,
        username=name,
        password=password,
        host=teacher_url.host,
        port=teacher_url.port,
        database=teacher_url.database,
    ).render_as_string(hide_password=False)
    sys.stderr.write(
        f"learner {name!r} added; their database URL (shown this once, keep it private):\n"
    )
    print(learner_url)


@class_app.command("remove-learner")
@reports_errors
def remove_learner(
    name: Annotated[str, typer.Argument(help="The learner's login.")],
    purge: Annotated[bool, typer.Option("--purge", help="Delete their progress too.")] = False,
    db: DbOption = None,
) -> None:
    """Remove a learner's login; their progress is kept unless --purge."""
    with _open(db) as store:
        _teacher(store, "remove learners")
        deleted = store.remove_learner(name, purge)
    kept = f"{deleted} rows of progress deleted" if purge else "their progress is kept"
    print(f"learner {name!r} removed; {kept}")


@class_app.command("publish")
@reports_errors
def publish(
    banks: Annotated[
        Optional[list[Path]],  # noqa: UP045
        typer.Argument(help="Bank files to publish beside the bundled bank.", show_default=False),
    ] = None,
    no_bundled: Annotated[
        bool, typer.Option("--only", "--no-bundled", help="Publish only the given files.")
    ] = False,
    db: DbOption = None,
) -> None:
    """Validate the class's bank (the bundled one and these files) and store it in the
    database; learners study it from their next command."""
    from mlops_quiz.bank import load_bank, read_text
    from mlops_quiz.config import bundled_bank_path, now

    paths = ([] if no_bundled else [bundled_bank_path()]) + list(banks or [])
    if not paths:
        raise BadInputError("nothing to publish: give bank files, or leave out --no-bundled")
    bank = load_bank(paths)
    files = [
        (BUNDLED_NAME if i == 0 and not no_bundled else str(path), read_text(path))
        for i, path in enumerate(paths)
    ]
    with _open(db) as store:
        _teacher(store, "publish the bank")
        store.publish(files, now())
    print(
        f"published {counted(len(bank.questions), 'question')} in "
        f"{counted(len(bank.topics), 'topic')} from {counted(len(files), 'file')}"
    )


@class_app.command("report")
@reports_errors
def report(
    json_output: Annotated[
        bool, typer.Option("--json", help="Print JSON instead of tables.")
    ] = False,
    csv_path: Annotated[
        Optional[Path],  # noqa: UP045
        typer.Option(
            "--csv", help="Write the per-learner table to this CSV file.", show_default=False
        ),
    ] = None,
    db: DbOption = None,
) -> None:
    """Where the class struggles: per learner, per question, per topic."""
    from mlops_quiz.classroom import report as class_report

    settings = resolve_settings(db, None, None)
    questions = load_questions(settings)
    day = today(settings)
    with open_store(settings, create=False) as store:
        _teacher(store, "read the class report")
        activity = store.class_activity()
        learners = store.learner_names()
    result = class_report.compute(activity, questions, learners, day)
    if json_output:
        print_json(result.to_json())
        return
    if csv_path is not None:
        _write_csv(csv_path, result)
        print(f"wrote {len(result.learners)} learners to {csv_path}")
        return
    from mlops_quiz.ui import charts, render

    render.console().print(charts.class_report_view(result))


def _write_csv(path: Path, result: ClassReportResult) -> None:
    import csv
    import io

    from mlops_quiz.transfer import csv_cell, write_file

    buffer = io.StringIO()
    columns = [
        "learner",
        "answers",
        "retention",
        "learning",
        "mature",
        "due",
        "streak",
        "last_active",
    ]
    writer = csv.DictWriter(buffer, fieldnames=columns)
    writer.writeheader()
    for person in result.learners:
        writer.writerow({key: csv_cell(value) for key, value in person.to_json().items()})
    data = buffer.getvalue().encode("utf-8")

    def write(handle: IO[bytes]) -> None:
        handle.write(data)

    write_file(path, write, private=True)
