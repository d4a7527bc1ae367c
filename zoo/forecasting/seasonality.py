"""Seasonality and the M4 Naive2 benchmark as plain functions on arrays and frames.

Two users, neither above the other: :class:`zoo.forecasting.naive.Naive2` (the forecaster) and
the backtests' OWA (:mod:`zoo.forecasting.backtesting`), which scores against Naive2 without
creating a forecaster. Both compute Naive2 here, so their numbers are the same.

Prediction intervals use the textbook formula (Hyndman & Athanasopoulos, FPP3 §5.5):
``sigma * sqrt(h)``, with ``sigma`` the in-sample RMSE of the one-step naive forecast.

Example:
    >>> from zoo.forecasting.seasonality import naive2_forecast
    >>> naive2_forecast(train, test[["unique_id", "ds"]], season_length=12)  # unique_id, ds, yhat, ...
"""

from __future__ import annotations

import functools

import numpy as np
import pandas as pd
from scipy.stats import norm


@functools.lru_cache(maxsize=64)
def z_score(alpha: float) -> float:
    """The two-sided normal quantile of a ``1 - alpha`` interval (1.96 for alpha = 0.05); cached, as scipy's
    ``ppf`` takes ~0.1 ms and Naive2 asks once per series (9 of 30 s at 48,000 series)."""
    return float(norm.ppf(1.0 - alpha / 2.0))


def naive_sigma(y: np.ndarray, lag: int) -> float:
    """In-sample RMSE of the lag-``lag`` naive forecast (0 when the series is too short)."""
    if len(y) <= lag:
        return 0.0
    d = y[lag:] - y[:-lag]
    return float(np.sqrt(np.mean(d ** 2)))


def seasonality_test(y, season_length: int) -> bool:
    """M4's 90% autocorrelation test: is lag ``m``'s ACF outside 1.645 * its standard error?

    Applied only when the series holds more than three seasons (as in the M4 benchmark code).
    """
    m = int(season_length)
    y = np.asarray(y, dtype="float64")
    if m <= 1 or len(y) <= 3 * m:
        return False
    rho = acf(y, m)
    if rho is None:
        return False
    limit = 1.645 * np.sqrt((1 + 2 * np.sum(rho[1:m] ** 2)) / len(y))
    return bool(abs(rho[m]) > limit)


# The 10% critical value of chi2(1), statsmodels ThetaModel's seasonality test.
THETA_SEASONALITY_CRITICAL = 2.705543454095404


def theta_seasonal(y, season_length: int) -> bool:
    """statsmodels ``ThetaModel``'s seasonality test: n rho_m^2 / sum_{k<m} rho_k^2 above chi2(1)'s 10% point
    (the Theta forecaster's; M4's Naive2 uses :func:`seasonality_test`)."""
    m = int(season_length)
    rho = acf(y, m)
    return rho is not None and bool(len(y) * rho[m] ** 2 / np.sum(rho[:m] ** 2) > THETA_SEASONALITY_CRITICAL)


def acf(y, max_lag: int) -> np.ndarray | None:
    """Sample autocorrelations at lags 0..``max_lag`` (None for a constant series)."""
    x = np.asarray(y, dtype="float64")
    x = x - x.mean()
    denom = float(x @ x)
    if denom == 0:
        return None
    return np.array([1.0] + [float(x[k:] @ x[:len(x) - k]) / denom for k in range(1, max_lag + 1)])


def centred_moving_average(y, m: int) -> np.ndarray:
    """The centred m-term moving average (2xm-term for an even m), NaN where the window runs off the series:
    the trend of R's ``decompose`` and of statsmodels' heuristic ETS initialisation."""
    y = np.asarray(y, dtype="float64")
    weights = np.r_[0.5, np.ones(m - 1), 0.5] / m if m % 2 == 0 else np.ones(m) / m
    trend = np.full(len(y), np.nan)
    half = len(weights) // 2
    if len(y) >= len(weights):
        trend[half:len(y) - half] = np.convolve(y, weights, mode="valid")
    return trend


def seasonal_indices(y, season_length: int) -> np.ndarray:
    """Classical multiplicative decomposition's seasonal indices (R ``decompose``), one per phase, mean 1.

    Index ``k`` belongs to the phase of ``y[k]`` (position modulo ``m``).
    """
    m = int(season_length)
    y = np.asarray(y, dtype="float64")
    n = len(y)
    trend = centred_moving_average(y, m)
    ratio = np.full(-(-n // m) * m, np.nan)  # padded to whole seasons: one row per season, one column per phase
    ratio[:n] = y / trend
    phases = np.nanmean(ratio.reshape(-1, m), axis=0)
    return phases / np.mean(phases)


def naive2_state(y: np.ndarray, season_length: int) -> dict:
    """What Naive2 learns of one series: the last seasonally adjusted value, its sigma, the future indices.

    The series is adjusted (classical multiplicative decomposition) only when it is positive and
    the 90% seasonality test says so; otherwise Naive2 is the plain naive forecast.
    """
    m = int(season_length)
    y = np.asarray(y, dtype="float64")
    if m > 1 and seasonality_test(y, m) and np.all(y > 0):
        idx = seasonal_indices(y, m)
        factors = idx[np.arange(len(y)) % m]
        adjusted = y / factors
        future_phase = len(y) % m
        return {"last": float(adjusted[-1]), "sigma": naive_sigma(adjusted, 1), "indices": np.roll(idx, -future_phase)}
    return {"last": float(y[-1]), "sigma": naive_sigma(y, 1), "indices": None}


def naive2_values(state: dict, horizon: int, alpha: float = 0.05):
    """``(mean, lower, upper)`` over ``horizon`` steps from :func:`naive2_state`, reseasonalised."""
    mean = np.full(horizon, state["last"])
    half = z_score(alpha) * state["sigma"] * np.sqrt(np.arange(1, horizon + 1))
    lower, upper = mean - half, mean + half
    if state["indices"] is not None:
        f = state["indices"][np.arange(horizon) % len(state["indices"])]
        mean, lower, upper = mean * f, lower * f, upper * f
    return mean, lower, upper


def naive2_forecast(history: pd.DataFrame, future: pd.DataFrame, season_length: int,
                    level: float = 95.0) -> pd.DataFrame:
    """Naive2 forecasts of every series of ``history`` for the rows of ``future``.

    Args:
        history: long frame ``unique_id, ds, y`` (sorted by ``ds`` within each series).
        future: ``unique_id, ds`` of the points to forecast: each series' next steps after its
            history, in order (e.g. the held-out test part).
        season_length: the seasonal period (M4's: 1 yearly/weekly/daily, 4, 12, 24).
        level: coverage of the interval, in percent.

    Returns:
        ``future``'s ``unique_id, ds`` with ``yhat, yhat_lower, yhat_upper``.
    """
    alpha = 1.0 - float(level) / 100.0
    from zoo.datasets.timeseries import series_arrays

    ys = series_arrays(history, "y", "float64")
    out = future[["unique_id", "ds"]].reset_index(drop=True)
    columns = {c: np.full(len(out), np.nan) for c in ("yhat", "yhat_lower", "yhat_upper")}
    for uid, rows in out.groupby("unique_id", sort=False).indices.items():
        if uid not in ys:
            continue
        values = naive2_values(naive2_state(ys[uid], season_length), len(rows), alpha)
        for column, v in zip(columns, values):
            columns[column][rows] = v
    return out.assign(**columns)
