"""Time-series forecasting: one contract (fit / predict / backtest) for statistical and deep models.

Modules, each importing only those before it: :mod:`~zoo.forecasting.metrics` and
:mod:`~zoo.forecasting.seasonality` (plain functions, Naive2 among them),
:mod:`~zoo.forecasting.backtesting` (rolling windows and scores), :mod:`~zoo.forecasting.base`
(the contract), :mod:`~zoo.forecasting.registry` (names: views of the one model registry,
:mod:`zoo.models`, naming classes as strings), the forecasters (``naive``, ``ets``, ``arima``,
``prophet``, ``deep``, ``ensemble``) and :mod:`~zoo.forecasting.plots`. The data loaders are
:mod:`zoo.datasets.timeseries`.

Example:
    >>> from zoo.forecasting import create_forecaster, list_forecasters, load_dataset
    >>> data = load_dataset("air_passengers", horizon=12)
    >>> model = create_forecaster("arima").fit(data.train)
    >>> model.predict(12)                      # unique_id, ds, yhat, yhat_lower, yhat_upper
"""

from zoo.datasets.timeseries import (
    ForecastDataset,
    load_dataset,
    load_m4,
    read_csv,
    read_m4,
    validate,
)
from zoo.forecasting.base import BacktestResult, Forecaster, LocalForecaster
from zoo.forecasting.registry import (
    create_forecaster,
    describe_forecasters,
    forecaster_class,
    list_forecasters,
)

__all__ = [
    "BacktestResult", "ForecastDataset", "Forecaster", "LocalForecaster", "create_forecaster",
    "describe_forecasters", "forecaster_class", "list_forecasters", "load_dataset", "load_m4", "read_csv",
    "read_m4", "validate",
]
