import textwrap
from pathlib import Path

import pytest

from mlops_quiz.bank import cloze_gaps, cloze_text, load_bank
from mlops_quiz.errors import BankError

HEADER = "topics:\n  - id: t\n    title: T\nquestions:\n"


def write(tmp_path: Path, text: str, name: str = "b.yaml") -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def problems(paths: list[Path]) -> list[str]:
    with pytest.raises(BankError) as info:
        load_bank(paths)
    return info.value.problems


def test_small_bank_loads_every_type(small_bank: Path):
    bank = load_bank([small_bank])
    assert [q.id for q in bank.questions] == ["open-one", "mcq-one", "cloze-one", "open-two"]
    assert {q.type for q in bank.questions} == {"open", "mcq", "cloze"}
    mcq = bank.by_id()["mcq-one"]
    assert mcq.choices == ("3", "2", "5") and mcq.correct == (0, 2)
    cloze = bank.by_id()["cloze-one"]
    assert cloze.gaps == (("2.5", "2,5"), ("1.3",))
    assert bank.by_id()["open-one"].key_points == ("build", "run", "reliably")
    assert bank.by_id()["open-one"].line == 9


def test_numbers_in_text_fields_are_kept_as_written(tmp_path: Path):
    path = write(
        tmp_path,
        HEADER + "  - {id: q, topic: t, type: mcq, prompt: p, "
        "choices: [1.50, No, 007], correct: c}\n",
    )
    q = load_bank([path]).questions[0]
    assert q.choices == ("1.50", "No", "007")


def test_syntax_error_reports_file_and_line(tmp_path: Path):
    path = write(tmp_path, HEADER + "  - id: q\n    prompt: [unclosed\n")
    [message] = problems([path])
    assert message.startswith(f"{path}:")
    assert "invalid YAML" in message


def test_missing_and_wrong_fields_each_reported_with_line(tmp_path: Path):
    path = write(
        tmp_path,
        HEADER
        + "  - id: q1\n    topic: t\n    type: open\n    prompt: p\n"
        + "  - id: q2\n    topic: t\n    type: open\n    prompt: [a, b]\n    answer: x\n",
    )
    found = problems([path])
    assert any(f"{path}:5:" in p and "answer" in p for p in found)
    assert any(f"{path}:12:" in p and "prompt must be text" in p for p in found)


def test_unknown_field_suggests_the_right_one(tmp_path: Path):
    path = write(tmp_path, HEADER + "  - id: q\n    topic: t\n    type: open\n    promt: p\n")
    found = problems([path])
    assert any("unknown field 'promt'" in p and "did you mean 'prompt'" in p for p in found)


def test_unknown_type_and_topic(tmp_path: Path):
    path = write(
        tmp_path,
        HEADER + "  - {id: a, topic: t, type: essay, prompt: p}\n"
        "  - {id: b, topic: nope, type: open, prompt: p, answer: x}\n",
    )
    found = problems([path])
    assert any("unknown type 'essay'" in p for p in found)
    found = problems(
        [
            write(
                tmp_path,
                HEADER + "  - {id: b, topic: nope, type: open, prompt: p, answer: x}\n",
                "c.yaml",
            )
        ]
    )
    assert any(":5:" in p and "unknown topic 'nope'" in p for p in found)


def test_duplicate_ids_across_files_name_both_places(tmp_path: Path):
    one = write(tmp_path, HEADER + "  - {id: q, topic: t, type: open, prompt: p, answer: x}\n")
    two = write(
        tmp_path,
        "questions:\n  - {id: q, topic: t, type: open, prompt: r, answer: y}\n",
        "two.yaml",
    )
    [message] = problems([one, two])
    assert message.startswith(f"{two}:2:")
    assert f"first at {one}:5" in message


def test_mcq_rules(tmp_path: Path):
    path = write(
        tmp_path,
        HEADER
        + "  - {id: a, topic: t, type: mcq, prompt: p, choices: [x, y], correct: [a, b]}\n"
        + "  - {id: b, topic: t, type: mcq, prompt: p, choices: [x, x], correct: a}\n"
        + "  - {id: c, topic: t, type: mcq, prompt: p, choices: [x, y], correct: d}\n"
        + "  - {id: d, topic: t, type: mcq, prompt: p, choices: [x, y], correct: []}\n",
    )
    found = "\n".join(problems([path]))
    assert "at least one wrong choice" in found
    assert "duplicate choice 'x'" in found
    assert "must be a letter from a to b" in found
    assert "at least one correct choice" in found


def test_cloze_rules(tmp_path: Path):
    path = write(
        tmp_path,
        HEADER
        + "  - {id: a, topic: t, type: cloze, prompt: no gap here}\n"
        + "  - {id: b, topic: t, type: cloze, prompt: 'empty {{ | }} gap'}\n",
    )
    found = "\n".join(problems([path]))
    assert "at least one gap" in found
    assert "gap 1 has no accepted answer" in found


def test_cloze_helpers():
    assert cloze_gaps("a {{x|y}} b {{z}}") == [("x", "y"), ("z",)]
    assert cloze_text("a {{x|y}} b {{z}}") == "a [1]____ b [2]____"
    assert cloze_text("a {{x|y}} b {{z}}", ["1", "2"]) == "a 1 b 2"


def test_aliases_are_refused(tmp_path: Path):
    path = write(
        tmp_path, HEADER + "  - &q {id: a, topic: t, type: open, prompt: p, answer: x}\n  - *q\n"
    )
    assert any("aliases are not supported" in p for p in problems([path]))


def test_python_tags_are_never_constructed(tmp_path: Path):
    marker = tmp_path / "pwned"
    path = write(
        tmp_path,
        HEADER + f"  - {{id: a, topic: t, type: open, prompt: !!python/object/apply:os.system "
        f"['touch {marker}'], answer: x}}\n",
    )
    found = problems([path])
    assert found and not marker.exists()


def test_bom_is_accepted_and_bad_utf8_reports_line(tmp_path: Path):
    good = tmp_path / "bom.yaml"
    good.write_bytes(
        b"\xef\xbb\xbf"
        + (HEADER + "  - {id: a, topic: t, type: open, prompt: p, answer: x}\n").encode()
    )
    assert load_bank([good]).questions[0].id == "a"
    bad = tmp_path / "bad.yaml"
    bad.write_bytes(HEADER.encode() + b"  - {id: a, topic: t, type: open, prompt: \xff}\n")
    [message] = problems([bad])
    assert message.startswith(f"{bad}:5:") and "UTF-8" in message


def test_empty_file_and_list_at_top(tmp_path: Path):
    assert "empty" in problems([write(tmp_path, "")])[0]
    assert "top level must be a mapping" in problems([write(tmp_path, "- a\n- b\n", "l.yaml")])[0]


def test_missing_file(tmp_path: Path):
    [message] = problems([tmp_path / "nope.yaml"])
    assert "no such bank file" in message


def test_in_topics_and_counts(small_bank: Path):
    bank = load_bank([small_bank])
    assert [q.id for q in bank.in_topics(["more"])] == ["cloze-one", "open-two"]
    assert bank.count_by_topic() == {"basics": 2, "more": 2}


def test_shuffle_is_an_mcq_flag(tmp_path: Path):
    base = "topics: [{id: t, title: T}]\nquestions:\n  - {id: q, topic: t, prompt: p, "
    good = tmp_path / "good.yaml"
    good.write_text(base + "type: mcq, choices: [x, y], correct: a, shuffle: false}\n")
    assert load_bank([good]).questions[0].shuffle is False
    for extra, message in (
        ("type: mcq, choices: [x, y], correct: a, shuffle: maybe}", "must be true or false"),
        ("type: open, answer: a, shuffle: false}", "field 'shuffle' is only for mcq"),
    ):
        bad = tmp_path / "bad.yaml"
        bad.write_text(base + extra + "\n")
        with pytest.raises(BankError, match=message):
            load_bank([bad])


def test_key_points_may_declare_accepted_alternatives(tmp_path: Path):
    path = write(
        tmp_path,
        HEADER + "  - id: q\n    topic: t\n    type: open\n    prompt: p\n    answer: a\n"
        "    key_points:\n"
        "      - plain point\n"
        "      - point: needs monitoring\n"
        "        accept: [watch live metrics, track predictions]\n"
        "      - {point: no alternatives}\n",
    )
    q = load_bank([path]).questions[0]
    assert q.key_points == ("plain point", "needs monitoring", "no alternatives")
    assert q.key_point_alternatives == ((), ("watch live metrics", "track predictions"), ())


def test_key_point_alternatives_survive_the_bank_cache(tmp_path: Path):
    path = write(
        tmp_path,
        HEADER + "  - id: q\n    topic: t\n    type: open\n    prompt: p\n    answer: a\n"
        "    key_points: [{point: p1, accept: [alt]}]\n",
    )
    from mlops_quiz.bank.cache import load

    cache = tmp_path / "cache"
    load([path], cache)
    q = load([path], cache).questions[0]
    assert q.key_points == ("p1",) and q.key_point_alternatives == (("alt",),)


def test_key_point_mapping_mistakes_are_reported_with_lines(tmp_path: Path):
    path = write(
        tmp_path,
        HEADER + "  - id: q\n    topic: t\n    type: open\n    prompt: p\n    answer: a\n"
        "    key_points:\n"
        "      - accept: [alt]\n"
        "      - point: p2\n"
        "        acept: [alt]\n"
        "      - point: p3\n"
        "        accept: one text, not a list\n"
        "      - point: [a, b]\n",
    )
    found = problems([path])
    assert (
        f"{path}:11: question 'q': key_points: a key point written as a mapping needs 'point'"
        in found
    )
    assert any(
        p.startswith(f"{path}:13:") and "unknown field 'acept'" in p and "'accept'" in p
        for p in found
    )
    assert any(p.startswith(f"{path}:15:") and "accept must be a list" in p for p in found)
    assert any(p.startswith(f"{path}:16:") and "point must be text" in p for p in found)
