"""What the command line says when something is off: one line, the right place, nothing made."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pexpect

from conftest import SMALL_BANK, console_script

QUIZ = console_script()
NOW = "2026-11-26T09:00:00+00:00"


def run(
    args: list[str], env: dict[str, str], stdin: str = "", cwd: Path | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [QUIZ, *args],
        input=stdin,
        capture_output=True,
        text=True,
        env={"MLOPS_QUIZ_NOW": NOW, "TZ": "UTC", **env},
        timeout=90,
        cwd=cwd,
    )


def one_line(result: subprocess.CompletedProcess[str]) -> str:
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: ") and "Traceback" not in result.stderr
    return lines[0]


# ---------------------------------------------------------------- options (issue point 13)


def test_option_errors_are_one_line_with_exit_code_2(script_env):
    for args, words in (
        (["study", "--limit", "x"], "'--limit'"),
        (["study", "--nope"], "No such option: --nope"),
        (["stdy"], "No such command 'stdy'"),
        (["backup"], "Missing argument 'target'"),
    ):
        result = run(args, script_env)
        assert result.returncode == 2, args
        line = one_line(result)
        assert words in line and "--help" in line, line
        assert result.stdout == ""


def test_no_arguments_prints_the_help_on_stdout(script_env):
    result = run([], script_env)
    assert result.returncode == 0 and result.stderr == ""
    assert result.stdout.startswith("Usage: mlops-quiz") and "study" in result.stdout


# ---------------------------------------------------------------- settings (point 12)


def test_a_blank_profile_name_says_so(script_env, small_bank: Path):
    result = run(["stats", "--profile", "  ", "--bank", str(small_bank)], script_env)
    assert result.returncode == 2
    assert "the profile name is empty or blank" in one_line(result)


def test_a_date_alone_in_the_clock_means_that_study_day(script_env, small_bank: Path):
    env = {**script_env, "MLOPS_QUIZ_NOW": "2026-11-26"}
    result = run(["stats", "--json", "--bank", str(small_bank)], env)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["today"] == "2026-11-26"  # not the 25th (00:00 < 04:00)


def test_a_relative_home_is_made_absolute(script_env, small_bank: Path, tmp_path: Path):
    env = {**script_env, "MLOPS_QUIZ_HOME": "rel-home"}
    result = run(["path"], env, cwd=tmp_path)
    assert f"data folder: {tmp_path / 'rel-home'}" in result.stdout
    studied = run(["study", "--bank", str(small_bank), "--new", "1"], env, "x\n4\n", tmp_path)
    assert studied.returncode == 0, studied.stderr
    assert (tmp_path / "rel-home" / "progress.db").exists()


def test_a_url_argument_the_driver_ignores_is_our_own_error(script_env, small_bank, tmp_path):
    url = f"sqlite:///{tmp_path}/p.db?mode=ro"
    made = run(["study", "--bank", str(small_bank), "--new", "1", "--db", url[:-8]], script_env)
    assert made.returncode == 0, made.stderr
    result = run(["stats", "--bank", str(small_bank), "--db", url], script_env)
    assert result.returncode == 2
    assert "uri=true" in one_line(result)
    assert "Warning" not in result.stderr


def test_an_unclosed_quote_is_reported_where_it_opens(script_env, tmp_path: Path):
    bank = tmp_path / "q.yaml"
    bank.write_text('topics:\n  - id: t\n    title: "T\n    source: x\nquestions: []\n')
    result = run(["validate", str(bank)], script_env)
    assert result.returncode == 2
    assert one_line(result).startswith(f"error: {bank}:3: invalid YAML: a quoted text starts")


# ---------------------------------------------------------------- reading makes nothing (14)


def test_reading_commands_make_no_database(script_env, small_bank: Path, quiz_home: Path):
    for args in (["stats"], ["stats", "--json"], ["list"], ["doctor"]):
        result = run([*args, "--bank", str(small_bank)], script_env)
        assert result.returncode == 0, (args, result.stderr)
        assert not (quiz_home / "progress.db").exists(), args
    listing = json.loads(run(["list", "--json", "--bank", str(small_bank)], script_env).stdout)
    assert [row["id"] for row in listing] == ["open-one", "mcq-one", "cloze-one", "open-two"]
    doctor = run(["doctor", "--bank", str(small_bank)], script_env)
    assert "(not created yet)" in doctor.stdout


# ---------------------------------------------------------------- your own bank (16)


def test_one_bad_entry_in_your_own_bank_does_not_stop_your_studies(script_env, quiz_home: Path):
    quiz_home.mkdir()
    own = quiz_home / "questions.yaml"
    own.write_text(
        "topics:\n  - id: mine\n    title: Mine\nquestions:\n"
        "  - id: good-one\n    topic: mine\n    type: open\n    prompt: Good?\n    answer: Yes.\n"
        "  - id: bad-one\n    topic: mine\n    type: essay\n    prompt: Bad?\n",
        encoding="utf-8",
    )
    result = run(["study", "--topic", "mine"], script_env, "yes\n5\n")
    assert result.returncode == 0, result.stderr
    assert f"warning: {own}:12: question 'bad-one': unknown type 'essay'" in result.stderr
    assert "1 question left out" in result.stderr
    assert "Good?" in result.stdout
    stats = run(["stats", "--json"], script_env)
    assert stats.returncode == 0 and "left out" in stats.stderr
    validate = run(["validate"], script_env)
    assert validate.returncode == 2 and "unknown type 'essay'" in validate.stderr


def test_a_bad_bundled_or_explicit_bank_still_stops(script_env, tmp_path: Path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(SMALL_BANK.replace("type: mcq", "type: essay"), encoding="utf-8")
    result = run(["study", "--bank", str(bad)], script_env, "x\n4\n")
    assert result.returncode == 2
    assert "unknown type 'essay'" in one_line(result)


# ---------------------------------------------------------------- add-question


def add(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return run(["add-question", *args], env)


def test_options_that_do_not_apply_are_errors(script_env, small_bank: Path):
    before = small_bank.read_bytes()
    base = ["--bank", str(small_bank), "--topic", "more", "--prompt", "Why?"]
    result = add(script_env, *base, "--type", "open", "--answer", "A", "--choice", "x")
    assert result.returncode == 2
    assert "--choice and --correct are for mcq questions, not open" in one_line(result)
    untyped = add(script_env, *base, "--answer", "A")
    assert untyped.returncode == 2 and "missing --type" in one_line(untyped)
    unknown = add(script_env, "--bank", str(small_bank), "--topic", "less", "--type", "open")
    assert unknown.returncode == 2 and "unknown topic 'less'" in one_line(unknown)
    assert small_bank.read_bytes() == before


def test_a_prompt_already_in_the_bank_is_refused_with_its_id(script_env, small_bank: Path):
    before = small_bank.read_bytes()
    result = add(
        script_env,
        *("--bank", str(small_bank), "--topic", "more", "--type", "open"),
        *("--prompt", "  what is mlops? ", "--answer", "Again."),
    )
    assert result.returncode == 2
    assert "already in the bank as 'open-one'" in one_line(result)
    assert small_bank.read_bytes() == before


def test_errors_point_at_lines_that_exist(script_env, small_bank: Path):
    lines = small_bank.read_text(encoding="utf-8").count("\n")
    result = add(
        script_env,
        *("--bank", str(small_bank), "--topic", "more", "--type", "cloze"),
        *("--prompt", "Broken {{gap"),
    )
    assert result.returncode == 2
    told = result.stderr.strip().splitlines()
    assert all(line.startswith(f"error: {small_bank}: the new question: ") for line in told)
    assert "unbalanced" in told[0]
    assert small_bank.read_text(encoding="utf-8").count("\n") == lines


def test_a_new_file_may_use_the_bundled_topics(script_env, tmp_path: Path):
    target = tmp_path / "new.yaml"
    result = add(
        script_env,
        *("--bank", str(target), "--topic", "data-centric-ai", "--type", "open"),
        *("--prompt", "A new one?", "--answer", "Yes."),
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout == f"added a-new-one to {target}\n"


def test_the_mcq_prompts_speak_the_letters_of_correct(script_env, small_bank: Path):
    env = {**script_env, "TERM": "xterm"}
    child = pexpect.spawn(
        QUIZ,
        ["add-question", "--bank", str(small_bank), "--type", "mcq", "--topic", "more"],
        env=env,
        encoding="utf-8",
        timeout=30,
    )
    try:
        child.expect("Prompt: ")
        child.sendline("Which one?")
        for letter, text in (("a", "first"), ("b", "second"), ("c", "third")):
            child.expect(rf"Choice {letter}\) \(empty to finish\): ")
            child.sendline(text)
        child.expect(r"Choice d\) \(empty to finish\): ")
        child.sendline("")
        child.expect(r"Correct letters \(a to c, e\.g\. b or a,c\): ")
        child.sendline("d")
        child.expect("type letters of the choices above, from a to c")
        child.expect(r"Correct letters \(a to c")
        child.sendline("b")
        child.expect(f"added which-one to {small_bank}")
        child.expect(pexpect.EOF)
    finally:
        child.close()
    assert child.exitstatus == 0
    from mlops_quiz.bank import load_bank

    added = load_bank([small_bank]).by_id()["which-one"]
    assert added.choices == ("first", "second", "third") and added.correct == (1,)
