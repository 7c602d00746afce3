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
import stat
from collections.abc import Callable, Collection, Iterable, Iterator
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
MAX_ITEMS = 400_000
"""At most this many lines and list items in one file (an estimate read from the text before
it is parsed), which bounds the memory of the YAML node tree: a 16 MB file of one-word items
would otherwise take gigabytes."""
MAX_LENGTHS = {
    "prompt": 4_000,
    "answer": 20_000,
    "key point": 500,
    "choice": 500,
    "tag": 64,
    "title": 200,
    "source": 1_000,
    "description": 4_000,
    "gap answer": 200,
}
"""The longest text each field may hold, in characters: far above any real item, and low enough
that drawing, normalising and checking an item stays fast whatever a file holds."""
MAX_KEY_POINTS = 30
MAX_KEY_POINT_ALTERNATIVES = 20
MAX_TAGS = 20
MAX_GAPS = 30
MAX_GAP_ANSWERS = 50
ID_PATTERN = re.compile(r"[a-z0-9][a-z0-9_.-]*")
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
    "shuffle",
)
"""A question's fields, in the order they are written."""
TYPE_FIELDS = {"open": set(), "mcq": {"choices", "correct", "shuffle"}, "cloze": set()}
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
    shuffle: bool = True
    """Whether an mcq's choices are shuffled at each presentation (``shuffle: false`` opts out)."""
    key_point_alternatives: tuple[tuple[str, ...], ...] = ()
    """Accepted phrasings of each key point (``accept:``), parallel to ``key_points``; a
    question made elsewhere may leave it shorter or empty."""

    @property
    def where(self) -> str:
        return f"{self.file}:{self.line}"


@dataclass
class Bank:
    """Topics and questions of one or more files, in file order."""

    topics: dict[str, Topic] = field(default_factory=dict)
    questions: list[Question] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    """Problems of a lenient load: items or files left out (``FILE:LINE: message``)."""
    left_out: int = 0
    """How many questions a lenient load left out for those problems."""

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


def cloze_pieces(prompt: str) -> list[tuple[str, bool]]:
    """A cloze prompt split into (text, is_gap) pieces; a gap's text is what is inside
    ``{{...}}``. Found with ``str.find`` in one pass: linear, whatever the prompt holds (a regex
    with a lazy ``.*?`` is quadratic on many unclosed ``{{``)."""
    pieces: list[tuple[str, bool]] = []
    at = 0
    while True:
        start = prompt.find("{{", at)
        end = prompt.find("}}", start + 2) if start >= 0 else -1
        if start < 0 or end < 0:
            break
        if start > at:
            pieces.append((prompt[at:start], False))
        pieces.append((prompt[start + 2 : end], True))
        at = end + 2
    if at < len(prompt):
        pieces.append((prompt[at:], False))
    return pieces


def gap_answers(inner: str) -> tuple[str, ...]:
    """The accepted answers written inside one gap: ``a|b``."""
    return tuple(alt.strip() for alt in inner.split("|") if alt.strip())


def cloze_gaps(prompt: str) -> list[tuple[str, ...]]:
    """The accepted answers of each ``{{a|b}}`` gap in a cloze prompt."""
    return [gap_answers(text) for text, is_gap in cloze_pieces(prompt) if is_gap]


def cloze_text(prompt: str, fill: Iterable[str] | None = None) -> str:
    """The prompt with each gap shown as ``[n]____``, or filled with ``fill``."""
    answers = iter(fill) if fill is not None else None
    out: list[str] = []
    n = 0
    for text, is_gap in cloze_pieces(prompt):
        if not is_gap:
            out.append(text)
            continue
        n += 1
        out.append(next(answers, "") if answers is not None else f"[{n}]____")
    return "".join(out)


def choice_letter(index: int) -> str:
    return LETTERS[index]


# ---------------------------------------------------------------- reading and parsing


def read_bytes(path: Path) -> bytes:
    """A bank file's bytes, at most MAX_BANK_BYTES."""
    name = str(path)
    limit = f"a bank file may hold at most {MAX_BANK_BYTES // 2**20} MB"
    try:
        st = path.stat()
        if stat.S_ISDIR(st.st_mode):
            raise IsADirectoryError
        if not stat.S_ISREG(st.st_mode):
            raise BankError([f"{name}: is not a regular file (a device or a pipe); give a file"])
        if st.st_size > MAX_BANK_BYTES:
            raise BankError([f"{name}:1: the file is {st.st_size / 2**20:.1f} MB; {limit}"])
        with path.open("rb") as handle:  # the size may change under us: read at most the cap
            data = handle.read(MAX_BANK_BYTES + 1)
        if len(data) > MAX_BANK_BYTES:
            raise BankError([f"{name}:1: the file grew past the limit while read; {limit}"])
        return data
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

    items = text.count("\n") + text.count(",")
    if items > MAX_ITEMS:
        raise BankError(
            [f"{name}:1: the file has over {MAX_ITEMS:,} lines and list items; split it"]
        )
    loader_class = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    loader = loader_class(text)
    try:
        return loader.get_single_node()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = exc.problem or exc.context or "invalid YAML"
        if exc.context_mark is not None and "quoted scalar" in (exc.context or ""):
            # A quote never closed: the useful line is where it opens, not the end of the file.
            mark = exc.context_mark
            problem = "a quoted text starts here and is never closed"
        line = mark.line + 1 if mark is not None else 1
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
        self.left_out = 0
        """Question entries left out for their problems."""

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

    def text(
        self,
        node: Node,
        what: str,
        required: bool = True,
        limit: str | None = None,
        plain: bool = False,
    ) -> str | None:
        """A scalar as text. Numbers are kept as written; null and empty count as missing.

        ``limit``: the key of MAX_LENGTHS that caps its length. ``plain``: text a learner must
        type or tell apart (choices, gap answers), where an invisible character is refused."""
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
        if limit is not None and len(value) > MAX_LENGTHS[limit]:
            self.problems.add(
                node, f"{what} is {len(value):,} characters long; at most {MAX_LENGTHS[limit]:,}"
            )
            return None
        if plain and self.hidden(node, value, what):
            return None
        return value

    def flag(self, node: Node, what: str) -> bool:
        """A YAML boolean (true or false); anything else is a problem (and counts as true)."""
        from yaml import ScalarNode

        if not self.visit(node):
            return True
        if isinstance(node, ScalarNode) and node.tag == "tag:yaml.org,2002:bool":
            return str(node.value).lower() in ("true", "yes", "on")
        self.problems.add(node, f"{what} must be true or false")
        return True

    def hidden(self, node: Node, value: str, what: str) -> bool:
        """Report invisible characters (zero-width, bidi, soft hyphen, separators...)."""
        from mlops_quiz.text import hidden_chars

        found = hidden_chars(value.replace("\n", " "))
        if found:
            self.problems.add(
                node,
                f"{what} holds an invisible character U+{ord(found[0]):04X}; "
                "it would look the same as text without it",
            )
        return bool(found)

    def text_list(
        self,
        node: Node,
        what: str,
        limit: str | None = None,
        most: int | None = None,
        plain: bool = False,
    ) -> list[tuple[str, Node]] | None:
        from yaml import SequenceNode

        if not self.visit(node):
            return None
        if not isinstance(node, SequenceNode):
            self.problems.add(node, f"{what} must be a list, not a {self.kind(node)}")
            return None
        if most is not None and len(node.value) > most:
            self.problems.add(node, f"{what}: {len(node.value):,} items; at most {most}")
            return None
        items = []
        for item in node.value:
            value = self.text(item, f"each item of {what}", limit=limit, plain=plain)
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
        if len(value) > MAX_ID_LENGTH or not ID_PATTERN.fullmatch(value):
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
        valid = [q for q in questions if q]
        self.left_out = len(questions) - len(valid)
        return [t for t in topics if t], valid

    def topic(self, node: MappingNode) -> Topic | None:
        before = len(self.problems.lines)
        fields = self.mapping(node, "topic", TOPIC_FIELDS)
        for name in ("id", "title"):
            if name not in fields:
                self.problems.add(node, f"topic: missing field {name!r}")
        topic_id = self.slug(fields["id"], "topic id") if "id" in fields else None
        title = (
            self.text(fields["title"], "topic title", limit="title") if "title" in fields else None
        )
        source = (
            self.text(fields["source"], "topic source", False, limit="source")
            if "source" in fields
            else ""
        )
        desc = (
            self.text(fields["description"], "topic description", False, limit="description")
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
        prompt = (
            self.text(fields["prompt"], f"{label}: prompt", limit="prompt")
            if "prompt" in fields
            else None
        )
        answer = (
            self.text(fields["answer"], f"{label}: answer", False, limit="answer")
            if "answer" in fields
            else None
        )
        key_points = (
            self.key_points(fields["key_points"], f"{label}: key_points")
            if ("key_points" in fields)
            else []
        )
        tags = (
            self.text_list(fields["tags"], f"{label}: tags", "tag", MAX_TAGS)
            if "tags" in fields
            else []
        )
        shuffle = self.flag(fields["shuffle"], f"{label}: shuffle") if "shuffle" in fields else True

        choices: list[str] = []
        correct: list[int] = []
        gaps: list[tuple[str, ...]] = []
        if qtype is not None:
            for name in sorted(set(fields) & TYPE_FIELDS["mcq"] - TYPE_FIELDS[qtype]):
                self.problems.add(fields[name], f"{label}: field {name!r} is only for mcq")
        if qtype == "open":
            if "answer" not in fields:
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
            shuffle=shuffle,
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
        if len(node.value) > MAX_KEY_POINTS:
            self.problems.add(node, f"{what}: {len(node.value):,} items; at most {MAX_KEY_POINTS}")
            return None
        points: list[tuple[str, tuple[str, ...]]] = []
        for item in node.value:
            if not isinstance(item, MappingNode):
                text = self.text(item, f"each item of {what}", limit="key point")
                if text is not None:
                    points.append((text.strip(), ()))
                continue
            if not self.visit(item):
                continue
            fields = self.mapping(item, f"{what}: a key point", KEY_POINT_FIELDS)
            if "point" not in fields:
                self.problems.add(item, f"{what}: a key point written as a mapping needs 'point'")
                continue
            text = self.text(fields["point"], f"{what}: point", limit="key point")
            accept = (
                self.text_list(
                    fields["accept"], f"{what}: accept", "key point", MAX_KEY_POINT_ALTERNATIVES
                )
                if "accept" in fields
                else []
            )
            if text is not None and accept is not None:
                points.append((text.strip(), tuple(alt for alt, _ in accept)))
        return points

    def mcq(self, node: Node, fields: dict[str, Node], label: str) -> tuple[list[str], list[int]]:
        from yaml import SequenceNode

        if "choices" not in fields or "correct" not in fields:
            self.problems.add(node, f"{label}: an mcq needs 'choices' and 'correct'")
            return [], []
        from mlops_quiz.text import fold

        items = self.text_list(fields["choices"], f"{label}: choices", "choice", plain=True) or []
        choices = [text for text, _ in items]
        if not 2 <= len(choices) <= MAX_CHOICES:
            self.problems.add(
                fields["choices"], f"{label}: an mcq needs 2 to {MAX_CHOICES} choices"
            )
        seen: dict[str, int] = {}
        for text, item in items:
            key = fold(text)
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
        from mlops_quiz.text import fold

        pieces = cloze_pieces(prompt)
        leftover = "".join(text for text, is_gap in pieces if not is_gap)
        if "{{" in leftover or "}}" in leftover:
            self.problems.add(prompt_node, f"{label}: unbalanced '{{{{' or '}}}}' in the prompt")
        gaps = [gap_answers(text) for text, is_gap in pieces if is_gap]
        if not gaps:
            self.problems.add(
                prompt_node, f"{label}: a cloze needs at least one gap written {{{{answer}}}}"
            )
        if len(gaps) > MAX_GAPS:
            self.problems.add(prompt_node, f"{label}: {len(gaps)} gaps; at most {MAX_GAPS}")
            return []
        longest = MAX_LENGTHS["gap answer"]
        for n, alternatives in enumerate(gaps, 1):
            where = f"{label}: gap {n}"
            if not alternatives:
                self.problems.add(prompt_node, f"{where} has no accepted answer")
            elif len(alternatives) > MAX_GAP_ANSWERS:
                self.problems.add(
                    prompt_node, f"{where}: {len(alternatives)} answers; at most {MAX_GAP_ANSWERS}"
                )
            elif any(";" in alt for alt in alternatives):
                self.problems.add(
                    prompt_node, f"{where}: ';' separates answers, it cannot be in one"
                )
            elif any(len(alt) > longest for alt in alternatives):
                self.problems.add(prompt_node, f"{where}: an answer is over {longest} characters")
            elif any(self.hidden(prompt_node, alt, where) for alt in alternatives):
                pass
            elif any(not fold(alt) for alt in alternatives):
                self.problems.add(
                    prompt_node,
                    f"{where}: an answer is only punctuation or spaces, which nobody can type "
                    "so that it is compared",
                )
        return gaps


# ---------------------------------------------------------------- loading


def parse_file(path: Path) -> tuple[list[Topic], list[Question]]:
    """Topics and questions of one file; raises BankError with every problem found."""
    name = str(path)
    text = read_text(path)
    return parse_text(text, name)


def parse_text(text: str, name: str) -> tuple[list[Topic], list[Question]]:
    topics, questions, problems, _ = parse_text_lenient(text, name)
    if problems:
        raise BankError(problems)
    return topics, questions


def parse_text_lenient(text: str, name: str) -> tuple[list[Topic], list[Question], list[str], int]:
    """The valid topics and questions of one file, its problems, and how many items were left
    out for them. A file that is not YAML at all still raises BankError."""
    root = compose(text, name)
    reader = _FileReader(name)
    topics, questions = reader.read(root)
    return topics, questions, reader.problems.lines, reader.left_out


def combine(
    parts: list[tuple[str, list[Topic], list[Question]]], lenient: Collection[str] = ()
) -> Bank:
    """Join parsed files into one bank, checking ids and topics across them.

    ``lenient``: names of files whose clashing items are left out with a warning instead of
    failing the load."""
    bank = Bank()
    problems: list[str] = []
    warnings: list[str] = []
    seen_questions: dict[str, Question] = {}
    for name, topics, _ in parts:
        bank.files.append(name)
        for topic in topics:
            if topic.id in bank.topics:
                first = bank.topics[topic.id]
                (warnings if topic.file in lenient else problems).append(
                    f"{topic.file}:{topic.line}: duplicate topic id {topic.id!r} "
                    f"(first at {first.file}:{first.line})"
                )
            else:
                bank.topics[topic.id] = topic
    for _, _, questions in parts:
        for q in questions:
            problem = None
            if q.id in seen_questions:
                earlier = seen_questions[q.id]
                problem = f"{q.where}: duplicate question id {q.id!r} (first at {earlier.where})"
            elif q.topic not in bank.topics:
                known = ", ".join(sorted(bank.topics)) or "none defined"
                problem = (
                    f"{q.where}: question {q.id!r}: unknown topic {q.topic!r} (known: {known})"
                )
            if problem is None:
                seen_questions[q.id] = q
                bank.questions.append(q)
            elif q.file in lenient:
                warnings.append(problem)
                bank.left_out += 1
            else:
                problems.append(problem)
    if problems:
        raise BankError(problems)
    bank.warnings.extend(warnings)
    return bank


Parse = Callable[[Path], tuple[list[Topic], list[Question]]]


def load_bank(paths: list[Path], parse: Parse = parse_file, lenient: Collection[Path] = ()) -> Bank:
    """Load and validate bank files as one bank; raises BankError listing every problem.

    ``parse`` reads one file (``bank_cache`` passes a cached one). ``lenient``: files (the
    learner's own bank) whose invalid items, or whose whole content if it cannot be read, are
    left out and named in ``Bank.warnings`` (``Bank.left_out`` counts the items) instead of
    failing the load: one bad entry in a learner's own bank does not stop their studies.
    ``validate`` stays strict.
    """
    parts: list[tuple[str, list[Topic], list[Question]]] = []
    problems: list[str] = []
    warnings: list[str] = []
    left_out = 0
    with _no_gc():
        for path in paths:
            try:
                topics, questions = parse(path)
            except BankError as exc:
                if path not in lenient:
                    problems.extend(exc.problems)
                    continue
                try:
                    text = read_text(path)
                    topics, questions, found, left = parse_text_lenient(text, str(path))
                except BankError as whole:
                    warnings.extend(whole.problems)
                    warnings.append(f"{path}: the whole file is left out")
                    continue
                warnings.extend(found)
                left_out += left
            parts.append((str(path), topics, questions))
        if problems:
            raise BankError(problems)
        bank = combine(parts, {str(p) for p in lenient})
    bank.warnings[:0] = warnings
    bank.left_out += left_out
    return bank


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
