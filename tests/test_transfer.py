"""export and import from the installed console script: CSV sheets, the Markdown sheet, the
review log and portable progress, with real files in temporary folders."""

from __future__ import annotations

import csv
import json
import subprocess
from pathlib import Path

from conftest import console_script
from mlops_quiz.bank import load_bank
from mlops_quiz.config import bundled_bank_path

DAY_1 = "2026-11-26T09:00:00+00:00"
DAY_2 = "2026-11-27T09:00:00+00:00"


def run(args: list[str], env: dict[str, str], stdin: str = "", **extra: str):
    return subprocess.run(
        [console_script(), *args],
        input=stdin,
        capture_output=True,
        text=True,
        env={**env, "TZ": "UTC", **extra},
        timeout=120,
    )


def same_questions(path: Path) -> list[tuple]:
    return [q._replace(file="", line=0) for q in load_bank([path]).questions]


def topics_only(bundled: Path, target: Path) -> None:
    """The bundled bank's text up to its questions: its topics, comments and all."""
    text = bundled.read_text(encoding="utf-8")
    target.write_text(text[: text.index("\nquestions:")] + "\n", encoding="utf-8")


# ---------------------------------------------------------------- questions as CSV


def test_csv_round_trip_of_the_bundled_bank(script_env, tmp_path: Path):
    bundled = bundled_bank_path()
    sheet = tmp_path / "bank.csv"
    out = run(["export", str(sheet)], script_env)
    assert out.returncode == 0, out.stderr
    total = len(load_bank([bundled]).questions)
    assert out.stdout == f"exported {total} questions in 4 topics to {sheet}\n"
    assert sheet.read_bytes().startswith(b"\xef\xbb\xbfid,topic,type,prompt,answer,key_points,")

    target = tmp_path / "copy.yaml"
    topics_only(bundled, target)
    before = target.read_text(encoding="utf-8")
    args = ["import", str(sheet), "--into", str(target), "--bank", str(target)]
    result = run(args, script_env)
    assert result.returncode == 0, result.stderr
    assert result.stdout == f"added {total} questions to {target}\n"
    assert target.read_text(encoding="utf-8").startswith(before)
    assert same_questions(target) == same_questions(bundled)

    again = run(args, script_env)
    assert again.returncode == 0, again.stderr
    assert again.stdout == f"added 0 questions to {target}; skipped {total} already in the bank\n"
    assert again.stderr.count("skipped: ") == total
    assert same_questions(target) == same_questions(bundled)


def write_csv(path: Path, rows: list[list[str]], delimiter: str = ",") -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, delimiter=delimiter).writerows(rows)


HEADER = ["id", "topic", "type", "prompt", "answer", "key_points", "choices", "correct", "tags"]


def test_a_sheet_with_bad_rows_writes_nothing(script_env, small_bank: Path, tmp_path: Path):
    sheet = tmp_path / "new.csv"
    write_csv(
        sheet,
        [
            HEADER,
            ["", "basics", "open", "What is a feature store?", "A shared store.", "", "", "", ""],
            ["", "basics", "essay", "Describe drift.", "It moves.", "", "", "", ""],
            ["", "nowhere", "open", "What is CI?", "Integration.", "", "", "", ""],
            ["", "more", "mcq", "Pick one", "", "", "yes\nno", "d", ""],
            ["", "more", "open", "An open item with no answer?", "", "", "", "", ""],
            ["Bad Id", "more", "open", "Why ids?", "Stable.", "", "", "", ""],
        ],
    )
    before = small_bank.read_bytes()
    result = run(
        ["import", str(sheet), "--into", str(small_bank), "--bank", str(small_bank)], script_env
    )
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        f"error: {sheet}:3: question 'describe-drift': unknown type 'essay'; "
        "use one of open, mcq, cloze",
        f"error: {sheet}:4: unknown topic 'nowhere' (known: basics, more)",
        f"error: {sheet}:5: question 'pick-one': correct choice 'd' must be a letter from a to b",
        f"error: {sheet}:6: question 'an-open-item-with-no-answer': "
        "an open question needs an 'answer'",
        f"error: {sheet}:7: question id 'Bad Id' must be lowercase letters, digits, "
        "'-', '_' or '.' (at most 80 characters)",
    ]
    assert small_bank.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []


def test_plain_sheets_ids_from_prompts_and_duplicates(script_env, small_bank: Path, tmp_path: Path):
    sheet = tmp_path / "teacher.csv"
    write_csv(
        sheet,
        [
            ["What is model drift?", "The data the model sees changes.", "drift, monitoring"],
            ["what is  MLOps?", "Already there, in other case and spacing."],
            ["Why pin versions?", "To reproduce a run."],
        ],
        delimiter=";",
    )
    args = ["import", str(sheet), "--into", str(small_bank), "--bank", str(small_bank)]
    no_topic = run(args, script_env)
    assert no_topic.returncode == 2
    assert f"{sheet}:1: no topic: add a topic column or give --topic" in no_topic.stderr

    before = small_bank.read_bytes()
    dry = run([*args, "--topic", "more", "--dry-run"], script_env)
    assert dry.returncode == 0, dry.stderr
    assert dry.stdout.splitlines() == [
        f"would add 2 questions to {small_bank} (nothing written):",
        "  what-is-model-drift (more, open): What is model drift?",
        "  why-pin-versions (more, open): Why pin versions?",
    ]
    assert dry.stderr == f"skipped: {sheet}:2: prompt already in the bank as 'open-one'\n"
    assert small_bank.read_bytes() == before

    done = run([*args, "--topic", "more"], script_env)
    assert done.returncode == 0, done.stderr
    assert done.stdout == f"added 2 questions to {small_bank}; skipped 1 already in the bank\n"
    assert small_bank.read_bytes().startswith(before)
    added = {q.id: q for q in load_bank([small_bank]).questions}
    drift = added["what-is-model-drift"]
    assert (drift.topic, drift.type, drift.answer) == (
        "more",
        "open",
        "The data the model sees changes.",
    )
    assert drift.tags == ("drift", "monitoring")
    assert added["why-pin-versions"].tags == ()


def test_anki_notes_in_plain_text(script_env, small_bank: Path, tmp_path: Path):
    """The layout of Anki's File > Export > Notes in Plain Text, with HTML and a deck column."""
    sheet = tmp_path / "notes.txt"
    sheet.write_text(
        "#separator:tab\n#html:true\n#notetype column:1\n#deck column:2\n#tags column:5\n"
        "Basic\tPhone::Basics\tWhat is a <b>model registry</b>?\tA store of models"
        "<br>and their versions &amp; stages.\tregistry\n"
        "Cloze\tPhone::More\tSM-2 was published in {{c1::1987}} by {{c2::Wozniak::who?}}."
        "\t\tsm2 history\n",
        encoding="utf-8",
    )
    result = run(
        ["import", str(sheet), "--into", str(small_bank), "--bank", str(small_bank)], script_env
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout == f"added 2 questions to {small_bank}\n"
    by_id = {q.id: q for q in load_bank([small_bank]).questions}
    basic = by_id["what-is-a-model-registry"]
    assert (basic.topic, basic.type, basic.prompt) == (
        "basics",
        "open",
        "What is a model registry?",
    )
    assert basic.answer == "A store of models\nand their versions & stages."
    assert basic.tags == ("registry",)
    cloze = by_id["sm-2-was-published-in-1987-by-wozniak"]
    assert (cloze.topic, cloze.type) == ("more", "cloze")
    assert cloze.gaps == (("1987",), ("Wozniak",))
    assert cloze.tags == ("sm2", "history")


# ---------------------------------------------------------------- the Markdown sheet


def test_markdown_sheet_groups_every_question_by_topic(
    script_env, small_bank: Path, tmp_path: Path
):
    text = small_bank.read_text()
    small_bank.write_text(
        text
        + "  - id: markup\n    topic: basics\n    type: open\n"
        + "    prompt: Is <b> a *tag* or [bold]?\n    answer: 'Literal: a_b & <i>'\n"
    )
    sheet = tmp_path / "sheet.md"
    result = run(["export", str(sheet), "--bank", str(small_bank)], script_env)
    assert result.returncode == 0, result.stderr
    lines = sheet.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "# MLOps study sheet"
    headings = [n for n, line in enumerate(lines) if line.startswith("## ")]
    assert [lines[n] for n in headings] == ["## Basics", "## More"]
    basics, more = lines[headings[0] : headings[1]], lines[headings[1] :]
    firsts = [line for line in lines if line.startswith("**")]
    assert firsts == [
        "**1.** What is MLOps? `open-one`",
        "**2.** Which are SM-2 grades that pass? (choose all that apply) `mcq-one`",
        "**3.** Is \\<b\\> a \\*tag\\* or \\[bold\\]? `markup`",
        "**4.** The E-Factor starts at \\[1\\]\\_\\_\\_\\_ and never falls below "
        "\\[2\\]\\_\\_\\_\\_. `cloze-one`",
        "**5.** Name the four stages of an ML project. `open-two`",
    ]
    assert "**1.** What is MLOps? `open-one`" in basics
    assert "Practices to build and run ML systems reliably." in basics
    assert "- c) 5" in basics and "*Answer:* a) 3, c) 5" in basics
    assert "Literal: a\\_b & \\<i\\>" in basics
    assert "**5.** Name the four stages of an ML project. `open-two`" in more
    assert "*Answer:* \\[1\\] 2.5 / 2,5; \\[2\\] 1.3" in more
    assert "- deploy" in more


# ---------------------------------------------------------------- progress


def study_day_one(env: dict[str, str], bank: Path, db: str) -> None:
    """open-one graded 5, mcq-one answered wrong (suggested grade 1 accepted), then quit."""
    result = run(
        ["study", "--bank", str(bank), "--db", db], env, "I know\n5\nb\n\nq\n", MLOPS_QUIZ_NOW=DAY_1
    )
    assert result.returncode == 0, result.stderr


def study_day_two(env: dict[str, str], bank: Path, db: str) -> None:
    """open-one graded 5, mcq-one right and graded 4; no new items."""
    result = run(
        ["study", "--bank", str(bank), "--db", db, "--new", "2"],
        env,
        "x\n5\na,c\n4\n",
        MLOPS_QUIZ_NOW=DAY_2,
    )
    assert result.returncode == 0, result.stderr


def stats(env: dict[str, str], bank: Path, db: str, profile: str = "default") -> dict:
    result = run(
        ["stats", "--json", "--bank", str(bank), "--db", db, "--profile", profile],
        env,
        MLOPS_QUIZ_NOW=DAY_2,
    )
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    del data["profile"]
    return data


def test_progress_round_trip_into_a_fresh_database(script_env, small_bank: Path, tmp_path: Path):
    home = f"sqlite:///{tmp_path / 'home.db'}"
    study_day_one(script_env, small_bank, home)
    study_day_two(script_env, small_bank, home)
    progress = tmp_path / "progress.jsonl"
    out = run(["export", "--progress", str(progress), "--db", home], script_env)
    assert out.returncode == 0, out.stderr
    assert out.stdout == f"exported 4 answers of profile 'default' to {progress}\n"
    lines = [json.loads(line) for line in progress.read_text().splitlines()]
    assert lines[0] == {
        "format": "mlops-quiz progress",
        "version": 1,
        "profile": "default",
        "answers": 4,
    }
    assert [(a["question"], a["grade"], a["kind"]) for a in lines[1:]] == [
        ("open-one", 5, "review"),
        ("mcq-one", 1, "review"),
        ("open-one", 5, "review"),
        ("mcq-one", 4, "review"),
    ]
    assert len({a["id"] for a in lines[1:]}) == 4

    laptop = f"sqlite:///{tmp_path / 'laptop.db'}"
    args = ["import", "--progress", str(progress), "--db", laptop, "--profile", "me"]
    first = run(args, script_env)
    assert first.returncode == 0, first.stderr
    assert first.stdout == (
        f"imported {progress} into profile 'me': 4 answers added, 0 skipped (already there)\n"
    )
    assert stats(script_env, small_bank, laptop, "me") == stats(script_env, small_bank, home)
    second = run(args, script_env)
    assert second.stdout == (
        f"imported {progress} into profile 'me': 0 answers added, 4 skipped (already there)\n"
    )
    assert stats(script_env, small_bank, laptop, "me") == stats(script_env, small_bank, home)


def list_rows(env: dict[str, str], bank: Path, db: str) -> dict[str, tuple]:
    result = run(["list", "--json", "--bank", str(bank), "--db", db], env, MLOPS_QUIZ_NOW=DAY_2)
    assert result.returncode == 0, result.stderr
    return {
        r["id"]: (r["repetitions"], r["interval"], r["ef"], r["due"])
        for r in json.loads(result.stdout)
    }


def test_merging_two_histories_recomputes_the_cards(script_env, small_bank: Path, tmp_path: Path):
    """Day 1 on one machine, day 2 on another that had not seen day 1: merged, the cards are
    what SM-2 gives for the four answers in time order."""
    one, two = f"sqlite:///{tmp_path / 'one.db'}", f"sqlite:///{tmp_path / 'two.db'}"
    study_day_one(script_env, small_bank, one)
    study_day_two(script_env, small_bank, two)
    assert list_rows(script_env, small_bank, two)["open-one"] == (1, 1, 2.6, "2026-11-28")
    progress = tmp_path / "two.jsonl"
    assert run(["export", "--progress", str(progress), "--db", two], script_env).returncode == 0
    merged = run(["import", "--progress", str(progress), "--db", one], script_env)
    assert merged.returncode == 0, merged.stderr
    assert "2 answers added, 0 skipped" in merged.stdout
    rows = list_rows(script_env, small_bank, one)
    # open-one: 5 then 5 -> second repetition, 6 days, EF 2.5 + 0.1 + 0.1.
    assert rows["open-one"] == (2, 6, 2.7, "2026-12-03")
    # mcq-one: 1 (a lapse back to 1 day, EF kept) then 4 -> first repetition again, 1 day.
    assert rows["mcq-one"] == (1, 1, 2.5, "2026-11-28")
    data = stats(script_env, small_bank, one)
    assert data["retention"]["reviews"] == 4 and data["retention"]["passed"] == 3
    log = tmp_path / "log.csv"
    assert run(["export", "--reviews", str(log), "--db", one], script_env).returncode == 0
    with log.open(encoding="utf-8-sig", newline="") as handle:
        rows_out = list(csv.DictReader(handle))
    assert [(r["question"], r["interval_before"], r["interval_after"]) for r in rows_out] == [
        ("open-one", "0", "1"),
        ("mcq-one", "0", "1"),
        ("open-one", "1", "6"),
        ("mcq-one", "1", "1"),
    ]


def test_review_log_columns(script_env, small_bank: Path, tmp_path: Path):
    db = f"sqlite:///{tmp_path / 'p.db'}"
    study_day_one(script_env, small_bank, db)
    log = tmp_path / "log.csv"
    out = run(["export", "--reviews", str(log), "--db", db], script_env)
    assert out.returncode == 0, out.stderr
    with log.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == [
        "reviewed_at",
        "day",
        "question",
        "kind",
        "grade",
        "answer",
        "duration_ms",
        "interval_before",
        "interval_after",
        "ef_before",
        "ef_after",
        "due_before",
        "due_after",
    ]
    first = rows[1]
    assert first[:6] == [DAY_1, "2026-11-26", "open-one", "review", "5", "I know"]
    assert first[7:] == ["0", "1", "2.50", "2.60", "", "2026-11-27"]
    assert [r[2:5] for r in rows[2:]] == [["mcq-one", "review", "1"]]


def test_bad_progress_file_is_reported_by_line(script_env, tmp_path: Path):
    progress = tmp_path / "p.jsonl"
    progress.write_text(
        '{"format": "mlops-quiz progress", "version": 1}\n'
        '{"question": "q", "reviewed_at": "2026-11-26T09:00:00+00:00", "day": "2026-11-26",'
        ' "grade": 9, "kind": "review", "before": {}, "after": {}}\n'
        "not json\n"
    )
    db = tmp_path / "p.db"
    result = run(["import", "--progress", str(progress), "--db", f"sqlite:///{db}"], script_env)
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        f"error: {progress}:2: grade must be from 0 to 5, not 9",
        f"error: {progress}:3: not JSON: Expecting value",
    ]
    assert not db.exists()
    other = tmp_path / "other.jsonl"
    other.write_text('{"hello": 1}\n')
    refused = run(["import", "--progress", str(other), "--db", f"sqlite:///{db}"], script_env)
    assert refused.returncode == 2 and "not an mlops-quiz progress file" in refused.stderr


def test_export_refuses_unknown_suffix_and_existing_files(script_env, tmp_path: Path):
    unknown = run(["export", str(tmp_path / "deck.pdf")], script_env)
    assert unknown.returncode == 2
    assert "cannot tell the format" in unknown.stderr and "Traceback" not in unknown.stderr
    sheet = tmp_path / "bank.md"
    sheet.write_text("mine\n")
    refused = run(["export", str(sheet)], script_env)
    assert refused.returncode == 2 and sheet.read_text() == "mine\n"
    forced = run(["export", str(sheet), "--force", "--topic", "data-centric-ai"], script_env)
    assert forced.returncode == 0, forced.stderr
    assert "## Data-centric AI" in sheet.read_text() and "## Components" not in sheet.read_text()
    tagged = run(["export", str(tmp_path / "req.csv"), "--tag", "required"], script_env)
    assert tagged.returncode == 0, tagged.stderr
    with (tmp_path / "req.csv").open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert rows and all("required" in r["tags"].split(", ") for r in rows)
