"""Trained word vectors: neighbours, similarity, analogies, and the word2vec text format.

``WordVectors`` extends the plain table of ``zoo.text.vectors`` (which the sentiment pipeline
uses for ``embedding_matrix``) with cosine queries and a strict reader/writer of the standard
word2vec text format: a ``count dim`` header, then ``word v1 ... vdim`` per line. gensim's
``KeyedVectors.load_word2vec_format(path)`` reads what ``save`` writes, and ``load`` reads
gensim's files (and header-less GloVe files).

Example:
    >>> from zoo.applications.embeddings import train_word2vec
    >>> wv = train_word2vec("sentiment", epochs=5)
    >>> wv.most_similar("movie", topn=3)
    >>> wv.save("vectors.txt"); WordVectors.load("vectors.txt").similarity("good", "great")
    >>> layer = wv.embedding_layer(["[PAD]", "[UNK]", "good", "bad"])  # a Keras Embedding
"""

from __future__ import annotations

import difflib
import os
from pathlib import Path

import numpy as np

from zoo.errors import ZooFileNotFoundError, ZooKeyError, ZooValueError
from zoo.text import vectors as _vectors


def _as_list(items) -> list:
    """One word or vector -> [it]; a list of them stays a list; None -> []."""
    if items is None:
        return []
    if isinstance(items, str) or (isinstance(items, np.ndarray) and items.ndim == 1):
        return [items]
    return list(items)


class WordVectors(_vectors.WordVectors):
    """A word -> float32 vector table with cosine-similarity queries.

    Args:
        words: distinct words (no white space: the text format separates fields with spaces).
        vectors: ``(len(words), dim)`` array.
        counts: optional corpus counts of the words (kept for reference, not saved).
    """

    def __init__(self, words, vectors, counts=None):
        words = list(words)
        bad = [w for w in words if not isinstance(w, str) or not w or any(c.isspace() for c in w)]
        if bad:
            raise ZooValueError(
                f"The 'words' of WordVectors must be non-empty strings without white space (the "
                f"word2vec format separates fields with spaces). Got {bad[0]!r}; tokenise it first."
            )
        super().__init__(words, vectors)
        if len(self.index) != len(self.words):
            dup = next(w for i, w in enumerate(self.words) if self.index[w] != i)
            raise ZooValueError(f"The 'words' of WordVectors must be distinct. {dup!r} appears more than once.")
        if not np.all(np.isfinite(self.vectors)):
            raise ZooValueError("The 'vectors' of WordVectors hold NaN or infinite values; training diverged "
                             "(lower the learning rate) or the input is corrupt.")
        self.counts = None if counts is None else np.asarray(counts, dtype="int64")
        self._unit = None

    def __len__(self) -> int:
        return len(self.words)

    def __contains__(self, word) -> bool:
        return word in self.index

    def __getitem__(self, word: str) -> np.ndarray:
        return self.vectors[self._row(word)].copy()

    def __repr__(self) -> str:
        return f"WordVectors({len(self)} words, dim={self.dim})"

    def _row(self, word: str) -> int:
        row = self.index.get(word)
        if row is None:
            close = difflib.get_close_matches(str(word), self.words, n=3, cutoff=0.75)
            hint = f" Close words: {', '.join(close)}." if close else ""
            raise ZooKeyError(f"The word {word!r} has no vector (it is rarer than min_count or absent from the corpus).{hint}")
        return row

    @property
    def unit_vectors(self) -> np.ndarray:
        """The vectors scaled to unit length (zero rows stay zero)."""
        if self._unit is None:
            norms = np.linalg.norm(self.vectors, axis=1, keepdims=True)
            self._unit = self.vectors / np.maximum(norms, 1e-12)
        return self._unit

    def _as_unit(self, item) -> np.ndarray:
        vector = self.unit_vectors[self._row(item)] if isinstance(item, str) else np.asarray(item, dtype="float32")
        if vector.shape != (self.dim,):
            raise ZooValueError(f"A query vector must have shape ({self.dim},). Got {vector.shape}.")
        return vector / max(float(np.linalg.norm(vector)), 1e-12)

    def most_similar(self, positive=None, negative=None, topn: int = 10) -> list[tuple[str, float]]:
        """The ``topn`` words closest (cosine) to the mean of ``positive`` minus ``negative``.

        Words (or vectors) may be given singly or in lists; the query words themselves are left
        out of the answer, as in gensim.

        Example:
            >>> wv.most_similar("good", topn=3)
            >>> wv.most_similar(positive=["king", "woman"], negative=["man"])
        """
        positive, negative = _as_list(positive), _as_list(negative)
        if not positive and not negative:
            raise ZooValueError("most_similar needs at least one word in 'positive' or 'negative'. Got neither.")
        if not isinstance(topn, int) or topn < 1:
            raise ZooValueError(f"The 'topn' parameter of most_similar must be an int >= 1. Got {topn!r}.")
        query = np.mean([self._as_unit(w) for w in positive] + [-self._as_unit(w) for w in negative], axis=0)
        query /= max(float(np.linalg.norm(query)), 1e-12)
        scores = self.unit_vectors @ query
        exclude = {self.index[w] for w in positive + negative if isinstance(w, str)}
        k = min(len(scores), topn + len(exclude))
        best = np.argpartition(-scores, k - 1)[:k]
        best = best[np.argsort(-scores[best], kind="stable")]
        return [(self.words[i], float(scores[i])) for i in best if i not in exclude][:topn]

    def similarity(self, word1: str, word2: str) -> float:
        """Cosine similarity of two words' vectors."""
        return float(self.unit_vectors[self._row(word1)] @ self.unit_vectors[self._row(word2)])

    def analogy(self, a: str, b: str, c: str, topn: int = 1) -> list[tuple[str, float]]:
        """``a`` is to ``b`` as ``c`` is to ...? (3CosAdd: nearest to b - a + c, inputs excluded).

        Example:
            >>> wv.analogy("man", "king", "woman")  # [('queen', 0.7...)] on a large corpus
        """
        return self.most_similar(positive=[b, c], negative=[a], topn=topn)

    def embedding_layer(self, vocabulary: list[str], trainable: bool = True, mask_zero: bool = False,
                        name: str = "embedding", **matrix_kwargs):
        """A Keras ``Embedding`` for ``vocabulary`` whose weights start from these vectors.

        Words without a vector get small random rows (see ``embedding_matrix``).
        """
        import keras

        matrix = self.embedding_matrix(list(vocabulary), **matrix_kwargs)
        return keras.layers.Embedding(len(matrix), self.dim, weights=matrix, trainable=trainable,
                                      mask_zero=mask_zero, name=name)

    def save(self, path: str | os.PathLike) -> Path:
        """Write the word2vec text format (UTF-8); 9 significant digits restore float32 exactly."""
        path = Path(path)
        tmp = path.with_name(f".{path.name}.tmp")
        with open(tmp, "w", encoding="utf-8") as f:
            f.write(f"{len(self)} {self.dim}\n")
            for word, row in zip(self.words, self.vectors):
                f.write(word + " " + " ".join(f"{v:.9g}" for v in row.tolist()) + "\n")
        os.replace(tmp, path)
        return path

    @classmethod
    def load(cls, path: str | os.PathLike, limit: int | None = None) -> "WordVectors":
        """Read a word2vec text file (with its ``count dim`` header) or a header-less GloVe file."""
        path = Path(path)
        if not path.is_file():
            raise ZooFileNotFoundError(f"The 'path' argument of WordVectors.load names {path}, which is not a file.")
        words, rows, dim, expected = [], [], None, None
        with open(path, encoding="utf-8") as f:
            for n, line in enumerate(f, start=1):
                parts = line.rstrip("\n").rstrip(" ").split(" ")
                if n == 1 and len(parts) == 2 and all(p.isdigit() for p in parts):
                    expected, dim = int(parts[0]), int(parts[1])
                    continue
                if parts == [""]:
                    continue
                if dim is None:
                    dim = len(parts) - 1
                if len(parts) != dim + 1:
                    raise ZooValueError(
                        f"{path}, line {n}: expected a word and {dim} numbers (word2vec text format), "
                        f"got {len(parts) - 1} fields after {parts[0]!r}. Is the file truncated or binary?"
                    )
                try:
                    rows.append(np.asarray(parts[1:], dtype="float32"))
                except ValueError:
                    raise ZooValueError(f"{path}, line {n}: the values after {parts[0]!r} are not all numbers.") from None
                words.append(parts[0])
                if limit is not None and len(words) >= limit:
                    break
        if not words:
            raise ZooValueError(f"{path} holds no vectors; expected the word2vec text format ('count dim' header, then 'word v1 v2 ...').")
        if expected is not None and limit is None and len(words) != expected:
            raise ZooValueError(f"{path}: the header promises {expected} vectors but the file holds {len(words)}. Is it truncated?")
        return cls(words, np.stack(rows))
