"""Settings that last: a TOML file in the data folder, under the environment and the options.

Each setting comes, in this order of precedence, from a command-line option, an environment
variable, the settings file (``settings.toml`` in the data folder) or its default; ``resolve``
says which. The file is read with the standard library's ``tomllib`` (``tomli`` on Python 3.10)
and only when it exists; a file that is not valid TOML, or holds an unknown setting or a bad
value, is one error naming the file and the line. ``write_setting`` changes one line of the
file (comments and other lines are kept) and replaces the file atomically.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mlops_quiz.config.paths import data_dir, profile_name
from mlops_quiz.errors import BadInputError
from mlops_quiz.text import visible

SETTINGS_FILENAME = "settings.toml"

SOURCE_DEFAULT = "default"
SOURCE_FILE = "file"
SOURCE_ENV = "environment"
SOURCE_OPTION = "option"

_TRUE = ("true", "yes", "on", "1")
_FALSE = ("false", "no", "off", "0")


def _whole(low: int, high: int | None) -> Callable[[Any], int]:
    def check(value: Any) -> int:
        if isinstance(value, str):
            value = int(value.strip()) if re.fullmatch(r"\s*\d+\s*", value) else None
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValueError
        if value < low or (high is not None and value > high):
            raise ValueError
        return value

    return check


def _boolean(value: Any) -> bool:
    if isinstance(value, str) and value.strip().lower() in _TRUE + _FALSE:
        return value.strip().lower() in _TRUE
    if not isinstance(value, bool):
        raise ValueError
    return value


def _choice(*allowed: str) -> Callable[[Any], str]:
    def check(value: Any) -> str:
        if not isinstance(value, str) or value.strip().lower() not in allowed:
            raise ValueError
        return value.strip().lower()

    return check


def _share(low: float, high: float) -> Callable[[Any], float]:
    def check(value: Any) -> float:
        if isinstance(value, str):
            value = float(value) if re.fullmatch(r"\s*\d*\.?\d+\s*", value) else None
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ValueError
        if not low <= value <= high:
            raise ValueError
        return float(value)

    return check


def _name(value: Any) -> str:
    if not isinstance(value, str):
        raise ValueError
    return profile_name(value)


@dataclass(frozen=True)
class Setting:
    key: str
    default: Any
    env: str | None
    option: str | None
    check: Callable[[Any], Any]
    expects: str
    """What a valid value is, in words."""
    help: str


SETTINGS: dict[str, Setting] = {
    s.key: s
    for s in (
        Setting(
            "profile",
            "default",
            "MLOPS_QUIZ_PROFILE",
            "--profile",
            _name,
            "a profile name",
            "the learner profile used when none is given",
        ),
        Setting(
            "new_per_day",
            20,
            "MLOPS_QUIZ_NEW",
            "study --new",
            _whole(0, None),
            "a whole number from 0",
            "new items introduced per study day",
        ),
        Setting(
            "session_limit",
            200,
            "MLOPS_QUIZ_LIMIT",
            "study --limit",
            _whole(0, None),
            "a whole number from 0",
            "most items asked in one session",
        ),
        Setting(
            "day_start_hour",
            4,
            "MLOPS_QUIZ_DAY_START",
            None,
            _whole(0, 23),
            "an hour from 0 to 23",
            "the hour a new study day starts",
        ),
        Setting(
            "suspend_leeches",
            False,
            "MLOPS_QUIZ_SUSPEND_LEECHES",
            None,
            _boolean,
            "true or false",
            "suspend a card when it becomes a leech (8 lapses)",
        ),
        Setting(
            "scheduler",
            "sm2",
            "MLOPS_QUIZ_SCHEDULER",
            None,
            _choice("sm2", "fsrs"),
            "sm2 or fsrs",
            "the scheduler: SM-2 as Wozniak published it, or FSRS-6",
        ),
        Setting(
            "desired_retention",
            0.9,
            "MLOPS_QUIZ_DESIRED_RETENTION",
            None,
            _share(0.70, 0.97),
            "a number from 0.70 to 0.97",
            "under FSRS, the probability of recall each review is planned for",
        ),
        Setting(
            "fuzz",
            False,
            "MLOPS_QUIZ_FUZZ",
            None,
            _boolean,
            "true or false",
            "under FSRS, spread intervals a little (as Anki does) so cards learnt together part",
        ),
        Setting(
            "matcher",
            "meaning",
            "MLOPS_QUIZ_MATCHER",
            None,
            _choice("meaning", "words"),
            "meaning or words",
            "open answers checked by meaning (words and the sentence model) or by words alone",
        ),
        Setting(
            "colour",
            True,
            "NO_COLOR",
            None,
            _boolean,
            "true or false",
            "colour at a terminal (NO_COLOR set turns it off)",
        ),
    )
}


@dataclass(frozen=True)
class Resolved:
    value: Any
    source: str


def settings_path() -> Path:

    return data_dir() / SETTINGS_FILENAME


def _toml() -> Any:
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - Python 3.10
        import tomli as tomllib
    return tomllib


def _key_line(text: str, key: str) -> int:
    """The line (1-based) that sets ``key`` at the top of a TOML text, or 0."""
    pattern = re.compile(rf"^\s*[\"']?{re.escape(key)}[\"']?\s*=")
    for number, line in enumerate(text.splitlines(), 1):
        if line.lstrip().startswith("["):
            return 0
        if pattern.match(line):
            return number
    return 0


def parse_file(text: str, path: Path) -> dict[str, Any]:
    """The settings a file's text holds, checked; BadInputError names the file and line."""
    shown = visible(str(path), keep_newlines=False)
    toml = _toml()
    try:
        data = toml.loads(text)
    except toml.TOMLDecodeError as exc:
        message = str(exc)
        found = re.search(r"\(at line (\d+), column \d+\)", message)
        where = f"line {found.group(1)}: " if found else ""
        message = re.sub(r"\s*\(at (line \d+, column \d+|end of document)\)", "", message)
        raise BadInputError(f"{shown}: {where}not valid TOML: {message}") from None
    values: dict[str, Any] = {}
    for key, value in data.items():
        line = _key_line(text, key)
        where = f"line {line}: " if line else ""
        setting = SETTINGS.get(key)
        if setting is None:
            known = ", ".join(SETTINGS)
            raise BadInputError(f"{shown}: {where}unknown setting {key!r} (known: {known})")
        try:
            values[key] = setting.check(value)
        except (ValueError, BadInputError):
            raise BadInputError(
                f"{shown}: {where}{key} must be {setting.expects}, not {visible(repr(value))}"
            ) from None
    return values


def read_file(path: Path | None = None) -> dict[str, Any]:
    path = path or settings_path()
    if not path.is_file():
        return {}
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise BadInputError(f"{path}: cannot read the settings file: {exc}") from None
    return parse_file(text, path)


def _from_env(setting: Setting, environ: Mapping[str, str]) -> Any:
    raw = environ.get(setting.env or "")
    if not raw:
        return None
    if setting.key == "colour":
        return False  # NO_COLOR set to anything: no colour (https://no-color.org)
    try:
        return setting.check(raw)
    except ValueError:
        raise BadInputError(
            f"{setting.env} must be {setting.expects}, not {visible(repr(raw))}"
        ) from None


def resolve(
    options: Mapping[str, Any] | None = None, environ: Mapping[str, str] | None = None
) -> dict[str, Resolved]:
    """Every setting with its value and where it came from: option, environment, file or
    default, the first that gives one."""
    options = options or {}
    environ = os.environ if environ is None else environ
    in_file = read_file()
    resolved: dict[str, Resolved] = {}
    for key, setting in SETTINGS.items():
        if options.get(key) is not None:
            resolved[key] = Resolved(setting.check(options[key]), SOURCE_OPTION)
        elif (value := _from_env(setting, environ)) is not None:
            resolved[key] = Resolved(value, SOURCE_ENV)
        elif key in in_file:
            resolved[key] = Resolved(in_file[key], SOURCE_FILE)
        else:
            resolved[key] = Resolved(setting.default, SOURCE_DEFAULT)
    return resolved


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    import json

    return json.dumps(value, ensure_ascii=False)


def write_setting(key: str, raw: str, path: Path | None = None) -> tuple[Any, Path]:
    """Set one setting in the file from its text, validated; the file is replaced atomically
    (a temporary file beside it, then a rename). Returns the value and the file."""
    setting = SETTINGS.get(key)
    if setting is None:
        raise BadInputError(f"unknown setting {key!r} (known: {', '.join(SETTINGS)})")
    try:
        value = setting.check(raw)
    except ValueError:
        raise BadInputError(f"{key} must be {setting.expects}, not {visible(repr(raw))}") from None
    path = path or settings_path()
    text = path.read_text(encoding="utf-8") if path.is_file() else ""
    parse_file(text, path)  # a broken file is reported, not overwritten
    line = f"{key} = {_toml_value(value)}"
    lines = text.splitlines()
    number = _key_line(text, key)
    if number:
        lines[number - 1] = line
    else:
        table = next((n for n, t in enumerate(lines) if t.lstrip().startswith("[")), len(lines))
        lines.insert(table, line)
    new_text = "\n".join(lines) + "\n"
    parse_file(new_text, path)
    _replace_atomically(path, new_text)
    return value, path


def _replace_atomically(path: Path, text: str) -> None:
    import tempfile

    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
