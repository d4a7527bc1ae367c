"""Word2Vec Keras models: registry, shapes, exact parameter counts, loss, save/load on every backend."""

import numpy as np
import pytest

from tests.helpers import loss_goes_down, run_model_test


def _skipgram_batch(rng, n=32, vocab=20, k=3):
    return {"word": rng.integers(0, vocab, n).astype("int32"),
            "candidates": rng.integers(0, vocab, (n, 1 + k)).astype("int32")}


def _cbow_batch(rng, n=32, vocab=20, window=2, k=3):
    mask = (rng.random((n, 2 * window)) < 0.7).astype("float32")
    mask[:, 0] = 1.0
    return {"context": rng.integers(0, vocab, (n, 2 * window)).astype("int32"), "context_mask": mask,
            "candidates": rng.integers(0, vocab, (n, 1 + k)).astype("int32")}


def test_registered_for_the_embedding_task():
    from zoo.models import get_model_entry, list_models

    assert {"word2vec_skipgram", "word2vec_cbow"} <= set(list_models(task="embedding"))
    assert "Mikolov" in get_model_entry("word2vec_skipgram").reference


def test_skipgram_shapes_params_and_save_load(tmp_path, rng):
    from zoo.models import create_model
    from zoo.models.word2vec import NegativeSamplingLoss

    model = create_model("word2vec_skipgram", vocab_size=20, embedding_dim=8, num_negatives=3)
    assert model.count_params() == 2 * 20 * 8
    x = _skipgram_batch(rng)
    # Context vectors start at zero (as in the C tool), so every logit starts at 0.
    np.testing.assert_allclose(np.asarray(model.predict(x, verbose=0)), 0.0)
    run_model_test(model, x, np.zeros(32, "int8"), loss=NegativeSamplingLoss(), tmp_path=tmp_path,
                   expected_output_shape=(32, 4))


def test_cbow_shapes_params_and_save_load(tmp_path, rng):
    from zoo.models import create_model
    from zoo.models.word2vec import NegativeSamplingLoss

    model = create_model("word2vec_cbow", vocab_size=20, embedding_dim=8, window=2, num_negatives=3)
    assert model.count_params() == 2 * 20 * 8
    run_model_test(model, _cbow_batch(rng), np.zeros(32, "int8"), loss=NegativeSamplingLoss(),
                   tmp_path=tmp_path, expected_output_shape=(32, 4))


def test_loss_goes_down(rng):
    from zoo.models import create_model
    from zoo.models.word2vec import NegativeSamplingLoss

    for name, x in (("word2vec_skipgram", _skipgram_batch(rng)), ("word2vec_cbow", _cbow_batch(rng))):
        kwargs = {"window": 2} if name == "word2vec_cbow" else {}
        model = create_model(name, vocab_size=20, embedding_dim=8, num_negatives=3, **kwargs)
        loss_goes_down(model, x, np.zeros(32, "int8"), loss=NegativeSamplingLoss(), epochs=5, lr=0.05)


def test_negative_sampling_loss_is_word2vecs_objective():
    from zoo.models.word2vec import NegativeSamplingLoss

    logits = np.array([[2.0, -1.0, 0.5], [-0.3, 0.2, 1.5]], dtype="float32")
    sigmoid = lambda v: 1 / (1 + np.exp(-v))
    expected = np.mean(-np.log(sigmoid(logits[:, 0])) - np.log(sigmoid(-logits[:, 1:])).sum(1))
    got = float(np.asarray(NegativeSamplingLoss()(np.zeros(2), logits)))
    assert got == pytest.approx(expected, rel=1e-5)


def test_cbow_hidden_is_the_masked_mean():
    import keras

    from zoo.models.word2vec import ContextMean

    vectors = np.arange(2 * 3 * 2, dtype="float32").reshape(2, 3, 2)
    mask = np.array([[1, 1, 0], [0, 0, 1]], dtype="float32")
    out = np.asarray(keras.ops.convert_to_numpy(ContextMean()([vectors, mask])))
    np.testing.assert_allclose(out, [[1.0, 2.0], [10.0, 11.0]])


def test_bad_arguments_are_clear():
    from zoo.models import create_model

    with pytest.raises(ValueError, match="'vocab_size'.*Got 1"):
        create_model("word2vec_skipgram", vocab_size=1)
    with pytest.raises(ValueError, match="'window'"):
        create_model("word2vec_cbow", vocab_size=10, window=0)


def test_row_update_cap_scales_a_frequent_words_gradient():
    """One SGD step: word 0 occurs 10 times; capped at 2 updates its row moves 2/10 as far."""
    import keras

    from zoo.models import create_model
    from zoo.models.word2vec import NegativeSamplingLoss

    x = {"word": np.array([0] * 10 + [1, 2], dtype="int32"),
         "candidates": np.tile(np.array([[3, 2]], dtype="int32"), (12, 1))}
    moved = {}
    for cap in (None, 2):
        model = create_model("word2vec_skipgram", vocab_size=4, embedding_dim=3, num_negatives=1, max_row_updates=cap)
        start = np.array([[0.1, -0.2, 0.3], [0.2, 0.1, -0.1], [0.0, 0.3, 0.1], [0.3, 0.2, 0.1]], dtype="float32")
        model.get_layer("word_embedding").set_weights([start])
        model.get_layer("context_embedding").set_weights([start[::-1].copy()])
        model.compile(optimizer=keras.optimizers.SGD(1.0), loss=NegativeSamplingLoss())
        np.testing.assert_allclose(np.asarray(model.predict(x, verbose=0)),
                                   np.einsum("bd,bkd->bk", start[x["word"]], start[::-1][x["candidates"]]), atol=1e-6)
        model.train_on_batch(x, np.zeros(12, "int8"))
        moved[cap] = model.get_layer("word_embedding").get_weights()[0] - start
    np.testing.assert_allclose(moved[2][0], moved[None][0] * 0.2, atol=1e-6)
    np.testing.assert_allclose(moved[2][1:], moved[None][1:], atol=1e-6)  # rare words train as before


@pytest.mark.parametrize("name", ["word2vec_skipgram", "word2vec_cbow"])
def test_shared_negatives_match_word2vec_on_repeated_negatives(name, rng, tmp_path):
    """negative_group=4 reads each group's negatives once and scores them by a matrix product; on
    candidates whose negatives repeat over each group of 4 rows, its logits and one SGD step
    equal those of the per-example model (negative_group=1), cap included."""
    import keras

    from zoo.models import create_model
    from zoo.models.word2vec import NegativeSamplingLoss

    x = _cbow_batch(rng) if name == "word2vec_cbow" else _skipgram_batch(rng)
    x["candidates"][:, 1:] = np.repeat(x["candidates"][::4, 1:], 4, axis=0)
    kwargs = {"window": 2} if name == "word2vec_cbow" else {}
    weights, logits = {}, {}
    for group in (1, 4):
        model = create_model(name, vocab_size=20, embedding_dim=8, num_negatives=3, max_row_updates=3,
                             negative_group=group, **kwargs)
        start = np.random.default_rng(1).normal(size=(20, 8)).astype("float32")
        model.get_layer("word_embedding").set_weights([start])
        model.get_layer("context_embedding").set_weights([start[::-1].copy()])
        model.compile(optimizer=keras.optimizers.SGD(0.5), loss=NegativeSamplingLoss())
        logits[group] = np.asarray(model.predict(x, batch_size=32, verbose=0))
        model.train_on_batch(x, np.zeros(32, "int8"))
        weights[group] = [np.asarray(w) for w in model.get_weights()]
    assert logits[4].shape == (32, 4)
    np.testing.assert_allclose(logits[4], logits[1], rtol=1e-5, atol=1e-5)
    for w4, w1 in zip(weights[4], weights[1]):
        np.testing.assert_allclose(w4, w1, rtol=1e-5, atol=1e-5)
    path = tmp_path / "grouped.keras"
    model.save(path)
    reloaded = keras.saving.load_model(path, compile=False)
    assert reloaded.get_layer("context_embedding").negative_group == 4
    np.testing.assert_allclose(np.asarray(reloaded.predict(x, batch_size=32, verbose=0)),
                               np.asarray(model.predict(x, batch_size=32, verbose=0)), atol=1e-5)


def test_negative_group_is_checked():
    from zoo.models import create_model

    with pytest.raises(ValueError, match="'negative_group'.*Got 0"):
        create_model("word2vec_skipgram", vocab_size=10, negative_group=0)
