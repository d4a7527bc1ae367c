"""Compiled (numba) likelihoods and optimisers for the statistical forecasters.

**ETS** (:func:`ets_fit`). ``ETSModel.fit`` runs L-BFGS-B over the smoothing parameters and initial states
with forward-difference gradients: about 70 log-likelihood evaluations per model. Each is statsmodels'
Cython smoothing loop (28 ns a step, as it shifts all m seasonal states every step) plus its Python
wrapper (~45 us in all for 1,000 points), and every gradient goes through scipy's ``approx_derivative``.
:func:`ets_fit` makes the same L-BFGS-B run on the same objective (``-loglike / nobs``), from the same
start, within the same bounds, with the same forward differences (scipy's 2-point scheme, absolute
step 1e-8, stepping backwards at an upper bound), but the likelihood and its gradient come from one
compiled call that keeps the seasonal states in a ring buffer and runs the k + 1 evaluations of a
gradient side by side in one time loop (:func:`_smooth_rows`). scipy's own L-BFGS-B routine is driven
directly (:func:`lbfgsb`), without ``_minimize_lbfgsb``'s Python wrapper around every step. The model
can be ``ETSModel`` or ``zoo.forecasting.ets_spec.EtsSpec`` (the same set-up without building one); the
parameters returned are statsmodels' and go straight into ``ETSModel.smooth`` and ``loglike``.

Its forecasts (:func:`ets_forecast`) start from the compiled loop's last states: the mean is the
error-free simulation, the interval ETSResults' formula or the same 1,000 seeded paths, without the
results object (whose complex-step Hessian took a quarter of the time).

**ARIMA** (:func:`css_objective`, :func:`css_bfgs`, :func:`arma_roots_outside`). The CSS objective of
``zoo.forecasting.arima.css_fit`` and its exact gradient (five filtered series, :func:`_css_series`, in one
compiled time loop; without numba the same filters run on scipy's ``lfilter``, ~3x slower per evaluation);
BFGS over it, compiled too, since scipy's L-BFGS-B spent twice the objective's time per
step in Python; and the stationarity/invertibility check on the roots of the fitted polynomials' factors.
For series whose CSS residuals have not settled, :func:`kalman_forecast` runs statsmodels' Kalman filter
over SARIMAX's own matrices, with the sparse transition applied entry by entry.

The first call in a fresh checkout compiles (about 30 s a process for ETS and ARIMA together), then
numba's cache in ``__pycache__`` serves every later process. Callers pass writeable float64 arrays and
Python ints, so each function has one compiled specialisation.

numba is optional (the ``forecast`` extra installs it); without it :data:`AVAILABLE` is False and the
callers keep their NumPy/statsmodels paths. Tests check both against those paths.
"""

from __future__ import annotations

import functools

import numpy as np

try:
    import numba
except ImportError:  # pragma: no cover - exercised where numba is missing
    numba = None

AVAILABLE = numba is not None
# scipy's default absolute step for L-BFGS-B's finite differences (fmin_l_bfgs_b's epsilon).
EPSILON = 1e-8


def _njit(fn):
    return numba.njit(cache=True, nogil=True, error_model="numpy")(fn) if AVAILABLE else fn  # x / 0 = inf, as numpy


# Multiplicative errors add log|yhat| every step; the loops multiply |yhat| into a running product instead
# and take its log when it leaves [1e-200, 1e200] and at the end: one log per tens of steps rather than per
# step (a log is as dear as the rest of the step). A |yhat| outside [1e-100, 1e100] adds its own log, so
# the product never overflows or underflows. The sum differs from the step-by-step one in the last bits.
_LOG_LOW, _LOG_HIGH = 1e-200, 1e200
_SIZE_LOW, _SIZE_HIGH = 1e-100, 1e100


@_njit
def _smooth_rows(fulls, y, trend_mul, season_mul, error_mul):
    """statsmodels' ETS smoothing (``_ets_smooth_*``) at each row of internal parameters ``fulls`` = (alpha,
    beta*, gamma*, phi, l0, b0, s_1, ..., s_m) with beta* = beta/alpha and gamma* = gamma/(1 - alpha): per row
    the sum of squared (relative, for multiplicative errors) residuals, the sum of log|yhat| and the last
    states, in statsmodels' order (level, trend, newest season, ..., oldest). The rows' recursions are
    independent, so one time loop over all of them keeps the processor busy where a loop per row waits
    on each step's result: the objective's k + 1 evaluations ran 2.6x faster than one by one."""
    rows, n = fulls.shape[0], y.shape[0]
    m = fulls.shape[1] - 6
    alpha, beta_star, gamma_star, phi = fulls[:, 0], fulls[:, 1], fulls[:, 2], fulls[:, 3]
    level, trend = fulls[:, 4].copy(), fulls[:, 5].copy()
    season = fulls[:, 6:].T.copy()  # (m, rows) ring buffers: the oldest state is used, then overwritten by the newest
    sse, logs, product = np.zeros(rows), np.zeros(rows), np.ones(rows)
    oldest = m - 1
    for i in range(n):
        yi = y[i]
        for p in range(rows):
            s = season[oldest, p]
            damped = trend[p] ** phi[p] if trend_mul else phi[p] * trend[p]
            base = level[p] * damped if trend_mul else level[p] + damped
            yhat = base * s if season_mul else base + s
            if error_mul:
                r = (yi - yhat) / yhat
                size = np.abs(yhat if yhat != 0.0 else 1e-32)  # the sum of log|yhat|: see _LOG_LOW
                if _SIZE_LOW < size < _SIZE_HIGH:
                    product[p] *= size
                    if not _LOG_LOW < product[p] < _LOG_HIGH:
                        logs[p] += np.log(product[p])
                        product[p] = 1.0
                else:  # extreme (or NaN): its own log, as the product could overflow
                    logs[p] += np.log(size)
            else:
                r = yi - yhat
            sse[p] += r * r
            new_level = alpha[p] * (yi / s if season_mul else yi - s) + (1 - alpha[p]) * base
            if trend_mul:
                trend[p] = beta_star[p] * (new_level / level[p]) + (1 - beta_star[p]) * damped
            else:
                trend[p] = beta_star[p] * (new_level - level[p]) + (1 - beta_star[p]) * damped
            season[oldest, p] = gamma_star[p] * (yi / new_level if season_mul else yi - new_level) \
                + (1 - gamma_star[p]) * s
            level[p] = new_level
        oldest = oldest - 1 if oldest > 0 else m - 1
    states = np.empty((rows, 2 + m))
    for p in range(rows):
        logs[p] += np.log(product[p])
        states[p, 0], states[p, 1] = level[p], trend[p]
        for j in range(m):  # newest first
            states[p, 2 + j] = season[(oldest + 1 + j) % m, p]
    return sse, logs, states


@_njit
def _smooth(full, y, trend_mul, season_mul, error_mul):
    """:func:`_smooth_rows` at one parameter vector: ``(sse, sum of log|yhat|, last states)``."""
    sse, logs, states = _smooth_rows(full.reshape(1, -1), y, trend_mul, season_mul, error_mul)
    return sse[0], logs[0], states[0]


@_njit
def _loglike(full, y, trend_mul, season_mul, error_mul):
    """statsmodels' ETS log-likelihood (``ETSModel._loglike_internal``) at internal parameters ``full``."""
    sse, logs, _ = _smooth(full, y, trend_mul, season_mul, error_mul)
    n = y.shape[0]
    return -n / 2 * (np.log(2 * np.pi * sse / n) + 1) - logs


@_njit
def _objective(x, lower, upper, template, free, y, trend_mul, season_mul, error_mul):
    """``-loglike / n`` and its forward-difference gradient in the free parameters ``x``, as scipy's
    ``approx_derivative(method="2-point", abs_step=EPSILON)`` computes it inside L-BFGS-B: row 0 of the
    evaluated parameters is ``x``, row k + 1 ``x`` with parameter k stepped."""
    n, k_free = y.shape[0], x.shape[0]
    fulls = np.empty((k_free + 1, template.shape[0]))
    fulls[:] = template
    for k in range(k_free):
        fulls[:, free[k]] = x[k]
    dx = np.empty(k_free)
    for k in range(k_free):
        h = EPSILON
        if (x[k] + h) - x[k] == 0.0:  # scipy's fallback step for large |x|
            h = 1.4901161193847656e-08 * max(1.0, abs(x[k])) * (1.0 if x[k] >= 0 else -1.0)
        lower_dist, upper_dist = x[k] - lower[k], upper[k] - x[k]
        if x[k] + h < lower[k] or x[k] + h > upper[k]:
            if abs(h) <= max(lower_dist, upper_dist):
                h = -h
            elif upper_dist >= lower_dist:
                h = upper_dist
            else:
                h = -lower_dist
        step = x[k] + h
        dx[k] = step - x[k]
        fulls[k + 1, free[k]] = step
    sse, logs, _ = _smooth_rows(fulls, y, trend_mul, season_mul, error_mul)
    f = np.empty(k_free + 1)
    for r in range(k_free + 1):  # -_loglike / n
        f[r] = -(-n / 2 * (np.log(2 * np.pi * sse[r] / n) + 1) - logs[r]) / n
    grad = np.empty(k_free)
    for k in range(k_free):
        grad[k] = (f[k + 1] - f[0]) / dx[k]
    return f[0], grad


def lbfgsb(fun, x0, lower, upper, args=(), maxiter=15000, m=10, factr=1e7, pgtol=1e-5, maxls=20, maxfun=15000):
    """``fmin_l_bfgs_b(fun, x0, bounds=zip(lower, upper), maxiter=maxiter, ...)[0]`` for a ``fun`` that returns
    ``(f, gradient)`` and whose gradient costs ``len(x0)`` evaluations (forward differences, as
    :func:`_objective`'s): scipy's own L-BFGS-B routine (``_lbfgsb.setulb``) driven directly, as
    ``_minimize_lbfgsb`` drives it, without its Python wrapper around every evaluation (about 30 us a step,
    twice the compiled objective's time). The same iterates, the same stops (``maxiter`` iterations,
    ``maxfun`` evaluations counted as scipy counts them, factr, pgtol). Where scipy's private routine
    is missing or changed, it calls ``fmin_l_bfgs_b``."""
    from scipy.optimize import fmin_l_bfgs_b

    n = x0.shape[0]
    x = np.clip(np.array(x0, dtype=np.float64), lower, upper)
    finite_low, finite_up = np.isfinite(lower), np.isfinite(upper)
    nbd = np.where(finite_low, np.where(finite_up, 2, 1), np.where(finite_up, 3, 0)).astype(np.int32)
    low = np.where(finite_low, lower, 0.0)
    up = np.where(finite_up, upper, 0.0)
    f, g = np.array(0.0), np.zeros(n)
    wa = np.zeros(2 * m * n + 5 * n + 11 * m * m + 8 * m)
    iwa = np.zeros(3 * n, dtype=np.int32)
    task, ln_task = np.zeros(2, dtype=np.int32), np.zeros(2, dtype=np.int32)
    lsave, isave, dsave = np.zeros(4, dtype=np.int32), np.zeros(44, dtype=np.int32), np.zeros(29)
    eps = np.finfo(float).eps
    ftol_factr = factr * eps / eps  # fmin_l_bfgs_b passes ftol = factr * eps, which _minimize_lbfgsb divides by eps
    try:
        from scipy.optimize import _lbfgsb

        setulb = _lbfgsb.setulb
        setulb(m, x, low, up, nbd, f, g, ftol_factr, pgtol, wa, iwa, task, lsave, isave, dsave, maxls, ln_task)
    except (ImportError, AttributeError, TypeError, ValueError):  # a scipy without this routine
        return fmin_l_bfgs_b(fun, x0, args=args, bounds=list(zip(lower, upper)), m=m, factr=factr, pgtol=pgtol,
                             maxiter=maxiter, maxfun=maxfun, maxls=maxls)[0]
    nfev, iterations = 0, 0
    while True:
        if task[0] == 3:  # f and g wanted at x
            f, g = fun(x, *args)
            nfev += 1 + n
        elif task[0] == 1:  # a new iteration
            iterations += 1
            if iterations >= maxiter:
                task[0], task[1] = 5, 504
            elif nfev > maxfun:
                task[0], task[1] = 5, 502
        else:
            return x
        setulb(m, x, low, up, nbd, f, g, ftol_factr, pgtol, wa, iwa, task, lsave, isave, dsave, maxls, ln_task)


def ets_fit(model, maxiter: int = 200) -> np.ndarray:
    """``ETSModel.fit(maxiter=maxiter, return_params=True)`` for a model without fixed parameters or bounds
    of its own: the same L-BFGS-B run with the compiled likelihood."""
    internal = model._convert_and_bound_start_params(model.start_params)  # also fixes the absent parameters
    bounds = model._setup_bounds()
    use_beta_star = "smoothing_trend" not in model.bounds
    use_gamma_star = "smoothing_seasonal" not in model.bounds
    if use_beta_star:
        internal[1] /= internal[0]
    if use_gamma_star:
        internal[2] /= 1 - internal[0]
    fixed = np.array([low == high for low, high in bounds])
    template = np.where(fixed, [low for low, _ in bounds], internal).astype("float64")
    # Without a trend or season, beta or gamma is fixed at 0: 0 as beta/alpha or gamma/(1 - alpha) too.
    free = np.flatnonzero(~fixed)
    lower = np.array([bounds[i][0] for i in free], dtype="float64")
    upper = np.array([bounds[i][1] for i in free], dtype="float64")
    y = np.array(model.endog, dtype="float64")  # writeable: one compiled specialisation
    kinds = (model.trend == "mul", model.seasonal == "mul", model.error == "mul")
    x = lbfgsb(_objective, internal[free].astype("float64"), lower, upper, maxiter=maxiter,
               args=(lower, upper, template, free, y, *kinds))
    fitted = internal.copy()
    fitted[free] = x
    if use_beta_star:
        fitted[1] *= fitted[0]
    if use_gamma_star:
        fitted[2] *= 1 - fitted[0]
    return model._model_params(fitted)


@_njit
def seasonal_poly(coefs, m, sign):
    """1 + sign * (c_1 B^m + c_2 B^2m + ...), ascending powers of B (``zoo.forecasting.arima`` uses it too)."""
    poly = np.zeros(coefs.shape[0] * m + 1)
    poly[0] = 1.0
    for j in range(coefs.shape[0]):
        poly[(j + 1) * m] = sign * coefs[j]
    return poly


@_njit
def _lag_dot(v, lag, e, start):
    """sum over t >= start of v[t - lag] e[t] (v is zero before its first point)."""
    first = max(start, lag)
    return np.dot(v[first - lag:e.shape[0] - lag], e[first:]) if first < e.shape[0] else 0.0


def _inverse_ma_step(value, theta, stheta, m, inner, out, t):
    """Step ``t`` of 1/theta(B) then 1/Theta(B^m) for ``value`` entering there: writes ``inner[t]`` (after
    1/theta) and ``out[t]``."""
    for i in range(theta.shape[0]):
        value -= theta[i] * inner[t - 1 - i]
    inner[t] = value
    for j in range(stheta.shape[0]):
        value -= stheta[j] * out[t - (j + 1) * m]
    out[t] = value


if AVAILABLE:  # inlined into the caller's loop (a call a step kept the values out of registers: 1.2 against 2x)
    _inverse_ma_step = numba.njit(inline="always", cache=True, nogil=True, error_model="numpy")(_inverse_ma_step)


def _css_series(u, phi, theta, sphi, stheta, m):
    """The CSS residuals and the series their derivatives filter, with ma(B) = theta(B) Theta(B^m) and
    ar(B) = phi(B) Phi(B^m), all with zero pre-sample values (rows, each of u's length):

    0. g_phi = Phi(B^m) u / ma(B)   (de/dphi_i = -B^i g_phi)
    1. g_Phi = phi(B) u / ma(B)     (de/dPhi_j = -B^(jm) g_Phi)
    2. e = ar(B) u / ma(B) = phi(B) g_phi = Phi(B^m) g_Phi
    3. e / theta(B)                 (de/dtheta_i = -B^i e / theta(B), the Theta(B^m) of the general formula cancels)
    4. e / Theta(B^m)               (de/dTheta_j = -B^(jm) e / Theta(B^m))

    1/ma runs as 1/theta then 1/Theta(B^m), q + Q terms a step instead of the product's (q + 1)(Q + 1) - 1,
    and e comes from g_phi (or g_Phi) by a short sum instead of a filter of its own. All rows advance in one
    time loop, each step's terms from the rows' earlier values (:func:`_css_series_scipy` without numba)."""
    n, p, q, P, Q = u.shape[0], phi.shape[0], theta.shape[0], sphi.shape[0], stheta.shape[0]
    lag = max(p, q, P * m, Q * m)  # every series starts with this many zeros (the pre-sample values), so no
    x = np.zeros(lag + n)          # step asks whether a term reaches before the start
    x[lag:] = u
    g_phi, g_Phi, e, e_theta, e_Theta = np.zeros(lag + n), np.zeros(lag + n), np.zeros(lag + n), \
        np.zeros(lag + n), np.zeros(lag + n)
    inner_phi, inner_Phi = np.zeros(lag + n), np.zeros(lag + n)  # their 1/theta stage
    for t in range(lag, lag + n):
        acc = x[t]  # g_phi = Phi(B^m) u / theta(B) / Theta(B^m)
        for j in range(P):
            acc -= sphi[j] * x[t - (j + 1) * m]
        _inverse_ma_step(acc, theta, stheta, m, inner_phi, g_phi, t)
        if P:  # g_Phi = phi(B) u / theta(B) / Theta(B^m)
            acc = x[t]
            for i in range(p):
                acc -= phi[i] * x[t - 1 - i]
            _inverse_ma_step(acc, theta, stheta, m, inner_Phi, g_Phi, t)
        acc = g_phi[t]  # e = phi(B) g_phi
        for i in range(p):
            acc -= phi[i] * g_phi[t - 1 - i]
        e[t] = acc
        for i in range(q):  # e / theta(B)
            acc -= theta[i] * e_theta[t - 1 - i]
        e_theta[t] = acc
        acc = e[t]  # e / Theta(B^m)
        for j in range(Q):
            acc -= stheta[j] * e_Theta[t - (j + 1) * m]
        e_Theta[t] = acc
    return g_phi[lag:], g_Phi[lag:], e[lag:], e_theta[lag:], e_Theta[lag:]


def _css_series_scipy(u, phi, theta, sphi, stheta, m):
    """:func:`_css_series` by scipy's ``lfilter``, one filter after another (where numba is missing)."""
    from scipy.signal import lfilter

    phi_poly, theta_poly = np.r_[1.0, -phi], np.r_[1.0, theta]
    Phi_poly, Theta_poly = seasonal_poly(sphi, m, -1.0), seasonal_poly(stheta, m, 1.0)

    def inverse_ma(x):
        return lfilter([1.0], Theta_poly, lfilter([1.0], theta_poly, x))

    g_phi = inverse_ma(lfilter(Phi_poly, [1.0], u))
    e = lfilter(phi_poly, [1.0], g_phi)
    g_Phi = inverse_ma(lfilter(phi_poly, [1.0], u))
    return g_phi, g_Phi, e, lfilter([1.0], theta_poly, e), lfilter([1.0], Theta_poly, e)


_css_series = _njit(_css_series) if AVAILABLE else _css_series_scipy


@_njit
def css_objective(params, u, p, q, P, Q, m, ncond):
    """``(log(SSE / n_eff), gradient)`` of a zero-mean (seasonal) ARMA's conditional sum of squares on ``u``:
    ``zoo.forecasting.arima.css_fit``'s objective and its exact gradient from the filtered series of
    :func:`_css_series`, compiled or, without numba, NumPy on scipy's ``lfilter``."""
    k = p + q + P + Q
    g_phi, g_Phi, e, e_theta, e_Theta = _css_series(u, params[:p], params[p:p + q], params[p + q:p + q + P],
                                                     params[p + q + P:], m)
    ss = 0.0
    for t in range(ncond, e.shape[0]):
        ss += e[t] * e[t]
    grad = np.zeros(k)
    if not np.isfinite(ss) or ss <= 0:
        return 1e10, grad
    for i in range(p):
        grad[i] = _lag_dot(g_phi, i + 1, e, ncond)
    for i in range(q):
        grad[p + i] = _lag_dot(e_theta, i + 1, e, ncond)
    for j in range(P):
        grad[p + q + j] = _lag_dot(g_Phi, (j + 1) * m, e, ncond)
    for j in range(Q):
        grad[p + q + P + j] = _lag_dot(e_Theta, (j + 1) * m, e, ncond)
    grad *= -2.0 / ss
    if not np.all(np.isfinite(grad)):
        return 1e10, np.zeros(k)
    return np.log(ss / (e.shape[0] - ncond)), grad


# ETSPrediction's analytic intervals exist for these; the others are simulated (1,000 paths).
EXACT_INTERVALS = ("ANN", "AAN", "AAdN", "ANA", "AAA", "AAdA")


def _internal(model, params):
    full = model._internal_params(np.asarray(params, dtype="float64")).astype("float64")
    full[1] = full[1] / full[0] if full[0] else 0.0  # beta / alpha
    full[2] = full[2] / (1 - full[0])  # gamma / (1 - alpha)
    return full


def ets_loglike(model, params) -> float:
    """``model.loglike(params)`` (statsmodels' ETS log-likelihood at model parameters) from the compiled loop."""
    y = np.array(model.endog, dtype="float64")  # writeable: one compiled specialisation
    return _loglike(_internal(model, params), y, model.trend == "mul", model.seasonal == "mul", model.error == "mul")


@_njit
def _simulate(full, states, eps, trend_mul, season_mul, error_mul):
    """``ETSResults.simulate`` from the last states ``states`` (level, trend, newest season, ..., oldest) at
    internal parameters ``full``: paths of shape ``eps.shape`` (steps, repetitions)."""
    alpha, phi = full[0], full[3]
    beta, gamma = alpha * full[1], (1 - alpha) * full[2]
    mul = 1.0 if error_mul else 0.0
    steps, reps = eps.shape
    m = states.shape[0] - 2
    y = np.empty((steps, reps))
    season = np.empty(m)
    for r in range(reps):
        level, trend = states[0], states[1]
        season[:] = states[2:]  # a ring buffer, as in _smooth
        oldest = m - 1
        for t in range(steps):
            e = eps[t, r]
            B = trend ** phi if trend_mul else trend * phi
            L = level * B if trend_mul else level + B
            S = season[oldest]
            Y = L * S if season_mul else L + S
            if error_mul:
                eta, kappa_l = Y, (0.0 if season_mul else S)
                kappa_b = kappa_l / level if trend_mul else kappa_l + level
                kappa_s = 0.0 if season_mul else L
            else:
                eta, kappa_l = 1.0, (1 / S if season_mul else 1.0)
                kappa_b = kappa_l / level if trend_mul else kappa_l
                kappa_s = 1 / L if season_mul else 1.0
            y[t, r] = Y + eta * e
            new_level = L + alpha * (mul * L + kappa_l) * e
            trend = B + beta * (mul * B + kappa_b) * e
            season[oldest] = S + gamma * (mul * S + kappa_s) * e
            level = new_level
            oldest = oldest - 1 if oldest > 0 else m - 1
    return y


@functools.lru_cache(maxsize=8)
def _normals(horizon: int) -> np.ndarray:
    """The standard normals of statsmodels' 1,000 simulated paths with ``rng=0``: the same for every series."""
    eps = np.random.RandomState(0).standard_normal((horizon, 1000))
    eps.flags.writeable = False
    return eps


def ets_forecast(model, params, horizon: int, alpha: float):
    """``(mean, lower, upper)``: what ``model.smooth(params).get_prediction(start=nobs, end=nobs + horizon - 1,
    rng=0).summary_frame(alpha=alpha)`` gives, without the results object's covariance (a complex-step
    Hessian, a quarter of its time) and pandas: the last states from the compiled loop, the mean from the
    error-free simulation, the interval from ETSResults' formulas or from the same 1,000 simulated paths
    (``RandomState(0)`` normals times the residuals' RMS, as ``rng=0`` gives)."""
    from types import SimpleNamespace

    from statsmodels.tsa.exponential_smoothing.ets import ETSResults

    from zoo.forecasting.seasonality import z_score

    full = _internal(model, params)
    y = np.array(model.endog, dtype="float64")  # writeable: one compiled specialisation
    kinds = (model.trend == "mul", model.seasonal == "mul", model.error == "mul")
    sse, _, states = _smooth(full, y, *kinds)
    mean = _simulate(full, states, np.zeros((horizon, 1)), *kinds)[:, 0]
    scale = sse / len(y)  # ETSResults.scale and .mse
    if model.short_name in EXACT_INTERVALS:
        results = SimpleNamespace(  # what ETSResults._relative_forecast_variance reads
            model=model, has_trend=model.has_trend, has_seasonal=model.has_seasonal, damped_trend=model.damped_trend,
            seasonal_periods=model.seasonal_periods, smoothing_level=full[0], smoothing_trend=full[0] * full[1],
            smoothing_seasonal=(1 - full[0]) * full[2], damping_trend=full[3])
        half = z_score(alpha) * np.sqrt(scale * ETSResults._relative_forecast_variance(
            results, np.arange(1, horizon + 1, dtype="float64")))
        return mean, mean - half, mean + half
    paths = _simulate(full, states, _normals(horizon) * np.sqrt(scale), *kinds)
    lower, upper = np.quantile(paths, [alpha / 2, 1 - alpha / 2], axis=1)
    return mean, lower, upper


@_njit
def css_bfgs(u, p, q, P, Q, m, ncond, maxiter=200, gtol=1e-6, ftol=2.220446049250313e-09):
    """Minimise :func:`css_objective` from zero by BFGS with a backtracking (Armijo) line search, compiled.

    scipy's L-BFGS-B on the same objective spends ~55 us a step in Python against ~25 us for the
    objective itself (M4 Weekly, ~1,000 points); with at most five parameters, full BFGS costs nothing
    extra. Its stopping rules are L-BFGS-B's defaults: the largest gradient entry under ``gtol``, or a
    relative decrease under ``ftol``. Returns the parameters and the objective there."""
    k = p + q + P + Q
    x = np.zeros(k)
    f, g = css_objective(x, u, p, q, P, Q, m, ncond)
    H = np.eye(k)
    for it in range(maxiter):
        if np.max(np.abs(g)) <= gtol:
            break
        d = -(H @ g)
        slope = g @ d
        if slope >= 0:  # not a descent direction: restart from steepest descent
            H = np.eye(k)
            d = -g
            slope = g @ d
        step = 1.0 if it > 0 else min(1.0, 1.0 / np.sqrt(g @ g))
        accepted = False
        for _ in range(40):
            trial = x + step * d
            f_new, g_new = css_objective(trial, u, p, q, P, Q, m, ncond)
            if f_new <= f + 1e-4 * step * slope:
                accepted = True
                break
            step *= 0.5
        if not accepted:
            break
        s, y = trial - x, g_new - g
        sy = s @ y
        if sy > 1e-10 * np.sqrt((s @ s) * (y @ y)):
            if it == 0:
                H = np.eye(k) * (sy / (y @ y))
            rho = 1.0 / sy
            left = np.eye(k) - rho * np.outer(s, y)
            H = left @ H @ left.T + rho * np.outer(s, s)
        done = f - f_new <= ftol * max(abs(f), abs(f_new), 1.0)
        x, f, g = trial, f_new, g_new
        if done:
            break
    return x, f


@_njit
def roots_outside(poly, margin):
    """Whether every root of ``poly`` (ascending powers, trailing zeros ignored) lies outside the circle of
    radius ``margin`` (1.6 against 39 us with NumPy's ``np.roots`` for a polynomial of degree 4)."""
    k = poly.shape[0]
    while k > 1 and poly[k - 1] == 0.0:
        k -= 1
    if k <= 1:
        return True
    return bool(np.all(np.abs(np.roots(poly[:k][::-1].astype(np.complex128))) > margin))


@_njit
def _factor(params, start, stop, sign):
    """1 + sign * params[start:stop]: one factor of an ARMA polynomial, ascending powers (of B or B^m)."""
    out = np.empty(stop - start + 1)
    out[0] = 1.0
    for i in range(start, stop):
        out[1 + i - start] = sign * params[i]
    return out


@_njit
def arma_roots_outside(params, p, q, P, Q, m, margin):
    """Stationary and invertible: the roots of ar(B) = phi(B) Phi(B^m) and ma(B) = theta(B) Theta(B^m) (the
    polynomials of ``zoo.forecasting.arima._polys``) outside the circle of radius ``margin``, checked factor
    by factor. A product's roots are its factors', and each root w of Phi gives m roots of Phi(B^m), all of
    modulus |w|^(1/m), so Phi and Theta are checked against margin^m: the same answer as the roots of ar and
    ma (degree up to p + P m: 95 against a few us for monthly data, m = 12)."""
    seasonal = margin ** m
    return (roots_outside(_factor(params, 0, p, -1.0), margin)
            and roots_outside(_factor(params, p, p + q, 1.0), margin)
            and roots_outside(_factor(params, p + q, p + q + P, -1.0), seasonal)
            and roots_outside(_factor(params, p + q + P, p + q + P + Q, 1.0), seasonal))


@_njit
def _largest_inverse_root(poly):
    """max 1/|root| of ``poly`` (ascending powers, trailing zeros ignored); 0 for a constant."""
    k = poly.shape[0]
    while k > 1 and poly[k - 1] == 0.0:
        k -= 1
    if k <= 1:
        return 0.0
    return np.max(1.0 / np.abs(np.roots(poly[:k][::-1].astype(np.complex128))))


@_njit
def ma_largest_inverse_root(params, p, q, P, Q, m):
    """The largest inverse root modulus of ma(B) = theta(B) Theta(B^m), factor by factor: a root w of Theta
    gives m roots of Theta(B^m), all of modulus |w|^(1/m) (np.roots of the product took up to 200 us at
    m = 24, and is the less accurate of the two for its clustered roots)."""
    seasonal = _largest_inverse_root(_factor(params, p + q + P, p + q + P + Q, 1.0))
    return max(_largest_inverse_root(_factor(params, p, p + q, 1.0)), seasonal ** (1.0 / m))


@_njit
def box_jenkins(values, e, full, ma, n):
    """The forecast recursion of ``zoo.forecasting.arima.arima_forecast`` (full(B) x = ma(B) e, future shocks
    zero) over ``values[n:]``, which enter as zeros, and the psi weights ma(B) / full(B) of its variance:
    ``(values[n:], psi)``."""
    horizon = values.shape[0] - n
    a, b = full[1:], ma[1:]
    for t in range(n, n + horizon):
        past = 0.0
        for i in range(min(a.shape[0], t)):
            past += a[i] * values[t - 1 - i]
        shocks = 0.0
        for i in range(min(b.shape[0], t)):
            shocks += b[i] * e[t - 1 - i]
        values[t] = -past + shocks
    psi = np.zeros(horizon)
    psi[0] = 1.0
    for j in range(1, horizon):
        acc = 0.0
        for i in range(min(j, a.shape[0])):
            acc += a[i] * psi[j - 1 - i]
        psi[j] = (ma[j] if j < ma.shape[0] else 0.0) - acc
    return values[n:], psi


@_njit
def _transition(rows, cols, vals, a, P, RQR, TP, out):
    """``(T a, T P T' + RQR)`` for a sparse T given by its non-zero entries (SARIMAX's transitions are
    companion and shift matrices: about 2k non-zeros of k^2), in O(k^2) rather than the dense O(k^3).
    ``TP`` and ``out`` are work arrays; ``out`` receives the new P. As P is symmetric, T P T' = T (T P)'."""
    k = a.shape[0]
    next_a = np.zeros(k)
    TP[:] = 0.0
    for e in range(rows.shape[0]):
        r, c, v = rows[e], cols[e], vals[e]
        next_a[r] += v * a[c]
        for j in range(k):
            TP[r, j] += v * P[c, j]
    TPt = TP.T.copy()
    out[:] = RQR
    for e in range(rows.shape[0]):
        r, c, v = rows[e], cols[e], vals[e]
        for j in range(k):
            out[r, j] += v * TPt[c, j]
    return next_a


@_njit
def kalman_forecast(y, intercept, Z, rows, cols, vals, RQR, H, a0, P0, horizon, future_intercept):
    """statsmodels' Kalman filter (the conventional one, one observation a step) over ``y`` for a
    time-invariant state space with observation ``y_t = intercept_t + Z a_t (+ noise of variance H)`` and
    transition ``a_{t+1} = T a_t + R eta_t`` (T by its non-zero entries, ``RQR`` = R Q R'), from ``a0, P0``;
    then ``horizon`` steps ahead: ``(mean, variance)`` as SARIMAX's ``get_forecast`` gives them."""
    k = a0.shape[0]
    a, P = a0.copy(), P0.copy()
    TP, other = np.empty((k, k)), np.empty((k, k))
    observed = np.flatnonzero(Z)
    PZ = np.empty(k)
    mean, variance = np.empty(horizon), np.empty(horizon)
    for t in range(y.shape[0] + horizon):
        PZ[:] = 0.0
        for j in observed:
            for i in range(k):
                PZ[i] += Z[j] * P[i, j]
        F = Z @ PZ + H
        if t < y.shape[0]:  # update a and P with the observation
            v = y[t] - intercept[t] - Z @ a
            a = a + PZ * (v / F)
            for i in range(k):
                scale = PZ[i] / F
                for j in range(k):
                    P[i, j] -= scale * PZ[j]
        else:
            mean[t - y.shape[0]] = future_intercept[t - y.shape[0]] + Z @ a
            variance[t - y.shape[0]] = F
        a = _transition(rows, cols, vals, a, P, RQR, TP, other)
        P, other = other, P
    return mean, variance
