"""Bad interactive input: invalid grades, huge answers, end of input, Ctrl-C, escape sequences."""

from __future__ import annotations

import random
import re
from pathlib import Path

import pexpect
import pytest
from rel_helpers import (
    ANSWER_PROMPT,
    GRADE_PROMPT,
    SMALL_ANSWERS,
    SMALL_IDS,
    env_with,
    query,
    reviewed_ids,
    run,
    scripted,
    spawn,
)

from conftest import wait_until_reading

NOTICE = "Please type a grade from 0 to 5"


def test_invalid_grades_are_asked_again(script_env, small_bank: Path, quiz_home: Path):
    # Enter alone would take the suggestion (1: "my answer" makes no key point).
    bad = ["7", "-1", "4.5", "four", "6", "5 5", "0x3", "u5", "+1"]
    stdin = "my answer\n" + "".join(f"{g}\n" for g in bad) + "5\n"
    result = run(["study", "--bank", str(small_bank), "--new", "1"], env_with(script_env), stdin)
    assert result.returncode == 0, result.stderr
    assert result.stdout.count(NOTICE) == len(bad)
    assert result.stdout.count("Grade 0-5 [1] (? help): ") == len(bad) + 1
    rows = query(quiz_home / "progress.db", "SELECT question_id, grade, answer FROM reviews")
    assert rows == [("open-one", 5, "my answer")]


@pytest.mark.parametrize("grade", ["\u00b2", "\u2463"], ids=["superscript-2", "circled-4"])
def test_unicode_digits_at_the_grade_prompt_do_not_crash(
    grade: str, script_env, small_bank: Path, quiz_home: Path
):
    """str.isdigit() is true for "²" and "④" but int() refuses them."""
    stdin = f"my answer\n{grade}\n5\n"
    result = run(["study", "--bank", str(small_bank), "--new", "1"], env_with(script_env), stdin)
    assert "Traceback" not in result.stderr, result.stderr[-300:]
    assert result.returncode == 0, result.stderr
    assert result.stdout.count(NOTICE) == 1
    rows = query(quiz_home / "progress.db", "SELECT question_id, grade FROM reviews")
    assert rows == [("open-one", 5)]


def test_invalid_grades_at_a_terminal(script_env, small_bank: Path, quiz_home: Path):
    child = spawn(["study", "--bank", str(small_bank), "--new", "1"], env_with(script_env))
    child.expect(ANSWER_PROMPT)
    child.sendline("x")
    for grade in ["7", "4.5", "four", "+x"]:  # Enter alone would take the suggested 1
        child.expect(GRADE_PROMPT)
        child.sendline(grade)
        child.expect(NOTICE)
    child.expect(GRADE_PROMPT)
    child.sendline("4")
    child.expect("saved")
    child.expect("Session over")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    rows = query(quiz_home / "progress.db", "SELECT grade FROM reviews")
    assert rows == [(4,)]


def test_a_one_megabyte_answer_is_saved_intact(script_env, small_bank: Path, quiz_home: Path):
    rng = random.Random(20261126)
    alphabet = "abcdefghijklmnopqrstuvwxyz ABC,.;:!?[]{}()/\\'\"éßø漢字🙂\t"
    answer = "".join(rng.choice(alphabet) for _ in range(1024 * 1024))
    result = run(
        ["study", "--bank", str(small_bank), "--new", "1"],
        env_with(script_env),
        f"{answer}\n5\n",
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    rows = query(quiz_home / "progress.db", "SELECT answer, grade FROM reviews")
    assert len(rows) == 1 and rows[0][1] == 5
    assert rows[0][0] == answer


# The prompts of a session on the small bank, in order: (answer, grade) for each of 4 items.
PROMPTS = [(n, what) for n in range(3) for what in ("answer", "grade")]


@pytest.mark.parametrize("key", ["eof", "ctrl-c"])
@pytest.mark.parametrize(
    ("item", "prompt"), PROMPTS, ids=[f"item{n}-{what}" for n, what in PROMPTS]
)
def test_end_of_input_or_ctrl_c_at_every_prompt(
    key: str, item: int, prompt: str, script_env, small_bank: Path, quiz_home: Path
):
    child = spawn(["study", "--bank", str(small_bank), "--new", "4"], env_with(script_env))
    for answer, grade in SMALL_ANSWERS[:item]:
        child.expect(ANSWER_PROMPT)
        child.sendline(answer)
        child.expect(GRADE_PROMPT)
        child.sendline(grade)
        child.expect("saved")
    child.expect(ANSWER_PROMPT)
    if prompt == "grade":
        child.sendline(SMALL_ANSWERS[item][0])
        child.expect(GRADE_PROMPT)
    wait_until_reading(child.pid)  # the prompt is printed just before reading starts
    if key == "eof":
        child.sendeof()
    else:
        child.sendintr()
    child.expect("Session over")
    child.expect(pexpect.EOF)
    child.close()
    summary = re.sub(r"\x1b\[[0-9;]*m", "", child.before)
    assert re.search(rf"Answered\s+{item}\b", summary), summary
    assert child.exitstatus == 0, child.before
    assert "Traceback" not in child.before and "interrupted" not in child.before
    assert reviewed_ids(quiz_home / "progress.db") == SMALL_IDS[:item]


@pytest.mark.parametrize("lines", [0, 1, 2, 3, 5, 7])
def test_end_of_scripted_input_at_every_prompt(
    lines: int, script_env, small_bank: Path, quiz_home: Path
):
    stdin = "".join(scripted(SMALL_ANSWERS).splitlines(keepends=True)[:lines])
    result = run(["study", "--bank", str(small_bank), "--new", "4"], env_with(script_env), stdin)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    assert "Session over" in result.stdout
    assert reviewed_ids(quiz_home / "progress.db") == SMALL_IDS[: lines // 2]


def test_typed_escapes_and_markup_are_shown_literally(
    script_env, small_bank: Path, quiz_home: Path
):
    markup = "[red]r[/] [link=http://x]l[/link] [bold]b[/bold]"
    open_answer = f"\x1b]0;pwned\x07 {markup}"
    mcq_answer = "\x1b[2J\x1b[31ma"
    cloze_answer = "\x9b2J\x07\x08\x7f; [red]1.3[/]"
    # The mcq answer is no list of letters: it is asked again, and "a,c" answers it.
    stdin = scripted([(open_answer, "5"), (mcq_answer, "a,c"), ("", cloze_answer), ("", "")])
    result = run(["study", "--bank", str(small_bank), "--new", "3"], env_with(script_env), stdin)
    assert result.returncode == 0, result.stderr
    out = result.stdout + result.stderr
    for byte in ("\x1b", "\x07", "\x08", "\x7f", "\x9b"):
        assert byte not in out, repr(byte)
    assert out.count(markup) == 2  # the echoed line and "You wrote: ..."
    assert out.count("\\x1b]0;pwned\\x07") == 2  # made visible instead
    assert "\\x1b[2J\\x1b[31ma" in out and "\\x9b2J\\x07\\x08\\x7f; [red]1.3[/]" in out
    rows = query(quiz_home / "progress.db", "SELECT answer FROM reviews ORDER BY id")
    assert rows == [(open_answer,), ("a,c",), (cloze_answer,)]


EVIL_BANK = r"""topics:
  - id: evil
    title: "Evil \e]0;pwned\a [red]T[/] [link=http://x]L[/link]"
    source: "\e[2J [bold]S[/bold]"
questions:
  - id: evil-open
    topic: evil
    type: open
    prompt: "Prompt \e[2J [red]P[/] [link=http://x]L[/link]"
    answer: "Answer \e]8;;http://x\e\\ [blue]A[/blue] \x9b31m"
    key_points: ["\e[31mK [/]"]
  - id: evil-mcq
    topic: evil
    type: mcq
    prompt: "Pick \e[1A [i]one[/i]"
    choices: ["[red]one[/]", "two [/b]", "three [link=x]"]
    correct: a
  - id: evil-cloze
    topic: evil
    type: cloze
    prompt: "Fill \e[2J [b]{{[red]x[/]|y}}[/b] now"
"""


def test_escapes_and_markup_in_bank_text_are_shown_literally(script_env, tmp_path: Path):
    bank = tmp_path / "evil.yaml"
    bank.write_text(EVIL_BANK, encoding="utf-8")
    env = env_with(script_env)
    outputs = []
    for args, stdin in (
        (["study", "--new", "3"], scripted([("", "0"), ("b", ""), ("[red]x[/]", "")])),
        (["topics"], ""),
        (["stats"], ""),
        (["list"], ""),
    ):
        result = run([*args, "--bank", str(bank)], env, stdin)
        assert result.returncode == 0, (args, result.stderr)
        outputs.append(result.stdout + result.stderr)
    study, topics, stats, _ = outputs
    for out in outputs:
        for byte in ("\x1b", "\x07", "\x9b"):
            assert byte not in out, repr(byte)
    for text in (
        "[red]P[/] [link=http://x]L[/link]",
        "[blue]A[/blue]",
        "K [/]",
        "[i]one[/i]",
        ") [red]one[/]",  # the choices are shuffled: any letter
        "[red]x[/]",
        "[b]",
        "[/b] now",
    ):
        assert text in study, text
    assert "\\x1b[2J" in study and "\\x1b]0;pwned\\x07" in study
    assert "[red]T[/]" in topics and "[red]T[/]" in stats
