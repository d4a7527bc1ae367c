"""Time-series forecasting: one contract (fit / predict / backtest) for statistical and deep models.

Example:
    >>> from zoo.forecasting import create_forecaster, list_forecasters, load_dataset
    >>> data = load_dataset("air_passengers", horizon=12)
    >>> model = create_forecaster("arima").fit(data.train)
    >>> model.predict(12)                      # unique_id, ds, yhat, yhat_lower, yhat_upper
"""

from zoo.forecasting.base import BacktestResult, Forecaster, LocalForecaster
from zoo.forecasting.data import ForecastDataset, load_dataset, load_m4, read_csv, read_m4, validate
from zoo.forecasting.registry import create_forecaster, describe_forecasters, forecaster_class, list_forecasters

__all__ = [
    "BacktestResult", "ForecastDataset", "Forecaster", "LocalForecaster", "create_forecaster",
    "describe_forecasters", "forecaster_class", "list_forecasters", "load_dataset", "load_m4", "read_csv",
    "read_m4", "validate",
]
