"""The charts and tables of ``stats`` and of the class report, drawn with Rich to fit the
screen's width (bars and titles kept within it; the Cards table listed down when narrow)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.console import Group
from rich.table import Table
from rich.text import Text

from mlops_quiz.bank import Bank, cloze_text
from mlops_quiz.text import shorten
from mlops_quiz.ui.render import hanging, literal

if TYPE_CHECKING:
    from mlops_quiz.classroom.report import ClassReportResult
    from mlops_quiz.study.stats import Stats

BAR_WIDTH = 30


def _bar(n: int, peak: int, width: int = BAR_WIDTH) -> Text:
    length = round(n / peak * width) if peak else 0
    return Text("█" * length, style="cyan")


def _percent(share: float | None) -> str:
    return "—" if share is None else f"{share:.0%}"


def stats_view(stats: Stats, bank: Bank, width: int = 80) -> Group:
    """``width``: the screen's, which the bars and titles keep within."""
    bar_width = max(5, min(BAR_WIDTH, width - len(" Sun 29 Nov  999  ")))
    cards = _cards_table(stats, width)
    forecast = Table(
        title="Due in the next 7 days",
        title_justify="left",
        box=None,
        show_header=False,
        min_width=min(width, len("Due in the next 7 days")),
    )
    forecast.add_column(justify="left")
    forecast.add_column(justify="right")
    forecast.add_column()
    peak = max((n for _, n in stats.forecast), default=0)
    for day, n in stats.forecast:
        label = "today" if day == stats.today else day.strftime("%a %d %b")
        forecast.add_row(label, str(n), _bar(n, peak, bar_width))
    history = Table(
        title="Answers per day, last 30 days",
        title_justify="left",
        box=None,
        show_header=False,
        min_width=min(width, len("Answers per day, last 30 days")),
    )
    history.add_column()
    history.add_column(justify="right")
    history.add_column()
    peak = max((n for _, n in stats.reviews_per_day), default=0)
    # every day from the first with answers, so the days without any show as gaps
    first = next((day for day, n in stats.reviews_per_day if n), stats.today)
    for day, n in stats.reviews_per_day:
        if day >= first:
            history.add_row(day.strftime("%a %d %b"), str(n), _bar(n, peak, bar_width))
    retention_title = "Retention (scheduling reviews graded 3 or more)"
    retention = Table(
        title=retention_title, title_justify="left", min_width=min(width, len(retention_title))
    )
    retention.add_column("topic")
    retention.add_column("reviews", justify="right")
    retention.add_column("retention", justify="right")
    for t in stats.by_topic:
        retention.add_row(literal(t.title), str(t.reviews), _percent(t.share))
    retention.add_row(
        Text("all topics", style="bold"), str(stats.reviews), _percent(stats.retention)
    )
    parts: list[Any] = [cards, forecast, history, retention]
    if stats.predicted_retention is not None:
        parts.append(
            Text.assemble(
                ("Predicted retention today (FSRS): ", "bold"),
                _percent(stats.predicted_retention),
                " of the cards studied would be recalled, against the true retention above",
            )
        )
    if stats.most_lapsed:
        lapsed = Table(title="Most lapsed", title_justify="left")
        lapsed.add_column("question")
        lapsed.add_column("lapses", justify="right")
        by_id = bank.by_id()
        for qid, n in stats.most_lapsed:
            question = by_id.get(qid)
            prompt = qid if question is None else question.prompt
            if question is not None and question.type == "cloze":
                prompt = cloze_text(prompt)
            lapsed.add_row(literal(shorten(prompt, 70)), str(n))
        parts.append(lapsed)
    if stats.most_missed:
        parts.append(_missed_table(stats, bank, width))
    return Group(*parts)


CARDS_TABLE_WIDTH = 66
"""The width of the Cards table drawn across: narrower screens list its figures down."""


def _cards_table(stats: Stats, width: int) -> Table:
    figures = {
        "total": str(stats.total),
        "new": str(stats.new),
        "learning": str(stats.learning),
        "mature": str(stats.mature),
        "due today": str(stats.due_today),
        "mean EF": "—" if stats.mean_ef is None else f"{stats.mean_ef:.2f}",
        "streak": f"{stats.streak} d",
    }
    if width < CARDS_TABLE_WIDTH:
        down = Table(title="Cards", title_justify="left", show_header=False, expand=False)
        down.add_column()
        down.add_column(justify="right")
        for name, value in figures.items():
            down.add_row(name, value)
        return down
    cards = Table(title="Cards", title_justify="left", show_header=True, expand=False)
    for name in figures:
        cards.add_column(name, justify="right")
    cards.add_row(*figures.values())
    return cards


MISSED_TABLE_WIDTH = 60
"""The width of the missed key points table drawn across: narrower screens list them down,
so a long word (``model-centric``) is never cut by a narrow column."""


def _missed_table(stats: Stats, bank: Bank, width: int = 80) -> Table:
    """The key points the learner misses most often, with their questions."""
    by_id = bank.by_id()
    title = "Key points missed most often"
    if width < MISSED_TABLE_WIDTH:
        down = Table.grid()
        down.title, down.title_justify = title, "left"
        down.add_column(overflow="fold")
        for m in stats.most_missed:
            question = by_id.get(m.question_id)
            prompt = m.question_id if question is None else question.prompt
            tally = f"  missed {m.missed} of {m.answers} · "
            down.add_row(hanging(Text("• "), literal(m.key_point)))
            down.add_row(Text(tally, "dim") + literal(shorten(prompt, width - len(tally))))
        return down
    missed = Table(title=title, title_justify="left")
    missed.add_column("key point", ratio=1)
    missed.add_column("question", ratio=1)
    missed.add_column("missed", justify="right")
    for m in stats.most_missed:
        question = by_id.get(m.question_id)
        prompt = m.question_id if question is None else question.prompt
        missed.add_row(
            literal(m.key_point), literal(shorten(prompt, 70)), f"{m.missed} of {m.answers}"
        )
    return missed


def class_report_view(report: ClassReportResult, rows: int = 40) -> Group:
    """The teacher's report: learners who struggle first, then the hardest questions, then
    topics (each table shows its first ``rows`` rows)."""
    learners = Table(title="Learners (struggling first)", title_justify="left")
    for name in ("learner", "answers", "retention", "learning", "mature", "due", "streak"):
        learners.add_column(name, justify="left" if name == "learner" else "right")
    learners.add_column("last active")
    for person in report.learners[:rows]:
        learners.add_row(
            literal(person.learner),
            str(person.answers),
            _percent(person.retention),
            str(person.learning),
            str(person.mature),
            str(person.due),
            str(person.streak),
            (person.last_active or "never")[:16].replace("T", " "),
        )
    questions = Table(title="Questions (hardest first)", title_justify="left")
    for name in ("question", "topic", "answers", "learners", "failed"):
        questions.add_column(
            name, justify="right" if name in ("answers", "learners", "failed") else "left"
        )
    for q in report.questions[:rows]:
        questions.add_row(
            literal(q.id),
            literal(q.topic),
            str(q.answers),
            str(len(q.learners)),
            _percent(q.failed_share),
        )
    topics = Table(title="Topics", title_justify="left")
    for name in ("topic", "questions", "answers", "failed"):
        topics.add_column(name, justify="left" if name == "topic" else "right")
    for t in report.topics:
        topics.add_row(
            literal(t["topic"]), str(t["questions"]), str(t["answers"]), _percent(t["failed_share"])
        )
    more = len(report.learners) - rows
    tail = [Text(f"... {more} more learners (--json or --csv lists them all)")] if more > 0 else []
    return Group(learners, *tail, Text(""), questions, Text(""), topics)
