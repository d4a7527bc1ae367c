"""Keras forecasters: builders, windowing without leaks, scaling, save -> load -> identical forecasts."""

import numpy as np
import pandas as pd
import pytest

from helpers import loss_goes_down, run_model_test
from zoo.forecasting import create_forecaster
from zoo.forecasting.deep import DeepForecaster, last_window, make_windows, window_scale

TINY_BUILDERS = {
    # name: (kwargs, exact parameter count computed by hand in the comments)
    # block 0: fc 8->16, backcast 16->8, forecast 16->12; block 1 (last): fc 8->16, forecast 16->12
    "nbeats": ({"units": 16, "num_blocks": 2, "layers_per_block": 1}, 144 + 136 + 204 + 144 + 204),
    "lstm": ({"units": 8}, 4 * (8 * 9 + 8) + 72 + 108),
    "gru": ({"units": 8}, 3 * (8 * 9 + 2 * 8) + 72 + 108),
    "transformer": ({"d_model": 8, "num_heads": 2, "num_layers": 1, "ff_dim": 8},
                    16 + (3 * 72 + 72) + 16 + 72 + 72 + 16 + (16 * 12 + 12)),
}


@pytest.mark.parametrize("name", list(TINY_BUILDERS))
def test_builder_shapes_params_and_save_load(name, tmp_path):
    from zoo.models import create_model
    from zoo.models.forecasters import PinballLoss

    kwargs, expected = TINY_BUILDERS[name]
    model = create_model(f"forecasting/{name}", input_length=8, horizon=4, **kwargs)
    assert model.count_params() == expected
    x = np.random.default_rng(0).normal(size=(16, 8)).astype("float32")
    y = np.random.default_rng(1).normal(size=(16, 4)).astype("float32")
    run_model_test(model, x, y, loss=PinballLoss(), tmp_path=tmp_path, expected_output_shape=(16, 4, 3))


def test_nbeats_block_is_the_dense_stack_it_replaces(rng):
    """Its residual and forecast are those of Dense(relu) x2, then the backcast and forecast heads."""
    import keras

    from zoo.models.forecasters import NBeatsBlock

    block = NBeatsBlock(8, 2, 6, name="block")
    x = rng.normal(size=(5, 4)).astype("float32")
    block(x)
    block.set_weights([rng.normal(size=w.shape).astype("float32") for w in block.get_weights()])
    names = [w.path.split("/")[-1] for w in block.weights]
    w = dict(zip(names, block.get_weights()))
    h = x
    for i in range(2):
        h = np.maximum(h @ w[f"fc{i}_kernel"] + w[f"fc{i}_bias"], 0)
    residual, forecast = (keras.ops.convert_to_numpy(t) for t in block(x))
    np.testing.assert_allclose(forecast, h @ w["forecast_kernel"] + w["forecast_bias"], rtol=1e-4, atol=1e-4)
    np.testing.assert_allclose(residual, x - (h @ w["backcast_kernel"] + w["backcast_bias"]), rtol=1e-4, atol=1e-4)


def test_nbeats_stack_is_its_blocks_called_one_by_one(rng, tmp_path):
    """The stack runs its blocks' ``call`` itself (one Keras layer call per network): same values as
    the blocks called as layers, the residual of each feeding the next and the forecasts summed."""
    import keras

    from zoo.models.forecasters import NBeatsStack

    stack = NBeatsStack(8, num_blocks=3, layers_per_block=2, forecast_size=6, name="stack")
    x = rng.normal(size=(5, 4)).astype("float32")
    stack(x)
    stack.set_weights([rng.normal(size=w.shape).astype("float32") * 0.3 for w in stack.get_weights()])
    assert [w.path for w in stack.weights][:2] == ["stack/block0/fc0_kernel", "stack/block0/fc0_bias"]
    assert not stack.blocks[-1].backcast  # the last residual would feed nothing
    residual, expected = x, 0.0
    for block in stack.blocks:
        residual, forecast = block(residual)
        expected = expected + keras.ops.convert_to_numpy(forecast)
    np.testing.assert_allclose(keras.ops.convert_to_numpy(stack(x)), expected, rtol=1e-5, atol=1e-5)
    inputs = keras.Input((4,))
    model = keras.Model(inputs, stack(inputs))
    model.save(tmp_path / "stack.keras")
    loaded = keras.saving.load_model(tmp_path / "stack.keras")
    np.testing.assert_array_equal(keras.ops.convert_to_numpy(loaded(x)), keras.ops.convert_to_numpy(model(x)))


def test_nbeats_loss_goes_down():
    from zoo.models import create_model
    from zoo.models.forecasters import PinballLoss

    model = create_model("forecasting/nbeats", input_length=8, horizon=4, units=16, num_blocks=2)
    x = np.random.default_rng(0).normal(size=(64, 8)).astype("float32")
    loss_goes_down(model, x, x[:, -4:] * 0.5, loss=PinballLoss(), epochs=8, lr=1e-2)


def test_builders_reject_bad_arguments():
    from zoo.models import create_model

    with pytest.raises(ValueError, match="'horizon'"):
        create_model("forecasting/lstm", input_length=8, horizon=0)
    with pytest.raises(ValueError, match="divisible"):
        create_model("forecasting/transformer", d_model=10, num_heads=4)
    with pytest.raises(ValueError, match="quantiles"):
        create_model("forecasting/gru", quantiles=(0.5, 1.5))


def test_windows_never_reach_past_the_data():
    y = np.arange(20, dtype="float32")
    x, t = make_windows(y, input_length=4, horizon=3)
    assert x.shape == (14, 4) and t.shape == (14, 3)
    # Each target starts right after its input, and the last target ends at the last point.
    np.testing.assert_array_equal(t[:, 0], x[:, -1] + 1)
    assert t.max() == y[-1]
    x, t = make_windows(y, 4, 3, max_windows=5)                       # the most recent windows
    assert len(x) == 5 and t[-1, -1] == 19
    x, t = make_windows(np.array([5.0, 6.0]), 4, 3)                    # short series: left-padded
    assert x.shape == (1, 4) and x[0].tolist() == [5.0] * 4 and t[0].tolist() == [5.0, 5.0, 6.0]
    np.testing.assert_array_equal(last_window(y, 4), [16, 17, 18, 19])
    np.testing.assert_allclose(window_scale(np.array([[2.0, -4.0], [0.0, 0.0]])), [[3.0], [1.0]])


def _frame(n=60):
    t = np.arange(n)
    frames = [pd.DataFrame({"unique_id": uid, "ds": pd.date_range("2001-01-07", periods=n, freq="W-SUN"),
                            "y": base + 3 * np.sin(t / 3) + 0.2 * t}) for uid, base in (("a", 50.0), ("b", 500.0))]
    return pd.concat(frames, ignore_index=True)


def _tiny(**kw):
    return create_forecaster("nbeats", horizon=4, input_length=8, epochs=2, batch_size=32,
                             model_kwargs={"units": 16, "num_blocks": 1, "layers_per_block": 2}, **kw)


def test_backtest_never_shows_the_future_to_the_model():
    df = _frame()
    first = _tiny().backtest(df, horizon=4, windows=1).forecasts
    tampered = df.copy()
    tail = tampered.groupby("unique_id").cumcount(ascending=False) < 4
    tampered.loc[tail, "y"] = 1e6                                      # change only the test values
    second = _tiny().backtest(tampered, horizon=4, windows=1).forecasts
    np.testing.assert_allclose(first["yhat"].to_numpy(), second["yhat"].to_numpy(), rtol=1e-5)
    assert (second["y"] == 1e6).all()


def test_training_feeds_whole_batches_only():
    import keras

    model = _tiny().fit(_frame())  # 2 series x 49 windows, batches of 32: 96 windows, 3 steps an epoch
    assert model.n_windows_ == 96
    assert int(keras.ops.convert_to_numpy(model.network_.optimizer.iterations)) == 2 * 3
    few = create_forecaster("nbeats", horizon=4, input_length=8, epochs=1, batch_size=128,
                            model_kwargs={"units": 8, "num_blocks": 1, "layers_per_block": 1}).fit(_frame())
    assert few.n_windows_ == 98  # fewer windows than one batch: all of them, as one batch


def test_max_windows_caps_training_windows_with_an_equal_share_of_every_series(monkeypatch):
    """However many series, training sees at most max_windows windows, each series an equal random share
    of its recent windows; under the cap nothing changes."""
    import zoo.forecasting.deep as deep

    seen = []
    real = deep._normalize
    monkeypatch.setattr(deep, "_normalize", lambda x, t: (seen.append(x.copy()), real(x, t))[1])
    df = _frame()
    capped = _tiny(max_windows=64).fit(df)                  # 2 series x 49 windows: 32 from each
    assert capped.n_windows_ == 64
    x = seen[-1]
    assert len(x) == 64 and (x[:32].mean() < 200) and (x[32:].mean() > 200)  # series a (~50), then b (~500)
    recent = deep.make_windows(df["y"].to_numpy("float32")[:60], 8, 4)[0]
    assert len({tuple(r) for r in x[:32]} - {tuple(r) for r in recent}) == 0 and len(np.unique(x[:32], axis=0)) == 32
    default = _tiny().fit(df)
    assert default.n_windows_ == 96 and len(seen[-1]) == 98  # under the default cap: every window, as before
    assert deep.MAX_WINDOWS == default.max_windows
    from zoo.errors import ZooValueError

    with pytest.raises(ZooValueError, match="'max_windows' parameter"):
        _tiny(max_windows=0).fit(df)


def test_deep_forecaster_save_load_gives_identical_forecasts(tmp_path):
    model = _tiny().fit(_frame())
    before = model.predict(4)
    assert before.groupby("unique_id")["yhat"].mean()["b"] > 5 * before.groupby("unique_id")["yhat"].mean()["a"]
    model.save(tmp_path / "nbeats")
    loaded = DeepForecaster.load(tmp_path / "nbeats")
    pd.testing.assert_frame_equal(loaded.predict(4), before)
    with pytest.raises(ValueError, match="trained for horizon 4"):
        loaded.predict(5)
    with pytest.raises(FileNotFoundError, match="DeepForecaster.save"):
        DeepForecaster.load(tmp_path)
