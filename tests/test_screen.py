"""What a learner sees in a terminal at 100 and 60 columns, rendered by a terminal emulator."""

from __future__ import annotations

import sqlite3
import textwrap
from pathlib import Path

import pytest

from screen import TerminalSession, panel_rows_start_at_column_0, words_broken

WIDTHS = [100, 60]
ANSWER = "Your answer (Enter to reveal): "
CHOICES = "Your choices (letters, e.g. a,c; Enter: don't know): "
GAPS = "Fill the 2 gaps, separated by ; (Enter: don't know): "


def study(small_bank: Path, *args: str) -> list[str]:
    return ["study", "--bank", str(small_bank), *args]


@pytest.mark.parametrize("cols", WIDTHS)
def test_every_prompt_leaves_the_cursor_on_a_fresh_line(script_env, small_bank: Path, cols: int):
    with TerminalSession(study(small_bank, "--new", "3"), script_env, rows=50, cols=cols) as term:
        term.wait_for_prompt(ANSWER)
        term.sendline("")  # Enter on an empty line
        term.wait_for_prompt("Grade 0-5 (? help): ")
        row = term.index_of("Your answer")
        assert term.lines[row] == ANSWER.rstrip()  # nothing drawn on the prompt's line
        assert term.lines[row + 1].startswith("╭─ Answer")
        term.sendline("9")  # not a grade: asked again, on a line of its own
        term.wait_for("Please type a grade")
        assert term.line_with("Please type a grade").startswith("Please type a grade")
        term.wait_for_prompt("Grade 0-5 (? help): ")
        term.sendline("2")
        term.wait_for_prompt(CHOICES)
        saved = term.index_of("saved · next review")
        assert term.lines[saved - 1] == "Grade 0-5 (? help): 2"
        assert term.lines[saved].startswith("saved · next review")
        assert term.index_of("╭─ Basics") > saved
        term.sendline("a,c")
        term.wait_for_prompt("Grade 0-5 [5] (? help): ")
        term.sendline("")  # Enter accepts the suggestion
        term.wait_for_prompt(GAPS)
        saved = term.index_of("saved · next review")
        assert term.lines[saved - 1] == "Grade 0-5 [5] (? help):"
        assert term.lines[saved].startswith("saved · next review tomorrow")
        y, x = term.cursor
        assert term.lines[y] == GAPS.rstrip() and x == len(GAPS)
        term.sendline("2.5; 1.3")
        term.wait_for_prompt("Grade 0-5 [5] (? help): ")
        term.sendline("")
        term.wait_for_prompt(ANSWER)  # the repeat of the first item
        assert panel_rows_start_at_column_0(term.lines)
        assert words_broken(term) == []
        term.sendline(":q")
        term.wait_for("Session over")
        assert term.wait_for_exit() == 0
        row = term.index_of("Your answer")
        assert term.lines[row] == ANSWER + ":q"
        assert term.lines[row + 1].startswith("╭─ Session over")


@pytest.mark.parametrize("cols", WIDTHS)
def test_text_wraps_at_word_boundaries(script_env, small_bank: Path, cols: int):
    with TerminalSession(study(small_bank), script_env, rows=60, cols=cols) as term:
        term.wait_for_prompt(ANSWER)
        term.sendline("")
        term.wait_for_prompt("Grade 0-5 (? help): ")
        term.sendline("1")
        term.wait_for_prompt(CHOICES)
        # The legend and the notes after an answer are drawn at the terminal's width.
        assert words_broken(term) == []
        assert all(len(line) <= cols for line in term.lines)
        assert term.line_with("╭─ Basics").endswith("╮") and len(term.line_with("╭─ Basics")) == cols
