"""What the screen says, at the widths a person uses (100, 80, 60 and 40 columns, 24 rows), and
the one-line errors a person meets: rendered by a terminal emulator or run as processes."""

from __future__ import annotations

import subprocess
import textwrap
from pathlib import Path

import pytest

from conftest import console_script
from screen import TerminalSession

ANSWER = "Your answer (Enter to reveal): "
FIX = "+n/-n fix a mark, "


def run(
    args: list[str], env: dict[str, str], stdin: str = "", cwd: Path | None = None, **extra: str
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [console_script(), *args],
        input=stdin,
        capture_output=True,
        text=True,
        env={**env, "TZ": "UTC", **extra},
        cwd=cwd,
        timeout=120,
        check=False,
    )


# ---------------------------------------------------------------- 7. errors

BAD_PORT_URLS = [
    "postgresql://u:p@host:abc/x",
    "postgresql://u:p@host:5432x/x",
    "postgresql://u:p@[::1/x",
]
URL_COMMANDS = [
    ["stats"],
    ["study"],
    ["list"],
    ["doctor"],
    ["backup", "copy.db"],
    ["export", "--reviews", "log.csv"],
    ["profiles"],
]


@pytest.mark.parametrize("url", BAD_PORT_URLS)
@pytest.mark.parametrize("command", URL_COMMANDS, ids=lambda c: c[0])
def test_a_bad_port_in_a_database_url_is_one_line(
    script_env, tmp_path: Path, url: str, command: list[str]
):
    result = run([*command, "--db", url], script_env, cwd=tmp_path)
    assert result.returncode == 2
    (line,) = result.stderr.splitlines()
    assert line.startswith("error: not a database URL: its host and port cannot be read")
    assert "Traceback" not in result.stderr and "p@" not in result.stderr  # nor the password
    assert "cannot be parsed)" not in line  # no placeholder where a reason belongs
    assert not list(tmp_path.glob("copy.db")) and not list(tmp_path.glob("log.csv"))


def test_a_url_that_cannot_be_parsed_says_so_without_a_placeholder(script_env):
    result = run(["stats", "--db", "not a url at all"], script_env)
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        "error: not a database URL: it cannot be parsed (it is not shown: it may hold a password)"
    ]


def test_the_class_group_alone_prints_its_help(script_env):
    result = run(["class"], script_env)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    lines = result.stdout.splitlines()
    assert lines[0] == "Usage: mlops-quiz class [OPTIONS] COMMAND [ARGS]..."
    assert any(line.strip().startswith("init") for line in lines)  # one command per line
    assert any(line.strip().startswith("report") for line in lines)


@pytest.mark.parametrize("command", [["init"], ["add-learner", "ada"], ["publish"]])
def test_class_commands_without_a_server_url_say_a_class_needs_postgresql(
    script_env, quiz_home: Path, command: list[str]
):
    result = run(["class", *command], script_env)  # the default database: no folder yet
    assert result.returncode == 2
    (line,) = result.stderr.splitlines()
    assert line.startswith("error: a class needs a PostgreSQL database (postgresql+psycopg://")
    assert "does not exist" not in line
    assert not quiz_home.exists()  # nothing made


@pytest.mark.parametrize("value", ["-5", "-1"])
def test_config_with_a_negative_number_is_a_value_error(script_env, quiz_home: Path, value: str):
    result = run(["config", "new_per_day", value], script_env)
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        f"error: new_per_day must be a whole number from 0, not '{value}'"
    ]
    assert not (quiz_home / "settings.toml").exists()


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
    + "".join(f"      Line {n} of the model answer.\n\n" for n in range(1, 41))
    + textwrap.indent("key_points: [scope the project, collect data, train, deploy]\n", "    ")
)


@pytest.mark.parametrize("pager", ["no-such-pager-here", "/nowhere/less -R"])
def test_a_pager_that_is_not_there_shows_the_text(script_env, tmp_path: Path, pager: str):
    bank = tmp_path / "long.yaml"
    bank.write_text(LONG_BANK)
    env = {**script_env, "PAGER": pager}
    with TerminalSession(["study", "--bank", str(bank)], env, rows=24, cols=80) as term:
        term.wait_for_prompt(ANSWER)
        term.sendline("")
        prompt = f"Grade 0-5 [0] ({FIX}f full answer, ? help): "
        term.wait_for_prompt(prompt)
        assert "Line 40 of the model answer." not in term.text
        term.sendline("f")
        term.wait_for("Line 40 of the model answer.")
        term.wait_for_prompt(prompt)
        assert "not found" in term.raw.decode()  # said once, in our words
        assert "sh:" not in term.raw.decode()
        term.sendline("4")
        term.wait_for("Session over")
        assert term.wait_for_exit() == 0
