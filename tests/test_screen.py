"""What a learner sees in a terminal at 100 and 60 columns, rendered by a terminal emulator."""

from __future__ import annotations

import sqlite3
import textwrap
from pathlib import Path

import pytest

from screen import TerminalSession, panel_rows_start_at_column_0, words_broken

WIDTHS = [100, 60]
ANSWER = "Your answer (Enter to reveal): "
FIX = "+n/-n fix a mark, "
EMPTY_GRADE = f"Grade 0-5 [0] ({FIX}? help): "
NONE_MADE_GRADE = f"Grade 0-5 [1] ({FIX}? help): "
CHOICES = "Your choices (letters, e.g. a,c; Enter: don't know): "
GAPS = "Fill the 2 gaps, separated by ; (Enter: don't know): "


def study(small_bank: Path, *args: str) -> list[str]:
    return ["study", "--bank", str(small_bank), *args]


@pytest.mark.parametrize("cols", WIDTHS)
def test_every_prompt_leaves_the_cursor_on_a_fresh_line(script_env, small_bank: Path, cols: int):
    with TerminalSession(study(small_bank, "--new", "3"), script_env, rows=50, cols=cols) as term:
        term.wait_for_prompt(ANSWER)
        term.sendline("")  # Enter on an empty line
        term.wait_for_prompt(EMPTY_GRADE)
        row = term.index_of("Your answer")
        assert term.lines[row] == ANSWER.rstrip()  # nothing drawn on the prompt's line
        assert term.lines[row + 1].startswith("╭─ Answer")
        term.sendline("9")  # not a grade: asked again, on a line of its own
        term.wait_for("Please type a grade")
        assert term.line_with("Please type a grade").startswith("Please type a grade")
        term.wait_for_prompt(EMPTY_GRADE)
        term.sendline("2")
        term.wait_for_prompt(CHOICES)
        saved = term.index_of("saved · next review")
        assert term.lines[saved - 1] == EMPTY_GRADE + "2"
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
        term.wait_for_prompt(EMPTY_GRADE)
        term.sendline("1")
        term.wait_for_prompt(CHOICES)
        # The legend and the notes after an answer are drawn at the terminal's width.
        assert words_broken(term) == []
        assert all(len(line) <= cols for line in term.lines)
        assert (
            term.line_with("╭─ Basics").endswith("╮") and len(term.line_with("╭─ Basics")) == cols
        )


def test_a_mistyped_choice_is_asked_again_without_revealing(script_env, small_bank: Path):
    with TerminalSession(study(small_bank, "--new", "2"), script_env, cols=60) as term:
        term.wait_for_prompt(ANSWER)
        term.sendline("x")
        term.wait_for_prompt(NONE_MADE_GRADE)
        term.sendline("5")
        term.wait_for_prompt(CHOICES)
        term.sendline("z")
        term.wait_for("z is not one of the choices")
        term.wait_for_prompt(CHOICES)
        assert term.text.count("╭─ Answer") == 1  # only the first item's
        assert term.line_with("z is not one").startswith("z is not one of the choices")


def test_a_paste_is_the_answer_and_never_grades_undoes_or_quits(
    script_env, small_bank: Path, quiz_home: Path
):
    with TerminalSession(study(small_bank, "--new", "2"), script_env, cols=100) as term:
        term.wait_for_prompt(ANSWER)
        term.send("first line\rsecond line\r1\ru\rq\r")  # pasted in one go
        term.wait_for_prompt(NONE_MADE_GRADE)
        assert "You wrote: first line" in term.text
        assert "Undone" not in term.text and "Session over" not in term.text
        term.sendline("4")
        term.wait_for_prompt(CHOICES)
        term.sendline(":q")
        term.wait_for("Session over")
        term.wait_for_exit()
    with sqlite3.connect(quiz_home / "progress.db") as conn:
        rows = conn.execute("SELECT question_id, grade, answer FROM reviews").fetchall()
    assert rows == [("open-one", 4, "first line\nsecond line\n1\nu\nq")]


def test_a_line_ending_in_a_backslash_goes_on(script_env, small_bank: Path, quiz_home: Path):
    with TerminalSession(study(small_bank, "--new", "1"), script_env, cols=60) as term:
        term.wait_for_prompt(ANSWER)
        term.sendline("build and \\")
        term.wait_for_prompt("... ")
        term.sendline("run")
        term.wait_for_prompt(f"Grade 0-5 [3] ({FIX}? help): ")  # two of the three points
        term.sendline("5")
        term.wait_for("Session over")
        term.wait_for_exit()
    with sqlite3.connect(quiz_home / "progress.db") as conn:
        assert conn.execute("SELECT answer FROM reviews").fetchall() == [("build and \nrun",)]


def test_undo_and_quit_at_the_answer_prompt(script_env, small_bank: Path, quiz_home: Path):
    with TerminalSession(study(small_bank, "--new", "2"), script_env, cols=60) as term:
        term.wait_for_prompt(ANSWER)
        term.sendline(":u")
        term.wait_for("Nothing to undo yet.")
        term.wait_for_prompt(ANSWER)
        term.sendline("q")  # a plain q is an answer here
        term.wait_for_prompt(NONE_MADE_GRADE)
        assert "You wrote: q" in term.text
        term.sendline("5")
        term.wait_for_prompt(CHOICES)
        term.sendline(":u")
        term.wait_for("Undone")
        term.wait_for_prompt(ANSWER)
        term.sendline(":q")
        term.wait_for("Session over")
        assert term.wait_for_exit() == 0
    with sqlite3.connect(quiz_home / "progress.db") as conn:
        assert conn.execute("SELECT COUNT(*) FROM reviews").fetchone() == (0,)


LONG_BANK = (
    textwrap.dedent(
        """\
    topics: [{id: t, title: T}]
    questions:
      - id: long
        topic: t
        type: open
        prompt: Describe the whole lifecycle of an ML project in detail.
        answer: |
    """
    )
    + "".join(f"      Line {n} of the model answer.\n\n" for n in range(1, 41))  # paragraphs
    + textwrap.indent("key_points: [scope the project, collect data, train, deploy]\n", "    ")
)


@pytest.mark.parametrize("cols", WIDTHS)
def test_a_long_answer_keeps_question_key_points_and_prompt_on_screen(
    script_env, tmp_path: Path, cols: int
):
    bank = tmp_path / "long.yaml"
    bank.write_text(LONG_BANK)
    env = {**script_env, "PAGER": "cat"}
    with TerminalSession(["study", "--bank", str(bank)], env, rows=24, cols=cols) as term:
        term.wait_for_prompt(ANSWER)
        term.sendline("")
        prompt = f"Grade 0-5 [0] ({FIX}f full answer, ? help): "
        term.wait_for_prompt(prompt)
        assert "Describe the whole lifecycle" in term.text  # the question is still in view
        assert "✗ 4. deploy" in term.text and "Key points" in term.text
        assert "Line 40 of the model answer." not in term.text
        term.sendline("?")  # the legend, at the grade prompt
        term.wait_for("Grade prompt: Enter takes the")
        term.wait_for_prompt(prompt)
        term.sendline("f")  # the full answer (in the pager)
        term.wait_for("Line 40 of the model answer.")
        term.wait_for_prompt(prompt)
        term.sendline("4")
        term.wait_for("Session over")
        assert term.wait_for_exit() == 0


@pytest.mark.parametrize("cols", WIDTHS)
def test_open_answer_checklist_corrected_at_the_grade_prompt(
    script_env, small_bank: Path, quiz_home: Path, cols: int
):
    with TerminalSession(study(small_bank, "--new", "1"), script_env, rows=40, cols=cols) as term:
        term.wait_for_prompt(ANSWER)
        term.sendline("We build it and run it")
        term.wait_for_prompt(f"Grade 0-5 [3] ({FIX}? help): ")  # two of three points: 3
        assert "✓ 1. build" in term.text and "✓ 2. run" in term.text
        assert "✗ 3. reliably" in term.text
        assert "2 made, 1 missing" in term.text
        assert "We build [1] it and run [2] it" in term.text  # where each point was found
        term.sendline("+3")  # the learner says point 3 was made too
        term.wait_for("Suggested grade: 5")  # all made, and the answer came quickly
        assert term.line_with("3. reliably").strip().endswith("(corrected)")
        term.wait_for_prompt(f"Grade 0-5 [5] ({FIX}? help): ")
        term.sendline("-1 -2")
        term.wait_for("Suggested grade: 2")
        term.wait_for_prompt(f"Grade 0-5 [2] ({FIX}? help): ")
        term.sendline("+7")
        term.wait_for("There is no key point 7")
        term.wait_for_prompt(f"Grade 0-5 [2] ({FIX}? help): ")
        term.sendline("")  # Enter accepts the suggestion of the corrected marks
        term.wait_for("back again later")  # graded 2: a repeat
        term.wait_for_prompt(ANSWER)
        term.sendline(":q")
        term.wait_for("Session over")
        assert words_broken(term) == []
        assert all(len(line) <= cols for line in term.lines)
        assert term.wait_for_exit() == 0
    with sqlite3.connect(quiz_home / "progress.db") as conn:
        rows = conn.execute("SELECT question_id, grade, key_points_made FROM reviews").fetchall()
    assert rows == [("open-one", 2, "3/3")]
