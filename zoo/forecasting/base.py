"""The one forecasting contract: ``fit(df) -> self``, ``predict(horizon) -> DataFrame``, ``backtest``.

Every forecaster, statistical or deep, local (one model per series) or global (one model for
all series), subclasses :class:`Forecaster`. Data is a long DataFrame with ``unique_id, ds, y``
(``unique_id`` optional for one series); extra columns are exogenous regressors, accepted only
by models whose ``supports_exogenous`` is True. ``predict`` returns
``unique_id, ds, yhat, yhat_lower, yhat_upper`` (a ``level``% prediction interval).

Example:
    >>> from zoo.forecasting import create_forecaster
    >>> model = create_forecaster("theta").fit(df)
    >>> model.predict(12).head()
    >>> model.backtest(df, horizon=12, windows=3).summary
"""

from __future__ import annotations

import contextlib
import inspect
import logging
import time
import warnings

import numpy as np
import pandas as pd

from zoo.datasets import timeseries as _data
from zoo.errors import NotFittedError, ZooNotImplementedError, ZooValueError, check_int
from zoo.forecasting import backtesting as _backtesting
from zoo.forecasting import metrics as _metrics
from zoo.forecasting import progress
from zoo.forecasting.backtesting import KEY_COLUMNS, BacktestResult

__all__ = ["BacktestResult", "Forecaster", "KEY_COLUMNS", "LocalForecaster", "quiet_libraries"]

MIN_POINTS = 3  # fewer cannot show a level and a change; statsmodels fails deep inside on them


def quiet_libraries(verbose: bool = False) -> None:
    """Silence cmdstanpy/Prophet chatter unless ``verbose``."""
    level = logging.INFO if verbose else logging.CRITICAL
    for name in ("prophet", "prophet.plot"):  # prophet.plot logs an ERROR when plotly is absent
        logging.getLogger(name).setLevel(level)
    # cmdstanpy resets its logger's level when it first logs; disabling it sticks.
    logging.getLogger("cmdstanpy").disabled = not verbose


class Forecaster:
    """Base class: validation, capabilities, timestamps and backtesting, written once.

    Subclasses implement ``_fit(data)`` and ``_predict(horizon, future) -> {uid: (mean, lower, upper)}``.

    Args:
        level: coverage of the prediction interval, in percent (default 95).
        season_length: seasonal period; ``None`` takes it from the data (the M4 loaders set
            M4's, a CSV's comes from its frequency: 12 monthly, 4 quarterly, 7 daily, 24 hourly).
    """

    name = "forecaster"
    supports_exogenous = False
    supports_intervals = True
    is_global = False

    def __init__(self, level: float = 95.0, season_length: int | None = None):
        self.level = level
        self.season_length = season_length

    # ---- parameters (scikit-learn style: stored as given, all work in fit) ----
    @classmethod
    def _param_names(cls) -> list[str]:
        names = []
        for klass in cls.__mro__:
            if klass is object or "__init__" not in vars(klass):
                continue
            for p in inspect.signature(klass.__init__).parameters.values():
                if p.name != "self" and p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD) and p.name not in names:
                    names.append(p.name)
        return names

    def get_params(self) -> dict:
        return {n: getattr(self, n) for n in self._param_names() if hasattr(self, n)}

    def fit_key(self) -> tuple:
        """``(class, parameters)`` that decide what ``fit`` learns: two forecasters with equal keys fit
        the same model to the same data, so a backtest fits it once (:mod:`zoo.forecasting.reuse`).
        Parallelism and verbosity are left out; a subclass maps spellings of one model to one key."""
        return type(self), {k: v for k, v in self.get_params().items() if k not in ("n_jobs", "verbose")}

    def clone(self) -> "Forecaster":
        """A fresh, unfitted copy with the same parameters."""
        return type(self)(**self.get_params())

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_params().items())
        return f"{type(self).__name__}({args})"

    @property
    def is_fitted(self) -> bool:
        return getattr(self, "fitted_", False)

    def _check_fitted(self, what: str) -> None:
        if not self.is_fitted:
            raise NotFittedError(f"This {type(self).__name__} is not fitted yet: call fit(df) before {what}().")

    # ---- the contract ----
    def fit(self, df: pd.DataFrame) -> "Forecaster":
        """Fit on a long DataFrame (``unique_id, ds, y`` + exogenous columns if supported)."""
        self._check_level()
        data = _data.validate(df)
        exog = [c for c in data.columns if c not in KEY_COLUMNS]
        if exog and not self.supports_exogenous:
            raise ZooValueError(f"{type(self).__name__} does not support exogenous regressors, but 'df' has extra "
                             f"columns {exog}. Drop them (df[['unique_id', 'ds', 'y']]) or use a model that "
                             f"supports them (arima, sarima, prophet).")
        self.exog_columns_ = exog
        sizes = data.groupby("unique_id", sort=False).size()
        if sizes.min() < MIN_POINTS:
            raise ZooValueError(f"{type(self).__name__} needs at least {MIN_POINTS} points per series; series "
                             f"{sizes[sizes < MIN_POINTS].index[:3].tolist()} have {int(sizes.min())}. Drop them or "
                             f"give more history.")
        first = data.loc[data["unique_id"] == data["unique_id"].iloc[0], "ds"]
        self.freq_ = data.attrs.get("freq") or df.attrs.get("freq") or _data.infer_freq(first)
        self.step_ = None if self.freq_ else (first.diff().median() if len(first) > 1 else pd.Timedelta(1, "D"))
        self.season_length_ = int(self.season_length or df.attrs.get("season_length")
                                  or _data.season_length_for(self.freq_))
        last = data.groupby("unique_id", sort=False)["ds"].last()
        self.ids_ = list(last.index)
        self.last_ds_ = last.to_dict()
        start = time.perf_counter()
        self._fit(data)
        self.fit_time_ = time.perf_counter() - start
        self.fitted_ = True
        return self

    def predict(self, horizon: int, X_df: pd.DataFrame | None = None) -> pd.DataFrame:
        """Forecast ``horizon`` steps after each series' last timestamp.

        Args:
            horizon: number of future steps (an int >= 1).
            X_df: future values of the exogenous columns (``unique_id, ds, <columns>``), for
                models fitted with exogenous regressors.

        Returns:
            DataFrame ``unique_id, ds, yhat, yhat_lower, yhat_upper``.
        """
        self._check_fitted("predict")
        check_int(horizon, "horizon", f"{type(self).__name__}.predict")
        future = self._future_frame(horizon)
        if X_df is not None and not self.supports_exogenous:
            raise ZooValueError(f"{type(self).__name__} does not support exogenous regressors; do not pass 'X_df'.")
        if self.exog_columns_:
            future = self._merge_future_exog(future, X_df)
        values = self._predict(horizon, future)
        columns = [np.concatenate([np.asarray(values[uid][i], "float64") for uid in self.ids_]) for i in range(3)]
        return pd.DataFrame({"unique_id": future["unique_id"].to_numpy(), "ds": future["ds"].to_numpy(),
                             "yhat": columns[0], "yhat_lower": columns[1], "yhat_upper": columns[2]})

    def fit_predict(self, df: pd.DataFrame, horizon: int, X_df: pd.DataFrame | None = None) -> pd.DataFrame:
        return self.fit(df).predict(horizon, X_df)

    def backtest(self, df: pd.DataFrame, horizon: int, windows: int = 1, step: int | None = None,
                 metrics=("mae", "rmse", "smape", "mase", "coverage", "msis")) -> BacktestResult:
        """Rolling-origin evaluation: refit a fresh copy at each cutoff and score the next ``horizon`` points.

        The last window ends at the end of each series; earlier ones start ``step`` (default
        ``horizon``) points before. ``metrics`` come from :mod:`zoo.forecasting.metrics`; ``"owa"``
        scores against Naive2 fitted on the same data. The windows are those of
        :func:`zoo.forecasting.backtesting.backtest`, which also scores several models at once.
        """
        owner = f"{type(self).__name__}.backtest"
        check_int(horizon, "horizon", owner)
        check_int(windows, "windows", owner)
        step = check_int(step if step is not None else horizon, "step", owner)
        unknown = [m for m in metrics if m not in _metrics.ALL_METRICS + ("owa",)]
        if unknown:
            raise ZooValueError(f"The 'metrics' parameter of backtest accepts {list(_metrics.ALL_METRICS) + ['owa']}. "
                             f"Got unknown {unknown}.")
        run = _backtesting.backtest({self.name: self}, df, horizon, windows, step, season_length=self.season_length,
                                    owa="owa" in metrics)
        return run.result(self.name, metrics)

    # ---- combinations (an ensemble built from forecasters a backtest has already fitted) ----
    def combines(self) -> tuple:
        """Names of the registered forecasters whose forecasts this one combines; empty for a single model.

        When a backtest has already fitted all of them in a window, it builds this forecaster
        with :meth:`from_members` instead of fitting them again.
        """
        return ()

    def from_members(self, members: dict) -> "Forecaster":
        """A fitted copy of this forecaster made of already fitted ``{name: forecaster}`` (see :meth:`combines`)."""
        raise ZooNotImplementedError(f"{type(self).__name__} combines no other forecasters.")

    # ---- helpers for subclasses ----
    def _check_level(self) -> None:
        if not isinstance(self.level, (int, float)) or not 0 < self.level < 100:
            raise ZooValueError(f"The 'level' parameter of {type(self).__name__} must be a number in (0, 100). "
                             f"Got {self.level!r} instead.")

    @property
    def alpha_(self) -> float:
        return 1.0 - float(self.level) / 100.0

    def _future_frame(self, horizon: int) -> pd.DataFrame:
        """``unique_id, ds`` of the next ``horizon`` steps of every series, in ``ids_`` order.

        One vectorised shift per step for all series at once (``last + k * offset``, which is what
        ``pd.date_range(last + offset, periods=horizon)`` gives each series), so 48,000 series cost
        as much as a handful.
        """
        last = pd.DatetimeIndex([self.last_ds_[uid] for uid in self.ids_])
        steps = range(1, horizon + 1)
        if self.freq_:
            offset = pd.tseries.frequencies.to_offset(self.freq_)
            ds = np.stack([(last + k * offset).asi8 for k in steps], axis=1)
        else:
            ds = np.stack([(last + self.step_ * k).asi8 for k in steps], axis=1)
        ds = pd.DatetimeIndex(ds.ravel().view(f"M8[{last.unit}]"))  # asi8 counts UTC for tz-aware stamps
        if last.tz is not None:
            ds = ds.tz_localize("UTC").tz_convert(last.tz)
        return pd.DataFrame({"unique_id": np.repeat(np.asarray(self.ids_, dtype=object), horizon), "ds": ds})

    def _merge_future_exog(self, future: pd.DataFrame, X_df: pd.DataFrame | None) -> pd.DataFrame:
        if X_df is None:
            raise ZooValueError(f"This {type(self).__name__} was fitted with exogenous columns {self.exog_columns_}: "
                             f"pass their future values as predict(horizon, X_df=...) with columns "
                             f"unique_id, ds, {', '.join(self.exog_columns_)}.")
        X = _data.to_long(X_df.assign(y=0.0) if "y" not in X_df else X_df)
        X["unique_id"] = X["unique_id"].astype(str)
        X["ds"] = pd.to_datetime(X["ds"])
        missing = [c for c in self.exog_columns_ if c not in X.columns]
        if missing:
            raise ZooValueError(f"'X_df' lacks the exogenous columns {missing}.")
        merged = future.merge(X[["unique_id", "ds", *self.exog_columns_]], on=["unique_id", "ds"], how="left")
        if merged[self.exog_columns_].isna().any().any():
            raise ZooValueError(f"'X_df' must give {', '.join(self.exog_columns_)} for every forecast timestamp "
                             f"(each series' next {len(future) // len(self.ids_)} steps after its last ds).")
        return merged

    def _fit(self, data: pd.DataFrame) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

    def _predict(self, horizon: int, future: pd.DataFrame) -> dict:  # pragma: no cover - abstract
        raise NotImplementedError


def _preimport_statsmodels() -> None:
    # statsmodels adds "always" warning filters when first imported; importing it before we
    # enter warnings.catch_warnings() lets our "ignore" win.
    try:
        import statsmodels.tools.sm_exceptions  # noqa: F401
    except ImportError:
        pass


@contextlib.contextmanager
def _quiet_worker(model):
    """What every joblib worker does first: silence libraries and warnings unless ``model.verbose``."""
    quiet_libraries(model.verbose)
    _preimport_statsmodels()
    with warnings.catch_warnings():
        if not model.verbose:
            warnings.simplefilter("ignore")
        yield


def _run_chunk(model, items):
    """Fit a chunk of series in a worker: [(uid, y, exog, ds)] -> [(uid, state)]."""
    with _quiet_worker(model):
        return [(uid, model._fit_one(y, exog, **({"ds": ds} if model.needs_timestamps else {})))
                for uid, y, exog, ds in items]


def _predict_chunk(model, items, horizon):
    """Forecast a chunk of series in a worker: [(uid, state, y, exog_future, extra)] -> [(uid, values)]."""
    with _quiet_worker(model):
        return [(uid, model._predict_one(state, y, horizon, exog_future, **extra))
                for uid, state, y, exog_future, extra in items]


def _parallel(fn, proto, items, n_jobs, *args):
    """Run ``fn(proto, chunk, *args)`` over chunks of ``items`` with joblib; longest series first.

    Under ``series_progress`` the work is cut into more chunks and a line reports the series done,
    the time taken and the time left, at most every ``progress.EVERY_S`` seconds.
    """
    label = progress.label()
    workers = 1
    if (n_jobs or 1) != 1 and len(items) >= 8:
        from joblib import effective_n_jobs

        workers = effective_n_jobs(n_jobs)
    if workers == 1 and (label is None or len(items) < 40):
        return fn(proto, items, *args)
    count = workers * 4 if label is None else max(workers * 4, 20)
    chunks = [c for c in (items[i::count] for i in range(count)) if c]
    if workers == 1:
        parts = (fn(proto, c, *args) for c in chunks)
    else:
        from joblib import Parallel, delayed

        parts = Parallel(n_jobs=workers, return_as="generator")(delayed(fn)(proto, c, *args) for c in chunks)
    out, start, shown = [], time.perf_counter(), time.perf_counter()
    phase = "fit" if fn is _run_chunk else "predict"
    for part in parts:
        out.extend(part)
        now = time.perf_counter()
        if label is not None and now - shown >= progress.EVERY_S and len(out) < len(items):
            left = (now - start) / len(out) * (len(items) - len(out))
            print(f"{label} {phase} {len(out)}/{len(items)} series  {now - start:.0f}s  (about {left:.0f}s left)",
                  flush=True)
            shown = now
    return out


class LocalForecaster(Forecaster):
    """A forecaster that fits one model per series, in parallel across series with joblib.

    Subclasses implement ``_fit_one(y, exog) -> state`` (a small picklable object) and
    ``_predict_one(state, y, horizon, exog_future) -> (mean, lower, upper)``; models fitted with
    exogenous columns also get ``exog=`` (the history), and ``needs_timestamps`` models ``ds=``
    and ``ds_future=``. Workers receive a parameter-only copy of the forecaster, never the data.

    Args:
        n_jobs: parallel workers for many series (joblib; -1 = all cores, 1 = none).
        verbose: let statsmodels/Prophet warnings and logs through.
    """

    def __init__(self, level: float = 95.0, season_length: int | None = None, n_jobs: int = 1, verbose: bool = False):
        super().__init__(level=level, season_length=season_length)
        self.n_jobs = n_jobs
        self.verbose = verbose

    needs_timestamps = False

    def _fit(self, data: pd.DataFrame) -> None:
        self.y_ = _data.series_arrays(data, "y", "float64")
        nothing = dict.fromkeys(self.y_)
        self.exog_ = _data.series_arrays(data, self.exog_columns_, "float64") if self.exog_columns_ else nothing
        self.ds_ = _data.series_arrays(data, "ds") if self.needs_timestamps else nothing
        items = [(uid, y, self.exog_[uid], self.ds_[uid]) for uid, y in self.y_.items()]
        # Long series first, so that the round-robin chunks hold equal shares of the work.
        items.sort(key=lambda it: -len(it[1]))
        self.states_ = dict(_parallel(_run_chunk, self._worker_copy(), items, self.n_jobs))

    def _worker_copy(self) -> "LocalForecaster":
        # What a worker needs: the parameters and what fit() learnt of the data, not the data.
        proto = self.clone()
        for attr in ("season_length_", "exog_columns_", "freq_"):
            setattr(proto, attr, getattr(self, attr))
        return proto

    def _predict(self, horizon: int, future: pd.DataFrame) -> dict:
        items = []
        # Row positions of each series in one pass (a comparison per series is quadratic: minutes at 48,000 series).
        rows = future.groupby("unique_id", sort=False).indices if self.exog_columns_ or self.needs_timestamps else {}
        exog_values = future[self.exog_columns_].to_numpy("float64") if self.exog_columns_ else None
        ds_values = future["ds"].to_numpy() if self.needs_timestamps else None
        for uid in self.ids_:
            exog_future, extra = None, {}
            if self.exog_columns_:
                exog_future = exog_values[rows[uid]]
                extra["exog"] = self.exog_[uid]
            if self.needs_timestamps:
                extra["ds"] = self.ds_[uid]
                extra["ds_future"] = ds_values[rows[uid]]
            items.append((uid, self.states_[uid], self.y_[uid], exog_future, extra))
        items.sort(key=lambda it: -len(it[2]))
        return dict(_parallel(_predict_chunk, self._worker_copy(), items, self.n_jobs if self.parallel_predict else 1,
                              horizon))

    # Forecasting is cheap for most models; those whose predict does real work turn this on.
    parallel_predict = False

    def _fit_one(self, y: np.ndarray, exog: np.ndarray | None):  # pragma: no cover - abstract
        raise NotImplementedError

    def _predict_one(self, state, y, horizon, exog_future, **extra):  # pragma: no cover - abstract
        raise NotImplementedError
