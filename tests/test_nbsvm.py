"""NBSVM: the same n-gram ids on every backend, Naive Bayes ratios against a NumPy count, presence
(not counts), save/load, learning, errors, and the sentiment pipeline's adapt step."""

import numpy as np
import pytest

from tests.helpers import run_model_test
from zoo.models import create_model
from zoo.models.nbsvm import NaiveBayesNgrams

V, L = 20, 6


def _layer(buckets=64, classes=2):
    layer = NaiveBayesNgrams(V, classes, bigram_buckets=buckets)
    layer.build((None, L))
    return layer


def test_ngram_ids_are_unigrams_then_hashed_bigrams_and_drop_repeats():
    import keras

    ids = np.array([[3, 4, 3, 4, 0, 0], [5, 6, 7, 0, 0, 0]], dtype="int32")
    grams = keras.ops.convert_to_numpy(_layer().ngram_ids(ids))
    assert grams.shape == (2, 2 * L - 1)
    # unigrams: the repeated 3 and 4 are dropped, padding is 0
    np.testing.assert_array_equal(grams[0, :L], [3, 4, 0, 0, 0, 0])
    # bigrams: (3,4) twice -> kept once; (4,3) once; nothing across padding
    bigrams = grams[0, L:]
    assert np.count_nonzero(bigrams) == 2 and (bigrams[bigrams > 0] >= V).all()
    assert np.count_nonzero(grams[1, L:]) == 2
    # the hash is fixed arithmetic: int32 wrap-around then the low bits, the same on every backend
    a, b = np.int64(3), np.int64(4)
    expected = ((a * 1000003 + b * 8191) & 63) + V
    assert expected in bigrams


def test_adapt_sets_log_count_ratios():
    import keras

    ids = np.array([[2, 3, 0], [2, 4, 0], [5, 4, 4], [5, 6, 0]], dtype="int32")
    labels = np.array([1, 1, 0, 0])
    layer = NaiveBayesNgrams(V, 2, bigram_buckets=64)
    layer.adapt(ids, labels)
    r = keras.ops.convert_to_numpy(layer.ratios)
    grams = keras.ops.convert_to_numpy(layer.ngram_ids(ids))
    counts = np.zeros((layer.num_features, 2))
    for row, y in zip(grams, labels):
        for g in row[row > 0]:
            counts[g, y] += 1
    p, q = 1 + counts[:, 1], 1 + counts[:, 0]
    expected = np.log(p / p.sum()) - np.log(q / q.sum())
    expected[0] = 0
    np.testing.assert_allclose(r[:, 1], expected, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(r[:, 0], -r[:, 1], atol=1e-6)  # two classes: one ratio and its negative
    assert r[2, 1] > 0 > r[5, 1]  # word 2 only in positives, word 5 only in negatives
    assert r[4, 1] == pytest.approx(expected[4])  # counted once in sentence 3 though it occurs twice


def test_nbsvm_fits_round_trips_and_beats_chance(tmp_path):
    import keras

    rng = np.random.default_rng(0)
    y = np.arange(64) % 2
    x = rng.integers(8, V, size=(64, L)).astype("int32")
    x[:, 0] = np.where(y == 1, 2, 3)  # the class is a keyword
    model = create_model("nbsvm", task="text", vocab_size=V, sequence_length=L, num_classes=2, bigram_buckets=64)
    assert model.count_params() == 2 * 2 * (V + 64) + 2  # ratios + weights (features x classes) + bias
    model.get_layer("naive_bayes_ngrams").adapt(x, y)
    model.compile(optimizer=keras.optimizers.Adam(0.05), loss="sparse_categorical_crossentropy")
    losses = model.fit(x, y, epochs=5, batch_size=64, verbose=0, shuffle=False).history["loss"]
    assert losses[-1] < losses[0]
    assert (model.predict(x, verbose=0).argmax(-1) == y).mean() == 1.0
    reloaded = run_model_test(model, x, tmp_path=tmp_path, expected_output_shape=(64, 2))
    np.testing.assert_allclose(keras.ops.convert_to_numpy(reloaded.get_layer("naive_bayes_ngrams").ratios),
                               keras.ops.convert_to_numpy(model.get_layer("naive_bayes_ngrams").ratios))


def test_token_dropout_only_in_training():
    import keras

    from zoo.models.nbsvm import TokenDropout

    x = np.full((64, 50), 5, dtype="int32")
    layer = TokenDropout(0.5, seed=0)
    np.testing.assert_array_equal(keras.ops.convert_to_numpy(layer(x, training=False)), x)
    dropped = keras.ops.convert_to_numpy(layer(x, training=True)) == 0
    assert 0.4 < dropped.mean() < 0.6
    model = create_model("nbsvm", task="text", vocab_size=V, sequence_length=L, num_classes=3, bigram_buckets=64,
                         dropout=0.5)
    assert model.predict(np.full((4, L), 5, dtype="int32"), verbose=0).shape == (4, 3)


def test_bad_arguments_say_what_was_expected():
    with pytest.raises(ValueError, match="bigram_buckets.*power of two"):
        NaiveBayesNgrams(V, 2, bigram_buckets=100)
    with pytest.raises(ValueError, match="l2"):
        create_model("nbsvm", task="text", vocab_size=V, sequence_length=L, l2=-1.0)
    with pytest.raises(ValueError, match="one label per sentence"):
        _layer().adapt(np.ones((3, L), dtype="int32"), [0, 1])
    with pytest.raises(ValueError, match=r"labels must be in \[0, 2\)"):
        _layer().adapt(np.ones((2, L), dtype="int32"), [0, 2])


def test_sentiment_train_adapts_nbsvm(tmp_path):
    from zoo.applications import sentiment
    from zoo.datasets.text import TextDataset

    rng = np.random.default_rng(1)
    pos, neg, fill = ["good", "great", "superb"], ["bad", "dull", "awful"], ["the", "film", "a", "plot", "is"]

    def texts(n):
        y = np.arange(n) % 2
        return [" ".join(list(rng.choice(fill, 4)) + [rng.choice(pos if t else neg)]) for t in y], y

    (xt, yt), (xs, ys) = texts(120), texts(40)
    ds = TextDataset("kw", xt, yt, xs, ys, ["neg", "pos"])
    result = sentiment.train(model="nbsvm", dataset=ds, epochs=2, output_dir=tmp_path, verbose=0,
                             model_kwargs={"bigram_buckets": 256})
    assert result.metrics["accuracy"] >= 0.95
    assert sentiment.predict(result.model, ["a superb film"])[0][0] == "pos"
    with pytest.raises(ValueError, match="embeddings.*nbsvm"):
        sentiment.train(model="nbsvm", dataset=ds, embeddings=str(tmp_path / "v.txt"), output_dir=tmp_path)
