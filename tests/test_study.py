"""The study session as a script sees it: one line per prompt, through the installed command."""

from __future__ import annotations

import re
import sqlite3
import subprocess
import textwrap
from pathlib import Path

from conftest import console_script

NOW = "2026-11-26T09:00:00+00:00"
LATER = "2026-11-26T15:00:00+00:00"


def study(env: dict[str, str], stdin: str, *args: str, now: str = NOW) -> str:
    result = subprocess.run(
        [console_script(), "study", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env={**env, "MLOPS_QUIZ_NOW": now, "TZ": "UTC"},
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    return result.stdout


def log(home: Path) -> list[tuple[str, int, str, str]]:
    with sqlite3.connect(home / "progress.db") as conn:
        rows = conn.execute("SELECT question_id, grade, kind, answer FROM reviews ORDER BY id")
        return rows.fetchall()


def test_mistyped_choices_are_asked_again_reading_the_next_line(
    script_env, small_bank: Path, quiz_home: Path
):
    out = study(script_env, "x\n5\nz\n2nd\n(a) c.\n\n", "--bank", str(small_bank), "--new", "2")
    assert "z is not one of the choices: use a to c." in out
    assert "Type the letters of your choices (a to c), e.g. b or a,c." in out
    assert out.count("Your choices (letters, e.g. a,c; Enter: don't know): ") == 3
    assert out.count("╭─ Answer") == 2  # nothing revealed for the two non-answers
    assert log(quiz_home)[1][:2] == ("mcq-one", 5)  # right and quick


def test_a_cloze_with_the_wrong_number_of_gaps_is_asked_again(
    script_env, small_bank: Path, quiz_home: Path
):
    bank = ["--bank", str(small_bank), "--id", "cloze-one"]
    out = study(script_env, "code, data\n2.5; 9\n\n", *bank)
    assert "This item has 2 gaps and you gave 1: separate them with ;" in out
    assert "Enter: don't know" in out
    assert log(quiz_home) == [("cloze-one", 3, "review", "2.5; 9")]  # half right: 3


def test_an_empty_answer_reveals_and_suggests_0(script_env, small_bank: Path, quiz_home: Path):
    out = study(script_env, "\n\n", "--bank", str(small_bank), "--id", "cloze-one")
    assert "not answered" in out and "Grade 0-5 [0]" in out
    assert log(quiz_home)[0][:2] == ("cloze-one", 0)


def test_colon_commands_work_at_the_answer_prompt_and_plain_letters_are_answers(
    script_env, small_bank: Path, quiz_home: Path
):
    # "q" at an open item's answer prompt is an answer; ":u" undoes it; ":q" quits.
    out = study(script_env, "q\n5\n:u\nu\n4\n:q\n", "--bank", str(small_bank), "--new", "2")
    assert "You wrote: q" in out and "Undone" in out
    assert log(quiz_home) == [("open-one", 4, "review", "u")]
    assert "Session over" in out


def test_help_at_every_prompt(script_env, small_bank: Path):
    out = study(script_env, ":?\nx\n?\n:?\n5\n", "--bank", str(small_bank), "--new", "1")
    assert out.count("Every prompt: :u undo the previous answer, :q quit, :? help") == 4


def test_feedback_is_marked_without_colour(script_env, small_bank: Path):
    out = study(
        script_env,
        "a\n\n2,5; 9\n\n",
        "--bank",
        str(small_bank),
        "--id",
        "mcq-one",
        "--id",
        "cloze-one",
    )
    assert re.search(r"│ +✓ a\) 3  ← your choice, right", out)
    assert re.search(r"│ +b\) 2 +│", out)
    assert re.search(r"│ +✗ c\) 5  ← correct, not chosen", out)
    assert "✗ not quite (50% right)" in out
    assert re.search(r"gap 1 ✓ 2,5 ", out)
    assert re.search(r"gap 2 ✗ 9 → 1.3", out)
    assert "You wrote: 2,5; 9" in out
    assert "also accepted" not in out  # 2,5 is only another way to write 2.5
    assert "╭─ Answer · wrong" in out


def test_other_answers_are_labelled_per_gap(script_env, tmp_path: Path):
    bank = tmp_path / "b.yaml"
    bank.write_text(
        textwrap.dedent(
            """\
            topics: [{id: t, title: T}]
            questions:
              - id: c
                topic: t
                type: cloze
                prompt: Cleaning {{60|sixty}} examples beats {{500|five hundred|5,00}} new ones.
              - id: d
                topic: t
                type: cloze
                prompt: SM-2 is by {{Wozniak|Piotr Wozniak}}.
            """
        )
    )
    out = study(script_env, "60; 500\n\n", "--bank", str(bank), "--id", "c")
    assert re.search(r"gap 1 ✓ 60 +│", out)  # "sixty" only spells 60
    assert re.search(r"gap 2 ✓ 500 +also accepted: five hundred +│", out)
    # Another accepted answer typed: the canonical one is listed, never what was typed.
    out = study(script_env, "Piotr Wozniak\n\n", "--bank", str(bank), "--id", "d")
    assert re.search(r"gap 1 ✓ Piotr Wozniak +also accepted: Wozniak +│", out)
    assert "also accepted: Piotr" not in out


def test_numbers_in_gaps_are_right_as_numbers(script_env, tmp_path: Path):
    bank = tmp_path / "b.yaml"
    bank.write_text(
        textwrap.dedent(
            """\
            topics: [{id: t, title: T}]
            questions:
              - id: c
                topic: t
                type: cloze
                prompt: "Baseline {{76.2%}}, model work {{+0%}}, data work {{+16.9%}}."
            """
        )
    )
    out = study(script_env, "76.20; zero; 16,9 %\n\n", "--bank", str(bank))
    assert re.search(r"gap 1 ✓ 76.20 +│", out)
    assert re.search(r"gap 2 ✓ zero +│", out)
    assert re.search(r"gap 3 ✓ 16,9 % +│", out)
    assert "╭─ Answer · right" in out


def test_counts_tell_the_truth(script_env, small_bank: Path):
    out = study(script_env, "x\n1\na,c\n\n:q\n", "--bank", str(small_bank), "--new", "2")
    assert "Ahead: 0 due · 2 new" in out
    assert "1 of 2" in out and "2 of 2" in out and "of 3" not in out
    assert "open · again today · repeat" in out
    assert re.search(r"Left today +0 due · 0 new · 1 repeat owed", out)


def test_repeats_owed_come_back_in_a_later_session_the_same_day(
    script_env, small_bank: Path, quiz_home: Path
):
    args = ["--bank", str(small_bank), "--new", "2"]
    study(script_env, "x\n2\n:q\n", *args)
    later = study(script_env, "a,c\n\nx\n5\n", *args, now=LATER)
    assert "Ahead: 0 due · 1 new · 1 repeat owed from earlier today" in later
    assert "open · again today · 2 of 2" in later
    assert [(q, k) for q, _, k, _ in log(quiz_home)] == [
        ("open-one", "review"),
        ("mcq-one", "review"),
        ("open-one", "repeat"),
    ]
    assert "Nothing to study" in study(script_env, "", *args, now=LATER)


def test_nothing_to_study_says_why(script_env, small_bank: Path, tmp_path: Path):
    args = ["--bank", str(small_bank)]
    assert "Nothing to study: --limit 0 asks for no items." in study(
        script_env, "", *args, "--limit", "0"
    )
    assert "no item is due and --new 0 asks for no new items" in study(
        script_env, "", *args, "--new", "0"
    )
    study(script_env, "x\n5\n", *args, "--new", "1")
    out = study(script_env, "", *args, "--new", "1")
    assert "no item is due and today's 1 new items have been introduced" in out
    assert "Next due: tomorrow (2026-11-27)." in out
    empty = tmp_path / "empty.yaml"
    empty.write_text("topics: [{id: t, title: T}]\n")
    out = study(script_env, "", "--bank", str(empty))
    assert "Nothing to study: there are no questions in the bank or the chosen topics." in out


SHUFFLED = textwrap.dedent(
    """\
    topics: [{id: t, title: T}]
    questions:
      - id: order
        topic: t
        type: mcq
        prompt: Which comes first?
        choices: [alpha, beta, gamma, delta]
        correct: a
      - id: fixed
        topic: t
        type: mcq
        prompt: Which is last?
        choices: [one, two, all of the above]
        correct: c
        shuffle: false
    """
)


def shown_letter(out: str, choice: str) -> str:
    found = re.findall(rf"([a-d])\) {choice} ", out)
    assert found, out
    return found[-1]


def test_choices_are_shuffled_and_mapped_back(script_env, tmp_path: Path, quiz_home: Path):
    bank = tmp_path / "b.yaml"
    bank.write_text(SHUFFLED)
    env = {**script_env, "MLOPS_QUIZ_SEED": "7"}
    first = study(env, "\n\n\n\n", "--bank", str(bank), "--cram")
    letter = shown_letter(first, "alpha")
    orders = [re.findall(r"[a-d]\) (alpha|beta|gamma|delta)", first)[:4]]
    assert "a) one" in first and "c) all of the above" in first  # shuffle: false
    # The same seed shows the same order; the letter typed is mapped back to the bank's.
    again = study(env, f"{letter}\n\nc\n\n", "--bank", str(bank), "--cram")
    assert shown_letter(again, "alpha") == letter
    assert "✓ right" in again
    order_shown = ",".join(
        "abcd"[["alpha", "beta", "gamma", "delta"].index(c)]
        for c in re.findall(r"│ +[a-d]\) (alpha|beta|gamma|delta) ", again)[:4]
    )
    rows = log(quiz_home)[-2:]
    assert rows[0][3] == f"a (typed: {letter}; shown: {order_shown})"
    assert rows[1][3] == "c"
    # Over a few presentations the order changes.
    for n in range(4):
        out = study(
            {**script_env, "MLOPS_QUIZ_SEED": str(n)}, "\n\n\n\n", "--bank", str(bank), "--cram"
        )
        orders.append(re.findall(r"[a-d]\) (alpha|beta|gamma|delta)", out)[:4])
    assert len({tuple(o) for o in orders}) > 1


def test_own_questions_come_first_and_id_asks_now(script_env, quiz_home: Path):
    quiz_home.mkdir(parents=True, exist_ok=True)
    (quiz_home / "questions.yaml").write_text(
        textwrap.dedent(
            """\
            questions:
              - id: my-own
                topic: data-centric-ai
                type: open
                prompt: My own question about data?
                answer: Mine.
            """
        )
    )
    out = study(script_env, "x\n5\n:q\n")
    assert re.search(r"My own question about data\?.*\n(.*\n)*?.*1 of 20", out)
    assert out.index("My own question") < out.index("Session over")
    asked = study(script_env, "\n\n", "--id", "dcai-hold-fixed-cloze")
    assert "1 of 1" in asked and "Ahead: 0 due · 1 new" in asked
    result = subprocess.run(
        [console_script(), "study", "--id", "no-such-id"],
        capture_output=True,
        text=True,
        env=script_env,
    )
    assert result.returncode == 2
    assert (
        result.stderr == "error: no question with id 'no-such-id' in the loaded banks and topics\n"
    )


def test_a_scripted_open_answer_shows_its_marks_and_enter_takes_the_suggestion(
    script_env, small_bank: Path, quiz_home: Path
):
    bank = ["--bank", str(small_bank), "--id", "open-two", "--id", "open-one"]
    out = study(script_env, "scope it, collect the data, train\n\nreliably\n+1\n2\n", *bank)
    assert "✓ 1. scope" in out and "✓ 2. data" in out and "✓ 3. train" in out
    assert "✗ 4. deploy" in out
    assert "Grade 0-5 [3] (? help): " in out  # three of four: at least half
    assert "fix a mark" not in out  # corrections are for the terminal
    assert "Please type a grade from 0 to 5" in out  # "+1" is no grade in a script
    assert log(quiz_home) == [
        ("open-two", 3, "review", "scope it, collect the data, train"),
        ("open-one", 2, "review", "reliably"),
    ]
    with sqlite3.connect(quiz_home / "progress.db") as conn:
        made = conn.execute("SELECT key_points_made FROM reviews ORDER BY id").fetchall()
    assert made == [("1,2,3/4",), ("3/3",)]
