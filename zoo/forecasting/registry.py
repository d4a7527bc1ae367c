"""Forecaster names: ``create_forecaster("arima", n_jobs=2)``, ``list_forecasters("*arima")``.

There is one registry, the model registry (:mod:`zoo.models`): every forecaster, statistical or
deep, is an entry of task ``"forecasting"`` whose ``forecaster`` field names its class and
defaults (registered in :mod:`zoo.models.forecasters`). These functions are views of it:
``create_model("arima", task="forecasting")`` gives the same AutoARIMA as ``create_forecaster("arima")``;
for the deep ones (``lstm``, ``gru``, ``transformer``, ``nbeats``) ``create_model`` builds the
Keras network and ``create_forecaster`` the :class:`zoo.forecasting.deep.DeepForecaster` that trains it.
"""

from __future__ import annotations

import difflib
import fnmatch
import importlib

from zoo.errors import ZooKeyError, check_kwargs
from zoo.models.registry import ModelEntry, forecaster_entries


def _entries() -> dict[str, ModelEntry]:
    return {e.name: e for e in forecaster_entries()}


def _resolve(name: str):
    entries = _entries()
    if not isinstance(name, str) or name not in entries:
        close = difflib.get_close_matches(str(name), list(entries), n=3, cutoff=0.5)
        hint = f" Did you mean: {', '.join(close)}?" if close else ""
        raise ZooKeyError(f"Unknown forecaster {name!r}.{hint} Known: {', '.join(entries)} "
                       f"(see zoo.forecasting.list_forecasters()).")
    target, defaults = entries[name].forecaster
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
    check_kwargs(cls, kwargs, f"Forecaster {name!r}")
    return cls(**{**defaults, **kwargs})


def list_forecasters(pattern: str = "*") -> list[str]:
    """Forecaster names matching a shell-style ``pattern``, in registry order."""
    return [n for n in _entries() if fnmatch.fnmatch(n, pattern)]


def describe_forecasters() -> dict[str, str]:
    return {n: e.description for n, e in _entries().items()}
