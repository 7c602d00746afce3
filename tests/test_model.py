"""The sentence-embedding model: pinned files, verified, unpacked once, privately; numpy output."""

from __future__ import annotations

import shutil
import stat
import zipfile
from pathlib import Path

import pytest

from mlops_quiz.checking import model


def test_known_pair_similarity_matches_the_published_figure(tmp_path: Path) -> None:
    encoder = model.load(tmp_path)
    vectors = encoder.encode(["A man is eating food.", "A man is eating a piece of bread."])
    assert vectors.shape == (2, 384)
    assert abs(float((vectors * vectors).sum(axis=1)[0]) - 1.0) < 1e-5
    assert float(vectors[0] @ vectors[1]) == pytest.approx(0.755, abs=0.005)


def test_unpacked_once_privately_and_verified(tmp_path: Path) -> None:
    folder = model.model_folder(tmp_path)
    weights = folder / "model.safetensors"
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert stat.S_IMODE(weights.stat().st_mode) == 0o600
    model.verify(folder)
    mtime = weights.stat().st_mtime_ns
    assert model.model_folder(tmp_path) == folder
    assert weights.stat().st_mtime_ns == mtime  # the second load unpacked nothing


def test_a_changed_file_is_unpacked_again(tmp_path: Path) -> None:
    folder = model.model_folder(tmp_path)
    with (folder / "tokenizer.json").open("ab") as handle:
        handle.write(b" ")
    with pytest.raises(model.ModelError):
        model.verify(folder)
    model.model_folder(tmp_path)
    model.verify(folder)


def test_a_tampered_package_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fake = tmp_path / "model.zip"
    with zipfile.ZipFile(model.package_zip()) as real, zipfile.ZipFile(fake, "w") as out:
        out.writestr("tokenizer.json", real.read("tokenizer.json"))
        out.writestr("model.safetensors", b"not the weights")
    monkeypatch.setattr(model, "package_zip", lambda: fake)
    with pytest.raises(model.ModelError, match="sha256"):
        model.load(tmp_path / "cache")
    assert not (tmp_path / "cache" / model.FOLDER / "model.safetensors").exists()


def test_a_cache_others_can_write_is_refused(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    cache.mkdir()
    cache.chmod(0o777)
    with pytest.raises(model.ModelError, match="other users"):
        model.model_folder(cache)
    shutil.rmtree(cache)


def test_embeddings_match_sentence_transformers(tmp_path: Path) -> None:
    """Reference vectors made once by sentence-transformers (scripts/minilm_reference.py)."""
    import json

    import numpy as np

    fixture = Path(__file__).parent / "fixtures" / "minilm_reference.json"
    rows = json.loads(fixture.read_text(encoding="utf-8"))
    assert len(rows) >= 20
    ours = model.load(tmp_path).encode([row["sentence"] for row in rows])
    for row, vector in zip(rows, ours, strict=True):
        reference = np.array(row["embedding"], dtype=np.float32)
        cosine = float(vector @ reference / np.linalg.norm(reference))
        assert cosine >= 0.999, (row["sentence"], cosine)


def test_the_mapped_weights_are_the_library_s_own_reading(tmp_path: Path) -> None:
    import numpy as np
    from safetensors import safe_open

    path = model.model_folder(tmp_path) / "model.safetensors"
    mapped = model.map_weights(path)
    with safe_open(str(path), framework="numpy") as tensors:
        names = set(tensors.keys())
        assert set(mapped) == names
        for name in names:
            expected = tensors.get_tensor(name)
            assert mapped[name].dtype == expected.dtype, name
            assert np.array_equal(mapped[name], expected), name
    assert not mapped["encoder.layer.0.output.dense.weight"].flags.writeable


@pytest.mark.parametrize(
    "damage",
    [
        b"",  # empty
        (10**9).to_bytes(8, "little") + b"{}",  # a header longer than the file
        (30).to_bytes(8, "little") + b'{"w": {"dtype": "F32", "shape": [4], "da',  # cut JSON
        (57).to_bytes(8, "little")
        + b'{"w":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}}  '
        + b"\0" * 8,  # a tensor past the end of the file
    ],
    ids=["empty", "long-header", "cut-json", "past-the-end"],
)
def test_a_damaged_weights_file_is_one_model_error(tmp_path: Path, damage: bytes) -> None:
    path = tmp_path / "model.safetensors"
    path.write_bytes(damage)
    with pytest.raises((model.ModelError, ValueError)):
        model.map_weights(path)


def test_a_missing_model_package_is_one_line(monkeypatch: pytest.MonkeyPatch) -> None:
    import importlib.util

    monkeypatch.setattr(importlib.util, "find_spec", lambda name: None)
    with pytest.raises(model.ModelError, match="is not installed"):
        model.package_zip()


def test_no_sentence_is_an_empty_float32_array(tmp_path: Path) -> None:
    import numpy as np

    vectors = model.load(tmp_path).encode([])
    assert vectors.shape == (0, 384)
    assert vectors.dtype == np.float32
