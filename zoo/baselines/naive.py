"""Naive, Seasonal Naive and Naive2 (the M4 competition's seasonally adjusted naive benchmark).

Prediction intervals use the textbook formulas (Hyndman & Athanasopoulos, FPP3 §5.5):
``sigma * sqrt(h)`` for naive and ``sigma * sqrt(floor((h - 1) / m) + 1)`` for seasonal naive,
with ``sigma`` the in-sample RMSE of the one-step (one-season) naive forecast.

Example:
    >>> from zoo.baselines import Naive2
    >>> Naive2().fit(df).predict(13)
"""

from __future__ import annotations

import numpy as np
from scipy.stats import norm

from zoo.forecasting.base import LocalForecaster


def _z(alpha: float) -> float:
    return float(norm.ppf(1.0 - alpha / 2.0))


def _naive_sigma(y: np.ndarray, lag: int) -> float:
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
    x = y - y.mean()
    denom = np.sum(x ** 2)
    if denom == 0:
        return False
    acf = np.array([np.sum(x[k:] * x[:len(x) - k]) / denom for k in range(m + 1)])
    limit = 1.645 * np.sqrt((1 + 2 * np.sum(acf[1:m] ** 2)) / len(y))
    return bool(abs(acf[m]) > limit)


def seasonal_indices(y, season_length: int) -> np.ndarray:
    """Classical multiplicative decomposition's seasonal indices (R ``decompose``), one per phase, mean 1.

    Index ``k`` belongs to the phase of ``y[k]`` (position modulo ``m``).
    """
    m = int(season_length)
    y = np.asarray(y, dtype="float64")
    n = len(y)
    if m % 2 == 0:
        weights = np.r_[0.5, np.ones(m - 1), 0.5] / m
    else:
        weights = np.ones(m) / m
    trend = np.full(n, np.nan)
    half = len(weights) // 2
    trend[half:n - half] = np.convolve(y, weights, mode="valid")
    ratio = y / trend
    phases = np.array([np.nanmean(ratio[k::m]) for k in range(m)])
    return phases / np.mean(phases)


class Naive(LocalForecaster):
    """Last value carried forward."""

    name = "naive"

    def _fit_one(self, y, exog):
        return {"last": float(y[-1]), "sigma": _naive_sigma(y, 1)}

    def _predict_one(self, state, y, horizon, exog_future):
        mean = np.full(horizon, state["last"])
        half = _z(self.alpha_) * state["sigma"] * np.sqrt(np.arange(1, horizon + 1))
        return mean, mean - half, mean + half


class SeasonalNaive(LocalForecaster):
    """The value one season earlier (``season_length`` from the data; naive when it is 1)."""

    name = "seasonal_naive"

    def _fit_one(self, y, exog):
        m = self.season_length_ if len(y) >= self.season_length_ else 1
        return {"season": y[-m:].astype("float64"), "sigma": _naive_sigma(y, m), "m": m}

    def _predict_one(self, state, y, horizon, exog_future):
        m = state["m"]
        steps = np.arange(horizon)
        mean = state["season"][steps % m]
        half = _z(self.alpha_) * state["sigma"] * np.sqrt(steps // m + 1)
        return mean, mean - half, mean + half


class Naive2(LocalForecaster):
    """M4's Naive2: naive on the seasonally adjusted series when the 90% seasonality test says so.

    Seasonal indices come from a classical multiplicative decomposition; the forecast and its
    interval are reseasonalised with the indices of the forecast phases.
    """

    name = "naive2"

    def _fit_one(self, y, exog):
        m = self.season_length_
        if m > 1 and seasonality_test(y, m) and np.all(y > 0):
            idx = seasonal_indices(y, m)
            factors = idx[np.arange(len(y)) % m]
            adjusted = y / factors
            future_phase = len(y) % m
            return {"last": float(adjusted[-1]), "sigma": _naive_sigma(adjusted, 1),
                    "indices": np.roll(idx, -future_phase)}
        return {"last": float(y[-1]), "sigma": _naive_sigma(y, 1), "indices": None}

    def _predict_one(self, state, y, horizon, exog_future):
        mean = np.full(horizon, state["last"])
        half = _z(self.alpha_) * state["sigma"] * np.sqrt(np.arange(1, horizon + 1))
        lower, upper = mean - half, mean + half
        if state["indices"] is not None:
            f = state["indices"][np.arange(horizon) % len(state["indices"])]
            mean, lower, upper = mean * f, lower * f, upper * f
        return mean, lower, upper
