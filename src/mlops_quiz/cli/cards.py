"""Cards under the learner's control: show, search, suspend, unsuspend, bury, reset, profiles,
config.

Commands that change cards check every id, topic and tag first and then change them all in one
transaction: a bad id changes nothing.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Annotated, Optional

import typer

from mlops_quiz.cli.common import (
    BankOption,
    DbOption,
    JsonOption,
    ProfileOption,
    TopicOption,
    app,
    check_topics,
    copy_aside,
    load_questions,
    open_store,
    print_json,
    print_paged,
    profile_scheduler,
    reports_errors,
    resolve_settings,
    today,
)
from mlops_quiz.errors import BadInputError
from mlops_quiz.text import counted, visible

if TYPE_CHECKING:
    from pathlib import Path

    from mlops_quiz.store import Store

IdsArgument = Annotated[
    Optional[list[str]],  # noqa: UP045
    typer.Argument(help="Question ids.", show_default=False),
]
TagOption = Annotated[
    Optional[list[str]],  # noqa: UP045
    typer.Option("--tag", help="Every question with this tag; repeatable.", show_default=False),
]


@app.command()
@reports_errors
def show(
    question_id: Annotated[str, typer.Argument(metavar="ID", help="The question's id.")],
    json_output: JsonOption = False,
    profile: ProfileOption = None,
    db: DbOption = None,
    bank: BankOption = None,
) -> None:
    """Show one card: question, answer, schedule, what each grade would do today, history."""
    from mlops_quiz.study.cards import CardView, chosen

    settings = resolve_settings(db, bank, profile)
    questions = load_questions(settings)
    (question,) = chosen(questions, [question_id], [], [])
    day = today(settings)
    with open_store(settings, create=False) as store:
        scheduler = profile_scheduler(settings, store)
        state = store.card(settings.profile, question.id)
        past = store.scheduling_reviews(settings.profile, [question.id]).get(question.id, [])
        view = CardView(
            question=question,
            state=state,
            flags=store.card_flags(settings.profile).get(question.id),
            history=store.card_history(settings.profile, question.id),
            today=day,
            memory=scheduler.describe(state, day, past),
            outcomes=scheduler.preview(state, day, past, question.id),
        )
    if json_output:
        print_json(view.to_json())
        return
    from mlops_quiz.ui import render
    from mlops_quiz.ui.cards import card_view

    con = render.console()
    con.print(card_view(view, con.width))


@app.command()
@reports_errors
def search(
    text: Annotated[str, typer.Argument(help="Text to find (case and accents ignored).")],
    topic: TopicOption = None,
    json_output: JsonOption = False,
    profile: ProfileOption = None,
    db: DbOption = None,
    bank: BankOption = None,
) -> None:
    """Find questions whose id, prompt, answer, key points, choices or tags hold the text."""
    from mlops_quiz.study.cards import schedule_rows
    from mlops_quiz.study.cards import search as find

    settings = resolve_settings(db, bank, profile)
    questions = load_questions(settings)
    topics = check_topics(questions, topic)
    found = find(questions.in_topics(topics), text)
    with open_store(settings, create=False) as store:
        states = store.cards(settings.profile)
        flags = store.card_flags(settings.profile)
    rows = schedule_rows(found, states, flags, today(settings))
    if json_output:
        print_json(rows)
        return
    from mlops_quiz.ui import render
    from mlops_quiz.ui.cards import card_table

    empty = f"No question matches {visible(text)!r}."
    print_paged(card_table(rows, empty, render.console().size.width), len(rows))


def _act(
    action: str,
    ids: list[str] | None,
    topic: list[str] | None,
    tag: list[str] | None,
    profile: str | None,
    db: str | None,
    bank: list[Path] | None,
    yes: bool = False,
) -> None:
    """Check the cards named, then change them all in one transaction, and say what changed."""
    from datetime import timedelta

    from mlops_quiz.study.cards import chosen

    settings = resolve_settings(db, bank, profile)
    questions = load_questions(settings)
    picked = [q.id for q in chosen(questions, ids or [], topic or [], tag or [])]
    if not picked:
        raise BadInputError("no question matches the --topic and --tag given")
    day = today(settings)
    if action == "reset" and len(picked) > 1 and not _confirm_reset(len(picked), yes):
        print("nothing reset")
        return
    with open_store(settings, saves=True) as store:
        if action == "reset" and len(picked) > 1:
            _backup_before_reset(store)
        if action == "suspend":
            changed = store.set_suspended(settings.profile, picked, True)
            done = "suspended"
        elif action == "unsuspend":
            changed = store.set_suspended(settings.profile, picked, False)
            done = "unsuspended"
        elif action == "bury":
            changed = store.bury(settings.profile, picked, day + timedelta(days=1))
            done = "buried until the next study day"
        else:
            changed = store.reset(settings.profile, picked, settings.now)
            done = "reset to new"
    unchanged = len(picked) - changed
    same = f" ({unchanged} already were)" if unchanged and action != "bury" else ""
    names = ", ".join(visible(qid, keep_newlines=False) for qid in picked[:10])
    more = f" and {len(picked) - 10} more" if len(picked) > 10 else ""
    print(f"{done}: {counted(changed, 'card')}{same}: {names}{more}")


def _confirm_reset(count: int, yes: bool) -> bool:
    """Resetting several cards is asked at a terminal; a script says ``--yes``."""
    print(f"to reset: {count} cards")
    if yes:
        return True
    if not sys.stdin.isatty():
        raise BadInputError("add --yes to reset more than one card when not at a terminal")
    return typer.confirm(f"Reset {count} cards to new? (a backup is made first)", default=False)


def _backup_before_reset(store: Store) -> None:
    if store.engine.dialect.name == "sqlite" and store.exists:
        kept = copy_aside(store, "before-reset")
        print(f"backup: {visible(str(kept))}")


@app.command()
@reports_errors
def suspend(
    ids: IdsArgument = None,
    topic: TopicOption = None,
    tag: TagOption = None,
    profile: ProfileOption = None,
    db: DbOption = None,
    bank: BankOption = None,
) -> None:
    """Put cards aside: never studied, counted apart in stats, until unsuspended."""
    _act("suspend", ids, topic, tag, profile, db, bank)


@app.command()
@reports_errors
def unsuspend(
    ids: IdsArgument = None,
    topic: TopicOption = None,
    tag: TagOption = None,
    profile: ProfileOption = None,
    db: DbOption = None,
    bank: BankOption = None,
) -> None:
    """Bring suspended cards back into study."""
    _act("unsuspend", ids, topic, tag, profile, db, bank)


@app.command()
@reports_errors
def bury(
    ids: IdsArgument = None,
    topic: TopicOption = None,
    tag: TagOption = None,
    profile: ProfileOption = None,
    db: DbOption = None,
    bank: BankOption = None,
) -> None:
    """Skip cards until the next study day (b at the grade prompt does it in a session)."""
    _act("bury", ids, topic, tag, profile, db, bank)


@app.command()
@reports_errors
def reset(
    ids: IdsArgument = None,
    topic: TopicOption = None,
    tag: TagOption = None,
    profile: ProfileOption = None,
    db: DbOption = None,
    bank: BankOption = None,
    yes: Annotated[
        bool, typer.Option("--yes", "-y", help="Reset several cards without asking.")
    ] = False,
) -> None:
    """Start cards again as new; their answers stay in the log, marked as before the reset.

    More than one card: the count is shown and confirmed (--yes when not at a terminal), and
    a backup is made first.
    """
    _act("reset", ids, topic, tag, profile, db, bank, yes)


@app.command()
@reports_errors
def profiles(json_output: JsonOption = False, db: DbOption = None) -> None:
    """List the profiles in the database: answers, cards studied, last activity."""
    settings = resolve_settings(db, None, None)
    with open_store(settings, create=False) as store:
        found = store.profile_summaries()
    if json_output:
        print_json(
            [
                {
                    "profile": p.name,
                    "answers": p.answers,
                    "cards_studied": p.cards,
                    "last_activity": p.last_activity,
                }
                for p in found
            ]
        )
        return
    from mlops_quiz.ui import render
    from mlops_quiz.ui.cards import profiles_table

    render.console().print(profiles_table(found))


# A value such as -5 is a value to check, not an option Click does not know.
@app.command(context_settings={"ignore_unknown_options": True})
@reports_errors
def config(
    key: Annotated[
        Optional[str],  # noqa: UP045
        typer.Argument(help="A setting to show or set.", show_default=False),
    ] = None,
    value: Annotated[
        Optional[str],  # noqa: UP045
        typer.Argument(help="Its new value, written to the settings file.", show_default=False),
    ] = None,
    json_output: JsonOption = False,
) -> None:
    """Show the settings in force and where each comes from; KEY VALUE sets one in the file.

    Precedence: an option, then the environment, then the settings file (settings.toml in
    the data folder), then the default.
    """
    from mlops_quiz.config import settings as lasting

    if key is not None and key not in lasting.SETTINGS:
        raise BadInputError(f"unknown setting {key!r} (known: {', '.join(lasting.SETTINGS)})")
    if key is not None and value is not None:
        written, path = lasting.write_setting(key, value)
        shown = ("true" if written else "false") if isinstance(written, bool) else written
        print(f"{key} = {visible(str(shown))} (in {visible(str(path))})")
        resolved = lasting.resolve()
        if resolved[key].source != lasting.SOURCE_FILE:
            setting = lasting.SETTINGS[key]
            print(f"note: {setting.env} is set and overrides the file")
        elif key == "scheduler":
            _reschedule_now()
        return
    resolved = lasting.resolve()
    if key is not None:
        resolved = {key: resolved[key]}
    if json_output:
        print_json({k: {"value": r.value, "source": r.source} for k, r in resolved.items()})
        return
    from mlops_quiz.ui import render
    from mlops_quiz.ui.cards import settings_table

    where = visible(str(lasting.settings_path()))
    render.console().print(settings_table(resolved, lasting.SETTINGS, where))


def _reschedule_now() -> None:
    """After ``config scheduler``: every profile of the progress file is scheduled by the
    scheduler now in force, recomputed from its answers (the log is never rewritten), so
    ``list``, ``show`` and ``stats`` show the new schedule before the next session. A
    database elsewhere (a class) is rescheduled at each learner's next session."""
    import dataclasses

    from mlops_quiz.config import Settings

    settings = Settings.resolve(None, None, None)
    if not settings.db_url.startswith("sqlite"):
        print("cards are rescheduled at each profile's next study session")
        return
    with open_store(settings, create=False) as store:
        for profile in store.profiles():
            mine = dataclasses.replace(settings, profile=profile)
            moved = store.reschedule(profile, profile_scheduler(mine, store))
            if moved:
                print(
                    f"{counted(moved, 'card')} of profile {visible(profile)!r} rescheduled "
                    f"by {settings.scheduler} from their answers"
                )
