"""Anki decks (``.apkg``) made with genanki: one deck per topic under a parent deck.

Open and mcq items become notes of a Basic-style note type, cloze items notes of a Cloze note
type with one ``{{cN::...}}`` per gap. Deck, note type and note ids all come from our own ids,
so that importing a newer export into Anki updates the notes it already has instead of adding
copies. Every text is escaped for Anki's HTML fields, so ``<``, ``&`` and ``[...]`` arrive
literally.
"""

from __future__ import annotations

import hashlib
import html
import itertools
import re
import sqlite3
import tempfile
import zipfile
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import IO, Any

from mlops_quiz.bank import Bank, Question, choice_letter, cloze_pieces, gap_answers

PARENT_DECK = "MLOps"
GUID_NAMESPACE = "mlops-quiz"
BASIC_MODEL_ID = 1_607_392_319
CLOZE_MODEL_ID = 1_607_392_320
BASIC_MODEL_NAME = "mlops-quiz Basic"
CLOZE_MODEL_NAME = "mlops-quiz Cloze"
DECK_ID_MIN = 1 << 30
"""Deck ids are drawn from [2**30, 2**31), the range genanki recommends."""
CSS = """.card { font-family: sans-serif; font-size: 20px; text-align: left; }
.choices { margin-top: 0.5em; }
.cloze { font-weight: bold; color: #1a5fb4; }
"""


def guid(question_id: str) -> str:
    """The Anki GUID of a question's note: from its id only, so edits keep the same note."""
    import genanki

    return str(genanki.guid_for(GUID_NAMESPACE, question_id))


def deck_id(name: str) -> int:
    """A stable deck id in genanki's recommended range, from a stable name."""
    digest = hashlib.sha256(f"{GUID_NAMESPACE}:deck:{name}".encode()).digest()
    return DECK_ID_MIN + int.from_bytes(digest[:4], "big") % DECK_ID_MIN


LIST_ITEM = re.compile(r"^\s*(?:[-*•]|\d+[.)])\s")


def reflow(text: str) -> str:
    """Join lines wrapped in the YAML source, as Markdown does; keep blank lines and list items
    on lines of their own."""
    lines = text.replace("\r\n", "\n").split("\n")
    out: list[str] = []
    for line in lines:
        joins = out and out[-1].strip() and line.strip() and not LIST_ITEM.match(line)
        if joins:
            out[-1] = out[-1].rstrip() + " " + line.strip()
        else:
            out.append(line)
    return "\n".join(out)


def field_html(text: str) -> str:
    """Text as the HTML of an Anki field: escaped (``[`` too, so it cannot start a sound tag),
    lines wrapped in the source joined, other line breaks as ``<br>``."""
    escaped = html.escape(reflow(text), quote=False).replace("[", "&#91;").replace("]", "&#93;")
    return escaped.replace("\n", "<br>")


def cloze_html(prompt: str) -> str:
    """A cloze prompt with each ``{{a|b}}`` gap as ``{{cN::a}}`` and the rest escaped."""
    parts: list[str] = []
    n = 0
    for text, is_gap in cloze_pieces(prompt):
        if not is_gap:
            parts.append(field_html(text))
            continue
        n += 1
        first = next(iter(gap_answers(text)), "")
        # '::' inside a gap would start Anki's hint; an entity keeps it literal.
        parts.append(f"{{{{c{n}::{field_html(first).replace('::', ':&#58;')}}}}}")
    return "".join(parts)


def _list_html(items: Sequence[str], css_class: str = "") -> str:
    klass = f' class="{css_class}"' if css_class else ""
    return f"<ul{klass}>" + "".join(f"<li>{field_html(i)}</li>" for i in items) + "</ul>"


def basic_fields(question: Question) -> tuple[str, str]:
    """Front and back of an open or mcq item."""
    front = field_html(question.prompt)
    back: list[str] = []
    if question.type == "mcq":
        front += '<div class="choices">' + "<br>".join(
            f"{choice_letter(i)}) {field_html(c)}" for i, c in enumerate(question.choices)
        )
        front += "</div>"
        right = [f"{choice_letter(i)}) {field_html(question.choices[i])}" for i in question.correct]
        back.append("<b>Correct:</b> " + "; ".join(right))
    if question.answer:
        back.append(field_html(question.answer))
    if question.key_points:
        back.append("<b>Key points:</b>" + _list_html(question.key_points))
    return front, "<br><br>".join(back)


def cloze_fields(question: Question) -> tuple[str, str]:
    """Text and Back Extra of a cloze item: the gaps, then the accepted answers of each."""
    accepted = [
        f"{n}: " + " / ".join(field_html(a) for a in alternatives)
        for n, alternatives in enumerate(question.gaps, 1)
    ]
    extra = ["<b>Accepted:</b>" + "".join(f"<br>{line}" for line in accepted)]
    if question.answer:
        extra.append(field_html(question.answer))
    return cloze_html(question.prompt), "<br><br>".join(extra)


def tags(question: Question) -> list[str]:
    """The item's tags and its topic; Anki tags cannot hold spaces."""
    return [re.sub(r"\s+", "_", t) for t in (*question.tags, question.topic)]


def deck_name(title: str) -> str:
    return f"{PARENT_DECK}::{title.replace('::', ':')}"


def _models() -> tuple[Any, Any]:
    import genanki

    basic = genanki.Model(
        BASIC_MODEL_ID,
        BASIC_MODEL_NAME,
        fields=[{"name": "Front"}, {"name": "Back"}],
        templates=[
            {
                "name": "Card 1",
                "qfmt": "{{Front}}",
                "afmt": '{{FrontSide}}<hr id="answer">{{Back}}',
            }
        ],
        css=CSS,
    )
    cloze = genanki.Model(
        CLOZE_MODEL_ID,
        CLOZE_MODEL_NAME,
        fields=[{"name": "Text"}, {"name": "Back Extra"}],
        templates=[
            {
                "name": "Cloze",
                "qfmt": "{{cloze:Text}}",
                "afmt": "{{cloze:Text}}<br><br>{{Back Extra}}",
            }
        ],
        css=CSS,
        model_type=genanki.Model.CLOZE,
    )
    return basic, cloze


def package(bank: Bank, questions: Sequence[Question]) -> Any:
    """A genanki Package: the parent deck and a deck per topic that has questions."""
    import genanki

    basic, cloze = _models()
    decks = {PARENT_DECK: genanki.Deck(deck_id(PARENT_DECK), PARENT_DECK)}
    for question in questions:
        topic = bank.topics[question.topic]
        name = deck_name(topic.title)
        if name not in decks:
            decks[name] = genanki.Deck(
                deck_id(topic.id), name, description=field_html(topic.source or "")
            )
        if question.type == "cloze":
            model, fields = cloze, cloze_fields(question)
        else:
            model, fields = basic, basic_fields(question)
        decks[name].add_note(
            genanki.Note(
                model=model, fields=list(fields), tags=tags(question), guid=guid(question.id)
            )
        )
    return genanki.Package(list(decks.values()))


def write(bank: Bank, questions: Sequence[Question], out: IO[bytes], now: datetime) -> None:
    """Write the .apkg to ``out``; ``now`` stamps the notes, so a newer export wins in Anki.

    Like genanki's ``write_to_file``, but its collection file is a temporary one we remove.
    """
    timestamp = now.timestamp()
    with tempfile.TemporaryDirectory(prefix="mlops-quiz-apkg-") as folder:
        collection = Path(folder) / "collection.anki2"
        conn = sqlite3.connect(collection)
        try:
            ids = itertools.count(int(timestamp * 1000))
            package(bank, questions).write_to_db(conn.cursor(), timestamp, ids)
            conn.commit()
        finally:
            conn.close()
        with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            archive.write(collection, "collection.anki2")
            archive.writestr("media", "{}")
