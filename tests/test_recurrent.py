"""FusedLSTM / FusedGRU: drop-in Keras LSTM / GRU; under torch their loop runs in torch's fused kernels."""

import keras
import numpy as np
import pytest

from zoo import backend as zoo_backend
from zoo.models.recurrent import FusedGRU, FusedLSTM

PAIRS = {"lstm": (keras.layers.LSTM, FusedLSTM), "gru": (keras.layers.GRU, FusedGRU)}


def _pair(kind, make, seq_len=7, features=5, token_ids=False):
    """The same network twice, with Keras' layer and with the fused one, sharing one set of weights."""
    models = []
    for cls in PAIRS[kind]:
        keras.utils.set_random_seed(1)
        if token_ids:
            inputs = keras.Input((seq_len,), dtype="int32")
            x = keras.layers.Embedding(20, features, mask_zero=True)(inputs)
        else:
            inputs = keras.Input((seq_len, features))
            x = inputs
        models.append(keras.Model(inputs, make(cls)(x)))
    models[1].set_weights(models[0].get_weights())
    return models


def _right_padded_ids(rng, batch=6, seq_len=7):
    ids = rng.integers(1, 20, size=(batch, seq_len)).astype("int32")
    for row, length in enumerate(rng.integers(1, seq_len + 1, size=batch)):
        ids[row, length:] = 0
    ids[0, :] = rng.integers(1, 20, size=seq_len)  # one full-length row
    return ids


CASES = {
    "last": lambda cls: cls(8),
    "sequences": lambda cls: cls(8, return_sequences=True),
    "backwards": lambda cls: cls(8, go_backwards=True),
    "bidirectional": lambda cls: keras.layers.Bidirectional(cls(8)),
}


@pytest.mark.parametrize("kind", sorted(PAIRS))
@pytest.mark.parametrize("case", sorted(CASES))
def test_fused_layer_matches_keras_without_mask(kind, case, rng):
    keras_model, fused_model = _pair(kind, CASES[case])
    x = rng.normal(size=(4, 7, 5)).astype("float32")
    np.testing.assert_allclose(fused_model.predict(x, verbose=0), keras_model.predict(x, verbose=0), atol=1e-5)


@pytest.mark.parametrize("kind", sorted(PAIRS))
@pytest.mark.parametrize("case", sorted(CASES))
def test_fused_layer_matches_keras_on_padded_tokens(kind, case, rng):
    keras_model, fused_model = _pair(kind, CASES[case], token_ids=True)
    ids = _right_padded_ids(rng)
    np.testing.assert_allclose(fused_model.predict(ids, verbose=0), keras_model.predict(ids, verbose=0), atol=1e-5)


@pytest.mark.parametrize("kind", sorted(PAIRS))
def test_fused_layer_falls_back_to_keras_where_the_kernel_does_not_fit(kind, rng):
    keras_model, fused_model = _pair(kind, CASES["bidirectional"], token_ids=True)
    ids = _right_padded_ids(rng)
    ids[1] = np.r_[[0, 0], ids[1, :5]]  # left padding: a mask the packed kernel cannot take
    ids[2] = 0                          # a sequence with no token at all
    np.testing.assert_allclose(fused_model.predict(ids, verbose=0), keras_model.predict(ids, verbose=0), atol=1e-5)
    # GRU without reset_after is not torch's GRU: Keras' loop runs, same outputs
    if kind == "gru":
        keras_model, fused_model = _pair(kind, lambda cls: cls(8, reset_after=False))
        x = rng.normal(size=(4, 7, 5)).astype("float32")
        np.testing.assert_allclose(fused_model.predict(x, verbose=0), keras_model.predict(x, verbose=0), atol=1e-5)


@pytest.mark.parametrize("kind", sorted(PAIRS))
def test_fused_layer_trains_like_keras(kind, rng):
    """Gradients agree: one SGD step from the same weights gives the same weights."""
    keras_model, fused_model = _pair(kind, lambda cls: keras.layers.Bidirectional(cls(8)), token_ids=True)
    ids, y = _right_padded_ids(rng), rng.normal(size=(6, 16)).astype("float32")
    for model in (keras_model, fused_model):
        model.compile(optimizer=keras.optimizers.SGD(0.5), loss="mse")
        model.train_on_batch(ids, y)
    for fused_w, keras_w in zip(fused_model.get_weights(), keras_model.get_weights()):
        np.testing.assert_allclose(fused_w, keras_w, atol=1e-5)


@pytest.mark.parametrize("kind", sorted(PAIRS))
def test_fused_kernel_is_used_under_torch_and_nowhere_else(kind, backend, monkeypatch, rng):
    _, fused_model = _pair(kind, CASES["bidirectional"], token_ids=True)
    calls = []
    real = zoo_backend.fused_rnn

    def spy(*args, **kwargs):
        out = real(*args, **kwargs)
        calls.append(out is not None)
        return out

    monkeypatch.setattr(zoo_backend, "fused_rnn", spy)
    fused_model.predict(_right_padded_ids(rng), verbose=0)
    assert calls == ([True, True] if backend == "torch" else [])


@pytest.mark.parametrize("kind", sorted(PAIRS))
def test_fused_layer_saves_and_loads_as_itself(kind, tmp_path, rng):
    _, model = _pair(kind, CASES["bidirectional"], token_ids=True)
    ids = _right_padded_ids(rng)
    model.save(tmp_path / "m.keras")
    loaded = keras.saving.load_model(tmp_path / "m.keras")
    assert isinstance(loaded.layers[-1].forward_layer, PAIRS[kind][1])
    np.testing.assert_allclose(loaded.predict(ids, verbose=0), model.predict(ids, verbose=0), atol=1e-6)
