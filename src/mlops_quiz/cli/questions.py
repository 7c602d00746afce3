"""The bank's files: validate, add-question."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Optional

import typer

from mlops_quiz.cli.common import BankOption, app, reports_errors, warn
from mlops_quiz.errors import BadInputError

if TYPE_CHECKING:
    pass


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
    from mlops_quiz.config import bank_paths, bank_warnings

    paths = list(files) if files else bank_paths(None)
    if not files:
        for message in bank_warnings(None):
            warn(message)
    loaded = load_bank(paths)
    print(
        f"ok: {len(loaded.questions)} questions in {len(loaded.topics)} topics, "
        f"{len(paths)} file(s)"
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

    Missing fields are asked for when run at a terminal. Prints the new question's id.
    """
    from mlops_quiz import authoring, config

    interactive = sys.stdin.isatty()
    qtype = qtype or _ask(interactive, "type (open, mcq, cloze)", "--type", "open")
    if qtype not in ("open", "mcq", "cloze"):
        raise BadInputError(f"unknown type {qtype!r}; use open, mcq or cloze")
    topic = topic or _ask(interactive, "topic id", "--topic")
    prompt = prompt or _ask(
        interactive, "prompt" if qtype != "cloze" else "text with {{gaps}}", "--prompt"
    )
    if qtype == "open" and not answer:
        answer = _ask(interactive, "model answer", "--answer")
    if qtype == "open" and not key_point and interactive:
        key_point = _ask_many("key point")
    if qtype == "mcq":
        if not choice:
            choice = _ask_many("choice") if interactive else []
        if not correct:
            correct = _ask(interactive, "correct letters (e.g. b or a,c)", "--correct")
    item: dict[str, Any] = {"id": qid, "topic": topic, "type": qtype, "prompt": prompt}
    if answer:
        item["answer"] = answer
    if key_point:
        item["key_points"] = list(key_point)
    if qtype == "mcq":
        item["choices"] = list(choice or [])
        letters = [c.strip() for c in (correct or "").replace(" ", ",").split(",") if c.strip()]
        item["correct"] = letters[0] if len(letters) == 1 else letters
    if tag:
        item["tags"] = list(tag)
    if not qid:
        del item["id"]
    if bank and len(bank) > 1:
        target, others = bank[-1], list(bank[:-1])
    elif bank:  # one file: the topics of the usual banks may be used in it
        target = bank[0]
        others = [p for p in config.bank_paths(None) if p != target]
    else:
        target = config.user_bank_path()
        others = [p for p in config.bank_paths(None) if p != target]
    new_id = authoring.add_question(target, others, item)
    print(new_id)


def _ask(interactive: bool, what: str, option: str, default: str | None = None) -> str:
    if not interactive:
        if default is not None:
            return default
        raise BadInputError(f"missing {option} (needed when not run at a terminal)")
    value: str = typer.prompt(what.capitalize(), default=default)
    return value


def _ask_many(what: str) -> list[str]:
    values: list[str] = []
    while True:
        value = typer.prompt(
            f"{what.capitalize()} {len(values) + 1} (empty to finish)",
            default="",
            show_default=False,
        )
        if not value.strip():
            return values
        values.append(value)
