"""Two study sessions and readers on one SQLite file at once: no lock errors, nothing lost."""

from __future__ import annotations

import json
import subprocess
import threading
from pathlib import Path

import pytest
from rel_helpers import QUIZ, assert_cards_match_log, env_with, integrity, query, run

from mlops_quiz.store import migrations

TOPICS = ("alpha", "beta")
PER_TOPIC = 20


def write_bank(path: Path) -> list[str]:
    """A bank of 40 open items in two topics; returns the ids in bank order."""
    lines = ["topics:"]
    for topic in TOPICS:
        lines += [f"  - id: {topic}", f"    title: Topic {topic}"]
    lines.append("questions:")
    ids = []
    for topic in TOPICS:
        for n in range(PER_TOPIC):
            qid = f"{topic}-{n:02d}"
            ids.append(qid)
            lines += [
                f"  - id: {qid}",
                f"    topic: {topic}",
                "    type: open",
                f"    prompt: Question {n} of {topic}?",
                f"    answer: Answer {n}.",
            ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return ids


def readers(env: dict[str, str], bank: Path, db_url: str, stop: threading.Event, out: list):
    """stats --json and list --json in a loop until told to stop."""
    while not stop.is_set():
        for command in (["stats", "--json"], ["list", "--json"]):
            result = run([*command, "--bank", str(bank), "--db", db_url], env)
            out.append((command[0], result))


def run_together(env: dict[str, str], bank: Path, db: Path, sessions: list[list[str]]) -> list:
    db_url = f"sqlite:///{db}"
    stop = threading.Event()
    reads: list = []
    reader = threading.Thread(target=readers, args=(env, bank, db_url, stop, reads))
    reader.start()
    procs = []
    try:
        for args in sessions:
            procs.append(
                subprocess.Popen(
                    [QUIZ, "study", "--bank", str(bank), "--db", db_url, "--new", "100", *args],
                    stdin=subprocess.PIPE,
                    stdout=subprocess.PIPE,
                    stderr=subprocess.PIPE,
                    env=env,
                    text=True,
                )
            )
        # Every item: an answer line and grade 5 (no same-day repeats).
        answers = "my answer\n5\n" * (PER_TOPIC * len(TOPICS))
        outputs = []
        threads = []
        for proc in procs:
            box: list = []
            outputs.append(box)
            t = threading.Thread(target=lambda p=proc, b=box: b.append(p.communicate(answers, 120)))
            t.start()
            threads.append(t)
        for t in threads:
            t.join(150)
    finally:
        stop.set()
        reader.join(150)
        for proc in procs:
            if proc.poll() is None:
                proc.kill()
    for proc, box in zip(procs, outputs, strict=True):
        stdout, stderr = box[0]
        assert proc.returncode == 0, stderr
        assert "locked" not in stderr.lower() and stderr == "", stderr
        assert "Session over" in stdout
    assert reads, "the readers never ran"
    for name, result in reads:
        assert result.returncode == 0, (name, result.stderr)
        assert "locked" not in result.stderr.lower()
        json.loads(result.stdout)
    return [box[0][0] for box in outputs]


def test_two_profiles_share_one_new_database(script_env, tmp_path: Path):
    env = env_with(script_env)
    bank = tmp_path / "forty.yaml"
    ids = write_bank(bank)
    db = tmp_path / "shared.db"  # does not exist yet: both sessions create and migrate it
    run_together(env, bank, db, [["--profile", "ann"], ["--profile", "bob"]])
    for profile in ("ann", "bob"):
        rows = query(
            db, "SELECT question_id, grade FROM reviews WHERE profile = ? ORDER BY id", (profile,)
        )
        assert rows == [(qid, 5) for qid in ids]
        cards = query(db, "SELECT count(*) FROM cards WHERE profile = ?", (profile,))
        assert cards == [(len(ids),)]
    assert integrity(db) == "ok"
    assert_cards_match_log(db)
    applied = [name for (name,) in query(db, "SELECT name FROM _mlops_quiz_migrations")]
    assert sorted(applied) == sorted(m.__name__ for m in migrations.MIGRATIONS)  # each once


@pytest.mark.parametrize("existing", [False, True], ids=["new-db", "existing-db"])
def test_one_profile_two_topics_at_once(existing: bool, script_env, tmp_path: Path):
    env = env_with(script_env)
    bank = tmp_path / "forty.yaml"
    ids = write_bank(bank)
    db = tmp_path / "shared.db"
    if existing:
        created = run(["stats", "--bank", str(bank), "--db", f"sqlite:///{db}"], env)
        assert created.returncode == 0, created.stderr
    run_together(env, bank, db, [["--topic", "alpha"], ["--topic", "beta"]])
    logged = query(db, "SELECT question_id, grade, kind FROM reviews WHERE profile = 'default'")
    assert sorted(logged) == sorted((qid, 5, "review") for qid in ids)
    for topic in TOPICS:  # each session's own answers are in its order
        own = [q for (q, _, _) in logged if q.startswith(topic)]
        assert own == [qid for qid in ids if qid.startswith(topic)]
    assert integrity(db) == "ok"
    assert_cards_match_log(db)
    stats = json.loads(
        run(["stats", "--json", "--bank", str(bank), "--db", f"sqlite:///{db}"], env).stdout
    )
    assert stats["cards"]["new"] == 0 and stats["retention"]["reviews"] == len(ids)
