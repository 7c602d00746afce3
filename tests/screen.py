"""Screen tests: the installed ``mlops-quiz`` in a real pseudo-terminal, drawn by a terminal
emulator (pyte), so tests assert on the lines a person sees, not on the byte stream.

    with TerminalSession(["study", ...], env, rows=30, cols=60) as term:
        term.wait_for("Your answer")
        term.sendline("")
        term.wait_for("Grade 0-5")
        assert term.line_with("Your answer") == "Your answer (Enter to reveal):"

Waits poll the rendered screen with a generous timeout; nothing sleeps a fixed time. The child
is closed (killed if need be) when the ``with`` block ends, even when a test fails.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable

import pexpect
import pyte

from conftest import console_script

TIMEOUT = 90.0
BOX = "╭│╰─╮╯"


class TerminalSession:
    def __init__(self, args: list[str], env: dict[str, str], rows: int = 40, cols: int = 100):
        env = {k: v for k, v in env.items() if k not in ("COLUMNS", "LINES")}
        env.update({"TERM": "xterm", "NO_COLOR": "1"})
        self.rows, self.cols = rows, cols
        self.screen = pyte.Screen(cols, rows)
        self.stream = pyte.ByteStream(self.screen)
        self.raw = b""
        """Everything the child printed."""
        self.child = pexpect.spawn(console_script(), args, env=env, dimensions=(rows, cols))

    def __enter__(self) -> TerminalSession:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        if self.child.isalive():
            self.child.close(force=True)

    # ------------------------------------------------------------ reading the screen

    def pump(self, wait: float = 0.05) -> bool:
        """Feed what the child printed to the emulator; False once it has exited."""
        try:
            data = self.child.read_nonblocking(65536, timeout=wait)
        except pexpect.TIMEOUT:
            return True
        except pexpect.EOF:
            return False
        self.stream.feed(data)
        self.raw += data
        return True

    @property
    def lines(self) -> list[str]:
        return [line.rstrip() for line in self.screen.display]

    @property
    def text(self) -> str:
        return "\n".join(self.lines)

    @property
    def cursor(self) -> tuple[int, int]:
        return self.screen.cursor.y, self.screen.cursor.x

    def wait_until(self, test: Callable[[], bool], what: str, timeout: float = TIMEOUT) -> None:
        deadline = time.monotonic() + timeout
        alive = True
        while not test():
            if time.monotonic() > deadline or not alive:
                raise AssertionError(f"never saw {what}; the screen:\n{self.text}")
            alive = self.pump()
        while self.pump(0.02) and self.child.isalive():  # whatever is on its way now
            if test():
                break

    def wait_for(self, pattern: str, timeout: float = TIMEOUT) -> None:
        """Wait until a line of the screen matches a regular expression."""
        regex = re.compile(pattern)
        self.wait_until(lambda: any(regex.search(line) for line in self.lines), repr(pattern))

    def wait_for_prompt(self, prompt: str) -> None:
        """Wait until the cursor sits right after ``prompt`` at the end of its line."""

        def ready() -> bool:
            y, x = self.cursor
            return self.lines[y].endswith(prompt.rstrip()) and x == len(self.lines[y]) + (
                len(prompt) - len(prompt.rstrip())
            )

        self.wait_until(ready, f"the prompt {prompt!r}")

    def wait_for_exit(self, timeout: float = TIMEOUT) -> int:
        deadline = time.monotonic() + timeout
        while self.pump() or self.child.isalive():
            if time.monotonic() > deadline:
                raise AssertionError(f"still running; the screen:\n{self.text}")
            if not self.child.isalive():
                self.pump()
                break
        self.child.close()
        return int(self.child.exitstatus or 0)

    def line_with(self, text: str) -> str:
        """The last line of the screen that contains ``text``."""
        found = [line for line in self.lines if text in line]
        assert found, f"no line with {text!r}; the screen:\n{self.text}"
        return found[-1]

    def index_of(self, text: str) -> int:
        """The row of the last line that contains ``text``."""
        rows = [n for n, line in enumerate(self.lines) if text in line]
        assert rows, f"no line with {text!r}; the screen:\n{self.text}"
        return rows[-1]

    # ------------------------------------------------------------ typing

    def send(self, text: str) -> None:
        self.child.send(text.encode())

    def sendline(self, text: str = "") -> None:
        self.child.send(text.encode() + b"\r")  # Enter, as a terminal sends it


def words_broken(term: TerminalSession) -> list[tuple[str, str]]:
    """Pairs of lines where the terminal, not the program, wrapped text in the middle of a
    word: a line filling every column that ends in a letter, followed by one that starts with
    a letter, where the printed text had no line break between the two."""
    printed = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", term.raw.decode("utf-8", "replace"))
    broken = []
    for line, after in zip(term.lines, term.lines[1:], strict=False):
        if line[:1] in BOX or len(line) < term.cols:
            continue
        if line[-1:].isalnum() and after[:1].isalnum():
            joined = line.split()[-1] + after.split()[0]
            if joined in printed:
                broken.append((line, after))
    return broken


def panel_rows_start_at_column_0(lines: list[str]) -> bool:
    """Every line holding a panel's corner has it at the start of the line."""
    return all("╭" not in line[1:] and "╰" not in line[1:] for line in lines)
