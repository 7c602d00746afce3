"""Text from outside (bank files, typed answers, profile names, paths): made safe to show, and
folded for comparison.

``visible`` is the one function that makes such text safe for a terminal or a JSON document:
control, format and separator characters (escape sequences, zero-width and bidi marks, tag
characters, line and paragraph separators) are shown as ``\\u200b``-style escapes instead of
being sent. ``fold`` is how answers and choices are compared: those characters dropped, accents
and case ignored, spacing collapsed.
"""

from __future__ import annotations

import re
import unicodedata

HIDDEN_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"})
"""Unicode categories that draw nothing (or move the cursor) when printed."""

_ASCII_SAFE = re.compile(r"[\x20-\x7e\n]*")


def is_hidden(char: str) -> bool:
    return unicodedata.category(char) in HIDDEN_CATEGORIES


def hidden_chars(text: str) -> list[str]:
    """The characters of ``text`` that would not show as themselves (newlines and tabs aside)."""
    if _ASCII_SAFE.fullmatch(text):
        return []
    return [c for c in text if c not in "\n\t" and is_hidden(c)]


def _escape(char: str) -> str:
    code = ord(char)
    if code <= 0xFF:
        return f"\\x{code:02x}"
    if code <= 0xFFFF:
        return f"\\u{code:04x}"
    return f"\\U{code:08x}"


def visible(text: str, keep_newlines: bool = True) -> str:
    """Text with every hidden character shown as an escape (tabs become four spaces)."""
    if _ASCII_SAFE.fullmatch(text) and (keep_newlines or "\n" not in text):
        return text
    out = []
    for char in text.replace("\t", "    "):
        if char == "\n" and keep_newlines:
            out.append(char)
        elif char == "\n" or is_hidden(char):
            out.append(_escape(char))
        else:
            out.append(char)
    return "".join(out)


def json_safe(document: str) -> str:
    """A JSON document with hidden characters inside its strings written as ``\\uXXXX``
    escapes: the same data, but nothing in it can act on the terminal that shows it."""
    if document.isascii():
        return document
    out = []
    for char in document:
        if is_hidden(char) and char != "\n":
            code = ord(char)
            if code > 0xFFFF:  # JSON escapes astral characters as a surrogate pair
                code -= 0x10000
                out.append(f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}")
            else:
                out.append(f"\\u{code:04x}")
        else:
            out.append(char)
    return "".join(out)


def fold(text: str) -> str:
    """Text folded for comparison: hidden characters dropped, no accents, no case, single
    spaces, no trailing period. Callers cap the length first (normalisation is not linear on
    long runs of combining marks)."""
    if not text.isascii():
        text = "".join(c for c in text if not is_hidden(c) or c in "\n\t")
        decomposed = unicodedata.normalize("NFKD", text)
        text = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(text.casefold().split()).rstrip(".").strip()


def counted(n: int, noun: str, many: str | None = None) -> str:
    """``1 answer``, ``2 answers``: a number with its noun in the right number."""
    return f"{n} {noun if n == 1 else (many or noun + 's')}"


LIST_ITEM = re.compile(r"\s*(?:[-*•]|\d+[.)])\s+")
"""The start of a list item in bank text: ``- ``, ``* ``, ``• ``, ``1. ``, ``2) ``."""


def reflow(text: str) -> str:
    """Bank text as paragraphs to wrap at the width it is shown in: a single line break joins
    two lines with a space; a blank line, or a line that starts a list item (``- ``, ``* ``,
    ``1. ``), starts anew. Trailing blank lines go."""
    lines: list[str] = []
    blank = False
    for raw in text.strip("\n").splitlines():
        line = raw.rstrip()
        if not line.strip():
            blank = bool(lines)
            continue
        if blank:
            lines.extend(["", line])
        elif lines and lines[-1] and not LIST_ITEM.match(line):
            lines[-1] += " " + line.strip()
        else:
            lines.append(line)
        blank = False
    return "\n".join(lines)


_WORD_GAP = " ,;:/+-–—·|→<>="
"""What goes before "…" at a cut: spaces and the punctuation between two words."""


def cut_point(text: str, width: int) -> int | None:
    """Where to cut ``text`` (one line) so that it and "…" fit ``width`` characters: after its
    last whole word that fits, a word being everything between spaces (``end-to-end``,
    ``re-run`` and ``[1]____`` are one word each), with the punctuation that ends it dropped.
    None when ``text`` fits whole; a first word wider than the line is cut where it must be."""
    if len(text) <= width:
        return None
    keep = max(1, width - 1)
    if text[keep] != " " and " " not in text[:keep]:
        return keep
    if text[keep] != " ":
        keep = text.rindex(" ", 0, keep)
    while keep > 1 and text[keep - 1] in _WORD_GAP:
        keep -= 1
    return keep


def shorten(text: str, width: int) -> str:
    """``text`` on one line of at most ``width`` characters: cut after a whole word, with "…"
    (see ``cut_point``)."""
    flat = " ".join(text.split())
    keep = cut_point(flat, width)
    return flat if keep is None else flat[:keep] + "…"


def wrap_at_separators(text: str, width: int) -> list[str]:
    """``text`` on lines of at most ``width`` characters, broken at spaces; a word longer than
    a line (a list such as ``h,d,a,f,g,b,c,e``) is broken after a comma or a semicolon, and
    only a piece still too long is folded."""
    lines: list[str] = []
    for word in text.split():
        pieces = [word] if len(word) <= width else re.findall(r"[^,;]*[,;]|[^,;]+", word)
        for n, piece in enumerate(pieces):
            joint = "" if n else " "
            if lines and lines[-1] and len(lines[-1]) + len(joint) + len(piece) <= width:
                lines[-1] += joint + piece
                continue
            while len(piece) > width > 0:
                lines.append(piece[:width])
                piece = piece[width:]
            lines.append(piece)
    return lines or [""]
