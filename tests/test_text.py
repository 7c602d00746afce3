"""Outside text made safe to show and folded for comparison; cloze gaps found in one pass."""

from __future__ import annotations

import json
import time

from mlops_quiz.bank import cloze_gaps, cloze_pieces, cloze_text
from mlops_quiz.text import (
    fold,
    hidden_chars,
    json_safe,
    reflow,
    shorten,
    visible,
    wrap_at_separators,
)


def test_visible_escapes_what_would_act_on_the_terminal():
    assert visible("plain text\nsecond line") == "plain text\nsecond line"
    assert visible("\x1b[2J") == "\\x1b[2J"
    assert visible("a\u200bb") == "a\\u200bb"  # zero-width space
    assert visible("\u202eevil") == "\\u202eevil"  # right-to-left override
    assert visible("tag\U000e0041") == "tag\\U000e0041"
    assert visible("line\u2028sep") == "line\\u2028sep"
    assert visible("a\tb") == "a    b"
    assert visible("one\ntwo", keep_newlines=False) == "one\\x0atwo"
    assert visible("café ünïcode ✓") == "café ünïcode ✓"  # letters and symbols stay


def test_hidden_chars_lists_only_what_does_not_show():
    assert hidden_chars("plain ✓ café") == []
    assert hidden_chars("da\u00adta \u061c2.5") == ["\u00ad", "\u061c"]
    assert hidden_chars("two\nlines\ttab") == []


def test_json_safe_keeps_the_data_and_escapes_the_rest():
    document = json.dumps({"title": "Bas\u061cics \x1b[31m ✓", "n": 1}, ensure_ascii=False)
    safe = json_safe(document)
    assert "\u061c" not in safe and "\x1b" not in safe and "✓" in safe
    assert json.loads(safe) == {"title": "Bas\u061cics \x1b[31m ✓", "n": 1}
    astral = json_safe(json.dumps({"t": "a\U000e0041"}, ensure_ascii=False))
    assert "\\udb40\\udc41" in astral and json.loads(astral) == {"t": "a\U000e0041"}


def test_fold_ignores_case_accents_spacing_invisibles_and_a_final_period():
    assert fold("  Café   AU  Lait. ") == "cafe au lait"
    assert fold("2.\u200b5") == "2.5"
    assert fold("\u20611.3") == "1.3"
    assert fold("2.5") != fold("25")  # punctuation inside is kept
    assert fold("...") == ""


def test_cloze_pieces_split_text_and_gaps():
    prompt = "A {{b|c}} d {{e}}."
    assert cloze_pieces(prompt) == [
        ("A ", False),
        ("b|c", True),
        (" d ", False),
        ("e", True),
        (".", False),
    ]
    assert cloze_gaps(prompt) == [("b", "c"), ("e",)]
    assert cloze_text(prompt) == "A [1]____ d [2]____."
    assert cloze_text(prompt, ["x", "y"]) == "A x d y."
    assert cloze_pieces("open {{ never closed") == [("open {{ never closed", False)]
    assert cloze_gaps("{{a}}{{b}}") == [("a",), ("b",)]


def test_cloze_pieces_are_found_in_one_pass():
    """A lazy regex took 18 s on 40,000 characters of '{{'; a megabyte would take hours."""
    prompt = "{{" * 500_000 + "x"
    started = time.perf_counter()
    assert cloze_pieces(prompt) == [(prompt, False)]
    filled = cloze_text("{{a}} " * 100_000)
    assert filled.startswith("[1]____ [2]____ ") and filled.endswith(" [100000]____ ")
    assert time.perf_counter() - started < 5


def test_reflow_joins_lines_and_keeps_paragraphs_and_list_items():
    text = "A view:\n- one\n  goes on\n* two\n1. three\n\nNext para-\ngraph here.\n\n\n"
    assert reflow(text) == "A view:\n- one goes on\n* two\n1. three\n\nNext para- graph here."


def test_shorten_cuts_after_a_word():
    assert shorten("Describe the lifecycle of an ML project.", 40) == (
        "Describe the lifecycle of an ML project."
    )
    cut = shorten("Describe the lifecycle of an ML project.", 30)
    assert cut == "Describe the lifecycle of an…"
    assert shorten("code + [1]____, where", 16) == "code + [1]____…"
    # a word is everything between spaces: never cut at a hyphen, an underscore or in a gap
    assert shorten("Who re-labels the end-to-end set?", 12) == "Who…"
    assert shorten("Who re-labels the end-to-end set?", 25) == "Who re-labels the…"
    assert shorten("code + [1]____, where", 12) == "code…"
    assert shorten("scope project -> collect data", 20) == "scope project…"
    assert shorten("also accepted: scope / project scoping", 24) == "also accepted: scope…"


def test_wrap_at_separators_breaks_at_spaces_then_after_commas():
    typed = "a,d,g (typed: b,c,e; shown: h,d,a,f,g,b,c,e)"
    assert wrap_at_separators(typed, 60) == [typed]
    assert wrap_at_separators(typed, 16) == ["a,d,g (typed:", "b,c,e; shown:", "h,d,a,f,g,b,c,e)"]
    assert wrap_at_separators(typed, 10) == [
        "a,d,g",
        "(typed:",
        "b,c,e;",
        "shown: h,",
        "d,a,f,g,b,",
        "c,e)",
    ]
    assert wrap_at_separators("abcdefg", 3) == ["abc", "def", "g"]
    assert wrap_at_separators("", 10) == [""]
