"""The study loop: asks each item, reads the typed answer and the grade, hands them to the session.

At a terminal it draws Rich panels and reads with line editing; when standard input is not a
terminal it reads one line per prompt (the answer, then the grade), so sessions can be
scripted; a prompt asked again (an answer that is no answer, a grade out of range) reads the
next line. Ctrl-C or end of input ends the session cleanly: every answer already given has been
committed, and a summary is printed.

After an open answer the item's key points are shown as a checklist (found or missing in the
answer) with a suggested grade; at a terminal the learner corrects the marks at the grade prompt
(``+2 -3``: point 2 made, point 3 missed) and the suggestion follows. A script answers one line
and grades one line per item, as for every other type.

Commands: ``:q`` quits, ``:u`` undoes the previous answer, ``:b`` buries the item (skips it,
ungraded, until the next study day), ``:s`` suspends it (until unsuspended) and ``:?`` shows the
help at every prompt; at the grade prompt ``q``, ``u``, ``b``, ``s``, ``?`` and ``f`` (a long
answer in full) work alone too.
A typed answer can never be taken for a command: at the answer prompt only the exact ``:``
commands are, and lines pasted along with an answer belong to the answer.
"""

from __future__ import annotations

import os
import random
import re
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from mlops_quiz.bank import Bank, Question, choice_letter
from mlops_quiz.checking import Check, NotAnAnswer, check_answer, is_quick
from mlops_quiz.checking.matchers import WORDS, Loader, OpenChecker
from mlops_quiz.checking.words import is_empty, suggest_grade
from mlops_quiz.errors import AnsweredElsewhereError
from mlops_quiz.scheduling import GRADE_MAX, GRADE_MIN
from mlops_quiz.store.schema import format_points_made
from mlops_quiz.study.session import Item, StudySession
from mlops_quiz.ui import render
from mlops_quiz.ui.pager import page

if TYPE_CHECKING:
    from rich.console import Console, RenderableType

    from mlops_quiz.checking.words import OpenCheck

UNDO = "u"
QUIT = "q"
HELP = "?"
FULL = "f"
BURY = "b"
SUSPEND = "s"
COMMAND_PREFIX = ":"
CONTINUATION = "\\"
"""An answer line ending with this goes on on the next line."""
ENV_SEED = "MLOPS_QUIZ_SEED"
"""Seeds the shuffling of mcq choices, so scripted sessions are reproducible."""
PASTE_GRACE_SECONDS = 0.05
"""Input arriving this soon after an answer line was pasted with it (nobody types that fast)."""
SCREEN_MARGIN = 2
"""Lines kept free below a reveal for the grade prompt."""


CORRECTION = re.compile(r"\s*(?:[+-]\s*\d+[\s,]*)+")
"""A line of mark corrections at the grade prompt: ``+2 -3``, ``+1,+4``."""


@dataclass
class PointMarks:
    """The key points of an open answer: what the checker found, and the marks as the learner
    corrected them; the suggested grade follows the marks."""

    found: OpenCheck
    quick: bool
    made: list[bool] = field(default_factory=list)

    def __post_init__(self) -> None:
        if not self.made:
            self.made = [p.covered for p in self.found.points]

    @property
    def suggested(self) -> int | None:
        empty = self.found.empty and not any(self.made)
        return suggest_grade(sum(self.made), len(self.made), empty=empty, quick=self.quick)

    def correct(self, typed: str) -> None:
        """Apply ``+n``/``-n`` corrections; NotAnAnswer (nothing changed) for a wrong number."""
        changes = [(sign == "+", int(n)) for sign, n in re.findall(r"([+-])\s*(\d+)", typed)]
        count = len(self.made)
        for _, n in changes:
            if not 1 <= n <= count:
                raise NotAnAnswer(
                    f"There is no key point {n}: use +1 to +{count} (made) or -1 to -{count}."
                )
        for made, n in changes:
            self.made[n - 1] = made

    def recorded(self) -> str:
        return format_points_made(self.made)


def check_points(
    q: Question, typed: str, seconds: float, checker: OpenChecker = WORDS
) -> PointMarks | None:
    """The key points an open answer made, or None for another type or no key points."""
    if q.type != "open" or not q.key_points:
        return None
    quick = is_quick(seconds, q, typed)
    return PointMarks(checker.check_question(q, typed, quick=quick), quick)


def open_suggestion(q: Question, typed: str) -> int | None:
    """The grade suggested for an open item before its key points are marked: 0 for an empty
    answer (README "your answer": empty is 0), none for another answer to an item without key
    points (one with key points is suggested by ``PointMarks``)."""
    if q.type != "open":
        return None
    return suggest_grade(0, 0, empty=is_empty(typed))


class EndSession(Exception):
    """The learner asked to stop (q, Ctrl-C or end of input)."""


class UndoRequest(Exception):
    """The learner asked to take back the previous answer."""


class BuryRequest(Exception):
    """The learner asked to skip the current item until the next study day."""


class SuspendRequest(Exception):
    """The learner asked to put the current item aside until it is unsuspended."""


def command(text: str, at_grade_prompt: bool) -> str | None:
    """The command in a typed line (QUIT, UNDO, HELP, FULL, BURY, SUSPEND), or None if it is
    none."""
    word = text.strip().lower()
    commands = (QUIT, UNDO, HELP, FULL, BURY, SUSPEND)
    if word.startswith(COMMAND_PREFIX) and word[1:] in commands:
        return word[1:]
    if at_grade_prompt and word in commands:
        return word
    return None


@dataclass
class Reader:
    """Reads the learner's lines: from a terminal with line editing, or from a script."""

    con: Console
    interactive: bool

    @classmethod
    def for_stdin(cls, con: Console) -> Reader:
        interactive = sys.stdin.isatty()
        if interactive:
            import readline  # noqa: F401  (line editing for input())
        return cls(con, interactive)

    def line(self, prompt: str) -> str:
        """One line. At a terminal the prompt goes to ``input()`` itself, so the line editor
        knows it and the cursor is on a fresh line after Enter, whatever was typed."""
        try:
            if self.interactive:
                return input(prompt)
            self.con.print(prompt, end="", markup=False, highlight=False, soft_wrap=True)
            line = sys.stdin.readline()
        except (EOFError, KeyboardInterrupt):
            self.con.print()
            raise EndSession from None
        if line == "":
            self.con.print()
            raise EndSession
        line = line.rstrip("\r\n")
        self.con.print(render.literal(line), soft_wrap=True)  # nothing echoed it
        return line

    def answer(self, prompt: str) -> str:
        """An answer: lines ending in a backslash go on, and at a terminal the lines pasted
        along with the first one are part of it (they must never reach the grade prompt)."""
        lines = [self.line(prompt)]
        while lines[-1].endswith(CONTINUATION):
            lines[-1] = lines[-1][: -len(CONTINUATION)]
            lines.append(self.line(render.CONTINUATION_PROMPT))
        if self.interactive:
            pasted = _pending_input()
            if pasted:
                lines.extend(pasted.replace("\r\n", "\n").replace("\r", "\n").split("\n"))
        return "\n".join(lines).strip("\n")


def _pending_input() -> str:
    """What is waiting on a terminal's input right now (the rest of a paste), read without
    waiting for a newline or echoing it; empty if nothing is or this is no POSIX terminal."""
    try:
        import select
        import termios
    except ImportError:  # pragma: no cover - not POSIX
        return ""
    fd = sys.stdin.fileno()
    try:
        saved = termios.tcgetattr(fd)
    except termios.error:
        return ""
    raw = list(saved)
    raw[3] &= ~(termios.ICANON | termios.ECHO)
    raw[6] = list(saved[6])
    raw[6][termios.VMIN] = 0
    raw[6][termios.VTIME] = 0
    chunks: list[bytes] = []
    termios.tcsetattr(fd, termios.TCSANOW, raw)
    try:
        while select.select([fd], [], [], PASTE_GRACE_SECONDS)[0]:
            data = os.read(fd, 65536)
            if not data:
                break
            chunks.append(data)
    finally:
        termios.tcsetattr(fd, termios.TCSANOW, saved)
    return b"".join(chunks).decode("utf-8", "replace")


def parse_grade(raw: str, suggested: int | None) -> int | None:
    """A grade from 0 to 5 (empty takes the suggested one); None if the input is not valid."""
    text = raw.strip()
    if text == "" and suggested is not None:
        return suggested
    if text.isascii() and text.isdigit() and GRADE_MIN <= int(text) <= GRADE_MAX:
        return int(text)
    return None


def choice_order(question: Question, rng: random.Random) -> list[int] | None:
    """The order an mcq's choices are shown in (``order[shown] = bank index``), or None."""
    if question.type != "mcq" or not question.shuffle:
        return None
    return rng.sample(range(len(question.choices)), len(question.choices))


def logged_answer(typed: str, check: Check | None, order: Sequence[int] | None) -> str:
    """What goes into the review log: the typed text; for shuffled choices, the bank's
    letters first, then what was typed and the order shown (shown a) was bank letter ...)."""
    if order is None or check is None or check.empty:
        return typed
    chosen = ",".join(choice_letter(i) for i in sorted(check.chosen))
    shown = ",".join(choice_letter(i) for i in order)
    return f"{chosen} (typed: {typed.strip()}; shown: {shown})"


def random_source() -> random.Random:
    seed = os.environ.get(ENV_SEED)
    return random.Random(seed) if seed else random.Random()


def run(
    session: StudySession,
    bank: Bank,
    con: Console,
    reader: Reader | None = None,
    matcher: Loader | None = None,
) -> None:
    """Ask items until the queue is empty or the learner stops; then print the summary.

    ``matcher`` checks open answers; its model loads in the background from the first open
    item on, while the learner reads and types (a session of cards and choices, or one ended
    before its first open item, never loads it)."""
    if session.total == 0:
        next_due = session.summary().next_due
        con.print(render.nothing_to_study(session.empty_reason(), next_due, session.today))
        return
    reader = reader or Reader.for_stdin(con)
    rng = random_source()
    con.print(render.session_header(session))
    con.print(render.grade_legend() if session.first else render.legend_reminder())
    try:
        while (item := session.next_item()) is not None:
            ask(session, item, bank, con, reader, rng, matcher)
    except (EndSession, KeyboardInterrupt):
        pass  # Ctrl-C while something is drawn or saved ends the session the same way
    con.print(render.summary(session.summary(), session.today))


def ask(
    session: StudySession,
    item: Item,
    bank: Bank,
    con: Console,
    reader: Reader,
    rng: random.Random,
    matcher: Loader | None = None,
) -> None:
    """One item: question, answer, reveal, grade. Returns early when an answer is undone."""
    q = item.question
    if matcher is not None and q.type == "open" and q.key_points:
        matcher.start()  # loads while the question is read and answered
    order = choice_order(q, rng)
    question = render.question_panel(session, item, bank, order, con.size.width)
    con.print(question)
    started = time.monotonic()
    try:
        typed, check = read_answer(session, q, order, started, con, reader)
    except UndoRequest:
        undo(session, con)
        return
    except BuryRequest:
        bury(session, item, con)
        return
    except SuspendRequest:
        suspend(session, item, con)
        return
    seconds = time.monotonic() - started
    duration_ms = int(seconds * 1000)
    checker = matcher.checker() if matcher and q.type == "open" and q.key_points else WORDS
    marks = check_points(q, typed, seconds, checker)
    points = marks.found if marks else None
    full = render.reveal_panel(q, typed, check, order, points=points)
    shown: RenderableType = full
    if reader.interactive:
        shown = fit_reveal(con, question, full, q, typed, check, order, points)
    con.print(shown)
    suggested = check.suggested if check else open_suggestion(q, typed)
    try:
        grade = read_grade(
            session, con, reader, suggested, full if shown is not full else None, marks
        )
    except UndoRequest:
        undo(session, con)
        return
    except BuryRequest:
        bury(session, item, con)
        return
    except SuspendRequest:
        suspend(session, item, con)
        return
    try:
        answered = session.answer(
            item,
            grade,
            logged_answer(typed, check, order),
            duration_ms,
            key_points_made=marks.recorded() if marks else None,
        )
    except AnsweredElsewhereError:
        con.print(
            render.notice(
                "Skipped: this card was answered in another session meanwhile; "
                "this answer was not recorded."
            )
        )
        return
    con.print(render.after_answer(answered.after, item.kind, grade, session.today))
    if answered.suspended:
        con.print(
            render.notice(
                f"This card has lapsed {answered.after.lapses} times: it is a leech and was "
                f"suspended ('mlops-quiz unsuspend {item.question.id}' brings it back)."
            )
        )


STEPS = ((0, True), (0, False), (1, False), (2, False))
"""How far ``fit_reveal`` shortens a reveal, step by step: (``compact``, whether a cloze keeps
its filled prompt and the echo of the typed answer), see ``render.reveal_panel``."""


def fit_reveal(
    con: Console,
    question: RenderableType,
    full: RenderableType,
    q: Question,
    typed: str,
    check: Check | None,
    order: Sequence[int] | None,
    points: OpenCheck | None = None,
) -> RenderableType:
    """The reveal to show at a terminal: in full if it fits under the question and the typed
    answer with room for the grade prompt, else shortened until it does: the answer text cut,
    then left out (it matters less than the verdict on each choice, gap or key point), with a
    cloze's filled prompt and the echo of its answer (its gap rows say the same), then each
    choice, gap and key point kept to one line, then the other accepted answers and the
    echo of the typed answer left out. When even that is too tall the question scrolls away,
    and the reveal, shortened the same way if need be, fits the screen."""
    width = con.size.width
    typed_rows = -(-(len(render.answer_hint(q)) + len(typed) + 1) // max(1, width))
    under_question = con.size.height - height(con, question) - typed_rows - SCREEN_MARGIN
    shown = full
    for room in (under_question, con.size.height - SCREEN_MARGIN):
        if height(con, full) <= room:
            return full
        for compact, prompt in STEPS if q.type == "cloze" else STEPS[:1] + STEPS[2:]:
            shown = render.reveal_panel(q, typed, check, order, 0, points, compact, width, prompt)
            spare = room - height(con, shown) - 1  # a blank line before the answer text
            if compact == 0 and spare > 0:  # once anything else is cut, the answer text is out
                shown = render.reveal_panel(q, typed, check, order, spare, points, 0, width, prompt)
            if height(con, shown) <= room:
                return shown
    return shown


def height(con: Console, renderable: RenderableType) -> int:
    return len(con.render_lines(renderable, pad=False))


def read_answer(
    session: StudySession,
    q: Question,
    order: Sequence[int] | None,
    started: float,
    con: Console,
    reader: Reader,
) -> tuple[str, Check | None]:
    """The typed answer and its check; asks again (revealing nothing) until it is an answer."""
    while True:
        typed = reader.answer(render.answer_hint(q))
        cmd = command(typed, at_grade_prompt=False)
        if leaves_the_item(cmd, session, con):
            continue
        if cmd is not None:  # help; f has nothing to show yet
            con.print(render.grade_legend())
        else:
            try:
                return typed, check_answer(q, typed, time.monotonic() - started, order)
            except NotAnAnswer as problem:
                con.print(render.notice(str(problem)))


def leaves_the_item(cmd: str | None, session: StudySession, con: Console) -> bool:
    """The commands every prompt shares: quit, bury and undo leave the item (by raising);
    True when the command was undo with nothing to undo, said and done."""
    if cmd == QUIT:
        raise EndSession
    if cmd == BURY:
        raise BuryRequest
    if cmd == SUSPEND:
        raise SuspendRequest
    if cmd == UNDO:
        if session.history:
            raise UndoRequest
        con.print(render.notice("Nothing to undo yet."))
        return True
    return False


def read_grade(
    session: StudySession,
    con: Console,
    reader: Reader,
    suggested: int | None,
    full: RenderableType | None,
    marks: PointMarks | None = None,
) -> int:
    """The grade for the current item. ``full`` is the whole reveal when a shortened one was
    shown (``f`` shows it in a pager). ``marks``: the key points of an open answer, which the
    learner corrects here at a terminal (the suggestion follows them). Raises UndoRequest or
    EndSession."""
    fixable = marks is not None and reader.interactive
    intervals = session.intervals(session.current) if session.current else None
    if intervals:
        con.print(render.intervals_line(intervals))
    while True:
        if marks is not None:
            suggested = marks.suggested
        prompt = render.grade_prompt(suggested, long_answer=full is not None, marks=fixable)
        raw = reader.line(prompt)
        cmd = command(raw, at_grade_prompt=True)
        if fixable and marks is not None and CORRECTION.fullmatch(raw):
            try:
                marks.correct(raw)
            except NotAnAnswer as problem:
                con.print(render.notice(str(problem)))
                continue
            texts = [p.text for p in marks.found.points]
            found = [p.covered for p in marks.found.points]
            for line in render.key_point_lines(texts, marks.made, found):
                con.print(line)
            con.print(render.suggestion(marks.suggested))
            continue
        if leaves_the_item(cmd, session, con):
            continue
        if cmd == HELP:
            con.print(render.grade_legend())
        elif cmd == FULL:
            if full is None:
                con.print(render.notice("The whole answer is shown above."))
            else:
                page(con, full)
        elif (grade := parse_grade(raw, suggested)) is not None:
            return grade
        else:
            con.print(render.notice("Please type a grade from 0 to 5 (? for help)."))


def bury(session: StudySession, item: Item, con: Console) -> None:
    if session.cram:
        con.print(render.notice("Skipped (practice leaves the schedule alone)."))
        session.queue = [i for i in session.queue if i.question.id != item.question.id]
        return
    session.bury(item)
    con.print(render.notice("Buried: skipped, ungraded, until the next study day."))


UNDONE_PROMPT_CHARS = 60
"""How much of an undone item's prompt the undo notice quotes."""


def suspend(session: StudySession, item: Item, con: Console) -> None:
    session.suspend(item)
    con.print(
        render.notice(
            f"Suspended: skipped, ungraded, until 'mlops-quiz unsuspend {item.question.id}'."
        ),
        markup=False,
    )


def undo(session: StudySession, con: Console) -> None:
    """Take back the previous answer, saying whose: that item is asked again, then the one
    that was on screen (an answer typed to it is dropped)."""
    item = session.undo()
    if item is None:  # pragma: no cover - leaves_the_item checks the history first
        return
    prompt = " ".join(item.question.prompt.split())
    if len(prompt) > UNDONE_PROMPT_CHARS:
        prompt = prompt[: UNDONE_PROMPT_CHARS - 1].rstrip() + "…"
    con.print(
        render.notice(
            f"Undone: your answer to {item.question.id} ({prompt!r}) was taken back; "
            "it is asked again, then the item you were on."
        ),
        markup=False,
    )
