"""Measure the open-answer matcher against human judgments.

    python benchmarks/grading.py [--matcher meaning|words] [--set FILE] [--runs 200] [--misses]
    python benchmarks/grading.py --calibrate      # fit the meaning matcher's rule
    python benchmarks/grading.py --process        # `check` as a process against the floor

Reads the evaluation set (``benchmarks/grading/answers.yaml``: items, answers, which key points
each answer makes and the grade a careful human grader gives it), checks every answer with the
matcher (``meaning``, the default: ``checking.meaning``; ``words``: ``checking.words`` alone;
``quick`` false: the set does not say how long an answer took) and prints, per kind of answer
and overall, the precision and recall of "covered" over the (answer, key point) judgments and
the share of answers whose suggested grade is within one of the judged grade. Then the time to
check one answer in process: the model answer of the bundled open item with the most key-point
text, median over ``--runs`` checks, warm (as in a session).

Accepted alternatives of bundled items come from the bundled bank, matched by key-point text;
a judged key point the bank no longer has is reported (the bank was reworded: judge again).
``--misses`` lists every judgment the matcher gets wrong; ``--no-accept`` ignores the accepted
alternatives (the matcher alone, on the key points' own words). ``--split`` reports one half
of the set: ``held-out`` by default, ``calibrate`` or ``all``. ``--smoke`` checks the first
items only and times a few runs, to show the script works.

``--process`` times ``mlops-quiz check`` on an open item as a whole process, by meaning and by
words, in interleaved rounds with the import floor ``python -c "import typer, rich, yaml,
sqlalchemy"``, and prints the medians, their ratios to the floor and the peak resident memory.

``--calibrate`` fits the meaning matcher's rule on the calibration half only: a logistic
regression of "the point is made" on the features of ``checking.meaning`` (plain gradient
descent from zero, so the same set gives the same weights), and the threshold with the best
F0.5 of the judgments on that half (precision weighs twice recall: a point credited that the
answer does not make misleads the learner, a point missed is fixed with +n). It prints the
constants to paste into ``checking/meaning.py``.
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
from mlops_quiz.checking import meaning
from mlops_quiz.checking.matchers import WORDS, load_meaning
from mlops_quiz.config import bundled_bank_path, cache_dir

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


def bank_alternatives() -> dict[tuple[str, str], tuple[str, ...]]:
    bank = load_bank([bundled_bank_path()])
    return {
        (q.id, text): (q.key_point_alternatives[n] if n < len(q.key_point_alternatives) else ())
        for q in bank.questions
        for n, text in enumerate(q.key_points)
    }


def checker_for(matcher: str) -> Any:
    return load_meaning(cache_dir()) if matcher == meaning.MATCHER_MEANING else WORDS


def evaluate(
    path: Path,
    smoke: bool,
    show_misses: bool,
    accept: bool = True,
    split: str = "all",
    checker: Any = WORDS,
) -> dict[str, Tally]:
    items, answers = load_set(path)
    alternatives_of = bank_alternatives()
    if smoke:
        keep = set(list(items)[:SMOKE_ITEMS])
        answers = [a for a in answers if a["item"] in keep]
    if split != "all":
        answers = [a for a in answers if a.get("split") == split]
    tallies: dict[str, Tally] = defaultdict(Tally)
    stale_points: set[str] = set()
    for answer in answers:
        texts, alternatives, stale = item_points(items[answer["item"]], alternatives_of)
        stale_points.update(stale)
        check = checker.check(answer["text"], texts, alternatives if accept else ())
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


def time_longest(runs: int, checker: Any) -> None:
    """The time to check the model answer of the bundled open item with the most key-point
    text: warm (key points' embeddings and word caches kept, as in a session)."""
    bank = load_bank([bundled_bank_path()])
    open_items = [q for q in bank.questions if q.type == "open" and q.key_points]
    longest = max(open_items, key=lambda q: sum(len(p) for p in q.key_points))
    checker.check_question(longest, "warm up: import the libraries")
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        checker.check_question(longest, longest.answer)
        times.append(time.perf_counter() - start)
    print(
        f"checking one answer to {longest.id} ({len(longest.key_points)} key points, "
        f"a {len(longest.answer)}-character answer, "
        f"{len(meaning.segments(longest.answer))} segments), median of {runs}: "
        f"{statistics.median(times) * 1000:.1f} ms warm"
    )


def calibrate(path: Path, checker: Any) -> None:
    """Fit the meaning matcher's rule on the calibration half and print its constants."""
    import numpy as np

    items, answers = load_set(path)
    alternatives_of = bank_alternatives()
    rows: list[list[float]] = []
    truth: list[float] = []
    for answer in answers:
        if answer.get("split") != "calibrate" or not any(c.isalnum() for c in answer["text"]):
            continue
        texts, alternatives, _ = item_points(items[answer["item"]], alternatives_of)
        features, _, _ = checker.features(answer["text"], texts, alternatives)
        rows.extend(features)
        truth.extend(float(n in answer["covered"]) for n in range(1, len(texts) + 1))
    x, y = np.array(rows), np.array(truth)
    means, scales = x.mean(axis=0), x.std(axis=0) + 1e-9
    z = np.hstack([np.ones((len(x), 1)), (x - means) / scales])
    weights = np.zeros(z.shape[1])
    for _ in range(4000):  # gradient descent on the log loss, a little L2 on the weights
        p = 1 / (1 + np.exp(-z @ weights))
        weights -= 0.5 * (z.T @ (p - y) / len(y) + 1e-2 * np.r_[0.0, weights[1:]])
    p = 1 / (1 + np.exp(-z @ weights))
    best = (0.0, 0.5)
    for threshold in np.arange(0.30, 0.91, 0.05):
        said = p >= threshold
        tp = float((said & (y == 1)).sum())
        precision, recall = tp / max(float(said.sum()), 1.0), tp / float((y == 1).sum())
        # F0.5: precision weighs twice recall. A point credited that the answer does not make
        # misleads the learner; a point missed is fixed with +n at the grade prompt.
        score = 1.25 * precision * recall / max(0.25 * precision + recall, 1e-9)
        if score > best[0] + 1e-9:
            best = (score, round(float(threshold), 2))
    print(f"# {len(x)} judgments of the calibration half; F0.5 there {best[0]:.3f}")
    print(f"INTERCEPT = {weights[0]:.4f}")
    print(f"MEANS = ({', '.join(f'{v:.4f}' for v in means)})")
    print(f"SCALES = ({', '.join(f'{v:.4f}' for v in scales)})")
    print(f"WEIGHTS = ({', '.join(f'{v:.4f}' for v in weights[1:])})")
    print(f"THRESHOLD = {best[1]}")


def time_process(runs: int) -> None:
    """``check`` as a process, by meaning and by words, against the import floor."""
    import os
    import shutil
    import subprocess
    import tempfile

    script = shutil.which("mlops-quiz") or str(Path(sys.executable).parent / "mlops-quiz")
    answer = (
        "Level 0 is manual. Level 1 automates the training pipeline with continuous training. "
        "Level 2 adds CI/CD of the pipeline."
    )
    check = [script, "check", "fw-maturity-levels", "--answer", answer]
    commands = {
        "import floor": ([sys.executable, "-c", "import typer, rich, yaml, sqlalchemy"], {}),
        "check by meaning": (check, {"MLOPS_QUIZ_MATCHER": "meaning"}),
        "check by words": (check, {"MLOPS_QUIZ_MATCHER": "words"}),
    }
    times: dict[str, list[float]] = {name: [] for name in commands}
    peaks: dict[str, int] = {}
    with tempfile.TemporaryDirectory() as home:
        env = {**os.environ, "MLOPS_QUIZ_HOME": home}
        subprocess.run(check, env=env, capture_output=True, check=True)  # unpack the model once
        for _ in range(runs):
            for name, (argv, extra) in commands.items():
                start = time.perf_counter()
                child = subprocess.Popen(
                    argv, env={**env, **extra}, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
                )
                _, status, usage = os.wait4(child.pid, 0)
                times[name].append(time.perf_counter() - start)
                peaks[name] = max(peaks.get(name, 0), usage.ru_maxrss)
                assert os.waitstatus_to_exitcode(status) == 0, name
    floor = statistics.median(times["import floor"])
    for name, spent in times.items():
        median = statistics.median(spent)
        print(
            f"{name:<18} {median:.3f} s  {median / floor:.2f}x the floor  "
            f"peak {peaks[name] / 1024:.0f} MB (median of {runs})"
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--set", type=Path, default=DEFAULT_SET, help="the evaluation set")
    parser.add_argument(
        "--matcher",
        choices=(meaning.MATCHER_MEANING, meaning.MATCHER_WORDS),
        default=meaning.MATCHER_MEANING,
        help="the open-answer matcher to measure",
    )
    parser.add_argument(
        "--calibrate", action="store_true", help="fit the meaning matcher's rule and print it"
    )
    parser.add_argument(
        "--process", action="store_true", help="time `check` as a process against the floor"
    )
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
    if args.process:
        time_process(3 if args.smoke else 7)
        return 0
    checker = checker_for(meaning.MATCHER_MEANING if args.calibrate else args.matcher)
    if args.calibrate:
        calibrate(args.set, checker)
        return 0
    tallies = evaluate(
        args.set,
        args.smoke,
        args.misses,
        accept=not args.no_accept,
        split=args.split,
        checker=checker,
    )
    print(
        f"matcher: {args.matcher}; split: {args.split}; "
        f"accepted alternatives: {'no' if args.no_accept else 'yes'}"
    )
    print_table(tallies)
    time_longest(5 if args.smoke else args.runs, checker)
    return 0


if __name__ == "__main__":
    sys.exit(main())
