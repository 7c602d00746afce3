"""Make a large data set for benchmarks: a bank file and a progress database.

    python benchmarks/generate.py --home DIR [--questions N] [--reviews M] [--days D] [--seed S]

Writes DIR/bank.yaml (N valid questions over the four course topics, all three types) and
DIR/progress.db holding M answers spread over the last D days for the profile "default",
made with the project's own scheduler and storage code. Afterwards:

    MLOPS_QUIZ_HOME=DIR MLOPS_QUIZ_BANK=DIR/bank.yaml mlops-quiz stats
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections.abc import Iterator
from datetime import date, datetime, timedelta, timezone
from datetime import time as clock_time
from pathlib import Path

from mlops_quiz.scheduling import CardState, next_state
from mlops_quiz.store import KIND_CRAM, KIND_REPEAT, KIND_REVIEW, ReviewRecord, Store

TOPICS = [
    ("data-centric-ai", "Data-centric AI"),
    ("mlops-challenges", "Common MLOps challenges and Kedro"),
    ("ml-components", "Components of MLOps"),
    ("mlops-framework", "MLOps framework"),
]
PROFILE = "default"


def bank_text(questions: int, rng: random.Random) -> str:
    lines = ["# Generated benchmark bank.", "topics:"]
    for topic_id, title in TOPICS:
        lines += [f"  - id: {topic_id}", f"    title: {title}", "    source: generated"]
    lines.append("questions:")
    for n in range(questions):
        topic = TOPICS[n % len(TOPICS)][0]
        kind = ("open", "mcq", "cloze")[n % 3]
        lines += [f"  - id: q{n:06d}", f"    topic: {topic}", f"    type: {kind}"]
        words = " ".join(rng.choice(WORDS) for _ in range(6))
        if kind == "open":
            lines += [
                f"    prompt: Explain item {n} about {words}?",
                "    answer: |",
                f"      A model answer for item {n}: {words}.",
                f"      It has a second line about {words}.",
                "    key_points:",
                *(f"      - point {k} of {n}" for k in range(4)),
                "    tags: [generated]",
            ]
        elif kind == "mcq":
            lines += [
                f"    prompt: Which choice is right for item {n} ({words})? (choose one)",
                "    choices:",
                *(f"      - choice {k} for {n}" for k in range(4)),
                f"    correct: {'abcd'[n % 4]}",
                f"    answer: Because of {words}.",
            ]
        else:
            lines += [
                f"    prompt: Item {n} says {{{{{rng.choice(WORDS)}}}}} about {words}.",
                f"    answer: The gap is one word of {words}.",
            ]
    return "\n".join(lines) + "\n"


WORDS = [
    "data",
    "model",
    "pipeline",
    "feature",
    "label",
    "drift",
    "monitoring",
    "training",
    "serving",
    "validation",
    "registry",
    "metadata",
    "trigger",
    "deployment",
    "evaluation",
    "experiment",
    "orchestration",
    "schema",
    "skew",
    "batch",
]


def history(
    questions: int, reviews: int, days: int, today: date, rng: random.Random
) -> Iterator[ReviewRecord]:
    """M answers in time order: scheduling reviews of due or new items, practice of the rest."""
    start = today - timedelta(days=days - 1)
    per_day = [reviews // days + (1 if d < reviews % days else 0) for d in range(days)]
    states: dict[str, CardState] = {}
    for offset, count in enumerate(per_day):
        day = start + timedelta(days=offset)
        base = datetime.combine(day, clock_time(9, 0), tzinfo=timezone.utc)
        for k in range(count):
            qid = f"q{rng.randrange(questions):06d}"
            before = states.get(qid, CardState())
            grade = rng.choices((5, 4, 3, 2, 1, 0), weights=(30, 35, 15, 10, 6, 4))[0]
            if before.due is not None and before.due > day:
                kind = KIND_CRAM  # not due: practice, as `study --cram` logs it
            elif k % 10 == 9 and not before.is_new:
                kind = KIND_REPEAT
            else:
                kind = KIND_REVIEW
            after = next_state(before, grade, day) if kind == KIND_REVIEW else before
            states[qid] = after
            yield ReviewRecord(
                question_id=qid,
                reviewed_at=base + timedelta(seconds=k * 7),
                day=day,
                grade=grade,
                answer="typed answer",
                duration_ms=rng.randrange(1500, 30000),
                kind=kind,
                before=before,
                after=after,
            )


def generate(home: Path, questions: int, reviews: int, days: int, seed: int) -> None:
    rng = random.Random(seed)
    home.mkdir(parents=True, exist_ok=True)
    (home / "bank.yaml").write_text(bank_text(questions, rng), encoding="utf-8")
    db = home / "progress.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    with Store.open(f"sqlite:///{db}") as store:
        store.add_history(PROFILE, history(questions, reviews, days, date.today(), rng))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--home", type=Path, required=True)
    parser.add_argument("--questions", type=int, default=10_000)
    parser.add_argument("--reviews", type=int, default=1_000_000)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    if args.questions < 1 or args.reviews < 0 or args.days < 1:
        parser.error("--questions and --days must be at least 1, --reviews at least 0")
    started = time.perf_counter()
    generate(args.home, args.questions, args.reviews, args.days, args.seed)
    print(
        f"wrote {args.questions} questions and {args.reviews} answers over {args.days} days "
        f"to {args.home} in {time.perf_counter() - started:.1f} s",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
