"""Adding questions to a bank file without disturbing what is already in it.

The new item is inserted as YAML text at the end of the file's ``questions:`` list, so every
existing byte (comments, order, quoting) stays as it was. The result is validated together with
the rest of the bank before anything is written, and written atomically: a temporary file beside
the bank, flushed to disk, then renamed over it. A reader sees the old file or the new one,
never a part of either.
"""

from __future__ import annotations

import contextlib
import os
import re
import tempfile
import time
import unicodedata
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml

from mlops_quiz.bank import (
    QUESTION_FIELDS,
    Bank,
    combine,
    compose,
    parse_file,
    parse_text,
    read_text,
)
from mlops_quiz.errors import BankError
from mlops_quiz.files import is_read_only
from mlops_quiz.text import fold

BOM = "\ufeff"
NEW_FILE_HEADER = (
    '# My own questions for mlops-quiz. Format: see the README, section "The bank format".\n'
)
MAX_SLUG_LENGTH = 48
LOCK_TIMEOUT_SECONDS = 10.0
LOCK_POLL_SECONDS = 0.05
TEMP_PREFIX = "."
TEMP_SUFFIX = ".tmp"


class _BlockDumper(yaml.SafeDumper):
    """Writes multi-line text as ``|`` blocks and indents lists, as people write banks by hand."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        super().increase_indent(flow, False)


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    if "\n" in value:
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="|")
    return dumper.represent_scalar("tag:yaml.org,2002:str", value)


_BlockDumper.add_representer(str, _represent_str)


def slugify(text: str) -> str:
    """A readable id from a prompt: lowercase ASCII words joined by '-'."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    words = re.findall(r"[a-z0-9]+", ascii_text.lower())
    slug = ""
    for word in words:
        candidate = f"{slug}-{word}" if slug else word
        if len(candidate) > MAX_SLUG_LENGTH:
            break
        slug = candidate
    return slug or "question"


def unique_id(base: str, taken: set[str], next_number: dict[str, int] | None = None) -> str:
    """``base``, or ``base-N`` with the first N from 2 that is not taken. ``next_number``
    keeps, per base, where the search goes on (``taken`` only grows), so that many prompts with
    one base (all those without ASCII letters give "question") take linear time."""
    if base not in taken:
        return base
    n = next_number.get(base, 2) if next_number is not None else 2
    while f"{base}-{n}" in taken:
        n += 1
    if next_number is not None:
        next_number[base] = n + 1
    return f"{base}-{n}"


_FastDumper: Any = None
if hasattr(yaml, "CSafeDumper"):  # libyaml's emitter, where PyYAML was built with it

    class _FastDumper(yaml.CSafeDumper):  # type: ignore[no-redef]
        """The same values as ``_BlockDumper``, emitted in C, with lists not indented under
        their key (libyaml's layout): for checking an item, not for writing it to a file."""

    _FastDumper.add_representer(str, _represent_str)


def item_yaml(item: dict[str, Any], indent: int, for_checking: bool = False) -> str:
    """One question as a block-sequence entry, indented to sit in an existing list.

    ``for_checking``: text that loads to the same item, emitted several times faster, in a
    layout that is not the one we write (a sheet's rows are each checked before they are
    written, and PyYAML's own emitter takes most of an import's time)."""
    dumper = _FastDumper if for_checking and _FastDumper is not None else _BlockDumper
    dumped = yaml.dump([item], Dumper=dumper, sort_keys=False, allow_unicode=True, width=100)
    pad = " " * indent
    return "".join(pad + line if line.strip() else line for line in dumped.splitlines(True))


def insert_question(text: str, item: dict[str, Any], name: str) -> str:
    """The file's text with the item appended to its ``questions:`` list (same line endings)."""
    return insert_questions(text, [item], name)


def insert_questions(text: str, items: list[dict[str, Any]], name: str) -> str:
    """The file's text with the items appended to its ``questions:`` list (same line endings)."""
    if "\r\n" not in text:
        return _insert(text, items, name)
    lf_text = text.replace("\r\n", "\n")
    return _insert(lf_text, items, name).replace("\n", "\r\n")


def _items_yaml(items: list[dict[str, Any]], indent: int) -> str:
    return "".join(item_yaml(item, indent) for item in items)


def _insert(text: str, items: list[dict[str, Any]], name: str) -> str:
    from yaml import MappingNode, ScalarNode, SequenceNode

    if not text.strip():
        return (text or NEW_FILE_HEADER) + "questions:\n" + _items_yaml(items, 2)
    root = compose(text, name)
    if not isinstance(root, MappingNode):
        raise BankError([f"{name}:1: the top level must be a mapping to add a question to it"])
    body = text if text.endswith("\n") else text + "\n"
    for key, value in root.value:
        if not (isinstance(key, ScalarNode) and key.value == "questions"):
            continue
        if isinstance(value, SequenceNode) and not value.flow_style and value.value:
            at = _end_of_block(text, value.end_mark.index)
            head = text[:at] if text[:at].endswith("\n") or at == 0 else text[:at] + "\n"
            return head + _items_yaml(items, value.start_mark.column) + text[at:]
        empty = (isinstance(value, SequenceNode) and not value.value) or (
            isinstance(value, ScalarNode) and value.tag.endswith(":null")
        )
        if empty:
            start, end = value.start_mark.index, value.end_mark.index
            rest = text[end:]
            return text[:start].rstrip(" ") + "\n" + _items_yaml(items, 2) + rest.lstrip(" \n")
        raise BankError(
            [
                f"{name}:{value.start_mark.line + 1}: 'questions' must be a block list "
                "(one '- ' item per question) to add a question to it"
            ]
        )
    return body + "questions:\n" + _items_yaml(items, 2)


def _end_of_block(text: str, end: int) -> int:
    """Where to insert after a block list: after its last line of content.

    Blank lines and comments at the start of a line that follow the list are left after the new
    item, since they usually introduce what comes next.
    """
    at = text.rfind("\n", 0, end) + 1 if end < len(text) else len(text)
    if at == len(text) and not text.endswith("\n"):
        return at
    lines = text[:at].splitlines(True)
    while lines and (not lines[-1].strip() or lines[-1].startswith("#")):
        at -= len(lines.pop())
    return at


@contextlib.contextmanager
def locked(bank: Path, timeout: float = LOCK_TIMEOUT_SECONDS) -> Iterator[None]:
    """Serialise writers of one bank file (no-op where flock is missing).

    The lock is a file of our own beside the bank (``.NAME.lock``), never the bank's folder,
    which someone else may hold; waiting is bounded by ``timeout``."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows
        yield
        return
    lock_path = bank.with_name(f".{bank.name}.lock")
    try:
        fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o600)
    except OSError as exc:
        raise BankError(
            [f"{bank}: cannot create the lock file {lock_path}: {exc.strerror}"]
        ) from None
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise BankError(
                        [
                            f"{bank}: another program is writing this bank (it holds "
                            f"{lock_path}); try again when it is done"
                        ]
                    ) from None
                time.sleep(LOCK_POLL_SECONDS)
        try:
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def _new_file_mode() -> int:
    """The mode a new file gets from the umask (read without changing it for long)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return 0o666 & ~mask


def write_atomically(path: Path, text: str, encoding_bom: bool) -> None:
    data = ((BOM if encoding_bom else "") + text).encode("utf-8")
    mode = path.stat().st_mode & 0o777 if path.exists() else _new_file_mode()
    fd, tmp = tempfile.mkstemp(
        dir=path.parent, prefix=TEMP_PREFIX + path.name + ".", suffix=TEMP_SUFFIX
    )
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    with contextlib.suppress(OSError):
        dir_fd = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)


def real_target(target: Path) -> Path:
    """The file to write: a link is followed (the linked file is updated, the link kept);
    anything but a regular file (a device, a pipe, a folder) is refused."""
    name = str(target)
    if target.is_symlink():
        if not target.exists():
            raise BankError([f"{name}: is a link to a file that does not exist"])
        target = target.resolve()
    if target.exists() and not target.is_file():
        raise BankError([f"{name}: is not a regular file; a question can only go into a file"])
    return target


def add_question(target: Path, others: list[Path], item: dict[str, Any]) -> str:
    """Validate and append a question to ``target``; returns its id.

    ``others`` are the other bank files loaded with it (for topics and unique ids). If the item
    has no ``id``, one is made from the prompt. A prompt already in the bank is refused with
    the id it has there.
    """
    return add_questions(target, others, [item], refuse_same_prompt=True)[0]


def add_questions(
    target: Path,
    others: list[Path],
    items: list[dict[str, Any]],
    refuse_same_prompt: bool = False,
) -> list[str]:
    """Validate and append questions to ``target`` in one atomic write; returns their ids.

    As ``add_question``, for several items: either all of them are added or none.
    """
    target = real_target(target)
    name = str(target)
    folder = target.parent
    if not folder.is_dir():
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise BankError([f"{name}: cannot create folder {folder}: {exc.strerror}"]) from None
    for place, what in ((folder, "its folder is"), (target, "the file is")):
        if is_read_only(place):
            raise BankError([f"{name}: cannot add a question: {what} read-only"])
    with locked(target):
        exists = target.exists()
        text = read_text(target) if exists else ""
        had_bom = exists and target.read_bytes()[:3] == BOM.encode("utf-8")
        parts = [(str(p), *parse_file(p)) for p in others if p.resolve() != target.resolve()]
        if text.strip():
            parts.append((name, *parse_text(text, name)))
        current = combine(parts)
        if refuse_same_prompt:
            _refuse_known_prompts(current, items, name)
        taken = _ids(current)
        next_number: dict[str, int] = {}
        ordered = []
        for item in items:
            item = dict(item)
            if not item.get("id"):
                base = slugify(str(item.get("prompt", "")))
                item = {"id": unique_id(base, taken, next_number), **item}
            taken.add(str(item["id"]))
            ordered.append({k: item[k] for k in sorted(item, key=_field_rank)})
        new_text = insert_questions(text, ordered, name)
        new_ids = [str(item["id"]) for item in ordered]
        _check_result(current, parts, name, text, new_text, new_ids)
        try:
            write_atomically(target, new_text, had_bom)
        except OSError as exc:
            raise BankError([f"{name}: cannot write: {exc.strerror or exc}"]) from None
    return new_ids


def _refuse_known_prompts(bank: Bank, items: list[dict[str, Any]], name: str) -> None:
    known = {fold(q.prompt): q for q in bank.questions}
    for item in items:
        same = known.get(fold(str(item.get("prompt", ""))))
        if same is not None:
            raise BankError(
                [f"{name}: this question is already in the bank as {same.id!r} ({same.where})"]
            )


def _field_rank(name: str) -> int:
    return QUESTION_FIELDS.index(name) if name in QUESTION_FIELDS else len(QUESTION_FIELDS)


def _ids(bank: Bank) -> set[str]:
    return {q.id for q in bank.questions}


def _in_the_file(problems: list[str], old_text: str, new_text: str, name: str) -> list[str]:
    """Problems found in the new text, told with lines that exist in the file as it is: a
    problem of an inserted line is about the new question; lines after it move back."""
    old_lines, new_lines = old_text.splitlines(), new_text.splitlines()
    first = 0
    while first < min(len(old_lines), len(new_lines)) and old_lines[first] == new_lines[first]:
        first += 1
    inserted = len(new_lines) - len(old_lines)
    told = []
    for problem in problems:
        head, _, message = problem.partition(": ")
        file, _, line = head.rpartition(":")
        if file != name or not line.isdigit():
            told.append(problem)
        elif first < int(line) <= first + inserted:
            told.append(f"{name}: the new question: {message}")
        elif int(line) > first + inserted:
            told.append(f"{name}:{int(line) - inserted}: {message}")
        else:
            told.append(problem)
    return told


def _check_result(
    before: Bank,
    parts: list[tuple[str, Any, Any]],
    name: str,
    old_text: str,
    new_text: str,
    new_ids: list[str],
) -> None:
    """The new text must validate with the rest, and hold exactly the old questions plus the
    new ones."""
    try:
        new_parts = [p for p in parts if p[0] != name] + [(name, *parse_text(new_text, name))]
        after = combine(new_parts)
    except BankError as exc:
        raise BankError(_in_the_file(exc.problems, old_text, new_text, name)) from None
    old_ids = [q.id for q in before.questions]
    after_ids = [q.id for q in after.questions]
    if sorted(after_ids) != sorted([*old_ids, *new_ids]):  # pragma: no cover - a safety net
        raise BankError([f"{name}: the question could not be added without changing others"])
