"""The ``mlops-quiz`` command line: each command parses its options, calls the library, renders.

Start-up time matters for a tool opened every day, so heavy modules (SQLAlchemy, PyYAML, Rich)
are imported inside the commands that use them, never at the top of this module.
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Optional, TypeVar

import typer

from mlops_quiz import __version__
from mlops_quiz.errors import EXIT_FAILURE, BadInputError, QuizError

if TYPE_CHECKING:
    from mlops_quiz.bank import Bank
    from mlops_quiz.config import Settings
    from mlops_quiz.store import Store

app = typer.Typer(
    name="mlops-quiz",
    help="Master the MLOps course with spaced repetition (SM-2) in the terminal.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,  # plain help: drawing it with Rich would double --help's start-up
    context_settings={"help_option_names": ["-h", "--help"]},
)

ProfileOption = Annotated[
    Optional[str],  # noqa: UP045 - Typer reads this annotation at run time
    typer.Option(
        "--profile",
        "-p",
        help="Learner profile [env: MLOPS_QUIZ_PROFILE; default: default].",
        show_default=False,
    ),
]
DbOption = Annotated[
    Optional[str],  # noqa: UP045
    typer.Option(
        "--db",
        help="SQLAlchemy URL of the progress database [env: MLOPS_QUIZ_DB].",
        show_default=False,
    ),
]
BankOption = Annotated[
    Optional[list[Path]],  # noqa: UP045
    typer.Option(
        "--bank",
        "-b",
        help="Bank file to use instead of the bundled and user banks; repeatable "
        "[env: MLOPS_QUIZ_BANK].",
        show_default=False,
    ),
]
TopicOption = Annotated[
    Optional[list[str]],  # noqa: UP045
    typer.Option("--topic", "-t", help="Only this topic (its id); repeatable.", show_default=False),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]

F = TypeVar("F", bound=Callable[..., Any])


def reports_errors(func: F) -> F:
    """Turn a QuizError into one line per problem on stderr and its exit code."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except QuizError as exc:
            from mlops_quiz import render

            render.error(str(exc))
            raise typer.Exit(exc.exit_code) from None

    return wrapper  # type: ignore[return-value]


def _version(value: bool) -> None:
    if value:
        print(f"mlops-quiz {__version__}")
        raise typer.Exit()


@app.callback()
def main_callback(
    version: Annotated[
        bool,
        typer.Option("--version", "-V", callback=_version, is_eager=True, help="Show the version."),
    ] = False,
) -> None:
    """Master the MLOps course with spaced repetition (SM-2) in the terminal.

    Start with `mlops-quiz study`. Progress is saved after every answer.
    """


# ---------------------------------------------------------------- wiring


def _settings(db: str | None, bank: list[Path] | None, profile: str | None) -> Settings:
    from mlops_quiz.config import Settings

    return Settings.resolve(db, bank, profile)


def _open_store(settings: Settings) -> Store:
    from mlops_quiz.config import default_db_url
    from mlops_quiz.store import Store

    return Store.open(settings.db_url, create_folder=settings.db_url == default_db_url())


def _load_bank(settings: Settings) -> Bank:
    from mlops_quiz.bank import load_bank
    from mlops_quiz.config import cache_dir

    return load_bank(settings.bank_paths, cache_dir())


def _check_topics(bank: Bank, topics: list[str] | None) -> list[str]:
    for topic in topics or []:
        if topic not in bank.topics:
            known = ", ".join(bank.topics) or "none"
            raise BadInputError(f"unknown topic {topic!r} (known: {known})")
    return list(topics or [])


def _today(settings: Settings) -> Any:
    from mlops_quiz.scheduler import study_day

    return study_day(settings.now, settings.day_start_hour)


def _print_json(data: Any) -> None:
    import json

    sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False) + "\n")


# ---------------------------------------------------------------- commands


@app.command()
@reports_errors
def study(
    topic: TopicOption = None,
    new: Annotated[
        int, typer.Option("--new", help="At most this many new items today.", min=0)
    ] = 20,
    limit: Annotated[int, typer.Option("--limit", help="At most this many items.", min=0)] = 200,
    cram: Annotated[
        bool, typer.Option("--cram", help="Practise items that are not due; the schedule is kept.")
    ] = False,
    profile: ProfileOption = None,
    db: DbOption = None,
    bank: BankOption = None,
    ids: Annotated[
        Optional[list[str]],  # noqa: UP045
        typer.Option("--id", help="Ask this item now (its id); repeatable.", show_default=False),
    ] = None,
) -> None:
    """Review the items due today, then new ones. Every answer is saved as it is given."""
    from mlops_quiz import render
    from mlops_quiz import study as study_loop
    from mlops_quiz.config import bundled_bank_path, now
    from mlops_quiz.session import StudySession

    settings = _settings(db, bank, profile)
    questions = _load_bank(settings)
    topics = _check_topics(questions, topic)
    with _open_store(settings) as store:
        session = StudySession.plan(
            store,
            settings.profile,
            questions.in_topics(topics),
            clock=now,
            day_start_hour=settings.day_start_hour,
            new_per_day=new,
            limit=limit,
            cram=cram,
            ask_now=ids or (),
            bundled_file=str(bundled_bank_path()),
        )
        study_loop.run(session, questions, render.console())


@app.command()
@reports_errors
def stats(
    json_output: JsonOption = False,
    profile: ProfileOption = None,
    db: DbOption = None,
    bank: BankOption = None,
) -> None:
    """Show progress: card counts, what is due, answers per day, retention, streak."""
    from mlops_quiz import stats as statistics

    settings = _settings(db, bank, profile)
    questions = _load_bank(settings)
    with _open_store(settings) as store:
        result = statistics.compute(store, questions, settings.profile, _today(settings))
    if json_output:
        _print_json(result.to_json())
        return
    from mlops_quiz import render

    render.console().print(render.stats_view(result, questions))


@app.command("list")
@reports_errors
def list_questions(
    due: Annotated[bool, typer.Option("--due", help="Only items due today.")] = False,
    topic: TopicOption = None,
    json_output: JsonOption = False,
    profile: ProfileOption = None,
    db: DbOption = None,
    bank: BankOption = None,
) -> None:
    """List the questions with their schedule."""
    settings = _settings(db, bank, profile)
    questions = _load_bank(settings)
    topics = _check_topics(questions, topic)
    from mlops_quiz.stats import schedule_rows

    with _open_store(settings) as store:
        states = store.cards(settings.profile)
    rows = schedule_rows(questions.in_topics(topics), states, _today(settings), due_only=due)
    if json_output:
        _print_json(rows)
        return
    from mlops_quiz import render

    render.console().print(render.list_table(rows, questions))


@app.command()
@reports_errors
def topics(bank: BankOption = None) -> None:
    """Show the topics of the bank and how many items each has."""
    from mlops_quiz import render

    settings = _settings(None, bank, None)
    render.console().print(render.topics_table(_load_bank(settings)))


@app.command()
@reports_errors
def validate(
    files: Annotated[
        Optional[list[Path]],  # noqa: UP045
        typer.Argument(
            help="Bank files to check together (default: the banks in use).",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Check bank files; print each problem as FILE:LINE: message."""
    from mlops_quiz.bank import load_bank
    from mlops_quiz.config import bank_paths

    paths = list(files) if files else bank_paths(None)
    loaded = load_bank(paths)
    print(
        f"ok: {len(loaded.questions)} questions in {len(loaded.topics)} topics, "
        f"{len(paths)} file(s)"
    )


@app.command("add-question")
@reports_errors
def add_question(
    topic: Annotated[Optional[str], typer.Option("--topic", help="Topic id.")] = None,  # noqa: UP045
    qtype: Annotated[
        Optional[str],  # noqa: UP045
        typer.Option("--type", help="open, mcq or cloze."),
    ] = None,
    prompt: Annotated[
        str | None,
        typer.Option(
            "--prompt",
            help="The question; for cloze, the text with {{gaps}}.",
        ),
    ] = None,
    answer: Annotated[
        str | None,
        typer.Option(
            "--answer",
            help="Model answer (required for open; an explanation otherwise).",
        ),
    ] = None,
    key_point: Annotated[
        Optional[list[str]],  # noqa: UP045
        typer.Option("--key-point", "-k", help="A key point of the answer; repeatable."),
    ] = None,
    choice: Annotated[
        Optional[list[str]],  # noqa: UP045
        typer.Option("--choice", "-c", help="An mcq choice, in order (a, b, ...); repeatable."),
    ] = None,
    correct: Annotated[
        Optional[str],  # noqa: UP045
        typer.Option("--correct", help="Letters of the correct mcq choices, e.g. b or a,c."),
    ] = None,
    tag: Annotated[Optional[list[str]], typer.Option("--tag", help="A tag; repeatable.")] = None,  # noqa: UP045
    qid: Annotated[
        Optional[str],  # noqa: UP045
        typer.Option("--id", help="The question id (default: made from the prompt)."),
    ] = None,
    bank: BankOption = None,
) -> None:
    """Add a question to your own bank (or the --bank file), keeping the file as it was.

    Missing fields are asked for when run at a terminal. Prints the new question's id.
    """
    from mlops_quiz import authoring, config

    interactive = sys.stdin.isatty()
    qtype = qtype or _ask(interactive, "type (open, mcq, cloze)", "--type", "open")
    if qtype not in ("open", "mcq", "cloze"):
        raise BadInputError(f"unknown type {qtype!r}; use open, mcq or cloze")
    topic = topic or _ask(interactive, "topic id", "--topic")
    prompt = prompt or _ask(
        interactive, "prompt" if qtype != "cloze" else "text with {{gaps}}", "--prompt"
    )
    if qtype == "open" and not answer:
        answer = _ask(interactive, "model answer", "--answer")
    if qtype == "open" and not key_point and interactive:
        key_point = _ask_many("key point")
    if qtype == "mcq":
        if not choice:
            choice = _ask_many("choice") if interactive else []
        if not correct:
            correct = _ask(interactive, "correct letters (e.g. b or a,c)", "--correct")
    item: dict[str, Any] = {"id": qid, "topic": topic, "type": qtype, "prompt": prompt}
    if answer:
        item["answer"] = answer
    if key_point:
        item["key_points"] = list(key_point)
    if qtype == "mcq":
        item["choices"] = list(choice or [])
        letters = [c.strip() for c in (correct or "").replace(" ", ",").split(",") if c.strip()]
        item["correct"] = letters[0] if len(letters) == 1 else letters
    if tag:
        item["tags"] = list(tag)
    if not qid:
        del item["id"]
    if bank:
        target, others = bank[-1], list(bank[:-1])
    else:
        target = config.user_bank_path()
        others = [p for p in config.bank_paths(None) if p != target]
    new_id = authoring.add_question(target, others, item)
    print(new_id)


def _ask(interactive: bool, what: str, option: str, default: str | None = None) -> str:
    if not interactive:
        if default is not None:
            return default
        raise BadInputError(f"missing {option} (needed when not run at a terminal)")
    value: str = typer.prompt(what.capitalize(), default=default)
    return value


def _ask_many(what: str) -> list[str]:
    values: list[str] = []
    while True:
        value = typer.prompt(
            f"{what.capitalize()} {len(values) + 1} (empty to finish)",
            default="",
            show_default=False,
        )
        if not value.strip():
            return values
        values.append(value)


@app.command()
@reports_errors
def doctor(
    prune: Annotated[
        bool, typer.Option("--prune", help="Delete the progress of questions not in the bank.")
    ] = False,
    db: DbOption = None,
    bank: BankOption = None,
) -> None:
    """Check the database and find progress kept for questions no longer in the bank.

    A question that was removed or whose id was renamed keeps its history; this lists it for
    every profile, suggests what a renamed id may have become, and with --prune deletes it.
    """
    import difflib

    settings = _settings(db, bank, None)
    questions = _load_bank(settings)
    known = {q.id for q in questions.questions}
    with _open_store(settings) as store:
        print(f"database: {store.label}")
        integrity = store.integrity()
        print(f"integrity: {integrity}")
        progress = store.progress_ids()
        orphans = sorted(key for key in progress if key[1] not in known)
        print(
            f"bank: {len(known)} questions; progress on {len(progress)} (profile, question) pairs"
        )
        if not orphans:
            print("orphaned progress: none")
        else:
            print(f"orphaned progress: {len(orphans)} (profile, question) pairs not in the bank")
        for profile_name, qid in orphans:
            _card_rows, answers = progress[(profile_name, qid)]
            close = difflib.get_close_matches(qid, sorted(known), n=1, cutoff=0.8)
            hint = f"; renamed to {close[0]!r}?" if close else ""
            print(f"  {profile_name}: {qid} ({answers} answers{hint})")
        if orphans and prune:
            removed = store.prune(orphans)
            print(f"pruned: {removed} rows")
        elif orphans:
            print("run 'mlops-quiz doctor --prune' to delete it")
    if integrity not in ("ok", "n/a"):
        raise typer.Exit(1)


@app.command()
@reports_errors
def backup(
    target: Annotated[Path, typer.Argument(help="File to write the copy to.")],
    force: Annotated[bool, typer.Option("--force", help="Replace the file if it exists.")] = False,
    db: DbOption = None,
) -> None:
    """Write a consistent copy of the progress database, safe while a session is running.

    To restore, use the copy with --db sqlite:///PATH, or copy it over progress.db while no
    session is running.
    """
    settings = _settings(db, None, None)
    if target.is_dir():
        raise BadInputError(f"{target} is a folder; give the path of the file to write")
    if target.exists() and not force:
        raise BadInputError(f"{target} exists; use --force to replace it")
    with _open_store(settings) as store:
        store.backup(target)
    print(f"backed up {store.label} to {target}")


@app.command()
def path() -> None:
    """Print where progress and your own questions are kept."""
    from mlops_quiz import config

    print(f"data folder: {config.data_dir()}")
    print(f"database:    {config.db_url(None)}")
    for bank_file in config.bank_paths(None):
        print(f"bank:        {bank_file}")


def main() -> None:
    if sys.argv[1:] in (["--version"], ["-V"]):  # the commonest check of all, kept instant
        print(f"mlops-quiz {__version__}")
        return
    try:
        app()
    except KeyboardInterrupt:
        sys.stderr.write("\ninterrupted\n")
        sys.exit(130)
    except BrokenPipeError:
        sys.exit(EXIT_FAILURE)
