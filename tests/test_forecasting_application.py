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


def test_an_interrupted_backtest_keeps_finished_models_and_resumes(csv_path, tmp_path, monkeypatch, capsys):
    import zoo.forecasting.base as base
    from zoo.applications import forecasting

    real_fit = base.Forecaster.fit

    def stopped_in_theta(self, df):
        if type(self).__name__ == "Theta":
            raise KeyboardInterrupt  # the user stops a slow model
        return real_fit(self, df)

    kw = dict(models=["naive2", "naive", "theta", "ensemble"], dataset=csv_path, horizon=6, windows=2,
              output_dir=tmp_path, model_kwargs={"ensemble": {"models": ["naive", "theta"]}})
    monkeypatch.setattr(base.Forecaster, "fit", stopped_in_theta)
    with pytest.raises(KeyboardInterrupt):
        forecasting.backtest(**kw)
    (run_dir,) = (tmp_path / "forecasting").iterdir()
    assert json.loads((run_dir / "status.json").read_text())["state"] == "interrupted"
    # What finished before the stop is already on disk: scores and forecasts.
    assert sorted(pd.read_csv(run_dir / "leaderboard.csv")["model"]) == ["naive", "naive2"]
    assert set(pd.read_csv(run_dir / "forecasts.csv")["model"]) == {"naive", "naive2"}
    monkeypatch.setattr(base.Forecaster, "fit", real_fit)
    capsys.readouterr()
    board = forecasting.backtest(**kw)
    out = capsys.readouterr().out
    # naive2 is kept; naive is fitted again in each window because the ensemble (which reuses its fit) had not finished.
    assert board.attrs["run_dir"] == str(run_dir) and "1 finished model window(s) kept" in out
    assert json.loads((run_dir / "status.json").read_text())["state"] == "complete"
    assert not (run_dir / "partial").exists()
    fresh = forecasting.backtest(**kw, resume=False, verbose=False)
    assert fresh.attrs["run_dir"] != str(run_dir)
    pd.testing.assert_frame_equal(fresh[["model", "smape", "owa"]], board[["model", "smape", "owa"]])


def test_a_resumed_backtest_refits_a_model_whose_settings_changed(csv_path, tmp_path, monkeypatch, capsys):
    import zoo.forecasting.base as base
    from zoo.applications import forecasting

    real_fit = base.Forecaster.fit

    def stopped_in_theta(self, df):
        if type(self).__name__ == "Theta":
            raise KeyboardInterrupt
        return real_fit(self, df)

    kw = dict(models=["ets", "theta"], dataset=csv_path, horizon=6, output_dir=tmp_path)
    monkeypatch.setattr(base.Forecaster, "fit", stopped_in_theta)
    with pytest.raises(KeyboardInterrupt):
        forecasting.backtest(**kw, model_kwargs={"ets": {"models": ["ANN"]}})
    monkeypatch.setattr(base.Forecaster, "fit", real_fit)
    capsys.readouterr()
    board = forecasting.backtest(**kw, model_kwargs={"ets": {"models": ["AAN"]}})
    assert "kept" not in capsys.readouterr().out  # ets with other settings is fitted again, not reused
    fresh = forecasting.backtest(**kw, model_kwargs={"ets": {"models": ["AAN"]}}, resume=False, verbose=False)
    pd.testing.assert_frame_equal(fresh[["model", "smape"]], board[["model", "smape"]])


def test_backtest_reports_progress_while_a_model_works(tmp_path, monkeypatch, capsys):
    from zoo.forecasting import create_forecaster, progress
    from zoo.forecasting.backtesting import backtest

    monkeypatch.setattr(progress, "EVERY_S", 0.0)
    rng = np.random.default_rng(0)
    df = pd.DataFrame({"unique_id": np.repeat([f"s{i}" for i in range(40)], 30),
                       "ds": np.tile(pd.date_range("2020-01-01", periods=30, freq="D"), 40),
                       "y": rng.normal(10, 1, 1200)})
    backtest({"theta": create_forecaster("theta"),
              "nbeats": create_forecaster("nbeats", epochs=3, model_kwargs={"units": 8, "num_blocks": 1})},
             df, horizon=3, verbose=True)
    out = capsys.readouterr().out
    assert "[window 0] theta fit " in out and "/40 series" in out and "left)" in out
    assert "[window 0] nbeats epoch 1/3  loss" in out


def test_cli_backtests_any_m4_frequency_from_the_m4_repository_files(tmp_path, capsys):
    from zoo.cli import main as cli

    rng = np.random.default_rng(0)
    folder = tmp_path / "m4"
    folder.mkdir()
    train, test = ['"V1",' + ",".join(f'"V{i}"' for i in range(2, 62))], ['"V1",' + ",".join(f'"V{i}"' for i in range(2, 16))]
    for k in range(4):  # the M4 layout: id, then values, short rows padded with empty cells
        n = 40 + 5 * k
        y = 1000 + np.cumsum(rng.normal(1, 5, n + 14))
        train.append(f'"D{k + 1}",' + ",".join(f'"{v:.2f}"' for v in y[:n]) + "," * (60 - n))
        test.append(f'"D{k + 1}",' + ",".join(f'"{v:.2f}"' for v in y[n:]))
    (folder / "Daily-train.csv").write_text("\n".join(train) + "\n")
    (folder / "Daily-test.csv").write_text("\n".join(test) + "\n")
    code = cli.main(["backtest", "--dataset", "m4_daily", "--data-path", str(folder), "--models", "naive2,theta",
                     "--output-dir", str(tmp_path / "runs")])
    assert code == 0
    (run_dir,) = (tmp_path / "runs" / "forecasting").iterdir()
    board = pd.read_csv(run_dir / "leaderboard.csv")
    assert sorted(board["model"]) == ["naive2", "theta"]
    assert json.loads((run_dir / "metrics.json").read_text())["horizon"] == 14  # M4 Daily's horizon


def test_arima_searches_seasonal_orders_when_the_data_has_a_period(csv_path):
    """As R's auto.arima: a monthly series gets period-12 orders unless seasonal=False (the README's
    `arima` example on air_passengers had given a flat forecast, OWA about 2x Naive2's)."""
    from zoo.datasets.timeseries import read_csv
    from zoo.forecasting import create_forecaster

    df = read_csv(csv_path)
    auto = create_forecaster("arima", max_models=12).fit(df)
    plain = create_forecaster("arima", max_models=12, seasonal=False).fit(df)
    (state,), (flat,) = auto.states_.values(), plain.states_.values()
    assert state["m"] == 12 and flat["m"] == 1
    with pytest.raises(ValueError, match="'seasonal' parameter of AutoARIMA must be 'auto', True or False"):
        create_forecaster("arima", seasonal="yes").fit(df)
    (off,) = create_forecaster("arima", max_models=4, seasonal=np.False_).fit(df).states_.values()
    assert off["m"] == 1


def test_css_fit_reaches_the_least_squares_minimum_of_a_seasonal_arma(rng):
    """The analytic gradient leads L-BFGS to the conditional-sum-of-squares minimum: a simulated
    (1,0,1)(1,0,1)[4] ARMA's parameters come back, and no small step lowers the sum of squares."""
    from scipy.signal import lfilter

    from zoo.forecasting.arima import _polys, css_fit

    true = np.array([0.5, 0.3, 0.4, 0.2])  # phi, theta, Phi, Theta
    ar, ma = _polys(true, 1, 1, 1, 1, 4)
    u = lfilter(ma, ar, rng.normal(size=20000))[200:]
    params, sigma2, n_eff = css_fit(u, 1, 1, 1, 1, 4)
    np.testing.assert_allclose(params, true, atol=0.05)
    assert sigma2 == pytest.approx(1.0, rel=0.06) and n_eff == len(u) - 5

    def ss(x):
        a, m = _polys(x, 1, 1, 1, 1, 4)
        e = lfilter(a, m, u)[5:]
        return float(e @ e)

    best = ss(params)
    for i in range(4):
        for step in (-1e-3, 1e-3):
            moved = params.copy()
            moved[i] += step
            assert ss(moved) >= best * (1 - 1e-9)


ARIMA_CASES = {  # (p, q, P, Q), d, D, m, ARMA coefficients, length, settled at the default tolerance
    "long (1,1,1)": ((1, 1, 0, 0), 1, 0, 1, [0.5, -0.6], 400, True),
    "short (0,1,1), MA near 1": ((0, 1, 0, 0), 1, 0, 1, [-0.95], 25, False),
    "seasonal (0,1,1)(0,1,1)[12], long": ((0, 1, 0, 1), 1, 1, 12, [-0.4, -0.85], 420, True),
    "seasonal (0,1,1)(0,1,1)[12], shorter": ((0, 1, 0, 1), 1, 1, 12, [-0.4, -0.85], 240, False),
}


@pytest.mark.parametrize("case", sorted(ARIMA_CASES))
def test_arima_forecasts_are_statsmodels_kalman_forecasts(case, rng):
    """Box-Jenkins recursion + psi weights where the CSS residuals have settled, SARIMAX's Kalman filter
    where they have not (a short series with an MA root near 1): SARIMAX's numbers either way."""
    from scipy.signal import lfilter

    from zoo.forecasting.arima import AutoARIMA, _polys, residuals_settled

    order, d, D, m, arma, n, settled = ARIMA_CASES[case]
    ar, ma = _polys(np.array(arma), *order, m)
    for _ in range(d):
        ar = np.convolve(ar, [1.0, -1.0])
    for _ in range(D):
        ar = np.convolve(ar, np.r_[1.0, np.zeros(m - 1), -1.0])
    y = 100 + lfilter(ma, ar, rng.normal(size=n + 100))[100:]
    model = AutoARIMA(season_length=m).fit(pd.DataFrame({"unique_id": "s", "y": y,
                                                         "ds": pd.date_range("2000-01-01", periods=n, freq="MS")}))
    state = {"order": order, "d": d, "D": D, "m": m, "include_mean": False, "beta": np.zeros(0),
             "arma": np.array(arma), "sigma2": 1.0}
    assert residuals_settled(state, n) is settled
    ours = model._predict_one(state, y, 24, None)
    exact = model._kalman_forecast(state, y, 24, None)
    step = np.mean(np.abs(np.diff(y)))
    np.testing.assert_allclose(ours[0], exact[0], atol=0.03 * step)
    np.testing.assert_allclose(ours[2] - ours[1], exact[2] - exact[1], rtol=1e-4)
    if case.startswith("long") or not settled:
        np.testing.assert_allclose(ours, exact, rtol=1e-6)


def test_theta_interval_matches_statsmodels_without_its_sarimax_refit():
    from statsmodels.tsa.forecasting.theta import ThetaModel

    from zoo.forecasting import create_forecaster
    from zoo.forecasting.ets import _ima_sigma2

    rng = np.random.default_rng(3)
    y = 100 + np.cumsum(rng.normal(0.5, 2.0, 300)) + rng.normal(0, 1.0, 300)
    res = ThetaModel(y, period=1, deseasonalize=False).fit()
    assert abs(np.sqrt(_ima_sigma2(y) / res.sigma2) - 1) < 0.03
    df = pd.DataFrame({"unique_id": "s", "ds": pd.date_range("2000-01-03", periods=300, freq="W-MON"), "y": y})
    fc = create_forecaster("theta").fit(df).predict(8)
    reference = res.prediction_intervals(8, alpha=0.05)
    np.testing.assert_allclose(fc["yhat"], res.forecast(8), rtol=1e-5)
    np.testing.assert_allclose(fc["yhat_upper"] - fc["yhat"], reference["upper"] - res.forecast(8), rtol=0.03)


@pytest.mark.parametrize("period", [4, 12])
def test_theta_is_statsmodels_theta_model_with_its_seasonal_adjustment(period):
    """Theta fits SES by its own 1-D search (ses_fit), not statsmodels' Kalman filter: the same forecasts, and an
    SES fit whose squared one-step errors are never above statsmodels' own."""
    from scipy.signal import lfilter
    from statsmodels.tsa.forecasting.theta import ThetaModel

    from zoo.forecasting import create_forecaster
    from zoo.forecasting.ets import ses_fit, theta_seasonal

    rng = np.random.default_rng(period)
    t = np.arange(20 * period)
    y = (50 + 0.2 * t + rng.normal(0, 1, len(t)).cumsum()) * (1 + 0.2 * np.sin(2 * np.pi * t / period))
    res = ThetaModel(y, period=period).fit()
    assert theta_seasonal(y, period) and res.model.deseasonalize and res.model.method == "mul"
    df = pd.DataFrame({"unique_id": "s", "ds": pd.date_range("2000-01-01", periods=len(y), freq="MS"), "y": y})
    fc = create_forecaster("theta", season_length=period).fit(df).predict(2 * period)
    np.testing.assert_allclose(fc["yhat"], res.forecast(2 * period), rtol=1e-5)
    jittered = y[:-1] + rng.normal(0, 0.01, len(y) - 1)
    assert not theta_seasonal(10 + rng.normal(0, 1, 200), period)  # white noise: no season

    def sse(series, alpha):
        level = lfilter([alpha], [1.0, alpha - 1.0], series, zi=[(1 - alpha) * series[0]])[0]
        return float(np.sum((series[1:] - level[:-1]) ** 2))

    for series in (y, jittered, np.cumsum(rng.normal(0.3, 1, 300))):
        alpha, level = ses_fit(series)
        theirs = float(ThetaModel(series, period=1, deseasonalize=False).fit().params["alpha"])
        assert 1e-4 <= alpha <= 1 - 1e-4 and sse(series, alpha) <= sse(series, theirs) * (1 + 1e-9)


def test_ets_sets_long_seasons_heuristically_and_scores_every_model_on_the_same_parameter_count():
    from statsmodels.tsa.exponential_smoothing.ets import ETSModel
    from statsmodels.tools.eval_measures import aicc

    from zoo.errors import ZooValueError
    from zoo.forecasting import create_forecaster

    rng = np.random.default_rng(5)
    t = np.arange(24 * 12)
    y = 50 + 0.05 * t + 8 * np.sin(2 * np.pi * t / 24) + rng.normal(0, 1.0, len(t))
    df = pd.DataFrame({"unique_id": "h", "ds": pd.date_range("2020-01-01", periods=len(t), freq="h"), "y": y})
    model = create_forecaster("ets", models=["ANN", "ANA"], season_length=24).fit(df)
    assert model.states_["h"]["code"] == "ANA" and model.states_["h"]["initialization"] == "heuristic"
    fc = model.predict(24)
    reference = ETSModel(y, error="add", seasonal="add", seasonal_periods=24,
                         initialization_method="heuristic").fit(disp=False, maxiter=200)
    np.testing.assert_allclose(fc["yhat"], reference.forecast(24), rtol=1e-6)   # ANA, heuristic states
    # AICc counts the level and 24 seasonal states, as statsmodels counts them when it estimates them.
    estimated = ETSModel(y, error="add", seasonal="add", seasonal_periods=24).fit(disp=False, maxiter=200)
    k = reference.df_model + 25
    assert k == estimated.df_model == 28 and aicc(reference.llf, reference.nobs_effective, k) > reference.aicc

    # Quarterly data (m = 4) and series too short for the heuristic keep estimated states.
    quarterly = create_forecaster("ets", models=["ANA"], season_length=4)
    quarterly.season_length_ = 4
    assert quarterly._initialization_for("add") == "estimated"
    short = df.iloc[:14]            # m = 6: two seasons and two points, under the heuristic's 10 + 2 * (m // 2)
    model = create_forecaster("ets", models=["ANA"], season_length=6).fit(short)
    assert model.states_["h"]["initialization"] == "estimated"
    fc = model.predict(4)
    estimated = ETSModel(short["y"].to_numpy(), error="add", seasonal="add", seasonal_periods=6).fit(
        disp=False, maxiter=200)
    np.testing.assert_allclose(fc["yhat"], estimated.forecast(4), rtol=1e-6)
    with pytest.raises(ZooValueError, match="'initialization' parameter of ETS"):
        create_forecaster("ets", initialization="fitted")


def test_ets_simulated_intervals_are_the_same_on_every_run():
    """statsmodels simulates multiplicative models' intervals; unseeded, two runs of one backtest differed."""
    from zoo.forecasting import create_forecaster

    rng = np.random.default_rng(2)
    y = 100 * np.exp(np.cumsum(rng.normal(0.002, 0.03, 120)))
    df = pd.DataFrame({"unique_id": "m", "ds": pd.date_range("2000-01-01", periods=120, freq="MS"), "y": y})
    first, second = (create_forecaster("ets", models=["MNN"]).fit(df).predict(6) for _ in range(2))
    assert (first["yhat_upper"] > first["yhat"]).all()
    pd.testing.assert_frame_equal(first, second)


def test_auto_ensemble_chooses_members_on_validation_only(csv_path, monkeypatch):
    from zoo.datasets.timeseries import read_csv
    from zoo.forecasting import create_forecaster
    from zoo.forecasting.ensemble import WindowScore

    df = read_csv(csv_path)
    model = create_forecaster("ensemble", models="auto", pool=("naive", "seasonal_naive", "theta"), horizon=6)
    seen = []
    real = WindowScore.__init__

    def spy(self, history, actuals, *args, **kwargs):  # the window every score of the selection is on
        seen.append(actuals["ds"].max())
        return real(self, history, actuals, *args, **kwargs)

    monkeypatch.setattr(WindowScore, "__init__", spy)
    fc = model.fit(df).predict(6)
    chosen = model.selection_
    assert 2 <= len(chosen["members"]) <= 3 and chosen["combine"] in ("median", "mean")
    assert set(chosen["candidates"]) == {"naive", "seasonal_naive", "theta"}
    assert list(model.members_) == chosen["members"] and len(fc) == 6
    assert seen and max(seen) == df["ds"].max()  # validation = the last 6 points of the data it was given
    with pytest.raises(ValueError, match="No forecaster of the pool .* fitted within budget_s=0"):
        create_forecaster("ensemble", models="auto", pool=("theta",), horizon=6, budget_s=0).fit(df)
    with pytest.raises(ValueError, match="pass horizon="):
        create_forecaster("ensemble", models="auto", pool=("naive",)).fit(df)
    # A candidate that fails is skipped, not fatal; series too short to validate keep the default members.
    picky = create_forecaster("ensemble", models="auto", pool=("naive", "theta", "arima"), horizon=6,
                              model_kwargs={"arima": {"method": "nope"}}).fit(df)
    assert "skipped" in picky.selection_["candidates"]["arima"] and "arima" not in picky.selection_["members"]
    short = create_forecaster("ensemble", models="auto", pool=("naive", "theta"), horizon=6).fit(df.tail(9))
    assert "too little" in short.selection_["reason"] and list(short.members_) == ["theta"]


def test_window_score_is_evaluates_owa_on_aligned_vectors():
    from zoo.datasets.timeseries import split_last
    from zoo.forecasting.ensemble import WindowScore
    from zoo.forecasting.metrics import evaluate
    from zoo.forecasting.seasonality import naive2_forecast

    rng = np.random.default_rng(0)
    frames = [pd.DataFrame({"unique_id": uid, "ds": pd.date_range("2000-01-02", periods=40, freq="W"),
                            "y": y}) for uid, y in (("a", 50 + np.cumsum(rng.normal(0, 2, 40))),
                                                    ("b", np.full(40, 7.0)),  # constant: MASE undefined, left out
                                                    ("c", 20 + rng.normal(0, 1, 40)))]
    train, val = split_last(pd.concat(frames, ignore_index=True), 5)
    naive2 = naive2_forecast(train, val, 1, 95.0)
    score = WindowScore(train, val, naive2, 1)
    fc = val[["unique_id", "ds"]].assign(yhat=val["y"] + rng.normal(0, 3, len(val)))
    fc = fc.assign(yhat_lower=fc["yhat"] - 1, yhat_upper=fc["yhat"] + 1).iloc[::-1]  # row order does not matter
    assert score(score.aligned(fc)) == pytest.approx(evaluate(fc, val, train, 1, 95.0, naive2)[1]["owa"], rel=1e-12)
    assert score(score.aligned(fc.iloc[1:])) == float("inf")   # a forecast with a gap is never chosen


def test_backtest_fits_arima_and_sarima_once_they_are_one_model(csv_path, monkeypatch):
    from zoo.datasets.timeseries import read_csv
    from zoo.forecasting import create_forecaster
    from zoo.forecasting.arima import AutoARIMA
    from zoo.forecasting.backtesting import backtest

    df = read_csv(csv_path)
    fits, fitted = [], []
    real = AutoARIMA._fit
    monkeypatch.setattr(AutoARIMA, "_fit", lambda self, data: (fits.append(self.seasonal), fitted.append(self),
                                                               real(self, data))[2])
    predictions = []
    real_predict = AutoARIMA.predict
    monkeypatch.setattr(AutoARIMA, "predict", lambda self, *a, **k: (predictions.append(self.seasonal),
                                                                      real_predict(self, *a, **k))[1])
    models = {"arima": create_forecaster("arima", n_jobs=1), "sarima": create_forecaster("sarima", n_jobs=2),
              "plain": create_forecaster("arima", seasonal=False)}
    run = backtest(models, df, horizon=6)
    assert fits == ["auto", False]  # sarima (seasonal=True, other n_jobs) took arima's fit; seasonal=False did not
    assert predictions == ["auto", False]  # and arima's forecast of the window
    scores = run.scores.set_index("model")
    # sarima's time is the fit and forecast it took over (the model's own times), not the instant of taking them
    assert scores.loc["sarima", "fit_time_s"] == fitted[0].fit_time_ > 0
    assert scores.loc["sarima", "predict_time_s"] == scores.loc["arima", "predict_time_s"]
    by = {m: g["yhat"].to_numpy() for m, g in run.forecasts.groupby("model")}
    np.testing.assert_array_equal(by["sarima"], by["arima"])


def test_backtest_hands_earlier_fits_to_the_combinations_that_would_repeat_them(csv_path, monkeypatch):
    from zoo.datasets.timeseries import read_csv
    from zoo.forecasting import create_forecaster
    from zoo.forecasting.backtesting import backtest
    from zoo.forecasting.deep import DeepForecaster

    df = read_csv(csv_path)
    tiny = {"epochs": 1, "model_kwargs": {"units": 8, "num_blocks": 1, "layers_per_block": 1}}
    models = {
        "nbeats": create_forecaster("nbeats", horizon=6, **tiny),
        "theta": create_forecaster("theta"),
        "nbeats_ensemble": create_forecaster("nbeats_ensemble", horizon=6, input_multiples=(2, 3), **tiny),
        "ensemble": create_forecaster("ensemble", models="auto", pool=("theta", "nbeats"), horizon=6,
                                      model_kwargs={"nbeats": tiny}),
    }
    fits = []
    real = DeepForecaster._fit

    def counting(self, data):
        fits.append((self.input_multiple, len(data)))
        return real(self, data)

    monkeypatch.setattr(DeepForecaster, "_fit", counting)
    run = backtest(models, df, horizon=6)
    # nbeats once on the window's training data (42 points); nbeats_ensemble trains only its 2-horizon
    # member; the auto ensemble (a pool of two: it keeps both) fits nbeats on its validation split
    # (36 points) only, and takes the window's nbeats and theta.
    assert fits == [(3, 42), (2, 42), (3, 36)]
    assert run.scores["owa"].notna().all()
    times = run.scores.set_index("model")["fit_time_s"]
    assert times["nbeats_ensemble"] >= times["nbeats"]  # the reused fit's time is counted in the combination's
    # Outside a backtest nothing is shared: the same ensemble trains both members, the same forecasts.
    fits.clear()
    alone = models["nbeats_ensemble"].clone().fit(run.windows[0][0])
    assert fits == [(2, 42), (3, 42)]
    expected = run.forecasts[run.forecasts["model"] == "nbeats_ensemble"]
    np.testing.assert_allclose(alone.predict(6)["yhat"].to_numpy(), expected["yhat"].to_numpy(), rtol=1e-5)
