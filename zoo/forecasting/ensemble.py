"""Forecast combination: the median (or mean) of several registered forecasters.

Combining statistical and learned forecasts is the most reliable gain the M4 competition
found. The default members, N-BEATS and ETS (the median of two is their mean), were chosen by
validation on the last 13 points of the M4 Weekly training data, never on its test set:
``python benchmarks/m4_weekly.py --select-ensemble`` scores the median and mean of every 2-4
member subset of the six best models on that window and reproduces the choice.

Example:
    >>> from zoo.forecasting import create_forecaster
    >>> create_forecaster("ensemble", models=["ets", "theta", "arima"], n_jobs=2).fit(df).predict(13)
"""

from __future__ import annotations

import time

import numpy as np
import pandas as pd

from zoo.errors import ZooValueError, check_choice
from zoo.forecasting.base import Forecaster
from zoo.forecasting.registry import create_forecaster, forecaster_class

DEFAULT_MEMBERS = ("nbeats", "ets")


def member_kwargs(name: str, n_jobs=None, horizon=None, seed=None, level=None, season_length=None, extra=None) -> dict:
    """The keyword arguments of ``create_forecaster(name, ...)`` that its class accepts."""
    accepted = set(forecaster_class(name)._param_names())
    given = {"n_jobs": n_jobs, "horizon": horizon, "seed": seed, "level": level, "season_length": season_length}
    out = {k: v for k, v in given.items() if v is not None and k in accepted}
    out.update(extra or {})
    return out


class Ensemble(Forecaster):
    """Median (or mean) of member forecasts, point and interval bounds alike.

    Args:
        models: registered forecaster names (not ``"ensemble"``).
        combine: ``"median"`` or ``"mean"``.
        model_kwargs: per-member overrides, ``{"nbeats": {"epochs": 10}}``.
        n_jobs, horizon, seed: passed to the members that take them.
    """

    name = "ensemble"

    def __init__(self, models=DEFAULT_MEMBERS, combine="median", model_kwargs=None, n_jobs=1, horizon=None, seed=0,
                 level=95.0, season_length=None):
        super().__init__(level=level, season_length=season_length)
        self.models = models
        self.combine = combine
        self.model_kwargs = model_kwargs
        self.n_jobs = n_jobs
        self.horizon = horizon
        self.seed = seed

    def _members(self):
        names = list(self.models)
        if not names or "ensemble" in names:
            raise ZooValueError(f"The 'models' parameter of Ensemble must list registered forecasters other than "
                             f"'ensemble'. Got {names!r}.")
        return {n: create_forecaster(n, **member_kwargs(n, self.n_jobs, self.horizon, self.seed, self.level,
                                                        self.season_length, (self.model_kwargs or {}).get(n)))
                for n in names}

    def _fit(self, data: pd.DataFrame) -> None:
        check_choice(self.combine, ("median", "mean"), "combine", "Ensemble")
        self.members_ = self._members()
        self.member_times_ = {}
        for name, member in self.members_.items():
            start = time.perf_counter()
            member.fit(data)
            self.member_times_[name] = time.perf_counter() - start

    @classmethod
    def from_fitted(cls, members: dict, combine: str = "median", **kwargs) -> "Ensemble":
        """An ensemble of already fitted forecasters (``{name: forecaster}``), without refitting them."""
        first = next(iter(members.values()))
        self = cls(models=tuple(members), combine=combine, level=first.level, **kwargs)
        self.members_ = dict(members)
        self.member_times_ = {n: getattr(m, "fit_time_", 0.0) for n, m in members.items()}
        for attr in ("ids_", "last_ds_", "freq_", "step_", "season_length_", "exog_columns_"):
            setattr(self, attr, getattr(first, attr))
        self.fit_time_ = sum(self.member_times_.values())
        self.fitted_ = True
        return self

    def combines(self) -> tuple:
        return tuple(self.models)

    def from_members(self, members: dict) -> "Ensemble":
        rest = {k: v for k, v in self.get_params().items() if k not in ("models", "combine", "level")}
        return type(self).from_fitted(members, combine=self.combine, **rest)

    def _predict(self, horizon: int, future: pd.DataFrame) -> dict:
        frames = [m.predict(horizon) for m in self.members_.values()]
        return combine_forecasts(frames, self.ids_, self.combine)


def combine_forecasts(frames, ids, how="median") -> dict:
    """``{uid: (mean, lower, upper)}`` combining member forecast frames row by row."""
    fn = np.median if how == "median" else np.mean
    stacked = {col: np.stack([f[col].to_numpy("float64") for f in frames]) for col in ("yhat", "yhat_lower", "yhat_upper")}
    combined = {col: fn(v, axis=0) for col, v in stacked.items()}
    uid = frames[0]["unique_id"].to_numpy()
    out = {}
    for key in ids:
        rows = uid == key
        out[key] = (combined["yhat"][rows], combined["yhat_lower"][rows], combined["yhat_upper"][rows])
    return out
