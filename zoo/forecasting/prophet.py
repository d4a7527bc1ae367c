"""Prophet (Taylor & Letham 2018), one model per series, quiet unless ``verbose=True``.

Example:
    >>> from zoo.forecasting.prophet import ProphetForecaster
    >>> ProphetForecaster().fit(df).predict(30)
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from zoo.forecasting.base import LocalForecaster, quiet_libraries


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
    """

    name = "prophet"
    supports_exogenous = True
    needs_timestamps = True
    parallel_predict = True

    def __init__(self, uncertainty_samples=200, prophet_kwargs=None, level=95.0, season_length=None, n_jobs=1,
                 verbose=False):
        super().__init__(level=level, season_length=season_length, n_jobs=n_jobs, verbose=verbose)
        self.uncertainty_samples = uncertainty_samples
        self.prophet_kwargs = prophet_kwargs

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

    def _frame(self, ds, y, exog, shift=None):
        idx = pd.DatetimeIndex(ds)
        if shift is not None:
            idx = idx + shift
        frame = pd.DataFrame({"ds": idx.as_unit("ns")})
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
