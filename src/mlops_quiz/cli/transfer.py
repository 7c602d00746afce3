"""The ``export`` and ``import`` commands: the bank and the progress in and out of other
formats (Anki decks, CSV, Markdown, JSON Lines). The formats live in ``mlops_quiz.transfer``;
these commands parse, call and report, as the ones in ``cli``.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Optional

import typer

from mlops_quiz.cli.common import (
    BankOption,
    DbOption,
    ProfileOption,
    TopicOption,
    app,
    check_topics,
    load_questions,
    open_store,
    reports_errors,
    resolve_settings,
)
from mlops_quiz.errors import BadInputError, BankError
from mlops_quiz.text import counted, visible

if TYPE_CHECKING:
    from mlops_quiz.bank import Bank

TagOption = Annotated[
    Optional[list[str]],  # noqa: UP045 - Typer reads this annotation at run time
    typer.Option("--tag", help="Only questions with this tag; repeatable.", show_default=False),
]
ProgressFlag = Annotated[
    bool,
    typer.Option("--progress", help="The profile's whole history as JSON Lines (.jsonl)."),
]


@app.command()
@reports_errors
def export(
    target: Annotated[Path, typer.Argument(help="File to write: .apkg, .csv, .md or .jsonl.")],
    fmt: Annotated[
        Optional[str],  # noqa: UP045
        typer.Option("--format", help="apkg, csv or md (default: from the file's suffix)."),
    ] = None,
    topic: TopicOption = None,
    tag: TagOption = None,
    reviews: Annotated[
        bool, typer.Option("--reviews", help="The profile's review log as CSV, one answer a row.")
    ] = False,
    progress: ProgressFlag = False,
    force: Annotated[bool, typer.Option("--force", help="Replace the file if it exists.")] = False,
    profile: ProfileOption = None,
    db: DbOption = None,
    bank: BankOption = None,
) -> None:
    """Write the questions as an Anki deck, a CSV sheet or a Markdown study sheet, or a
    profile's answers (--reviews, --progress).

    The format comes from the suffix: .apkg (one Anki deck per topic), .csv (one row per
    question, read back by 'import'), .md (every question with its answer, by topic).
    """
    from mlops_quiz import transfer

    transfer.check_target(target, force)
    if reviews or progress:
        _export_answers(target, reviews, progress, bool(topic or tag or fmt), profile, db)
        return
    settings = resolve_settings(db, bank, profile)
    kind = transfer.question_format(target, fmt)
    questions = load_questions(settings)
    selected = transfer.select(questions.in_topics(check_topics(questions, topic)), tag)
    if not selected:
        raise BadInputError("no question matches the --topic and --tag given")
    if kind == "apkg":
        from mlops_quiz.transfer import anki

        transfer.write_file(target, lambda out: anki.write(questions, selected, out, settings.now))
    elif kind == "csv":
        from mlops_quiz.transfer import spreadsheet

        transfer.write_file(target, lambda out: spreadsheet.write(selected, out))
    else:
        from mlops_quiz.transfer import markdown

        transfer.write_file(target, lambda out: markdown.write(questions, selected, out))
    topics = len({q.topic for q in selected})
    print(f"exported {len(selected)} questions in {topics} topics to {visible(str(target))}")


def _export_answers(
    target: Path,
    reviews: bool,
    progress: bool,
    selects: bool,
    profile: str | None,
    db: str | None,
) -> None:
    from mlops_quiz import transfer
    from mlops_quiz.transfer import progress as portable

    if reviews and progress:
        raise BadInputError("give --reviews or --progress, not both")
    if selects:
        raise BadInputError(
            "--topic, --tag and --format select questions; "
            "--reviews and --progress write every answer of the profile"
        )
    if progress:
        transfer.expect_suffix(
            target, [transfer.PROGRESS_SUFFIX], "--progress writes JSON lines: it"
        )
    else:
        transfer.expect_suffix(target, [transfer.REVIEW_LOG_SUFFIX], "--reviews writes CSV: it")
    settings = resolve_settings(db, None, profile)
    with open_store(settings, create=False) as store:
        records = store.history(settings.profile)
    if progress:
        transfer.write_file(
            target, lambda out: portable.write_history(settings.profile, records, out), True
        )
    else:
        transfer.write_file(target, lambda out: portable.write_review_log(records, out), True)
    print(
        f"exported {counted(len(records), 'answer')} of profile {visible(settings.profile)!r} "
        f"to {visible(str(target))}"
    )


@app.command("import")
@reports_errors
def import_(
    source: Annotated[
        Path, typer.Argument(help="A .csv or Anki .txt sheet, or with --progress a .jsonl file.")
    ],
    into: Annotated[
        Optional[Path],  # noqa: UP045
        typer.Option("--into", help="Bank file to append the questions to (default: your own)."),
    ] = None,
    topic: Annotated[
        Optional[str],  # noqa: UP045
        typer.Option("--topic", "-t", help="Topic of the rows that name none."),
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Show what would be added; write nothing.")
    ] = False,
    progress: ProgressFlag = False,
    profile: ProfileOption = None,
    db: DbOption = None,
    bank: BankOption = None,
) -> None:
    """Add questions from a CSV sheet to a bank file, or merge a progress file (--progress).

    Questions are checked with the loaded banks and appended in one write that keeps every
    existing byte; nothing is written if any row is bad (each is reported as FILE:ROW:
    message). Rows whose prompt is already in the bank are skipped. With --progress, answers
    already in the database are skipped and the cards are recomputed from the merged log.
    """
    from mlops_quiz import transfer

    if progress:
        if into or topic:
            raise BadInputError("--into and --topic are for questions, not with --progress")
        transfer.expect_suffix(
            source, [transfer.PROGRESS_SUFFIX], "--progress reads JSON lines: it"
        )
        _import_progress(source, dry_run, profile, db)
        return
    transfer.expect_suffix(source, transfer.SHEET_SUFFIXES, "a sheet of questions")
    from mlops_quiz import config
    from mlops_quiz.bank import authoring
    from mlops_quiz.transfer import spreadsheet

    settings = resolve_settings(None, bank, None)
    target = into or config.user_bank_path()
    paths = list(settings.bank_paths)
    if target.exists() and all(p.resolve() != target.resolve() for p in paths):
        paths.append(target)
    questions = _load_paths(paths)
    if topic is not None:
        check_topics(questions, [topic])
    planned = spreadsheet.plan(
        source, questions, topic, spreadsheet.guid_index(questions.questions)
    )
    for line in planned.skipped:
        sys.stderr.write(f"skipped: {visible(line, keep_newlines=False)}\n")
    if planned.problems:
        raise BankError(planned.problems[:50])
    items = [item for _, item in planned.items]
    if dry_run:
        print(
            f"would add {counted(len(items), 'question')} to {visible(str(target))} "
            "(nothing written):"
        )
        for item in items:
            first = str(item["prompt"]).splitlines()[0]
            print(visible(f"  {item['id']} ({item['topic']}, {item['type']}): {first}"))
        return
    if items:
        others = [p for p in paths if p.resolve() != target.resolve()]
        authoring.add_questions(target, others, items)
    skipped = f"; skipped {len(planned.skipped)} already in the bank" if planned.skipped else ""
    print(f"added {counted(len(items), 'question')} to {visible(str(target))}{skipped}")


def _load_paths(paths: list[Path]) -> Bank:
    from mlops_quiz.bank import cache as bank_cache
    from mlops_quiz.config import cache_dir

    return bank_cache.load(paths, cache_dir())


def _import_progress(source: Path, dry_run: bool, profile: str | None, db: str | None) -> None:
    from mlops_quiz.transfer import progress as portable

    settings = resolve_settings(db, None, profile)
    records = portable.read_history(source, settings.now)
    if dry_run:
        print(
            f"would merge {counted(len(records), 'answer')} into profile {settings.profile!r} "
            "(nothing written)"
        )
        return
    with open_store(settings, saves=True) as store:
        added, skipped = store.merge_history(settings.profile, records)
    print(
        f"imported {visible(str(source))} into profile {settings.profile!r}: "
        f"{counted(added, 'answer')} added, {skipped} skipped (already there)"
    )
