"""The deck description of an exported ``.apkg`` (a topic's ``source``), which Anki's overview
page shows as HTML, is escaped like the note fields: opened with Anki's own engine."""

from __future__ import annotations

from pathlib import Path

from conftest import SMALL_BANK
from test_transfer_anki import collection, export, import_deck  # noqa: F401 - the fixture

HOSTILE = "<img src=x onerror=alert(1)>"


def test_a_topic_source_with_html_is_escaped_in_the_deck_description(
    script_env,
    tmp_path: Path,
    collection,  # noqa: F811
):
    bank = tmp_path / "bank.yaml"
    bank.write_text(SMALL_BANK.replace("source: The test suite", f'source: "{HOSTILE}"'))
    deck = tmp_path / "deck.apkg"
    export(script_env, bank, deck, "2026-11-26T09:00:00+00:00")
    import_deck(collection, deck)
    descriptions = [
        collection.decks.get(d.id)["desc"] for d in collection.decks.all_names_and_ids()
    ]
    shown = [d for d in descriptions if "onerror" in d]
    assert shown, descriptions
    assert all("<img" not in d for d in shown)
    assert any("&lt;img src=x onerror=alert(1)&gt;" in d for d in shown)
