"""Statistical forecasting baselines behind the one forecaster contract (``zoo.forecasting.base``).

Naive, Seasonal Naive, Naive2 (M4), ETS and Theta (statsmodels), auto ARIMA/SARIMA (stepwise
AIC search, statsmodels filter), Prophet. All fit many series in parallel with ``n_jobs``.

Example:
    >>> from zoo.forecasting import create_forecaster
    >>> create_forecaster("arima", n_jobs=2).fit(df).predict(13)
"""

from zoo.baselines.arima import AutoARIMA, AutoSARIMA
from zoo.baselines.ets import ETS, Theta
from zoo.baselines.naive import Naive, Naive2, SeasonalNaive
from zoo.baselines.prophet import ProphetForecaster

__all__ = ["AutoARIMA", "AutoSARIMA", "ETS", "Naive", "Naive2", "ProphetForecaster", "SeasonalNaive", "Theta"]
