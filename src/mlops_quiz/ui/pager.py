"""Long text through the pager (``f`` at the grade prompt, a long ``list``), and, when the
pager that ``MANPAGER`` or ``PAGER`` names is not there, the text itself instead of the
shell's ``not found``."""

from __future__ import annotations

import os
import shlex
import shutil
from typing import TYPE_CHECKING

from mlops_quiz.text import visible

if TYPE_CHECKING:
    from rich.console import Console, RenderableType


def missing_pager() -> str | None:
    """The pager's command when the environment names one that cannot be run, else None."""
    named = os.environ.get("MANPAGER") or os.environ.get("PAGER")
    if not named or not named.strip():
        return None
    try:
        words = shlex.split(named)
    except ValueError:
        return named
    if not words or shutil.which(words[0]) is None:
        return words[0] if words else named
    return None


def page(con: Console, renderable: RenderableType) -> None:
    """Show ``renderable`` in the pager, or on the screen when the pager is missing."""
    missing = missing_pager()
    if missing is not None:
        con.print(
            f"(the pager {visible(missing)!r} is not found; the text follows)",
            markup=False,
            highlight=False,
        )
        con.print(renderable)
        return
    with con.pager(styles=False):  # marks are words: no escapes for the pager to mangle
        con.print(renderable)
