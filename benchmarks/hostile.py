"""Time and memory of mlops-quiz on hostile bank files (a teacher's file, a download).

    python benchmarks/hostile.py [--quiz PATH/TO/mlops-quiz] [--limit 120] [--only NAME]

Writes each file into a temporary folder, runs the command on it in a fresh process with its
own data folder, and prints the wall time, the peak resident memory, the exit code and the
first line of what it said. A run still going after ``--limit`` seconds is killed and reported
as such. Give ``--quiz`` another installed version's console script to compare two versions on
the same files.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

HEAD = "topics:\n  - id: t\n    title: T\nquestions:\n"


def cloze(prompt: str) -> str:
    return HEAD + f"  - id: c\n    topic: t\n    type: cloze\n    prompt: {prompt}\n"


def many_open_braces(folder: Path) -> Path:
    """A cloze prompt of 40,000 characters: '{{' over and over, never closed."""
    path = folder / "braces.yaml"
    path.write_text(cloze('"{{' + "{{" * 19_999 + ' x"'), encoding="utf-8")
    return path


def combining_marks(folder: Path) -> Path:
    """A 240 KB bank whose gap answers are long runs of combining marks, in an order that
    Unicode normalisation must sort (marks of a lower class after those of a higher one)."""
    path = folder / "combining.yaml"
    marks = "a" + "\u0301" * 20_000 + "\u0316" * 20_000
    path.write_text(cloze(f'"Say {{{{{marks}|{marks}|{marks}}}}}"'), encoding="utf-8")
    return path


def short_key_points(folder: Path) -> Path:
    """Just under 16 MB (the size limit) of one-word key points."""
    path = folder / "keypoints.yaml"
    item = "  - id: q{n}\n    topic: t\n    type: open\n    prompt: P{n}\n    answer: A\n"
    with path.open("w", encoding="utf-8") as handle:
        handle.write(HEAD + item.format(n=0) + "    key_points:\n")
        while handle.tell() < 16 * 2**20 - 20_000:
            handle.write("      - k\n" * 1000)
    return path


def long_field(folder: Path) -> Path:
    """One prompt of 8 MB."""
    path = folder / "long.yaml"
    path.write_text(
        HEAD
        + "  - id: o\n    topic: t\n    type: open\n    prompt: "
        + "word " * 1_600_000
        + "\n    answer: A\n",
        encoding="utf-8",
    )
    return path


def thousand_gaps(folder: Path) -> Path:
    path = folder / "gaps.yaml"
    path.write_text(cloze('"' + " ".join("{{a}}" for _ in range(1200)) + '"'), encoding="utf-8")
    return path


def fifo(folder: Path) -> Path:
    path = folder / "fifo.yaml"
    os.mkfifo(path)
    return path


def dev_zero(_folder: Path) -> Path:
    return Path("/dev/zero")


CASES: dict[str, tuple[Callable[[Path], Path], list[str], str]] = {
    # name: (make the file, command after the script, standard input)
    "40k unclosed '{{'": (many_open_braces, ["validate"], ""),
    "combining marks, one answer": (combining_marks, ["study", "--bank"], "a\n4\n"),
    "16 MB of short key points": (short_key_points, ["validate"], ""),
    "8 MB prompt, study": (long_field, ["study", "--bank"], "\n4\n"),
    "1,200 gaps, study": (thousand_gaps, ["study", "--bank"], "a\n4\n"),
    "FIFO as a bank": (fifo, ["validate"], ""),
    "/dev/zero as a bank": (dev_zero, ["validate"], ""),
}


def measure(cmd: list[str], env: dict[str, str], stdin: str, limit: float) -> str:
    started = time.perf_counter()
    proc = subprocess.Popen(
        cmd,
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    assert proc.stdin is not None and proc.stderr is not None
    try:
        proc.stdin.write(stdin.encode())
        proc.stdin.close()
    except BrokenPipeError:
        pass
    deadline = started + limit
    while True:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            break
        if time.perf_counter() > deadline:
            os.killpg(proc.pid, signal.SIGKILL)
            _, status, usage = os.wait4(proc.pid, 0)
            elapsed = time.perf_counter() - started
            return f"killed after {elapsed:.1f} s | peak {usage.ru_maxrss / 1024:.0f} MB"
        time.sleep(0.02)
    elapsed = time.perf_counter() - started
    said = proc.stderr.read().decode("utf-8", "replace").strip().splitlines()
    first = (said[0] if said else "")[:90]
    code = os.waitstatus_to_exitcode(status)
    return f"{elapsed:.2f} s | peak {usage.ru_maxrss / 1024:.0f} MB | exit {code} | {first}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    default = str(Path(sys.executable).parent / "mlops-quiz")
    parser.add_argument("--quiz", default=default, help="the console script to run")
    parser.add_argument("--limit", type=float, default=120, help="seconds before a run is killed")
    parser.add_argument("--only", help="run only the cases whose name contains this")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="mlops-quiz-hostile-") as tmp:
        folder = Path(tmp)
        env = {**os.environ, "MLOPS_QUIZ_HOME": str(folder / "home"), "NO_COLOR": "1"}
        print(f"{args.quiz}")
        for name, (make, command, stdin) in CASES.items():
            if args.only and args.only not in name:
                continue
            path = make(folder)
            cmd = [args.quiz, *command, str(path)]
            print(f"{name:30} {measure(cmd, env, stdin, args.limit)}", flush=True)


if __name__ == "__main__":
    main()
