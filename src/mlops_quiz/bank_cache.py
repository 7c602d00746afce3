"""A cache of parsed bank files: a large bank costs milliseconds once it has been parsed.

Each file's validated topics and questions are kept in a JSON file named after the bank file's
path. The cache is never a second source of truth: an entry is used only for the exact bytes it
was made from, and anything unreadable, out of date or of the wrong shape is deleted and
rebuilt silently. JSON (rather than marshal or pickle) keeps an entry's memory bounded by its
size, and an entry is checked field by field before use.

Checking the bytes costs a hash of the file. Like git's index, an entry also records the file's
size, modification and change times, inode and device; when they are unchanged and the file had
not been modified within the last seconds before the entry was written (so no later edit can
hide in the same timestamp), the entry is used without reading the file.

The cache folder must be ours and not writable by others: otherwise it is not used at all (an
entry planted by someone else would put their questions in front of the learner).

The dependency runs one way: this module uses ``bank``; ``bank`` knows nothing of the cache.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import tempfile
import time
from collections.abc import Collection
from pathlib import Path
from typing import Any

from mlops_quiz import __version__
from mlops_quiz.bank import (
    MAX_BANK_BYTES,
    Bank,
    Question,
    Topic,
    decode,
    load_bank,
    parse_text,
    read_bytes,
)
from mlops_quiz.files import is_read_only, make_private_dirs, unsafe_folder

CACHE_FORMAT = 3
RACY_SECONDS = 2
"""A file modified this close to the entry's making is checked by its bytes."""
MAX_ENTRY_BYTES = 4 * MAX_BANK_BYTES
"""An entry larger than this was not written by us."""


def cache_file(cache_dir: Path, path: Path) -> Path:
    key = hashlib.blake2b(str(path.resolve()).encode(), digest_size=16).hexdigest()
    return cache_dir / f"bank-{key}.json"


def _stat_key(st: os.stat_result) -> list[int]:
    return [st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino, st.st_dev]


# ---------------------------------------------------------------- an entry's shape


def _field_kinds(row_type: Any) -> list[str]:
    """Per field of a named tuple: 'str', 'int', 'bool' or 'tuple', from its default (fields
    without a default are text)."""
    kinds = []
    for name in row_type._fields:
        default = row_type._field_defaults.get(name, "")
        kinds.append(
            "bool"
            if isinstance(default, bool)
            else "int"
            if isinstance(default, int)
            else "tuple"
            if isinstance(default, tuple)
            else "str"
        )
    return kinds


class _BadEntry(Exception):
    pass


def _frozen(value: Any, depth: int = 0) -> Any:
    """JSON lists back to tuples, leaves checked: only text and whole numbers."""
    if isinstance(value, list) and depth < 2:
        return tuple(_frozen(v, depth + 1) for v in value)
    if isinstance(value, str) or (isinstance(value, int) and not isinstance(value, bool)):
        return value
    raise _BadEntry


def _rows(data: Any, row_type: Any) -> list[Any]:
    kinds = _field_kinds(row_type)
    if not isinstance(data, list):
        raise _BadEntry
    rows = []
    for raw in data:
        if not isinstance(raw, list) or len(raw) != len(kinds):
            raise _BadEntry
        values = []
        for kind, value in zip(kinds, raw, strict=True):
            if kind == "tuple":
                if not isinstance(value, list):
                    raise _BadEntry
                value = _frozen(value)
            elif kind == "bool":
                if not isinstance(value, bool):
                    raise _BadEntry
            elif kind == "int":
                if not isinstance(value, int) or isinstance(value, bool):
                    raise _BadEntry
            elif not isinstance(value, str):
                raise _BadEntry
            values.append(value)
        rows.append(row_type._make(values))
    return rows


def _unpack(entry: dict[str, Any]) -> tuple[list[Topic], list[Question]]:
    return _rows(entry["topics"], Topic), _rows(entry["questions"], Question)


# ---------------------------------------------------------------- reading and writing


def _read_entry(entry: Path) -> dict[str, Any] | None:
    """The entry's content if it looks like ours; anything else is deleted."""
    try:
        st = entry.stat()
    except OSError:
        return None
    try:
        if st.st_size > MAX_ENTRY_BYTES or (hasattr(os, "getuid") and st.st_uid != os.getuid()):
            raise _BadEntry
        data = json.loads(entry.read_bytes())
        if not (
            isinstance(data, dict)
            and data.get("format") == CACHE_FORMAT
            and data.get("version") == __version__
            and isinstance(data.get("stat"), list)
            and isinstance(data.get("digest"), str)
            and isinstance(data.get("trusted"), bool)
        ):
            raise _BadEntry
        return data
    except Exception:  # any damage means: delete, rebuild
        with contextlib.suppress(OSError):
            entry.unlink()
        return None


def _write_entry(entry: Path, data: dict[str, Any]) -> None:
    """Write atomically; a cache that cannot be written is simply not kept."""
    folder = entry.parent
    with contextlib.suppress(OSError):
        if not folder.exists():
            if is_read_only(folder.parent):
                return
            make_private_dirs(folder)
        if is_read_only(folder):
            return
        fd, tmp = tempfile.mkstemp(dir=entry.parent, prefix=".", suffix=".tmp")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                json.dump(data, handle, ensure_ascii=False, separators=(",", ":"))
            os.replace(tmp, entry)
        except OSError:
            with contextlib.suppress(OSError):
                os.unlink(tmp)


def parse_file_cached(path: Path, cache_dir: Path) -> tuple[list[Topic], list[Question]]:
    """Like ``bank.parse_file``, through the cache."""
    entry_path = cache_file(cache_dir, path)
    entry = _read_entry(entry_path)
    try:
        st = path.stat()
    except OSError:
        st = None
    fresh = st is not None and entry is not None and entry["stat"] == _stat_key(st)
    result: tuple[list[Topic], list[Question]] | None = None
    if fresh and entry is not None and entry["trusted"]:
        result = _checked_unpack(entry, entry_path)
        if result is not None:
            return result
    raw = read_bytes(path)
    digest = hashlib.blake2b(raw, digest_size=32).hexdigest()
    if entry is not None and entry["digest"] == digest:
        result = _checked_unpack(entry, entry_path)
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
                "topics": [list(t) for t in result[0]],
                "questions": [list(q) for q in result[1]],
            },
        )
    return result


def _checked_unpack(
    entry: dict[str, Any], entry_path: Path
) -> tuple[list[Topic], list[Question]] | None:
    try:
        return _unpack(entry)
    except Exception:
        with contextlib.suppress(OSError):
            entry_path.unlink()
        return None


def usable(cache_dir: Path) -> bool:
    """Whether the cache folder may be used: ours, and not writable by others."""
    return unsafe_folder(cache_dir) is None


def load(paths: list[Path], cache_dir: Path | None, lenient: Collection[Path] = ()) -> Bank:
    """``bank.load_bank`` through the cache in ``cache_dir`` (when it is safe to use)."""
    if cache_dir is None or not usable(cache_dir):
        return load_bank(paths, lenient=lenient)

    def parse(path: Path) -> tuple[list[Topic], list[Question]]:
        return parse_file_cached(path, cache_dir)

    return load_bank(paths, parse, lenient=lenient)
