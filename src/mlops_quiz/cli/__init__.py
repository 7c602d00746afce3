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
    import typer

    app = full_app(args[0] if args[0] not in ("--help", "-h") else None)
    # Click's exception classes, whether Typer vendors Click or depends on it.
    usage_error: type[Any] = typer.BadParameter.__mro__[1]
    click_exception: type[Any] = typer.BadParameter.__mro__[2]
    command = typer.main.get_command(app)
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
