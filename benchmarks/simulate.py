"""Simulated learners: SM-2 against FSRS at three desired retentions, judged by two memories.

    python benchmarks/simulate.py [--items 1000] [--days 365] [--new 20] [--seed 1]

A learner studies a deck of ``--items`` items for ``--days`` days, meeting ``--new`` new items a
day and reviewing every item that is due. What the learner recalls is decided by a ground-truth
memory model, never by the scheduler under test:

- ``fsrs``: FSRS-6's own memory with its default parameters (the library's forgetting curve and
  its updates of stability and difficulty after each outcome);
- ``half-life``: a memory that is not FSRS: recall after t days is 2 ** (-t / h), each item has
  its own half-life h (starting at 1 to 3 days) that grows by the item's own factor (1.6 to 3.2)
  on a success and halves on a lapse, as in half-life regression.

A recalled item is graded 5, 4 or 3 (20%, 60%, 20%), a forgotten one 1; a new item's first
grade is Again, Hard, Good or Easy as in FSRS's simulator (25%, 10%, 55%, 10%). Reported per
scheduler: scheduling reviews done, items known at the end (true probability of recall 0.9 or
more that day), and reviews per item known. Seeded: the same seed gives the same table.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from dataclasses import dataclass, field
from datetime import date, timedelta

from mlops_quiz.scheduling import CardState, Sm2
from mlops_quiz.scheduling.fsrs import Fsrs, Memory

START = date(2026, 1, 5)
KNOWN = 0.9
RECALLED_GRADES = ((5, 0.2), (4, 0.6), (3, 0.2))
FIRST_GRADES = ((1, 0.25), (3, 0.10), (4, 0.55), (5, 0.10))  # Again, Hard, Good, Easy


def pick(rng: random.Random, table: tuple[tuple[int, float], ...]) -> int:
    roll, total = rng.random(), 0.0
    for grade, share in table:
        total += share
        if roll < total:
            return grade
    return table[-1][0]


class Truth:
    """A ground-truth memory: the probability of recall, and its update after an outcome."""

    def start(self, rng: random.Random, grade: int, day: date) -> object: ...
    def recall(self, memory: object, day: date) -> float: ...
    def after(self, memory: object, day: date, grade: int) -> object: ...


class FsrsTruth(Truth):
    def __init__(self) -> None:
        self.model = Fsrs(0.9)

    def start(self, rng: random.Random, grade: int, day: date) -> object:
        memory, _ = self.model.step(None, 0, grade)
        return (memory, day)

    def recall(self, memory: object, day: date) -> float:
        state, last = memory  # type: ignore[misc]
        return self.model.retrievability(state, (day - last).days)

    def after(self, memory: object, day: date, grade: int) -> object:
        state, last = memory  # type: ignore[misc]
        new, _ = self.model.step(state, (day - last).days, grade)
        return (new, day)


@dataclass
class HalfLife:
    half_life: float
    growth: float
    last: date


class HalfLifeTruth(Truth):
    def start(self, rng: random.Random, grade: int, day: date) -> object:
        base = rng.uniform(1.0, 3.0) * (0.5 if grade == 1 else 1.0)
        return HalfLife(base, rng.uniform(1.6, 3.2), day)

    def recall(self, memory: object, day: date) -> float:
        assert isinstance(memory, HalfLife)
        return float(2 ** (-(day - memory.last).days / memory.half_life))

    def after(self, memory: object, day: date, grade: int) -> object:
        assert isinstance(memory, HalfLife)
        if grade >= 3:
            memory.half_life *= memory.growth
        else:
            memory.half_life = max(0.5, memory.half_life / 2)
        memory.last = day
        return memory


@dataclass
class Item:
    truth: object
    due: date
    state: CardState = field(default_factory=CardState)
    memory: Memory | None = None
    last: date | None = None


def simulate(scheduler: str, retention: float, truth: Truth, args: argparse.Namespace) -> dict:
    rng = random.Random(args.seed)
    fsrs = Fsrs(retention) if scheduler == "fsrs" else None
    sm2 = Sm2()
    items: list[Item] = []
    reviews = 0

    def schedule(item: Item, grade: int, day: date) -> None:
        if fsrs is not None:
            days = (day - item.last).days if item.last is not None else 0
            item.memory, interval = fsrs.step(item.memory, days, grade)
            item.state = item.state._replace(interval=interval)
        else:
            item.state = sm2.next_state(item.state, grade, day, [])
        item.last = day
        item.due = day + timedelta(days=item.state.interval)

    for n in range(args.days):
        day = START + timedelta(days=n)
        for item in items:
            if item.due > day:
                continue
            recalled = rng.random() < truth.recall(item.truth, day)
            grade = pick(rng, RECALLED_GRADES) if recalled else 1
            item.truth = truth.after(item.truth, day, grade)
            schedule(item, grade, day)
            reviews += 1
        for _ in range(min(args.new, args.items - len(items))):
            grade = pick(rng, FIRST_GRADES)
            item = Item(truth.start(rng, grade, day), day)
            schedule(item, grade, day)
            items.append(item)
            reviews += 1
    end = START + timedelta(days=args.days - 1)
    known = sum(1 for item in items if truth.recall(item.truth, end) >= KNOWN)
    return {"reviews": reviews, "known": known, "per_known": reviews / known if known else None}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=1000)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--new", type=int, default=20)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    runs = [("SM-2", "sm2", 0.9)] + [(f"FSRS at {r:.2f}", "fsrs", r) for r in (0.80, 0.90, 0.95)]
    truths: list[tuple[str, Truth]] = [("FSRS-6", FsrsTruth()), ("half-life", HalfLifeTruth())]
    started = time.perf_counter()
    print(f"{args.items} items, {args.days} days, {args.new} new a day, seed {args.seed}")
    print()
    print("| memory | scheduler | reviews | items known | reviews per item known |")
    print("| --- | --- | ---: | ---: | ---: |")
    for truth_name, truth in truths:
        for label, name, retention in runs:
            result = simulate(name, retention, truth, args)
            per = result["per_known"]
            print(
                f"| {truth_name} | {label} | {result['reviews']:,} | {result['known']:,} | "
                f"{'n/a' if per is None else f'{per:.1f}'} |",
                flush=True,
            )
    print()
    print(f"({time.perf_counter() - started:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
