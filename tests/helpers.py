"""Checks every model passes (KerasHub's run_backbone_test in spirit)."""

from __future__ import annotations

import numpy as np


def run_model_test(model, x, y=None, loss="sparse_categorical_crossentropy", tmp_path=None,
                   expected_output_shape=None, atol=1e-5):
    """Build, predict, fit one step, save to .keras, reload, and compare outputs.

    Returns the reloaded model.
    """
    import keras

    out = np.asarray(model.predict(x, verbose=0))
    if expected_output_shape is not None:
        assert out.shape == tuple(expected_output_shape), (out.shape, expected_output_shape)
    assert np.all(np.isfinite(out))
    if y is not None:
        model.compile(optimizer="adam", loss=loss)
        history = model.fit(x, y, epochs=1, batch_size=len(x), verbose=0)
        assert np.isfinite(history.history["loss"][0])
        out = np.asarray(model.predict(x, verbose=0))
    if tmp_path is not None:
        path = tmp_path / f"{model.name}.keras"
        model.save(path)
        reloaded = keras.saving.load_model(path, compile=False)
        np.testing.assert_allclose(np.asarray(reloaded.predict(x, verbose=0)), out, atol=atol, rtol=1e-4)
        return reloaded
    return model


def loss_goes_down(model, x, y, loss="sparse_categorical_crossentropy", epochs=5, lr=1e-2):
    """Train a few full-batch steps and assert the loss dropped."""
    import keras

    model.compile(optimizer=keras.optimizers.Adam(lr), loss=loss)
    hist = model.fit(x, y, epochs=epochs, batch_size=len(x), verbose=0, shuffle=False)
    losses = hist.history["loss"]
    assert losses[-1] < losses[0], losses
    return losses
