"""Exported decks opened by Anki's own engine (the ``anki`` package): decks, note types,
cloze fields, tags, escaping, and a newer export updating the notes instead of adding more."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from anki.collection import Collection, ImportAnkiPackageOptions, ImportAnkiPackageRequest

from conftest import console_script
from mlops_quiz.bank import load_bank
from mlops_quiz.config import bundled_bank_path

MARKUP = (
    "  - id: markup\n    topic: basics\n    type: open\n"
    "    prompt: Is <b> & [bold]x[/bold] a tag?\n    answer: No, it is text.\n"
    "    tags: [escaping]\n"
)


def export(env: dict[str, str], bank: Path, target: Path, now: str, *extra: str) -> None:
    result = subprocess.run(
        [console_script(), "export", str(target), "--bank", str(bank), *extra],
        capture_output=True,
        text=True,
        env={**env, "MLOPS_QUIZ_NOW": now},
        timeout=120,
    )
    assert result.returncode == 0, result.stderr


@pytest.fixture
def collection(tmp_path: Path):
    folder = tmp_path / "anki"
    folder.mkdir()
    col = Collection(str(folder / "collection.anki2"))
    yield col
    col.close()


def import_deck(col: Collection, deck: Path) -> None:
    col.import_anki_package(
        ImportAnkiPackageRequest(package_path=str(deck), options=ImportAnkiPackageOptions())
    )


def notes_in(col: Collection, deck: str) -> list:
    return [col.get_note(nid) for nid in col.find_notes(f'"deck:{deck}" -"deck:{deck}::*"')]


def test_deck_per_topic_note_types_cloze_and_tags(
    script_env, small_bank: Path, tmp_path: Path, collection: Collection
):
    small_bank.write_text(small_bank.read_text() + MARKUP)
    deck = tmp_path / "deck.apkg"
    export(script_env, small_bank, deck, "2026-11-26T09:00:00+00:00")
    import_deck(collection, deck)

    basics = {n.guid: n for n in notes_in(collection, "MLOps::Basics")}
    more = notes_in(collection, "MLOps::More")
    assert len(basics) == 3 and len(more) == 2
    assert notes_in(collection, "MLOps") == []
    by_front = {n.fields[0].split("<")[0]: n for n in [*basics.values(), *more]}

    open_one = by_front["What is MLOps?"]
    assert open_one.note_type()["name"] == "mlops-quiz Basic"
    assert open_one.fields[1] == (
        "Practices to build and run ML systems reliably.<br><br><b>Key points:</b>"
        "<ul><li>build</li><li>run</li><li>reliably</li></ul>"
    )
    assert open_one.tags == ["basics"]

    mcq = by_front["Which are SM-2 grades that pass? (choose all that apply)"]
    assert mcq.fields[0].endswith('<div class="choices">a) 3<br>b) 2<br>c) 5</div>')
    assert mcq.fields[1] == "<b>Correct:</b> a) 3; c) 5"

    cloze = by_front["The E-Factor starts at {{c1::2.5}} and never falls below {{c2::1.3}}."]
    assert cloze.note_type()["name"] == "mlops-quiz Cloze"
    assert cloze.keys() == ["Text", "Back Extra"]
    assert cloze.fields[1] == "<b>Accepted:</b><br>1: 2.5 / 2,5<br>2: 1.3"
    assert len(cloze.cards()) == 2
    assert cloze.tags == ["more"]

    markup = by_front["Is &lt;b&gt; &amp; &#91;bold&#93;x&#91;/bold&#93; a tag?"]
    assert sorted(markup.tags) == ["basics", "escaping"]
    question_html = markup.cards()[0].question()
    assert "&lt;b&gt; &amp;" in question_html and "<b>" not in question_html


def test_a_newer_export_updates_the_notes(
    script_env, small_bank: Path, tmp_path: Path, collection: Collection
):
    deck = tmp_path / "deck.apkg"
    export(script_env, small_bank, deck, "2026-11-26T09:00:00+00:00")
    import_deck(collection, deck)
    assert collection.note_count() == 4

    small_bank.write_text(small_bank.read_text().replace("What is MLOps?", "What does MLOps mean?"))
    export(script_env, small_bank, deck, "2026-11-27T09:00:00+00:00", "--force")
    import_deck(collection, deck)
    assert collection.note_count() == 4
    fronts = sorted(collection.get_note(n).fields[0] for n in collection.find_notes(""))
    assert "What does MLOps mean?" in fronts and "What is MLOps?" not in fronts


def test_the_bundled_bank_and_anki_plain_text_back(
    script_env, tmp_path: Path, collection: Collection
):
    """Every item of the bundled bank arrives; Anki's own plain-text export of those notes,
    imported again, is recognised as already in the bank."""
    bundled = bundled_bank_path()
    bank = load_bank([bundled])
    deck = tmp_path / "course.apkg"
    export(script_env, bundled, deck, "2026-11-26T09:00:00+00:00")
    import_deck(collection, deck)
    for topic_id, topic in bank.topics.items():
        expected = sum(1 for q in bank.questions if q.topic == topic_id)
        assert len(notes_in(collection, f"MLOps::{topic.title}")) == expected
    clozes = collection.find_notes('"note:mlops-quiz Cloze"')
    assert len(clozes) == sum(1 for q in bank.questions if q.type == "cloze")

    from anki.generic_pb2 import Empty
    from anki.import_export_pb2 import ExportLimit

    text = tmp_path / "notes.txt"
    collection.export_note_csv(
        out_path=str(text),
        limit=ExportLimit(whole_collection=Empty()),
        with_html=True,
        with_tags=True,
        with_deck=True,
        with_notetype=True,
        with_guid=True,
    )
    copy = tmp_path / "copy.yaml"
    copy.write_bytes(bundled.read_bytes())
    result = subprocess.run(
        [console_script(), "import", str(text), "--into", str(copy), "--bank", str(copy)],
        capture_output=True,
        text=True,
        env=script_env,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    total = len(bank.questions)
    assert result.stdout == f"added 0 questions to {copy}; skipped {total} already in the bank\n"
    assert copy.read_bytes() == bundled.read_bytes()
