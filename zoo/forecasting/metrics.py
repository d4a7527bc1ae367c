"""Forecast accuracy metrics with the M4 competition's definitions.

Per-series functions take plain arrays: ``y_true`` and ``y_pred`` over the horizon, and the
training history ``insample`` for the scaled metrics (MASE, MSIS), whose denominator is the
in-sample mean absolute seasonal difference with lag ``season_length``::

    sMAPE = 200/h * sum |y - f| / (|y| + |f|)                      (percent)
    MAPE  = 100/h * sum |y - f| / |y|                              (percent)
    MASE  = mean |y - f| / mean_t |x_t - x_{t-m}|
    MSIS  = mean[(U - L) + 2/a (L - y) 1{y < L} + 2/a (y - U) 1{y > U}] / mean_t |x_t - x_{t-m}|
    OWA   = (sMAPE / sMAPE_Naive2 + MASE / MASE_Naive2) / 2        (on dataset averages)

Example:
    >>> from zoo.forecasting.metrics import smape
    >>> smape([100.0, 110.0], [110.0, 110.0])  # doctest: +ELLIPSIS
    4.76...
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from zoo.errors import ZooValueError

POINT_METRICS = ("mae", "rmse", "mape", "smape", "mase")
INTERVAL_METRICS = ("coverage", "msis")
ALL_METRICS = POINT_METRICS + INTERVAL_METRICS


def _arrays(y_true, y_pred):
    y_true = np.asarray(y_true, dtype="float64").ravel()
    y_pred = np.asarray(y_pred, dtype="float64").ravel()
    if y_true.shape != y_pred.shape:
        raise ZooValueError(f"y_true and y_pred must have the same length. Got {len(y_true)} and {len(y_pred)}.")
    return y_true, y_pred


def mae(y_true, y_pred) -> float:
    """Mean absolute error."""
    y, f = _arrays(y_true, y_pred)
    return float(np.mean(np.abs(y - f)))


def rmse(y_true, y_pred) -> float:
    """Root mean squared error."""
    y, f = _arrays(y_true, y_pred)
    return float(np.sqrt(np.mean((y - f) ** 2)))


def mape(y_true, y_pred) -> float:
    """Mean absolute percentage error, in percent (undefined, +inf, where y is 0)."""
    y, f = _arrays(y_true, y_pred)
    with np.errstate(divide="ignore", invalid="ignore"):
        return float(100.0 * np.mean(np.abs(y - f) / np.abs(y)))


def _smape_terms(y: np.ndarray, f: np.ndarray) -> np.ndarray:
    """Per-point sMAPE terms 200 |y - f| / (|y| + |f|), 0 where both are 0 (0/0 counts 0).

    Both values are divided by the larger magnitude first, so that values near the float range
    give their bounded term (at most 200) instead of inf/inf.
    """
    size = np.maximum(np.abs(y), np.abs(f))
    with np.errstate(invalid="ignore"):
        a, b = y / np.where(size > 0, size, 1.0), f / np.where(size > 0, size, 1.0)
        return 200.0 * np.divide(np.abs(a - b), np.abs(a) + np.abs(b), out=np.zeros_like(a), where=size > 0)


def _interval_terms(y: np.ndarray, lo: np.ndarray, hi: np.ndarray, level: float) -> np.ndarray:
    """Per-point interval scores (U - L) + 2/a (L - y) 1{y < L} + 2/a (y - U) 1{y > U}."""
    alpha = 1.0 - level / 100.0
    return (hi - lo) + (2.0 / alpha) * (lo - y) * (y < lo) + (2.0 / alpha) * (y - hi) * (y > hi)


def smape(y_true, y_pred) -> float:
    """Symmetric MAPE as in M4: 200/h * sum |y - f| / (|y| + |f|), in percent (0/0 counts 0)."""
    return float(np.mean(_smape_terms(*_arrays(y_true, y_pred))))


def seasonal_scale(insample, season_length: int = 1) -> float:
    """The MASE/MSIS denominator: mean |x_t - x_{t-m}| over the training history."""
    x = np.asarray(insample, dtype="float64").ravel()
    m = int(season_length)
    if m < 1:
        raise ZooValueError(f"The 'season_length' parameter must be an int in the range [1, inf). Got {season_length!r} instead.")
    if len(x) <= m:
        # Too short for a seasonal difference: fall back to the lag-1 scale (as M4 code does for m=1).
        m = 1
    if len(x) <= m:
        return float("nan")
    scale = float(np.mean(np.abs(x[m:] - x[:-m])))
    return scale if scale > 0 else float("nan")  # a constant history: MASE/MSIS are undefined, not infinite


def series_scales(history: pd.DataFrame, ids, season_length: int = 1) -> np.ndarray:
    """:func:`seasonal_scale` of each series of ``ids`` in ``history`` (``unique_id, ds, y``), in that order."""
    from zoo.datasets.timeseries import series_arrays

    insample = series_arrays(history, "y")
    return np.array([seasonal_scale(insample[uid], season_length) for uid in ids], dtype="float64")


def mase(y_true, y_pred, insample, season_length: int = 1) -> float:
    """Mean absolute scaled error (M4): MAE over the in-sample seasonal-naive MAE."""
    scale = seasonal_scale(insample, season_length)
    with np.errstate(divide="ignore", invalid="ignore"):
        return float(mae(y_true, y_pred) / scale)


def coverage(y_true, lower, upper) -> float:
    """Share of actual values inside [lower, upper]."""
    y, lo = _arrays(y_true, lower)
    _, hi = _arrays(y_true, upper)
    return float(np.mean((y >= lo) & (y <= hi)))


def msis(y_true, lower, upper, insample, season_length: int = 1, level: float = 95.0) -> float:
    """Mean scaled interval score (M4), with alpha = 1 - level/100 (0.05 for 95% intervals)."""
    y, lo = _arrays(y_true, lower)
    _, hi = _arrays(y_true, upper)
    scale = seasonal_scale(insample, season_length)
    with np.errstate(divide="ignore", invalid="ignore"):
        return float(np.mean(_interval_terms(y, lo, hi, level)) / scale)


def owa(smape_value: float, mase_value: float, smape_naive2: float, mase_naive2: float) -> float:
    """Overall weighted average (M4): the mean of sMAPE and MASE relative to Naive2."""
    if not smape_naive2 or not mase_naive2:  # Naive2 is perfect (a constant series): no relative score
        return float("nan")
    return float(0.5 * (smape_value / smape_naive2 + mase_value / mase_naive2))


def series_metrics(y_true, y_pred, insample, season_length=1, lower=None, upper=None, level=95.0) -> dict:
    """All metrics for one series: MAE, RMSE, MAPE, sMAPE, MASE (+ coverage, MSIS with intervals)."""
    y, _ = _arrays(y_true, y_pred)
    columns = grouped_metrics(y_true, y_pred, np.zeros(len(y), dtype="int64"),
                              [seasonal_scale(insample, season_length)], lower, upper, level)
    return {k: float(v[0]) for k, v in columns.items()}


def grouped_metrics(y_true, y_pred, groups, scale, lower=None, upper=None, level: float = 95.0) -> dict:
    """:func:`series_metrics` of many series at once, as arrays with one value per series.

    The rows of every series are stacked: ``groups[i]`` is the series (``0 .. n-1``) of row ``i``,
    and ``scale[k]`` the :func:`seasonal_scale` of series ``k``'s history (NaN: MASE/MSIS undefined).
    One pass of array operations instead of a Python loop over the series: the M4 scores of
    thousands of series, and the ensemble's many candidate subsets, cost milliseconds.
    """
    y, f = _arrays(y_true, y_pred)
    groups = np.asarray(groups, dtype="int64").ravel()
    scale = np.asarray(scale, dtype="float64").ravel()
    if groups.shape != y.shape:
        raise ZooValueError(f"groups must give the series of every row: {len(groups)} for {len(y)} rows.")
    counts = np.bincount(groups, minlength=len(scale))

    def mean(values):
        return np.bincount(groups, values, minlength=len(scale)) / counts

    err = np.abs(y - f)
    with np.errstate(divide="ignore", invalid="ignore"):
        out = {"mae": mean(err), "rmse": np.sqrt(mean(err ** 2)), "mape": 100.0 * mean(err / np.abs(y)),
               "smape": mean(_smape_terms(y, f))}
        out["mase"] = out["mae"] / scale
        if lower is not None and upper is not None:
            _, lo = _arrays(y_true, lower)
            _, hi = _arrays(y_true, upper)
            out["coverage"] = mean(((y >= lo) & (y <= hi)).astype("float64"))
            out["msis"] = mean(_interval_terms(y, lo, hi, level)) / scale
    return out


def evaluate(forecasts: pd.DataFrame, actuals: pd.DataFrame, history: pd.DataFrame, season_length: int = 1,
             level: float = 95.0, naive2: pd.DataFrame | None = None) -> tuple[pd.DataFrame, dict]:
    """Per-series metrics and their dataset averages (the M4 way: average the per-series scores).

    Args:
        forecasts: ``unique_id, ds, yhat`` (and ``yhat_lower``, ``yhat_upper`` for interval metrics).
        actuals: ``unique_id, ds, y`` over the same horizon.
        history: ``unique_id, ds, y``, the training data (the MASE/MSIS scale).
        season_length: the seasonal lag of MASE/MSIS (M4: 1 yearly/weekly/daily, 4, 12, 24).
        naive2: Naive2 forecasts for the same horizon; when given, the summary includes OWA.

    Returns:
        ``(per_series, summary)``: a DataFrame with one row per series, and a dict of means.
    """
    merged = actuals[["unique_id", "ds", "y"]].merge(forecasts, on=["unique_id", "ds"], how="left")
    if merged["yhat"].isna().any():
        missing = merged.loc[merged["yhat"].isna(), "unique_id"].unique()[:5]
        raise ZooValueError(f"The forecasts lack values for some test timestamps (series {list(missing)}). "
                         f"Forecast the same horizon as the test data.")
    has_intervals = {"yhat_lower", "yhat_upper"} <= set(merged.columns)
    groups, ids = pd.factorize(merged["unique_id"])
    columns = grouped_metrics(merged["y"], merged["yhat"], groups, series_scales(history, ids, season_length),
                              merged["yhat_lower"] if has_intervals else None,
                              merged["yhat_upper"] if has_intervals else None, level)
    per_series = pd.DataFrame({"unique_id": ids, **columns})
    summary = {k: float(per_series[k].replace([np.inf, -np.inf], np.nan).mean()) for k in per_series.columns if k != "unique_id"}
    if naive2 is not None:
        _, base = evaluate(naive2, actuals, history, season_length, level)
        summary["owa"] = owa(summary["smape"], summary["mase"], base["smape"], base["mase"])
    return per_series, summary
