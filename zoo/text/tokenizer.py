"""Tokenisers in plain Python/NumPy, identical under every Keras backend.

``WordTokenizer`` splits text into words and punctuation (Penn-Treebank-like clitics, so raw
text such as ``"isn't great."`` gives the same tokens as the pre-tokenised SST/MR files:
``is n't great .``) and maps them to ids with a vocabulary built on the training split only.
``WordPieceTokenizer`` is BERT's uncased WordPiece (basic split + greedy longest match), read
from a Hugging Face ``vocab.txt``. Both keep their whole state in ``get_config()`` so the
state can be stored inside a ``.keras`` file (see ``zoo.text.layers.TextTokenizer``).

Example:
    >>> tok = WordTokenizer.fit(["a fine film", "a dull film"])
    >>> tok.encode(["a fine , dull film"], sequence_length=6)
    array([[2, 4, 1, 5, 3, 0]], dtype=int32)
"""

from __future__ import annotations

import collections
import os
import re
import unicodedata
from pathlib import Path

import numpy as np

from zoo.errors import ZooFileNotFoundError, ZooTypeError, ZooValueError

PAD, UNK = "[PAD]", "[UNK]"

_CLITIC_NT = re.compile(r"(\w)n't\b")
_CLITIC = re.compile(r"(\w)'(s|re|ve|ll|d|m)\b")
_TOKEN = re.compile(r"n't|'(?:s|re|ve|ll|d|m)\b|\w+(?:-\w+)*|\.{2,}|-{2,}|[^\w\s]")


def basic_tokenize(text: str, lowercase: bool = True) -> list[str]:
    """Words, clitics (``n't``, ``'s``...) and punctuation marks of ``text``.

    Example:
        >>> basic_tokenize("It isn't a gripping, funny film...")
        ['it', 'is', "n't", 'a', 'gripping', ',', 'funny', 'film', '...']
    """
    if not isinstance(text, str):
        raise ZooTypeError(f"Expected a str to tokenize. Got {type(text).__name__}: {text!r}.")
    if lowercase:
        text = text.lower()
    text = text.replace("\u2019", "'").replace("`", "'")
    text = _CLITIC_NT.sub(r"\1 n't", text)
    text = _CLITIC.sub(r"\1 '\2", text)
    return _TOKEN.findall(text)


def _check_texts(texts, owner: str) -> list[str]:
    if isinstance(texts, str):
        raise ZooTypeError(
            f"The 'texts' argument of {owner} must be a list of strings. Got a single str; "
            f"wrap it in a list: [{texts[:40]!r}]."
        )
    texts = list(texts)
    bad = [t for t in texts if not isinstance(t, str)]
    if bad:
        raise ZooTypeError(f"The 'texts' argument of {owner} must hold only strings. Got {type(bad[0]).__name__}: {bad[0]!r}.")
    return texts


def pad_sequences(sequences: list[list[int]], length: int | None = None, pad_id: int = 0,
                  min_length: int = 1) -> np.ndarray:
    """Right-pad (and truncate) id lists to ``length`` (default: the longest) as int32."""
    longest = max((len(s) for s in sequences), default=0)
    length = max(min_length, longest if length is None else length)
    out = np.full((len(sequences), length), pad_id, dtype="int32")
    for i, seq in enumerate(sequences):
        seq = seq[:length]
        out[i, : len(seq)] = seq
    return out


class WordTokenizer:
    """Word-level tokenizer with a frequency-ordered vocabulary: id 0 is padding, 1 unknown.

    Args:
        vocabulary: the token list, ``[PAD]`` and ``[UNK]`` first.
        lowercase: lower-case text before splitting.
        sequence_length: default length of ``encode``'s output (None: the longest text).
    """

    kind = "word"

    def __init__(self, vocabulary: list[str], lowercase: bool = True, sequence_length: int | None = None):
        vocabulary = list(vocabulary)
        if vocabulary[:2] != [PAD, UNK]:
            raise ZooValueError(f"The 'vocabulary' of WordTokenizer must start with {[PAD, UNK]}. Got {vocabulary[:2]}.")
        self.vocabulary = vocabulary
        self.lowercase = lowercase
        self.sequence_length = sequence_length
        self.index = {w: i for i, w in enumerate(vocabulary)}
        self.pad_id, self.unk_id = 0, 1

    @classmethod
    def fit(cls, texts, max_tokens: int | None = None, min_count: int = 1, lowercase: bool = True,
            sequence_length: int | None = None) -> "WordTokenizer":
        """Build the vocabulary from ``texts`` (the training split only): most frequent first."""
        texts = _check_texts(texts, "WordTokenizer.fit")
        counts = collections.Counter(tok for t in texts for tok in basic_tokenize(t, lowercase))
        words = sorted((w for w, c in counts.items() if c >= min_count), key=lambda w: (-counts[w], w))
        if max_tokens is not None:
            words = words[: max(0, max_tokens - 2)]
        return cls([PAD, UNK, *words], lowercase, sequence_length)

    @property
    def vocab_size(self) -> int:
        return len(self.vocabulary)

    def tokenize(self, text: str) -> list[str]:
        return basic_tokenize(text, self.lowercase)

    def ids(self, texts) -> list[list[int]]:
        """Unpadded id lists, one per text."""
        texts = _check_texts(texts, "WordTokenizer.encode")
        get = self.index.get
        return [[get(tok, 1) for tok in self.tokenize(t)] for t in texts]

    def encode(self, texts, sequence_length: int | None = None) -> np.ndarray:
        """int32 array (len(texts), sequence_length) of ids, right-padded with 0."""
        return pad_sequences(self.ids(texts), sequence_length or self.sequence_length)

    def get_config(self) -> dict:
        return {"kind": self.kind, "vocabulary": self.vocabulary, "lowercase": self.lowercase,
                "sequence_length": self.sequence_length}

    def __repr__(self) -> str:
        return f"WordTokenizer(vocab_size={self.vocab_size}, sequence_length={self.sequence_length})"


def _is_punctuation(ch: str) -> bool:
    cp = ord(ch)
    if 33 <= cp <= 47 or 58 <= cp <= 64 or 91 <= cp <= 96 or 123 <= cp <= 126:
        return True
    return unicodedata.category(ch).startswith("P")


def _bert_basic_split(text: str, lowercase: bool) -> list[str]:
    """BERT's BasicTokenizer: clean, lower-case, strip accents, split on spaces and punctuation."""
    # Control characters go first (U+0085 in latin-1 text is one: removed, not a word break), as in BERT.
    text = "".join(" " if ch in "\t\n\r" else ch for ch in text
                   if ch in "\t\n\r" or not (ord(ch) in (0, 0xFFFD) or unicodedata.category(ch) in ("Cc", "Cf")))
    if lowercase:
        text = unicodedata.normalize("NFD", text.lower())
        text = "".join(ch for ch in text if unicodedata.category(ch) != "Mn")
    out: list[str] = []
    for word in text.split():
        current = []
        for ch in word:
            if _is_punctuation(ch) or 0x4E00 <= ord(ch) <= 0x9FFF:
                if current:
                    out.append("".join(current))
                    current = []
                out.append(ch)
            else:
                current.append(ch)
        if current:
            out.append("".join(current))
    return out


class WordPieceTokenizer:
    """BERT's uncased WordPiece, in Python: ``[CLS] pieces [SEP]``, right-padded with ``[PAD]``.

    Args:
        vocabulary: the wordpiece list (the lines of a Hugging Face ``vocab.txt``).
        lowercase: lower-case and strip accents (uncased models).
        sequence_length: the most ids per text, ``[CLS]`` and ``[SEP]`` included.
    """

    kind = "wordpiece"

    def __init__(self, vocabulary: list[str], lowercase: bool = True, sequence_length: int | None = 128):
        self.vocabulary = list(vocabulary)
        self.index = {w: i for i, w in enumerate(self.vocabulary)}
        missing = [t for t in ("[PAD]", "[UNK]", "[CLS]", "[SEP]") if t not in self.index]
        if missing:
            raise ZooValueError(f"The WordPiece 'vocabulary' lacks the special tokens {missing}; is it a BERT vocab.txt?")
        self.lowercase = lowercase
        self.sequence_length = sequence_length
        self.pad_id, self.unk_id = self.index["[PAD]"], self.index["[UNK]"]
        self.cls_id, self.sep_id = self.index["[CLS]"], self.index["[SEP]"]
        self._cache: dict[str, list[int]] = {}

    @classmethod
    def from_vocab_file(cls, path: str | os.PathLike, lowercase: bool = True, sequence_length: int | None = 128):
        with open(path, encoding="utf-8") as f:
            vocab = [line.rstrip("\n") for line in f]
        while vocab and vocab[-1] == "":
            vocab.pop()
        return cls(vocab, lowercase, sequence_length)

    @classmethod
    def from_preset(cls, pretrained, sequence_length: int | None = 128) -> "WordPieceTokenizer":
        """The word-piece vocabulary of a BERT-family checkpoint: a local Hugging Face folder
        (``vocab.txt``, ``do_lower_case`` from ``tokenizer_config.json``), or a KerasHub preset name /
        ``hf://`` handle, which KerasHub fetches (or finds in its cache)."""
        folder = Path(str(pretrained)).expanduser()
        if folder.is_dir():
            vocab = folder / "vocab.txt"
            if not vocab.exists():
                raise ZooFileNotFoundError(f"The 'pretrained' folder {folder} has no vocab.txt (Hugging Face BERT layout expected).")
            lower = True
            cfg = folder / "tokenizer_config.json"
            if cfg.exists():
                import json

                lower = json.loads(cfg.read_text()).get("do_lower_case", True)
            return cls.from_vocab_file(vocab, lowercase=lower, sequence_length=sequence_length)
        from zoo.models.text import import_keras_hub

        hub_tok = import_keras_hub().models.BertTokenizer.from_preset(str(pretrained))
        return cls(list(hub_tok.get_vocabulary()), lowercase=bool(getattr(hub_tok, "lowercase", True)),
                   sequence_length=sequence_length)

    @property
    def vocab_size(self) -> int:
        return len(self.vocabulary)

    def _word_ids(self, word: str) -> list[int]:
        hit = self._cache.get(word)
        if hit is not None:
            return hit
        if len(word) > 100:
            ids = [self.unk_id]
        else:
            ids, start = [], 0
            while start < len(word):
                end = len(word)
                found = None
                while start < end:
                    piece = word[start:end] if start == 0 else "##" + word[start:end]
                    if piece in self.index:
                        found = self.index[piece]
                        break
                    end -= 1
                if found is None:
                    ids = [self.unk_id]
                    break
                ids.append(found)
                start = end
        if len(self._cache) < 200_000:
            self._cache[word] = ids
        return ids

    def tokenize(self, text: str) -> list[str]:
        return [self.vocabulary[i] for w in _bert_basic_split(text, self.lowercase) for i in self._word_ids(w)]

    def ids(self, texts) -> list[list[int]]:
        """``[CLS] ... [SEP]`` id lists, truncated to ``sequence_length``, unpadded."""
        texts = _check_texts(texts, "WordPieceTokenizer.encode")
        limit = (self.sequence_length or 512) - 2
        out = []
        for t in texts:
            pieces = [i for w in _bert_basic_split(t, self.lowercase) for i in self._word_ids(w)]
            out.append([self.cls_id, *pieces[:limit], self.sep_id])
        return out

    def encode(self, texts, sequence_length: int | None = None) -> np.ndarray:
        return pad_sequences(self.ids(texts), sequence_length, self.pad_id)

    def get_config(self) -> dict:
        return {"kind": self.kind, "vocabulary": self.vocabulary, "lowercase": self.lowercase,
                "sequence_length": self.sequence_length}

    def __repr__(self) -> str:
        return f"WordPieceTokenizer(vocab_size={self.vocab_size}, sequence_length={self.sequence_length})"


_KINDS = {"word": WordTokenizer, "wordpiece": WordPieceTokenizer}


def tokenizer_from_config(config: dict):
    """Rebuild a tokenizer from ``get_config()`` output."""
    config = dict(config)
    kind = config.pop("kind", "word")
    if kind not in _KINDS:
        raise ZooValueError(f"Unknown tokenizer kind {kind!r}; expected one of {sorted(_KINDS)}.")
    return _KINDS[kind](**config)
