"""ExplicitAttention: Keras' MultiHeadAttention through its explicit path, same numbers and config."""

import keras
import numpy as np
import pytest

from zoo.models.attention import ExplicitAttention


def _pair(**kwargs):
    """The same self-attention network with Keras' layer and with ExplicitAttention, one set of weights."""
    models = []
    for cls in (keras.layers.MultiHeadAttention, ExplicitAttention):
        inputs = keras.Input((6, 8))
        layer = cls(num_heads=2, key_dim=4, name="attention")
        models.append((keras.Model(inputs, layer(inputs, inputs, **kwargs)), layer))
    models[1][0].set_weights(models[0][0].get_weights())
    return models


@pytest.mark.parametrize("causal", [False, True])
def test_outputs_and_gradients_are_keras_own(causal):
    x = np.random.default_rng(0).normal(size=(3, 6, 8)).astype("float32")
    (ref, _), (ours, _) = _pair(use_causal_mask=causal)
    np.testing.assert_allclose(keras.ops.convert_to_numpy(ours(x)), keras.ops.convert_to_numpy(ref(x)),
                               rtol=1e-5, atol=1e-6)
    # one SGD step of a squared-output loss moves both sets of weights alike (the gradients agree)
    target = np.zeros((3, 6, 8), "float32")
    for model in (ref, ours):
        model.compile(keras.optimizers.SGD(0.1), "mse")
        model.train_on_batch(x, target)
    for a, b in zip(ref.get_weights(), ours.get_weights()):
        np.testing.assert_allclose(b, a, rtol=1e-5, atol=1e-6)


def test_scores_only_when_asked_and_the_saved_model_loads(tmp_path):
    x = np.random.default_rng(1).normal(size=(2, 6, 8)).astype("float32")
    layer = ExplicitAttention(num_heads=2, key_dim=4)
    out = layer(x, x)
    assert tuple(out.shape) == (2, 6, 8)
    out, scores = layer(x, x, return_attention_scores=True)
    assert tuple(scores.shape) == (2, 2, 6, 6)
    np.testing.assert_allclose(keras.ops.convert_to_numpy(keras.ops.sum(scores, axis=-1)), 1.0, rtol=1e-5)
    inputs = keras.Input((6, 8))
    model = keras.Model(inputs, ExplicitAttention(num_heads=2, key_dim=4)(inputs, inputs))
    model.save(tmp_path / "m.keras")
    loaded = keras.saving.load_model(tmp_path / "m.keras")
    assert type(loaded.layers[-1]) is ExplicitAttention
    np.testing.assert_allclose(keras.ops.convert_to_numpy(loaded(x)), keras.ops.convert_to_numpy(model(x)), rtol=1e-6)
