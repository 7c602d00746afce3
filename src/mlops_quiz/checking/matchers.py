"""Which matcher checks open answers, and loading the model without making anyone wait.

The ``matcher`` setting chooses: ``meaning`` (the default: ``checking.meaning``, the word
matcher joined with the sentence-embedding model) or ``words`` (the word matcher alone). When
the model is missing or fails its digest, one warning line says so and the word matcher checks
alone. ``Loader`` loads the model in a background thread, so a session can start at once and
load it while the learner reads and types; ``checker()`` waits for the load only when an open
answer is to be checked before it has finished.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from mlops_quiz.checking import words
from mlops_quiz.checking.meaning import MATCHER_MEANING, MATCHER_WORDS, MeaningChecker

if TYPE_CHECKING:
    from mlops_quiz.bank import Question

MATCHERS = (MATCHER_MEANING, MATCHER_WORDS)


class OpenChecker(Protocol):
    """Checks an open answer against the question's key points."""

    def check_question(
        self, question: Question, answer: str, *, quick: bool = False
    ) -> words.OpenCheck: ...


class WordChecker:
    """The word matcher alone."""

    def check_question(
        self, question: Question, answer: str, *, quick: bool = False
    ) -> words.OpenCheck:
        return words.check_question(question, answer, quick=quick)

    def check(
        self,
        answer: str,
        key_points: Sequence[str],
        alternatives: Sequence[Sequence[str]] = (),
        *,
        quick: bool = False,
    ) -> words.OpenCheck:
        return words.check_open(answer, key_points, alternatives, quick=quick)


WORDS = WordChecker()


def load_meaning(cache_dir: Path) -> MeaningChecker:
    """The meaning checker with the verified model (ModelError says why it cannot be had)."""
    from mlops_quiz.checking.model import load

    return MeaningChecker(load(cache_dir))


class Loader:
    """The checker of open answers for one command, loaded once, in the background if asked."""

    def __init__(self, matcher: str, cache_dir: Path, warn: Callable[[str], None]) -> None:
        self.matcher = matcher
        self._cache_dir = cache_dir
        self._warn = warn
        self._thread: threading.Thread | None = None
        self._checker: OpenChecker | None = None
        self._problem: str | None = None
        self._lock = threading.Lock()

    def _load(self) -> None:
        from mlops_quiz.checking.model import ModelError

        try:
            self._checker = load_meaning(self._cache_dir)
        except ModelError as error:
            self._problem = str(error)
        except Exception as error:  # anything else: the words still check; say why once
            self._problem = f"the model could not be loaded: {error}"

    def start(self) -> None:
        """Begin loading the model in the background (nothing to do for ``words``)."""
        with self._lock:
            if self.matcher != MATCHER_MEANING or self._thread is not None:
                return
            self._thread = threading.Thread(target=self._load, name="model", daemon=True)
            self._thread.start()

    def checker(self) -> OpenChecker:
        """The checker to use now: waits for a load under way; the word matcher when the
        setting says so or the model cannot be had (one warning, the first time)."""
        if self.matcher != MATCHER_MEANING:
            return WORDS
        self.start()
        assert self._thread is not None
        self._thread.join()
        if self._checker is not None:
            return self._checker
        if self._problem:
            self._warn(f"{self._problem}; open answers are checked by their words alone")
            self._problem = ""
        return WORDS
