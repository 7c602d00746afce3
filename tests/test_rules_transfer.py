"""Rules of the transfer formats, in-process (so mutation testing sees them): the CSV
neutralisation from OWASP's list for CSV injection, the suffixes, a progress line and each of its
refusals, the CSV layout of the README's "Export and import", the Markdown sheet's escaping and
the Anki fields' escaping. Expected values are written out from those texts, never computed by
the code under test."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import replace
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any

import pytest

from mlops_quiz.bank import Bank, Question, Topic
from mlops_quiz.errors import BadInputError
from mlops_quiz.scheduling import CardState
from mlops_quiz.store import ReviewRecord
from mlops_quiz.transfer import (
    anki,
    csv_cell,
    csv_text,
    expect_suffix,
    markdown,
    progress,
    question_format,
    read_import,
    select,
    spreadsheet,
)

NOW = datetime(2026, 3, 10, 12, 0, tzinfo=timezone.utc)

# ---------------------------------------------------------------- CSV neutralisation (OWASP)


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_a_cell_beginning_like_a_formula_gets_one_leading_quote(start: str):
    assert csv_cell(f"{start}1+1") == f"'{start}1+1"
    assert csv_text(f"'{start}1+1") == f"{start}1+1"


@pytest.mark.parametrize("text", ["plain", "1+1", "a=b", " =1", "", "'quoted'", "#x", "%x"])
def test_other_cells_are_written_and_read_as_they_are(text: str):
    assert csv_cell(text) == text
    assert csv_text(text) == text


def test_quotes_already_before_a_formula_get_one_more_and_lose_exactly_that_one():
    assert csv_cell("'=1") == "''=1"
    assert csv_cell("''-2") == "'''-2"
    assert csv_text("''=1") == "'=1"
    assert csv_text("'''-2") == "''-2"


def test_numbers_are_not_text_and_stay_as_they_are():
    assert csv_cell(-3) == -3
    assert csv_cell(None) is None


def test_a_quote_before_ordinary_text_is_kept_on_reading():
    assert csv_text("'hello") == "'hello"
    assert csv_text("'") == "'"


# ---------------------------------------------------------------- formats and suffixes


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("deck.apkg", "apkg"),
        ("bank.csv", "csv"),
        ("sheet.md", "md"),
        ("sheet.markdown", "md"),
        ("DECK.APKG", "apkg"),
        ("Sheet.MD", "md"),
    ],
)
def test_the_export_format_comes_from_the_suffix(name: str, expected: str):
    assert question_format(Path(name), None) == expected


@pytest.mark.parametrize("explicit", ["apkg", "csv", "md"])
def test_format_overrides_the_suffix(explicit: str):
    assert question_format(Path("out.txt"), explicit) == explicit


def test_an_unknown_format_or_suffix_is_one_line():
    with pytest.raises(BadInputError) as err:
        question_format(Path("x.csv"), "xlsx")
    assert str(err.value) == "unknown format 'xlsx'; use apkg, csv or md"
    with pytest.raises(BadInputError) as err:
        question_format(Path("out.txt"), None)
    assert str(err.value) == (
        "cannot tell the format of out.txt from its suffix; "
        "use .apkg, .csv or .md, or give --format"
    )


def test_a_file_of_the_wrong_suffix_is_refused_by_name():
    expect_suffix(Path("me.JSONL"), (".jsonl",), "a progress file")
    expect_suffix(Path("new.txt"), (".csv", ".txt"), "a sheet")
    with pytest.raises(BadInputError) as err:
        expect_suffix(Path("me.json"), (".csv", ".txt"), "a sheet")
    assert str(err.value) == "me.json: a sheet is a .csv or .txt file, not 'me.json'"


def test_select_keeps_questions_carrying_any_tag():
    a = Question("a", "t", "open", "A", tags=("x",))
    b = Question("b", "t", "open", "B", tags=("y", "z"))
    c = Question("c", "t", "open", "C")
    assert select([a, b, c], None) == [a, b, c]
    assert select([a, b, c], []) == [a, b, c]
    assert select([a, b, c], ["z", "x"]) == [a, b]
    assert select([a, b, c], ["w"]) == []


def test_read_import_reads_up_to_the_limit_and_refuses_more(tmp_path: Path):
    path = tmp_path / "f.csv"
    path.write_bytes(b"x" * 10)
    assert read_import(path, 10) == b"x" * 10
    with pytest.raises(BadInputError) as err:
        read_import(path, 9)
    assert str(err.value) == f"{path}: the file is 0.0 MB; a file to import may hold at most 0 MB"
    with pytest.raises(BadInputError) as err:
        read_import(tmp_path, 10)
    assert str(err.value) == f"{tmp_path}: is a folder, not a file"
    with pytest.raises(BadInputError) as err:
        read_import(tmp_path / "none.csv", 10)
    assert str(err.value) == f"{tmp_path / 'none.csv'}: no such file"


# ---------------------------------------------------------------- a progress line

STATE_BEFORE = {"repetitions": 0, "interval": 0, "ef100": 250, "due": None, "lapses": 0}
STATE_AFTER = {"repetitions": 1, "interval": 1, "ef100": 250, "due": "2026-03-02", "lapses": 0}


def line(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": "abc",
        "question": "what-is-drift",
        "reviewed_at": "2026-03-01T09:30:00+00:00",
        "day": "2026-03-01",
        "grade": 4,
        "kind": "review",
        "answer": "the data moves",
        "duration_ms": 5200,
        "before": STATE_BEFORE,
        "after": STATE_AFTER,
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not ...}


HEADER = {"format": "mlops-quiz progress", "version": 1, "profile": "me", "answers": 1}


def progress_file(tmp_path: Path, *lines: Any, header: Any = HEADER) -> Path:
    path = tmp_path / "me.jsonl"
    texts = [json.dumps(header)] + [x if isinstance(x, str) else json.dumps(x) for x in lines]
    path.write_text("\n".join(texts) + "\n", encoding="utf-8")
    return path


def test_a_good_line_is_one_answer(tmp_path: Path):
    path = progress_file(tmp_path, line(key_points_made="1,3/5"))
    [record] = progress.read_history(path, NOW)
    assert record == ReviewRecord(
        question_id="what-is-drift",
        reviewed_at=datetime(2026, 3, 1, 9, 30, tzinfo=timezone.utc),
        day=date(2026, 3, 1),
        grade=4,
        answer="the data moves",
        duration_ms=5200,
        kind="review",
        before=CardState(0, 0, 250, None, 0),
        after=CardState(1, 1, 250, date(2026, 3, 2), 0),
        key_points_made="1,3/5",
    )


def test_answer_duration_and_points_may_be_left_out(tmp_path: Path):
    path = progress_file(tmp_path, line(answer=..., duration_ms=...), "", "   ")
    [record] = progress.read_history(path, NOW)
    assert (record.answer, record.duration_ms, record.key_points_made) == ("", 0, None)


@pytest.mark.parametrize("kind", ["review", "repeat", "cram"])
def test_the_three_kinds_are_read(tmp_path: Path, kind: str):
    [record] = progress.read_history(progress_file(tmp_path, line(kind=kind)), NOW)
    assert record.kind == kind


def test_the_day_may_be_a_day_either_side_of_the_utc_date(tmp_path: Path):
    path = progress_file(
        tmp_path,
        line(reviewed_at="2026-03-01T01:00:00+05:00", day="2026-02-28"),
        line(day="2026-03-02"),
        line(day="2026-02-28"),
    )
    assert [r.day for r in progress.read_history(path, NOW)] == [
        date(2026, 2, 28),
        date(2026, 3, 2),
        date(2026, 2, 28),
    ]


def test_an_answer_ten_minutes_ahead_of_now_is_read():
    assert progress._moment("2026-03-10T12:10:00+00:00", NOW) == datetime(
        2026, 3, 10, 12, 10, tzinfo=timezone.utc
    )
    assert progress._moment("1970-01-01T00:00:00+00:00", NOW) == datetime(
        1970, 1, 1, tzinfo=timezone.utc
    )


def refusal(tmp_path: Path, data: Any) -> str:
    path = progress_file(tmp_path, data)
    with pytest.raises(BadInputError) as err:
        progress.read_history(path, NOW)
    prefix = f"{path}:2: "
    assert str(err.value).startswith(prefix), str(err.value)
    return str(err.value).removeprefix(prefix)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        (
            {"reviewed_at": "2026-03-10T12:10:01+00:00", "day": "2026-03-10"},
            "reviewed_at is in the future: '2026-03-10T12:10:01+00:00'",
        ),
        (
            {"reviewed_at": "1969-12-31T23:59:59+00:00", "day": "1970-01-01"},
            "reviewed_at is before 1970: '1969-12-31T23:59:59+00:00'",
        ),
        (
            {"day": "2026-03-03"},
            "day 2026-03-03 does not match reviewed_at 2026-03-01T09:30:00+00:00",
        ),
        (
            {"day": "2026-02-27"},
            "day 2026-02-27 does not match reviewed_at 2026-03-01T09:30:00+00:00",
        ),
        ({"reviewed_at": "2026-03-01T09:30:00"}, "reviewed_at needs its time zone (e.g. +00:00)"),
        ({"reviewed_at": "yesterday"}, "reviewed_at is not an ISO 8601 time: 'yesterday'"),
        ({"reviewed_at": 5}, "reviewed_at must be text"),
        ({"day": "1.3.2026"}, "day is not a date (YYYY-MM-DD): '1.3.2026'"),
        ({"kind": "quiz"}, "kind must be one of review, repeat, cram, not 'quiz'"),
        ({"kind": 3}, "kind must be text"),
        (
            {"reviewed_at": "0001-01-01T00:00:00+01:00"},
            "reviewed_at is out of range: '0001-01-01T00:00:00+01:00'",
        ),
        ({"grade": 6}, "grade must be from 0 to 5, not 6"),
        ({"grade": -1}, "grade must be from 0 to 5, not -1"),
        ({"grade": True}, "grade must be a whole number"),
        ({"grade": 4.0}, "grade must be a whole number"),
        ({"duration_ms": 2**31}, "duration_ms must be from 0 to 2147483647, not 2147483648"),
        ({"duration_ms": -1}, "duration_ms must be from 0 to 2147483647, not -1"),
        ({"question": ""}, "question must have 1 to 80 characters"),
        ({"question": "q" * 81}, "question must have 1 to 80 characters"),
        ({"question": "bad\ud800"}, "question is not valid Unicode (it holds a lone surrogate)"),
        ({"answer": "x\udfff"}, "answer is not valid Unicode (it holds a lone surrogate)"),
        ({"answer": "a" * 10_001}, "answer has 10,001 characters; at most 10,000 are kept"),
        ({"key_points_made": "1,3"}, "key_points_made must be like \"1,3/5\", not '1,3'"),
        ({"key_points_made": 3}, 'key_points_made must be like "1,3/5", not 3'),
        (
            {"before": [1]},
            "before must be an object with repetitions, interval, ef100, due, lapses",
        ),
        (
            {"after": {**STATE_AFTER, "interval": 2**31}},
            "after.interval must be from 0 to 2147483647, not 2147483648",
        ),
        (
            {"after": {**STATE_AFTER, "lapses": -1}},
            "after.lapses must be from 0 to 2147483647, not -1",
        ),
        ({"after": {**STATE_AFTER, "ef100": "250"}}, "after.ef100 must be a whole number"),
        (
            {"after": {**STATE_AFTER, "repetitions": 2**31}},
            "after.repetitions must be from 0 to 2147483647, not 2147483648",
        ),
        (
            {"after": {**STATE_AFTER, "due": "1969-12-31"}},
            "after.due must be from 1970 to 8999, not 1969-12-31",
        ),
        (
            {"after": {**STATE_AFTER, "due": "9000-01-01"}},
            "after.due must be from 1970 to 8999, not 9000-01-01",
        ),
    ],
)
def test_each_bad_field_is_one_file_line_message(
    tmp_path: Path, changes: dict[str, Any], message: str
):
    assert refusal(tmp_path, line(**changes)) == message


def test_the_largest_numbers_and_the_last_day_are_read(tmp_path: Path):
    big = {**STATE_AFTER, "interval": 2**31 - 1, "due": "8999-12-31"}
    [record] = progress.read_history(
        progress_file(tmp_path, line(duration_ms=2**31 - 1, after=big, grade=0)), NOW
    )
    assert (record.duration_ms, record.after.interval, record.after.due, record.grade) == (
        2**31 - 1,
        2**31 - 1,
        date(8999, 12, 31),
        0,
    )


def test_a_line_that_is_not_an_object_is_refused(tmp_path: Path):
    assert refusal(tmp_path, [1, 2]) == "each line must be a JSON object"


def test_a_huge_number_and_deep_nesting_are_refused_as_json_we_do_not_read(tmp_path: Path):
    huge = json.dumps(line()).replace('"duration_ms": 5200', '"duration_ms": ' + "9" * 5000)
    message = refusal(tmp_path, huge)
    assert message.startswith("not JSON we read: Exceeds the limit (4300 digits)"), message
    assert refusal(tmp_path, "[" * 100_000 + "]" * 100_000) == (
        "not JSON we read: nested too deeply"
    )
    assert refusal(tmp_path, "{oops").startswith("not JSON: ")


def test_every_bad_line_is_reported_with_its_number(tmp_path: Path):
    path = progress_file(tmp_path, line(grade=9), line(), line(kind="x"))
    with pytest.raises(BadInputError) as err:
        progress.read_history(path, NOW)
    assert str(err.value) == (
        f"{path}:2: grade must be from 0 to 5, not 9\n"
        f"{path}:4: kind must be one of review, repeat, cram, not 'x'"
    )


def test_at_most_fifty_problems_are_listed(tmp_path: Path):
    path = progress_file(tmp_path, *[line(grade=9)] * 60)
    with pytest.raises(BadInputError) as err:
        progress.read_history(path, NOW)
    assert len(str(err.value).splitlines()) == 50


def test_the_header_says_what_the_file_is(tmp_path: Path):
    with pytest.raises(BadInputError) as err:
        progress.read_history(progress_file(tmp_path, line(), header={"format": "x"}), NOW)
    assert str(err.value) == (
        f"{tmp_path / 'me.jsonl'}:1: not an mlops-quiz progress file "
        "(write one with 'mlops-quiz export --progress FILE.jsonl')"
    )
    with pytest.raises(BadInputError) as err:
        progress.read_history(progress_file(tmp_path, line(), header={**HEADER, "version": 2}), NOW)
    assert str(err.value) == (
        f"{tmp_path / 'me.jsonl'}:1: progress format version 2 is not supported "
        "(this version reads 1); upgrade mlops-quiz"
    )


def test_an_empty_file_and_bad_utf8_are_one_line(tmp_path: Path):
    path = tmp_path / "me.jsonl"
    path.write_bytes(b"")
    with pytest.raises(BadInputError) as err:
        progress.read_history(path, NOW)
    assert str(err.value) == f"{path}: the file is empty"
    path.write_bytes(json.dumps(HEADER).encode() + b"\n{}\n\xff\n")
    with pytest.raises(BadInputError) as err:
        progress.read_history(path, NOW)
    assert str(err.value) == f"{path}:3: not valid UTF-8"


def test_the_progress_file_is_a_header_then_one_answer_a_line():
    record = ReviewRecord(
        question_id="q1",
        reviewed_at=datetime(2026, 3, 1, 9, 30, tzinfo=timezone.utc),
        day=date(2026, 3, 1),
        grade=3,
        answer="é",
        duration_ms=1000,
        kind="repeat",
        before=CardState(0, 0, 250, None, 0),
        after=CardState(1, 1, 236, date(2026, 3, 2), 2),
        key_points_made="2/3",
    )
    out = io.BytesIO()
    progress.write_history("me", [record, replace(record, key_points_made=None, grade=4)], out)
    lines = out.getvalue().decode("utf-8").splitlines()
    assert json.loads(lines[0]) == {
        "format": "mlops-quiz progress",
        "version": 1,
        "profile": "me",
        "answers": 2,
    }
    assert '"answer": "é"' in lines[1]  # written as UTF-8, not \u escapes
    first = json.loads(lines[1])
    assert first.pop("id")
    assert first == {
        "question": "q1",
        "reviewed_at": "2026-03-01T09:30:00+00:00",
        "day": "2026-03-01",
        "grade": 3,
        "kind": "repeat",
        "answer": "é",
        "duration_ms": 1000,
        "before": {"repetitions": 0, "interval": 0, "ef100": 250, "due": None, "lapses": 0},
        "after": {"repetitions": 1, "interval": 1, "ef100": 236, "due": "2026-03-02", "lapses": 2},
        "key_points_made": "2/3",
    }
    assert "key_points_made" not in json.loads(lines[2])
    assert len(lines) == 3


def test_the_review_log_has_the_readmes_columns_and_neutralised_cells():
    record = ReviewRecord(
        question_id="q1",
        reviewed_at=datetime(2026, 3, 1, 9, 30, tzinfo=timezone.utc),
        day=date(2026, 3, 1),
        grade=5,
        answer="=SUM(A1)",
        duration_ms=800,
        kind="review",
        before=CardState(0, 0, 250, None, 0),
        after=CardState(1, 1, 260, date(2026, 3, 2), 0),
    )
    again = replace(
        record,
        answer="fine",
        before=CardState(1, 1, 260, date(2026, 3, 2), 0),
        after=CardState(2, 6, 270, date(2026, 3, 8), 0),
    )
    out = io.BytesIO()
    progress.write_review_log([record, again], out)
    data = out.getvalue()
    assert data.startswith(b"\xef\xbb\xbf")
    assert list(csv.reader(io.StringIO(data.decode("utf-8-sig")))) == [
        [
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
        ],
        [
            "2026-03-01T09:30:00+00:00",
            "2026-03-01",
            "q1",
            "review",
            "5",
            "'=SUM(A1)",
            "800",
            "0",
            "1",
            "2.50",
            "2.60",
            "",
            "2026-03-02",
        ],
        [
            "2026-03-01T09:30:00+00:00",
            "2026-03-01",
            "q1",
            "review",
            "5",
            "fine",
            "800",
            "1",
            "6",
            "2.60",
            "2.70",
            "2026-03-02",
            "2026-03-08",
        ],
    ]


# ---------------------------------------------------------------- the CSV layout

CSV_HEADER = "id,topic,type,prompt,answer,key_points,choices,correct,tags,shuffle"


def test_the_csv_export_is_the_readmes_ten_columns():
    mcq = Question(
        "pick",
        "ops",
        "mcq",
        "Which?",
        answer="-because",
        choices=("one", "@two", "three"),
        correct=(0, 2),
        tags=("x", "y"),
        shuffle=False,
    )
    open_item = Question(
        "why",
        "ops",
        "open",
        "+Why?",
        answer="So.",
        key_points=("first", "second"),
        key_point_alternatives=(("1st", "one"),),
    )
    out = io.BytesIO()
    spreadsheet.write([mcq, open_item], out)
    data = out.getvalue()
    assert data.startswith(b"\xef\xbb\xbf")
    assert list(csv.reader(io.StringIO(data.decode("utf-8-sig")))) == [
        CSV_HEADER.split(","),
        [
            "pick",
            "ops",
            "mcq",
            "Which?",
            "'-because",
            "",
            "one\n@two\nthree",
            "a, c",
            "x, y",
            "false",
        ],
        ["why", "ops", "open", "'+Why?", "So.", "first | 1st | one\nsecond", "", "", "", ""],
    ]


def sheet(tmp_path: Path, text: str, name: str = "new.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_our_layout_is_read_by_its_header_in_any_order(tmp_path: Path):
    path = sheet(
        tmp_path,
        'tags,prompt,Key Points,id,correct\nx,\'=1+1?,"a | b\nc",q1,\n\n,,,,\ny z,Second,,,\n',
    )
    assert [(r.number, r.cells) for r in spreadsheet.rows(path)] == [
        (2, {"tags": "x", "prompt": "=1+1?", "key_points": "a | b\nc", "id": "q1", "correct": ""}),
        (5, {"tags": "y z", "prompt": "Second", "key_points": "", "id": "", "correct": ""}),
    ]


def test_a_sheet_without_our_header_is_question_answer_tags(tmp_path: Path):
    path = sheet(tmp_path, "What is MLOps?;Ops for ML;intro\nWhy?;Because\n")
    assert [(r.number, r.cells) for r in spreadsheet.rows(path)] == [
        (1, {"prompt": "What is MLOps?", "answer": "Ops for ML", "tags": "intro"}),
        (2, {"prompt": "Why?", "answer": "Because"}),
    ]


def test_a_row_of_too_many_columns_is_a_problem(tmp_path: Path):
    path = sheet(tmp_path, "Q\tA\tt\textra\nQ2\tA2\tt\t\n")
    found = spreadsheet.rows(path)
    assert [(r.number, r.cells) for r in found] == [
        (1, {"": "4 columns; expected 3"}),
        (2, {"prompt": "Q2", "answer": "A2", "tags": "t"}),
    ]


def test_header_aliases():
    assert spreadsheet._column_name(" Question ") == "prompt"
    assert spreadsheet._column_name("Front") == "prompt"
    assert spreadsheet._column_name("text") == "prompt"
    assert spreadsheet._column_name("Back") == "answer"
    assert spreadsheet._column_name("keypoints") == "key_points"
    assert spreadsheet._column_name("Key Points") == "key_points"
    assert spreadsheet._column_name("Some Thing") == "some_thing"


BANK = Bank(topics={"ops": Topic("ops", "Operations"), "data": Topic("data", "Data Work")})


def test_a_row_becomes_an_item_with_its_type_from_the_readme():
    def item(**cells: str) -> dict[str, Any]:
        return spreadsheet._item(spreadsheet.Row(2, cells), BANK, "ops")

    assert item(prompt=" Why? ", answer="So", tags="a, b;c  d") == {
        "topic": "ops",
        "prompt": "Why?",
        "answer": "So",
        "type": "open",
        "tags": ["a", "b", "c", "d"],
    }
    assert item(prompt="Pick", choices="one\n\n two \nthree", correct="B", shuffle="No") == {
        "topic": "ops",
        "prompt": "Pick",
        "choices": ["one", "two", "three"],
        "correct": "b",
        "shuffle": False,
        "type": "mcq",
    }
    assert item(prompt="Pick", choices="one\ntwo", correct="a, B", shuffle="true")["correct"] == [
        "a",
        "b",
    ]
    assert "shuffle" not in item(prompt="Pick", choices="one\ntwo", shuffle="true")
    assert item(prompt="Pick", choices="one\ntwo", shuffle="FALSE")["shuffle"] is False
    assert item(prompt="The {{cat}} sat")["type"] == "cloze"
    assert item(id="q9", topic="data", type="open", prompt="P", answer="  ") == {
        "id": "q9",
        "topic": "data",
        "type": "open",
        "prompt": "P",
    }
    assert item(prompt="P", key_points="first | 1st |  one \n\nsecond")["key_points"] == [
        {"point": "first", "accept": ["1st", "one"]},
        "second",
    ]
    assert "topic" not in spreadsheet._item(spreadsheet.Row(2, {"prompt": "P"}), BANK, None)


def test_a_deck_named_like_a_topic_gives_the_topic_and_its_tag_is_dropped():
    row = spreadsheet.Row(3, {"prompt": "P", "tags": "data extra"}, deck="MLOps::Data Work")
    assert spreadsheet._item(row, BANK, None) == {
        "topic": "data",
        "prompt": "P",
        "type": "open",
        "tags": ["extra"],
    }
    assert spreadsheet._deck_topic("MLOps::ops", BANK) == "ops"
    assert spreadsheet._deck_topic("MLOps:: data work ", BANK) == "data"
    assert spreadsheet._deck_topic("MLOps::Other", BANK) is None
    assert spreadsheet._deck_topic("", BANK) is None


def test_topic_problems():
    assert spreadsheet._topic_problem({}, BANK, "") == (
        "no topic: add a topic column or give --topic"
    )
    assert spreadsheet._topic_problem({}, BANK, "MLOps::X") == (
        "no topic (no topic is called like the deck 'MLOps::X'): add a topic column or give --topic"
    )
    assert spreadsheet._topic_problem({"topic": "zzz"}, BANK, "") == (
        "unknown topic 'zzz' (known: data, ops)"
    )
    assert spreadsheet._topic_problem({"topic": "zzz"}, Bank(), "") == (
        "unknown topic 'zzz' (known: none defined)"
    )
    assert spreadsheet._topic_problem({"topic": "ops"}, BANK, "") is None


def test_plan_makes_ids_from_prompts_and_skips_what_the_bank_has(tmp_path: Path):
    bank = Bank(
        topics=BANK.topics,
        questions=[
            Question("old", "ops", "open", "What is  OLD?", answer="x", file="b.yaml", line=4)
        ],
    )
    path = sheet(
        tmp_path,
        "id,topic,prompt,answer\n"
        ",ops,What is drift?,Change\n"
        ",ops,what is old?,dup\n"
        "old,ops,Other,y\n"
        ",nope,Q,A\n"
        ",ops,What is drift again,Change\n"
        ",ops,What is drift?,twice\n",
    )
    result = spreadsheet.plan(path, bank, None)
    assert result.items == [
        (
            2,
            {
                "id": "what-is-drift",
                "topic": "ops",
                "prompt": "What is drift?",
                "answer": "Change",
                "type": "open",
            },
        ),
        (
            6,
            {
                "id": "what-is-drift-again",
                "topic": "ops",
                "prompt": "What is drift again",
                "answer": "Change",
                "type": "open",
            },
        ),
    ]
    assert result.skipped == [
        f"{path}:3: prompt already in the bank as 'old'",
        f"{path}:7: prompt already in the bank as 'what-is-drift'",
    ]
    assert result.problems == [
        f"{path}:4: question id 'old' is already used (at b.yaml:4)",
        f"{path}:5: unknown topic 'nope' (known: data, ops)",
    ]


def test_an_anki_plain_text_export_is_read(tmp_path: Path):
    path = sheet(
        tmp_path,
        "#separator:tab\n#html:true\n#guid column:1\n#deck column:2\n#tags column:5\n"
        "g1\tMLOps::Data Work\tThe {{c1::cat::animal}} <b>sat</b>\ton a&amp;b<br>mat\tt1 data\n"
        "\t\t\t\t\n"
        "g2\tDefault\tFront only\n",
        "notes.txt",
    )
    found = spreadsheet.rows(path)
    assert [(r.number, r.cells, r.guid, r.deck) for r in found] == [
        (
            6,
            {
                "prompt": "The {{cat}} sat",
                "answer": "on a&b\nmat",
                "tags": "t1 data",
                "type": "cloze",
            },
            "g1",
            "MLOps::Data Work",
        ),
        (8, {"prompt": "Front only", "answer": "", "tags": ""}, "g2", "Default"),
    ]


def test_html_fields_keep_line_breaks_and_decode_entities():
    assert spreadsheet._from_html("<div>a</div><p>b</p><li>c</li>x<BR/>y<br>z &lt;3 ") == (
        "a\nb\nc\nx\ny\nz <3"
    )


# ---------------------------------------------------------------- Markdown


def test_markdown_escapes_its_inline_markup():
    assert markdown.escape(r"a*b_c`d[e]f<g>h#i|j\k") == r"a\*b\_c\`d\[e\]f\<g\>h\#i\|j\\k"
    assert markdown.escape("plain (text) - ok.") == "plain (text) - ok."


def test_the_study_sheet_shows_each_type_with_its_answer():
    mcq = Question(
        "m", "ops", "mcq", "Pick *one*", answer="Why so", choices=("a_1", "b"), correct=(1,)
    )
    cloze = Question("c", "data", "cloze", "The {{cat|kitten}} sat", gaps=(("cat", "kitten"),))
    open_item = Question("o", "ops", "open", "Explain\nit ", answer="Because", key_points=("k#1",))
    bank = Bank(
        topics={
            "ops": Topic("ops", "Ops & <Run>", source="http://x/a_b"),
            "data": Topic("data", "Data"),
        }
    )
    out = io.BytesIO()
    markdown.write(bank, [mcq, cloze, open_item], out)
    assert out.getvalue().decode("utf-8") == (
        "# MLOps study sheet\n\n"
        "3 questions in 2 topics, each with its answer.\n\n"
        "## Ops & \\<Run\\>\n\n"
        "*Source:* http://x/a\\_b\n\n"
        "**1.** Pick \\*one\\* `m`\n\n"
        "- a) a\\_1\n- b) b\n\n"
        "*Answer:* b) b\n\n"
        "*Why:*\n\nWhy so\n\n"
        "**2.** Explain\nit `o`\n\n"
        "*Answer:*\n\nBecause\n\n"
        "*Key points:*\n\n- k\\#1\n\n"
        "## Data\n\n"
        "**3.** The \\[1\\]\\_\\_\\_\\_ sat `c`\n\n"
        "*Answer:* \\[1\\] cat / kitten\n"
    )


# ---------------------------------------------------------------- Anki fields


def test_an_anki_field_is_escaped_html_with_brackets_as_entities():
    assert anki.field_html("a < b & c > d [sound:x.mp3]") == (
        "a &lt; b &amp; c &gt; d &#91;sound:x.mp3&#93;"
    )
    assert anki.field_html('say "hi"') == 'say "hi"'
    assert anki.field_html("line one\nwrapped\n\n- item\n- next") == (
        "line one wrapped<br><br>- item<br>- next"
    )


def test_reflow_joins_wrapped_lines_but_keeps_lists_and_blank_lines():
    assert anki.reflow("a\r\nb \n c\n\n1. x\n2) y\n* z\n• w\nmore") == (
        "a b c\n\n1. x\n2) y\n* z\n• w more"
    )


def test_a_cloze_prompt_has_one_numbered_deletion_per_gap():
    assert anki.cloze_html("A {{cat|kitten}} & a {{dog}} [x]") == (
        "A {{c1::cat}} &amp; a {{c2::dog}} &#91;x&#93;"
    )
    assert anki.cloze_html("{{a::b}}") == "{{c1::a:&#58;b}}"


def test_basic_and_cloze_fields():
    mcq = Question(
        "m", "ops", "mcq", "Pick <one>", answer="Why", choices=("x", "y&z"), correct=(0, 1)
    )
    assert anki.basic_fields(mcq) == (
        'Pick &lt;one&gt;<div class="choices">a) x<br>b) y&amp;z</div>',
        "<b>Correct:</b> a) x; b) y&amp;z<br><br>Why",
    )
    open_item = Question("o", "ops", "open", "Q", key_points=("k<1>", "k2"))
    assert anki.basic_fields(open_item) == (
        "Q",
        "<b>Key points:</b><ul><li>k&lt;1&gt;</li><li>k2</li></ul>",
    )
    cloze = Question(
        "c", "ops", "cloze", "A {{b|c}} d {{e}}", answer="Note", gaps=(("b", "c"), ("e",))
    )
    assert anki.cloze_fields(cloze) == (
        "A {{c1::b}} d {{c2::e}}",
        "<b>Accepted:</b><br>1: b / c<br>2: e<br><br>Note",
    )


def test_tags_decks_and_ids():
    q = Question("q", "data-ops", "open", "P", tags=("two words", "x"))
    assert anki.tags(q) == ["two_words", "x", "data-ops"]
    assert anki.deck_name("A::B") == "MLOps::A:B"
    for name in ("MLOps", "ops", "data"):
        assert 2**30 <= anki.deck_id(name) < 2**31
    assert anki.deck_id("ops") == anki.deck_id("ops") != anki.deck_id("data")
    assert anki.guid("q") == anki.guid("q") != anki.guid("r")


def test_a_row_of_too_many_columns_stops_the_plan(tmp_path: Path):
    path = sheet(tmp_path, "Q,A,t,extra\nWhy?,So,\nPick,,\n")
    result = spreadsheet.plan(path, BANK, "ops")
    assert result.items == [
        (2, {"id": "why", "topic": "ops", "prompt": "Why?", "answer": "So", "type": "open"}),
    ]
    assert result.skipped == []
    assert result.problems[0] == f"{path}:1: 4 columns; expected 3"
    # the bank's own check of row 3 (an open item needs an answer), without its "row:N: "
    assert len(result.problems) == 2 and result.problems[1].startswith(f"{path}:3: ")
    assert "row:" not in result.problems[1] and "answer" in result.problems[1]


def test_a_day_that_is_not_text_is_refused(tmp_path: Path):
    assert refusal(tmp_path, line(day=20260301)) == "day must be text"


# ---------------------------------------------------------------- writing files


def test_an_existing_file_or_a_dangling_link_is_replaced_only_with_force(tmp_path: Path):
    from mlops_quiz.transfer import check_target

    target = tmp_path / "out.csv"
    check_target(target, force=False)
    check_target(tmp_path, force=False)  # a folder: write_file says what is wrong
    target.write_text("x")
    check_target(target, force=True)
    with pytest.raises(BadInputError) as err:
        check_target(target, force=False)
    assert str(err.value) == f"{target} exists; use --force to replace it"
    link = tmp_path / "link.csv"
    link.symlink_to(tmp_path / "nowhere.csv")
    with pytest.raises(BadInputError) as err:
        check_target(link, force=False)
    assert str(err.value) == (
        f"{link} is a link to a file that does not exist; use --force to replace it"
    )


def test_a_file_is_written_whole_and_private_when_asked(tmp_path: Path):
    from mlops_quiz.transfer import write_file

    shared, private = tmp_path / "a.csv", tmp_path / "b.jsonl"
    write_file(shared, lambda out: out.write(b"one"))
    write_file(private, lambda out: out.write(b"two"), private=True)
    assert shared.read_bytes() == b"one" and private.read_bytes() == b"two"
    assert (shared.stat().st_mode & 0o777, private.stat().st_mode & 0o777) == (0o644, 0o600)

    def fails(out: Any) -> None:
        out.write(b"half")
        raise OSError("disk full")

    with pytest.raises(OSError):
        write_file(shared, fails)
    assert shared.read_bytes() == b"one"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.csv", "b.jsonl"]
    with pytest.raises(BadInputError) as err:
        write_file(tmp_path / "no" / "x.csv", lambda out: None)
    assert (
        str(err.value)
        == f"cannot write {tmp_path / 'no' / 'x.csv'}: folder {tmp_path / 'no'} does not exist"
    )
    with pytest.raises(BadInputError) as err:
        write_file(tmp_path, lambda out: None)
    assert str(err.value) == f"{tmp_path} is a folder; give the path of the file to write"


# ---------------------------------------------------------------- the .apkg itself


def test_the_deck_file_holds_a_deck_per_topic_and_basic_and_cloze_notes(tmp_path: Path):
    import sqlite3
    import zipfile

    bank = Bank(topics={"ops": Topic("ops", "Operations", source="a < b")})
    questions = [
        Question("o", "ops", "open", "Why?", answer="So", tags=("t 1",)),
        Question("c", "ops", "cloze", "A {{b}}", gaps=(("b",),)),
    ]
    out = io.BytesIO()
    anki.write(bank, questions, out, NOW)
    with zipfile.ZipFile(out) as archive:
        assert sorted(archive.namelist()) == ["collection.anki2", "media"]
        assert archive.read("media") == b"{}"
        (tmp_path / "c.anki2").write_bytes(archive.read("collection.anki2"))
    db = sqlite3.connect(tmp_path / "c.anki2")
    try:
        models_json, decks_json = db.execute("SELECT models, decks FROM col").fetchone()
        notes = db.execute("SELECT guid, mid, tags, flds, mod FROM notes ORDER BY flds").fetchall()
    finally:
        db.close()
    models = {m["name"]: m for m in json.loads(models_json).values()}
    basic, cloze = models["mlops-quiz Basic"], models["mlops-quiz Cloze"]
    assert [f["name"] for f in basic["flds"]] == ["Front", "Back"]
    assert [f["name"] for f in cloze["flds"]] == ["Text", "Back Extra"]
    assert (basic["type"], cloze["type"]) == (0, 1)  # Anki: 0 standard, 1 cloze
    assert "{{Front}}" in basic["tmpls"][0]["qfmt"] and "{{Back}}" in basic["tmpls"][0]["afmt"]
    assert "{{cloze:Text}}" in cloze["tmpls"][0]["qfmt"]
    assert "{{Back Extra}}" in cloze["tmpls"][0]["afmt"]
    decks = {d["name"]: d for d in json.loads(decks_json).values()}
    assert {"MLOps", "MLOps::Operations"} <= set(decks)
    assert decks["MLOps::Operations"]["desc"] == "a &lt; b"
    assert [(n[0], n[1], sorted(n[2].split()), n[3].split("\x1f"), n[4]) for n in notes] == [
        (
            anki.guid("c"),
            int(cloze["id"]),
            ["ops"],
            ["A {{c1::b}}", "<b>Accepted:</b><br>1: b"],
            int(NOW.timestamp()),
        ),
        (anki.guid("o"), int(basic["id"]), ["ops", "t_1"], ["Why?", "So"], int(NOW.timestamp())),
    ]


def test_a_long_history_is_one_json_object_a_line():
    first = datetime(2026, 3, 1, tzinfo=timezone.utc)
    records = [
        ReviewRecord(
            question_id="q",
            reviewed_at=first.replace(minute=n % 60, second=n // 60),
            day=date(2026, 3, 1),
            grade=n % 6,
            answer="",
            duration_ms=n,
            kind="review",
            before=CardState(),
            after=CardState(),
        )
        for n in range(2500)
    ]
    out = io.BytesIO()
    progress.write_history("me", records, out)
    lines = out.getvalue().decode("utf-8").split("\n")
    assert lines[-1] == "" and len(lines) == 2502
    assert [json.loads(x)["duration_ms"] for x in lines[1:-1]] == list(range(2500))


def test_an_anki_export_with_another_separator(tmp_path: Path):
    path = sheet(tmp_path, "#separator:semicolon\nFront;Back <b>x</b>\n", "notes.txt")
    assert [(r.number, r.cells) for r in spreadsheet.rows(path)] == [
        (2, {"prompt": "Front", "answer": "Back <b>x</b>", "tags": ""}),
    ]
