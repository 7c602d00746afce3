"""The question bank: YAML files in, validated topics and questions out.

A file is read with its positions (``reading``), its fields validated (``fields``), its topics
and questions built (``entries``), and the files joined into one bank (``loading``); each
problem is reported as ``FILE:LINE: message``. ``model`` holds what a bank is made of,
``cache`` keeps parsed files between commands, and ``authoring`` writes new questions into a
file, keeping every other byte.
"""

from __future__ import annotations

from mlops_quiz.bank.entries import parse_file, parse_text, parse_text_lenient, question_line
from mlops_quiz.bank.fields import MAX_CHOICES, MAX_ID_LENGTH, MAX_LENGTHS
from mlops_quiz.bank.loading import Parse, combine, load_bank
from mlops_quiz.bank.model import (
    LETTERS,
    QUESTION_FIELDS,
    QUESTION_TYPES,
    TOPIC_FIELDS,
    Bank,
    Question,
    Topic,
    choice_letter,
    cloze_gaps,
    cloze_pieces,
    cloze_text,
    content_digest,
    gap_answers,
)
from mlops_quiz.bank.reading import MAX_BANK_BYTES, compose, decode, read_bytes, read_text

__all__ = [
    "LETTERS",
    "MAX_BANK_BYTES",
    "MAX_CHOICES",
    "MAX_ID_LENGTH",
    "MAX_LENGTHS",
    "QUESTION_FIELDS",
    "QUESTION_TYPES",
    "TOPIC_FIELDS",
    "Bank",
    "Parse",
    "Question",
    "Topic",
    "choice_letter",
    "cloze_gaps",
    "cloze_pieces",
    "cloze_text",
    "combine",
    "compose",
    "content_digest",
    "decode",
    "gap_answers",
    "load_bank",
    "parse_file",
    "parse_text",
    "parse_text_lenient",
    "question_line",
    "read_bytes",
    "read_text",
]
