"""Forecaster names: ``create_forecaster("arima", n_jobs=2)``, ``list_forecasters("*arima")``.

Statistical baselines are not Keras models, so their names live here; the deep forecasters
(``lstm``, ``gru``, ``transformer``, ``nbeats``) are also Keras builders in the model registry
under task ``"forecasting"`` and are wrapped by :class:`zoo.forecasting.deep.DeepForecaster`.
"""

from __future__ import annotations

import difflib
import fnmatch
import importlib

# name -> ("module:Class", extra keyword defaults, one-line description)
_FORECASTERS = {
    "naive": ("zoo.baselines.naive:Naive", {}, "last value carried forward"),
    "seasonal_naive": ("zoo.baselines.naive:SeasonalNaive", {}, "value one season earlier"),
    "naive2": ("zoo.baselines.naive:Naive2", {}, "M4 Naive2: naive on the seasonally adjusted series"),
    "ets": ("zoo.baselines.ets:ETS", {}, "exponential smoothing, chosen by AICc (statsmodels)"),
    "theta": ("zoo.baselines.ets:Theta", {}, "Theta method as in the M4 benchmark (statsmodels)"),
    "arima": ("zoo.baselines.arima:AutoARIMA", {}, "auto ARIMA: KPSS + stepwise AIC search"),
    "sarima": ("zoo.baselines.arima:AutoSARIMA", {}, "auto seasonal ARIMA, period from the frequency"),
    "prophet": ("zoo.baselines.prophet:ProphetForecaster", {}, "Prophet per series"),
    # Deep defaults are sized so that all four train on M4 Weekly's 359 series in about 6 CPU minutes.
    "lstm": ("zoo.forecasting.deep:DeepForecaster",
             {"model": "lstm", "epochs": 6, "max_windows_per_series": 100, "learning_rate": 3e-3},
             "global LSTM, quantile outputs"),
    "gru": ("zoo.forecasting.deep:DeepForecaster",
            {"model": "gru", "epochs": 6, "max_windows_per_series": 100, "learning_rate": 3e-3},
            "global GRU, quantile outputs"),
    "transformer": ("zoo.forecasting.deep:DeepForecaster",
                    {"model": "transformer", "epochs": 5, "max_windows_per_series": 60, "learning_rate": 1e-3},
                    "global Transformer encoder, quantile outputs"),
    "nbeats": ("zoo.forecasting.deep:DeepForecaster", {"model": "nbeats", "epochs": 10, "max_windows_per_series": 200},
               "global N-BEATS-style MLP, quantile outputs"),
    "ensemble": ("zoo.forecasting.ensemble:Ensemble", {}, "median of N-BEATS and ETS (chosen on M4 Weekly validation)"),
}


def _resolve(name: str):
    if not isinstance(name, str) or name not in _FORECASTERS:
        close = difflib.get_close_matches(str(name), list(_FORECASTERS), n=3, cutoff=0.5)
        hint = f" Did you mean: {', '.join(close)}?" if close else ""
        raise KeyError(f"Unknown forecaster {name!r}.{hint} Known: {', '.join(_FORECASTERS)} "
                       f"(see zoo.forecasting.list_forecasters()).")
    target, defaults, _ = _FORECASTERS[name]
    module, cls = target.split(":")
    return getattr(importlib.import_module(module), cls), defaults


def forecaster_class(name: str):
    """The class behind a forecaster name."""
    return _resolve(name)[0]


def create_forecaster(name: str, **kwargs):
    """A new, unfitted forecaster; ``kwargs`` override its defaults.

    Example:
        >>> from zoo.forecasting import create_forecaster
        >>> create_forecaster("ets", n_jobs=2)
    """
    cls, defaults = _resolve(name)
    return cls(**{**defaults, **kwargs})


def list_forecasters(pattern: str = "*") -> list[str]:
    """Forecaster names matching a shell-style ``pattern``, in registry order."""
    return [n for n in _FORECASTERS if fnmatch.fnmatch(n, pattern)]


def describe_forecasters() -> dict[str, str]:
    return {n: d for n, (_, _, d) in _FORECASTERS.items()}
