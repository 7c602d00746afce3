"""What is shortened on the screen is cut after a whole word of the bank's text, then "…"
(issue 22, point 5 and the tmux pass): one-line gaps and key points of a reveal, the order in
which a cloze reveal is shortened, topic titles in panel borders, key points in ``stats`` and
prompts in ``list`` and ``search``, at 80, 60 and 40 columns. A word is everything between
spaces: ``end-to-end``, ``re-run`` and a gap marker ``[1]____`` are never cut inside."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
import yaml

from conftest import console_script
from screen import TerminalSession

BANK = yaml.safe_load((Path(__file__).parents[1] / "data" / "questions.yaml").read_text())
QUESTIONS = {q["id"]: q for q in BANK["questions"]}
TOPICS = {t["id"]: t["title"] for t in BANK["topics"]}
BETWEEN_WORDS = " ,;:/+-–—·|→<>="
"""What may stand between the last word kept and the next one (dropped at a cut)."""


def flat(text: str) -> str:
    return " ".join(text.split())


def assert_cut_after_a_word(shown: str, whole: str) -> None:
    """``shown`` is ``whole`` cut after one of its words (not inside one), then "…"."""
    assert shown.endswith("…"), shown
    kept, whole = flat(shown[:-1]), flat(whole)
    assert whole.startswith(kept), (shown, whole)
    assert kept and kept[-1] not in BETWEEN_WORDS, shown
    rest = whole[len(kept) :]
    assert re.match(rf"[{re.escape(BETWEEN_WORDS)}]*( |$)", rest), (shown, whole)


def cloze_text(prompt: str) -> str:
    """A cloze prompt as ``list`` and ``search`` show it (README: gaps as ``[1]____``)."""
    count = iter(range(1, 100))
    return re.sub(r"\{\{.*?\}\}", lambda _: f"[{next(count)}]____", prompt)


def inside(line: str) -> str:
    return line.strip().strip("│").strip()


def at_grade_prompt(term: TerminalSession) -> None:
    def ready() -> bool:
        y, x = term.cursor
        return term.lines[y].startswith("Grade 0-5") and x == len(term.lines[y]) + 1

    term.wait_until(ready, "the grade prompt")


def reveal_rows(term: TerminalSession) -> list[str]:
    top = max(n for n, line in enumerate(term.lines) if line.startswith("╭─ Answer"))
    bottom = next(n for n in range(top, term.rows) if term.lines[n].startswith("╰"))
    return [inside(line) for line in term.lines[top + 1 : bottom]]


# ---------------------------------------------------------------- the cloze reveal

CLOZE = QUESTIONS["dcai-lifecycle-stages-cloze"]
GAPS = [g.split("|") for g in re.findall(r"\{\{(.*?)\}\}", CLOZE["prompt"])]
TYPED = ["scoping", "data", "training", "deploy to prod"]


@pytest.mark.parametrize("cols", [80, 60, 40])
def test_a_cloze_reveal_cuts_its_gaps_after_a_word(script_env, cols: int):
    env = {**script_env, "PAGER": "cat", "MLOPS_QUIZ_SEED": "1"}
    with TerminalSession(["study", "--id", CLOZE["id"]], env, rows=24, cols=cols) as t:
        t.wait_for("\\):$")
        t.sendline("; ".join(TYPED))
        at_grade_prompt(t)
        rows = reveal_rows(t)
        assert "Shortened: f shows it in full." in rows
        gaps = [row for row in rows if re.match(r"gap \d ", row)]
        assert len(gaps) == 4
        for row in gaps:
            n = int(row[4]) - 1
            said = row[6:]
            if not said.endswith("…"):
                continue
            # the row's words: what was typed, the answer, the other accepted answers
            words = {w.strip(BETWEEN_WORDS) for a in [TYPED[n], *GAPS[n]] for w in a.split()}
            words |= {"also", "accepted", "(empty)"}
            last = said[:-1].split()[-1].strip(BETWEEN_WORDS)
            assert last in words, row
            if "also accepted:" in said:  # the list of other answers cut after a word
                listed = said[said.index("also accepted:") :]
                others = " / ".join(a for a in GAPS[n] if a != TYPED[n])
                assert_cut_after_a_word(listed, "also accepted: " + others)
        if cols == 40:  # the filled prompt and the echo went before the gaps were cut
            assert not any(row.startswith("You wrote") for row in rows), rows
            assert not any(row.startswith("Ng's ML project") for row in rows), rows
            assert any(r.endswith("…") for r in gaps) or all(len(r) < cols - 6 for r in gaps)
        t.sendline("f")
        t.wait_for("and the training\\.")


# ---------------------------------------------------------------- open key points

OPEN = QUESTIONS["dcai-lifecycle"]


@pytest.mark.parametrize("cols", [80, 60, 40])
def test_one_line_key_points_are_cut_after_a_word(script_env, cols: int):
    env = {**script_env, "PAGER": "cat", "MLOPS_QUIZ_SEED": "1", "MLOPS_QUIZ_MATCHER": "words"}
    typed = "Scope the project, collect data, train, then deploy and monitor; it loops back."
    with TerminalSession(["study", "--id", OPEN["id"]], env, rows=24, cols=cols) as t:
        t.wait_for("\\):$")
        t.sendline(typed)
        t.wait_for("help\\):")  # the grade prompt, on two lines at 40 columns
        rows = reveal_rows(t)
    points = [re.match(r"[✓✗] (\d)\. (.*)$", row) for row in rows]
    points = [p for p in points if p]
    assert len(points) == len(OPEN["key_points"])
    cut = 0
    for point in points:
        whole = OPEN["key_points"][int(point.group(1)) - 1]
        shown = point.group(2).removesuffix("  (corrected)")
        if shown.endswith("…"):
            cut += 1
            assert_cut_after_a_word(shown, whole)
        else:
            assert flat(whole).startswith(shown), (shown, whole)  # whole, or wrapped
    if cols == 40:
        assert cut, rows


# ---------------------------------------------------------------- titles


@pytest.mark.parametrize("cols", [80, 60, 40])
def test_a_topic_title_in_a_border_is_cut_after_a_word(script_env, tmp_path: Path, cols: int):
    title = TOPICS[QUESTIONS["fw-metadata-mcq"]["topic"]]
    assert len(title) > 76  # too wide for the border at 80 columns
    bank = tmp_path / "titled.yaml"
    question = {"id": "q", "topic": "t", "type": "open", "prompt": "Why?", "answer": "So."}
    bank.write_text(
        yaml.safe_dump({"topics": [{"id": "t", "title": title}], "questions": [question]})
    )
    with TerminalSession(["study", "--bank", str(bank)], script_env, rows=24, cols=cols) as t:
        t.wait_for("\\):$")
        top = next(line for line in t.lines if line.startswith("╭─ "))
    assert len(top) == cols and top.endswith("─╮")
    shown = top[3:].rstrip("─╮").rstrip()
    assert_cut_after_a_word(shown, title)


# ---------------------------------------------------------------- stats, list, search


def run(args: list[str], env: dict[str, str], cols: int, stdin: str = "") -> list[str]:
    result = subprocess.run(
        [console_script(), *args],
        input=stdin,
        capture_output=True,
        text=True,
        env={**env, "COLUMNS": str(cols), "TZ": "UTC", "MLOPS_QUIZ_MATCHER": "words"},
        timeout=120,
        check=True,
    )
    return result.stdout.splitlines()


@pytest.mark.parametrize("cols", [80, 60, 40])
def test_stats_never_cuts_a_missed_key_point_inside_a_word(script_env, cols: int):
    question = QUESTIONS["dcai-model-vs-data-centric"]
    for days in (0, 2):  # missed twice: "missed 2 of 2"
        later = {**script_env, "MLOPS_QUIZ_NOW": f"2026-03-0{1 + days}T10:00:00+00:00"}
        run(["study", "--id", question["id"]], later, cols, "no idea\n1\n")
    lines = [line.rstrip() for line in run(["stats"], script_env, cols)]
    start = lines.index("Key points missed most often")
    block = "\n".join(lines[start:])
    assert max(map(len, lines)) <= cols
    for word in ("model-centric:", "data-centric:", "held", "fixed"):
        assert word in block, word  # whole, never "model-centr…"
    assert_each_cut_after_a_word(lines[start:])  # the questions' prompts


def prompts() -> list[str]:
    return [flat(cloze_text(q["prompt"])) for q in BANK["questions"]]


def assert_each_cut_after_a_word(lines: list[str]) -> int:
    """Every "…" in ``lines`` ends a prompt of the bank cut after a whole word."""
    every = prompts()
    cuts = 0
    for line in lines:
        for before in re.findall(r"([^│]*?)…", line):
            words = before.split()
            for k in range(len(words), 0, -1):  # the longest tail of the line found in a prompt
                tail = " ".join(words[-k:])
                found = [p for p in every if tail in p]
                if found:
                    break
            assert found, line
            ok = any(
                re.match(rf"[{re.escape(BETWEEN_WORDS)}]*( |$)", p[m.end() :])
                for p in found
                for m in re.finditer(re.escape(tail), p)
            )
            assert ok and tail[-1] not in BETWEEN_WORDS, (line, found[:2])
            cuts += 1
    return cuts


@pytest.mark.parametrize("cols", [80, 60, 40])
def test_list_and_search_cut_prompts_after_a_word(script_env, cols: int):
    listed = run(["list"], script_env, cols)
    assert max(map(len, listed)) <= cols
    assert assert_each_cut_after_a_word(listed) > 0
    for term in ("end-to-end", "re-", "lifecycle", "drift"):
        found = run(["search", term], script_env, cols)
        assert max(map(len, found)) <= cols
        assert_each_cut_after_a_word(found)
