"""Exception types the domain code raises; the CLI turns each into one line and an exit code."""

from __future__ import annotations

EXIT_FAILURE = 1
EXIT_BAD_INPUT = 2
MAX_PROBLEMS_SHOWN = 50
"""A file with thousands of problems is reported by its first ones, not a flood of lines."""


class QuizError(Exception):
    """Base class: a problem the user can act on, shown as one line without a traceback."""

    exit_code = EXIT_FAILURE


class BadInputError(QuizError):
    """The user gave something invalid (an option, a file, a value)."""

    exit_code = EXIT_BAD_INPUT


class BankError(BadInputError):
    """One or more problems in question bank files, each as ``FILE:LINE: message``."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        shown = problems[:MAX_PROBLEMS_SHOWN]
        if len(problems) > MAX_PROBLEMS_SHOWN:
            shown.append(f"... and {len(problems) - MAX_PROBLEMS_SHOWN:,} more problems")
        super().__init__("\n".join(shown))


class StoreError(QuizError):
    """The progress database cannot be opened, read or written."""


class DatabaseBusyError(StoreError):
    """Another process held the database's write lock for too long; nothing was changed."""


class NewerDatabaseError(StoreError):
    """The database was written by a newer version of mlops-quiz."""

    exit_code = EXIT_BAD_INPUT


class AnsweredElsewhereError(QuizError):
    """A card moved since the session read it (answered in another session of the profile):
    the answer is not recorded, so neither session's review is lost or applied twice."""
