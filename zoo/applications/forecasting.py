"""Time-series forecasting: train one forecaster, forecast the future, or backtest many into a leaderboard.

Example:
    >>> from zoo.applications import forecasting
    >>> result = forecasting.train(model="arima", dataset="air_passengers", horizon=12)
    >>> result.metrics["smape"], result.run_dir
    >>> board = forecasting.backtest(models=["naive2", "theta", "arima"], dataset="m4_weekly")
    >>> forecasting.forecast("ets", "air_passengers", horizon=24)

On the command line: ``zoo train forecasting --model arima --dataset air_passengers --horizon 12``.
"""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import pandas as pd

from zoo.applications import runs
from zoo.forecasting.data import ForecastDataset, load_dataset, split_last
from zoo.forecasting.ensemble import Ensemble, member_kwargs
from zoo.forecasting.metrics import evaluate

APPLICATION = "forecasting"
LEADERBOARD_COLUMNS = ("model", "smape", "mase", "owa", "mae", "rmse", "mape", "coverage", "msis",
                       "fit_time_s", "predict_time_s", "time_s")


def _check_args(owner, horizon=None, level=95.0, seed=0, output_dir=None):
    """The arguments every forecasting entry point shares, checked before any data is read."""
    from zoo.errors import check_int, check_number

    if horizon is not None:
        check_int(horizon, "horizon", owner)
    check_int(seed, "seed", owner, minimum=0)
    if isinstance(level, (int, float)) and 0 < level <= 1:
        raise ValueError(f"The 'level' parameter of {owner} is a percentage: {level} means a {level}% interval. "
                         f"Pass e.g. level=95 for 95% intervals.")
    check_number(level, "level", owner, low=0.0, high=100.0)
    runs.check_output_dir(output_dir, owner)


def _future_exog(forecaster, test):
    """The known future values of the exogenous columns in the held-out part (Darts' future covariates)."""
    exog = getattr(forecaster, "exog_columns_", None)
    return test[["unique_id", "ds", *exog]] if exog and test is not None else None


def _dataset(dataset, horizon, data_path, fill) -> ForecastDataset:
    if isinstance(dataset, ForecastDataset):
        return dataset
    return load_dataset(dataset, horizon=horizon, path=data_path, fill=fill)


def _make(name, ds, n_jobs, seed, level, model_kwargs):
    from zoo.forecasting.base import Forecaster
    from zoo.forecasting.registry import create_forecaster

    if isinstance(name, Forecaster):
        return name.clone()
    return create_forecaster(name, **member_kwargs(name, n_jobs, ds.horizon, seed, level, None, model_kwargs))


def _with_attrs(frame: pd.DataFrame, ds: ForecastDataset) -> pd.DataFrame:
    frame = frame.copy()
    frame.attrs.update(freq=ds.freq, season_length=ds.season_length, horizon=ds.horizon)
    return frame


def _score(forecast, ds, train, test, naive2, level):
    _, summary = evaluate(forecast, test, train, ds.season_length, level, naive2)
    return summary


def _naive2(train, ds, level):
    from zoo.baselines.naive import Naive2

    target = _with_attrs(train[["unique_id", "ds", "y"]], ds)  # the baseline ignores exogenous columns
    return Naive2(level=level, season_length=ds.season_length).fit(target).predict(ds.horizon)


def train(model="arima", dataset="air_passengers", horizon=None, output_dir=None, seed=0, level=95.0, n_jobs=1,
          model_kwargs=None, data_path=None, fill=None, plot_series=4):
    """Fit ``model`` on the training part of ``dataset``, score it on the held-out horizon, write a run folder.

    Args:
        model: a forecaster name (``zoo.forecasting.list_forecasters()``) or an unfitted Forecaster.
        dataset: ``air_passengers``, ``m4_<frequency>``, a statsmodels series name, a CSV path, or a ForecastDataset.
        horizon: forecast steps (default: the dataset's; M4's official one for M4).
        level: prediction interval coverage in percent.
        n_jobs: parallel workers for local models across many series.
        model_kwargs: extra arguments for the forecaster (e.g. ``{"epochs": 5}``).
        fill: how to fill NaNs/missing timestamps in a CSV (``interpolate``, ``ffill``, ``zero``).

    Returns:
        TrainResult: the fitted forecaster as ``model``, training ``history`` (deep models),
        ``metrics`` (sMAPE, MASE, OWA, MAE, RMSE, MAPE, coverage, MSIS, times) and ``run_dir``.
    """
    _check_args("forecasting.train", horizon, level, seed, output_dir)
    ds = _dataset(dataset, horizon, data_path, fill)
    config = {"model": model if isinstance(model, str) else repr(model), "dataset": ds.name, "horizon": ds.horizon,
              "season_length": ds.season_length, "freq": ds.freq, "seed": seed, "level": level, "n_jobs": n_jobs,
              "model_kwargs": model_kwargs, "n_series": ds.n_series}
    name = model if isinstance(model, str) else type(model).__name__
    import keras

    keras.utils.set_random_seed(seed)
    run_dir = runs.make_run_dir(output_dir, APPLICATION, name, ds.name)
    runs.save_config(run_dir, APPLICATION, config)
    forecaster = _make(model, ds, n_jobs, seed, level, model_kwargs)
    train_df = _with_attrs(ds.train, ds)
    start = time.perf_counter()
    forecaster.fit(train_df)
    fit_time = time.perf_counter() - start
    forecast = forecaster.predict(ds.horizon, _future_exog(forecaster, ds.test))
    predict_time = time.perf_counter() - start - fit_time
    metrics = {"n_series": ds.n_series, "horizon": ds.horizon}
    if ds.test is not None:
        metrics.update(_score(forecast, ds, ds.train, ds.test, _naive2(train_df, ds, level), level))
    metrics.update(fit_time_s=fit_time, predict_time_s=predict_time)
    forecast.to_csv(run_dir / "forecasts.csv", index=False)
    history = getattr(forecaster, "history_", {}) or {}
    if hasattr(forecaster, "save"):
        forecaster.save(run_dir)  # model.keras + forecaster.json
        if history:
            runs.save_history(run_dir, history)
            runs.plot_learning_curves(history, run_dir / "learning_curves.png")
    plot_forecasts(ds.train, ds.test, {name: forecast}, run_dir / "forecast.png", n_series=plot_series)
    runs.write_json(run_dir / "metrics.json", metrics)
    return runs.TrainResult(forecaster, history, metrics, run_dir)


def forecast(model="ets", dataset="air_passengers", horizon=None, seed=0, level=95.0, n_jobs=1, model_kwargs=None,
             data_path=None, fill=None, output_dir=None):
    """Fit on all of ``dataset`` (training and test parts) and forecast ``horizon`` steps into the future.

    ``model`` may be a forecaster name, a Forecaster, or a folder saved by a deep forecaster
    (a run folder of ``train``), whose fitted network forecasts from its own data.

    Returns:
        DataFrame ``unique_id, ds, yhat, yhat_lower, yhat_upper``; with ``output_dir``, also
        writes ``forecast.csv`` and ``forecast.png`` into a run folder.
    """
    from zoo.forecasting.deep import STATE_FILE, DeepForecaster

    _check_args("forecasting.forecast", horizon, level, seed, output_dir)
    if isinstance(model, (str, Path)) and Path(model).is_dir() and (Path(model) / STATE_FILE).exists():
        fitted = DeepForecaster.load(model)
        out = fitted.predict(horizon if horizon is not None else fitted.horizon_)
        history = None
    else:
        ds = _dataset(dataset, horizon, data_path, fill)
        history = pd.concat([ds.train, ds.test]) if ds.test is not None else ds.train
        history = _with_attrs(history.sort_values(["unique_id", "ds"], kind="stable").reset_index(drop=True), ds)
        fitted = _make(model, ds, n_jobs, seed, level, model_kwargs).fit(history)
        out = fitted.predict(horizon if horizon is not None else ds.horizon)
    if output_dir is not None:
        run_dir = runs.make_run_dir(output_dir, APPLICATION, "forecast", str(model), str(dataset))
        out.to_csv(run_dir / "forecast.csv", index=False)
        if history is not None:
            plot_forecasts(history, None, {str(model): out}, run_dir / "forecast.png")
    return out


def backtest(models=("naive2", "theta", "arima"), dataset="m4_weekly", horizon=None, windows=1, output_dir=None,
             seed=0, level=95.0, n_jobs=1, model_kwargs=None, data_path=None, fill=None, validation=False,
             plot_series=6, verbose=True):
    """Score several forecasters on the same held-out data; return a leaderboard (one row per model).

    The last window is the dataset's test part (M4: the official test file); ``windows > 1``
    adds earlier cutoffs inside the training data, ``horizon`` points apart. With
    ``validation=True`` the test part is never used: the windows end at the last training point
    (use it to choose models and settings). ``"ensemble"`` reuses its members' fits when they
    are in ``models`` (its time is then the sum of theirs).

    Returns:
        DataFrame with columns model, sMAPE, MASE, OWA (vs Naive2), MAE, RMSE, MAPE, coverage,
        MSIS, fit/predict/total seconds, sorted by OWA. Writes ``leaderboard.csv``,
        ``forecasts.csv``, ``metrics.json`` and plots into a run folder.
    """
    from zoo.errors import check_int

    _check_args("forecasting.backtest", horizon, level, seed, output_dir)
    check_int(windows, "windows", "forecasting.backtest")
    ds = _dataset(dataset, horizon, data_path, fill)
    models = [models] if isinstance(models, str) else list(models)
    model_kwargs = model_kwargs or {}
    splits = _splits(ds, windows, validation)
    run_dir = runs.make_run_dir(output_dir, APPLICATION, "backtest", ds.name)
    runs.save_config(run_dir, APPLICATION, {"function": "backtest", "models": models, "dataset": ds.name,
                                            "horizon": ds.horizon, "windows": windows, "seed": seed, "level": level,
                                            "n_jobs": n_jobs, "model_kwargs": model_kwargs, "validation": validation})
    totals: dict[str, list] = {m: [] for m in models}
    all_forecasts = []
    for w, (train_df, test_df) in enumerate(splits):
        train_df = _with_attrs(train_df, ds)
        naive2 = _naive2(train_df, ds, level)
        fitted, times = {}, {}
        for name in models:
            kwargs = model_kwargs.get(name, {})
            start = time.perf_counter()
            if name == "ensemble" and all(m in fitted for m in Ensemble(**kwargs).models):
                members = Ensemble(**kwargs).models
                model = Ensemble.from_fitted({m: fitted[m] for m in members}, **{k: v for k, v in kwargs.items()
                                                                                 if k not in ("models",)})
                fit_time = sum(times[m][0] for m in members)
                t0 = time.perf_counter()
                fc = model.predict(ds.horizon)
                predict_time = sum(times[m][1] for m in members) + time.perf_counter() - t0
            else:
                model = _make(name, ds, n_jobs, seed, level, kwargs)
                model.fit(train_df)
                fit_time = time.perf_counter() - start
                t0 = time.perf_counter()
                fc = model.predict(ds.horizon, _future_exog(model, test_df))
                predict_time = time.perf_counter() - t0
            fitted[name], times[name] = model, (fit_time, predict_time)
            scores = _score(fc, ds, train_df, test_df, naive2, level)
            totals[name].append({**scores, "fit_time_s": fit_time, "predict_time_s": predict_time,
                                 "time_s": fit_time + predict_time})
            all_forecasts.append(fc.assign(model=name, window=w))
            if verbose:
                print(f"[window {w}] {name:<15} sMAPE {scores['smape']:7.3f}  MASE {scores['mase']:6.3f}  "
                      f"OWA {scores['owa']:.3f}  time {fit_time + predict_time:7.1f}s", flush=True)
    rows = []
    for name in models:
        frame = pd.DataFrame(totals[name])
        means = frame.drop(columns=["fit_time_s", "predict_time_s", "time_s"]).mean().to_dict()
        sums = frame[["fit_time_s", "predict_time_s", "time_s"]].sum().to_dict()
        rows.append({"model": name, **means, **sums})
    board = pd.DataFrame(rows)
    board = board[[c for c in LEADERBOARD_COLUMNS if c in board.columns]].sort_values("owa").reset_index(drop=True)
    board.to_csv(run_dir / "leaderboard.csv", index=False)
    forecasts = pd.concat(all_forecasts, ignore_index=True)
    forecasts.to_csv(run_dir / "forecasts.csv", index=False)
    runs.write_json(run_dir / "metrics.json", {"leaderboard": board.to_dict("records"), "dataset": ds.name,
                                               "horizon": ds.horizon, "windows": windows, "validation": validation})
    last_train, last_test = splits[-1]
    # The five best models (the best one with its interval) keep the plot readable.
    final = {name: forecasts[(forecasts["model"] == name) & (forecasts["window"] == len(splits) - 1)]
             for name in list(board["model"])[:5]}
    plot_forecasts(last_train, last_test, final, run_dir / "forecasts.png", n_series=plot_series)
    plot_leaderboard(board, run_dir / "leaderboard.png")
    board.attrs["run_dir"] = str(run_dir)
    return board


def _splits(ds: ForecastDataset, windows: int, validation: bool):
    if ds.test is None and not validation:
        raise ValueError(f"Dataset {ds.name!r} has no test part; pass validation=True to backtest inside its data.")
    full = ds.train if validation or ds.test is None else pd.concat([ds.train, ds.test])
    full = full.sort_values(["unique_id", "ds"], kind="stable").reset_index(drop=True)
    shortest = int(full.groupby("unique_id").size().min())
    if shortest <= windows * ds.horizon + 1:
        raise ValueError(f"windows={windows} of horizon {ds.horizon} need more than {windows * ds.horizon + 1} points per "
                         f"series; the shortest series of {ds.name!r} has {shortest}. Use fewer windows or a shorter horizon.")
    splits = []
    for w in range(windows):
        end = (windows - 1 - w) * ds.horizon
        rest = split_last(full, end)[0] if end else full
        splits.append(split_last(rest, ds.horizon))
    return splits


def plot_forecasts(history, truth, forecasts: dict, path, n_series=4, context=None):
    """Forecasts (and the first model's interval) against the truth for the first ``n_series`` series."""
    plt = runs._pyplot()
    ids = list(dict.fromkeys(next(iter(forecasts.values()))["unique_id"]))[:n_series]
    cols = min(2, len(ids))
    rows = int(np.ceil(len(ids) / cols))
    fig, axes = plt.subplots(rows, cols, figsize=(7 * cols, 3.2 * rows), squeeze=False)
    for ax, uid in zip(axes.ravel(), ids):
        h = history[history["unique_id"] == uid]
        horizon = int((next(iter(forecasts.values()))["unique_id"] == uid).sum())
        h = h.tail(context or max(4 * horizon, 24))
        ax.plot(h["ds"], h["y"], color="black", lw=1, label="history")
        if truth is not None:
            t = truth[truth["unique_id"] == uid]
            ax.plot(t["ds"], t["y"], color="black", lw=1.5, ls="--", label="truth")
        for i, (name, fc) in enumerate(forecasts.items()):
            f = fc[fc["unique_id"] == uid]
            line, = ax.plot(f["ds"], f["yhat"], lw=1.2, label=name)
            if i == 0 and "yhat_lower" in f:
                ax.fill_between(f["ds"], f["yhat_lower"], f["yhat_upper"], color=line.get_color(), alpha=0.2,
                                label=f"{name} interval")
        ax.set_title(str(uid))
        ax.tick_params(axis="x", labelrotation=30)
    for ax in axes.ravel()[len(ids):]:
        ax.axis("off")
    axes[0, 0].legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(path, dpi=90)
    plt.close(fig)
    return Path(path)


def plot_leaderboard(board: pd.DataFrame, path):
    """OWA (or sMAPE) per model as horizontal bars, best at the top."""
    plt = runs._pyplot()
    key = "owa" if "owa" in board and board["owa"].notna().all() else "smape"
    ordered = board.sort_values(key, ascending=False)
    fig, ax = plt.subplots(figsize=(6, 0.35 * len(board) + 1.2))
    ax.barh(ordered["model"], ordered[key], color="tab:blue")
    if key == "owa":
        ax.axvline(1.0, color="gray", ls="--", lw=1)
    ax.set_xlabel(key)
    fig.tight_layout()
    fig.savefig(path, dpi=90)
    plt.close(fig)
    return Path(path)
