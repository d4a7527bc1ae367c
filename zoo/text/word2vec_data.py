"""Word2Vec training data in vectorised NumPy: corpus, vocabulary, subsampling, windows, negatives.

The choices follow Mikolov et al. (2013) and the reference C tool (which gensim mirrors):

* ``min_count``: words seen fewer times are dropped from the corpus before windows are cut.
* frequent-word subsampling: a token of a word with frequency ``f`` (share of the corpus) is
  kept with probability ``(sqrt(f / t) + 1) * t / f`` (the C tool's formula, ``t = sample``).
* dynamic window: each centre token draws its effective window ``b`` uniformly from
  ``1..window``, so near neighbours are seen more often than far ones.
* negatives: drawn from the unigram distribution raised to the power 0.75.

Nothing here loops over pairs in Python: pairs for offset ``o`` are cut for every token at once
(``2 * window`` array operations per epoch), and negatives are one indexed draw from a table.

Example:
    >>> from zoo.text.word2vec_data import Vocabulary, encode, skipgram_pairs
    >>> sentences = [["a", "fine", "film"], ["a", "dull", "film"]]
    >>> vocab = Vocabulary.build(sentences, min_count=1)
    >>> ids, sentence_of = encode(sentences, vocab)
    >>> centres, contexts = skipgram_pairs(ids, sentence_of, window=2, rng=np.random.default_rng(0))
"""

from __future__ import annotations

import collections
import dataclasses
import os
from typing import Callable, Iterable

import numpy as np

from zoo.errors import ZooTypeError, ZooValueError

# corpus="sentiment": the sentence text of the shared sentiment sets (labels are never read).
CORPUS_GROUPS = {"sentiment": ("sst2", "mr")}


def whitespace_tokenize(text: str) -> list[str]:
    """Lower-case, then split on white space (for pre-tokenised text)."""
    return text.lower().split()


def _tokenizer(tokenizer) -> Callable[[str], list[str]]:
    if callable(tokenizer):
        return tokenizer
    if tokenizer == "whitespace":
        return whitespace_tokenize
    if tokenizer == "basic":
        # The sentiment models' own tokeniser: the vectors then cover the words they look up.
        from zoo.text.tokenizer import basic_tokenize

        return basic_tokenize
    raise ZooValueError(
        f"The 'tokenizer' parameter must be 'basic', 'whitespace' or a callable str -> list[str]. "
        f"Got {tokenizer!r} instead."
    )


def _dataset_names() -> list[str]:
    from zoo.datasets.text import LOADERS

    return sorted([*LOADERS, *CORPUS_GROUPS])


def read_dataset_text(name: str, path: str | os.PathLike | None = None) -> list[str]:
    """The sentences (train, dev and test; no labels) of a registered text dataset.

    ``name`` is one of ``zoo.datasets.text.LOADERS`` (``sst2``, ``mr``, ``imdb``) or ``sentiment``
    (SST-2 and MR together). Word2Vec never sees the labels, so using the evaluation sentences
    is unsupervised pre-training on in-domain text, as in the papers that pre-train on MR/SST.
    """
    from zoo.datasets.text import LOADERS, load_text_dataset

    if name in CORPUS_GROUPS:
        return [line for part in CORPUS_GROUPS[name] for line in read_dataset_text(part, path)]
    if name not in LOADERS:
        raise ZooValueError(
            f"The 'corpus' parameter names an unknown text dataset {name!r}. Known: {_dataset_names()}; "
            f"or pass a text file path or a list of sentences."
        )
    texts, _ = load_text_dataset(name, path).all()
    return list(texts)


def read_corpus(corpus, tokenizer="basic", data_path=None) -> list[list[str]]:
    """Token lists from a text file, a list of sentences (strings or token lists) or a dataset name.

    Args:
        corpus: a path to a UTF-8 text file (one sentence per line), a list of strings, a list of
            token lists, or a registered text dataset: ``"sst2"``, ``"mr"`` or ``"sentiment"``.
        tokenizer: ``"basic"`` (the sentiment models' tokeniser), ``"whitespace"`` or a callable.
            Token lists are used as given.
        data_path: where to look for a dataset first (else ``$ZOO_DATA_DIR`` and the cache).
    """
    if isinstance(corpus, (str, os.PathLike)):
        text = str(corpus)
        if os.path.isfile(text):
            with open(text, encoding="utf-8", errors="replace") as f:
                lines = [line for line in f]
        elif text in _dataset_names():
            lines = read_dataset_text(text, data_path)
        else:
            raise ZooValueError(
                f"The 'corpus' parameter must be an existing text file, a list of sentences or one of "
                f"{_dataset_names()}. Got {text!r}, which is neither a file nor a known dataset."
            )
        tokenize = _tokenizer(tokenizer)
        return [t for t in (tokenize(line) for line in lines) if t]
    if not isinstance(corpus, Iterable):
        raise ZooTypeError(
            f"The 'corpus' parameter must be a path, a dataset name or a list of sentences. "
            f"Got {type(corpus).__name__}."
        )
    corpus = list(corpus)
    tokenize = None
    out = []
    for i, sentence in enumerate(corpus):
        if isinstance(sentence, str):
            tokenize = tokenize or _tokenizer(tokenizer)
            tokens = tokenize(sentence)
        elif isinstance(sentence, (list, tuple)) and all(isinstance(t, str) for t in sentence):
            tokens = list(sentence)
        else:
            raise ZooTypeError(
                f"The 'corpus' parameter must hold sentences as strings or lists of strings. "
                f"Item {i} is {type(sentence).__name__}: {sentence!r:.60}."
            )
        if tokens:
            out.append(tokens)
    return out


@dataclasses.dataclass
class Vocabulary:
    """Words kept by ``min_count``, most frequent first, with their corpus counts."""

    words: list[str]
    counts: np.ndarray

    def __post_init__(self):
        self.counts = np.asarray(self.counts, dtype="int64")
        self.index = {w: i for i, w in enumerate(self.words)}

    def __len__(self) -> int:
        return len(self.words)

    @classmethod
    def build(cls, sentences: list[list[str]], min_count: int = 5, max_size: int | None = None) -> "Vocabulary":
        """Count words; keep those seen ``min_count`` times or more (ties broken alphabetically)."""
        counter = collections.Counter(w for s in sentences for w in s)
        kept = sorted(((w, c) for w, c in counter.items() if c >= min_count), key=lambda wc: (-wc[1], wc[0]))
        if max_size is not None:
            kept = kept[:max_size]
        if not kept:
            most = counter.most_common(1)
            raise ZooValueError(
                f"The vocabulary is empty: no word occurs min_count={min_count} times "
                f"(the most frequent, {most[0] if most else 'none'}, occurs fewer). "
                f"Lower min_count or pass a larger corpus."
            )
        return cls([w for w, _ in kept], np.array([c for _, c in kept]))


def encode(sentences: list[list[str]], vocab: Vocabulary) -> tuple[np.ndarray, np.ndarray]:
    """(ids, sentence_of): the corpus as one int32 id array without out-of-vocabulary tokens, and
    the sentence number of each token (windows never cross a sentence boundary)."""
    index = vocab.index
    ids, sentence_of = [], []
    for n, s in enumerate(sentences):
        row = [index[w] for w in s if w in index]
        ids.extend(row)
        sentence_of.extend([n] * len(row))
    return np.asarray(ids, dtype="int32"), np.asarray(sentence_of, dtype="int32")


def keep_probabilities(counts: np.ndarray, sample: float = 1e-3) -> np.ndarray:
    """Per-word probability that a token survives frequent-word subsampling (C tool's formula)."""
    counts = np.asarray(counts, dtype="float64")
    if sample is None or sample <= 0:
        return np.ones_like(counts)
    threshold = sample * counts.sum()
    return np.minimum(1.0, (np.sqrt(counts / threshold) + 1.0) * threshold / counts)


def subsample(ids, sentence_of, keep_prob, rng):
    """Drop tokens at random by ``keep_prob[id]``; windows are then cut over the survivors."""
    if keep_prob is None:
        return ids, sentence_of
    keep = rng.random(len(ids)) < keep_prob[ids]
    return ids[keep], sentence_of[keep]


def _window_offsets(sentence_of, reduced, window):
    """Yield (offset, left_index, right_index) of token pairs ``offset`` apart in one sentence whose
    centre's effective window reaches them: centre left (context right) and centre right."""
    n = len(sentence_of)
    for offset in range(1, window + 1):
        if offset >= n:
            break
        same = sentence_of[:-offset] == sentence_of[offset:]
        left = np.flatnonzero(same & (reduced[:-offset] >= offset))  # centre i, context i + offset
        right = np.flatnonzero(same & (reduced[offset:] >= offset))  # centre i + offset, context i
        yield offset, left, right


def skipgram_pairs(ids, sentence_of, window: int, rng, keep_prob=None, shuffle: bool = True):
    """All (centre, context) id pairs of one pass over the corpus, with dynamic windows.

    Returns:
        ``(centres, contexts)``, two int32 arrays of equal length.
    """
    ids, sentence_of = subsample(np.asarray(ids), np.asarray(sentence_of), keep_prob, rng)
    reduced = rng.integers(1, window + 1, size=len(ids))
    centres, contexts = [], []
    for offset, left, right in _window_offsets(sentence_of, reduced, window):
        centres += [ids[left], ids[right + offset]]
        contexts += [ids[left + offset], ids[right]]
    if not centres:
        empty = np.zeros(0, dtype="int32")
        return empty, empty
    centres, contexts = np.concatenate(centres), np.concatenate(contexts)
    if shuffle:
        order = rng.permutation(len(centres))
        centres, contexts = centres[order], contexts[order]
    return centres.astype("int32"), contexts.astype("int32")


def cbow_examples(ids, sentence_of, window: int, rng, keep_prob=None, shuffle: bool = True):
    """One example per surviving token: its window's words (padded) and the token to predict.

    Returns:
        ``(context, mask, centres)``: int32 ``(n, 2 * window)`` ids (0 where padded), float32
        ``(n, 2 * window)`` mask (1 for a real context word), int32 ``(n,)`` centre ids.
        Tokens whose window holds no other word (one-word sentences) are left out.
    """
    ids, sentence_of = subsample(np.asarray(ids), np.asarray(sentence_of), keep_prob, rng)
    n = len(ids)
    reduced = rng.integers(1, window + 1, size=n)
    context = np.zeros((n, 2 * window), dtype="int32")
    mask = np.zeros((n, 2 * window), dtype="float32")
    for offset, left, right in _window_offsets(sentence_of, reduced, window):
        # Column window + offset - 1 holds the word `offset` to the right, window - offset to the left.
        context[left, window + offset - 1] = ids[left + offset]
        mask[left, window + offset - 1] = 1.0
        context[right + offset, window - offset] = ids[right]
        mask[right + offset, window - offset] = 1.0
    has_context = mask.any(axis=1)
    context, mask, centres = context[has_context], mask[has_context], ids[has_context].astype("int32")
    if shuffle:
        order = rng.permutation(len(centres))
        context, mask, centres = context[order], mask[order], centres[order]
    return context, mask, centres


class NegativeSampler:
    """Draws word ids from ``counts ** power`` (0.75 in word2vec) through a lookup table.

    Like the C tool, a table of ``table_size`` slots holds each word in proportion to its
    probability, so one draw is one random integer and one gather.
    """

    def __init__(self, counts, power: float = 0.75, table_size: int | None = None):
        counts = np.asarray(counts, dtype="float64")
        if counts.ndim != 1 or len(counts) == 0 or np.any(counts <= 0):
            raise ZooValueError(f"NegativeSampler needs a 1-D array of positive word counts. Got {counts!r:.80}.")
        self.probabilities = counts**power / np.sum(counts**power)
        if table_size is None:
            table_size = int(np.clip(1000 * len(counts), 100_000, 10_000_000))
        # Largest-remainder rounding: every slot is used and each word gets its fair share.
        exact = self.probabilities * table_size
        slots = np.floor(exact).astype("int64")
        short = table_size - slots.sum()
        if short > 0:
            slots[np.argsort(slots - exact)[:short]] += 1
        self.table = np.repeat(np.arange(len(counts), dtype="int32"), slots)

    def sample(self, shape, rng) -> np.ndarray:
        return self.table[rng.integers(0, len(self.table), size=shape)]

    def negatives_for(self, positives: np.ndarray, k: int, rng, group: int = 1) -> np.ndarray:
        """``(len(positives), k)`` negatives; a draw equal to its row's positive is redrawn (twice at most).

        ``group=G > 1`` (the models' ``negative_group``): one draw per ``G`` consecutive rows,
        repeated over them, so a group shares its negatives. A shared draw equal to one of the
        group's positives is kept (it only scores that word against itself once).
        """
        if group > 1:
            shared = self.sample((-(-len(positives) // group), k), rng)
            return np.repeat(shared, group, axis=0)[: len(positives)]
        neg = self.sample((len(positives), k), rng)
        for _ in range(2):
            clash = neg == positives[:, None]
            if not clash.any():
                break
            neg[clash] = self.sample(int(clash.sum()), rng)
        return neg
