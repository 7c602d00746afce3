"""What the card commands draw: ``list`` and ``search`` tables, ``show``, ``profiles``,
``config``, and the calendar of answers in ``stats``.

Everything reads without colour: marks are words, the calendar's levels are shades.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from rich import box
from rich.console import Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from mlops_quiz.bank import choice_letter, cloze_text
from mlops_quiz.scheduling import MATURE_DAYS
from mlops_quiz.study.cards import grade_outcomes, marks, state_name
from mlops_quiz.text import counted, reflow, shorten, wrap_at_separators
from mlops_quiz.ui.render import hanging, literal, prose, title_text

if TYPE_CHECKING:
    from mlops_quiz.config.settings import Resolved, Setting
    from mlops_quiz.store import HistoryEntry, ProfileSummary
    from mlops_quiz.study.cards import CardView
    from mlops_quiz.study.stats import Stats

MIN_PROMPT_WIDTH = 24
"""The narrowest prompt column of a card table; narrower, cards are listed on lines."""
COLUMN_GAP = 2
"""Columns between two cells of a card table (padding and the rule's gap)."""
CALENDAR_LEVELS = "░▒▓█"
"""Shades for a day's answers, by quarter of the busiest day; a day with none is ``·``."""
NO_ANSWERS = "·"
MARK_STYLES = {"overdue": "yellow", "suspended": "magenta", "buried": "blue", "leech": "red"}


def card_table(rows: list[dict[str, Any]], empty: str, width: int) -> Table | Group | Text:
    """A row per card: id (never cut), prompt shortened after a word to fit ``width`` columns,
    due date, interval, lapses and marks (words, never cut, so they read without colour).
    Every column is sized to the rows shown; when that leaves the prompt fewer than
    ``MIN_PROMPT_WIDTH`` columns, each card is listed on its own lines instead."""
    if not rows:
        return Text(empty)
    marks = [" ".join(row["marks"]) for row in rows]
    ids = [literal(row["id"]).plain for row in rows]
    others = [
        max([len("id"), *map(len, ids)]),
        10 if any(row["due"] for row in rows) else len("due"),
        max([len("ivl"), *(len(f"{row['interval']} d") for row in rows if row["due"])]),
        len("lapses"),
        max([len("marks"), *map(len, marks)]) if any(marks) else 0,
    ]
    room = width - sum(others) - COLUMN_GAP * (len(others) - (0 if any(marks) else 1))
    if room < MIN_PROMPT_WIDTH:
        return _card_records(rows, ids, width)
    table = Table(box=box.SIMPLE_HEAD, show_edge=False, padding=(0, 1, 0, 0), pad_edge=False)
    table.add_column("id", min_width=others[0], no_wrap=True)
    table.add_column("prompt", no_wrap=True, width=room)
    table.add_column("due", no_wrap=True)
    table.add_column("ivl", justify="right", no_wrap=True)
    table.add_column("lapses", justify="right", no_wrap=True)
    if any(marks):
        table.add_column("marks", no_wrap=True, min_width=others[4])
    for row, shown_id in zip(rows, ids, strict=True):
        cells = [
            Text(shown_id),
            Text(shorten(literal(row["prompt"]).plain, room)),
            row["due"] or Text("new", style="dim"),
            "" if row["due"] is None else f"{row['interval']} d",
            str(row["lapses"]),
        ]
        table.add_row(*cells, *([_marks(row["marks"])] if any(marks) else []))
    table.caption = counted(len(rows), "question")
    return table


def _marks(words: list[str]) -> Text:
    text = Text()
    for n, mark in enumerate(words):
        text.append((" " if n else "") + mark, style=MARK_STYLES.get(mark, ""))
    return text


def _card_records(rows: list[dict[str, Any]], ids: list[str], width: int) -> Group:
    """The cards of ``card_table`` for a narrow screen: the id with the schedule beside it (or
    under it when it does not fit), then the prompt on a line of its own."""
    lines: list[Any] = []
    for row, shown_id in zip(rows, ids, strict=True):
        parts = [f"due {row['due']}", f"every {row['interval']} d"] if row["due"] else ["new"]
        if row["lapses"]:
            parts.append(counted(row["lapses"], "lapse"))
        parts.extend(row["marks"])
        schedule = _packed(parts, " · ", width - 2)
        head = Text(shown_id, style="bold")
        if len(shown_id) + 3 + len(schedule[0]) <= width and len(schedule) == 1:
            head.append("   " + schedule[0])
            schedule = []
        lines.append(head)
        lines.extend(Text("  " + line, style="dim") for line in schedule)
        lines.append(Text("  " + shorten(literal(row["prompt"]).plain, width - 2)))
    lines.append(Text(counted(len(rows), "question"), style="dim"))
    return Group(*lines)


def _when(day: date | None, today: date) -> str:
    if day is None:
        return "not scheduled (new)"
    if day == today:
        return f"{day.isoformat()} (today)"
    delta = (day - today).days
    ago = f"in {delta} d" if delta > 0 else f"{-delta} d ago"
    return f"{day.isoformat()} ({ago})"


MIN_TYPED_WIDTH = 16
"""The narrowest typed column of ``show``'s history; narrower, each answer gets lines of its
own."""


def history_view(history: list[HistoryEntry], width: int) -> Table | Group:
    """``show``'s history: when, grade, kind, interval and the typed answer, wrapped at its
    spaces, commas and semicolons. When the typed column would be narrower than
    ``MIN_TYPED_WIDTH``, each answer is listed on lines instead: when, grade (never left
    out), kind and interval, then the typed answer under them."""
    rows = [
        (
            h.reviewed_at[:16].replace("T", " "),
            str(h.grade),
            h.kind + (" (reset)" if h.reset_at else ""),
            f"{h.interval_before} → {h.interval_after} d",
            literal(h.answer).plain,
        )
        for h in history
    ]
    heads = ("when", "grade", "kind", "interval")
    others = [max(len(head), *(len(row[n]) for row in rows)) for n, head in enumerate(heads)]
    room = width - sum(others) - COLUMN_GAP * len(others)
    if room < MIN_TYPED_WIDTH:
        lines: list[Any] = [Text("History", style="italic")]
        for when, grade, kind, interval, typed in rows:
            head = _packed([when, f"grade {grade}", kind, interval], " · ", width - 2)
            lines.append(Text(head[0], style="bold"))
            lines.extend(Text("  " + line) for line in head[1:])
            if typed:
                wrapped = "\n".join(wrap_at_separators(typed, width - len("  typed ")))
                lines.append(hanging(Text("  typed ", style="dim"), Text(wrapped)))
        return Group(*lines)
    room = min(room, max(len("typed"), *(len(row[4]) for row in rows)))
    table = Table(
        title="History",
        title_justify="left",
        box=box.SIMPLE_HEAD,
        show_edge=False,
        padding=(0, 1, 0, 0),
        pad_edge=False,
    )
    table.add_column("when", no_wrap=True)
    table.add_column("grade", justify="right", no_wrap=True)
    table.add_column("kind", no_wrap=True)
    table.add_column("interval", no_wrap=True)
    table.add_column("typed", no_wrap=True, width=room)
    for *cells, typed in rows:
        table.add_row(*cells, Text("\n".join(wrap_at_separators(typed, room))))
    return table


SCHEDULE_LABEL = len("if graded today")
"""The widest label of the Schedule panel."""


def card_view(view: CardView, width: int = 80) -> Group:
    """``show``: the question as the bank has it (text reflowed to ``width``), its schedule
    (figures never split from their unit) and its history."""
    q = view.question
    body: list[Any] = [prose(cloze_text(q.prompt) if q.type == "cloze" else q.prompt)]
    for n, choice in enumerate(q.choices):
        mark = "✓" if n in q.correct else " "
        body.append(hanging(Text(f" {mark} {choice_letter(n)}) "), literal(reflow(choice))))
    if q.type == "cloze":
        body.append(literal("Gaps: " + " | ".join(" / ".join(g) for g in q.gaps)))
    if q.answer:
        body.append(Text("Answer", style="bold"))
        body.append(prose(q.answer))
    if q.key_points:
        body.append(Text("Key points", style="bold"))
        body.extend(hanging(Text(" • "), literal(reflow(point))) for point in q.key_points)
    title = title_text(f"{q.id} · {q.topic} · {q.type}", width=width)
    parts: list[Any] = [Panel(Group(*body), title=title, title_align="left")]
    room = max(10, width - 4 - SCHEDULE_LABEL - 2)  # the panel's edges, the label, the gap
    state = view.state
    schedule = Table.grid(padding=(0, 2))
    schedule.add_column(style="bold")
    schedule.add_column()
    state_text = state_name(state, view.flags, view.today)
    words = [w for w in marks(state, view.flags, view.today) if w != state_text]
    if words:
        state_text += " (" + ", ".join(words) + ")"
    schedule.add_row("state", state_text)
    schedule.add_row("repetitions", str(state.repetitions))
    interval = [f"{state.interval} d", f"(mature from {MATURE_DAYS} d)"]
    schedule.add_row("interval", "\n".join(_packed(interval, " ", room)))
    memory = view.memory or {}
    if memory.get("scheduler") == "fsrs":
        if memory.get("stability") is not None:
            schedule.add_row("stability", f"{memory['stability']:.2f} d")
            schedule.add_row("difficulty", f"{memory['difficulty']:.2f} (1 to 10)")
            schedule.add_row("retrievability", f"{memory['retrievability']:.0%} today")
        schedule.add_row("EF (SM-2)", f"{state.ef:.2f}")
    else:
        schedule.add_row("EF", f"{state.ef:.2f}")
    schedule.add_row("due", _when(state.due, view.today))
    schedule.add_row("lapses", str(state.lapses))
    if view.flags is not None and view.flags.buried(view.today) and view.flags.buried_until:
        schedule.add_row("buried until", view.flags.buried_until.isoformat())
    pairs = (
        sorted(view.outcomes.items())
        if view.outcomes is not None
        else grade_outcomes(state, view.today)
    )
    outcomes = _packed([f"{g}: {n} d" for g, n in pairs], "  ", room)
    schedule.add_row("if graded today", "\n".join(outcomes))
    parts.append(Panel(schedule, title="Schedule", title_align="left", expand=False))
    if not view.history:
        parts.append(Text("No answers yet.", style="dim"))
        return Group(*parts)
    parts.append(history_view(view.history, width))
    resets = sorted({h.reset_at[:10] for h in view.history if h.reset_at})
    if resets:
        parts.append(
            Text(f"Reset to new on {', '.join(resets)}: the answers marked (reset) came before.")
        )
    return Group(*parts)


def profiles_table(profiles: list[ProfileSummary]) -> Table | Text:
    if not profiles:
        return Text("No profile has any progress yet.")
    table = Table(box=box.SIMPLE_HEAD)
    table.add_column("profile")
    table.add_column("answers", justify="right")
    table.add_column("cards studied", justify="right")
    table.add_column("last activity")
    for p in profiles:
        last = (p.last_activity or "")[:16].replace("T", " ") or "—"
        table.add_row(literal(p.name), str(p.answers), str(p.cards), literal(last))
    return table


def settings_table(resolved: dict[str, Resolved], known: dict[str, Setting], path: str) -> Group:
    table = Table(box=box.SIMPLE_HEAD)
    table.add_column("setting")
    table.add_column("value")
    table.add_column("from")
    table.add_column("environment / option")
    for key, item in resolved.items():
        value = item.value
        shown = ("true" if value else "false") if isinstance(value, bool) else str(value)
        setting = known[key]
        ways = " / ".join(w for w in (setting.env, setting.option) if w)
        table.add_row(key, literal(shown), item.source, ways)
    return Group(table, literal(f"settings file: {path}"))


def calendar(stats: Stats, width: int = 80) -> Group:
    """Answers per day over the last year, a column per week (Monday at the top), with the
    streaks; 4 + 53 columns wide, levels drawn as shades. Narrower than that, the calendar
    shows the latest weeks that fit in ``width``."""
    start = stats.calendar_start or stats.today
    weeks = (stats.today - start).days // 7 + 1
    fitting = max(1, width - 4)
    cut = weeks > fitting
    if cut:
        start += timedelta(weeks=weeks - fitting)
        weeks = fitting
    peak = max(stats.calendar.values(), default=0)
    header = _month_labels(start, weeks)
    lines = [Text("    " + "".join(header).rstrip())]
    for weekday, name in enumerate(("Mon", "", "Wed", "", "Fri", "", "Sun")):
        line = Text(f"{name:<4}")
        for week in range(weeks):
            day = start + timedelta(weeks=week, days=weekday)
            if day > stats.today:
                break
            n = stats.calendar.get(day, 0)
            if n == 0:
                line.append(NO_ANSWERS, style="dim")
            else:
                level = min(len(CALENDAR_LEVELS), -(-n * len(CALENDAR_LEVELS) // peak))
                line.append(CALENDAR_LEVELS[level - 1], style="green")
        lines.append(line)
    total = sum(stats.calendar.values())
    legend = Text(f"    less {NO_ANSWERS} {' '.join(CALENDAR_LEVELS)} more")
    legend.append(f" · busiest day {peak}" if peak else "")
    parts = [
        f"{counted(total, 'answer')} on {counted(len(stats.calendar), 'day')}",
        f"current streak {stats.streak} d",
        f"longest streak {stats.longest_streak} d",
    ]
    summary = [Text(line) for line in _packed(parts, " · ", width)]
    title = Text(f"Answers in the last {f'{weeks} weeks' if cut else 'year'}", style="bold")
    return Group(title, *lines, legend, *summary)


def _month_labels(start: date, weeks: int) -> list[str]:
    """A month's name over the week its first day falls in, three columns each and one apart;
    the current month's always, ending at the last week if need be, in place of the one before."""
    header = [" "] * max(weeks, 3)
    starts = []
    for week in range(weeks):
        days = (start + timedelta(weeks=week, days=d) for d in range(7))
        first = next((day for day in days if day.day == 1), None)
        if first is not None:
            starts.append((min(week, len(header) - 3), first.strftime("%b")))
    if not starts:
        return header
    *earlier, (last_at, last) = starts
    for at, name in earlier:
        if at + 4 <= last_at and all(c == " " for c in header[max(0, at - 1) : at + 3]):
            header[at : at + 3] = list(name)
    header[last_at : last_at + 3] = list(last)
    return header


def _packed(parts: list[str], separator: str, width: int) -> list[str]:
    """``parts`` joined by ``separator`` into lines of at most ``width``, never splitting one."""
    lines: list[str] = []
    for part in parts:
        if lines and len(lines[-1]) + len(separator) + len(part) <= width:
            lines[-1] += separator + part
        else:
            lines.append(part)
    return lines


def flags_lines(stats: Stats) -> list[Text]:
    """Suspended, buried and leech cards for ``stats``, when there are any."""
    lines = []
    if stats.suspended or stats.buried:
        lines.append(Text(f"Put aside: {stats.suspended} suspended · {stats.buried} buried"))
    if stats.leeches:
        names = ", ".join(f"{qid} ({n} lapses)" for qid, n in stats.leeches[:5])
        more = f" and {len(stats.leeches) - 5} more" if len(stats.leeches) > 5 else ""
        lines.append(literal(f"Leeches (8 or more lapses): {names}{more}", style="red"))
    return lines
