"""Text models: build, exact sizes, fit, save/load, padding masks, errors, on every backend."""

import numpy as np
import pytest

from tests.helpers import loss_goes_down, run_model_test
from zoo.models import create_model, list_models

V, L, C = 50, 12, 3


def _ids(n=8, seed=0):
    x = np.random.default_rng(seed).integers(2, V, size=(n, L)).astype("int32")
    for i in range(n):
        x[i, 3 + i % (L - 3):] = 0  # right padding of varying length
    return x


def test_registry_lists_text_models():
    names = list_models(task="text")
    for name in ["simple_rnn", "lstm", "gru", "bilstm", "bigru", "textcnn", "transformer", "bert"]:
        assert name in names


@pytest.mark.parametrize("name", ["simple_rnn", "lstm", "gru", "bilstm", "bigru", "textcnn", "transformer"])
def test_text_model_fits_and_round_trips(name, tmp_path):
    model = create_model(name, task="text", vocab_size=V, sequence_length=L, num_classes=C, embedding_dim=8,
                         **({"units": 8} if name not in ("textcnn", "transformer") else {}))
    x, y = _ids(), np.arange(8) % C
    # one training step for one model of each kind (compiling a train step is the slow part under jax)
    fit = name in ("lstm", "textcnn", "transformer")
    run_model_test(model, x, y if fit else None, tmp_path=tmp_path, expected_output_shape=(8, C))


def test_parameter_counts_are_exact():
    cnn = create_model("textcnn", task="text", vocab_size=V, sequence_length=L, num_classes=2, embedding_dim=10,
                       num_filters=4)
    emb = V * 10
    convs = sum(w * 10 * 4 + 4 for w in (3, 4, 5))
    assert cnn.count_params() == emb + convs + (3 * 4 * 2 + 2)
    lstm = create_model("lstm", task="text", vocab_size=V, sequence_length=L, num_classes=2, embedding_dim=10, units=6)
    assert lstm.count_params() == V * 10 + 4 * (10 * 6 + 6 * 6 + 6) + (6 * 2 + 2)
    bigru = create_model("bigru", task="text", vocab_size=V, sequence_length=L, num_classes=2, embedding_dim=10, units=6)
    # Keras GRU (reset_after=True) has two bias vectors per gate.
    assert bigru.count_params() == V * 10 + 2 * 3 * (10 * 6 + 6 * 6 + 2 * 6) + (12 * 2 + 2)
    tr = create_model("transformer", task="text", vocab_size=V, sequence_length=L, num_classes=2, embedding_dim=8,
                      num_heads=2, ff_dim=16, num_layers=1)
    attention = 4 * (8 * 8 + 8)
    block = attention + (8 * 16 + 16) + (16 * 8 + 8) + 2 * 2 * 8
    assert tr.count_params() == V * 8 + L * 8 + block + (8 * 2 + 2)


def test_textcnn_learns_a_keyword_rule():
    x = _ids(32, seed=1)
    y = (x == 7).any(axis=1).astype("int64")
    x[::2, 1] = 7
    y = (x == 7).any(axis=1).astype("int64")
    model = create_model("textcnn", task="text", vocab_size=V, sequence_length=L, num_classes=2, embedding_dim=8,
                         num_filters=8)
    loss_goes_down(model, x, y, epochs=8)


def test_transformer_ignores_padding_positions():
    import keras

    model = create_model("transformer", task="text", vocab_size=V, sequence_length=L, num_classes=2, embedding_dim=8,
                         num_heads=2, ff_dim=16, num_layers=1, dropout=0.0)
    x = np.zeros((1, L), dtype="int32")
    x[0, :4] = [5, 6, 7, 8]
    before = np.asarray(model.predict(x, verbose=0))
    pos = model.get_layer("embedding").position_embedding.embeddings
    table = keras.ops.convert_to_numpy(pos).copy()
    table[4:] = np.random.default_rng(0).normal(size=table[4:].shape) * 5  # only padded positions change
    pos.assign(table)
    np.testing.assert_allclose(np.asarray(model.predict(x, verbose=0)), before, atol=1e-5)


def test_rnn_output_does_not_depend_on_padding():
    model = create_model("bigru", task="text", vocab_size=V, sequence_length=None, num_classes=2, embedding_dim=8, units=4)
    short = np.array([[5, 6, 7]], dtype="int32")
    padded = np.array([[5, 6, 7, 0, 0, 0, 0]], dtype="int32")
    np.testing.assert_allclose(model.predict(short, verbose=0), model.predict(padded, verbose=0), atol=1e-5)


def test_bert_builds_randomly_and_handles_any_length():
    pytest.importorskip("keras_hub")
    model = create_model("bert", task="text", vocab_size=V, num_classes=2, num_layers=1, num_heads=2, hidden_dim=8,
                         intermediate_dim=16, max_sequence_length=32)
    x = np.array([[2, 5, 6, 3, 0, 0]], dtype="int32")
    np.testing.assert_allclose(model.predict(x, verbose=0), model.predict(x[:, :4], verbose=0), atol=1e-5)
    assert model.predict(np.ones((3, 17), "int32"), verbose=0).shape == (3, 2)


def test_bad_arguments_say_what_was_expected():
    with pytest.raises(ValueError, match="vocab_size"):
        create_model("textcnn", task="text", vocab_size=0, sequence_length=L, num_classes=2)
    with pytest.raises(ValueError, match="widest filter"):
        create_model("textcnn", task="text", vocab_size=V, sequence_length=3, num_classes=2)
    with pytest.raises(ValueError, match="num_classes"):
        create_model("lstm", task="text", vocab_size=V, sequence_length=L, num_classes=1)
    with pytest.raises(ValueError, match="divisible"):
        create_model("transformer", task="text", vocab_size=V, sequence_length=L, num_classes=2, embedding_dim=10, num_heads=3)
    with pytest.raises(ValueError, match="cell"):
        from zoo.models.text import text_rnn

        text_rnn("rnn", V, L, 2)
