"""Bad bank files through the installed command: exit 2, ``error: FILE:LINE: message``, no trace.

Each case is a file the product must refuse with a clear message, at the right line where a line
makes sense, without a traceback and without writing anything.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
from rel_helpers import env_with, run, time_bound

HEAD = "topics:\n  - id: t\n    title: T\nquestions:\n"
"""Four lines: the first question starts on line 5."""


def question(**fields: str) -> str:
    """One question item in block style; values are YAML as written (not quoted)."""
    base = {"id": "q", "topic": "t", "type": "open", "prompt": "P?", "answer": "A."}
    base.update(fields)
    lines = []
    for n, (key, value) in enumerate((k, v) for k, v in base.items() if v is not None):
        lines.append(f"{'  - ' if n == 0 else '    '}{key}: {value}")
    return "\n".join(lines) + "\n"


def mcq(**fields: str) -> str:
    base = {"type": "mcq", "answer": None, "choices": "[x, y, z]", "correct": "a"}
    base.update(fields)
    return question(**base)


def cloze(prompt: str) -> str:
    return question(type="cloze", answer=None, prompt=prompt)


@dataclass
class Case:
    content: str | bytes
    message: str
    """A fragment of the message, matched case-insensitively."""
    line: int | None
    """The line the first problem must name, or None where no line makes sense."""


MANY_CHOICES = "[" + ", ".join(f"c{n}" for n in range(27)) + "]"
ALIAS_BOMB = (
    HEAD
    + "  - &a0 {id: q, topic: t, type: open, prompt: P, answer: A}\n"
    + "".join(f"  - &a{n} [{', '.join([f'*a{n - 1}'] * 9)}]\n" for n in range(1, 10))
)


def laughs(level: int) -> str:
    """A "billion laughs" in one flow list: 9 ** level strings once expanded."""
    if level == 0:
        return "&a0 lol"
    return f"&a{level} [{laughs(level - 1)}" + f", *a{level - 1}" * 8 + "]"


LAUGHS = laughs(9)

CASES: dict[str, Case] = {
    "malformed-yaml": Case(HEAD + question(prompt="[unclosed, list"), "invalid YAML", 9),
    "unclosed-quote": Case(HEAD + question(prompt='"no end') + "  - id: r\n", "invalid YAML", None),
    "tab-indent": Case(HEAD + "  - id: q\n\ttopic: t\n", "tab", 6),
    "id-is-a-list": Case(HEAD + question(id="[a, b]"), "question id must be text", 5),
    "id-not-a-slug": Case(HEAD + question(id="Has Spaces"), "must be lowercase", 5),
    "topic-is-a-mapping": Case(HEAD + question(topic="{a: b}"), "topic must be text", 6),
    "type-is-a-list": Case(HEAD + question(type="[open]"), "type must be text", 7),
    "prompt-is-a-list": Case(HEAD + question(prompt="[a, b]"), "prompt must be text", 8),
    "answer-is-a-mapping": Case(HEAD + question(answer="{a: b}"), "answer must be text", 9),
    "key-points-is-text": Case(
        HEAD + question(key_points="one, two"), "key_points must be a list", 10
    ),
    "key-point-is-a-list": Case(HEAD + question(key_points="[[a, b]]"), "must be text", 10),
    "tags-is-a-mapping": Case(HEAD + question(tags="{a: 1}"), "tags must be a list", 10),
    "choices-is-text": Case(HEAD + mcq(choices="x y z"), "choices must be a list", 9),
    "correct-is-a-mapping": Case(HEAD + mcq(correct="{a: 1}"), "correct must be text", 10),
    "prompt-is-null": Case(HEAD + question(prompt="~"), "prompt is empty", 8),
    "missing-prompt": Case(HEAD + question(prompt=None), "missing field 'prompt'", 5),
    "missing-id": Case(HEAD + question(id=None), "missing field 'id'", 5),
    "missing-topic-title": Case(
        "topics:\n  - id: t\n    source: S\nquestions: []\n", "missing field 'title'", 2
    ),
    "open-without-answer": Case(HEAD + question(answer=None), "needs an 'answer'", 5),
    "unknown-field": Case(HEAD + question(promt="x"), "did you mean 'prompt'", 10),
    "empty-file": Case("", "the file is empty", 1),
    "only-comments": Case("# nothing here\n\n", "the file is empty", 1),
    "list-at-top": Case("- id: q\n- id: r\n", "top level must be a mapping", 1),
    "unknown-type": Case(HEAD + question(type="essay"), "unknown type 'essay'", 7),
    "mcq-without-correct": Case(HEAD + mcq(correct="[]"), "at least one correct choice", 10),
    "mcq-missing-correct": Case(HEAD + mcq(correct=None), "needs 'choices' and 'correct'", 5),
    "mcq-duplicate-choices": Case(
        HEAD + mcq(choices="\n      - Same\n      - other\n      - same"), "duplicate choice", 12
    ),
    "mcq-letter-out-of-range": Case(HEAD + mcq(correct="d"), "a letter from a to c", 10),
    "mcq-all-correct": Case(HEAD + mcq(correct="[a, b, c]"), "at least one wrong choice", 10),
    "mcq-one-choice": Case(HEAD + mcq(choices="[only]"), "2 to 26 choices", 9),
    "mcq-27-choices-bad-letter": Case(
        HEAD + mcq(choices=MANY_CHOICES, correct="'?'"), "2 to 26 choices", 9
    ),
    "choices-on-open": Case(HEAD + question(choices="[x, y]"), "only for mcq", 10),
    "cloze-without-gap": Case(HEAD + cloze("No gap here."), "at least one gap", 8),
    "cloze-empty-gap": Case(HEAD + cloze("An {{}} gap."), "gap 1 has no accepted answer", 8),
    "cloze-blank-alternatives": Case(
        HEAD + cloze("A {{ok}} and {{ | }} gap."), "gap 2 has no accepted answer", 8
    ),
    "cloze-unbalanced": Case(HEAD + cloze("A {{ok}} and {{open gap."), "unbalanced", 8),
    "duplicate-id-in-file": Case(
        HEAD + question() + question(prompt="Other?"), "duplicate question id 'q'", 10
    ),
    "unknown-topic": Case(HEAD + question(topic="nowhere"), "unknown topic 'nowhere'", 5),
    "two-documents": Case(HEAD + question() + "---\nquestions: []\n", "another document", 10),
    "non-utf8": Case(
        (HEAD + question(prompt="caf\u00e9?")).encode("latin-1"), "not valid UTF-8", 8
    ),
    "alias-bomb": Case(HEAD + question(tags=LAUGHS), "anchors and aliases", 10),
    "alias-bomb-as-questions": Case(ALIAS_BOMB, "must be a mapping of fields", 6),
    "alias-of-a-question": Case(
        HEAD + "  - &q {id: q, topic: t, type: open, prompt: P, answer: A}\n  - *q\n",
        "anchors and aliases",
        5,
    ),
    "escape-in-type": Case(HEAD + question(type='"\\e[2Jx"'), "unknown type", 7),
}


def check_failure(result, name: str, case: Case) -> list[str]:
    assert result.returncode == 2, (result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    assert result.stdout == ""
    assert "\x1b" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert lines, "no error message"
    for line in lines:
        assert line.startswith("error: "), result.stderr
    assert case.message.lower() in result.stderr.lower(), result.stderr
    if case.line is not None:
        first = re.escape(name)
        assert re.match(rf"error: {first}:{case.line}: \S", lines[0]), result.stderr
    return lines


def write_case(tmp_path: Path, case) -> Path:
    """The case's content as a bank file (bytes as they are, text as UTF-8)."""
    bank = tmp_path / "bad.yaml"
    if isinstance(case.content, bytes):
        bank.write_bytes(case.content)
    else:
        bank.write_text(case.content, encoding="utf-8")
    return bank


@pytest.mark.parametrize("case_id", sorted(CASES))
def test_validate_refuses_a_bad_bank(case_id: str, script_env, tmp_path: Path):
    case = CASES[case_id]
    bank = write_case(tmp_path, case)
    check_failure(run(["validate", str(bank)], env_with(script_env)), str(bank), case)


@pytest.mark.parametrize(
    "case_id", ["malformed-yaml", "mcq-all-correct", "unknown-topic", "alias-bomb", "non-utf8"]
)
def test_commands_refuse_a_bad_bank_before_touching_the_database(
    case_id: str, script_env, tmp_path: Path, quiz_home: Path
):
    case = CASES[case_id]
    bank = write_case(tmp_path, case)
    for command in (["list"], ["study"]):
        result = run([*command, "--bank", str(bank)], env_with(script_env), "x\n5\n")
        check_failure(result, str(bank), case)
    assert not (quiz_home / "progress.db").exists()
    if quiz_home.exists():  # at most the parsed-bank cache, never a database
        assert {p.name for p in quiz_home.iterdir()} <= {"cache"}


def test_duplicate_id_across_two_files_names_both(script_env, tmp_path: Path, quiz_home: Path):
    first = tmp_path / "first.yaml"
    second = tmp_path / "second.yaml"
    first.write_text(HEAD + question(id="shared"), encoding="utf-8")
    second.write_text("questions:\n" + question(id="shared", prompt="Again?"), encoding="utf-8")
    result = run(["validate", str(first), str(second)], env_with(script_env))
    lines = check_failure(result, str(second), Case("", "duplicate question id 'shared'", 2))
    assert len(lines) == 1
    assert f"(first at {first}:5)" in lines[0]
    listed = run(["list", "--bank", str(first), "--bank", str(second)], env_with(script_env))
    assert listed.returncode == 2 and str(first) in listed.stderr and str(second) in listed.stderr
    assert not (quiz_home / "progress.db").exists()


def test_byte_order_mark_is_accepted(script_env, tmp_path: Path):
    bank = tmp_path / "bom.yaml"
    bank.write_bytes(b"\xef\xbb\xbf" + (HEAD + question()).encode("utf-8"))
    result = run(["validate", str(bank)], env_with(script_env))
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("ok: 1 question in 1 topic")


def test_fifty_megabyte_file_fails_fast_with_a_size_message(
    script_env, tmp_path: Path, quiz_home: Path
):
    bank = tmp_path / "huge.yaml"
    line = "# " + "padding " * 12 + "\n"
    chunk = line * 10_000
    with bank.open("w", encoding="utf-8") as handle:
        handle.write(HEAD)
        while handle.tell() < 50 * 2**20:
            handle.write(chunk)
    assert bank.stat().st_size >= 50 * 2**20
    bound = time_bound(env_with(script_env), 10)
    for command in (["validate", str(bank)], ["list", "--bank", str(bank)]):
        started = time.monotonic()
        result = run(command, env_with(script_env))
        elapsed = time.monotonic() - started
        lines = check_failure(result, str(bank), Case("", "at most 16 MB", 1))
        assert len(lines) == 1 and "50.0 MB" in lines[0]
        assert elapsed < bound, f"took {elapsed:.1f} s"
    assert not (quiz_home / "progress.db").exists()


TAG = "!!python/object/apply:os.system"


@pytest.mark.parametrize(
    "where",
    ["prompt-scalar", "prompt-sequence", "question-mapping", "key-points", "top-level", "topics"],
)
def test_python_tags_are_refused_and_never_run(where: str, script_env, tmp_path: Path):
    marker = tmp_path / "pwned"
    cmd = f'["touch {marker}"]'
    texts = {
        "prompt-scalar": HEAD + question(prompt=f'{TAG} "touch {marker}"'),
        "prompt-sequence": HEAD + question(prompt=f"{TAG} {cmd}"),
        "question-mapping": HEAD
        + f"  - {TAG}\n    id: q\n    topic: t\n    type: open\n    prompt: P\n    answer: A\n",
        "key-points": HEAD + question(key_points=f"{TAG} {cmd}"),
        "top-level": f"{TAG}\n" + HEAD + question(),
        "topics": f"topics: {TAG} {cmd}\n",
    }
    bank = tmp_path / "tagged.yaml"
    bank.write_text(texts[where], encoding="utf-8")
    result = run(["validate", str(bank)], env_with(script_env))
    assert not marker.exists()
    assert result.returncode == 2, result.stdout
    assert "Traceback" not in result.stderr
    assert all(line.startswith(f"error: {bank}:") for line in result.stderr.strip().splitlines())
    listed = run(["list", "--bank", str(bank)], env_with(script_env))
    assert not marker.exists()
    assert listed.returncode == 2, listed.stdout


@pytest.mark.parametrize("command", ["validate", "list"])
def test_a_folder_passed_as_a_bank(command: str, script_env, tmp_path: Path, quiz_home: Path):
    folder = tmp_path / "not-a-file.yaml"
    folder.mkdir()
    args = ["validate", str(folder)] if command == "validate" else ["list", "--bank", str(folder)]
    result = run(args, env_with(script_env))
    assert result.returncode == 2
    line = result.stderr.strip()
    assert "\n" not in line, result.stderr
    assert line.startswith("error: ") and str(folder) in line, result.stderr
    assert not (quiz_home / "progress.db").exists()
