"""The bank's files: validate, add-question."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Optional

import typer

from mlops_quiz.cli.common import (
    BankOption,
    app,
    load_questions,
    reports_errors,
    resolve_settings,
    warn,
)
from mlops_quiz.errors import BadInputError, BankError
from mlops_quiz.text import counted, fold, visible

if TYPE_CHECKING:
    from mlops_quiz.bank import Bank


@app.command()
@reports_errors
def validate(
    files: Annotated[
        Optional[list[Path]],  # noqa: UP045
        typer.Argument(
            help="Bank files to check together (default: the banks in use).",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Check bank files; print each problem as FILE:LINE: message."""
    from mlops_quiz.bank import load_bank
    from mlops_quiz.config import bank_paths, bank_warnings, bundled_bank_path

    paths = list(files) if files else bank_paths(None)
    if not files:
        for message in bank_warnings(None):
            warn(message)
    loaded = load_bank(paths, topics_from=bundled_bank_path())
    print(
        f"ok: {counted(len(loaded.questions), 'question')} in "
        f"{counted(len(loaded.topics), 'topic')}, {counted(len(paths), 'file')}"
    )


@app.command("add-question")
@reports_errors
def add_question(
    topic: Annotated[Optional[str], typer.Option("--topic", help="Topic id.")] = None,  # noqa: UP045
    qtype: Annotated[
        Optional[str],  # noqa: UP045
        typer.Option("--type", help="open, mcq or cloze."),
    ] = None,
    prompt: Annotated[
        str | None,
        typer.Option(
            "--prompt",
            help="The question; for cloze, the text with {{gaps}}.",
        ),
    ] = None,
    answer: Annotated[
        str | None,
        typer.Option(
            "--answer",
            help="Model answer (required for open; an explanation otherwise).",
        ),
    ] = None,
    key_point: Annotated[
        Optional[list[str]],  # noqa: UP045
        typer.Option("--key-point", "-k", help="A key point of the answer; repeatable."),
    ] = None,
    choice: Annotated[
        Optional[list[str]],  # noqa: UP045
        typer.Option("--choice", "-c", help="An mcq choice, in order (a, b, ...); repeatable."),
    ] = None,
    correct: Annotated[
        Optional[str],  # noqa: UP045
        typer.Option("--correct", help="Letters of the correct mcq choices, e.g. b or a,c."),
    ] = None,
    tag: Annotated[Optional[list[str]], typer.Option("--tag", help="A tag; repeatable.")] = None,  # noqa: UP045
    qid: Annotated[
        Optional[str],  # noqa: UP045
        typer.Option("--id", help="The question id (default: made from the prompt)."),
    ] = None,
    bank: BankOption = None,
) -> None:
    """Add a question to your own bank (or the --bank file), keeping the file as it was.

    Missing fields are asked for when run at a terminal; a bad answer is asked again at once.
    Prints the new question's id and the file it was written to.
    """
    from mlops_quiz import config
    from mlops_quiz.bank import LETTERS, MAX_CHOICES, QUESTION_TYPES, authoring, load_bank

    interactive = sys.stdin.isatty()
    if bank and len(bank) > 1:
        target, others = bank[-1], list(bank[:-1])
    elif bank:  # one file: the topics of the usual banks may be used in it
        target = bank[0]
        others = [p for p in config.bank_paths(None) if p != target]
    else:
        target = config.user_bank_path()
        others = [p for p in config.bank_paths(None) if p != target]
    loaded = load_bank([*others, *([target] if target.is_file() else [])])
    topics = list(loaded.topics)

    if qtype is None:
        qtype = _ask_one_of(interactive, "Type", list(QUESTION_TYPES), "--type")
    elif qtype not in QUESTION_TYPES:
        raise BadInputError(f"unknown type {qtype!r}; use {', '.join(QUESTION_TYPES)}")
    if qtype != "mcq" and (choice or correct):
        raise BadInputError(f"--choice and --correct are for mcq questions, not {qtype}")
    if topic is None:
        topic = _ask_one_of(interactive, "Topic", topics, "--topic")
    elif topic not in topics:
        raise BadInputError(f"unknown topic {topic!r} (known: {', '.join(topics) or 'none'})")
    if not prompt:
        what = "prompt" if qtype != "cloze" else "text with {{gaps}}"
        prompt = _ask(interactive, what, "--prompt")
        while interactive and (problem := _prompt_problem(prompt, qtype, loaded)):
            typer.echo(visible(problem))
            prompt = _ask(interactive, what, "--prompt")
    if qtype == "open" and not answer:
        answer = _ask(interactive, "model answer", "--answer")
    if qtype == "open" and not key_point and interactive:
        key_point = _ask_many(lambda n: f"Key point {n + 1}")
    if qtype == "mcq":
        if not choice:
            if not interactive:
                raise BadInputError("missing --choice (needed when not run at a terminal)")
            choice = _ask_many(
                lambda n: f"Choice {LETTERS[n]})", 2, MAX_CHOICES, "an mcq needs at least 2 choices"
            )
        letters = LETTERS[: len(choice)]
        if not correct:
            correct = _ask_letters(interactive, letters)
    item: dict[str, Any] = {"id": qid, "topic": topic, "type": qtype, "prompt": prompt}
    if answer:
        item["answer"] = answer
    if key_point:
        item["key_points"] = list(key_point)
    if qtype == "mcq":
        item["choices"] = list(choice or [])
        picked = _letters(correct or "")
        item["correct"] = picked[0] if len(picked) == 1 else picked
    if tag:
        item["tags"] = list(tag)
    if not qid:
        del item["id"]
    written = authoring.real_target(target)
    new_id = authoring.add_question(target, others, item)
    print(f"added {new_id} to {visible(str(written))}")


def _prompt_problem(prompt: str, qtype: str, loaded: Bank) -> str | None:
    """What is wrong with a typed prompt, found before the other fields are asked: a question
    already in the bank, or a cloze text whose gaps cannot be read."""
    from mlops_quiz.bank import cloze_pieces

    same = {fold(q.prompt): q for q in loaded.questions}.get(fold(prompt))
    if same is not None:
        return f"this question is already in the bank as {same.id!r}; type another prompt"
    if qtype != "cloze":
        return None
    pieces = cloze_pieces(prompt)
    if any("{{" in text or "}}" in text for text, is_gap in pieces if not is_gap):
        return "a '{{' is not closed by '}}' (or a '}}' not opened); type the text again"
    if not any(is_gap for _, is_gap in pieces):
        return "a cloze needs at least one gap written {{answer}}; type the text again"
    if any(is_gap and not text.strip(" |") for text, is_gap in pieces):
        return "a gap {{}} has no answer in it; type the text again"
    return None


def _letters(text: str) -> list[str]:
    return [c.strip().lower() for c in text.replace(" ", ",").split(",") if c.strip()]


def _ask_one_of(interactive: bool, what: str, allowed: list[str], option: str) -> str:
    """Ask until the answer is one of ``allowed`` (listed in the prompt)."""
    if not interactive:
        raise BadInputError(f"missing {option} (needed when not run at a terminal)")
    while True:
        value = str(typer.prompt(f"{what} ({', '.join(allowed)})")).strip()
        if value in allowed:
            return value
        typer.echo(visible(f"{value!r} is not one of them; type one of: {', '.join(allowed)}"))


def _ask_letters(interactive: bool, letters: str) -> str:
    """The correct choices' letters, asked until they are letters of the choices."""
    if not interactive:
        raise BadInputError("missing --correct (needed when not run at a terminal)")
    span = f"{letters[0]} to {letters[-1]}" if letters else "none"
    while True:
        value = str(typer.prompt(f"Correct letters ({span}, e.g. b or a,c)"))
        picked = _letters(value)
        if picked and all(len(p) == 1 and p in letters for p in picked):
            if len(set(picked)) < len(letters):
                return value
            typer.echo("an mcq needs at least one wrong choice; leave one letter out")
            continue
        typer.echo(f"type letters of the choices above, from {span}")


def _ask(interactive: bool, what: str, option: str, default: str | None = None) -> str:
    if not interactive:
        if default is not None:
            return default
        raise BadInputError(f"missing {option} (needed when not run at a terminal)")
    value: str = typer.prompt(what.capitalize(), default=default)
    return value


def _ask_many(
    label: Callable[[int], str], least: int = 0, most: int | None = None, need: str = ""
) -> list[str]:
    """Values until an empty line (but at least ``least``, saying ``need`` when there are
    fewer, and at most ``most``); ``label(n)`` names the n-th (from 0) in its prompt."""
    values: list[str] = []
    while most is None or len(values) < most:
        value = typer.prompt(
            f"{label(len(values))} (empty to finish)",
            default="",
            show_default=False,
        )
        if value.strip():
            values.append(value)
        elif len(values) >= least:
            return values
        else:
            typer.echo(need)
    return values


@app.command()
@reports_errors
def edit(
    question_id: Annotated[str, typer.Argument(metavar="ID", help="The question's id.")],
    bank: BankOption = None,
) -> None:
    """Open a question of your own bank files in $EDITOR at its line; the file is validated
    when the editor closes, and put back as it was if it is invalid."""
    import os
    import shlex
    import subprocess

    from mlops_quiz.bank import load_bank, question_line, read_text
    from mlops_quiz.config import bundled_bank_path, user_bank_path

    settings = resolve_settings(None, bank, None)
    paths = settings.bank_paths
    # your own bank leniently, as every command reads it: its invalid items are edited too
    question = load_questions(settings).by_id().get(question_id)
    own = user_bank_path()
    if question is not None:
        target, line = Path(question.file), question.line
    elif own in paths and (left_out := question_line(read_text(own), question_id)):
        target, line = own, left_out
    else:
        raise BadInputError(f"no question with id {question_id!r} in the loaded banks")
    if target.resolve() == bundled_bank_path().resolve():
        raise BadInputError(
            f"{question_id!r} is in the bundled bank, which is not edited in place; "
            "add your own version with 'mlops-quiz add-question'"
        )
    editor = os.environ.get("VISUAL") or os.environ.get("EDITOR")
    if not editor:
        raise BadInputError("set $EDITOR to the editor to use")
    before = target.read_bytes()
    subprocess.run([*shlex.split(editor), f"+{line}", str(target)], check=False)
    try:
        load_bank(paths, topics_from=bundled_bank_path())
    except BankError as problems:
        target.write_bytes(before)
        raise BankError([*problems.problems, f"{target}: kept as it was before the edit"]) from None
    print(f"edited {question_id} in {target}")
