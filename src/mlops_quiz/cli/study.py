"""Studying and looking at progress: study, check, stats, list, topics."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Annotated, Any, Optional

import typer

from mlops_quiz.cli.common import (
    BUNDLED_NAME,
    FSRS_PARAMETERS,
    BankOption,
    DbOption,
    JsonOption,
    ProfileOption,
    TopicOption,
    app,
    check_topics,
    describer,
    load_questions,
    open_store,
    print_json,
    print_paged,
    profile_scheduler,
    reports_errors,
    resolve_settings,
    today,
    warn,
)
from mlops_quiz.errors import BadInputError, QuizError
from mlops_quiz.text import visible

if TYPE_CHECKING:
    from contextlib import AbstractContextManager

    from mlops_quiz.bank import Question
    from mlops_quiz.checking.matchers import Loader
    from mlops_quiz.checking.words import OpenCheck
    from mlops_quiz.config import Settings
    from mlops_quiz.store import Store


# ---------------------------------------------------------------- commands


@app.command()
@reports_errors
def study(
    topic: TopicOption = None,
    new: Annotated[
        Optional[int],  # noqa: UP045
        typer.Option(
            "--new",
            help="At most this many new items today [setting new_per_day; default: 20].",
            min=0,
            show_default=False,
        ),
    ] = None,
    limit: Annotated[
        Optional[int],  # noqa: UP045
        typer.Option(
            "--limit",
            help="At most this many items [setting session_limit; default: 200].",
            min=0,
            show_default=False,
        ),
    ] = None,
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
    from mlops_quiz.config import bundled_bank_path, now
    from mlops_quiz.study import loop as study_loop
    from mlops_quiz.study.session import StudySession
    from mlops_quiz.ui import render

    settings = resolve_settings(db, bank, profile, new, limit)
    questions = load_questions(settings)
    topics = check_topics(questions, topic)
    in_scope = questions.in_topics(topics)
    known = {q.id for q in in_scope}
    for qid in ids or ():  # before the database is opened (or created)
        if qid not in known:
            raise BadInputError(f"no question with id {qid!r} in the loaded banks and topics")
    with open_store(settings, saves=True) as store, _held(store):
        session = StudySession.plan(
            store,
            settings.profile,
            in_scope,
            clock=now,
            day_start_hour=settings.day_start_hour,
            new_per_day=settings.new_per_day,
            limit=settings.session_limit,
            cram=cram,
            ask_now=ids or (),
            # a class's published bank: the teacher's files are the learner's own
            bundled_file=BUNDLED_NAME
            if BUNDLED_NAME in questions.files
            else str(bundled_bank_path()),
            suspend_leeches=settings.suspend_leeches,
            scheduler=profile_scheduler(settings, store),
        )
        study_loop.run(session, questions, render.console(), matcher=open_matcher(settings))


def _held(store: Store) -> AbstractContextManager[None]:
    """A session of a SQLite file marks it open, so ``restore`` waits for it to end."""
    from contextlib import nullcontext
    from pathlib import Path

    from mlops_quiz.store.session_lock import session_open

    if store.engine.dialect.name != "sqlite":
        return nullcontext()
    return session_open(Path(store.label))


@app.command()
@reports_errors
def check(
    question_id: Annotated[str, typer.Argument(metavar="ID", help="The item's id.")],
    answer: Annotated[
        Optional[str],  # noqa: UP045
        typer.Option(
            "--answer",
            help="The answer to check [default: read from standard input].",
            show_default=False,
        ),
    ] = None,
    json_output: JsonOption = False,
    profile: ProfileOption = None,
    db: DbOption = None,
    bank: BankOption = None,
) -> None:
    """Check one answer to one item and print the verdict and suggested grade; nothing is
    recorded. An mcq takes the letters of the choices as in the bank (never shuffled)."""
    settings = resolve_settings(db, bank, profile)
    questions = load_questions(settings)
    question = questions.by_id().get(question_id)
    if question is None:
        raise BadInputError(f"no question with id {question_id!r} in the loaded banks")
    if answer is None:
        if sys.stdin.isatty():
            raise BadInputError("give the answer with --answer or on standard input")
        answer = sys.stdin.read().rstrip("\r\n")
    verdict, points = answer_verdict(question, answer, open_matcher(settings))
    if json_output:
        print_json(verdict)
        return
    _print_verdict(question, answer, verdict, points)


def open_matcher(settings: Settings) -> Loader:
    """The checker of open answers the settings choose (loaded when first needed)."""
    from mlops_quiz.checking.matchers import Loader
    from mlops_quiz.config import cache_dir

    return Loader(settings.matcher, cache_dir(), warn)


def answer_verdict(
    question: Question, answer: str, matcher: Loader
) -> tuple[dict[str, Any], OpenCheck | None]:
    """What ``check --json`` prints for one answer (see the README), and an open answer's
    key points as checked."""
    from mlops_quiz.checking import NotAnAnswer, check_answer
    from mlops_quiz.checking.matchers import WORDS

    result: dict[str, Any] = {"id": question.id, "type": question.type}
    if question.type == "open":
        checker = matcher.checker() if question.key_points else WORDS
        found = checker.check_question(question, answer)
        result["matcher"] = found.matcher
        result["suggested_grade"] = found.suggested
        result["key_points"] = [{"text": p.text, "covered": p.covered} for p in found.points]
        result["coverage"] = found.coverage
        result["correct"] = None
        return result, found
    try:
        verdict = check_answer(question, answer)
    except NotAnAnswer as problem:
        raise BadInputError(str(problem)) from None
    assert verdict is not None  # mcq and cloze are always checked
    result["suggested_grade"] = verdict.suggested
    result["key_points"] = []
    result["coverage"] = verdict.share
    result["correct"] = verdict.correct
    return result, None


def _print_verdict(
    question: Question, answer: str, verdict: dict[str, Any], found: OpenCheck | None
) -> None:
    from mlops_quiz.checking import check_answer
    from mlops_quiz.ui import render

    points = found if question.key_points else None
    panel = render.reveal_panel(question, answer, check_answer(question, answer), points=points)
    con = render.console()
    con.print(panel)
    con.print(render.suggestion(verdict["suggested_grade"]))


@app.command()
@reports_errors
def optimize(
    json_output: JsonOption = False,
    profile: ProfileOption = None,
    db: DbOption = None,
) -> None:
    """Fit FSRS's parameters to the profile's own review log and keep them with the profile;
    prints the log loss and RMSE of predicted recall before and after (lower is better)."""
    import json

    from mlops_quiz.scheduling.fsrs import NotEnoughReviews, fit

    settings = resolve_settings(db, None, profile)
    with open_store(settings, create=False) as store:
        logs = store.scheduling_reviews(settings.profile)
        try:
            result = fit(logs)
        except NotEnoughReviews as exc:
            raise QuizError(str(exc)) from None
        store.set_profile_setting(
            settings.profile, FSRS_PARAMETERS, json.dumps([round(w, 6) for w in result.parameters])
        )
    summary = {
        "profile": settings.profile,
        "reviews": result.reviews,
        "before": {"log_loss": result.before.log_loss, "rmse": result.before.rmse},
        "after": {"log_loss": result.after.log_loss, "rmse": result.after.rmse},
        "parameters": result.parameters,
    }
    if json_output:
        print_json(summary)
        return
    print(f"fitted FSRS to {result.reviews:,} reviews of profile {visible(settings.profile)!r}")
    print("                     log loss    RMSE")
    print(f"  default parameters   {result.before.log_loss:.4f}   {result.before.rmse:.4f}")
    print(f"  fitted (held out)    {result.after.log_loss:.4f}   {result.after.rmse:.4f}")
    note = "" if settings.scheduler == "fsrs" else " (used when the scheduler is fsrs)"
    print(f"kept with the profile{note}")


@app.command()
@reports_errors
def stats(
    json_output: JsonOption = False,
    profile: ProfileOption = None,
    db: DbOption = None,
    bank: BankOption = None,
) -> None:
    """Show progress: card counts, what is due, answers per day, retention, streak."""
    from mlops_quiz.study import stats as statistics

    settings = resolve_settings(db, bank, profile)
    questions = load_questions(settings)
    with open_store(settings, create=False) as store:
        scheduler = profile_scheduler(settings, store) if settings.scheduler != "sm2" else None
        result = statistics.compute(store, questions, settings.profile, today(settings), scheduler)
        if not result.has_progress and not json_output:  # JSON has it as has_progress
            others = [p.name for p in store.profile_summaries()]
            known = f"profiles with progress: {', '.join(others)}" if others else "none has any"
            warn(f"profile {settings.profile!r} has no progress at all ({known})")
    if json_output:
        print_json(result.to_json())
        return
    from mlops_quiz.ui import cards as render_cards
    from mlops_quiz.ui import charts, render

    con = render.console()
    con.print(charts.stats_view(result, questions, con.width))
    for line in render_cards.flags_lines(result):
        con.print(line)
    con.print(render_cards.calendar(result, con.width))


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
    """List the questions: prompt, due date, interval, lapses, and marks for overdue,
    suspended, buried and leech cards. Long output goes through a pager at a terminal."""
    settings = resolve_settings(db, bank, profile)
    questions = load_questions(settings)
    topics = check_topics(questions, topic)
    from mlops_quiz.study.cards import schedule_rows

    day = today(settings)
    with open_store(settings, create=False) as store:
        states = store.cards(settings.profile)
        flags = store.card_flags(settings.profile)
        describe = describer(settings, store, day) if json_output else None
    rows = schedule_rows(
        questions.in_topics(topics), states, flags, day, due_only=due, describe=describe
    )
    if json_output:
        print_json(rows)
        return
    if due:
        empty = "No question is due today."
    elif topics:
        empty = "No questions in the chosen topics."
    else:
        empty = "No questions in the loaded banks."
    from mlops_quiz.ui import render
    from mlops_quiz.ui.cards import card_table

    print_paged(card_table(rows, empty, render.console().size.width), len(rows))


@app.command()
@reports_errors
def topics(bank: BankOption = None) -> None:
    """Show the topics of the bank and how many items each has."""
    from mlops_quiz.ui import render

    settings = resolve_settings(None, bank, None)
    render.console().print(render.topics_table(load_questions(settings)))
