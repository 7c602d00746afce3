"""Checking a typed answer to an open question against the item's key points.

A pure module: text in, verdict out, no I/O and no clock (whether the answer came quickly is
the caller's to say).

The API
-------
``check_open(answer, key_points, alternatives=(), quick=False) -> OpenCheck``
    ``key_points`` are the point texts (``Question.key_points``), ``alternatives`` the accepted
    phrasings of each point (``Question.key_point_alternatives``, one tuple per point, may be
    shorter or empty). ``check_question(question, answer, quick=False)`` does the same from a
    ``Question``.
``OpenCheck``
    ``points``: one ``PointResult`` per key point, in order: ``text``, ``covered`` and
    ``spans``, the ``(start, end)`` character offsets in the answer of the words that made the
    point (empty when it is not covered), ready for highlighting the echo of the answer with
    ``answer[start:end]``. ``made`` (how many points are covered), ``coverage`` (their share,
    0..1, or None for an item without key points) and ``suggested`` (the grade, below).
``suggest_grade(made, total, empty=..., quick=...)``
    The grade rule alone, for a caller that lets the learner correct the marks.

The suggested grade
-------------------
The one rule of every item type, ``checking.suggest_grade``, applied to the share of key
points made: an empty answer (no letter or digit) 0, none made 1, some 2, at least half 3, all
4, or 5 when the caller says the answer came quickly (``quick=True``). An item without key
points gets no suggestion (None).

How a point is matched
----------------------
Both the point and the answer are cut into words (with their character offsets) and brought
to terms: accents and case folded; abbreviations and phrases written one way (``ML`` ->
machine learning, ``CI``/``CD``/``CT`` -> continuous integration/delivery/training, ``by
hand`` -> manual, ``data set`` -> data, ``irrelevant`` -> not matter, ...); numbers in digits
and joined to their unit or to the word they number (``twelve percent``, ``12 per cent`` and
``12%`` are one term, ``30 days`` another, ``level 0`` another); stop words dropped; each word
stemmed (Snowball's English stemmer) and mapped through a small table of domain synonyms
(annotate ~ label, drift ~ change, degrade ~ decay, ...). A negation (``not``, ``no``,
``never``, ``without``, ``doesn't``, ...) marks the terms after it up to the end of its
clause; before a predicate such as "needed" or "matter" ("X is not needed") it also marks the
clause's terms before it.

A point term matches an answer term that is equal, or, for words of five letters or more,
within one edit (two from nine letters; Damerau's optimal string alignment distance, computed
by ``rapidfuzz``) of the answer's word or its stem, unless one is the other with a prefix
("inconsistent") or a suffix ("product", "produce"). The point is made when one sentence of
the answer, within a window a little longer than the point, matches at least
``COVERED_SHARE`` of the point's weight (a few vague words such as "need" or "model" weigh
half, numbers one and a half) with the same polarity, in any order. A point term that the
window has only the other way round (negated where the point is not, or the reverse) vetoes
the window, so "Kedro is an orchestrator" does not make "Kedro is not an orchestrator"; a
point with numbers needs at least one of them; "level 0" also covers the clauses said under
it ("Level 0 is manual; releases are rare"). A point with accepted alternatives is made when
the point or any alternative is made; its spans are the matched words, one span per word.

The libraries, Snowball's stemmer and rapidfuzz, are small, need no data download and are
imported on the first check, so commands that never check an answer do not load them.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, NamedTuple

from mlops_quiz.checking.grade import suggest_grade as grade_for_share
from mlops_quiz.checking.vocabulary import (
    BACKWARD_PREDICATES,
    BOUNDARIES,
    LIGHT_WORDS,
    NEGATORS,
    NUMBER_SCALES,
    NUMBER_WORDS,
    NUMBERED,
    PHRASE_LONGEST,
    PHRASES,
    SCOPE_ENDERS,
    SENTENCE_ENDS,
    STOP_WORDS,
    SYNONYMS,
    UNITS,
)

if TYPE_CHECKING:
    from mlops_quiz.bank import Question

MAX_CHECKED_CHARS = 10_000
"""An answer is checked on its first 10,000 characters: far more than any real answer."""
MAX_WORD_CHARS = 100

COVERED_SHARE = 0.6
"""A point is made when the answer matches at least this share of its weight."""
LIGHT_WEIGHT = 0.5
"""The weight of a vague word (``LIGHT_WORDS``); other words weigh 1."""
NUMBER_WEIGHT = 1.5
"""Numbers tell points apart ("level 0" from "level 2"), so they weigh more."""
WINDOW_MIN = 8
WINDOW_PER_TERM = 2
"""The window of answer terms a point may be spread over: WINDOW_MIN + WINDOW_PER_TERM * n."""
NEGATION_SCOPE = 6
"""How many terms after a negation it reaches, at most (a clause boundary ends it sooner)."""
FUZZY_MIN_LENGTH = 5
FUZZY_LONG_LENGTH = 9
"""Words of FUZZY_MIN_LENGTH letters may differ by one edit, of FUZZY_LONG_LENGTH by two."""

WORD_PATTERN = re.compile(
    r"\d+(?:[.,]\d+)*|[^\W\d_]+(?:['’][^\W\d_]+)*|%|->|→|[.;:!?,()\[\]]|(?<!\S)[-–—](?!\S)"
)
# ---------------------------------------------------------------- results


@dataclass(frozen=True)
class PointResult:
    """The verdict on one key point."""

    text: str
    covered: bool
    spans: tuple[tuple[int, int], ...] = ()
    """Where the answer made the point: ``(start, end)`` character offsets, in order."""


@dataclass(frozen=True)
class OpenCheck:
    """The verdict on one answer to an open item."""

    points: tuple[PointResult, ...]
    suggested: int | None
    empty: bool
    matcher: str = "words"
    """Which matcher judged the points: ``words`` alone, or ``meaning`` (``checking.meaning``)."""

    @property
    def made(self) -> int:
        return sum(p.covered for p in self.points)

    @property
    def coverage(self) -> float | None:
        return self.made / len(self.points) if self.points else None


def suggest_grade(made: int, total: int, *, empty: bool, quick: bool = False) -> int | None:
    """The grade suggested for ``made`` of ``total`` key points: the rule of every item type
    (``checking.suggest_grade``) on their share; None for an item without key points."""
    if total == 0 and not empty:
        return None
    return grade_for_share(made / total if total else 0.0, empty, quick)


def is_empty(answer: str) -> bool:
    """True when an answer holds no letter or digit."""
    return not any(c.isalnum() for c in answer)


def check_open(
    answer: str,
    key_points: Sequence[str],
    alternatives: Sequence[Sequence[str]] = (),
    *,
    quick: bool = False,
) -> OpenCheck:
    """Which key points ``answer`` makes, where, and the grade suggested for it.

    Only the first MAX_CHECKED_CHARS of an answer are read (spans stay valid in the whole)."""
    answer = answer[:MAX_CHECKED_CHARS]
    empty = is_empty(answer)
    terms = [] if empty else _analyse(answer)
    matcher = _AnswerMatcher(terms)
    results = []
    for n, point in enumerate(key_points):
        phrasings = (point, *(alternatives[n] if n < len(alternatives) else ()))
        spans: tuple[tuple[int, int], ...] | None = None
        for phrasing in phrasings:
            spans = matcher.match(_compile_point(phrasing))
            if spans is not None:
                break
        results.append(PointResult(point, spans is not None, spans or ()))
    made = sum(r.covered for r in results)
    return OpenCheck(
        tuple(results), suggest_grade(made, len(key_points), empty=empty, quick=quick), empty
    )


def check_question(question: Question, answer: str, *, quick: bool = False) -> OpenCheck:
    """``check_open`` with the key points and alternatives of an open question."""
    return check_open(answer, question.key_points, question.key_point_alternatives, quick=quick)


# ---------------------------------------------------------------- text to terms


class _Term(NamedTuple):
    term: str
    """The stemmed, synonym-mapped form compared between point and answer."""
    word: str
    """The folded word it came from (for typo matching)."""
    start: int
    end: int
    negated: bool
    weight: float
    sentence: int = 0
    heading: str = ""
    """The last numbered word before it ("level0"): "Level 0 is manual; releases are rare"
    says both things of level 0."""


def _fold(word: str) -> str:
    # Normalising is not linear in long runs of combining marks: no real word is this long.
    decomposed = unicodedata.normalize("NFKD", word[:MAX_WORD_CHARS])
    bare = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
    bare = bare.replace("’", "'")
    if bare.endswith("'s"):
        bare = bare[:-2]
    return bare


def _is_negator(word: str) -> bool:
    return word in NEGATORS or word.endswith(("n't", "'nt"))


def _number(words: list[str], i: int) -> tuple[str, int] | None:
    """A number written in words starting at ``words[i]``: its digits and how many words."""
    total = current = 0
    n = i
    while n < len(words):
        word = words[n]
        if word in NUMBER_WORDS:
            current += NUMBER_WORDS[word]
        elif word in NUMBER_SCALES and n > i:
            current = max(current, 1) * NUMBER_SCALES[word]
            if NUMBER_SCALES[word] >= 1000:
                total, current = total + current, 0
        else:
            break
        n += 1
    if n == i:
        return None
    return str(total + current), n - i


def _digits(word: str) -> str:
    """Digits as written, without thousands separators or a zero fraction: 1,000 -> 1000."""
    if "," in word and re.fullmatch(r"\d{1,3}(,\d{3})+", word):
        word = word.replace(",", "")
    word = word.replace(",", ".")
    if "." in word:
        word = word.rstrip("0").rstrip(".")
    return word


def _words(text: str) -> list[tuple[str, int, int]]:
    """Folded words and boundaries with their spans, phrases and numbers written one way."""
    raw = [(_fold(m.group()), m.start(), m.end()) for m in WORD_PATTERN.finditer(text)]
    folded = [w for w, _, _ in raw]
    out: list[tuple[str, int, int]] = []
    i = 0
    while i < len(raw):
        for size in range(min(PHRASE_LONGEST, len(raw) - i), 0, -1):
            key = tuple(folded[i : i + size])
            if key in PHRASES:
                start, end = raw[i][1], raw[i + size - 1][2]
                out.extend((w, start, end) for w in PHRASES[key])
                i += size
                break
        else:
            number = _number(folded, i)
            if number is not None:
                digits, size = number
                out.append((digits, raw[i][1], raw[i + size - 1][2]))
                i += size
                continue
            word, start, end = raw[i]
            if word[:1].isdigit():
                word = _digits(word)
            out.append((word, start, end))
            i += 1
    return out


@lru_cache(maxsize=1)
def _stemmer() -> object:
    import Stemmer  # PyStemmer: Snowball's C stemmers, one small extension module

    return Stemmer.Stemmer("english")


@lru_cache(maxsize=8192)
def _stem(word: str) -> str:
    if word[:1].isdigit():
        return word
    return str(_stemmer().stemWord(word))  # type: ignore[attr-defined]


@lru_cache(maxsize=1)
def _synonym_table() -> dict[str, str]:
    table: dict[str, str] = {}
    for group in SYNONYMS:
        canonical = _stem(group[0])
        for word in group:
            table.setdefault(_stem(word), canonical)
            table.setdefault(word, canonical)
    return table


@lru_cache(maxsize=1)
def _light_terms() -> frozenset[str]:
    table = _synonym_table()
    return frozenset(table.get(_stem(w), _stem(w)) for w in LIGHT_WORDS)


def _term(word: str) -> str:
    table = _synonym_table()
    if word in table:
        return table[word]
    stem = _stem(word)
    return table.get(stem, stem)


def _fuse_numbers(words: list[tuple[str, int, int]]) -> list[tuple[str, int, int]]:
    """A number joined to its unit (``12 percent`` -> ``12percent``, ``30 days``) or to the
    word it numbers (``level 0`` -> ``level0``), so that "12 days" is not "12%"."""
    out: list[tuple[str, int, int]] = []
    i = 0
    while i < len(words):
        word, start, end = words[i]
        following = words[i + 1] if i + 1 < len(words) else None
        if following is not None and following[0][:1].isdigit() and word in NUMBERED:
            out.append((word + following[0], start, following[2]))
            i += 2
        elif following is not None and word[:1].isdigit() and following[0] in UNITS:
            out.append((word + UNITS[following[0]], start, following[2]))
            i += 2
        else:
            out.append((word, start, end))
            i += 1
    return out


def _analyse(text: str) -> list[_Term]:
    """The content terms of a text, each with its span, sentence, polarity and weight.

    A negation reaches forward to the end of its clause (at most NEGATION_SCOPE terms); when
    the word it negates is a predicate such as "needed" or "matter" ("X is not needed"), it
    also reaches back to the start of the clause."""
    light = _light_terms()
    terms: list[_Term] = []
    clause_start = 0
    scope = 0
    just_negated = False
    sentence = 0
    heading = ""
    for word, start, end in _fuse_numbers(_words(text)):
        if word in BOUNDARIES or word in SCOPE_ENDERS:
            scope, just_negated, clause_start = 0, False, len(terms)
            if word in SENTENCE_ENDS:
                sentence += 1
            continue
        if _is_negator(word):
            scope, just_negated = NEGATION_SCOPE, True
            continue
        if just_negated and word in BACKWARD_PREDICATES:
            for i in range(clause_start, len(terms)):
                terms[i] = terms[i]._replace(negated=True)
        if word in STOP_WORDS:
            continue
        just_negated = False
        term = _term(word)
        if any(c.isdigit() for c in term):
            weight = NUMBER_WEIGHT
            if term.rstrip("0123456789") in NUMBERED:
                heading = term
        elif term in light:
            weight = LIGHT_WEIGHT
        else:
            weight = 1.0
        terms.append(_Term(term, word, start, end, scope > 0, weight, sentence, heading))
        scope = max(scope - 1, 0)
    return terms


class _Point(NamedTuple):
    terms: tuple[_Term, ...]
    """Unique by term; the first occurrence's polarity counts."""
    weight: float


@lru_cache(maxsize=4096)
def _compile_point(text: str) -> _Point:
    seen: dict[str, _Term] = {}
    for t in _analyse(text):
        seen.setdefault(t.term, t)
    terms = tuple(seen.values())
    return _Point(terms, sum(t.weight for t in terms))


def _max_edits(length: int) -> int:
    if length >= FUZZY_LONG_LENGTH:
        return 2
    if length >= FUZZY_MIN_LENGTH:
        return 1
    return 0


# ---------------------------------------------------------------- matching


class _AnswerMatcher:
    """Matches compiled points against one answer's terms, remembering term look-ups."""

    def __init__(self, terms: list[_Term]) -> None:
        self.terms = terms
        self.by_term: dict[str, list[int]] = {}
        self.by_word: dict[str, list[int]] = {}
        for i, t in enumerate(terms):
            self.by_term.setdefault(t.term, []).append(i)
            self.by_word.setdefault(t.word, []).append(i)
        self.memo: dict[tuple[str, str], list[int]] = {}
        self.sentence_end: dict[int, int] = {}
        """Each sentence's end: the index after its last term."""
        for i, t in enumerate(terms):
            self.sentence_end[t.sentence] = i + 1

    def positions(self, point_term: _Term) -> list[int]:
        """Where in the answer a point term occurs, exactly or within a typo."""
        key = (point_term.term, point_term.word)
        found = self.memo.get(key)
        if found is not None:
            return found
        hits = set(self.by_term.get(point_term.term, ()))
        if not any(c.isdigit() for c in point_term.term):
            hits.update(self._fuzzy(point_term.term, self.by_term, stems=True))
            hits.update(self._fuzzy(point_term.word, self.by_word, stems=False))
        found = sorted(hits)
        self.memo[key] = found
        return found

    @staticmethod
    def _fuzzy(query: str, index: dict[str, list[int]], stems: bool) -> list[int]:
        """Positions of words within a typo of ``query``. A word that ends another is the
        other with a prefix ("inconsistent"), and between stems, one that begins the other is
        another word of the same family ("produc" and "product"): neither is a typo."""
        edits = _max_edits(len(query))
        if not edits:
            return []
        from rapidfuzz import process
        from rapidfuzz.distance import OSA

        hits: list[int] = []
        for choice, _, _ in process.extract(
            query, list(index), scorer=OSA.distance, score_cutoff=edits, limit=None
        ):
            if not _max_edits(len(choice)) or any(c.isdigit() for c in choice):
                continue
            if choice.endswith(query) or query.endswith(choice):
                continue  # a prefix, not a typo: "inconsistent" is not "consistent"
            if stems and (choice.startswith(query) or query.startswith(choice)):
                continue
            hits.extend(index[choice])
        return hits

    def under_heading(self, heading: str, start: int, end: int) -> list[int]:
        """The window's terms said under ``heading`` ("level0"), when the window has some."""
        return [i for i in range(start, end) if self.terms[i].heading == heading][:1]

    def match(self, point: _Point) -> tuple[tuple[int, int], ...] | None:
        """The spans that make ``point``, or None when the answer does not make it."""
        if not point.terms or not self.terms:
            return None
        occurrences = [(t, self.positions(t)) for t in point.terms]
        starts = sorted({i for _, found in occurrences for i in found})
        width = WINDOW_MIN + WINDOW_PER_TERM * len(point.terms)
        has_numbers = any(_is_number(t) for t in point.terms)
        best: tuple[float, list[int]] | None = None
        for start in starts:
            sentence = self.terms[start].sentence
            end = min(start + width, self.sentence_end[sentence])
            score = 0.0
            used: list[int] = []
            contradicted = numbers_made = False
            for t, found in occurrences:
                inside = [
                    i for i in found if start <= i < end and self.terms[i].sentence == sentence
                ]
                if not inside and t.heading == t.term:
                    inside = self.under_heading(t.term, start, end)
                if not inside:
                    continue
                agreeing = [i for i in inside if self.terms[i].negated == t.negated]
                if agreeing:
                    score += t.weight
                    used.extend(agreeing)
                    numbers_made = numbers_made or _is_number(t)
                elif t.weight > LIGHT_WEIGHT:
                    contradicted = True
            if contradicted or (has_numbers and not numbers_made):
                continue
            if best is None or score > best[0]:
                best = (score, used)
        if best is None or best[0] < COVERED_SHARE * point.weight - 1e-9:
            return None
        return _merge_spans((self.terms[i].start, self.terms[i].end) for i in best[1])


def _is_number(term: _Term) -> bool:
    return any(c.isdigit() for c in term.term)


def _merge_spans(spans: Iterable[tuple[int, int]]) -> tuple[tuple[int, int], ...]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(set(spans)):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return tuple(merged)


def clear_caches() -> None:
    """Forget compiled key points and stems (to time a first check)."""
    _compile_point.cache_clear()
    _stem.cache_clear()
