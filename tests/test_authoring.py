"""add-question: every existing byte kept, validated before writing, written atomically."""

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from mlops_quiz.bank import authoring, load_bank
from mlops_quiz.cli import app
from mlops_quiz.errors import BankError

NEW = {
    "topic": "basics",
    "type": "open",
    "prompt": "Why version data?",
    "answer": "To reproduce.",
    "key_points": ["reproduce"],
}


def test_appends_and_keeps_every_byte(small_bank: Path):
    before = small_bank.read_text()
    new_id = authoring.add_question(small_bank, [], dict(NEW))
    after = small_bank.read_text()
    assert new_id == "why-version-data"
    assert after.startswith(before)
    assert "# A small bank with every question type." in after
    bank = load_bank([small_bank])
    assert bank.questions[-1].id == new_id and bank.questions[-1].key_points == ("reproduce",)


def test_insert_before_trailing_sections_and_comments(tmp_path: Path):
    path = tmp_path / "b.yaml"
    original = (
        "questions:\n"
        "- id: a  # indentless list\n"
        "  topic: t\n  type: open\n  prompt: p\n  answer: x\n"
        "\n# the topics follow\n"
        "topics:\n- {id: t, title: T}\n"
    )
    path.write_text(original)
    authoring.add_question(path, [], {**NEW, "topic": "t", "id": "b"})
    text = path.read_text()
    assert [q.id for q in load_bank([path]).questions] == ["a", "b"]
    assert text.replace("- id: b\n  topic: t\n", "", 1).count("# the topics follow") == 1
    assert text.index("- id: b") < text.index("# the topics follow")


def test_user_bank_is_created_with_a_header(tmp_path: Path, small_bank: Path):
    target = tmp_path / "mine" / "questions.yaml"
    authoring.add_question(target, [small_bank], dict(NEW))
    assert target.read_text().startswith("# My own questions")
    assert load_bank([small_bank, target]).questions[-1].id == "why-version-data"


def test_unique_ids_from_the_prompt(small_bank: Path):
    first = authoring.add_question(small_bank, [], dict(NEW))
    second = authoring.add_question(small_bank, [], dict(NEW, prompt="Why version data?!"))
    assert (first, second) == ("why-version-data", "why-version-data-2")


def test_invalid_question_writes_nothing(small_bank: Path):
    before = small_bank.read_bytes()
    with pytest.raises(BankError, match="unknown topic"):
        authoring.add_question(small_bank, [], dict(NEW, topic="nope"))
    with pytest.raises(BankError, match="duplicate question id"):
        authoring.add_question(small_bank, [], dict(NEW, id="open-one"))
    assert small_bank.read_bytes() == before
    assert [p.name for p in small_bank.parent.iterdir() if p.name.endswith(".tmp")] == []


def test_crlf_and_bom_are_kept(tmp_path: Path, small_bank: Path):
    path = tmp_path / "win.yaml"
    body = small_bank.read_text().replace("\n", "\r\n")
    path.write_bytes(b"\xef\xbb\xbf" + body.encode())
    authoring.add_question(path, [], dict(NEW))
    data = path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf" + body.encode())
    assert b"\n" not in data.replace(b"\r\n", b"")
    assert load_bank([path]).questions[-1].id == "why-version-data"


def test_empty_flow_list_is_replaced(tmp_path: Path):
    path = tmp_path / "b.yaml"
    path.write_text("topics: [{id: t, title: T}]\nquestions: []\n")
    authoring.add_question(path, [], {**NEW, "topic": "t"})
    assert [q.id for q in load_bank([path]).questions] == ["why-version-data"]


def test_multiline_answer_written_as_block(small_bank: Path):
    authoring.add_question(small_bank, [], dict(NEW, answer="line one\nline two\n"))
    assert "answer: |" in small_bank.read_text()
    assert load_bank([small_bank]).questions[-1].answer == "line one\nline two"


def test_cli_add_question_every_type(runner: CliRunner, small_bank: Path):
    result = runner.invoke(
        app,
        [
            "add-question",
            "--bank",
            str(small_bank),
            "--topic",
            "more",
            "--type",
            "mcq",
            "--prompt",
            "Pick the odd one",
            "-c",
            "a",
            "-c",
            "b",
            "-c",
            "c",
            "--correct",
            "b",
            "--id",
            "odd",
        ],
    )
    assert result.exit_code == 0, result.output
    assert result.output.strip() == f"added odd to {small_bank}"
    result = runner.invoke(
        app,
        [
            "add-question",
            "--bank",
            str(small_bank),
            "--topic",
            "more",
            "--type",
            "cloze",
            "--prompt",
            "CT means {{continuous training}}",
        ],
    )
    assert result.exit_code == 0, result.output
    bank = load_bank([small_bank])
    assert bank.by_id()["odd"].correct == (1,)
    assert bank.questions[-1].gaps == (("continuous training",),)


def test_cli_add_question_to_the_user_bank(runner: CliRunner, quiz_home: Path):
    result = runner.invoke(
        app,
        [
            "add-question",
            "--topic",
            "data-centric-ai",
            "--type",
            "open",
            "--prompt",
            "My own question?",
            "--answer",
            "Mine.",
            "-k",
            "mine",
        ],
    )
    assert result.exit_code == 0, result.output
    assert (quiz_home / "questions.yaml").exists()
    listed = json.loads(runner.invoke(app, ["list", "--json"]).output)
    assert listed[-1]["id"] == "my-own-question"


def test_cli_add_question_missing_field_not_interactive(runner: CliRunner, small_bank: Path):
    before = small_bank.read_bytes()
    result = runner.invoke(app, ["add-question", "--bank", str(small_bank), "--type", "open"])
    assert result.exit_code == 2 and "missing --topic" in result.output
    untyped = runner.invoke(app, ["add-question", "--bank", str(small_bank), "--topic", "more"])
    assert untyped.exit_code == 2 and "missing --type" in untyped.output
    assert small_bank.read_bytes() == before
