"""The parsed-bank cache: same result as parsing, any edit seen at once, damage rebuilt."""

import os
import time
from pathlib import Path

import pytest

from mlops_quiz.bank import cache as bank_cache
from mlops_quiz.bank import load_bank
from mlops_quiz.bank.cache import load as load_cached
from mlops_quiz.errors import BankError


def test_cached_load_equals_a_fresh_parse(tmp_path: Path, small_bank: Path):
    cache = tmp_path / "cache"
    fresh = load_bank([small_bank])
    first = load_cached([small_bank], cache)
    second = load_cached([small_bank], cache)
    assert first.questions == fresh.questions == second.questions
    assert first.topics == fresh.topics == second.topics
    assert bank_cache.cache_file(cache, small_bank).exists()


def test_an_edit_is_seen_at_once_even_with_the_same_size_and_time(tmp_path: Path, small_bank: Path):
    cache = tmp_path / "cache"
    load_cached([small_bank], cache)
    st = small_bank.stat()
    text = small_bank.read_text().replace("What is MLOps?", "What is DevOps")
    assert len(text) == len(small_bank.read_text())
    small_bank.write_text(text)
    os.utime(small_bank, ns=(st.st_atime_ns, st.st_mtime_ns))  # same size, same mtime
    assert load_cached([small_bank], cache).by_id()["open-one"].prompt == "What is DevOps"


def test_an_old_unchanged_file_is_trusted_by_its_stat(
    tmp_path: Path, small_bank: Path, monkeypatch: pytest.MonkeyPatch
):
    old = time.time() - 3600
    os.utime(small_bank, (old, old))
    cache = tmp_path / "cache"
    load_cached([small_bank], cache)

    def no_read(path: Path) -> bytes:
        raise AssertionError("the file was read although its entry is trusted")

    monkeypatch.setattr(bank_cache, "read_bytes", no_read)
    assert len(load_cached([small_bank], cache).questions) == 4


def test_a_damaged_cache_is_rebuilt_silently(tmp_path: Path, small_bank: Path):
    cache = tmp_path / "cache"
    load_cached([small_bank], cache)
    entry = bank_cache.cache_file(cache, small_bank)
    entry.write_bytes(b"\x00garbage")
    assert len(load_cached([small_bank], cache).questions) == 4
    assert entry.read_bytes() != b"\x00garbage"


def test_an_invalid_bank_is_never_cached(tmp_path: Path, small_bank: Path):
    cache = tmp_path / "cache"
    small_bank.write_text(small_bank.read_text().replace("type: mcq", "type: essay"))
    for _ in range(2):
        with pytest.raises(BankError, match="unknown type 'essay'"):
            load_cached([small_bank], cache)
    assert not bank_cache.cache_file(cache, small_bank).exists()


def test_an_unwritable_cache_folder_is_not_an_error(tmp_path: Path, small_bank: Path):
    blocker = tmp_path / "cache"
    blocker.write_text("a file where the cache folder would be")
    assert len(load_cached([small_bank], blocker).questions) == 4
