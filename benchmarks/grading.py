"""Measure the open-answer matcher against human judgments.

    python benchmarks/grading.py [--set FILE] [--runs 200] [--misses] [--smoke]

Reads the evaluation set (``benchmarks/grading/answers.yaml``: items, answers, which key points
each answer makes and the grade a careful human grader gives it), checks every answer with
``mlops_quiz.checking.words.check_open`` (``quick`` false: the set does not say how long an answer
took) and prints, per kind of answer and overall, the precision and recall of "covered" over
the (answer, key point) judgments and the share of answers whose suggested grade is within one
of the judged grade. Then the time to check one answer in process: the model answer of the
bundled open item with the most key-point text, median over ``--runs`` checks, once with the
matcher's caches warm and once cleared before every check.

Accepted alternatives of bundled items come from the bundled bank, matched by key-point text;
a judged key point the bank no longer has is reported (the bank was reworded: judge again).
``--misses`` lists every judgment the matcher gets wrong; ``--no-accept`` ignores the accepted
alternatives (the matcher alone, on the key points' own words). ``--split`` reports one half
of the set: ``held-out`` by default, ``calibrate`` or ``all``. ``--smoke`` checks the first
items only and times a few runs, to show the script works.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from mlops_quiz.bank import load_bank
from mlops_quiz.checking import words as grading
from mlops_quiz.config import bundled_bank_path

HERE = Path(__file__).resolve().parent
DEFAULT_SET = HERE / "grading" / "answers.yaml"
KINDS = (
    "verbatim",
    "own-words",
    "paraphrase",
    "partial",
    "typo",
    "terse",
    "rambling",
    "wrong-same-words",
    "negation",
    "off-topic",
    "empty",
)
SPLITS = ("calibrate", "held-out", "all")
SMOKE_ITEMS = 3


@dataclass
class Tally:
    answers: int = 0
    judgments: int = 0
    tp: int = 0
    fp: int = 0
    fn: int = 0
    within_one: int = 0
    misses: list[str] = field(default_factory=list)

    def add(self, other: Tally) -> None:
        self.answers += other.answers
        self.judgments += other.judgments
        self.tp += other.tp
        self.fp += other.fp
        self.fn += other.fn
        self.within_one += other.within_one

    @staticmethod
    def ratio(num: int, den: int) -> str:
        return f"{num / den:.3f}" if den else "  n/a"

    def row(self, name: str) -> str:
        return (
            f"{name:<16} {self.answers:>7} {self.judgments:>9} {self.tp:>4} {self.fp:>4} "
            f"{self.fn:>4} {self.ratio(self.tp, self.tp + self.fp):>9} "
            f"{self.ratio(self.tp, self.tp + self.fn):>7} "
            f"{self.ratio(self.within_one, self.answers):>10}"
        )


def load_set(path: Path) -> tuple[dict[str, dict[str, Any]], list[dict[str, Any]]]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    items = {item["id"]: item for item in data["items"]}
    return items, data["answers"]


def item_points(
    item: dict[str, Any], bank_alternatives: dict[tuple[str, str], tuple[str, ...]]
) -> tuple[list[str], list[tuple[str, ...]], list[str]]:
    """The item's key point texts, their alternatives, and judged points the bank lacks."""
    texts: list[str] = []
    alternatives: list[tuple[str, ...]] = []
    stale: list[str] = []
    for point in item["key_points"]:
        if isinstance(point, dict):
            texts.append(point["point"])
            alternatives.append(tuple(point.get("accept", ())))
            continue
        texts.append(point)
        if "prompt" in item:
            alternatives.append(())
        elif (item["id"], point) in bank_alternatives:
            alternatives.append(bank_alternatives[(item["id"], point)])
        else:
            alternatives.append(())
            stale.append(f"{item['id']}: {point!r}")
    return texts, alternatives, stale


def evaluate(
    path: Path, smoke: bool, show_misses: bool, accept: bool = True, split: str = "all"
) -> dict[str, Tally]:
    items, answers = load_set(path)
    bank = load_bank([bundled_bank_path()])
    bank_alternatives = {
        (q.id, text): (q.key_point_alternatives[n] if n < len(q.key_point_alternatives) else ())
        for q in bank.questions
        for n, text in enumerate(q.key_points)
    }
    if smoke:
        keep = set(list(items)[:SMOKE_ITEMS])
        answers = [a for a in answers if a["item"] in keep]
    if split != "all":
        answers = [a for a in answers if a.get("split") == split]
    tallies: dict[str, Tally] = defaultdict(Tally)
    stale_points: set[str] = set()
    for answer in answers:
        texts, alternatives, stale = item_points(items[answer["item"]], bank_alternatives)
        stale_points.update(stale)
        check = grading.check_open(answer["text"], texts, alternatives if accept else ())
        tally = tallies[answer["kind"]]
        tally.answers += 1
        judged = set(answer["covered"])
        for n, result in enumerate(check.points, 1):
            tally.judgments += 1
            said, truth = result.covered, n in judged
            tally.tp += said and truth
            tally.fp += said and not truth
            tally.fn += truth and not said
            if said != truth:
                tally.misses.append(
                    f"  {'false +' if said else 'missed '} [{answer['kind']}] {answer['item']} "
                    f"#{n} {texts[n - 1]!r} <- {answer['text'][:90]!r}"
                )
        suggested = check.suggested if check.suggested is not None else -9
        if abs(suggested - answer["grade"]) <= 1:
            tally.within_one += 1
        else:
            tally.misses.append(
                f"  grade {suggested} vs judged {answer['grade']} [{answer['kind']}] "
                f"{answer['item']} <- {answer['text'][:90]!r}"
            )
    if stale_points:
        print(
            "judged key points the bundled bank no longer has (judge them again):",
            file=sys.stderr,
        )
        for line in sorted(stale_points):
            print(f"  {line}", file=sys.stderr)
    if show_misses:
        for kind in KINDS:
            for line in tallies[kind].misses if kind in tallies else ():
                print(line)
    return tallies


def print_table(tallies: dict[str, Tally]) -> Tally:
    print(
        f"{'kind':<16} {'answers':>7} {'judgments':>9} {'tp':>4} {'fp':>4} {'fn':>4} "
        f"{'precision':>9} {'recall':>7} {'grade ±1':>10}"
    )
    overall = Tally()
    for kind in KINDS:
        if kind in tallies:
            print(tallies[kind].row(kind))
            overall.add(tallies[kind])
    print(overall.row("overall"))
    return overall


def time_longest(runs: int) -> None:
    bank = load_bank([bundled_bank_path()])
    open_items = [q for q in bank.questions if q.type == "open" and q.key_points]
    longest = max(open_items, key=lambda q: sum(len(p) for p in q.key_points))
    grading.check_question(longest, "warm up: import the libraries")

    def median_ms(clear: bool) -> float:
        times = []
        for _ in range(runs):
            if clear:
                grading.clear_caches()
            start = time.perf_counter()
            grading.check_question(longest, longest.answer)
            times.append(time.perf_counter() - start)
        return statistics.median(times) * 1000

    warm, cold = median_ms(False), median_ms(True)
    print(
        f"checking one answer to {longest.id} ({len(longest.key_points)} key points, "
        f"a {len(longest.answer)}-character answer), median of {runs}: "
        f"{warm:.2f} ms warm, {cold:.2f} ms with the caches cleared"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--set", type=Path, default=DEFAULT_SET, help="the evaluation set")
    parser.add_argument("--runs", type=int, default=200, help="timed checks (median)")
    parser.add_argument("--misses", action="store_true", help="list the wrong judgments")
    parser.add_argument("--smoke", action="store_true", help="a tiny run, to test the script")
    parser.add_argument(
        "--no-accept", action="store_true", help="ignore accepted alternatives: the matcher alone"
    )
    parser.add_argument(
        "--split",
        choices=SPLITS,
        default="held-out",
        help="the half of the set to report (the matcher is calibrated on the other half)",
    )
    args = parser.parse_args(argv)
    tallies = evaluate(
        args.set, args.smoke, args.misses, accept=not args.no_accept, split=args.split
    )
    print(f"split: {args.split}; accepted alternatives: {'no' if args.no_accept else 'yes'}")
    print_table(tallies)
    time_longest(5 if args.smoke else args.runs)
    return 0


if __name__ == "__main__":
    sys.exit(main())
