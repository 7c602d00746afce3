"""A cache of parsed bank files: a large bank costs milliseconds once it has been parsed.

Each file's validated topics and questions are kept in an entry named after the bank file's
path: one line of JSON (what the entry was made from, and the size and digest of what follows),
then the rows in ``marshal`` form. The cache is never a second source of truth: an entry is used
only for the exact bytes it was made from, and anything unreadable, out of date or of the wrong
shape is deleted and rebuilt silently.

Why marshal behind a digest rather than JSON: parsing and checking a 10,000-item bank from JSON
costs several times the whole cached load (its budget is 50 ms). marshal is fast but trusts its
input (five crafted bytes can ask for gigabytes), so the payload is unmarshalled only when its
size and digest are the ones written with it: a damaged or truncated entry never reaches it.
Entries are trusted only from a cache folder and file of our own (see below); the rows are still
checked for their shape before use.

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
import marshal
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

CACHE_FORMAT = 4
RACY_SECONDS = 2
"""A file modified this close to the entry's making is checked by its bytes."""
MAX_ENTRY_BYTES = 4 * MAX_BANK_BYTES
"""An entry larger than this was not written by us."""


def cache_file(cache_dir: Path, path: Path) -> Path:
    key = hashlib.blake2b(str(path.resolve()).encode(), digest_size=16).hexdigest()
    return cache_dir / f"bank-{key}.entry"


def _stat_key(st: os.stat_result) -> list[int]:
    return [st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino, st.st_dev]


# ---------------------------------------------------------------- an entry


class _BadEntry(Exception):
    pass


def _rows(data: Any, row_type: Any) -> list[Any]:
    """Named tuples from an entry's rows, after checking each is a tuple of the right size."""
    size = len(row_type._fields)
    if type(data) is not tuple or not all(type(r) is tuple and len(r) == size for r in data):
        raise _BadEntry
    return list(map(row_type._make, data))


def _pack(meta: dict[str, Any], topics: list[Topic], questions: list[Question]) -> bytes:
    """One header line of JSON (with the payload's size and digest), then the payload."""
    payload = marshal.dumps((tuple(map(tuple, topics)), tuple(map(tuple, questions))))
    header = {
        **meta,
        "size": len(payload),
        "payload": hashlib.blake2b(payload, digest_size=32).hexdigest(),
    }
    return json.dumps(header, separators=(",", ":")).encode() + b"\n" + payload


def _unpack(data: bytes, header: dict[str, Any]) -> tuple[list[Topic], list[Question]]:
    """The topics and questions of an entry whose header was read: the payload is
    unmarshalled only when its size and digest are the ones written, so a damaged or
    truncated entry never reaches ``marshal`` (whose memory a crafted stream can blow up)."""
    payload = data[data.index(b"\n") + 1 :]
    if len(payload) != header["size"]:
        raise _BadEntry
    if hashlib.blake2b(payload, digest_size=32).hexdigest() != header["payload"]:
        raise _BadEntry
    content = marshal.loads(payload)
    if type(content) is not tuple or len(content) != 2:
        raise _BadEntry
    return _rows(content[0], Topic), _rows(content[1], Question)


# ---------------------------------------------------------------- reading and writing


def _read_entry(entry: Path) -> tuple[dict[str, Any], bytes] | None:
    """The entry's header and bytes if it looks like ours; anything else is deleted."""
    try:
        st = entry.stat()
    except OSError:
        return None
    try:
        if st.st_size > MAX_ENTRY_BYTES or (hasattr(os, "getuid") and st.st_uid != os.getuid()):
            raise _BadEntry
        data = entry.read_bytes()
        header = json.loads(data[: data.index(b"\n")])
        if not (
            isinstance(header, dict)
            and header.get("format") == CACHE_FORMAT
            and header.get("version") == __version__
            and isinstance(header.get("stat"), list)
            and isinstance(header.get("digest"), str)
            and isinstance(header.get("trusted"), bool)
            and isinstance(header.get("size"), int)
            and isinstance(header.get("payload"), str)
        ):
            raise _BadEntry
        return header, data
    except Exception:  # any damage means: delete, rebuild
        with contextlib.suppress(OSError):
            entry.unlink()
        return None


def _write_entry(entry: Path, data: bytes) -> None:
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
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
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
    header = entry[0] if entry is not None else None
    fresh = st is not None and header is not None and header["stat"] == _stat_key(st)
    result: tuple[list[Topic], list[Question]] | None = None
    if fresh and entry is not None and entry[0]["trusted"]:
        result = _checked_unpack(entry, entry_path)
        if result is not None:
            return result
    raw = read_bytes(path)
    digest = hashlib.blake2b(raw, digest_size=32).hexdigest()
    if entry is not None and entry[0]["digest"] == digest:
        result = _checked_unpack(entry, entry_path)
    if result is None:
        result = parse_text(decode(raw, str(path)), str(path))
    if st is not None:
        meta = {
            "format": CACHE_FORMAT,
            "version": __version__,
            "stat": _stat_key(st),
            "trusted": time.time_ns() - st.st_mtime_ns > RACY_SECONDS * 1_000_000_000,
            "digest": digest,
        }
        _write_entry(entry_path, _pack(meta, *result))
    return result


def _checked_unpack(
    entry: tuple[dict[str, Any], bytes], entry_path: Path
) -> tuple[list[Topic], list[Question]] | None:
    try:
        return _unpack(entry[1], entry[0])
    except Exception:
        with contextlib.suppress(OSError):
            entry_path.unlink()
        return None


def usable(cache_dir: Path) -> bool:
    """Whether the cache folder may be used: ours, and not writable by others."""
    return unsafe_folder(cache_dir) is None


def load(
    paths: list[Path],
    cache_dir: Path | None,
    lenient: Collection[Path] = (),
    topics_from: Path | None = None,
) -> Bank:
    """``bank.load_bank`` through the cache in ``cache_dir`` (when it is safe to use)."""
    if cache_dir is None or not usable(cache_dir):
        return load_bank(paths, lenient=lenient, topics_from=topics_from)

    def parse(path: Path) -> tuple[list[Topic], list[Question]]:
        return parse_file_cached(path, cache_dir)

    return load_bank(paths, parse, lenient=lenient, topics_from=topics_from)
