"""Everything the learner sees, drawn with Rich.

Text from a bank file or typed by a learner is always shown literally: Rich markup in it is
not interpreted, and control characters (escape sequences) are made visible instead of being
sent to the terminal.
"""

from __future__ import annotations

import re
import sys
from datetime import date
from typing import TYPE_CHECKING, Any

from rich.console import Console, Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from mlops_quiz.bank import Bank, Question, choice_letter, cloze_text
from mlops_quiz.scheduler import GRADE_MEANINGS, CardState

if TYPE_CHECKING:
    from mlops_quiz.checking import Check
    from mlops_quiz.session import Item, StudySession, Summary
    from mlops_quiz.stats import Stats

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")
BAR_WIDTH = 30


def literal(text: str, style: str = "") -> Text:
    """Text shown exactly as written: no markup, control characters made visible."""
    visible = _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text.replace("\t", "    "))
    return Text(visible, style=style)


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


def question_panel(session: StudySession, item: Item, bank: Bank) -> Panel:
    q = item.question
    topic = bank.topics.get(q.topic)
    body: list[Any] = []
    if q.type == "cloze":
        body.append(literal(cloze_text(q.prompt), "bold"))
    else:
        body.append(literal(q.prompt, "bold"))
    if q.type == "mcq":
        body.append(Text(""))
        for n, choice in enumerate(q.choices):
            body.append(Text(f"  {choice_letter(n)}) ", style="cyan") + literal(choice))
    state = session.state_of(q.id)
    status = {"repeat": "again today", "cram": "cram"}.get(item.kind) or (
        "new" if state.is_new else f"review · every {state.interval} d"
    )
    title = literal(topic.title if topic else q.topic, "bold magenta")
    return Panel(
        Group(*body),
        title=title,
        title_align="left",
        subtitle=Text(f"{q.type} · {status} · {session.position} of {session.total}"),
        subtitle_align="right",
        border_style="magenta",
        padding=(1, 2),
    )


def answer_hint(q: Question) -> str:
    if q.type == "mcq":
        many = len(q.correct) > 1
        return "Your choice (letters, e.g. a or a,c)" if many else "Your choice (a letter)"
    if q.type == "cloze":
        if len(q.gaps) > 1:
            return f"Fill the {len(q.gaps)} gaps (separate them with ;)"
        return "Fill the gap"
    return "Your answer (Enter to reveal)"


def reveal_panel(q: Question, typed: str, check: Check | None) -> Panel:
    body: list[Any] = []
    if check is not None:
        verdict = (
            Text("✓ right", style="bold green")
            if check.correct
            else Text("✗ not quite", style="bold red")
        )
        body.append(verdict)
    if q.type == "mcq":
        for n, choice in enumerate(q.choices):
            right = n in q.correct
            mark = Text(" ✓ ", style="green") if right else Text("   ")
            body.append(
                mark + Text(f"{choice_letter(n)}) ") + literal(choice, "green" if right else "dim")
            )
    elif q.type == "cloze":
        filled = Text()
        pieces = re.split(r"(\{\{.*?\}\})", q.prompt, flags=re.DOTALL)
        gap = 0
        for piece in pieces:
            if piece.startswith("{{") and piece.endswith("}}"):
                accepted = q.gaps[gap]
                ok = check.parts[gap] if check and gap < len(check.parts) else False
                filled.append_text(literal(accepted[0], "bold green" if ok else "bold yellow"))
                gap += 1
            else:
                filled.append_text(literal(piece))
        body.append(filled)
        alternatives = [g for g in q.gaps if len(g) > 1]
        if alternatives:
            body.append(
                literal(
                    "also accepted: " + "; ".join(" / ".join(g[1:]) for g in alternatives), "dim"
                )
            )
    if q.answer:
        if body:
            body.append(Text(""))
        body.append(literal(q.answer))
    if q.key_points:
        body.append(Text(""))
        body.append(Text("Key points", style="bold"))
        for point in q.key_points:
            body.append(Text("  • ") + literal(point))
    if typed and q.type == "open":
        body.append(Text(""))
        body.append(Text("You wrote: ", style="dim") + literal(typed, "italic"))
    return Panel(
        Group(*body), title="Answer", title_align="left", border_style="green", padding=(0, 2)
    )


def grade_legend() -> Text:
    text = Text()
    for grade in sorted(GRADE_MEANINGS, reverse=True):
        text.append(f" {grade} ", style="bold reverse")
        text.append(f" {GRADE_MEANINGS[grade]}\n", style="dim")
    text.append(" u ", style="bold reverse")
    text.append(" undo the previous answer   ", style="dim")
    text.append(" q ", style="bold reverse")
    text.append(" quit", style="dim")
    return text


def grade_prompt(suggested: int | None) -> str:
    default = f" [{suggested}]" if suggested is not None else ""
    return f"Grade 0-5{default}: "


def after_answer(state: CardState, kind: str, grade: int, today: date) -> Text:
    if kind == "review" and state.due is not None:
        days = (state.due - today).days
        when = "tomorrow" if days == 1 else f"in {days} days"
        text = Text(f"saved · next review {when} ({state.due.isoformat()})", style="dim")
    else:
        text = Text("saved · schedule unchanged", style="dim")
    if grade < 4:
        text.append(" · back again at the end of this session", style="yellow")
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
    if result.next_due is None:
        nxt = "nothing scheduled yet"
    elif result.next_due <= today:
        nxt = "more items are due today"
    else:
        days = (result.next_due - today).days
        when = "tomorrow" if days == 1 else f"in {days} days"
        nxt = f"{when} ({result.next_due.isoformat()})"
    table.add_row("Next due", nxt)
    return Panel(table, title="Session over", title_align="left", border_style="cyan", expand=False)


# ---------------------------------------------------------------- stats and list


def _bar(n: int, peak: int, width: int = BAR_WIDTH) -> Text:
    length = round(n / peak * width) if peak else 0
    return Text("█" * length, style="cyan")


def _percent(share: float | None) -> str:
    return "—" if share is None else f"{share:.0%}"


def stats_view(stats: Stats, bank: Bank) -> Group:
    cards = Table(title="Cards", title_justify="left", show_header=True, expand=False)
    for name in ("total", "new", "learning", "mature", "due today", "mean EF", "streak"):
        cards.add_column(name, justify="right")
    cards.add_row(
        str(stats.total),
        str(stats.new),
        str(stats.learning),
        str(stats.mature),
        str(stats.due_today),
        "—" if stats.mean_ef is None else f"{stats.mean_ef:.2f}",
        f"{stats.streak} d",
    )
    forecast = Table(
        title="Due in the next 7 days", title_justify="left", box=None, show_header=False
    )
    forecast.add_column(justify="left")
    forecast.add_column(justify="right")
    forecast.add_column()
    peak = max((n for _, n in stats.forecast), default=0)
    for day, n in stats.forecast:
        label = "today" if day == stats.today else day.strftime("%a %d %b")
        forecast.add_row(label, str(n), _bar(n, peak))
    history = Table(
        title="Answers per day, last 30 days", title_justify="left", box=None, show_header=False
    )
    history.add_column()
    history.add_column(justify="right")
    history.add_column()
    peak = max((n for _, n in stats.reviews_per_day), default=0)
    for day, n in stats.reviews_per_day:
        if n or day == stats.today:
            history.add_row(day.strftime("%a %d %b"), str(n), _bar(n, peak))
    retention = Table(title="Retention (scheduling reviews graded 3 or more)", title_justify="left")
    retention.add_column("topic")
    retention.add_column("reviews", justify="right")
    retention.add_column("retention", justify="right")
    for t in stats.by_topic:
        retention.add_row(literal(t.title), str(t.reviews), _percent(t.share))
    retention.add_row(
        Text("all topics", style="bold"), str(stats.reviews), _percent(stats.retention)
    )
    parts: list[Any] = [cards, forecast, history, retention]
    if stats.most_lapsed:
        lapsed = Table(title="Most lapsed", title_justify="left")
        lapsed.add_column("question")
        lapsed.add_column("lapses", justify="right")
        by_id = bank.by_id()
        for qid, n in stats.most_lapsed:
            prompt = by_id[qid].prompt if qid in by_id else qid
            lapsed.add_row(literal(_shorten(prompt, 70)), str(n))
        parts.append(lapsed)
    return Group(*parts)


def _shorten(text: str, width: int) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= width else flat[: width - 1] + "…"


def list_table(rows: list[dict[str, Any]], bank: Bank) -> Table:
    table = Table(show_lines=False)
    for name, justify in (
        ("id", "left"),
        ("topic", "left"),
        ("type", "left"),
        ("reps", "right"),
        ("interval", "right"),
        ("EF", "right"),
        ("due", "left"),
    ):
        table.add_column(name, justify=justify)  # type: ignore[arg-type]
    for row in rows:
        table.add_row(
            literal(row["id"]),
            literal(row["topic"]),
            row["type"],
            str(row["repetitions"]),
            "" if row["due"] is None else f"{row['interval']} d",
            f"{row['ef']:.2f}",
            row["due"] or Text("new", style="dim"),
        )
    table.caption = f"{len(rows)} question(s)"
    return table


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
