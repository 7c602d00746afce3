"""The ``mlops-quiz`` command line: each command parses its options, calls the library, renders.

One module per group of commands, each registered on the one Typer app of ``common``:
``study`` (study, check, optimize, stats, list, topics), ``cards`` (show, search, suspend,
unsuspend, bury, reset, profiles, config), ``questions`` (validate, add-question), ``upkeep``
(doctor, backup, restore, path), ``transfer`` (export, import) and ``classroom`` (the ``class``
group: a class on PostgreSQL).
"""

from __future__ import annotations

import importlib
import sys
from typing import TYPE_CHECKING, Any

from mlops_quiz import __version__
from mlops_quiz.errors import EXIT_FAILURE

if TYPE_CHECKING:
    from pathlib import Path

    import typer

__all__ = ["app", "main"]

COMMAND_MODULES = ("study", "cards", "questions", "upkeep", "transfer", "classroom")
"""Imported in this order, which is the order of the commands in --help."""
MODULE_OF = {
    **dict.fromkeys(("study", "check", "optimize", "stats", "list", "topics"), "study"),
    **dict.fromkeys(
        ("show", "search", "suspend", "unsuspend", "bury", "reset", "profiles", "config"), "cards"
    ),
    **dict.fromkeys(("validate", "add-question", "edit"), "questions"),
    **dict.fromkeys(("doctor", "backup", "restore", "path"), "upkeep"),
    **dict.fromkeys(("export", "import"), "transfer"),
    "class": "classroom",
}
"""Which module registers each command. Typer builds a Click command from every registered
function's signature before it runs one, so a command line that names its command registers
only that command's module: with thirty commands that is most of Typer's start-up."""


def full_app(command: str | None = None) -> typer.Typer:
    """The Typer app with the commands registered: every one, or only the module of
    ``command`` when it names one (Typer itself is imported here, so that ``--version``
    answers without it)."""
    from mlops_quiz.cli.common import app

    names = [MODULE_OF[command]] if command in MODULE_OF else COMMAND_MODULES
    for name in names:
        importlib.import_module(f"mlops_quiz.cli.{name}")
    return app


HELP_ARGS = (["--help"], ["-h"])
HELP_WIDTH_MAX = 80
"""Click wraps help at the terminal's width, at most this (less its margin of 2). The
standard modules the kept help needs are imported in its functions: ``--version`` needs none."""


def _help_entry() -> Path | None:
    """Where the top-level help text is kept, named by everything it is made from: this
    version, the width it is wrapped to, and the files of the CLI package and of Typer (with
    its Click); None when the cache folder is missing or not safe to use."""
    import hashlib
    import os
    import shutil
    from importlib.util import find_spec
    from pathlib import Path

    from mlops_quiz.config.paths import cache_dir
    from mlops_quiz.files import unsafe_folder

    folder = cache_dir()
    if not folder.is_dir() or unsafe_folder(folder) is not None:
        return None
    columns = shutil.get_terminal_size().columns
    key = [__version__, str(min(columns, HELP_WIDTH_MAX)), sys.version]
    typer_spec = find_spec("typer")
    sources = [Path(__file__).parent]
    if typer_spec is not None and typer_spec.origin:
        sources.append(Path(typer_spec.origin).parent)
    for source in sources:
        for entry in sorted(os.scandir(source), key=lambda e: e.name):
            if entry.name.endswith(".py"):
                st = entry.stat()
                key.append(f"{entry.path}:{st.st_mtime_ns}:{st.st_size}")
    digest = hashlib.sha256("\n".join(key).encode("utf-8")).hexdigest()[:20]
    return folder / f"help-{digest}.txt"


def cached_help() -> str | None:
    """The top-level help as the last run that built it printed it, if nothing it is made of
    has changed: ``mlops-quiz --help`` then answers without building thirty Click commands."""
    entry = _help_entry()
    if entry is None:
        return None
    try:
        return entry.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None


def keep_help(text: str) -> None:
    """Keep the top-level help for the next run (atomically; a cache that cannot be written
    is simply not kept)."""
    import contextlib
    import os
    import tempfile

    with contextlib.suppress(OSError):
        entry = _help_entry()
        if entry is None:
            return
        fd, tmp = tempfile.mkstemp(dir=entry.parent, prefix=".", suffix=".tmp")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(text)
            os.replace(tmp, entry)
        except OSError:
            with contextlib.suppress(OSError):
                os.unlink(tmp)


def __getattr__(name: str) -> Any:
    if name == "app":  # ``from mlops_quiz.cli import app`` (tests, ``python -m``)
        return full_app()
    raise AttributeError(name)


def main() -> None:
    args = sys.argv[1:]
    if args in (["--version"], ["-V"]):  # the commonest check of all, kept instant
        print(f"mlops-quiz {__version__}")
        return
    if not args:
        args = ["--help"]  # on stdout, exit code 0
    if args in HELP_ARGS and (text := cached_help()) is not None:
        sys.stdout.write(text)
        return
    import typer

    app = full_app(args[0] if args[0] not in ("--help", "-h") else None)
    # Click's exception classes, whether Typer vendors Click or depends on it.
    usage_error: type[Any] = typer.BadParameter.__mro__[1]
    click_exception: type[Any] = typer.BadParameter.__mro__[2]
    command = typer.main.get_command(app)
    if args in HELP_ARGS:
        context = command.make_context("mlops-quiz", [], resilient_parsing=True)
        text = command.get_help(context) + "\n"  # as Click's --help prints it
        keep_help(text)
        sys.stdout.write(text)
        return
    try:
        code = command.main(args=args, prog_name="mlops-quiz", standalone_mode=False)
    except usage_error as exc:
        if type(exc).__name__ == "NoArgsIsHelpError" and exc.ctx is not None:
            # A group named alone (``mlops-quiz class``): its help, as ``mlops-quiz`` alone.
            print(exc.ctx.get_help())
            return
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
