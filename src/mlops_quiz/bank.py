"""The question bank: YAML files in, validated topics and questions out.

Files are parsed with PyYAML's safe composer (the C one when available) so that every value
keeps its line, and checked field by field; each problem is reported as ``FILE:LINE: message``.
Nothing from a file is ever executed: only the standard YAML tags are accepted, and anchors and
aliases are refused (which also stops "billion laughs" documents).
"""

from __future__ import annotations

import difflib
import gc
import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from mlops_quiz.errors import BankError

if TYPE_CHECKING:
    from yaml import MappingNode, Node

QUESTION_TYPES = ("open", "mcq", "cloze")
MAX_BANK_BYTES = 16 * 1024 * 1024
MAX_ID_LENGTH = 80
MAX_CHOICES = 26
MAX_PROBLEMS = 50
ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9_.-]*$")
GAP_PATTERN = re.compile(r"\{\{(.*?)\}\}", re.DOTALL)
LETTERS = "abcdefghijklmnopqrstuvwxyz"

TOPIC_FIELDS = {"id", "title", "source", "description"}
KEY_POINT_FIELDS = {"point", "accept"}
QUESTION_FIELDS = (
    "id",
    "topic",
    "type",
    "prompt",
    "answer",
    "key_points",
    "choices",
    "correct",
    "tags",
)
"""A question's fields, in the order they are written."""
TYPE_FIELDS = {"open": set(), "mcq": {"choices", "correct"}, "cloze": set()}
MAP_TAG = "tag:yaml.org,2002:map"
SEQ_TAG = "tag:yaml.org,2002:seq"
STANDARD_SCALAR_TAGS = {
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
    "tag:yaml.org,2002:timestamp",
}


class Topic(NamedTuple):
    id: str
    title: str
    source: str = ""
    description: str = ""
    file: str = ""
    line: int = 0


class Question(NamedTuple):
    """One validated question. A named tuple: cheap to build in bulk from the bank cache."""

    id: str
    topic: str
    type: str
    prompt: str
    answer: str = ""
    key_points: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    choices: tuple[str, ...] = ()
    correct: tuple[int, ...] = ()
    """Indexes into ``choices`` of the correct ones (mcq)."""
    gaps: tuple[tuple[str, ...], ...] = ()
    """Accepted answers of each gap (cloze), parsed from ``{{a|b}}`` in the prompt."""
    file: str = ""
    line: int = 0
    key_point_alternatives: tuple[tuple[str, ...], ...] = ()
    """Accepted phrasings of each key point (``accept:``), parallel to ``key_points``; a
    question made elsewhere may leave it shorter or empty. Last, so old tuples still fit."""

    @property
    def where(self) -> str:
        return f"{self.file}:{self.line}"


@dataclass
class Bank:
    """Topics and questions of one or more files, in file order."""

    topics: dict[str, Topic] = field(default_factory=dict)
    questions: list[Question] = field(default_factory=list)
    files: list[str] = field(default_factory=list)

    def by_id(self) -> dict[str, Question]:
        return {q.id: q for q in self.questions}

    def in_topics(self, topics: Iterable[str] | None) -> list[Question]:
        wanted = set(topics or ())
        if not wanted:
            return list(self.questions)
        return [q for q in self.questions if q.topic in wanted]

    def count_by_topic(self) -> dict[str, int]:
        counts = dict.fromkeys(self.topics, 0)
        for q in self.questions:
            counts[q.topic] = counts.get(q.topic, 0) + 1
        return counts


class _Problems:
    """Collects ``FILE:LINE: message`` lines for one file."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.lines: list[str] = []

    def add(self, node: Node | None, message: str, line: int | None = None) -> None:
        if line is None:
            line = node.start_mark.line + 1 if node is not None else 1
        self.lines.append(f"{self.file}:{line}: {message}")


def cloze_gaps(prompt: str) -> list[tuple[str, ...]]:
    """The accepted answers of each ``{{a|b}}`` gap in a cloze prompt."""
    return [
        tuple(alt.strip() for alt in m.group(1).split("|") if alt.strip())
        for m in GAP_PATTERN.finditer(prompt)
    ]


def cloze_text(prompt: str, fill: Iterable[str] | None = None) -> str:
    """The prompt with each gap shown as ``[n]____``, or filled with ``fill``."""
    answers = iter(fill) if fill is not None else None
    counter = iter(range(1, 1000))

    def gap(match: re.Match[str]) -> str:
        n = next(counter)
        if answers is not None:
            return next(answers, "")
        return f"[{n}]____"

    return GAP_PATTERN.sub(gap, prompt)


def choice_letter(index: int) -> str:
    return LETTERS[index]


# ---------------------------------------------------------------- reading and parsing


def read_bytes(path: Path) -> bytes:
    """A bank file's bytes, at most MAX_BANK_BYTES."""
    name = str(path)
    try:
        size = path.stat().st_size
        if size > MAX_BANK_BYTES:
            raise BankError(
                [
                    f"{name}:1: the file is {size / 2**20:.1f} MB; "
                    f"a bank file may hold at most {MAX_BANK_BYTES // 2**20} MB"
                ]
            )
        return path.read_bytes()
    except FileNotFoundError:
        raise BankError([f"{name}: no such bank file"]) from None
    except IsADirectoryError:
        raise BankError([f"{name}: is a folder, not a bank file"]) from None
    except OSError as exc:
        raise BankError([f"{name}: cannot read: {exc.strerror or exc}"]) from None


def decode(data: bytes, name: str) -> str:
    """UTF-8 text (a byte-order mark is accepted), or the line of the first bad byte."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise BankError(
            [f"{name}:{line}: not valid UTF-8 (byte 0x{data[exc.start]:02x})"]
        ) from None


def read_text(path: Path) -> str:
    """A bank file's text: UTF-8, at most MAX_BANK_BYTES."""
    return decode(read_bytes(path), str(path))


def compose(text: str, name: str) -> Node | None:
    """The YAML node tree of one document, or a BankError with the line of the syntax error."""
    import yaml

    loader_class = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    loader = loader_class(text)
    try:
        return loader.get_single_node()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else 1
        problem = exc.problem or exc.context or "invalid YAML"
        if "\t" in problem or "tab" in problem.lower():
            problem += " (YAML does not allow tabs for indentation)"
        raise BankError([f"{name}:{line}: invalid YAML: {problem}"]) from None
    except yaml.YAMLError as exc:
        raise BankError([f"{name}:1: invalid YAML: {exc}"]) from None
    finally:
        loader.dispose()


# ---------------------------------------------------------------- checking nodes


class _FileReader:
    """Turns one file's node tree into topics and questions, collecting problems."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.problems = _Problems(name)
        self.seen: set[int] = set()

    def visit(self, node: Node) -> bool:
        """Refuse nodes reached twice (that only happens through anchors and aliases) and
        collections with a tag of their own (``!!python/object`` and the like)."""
        from yaml import MappingNode, SequenceNode

        key = id(node)
        if key in self.seen:
            self.problems.add(node, "YAML anchors and aliases are not supported in a bank")
            return False
        self.seen.add(key)
        mismatched = (isinstance(node, MappingNode) and node.tag != MAP_TAG) or (
            isinstance(node, SequenceNode) and node.tag != SEQ_TAG
        )
        if mismatched:
            self.problems.add(node, f"unsupported YAML tag {node.tag!r}")
            return False
        return True

    def kind(self, node: Node) -> str:
        return type(node).__name__.replace("Node", "").lower()

    def text(self, node: Node, what: str, required: bool = True) -> str | None:
        """A scalar as text. Numbers are kept as written; null and empty count as missing."""
        from yaml import ScalarNode

        if not self.visit(node):
            return None
        if not isinstance(node, ScalarNode):
            self.problems.add(node, f"{what} must be text, not a {self.kind(node)}")
            return None
        if node.tag not in STANDARD_SCALAR_TAGS:
            self.problems.add(node, f"{what}: unsupported YAML tag {node.tag!r}")
            return None
        value = str(node.value)
        if node.tag == "tag:yaml.org,2002:null" or not value.strip():
            if required:
                self.problems.add(node, f"{what} is empty")
            return None
        return value

    def text_list(self, node: Node, what: str) -> list[tuple[str, Node]] | None:
        from yaml import SequenceNode

        if not self.visit(node):
            return None
        if not isinstance(node, SequenceNode):
            self.problems.add(node, f"{what} must be a list, not a {self.kind(node)}")
            return None
        items = []
        for item in node.value:
            value = self.text(item, f"each item of {what}")
            if value is not None:
                items.append((value.strip(), item))
        return items

    def mapping(self, node: MappingNode, what: str, allowed: set[str]) -> dict[str, Node]:
        from yaml import ScalarNode

        fields: dict[str, Node] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, ScalarNode):
                self.problems.add(key_node, f"{what}: field names must be text")
                continue
            key = str(key_node.value)
            if key_node.tag not in STANDARD_SCALAR_TAGS:
                self.problems.add(key_node, f"{what}: unsupported YAML tag {key_node.tag!r}")
                continue
            if key in fields:
                self.problems.add(key_node, f"{what}: field {key!r} is given twice")
                continue
            if key not in allowed:
                close = difflib.get_close_matches(key, sorted(allowed), n=1)
                hint = f" (did you mean {close[0]!r}?)" if close else ""
                self.problems.add(key_node, f"{what}: unknown field {key!r}{hint}")
                continue
            fields[key] = value_node
        return fields

    def sequence_of_mappings(self, node: Node, what: str) -> Iterator[MappingNode]:
        from yaml import MappingNode, SequenceNode

        if not self.visit(node):
            return
        if not isinstance(node, SequenceNode):
            self.problems.add(node, f"{what!r} must be a list, not a {self.kind(node)}")
            return
        for item in node.value:
            if not self.visit(item):
                continue
            if not isinstance(item, MappingNode):
                self.problems.add(item, f"each item of {what!r} must be a mapping of fields")
                continue
            yield item

    def slug(self, node: Node, what: str) -> str | None:
        value = self.text(node, what)
        if value is None:
            return None
        if len(value) > MAX_ID_LENGTH or not ID_PATTERN.match(value):
            self.problems.add(
                node,
                f"{what} {value!r} must be lowercase letters, digits, '-', '_' or '.' "
                f"(at most {MAX_ID_LENGTH} characters)",
            )
            return None
        return value

    # ------------------------------------------------------------ the document

    def read(self, root: Node | None) -> tuple[list[Topic], list[Question]]:
        from yaml import MappingNode

        if root is None:
            self.problems.add(None, "the file is empty: expected 'topics:' and/or 'questions:'")
            return [], []
        if not self.visit(root):
            return [], []
        if not isinstance(root, MappingNode):
            self.problems.add(
                root,
                f"the top level must be a mapping with 'topics:' and/or 'questions:', "
                f"not a {self.kind(root)}",
            )
            return [], []
        fields = self.mapping(root, "top level", {"topics", "questions"})
        if not fields:
            self.problems.add(root, "expected 'topics:' and/or 'questions:' at the top level")
        topics = (
            [self.topic(n) for n in self.sequence_of_mappings(fields["topics"], "topics")]
            if ("topics" in fields)
            else []
        )
        questions = (
            [self.question(n) for n in self.sequence_of_mappings(fields["questions"], "questions")]
            if "questions" in fields
            else []
        )
        return [t for t in topics if t], [q for q in questions if q]

    def topic(self, node: MappingNode) -> Topic | None:
        before = len(self.problems.lines)
        fields = self.mapping(node, "topic", TOPIC_FIELDS)
        for name in ("id", "title"):
            if name not in fields:
                self.problems.add(node, f"topic: missing field {name!r}")
        topic_id = self.slug(fields["id"], "topic id") if "id" in fields else None
        title = self.text(fields["title"], "topic title") if "title" in fields else None
        source = self.text(fields["source"], "topic source", False) if "source" in fields else ""
        desc = (
            self.text(fields["description"], "topic description", False)
            if "description" in fields
            else ""
        )
        if len(self.problems.lines) > before or topic_id is None or title is None:
            return None
        line = node.start_mark.line + 1
        return Topic(
            topic_id, title.strip(), (source or "").strip(), (desc or "").strip(), self.name, line
        )

    def question(self, node: MappingNode) -> Question | None:
        before = len(self.problems.lines)
        fields = self.mapping(node, "question", set(QUESTION_FIELDS))
        qid = self.slug(fields["id"], "question id") if "id" in fields else None
        label = f"question {qid!r}" if qid else "question"
        for name in ("id", "topic", "type", "prompt"):
            if name not in fields:
                self.problems.add(node, f"{label}: missing field {name!r}")
        topic = self.slug(fields["topic"], f"{label}: topic") if "topic" in fields else None
        qtype = self.text(fields["type"], f"{label}: type") if "type" in fields else None
        if qtype is not None and qtype not in QUESTION_TYPES:
            self.problems.add(
                fields["type"],
                f"{label}: unknown type {qtype!r}; use one of {', '.join(QUESTION_TYPES)}",
            )
            qtype = None
        prompt = self.text(fields["prompt"], f"{label}: prompt") if "prompt" in fields else None
        answer = (
            self.text(fields["answer"], f"{label}: answer", False) if "answer" in fields else None
        )
        key_points = (
            self.key_points(fields["key_points"], f"{label}: key_points")
            if ("key_points" in fields)
            else []
        )
        tags = self.text_list(fields["tags"], f"{label}: tags") if "tags" in fields else []

        choices: list[str] = []
        correct: list[int] = []
        gaps: list[tuple[str, ...]] = []
        if qtype is not None:
            for name in sorted(set(fields) & {"choices", "correct"} - TYPE_FIELDS[qtype]):
                self.problems.add(fields[name], f"{label}: field {name!r} is only for mcq")
        if qtype == "open":
            if answer is None:
                self.problems.add(node, f"{label}: an open question needs an 'answer'")
        elif qtype == "mcq":
            choices, correct = self.mcq(node, fields, label)
        elif qtype == "cloze" and prompt is not None:
            gaps = self.cloze(fields["prompt"], prompt, label)

        if len(self.problems.lines) > before:
            return None
        assert qid and topic and qtype and prompt is not None
        return Question(
            id=qid,
            topic=topic,
            type=qtype,
            prompt=prompt.strip(),
            answer=(answer or "").strip(),
            key_points=tuple(k for k, _ in key_points or []),
            key_point_alternatives=tuple(alts for _, alts in key_points or []),
            tags=tuple(t for t, _ in tags or []),
            choices=tuple(choices),
            correct=tuple(correct),
            gaps=tuple(gaps),
            file=self.name,
            line=node.start_mark.line + 1,
        )

    def key_points(self, node: Node, what: str) -> list[tuple[str, tuple[str, ...]]] | None:
        """Key points, each plain text or ``{point: TEXT, accept: [TEXT, ...]}``, with the
        accepted alternatives of each (empty for plain text)."""
        from yaml import MappingNode, SequenceNode

        if not self.visit(node):
            return None
        if not isinstance(node, SequenceNode):
            self.problems.add(node, f"{what} must be a list, not a {self.kind(node)}")
            return None
        points: list[tuple[str, tuple[str, ...]]] = []
        for item in node.value:
            if not isinstance(item, MappingNode):
                text = self.text(item, f"each item of {what}")
                if text is not None:
                    points.append((text.strip(), ()))
                continue
            if not self.visit(item):
                continue
            fields = self.mapping(item, f"{what}: a key point", KEY_POINT_FIELDS)
            if "point" not in fields:
                self.problems.add(item, f"{what}: a key point written as a mapping needs 'point'")
                continue
            text = self.text(fields["point"], f"{what}: point")
            accept = (
                self.text_list(fields["accept"], f"{what}: accept") if "accept" in fields else []
            )
            if text is not None and accept is not None:
                points.append((text.strip(), tuple(alt for alt, _ in accept)))
        return points

    def mcq(self, node: Node, fields: dict[str, Node], label: str) -> tuple[list[str], list[int]]:
        from yaml import SequenceNode

        if "choices" not in fields or "correct" not in fields:
            self.problems.add(node, f"{label}: an mcq needs 'choices' and 'correct'")
            return [], []
        items = self.text_list(fields["choices"], f"{label}: choices") or []
        choices = [text for text, _ in items]
        if not 2 <= len(choices) <= MAX_CHOICES:
            self.problems.add(
                fields["choices"], f"{label}: an mcq needs 2 to {MAX_CHOICES} choices"
            )
        seen: dict[str, int] = {}
        for text, item in items:
            key = " ".join(text.casefold().split())
            if key in seen:
                self.problems.add(item, f"{label}: duplicate choice {text!r}")
            seen[key] = 1
        correct_node = fields["correct"]
        if isinstance(correct_node, SequenceNode):
            letters = self.text_list(correct_node, f"{label}: correct") or []
        else:
            value = self.text(correct_node, f"{label}: correct")
            letters = [(value.strip(), correct_node)] if value is not None else []
        correct: list[int] = []
        for letter, item in letters:
            index = LETTERS.find(letter.lower()) if len(letter) == 1 else -1
            if index < 0 or index >= len(choices):
                last = LETTERS[min(max(len(choices), 1), MAX_CHOICES) - 1]
                self.problems.add(
                    item, f"{label}: correct choice {letter!r} must be a letter from a to {last}"
                )
            elif index in correct:
                self.problems.add(item, f"{label}: correct choice {letter!r} is given twice")
            else:
                correct.append(index)
        if not letters:
            self.problems.add(correct_node, f"{label}: an mcq needs at least one correct choice")
        elif choices and len(correct) == len(choices):
            self.problems.add(correct_node, f"{label}: an mcq needs at least one wrong choice")
        return choices, sorted(correct)

    def cloze(self, prompt_node: Node, prompt: str, label: str) -> list[tuple[str, ...]]:
        gaps = cloze_gaps(prompt)
        leftover = GAP_PATTERN.sub("", prompt)
        if "{{" in leftover or "}}" in leftover:
            self.problems.add(prompt_node, f"{label}: unbalanced '{{{{' or '}}}}' in the prompt")
        if not gaps:
            self.problems.add(
                prompt_node, f"{label}: a cloze needs at least one gap written {{{{answer}}}}"
            )
        for n, alternatives in enumerate(gaps, 1):
            if not alternatives:
                self.problems.add(prompt_node, f"{label}: gap {n} has no accepted answer")
            elif any(";" in alt for alt in alternatives):
                self.problems.add(
                    prompt_node, f"{label}: gap {n}: ';' separates answers, it cannot be in one"
                )
        return gaps


# ---------------------------------------------------------------- loading


def parse_file(path: Path) -> tuple[list[Topic], list[Question]]:
    """Topics and questions of one file; raises BankError with every problem found."""
    name = str(path)
    text = read_text(path)
    return parse_text(text, name)


def parse_text(text: str, name: str) -> tuple[list[Topic], list[Question]]:
    root = compose(text, name)
    reader = _FileReader(name)
    topics, questions = reader.read(root)
    if reader.problems.lines:
        raise BankError(reader.problems.lines)
    return topics, questions


def combine(parts: list[tuple[str, list[Topic], list[Question]]]) -> Bank:
    """Join parsed files into one bank, checking ids and topics across them."""
    bank = Bank()
    problems: list[str] = []
    seen_questions: dict[str, Question] = {}
    for name, topics, _ in parts:
        bank.files.append(name)
        for topic in topics:
            if topic.id in bank.topics:
                first = bank.topics[topic.id]
                problems.append(
                    f"{topic.file}:{topic.line}: duplicate topic id {topic.id!r} "
                    f"(first at {first.file}:{first.line})"
                )
            else:
                bank.topics[topic.id] = topic
    for _, _, questions in parts:
        for q in questions:
            if q.id in seen_questions:
                earlier = seen_questions[q.id]
                problems.append(
                    f"{q.where}: duplicate question id {q.id!r} (first at {earlier.where})"
                )
                continue
            if q.topic not in bank.topics:
                known = ", ".join(sorted(bank.topics)) or "none defined"
                problems.append(
                    f"{q.where}: question {q.id!r}: unknown topic {q.topic!r} (known: {known})"
                )
                continue
            seen_questions[q.id] = q
            bank.questions.append(q)
    if problems:
        raise BankError(problems[:MAX_PROBLEMS])
    return bank


def load_bank(paths: list[Path], cache_dir: Path | None = None) -> Bank:
    """Load and validate bank files as one bank; raises BankError listing every problem.

    With ``cache_dir``, each file's parsed content is cached there (see ``bank_cache``).
    """
    parse = parse_file
    if cache_dir is not None:
        from mlops_quiz import bank_cache

        def parse(path: Path) -> tuple[list[Topic], list[Question]]:
            return bank_cache.parse_file_cached(path, cache_dir)

    parts: list[tuple[str, list[Topic], list[Question]]] = []
    problems: list[str] = []
    with _no_gc():
        for path in paths:
            try:
                topics, questions = parse(path)
            except BankError as exc:
                problems.extend(exc.problems)
                continue
            parts.append((str(path), topics, questions))
        if problems:
            raise BankError(problems[:MAX_PROBLEMS])
        return combine(parts)


@contextmanager
def _no_gc() -> Iterator[None]:
    """Building many objects at once triggers the cycle collector over and over, for nothing:
    a bank holds no reference cycles. Pausing it halves the time to load a large bank."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
