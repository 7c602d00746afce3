"""Questions as CSV: our own layout out and in, and two other layouts in.

Our layout has a header row and one row per question: id, topic, type, prompt, answer, key
points and choices (one per line inside the cell), the letters of the correct choices, and tags
(separated by commas). It is written as UTF-8 with a byte-order mark, so spreadsheets show
accents right. ``read`` also takes a two- or three-column question, answer[, tags] sheet with or
without a header, and Anki's "Notes in Plain Text" export (the file whose first lines are
``#separator:tab`` and the like).

Rows become bank items and are checked one by one, each problem reported as ``FILE:ROW:
message`` (row numbers as a spreadsheet shows them, the header being row 1).
"""

from __future__ import annotations

import csv
import html
import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from mlops_quiz.bank import QUESTION_FIELDS, Bank, Question, choice_letter, parse_text
from mlops_quiz.errors import BadInputError, BankError
from mlops_quiz.transfer import MAX_SHEET_BYTES, csv_cell, csv_text, read_import

COLUMNS = QUESTION_FIELDS
"""Our layout: a question's fields, in the order the bank writes them."""
ALTERNATIVES = " | "
"""Inside a key point's line: the point, then its accepted phrasings (``accept:``)."""
HEADER_ALIASES = {
    "question": "prompt",
    "front": "prompt",
    "text": "prompt",
    "back": "answer",
    "key points": "key_points",
    "keypoints": "key_points",
}
PLAIN_COLUMNS = ("prompt", "answer", "tags")
"""A sheet without our header: question, answer and optionally tags."""
ANKI_SEPARATORS = {
    "tab": "\t",
    "comma": ",",
    "semicolon": ";",
    "space": " ",
    "pipe": "|",
    "colon": ":",
}
ANKI_CLOZE = re.compile(r"\{\{c\d+::(.*?)(?:::[^}]*)?\}\}", re.DOTALL)
LIST_SPLIT = re.compile(r"[,;\s]+")
MAX_CELL = 100_000


def write(questions: Sequence[Question], out: IO[bytes]) -> None:
    """Write our layout: a header row, then a row per question."""
    text = io.TextIOWrapper(out, encoding="utf-8-sig", newline="")
    writer = csv.writer(text)
    writer.writerow(COLUMNS)
    for q in questions:
        writer.writerow(
            map(
                csv_cell,
                [
                    q.id,
                    q.topic,
                    q.type,
                    q.prompt,
                    q.answer,
                    "\n".join(_key_point_lines(q)),
                    "\n".join(q.choices),
                    ", ".join(choice_letter(i) for i in q.correct),
                    ", ".join(q.tags),
                    "" if q.shuffle else "false",
                ],
            )
        )
    text.flush()
    text.detach()


def _key_point_lines(q: Question) -> list[str]:
    lines = []
    for n, point in enumerate(q.key_points):
        accepted = q.key_point_alternatives[n] if n < len(q.key_point_alternatives) else ()
        lines.append(ALTERNATIVES.join((point, *accepted)))
    return lines


def _key_point_item(line: str) -> str | dict[str, Any]:
    point, *accepted = [part.strip() for part in line.split(ALTERNATIVES.strip())]
    return {"point": point, "accept": accepted} if accepted else point


# ---------------------------------------------------------------- reading


@dataclass
class Row:
    """One row of a sheet, as named cells."""

    number: int
    cells: dict[str, str]
    guid: str = ""
    deck: str = ""


@dataclass
class Plan:
    """What an import would do: the items to add (with their rows), the rows skipped as
    already in the bank, and the problems that stop it."""

    items: list[tuple[int, dict[str, Any]]] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def read_text(path: Path) -> str:
    data = read_import(path, MAX_SHEET_BYTES)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise BadInputError(
            f"{path}:{line}: not valid UTF-8 (save the sheet as UTF-8 CSV)"
        ) from None


def rows(path: Path) -> list[Row]:
    """The rows of a sheet in any of the layouts we read, as named cells."""
    text = read_text(path)
    if re.match(r"#(separator|html|tags column|columns|notetype|deck|guid)", text):
        return _anki_rows(path, text)
    first_line = text.split("\n", 1)[0]
    delimiter = max(("\t", ";", ","), key=lambda d: (first_line.count(d), d == ","))
    records = [record for _, record in _records(path, text, delimiter, 1)]
    if not records:
        return []
    header = [_column_name(c) for c in records[0]]
    if "prompt" in header and all(h in COLUMNS or not h for h in header):
        body = records[1:]
        start = 2
    else:
        header, body, start = list(PLAIN_COLUMNS), records, 1
    found = []
    for number, record in enumerate(body, start):
        if not any(c.strip() for c in record):
            continue
        if len(record) > len(header) and any(c.strip() for c in record[len(header) :]):
            found.append(Row(number, {"": f"{len(record)} columns; expected {len(header)}"}))
            continue
        cells = {h: csv_text(c) for h, c in zip(header, record, strict=False) if h}
        found.append(Row(number, cells))
    return found


def _records(path: Path, text: str, delimiter: str, first: int) -> list[tuple[int, list[str]]]:
    """The CSV records of a text, each with its number (counted from ``first``); a cell
    over the csv module's limit (131,072 characters) is one ``FILE:LINE`` error."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    found: list[tuple[int, list[str]]] = []
    number = first
    try:
        for record in reader:
            found.append((number, record))
            number += 1
    except csv.Error as exc:
        line = first + reader.line_num - 1
        if "field larger than field limit" in str(exc):
            limit = csv.field_size_limit()
            raise BadInputError(
                f"{path}:{line}: a cell holds more than {limit:,} characters"
            ) from None
        raise BadInputError(f"{path}:{line}: not a CSV record: {exc}") from None
    return found


def _column_name(cell: str) -> str:
    name = cell.strip().lower()
    return HEADER_ALIASES.get(name, name.replace(" ", "_"))


def _anki_rows(path: Path, text: str) -> list[Row]:
    """Anki's "Notes in Plain Text": ``#key:value`` lines, then one note per record."""
    options: dict[str, str] = {}
    lines = text.split("\n")
    skip = 0
    for line in lines:
        if not line.startswith("#"):
            break
        key, _, value = line[1:].partition(":")
        options[key.strip()] = value.strip()
        skip += 1
    delimiter = ANKI_SEPARATORS.get(options.get("separator", "tab"), "\t")
    as_html = options.get("html", "false") == "true"
    special = {}
    for name in ("guid", "notetype", "deck", "tags"):
        column = options.get(f"{name} column", "")
        if column.isdigit():
            special[int(column) - 1] = name
    body = "\n".join(lines[skip:])
    found = []
    for number, record in _records(path, body, delimiter, skip + 1):
        if not any(c.strip() for c in record):
            continue
        extra = {special[i]: c for i, c in enumerate(record) if i in special}
        note_fields = [
            _from_html(c) if as_html else c for i, c in enumerate(record) if i not in special
        ]
        front = note_fields[0] if note_fields else ""
        back = note_fields[1] if len(note_fields) > 1 else ""
        cells = {"prompt": front, "answer": back, "tags": extra.get("tags", "")}
        if ANKI_CLOZE.search(front):
            cells["prompt"] = ANKI_CLOZE.sub(lambda m: "{{" + m.group(1) + "}}", front)
            cells["type"] = "cloze"
        found.append(Row(number, cells, guid=extra.get("guid", ""), deck=extra.get("deck", "")))
    return found


def _from_html(value: str) -> str:
    """The text of an HTML field: line breaks kept, tags dropped, entities decoded."""
    value = re.sub(r"(?i)<br\s*/?>|</(div|p|li)>", "\n", value)
    value = re.sub(r"<[^>]*>", "", value)
    return html.unescape(value).strip()


# ---------------------------------------------------------------- checking


def plan(
    path: Path,
    bank: Bank,
    default_topic: str | None,
    guids: dict[str, str] | None = None,
) -> Plan:
    """Check every row of a sheet against the loaded bank; nothing is written here.

    ``guids`` maps Anki note GUIDs of our own exports to question ids, so notes that came
    from this bank are recognised as already in it.
    """
    from mlops_quiz.bank.authoring import slugify, unique_id

    result = Plan()
    name = str(path)
    taken = {q.id for q in bank.questions}
    next_number: dict[str, int] = {}
    prompts = {_normal(q.prompt): q.id for q in bank.questions}
    where = {q.id: q.where for q in bank.questions}
    for row in rows(path):
        at = f"{name}:{row.number}"
        if "" in row.cells:
            result.problems.append(f"{at}: {row.cells['']}")
            continue
        known = (guids or {}).get(row.guid)
        if known:
            result.skipped.append(f"{at}: already in the bank as {known!r}")
            continue
        item = _item(row, bank, default_topic)
        problem = _topic_problem(item, bank, row.deck)
        if problem:
            result.problems.append(f"{at}: {problem}")
            continue
        prompt = str(item.get("prompt", ""))
        same = prompts.get(_normal(prompt)) if prompt.strip() else None
        if same is not None:
            result.skipped.append(f"{at}: prompt already in the bank as {same!r}")
            continue
        qid = item.get("id")
        if qid and qid in taken:
            first = where.get(qid, "an earlier row")
            result.problems.append(f"{at}: question id {qid!r} is already used (at {first})")
            continue
        if not qid and prompt.strip():
            item = {"id": unique_id(slugify(prompt), taken, next_number), **item}
        problems = _check(item)
        if problems:
            result.problems.extend(f"{at}: {p}" for p in problems)
            continue
        taken.add(item["id"])
        where[item["id"]] = at
        prompts[_normal(prompt)] = item["id"]
        result.items.append((row.number, item))
    return result


def _normal(text: str) -> str:
    return " ".join(text.casefold().split())


def _split_lines(value: str) -> list[str]:
    return [line.strip() for line in value.splitlines() if line.strip()]


def _split_words(value: str) -> list[str]:
    return [part for part in LIST_SPLIT.split(value.strip()) if part]


def _item(row: Row, bank: Bank, default_topic: str | None) -> dict[str, Any]:
    """A bank item from a row's cells; empty cells are left out."""
    cells = {k: v.strip() for k, v in row.cells.items() if v and v.strip()}
    item: dict[str, Any] = {}
    for key in ("id", "topic", "type", "prompt", "answer"):
        if key in cells:
            item[key] = cells[key]
    if "topic" not in item:
        topic = _deck_topic(row.deck, bank) or default_topic
        if topic:
            item["topic"] = topic
    if "key_points" in cells:
        item["key_points"] = [_key_point_item(line) for line in _split_lines(cells["key_points"])]
    if "choices" in cells:
        item["choices"] = _split_lines(cells["choices"])
    if "correct" in cells:
        letters = [c.lower() for c in _split_words(cells["correct"])]
        item["correct"] = letters[0] if len(letters) == 1 else letters
    if cells.get("shuffle", "").lower() in ("false", "no"):
        item["shuffle"] = False
    if "type" not in item:
        if "choices" in item:
            item["type"] = "mcq"
        elif "{{" in item.get("prompt", ""):
            item["type"] = "cloze"
        else:
            item["type"] = "open"
    tags = _split_words(cells.get("tags", ""))
    if row.deck:  # our own Anki export adds the topic as a tag: not a tag of the item
        tags = [t for t in tags if t != item.get("topic")]
    if tags:
        item["tags"] = tags
    return item


def _deck_topic(deck: str, bank: Bank) -> str | None:
    """The topic whose title or id is the last part of an Anki deck name."""
    if not deck:
        return None
    last = deck.split("::")[-1].strip().casefold()
    for topic in bank.topics.values():
        if last in (topic.title.casefold(), topic.id):
            return topic.id
    return None


def _topic_problem(item: dict[str, Any], bank: Bank, deck: str) -> str | None:
    topic = item.get("topic")
    if topic is None:
        source = f" (no topic is called like the deck {deck!r})" if deck else ""
        return f"no topic{source}: add a topic column or give --topic"
    if topic not in bank.topics:
        known = ", ".join(sorted(bank.topics)) or "none defined"
        return f"unknown topic {topic!r} (known: {known})"
    return None


def _check(item: dict[str, Any]) -> list[str]:
    """The bank's own checks on one item, without the ``FILE:LINE:`` they would carry."""
    from mlops_quiz.bank.authoring import item_yaml

    if any(len(str(v)) > MAX_CELL for v in item.values()):
        return [f"a cell is longer than {MAX_CELL} characters"]
    text = "questions:\n" + item_yaml(item, 2, for_checking=True)
    try:
        parse_text(text, "row")
    except BankError as exc:
        return [re.sub(r"^row:\d+: ", "", p) for p in exc.problems]
    return []


def guid_index(questions: Iterable[Question]) -> dict[str, str]:
    """Anki GUIDs of our exported notes, to question ids."""
    from mlops_quiz.transfer.anki import guid

    return {guid(q.id): q.id for q in questions}
