"""Row-sparse SGD (zoo.text.word2vec_sgd) is the same SGD step as Model.fit on the Word2Vec models."""

import numpy as np
import pytest

from tests.test_word2vec_models import _cbow_batch, _skipgram_batch


def _model(name, cap, seed=0):
    import keras

    from zoo.models import create_model

    kwargs = {"window": 2} if name == "word2vec_cbow" else {}
    model = create_model(name, vocab_size=20, embedding_dim=8, num_negatives=3, max_row_updates=cap, **kwargs)
    rng = np.random.default_rng(seed)
    for layer in ("word_embedding", "context_embedding"):  # non-zero context vectors: every term of the step counts
        model.get_layer(layer).set_weights([rng.normal(0, 0.3, (20, 8)).astype("float32")])
    keras.utils.set_random_seed(seed)
    return model


def _tables(model):
    return [np.asarray(model.get_layer(n).get_weights()[0]) for n in ("word_embedding", "context_embedding")]


# CBOW without a cap: CappedEmbedding counts padded context slots too, the sparse step only real words.
@pytest.mark.parametrize("name,cap", [("word2vec_skipgram", None), ("word2vec_skipgram", 2.0), ("word2vec_cbow", None)])
def test_one_sparse_step_equals_one_fit_step(name, cap, rng):
    import keras

    from zoo.models.word2vec import NegativeSamplingLoss
    from zoo.text.word2vec_sgd import SparseSGD

    x = _skipgram_batch(rng) if name == "word2vec_skipgram" else _cbow_batch(rng)
    lr = 0.05
    dense = _model(name, cap)
    # Keras averages the loss over the batch: lr * batch gives each example word2vec's step.
    dense.compile(optimizer=keras.optimizers.SGD(lr * 32), loss=NegativeSamplingLoss())
    dense.train_on_batch(x, np.zeros(32, "int8"))

    sparse = _model(name, cap)
    before = _tables(sparse)
    loss = SparseSGD(sparse, max_updates=cap).run({k: v[None] for k, v in x.items()}, np.array([lr], "float32"))
    for got, want, start in zip(_tables(sparse), _tables(dense), before):
        assert np.abs(got - start).max() > 1e-3  # the step moved the tables
        np.testing.assert_allclose(got, want, atol=1e-5)
    logits = np.asarray(_model(name, cap).predict(x, verbose=0))
    expected = np.mean(np.logaddexp(0, -logits[:, 0]) + np.logaddexp(0, logits[:, 1:]).sum(-1))
    np.testing.assert_allclose(loss, expected, rtol=1e-5)


def test_chunks_are_padded_to_the_first_calls_length(rng):
    from zoo.text.word2vec_sgd import SparseSGD

    model = _model("word2vec_skipgram", None)
    trainer = SparseSGD(model)
    batches = [_skipgram_batch(rng) for _ in range(3)]
    chunk = {k: np.stack([b[k] for b in batches]) for k in batches[0]}
    trainer.run(chunk, np.full(3, 0.01, "float32"))
    trainer.run({k: v[:1] for k, v in chunk.items()}, np.full(1, 0.01, "float32"))  # shorter: padded, no retrace
    with pytest.raises(ValueError, match="at most 3 steps per call.*Got 4"):
        trainer.run({k: np.concatenate([v, v[:1]]) for k, v in chunk.items()}, np.full(4, 0.01, "float32"))


def test_sparse_and_keras_trainers_learn_the_same_vectors():
    """The whole training loop: same data, same SGD; only the float summation order differs."""
    from zoo.applications import embeddings
    from tests.test_word2vec_app import _toy_corpus

    kw = dict(epochs=2, embedding_dim=8, window=2, min_count=1, sample=0, batch_size=64, seed=3)
    sparse = embeddings.train_word2vec(_toy_corpus(60), trainer="sparse", **kw)
    keras_fit = embeddings.train_word2vec(_toy_corpus(60), trainer="keras", **kw)
    assert sparse.stats["trainer"] == "sparse" and keras_fit.stats["trainer"] == "keras"
    np.testing.assert_allclose(sparse.vectors, keras_fit.vectors, atol=1e-4)
