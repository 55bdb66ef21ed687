"""Optional sentence embeddings: an interface for a model the operator installs. Off by default.

The engine never downloads anything. An operator who wants a dense text signal
installs a sentence-embedding library and a model on disk (for example
`pip install sentence-transformers` and a copy of a multilingual model in
/srv/models/...), sets `MATCHING_SENTENCE_MODEL` to that directory, and the
index passes an encoder to `Ranker.fit(..., encoder=...)`. The score then adds
`Weights.embedding x cos(embedding_c, embedding_p)` (0 by default, so turning
the encoder on changes nothing until the weight is set: measure it first with
bench/matching_quality.py).

Any object with `encode(texts) -> (n, d) array` will do (`SentenceEncoder`).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import Protocol

import numpy as np


class SentenceEncoder(Protocol):
    def encode(self, texts: Sequence[str]) -> np.ndarray: ...


def normalised(vectors: np.ndarray) -> np.ndarray:
    vectors = np.asarray(vectors, np.float32)
    if vectors.ndim == 1:
        vectors = vectors[None, :]
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return np.divide(vectors, norms, out=np.zeros_like(vectors), where=norms > 0)


class LocalSentenceTransformer:
    """A sentence-transformers model read from a local directory, never from the network."""

    def __init__(self, path: str):
        if not os.path.isdir(path):
            raise FileNotFoundError(f"no sentence model directory at {path}")
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        from sentence_transformers import SentenceTransformer  # installed by the operator

        self._model = SentenceTransformer(path, local_files_only=True)

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        return normalised(self._model.encode(list(texts), show_progress_bar=False))


def encoder_from_path(path: str) -> SentenceEncoder | None:
    """The operator's encoder, or None when no path is set (the default)."""
    return LocalSentenceTransformer(path) if path else None
