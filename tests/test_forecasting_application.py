"""The forecasting application: train, forecast and backtest write run folders; the CLI drives them."""

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest


@pytest.fixture
def csv_path(tmp_path):
    t = np.arange(48)
    y = 100 + t + 10 * np.sin(2 * np.pi * t / 12)
    path = tmp_path / "monthly.csv"
    pd.DataFrame({"ds": pd.date_range("2010-01-01", periods=48, freq="MS").strftime("%Y-%m-%d"), "y": y}).to_csv(
        path, index=False)
    return str(path)


def test_train_writes_the_run_folder(csv_path, tmp_path):
    from zoo.applications import forecasting

    result = forecasting.train(model="sarima", dataset=csv_path, horizon=6, output_dir=tmp_path / "runs")
    for name in ("config.json", "metrics.json", "forecasts.csv", "forecast.png"):
        assert (result.run_dir / name).exists(), name
    metrics = json.loads((result.run_dir / "metrics.json").read_text())
    assert {"smape", "mase", "owa", "coverage", "msis", "fit_time_s"} <= set(metrics)
    assert metrics["smape"] < 5.0                                      # a clean seasonal series
    config = json.loads((result.run_dir / "config.json").read_text())
    assert config["horizon"] == 6 and config["season_length"] == 12


def test_train_deep_model_saves_model_keras(csv_path, tmp_path):
    from zoo.applications import forecasting
    from zoo.forecasting.deep import DeepForecaster

    result = forecasting.train(model="nbeats", dataset=csv_path, horizon=6, output_dir=tmp_path / "runs",
                               model_kwargs={"epochs": 2, "model_kwargs": {"units": 16, "num_blocks": 1}})
    assert (result.run_dir / "model.keras").exists() and (result.run_dir / "history.csv").exists()
    reloaded = forecasting.forecast(result.run_dir)
    pd.testing.assert_frame_equal(reloaded, result.model.predict(6))
    assert isinstance(DeepForecaster.load(result.run_dir), DeepForecaster)


def test_backtest_leaderboard_and_ensemble_reuse(csv_path, tmp_path):
    from zoo.applications import forecasting

    board = forecasting.backtest(models=["naive", "theta", "seasonal_naive", "ensemble"], dataset=csv_path,
                                 horizon=6, windows=2, output_dir=tmp_path / "runs", verbose=False,
                                 model_kwargs={"ensemble": {"models": ["naive", "theta", "seasonal_naive"]}})
    assert list(board.columns[:4]) == ["model", "smape", "mase", "owa"]
    assert set(board["model"]) == {"naive", "theta", "seasonal_naive", "ensemble"}
    assert board["owa"].is_monotonic_increasing
    ens = board.set_index("model").loc["ensemble"]
    parts = board.set_index("model").loc[["naive", "theta", "seasonal_naive"], "time_s"].sum()
    assert ens["time_s"] >= parts                                      # members' time is counted
    run_dir = board.attrs["run_dir"]
    for name in ("leaderboard.csv", "forecasts.csv", "forecasts.png", "leaderboard.png", "metrics.json"):
        assert (tmp_path / "runs" / "forecasting" / run_dir.split("/")[-1] / name).exists(), name


def test_application_backtest_matches_forecaster_backtest(tmp_path):
    from zoo.applications import forecasting
    from zoo.datasets.timeseries import ForecastDataset, split_last
    from zoo.forecasting import create_forecaster

    t = np.arange(40)
    frames = [pd.DataFrame({"unique_id": uid, "ds": pd.date_range("2015-01-01", periods=40, freq="MS"),
                            "y": level + 0.3 * t + 5 * np.sin(2 * np.pi * t / 12) + np.random.default_rng(i).normal(0, 1, 40)})
              for i, (uid, level) in enumerate([("a", 50.0), ("b", 80.0), ("c", 120.0)])]
    full = pd.concat(frames, ignore_index=True)
    full.attrs.update(freq="MS", season_length=12)
    train, test = split_last(full, 6)
    ds = ForecastDataset("synthetic", train, test, 6, 12, "MS")
    board = forecasting.backtest(["theta", "naive2"], ds, windows=2, output_dir=tmp_path / "runs", verbose=False)
    for name in ("theta", "naive2"):
        own = create_forecaster(name).backtest(full, horizon=6, windows=2, metrics=("smape", "mase", "owa")).summary
        row = board.set_index("model").loc[name]
        for metric in ("smape", "mase", "owa"):
            assert row[metric] == pytest.approx(own[metric], rel=1e-12), (name, metric)
    assert board.set_index("model").loc["naive2", "owa"] == pytest.approx(1.0)


def test_forecast_future(csv_path):
    from zoo.applications import forecasting

    out = forecasting.forecast("seasonal_naive", csv_path, horizon=12)
    assert len(out) == 12 and out["ds"].iloc[0] == pd.Timestamp("2014-01-01")


def test_cli_train_forecasting(csv_path, tmp_path, capsys):
    from zoo.cli.main import main

    code = main(["train", "forecasting", "--model", "naive2", "--dataset", csv_path, "--horizon", "6",
                 "--output_dir", str(tmp_path / "runs")])
    out = capsys.readouterr().out
    assert code == 0 and "smape=" in out and "run folder:" in out
    assert main(["train", "forecasting", "--model", "arimma", "--dataset", csv_path]) == 2
    assert "Did you mean: arima" in capsys.readouterr().err


def test_recipes_parse():
    from zoo.cli.main import load_recipe

    root = Path(__file__).resolve().parents[1] / "applications"
    air = load_recipe(str(root / "air_passengers.toml"))
    assert air["application"] == "forecasting" and air["horizon"] == 12
    m4 = load_recipe(str(root / "m4_weekly.toml"))
    assert m4["function"] == "backtest" and m4["horizon"] == 13 and "ensemble" in m4["models"]


def test_constant_series_short_series_and_bad_arguments(tmp_path):
    from zoo.applications import forecasting
    from zoo.forecasting.registry import create_forecaster

    const = tmp_path / "const.csv"
    pd.DataFrame({"ds": pd.date_range("2020-01-01", periods=30, freq="D"), "y": 5.0}).to_csv(const, index=False)
    result = forecasting.train("naive", const, horizon=5, output_dir=tmp_path / "runs")
    assert result.metrics["mae"] == 0.0 and np.isnan(result.metrics["mase"])  # undefined scale: NaN, not a crash
    out = tmp_path / "bad"
    for kwargs, match in (({"horizon": 0}, "'horizon'"), ({"level": 0.95}, "percentage"), ({"seed": -1}, "'seed'"),
                          ({"output_dir": const}, "'output_dir'")):
        with pytest.raises(ValueError, match=match):
            forecasting.train("naive", const, **{"output_dir": out, **kwargs})
    with pytest.raises(ValueError, match="windows=10 of horizon 5 need more than 51 points"):
        forecasting.backtest(["naive"], const, horizon=5, windows=10, output_dir=out)
    assert not out.exists()
    short = pd.DataFrame({"unique_id": "s", "ds": pd.date_range("2020-01-01", periods=2, freq="D"), "y": [1.0, 2.0]})
    with pytest.raises(ValueError, match="at least 3 points per series"):
        create_forecaster("theta").fit(short)


def test_train_passes_known_future_regressors(tmp_path):
    from zoo.applications import forecasting

    rng = np.random.default_rng(0)
    promo = (rng.random(48) < 0.3).astype(float)
    y = 100 + np.arange(48) + 20 * promo + rng.normal(0, 0.5, 48)
    path = tmp_path / "sales.csv"
    pd.DataFrame({"ds": pd.date_range("2020-01-01", periods=48, freq="MS"), "y": y, "promo": promo}).to_csv(path)
    result = forecasting.train("arima", path, horizon=6, output_dir=tmp_path / "runs")
    assert result.metrics["mae"] < 3.0  # the promotions of the test months are used, not ignored
