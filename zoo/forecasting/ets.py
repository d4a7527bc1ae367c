"""Exponential smoothing (ETS) and the Theta method from statsmodels.

Example:
    >>> from zoo.forecasting.ets import ETS, Theta
    >>> ETS().fit(df).predict(12)
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from zoo.errors import ZooValueError
from zoo.forecasting import compiled
from zoo.forecasting.base import LocalForecaster
from zoo.forecasting.ets_spec import EtsSpec
from zoo.forecasting.seasonality import seasonal_indices, theta_seasonal, z_score


def _statsmodels():
    try:
        import statsmodels  # noqa: F401
    except ImportError:
        from zoo.errors import missing_extra

        raise missing_extra("statsmodels", "forecast") from None


# (error, trend, damped, seasonal); seasonal configurations are tried only when season_length > 1.
DEFAULT_ETS_MODELS = ("ANN", "AAdN", "MNN", "MAdN", "ANA", "AAdA", "MNM", "MAdM")
INITIALIZATIONS = ("auto", "estimated", "heuristic")
# initialization="auto" sets seasonal models' initial states heuristically above this period. Per series,
# the four seasonal models took 0.84 s estimated and 0.055 s heuristic at m = 12 (sMAPE 5.565 and
# 5.593 on 20 synthetic monthly series), 0.28 and 0.052 s at m = 4 (4.814 and 5.056), and 3.5 and
# 0.11 s at m = 24 (two synthetic hourly series): quarterly data keeps estimated states, monthly and
# hourly data do not.
HEURISTIC_ABOVE_PERIOD = 4


def _parse(code: str):
    """"AAdN" -> ("add", "add", True, None): error, trend, damped, season."""
    kinds = {"N": None, "A": "add", "M": "mul"}
    damped = len(code) == 4 and code[2] == "d"
    if len(code) not in (3, 4) or (len(code) == 4 and not damped) or code[0] not in "AM" \
            or code[1] not in kinds or code[-1] not in kinds or (damped and code[1] == "N"):
        raise ZooValueError(f"The 'models' parameter of ETS takes codes like 'ANN', 'AAdN', 'MAdM'. Got {code!r}.")
    return kinds[code[0]], kinds[code[1]], damped, kinds[code[-1]]


class ETS(LocalForecaster):
    """Exponential smoothing state-space models (statsmodels ``ETSModel``), chosen per series by AICc.

    Args:
        models: ETS codes to choose from, e.g. ``"AAdN"`` = additive errors, additive damped trend,
            no season. Multiplicative ones are skipped for series that are not positive, seasonal
            ones when ``season_length`` is 1 or the series holds fewer than two seasons.
        initialization: how the initial level, trend and seasonal states are set. ``"estimated"``:
            by maximum likelihood with the smoothing parameters (R's ``ets``); ``"heuristic"``:
            from the first seasons by a moving-average decomposition (Hyndman & Athanasopoulos,
            statsmodels' ``initialization_method="heuristic"``), so only the smoothing parameters
            are optimised; ``"auto"`` (default): estimated, except for seasonal models with a
            period above :data:`HEURISTIC_ABOVE_PERIOD`, whose m seasonal states statsmodels
            optimises with numerical gradients (about 1 s a model for m = 24). AICc counts the
            initial states as parameters either way, so the models compete on the same terms.
            A series too short for the heuristic gets estimated states.
    """

    name = "ets"
    parallel_predict = True

    def __init__(self, models=DEFAULT_ETS_MODELS, level=95.0, season_length=None, n_jobs=1, verbose=False,
                 initialization="auto"):
        super().__init__(level=level, season_length=season_length, n_jobs=n_jobs, verbose=verbose)
        if initialization not in INITIALIZATIONS:
            raise ZooValueError(f"The 'initialization' parameter of ETS must be one of {INITIALIZATIONS}. "
                                f"Got {initialization!r}.")
        self.models = models
        self.initialization = initialization

    def _initialization_for(self, seasonal) -> str:
        if self.initialization != "auto":
            return self.initialization
        return "heuristic" if seasonal and self.season_length_ > HEURISTIC_ABOVE_PERIOD else "estimated"

    def _model(self, y, error, trend, damped, seasonal, initialization):
        """statsmodels' ``ETSModel``, or where the likelihood is compiled its set-up alone (:class:`EtsSpec`,
        the same numbers without the ~1 ms it takes to build one)."""
        kwargs = dict(error=error, trend=trend, damped_trend=damped, seasonal=seasonal,
                      seasonal_periods=self.season_length_ if seasonal else None, initialization_method=initialization)
        if compiled.AVAILABLE:
            return EtsSpec(y, **kwargs)
        from statsmodels.tsa.exponential_smoothing.ets import ETSModel

        return ETSModel(y, **kwargs)

    def _candidates(self, y):
        m = self.season_length_
        out = []
        for code in self.models:
            error, trend, damped, seasonal = _parse(code)
            if seasonal and (m <= 1 or len(y) < 2 * m + 2):
                continue
            if (error == "mul" or seasonal == "mul" or trend == "mul") and np.any(y <= 0):
                continue
            out.append((code, error, trend, damped, seasonal))
        return out or [("ANN", "add", None, False, None)]

    def _fit_one(self, y, exog):
        _statsmodels()
        from statsmodels.tools.eval_measures import aicc

        best = None
        for code, error, trend, damped, seasonal in self._candidates(y):
            initialization = self._initialization_for(seasonal)
            try:
                try:
                    model = self._model(y, error, trend, damped, seasonal, initialization)
                except ValueError:  # too short for the heuristic
                    if initialization != "heuristic":
                        raise
                    initialization = "estimated"
                    model = self._model(y, error, trend, damped, seasonal, initialization)
                # Parameters only: statsmodels' results object would add a numerical Hessian (a quarter of the time).
                if compiled.AVAILABLE:  # the same L-BFGS-B run, the likelihood compiled
                    params = compiled.ets_fit(model, maxiter=200)
                    llf = compiled.ets_loglike(model, params)
                else:
                    params = model.fit(disp=False, maxiter=200, return_params=True)
                    llf = model.loglike(params)
            except (ValueError, np.linalg.LinAlgError):
                continue
            # statsmodels' AICc (its df_model: the free parameters and sigma); states the heuristic set are
            # counted too, as statsmodels counts them when it estimates them.
            k = model.k_params + 1
            if initialization == "heuristic":
                k += 1 + bool(trend) + (self.season_length_ if seasonal else 0)
            score = aicc(llf, len(y), k)
            if np.isfinite(score) and (best is None or score < best[0]):
                best = (score, code, np.asarray(params), initialization)
        if best is None:
            return {"code": None}
        return {"code": best[1], "params": best[2], "initialization": best[3]}

    def _predict_one(self, state, y, horizon, exog_future):
        if state["code"] is None:  # nothing could be fitted: fall back to naive
            mean = np.full(horizon, y[-1])
            return mean, mean, mean
        error, trend, damped, seasonal = _parse(state["code"])
        initialization = state.get("initialization", "estimated")
        if compiled.AVAILABLE:  # statsmodels' forecast and interval without its results object
            model = self._model(y, error, trend, damped, seasonal, initialization)
            return compiled.ets_forecast(model, state["params"], horizon, self.alpha_)
        # A pandas endog: statsmodels' ETS prediction results need an index.
        model = self._model(pd.Series(y), error, trend, damped, seasonal, initialization)
        res = model.smooth(state["params"])
        # Multiplicative models' intervals are simulated (1,000 paths): a fixed seed makes them reproducible.
        frame = res.get_prediction(start=len(y), end=len(y) + horizon - 1, rng=0).summary_frame(alpha=self.alpha_)
        return frame["mean"].to_numpy(), frame["pi_lower"].to_numpy(), frame["pi_upper"].to_numpy()


def _ima_sigma2(y: np.ndarray) -> float:
    """Innovation variance of an IMA(1,1) with drift fitted to ``y`` by conditional least squares: what
    statsmodels' Theta interval uses (it refits a SARIMAX(0,1,1) with a constant by maximum likelihood,
    ~160 ms per M4 Weekly series; this takes under 1 ms, and the two sigmas agree to a median ratio of
    1.000 on M4 Weekly)."""
    from scipy.optimize import minimize_scalar
    from scipy.signal import lfilter

    dy = np.diff(np.asarray(y, dtype="float64"))
    if len(dy) < 3:
        return float(np.var(y)) if len(y) > 1 else 0.0
    centred = dy - dy.mean()

    def css(theta):
        return float(np.mean(lfilter([1.0], [1.0, theta], centred)[1:] ** 2))

    return css(minimize_scalar(css, bounds=(-0.99, 0.99), method="bounded", options={"xatol": 1e-4}).x)


# statsmodels' bounds on the SES smoothing parameter.
SES_ALPHA_BOUNDS = (1e-4, 1 - 1e-4)


def ses_fit(y: np.ndarray) -> tuple[float, float]:
    """``(alpha, level)``: simple exponential smoothing started at ``y[0]`` with the alpha that minimises the
    one-step squared errors, and the last level (the forecast).

    The maximum-likelihood fit of statsmodels' ``ExponentialSmoothing(y, initial_level=y[0],
    initialization_method="known")`` with its concentrated scale, which minimises the same sum: each
    level is one ``lfilter`` pass, a 21-point grid finds the best bracket and a bounded Brent search
    the minimum in it (~0.5 ms against ~15 ms for its Kalman filter under L-BFGS).
    """
    from scipy.optimize import minimize_scalar
    from scipy.signal import lfilter

    y = np.asarray(y, dtype="float64")

    def levels(alpha):  # levels[t] = alpha y[t] + (1 - alpha) levels[t - 1], from y[0]
        return lfilter([alpha], [1.0, alpha - 1.0], y, zi=[(1.0 - alpha) * y[0]])[0]

    def sse(alpha):
        e = y[1:] - levels(alpha)[:-1]
        return float(e @ e)

    low, high = SES_ALPHA_BOUNDS
    grid = np.linspace(low, high, 21)
    best = int(np.argmin([sse(a) for a in grid]))
    bracket = (grid[max(best - 1, 0)], grid[min(best + 1, len(grid) - 1)])
    alpha = float(minimize_scalar(sse, bounds=bracket, method="bounded", options={"xatol": 1e-7}).x)
    if sse(grid[best]) < sse(alpha):
        alpha = float(grid[best])
    return alpha, float(levels(alpha)[-1])


class Theta(LocalForecaster):
    """The Theta method (Assimakopoulos & Nikolopoulos 2000) as in the M4 benchmark and statsmodels' ``ThetaModel``
    (theta = 2): multiplicative seasonal adjustment when its seasonality test says so, then SES with drift,
    the drift half the slope of a linear trend fitted to the (adjusted) series.

    The arithmetic is statsmodels', without its state-space machinery: the SES fit is :func:`ses_fit`,
    the decomposition :func:`zoo.forecasting.seasonality.seasonal_indices` (``seasonal_decompose``'s
    classical multiplicative indices). Forecasts equal ``ThetaModel(...).fit().forecast`` to the
    optimiser's tolerance; a test checks both on seasonal and non-seasonal series.
    """

    name = "theta"
    parallel_predict = False  # forecasting a fitted model is cheap; shipping results to workers is not

    def _fit_one(self, y, exog):
        y = np.asarray(y, dtype="float64")
        m, n = self.season_length_, len(y)
        indices, adjusted = None, y
        if m > 1 and n >= 2 * m and np.all(y > 0) and theta_seasonal(y, m):
            indices = seasonal_indices(y, m)
            adjusted = y / indices[np.arange(n) % m]
        b0 = float(np.polyfit(np.arange(n, dtype="float64"), adjusted, 1)[0]) if n > 1 else 0.0
        alpha, level = ses_fit(adjusted)
        # The interval's variance is the unadjusted series', as in statsmodels.
        return {"alpha": alpha, "b0": b0, "level": level, "n": n, "indices": indices, "sigma2": _ima_sigma2(y)}

    def _predict_one(self, state, y, horizon, exog_future):
        alpha, n = state["alpha"], state["n"]
        steps = np.arange(horizon, dtype="float64")
        mean = state["level"] + 0.5 * state["b0"] * (steps + 1 / alpha - (1 - alpha) ** n / alpha)
        # statsmodels' interval (ThetaModelResults.prediction_intervals): sigma2 (1 + (h-1)(1 + (alpha-1)^2)),
        # with sigma2 from _ima_sigma2 instead of its SARIMAX refit (99% of the method's time).
        if state["indices"] is not None:
            mean = mean * state["indices"][(n + np.arange(horizon)) % len(state["indices"])]
        sigma = np.sqrt((1 + steps * (1 + (alpha - 1) ** 2)) * state["sigma2"])
        z = z_score(self.alpha_)
        return mean, mean - z * sigma, mean + z * sigma
