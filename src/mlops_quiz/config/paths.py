"""Where things live and how the environment configures them.

The data folder is ``MLOPS_QUIZ_HOME`` if set,
otherwise the platform's user data folder.
"""

from __future__ import annotations

import os
from datetime import datetime, timezone
from pathlib import Path

from mlops_quiz.errors import BadInputError
from mlops_quiz.text import hidden_chars, visible

APP_NAME = "mlops-quiz"
DB_FILENAME = "progress.db"
USER_BANK_FILENAME = "questions.yaml"
DEFAULT_PROFILE = "default"
DEFAULT_DAY_START_HOUR = 4
MAX_PROFILE_LENGTH = 64
EARLIEST_YEAR = 1970
LATEST_YEAR = 9000
"""Dates are computed a few decades either side of now; these bounds keep them valid."""

ENV_HOME = "MLOPS_QUIZ_HOME"
ENV_DB = "MLOPS_QUIZ_DB"
ENV_BANK = "MLOPS_QUIZ_BANK"
ENV_PROFILE = "MLOPS_QUIZ_PROFILE"
ENV_DAY_START = "MLOPS_QUIZ_DAY_START"
ENV_NOW = "MLOPS_QUIZ_NOW"


def _home() -> Path | None:
    """``MLOPS_QUIZ_HOME`` as an absolute path (a relative one is taken from the current
    folder once, so every path derived from it names the same place), or None."""
    home = os.environ.get(ENV_HOME)
    if not home:
        return None
    return Path(home).expanduser().absolute()


def data_dir() -> Path:
    """The folder holding the progress database and the user's own bank file."""
    home = _home()
    if home:
        return home
    from platformdirs import user_data_dir

    return Path(user_data_dir(APP_NAME, appauthor=False))


def cache_dir() -> Path:
    """Where parsed banks are cached: inside MLOPS_QUIZ_HOME if set, else the platform's."""
    home = _home()
    if home:
        return home / "cache"
    from platformdirs import user_cache_dir

    return Path(user_cache_dir(APP_NAME, appauthor=False))


def bundled_bank_path() -> Path:
    """The course bank shipped inside the package (or, in a source checkout, ``data/``)."""
    package = Path(__file__).resolve().parents[1]
    packaged = package / "data" / "questions.yaml"
    if packaged.is_file():
        return packaged
    return package.parents[1] / "data" / "questions.yaml"


def user_bank_path() -> Path:
    return data_dir() / USER_BANK_FILENAME


def bank_paths(explicit: list[Path] | None) -> list[Path]:
    """The bank files to load: ``--bank`` or ``MLOPS_QUIZ_BANK`` exactly, else bundled + user."""
    if explicit:
        return list(explicit)
    env = os.environ.get(ENV_BANK)
    if env:
        return [Path(p).expanduser() for p in env.split(os.pathsep) if p]
    paths = [bundled_bank_path()]
    user = user_bank_path()
    if user.is_file():
        paths.append(user)
    return paths


def bank_warnings(explicit: list[Path] | None) -> list[str]:
    """Why a bank the user configured is left out: never silently.

    The user's own ``questions.yaml`` that is a dangling link (a synced folder not mounted) or
    not a regular file is named here; explicit files that are missing are errors when loaded.
    """
    if explicit or os.environ.get(ENV_BANK):
        return []
    user = user_bank_path()
    if user.is_symlink() and not user.exists():
        return [f"{user}: your bank is a link to a missing file; its questions are left out"]
    if user.exists() and not user.is_file():
        return [f"{user}: your bank is not a regular file; its questions are left out"]
    return []


def is_default_bank_set(explicit: list[Path] | None) -> bool:
    """Whether the banks in use are the usual ones (bundled + the user's own)."""
    return not explicit and not os.environ.get(ENV_BANK)


def default_db_url() -> str:
    return f"sqlite:///{data_dir() / DB_FILENAME}"


def db_url(explicit: str | None) -> str:
    return explicit or os.environ.get(ENV_DB) or default_db_url()


def profile_name(explicit: str | None) -> str:
    name = explicit if explicit is not None else os.environ.get(ENV_PROFILE) or DEFAULT_PROFILE
    if not name.strip():
        raise BadInputError("the profile name is empty or blank; give a name such as 'default'")
    if len(name) > MAX_PROFILE_LENGTH:
        raise BadInputError(f"the profile name is longer than {MAX_PROFILE_LENGTH} characters")
    if hidden_chars(name) or name != name.strip():
        raise BadInputError(
            "the profile name has invisible or control characters, or spaces at its ends"
        )
    return name


def day_start_hour() -> int:
    raw = os.environ.get(ENV_DAY_START)
    if raw is None or raw == "":
        return DEFAULT_DAY_START_HOUR
    try:
        hour = int(raw)
    except ValueError:
        hour = -1
    if not 0 <= hour <= 23:
        raise BadInputError(f"{ENV_DAY_START} must be an hour from 0 to 23, not {raw!r}")
    return hour


def now() -> datetime:
    """The current time, aware. ``MLOPS_QUIZ_NOW`` (ISO 8601) moves the clock, for scripts."""
    raw = os.environ.get(ENV_NOW)
    if not raw:
        return datetime.now(timezone.utc)
    try:
        moment = datetime.fromisoformat(raw.strip())
    except ValueError:
        raise BadInputError(f"{ENV_NOW} is not an ISO 8601 date-time: {visible(raw)!r}") from None
    if not EARLIEST_YEAR <= moment.year <= LATEST_YEAR:
        raise BadInputError(
            f"{ENV_NOW} must be a date from {EARLIEST_YEAR} to {LATEST_YEAR}, not {raw.strip()!r}"
        )
    if len(raw.strip()) == len("2026-01-01"):
        # A date alone means that study day: noon, well after any day-start hour.
        moment = moment.replace(hour=12)
    if moment.tzinfo is None:
        moment = moment.astimezone()  # a naive time is local time
    return moment
