"""Row-sparse SGD for the Word2Vec models: word2vec's own update, batched, in ``keras.ops``.

``Model.fit`` differentiates a lookup into a dense ``(vocab, dim)`` gradient and the optimizer
then rewrites both whole tables every step. word2vec (the C tool, gensim) touches only the rows a
pair uses: for a word vector ``h`` and candidates ``c_k`` (the true word, then negatives),
``g_k = lr * (label_k - sigmoid(h . c_k))``, ``c_k += g_k h`` and ``h += sum_k g_k c_k``. This module
applies that update to a batch of examples at once, from the batch's starting values, and adds the
rows back with one scatter per table (``zoo.backend.scatter_add``); a compiled loop runs many steps
per call. A word seen ``n`` times in a batch moves ``min(1, max_updates / n)`` of its summed
step, as ``CappedEmbedding`` does for ``fit``. The gradients are those of ``NegativeSamplingLoss``
(CBOW: each context word takes the full error of the mean, as in ``ContextMean``), so this is
the same SGD as ``fit`` with ``batch_size`` examples per step - just without the dense tables.

Example:
    >>> trainer = SparseSGD(model, max_updates=160)      # a word2vec_skipgram or word2vec_cbow model
    >>> loss = trainer.run(chunk, learning_rates)         # arrays (steps, batch, ...) -> mean loss
"""

from __future__ import annotations

import numpy as np
from keras import ops

from zoo import backend
from zoo.errors import ZooValueError


def _row_scale(ids, weights, vocab_size, max_updates):
    """``min(1, max_updates / n)`` for each id, ``n`` its (weighted) count in the batch."""
    counts = ops.segment_sum(weights, ids, num_segments=vocab_size)
    scale = ops.minimum(1.0, max_updates / ops.maximum(counts, 1.0))
    return ops.take(scale, ids, axis=0)


class SparseSGD:
    """Trains a Word2Vec model's two tables in place with word2vec's row-sparse SGD.

    Args:
        model: a ``word2vec_skipgram`` or ``word2vec_cbow`` Keras model (its ``word_embedding`` and
            ``context_embedding`` layers hold the tables).
        max_updates: cap on one word's summed step per batch, in updates (None: uncapped).
    """

    def __init__(self, model, max_updates=None):
        self.words = model.get_layer("word_embedding").embeddings
        self.contexts = model.get_layer("context_embedding").embeddings
        # Each input's per-example shape and dtype, for ``compile`` before any data is there.
        self.inputs = {name: (tuple(t.shape[1:]), t.dtype) for name, t in model.input.items()}
        self.cbow = "context" in self.inputs
        self.vocab_size, self.dim = self.words.shape
        self.max_updates = None if max_updates is None else float(max_updates)
        self._chunk_steps = None
        self._compiled = backend.compile_update(self._steps)

    def _step(self, tables, inputs, lr):
        words, contexts = tables
        candidates = inputs["candidates"]
        batch, width = ops.shape(candidates)
        if self.cbow:
            ids, mask = inputs["context"], ops.cast(inputs["context_mask"], words.dtype)
        else:  # skip-gram: a "window" of one word, its own vector
            ids = ops.expand_dims(inputs["word"], 1)
            mask = ops.ones(ops.shape(ids), dtype=words.dtype)
        count = ops.maximum(ops.sum(mask, axis=1, keepdims=True), 1.0)
        hidden = ops.sum(ops.take(words, ids, axis=0) * ops.expand_dims(mask, -1), axis=1) / count  # (B, D)
        ctx = ops.take(contexts, candidates, axis=0)  # (B, C, D)
        logits = ops.einsum("bd,bcd->bc", hidden, ctx)
        labels = ops.cast(ops.arange(width) == 0, logits.dtype)
        loss = ops.mean(ops.softplus(-logits[:, 0]) + ops.sum(ops.softplus(logits[:, 1:]), axis=-1))
        g = (labels - ops.sigmoid(logits)) * lr  # (B, C)
        d_hidden = ops.einsum("bc,bcd->bd", g, ctx)

        flat_candidates, flat_ids = ops.reshape(candidates, (-1,)), ops.reshape(ids, (-1,))
        weight = ops.reshape(mask, (-1,))
        g_ctx = g
        if self.max_updates is not None:
            ones = ops.ones_like(flat_candidates, dtype=g.dtype)
            g_ctx = g * ops.reshape(_row_scale(flat_candidates, ones, self.vocab_size, self.max_updates), (batch, width))
            weight = weight * _row_scale(flat_ids, weight, self.vocab_size, self.max_updates)
        d_ctx = ops.expand_dims(g_ctx, -1) * ops.expand_dims(hidden, 1)
        # Every real word of the window takes the full error of the mean (the C tool's CBOW).
        d_words = ops.expand_dims(d_hidden, 1) * ops.expand_dims(ops.reshape(weight, ops.shape(mask)), -1)
        contexts = backend.scatter_add(contexts, flat_candidates, ops.reshape(d_ctx, (-1, self.dim)))
        words = backend.scatter_add(words, flat_ids, ops.reshape(d_words, (-1, self.dim)))
        return (words, contexts), loss

    def _steps(self, tables, chunk, learning_rates, num_steps):
        def body(i, state):
            tables, loss = state
            tables, step_loss = self._step(tables, {k: v[i] for k, v in chunk.items()}, learning_rates[i])
            return tables, loss + step_loss

        return ops.fori_loop(0, num_steps, body, (tables, ops.zeros((), dtype=learning_rates.dtype)))

    @property
    def compiled(self) -> bool:
        return self._chunk_steps is not None

    def compile(self, chunk_steps, batch):
        """Compile the loop for chunks of ``chunk_steps`` batches of ``batch`` examples, before any data is there.

        The loop runs zero steps, so the tables do not change; later ``run`` calls take at most
        ``chunk_steps`` batches.
        """
        chunk = {k: np.zeros((chunk_steps, batch, *shape), dtype) for k, (shape, dtype) in self.inputs.items()}
        self._chunk_steps = chunk_steps
        self._call(chunk, np.zeros(chunk_steps, "float32"), 0)

    def run(self, chunk, learning_rates):
        """SGD over ``len(learning_rates)`` batches; ``chunk`` maps input names to ``(steps, B, ...)``.

        Arrays are padded to the first call's number of steps (or ``compile``'s), so the compiled
        loop is traced once. Returns the mean loss of the batches.
        """
        steps = len(learning_rates)
        if self._chunk_steps is None:
            self._chunk_steps = steps
        pad = self._chunk_steps - steps
        if pad < 0:
            raise ZooValueError(f"SparseSGD.run takes at most {self._chunk_steps} steps per call (the first call's). "
                             f"Got {steps}.")
        if pad:
            chunk = {k: np.concatenate([v, np.zeros((pad, *v.shape[1:]), v.dtype)]) for k, v in chunk.items()}
            learning_rates = np.concatenate([learning_rates, np.zeros(pad, "float32")])
        return self._call(chunk, learning_rates, steps) / steps

    def _call(self, chunk, learning_rates, steps):
        chunk = {k: ops.convert_to_tensor(v) for k, v in chunk.items()}
        tables = (self.words.value, self.contexts.value)
        (words, contexts), loss = self._compiled(tables, chunk, ops.convert_to_tensor(learning_rates, "float32"),
                                                 ops.convert_to_tensor(steps, "int32"))
        if words is not self.words.value:  # torch updated the tables in place
            self.words.assign(words)
            self.contexts.assign(contexts)
        return float(ops.convert_to_numpy(loss))
