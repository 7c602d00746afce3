"""What the screen says, at the widths a person uses (100, 80, 60 and 40 columns, 24 rows), and
the one-line errors a person meets: rendered by a terminal emulator or run as processes."""

from __future__ import annotations

import subprocess
import textwrap
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from conftest import console_script
from screen import TerminalSession, words_broken

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


# ---------------------------------------------------------------- 3. the legend

LEGEND_LINE = "0  complete blackout"
REMINDER = "Grades 0 (blackout) to 5 (perfect) · :? shows the help"


@pytest.mark.parametrize("cols", [100, 40])
def test_the_legend_opens_only_a_profiles_first_session(script_env, small_bank: Path, cols: int):
    args = ["study", "--bank", str(small_bank), "--new", "1"]
    with TerminalSession(args, script_env, rows=24, cols=cols) as term:
        term.wait_for_prompt(ANSWER)
        assert any(line.strip() == LEGEND_LINE for line in term.lines)
        term.sendline(":q")
        assert term.wait_for_exit() == 0
    assert run(["study", "--bank", str(small_bank), "--limit", "1"], script_env, "x\n3\n").stdout
    with TerminalSession(args, script_env, rows=24, cols=cols) as term:
        term.wait_for_prompt(ANSWER)  # the repeat owed from the session before
        assert not any(LEGEND_LINE in line for line in term.lines)
        assert term.lines[0].startswith("Ahead:")  # still on the screen
        assert REMINDER.split(" · ")[0] in term.text
        assert words_broken(term) == []
        term.sendline(":?")  # the legend on request
        term.wait_for(LEGEND_LINE)
        term.sendline(":q")
        assert term.wait_for_exit() == 0


# ---------------------------------------------------------------- 5 and 6. stats, narrow

DAYS_AGO = (4, 2, 0)
NOW = datetime(2026, 3, 4, 12, tzinfo=UTC)  # a Wednesday; March began on the Sunday before


def stats_screen(env: dict[str, str], bank: Path, cols: int) -> list[str]:
    for n in DAYS_AGO:
        at = (NOW - timedelta(days=n)).isoformat()
        done = run(
            ["study", "--bank", str(bank), "--cram", "--limit", "1"],
            env,
            "x\n3\n",
            MLOPS_QUIZ_NOW=at,
        )
        assert done.returncode == 0, done.stderr
    env = {**env, "MLOPS_QUIZ_NOW": NOW.isoformat(), "TZ": "UTC"}
    with TerminalSession(["stats", "--bank", str(bank)], env, rows=120, cols=cols) as term:
        assert term.wait_for_exit() == 0
        assert words_broken(term) == []
        return term.lines


@pytest.mark.parametrize("cols", [100, 80, 60, 40])
def test_answers_per_day_show_the_days_without_answers(script_env, small_bank: Path, cols: int):
    lines = stats_screen(script_env, small_bank, cols)
    start = lines.index("Answers per day, last 30 days") + 1
    today = NOW.date()
    rows = [line.split() for line in lines[start : start + 5]]
    assert [(r[1], int(r[3])) for r in rows] == [
        ((today - timedelta(days=n)).strftime("%d"), 1 if n in DAYS_AGO else 0)
        for n in range(4, -1, -1)
    ]
    assert all(len(line) <= cols and not line.endswith("…") for line in lines)


@pytest.mark.parametrize("cols", [100, 80, 60, 40])
def test_the_calendar_fits_and_labels_the_current_month(script_env, small_bank: Path, cols: int):
    lines = stats_screen(script_env, small_bank, cols)
    title = next(n for n, line in enumerate(lines) if line.startswith("Answers in the last"))
    months = lines[title + 1]
    assert months.split()[-1] == "Mar"  # the current month, last
    grid = lines[title + 2 : title + 9]
    assert all(len(line) <= cols for line in grid)
    weeks = len(grid[0]) - 4
    if cols < 57:
        assert lines[title] == f"Answers in the last {weeks} weeks" and weeks == cols - 4
    else:
        assert lines[title] == "Answers in the last year"
    summary = " ".join(lines[title + 10 :]).strip()
    assert "3 answers on 3 days" in summary
    assert "streak 1" not in [line.strip()[-8:] for line in lines]  # "1 d" kept together


@pytest.mark.parametrize("cols", [60, 40])
def test_the_cards_figures_are_never_cut(script_env, small_bank: Path, cols: int):
    lines = stats_screen(script_env, small_bank, cols)
    text = "\n".join(lines)
    assert "…" not in text.split("Retention")[0]
    for name in ("total", "new", "learning", "mature", "due today", "mean EF", "streak"):
        assert any(line.strip("│ ").startswith(name) for line in lines), name
