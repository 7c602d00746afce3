"""Looking after the progress database: doctor (and prune), backup, restore, path."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Optional

import typer

from mlops_quiz.cli.common import (
    BankOption,
    DbOption,
    app,
    copy_aside,
    deferred_interrupt,
    load_questions,
    open_store,
    reports_errors,
    resolve_settings,
    warn,
)
from mlops_quiz.errors import BadInputError, DatabaseBusyError, StoreError
from mlops_quiz.text import counted, visible

if TYPE_CHECKING:
    from mlops_quiz.config import Settings
    from mlops_quiz.store import Store

MIN_STEM = 8
"""The shortest id taken for a renamed one with words added or dropped."""


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
    rename: Annotated[
        Optional[tuple[str, str]],  # noqa: UP045
        typer.Option(
            "--rename",
            metavar="OLD NEW",
            help="A question's id changed in the bank: move its progress and history to NEW.",
            show_default=False,
        ),
    ] = None,
    force: Annotated[
        bool,
        typer.Option(
            "--force", help="With --rename: replace progress NEW already has (backed up first)."
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
    every profile, suggests what a renamed id may have become, moves it with --rename OLD NEW,
    and with --prune deletes it, after showing what goes and making a backup.
    """
    from mlops_quiz.config import bank_warnings, is_default_bank_set

    settings = resolve_settings(db, bank, None)
    questions = load_questions(settings)
    known = {q.id for q in questions.questions}
    if rename is not None:
        _rename(settings, known, rename, force, profile)
        return
    with open_store(settings, create=False) as store:
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
        from mlops_quiz.bank import content_digest

        contents = store.card_contents() if orphans else {}
        by_content: dict[str, list[str]] = {}
        for q in questions.questions:
            by_content.setdefault(content_digest(q), []).append(q.id)
        renamed: dict[tuple[str, str], str] = {}
        for profile_name, qid in orphans:
            _card_rows, answers = progress[(profile_name, qid)]
            # the same prompt and answer under another id first, then a close spelling
            same = [
                other
                for other in by_content.get(contents.get((profile_name, qid), ""), [])
                if (profile_name, other) not in progress
            ]
            if len(same) == 1:
                renamed[(profile_name, qid)] = same[0]
            guess = same[0] if len(same) == 1 else _renamed_to(qid, known)
            hint = f"; renamed to {guess!r}?" if guess else ""
            print(f"  {visible(profile_name)}: {visible(qid)} ({counted(answers, 'answer')}{hint})")
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
            for (profile_name, qid), new in renamed.items():
                print(
                    f"kept {visible(profile_name)}: {visible(qid)}: the same question is now "
                    f"{visible(new)!r}; move its progress with "
                    f"'mlops-quiz doctor --rename {visible(qid)} {visible(new)}'"
                )
            orphans = [key for key in orphans if key not in renamed]
            if orphans:
                _prune(store, orphans, progress, yes)
        elif orphans:
            print("run 'mlops-quiz doctor --prune' to delete it")
    if integrity not in ("ok", "n/a"):
        raise typer.Exit(1)


def _rename(
    settings: Settings,
    known: set[str],
    names: tuple[str, str],
    force: bool,
    profile: str | None,
) -> None:
    """Move the progress of OLD to NEW, in one transaction, after a backup if forced."""
    old, new = names
    if old == new:
        raise BadInputError("OLD and NEW are the same id")
    if new not in known:
        raise BadInputError(
            f"{visible(new)!r} is not a question in the loaded banks; rename the id in the bank "
            "first, then move its progress"
        )
    with open_store(settings, saves=True) as store:
        if force and store.engine.dialect.name == "sqlite" and store.exists:
            kept = copy_aside(store, "before-rename")
            print(f"backup: {visible(str(kept))}")
        moved = store.rename(old, new, profile, force)
    for name, answers in moved.items():
        print(
            f"renamed {visible(old)} -> {visible(new)} for {visible(name)}: "
            f"{counted(answers, 'answer')}"
        )


def _renamed_to(old: str, known: set[str]) -> str | None:
    """A guess at what a question id was renamed to: a close spelling, or the same id with
    whole words added or dropped at either end (``which-is-unique-to-ml-choose-one`` became
    ``which-is-unique-to-ml``); the longest such id wins."""
    import difflib

    close = difflib.get_close_matches(old, sorted(known), n=1, cutoff=0.8)
    if close:
        return close[0]

    def words_of(a: str, b: str) -> bool:  # b is a, less whole words at the start or end
        return len(b) >= MIN_STEM and (a.startswith(b + "-") or a.endswith("-" + b))

    stem = [k for k in sorted(known) if words_of(old, k) or words_of(k, old)]
    return max(stem, key=len) if stem else None


def _prune(
    store: Store,
    orphans: list[tuple[str, str]],
    progress: dict[tuple[str, str], tuple[int, int]],
    yes: bool,
) -> None:
    from collections import Counter

    questions_of: Counter[str] = Counter(p for p, _ in orphans)
    answers_of: Counter[str] = Counter()
    for key in orphans:
        answers_of[key[0]] += progress[key][1]
    print("to delete:")
    for name in sorted(questions_of):
        question_count = counted(questions_of[name], "question")
        print(f"  {visible(name)}: {question_count}, {counted(answers_of[name], 'answer')}")
    if not yes:
        if not sys.stdin.isatty():
            raise BadInputError("add --yes to prune when not at a terminal")
        if not typer.confirm("Delete this progress? (a backup is made first)", default=False):
            print("nothing deleted")
            return
    if store.engine.dialect.name == "sqlite" and store.exists:
        kept = copy_aside(store, "before-prune")
        print(f"backup: {visible(str(kept))}")
    store.prune(orphans)
    print(
        f"deleted the progress of {counted(len(orphans), 'question')} "
        f"({counted(sum(answers_of.values()), 'answer')})"
    )


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

    if str(target) in ("", "."):
        raise BadInputError("give the path of the file to write the copy to")
    settings = resolve_settings(db, None, None)
    if target.is_dir():
        raise BadInputError(f"{visible(str(target))} is a folder; give the path of a file")
    if os.path.lexists(target) and not force:
        raise BadInputError(f"{visible(str(target))} exists; use --force to replace it")
    with open_store(settings, create=False) as store:
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

    The backup is checked first (an mlops-quiz database, sound, not from a newer version) and
    brought up to date in a scratch copy, the database as it is now is kept beside it, and the
    copy goes through SQLite's backup API, so a journal left by a killed session cannot
    corrupt it; Ctrl-C waits for the copy to finish. Refused while another session is saving.
    """
    from mlops_quiz.store import check_backup
    from mlops_quiz.store.session_lock import no_session_open

    settings = resolve_settings(db, None, None)
    check_backup(source)
    with open_store(settings, saves=True) as store:
        if store.engine.dialect.name != "sqlite":
            raise BadInputError("restore works with SQLite databases; use your database's tools")
        if source.resolve() in _live_files(store):
            raise BadInputError(f"{visible(str(source))} is the live database itself")
        live = Path(store.label)
        with no_session_open(live), store.prepared_backup(source, live.parent) as prepared:
            kept = copy_aside(store, "before-restore")
            interrupted = _restore_keeping(store, prepared, kept)
    print(f"restored {visible(store.label)} from {visible(str(source))}")
    print(f"the database as it was is kept in {visible(str(kept))}")
    if interrupted:
        raise KeyboardInterrupt  # held back until the copy was complete


def _restore_keeping(store: Store, prepared: Path, kept: Path) -> bool:
    """Copy the prepared backup over the live database, Ctrl-C held back meanwhile. The copy
    of what it replaces is removed only when nothing was changed (another process held the
    lock); whenever the live file may have changed it stays, and the error says where.
    Returns whether a Ctrl-C came during the copy."""
    try:
        with deferred_interrupt() as received:
            store.restore(prepared)
    except DatabaseBusyError:
        kept.unlink(missing_ok=True)
        raise
    except StoreError as exc:
        raise StoreError(f"{exc}; the database as it was is kept in {visible(str(kept))}") from None
    except BaseException:
        sys.stderr.write(f"the database as it was is kept in {visible(str(kept))}\n")
        raise
    return bool(received)


@app.command()
@reports_errors
def path() -> None:
    """Print where progress and your own questions are kept."""
    from mlops_quiz import config
    from mlops_quiz.store import safe_url

    print(f"data folder: {visible(str(config.data_dir()))}")
    print(f"database:    {visible(safe_url(config.db_url(None)))}")
    for bank_file in config.bank_paths(None):
        print(f"bank:        {visible(str(bank_file))}")
    for message in config.bank_warnings(None):
        warn(message)
