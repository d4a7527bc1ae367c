"""The forecaster contract, checked for every registered forecaster on a tiny synthetic dataset."""

import numpy as np
import pandas as pd
import pytest

from zoo.errors import NotFittedError
from zoo.forecasting import Forecaster, create_forecaster, list_forecasters

H = 6
TINY = {
    "lstm": {"epochs": 1, "model_kwargs": {"units": 8}},
    "gru": {"epochs": 1, "model_kwargs": {"units": 8}},
    "transformer": {"epochs": 1, "model_kwargs": {"d_model": 8, "num_heads": 2, "num_layers": 1, "ff_dim": 8}},
    "nbeats": {"epochs": 1, "model_kwargs": {"units": 16, "num_blocks": 1, "layers_per_block": 1}},
    "nbeats_ensemble": {"epochs": 1, "input_multiples": (2, 3), "model_kwargs": {"units": 16, "num_blocks": 1,
                                                                                 "layers_per_block": 1}},
    "ensemble": {"models": ("naive", "theta", "seasonal_naive")},
    "prophet": {"uncertainty_samples": 50},
    "ets": {"models": ("ANN", "AAdN", "ANA")},
    "arima": {"max_models": 8},
    "sarima": {"max_models": 8},
}


def _series(n=48, uid="a", level=100.0):
    t = np.arange(n)
    y = level + 0.5 * t + 10 * np.sin(2 * np.pi * t / 12) + np.random.default_rng(len(uid)).normal(0, 1, n)
    return pd.DataFrame({"unique_id": uid, "ds": pd.date_range("2000-01-01", periods=n, freq="MS"), "y": y})


@pytest.fixture(scope="module")
def tiny():
    return pd.concat([_series(48, "a"), _series(40, "bb", 50.0)], ignore_index=True)


def _make(name, **kw):
    return create_forecaster(name, **{**TINY.get(name, {}), **({"horizon": H} if name in
                                      ("lstm", "gru", "transformer", "nbeats", "nbeats_ensemble") else {}), **kw})


def test_registry_names_and_suggestions():
    expected = {"naive", "seasonal_naive", "naive2", "ets", "theta", "arima", "sarima", "prophet",
                "lstm", "gru", "transformer", "nbeats", "ensemble"}
    assert expected <= set(list_forecasters())
    assert list_forecasters("*arima") == ["arima", "sarima"]
    with pytest.raises(KeyError, match="Did you mean: arima"):
        create_forecaster("arimaa")


def test_keras_forecasters_are_in_the_model_registry():
    from zoo.models import list_models

    assert {"lstm", "gru", "transformer", "nbeats"} <= set(list_models(task="forecasting"))


def test_one_registry_creates_every_forecaster():
    import keras

    from zoo.forecasting.arima import AutoARIMA
    from zoo.forecasting.deep import DeepForecaster
    from zoo.models import create_model, get_model_entry, list_models

    names = set(list_models(task="forecasting"))
    assert {"naive2", "ets", "theta", "arima", "sarima", "prophet", "ensemble", "lstm", "nbeats"} <= names
    assert set(list_forecasters()) <= names
    arima = create_model("arima", task="forecasting", max_models=8)
    assert isinstance(arima, AutoARIMA) and arima.max_models == 8
    assert isinstance(create_model("forecasting/ensemble"), Forecaster)
    # A deep name is still the Keras network for create_model, and its trainer for create_forecaster.
    assert isinstance(create_model("lstm", task="forecasting", input_length=8, horizon=2), keras.Model)
    deep = create_forecaster("lstm")
    assert isinstance(deep, DeepForecaster) and deep.model == "lstm" and deep.epochs == 3
    assert get_model_entry("forecasting/lstm").forecaster[0] == "zoo.forecasting.deep:DeepForecaster"


def test_forecasting_imports_only_lower_layers():
    """zoo.forecasting, zoo.datasets and zoo.models import no higher layer, and base.py no forecaster."""
    import ast
    from pathlib import Path

    root = Path(__file__).resolve().parents[1] / "zoo"
    higher = ("zoo.applications", "zoo.tasks", "zoo.cli", "zoo.core")
    for package in ("forecasting", "datasets", "models"):
        for path in (root / package).glob("*.py"):
            imported = set()
            for node in ast.walk(ast.parse(path.read_text())):
                if isinstance(node, ast.ImportFrom) and node.module:
                    imported.add(node.module)
                    imported.update(f"{node.module}.{a.name}" for a in node.names)
                elif isinstance(node, ast.Import):
                    imported.update(a.name for a in node.names)
            bad = [m for m in imported if m.startswith(higher) and not m.startswith("zoo.core.io")]
            if package == "datasets":
                bad += [m for m in imported if m.startswith("zoo.forecasting")]
            if path.name == "base.py" and package == "forecasting":
                bad += [m for m in imported if m.startswith(("zoo.forecasting.naive", "zoo.forecasting.registry"))]
            assert not bad, f"{path.relative_to(root.parent)} imports {sorted(bad)}"


@pytest.mark.parametrize("name", list_forecasters())
def test_contract(name, tiny):
    model = _make(name)
    assert isinstance(model, Forecaster)
    with pytest.raises(NotFittedError, match="fit"):
        model.predict(H)
    assert model.fit(tiny) is model
    fc = model.predict(H)
    assert list(fc.columns) == ["unique_id", "ds", "yhat", "yhat_lower", "yhat_upper"]
    assert fc.groupby("unique_id").size().to_dict() == {"a": H, "bb": H}
    first = fc[fc["unique_id"] == "a"]["ds"].iloc[0]
    assert first == pd.Timestamp("2004-01-01")                          # the month after the last one
    assert np.isfinite(fc[["yhat", "yhat_lower", "yhat_upper"]].to_numpy()).all()
    assert (fc["yhat_lower"] <= fc["yhat"] + 1e-6).all() and (fc["yhat"] <= fc["yhat_upper"] + 1e-6).all()
    # Forecasts stay on the scale of the data (the two series differ by ~50).
    a, b = fc[fc.unique_id == "a"]["yhat"].mean(), fc[fc.unique_id == "bb"]["yhat"].mean()
    assert a > b
    with pytest.raises(ValueError, match="horizon"):
        model.predict(0)


@pytest.mark.parametrize("name", ["naive", "theta", "arima"])
def test_backtest_is_written_once_in_the_base_class(name, tiny):
    result = _make(name).backtest(tiny, horizon=H, windows=2, metrics=("smape", "mase", "coverage", "owa"))
    assert list(result.metrics["window"]) == [0, 1]
    assert set(result.summary) == {"smape", "mase", "coverage", "owa"}
    assert len(result.forecasts) == 2 * 2 * H
    assert result.forecasts["y"].notna().all()
    assert result.summary["owa"] > 0 and 0.0 <= result.summary["coverage"] <= 1.0


def test_exogenous_capability_gives_clear_errors(tiny):
    with_x = tiny.assign(promo=np.arange(len(tiny)) % 2)
    with pytest.raises(ValueError, match="does not support exogenous.*promo"):
        _make("theta").fit(with_x)
    model = _make("arima").fit(with_x)
    with pytest.raises(ValueError, match="X_df"):
        model.predict(H)
    future = model._future_frame(H).assign(promo=1.0)
    fc = model.predict(H, X_df=future)
    assert len(fc) == 2 * H and np.isfinite(fc["yhat"]).all()


def test_single_series_without_unique_id_and_parameters():
    df = _series(36).drop(columns="unique_id")
    fc = create_forecaster("seasonal_naive").fit(df).predict(12)
    np.testing.assert_allclose(fc["yhat"].to_numpy(), df["y"].to_numpy()[-12:])
    model = create_forecaster("ets", n_jobs=2)
    assert model.get_params()["n_jobs"] == 2 and model.clone().get_params() == model.get_params()
    with pytest.raises(ValueError, match="'level'"):
        create_forecaster("naive", level=150).fit(df)


def test_naive2_adjusts_seasonal_series_only():
    from zoo.forecasting.seasonality import seasonality_test

    seasonal = _series(60)["y"].to_numpy()
    assert seasonality_test(seasonal, 12)
    assert not seasonality_test(np.random.default_rng(0).normal(100, 1, 60), 12)
    df = _series(60).drop(columns="unique_id")
    fc = create_forecaster("naive2").fit(df).predict(12)
    assert fc["yhat"].std() > 1.0                                      # reseasonalised, not flat


def test_parallel_fit_matches_serial(tiny):
    many = pd.concat([_series(40, f"s{i}", 50.0 + i) for i in range(8)], ignore_index=True)
    serial = create_forecaster("theta").fit(many).predict(H)
    parallel = create_forecaster("theta", n_jobs=2).fit(many).predict(H)
    pd.testing.assert_frame_equal(serial, parallel)
