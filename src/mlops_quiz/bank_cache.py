"""A cache of parsed bank files: a large bank costs milliseconds once it has been parsed.

Each file's validated topics and questions are kept in a marshal file named after the bank
file's path. The cache is never a second source of truth: an entry is used only for the exact
bytes it was made from, and anything unreadable or out of date is rebuilt silently.

Checking the bytes costs a hash of the file. Like git's index, an entry also records the file's
size, modification time and inode; when they are unchanged and the file had not been modified
within the last seconds before the entry was written (so no later edit can hide in the same
timestamp), the entry is used without reading the file.
"""

from __future__ import annotations

import contextlib
import hashlib
import marshal
import os
import tempfile
import time
from pathlib import Path
from typing import Any

from mlops_quiz import __version__
from mlops_quiz.bank import Question, Topic, decode, parse_text, read_bytes
from mlops_quiz.files import is_read_only

CACHE_FORMAT = 2
RACY_SECONDS = 2
"""A file modified this close to the entry's making is checked by its bytes."""


def cache_file(cache_dir: Path, path: Path) -> Path:
    key = hashlib.blake2b(str(path.resolve()).encode(), digest_size=16).hexdigest()
    return cache_dir / f"bank-{key}.marshal"


def _stat_key(st: os.stat_result) -> tuple[int, int, int]:
    return (st.st_size, st.st_mtime_ns, st.st_ino)


def _read_entry(entry: Path) -> dict[str, Any] | None:
    try:
        data = marshal.loads(entry.read_bytes())
        if data["format"] != CACHE_FORMAT or data["version"] != __version__:
            return None
        return data  # type: ignore[no-any-return]
    except Exception:  # any damage means: rebuild
        return None


def _write_entry(entry: Path, data: dict[str, Any]) -> None:
    """Write atomically; a cache that cannot be written is simply not kept."""
    folder = entry.parent
    with contextlib.suppress(OSError):
        if not folder.exists():
            if is_read_only(folder.parent):
                return
            folder.mkdir(parents=True, exist_ok=True)
        if is_read_only(folder):
            return
        fd, tmp = tempfile.mkstemp(dir=entry.parent, prefix=".", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(marshal.dumps(data))
            os.replace(tmp, entry)
        except OSError:
            with contextlib.suppress(OSError):
                os.unlink(tmp)


def _unpack(data: dict[str, Any]) -> tuple[list[Topic], list[Question]]:
    return list(map(Topic._make, data["topics"])), list(map(Question._make, data["questions"]))


def parse_file_cached(path: Path, cache_dir: Path) -> tuple[list[Topic], list[Question]]:
    """Like ``bank.parse_file``, through the cache."""
    entry_path = cache_file(cache_dir, path)
    entry = _read_entry(entry_path)
    try:
        st = path.stat()
    except OSError:
        st = None
    fresh = st is not None and entry is not None and tuple(entry["stat"]) == _stat_key(st)
    if fresh and entry is not None and entry.get("trusted"):
        with contextlib.suppress(Exception):
            return _unpack(entry)
    raw = read_bytes(path)
    digest = hashlib.blake2b(raw, digest_size=32).hexdigest()
    result: tuple[list[Topic], list[Question]] | None = None
    if entry is not None and entry.get("digest") == digest:
        with contextlib.suppress(Exception):
            result = _unpack(entry)
    if result is None:
        result = parse_text(decode(raw, str(path)), str(path))
    if st is not None:
        _write_entry(
            entry_path,
            {
                "format": CACHE_FORMAT,
                "version": __version__,
                "stat": _stat_key(st),
                "trusted": time.time_ns() - st.st_mtime_ns > RACY_SECONDS * 1_000_000_000,
                "digest": digest,
                "topics": [tuple(t) for t in result[0]],
                "questions": [tuple(q) for q in result[1]],
            },
        )
    return result
