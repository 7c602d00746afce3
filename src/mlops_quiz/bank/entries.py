"""Building a bank file's topics and questions from its validated fields; a file's entries
with problems are left out, each problem reported with its line."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from mlops_quiz.bank.fields import (
    MAX_CHOICES,
    MAX_GAP_ANSWERS,
    MAX_GAPS,
    MAX_KEY_POINT_ALTERNATIVES,
    MAX_KEY_POINTS,
    MAX_LENGTHS,
    MAX_TAGS,
    FieldReader,
)
from mlops_quiz.bank.model import (
    KEY_POINT_FIELDS,
    LETTERS,
    QUESTION_FIELDS,
    QUESTION_TYPES,
    TOPIC_FIELDS,
    TYPE_FIELDS,
    Question,
    Topic,
    cloze_pieces,
    gap_answers,
)
from mlops_quiz.bank.reading import compose, read_text
from mlops_quiz.errors import BankError
from mlops_quiz.text import fold

if TYPE_CHECKING:
    from yaml import MappingNode, Node


class _FileReader(FieldReader):
    """Turns one file's node tree into topics and questions, collecting problems."""

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


def question_line(text: str, question_id: str) -> int | None:
    """The line where the question with this id starts, valid or not (``edit`` opens one left
    out as invalid, to fix it); None if the file has none, or is no YAML."""
    from yaml import MappingNode, ScalarNode, SequenceNode

    def scalar(node: object, value: str) -> bool:
        return isinstance(node, ScalarNode) and node.value == value

    try:
        root = compose(text, "")
    except BankError:
        return None
    if not isinstance(root, MappingNode):
        return None
    for key, items in root.value:
        if scalar(key, "questions") and isinstance(items, SequenceNode):
            for item in items.value:
                if isinstance(item, MappingNode) and any(
                    scalar(k, "id") and scalar(v, question_id) for k, v in item.value
                ):
                    return int(item.start_mark.line) + 1
    return None
