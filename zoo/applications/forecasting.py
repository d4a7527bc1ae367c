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

from pathlib import Path

import pandas as pd

from zoo.core import rundir
from zoo.core.runner import run
from zoo.errors import ZooValueError
from zoo.forecasting import backtesting
from zoo.forecasting.backtesting import LEADERBOARD_COLUMNS  # noqa: F401  (public here before)
from zoo.forecasting.plots import plot_forecasts, plot_leaderboard
from zoo.tasks.forecasting import (
    Forecasting,
    as_dataset,
    check_common,
    make_forecaster,
    with_attrs,
)
from zoo.tasks.leaderboard import ResumableBacktest

APPLICATION = Forecasting.application


def _check_args(owner, horizon=None, level=95.0, seed=0, output_dir=None):
    check_common(owner, horizon, level, seed)
    rundir.check_output_dir(output_dir, owner)


def train(model="arima", dataset="air_passengers", horizon=None, output_dir=None, seed=0, level=95.0, n_jobs=1,
          model_kwargs=None, data_path=None, fill=None, plot_series=4, resume=True):
    """Fit ``model`` on the training part of ``dataset``, score it on the held-out horizon, write a run folder.

    Args:
        model: a forecaster name (``zoo.forecasting.list_forecasters()``) or an unfitted Forecaster.
        dataset: ``air_passengers``, ``m4_<frequency>``, a statsmodels series name, a CSV path, or a ForecastDataset.
        horizon: forecast steps (default: the dataset's; M4's official one for M4).
        level: prediction interval coverage in percent.
        n_jobs: parallel workers for local models across many series.
        model_kwargs: extra arguments for the forecaster (e.g. ``{"epochs": 5}``).
        fill: how to fill NaNs/missing timestamps in a CSV (``interpolate``, ``ffill``, ``zero``).
        resume: a deep forecaster interrupted mid-training continues from its last finished epoch
            when the same call is run again (``False``: always a new run folder).

    Returns:
        TrainResult: the fitted forecaster as ``model``, training ``history`` (deep models),
        ``metrics`` (sMAPE, MASE, OWA, MAE, RMSE, MAPE, coverage, MSIS, times) and ``run_dir``.
        The run folder holds the fitted forecaster (``zoo.tasks.forecasting.load_forecaster``).
    """
    config = {k: v for k, v in locals().items() if k not in ("output_dir", "resume")}
    task = Forecasting(**config)
    task.caller = "forecasting.train"
    return run(task, output_dir=output_dir, resume=resume)


def forecast(model="ets", dataset="air_passengers", horizon=None, seed=0, level=95.0, n_jobs=1, model_kwargs=None,
             data_path=None, fill=None, output_dir=None):
    """Fit on all of ``dataset`` (training and test parts) and forecast ``horizon`` steps into the future.

    ``model`` may be a forecaster name, a Forecaster, or a folder saved by a deep forecaster
    (a run folder of ``train``), whose fitted network forecasts from its own data.

    Returns:
        DataFrame ``unique_id, ds, yhat, yhat_lower, yhat_upper``; with ``output_dir``, also
        writes ``forecast.csv`` and ``forecast.png`` into a run folder.
    """
    from zoo.forecasting.deep import STATE_FILE
    from zoo.tasks.forecasting import load_forecaster

    _check_args("forecasting.forecast", horizon, level, seed, output_dir)
    if isinstance(model, (str, Path)) and Path(model).is_dir() and (Path(model) / STATE_FILE).exists():
        fitted = load_forecaster(model)
        out = fitted.predict(horizon if horizon is not None else fitted.horizon_)
        history = None
    else:
        ds = as_dataset(dataset, horizon, data_path, fill)
        history = pd.concat([ds.train, ds.test]) if ds.test is not None else ds.train
        history = with_attrs(history.sort_values(["unique_id", "ds"], kind="stable").reset_index(drop=True), ds)
        fitted = make_forecaster(model, ds, n_jobs, seed, level, model_kwargs).fit(history)
        out = fitted.predict(horizon if horizon is not None else ds.horizon)
    if output_dir is not None:
        run_dir = rundir.make_run_dir(output_dir, APPLICATION, "forecast", str(model), str(dataset))
        out.to_csv(run_dir / "forecast.csv", index=False)
        if history is not None:
            plot_forecasts(history, None, {str(model): out}, run_dir / "forecast.png")
    return out


def _file_stamp(dataset):
    """Size and modification time of a dataset given as a file: an edited file never resumes old results."""
    import os

    if isinstance(dataset, (str, os.PathLike)) and os.path.isfile(dataset):
        stat = os.stat(dataset)
        return [stat.st_size, stat.st_mtime_ns]
    return None


def backtest(models=("naive2", "theta", "arima"), dataset="m4_weekly", horizon=None, windows=1, output_dir=None,
             seed=0, level=95.0, n_jobs=1, model_kwargs=None, data_path=None, fill=None, validation=False,
             plot_series=6, verbose=True, resume=True):
    """Score several forecasters on the same held-out data; return a leaderboard (one row per model).

    The last window is the dataset's test part (M4: the official test file); ``windows > 1``
    adds earlier cutoffs inside the training data, ``horizon`` points apart. With
    ``validation=True`` the test part is never used: the windows end at the last training point
    (use it to choose models and settings). ``"ensemble"`` reuses its members' fits when they
    are in ``models`` (its time is then the sum of theirs).

    The run folder's ``leaderboard.csv``, ``forecasts.csv`` and ``metrics.json`` are rewritten as
    each model finishes (``zoo.tasks.leaderboard``); after an interruption the same call (any
    list of models) continues the folder without fitting finished models again (``resume=False``:
    a new folder). ``verbose`` prints a line per model and progress lines while a model works.

    Returns:
        DataFrame with columns model, sMAPE, MASE, OWA (vs Naive2), MAE, RMSE, MAPE, coverage,
        MSIS, fit/predict/total seconds, sorted by OWA. Writes ``leaderboard.csv``,
        ``forecasts.csv``, ``metrics.json`` and plots into a run folder.
    """
    from zoo.errors import check_int

    _check_args("forecasting.backtest", horizon, level, seed, output_dir)
    check_int(windows, "windows", "forecasting.backtest")
    ds = as_dataset(dataset, horizon, data_path, fill)
    if ds.test is None and not validation:
        raise ZooValueError(f"Dataset {ds.name!r} has no test part; pass validation=True to backtest inside its data.")
    full = ds.train if validation or ds.test is None else pd.concat([ds.train, ds.test])
    full = with_attrs(full.sort_values(["unique_id", "ds"], kind="stable").reset_index(drop=True), ds)
    backtesting.check_windows(full, ds.horizon, windows, name=ds.name)
    models = list(dict.fromkeys([models] if isinstance(models, str) else list(models)))
    if not models:
        raise ZooValueError("The 'models' parameter of forecasting.backtest is empty; name at least one forecaster, "
                         "e.g. models=['naive2', 'theta'] (zoo.forecasting.list_forecasters()).")
    model_kwargs = model_kwargs or {}
    # Names label the leaderboard; a Forecaster object passed in is labelled by its repr (its parameters).
    forecasters = {m if isinstance(m, str) else repr(m): make_forecaster(m, ds, n_jobs, seed, level,
                                                                         model_kwargs.get(m, {}) if isinstance(m, str) else {})
                   for m in models}
    same = {"function": "backtest", "dataset": dataset, "data_path": data_path, "fill": fill, "horizon": ds.horizon,
            "windows": windows, "seed": seed, "level": level, "validation": validation, "file": _file_stamp(dataset)}
    config = {"function": "backtest", "models": list(forecasters), "dataset": ds.name, "horizon": ds.horizon, "windows": windows,
              "seed": seed, "level": level, "n_jobs": n_jobs, "model_kwargs": model_kwargs, "validation": validation}
    folder = ResumableBacktest.open(output_dir, APPLICATION, same, config, ("backtest", ds.name), resume, summary={
        "dataset": ds.name, "horizon": ds.horizon, "windows": windows, "validation": validation})
    run_dir = folder.run_dir
    try:
        done = folder.done(forecasters, windows)
        if verbose and done:
            print(f"resuming {run_dir}: {len(done)} finished model window(s) kept", flush=True)
        run = backtesting.backtest(forecasters, full, ds.horizon, windows, season_length=ds.season_length, level=level,
                                   name=ds.name, verbose=verbose, done=done,
                                   on_result=folder.record)
        board = folder.write(run)
    except BaseException as err:
        folder.interrupted(err)
        raise
    last_train, last_test = run.windows[-1]
    # The five best models (the best one with its interval) keep the plot readable.
    forecasts = run.forecasts
    final = {name: forecasts[(forecasts["model"] == name) & (forecasts["window"] == windows - 1)]
             for name in list(board["model"])[:5]}
    plot_forecasts(last_train, last_test, final, run_dir / "forecasts.png", n_series=plot_series)
    plot_leaderboard(board, run_dir / "leaderboard.png")
    folder.complete()
    board.attrs["run_dir"] = str(run_dir)
    return board
