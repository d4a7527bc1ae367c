"""Prophet (Taylor & Letham 2018), one model per series, quiet unless ``verbose=True``.

Prophet's default model is fitted for all series at once by :mod:`zoo.forecasting.prophet_batch`
(its exact MAP, no Stan process per series); other settings (extra regressors, logistic growth,
multiplicative seasonality, holidays, ...) run Prophet itself, one cmdstan fit per series.

Example:
    >>> from zoo.forecasting.prophet import ProphetForecaster
    >>> ProphetForecaster().fit(df).predict(30)
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from zoo.datasets.timeseries import series_arrays
from zoo.errors import ZooValueError
from zoo.forecasting import prophet_batch
from zoo.forecasting.base import LocalForecaster, quiet_libraries

ENGINES = ("auto", "batch", "stan")


def _prophet():
    try:
        from prophet import Prophet
    except ImportError:
        from zoo.errors import missing_extra

        raise missing_extra("prophet", "forecast") from None
    return Prophet


class ProphetForecaster(LocalForecaster):
    """Prophet per series; extra columns of ``df`` become Prophet regressors.

    Args:
        uncertainty_samples: simulation draws for the intervals (Prophet's default is 1000;
            fewer is faster across many series).
        prophet_kwargs: passed to ``prophet.Prophet`` (e.g. ``{"seasonality_mode": "multiplicative"}``).
        engine: ``"batch"`` fits Prophet's default model (linear trend, additive seasonalities, no
            extra regressors) for all series at once by its exact MAP (``zoo.forecasting.prophet_batch``);
            ``"stan"`` runs ``prophet.Prophet.fit`` per series (one cmdstan process each);
            ``"auto"`` (default) takes ``"batch"`` whenever the settings allow it.
    """

    name = "prophet"
    supports_exogenous = True
    needs_timestamps = True
    parallel_predict = True

    def __init__(self, uncertainty_samples=200, prophet_kwargs=None, level=95.0, season_length=None, n_jobs=1,
                 verbose=False, engine="auto"):
        super().__init__(level=level, season_length=season_length, n_jobs=n_jobs, verbose=verbose)
        self.uncertainty_samples = uncertainty_samples
        self.prophet_kwargs = prophet_kwargs
        self.engine = engine

    def _engine(self) -> str:
        if self.engine not in ENGINES:
            raise ZooValueError(f"'engine' must be one of {', '.join(ENGINES)}, not {self.engine!r}.")
        if self.engine == "stan":
            return "stan"
        reason = prophet_batch.unsupported(self.prophet_kwargs, bool(self.exog_columns_))
        if reason is None:
            return "batch"
        if self.engine == "batch":
            raise ZooValueError(f"engine='batch' fits Prophet's default model only, and this one has {reason}: "
                                "pass engine='stan' (or 'auto') to run Prophet itself.")
        return "stan"

    def _fit(self, data):
        self.engine_ = self._engine()
        if self.engine_ == "stan":
            return super()._fit(data)
        # Prophet checks its settings (and is there: the stan engine's clear error when it is not).
        _prophet()(**(self.prophet_kwargs or {}))
        self.y_, self.ds_ = series_arrays(data, "y", "float64"), series_arrays(data, "ds")
        self.exog_, designs = dict.fromkeys(self.y_), {}
        for uid, y in self.y_.items():
            ds = self.ds_[uid]
            keep, shift = self._calendar(ds)
            designs[uid] = (prophet_batch.design(self._dates(ds[keep], shift), y[keep],
                                                 **(self.prophet_kwargs or {})), shift)
        params = prophet_batch.fit_map([d for d, _ in designs.values()])
        self.states_ = {uid: {"design": d, "params": p, "shift": shift}
                        for (uid, (d, shift)), p in zip(designs.items(), params)}

    def _predict(self, horizon, future):
        if self.engine_ == "stan":
            return super()._predict(horizon, future)
        out = {}
        for uid, rows in future.groupby("unique_id", sort=False).indices.items():
            state = self.states_[uid]
            ds_future = self._dates(future["ds"].to_numpy()[rows], state["shift"])
            out[uid] = prophet_batch.forecast(state["design"], state["params"], ds_future, level=self.level,
                                              samples=self.uncertainty_samples)
        return out

    @staticmethod
    def _calendar(ds):
        """Which history Prophet can see, and how to move it into Prophet's nanosecond range (1677-2262).

        M4 Yearly histories reach the 12th century, but Prophet measures time spans in
        nanoseconds (at most 292 years). We keep the last 280 years, then, if they start before
        1700, move the dates by whole 400-year Gregorian cycles (146,097 days: dates and weekdays
        unchanged) or, when that cannot fit, by whole years (month and day unchanged).
        """
        idx = pd.DatetimeIndex(ds)
        keep = np.asarray(idx >= idx[-1] - pd.DateOffset(years=280))
        first, last = idx[keep][0], idx[-1]
        if first.year >= 1700:
            return keep, None
        cycles = int(np.ceil((1700 - first.year) / 400))
        if last.year + 400 * cycles <= 2200:
            return keep, pd.Timedelta(days=146097 * cycles)
        return keep, pd.DateOffset(years=1700 - first.year)

    @staticmethod
    def _dates(ds, shift=None):
        idx = pd.DatetimeIndex(ds)
        return (idx if shift is None else idx + shift).as_unit("ns")

    def _frame(self, ds, y, exog, shift=None):
        frame = pd.DataFrame({"ds": self._dates(ds, shift)})
        if y is not None:
            frame["y"] = y
        for i, col in enumerate(self.exog_columns_):
            frame[col] = exog[:, i]
        return frame

    def _fit_one(self, y, exog, ds=None):
        quiet_libraries(self.verbose)  # before the import, which logs about plotly
        Prophet = _prophet()
        from prophet.serialize import model_to_json

        model = Prophet(interval_width=self.level / 100.0, uncertainty_samples=self.uncertainty_samples,
                        **(self.prophet_kwargs or {}))
        for col in self.exog_columns_:
            model.add_regressor(col)
        keep, shift = self._calendar(ds)
        model.fit(self._frame(np.asarray(ds)[keep], y[keep], None if exog is None else exog[keep], shift))
        # A JSON string travels between processes far better than the fitted Stan object.
        return {"model": model_to_json(model), "shift": shift}

    def _predict_one(self, state, y, horizon, exog_future, exog=None, ds=None, ds_future=None):
        quiet_libraries(self.verbose)
        from prophet.serialize import model_from_json

        model = model_from_json(state["model"])
        np.random.seed(0)  # Prophet's interval simulation draws from numpy's global generator
        out = model.predict(self._frame(ds_future, None, exog_future, state["shift"]))
        return out["yhat"].to_numpy(), out["yhat_lower"].to_numpy(), out["yhat_upper"].to_numpy()
