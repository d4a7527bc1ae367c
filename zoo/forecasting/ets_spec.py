"""statsmodels' ``ETSModel`` set-up (initial states, start parameters, bounds, parameter layout) without
building one.

Building an ``ETSModel`` took about 1 ms, most of it the heuristic initial states (a pandas rolling
mean and a pseudo-inverse): more than fitting the model once its likelihood was compiled, and the ETS
forecaster builds one for every candidate model of every series. :class:`EtsSpec` computes the same
numbers with NumPy and offers the part of ``ETSModel``'s interface that :func:`compiled.ets_fit` and
:func:`compiled.ets_forecast` read, under the same names, so either takes either. Tests compare it with
``ETSModel`` attribute by attribute.

Example:
    >>> spec = EtsSpec(y, error="add", trend="add", damped_trend=True)
    >>> params = compiled.ets_fit(spec)
"""

from __future__ import annotations

import functools

import numpy as np

from zoo.forecasting.seasonality import centred_moving_average

# Internal parameter layout: alpha, beta, gamma, phi, l0, b0, s_1 ... s_m.
SMOOTHING = ("smoothing_level", "smoothing_trend", "smoothing_seasonal", "damping_trend")
DEFAULT_START = {"smoothing_level": 0.1, "smoothing_trend": 0.01, "smoothing_seasonal": 0.01, "damping_trend": 0.98}
# The heuristic's level and trend: least squares of the first ten (deseasonalised) values on [1, t].
_LEVEL_FIT = np.linalg.pinv(np.c_[np.ones(10), np.arange(10) + 1])


def heuristic_states(endog, trend=None, seasonal=None, m=1):
    """statsmodels' ``_initialization_heuristic`` (Hyndman & Athanasopoulos, section 2.6) in NumPy: the
    initial level, trend (None without one) and seasonal states (None without a season)."""
    endog = np.asarray(endog, dtype="float64")
    nobs = len(endog)
    if nobs < 10:
        raise ValueError("Cannot use heuristic method with less than 10 observations.")
    initial_seasonal = None
    if seasonal:
        min_obs = 10 + 2 * (m // 2)
        if nobs < 2 * m or nobs < min_obs:
            raise ValueError(f"Cannot compute heuristic initial seasonals from {nobs} values with period {m}.")
        k_cycles = max(min(5, nobs // m), int(np.ceil(min_obs / m)))
        initial_seasonal, endog = _decomposition(endog[:m * k_cycles].tobytes(), seasonal, m)
    beta = _LEVEL_FIT.dot(endog[:10])
    initial_trend = None
    if trend == "add":
        initial_trend = beta[1]
    elif trend == "mul":
        initial_trend = 1 + beta[1] / beta[0]
    return beta[0], initial_trend, initial_seasonal


@functools.lru_cache(maxsize=16)
def _decomposition(series: bytes, seasonal: str, m: int):
    """The heuristic's seasonal states and the centred moving average's defined values, read-only: the same
    for every trend, so the ETS forecaster's four seasonal candidates of a series (and its forecast) compute
    them once per kind of season. ``series``: the first ``k_cycles`` seasons' bytes."""
    series = np.frombuffer(series, dtype="float64")
    k_cycles = len(series) // m
    centred = centred_moving_average(series, m)  # statsmodels: pandas' rolling(m, center=True) means
    detrended = series - centred if seasonal == "add" else series / centred
    cycles = np.full(k_cycles * m, np.nan)
    cycles[:len(detrended)] = detrended
    initial_seasonal = np.nanmean(cycles.reshape(k_cycles, m).T, axis=1)
    if seasonal == "add":
        initial_seasonal -= np.mean(initial_seasonal)
    else:
        initial_seasonal /= np.mean(initial_seasonal)
    level_data = centred[~np.isnan(centred)]
    initial_seasonal.flags.writeable = level_data.flags.writeable = False
    return initial_seasonal, level_data


def simple_states(endog, trend=None, seasonal=None, m=1):
    """statsmodels' ``_initialization_simple`` (Hyndman & Athanasopoulos, section 7.6)."""
    endog = np.asarray(endog, dtype="float64")
    initial_trend = initial_seasonal = None
    if not seasonal:
        initial_level = endog[0]
        if trend == "add":
            initial_trend = endog[1] - endog[0]
        elif trend == "mul":
            initial_trend = endog[1] / endog[0]
        return initial_level, initial_trend, initial_seasonal
    if len(endog) < 2 * m:
        raise ValueError(f"Cannot compute initial seasonals from {len(endog)} values with period {m}.")
    initial_level = np.mean(endog[:m])
    if trend in ("add", "mul"):
        initial_trend = np.mean((endog[m:2 * m] - endog[:m]) / m)
    initial_seasonal = endog[:m] - initial_level if seasonal == "add" else endog[:m] / initial_level
    return initial_level, initial_trend, initial_seasonal


class EtsSpec:
    """An ETS model's set-up as ``ETSModel(endog, error, trend, damped_trend, seasonal, seasonal_periods,
    initialization_method)`` makes it (no fixed parameters, statsmodels' default bounds).

    Args:
        endog: the series, 1-D.
        error: ``"add"`` or ``"mul"``; trend, seasonal: None, ``"add"`` or ``"mul"``.
        damped_trend: damp the trend.
        seasonal_periods: the season's length (ignored without a season).
        initialization_method: ``"estimated"`` or ``"heuristic"``.

    Raises ValueError where ``ETSModel`` does: a multiplicative part on a series that is not positive, a
    damped model without a trend, a series too short for the heuristic.
    """

    def __init__(self, endog, error="add", trend=None, damped_trend=False, seasonal=None, seasonal_periods=None,
                 initialization_method="estimated"):
        self.endog = np.array(endog, dtype="float64")  # a writeable copy: one compiled specialisation
        self.nobs = len(self.endog)
        self.error, self.trend, self.seasonal, self.damped_trend = error, trend, seasonal, bool(damped_trend)
        self.has_trend, self.has_seasonal = trend is not None, seasonal is not None
        self.seasonal_periods = int(seasonal_periods) if self.has_seasonal else 1
        if self.has_seasonal and self.seasonal_periods <= 1:
            raise ValueError("seasonal_periods must be larger than 1.")
        if np.any(self.endog <= 0) and "mul" in (error, trend, seasonal):
            raise ValueError("endog must be strictly positive when using multiplicative error, trend or seasonal "
                             "components.")
        if self.damped_trend and not self.has_trend:
            raise ValueError("Can only dampen the trend component")
        if initialization_method not in ("estimated", "heuristic"):
            raise ValueError(f"initialization_method must be 'estimated' or 'heuristic', got {initialization_method!r}")
        self.initialization_method = initialization_method
        m = self.seasonal_periods
        states = simple_states if initialization_method == "estimated" and self.nobs < 10 + 2 * (m // 2) \
            else heuristic_states
        level, trend0, season0 = states(self.endog, trend, seasonal, m)
        self.initial_level = level
        self.initial_trend = trend0 if self.has_trend else 0
        self.initial_seasonal = season0 if self.has_seasonal else 0
        self.bounds = {}
        names = list(SMOOTHING) + ["initial_level", "initial_trend"] + [f"initial_seasonal.{i}" for i in range(m)]
        self._internal_params_index = {name: i for i, name in enumerate(names)}
        self._internal_param_names = names
        self._param_names = self._names()  # fixed by the model's form: computed once (read per parameter)

    @property
    def short_name(self) -> str:
        name = "".join(str(s)[0].upper() for s in (self.error, self.trend, self.seasonal))
        return name[:2] + "d" + name[2] if self.damped_trend else name

    @property
    def param_names(self) -> list[str]:
        return list(self._param_names)

    def _names(self) -> tuple[str, ...]:
        names = ["smoothing_level"] + ["smoothing_trend"] * self.has_trend \
            + ["smoothing_seasonal"] * self.has_seasonal + ["damping_trend"] * self.damped_trend
        if self.initialization_method == "estimated":
            names += ["initial_level"] + ["initial_trend"] * self.has_trend
            names += [f"initial_seasonal.{i}" for i in range(self.seasonal_periods)] if self.has_seasonal else []
        return tuple(names)

    @property
    def k_params(self) -> int:
        return len(self._param_names)

    @property
    def start_params(self) -> np.ndarray:
        params = [DEFAULT_START[p] for p in SMOOTHING if p in self._param_names]
        if self.initialization_method == "estimated":
            extra = [self.initial_trend] if self.has_trend else []
            if self.has_seasonal:  # the last seasonal state is fixed (0 or 1)
                # statsmodels moves it into the level too, but its ``start_params`` evaluates ``_start_params``
                # twice (``hasattr``, then the value) and the first evaluation has already normalised the
                # seasonal states in place: what its fit starts from is the level unmoved.
                season = np.array(self.initial_seasonal, dtype="float64")
                season = season / season[-1] if self.seasonal == "mul" else season - season[-1]
                extra += season.tolist()
            params += [self.initial_level] + extra
        return np.array(params)

    def _internal_params(self, params) -> np.ndarray:
        internal = np.zeros(6 + self.seasonal_periods, dtype=np.asarray(params).dtype)
        for i, name in enumerate(self._param_names):
            internal[self._internal_params_index[name]] = params[i]
        if not self.damped_trend:
            internal[3] = 1
        if self.initialization_method != "estimated":
            internal[4], internal[5] = self.initial_level, self.initial_trend
            internal[6:] = self.initial_seasonal if np.isscalar(self.initial_seasonal) else self.initial_seasonal[::-1]
        return internal

    def _model_params(self, internal) -> np.ndarray:
        return np.array([internal[self._internal_params_index[name]] for name in self._param_names], dtype="float64")

    def _convert_and_bound_start_params(self, params) -> np.ndarray:
        """The internal start; parameters the model lacks get fixed bounds at their internal value."""
        internal = self._internal_params(params)
        present = set(self._param_names)
        for name in self._internal_param_names:
            if name not in present:  # statsmodels clips value + 1e-3 into [value, value]: the value
                idx = self._internal_params_index[name]
                self.bounds[name] = [internal[idx]] * 2
        return internal

    def _setup_bounds(self) -> list[tuple[float, float]]:
        k = 6 + self.seasonal_periods
        lb, ub = np.full(k, 1e-4), np.full(k, 1 - 1e-4)
        lb[3], ub[3] = 0.8, 0.98
        if self.initialization_method == "estimated":
            lb[4:-1], ub[4:-1] = -np.inf, np.inf
            lb[-1] = ub[-1] = 1 if self.seasonal == "mul" else 0
        for name, (low, high) in self.bounds.items():
            idx = self._internal_params_index[name]
            lb[idx], ub[idx] = low, high
        return [(lb[i], ub[i]) for i in range(k)]
