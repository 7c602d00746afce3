"""Progress storage: card states and the review log, through SQLAlchemy.

``Store.open(url)`` is the one place a database is opened. For SQLite files it first checks the
file without writing to it (it must be an SQLite database, readable and writable, in an existing
folder), then runs in WAL mode with a busy timeout and takes the write lock at the start of each
write, so several processes can share one file. Every answer is committed on its own.

The package's files say what each part does: ``schema`` (tables, rows), ``migrations``,
``sqlite_files`` (checks on SQLite files, WAL, private modes), ``base`` (opening, transactions),
``cards`` (card states), ``card_flags`` (suspend, bury, reset, rename), ``review_log``
(answers), ``upkeep`` (backup, restore, prune), ``moving`` (history out and in),
``rescheduling`` (cards recomputed for another scheduler), ``session_lock`` (the lock an open
session holds, so restore refuses), ``classroom`` (a class on
PostgreSQL: roles, row-level security, the published bank) and ``class_report`` (what the
teacher reads). ``Store`` joins them: the rest of the code talks to it.
"""

from __future__ import annotations

from mlops_quiz.store.card_flags import CardControl, CardFlags, HistoryEntry, ProfileSummary
from mlops_quiz.store.cards import CardStates
from mlops_quiz.store.class_report import ClassReport
from mlops_quiz.store.classroom import ClassInfo, Classroom, require_server_url
from mlops_quiz.store.moving import MovingProgress
from mlops_quiz.store.rescheduling import Rescheduling
from mlops_quiz.store.review_log import ReviewLog
from mlops_quiz.store.schema import KIND_CRAM, KIND_REPEAT, KIND_REVIEW, ReviewRecord
from mlops_quiz.store.sqlite_files import check_backup, safe_url
from mlops_quiz.store.upkeep import Upkeep

__all__ = [
    "KIND_CRAM",
    "KIND_REPEAT",
    "KIND_REVIEW",
    "CardFlags",
    "ClassInfo",
    "HistoryEntry",
    "ProfileSummary",
    "ReviewRecord",
    "Store",
    "check_backup",
    "require_server_url",
    "safe_url",
]


class Store(
    CardStates,
    ReviewLog,
    Upkeep,
    MovingProgress,
    Rescheduling,
    CardControl,
    Classroom,
    ClassReport,
):
    """The progress database of every profile."""
