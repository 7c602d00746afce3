"""A printable study sheet in Markdown: every question with its answer, grouped by topic."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import IO

from mlops_quiz.bank import Bank, Question, choice_letter, cloze_text

SPECIAL = re.compile(r"([\\`*_\[\]<>#|])")
BLANK = "\\_\\_\\_\\_"


def escape(text: str) -> str:
    """Text shown as written: Markdown's inline markup characters are escaped."""
    return SPECIAL.sub(r"\\\1", text)


def _block(text: str) -> str:
    return "\n".join(escape(line.rstrip()) for line in text.strip().splitlines())


def question_lines(number: int, question: Question) -> list[str]:
    if question.type == "cloze":
        marks = [f"\x00{n}\x00" for n in range(1, len(question.gaps) + 1)]
        prompt = re.sub(
            r"\x00(\d+)\x00",
            lambda m: f"\\[{m.group(1)}\\]{BLANK}",
            _block(cloze_text(question.prompt, marks)),
        )
    else:
        prompt = _block(question.prompt)
    lines = [f"**{number}.** {prompt} `{question.id}`", ""]
    if question.type == "mcq":
        lines += [f"- {choice_letter(i)}) {escape(c)}" for i, c in enumerate(question.choices)]
        right = ", ".join(
            f"{choice_letter(i)}) {escape(question.choices[i])}" for i in question.correct
        )
        lines += ["", f"*Answer:* {right}", ""]
    if question.type == "cloze":
        filled = "; ".join(
            f"\\[{n}\\] " + " / ".join(escape(a) for a in alts)
            for n, alts in enumerate(question.gaps, 1)
        )
        lines += [f"*Answer:* {filled}", ""]
    if question.answer:
        label = "*Answer:*" if question.type == "open" else "*Why:*"
        lines += [label, "", _block(question.answer), ""]
    if question.key_points:
        lines += ["*Key points:*", ""] + [f"- {escape(k)}" for k in question.key_points] + [""]
    return lines


def write(bank: Bank, questions: Sequence[Question], out: IO[bytes]) -> None:
    by_topic: dict[str, list[Question]] = {}
    for question in questions:
        by_topic.setdefault(question.topic, []).append(question)
    lines = [
        "# MLOps study sheet",
        "",
        f"{len(questions)} questions in {len(by_topic)} topics, each with its answer.",
        "",
    ]
    number = 0
    for topic_id in [t for t in bank.topics if t in by_topic]:
        topic = bank.topics[topic_id]
        lines += [f"## {escape(topic.title)}", ""]
        if topic.source:
            lines += [f"*Source:* {escape(topic.source)}", ""]
        for question in by_topic[topic_id]:
            number += 1
            lines += question_lines(number, question)
    out.write(("\n".join(lines).rstrip() + "\n").encode("utf-8"))
