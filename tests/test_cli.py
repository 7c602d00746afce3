"""The commands through Typer's test runner, with a temporary data folder."""

import json
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from mlops_quiz.cli import app


@pytest.fixture(autouse=True)
def fixed_clock(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """A fixed clock and zone: with the real clock, a test running across the day's start
    (04:00) would see its answers on two study days."""
    monkeypatch.setenv("MLOPS_QUIZ_NOW", "2026-11-26T12:00:00+00:00")
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def invoke(runner: CliRunner, *args: str, input: str | None = None, env=None):
    return runner.invoke(app, list(args), input=input, env=env)


def test_every_command_has_help_text(runner: CliRunner):
    import typer.main

    group = typer.main.get_command(app)
    for name, command in group.commands.items():  # type: ignore[attr-defined]
        assert command.help, f"{name} has no help text"
        result = invoke(runner, name, "--help")
        assert result.exit_code == 0, result.output


def test_version(runner: CliRunner):
    result = invoke(runner, "--version")
    assert result.exit_code == 0 and result.output.startswith("mlops-quiz ")


def test_scripted_study_then_stats_and_list(runner: CliRunner, small_bank: Path, quiz_home: Path):
    script = "a,c\n\n2.5; 1.3\n\n"
    result = invoke(
        runner, "study", "--bank", str(small_bank), "--new", "3", input="x\n5\n" + script
    )
    assert result.exit_code == 0, result.output
    assert "Session over" in result.output
    assert (quiz_home / "progress.db").exists()
    stats = json.loads(invoke(runner, "stats", "--json", "--bank", str(small_bank)).output)
    assert stats["cards"] == {"total": 4, "new": 1, "learning": 3, "mature": 0}
    assert stats["retention"]["reviews"] == 3 and stats["retention"]["share"] == 1.0
    assert stats["streak_days"] == 1
    rows = json.loads(invoke(runner, "list", "--json", "--bank", str(small_bank)).output)
    assert [r["id"] for r in rows] == ["open-one", "mcq-one", "cloze-one", "open-two"]
    assert rows[0]["repetitions"] == 1 and rows[3]["due"] is None
    assert {"id", "topic", "type", "repetitions", "interval", "ef", "due"} <= set(rows[0])


def test_list_due_uses_the_moved_clock(runner: CliRunner, small_bank: Path):
    invoke(runner, "study", "--bank", str(small_bank), "--new", "1", input="\n5\n")
    due_now = json.loads(
        invoke(runner, "list", "--due", "--json", "--bank", str(small_bank)).output
    )
    assert due_now == []
    tomorrow = invoke(
        runner,
        "list",
        "--due",
        "--json",
        "--bank",
        str(small_bank),
        env={"MLOPS_QUIZ_NOW": "2099-01-01T12:00:00+00:00"},
    )
    assert [r["id"] for r in json.loads(tomorrow.output)] == ["open-one"]


def test_stats_table_renders(runner: CliRunner, small_bank: Path):
    invoke(runner, "study", "--bank", str(small_bank), input="\n1\n")
    result = invoke(runner, "stats", "--bank", str(small_bank))
    assert result.exit_code == 0
    for heading in ("Cards", "Due in the next 7 days", "Answers per day", "Retention"):
        assert heading in result.output


def test_profiles_keep_progress_apart(runner: CliRunner, small_bank: Path):
    invoke(
        runner, "study", "--bank", str(small_bank), "--profile", "ann", "--new", "1", input="\n5\n"
    )
    ann = json.loads(
        invoke(runner, "stats", "--json", "--bank", str(small_bank), "-p", "ann").output
    )
    bob = json.loads(
        invoke(
            runner, "stats", "--json", "--bank", str(small_bank), env={"MLOPS_QUIZ_PROFILE": "bob"}
        ).output
    )
    assert ann["cards"]["new"] == 3 and bob["cards"]["new"] == 4


def test_unknown_topic_is_one_line_exit_2(runner: CliRunner, small_bank: Path):
    result = invoke(runner, "study", "--bank", str(small_bank), "--topic", "nope")
    assert result.exit_code == 2
    assert "unknown topic 'nope'" in result.output
    assert "Traceback" not in result.output


def test_invalid_grade_is_asked_again(runner: CliRunner, small_bank: Path):
    result = invoke(
        runner, "study", "--bank", str(small_bank), "--new", "1", input="\n7\n-1\nfour\n4.5\n5\n"
    )
    assert result.exit_code == 0
    assert result.output.count("Please type a grade") == 4
    rows = json.loads(invoke(runner, "list", "--json", "--bank", str(small_bank)).output)
    assert rows[0]["repetitions"] == 1


def test_undo_in_a_script(runner: CliRunner, small_bank: Path):
    # Answer the first item 5, then at the second item's grade prompt undo; the first comes back.
    result = invoke(
        runner, "study", "--bank", str(small_bank), "--new", "2", input="\n5\n\nu\n\n3\na,c\n\n"
    )
    assert result.exit_code == 0, result.output
    assert "Undone" in result.output
    rows = {
        r["id"]: r
        for r in json.loads(invoke(runner, "list", "--json", "--bank", str(small_bank)).output)
    }
    assert rows["open-one"]["ef"] == 2.36  # graded 3 after the undo, not 5
    assert rows["mcq-one"]["repetitions"] == 1  # the empty grade accepted the suggestion


def test_nothing_to_study(runner: CliRunner, small_bank: Path):
    result = invoke(runner, "study", "--bank", str(small_bank), "--new", "0")
    assert result.exit_code == 0 and "Nothing to study" in result.output


def test_bad_bank_is_reported_with_file_and_line(runner: CliRunner, tmp_path: Path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("topics:\n  - id: t\n    title: T\nquestions:\n  - id: q\n    topic: t\n")
    result = invoke(runner, "validate", str(bad))
    assert result.exit_code == 2
    assert f"{bad}:5:" in result.output and "missing field 'type'" in result.output


def test_validate_ok(runner: CliRunner, small_bank: Path):
    result = invoke(runner, "validate", str(small_bank))
    assert result.exit_code == 0 and "ok: 4 questions" in result.output


def test_env_bank_paths(runner: CliRunner, small_bank: Path, tmp_path: Path):
    extra = tmp_path / "extra.yaml"
    extra.write_text("questions:\n  - {id: x1, topic: more, type: open, prompt: p, answer: a}\n")
    import os

    result = invoke(
        runner, "list", "--json", env={"MLOPS_QUIZ_BANK": f"{small_bank}{os.pathsep}{extra}"}
    )
    assert [r["id"] for r in json.loads(result.output)][-1] == "x1"


def test_newer_database_is_refused(runner: CliRunner, small_bank: Path, quiz_home: Path):
    import sqlite3

    invoke(runner, "study", "--bank", str(small_bank), "--new", "0")
    with sqlite3.connect(quiz_home / "progress.db") as conn:
        conn.execute("INSERT INTO _mlops_quiz_migrations VALUES ('m999_future', 'x')")
    result = invoke(runner, "stats", "--bank", str(small_bank))
    assert result.exit_code == 2 and "newer version" in result.output


def test_db_url_option(runner: CliRunner, small_bank: Path, tmp_path: Path):
    db = tmp_path / "elsewhere.db"
    result = invoke(
        runner,
        "study",
        "--bank",
        str(small_bank),
        "--db",
        f"sqlite:///{db}",
        "--new",
        "1",
        input="\n5\n",
    )
    assert result.exit_code == 0 and db.exists()


def test_removed_question_keeps_history_but_is_not_counted(
    runner: CliRunner, small_bank: Path, tmp_path: Path
):
    invoke(runner, "study", "--bank", str(small_bank), "--new", "1", input="\n5\n")
    text = small_bank.read_text()
    smaller = tmp_path / "smaller.yaml"
    smaller.write_text(text.replace("  - id: open-one", "  - id: open-gone"))
    stats = json.loads(invoke(runner, "stats", "--json", "--bank", str(smaller)).output)
    assert stats["cards"]["new"] == 4 and stats["retention"]["reviews"] == 0
    back = json.loads(invoke(runner, "stats", "--json", "--bank", str(small_bank)).output)
    assert back["cards"]["learning"] == 1


def test_path_command(runner: CliRunner, quiz_home: Path):
    result = invoke(runner, "path")
    assert str(quiz_home) in result.output


def test_every_command_is_found_in_the_module_that_registers_it():
    """A command line registers only its command's module: the map must know every command."""
    from mlops_quiz import cli

    app = cli.full_app()
    registered = {
        (c.name or c.callback.__name__.replace("_", "-")): c.callback.__module__
        for c in app.registered_commands
    }
    registered.update({g.name: "mlops_quiz.cli.classroom" for g in app.registered_groups})
    assert len(registered) == len(cli.MODULE_OF)
    for command, module in registered.items():
        assert f"mlops_quiz.cli.{cli.MODULE_OF[command]}" == module, command
