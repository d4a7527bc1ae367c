"""Word2Vec (Mikolov et al. 2013) as backend-agnostic Keras models: skip-gram and CBOW with
negative sampling.

Both models score ``1 + num_negatives`` candidate words per example: column 0 is the true word,
the rest are negatives drawn from the unigram distribution raised to 0.75 (see
``zoo.text.word2vec_data``). ``NegativeSamplingLoss`` is the logistic loss of word2vec:
``-log s(x0) - sum_k log s(-xk)``. The word vectors are the ``word_embedding`` layer's
weights (the C tool's ``syn0``); ``context_embedding`` is ``syn1neg``. As in the C tool, word
vectors start uniform in ``[-0.5/dim, 0.5/dim]`` and context vectors at zero.

Example:
    >>> from zoo.models import create_model
    >>> model = create_model("word2vec_skipgram", vocab_size=5000, embedding_dim=100)
    >>> model.compile(optimizer="sgd", loss=NegativeSamplingLoss())
"""

from __future__ import annotations

import keras
from keras import ops

from zoo.errors import check_int
from zoo.models.registry import register_model

REFERENCE = "Mikolov et al. 2013, Distributed Representations of Words and Phrases and their Compositionality"


@keras.saving.register_keras_serializable(package="zoo")
class CandidateLogits(keras.layers.Layer):
    """Dot product of each example's vector ``(B, D)`` with its candidates' vectors.

    ``negative_group=1`` (word2vec): candidates ``(B, C, D)``, one row per candidate. With
    ``negative_group=G > 1``, candidates are ``(B / G, G + K, D)`` as ``CappedEmbedding`` returns
    them for shared negatives: the ``G`` true words of a group of ``G`` consecutive examples, then
    the ``K`` negatives those examples share; their logits are one batched matrix product.
    """

    def __init__(self, negative_group=1, **kwargs):
        super().__init__(**kwargs)
        self.negative_group = int(negative_group)

    def call(self, inputs):
        vector, candidates = inputs
        if self.negative_group == 1:
            return ops.sum(ops.expand_dims(vector, 1) * candidates, axis=-1)
        group, dim = self.negative_group, ops.shape(vector)[-1]
        grouped = ops.reshape(vector, (-1, group, dim))
        positive = ops.sum(grouped * candidates[:, :group], axis=-1)  # (B / G, G)
        negative = ops.matmul(grouped, ops.transpose(candidates[:, group:], (0, 2, 1)))  # (B / G, G, K)
        logits = ops.concatenate([ops.expand_dims(positive, -1), negative], axis=-1)
        return ops.reshape(logits, (-1, ops.shape(logits)[-1]))

    def compute_output_shape(self, input_shapes):
        if self.negative_group == 1:
            return input_shapes[1][:2]
        return (input_shapes[0][0], input_shapes[1][1] - self.negative_group + 1)

    def get_config(self):
        return {**super().get_config(), "negative_group": self.negative_group}


@keras.saving.register_keras_serializable(package="zoo")
class ContextMean(keras.layers.Layer):
    """The mean of a window's word vectors ``(B, W, D)`` under a 0/1 mask ``(B, W)``.

    The forward value is the mean (gensim's ``cbow_mean=1``), but, as in the C tool, each context
    word receives the full error of the mean rather than 1/count of it; with plain autodiff
    CBOW would learn ``count`` times more slowly than the reference at the same learning rate.
    """

    def call(self, inputs):
        vectors, mask = inputs
        mask = ops.cast(mask, vectors.dtype)
        total = ops.sum(vectors * ops.expand_dims(mask, -1), axis=1)
        count = ops.maximum(ops.sum(mask, axis=1, keepdims=True), 1.0)
        # value: total / count; gradient w.r.t. each word: 1/count + (1 - 1/count) = 1.
        return total / count + (total - ops.stop_gradient(total)) * (1.0 - 1.0 / count)

    def compute_output_shape(self, input_shapes):
        return (input_shapes[0][0], input_shapes[0][2])


@keras.saving.register_keras_serializable(package="zoo")
class CappedEmbedding(keras.layers.Embedding):
    """An ``Embedding`` whose rows each take at most ``max_updates`` per-example updates per step.

    Forward: a plain lookup. Backward: a word seen ``n`` times in the batch gets
    ``min(1, max_updates / n)`` of its summed gradient. Why: one batched SGD step adds up all
    updates of a row, where sequential word2vec applies them one by one and each saturates the
    next. A frequent word drawn as a negative a thousand times in one batch would take a
    thousand-fold step and diverge; capped, it moves at most as far as ``max_updates``
    sequential updates would, and every rarer word trains exactly as before. The scale is
    applied to the ``(vocab, dim)`` table, not to each looked-up vector, so it costs little.
    Every id given is counted, so CBOW's padded context slots count for the padding id (word 0);
    ``zoo.text.word2vec_sgd`` counts real context words only.

    ``negative_group=G > 1`` (candidate tables only, ids ``(B, 1 + K)`` whose negatives repeat over
    each group of ``G`` consecutive rows): the lookup returns ``(B / G, G + K, D)``, the group's
    ``G`` true words then its ``K`` shared negatives, read once instead of ``G`` times. Counts
    for the cap still come from all ``B * (1 + K)`` ids, i.e. the updates each row really takes.
    """

    def __init__(self, input_dim, output_dim, max_updates=None, negative_group=1, **kwargs):
        super().__init__(input_dim, output_dim, **kwargs)
        self.max_updates = None if max_updates is None else float(max_updates)
        self.negative_group = int(negative_group)

    def call(self, inputs):
        ids = ops.cast(inputs, "int32")
        table = self.embeddings
        if self.max_updates is not None:
            flat = ops.reshape(ids, (-1,))
            counts = ops.segment_sum(ops.ones_like(flat, dtype=table.dtype), flat, num_segments=self.input_dim)
            scale = ops.expand_dims(ops.minimum(1.0, self.max_updates / ops.maximum(counts, 1.0)), -1)
            table = table * scale + ops.stop_gradient(table * (1.0 - scale))
        if self.negative_group > 1:
            group = self.negative_group
            positives = ops.reshape(ids[:, 0], (-1, group))
            shared = ops.reshape(ids[:, 1:], (-1, group, ops.shape(ids)[-1] - 1))[:, 0]
            ids = ops.concatenate([positives, shared], axis=1)
        return ops.take(table, ids, axis=0)

    def compute_output_shape(self, input_shape):
        if self.negative_group == 1:
            return super().compute_output_shape(input_shape)
        return (None, self.negative_group + input_shape[-1] - 1, self.output_dim)

    def get_config(self):
        return {**super().get_config(), "max_updates": self.max_updates, "negative_group": self.negative_group}


@keras.saving.register_keras_serializable(package="zoo")
class NegativeSamplingLoss(keras.losses.Loss):
    """word2vec's loss on candidate logits: column 0 is the true word, the others negatives.

    ``y_true`` is ignored beyond its batch size (pass zeros); the labels are positional. The
    loss is summed over candidates and averaged over the batch.
    """

    def __init__(self, name="negative_sampling", reduction="sum_over_batch_size", **kwargs):
        super().__init__(name=name, reduction=reduction, **kwargs)

    def call(self, y_true, y_pred):
        positive = ops.softplus(-y_pred[:, 0])  # -log sigmoid(x0)
        negative = ops.sum(ops.softplus(y_pred[:, 1:]), axis=-1)  # -log sigmoid(-xk)
        return positive + negative


def _check(vocab_size, embedding_dim, num_negatives, negative_group, owner):
    check_int(vocab_size, "vocab_size", owner, minimum=2)
    check_int(embedding_dim, "embedding_dim", owner)
    check_int(num_negatives, "num_negatives", owner, minimum=0)
    check_int(negative_group, "negative_group", owner, minimum=1)


def _embeddings(vocab_size, embedding_dim, max_row_updates, negative_group):
    limit = 0.5 / embedding_dim
    words = CappedEmbedding(vocab_size, embedding_dim, max_updates=max_row_updates, name="word_embedding",
                            embeddings_initializer=keras.initializers.RandomUniform(-limit, limit))
    contexts = CappedEmbedding(vocab_size, embedding_dim, max_updates=max_row_updates, name="context_embedding",
                               negative_group=negative_group, embeddings_initializer="zeros")
    return words, contexts


@register_model(task="embedding", reference=REFERENCE)
def word2vec_skipgram(vocab_size=10000, embedding_dim=100, num_negatives=5, max_row_updates=None,
                      negative_group=1, name="word2vec_skipgram"):
    """Skip-gram with negative sampling: a word's vector scores its context word against negatives.

    Inputs: ``word`` int ``(B,)`` and ``candidates`` int ``(B, 1 + num_negatives)`` (the context
    word, then the negatives). Output: logits ``(B, 1 + num_negatives)``.

    ``negative_group=G > 1`` departs from word2vec: each group of ``G`` consecutive examples
    shares the negatives of its first row (the batch size must be a multiple of ``G``), scored
    by one matrix product instead of ``G`` separate look-ups; ``1`` (default) is word2vec's own
    sampling, one set of negatives per example.
    """
    _check(vocab_size, embedding_dim, num_negatives, negative_group, "word2vec_skipgram")
    word = keras.Input(shape=(), dtype="int32", name="word")
    candidates = keras.Input(shape=(1 + num_negatives,), dtype="int32", name="candidates")
    words, contexts = _embeddings(vocab_size, embedding_dim, max_row_updates, negative_group)
    logits = CandidateLogits(negative_group, name="logits")([words(word), contexts(candidates)])
    return keras.Model({"word": word, "candidates": candidates}, logits, name=name)


@register_model(task="embedding", reference=REFERENCE)
def word2vec_cbow(vocab_size=10000, embedding_dim=100, window=5, num_negatives=5, max_row_updates=None,
                  negative_group=1, name="word2vec_cbow"):
    """Continuous bag of words with negative sampling: the mean of a window's vectors scores its
    centre word against negatives.

    Inputs: ``context`` int ``(B, 2 * window)``, ``context_mask`` float ``(B, 2 * window)`` (1 for a
    real word, 0 for padding) and ``candidates`` int ``(B, 1 + num_negatives)`` (the centre word,
    then the negatives). Output: logits ``(B, 1 + num_negatives)``. ``max_row_updates`` and
    ``negative_group`` as in ``word2vec_skipgram``.
    """
    _check(vocab_size, embedding_dim, num_negatives, negative_group, "word2vec_cbow")
    check_int(window, "window", "word2vec_cbow")
    context = keras.Input(shape=(2 * window,), dtype="int32", name="context")
    mask = keras.Input(shape=(2 * window,), dtype="float32", name="context_mask")
    candidates = keras.Input(shape=(1 + num_negatives,), dtype="int32", name="candidates")
    words, contexts = _embeddings(vocab_size, embedding_dim, max_row_updates, negative_group)
    hidden = ContextMean(name="context_mean")([words(context), mask])
    logits = CandidateLogits(negative_group, name="logits")([hidden, contexts(candidates)])
    return keras.Model({"context": context, "context_mask": mask, "candidates": candidates}, logits, name=name)
