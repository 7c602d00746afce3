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
    from mlops_quiz.config import Settings, bank_warnings

    settings = Settings.resolve(db, bank, profile)
    for message in bank_warnings(bank):
        _warn(message)
    return settings


def _warn(message: str) -> None:
    from mlops_quiz.text import visible

    sys.stderr.write(f"warning: {visible(message, keep_newlines=False)}\n")


def _open_store(settings: Settings, saves: bool = False, create: bool = True) -> Store:
    """The progress database. ``saves``: the command records answers (an in-memory database is
    refused). ``create=False``: a reading command, which makes no file where there is none."""
    from mlops_quiz.config import default_db_url
    from mlops_quiz.store import Store

    default = settings.db_url == default_db_url()
    return Store.open(
        settings.db_url, create_folder=default, private=default, saves=saves, create=create
    )


def _load_bank(settings: Settings, lenient: bool = True) -> Bank:
    """The banks in use. The learner's own bank is loaded leniently: an invalid item (or the
    whole file, if it is no YAML) is left out with a warning (``validate`` shows every
    problem), so one bad entry does not stop a session. Other files must be valid."""
    from mlops_quiz import bank_cache
    from mlops_quiz.config import cache_dir, user_bank_path

    folder = cache_dir()
    if folder.exists() and not bank_cache.usable(folder):
        from mlops_quiz.files import unsafe_folder

        _warn(f"the cache folder {folder} {unsafe_folder(folder)}; it is not used")
    own = [p for p in settings.bank_paths if p == user_bank_path()] if lenient else []
    loaded = bank_cache.load(settings.bank_paths, folder, lenient=own)
    if loaded.warnings:
        from mlops_quiz.errors import MAX_PROBLEMS_SHOWN

        for message in loaded.warnings[:MAX_PROBLEMS_SHOWN]:
            _warn(message)
        hidden = len(loaded.warnings) - MAX_PROBLEMS_SHOWN
        more = f" ({hidden:,} more problems not shown)" if hidden > 0 else ""
        _warn(
            f"{loaded.left_out} question(s) left out for these problems{more}; "
            "'mlops-quiz validate' lists them all"
        )
    return loaded


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

    from mlops_quiz.text import json_safe

    sys.stdout.write(json_safe(json.dumps(data, indent=2, ensure_ascii=False)) + "\n")


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
    with _open_store(settings, saves=True) as store:
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
    with _open_store(settings, create=False) as store:
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

    with _open_store(settings, create=False) as store:
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
    render.console().print(render.topics_table(_load_bank(settings, lenient=False)))


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
    from mlops_quiz.config import bank_paths, bank_warnings

    paths = list(files) if files else bank_paths(None)
    if not files:
        for message in bank_warnings(None):
            _warn(message)
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
    if bank and len(bank) > 1:
        target, others = bank[-1], list(bank[:-1])
    elif bank:  # one file: the topics of the usual banks may be used in it
        target = bank[0]
        others = [p for p in config.bank_paths(None) if p != target]
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
    yes: Annotated[
        bool, typer.Option("--yes", "-y", help="Prune without asking (a backup is made first).")
    ] = False,
    any_bank: Annotated[
        bool,
        typer.Option(
            "--any-bank",
            help="Allow --prune with banks other than the usual ones (--bank, MLOPS_QUIZ_BANK).",
        ),
    ] = False,
    profile: Annotated[
        Optional[str],  # noqa: UP045
        typer.Option("--profile", "-p", help="Only this learner (default: every profile)."),
    ] = None,
    db: DbOption = None,
    bank: BankOption = None,
) -> None:
    """Check the database and find progress kept for questions no longer in the bank.

    A question that was removed or whose id was renamed keeps its history; this lists it for
    every profile, suggests what a renamed id may have become, and with --prune deletes it,
    after showing what goes and making a backup.
    """
    from mlops_quiz.config import bank_warnings, is_default_bank_set
    from mlops_quiz.text import visible

    settings = _settings(db, bank, None)
    questions = _load_bank(settings)
    known = {q.id for q in questions.questions}
    with _open_store(settings, create=False) as store:
        print(f"database: {visible(store.label)}" + ("" if store.exists else " (not created yet)"))
        integrity = store.integrity()
        print(f"integrity: {visible(integrity)}")
        progress = store.progress_ids()
        orphans = sorted(
            key for key in progress if key[1] not in known and profile in (None, key[0])
        )
        print(
            f"bank: {len(known)} questions; progress on {len(progress)} (profile, question) pairs"
        )
        if not orphans:
            print("orphaned progress: none")
        else:
            print(f"orphaned progress: {len(orphans)} (profile, question) pairs not in the bank")
        for profile_name, qid in orphans:
            _card_rows, answers = progress[(profile_name, qid)]
            guess = _renamed_to(qid, known)
            hint = f"; renamed to {guess!r}?" if guess else ""
            print(f"  {visible(profile_name)}: {visible(qid)} ({answers} answers{hint})")
        if orphans and prune:
            if not is_default_bank_set(bank) and not any_bank:
                raise BadInputError(
                    "refusing to prune: the banks in use are not the usual ones (--bank or "
                    "MLOPS_QUIZ_BANK), so progress on questions of your other banks would be "
                    "deleted; add --any-bank if that is what you want"
                )
            if questions.warnings or bank_warnings(bank):
                raise BadInputError(
                    "refusing to prune: some questions could not be loaded (see the warnings "
                    "above), and their progress would be deleted; fix the bank first"
                )
            _prune(store, orphans, progress, yes)
        elif orphans:
            print("run 'mlops-quiz doctor --prune' to delete it")
    if integrity not in ("ok", "n/a"):
        raise typer.Exit(1)


def _renamed_to(old: str, known: set[str]) -> str | None:
    """A guess at what a question id was renamed to: a close spelling, or the same id with
    words added or dropped at the end (``which-is-unique-to-ml-choose-one`` became
    ``which-is-unique-to-ml``)."""
    import difflib

    close = difflib.get_close_matches(old, sorted(known), n=1, cutoff=0.8)
    if close:
        return close[0]
    stem = [k for k in sorted(known) if len(k) >= 8 and (old.startswith(k) or k.startswith(old))]
    return max(stem, key=len) if stem else None


def _prune(
    store: Store,
    orphans: list[tuple[str, str]],
    progress: dict[tuple[str, str], tuple[int, int]],
    yes: bool,
) -> None:
    from collections import Counter

    from mlops_quiz.text import visible

    questions_of: Counter[str] = Counter(p for p, _ in orphans)
    answers_of: Counter[str] = Counter()
    for key in orphans:
        answers_of[key[0]] += progress[key][1]
    print("to delete:")
    for name in sorted(questions_of):
        print(f"  {visible(name)}: {questions_of[name]} question(s), {answers_of[name]} answer(s)")
    if not yes:
        if not sys.stdin.isatty():
            raise BadInputError("add --yes to prune when not at a terminal")
        if not typer.confirm("Delete this progress? (a backup is made first)", default=False):
            print("nothing deleted")
            return
    if store.engine.dialect.name == "sqlite" and store.exists:
        kept = _copy_aside(store, "before-prune")
        print(f"backup: {visible(str(kept))}")
    removed = store.prune(orphans)
    print(f"pruned: {removed} rows")


def _copy_aside(store: Store, why: str) -> Path:
    """A backup of the database beside it, named for why and when it was made."""
    from datetime import datetime

    live = Path(store.label)
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    target = live.with_name(f"{live.stem}-{why}-{stamp}{live.suffix}")
    n = 1
    while target.exists():
        n += 1
        target = live.with_name(f"{live.stem}-{why}-{stamp}-{n}{live.suffix}")
    store.backup(target)
    return target


def _live_files(store: Store) -> set[Path]:
    live = Path(store.label).resolve()
    return {live, Path(f"{live}-wal"), Path(f"{live}-shm"), Path(f"{live}-journal")}


@app.command()
@reports_errors
def backup(
    target: Annotated[Path, typer.Argument(help="File to write the copy to.")],
    force: Annotated[bool, typer.Option("--force", help="Replace the file if it exists.")] = False,
    db: DbOption = None,
) -> None:
    """Write a consistent copy of the progress database, safe while a session is running.

    To restore it, use 'mlops-quiz restore FILE'.
    """
    import os

    from mlops_quiz.text import visible

    if str(target) in ("", "."):
        raise BadInputError("give the path of the file to write the copy to")
    settings = _settings(db, None, None)
    if target.is_dir():
        raise BadInputError(f"{visible(str(target))} is a folder; give the path of a file")
    if os.path.lexists(target) and not force:
        raise BadInputError(f"{visible(str(target))} exists; use --force to replace it")
    with _open_store(settings, create=False) as store:
        if not store.exists:
            raise BadInputError(
                f"there is no database at {visible(store.label)} yet, so nothing to back up "
                "(check MLOPS_QUIZ_HOME or --db)"
            )
        if store.engine.dialect.name == "sqlite" and target.resolve() in _live_files(store):
            raise BadInputError(
                f"{visible(str(target))} is the live database (or its journal); "
                "write the copy somewhere else"
            )
        store.backup(target)
    print(f"backed up {visible(store.label)} to {visible(str(target))}")


@app.command()
@reports_errors
def restore(
    source: Annotated[Path, typer.Argument(help="A backup made by 'mlops-quiz backup'.")],
    db: DbOption = None,
) -> None:
    """Put a backup back in place of the progress database.

    The backup is checked first (an mlops-quiz database, sound, not from a newer version),
    the database as it is now is kept beside it, and the copy goes through SQLite's backup
    API, so a journal left by a killed session cannot corrupt it. Refused while another
    session is saving.
    """
    from mlops_quiz.store import check_backup
    from mlops_quiz.text import visible

    settings = _settings(db, None, None)
    check_backup(source)
    with _open_store(settings, saves=True) as store:
        if store.engine.dialect.name != "sqlite":
            raise BadInputError("restore works with SQLite databases; use your database's tools")
        if source.resolve() in _live_files(store):
            raise BadInputError(f"{visible(str(source))} is the live database itself")
        kept = _copy_aside(store, "before-restore")
        try:
            store.restore(source)
        except BaseException:
            kept.unlink(missing_ok=True)
            raise
    print(f"restored {visible(store.label)} from {visible(str(source))}")
    print(f"the database as it was is kept in {visible(str(kept))}")


@app.command()
@reports_errors
def path() -> None:
    """Print where progress and your own questions are kept."""
    from mlops_quiz import config
    from mlops_quiz.store import safe_url
    from mlops_quiz.text import visible

    print(f"data folder: {visible(str(config.data_dir()))}")
    print(f"database:    {visible(safe_url(config.db_url(None)))}")
    for bank_file in config.bank_paths(None):
        print(f"bank:        {visible(str(bank_file))}")
    for message in config.bank_warnings(None):
        _warn(message)


from mlops_quiz import cli_transfer  # noqa: E402, F401 - registers export and import


def main() -> None:
    args = sys.argv[1:]
    if args in (["--version"], ["-V"]):  # the commonest check of all, kept instant
        print(f"mlops-quiz {__version__}")
        return
    if not args:
        args = ["--help"]  # on stdout, exit code 0
    # Click's exception classes, whether Typer vendors Click or depends on it.
    usage_error: type[Any] = typer.BadParameter.__mro__[1]
    click_exception: type[Any] = typer.BadParameter.__mro__[2]
    command = typer.main.get_command(app)
    try:
        code = command.main(args=args, prog_name="mlops-quiz", standalone_mode=False)
    except usage_error as exc:
        # One line in the project's format, not Click's four.
        where = exc.ctx.command_path if exc.ctx is not None else "mlops-quiz"
        message = " ".join(exc.format_message().split())
        sys.stderr.write(f"error: {message} (see '{where} --help')\n")
        sys.exit(exc.exit_code)
    except click_exception as exc:
        sys.stderr.write(f"error: {' '.join(exc.format_message().split())}\n")
        sys.exit(exc.exit_code)
    except (KeyboardInterrupt, typer.Abort):
        sys.stderr.write("\ninterrupted\n")
        sys.exit(130)
    except BrokenPipeError:
        sys.exit(EXIT_FAILURE)
    if isinstance(code, int) and code:
        sys.exit(code)
