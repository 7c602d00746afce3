"""A real terminal session driven with pexpect: answer, grade, undo, Ctrl-C."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pexpect

from conftest import console_script, wait_until_reading


def spawn(args: list[str], env: dict[str, str]) -> pexpect.spawn:
    env = {**env, "COLUMNS": "100", "LINES": "40", "NO_COLOR": "1", "TERM": "xterm"}
    return pexpect.spawn(
        console_script(), args, env=env, encoding="utf-8", timeout=90, dimensions=(40, 100)
    )


def test_answer_grade_undo_and_ctrl_c(script_env, small_bank: Path, quiz_home: Path):
    child = spawn(["study", "--bank", str(small_bank), "--new", "3"], script_env)
    child.expect("What is MLOps")
    child.expect("Your answer")
    child.sendline("it is [red]ops[/] for ML")
    child.expect("You wrote: ")
    child.expect(r"it is \[red\]ops\[/\] for ML")  # markup shown literally
    child.expect(r"Grade 0-5 \[1\] \(\+n/-n fix a mark, \? help\): ")  # no key point made
    child.sendline("9")
    child.expect("Please type a grade")
    child.sendline("5")
    child.expect("next review tomorrow")
    child.expect("Your choice")
    child.sendline("a,c")
    child.expect("right")
    child.expect(r"Grade 0-5 \[5\] \(\? help\): ")
    child.sendline("u")  # undo the 5 given to the first item
    child.expect("Undone")
    child.expect("What is MLOps")
    child.expect("Your answer")
    child.sendline("")
    child.expect(r"Grade 0-5 \[0\] \(\+n/-n fix a mark, \? help\): ")  # an empty answer
    child.sendline("3")
    child.expect("back again later today")
    child.expect("Your choice")
    child.sendline("a,c")
    child.expect(r"Grade 0-5 \[5\] \(\? help\): ")
    child.sendline("")
    child.expect(r"Fill the 2 gaps, separated by ; \(Enter: don't know\): ")
    wait_until_reading(child.pid)  # the prompt is printed just before reading starts
    child.sendintr()  # Ctrl-C at the answer prompt
    child.expect("Session over")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    with sqlite3.connect(quiz_home / "progress.db") as conn:
        log = conn.execute("SELECT question_id, grade, kind, answer FROM reviews ORDER BY id")
        rows = log.fetchall()
        cards = dict(conn.execute("SELECT question_id, ef100 FROM cards").fetchall())
    assert [(q, g, k) for q, g, k, _ in rows] == [
        ("open-one", 3, "review"),
        ("mcq-one", 5, "review"),
    ]
    assert cards == {"open-one": 236, "mcq-one": 260}


def test_end_of_input_at_the_grade_prompt_keeps_earlier_answers(
    script_env, small_bank: Path, quiz_home: Path
):
    child = spawn(["study", "--bank", str(small_bank)], script_env)
    child.expect("Your answer")
    child.sendline("")
    child.expect(r"Grade 0-5 \[0\] \(\+n/-n fix a mark, \? help\): ")  # an empty answer
    child.sendline("4")
    child.expect("Your choice")
    child.sendline("b")
    child.expect(r"Grade 0-5 \[1\] \(\? help\): ")
    wait_until_reading(child.pid)
    child.sendeof()
    child.expect("Session over")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    with sqlite3.connect(quiz_home / "progress.db") as conn:
        assert conn.execute("SELECT question_id, grade FROM reviews").fetchall() == [
            ("open-one", 4)
        ]


def test_add_question_asks_for_missing_fields_at_a_terminal(script_env, small_bank: Path):
    child = spawn(["add-question", "--bank", str(small_bank), "--type", "open"], script_env)
    topics = r"Topic \(data-centric-ai, .*, basics, more\): "  # the bundled ones may be used
    child.expect(topics)
    child.sendline("less")  # not a topic: asked again at once
    child.expect("'less' is not one of them; type one of: data-centric-ai, ")
    child.expect(topics)
    child.sendline("more")
    child.expect("Prompt: ")
    child.sendline("Why keep a review log?")
    child.expect("Model answer: ")
    child.sendline("To audit and undo answers.")
    child.expect(r"Key point 1 \(empty to finish\): ")
    child.sendline("audit")
    child.expect(r"Key point 2 \(empty to finish\): ")
    child.sendline("undo")
    child.expect(r"Key point 3 \(empty to finish\): ")
    child.sendline("")
    child.expect(f"added why-keep-a-review-log to {small_bank}")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    from mlops_quiz.bank import load_bank

    added = load_bank([small_bank]).by_id()["why-keep-a-review-log"]
    assert added.topic == "more" and added.key_points == ("audit", "undo")


def test_add_question_asks_again_at_the_field_that_is_wrong(script_env, small_bank: Path):
    # issue 22, point 8: a mistake is asked again where it was made; nothing typed is lost
    args = ["add-question", "--bank", str(small_bank), "--topic", "more"]
    child = spawn([*args, "--type", "mcq"], script_env)
    child.expect("Prompt: ")
    child.sendline("what is mlops?")  # already in the bank: said at once, prompt asked again
    child.expect("this question is already in the bank as 'open-one'; type another prompt")
    child.expect("Prompt: ")
    child.sendline("Which are stores of a review log?")
    child.expect(r"Choice a\) \(empty to finish\): ")
    child.sendline("SQLite")
    child.expect(r"Choice b\) \(empty to finish\): ")
    child.sendline("")  # one choice only: asked for the second, the first is kept
    child.expect("an mcq needs at least 2 choices")
    child.expect(r"Choice b\) \(empty to finish\): ")
    child.sendline("A sticky note")
    child.expect(r"Choice c\) \(empty to finish\): ")
    child.sendline("")
    child.expect(r"Correct letters \(a to b, e.g. b or a,c\): ")
    child.sendline("a,b")  # every choice right: asked again
    child.expect("an mcq needs at least one wrong choice")
    child.expect(r"Correct letters \(a to b, e.g. b or a,c\): ")
    child.sendline("a")
    child.expect(f"added which-are-stores-of-a-review-log to {small_bank}")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    from mlops_quiz.bank import load_bank

    added = load_bank([small_bank]).by_id()["which-are-stores-of-a-review-log"]
    assert added.choices == ("SQLite", "A sticky note") and added.correct == (0,)


def test_add_question_asks_again_for_a_cloze_text_with_an_unclosed_gap(
    script_env, small_bank: Path
):
    args = ["add-question", "--bank", str(small_bank), "--topic", "more", "--type", "cloze"]
    child = spawn(args, script_env)
    child.expect(r"Text with \{\{gaps\}\}: ")
    child.sendline("Logs live in {{SQLite")
    child.expect(r"a '\{\{' is not closed by '\}\}' \(or a '\}\}' not opened\); type the text")
    child.expect(r"Text with \{\{gaps\}\}: ")
    child.sendline("Logs live in plain text.")
    child.expect(r"a cloze needs at least one gap written \{\{answer\}\}")
    child.expect(r"Text with \{\{gaps\}\}: ")
    child.sendline("Logs live in {{SQLite|sqlite3}}.")
    child.expect(f"added logs-live-in-sqlite-sqlite3 to {small_bank}")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
