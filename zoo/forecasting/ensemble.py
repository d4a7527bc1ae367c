"""Forecast combination: the median (or mean) of several registered forecasters.

Combining statistical and learned forecasts is the most reliable gain the M4 competition
found. By default (``models="auto"``) the ensemble chooses its members at fit time on validation
data only: the last ``horizon`` points of every training series. Each candidate of ``pool`` that
fits within ``budget_s`` is scored there, the median and mean of every 2-4 member subset too,
and the best is refitted on all the data. On M4 Weekly it picks the median of N-BEATS and ETS
(validation OWA 0.797; test 0.833), the pair the benchmark had once
found by hand; on a frequency it has never seen it makes its own choice the same way.

Example:
    >>> from zoo.forecasting import create_forecaster
    >>> create_forecaster("ensemble", models=["ets", "theta", "arima"], n_jobs=2).fit(df).predict(13)
"""

from __future__ import annotations

import time

import numpy as np
import pandas as pd

from zoo.errors import ZooValueError, check_choice
from zoo.forecasting import reuse
from zoo.forecasting.base import MIN_POINTS, Forecaster
from zoo.forecasting.registry import create_forecaster, forecaster_class

DEFAULT_MEMBERS = ("nbeats", "ets")  # what "auto" picks on M4 Weekly (kept for code that named them)
# models="auto": the candidates scored on the validation window, and the most seconds one may take
# to fit there (a statistical model's time is first projected from a 5% sample of the series).
AUTO_POOL = ("ets", "theta", "arima", "nbeats", "lstm")
MEMBER_BUDGET_S = 120.0
MAX_MEMBERS = 4


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
        models: registered forecaster names (not ``"ensemble"``), or ``"auto"``: hold out the last
            ``horizon`` points of every series, fit each model of ``pool`` that fits within
            ``budget_s`` seconds on the rest, and keep the median or mean of the 2-4 members with the
            best OWA on that window (validation only; the test part is never seen); the members
            are then fitted on all the data. ``selection_`` records the scores and the choice.
        combine: ``"median"`` or ``"mean"`` (with ``"auto"``: chosen on validation too).
        pool, budget_s: the candidates of ``models="auto"`` and the seconds each may take to fit
            (None: no limit, so the choice does not depend on the machine's speed). Series too short
            for a validation window get the pool's ETS and Theta; a candidate that fails is skipped.
        model_kwargs: per-member overrides, ``{"nbeats": {"epochs": 10}}``.
        n_jobs, horizon, seed: passed to the members that take them.
    """

    name = "ensemble"

    def __init__(self, models="auto", combine="median", model_kwargs=None, n_jobs=1, horizon=None, seed=0,
                 level=95.0, season_length=None, pool=AUTO_POOL, budget_s=MEMBER_BUDGET_S):
        super().__init__(level=level, season_length=season_length)
        self.models = models
        self.combine = combine
        self.pool = pool
        self.budget_s = budget_s
        self.model_kwargs = model_kwargs
        self.n_jobs = n_jobs
        self.horizon = horizon
        self.seed = seed

    @property
    def auto(self) -> bool:
        return isinstance(self.models, str) and self.models == "auto"

    def _members(self, names=None):
        names = list(self.models if names is None else names)
        if not names or "ensemble" in names:
            raise ZooValueError(f"The 'models' parameter of Ensemble must list registered forecasters other than "
                             f"'ensemble', or be 'auto'. Got {names!r}.")
        return {n: self._member(n) for n in names}

    def _member(self, name):
        return create_forecaster(name, **member_kwargs(name, self.n_jobs, self.horizon, self.seed, self.level,
                                                       self.season_length, (self.model_kwargs or {}).get(name)))

    def _fit(self, data: pd.DataFrame) -> None:
        check_choice(self.combine, ("median", "mean"), "combine", "Ensemble")
        if isinstance(self.models, str) and not self.auto:
            raise ZooValueError(f"The 'models' parameter of Ensemble must be a list of forecaster names or 'auto'. "
                                f"Got {self.models!r}.")
        names, self.combine_ = (None, self.combine)
        if self.auto:
            names, self.combine_ = self._select(data)
        self.members_ = self._members(names)
        self.member_times_, self.reused_fit_time_ = {}, 0.0
        for name, member in self.members_.items():
            start = time.perf_counter()
            # a backtest's own fit of this member, when it has one
            self.members_[name], reused_seconds = reuse.fit_member(member, data)
            self.reused_fit_time_ += reused_seconds
            self.member_times_[name] = reused_seconds or time.perf_counter() - start

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
        return () if self.auto else tuple(self.models)

    def _select(self, data: pd.DataFrame) -> tuple[list, str]:
        """Members and combination with the best OWA on the last ``horizon`` points of the training data."""
        import itertools

        from zoo.datasets.timeseries import split_last
        from zoo.forecasting import progress
        from zoo.forecasting.base import LocalForecaster
        from zoo.forecasting.seasonality import naive2_forecast

        horizon = self.horizon or data.attrs.get("horizon")
        if not horizon:
            raise ZooValueError("Ensemble(models='auto') chooses its members on the last 'horizon' points of the "
                                "training data; pass horizon=... (the forecast horizon).")
        pool = [n for n in self.pool if n != "ensemble"]
        if not pool:
            raise ZooValueError(f"The 'pool' parameter of Ensemble must name at least one forecaster. Got {self.pool!r}.")
        shortest = int(data.groupby("unique_id").size().min())
        if shortest < int(horizon) + MIN_POINTS + 1:
            # Nothing to validate on: the M4 benchmarks' classic pair (ETS, Theta) from the pool, which fit short series.
            members = [n for n in pool if n in ("ets", "theta")] or pool[:2]
            self.selection_ = {"members": members, "combine": self.combine, "validation_owa": None, "candidates": {},
                               "reason": f"the shortest series ({shortest} points) leaves too little before a "
                                         f"{horizon}-point validation window"}
            return members, self.combine
        train, val = split_last(data, int(horizon))
        season = self.season_length_
        score = WindowScore(train, val, naive2_forecast(train, val, season, self.level), season)
        ids = list(dict.fromkeys(train["unique_id"]))
        label = progress.label()
        forecasts, report = {}, {}
        budget = np.inf if self.budget_s is None else float(self.budget_s)
        for name in pool:
            member = self._member(name)
            try:
                if isinstance(member, LocalForecaster) and len(ids) >= 40 and np.isfinite(budget):
                    # Project the whole fit from a 5% sample fitted in this process (no worker start-up to scale up).
                    sample = train[train["unique_id"].isin(ids[:: 20])]
                    probe = self._member(name)
                    probe.n_jobs = 1
                    start = time.perf_counter()
                    probe.fit(sample)
                    workers = max(1, min(abs(int(getattr(member, "n_jobs", 1) or 1)), len(ids)))
                    projected = (time.perf_counter() - start) * len(ids) / sample["unique_id"].nunique() / workers
                    if projected > budget:
                        report[name] = {"skipped": f"projected fit {projected:.0f}s > budget {budget:g}s"}
                        continue
                start = time.perf_counter()
                fc = member.fit(train).predict(int(horizon))
                seconds = time.perf_counter() - start
            except Exception as err:  # noqa: BLE001  (a candidate that cannot fit these series is not chosen)
                report[name] = {"skipped": f"{type(err).__name__}: {err}"[:300]}
                continue
            if seconds > budget:
                report[name] = {"skipped": f"fit {seconds:.0f}s > budget {budget:g}s", "seconds": seconds}
                continue
            forecasts[name] = score.aligned(fc)
            report[name] = {"owa": score(forecasts[name]), "seconds": seconds}
        if not forecasts:
            raise ZooValueError(f"No forecaster of the pool {pool} fitted within budget_s={self.budget_s}; raise the "
                                f"budget (None: no limit) or give models=[...]. {report}")
        ranked = sorted(forecasts, key=lambda n: report[n]["owa"])
        best = (np.inf, None, None)
        # Combinations only (a single model where only one fitted): one 13-point window is a noisy judge
        # of a single model, and combining is the M4 competition's most reliable gain.
        for size in range(min(2, len(ranked)), min(MAX_MEMBERS, len(ranked)) + 1):
            for members in itertools.combinations(ranked, size):
                stacked = np.stack([forecasts[m] for m in members])
                for how in (("median",) if size == 1 else ("median", "mean")):
                    owa = score((np.median if how == "median" else np.mean)(stacked, axis=0))
                    if owa < best[0] or best[1] is None:
                        best = (owa, list(members), how)
        self.selection_ = {"members": best[1], "combine": best[2], "validation_owa": best[0], "candidates": report}
        if label is not None:
            print(f"{label} chose the {best[2]} of {best[1]} (validation OWA {best[0]:.3f})", flush=True)
        return best[1], best[2]

    def from_members(self, members: dict) -> "Ensemble":
        rest = {k: v for k, v in self.get_params().items() if k not in ("models", "combine", "level", "pool", "budget_s")}
        return type(self).from_fitted(members, combine=self.combine, **rest)

    def _predict(self, horizon: int, future: pd.DataFrame) -> dict:
        frames = [m.predict(horizon) for m in self.members_.values()]
        return combine_forecasts(frames, self.ids_, getattr(self, "combine_", self.combine))


class WindowScore:
    """The score of point forecasts on a validation window: OWA as ``metrics.evaluate`` computes it
    (per-series sMAPE and MASE, averaged, relative to Naive2's), or sMAPE where OWA is undefined
    (Naive2 perfect); lower is better, and a forecast with gaps scores +inf.

    Forecasts are vectors aligned with ``actuals``' rows (:meth:`aligned`), so the many subsets the
    ensemble compares cost a few array operations each instead of a pass over the series.
    """

    def __init__(self, history: pd.DataFrame, actuals: pd.DataFrame, naive2: pd.DataFrame, season_length: int):
        from zoo.forecasting.metrics import series_scales

        self.keys = actuals[["unique_id", "ds"]].reset_index(drop=True)
        self.groups, ids = pd.factorize(self.keys["unique_id"])
        self.y = actuals["y"].to_numpy("float64")
        self.scale = series_scales(history, ids, season_length)
        self.naive2 = self._means(self.aligned(naive2))

    def aligned(self, forecasts: pd.DataFrame) -> np.ndarray:
        """``forecasts``' ``yhat`` in the order of the actuals' rows (NaN where a row has no forecast)."""
        merged = self.keys.merge(forecasts[["unique_id", "ds", "yhat"]], on=["unique_id", "ds"], how="left")
        return merged["yhat"].to_numpy("float64")

    def _means(self, yhat: np.ndarray) -> tuple[float, float]:
        """Mean sMAPE and MASE over the series, as ``metrics.evaluate`` averages them (undefined MASE left out)."""
        from zoo.forecasting.metrics import grouped_metrics

        columns = grouped_metrics(self.y, yhat, self.groups, self.scale)
        mase = columns["mase"][np.isfinite(columns["mase"])]
        return float(np.mean(columns["smape"])), float(np.mean(mase)) if len(mase) else float("nan")

    def __call__(self, yhat: np.ndarray) -> float:
        from zoo.forecasting.metrics import owa

        yhat = np.asarray(yhat, dtype="float64")
        if np.isnan(yhat).any():
            return float("inf")  # a forecast with gaps is never chosen
        smape, mase = self._means(yhat)
        for value in (owa(smape, mase, *self.naive2), smape):
            if np.isfinite(value):
                return float(value)
        return float("inf")  # NaN would never compare lower and would sort arbitrarily


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
