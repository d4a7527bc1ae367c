"""Naive, Seasonal Naive and Naive2 (the M4 competition's seasonally adjusted naive benchmark).

Prediction intervals use the textbook formulas (Hyndman & Athanasopoulos, FPP3 §5.5):
``sigma * sqrt(h)`` for naive and ``sigma * sqrt(floor((h - 1) / m) + 1)`` for seasonal naive,
with ``sigma`` the in-sample RMSE of the one-step (one-season) naive forecast. Naive2's
arithmetic lives in :mod:`zoo.forecasting.seasonality`, which the backtests' OWA shares.

Example:
    >>> from zoo.forecasting.naive import Naive2
    >>> Naive2().fit(df).predict(13)
"""

from __future__ import annotations

import numpy as np

from zoo.forecasting.base import LocalForecaster
from zoo.forecasting.seasonality import (
    naive2_state,
    naive2_values,
    naive_sigma,
    z_score,
)


class Naive(LocalForecaster):
    """Last value carried forward."""

    name = "naive"

    def _fit_one(self, y, exog):
        return {"last": float(y[-1]), "sigma": naive_sigma(y, 1)}

    def _predict_one(self, state, y, horizon, exog_future):
        mean = np.full(horizon, state["last"])
        half = z_score(self.alpha_) * state["sigma"] * np.sqrt(np.arange(1, horizon + 1))
        return mean, mean - half, mean + half


class SeasonalNaive(LocalForecaster):
    """The value one season earlier (``season_length`` from the data; naive when it is 1)."""

    name = "seasonal_naive"

    def _fit_one(self, y, exog):
        m = self.season_length_ if len(y) >= self.season_length_ else 1
        return {"season": y[-m:].astype("float64"), "sigma": naive_sigma(y, m), "m": m}

    def _predict_one(self, state, y, horizon, exog_future):
        m = state["m"]
        steps = np.arange(horizon)
        mean = state["season"][steps % m]
        half = z_score(self.alpha_) * state["sigma"] * np.sqrt(steps // m + 1)
        return mean, mean - half, mean + half


class Naive2(LocalForecaster):
    """M4's Naive2: naive on the seasonally adjusted series when the 90% seasonality test says so.

    Seasonal indices come from a classical multiplicative decomposition; the forecast and its
    interval are reseasonalised with the indices of the forecast phases.
    """

    name = "naive2"

    def _fit_one(self, y, exog):
        return naive2_state(y, self.season_length_)

    def _predict_one(self, state, y, horizon, exog_future):
        return naive2_values(state, horizon, self.alpha_)
