"""What every command shares: the Typer app, the option declarations, turning errors into one
line, and the wiring of settings, banks and the store.

Start-up time matters for a tool opened every day, so heavy modules (SQLAlchemy, PyYAML, Rich)
are imported inside the functions that use them, never at the top of a CLI module.
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Optional, TypeVar

import typer

from mlops_quiz import __version__
from mlops_quiz.errors import MAX_PROBLEMS_SHOWN, BadInputError, QuizError
from mlops_quiz.files import unsafe_folder
from mlops_quiz.text import counted, json_safe, visible

if TYPE_CHECKING:
    from mlops_quiz.bank import Bank
    from mlops_quiz.config import Settings
    from mlops_quiz.store import Store


app = typer.Typer(
    name="mlops-quiz",
    help="Master the MLOps course with spaced repetition (SM-2 or FSRS) in the terminal.",
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


def _password_in_db(value: str | None) -> str | None:
    """Warn, once, that a password on the command line shows in every process list."""
    if value and _has_password(value):
        warn(
            "a password in --db shows in every process list (ps); put the URL in "
            "MLOPS_QUIZ_DB and the password in ~/.pgpass or PGPASSFILE"
        )
    return value


def _has_password(url: str) -> bool:
    from urllib.parse import parse_qs, urlsplit

    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 (a port that is no number: the URL is refused in one line)
        query = {key.lower() for key in parse_qs(parts.query)}
        return bool(parts.password) or "password" in query
    except ValueError:
        return False  # a malformed URL is an error of its own, which shows no part of it


DbOption = Annotated[
    Optional[str],  # noqa: UP045
    typer.Option(
        "--db",
        help="SQLAlchemy URL of the progress database [env: MLOPS_QUIZ_DB].",
        show_default=False,
        callback=_password_in_db,
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
            from mlops_quiz.ui import render

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
    """Master the MLOps course with spaced repetition (SM-2 or FSRS) in the terminal.

    Start with `mlops-quiz study`. Progress is saved after every answer.
    """


# ---------------------------------------------------------------- wiring


def resolve_settings(
    db: str | None,
    bank: list[Path] | None,
    profile: str | None,
    new_per_day: int | None = None,
    session_limit: int | None = None,
) -> Settings:
    import os

    from mlops_quiz.config import Settings, bank_warnings

    settings = Settings.resolve(db, bank, profile, new_per_day, session_limit)
    if not settings.colour:
        os.environ["NO_COLOR"] = "1"  # the settings file's colour = false; Rich honours it
    if not settings.db_url.startswith("sqlite"):
        return class_settings(settings, profile)
    for message in bank_warnings(bank):
        warn(message)
    return settings


_opened: dict[str, Store] = {}
"""A server's store opened while resolving the settings, handed to the command's open_store."""
_published: dict[str, list[tuple[str, str]]] = {}
"""The bank published on a class database, by URL."""


def class_settings(settings: Settings, profile: str | None) -> Settings:
    """On a class database the profile is the login (a learner may not name another; the
    teacher may, to look at a learner), and the bank is the published one."""
    import dataclasses
    import os

    from mlops_quiz.config import ENV_PROFILE
    from mlops_quiz.store import Store

    store = Store.open(settings.db_url)
    store.on_reconnect = warn
    _opened[settings.db_url] = store
    info = store.class_info()
    if info is None:
        return settings
    named = profile if profile is not None else os.environ.get(ENV_PROFILE) or None
    if named is not None and named != info.login and not info.is_teacher:
        raise BadInputError(
            f"on a class database your profile is your login {info.login!r}: "
            f"--profile {named!r} is refused"
        )
    _published[settings.db_url] = store.published()
    return dataclasses.replace(settings, profile=named or info.login)


def warn(message: str) -> None:
    sys.stderr.write(f"warning: {visible(message, keep_newlines=False)}\n")


def open_store(settings: Settings, saves: bool = False, create: bool = True) -> Store:
    """The progress database. ``saves``: the command records answers (an in-memory database is
    refused). ``create=False``: a reading command, which makes no file where there is none."""
    from mlops_quiz.config import default_db_url
    from mlops_quiz.store import Store

    if settings.db_url in _opened:
        return _opened.pop(settings.db_url)
    default = settings.db_url == default_db_url()
    return Store.open(
        settings.db_url, create_folder=default, private=default, saves=saves, create=create
    )


BUNDLED_NAME = "bundled:questions.yaml"
"""The name the bundled bank is published under in a class database."""


def load_questions(settings: Settings, lenient: bool = True) -> Bank:
    """The banks in use. The learner's own bank is loaded leniently: an invalid item (or the
    whole file, if it is no YAML) is left out with a warning (``validate`` shows every
    problem), so one bad entry does not stop a session. Other files must be valid."""
    from mlops_quiz.bank import cache as bank_cache
    from mlops_quiz.config import bundled_bank_path, cache_dir, user_bank_path

    if _published.get(settings.db_url):
        return published_bank(_published[settings.db_url])
    folder = cache_dir()
    if folder.exists() and not bank_cache.usable(folder):
        warn(f"the cache folder {folder} {unsafe_folder(folder)}; it is not used")
    own = [p for p in settings.bank_paths if p == user_bank_path()] if lenient else []
    loaded = bank_cache.load(
        settings.bank_paths, folder, lenient=own, topics_from=bundled_bank_path()
    )
    if loaded.warnings:
        for message in loaded.warnings[:MAX_PROBLEMS_SHOWN]:
            warn(message)
        hidden = len(loaded.warnings) - MAX_PROBLEMS_SHOWN
        more = f" ({hidden:,} more problems not shown)" if hidden > 0 else ""
        warn(
            f"{counted(loaded.left_out, 'question')} left out for these problems{more}; "
            "'mlops-quiz validate' lists them all"
        )
    return loaded


def published_bank(files: list[tuple[str, str]]) -> Bank:
    """The bank a teacher published: validated when published, parsed again here."""
    from mlops_quiz.bank import combine, parse_text

    return combine([(name, *parse_text(text, name)) for name, text in files])


def check_topics(bank: Bank, topics: list[str] | None) -> list[str]:
    for topic in topics or []:
        if topic not in bank.topics:
            known = ", ".join(bank.topics) or "none"
            raise BadInputError(f"unknown topic {topic!r} (known: {known})")
    return list(topics or [])


FSRS_PARAMETERS = "fsrs_parameters"
"""The profile setting that holds the FSRS parameters ``optimize`` fitted (a JSON list)."""


def profile_scheduler(settings: Settings, store: Any) -> Any:
    """The scheduler the settings choose, with the parameters the profile fitted (FSRS and
    its engine load only when chosen)."""
    import json

    from mlops_quiz.scheduling import scheduler_for

    parameters: list[float] = []
    if settings.scheduler == "fsrs":
        saved = store.profile_setting(settings.profile, FSRS_PARAMETERS)
        parameters = json.loads(saved) if saved else []
    return scheduler_for(settings.scheduler, settings.desired_retention, parameters, settings.fuzz)


def describer(settings: Settings, store: Any, day: Any) -> Any:
    """How ``list`` and ``show`` describe a card under the profile's scheduler: a function of
    the question id and card state. The log is read only for a scheduler that needs it."""
    scheduler = profile_scheduler(settings, store)
    past = store.scheduling_reviews(settings.profile) if scheduler.reads_log else {}
    return lambda qid, state: scheduler.describe(state, day, past.get(qid, []))


def today(settings: Settings) -> Any:
    from mlops_quiz.scheduling import study_day

    return study_day(settings.now, settings.day_start_hour)


def print_json(data: Any) -> None:
    import json

    sys.stdout.write(json_safe(json.dumps(data, indent=2, ensure_ascii=False)) + "\n")


def print_paged(renderable: Any, rows: int) -> None:
    """Print; at a terminal, through a pager when ``rows`` lines would not fit on screen."""
    from mlops_quiz.ui import render
    from mlops_quiz.ui.pager import page

    con = render.console()
    if sys.stdout.isatty() and rows + 6 > con.size.height:
        page(con, renderable)
    else:
        con.print(renderable)


def copy_aside(store: Store, why: str) -> Path:
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


@contextmanager
def deferred_interrupt() -> Iterator[list[bool]]:
    """Hold Ctrl-C (SIGINT) back while the block runs: a copy over the live database is not
    stopped halfway. The list it gives holds True once a Ctrl-C came; the caller finishes,
    then acts on it. Off the main thread (where no handler can be set) nothing is held."""
    import signal
    import threading

    received: list[bool] = []
    if threading.current_thread() is not threading.main_thread():
        yield received
        return

    def hold(_signum: int, _frame: Any) -> None:
        received[:] = [True]

    previous = signal.signal(signal.SIGINT, hold)
    try:
        yield received
    finally:
        signal.signal(signal.SIGINT, previous)
