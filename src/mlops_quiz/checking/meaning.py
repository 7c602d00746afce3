"""Checking an open answer by what it means: the word matcher joined with sentence embeddings.

The word matcher (``words``) reads an answer's words: it finds the spans to highlight, numbers,
typos, and vetoes a point said the other way round. What it cannot see is a point made in other
words ("we score it on data the model never saw" for "evaluation uses a holdout test set"). Here
the answer is cut into segments (its sentences, their clauses and each pair of neighbouring
clauses), each segment and each key point is embedded by all-MiniLM-L6-v2 (``model``), and a
point is judged made by one rule that weighs six things, fitted on the calibration half of the
evaluation set (``benchmarks/grading.py --calibrate``) and never on the half it is judged by:

``similarity``
    the cosine of the key point (or an accepted phrasing) and the answer's closest segment;
``margin``
    how much closer that segment is to this point than to the item's other points;
``words``
    whether the word matcher made the point;
``own``
    the closest segment among those nearer to this point than to any other;
``similarity x words``
    agreement of the two;
``contrast``
    how much closer the segment is to the point than to the point negated ("X does not ...").

The rule is a logistic regression: the weights and the features' centring are the constants
below; a point is made when its probability reaches ``THRESHOLD``. The learner still decides:
the checklist, ``+n``/``-n`` and the suggested grade work as with the word matcher alone.

Embeddings of key points are computed once per text and kept for the process (a session asks
many items); an answer's segments are embedded in one batch.
"""

from __future__ import annotations

import dataclasses
import itertools
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from mlops_quiz.checking.words import (
    MAX_CHECKED_CHARS,
    OpenCheck,
    PointResult,
    check_open,
    suggest_grade,
)

if TYPE_CHECKING:
    from mlops_quiz.bank import Question
    from mlops_quiz.checking.model import Encoder

MATCHER_MEANING = "meaning"
MATCHER_WORDS = "words"

FEATURES = ("similarity", "margin", "words", "own", "similarity x words", "contrast")
# Fitted by `python benchmarks/grading.py --calibrate` on the calibration half of
# benchmarks/grading/answers.yaml; each feature is centred and scaled, then weighed.
INTERCEPT = 0.2956
MEANS = (0.5593, 0.1087, 0.3919, 0.4571, 0.3064, 0.0606)
SCALES = (0.2716, 0.3240, 0.4882, 0.3611, 0.3966, 0.1040)
WEIGHTS = (-0.4255, 0.7864, 0.7910, 0.4804, -0.0140, 0.4349)
THRESHOLD = 0.6
"""A point is made when the rule's probability reaches this (chosen on the calibration half)."""

MAX_SEGMENTS = 64
"""An answer is judged on its first segments only: far more than any real answer has."""

_SENTENCE = re.compile(r"[^.!?;\n]+")
_CLAUSE_BREAK = re.compile(
    r",?\s+(?:and|but|so|while|whereas|because|which|then)\s+|,\s+|:\s+|\s+[-–—]\s+",
    re.IGNORECASE,
)
_TRIM = " \t.;:,-*•–—"
_AUXILIARY = re.compile(
    r"\b(is|are|was|were|can|could|does|do|did|has|have|had|will|would|should|must)\b",
    re.IGNORECASE,
)
_NEGATIONS = (
    (re.compile(r"\bcannot\b", re.IGNORECASE), "can"),
    (re.compile(r"\b(\w+)n['’]t\b", re.IGNORECASE), r"\1"),
    (re.compile(r"\b(?:not|never)\s+", re.IGNORECASE), ""),
    (re.compile(r"\bno\s+", re.IGNORECASE), ""),
)


@dataclass(frozen=True)
class Segment:
    """A piece of the answer: its text and where it is, as ``(start, end)`` offsets."""

    text: str
    start: int
    end: int


def _trimmed(answer: str, start: int, end: int) -> Segment | None:
    while start < end and answer[start] in _TRIM:
        start += 1
    while end > start and answer[end - 1] in _TRIM:
        end -= 1
    text = answer[start:end]
    if not any(c.isalnum() for c in text):
        return None
    return Segment(text, start, end)


def segments(answer: str) -> list[Segment]:
    """The answer's sentences, their clauses and each pair of neighbouring clauses, each once,
    in the order they come (at most MAX_SEGMENTS)."""
    answer = answer[:MAX_CHECKED_CHARS]
    found: list[Segment] = []
    seen: set[str] = set()

    def add(segment: Segment | None) -> None:
        if segment is not None and segment.text not in seen:
            seen.add(segment.text)
            found.append(segment)

    for sentence in _SENTENCE.finditer(answer):
        whole = _trimmed(answer, sentence.start(), sentence.end())
        if whole is None:
            continue
        add(whole)
        clauses: list[Segment] = []
        start = sentence.start()
        for brk in _CLAUSE_BREAK.finditer(answer, sentence.start(), sentence.end()):
            piece = _trimmed(answer, start, brk.start())
            if piece is not None:
                clauses.append(piece)
            start = brk.end()
        last = _trimmed(answer, start, sentence.end())
        if last is not None:
            clauses.append(last)
        if len(clauses) > 1:
            for clause in clauses:
                add(clause)
            for first, second in itertools.pairwise(clauses):
                add(Segment(answer[first.start : second.end], first.start, second.end))
    return found[:MAX_SEGMENTS]


def negated(point: str) -> str:
    """The key point said the other way round, for contrast: "X is Y" -> "X is not Y", "X uses
    Y" -> "X does not uses Y" (grammar matters little to the model), "X is not Y" -> "X is Y",
    "X cannot Y" -> "X can Y"."""
    for pattern, replacement in _NEGATIONS:
        if pattern.search(point):
            return pattern.sub(replacement, point, count=1)
    if _AUXILIARY.search(point):
        return _AUXILIARY.sub(lambda m: m.group(1) + " not", point, count=1)
    first, _, rest = point.partition(" ")
    return f"{first} does not {rest}" if rest else f"not {point}"


def probability(features: Sequence[float]) -> float:
    """The rule: the probability that a point is made, from its FEATURES."""
    z = INTERCEPT + sum(
        w * (x - m) / s for w, x, m, s in zip(WEIGHTS, features, MEANS, SCALES, strict=True)
    )
    return 1.0 / (1.0 + math.exp(-z))


@dataclass
class MeaningChecker:
    """Checks open answers with the word matcher and the model; keeps key points' embeddings."""

    encoder: Encoder
    _vectors: dict[str, Any] = field(default_factory=dict)

    def _embed(self, texts: Sequence[str]) -> Any:
        import numpy as np

        missing = sorted({t for t in texts if t not in self._vectors}, key=len)
        for start in range(0, len(missing), 32):
            batch = missing[start : start + 32]
            for text, vector in zip(batch, self.encoder.encode(batch), strict=True):
                self._vectors[text] = vector
        if not texts:
            return np.zeros((0, 384), dtype=np.float32)
        return np.stack([self._vectors[t] for t in texts])

    def features(
        self,
        answer: str,
        key_points: Sequence[str],
        alternatives: Sequence[Sequence[str]] = (),
        by_words: OpenCheck | None = None,
    ) -> tuple[list[list[float]], list[Segment], list[int]]:
        """Each point's FEATURES, the answer's segments and each point's closest segment."""
        import numpy as np

        if by_words is None:
            by_words = check_open(answer, key_points, alternatives)
        pieces = segments(answer)
        count = len(key_points)
        if not pieces or not count:
            return [[0.0] * len(FEATURES) for _ in range(count)], pieces, [-1] * count
        answer_vectors = self._embed([p.text for p in pieces])  # (S, H)
        columns = []
        for n, point in enumerate(key_points):
            phrasings = [point, *(alternatives[n] if n < len(alternatives) else ())]
            columns.append((answer_vectors @ self._embed(phrasings).T).max(axis=1))
        sims = np.stack(columns, axis=1)  # (S, P): segment to point, best phrasing
        contrast = answer_vectors @ self._embed([negated(p) for p in key_points]).T  # (S, P)
        nearest = sims.argmax(axis=1)  # the point each segment is closest to
        rows: list[list[float]] = []
        closest: list[int] = []
        for n in range(count):
            j = int(sims[:, n].argmax())
            best = float(sims[j, n])
            others = np.delete(sims[j], n)
            margin = best - float(others.max()) if others.size else best
            own_segments = sims[nearest == n, n]
            own = float(own_segments.max()) if own_segments.size else 0.0
            made = 1.0 if by_words.points[n].covered else 0.0
            rows.append([best, margin, made, own, best * made, best - float(contrast[j, n])])
            closest.append(j)
        return rows, pieces, closest

    def check(
        self,
        answer: str,
        key_points: Sequence[str],
        alternatives: Sequence[Sequence[str]] = (),
        *,
        quick: bool = False,
    ) -> OpenCheck:
        """Which key points ``answer`` makes, by words and meaning, and the grade suggested."""
        by_words = check_open(answer, key_points, alternatives, quick=quick)
        if by_words.empty or not key_points:  # nothing to read: the words' verdict stands
            return dataclasses.replace(by_words, matcher=MATCHER_MEANING)
        rows, pieces, closest = self.features(answer, key_points, alternatives, by_words)
        results = []
        for n, point in enumerate(by_words.points):
            made = probability(rows[n]) >= THRESHOLD
            spans = point.spans
            if made and not spans and closest[n] >= 0:
                segment = pieces[closest[n]]
                spans = ((segment.start, segment.end),)
            results.append(PointResult(point.text, made, spans if made else ()))
        total = sum(r.covered for r in results)
        suggested = suggest_grade(total, len(results), empty=False, quick=quick)
        return OpenCheck(tuple(results), suggested, False, MATCHER_MEANING)

    def check_question(self, question: Question, answer: str, *, quick: bool = False) -> OpenCheck:
        return self.check(answer, question.key_points, question.key_point_alternatives, quick=quick)
