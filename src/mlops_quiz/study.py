"""The study loop: asks each item, reads the typed answer and the grade, hands them to the session.

At a terminal it draws Rich panels; when standard input is not a terminal it reads one line per
prompt (the answer, then the grade), so sessions can be scripted. Ctrl-C or end of input ends
the session cleanly: every answer already given has been committed, and a summary is printed.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from mlops_quiz import render
from mlops_quiz.bank import Bank
from mlops_quiz.checking import check_answer
from mlops_quiz.scheduler import GRADE_MAX, GRADE_MIN
from mlops_quiz.session import StudySession

if TYPE_CHECKING:
    from rich.console import Console

UNDO = "u"
QUIT = "q"


class EndSession(Exception):
    """The learner asked to stop (q, Ctrl-C or end of input)."""


def read_line(prompt: str, con: Console) -> str:
    con.print(prompt, end="", markup=False, highlight=False)
    scripted = not sys.stdin.isatty()
    try:
        line = sys.stdin.readline() if scripted else input()
    except (EOFError, KeyboardInterrupt):
        con.print()
        raise EndSession from None
    if scripted:
        if line == "":
            con.print()
            raise EndSession
        line = line.rstrip("\r\n")
        con.print(render.literal(line))  # nothing echoed it: keep the transcript readable
    return line


def parse_grade(raw: str, suggested: int | None) -> int | str | None:
    """A grade, UNDO or QUIT; None if the input is not valid."""
    text = raw.strip().lower()
    if text == "" and suggested is not None:
        return suggested
    if text in (UNDO, QUIT):
        return text
    if text.isascii() and text.isdigit() and GRADE_MIN <= int(text) <= GRADE_MAX:
        return int(text)
    return None


def run(
    session: StudySession,
    bank: Bank,
    con: Console,
    read: Callable[[str, Console], str] = read_line,
) -> None:
    """Ask items until the queue is empty or the learner stops; then print the summary."""
    if session.total == 0:
        con.print(
            render.notice(
                "Nothing to study right now: no item is due and the daily new "
                "limit is reached. Try --cram to practise anyway."
            )
        )
        return
    if sys.stdin.isatty():
        import readline  # noqa: F401  (line editing for input())
    con.print(render.grade_legend())
    try:
        while (item := session.next_item()) is not None:
            con.print(render.question_panel(session, item, bank))
            started = time.monotonic()
            typed = read(render.answer_hint(item.question) + ": ", con)
            duration_ms = int((time.monotonic() - started) * 1000)
            check = check_answer(item.question, typed)
            con.print(render.reveal_panel(item.question, typed, check))
            grade = ask_grade(session, con, check.suggested if check else None, read)
            if grade is None:  # undone: the previous item is asked again
                con.print(render.notice("Undone: that answer was taken back and is asked again."))
                continue
            answered = session.answer(item, grade, typed, duration_ms)
            con.print(render.after_answer(answered.after, item.kind, grade, session.today))
    except (EndSession, KeyboardInterrupt):
        pass  # Ctrl-C while something is drawn or saved ends the session the same way
    con.print(render.summary(session.summary(), session.today))


def ask_grade(
    session: StudySession,
    con: Console,
    suggested: int | None,
    read: Callable[[str, Console], str],
) -> int | None:
    """The grade for the current item; None once the previous answer has been undone."""
    while True:
        choice = parse_grade(read(render.grade_prompt(suggested), con), suggested)
        if choice == QUIT:
            raise EndSession
        if choice == UNDO:
            if session.undo() is not None:
                return None
            con.print(render.notice("Nothing to undo yet."))
        elif isinstance(choice, int):
            return choice
        else:
            con.print(render.notice("Please type a grade from 0 to 5, u to undo or q to quit."))
