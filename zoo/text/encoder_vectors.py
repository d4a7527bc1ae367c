"""Static word vectors distilled from a pretrained BERT-family sentence encoder.

Kim (2014) gets CNN-rand 82.7% -> CNN-static/non-static 86.8-87.2% on SST-2 from word2vec vectors
trained on 100 billion words; word2vec on the few hundred thousand words of a sentiment corpus does
not beat random vectors (see the README). A sentence encoder already holds what those vectors
held. ``EncoderVectors`` reads it out once per vocabulary word, as model2vec does: each word goes
through the encoder alone (``[CLS] pieces [SEP]``) and its vector is the mean of the last layer's
outputs (the pooling sentence-transformers such as all-MiniLM-L6-v2 were trained with). The small
model that is then trained on top (Kim's CNN, an RNN, ...) keeps the speed of a from-scratch model.

Measured on SST-2 (TextCNN, tensorflow, seeds 0-4, dev / test %; benchmarks/sentiment_encoder_vectors.py):
random vectors 79.1 / 80.0, all-MiniLM-L6-v2 word vectors fine-tuned 82.2 / 82.9 (kept fixed, seed 0:
79.7 / 80.7).

Tried and not adopted (a script outside the package, 2026-11-22): each word's vector as the mean of the
encoder's contextual vectors of that word over the training sentences (Bommasani et al. 2020). From the
2nd of the 6 layers, single CNNs over seeds 0-4 gave dev 82.5 / test 83.8%; from the last layer (seeds 0-2)
81.7 / 82.9%; the 3-CNN ensemble of 2nd-layer vectors dev 83.0 / test 84.1%, against dev 83.4 / test 83.5%
for applications/sst2_textcnn_minilm_vectors.toml: better on test, not on dev, so not chosen.

Example:
    >>> vectors = EncoderVectors("../shared/pretrained/all-MiniLM-L6-v2")
    >>> sentiment.train(model="textcnn", embeddings=vectors)
    >>> sentiment.train(model="textcnn", embeddings="../shared/pretrained/all-MiniLM-L6-v2")  # the same
"""

from __future__ import annotations

import numpy as np

from zoo.errors import ZooValueError
from zoo.text.tokenizer import PAD, UNK, WordPieceTokenizer


class EncoderVectors:
    """``embedding_matrix(vocabulary)`` from a BERT-family encoder (KerasHub ``BertBackbone``).

    Args:
        pretrained: a local folder in Hugging Face layout (``config.json``, ``model.safetensors``,
            ``vocab.txt``), a KerasHub preset name or an ``hf://`` handle.
        scale: the standard deviation of the returned rows (centred over the vocabulary). The default
            is that of ``WordVectors``' random rows for unknown words (uniform +-0.25), so known and
            unknown words start on the same footing and the usual learning rates still apply.
        batch_size: words per encoder call.

    ``[PAD]`` and ``[UNK]`` rows are zero. The matrix of a vocabulary is computed once and cached,
    so the members of an ensemble share it.
    """

    def __init__(self, pretrained, scale: float = 0.25 / np.sqrt(3.0), batch_size: int = 256):
        if not scale > 0:
            raise ZooValueError(f"The 'scale' parameter of EncoderVectors must be > 0. Got {scale!r}.")
        self.pretrained = str(pretrained)
        self.scale = float(scale)
        self.batch_size = int(batch_size)
        self._encoder = None
        self._tokenizer = None
        self._cache: dict[tuple, np.ndarray] = {}

    def __repr__(self) -> str:
        return f"EncoderVectors({self.pretrained!r})"

    def _load(self):
        if self._encoder is None:
            import keras

            from zoo.models import create_model

            self._tokenizer = WordPieceTokenizer.from_preset(self.pretrained, sequence_length=32)
            net = create_model("bert", task="text", pretrained=self.pretrained, num_classes=2)
            self._encoder = keras.Model(net.inputs, net.get_layer("mean_pool").output, name="word_encoder")
        return self._encoder, self._tokenizer

    def embedding_matrix(self, vocabulary: list[str]) -> np.ndarray:
        """(len(vocabulary), hidden) float32: one encoder vector per word, centred and scaled."""
        key = tuple(vocabulary)
        if key not in self._cache:
            self._cache = {key: self._compute(list(vocabulary))}
        return self._cache[key].copy()

    def _compute(self, words: list[str]) -> np.ndarray:
        encoder, tok = self._load()
        real = [i for i, w in enumerate(words) if w not in (PAD, UNK)]
        out = np.zeros((len(words), encoder.output.shape[-1]), dtype="float32")
        if not real:
            return out
        ids = tok.encode([words[i] for i in real])  # [CLS] pieces [SEP], padded with 0 ([PAD])
        out[real] = encoder.predict(ids.astype("int32"), batch_size=self.batch_size, verbose=0)
        rows = out[real]
        rows -= rows.mean(axis=0)
        std = float(rows.std())
        out[real] = rows * (self.scale / std) if std > 0 else rows
        return out
