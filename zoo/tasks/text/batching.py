"""Batches of token ids for the text task: length buckets padded per batch, and prediction on raw strings."""

from __future__ import annotations

import math

import numpy as np

MAX_SEQUENCE_LENGTH = 256
BUCKET = 8


def bucket_length(n: int) -> int:
    step = BUCKET if n <= 64 else 32
    return max(BUCKET, int(math.ceil(n / step) * step))


def pad_batch(seqs, pad_id, length=None):
    from zoo.text.tokenizer import pad_sequences

    return pad_sequences(seqs, length or bucket_length(max(len(s) for s in seqs)), pad_id)


def length_batches(lengths, batch_size, rng=None, window=50):
    """Index batches of similar length: shuffle, sort within windows of ``window`` batches, shuffle batches."""
    order = np.arange(len(lengths)) if rng is None else rng.permutation(len(lengths))
    chunk = batch_size * window
    batches = []
    for start in range(0, len(order), chunk):
        part = order[start:start + chunk]
        part = part[np.argsort(np.asarray(lengths)[part], kind="stable")]
        batches += [part[i:i + batch_size] for i in range(0, len(part), batch_size)]
    if rng is not None:
        rng.shuffle(batches)
        # Keras' tensorflow adapter infers the batch shape from the first two batches: make them
        # differ in length so it keeps the length dimension dynamic.
        if len(batches) > 1:
            padded = [bucket_length(max(lengths[i] for i in b)) for b in batches]
            longest, shortest = int(np.argmax(padded)), int(np.argmin(padded))
            if longest != shortest:
                first = [batches[longest], batches[shortest]]
                batches = first + [b for j, b in enumerate(batches) if j not in (longest, shortest)]
    return batches


def py_dataset(ids, labels, batch_size, pad_id, seed):
    import keras

    class LengthBucketedBatches(keras.utils.PyDataset):
        """Batches of similar-length texts padded per batch; reshuffled every epoch."""

        def __init__(self):
            super().__init__()
            self.rng = np.random.default_rng(seed)
            self.lengths = [len(s) for s in ids]
            self.batches = length_batches(self.lengths, batch_size, self.rng)

        def __len__(self):
            return len(self.batches)

        def __getitem__(self, i):
            b = self.batches[i]
            return pad_batch([ids[j] for j in b], pad_id), np.asarray(labels)[b]

        def on_epoch_end(self):
            self.batches = length_batches(self.lengths, batch_size, self.rng)

    return LengthBucketedBatches()


def predict_proba(model, texts, batch_size: int = 128) -> np.ndarray:
    """Class probabilities (len(texts), num_classes) for raw strings."""
    from zoo import saved_models
    from zoo.text.layers import find_tokenizer

    net, _ = saved_models.load(model)
    layer = find_tokenizer(net)
    tok = layer.tokenizer
    ids = tok.ids(texts)
    if not ids:
        return np.zeros((0, len(layer.class_names or [])), dtype="float32")
    fixed = net.input_shape[1]
    # Pad the rows too (to batch_size, or a power of two for small inputs) so that jax/tensorflow
    # compile one predict step per length bucket rather than one per odd batch size.
    rows = batch_size if len(ids) > batch_size else max(8, 1 << (len(ids) - 1).bit_length())
    out = [None] * len(ids)
    for b in length_batches([len(s) for s in ids], batch_size):
        x = pad_batch([ids[j] for j in b], tok.pad_id, fixed)
        x = np.concatenate([x, np.full((rows - len(b), x.shape[1]), tok.pad_id, dtype=x.dtype)]) if len(b) < rows else x
        probs = np.asarray(net.predict_on_batch(x))[: len(b)]
        for j, p in zip(b, probs):
            out[j] = p
    return np.stack(out).astype("float32")
