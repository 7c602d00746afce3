"""Reading a bank file: its bytes within a cap, its text as UTF-8, and its YAML node tree, in
which every value keeps its line.

Files are parsed with PyYAML's safe composer (the C one when available). Nothing from a file
is ever executed: only the standard YAML tags are accepted (see ``fields``), and anchors and
aliases are refused (which also stops "billion laughs" documents).
"""

from __future__ import annotations

import stat
from pathlib import Path
from typing import TYPE_CHECKING

from mlops_quiz.errors import BankError

if TYPE_CHECKING:
    from yaml import Node

MAX_BANK_BYTES = 16 * 1024 * 1024
MAX_ITEMS = 400_000
"""At most this many lines and list items in one file (an estimate read from the text before
it is parsed), which bounds the memory of the YAML node tree: a 16 MB file of one-word items
would otherwise take gigabytes."""


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
        # libyaml's message does not show the character: look at the text where it stopped
        lines = text.split("\n")
        at_tab = (
            mark is not None
            and mark.line < len(lines)
            and lines[mark.line][mark.column : mark.column + 1] == "\t"
        )
        if at_tab or "\t" in problem or "tab" in problem.lower():
            problem += " (YAML does not allow tabs for indentation)"
        raise BankError([f"{name}:{line}: invalid YAML: {problem}"]) from None
    except yaml.YAMLError as exc:
        raise BankError([f"{name}:1: invalid YAML: {exc}"]) from None
    finally:
        loader.dispose()
