"""Everything the learner sees, drawn with Rich.

Text from a bank file or typed by a learner is always shown literally: Rich markup in it is
not interpreted, and control characters (escape sequences) are made visible instead of being
sent to the terminal.
"""

from __future__ import annotations

import re
import sys
import textwrap
from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING, Any

from rich.console import Console, Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from mlops_quiz.bank import Bank, Question, choice_letter, cloze_text
from mlops_quiz.checking import other_answers
from mlops_quiz.scheduling import GRADE_MEANINGS, CardState, needs_repeat
from mlops_quiz.text import LIST_ITEM, cut_point, reflow, shorten, visible

if TYPE_CHECKING:
    from mlops_quiz.checking import Check
    from mlops_quiz.checking.words import OpenCheck
    from mlops_quiz.study.session import Item, StudySession, Summary


def literal(text: str, style: str = "") -> Text:
    """Text shown exactly as written: no markup, hidden characters (escape sequences, bidi and
    zero-width marks) made visible by ``text.visible``."""
    return Text(visible(text), style=style)


def prose(text: str, style: str = "") -> Group:
    """Bank text (a prompt, an answer, a choice, a key point) reflowed by ``text.reflow`` to
    the width it is drawn in: paragraphs wrap at that width, and a list item's wrapped lines
    hang under its text, past its marker."""
    parts: list[Any] = []
    for line in reflow(text).split("\n"):
        item = LIST_ITEM.match(line)
        if item:
            parts.append(hanging(literal(item.group(0), style), literal(line[item.end() :], style)))
        else:
            parts.append(literal(line, style))
    return Group(*parts)


def hanging(lead: Text, body: Text, *after: Text, one_line: bool = False) -> Table:
    """``lead`` (a mark, a letter, a number) with ``body`` beside it: the body's wrapped lines
    keep under its first one. ``one_line`` cuts the body to one line with an ellipsis, and
    ``after`` (a note such as "← your choice") stays whole beside it."""
    grid = Table.grid()
    grid.add_column(no_wrap=True, width=lead.cell_len)
    grid.add_column(overflow="fold")
    for note in after:
        grid.add_column(no_wrap=True, width=note.cell_len)
    if one_line:
        body = body.copy()
        body.no_wrap, body.overflow = True, "ellipsis"
    grid.add_row(lead, body, *after)
    return grid


def cut_text(text: Text, width: int) -> Text:
    """``text`` on one line of at most ``width`` columns, its styles kept: cut after a whole
    word, with "…" (``text.cut_point``)."""
    one = text.copy()
    one.plain = one.plain.replace("\n", " ")
    keep = cut_point(one.plain, width)
    if keep is None:
        return one
    cut = one[:keep]
    cut.append("…")
    return cut


PANEL_TITLE_EDGES = 4
"""Columns a panel's top border takes beside its title: its corners and a line each side."""


def title_text(text: str, style: str = "", width: int | None = None) -> Text:
    """A panel's title from outside text: in a panel ``width`` wide, cut after a whole word
    with "…" when it is too wide (Rich's own ellipsis, mid-word, is the last resort)."""
    flat = " ".join(text.split())
    if width is not None:
        flat = shorten(flat, width - PANEL_TITLE_EDGES)
    title = literal(flat, style)
    title.overflow = "ellipsis"
    return title


def console(stderr: bool = False) -> Console:
    # Rich honours NO_COLOR and TERM=dumb by itself; highlight=False keeps numbers plain.
    return Console(stderr=stderr, highlight=False, soft_wrap=False)


def notice(message: str) -> Text:
    return Text(message, style="yellow")


def error(message: str) -> None:
    """Each problem as one unwrapped ``error: ...`` line on stderr."""
    for line in message.splitlines() or [message]:
        sys.stderr.write(f"error: {literal(line).plain}\n")


# ---------------------------------------------------------------- study


def shown_choices(q: Question, order: Sequence[int] | None) -> list[tuple[int, str]]:
    """(bank index, text) of an mcq's choices in the order shown."""
    indexes = order if order is not None else range(len(q.choices))
    return [(i, q.choices[i]) for i in indexes]


def session_header(session: StudySession) -> Text:
    """One line of what is ahead in this session."""
    if session.cram:
        return Text(f"Practice: {session.planned} items; the schedule is kept.", style="bold")
    ahead = session.ahead
    parts = [f"{ahead.due} due", f"{ahead.new} new"]
    if ahead.repeats:
        parts.append(f"{ahead.repeats} {_plural(ahead.repeats, 'repeat')} owed from earlier today")
    return Text("Ahead: " + " · ".join(parts), style="bold")


def _plural(n: int, word: str) -> str:
    return word if n == 1 else word + "s"


def nothing_to_study(reason: str, next_due: date | None, today: date) -> Text:
    text = Text(f"Nothing to study: {reason}.", style="yellow")
    text.append(f" Next due: {_when(next_due, today)}.")
    if "--limit" not in reason and "no questions" not in reason:
        text.append(" --cram practises anyway.")
    return text


def question_panel(
    session: StudySession,
    item: Item,
    bank: Bank,
    order: Sequence[int] | None = None,
    width: int | None = None,
) -> Panel:
    q = item.question
    topic = bank.topics.get(q.topic)
    body: list[Any] = []
    body.append(prose(cloze_text(q.prompt) if q.type == "cloze" else q.prompt, "bold"))
    if q.type == "mcq":
        body.append(Text(""))
        for n, (_, choice) in enumerate(shown_choices(q, order)):
            letter = Text(f"  {choice_letter(n)}) ", style="cyan")
            body.append(hanging(letter, literal(reflow(choice))))
    state = session.state_of(q.id)
    status = {"repeat": "again today", "cram": "cram"}.get(item.kind) or (
        "new" if state.is_new else f"review · every {state.interval} d"
    )
    place = f"{item.number} of {session.planned}" if item.number else "repeat"
    title = title_text(topic.title if topic else q.topic, "bold magenta", width)
    return Panel(
        Group(*body),
        title=title,
        title_align="left",
        subtitle=Text(f"{q.type} · {status} · {place}"),
        subtitle_align="right",
        border_style="magenta",
        padding=(1, 2),
    )


def answer_hint(q: Question) -> str:
    if q.type == "mcq":
        if len(q.correct) > 1:
            return "Your choices (letters, e.g. a,c; Enter: don't know): "
        return "Your choice (a letter; Enter: don't know): "
    if q.type == "cloze":
        if len(q.gaps) > 1:
            return f"Fill the {len(q.gaps)} gaps, separated by ; (Enter: don't know): "
        return "Fill the gap (Enter: don't know): "
    return "Your answer (Enter to reveal): "


CONTINUATION_PROMPT = "... "


def _verdict(check: Check) -> Text:
    if check.empty:
        return Text("• not answered", style="bold yellow")
    if check.correct:
        return Text("✓ right", style="bold green")
    return Text(f"✗ not quite ({check.share:.0%} right)", style="bold red")


MIN_CHOICE_WIDTH = 20
"""The narrowest a choice is cut to on one line (its letter plus a few words): narrower, its
note ("← correct, not chosen") goes on the line under it."""
PANEL_EDGES = 6
"""Columns a reveal panel takes around its text: borders and padding."""


def _choice_lines(
    q: Question,
    check: Check | None,
    order: Sequence[int] | None,
    one_line: bool = False,
    width: int = 80,
) -> list[Table]:
    """A row per choice with its mark and note; ``one_line`` cuts each choice to one line of
    at least ``MIN_CHOICE_WIDTH`` columns of a panel ``width`` wide, its note beside it or, when
    that leaves less, under it."""
    lines = []
    chosen = check.chosen if check is not None else frozenset()
    for n, (index, choice) in enumerate(shown_choices(q, order)):
        right, picked = index in q.correct, index in chosen
        if picked:
            mark, note = ("✓", "your choice, right") if right else ("✗", "your choice, wrong")
        elif right:
            mark, note = ("•", "correct") if not chosen else ("✗", "correct, not chosen")
        else:
            mark, note = " ", ""
        style = "green" if right else ("red" if picked else "dim")
        lead = Text(f" {mark} ", style=style) + Text(f"{choice_letter(n)}) ")
        noted = Text(f"  ← {note}", style=style) if note else Text("")
        room = width - PANEL_EDGES - lead.cell_len
        if one_line and room - noted.cell_len < MIN_CHOICE_WIDTH:
            lines.append(hanging(lead, Text(shorten(visible(choice), room), style)))
            if note:
                lines.append(hanging(Text(" " * lead.cell_len), Text(f"← {note}", style=style)))
        elif one_line:
            cut = Text(shorten(visible(choice), room - noted.cell_len), style)
            lines.append(hanging(lead, cut, noted, one_line=True))
        else:
            lines.append(hanging(lead, literal(reflow(choice), style) + noted))
    return lines


ALSO_ACCEPTED = "also accepted: "


def _gap_lines(
    q: Question, check: Check | None, also: int = 0, width: int = 80, prompt: bool = True
) -> list[Any]:
    """The prompt with its gaps filled (unless ``prompt`` is False), then a row per gap;
    ``also``: 0 lists every other accepted answer, 1 keeps each gap to one line of a panel
    ``width`` wide (cut after a word: the other accepted answers first), 2 leaves them out."""
    lines: list[Any] = [_filled_prompt(q, check)] if prompt else []
    label = len(f"gap {len(q.gaps)}")
    room = width - PANEL_EDGES - label - 1
    table = Table.grid(padding=(0, 1))
    table.add_column(no_wrap=True, width=label)
    table.add_column()
    for n, accepted in enumerate(q.gaps):
        given = check.given[n] if check else ""
        ok = bool(check and check.parts[n])
        if ok:
            said = Text("✓ ", style="green") + literal(given)
        elif given:
            said = Text("✗ ", style="red") + literal(given, "red") + Text(f" → {accepted[0]}")
        else:
            said = Text("• ", style="yellow") + Text(f"(empty) → {accepted[0]}")
        others = " / ".join(other_answers(accepted, given if ok else ""))
        if also == 1:
            said = cut_text(said, room)
            others = shorten(ALSO_ACCEPTED + others, room - said.cell_len - 2) if others else ""
            if len(others) <= len(ALSO_ACCEPTED):  # not even one whole word of them fits
                others = ""
        if others and also < 2:
            said.append_text(literal("  " + (others if also else ALSO_ACCEPTED + others), "dim"))
        table.add_row(Text(f"gap {n + 1}", style="bold"), said)
    lines.append(table)
    return lines


def _filled_prompt(q: Question, check: Check | None) -> Text:
    """A cloze's prompt with the first accepted answer in each gap (green where it was right)."""
    filled = Text()
    pieces = re.split(r"(\{\{.*?\}\})", reflow(q.prompt), flags=re.DOTALL)
    gap = 0
    for piece in pieces:
        if piece.startswith("{{") and piece.endswith("}}"):
            ok = bool(check and check.parts[gap])
            filled.append_text(literal(q.gaps[gap][0], "bold green" if ok else "bold yellow"))
            gap += 1
        else:
            filled.append_text(literal(piece))
    return filled


def key_point_lines(
    points: Sequence[str],
    made: Sequence[bool],
    found: Sequence[bool] | None = None,
    one_line: bool = False,
    width: int = 80,
) -> list[Any]:
    """The key points as a numbered checklist, ✓ made or ✗ missing (readable without colour);
    a mark that differs from what the checker ``found`` says "(corrected)". ``one_line`` cuts
    each point after a word to one line of a panel ``width`` wide."""
    count = sum(made)
    missing = len(points) - count
    lines: list[Any] = [
        Text(f"Key points (✓ made, ✗ missing): {count} made, {missing} missing", "bold")
    ]
    for n, (point, ok) in enumerate(zip(points, made, strict=True), 1):
        mark, style = ("✓", "green") if ok else ("✗", "red")
        lead = Text(f"  {mark} {n}. ", style=style)
        corrected = found is not None and found[n - 1] != ok
        note = Text("  (corrected)" if corrected else "", "yellow")
        body = literal(reflow(point))
        if one_line:
            body = cut_text(body, width - PANEL_EDGES - lead.cell_len - len(note))
        lines.append(hanging(lead, body + note, one_line=one_line))
    return lines


def word_end(text: str, at: int) -> int:
    """``at``, or the end of the word it falls inside."""
    while 0 < at < len(text) and text[at - 1].isalnum() and text[at].isalnum():
        at += 1
    return at


def highlighted_answer(typed: str, result: OpenCheck) -> Text:
    """The typed answer with the words that made a key point in bold and underlined, and the
    point's number in brackets after its last word: "the data [1] drifts". A match that ends
    inside a word (the stem of "drifts") is carried to the word's end, so a marker never splits
    a word."""
    spans = sorted({(start, word_end(typed, end)) for p in result.points for start, end in p.spans})
    merged: list[tuple[int, int]] = []
    for start, end in spans:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    last_end = {n: max(e for _, e in p.spans) for n, p in enumerate(result.points, 1) if p.spans}
    text = Text()
    position = 0
    for start, end in merged:
        text.append_text(literal(typed[position:start], "italic"))
        text.append_text(literal(typed[start:end], "bold underline"))
        numbers = [str(n) for n, at in sorted(last_end.items()) if start < at <= end]
        if numbers:
            text.append(f" [{','.join(numbers)}]", style="bold cyan")
        position = end
    text.append_text(literal(typed[position:], "italic"))
    return text


SHORTENED = "Shortened: f shows it in full."


def reveal_panel(
    q: Question,
    typed: str,
    check: Check | None,
    order: Sequence[int] | None = None,
    answer_lines: int | None = None,
    points: OpenCheck | None = None,
    compact: int = 0,
    width: int = 80,
    prompt: bool = True,
) -> Panel:
    """The model answer and how the typed one compares. To fit a small screen the reveal is
    shortened (``f`` at the grade prompt shows it in full): ``answer_lines`` cuts the answer
    text to that many lines of a panel ``width`` wide (0 leaves it out, as does any shortening
    when there are key points); ``compact`` 1 leaves it out and keeps each choice (never cut
    to less than its letter and a few words), gap and key point to one line, 2 also leaves out
    the other accepted answers and the echo of the typed answer. A cloze's filled prompt and
    the echo of its typed answer (its gap rows say the same) go before anything is cut to one
    line: ``prompt`` False leaves them out, as does any ``compact``. ``points``, the check of
    an open answer, shows the key points as a checklist and where each was found in the echo
    of the answer."""
    body: list[Any] = []
    if check is not None:
        body.append(_verdict(check))
    if q.type == "mcq":
        body.extend(_choice_lines(q, check, order, compact > 0, width))
    elif q.type == "cloze":
        prompt = prompt and compact == 0
        body.extend(_gap_lines(q, check, compact, width, prompt))
    if typed and compact < 2 and points is not None:
        body.append(Text("You wrote: ", style="dim") + highlighted_answer(typed, points))
    elif typed and (prompt if q.type == "cloze" else q.type == "open" and compact < 2):
        body.append(Text("You wrote: ", style="dim") + literal(typed, "italic"))
    shortened = answer_lines is not None or compact > 0
    if q.answer:
        answer: Any = prose(q.answer)
        if shortened and (q.key_points or not answer_lines or compact):
            answer = None
        elif answer_lines is not None:
            answer = _cut_lines(reflow(q.answer), answer_lines, width - 6)
        if answer is not None:
            if body:
                body.append(Text(""))
            body.append(answer)
    if q.key_points and points is not None:
        body.append(Text(""))
        made = [p.covered for p in points.points]
        body.extend(key_point_lines(q.key_points, made, one_line=compact > 0, width=width))
    elif q.key_points:
        body.append(Text(""))
        body.append(Text("Key points", style="bold"))
        for point in q.key_points:
            text = literal(reflow(point))
            if compact:
                text = cut_text(text, width - PANEL_EDGES - 4)
            body.append(hanging(Text("  • "), text, one_line=compact > 0))
    if shortened:
        body.append(Text(SHORTENED, "dim"))
    border = "cyan" if check is None else ("green" if check.correct else "red")
    title = "Answer" if check is None else ("Answer · right" if check.correct else "Answer · wrong")
    return Panel(Group(*body), title=title, title_align="left", border_style=border, padding=(0, 2))


def _cut_lines(text: str, lines: int, width: int) -> Text:
    """``text`` wrapped at ``width``, cut after ``lines`` lines (at a word, with " …")."""
    wrapped = [w for line in text.split("\n") for w in (textwrap.wrap(line, width) or [""])]
    kept = wrapped[: max(1, lines)]
    if len(kept) < len(wrapped):
        kept[-1] = (textwrap.wrap(kept[-1], width - 2) or [""])[0] + " …"
    return literal("\n".join(kept))


def grade_legend() -> Text:
    """What each grade means and which commands work at which prompt."""
    text = Text()
    for grade in sorted(GRADE_MEANINGS, reverse=True):
        text.append(f" {grade} ", style="bold reverse")
        text.append(f" {GRADE_MEANINGS[grade]}\n", style="dim")
    text.append("Answer prompt: ", style="bold")
    text.append("Enter alone = I don't know; a line ending in \\ goes on.\n")
    text.append("Grade prompt: ", style="bold")
    text.append("Enter takes the [grade]; u undo, q quit, f full answer, ? help.\n")
    text.append("Key points: ", style="bold")
    text.append("+2 marks point 2 made, -3 point 3 missed (at a terminal).\n")
    text.append("Every prompt: ", style="bold")
    text.append(":u undo the previous answer, :q quit, :? help; Ctrl-C quits.\n")
    text.append("Bury: ", style="bold")
    text.append("b (or :b) skips the item, ungraded, until the next study day.\n")
    text.append("Suspend: ", style="bold")
    text.append("s (or :s) puts the item aside, ungraded, until unsuspended.")
    return text


def legend_reminder() -> Text:
    """One line in place of the legend once a profile has studied: where to find it."""
    return Text("Grades 0 (blackout) to 5 (perfect) · :? shows the help", style="dim")


def span(days: int) -> str:
    """A number of days as Anki's buttons show it: 17d, 2.5mo, 1.3y."""
    if days < 30:
        return f"{days}d"
    if days < 365:
        return f"{days / 30:.1f}mo"
    return f"{days / 365:.1f}y"


def intervals_line(intervals: dict[int, int]) -> Text:
    """The interval each grade would give, best grade first; grades next to each other that give
    the same interval share one entry: ``5 17d · 4 15d · 3 12d · 0-2 1d``."""
    groups: list[list[int]] = []
    for grade in sorted(intervals, reverse=True):
        if groups and intervals[groups[-1][0]] == intervals[grade]:
            groups[-1].append(grade)
        else:
            groups.append([grade])
    parts = [
        f"{g[0] if len(g) == 1 else f'{g[-1]}-{g[0]}'} {span(intervals[g[0]])}" for g in groups
    ]
    text = Text("Next review: ", style="dim")
    text.append(" · ".join(parts))
    return text


def grade_prompt(suggested: int | None, long_answer: bool = False, marks: bool = False) -> str:
    """The grade prompt; ``marks``: the key points' marks can be corrected here."""
    default = f" [{suggested}]" if suggested is not None else ""
    more = "f full answer, " if long_answer else ""
    fix = "+n/-n fix a mark, " if marks else ""
    return f"Grade 0-5{default} ({fix}{more}? help): "


def suggestion(grade: int | None) -> Text:
    """The grade suggested once the marks were corrected."""
    return Text(f"Suggested grade: {grade}", style="bold") if grade is not None else Text("")


def _when(day: date | None, today: date) -> str:
    if day is None:
        return "nothing scheduled yet"
    if day <= today:
        return "today"
    days = (day - today).days
    return f"{'tomorrow' if days == 1 else f'in {days} days'} ({day.isoformat()})"


def after_answer(state: CardState, kind: str, grade: int, today: date) -> Text:
    if kind == "review" and state.due is not None:
        text = Text(f"saved · next review {_when(state.due, today)}", style="dim")
    else:
        text = Text("saved · schedule unchanged", style="dim")
    if needs_repeat(grade):
        text.append(" · back again later today", style="yellow")
    return text


def summary(result: Summary, today: date) -> Panel:
    table = Table.grid(padding=(0, 2))
    table.add_column(style="bold")
    table.add_column()
    table.add_row("Answered", str(result.answered))
    if result.answered:
        grades = "  ".join(f"{g}×{result.grades[g]}" for g in sorted(result.grades, reverse=True))
        table.add_row("Grades", grades)
    minutes, seconds = divmod(int(result.seconds), 60)
    table.add_row("Time", f"{minutes} min {seconds:02d} s")
    left = result.left
    if left.total:
        parts = [f"{left.due} due", f"{left.new} new"]
        if left.repeats:
            parts.append(f"{left.repeats} {_plural(left.repeats, 'repeat')} owed")
        table.add_row("Left today", " · ".join(parts))
    else:
        table.add_row("Left today", "nothing")
    nxt = _when(result.next_due, today)
    table.add_row("Next due", "more items are due today" if nxt == "today" else nxt)
    return Panel(table, title="Session over", title_align="left", border_style="cyan", expand=False)


# ---------------------------------------------------------------- topics


def topics_table(bank: Bank) -> Table:
    table = Table(title="Topics", title_justify="left")
    table.add_column("id")
    table.add_column("title")
    for name in ("open", "mcq", "cloze", "items"):
        table.add_column(name, justify="right")
    for topic in bank.topics.values():
        questions = [q for q in bank.questions if q.topic == topic.id]
        by_type = [sum(1 for q in questions if q.type == t) for t in ("open", "mcq", "cloze")]
        table.add_row(
            literal(topic.id), literal(topic.title), *map(str, by_type), str(len(questions))
        )
    table.caption = f"{len(bank.questions)} items in {len(bank.topics)} topics"
    return table
