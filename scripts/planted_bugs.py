"""Plausible bugs in the core modules, planted one at a time: each must make its rule tests fail.

Every bug is planted in a scratch copy of ``src`` (the work tree is never changed) and the
module's rule tests run against it. Prints one line per bug; exit code 1 if one is missed.

    .venv/bin/python scripts/planted_bugs.py
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
S = "src/mlops_quiz/"

# (what the bug is, file, text replaced, replacement, the module's rule tests or a test file)
BUGS = [
    (
        "scheduler: EF floor 1.2",
        S + "scheduling/sm2.py",
        "EF_MIN = 130",
        "EF_MIN = 120",
        "scheduler",
    ),
    (
        "scheduler: day in the moment's zone",
        S + "scheduling/sm2.py",
        "local = moment.astimezone()",
        "local = moment",
        "scheduler",
    ),
    (
        "session: low cram logged as repeat",
        S + "study/session.py",
        "repeat_kind = KIND_CRAM if item.kind == KIND_CRAM else KIND_REPEAT",
        "repeat_kind = KIND_REPEAT",
        "session",
    ),
    (
        "session: next due skips today",
        S + "study/session.py",
        "self.today - timedelta(days=1), ids",
        "self.today, ids",
        "session",
    ),
    (
        "session: bank order not most overdue",
        S + "study/session.py",
        "due.sort(key=lambda q: (states[q.id].due or today, order[q.id]))",
        "due.sort(key=lambda q: order[q.id])",
        "session",
    ),
    (
        "session: default new 10",
        S + "study/session.py",
        "DEFAULT_NEW_PER_DAY = 20",
        "DEFAULT_NEW_PER_DAY = 10",
        "session",
    ),
    (
        "session: default limit 100",
        S + "study/session.py",
        "DEFAULT_LIMIT = 200",
        "DEFAULT_LIMIT = 100",
        "session",
    ),
    (
        "store: undo keeps passes",
        S + "store/review_log.py",
        "passes=cards.c.passes - int(is_pass(row.grade)),",
        "passes=cards.c.passes,",
        "store",
    ),
    (
        "store: next_due includes the day",
        S + "store/cards.py",
        "cards.c.due > after",
        "cards.c.due >= after",
        "store",
    ),
    (
        "checking: punctuation dropped",
        S + "checking/choices.py",
        "return fold(text[:MAX_COMPARED_CHARS])",
        "return re.sub(r'[^\\w\\s]', '', fold(text[:MAX_COMPARED_CHARS]))",
        "checking",
    ),
    (
        "checking: substring accepted",
        S + "checking/choices.py",
        "if normalize(typed) == normalize(accepted):",
        "if normalize(typed) in normalize(accepted):",
        "checking",
    ),
    (
        "checking: trailing ; wrong",
        S + "checking/choices.py",
        "while len(parts) > count and not parts[-1]:",
        "while False:",
        "checking",
    ),
    (
        "bank: upper-case ids",
        S + "bank/fields.py",
        'ID_PATTERN = re.compile(r"[a-z0-9][a-z0-9_.-]*")',
        'ID_PATTERN = re.compile(r"[a-zA-Z0-9][a-zA-Z0-9_.-]*")',
        "bank",
    ),
    (
        "bank: 81-character ids",
        S + "bank/fields.py",
        "MAX_ID_LENGTH = 80",
        "MAX_ID_LENGTH = 81",
        "bank",
    ),
    (
        "bank: duplicate topics overwrite",
        S + "bank/loading.py",
        "            if topic.id in bank.topics:",
        "            if False:",
        "bank",
    ),
    (
        "bank: ; in cloze alternative",
        S + "bank/entries.py",
        'elif any(";" in alt for alt in alternatives):',
        "elif False:",
        "bank",
    ),
    (
        "bank: correct A refused",
        S + "bank/entries.py",
        "LETTERS.find(letter.lower())",
        "LETTERS.find(letter)",
        "bank",
    ),
    (
        "bank: 26 choices refused",
        S + "bank/fields.py",
        "MAX_CHOICES = 26",
        "MAX_CHOICES = 25",
        "bank",
    ),
    (
        "authoring: permissions changed",
        S + "bank/authoring.py",
        "mode = path.stat().st_mode & 0o777 if path.exists() else _new_file_mode()",
        "mode = _new_file_mode()",
        "authoring",
    ),
    (
        "authoring: unbounded slug",
        S + "bank/authoring.py",
        "        if len(candidate) > MAX_SLUG_LENGTH:\n            break\n",
        "",
        "authoring",
    ),
    (
        "authoring: writers not serialised",
        S + "bank/authoring.py",
        "                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)\n",
        "",
        "authoring",
    ),
    (
        "migrations: m003 counts passes as grade > 3",
        S + "store/migrations.py",
        "AND r.grade >= :passing_grade)",
        "AND r.grade > :passing_grade)",
        "across",
    ),
    (
        "stats: the forecast drops overdue cards",
        S + "study/stats.py",
        "if state.due is not None and state.due <= horizon:",
        "if state.due is not None and today <= state.due <= horizon:",
        "across",
    ),
    (
        "session: the new allowance counted by calendar date, not study day",
        S + "study/session.py",
        "store.introduced_on(profile, today)",
        "store.introduced_on(profile, started.astimezone().date())",
        "across",
    ),
    (
        "progress import: the merged log replays same-day repeats as reviews",
        S + "store/moving.py",
        "            if row.kind == KIND_REVIEW:\n",
        '            if row.kind in (KIND_REVIEW, "repeat"):\n',
        "across",
    ),
    (
        "pass rule: a grade of 3 fails",
        S + "scheduling/sm2.py",
        "return grade >= PASSING_GRADE",
        "return grade > PASSING_GRADE",
        "tests/test_pass_rule.py",
    ),
    (
        "fsrs: grade 2 rated Hard",
        S + "scheduling/fsrs.py",
        "RATINGS = {0: 1, 1: 1, 2: 1, 3: 2, 4: 3, 5: 4}",
        "RATINGS = {0: 1, 1: 1, 2: 2, 3: 2, 4: 3, 5: 4}",
        "tests/test_pass_rule.py",
    ),
    (
        "fsrs: no fuzz from 2.5 days",
        S + "scheduling/fsrs.py",
        "if interval < FUZZ_RANGES[0][0]:",
        "if interval <= FUZZ_RANGES[0][0]:",
        "tests/test_fsrs.py",
    ),
    (
        "checking: exactly half right is 2",
        S + "checking/grade.py",
        "if share_right >= 0.5:",
        "if share_right > 0.5:",
        "checking",
    ),
    (
        "session: no 0 for an empty answer to an item without key points",
        S + "study/loop.py",
        "return suggest_grade(0, 0, empty=is_empty(typed))",
        "return None",
        "tests/test_empty_answer.py",
    ),
    (
        "model: attention scaled by the hidden size, not a head's",
        S + "checking/model.py",
        "/ np.float32(np.sqrt(d)) + bias",
        "/ np.float32(np.sqrt(h)) + bias",
        "tests/test_model.py",
    ),
    (
        "model: mean pooling over the padding too",
        S + "checking/model.py",
        "pooled = (hidden * mask[:, :, None]).sum(axis=1)",
        "pooled = hidden.sum(axis=1)",
        "tests/test_model.py",
    ),
    (
        "meaning: a point made when the rule is below the threshold",
        S + "checking/meaning.py",
        "made = probability(rows[n]) >= THRESHOLD",
        "made = probability(rows[n]) < THRESHOLD",
        "tests/test_meaning.py",
    ),
    (
        "meaning: the margin's sign turned round",
        S + "checking/meaning.py",
        "margin = best - float(others.max()) if others.size else best",
        "margin = float(others.max()) - best if others.size else best",
        "tests/test_meaning.py",
    ),
    (
        "matchers: the fallback warning said at every open answer",
        S + "checking/matchers.py",
        'self._problem = ""',
        "pass",
        "tests/test_meaning.py",
    ),
    (
        "progress import: an answer from the future accepted",
        S + "transfer/progress.py",
        "if utc > now + CLOCK_SKEW:",
        "if utc.year > 8999:",
        "tests/test_transfer_hostile.py",
    ),
    (
        "anki: every gap of a cloze is c1",
        S + "transfer/anki.py",
        'parts.append(f"{{{{c{n}::',
        'parts.append(f"{{{{c1::',
        "tests/test_transfer_anki.py",
    ),
    (
        "markdown: inline markup not escaped",
        S + "transfer/markdown.py",
        r'return SPECIAL.sub(r"\\\1", text)',
        "return text",
        "tests/test_transfer.py",
    ),
    (
        "csv: no byte-order mark",
        S + "transfer/spreadsheet.py",
        'text = io.TextIOWrapper(out, encoding="utf-8-sig", newline="")',
        'text = io.TextIOWrapper(out, encoding="utf-8", newline="")',
        "tests/test_transfer.py",
    ),
    (
        "class report: mature from 22 days",
        S + "classroom/report.py",
        "if card.interval >= MATURE_DAYS:",
        "if card.interval > MATURE_DAYS:",
        "tests/test_class_report.py",
    ),
    (
        "class report: a card due today not counted",
        S + "classroom/report.py",
        "if card.due is not None and card.due <= today:",
        "if card.due is not None and card.due < today:",
        "tests/test_class_report.py",
    ),
    (
        "class report: learners with no answer listed last",
        S + "classroom/report.py",
        "return (-1.0 if retention is None else retention, -row.due, row.learner)",
        "return (2.0 if retention is None else retention, -row.due, row.learner)",
        "tests/test_class_report.py",
    ),
]


def main() -> int:
    missed = 0
    for name, path, old, new, module in BUGS:
        with tempfile.TemporaryDirectory(prefix="planted-") as scratch:
            copy = Path(scratch) / "src"
            shutil.copytree(ROOT / "src", copy, ignore=shutil.ignore_patterns("__pycache__"))
            target = copy / path.removeprefix("src/")
            text = target.read_text(encoding="utf-8")
            if text.count(old) != 1:
                missed += 1
                print(f"STALE   {name}: the code changed, update the bug", flush=True)
                continue
            target.write_text(text.replace(old, new), encoding="utf-8")
            module_tests = module if module.endswith(".py") else f"tests/test_rules_{module}.py"
            env = dict(os.environ, PYTHONPATH=str(copy), PYTHONDONTWRITEBYTECODE="1")
            result = subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "pytest",
                    "-q",
                    "-x",
                    "-p",
                    "no:cacheprovider",
                    module_tests,
                ],
                cwd=ROOT,
                env=env,
                capture_output=True,
                check=False,
            )
        caught = result.returncode == 1
        missed += not caught
        verdict = "caught" if caught else "MISSED" if result.returncode == 0 else "ERROR "
        print(f"{verdict}  {name}", flush=True)
    print(f"{len(BUGS) - missed} of {len(BUGS)} planted bugs caught")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
