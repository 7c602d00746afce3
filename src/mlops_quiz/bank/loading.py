"""Loading bank files as one bank: ids and topics checked across files, a learner's own file
read leniently."""

from __future__ import annotations

import gc
from collections.abc import Callable, Collection, Iterator
from contextlib import contextmanager
from pathlib import Path

from mlops_quiz.bank.entries import parse_file, parse_text_lenient
from mlops_quiz.bank.model import Bank, Question, Topic
from mlops_quiz.bank.reading import read_text
from mlops_quiz.errors import BankError


def combine(
    parts: list[tuple[str, list[Topic], list[Question]]],
    lenient: Collection[str] = (),
    shared_topics: Collection[Topic] = (),
) -> Bank:
    """Join parsed files into one bank, checking ids and topics across them.

    ``lenient``: names of files whose clashing items are left out with a warning instead of
    failing the load. ``shared_topics``: topics any file may use without defining them (the
    bundled bank's, when it is not loaded itself); those used join the bank."""
    shared = {t.id: t for t in shared_topics}
    bank = Bank()
    problems: list[str] = []
    warnings: list[str] = []
    seen_questions: dict[str, Question] = {}
    for name, topics, _ in parts:
        bank.files.append(name)
        for topic in topics:
            if topic.id in bank.topics:
                first = bank.topics[topic.id]
                (warnings if topic.file in lenient else problems).append(
                    f"{topic.file}:{topic.line}: duplicate topic id {topic.id!r} "
                    f"(first at {first.file}:{first.line})"
                )
            else:
                bank.topics[topic.id] = topic
    for _, _, questions in parts:
        for q in questions:
            problem = None
            if q.id in seen_questions:
                earlier = seen_questions[q.id]
                problem = f"{q.where}: duplicate question id {q.id!r} (first at {earlier.where})"
            elif q.topic not in bank.topics and q.topic in shared:
                bank.topics[q.topic] = shared[q.topic]
            elif q.topic not in bank.topics:
                known = ", ".join(sorted(bank.topics)) or "none defined"
                problem = (
                    f"{q.where}: question {q.id!r}: unknown topic {q.topic!r} (known: {known})"
                )
            if problem is None:
                seen_questions[q.id] = q
                bank.questions.append(q)
            elif q.file in lenient:
                warnings.append(problem)
                bank.left_out += 1
            else:
                problems.append(problem)
    if problems:
        raise BankError(problems)
    bank.warnings.extend(warnings)
    return bank


Parse = Callable[[Path], tuple[list[Topic], list[Question]]]


def load_bank(
    paths: list[Path],
    parse: Parse = parse_file,
    lenient: Collection[Path] = (),
    topics_from: Path | None = None,
) -> Bank:
    """Load and validate bank files as one bank; raises BankError listing every problem.

    ``parse`` reads one file (``bank_cache`` passes a cached one). ``lenient``: files (the
    learner's own bank) whose invalid items, or whose whole content if it cannot be read, are
    left out and named in ``Bank.warnings`` (``Bank.left_out`` counts the items) instead of
    failing the load: one bad entry in a learner's own bank does not stop their studies.
    ``validate`` stays strict. ``topics_from``: a bank (the bundled one) whose topics the
    files may use when it is not among them, as a new file written by ``add-question --bank``
    does.
    """
    parts: list[tuple[str, list[Topic], list[Question]]] = []
    problems: list[str] = []
    warnings: list[str] = []
    left_out = 0
    with _no_gc():
        for path in paths:
            try:
                topics, questions = parse(path)
            except BankError as exc:
                if path not in lenient:
                    problems.extend(exc.problems)
                    continue
                try:
                    text = read_text(path)
                    topics, questions, found, left = parse_text_lenient(text, str(path))
                except BankError as whole:
                    warnings.extend(whole.problems)
                    warnings.append(f"{path}: the whole file is left out")
                    continue
                warnings.extend(found)
                left_out += left
            parts.append((str(path), topics, questions))
        if problems:
            raise BankError(problems)
        shared: list[Topic] = []
        if topics_from is not None and topics_from not in paths:
            shared = parse(topics_from)[0]
        bank = combine(parts, {str(p) for p in lenient}, shared)
    bank.warnings[:0] = warnings
    bank.left_out += left_out
    return bank


@contextmanager
def _no_gc() -> Iterator[None]:
    """Building many objects at once triggers the cycle collector over and over, for nothing:
    a bank holds no reference cycles. Pausing it halves the time to load a large bank."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
