"""Bank text on the screen at the widths a person uses (100, 80, 60 and 40 columns, 24 rows):
reflowed to the panel, reveals that fit the screen, hanging indents, titles cut with an
ellipsis, and the ``list`` table sized to what it shows (issue 22, points 1, 2, 4 and 5)."""

from __future__ import annotations

import json
import re
import subprocess
import textwrap
from itertools import pairwise
from pathlib import Path

import pytest

from conftest import console_script
from screen import TerminalSession

IGUANA_ANSWER = (
    "Each convention is reasonable on its own; the problem is mixing them. Pick one and label "
    "the whole data set consistently."
)
TITLE = "A topic title long enough to be cut at forty columns of width"
WRAPPED_BANK = textwrap.dedent(
    f"""\
    topics: [{{id: t, title: {TITLE}}}]
    questions:
      - id: wrapped
        topic: t
        type: mcq
        prompt: |
          Which of these
          hold for a review log?
        choices:
          - It keeps every answer with its grade and the interval before and after it was given
          - It is thrown away
        correct: a
        shuffle: false
        answer: |
          The log keeps
          every answer.

          - one item
            goes on
          - two
    """
)


def run(args: list[str], env: dict[str, str], cols: int) -> list[str]:
    result = subprocess.run(
        [console_script(), *args],
        capture_output=True,
        text=True,
        env={**env, "COLUMNS": str(cols), "TZ": "UTC"},
        timeout=120,
        check=True,
    )
    return result.stdout.splitlines()


def inside(line: str) -> str:
    """A panel row's text, without its edges and padding."""
    return line.strip().strip("│").strip()


def paragraph(lines: list[str], first: str) -> list[str]:
    """The rows of a panel from the one starting with ``first`` to the next empty one."""
    start = next(n for n, line in enumerate(lines) if inside(line).startswith(first))
    rows = []
    for line in lines[start:]:
        if not inside(line) or line.lstrip().startswith("╰"):
            break
        rows.append(inside(line))
    return rows


def assert_filled(rows: list[str], width: int) -> None:
    """Each row but the last was broken because the next word did not fit ``width``."""
    for row, after in pairwise(rows):
        assert len(row) + 1 + len(after.split()[0]) > width, (row, after)


def at_grade_prompt(term: TerminalSession) -> None:
    def ready() -> bool:
        y, x = term.cursor
        return term.lines[y].startswith("Grade 0-5") and x == len(term.lines[y]) + 1

    term.wait_until(ready, "the grade prompt")


# ---------------------------------------------------------------- 1. reflow


@pytest.mark.parametrize("cols", [100, 80, 60])
def test_an_answer_is_reflowed_to_the_panels_width(script_env, cols: int):
    args = ["study", "--id", "dcai-iguana-mcq"]
    with TerminalSession(args, {**script_env, "MLOPS_QUIZ_SEED": "1"}, rows=40, cols=cols) as t:
        t.wait_for("\\):$")
        t.sendline("a")
        at_grade_prompt(t)
        rows = paragraph(t.lines, "Each convention")
    assert " ".join(rows) == IGUANA_ANSWER
    assert_filled(rows, cols - 6)  # the panel's edges and padding


@pytest.mark.parametrize("cols", [80, 60, 40])
def test_show_reflows_prompt_choices_and_answer_with_hanging_indents(
    script_env, tmp_path: Path, cols: int
):
    bank = tmp_path / "wrapped.yaml"
    bank.write_text(WRAPPED_BANK)
    lines = run(["show", "wrapped", "--bank", str(bank)], script_env, cols)
    texts = [inside(line) for line in lines]
    prompt = "Which of these hold for a review log?"  # its two lines joined, wrapped at the width
    assert " ".join(texts[1:3]).startswith(prompt) if cols < 60 else prompt in texts
    assert "The log keeps every answer." in texts
    items = [n for n, text in enumerate(texts) if text.startswith("- ")]
    assert [texts[n].split()[1] for n in items] == ["one", "two"]  # each item starts anew
    assert texts[items[0]] == "- one item goes on"
    # the long choice wraps under its text, past "✓ a) "
    first = next(line for line in lines if "✓ a) It keeps" in line)
    column = first.index("It keeps")
    after = lines[lines.index(first) + 1]
    assert after[:column].strip(" │") == "" and after[column] != " "


# ---------------------------------------------------------------- 5. narrow terminals


@pytest.mark.parametrize("cols", [60, 40])
def test_a_long_topic_title_is_cut_with_an_ellipsis(script_env, tmp_path: Path, cols: int):
    bank = tmp_path / "wrapped.yaml"
    bank.write_text(WRAPPED_BANK)
    with TerminalSession(["study", "--bank", str(bank)], script_env, rows=24, cols=cols) as t:
        t.wait_for("\\):$")
        top = next(line for line in t.lines if line.startswith("╭─ "))
    assert len(top) == cols and top.endswith("…─╮")
    shown = top[3:].rstrip("─╮").rstrip("…")
    assert TITLE.startswith(shown) and len(shown) > 10


@pytest.mark.parametrize("cols", [80, 60, 40])
def test_wrapped_choices_and_key_points_keep_their_hanging_indent(script_env, cols: int):
    args = ["study", "--id", "fw-metadata-mcq"]
    with TerminalSession(args, {**script_env, "MLOPS_QUIZ_SEED": "1"}, rows=60, cols=cols) as t:
        t.wait_for("\\):$")
        t.sendline("b,c,e")
        at_grade_prompt(t)
        lines = t.lines
    start = next(n for n, line in enumerate(lines) if line.startswith("╭─ Answer"))
    choices = [n for n in range(start, len(lines)) if re.match(r"│ +. [a-h]\) ", lines[n])]
    assert len(choices) == 8
    for n in choices:
        column = re.match(r"│ +. [a-h]\) ", lines[n]).end()
        nxt = lines[n + 1]
        if not re.match(r"│ +. [a-h]\) ", nxt) and inside(nxt):  # a wrapped line
            assert nxt[:column].strip(" │") == "" and nxt[column] != " ", (lines[n], nxt)


@pytest.mark.parametrize("cols", [60, 40])
def test_show_never_splits_a_number_from_its_unit(script_env, cols: int):
    lines = [inside(line) for line in run(["show", "fw-metadata-mcq"], script_env, cols)]
    for line, after in pairwise(lines):
        assert not (re.search(r"\d$", line) and re.match(r"d\b", after)), (line, after)
    assert any(re.search(r"if graded today +0: 1 d {2}1: 1 d", line) for line in lines)
    assert any(re.search(r"interval +0 d", line) for line in lines)


def typed_segments(lines: list[str]) -> list[str]:
    """The lines of the first typed answer in ``show``'s history: under the typed column of
    its table, or on the lines under ``typed`` when each answer has lines of its own."""
    history = lines.index("History")
    header = next((n for n in range(history, len(lines)) if "typed" in lines[n].split()), None)
    if header is not None and lines[header].split()[0] == "when":  # the table
        column, start = lines[header].index("typed"), header + 2
    else:
        start = next(n for n in range(history, len(lines)) if lines[n].startswith("  typed "))
        column = len("  typed ")
    segments = [lines[start][column:].rstrip()]
    for line in lines[start + 1 :]:
        if not line.strip() or line[:column].strip():
            break
        segments.append(line[column:].rstrip())
    return segments


@pytest.mark.parametrize("cols", [100, 60, 40])
def test_show_history_wraps_a_typed_answer_after_its_separators(script_env, cols: int):
    env = {**script_env, "MLOPS_QUIZ_SEED": "1", "TZ": "UTC"}
    subprocess.run(
        [console_script(), "study", "--id", "fw-metadata-mcq"],
        input="b,c,e\n2\n",
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=True,
    )
    shown = subprocess.run(
        [console_script(), "show", "fw-metadata-mcq", "--json"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=True,
    )
    (entry,) = json.loads(shown.stdout)["history"]
    assert entry["answer"].startswith("a,d,g (typed: b,c,e; shown: ")  # the letters typed
    lines = [line.rstrip() for line in run(["show", "fw-metadata-mcq"], script_env, cols)]
    assert max(map(len, lines)) <= cols
    after = lines[lines.index("History") :]
    if cols >= 60:  # a row of the table: when, grade, kind, interval
        row = next(line for line in after if line[:4].isdigit())
        assert row.split()[2:7] == ["2", "review", "0", "→", "1"]
    else:  # the grade is never left out; the typed answer has lines of its own
        assert any(re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d · grade 2 · review", x) for x in after)
        assert any(line.strip() == "0 → 1 d" for line in after)
    segments = typed_segments(lines)
    if cols == 100:
        assert segments == [entry["answer"]]
    joined = segments[0]
    for segment in segments[1:]:  # each line broke at a space, after a comma or a semicolon
        assert not segment.startswith((",", ";")), segments
        joined += segment if joined.endswith((",", ";")) else " " + segment
    assert joined == entry["answer"], segments


# ---------------------------------------------------------------- 2. the reveal fits


@pytest.mark.parametrize("cols", [60, 40])
def test_a_cloze_reveal_keeps_title_verdict_and_gaps_on_a_24_row_screen(script_env, cols: int):
    env = {**script_env, "PAGER": "cat", "MLOPS_QUIZ_SEED": "1"}
    args = ["study", "--id", "dcai-lifecycle-stages-cloze"]
    with TerminalSession(args, env, rows=24, cols=cols) as t:
        t.wait_for("\\):$")
        t.sendline("scoping; data; training; deploy to prod")
        at_grade_prompt(t)
        text = t.text
        if cols == 60:  # at 40 the question is too tall to keep: the reveal fits alone
            assert any(line.startswith("╭─ Data-centric AI") for line in t.lines)  # its title
        assert "╭─ Answer · wrong" in text and "✗ not quite (75% right)" in text
        for n in (1, 2, 3, 4):
            assert f"gap {n} " in text
        assert "Shortened: f shows it in full." in text
        assert "f full answer" in text
        assert "deploying" not in text and "and the training." not in text  # left for f
        t.sendline("f")
        t.wait_for("deploying")
        t.wait_for("and the training\\.")


@pytest.mark.parametrize("cols", [60, 40])
def test_an_mcq_reveal_fits_a_24_row_screen(script_env, cols: int):
    env = {**script_env, "PAGER": "cat", "MLOPS_QUIZ_SEED": "1"}
    with TerminalSession(["study", "--id", "fw-metadata-mcq"], env, rows=24, cols=cols) as t:
        t.wait_for("\\):$")
        t.sendline("b,c,e")
        at_grade_prompt(t)
        top = next(n for n, line in enumerate(t.lines) if line.startswith("╭─ Answer · wrong"))
        assert t.lines[top + 1].strip("│ ") == "✗ not quite (29% right)"
        for letter in "abcdefgh":
            assert any(f" {letter}) " in line for line in t.lines[top:]), letter
        assert any("← correct, not chosen" in line for line in t.lines)


METADATA_CHOICES = [  # fw-metadata-mcq in the bundled bank
    "A full copy of the training data",
    "Pointers to the artifacts each step produced",
    "The versions of the pipeline and components that ran",
    "A pointer to the previously trained model",
    "The live prediction requests sent to the model",
    "The start and end time of the run",
    "The parameters passed to the pipeline",
    "Evaluation metrics of the trained model",
]


@pytest.mark.parametrize("cols", [60, 40])
def test_an_mcq_reveal_cuts_its_answer_text_before_its_choices(script_env, cols: int):
    env = {**script_env, "PAGER": "cat", "MLOPS_QUIZ_SEED": "1"}
    with TerminalSession(["study", "--id", "fw-metadata-mcq"], env, rows=24, cols=cols) as t:
        t.wait_for("\\):$")
        t.sendline("b,c,e")
        at_grade_prompt(t)
        top = t.index_of("╭─ Answer · wrong")
        bottom = next(n for n in range(top, t.rows) if t.lines[n].startswith("╰"))
        rows = [inside(line) for line in t.lines[top + 1 : bottom]]
        shown = {}
        for row in rows:
            found = re.match(r"^[✓✗•]? ?([a-h])\) (.*?)(  ←.*)?$", row)
            if found:
                shown[found.group(1)] = found.group(2)
        assert sorted(shown) == list("abcdefgh")
        cut = False
        for letter, text in shown.items():
            whole = [c for c in METADATA_CHOICES if c.startswith(text.rstrip("…"))]
            assert whole, (letter, text)
            if text.endswith("…"):  # cut on one line after a word, never to under 3 words
                cut = True
                kept = text.rstrip("…")
                assert whole[0][len(kept)] == " " and len(kept.split()) >= 3, text
        # the verdict on each choice: 3 chosen, 4 more correct ones not chosen
        assert sum("←" in row for row in rows) == 7
        if cut:  # the answer text went first
            assert not any("Metadata holds" in row for row in rows)
        assert "Shortened: f shows it in full." in rows
        t.sendline("f")
        t.wait_for("concern\\.")


# ---------------------------------------------------------------- 4. list


def test_list_at_100_sizes_the_id_column_to_the_ids_shown(script_env):
    for topic in ("data-centric-ai", "mlops-challenges"):
        lines = run(["list", "--topic", topic], script_env, 100)
        rows = [line for line in lines[2:] if line and not line.startswith(" ")]
        longest = max(len(line.split()[0]) for line in rows)
        assert lines[0].index("prompt") == longest + 2, topic
        assert max(map(len, lines)) <= 100


@pytest.mark.parametrize("cols", [80, 60, 40])
def test_list_never_cuts_the_marks_and_gives_the_prompt_a_line(script_env, cols: int):
    assert run(["bury", "dcai-lifecycle"], script_env, cols)
    lines = run(["list"], script_env, cols)
    assert max(map(len, lines)) <= cols
    row = next(n for n, line in enumerate(lines) if line.split()[:1] == ["dcai-lifecycle"])
    assert lines[row].split()[-1] == "buried"  # the mark, whole
    prompt = lines[row + 1].strip()
    assert prompt == "Describe the lifecycle of an ML project." or (
        cols == 40 and prompt == "Describe the lifecycle of an ML…"
    )
    found = run(["search", "lifecycle"], script_env, cols)
    assert any(line.split()[:1] == ["dcai-lifecycle"] and "buried" in line for line in found)
