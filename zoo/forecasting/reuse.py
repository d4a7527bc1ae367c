"""Fits a backtest window already holds, offered to the forecasters that combine others.

A combining forecaster (``Ensemble(models="auto")``, ``nbeats_ensemble``) fits members that the
same backtest window may already have fitted as models of their own (``nbeats``, ``ets``), and two
names may be one model (``arima`` and ``sarima``): :func:`fit_member` hands back that fit instead of
repeating it when the :meth:`~zoo.forecasting.base.Forecaster.fit_key` (class and parameters) and
the training data are the same, so a leaderboard pays for each fit once. Outside :func:`offering` (a plain
``fit``) every model is fitted as usual.

Example:
    >>> with offering([fitted_nbeats, fitted_ets], train):
    ...     ensemble.fit(train)   # its members "nbeats" and "ets" are those two fits
"""

from __future__ import annotations

import contextlib
import contextvars

import pandas as pd

_POOL: contextvars.ContextVar = contextvars.ContextVar("zoo_forecasting_fitted_pool", default=None)


def data_key(data: pd.DataFrame) -> tuple:
    """Identifies training data by content: row count, columns and a hash of every value."""
    return len(data), tuple(data.columns), int(pd.util.hash_pandas_object(data, index=False).sum())


@contextlib.contextmanager
def offering(fitted, data: pd.DataFrame):
    """Within the block, :func:`fit_member` may return one of ``fitted`` (forecasters fitted on ``data``)."""
    token = _POOL.set((data_key(data), list(fitted)))
    try:
        yield
    finally:
        _POOL.reset(token)


def _same(a, b) -> bool:
    try:
        (cls_a, params_a), (cls_b, params_b) = a.fit_key(), b.fit_key()
        return cls_a is cls_b and bool(params_a == params_b)
    except (TypeError, ValueError):  # parameters that do not compare (arrays): never reuse
        return False


def fit_member(member, data: pd.DataFrame) -> tuple:
    """``(fitted, reused_seconds)``: an identical fit on the same data from the offered pool (and the
    seconds it took when it was made, for the combination's ``fit_time_s``), else ``(member.fit(data), 0.0)``.

    A reused fit is the pool's object itself (shared, never refitted).
    """
    pool = _POOL.get()
    if pool is not None:
        key, fitted = pool
        matches = [f for f in fitted if _same(f, member)]
        if matches and data_key(data) == key:
            return matches[0], float(matches[0].fit_time_)
    return member.fit(data), 0.0
