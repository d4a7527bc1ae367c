"""Pre-trained word vectors for initialising an embedding layer.

``sentiment.train(embeddings=...)`` accepts any object with a method
``embedding_matrix(vocabulary: list[str]) -> np.ndarray`` of shape ``(len(vocabulary), dim)``
(the zoo's Word2Vec does this), or a path to a word2vec *text* file (``WordVectors.load``).

Example:
    >>> vectors = WordVectors.load("vectors.txt")
    >>> matrix = vectors.embedding_matrix(["[PAD]", "[UNK]", "film"])
"""

from __future__ import annotations

import os

import numpy as np

from zoo.errors import ZooValueError


class WordVectors:
    """A word -> vector table (float32) with ``embedding_matrix`` for a vocabulary.

    Rows of words the table lacks are drawn uniformly from ``[-scale, scale]`` (Kim 2014 uses
    0.25, close to the variance of word2vec vectors); the ``[PAD]`` row is zero.
    """

    def __init__(self, words: list[str], vectors: np.ndarray):
        vectors = np.asarray(vectors, dtype="float32")
        if vectors.ndim != 2 or len(words) != len(vectors):
            raise ZooValueError(f"WordVectors needs one row per word: got {len(words)} words and an array of shape {vectors.shape}.")
        self.words = list(words)
        self.vectors = vectors
        self.index = {w: i for i, w in enumerate(self.words)}

    @property
    def dim(self) -> int:
        return int(self.vectors.shape[1])

    @classmethod
    def load(cls, path: str | os.PathLike, limit: int | None = None) -> "WordVectors":
        return load_word2vec_text(path, limit)

    def embedding_matrix(self, vocabulary: list[str], scale: float = 0.25, seed: int = 0,
                         lowercase_fallback: bool = True) -> np.ndarray:
        """(len(vocabulary), dim) float32: known words copied, unknown ones random, [PAD] zero."""
        rng = np.random.default_rng(seed)
        out = rng.uniform(-scale, scale, size=(len(vocabulary), self.dim)).astype("float32")
        for i, word in enumerate(vocabulary):
            j = self.index.get(word)
            if j is None and lowercase_fallback:
                j = self.index.get(word.lower())
            if j is not None:
                out[i] = self.vectors[j]
        if vocabulary and vocabulary[0] == "[PAD]":
            out[0] = 0.0
        return out

    def coverage(self, vocabulary: list[str]) -> float:
        """Fraction of ``vocabulary`` that has a vector."""
        return float(np.mean([w in self.index for w in vocabulary])) if vocabulary else 0.0


def load_word2vec_text(path: str | os.PathLike, limit: int | None = None) -> WordVectors:
    """Read a word2vec text file: an optional ``count dim`` header, then ``word v1 ... vd`` lines."""
    words, rows, dim = [], [], None
    with open(path, encoding="utf-8", errors="replace") as f:
        for n, line in enumerate(f):
            parts = line.rstrip().split(" ")
            if n == 0 and len(parts) == 2 and all(p.isdigit() for p in parts):
                dim = int(parts[1])
                continue
            if len(parts) < 2:
                continue
            if dim is None:
                dim = len(parts) - 1
            if len(parts) - 1 != dim:
                raise ZooValueError(f"{path}, line {n + 1}: expected a word and {dim} numbers, got {len(parts) - 1} numbers.")
            words.append(parts[0])
            rows.append(np.asarray(parts[1:], dtype="float32"))
            if limit is not None and len(words) >= limit:
                break
    if not words:
        raise ZooValueError(f"{path} holds no word vectors; expected word2vec text format ('word v1 v2 ...' per line).")
    return WordVectors(words, np.stack(rows))
