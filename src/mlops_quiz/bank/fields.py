"""Validating the fields of a bank file: kinds, tags, lengths and the characters a value may
hold, each problem reported as ``FILE:LINE: message``."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

from mlops_quiz.text import hidden_chars

if TYPE_CHECKING:
    from yaml import MappingNode, Node

MAX_ID_LENGTH = 80
MAX_CHOICES = 26
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


class _Problems:
    """Collects ``FILE:LINE: message`` lines for one file."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.lines: list[str] = []

    def add(self, node: Node | None, message: str, line: int | None = None) -> None:
        if line is None:
            line = node.start_mark.line + 1 if node is not None else 1
        self.lines.append(f"{self.file}:{line}: {message}")


class FieldReader:
    """Checks the fields of one file's node tree, collecting problems: each value is refused
    with its line unless it has the expected kind, tag and length."""

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
