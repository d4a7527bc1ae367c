"""Rolling-origin backtests, written once: :meth:`Forecaster.backtest` and the application's leaderboard both run here.

The last window ends at the end of each series; earlier ones end ``step`` (default ``horizon``)
points before. At every cutoff each forecaster is refitted on a fresh copy, forecasts the next
``horizon`` points (given the future values of its exogenous columns) and is scored with
:func:`zoo.forecasting.metrics.evaluate`; OWA compares with Naive2
(:func:`zoo.forecasting.seasonality.naive2_forecast`) fitted on the same data. A forecaster that
:meth:`~zoo.forecasting.base.Forecaster.combines` others (the ensemble) reuses their fits when
they come before it in ``models``; its time is then the sum of theirs. One that fits its own
members (``Ensemble(models="auto")``, ``nbeats_ensemble``) is offered the window's earlier fits
(:mod:`zoo.forecasting.reuse`): a member identical to one of them is not trained again, and its time
is counted in the combination's.

This module knows forecasters only by their interface (``clone``, ``fit``, ``predict``,
``combines``), so :mod:`zoo.forecasting.base` can build on it.

Example:
    >>> from zoo.forecasting import create_forecaster
    >>> from zoo.forecasting.backtesting import backtest
    >>> run = backtest({"theta": create_forecaster("theta"), "ets": create_forecaster("ets")}, df, horizon=13)
    >>> run.leaderboard()        # one row per model: sMAPE, MASE, OWA, ..., seconds
    >>> run.forecasts.head()     # unique_id, ds, yhat, yhat_lower, yhat_upper, model, window
"""

from __future__ import annotations

import contextlib
import dataclasses
import time

import pandas as pd

from zoo.datasets.timeseries import infer_freq, season_length_for, validate
from zoo.errors import ZooValueError, check_int
from zoo.forecasting import reuse
from zoo.forecasting.metrics import evaluate
from zoo.forecasting.progress import series_progress
from zoo.forecasting.seasonality import naive2_forecast

KEY_COLUMNS = ("unique_id", "ds", "y")
TIME_COLUMNS = ("fit_time_s", "predict_time_s", "time_s")
LEADERBOARD_COLUMNS = ("model", "smape", "mase", "owa", "mae", "rmse", "mape", "coverage", "msis", *TIME_COLUMNS)


@dataclasses.dataclass
class BacktestResult:
    """What ``Forecaster.backtest`` returns: the forecasts against the truth, and metrics per window."""

    forecasts: pd.DataFrame
    metrics: pd.DataFrame

    @property
    def summary(self) -> dict:
        """Metrics averaged over the windows."""
        return {k: float(v) for k, v in self.metrics.drop(columns=["window"]).mean().items()}

    def __repr__(self) -> str:
        shown = ", ".join(f"{k}={v:.4g}" for k, v in self.summary.items())
        return f"BacktestResult(windows={len(self.metrics)}, {shown})"


@dataclasses.dataclass
class Backtest:
    """What :func:`backtest` returns.

    Attributes:
        scores: one row per model and window: ``model, window``, the metrics of
            :func:`~zoo.forecasting.metrics.evaluate` (and ``owa``), ``fit_time_s, predict_time_s, time_s``.
        forecasts: ``unique_id, ds, yhat, yhat_lower, yhat_upper, model, window``, as predicted.
        windows: ``(train, test)`` frames per window, oldest first.
    """

    scores: pd.DataFrame
    forecasts: pd.DataFrame
    windows: list

    def leaderboard(self) -> pd.DataFrame:
        """One row per model: metrics averaged over the windows, seconds summed, best OWA (else sMAPE) first."""
        rows = []
        for name in dict.fromkeys(self.scores["model"]):
            frame = self.scores[self.scores["model"] == name].drop(columns=["model", "window"])
            means = frame.drop(columns=list(TIME_COLUMNS)).mean().to_dict()
            sums = frame[list(TIME_COLUMNS)].sum().to_dict()
            rows.append({"model": name, **means, **sums})
        board = pd.DataFrame(rows)
        board = board[[c for c in LEADERBOARD_COLUMNS if c in board.columns]]
        return board.sort_values("owa" if "owa" in board else "smape").reset_index(drop=True)

    def result(self, model, metrics=None) -> BacktestResult:
        """One model's :class:`BacktestResult`: its forecasts beside the truth, and ``metrics`` per window."""
        scores = self.scores[self.scores["model"] == model]
        names = [m for m in (metrics or scores.columns) if m in scores.columns and m not in ("model", "window")]
        frames = []
        for w, (_, test) in enumerate(self.windows):
            forecast = self.forecasts[(self.forecasts["model"] == model) & (self.forecasts["window"] == w)]
            merged = test[["unique_id", "ds", "y"]].merge(forecast.drop(columns=["model", "window"]),
                                                         on=["unique_id", "ds"], how="left")
            merged.insert(0, "window", w)
            frames.append(merged)
        return BacktestResult(pd.concat(frames, ignore_index=True),
                              scores[["window", *names]].reset_index(drop=True))


def check_windows(df: pd.DataFrame, horizon: int, windows: int = 1, step: int | None = None,
                  name: str | None = None) -> None:
    """Raise a ValueError unless every series keeps at least 2 training points before the earliest window."""
    step = horizon if step is None else step
    need = (windows - 1) * step + horizon + 1
    shortest = int(df.groupby("unique_id").size().min())
    if shortest <= need:
        spacing = f" {step} apart" if step != horizon else ""
        where = f" of {name!r}" if name else ""
        raise ZooValueError(f"windows={windows} of horizon {horizon}{spacing} need more than {need} points per series; "
                         f"the shortest series{where} has {shortest}. Use fewer windows or a shorter horizon.")


def rolling_windows(df: pd.DataFrame, horizon: int, windows: int = 1, step: int | None = None) -> list:
    """``(train, test)`` per window, oldest first: ``test`` is ``horizon`` points per series, ``train`` all before."""
    step = horizon if step is None else step
    pos = df.groupby("unique_id", sort=False).cumcount(ascending=False).to_numpy()
    out = []
    for w in range(windows):
        end = (windows - 1 - w) * step
        train = df[pos >= end + horizon].reset_index(drop=True)
        test = df[(pos >= end) & (pos < end + horizon)].reset_index(drop=True)
        train.attrs.update(df.attrs)
        test.attrs.update(df.attrs)
        out.append((train, test))
    return out


def _future_exog(model, test: pd.DataFrame):
    """The known future values of the model's exogenous columns in the held-out part (future covariates)."""
    exog = getattr(model, "exog_columns_", None)
    return test[["unique_id", "ds", *exog]] if exog else None


def backtest(models, df: pd.DataFrame, horizon: int, windows: int = 1, step: int | None = None, *,
             season_length: int | None = None, level: float | None = None, owa: bool = True,
             name: str | None = None, verbose: bool = False, done: dict | None = None,
             on_result=None) -> Backtest:
    """Score unfitted forecasters at ``windows`` rolling cutoffs of ``df``.

    Args:
        models: ``{name: Forecaster}`` (unfitted; each window fits a fresh clone), or a list of
            forecasters (named by their ``name``).
        df: long frame ``unique_id, ds, y`` (+ exogenous columns); ``attrs`` may give ``freq``,
            ``season_length`` and ``horizon``, which the training parts keep. To validate
            without the test part, pass the training data only.
        horizon: points per series in each window.
        windows, step: number of cutoffs and the points between them (default ``horizon``).
        season_length: the MASE/MSIS lag and Naive2's period (default: ``df.attrs``, else the frequency's).
        level: interval coverage for the interval metrics (default: each model's ``level``).
        owa: also score Naive2 and report OWA.
        name: the data's name, for error messages.
        verbose: print one line per model and window, and progress lines while a model works
            (series done and time left, epochs of deep models; at most one per 10 s).
        done: ``{(name, window): (scores row, forecast frame)}`` already computed (a resumed
            backtest): those are not fitted again.
        on_result: called as ``on_result(name, window, scores row, forecast frame)`` as soon as
            each model finishes a window (e.g. to write a resumable leaderboard).
    """

    owner = "backtest"
    check_int(horizon, "horizon", owner)
    check_int(windows, "windows", owner)
    step = check_int(step if step is not None else horizon, "step", owner)
    if not isinstance(models, dict):
        models = {m.name: m for m in models}
    data = validate(df)
    data.attrs.update(df.attrs)
    season = int(season_length or df.attrs.get("season_length")
                 or season_length_for(df.attrs.get("freq") or infer_freq(data["ds"].iloc[:50])))
    check_windows(data, horizon, windows, step, name)
    splits = rolling_windows(data, horizon, windows, step)
    rows, forecasts = [], []
    for w, (train, test) in enumerate(splits):
        naive2 = naive2_forecast(train, test, season, 95.0 if level is None else level) if owa else None
        fitted, times, predicted = {}, {}, {}
        for key, proto in models.items():
            if done and (key, w) in done:
                row, fc = done[(key, w)]
                rows.append(row)
                forecasts.append(fc)
                if verbose:
                    print(f"[window {w}] {str(key):<15} (kept from the interrupted run)", flush=True)
                continue
            members = proto.combines()
            if members and all(m in fitted for m in members):
                model = proto.from_members({m: fitted[m] for m in members})
                fit_time = sum(times[m][0] for m in members)
                start = time.perf_counter()
                fc = model.predict(horizon)
                predict_time = sum(times[m][1] for m in members) + time.perf_counter() - start
            else:
                with series_progress(f"[window {w}] {key}") if verbose else contextlib.nullcontext(), \
                        reuse.offering(fitted.values(), train):
                    start = time.perf_counter()
                    # The same fit made earlier in this window (``arima`` and ``sarima`` are one model)
                    # is taken over with its time and forecast, and so are a combination's members.
                    model, reused_seconds = reuse.fit_member(proto.clone(), train)
                    fit_time = (reused_seconds or time.perf_counter() - start) + getattr(model, "reused_fit_time_", 0.0)
                    if id(model) in predicted:  # that very fit has forecast this window already: the same forecast
                        fc, predict_time = predicted[id(model)]
                    else:
                        start = time.perf_counter()
                        fc = model.predict(horizon, _future_exog(model, test))
                        predict_time = time.perf_counter() - start
            fitted[key], times[key], predicted[id(model)] = model, (fit_time, predict_time), (fc, predict_time)
            _, scores = evaluate(fc, test, train, season, model.level if level is None else level, naive2)
            row = {"model": key, "window": w, **scores, "fit_time_s": fit_time, "predict_time_s": predict_time,
                   "time_s": fit_time + predict_time}
            rows.append(row)
            forecasts.append(fc.assign(model=key, window=w))
            if on_result is not None:
                on_result(key, w, row, forecasts[-1])
            if verbose:
                relative = f"  OWA {scores['owa']:.3f}" if "owa" in scores else ""
                print(f"[window {w}] {str(key):<15} sMAPE {scores['smape']:7.3f}  MASE {scores['mase']:6.3f}{relative}  "
                      f"time {fit_time + predict_time:7.1f}s", flush=True)
    return Backtest(pd.DataFrame(rows), pd.concat(forecasts, ignore_index=True), splits)
