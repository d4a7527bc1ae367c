"""The compiled (numba) likelihoods give statsmodels' ETS fits and css_fit's ARIMA fits, only faster."""

import numpy as np
import pytest

from zoo.forecasting import compiled

ETS_CASES = {  # code -> (error, trend, damped, seasonal, initialization)
    "ANN": ("add", None, False, None, "estimated"),
    "AAdN": ("add", "add", True, None, "estimated"),
    "MNN": ("mul", None, False, None, "estimated"),
    "MAdN": ("mul", "add", True, None, "estimated"),
    "ANA estimated": ("add", None, False, "add", "estimated"),
    "AAdA heuristic": ("add", "add", True, "add", "heuristic"),
    "MNM heuristic": ("mul", None, False, "mul", "heuristic"),
    "MAdM estimated": ("mul", "add", True, "mul", "estimated"),
}


def _series(rng, n=96, m=4):
    t = np.arange(n)
    return 50 + 0.3 * t + 6 * np.sin(2 * np.pi * t / m) + np.cumsum(rng.normal(0, 0.8, n))


def _model(y, error, trend, damped, seasonal, initialization, m=4):
    from statsmodels.tsa.exponential_smoothing.ets import ETSModel

    return ETSModel(y, error=error, trend=trend, damped_trend=damped, seasonal=seasonal,
                    seasonal_periods=m if seasonal else None, initialization_method=initialization)


@pytest.mark.parametrize("case", sorted(ETS_CASES))
def test_compiled_ets_likelihood_is_statsmodels(case, rng):
    """At the same parameters the compiled loop gives statsmodels' log-likelihood."""
    model = _model(_series(rng), *ETS_CASES[case])
    params = model.start_params + 0.01
    internal = model._internal_params(params)
    internal[1] = internal[1] / internal[0]  # the loop takes beta/alpha and gamma/(1 - alpha)
    internal[2] = internal[2] / (1 - internal[0])
    kinds = (model.trend == "mul", model.seasonal == "mul", model.error == "mul")
    llf = compiled._loglike(internal, np.asarray(model.endog, dtype="float64"), *kinds)
    assert llf == pytest.approx(model.loglike(params), rel=1e-10)


@pytest.mark.parametrize("case", sorted(ETS_CASES))
def test_compiled_ets_fit_is_statsmodels_fit(case, rng):
    """The same L-BFGS-B run: statsmodels' likelihood at the end, to the optimiser's tolerance.

    The two loops round differently (the compiled one sums in order, statsmodels' ``np.mean`` pairwise), so
    a long run can take a slightly different last step: on M4 Weekly 0.3-0.9 of the fits end on the same
    parameters to 1e-6, the rest on either side of statsmodels' likelihood, the scores unchanged."""
    y = _series(rng)
    expected = _model(y, *ETS_CASES[case]).fit(disp=False, maxiter=200, return_params=True)
    model = _model(y, *ETS_CASES[case])
    params = compiled.ets_fit(model, maxiter=200)
    assert params.shape == expected.shape
    assert model.loglike(params) == pytest.approx(model.loglike(expected), abs=0.01)
    smoothing = slice(0, 2 + bool(ETS_CASES[case][1]) + ETS_CASES[case][2])  # alpha (beta, phi) and the level
    np.testing.assert_allclose(params[smoothing], expected[smoothing], rtol=0.02, atol=0.01)


def _spec_cases():
    for m, n in [(4, 96), (12, 60), (24, 80), (7, 15), (3, 9), (12, 30)]:
        for error in ("add", "mul"):
            for trend, damped in [(None, False), ("add", False), ("add", True), ("mul", True)]:
                for seasonal in (None, "add", "mul"):
                    for initialization in ("estimated", "heuristic"):
                        yield m, n, dict(error=error, trend=trend, damped_trend=damped, seasonal=seasonal,
                                         seasonal_periods=m if seasonal else None,
                                         initialization_method=initialization)


def test_ets_spec_is_statsmodels_set_up(rng):
    """EtsSpec gives ETSModel's parameter names, start, bounds and internal layout (initial states by the
    heuristic or the simple method, whichever statsmodels picks for the length), and raises where it
    raises: 288 models, periods 3 to 24, series of 9 to 96 values."""
    from statsmodels.tsa.exponential_smoothing.ets import ETSModel

    from zoo.forecasting.ets_spec import EtsSpec

    checked = raised = 0
    for m, n, kwargs in _spec_cases():
        y = _series(rng, n=n, m=m)
        try:
            reference = ETSModel(y, **kwargs)
        except ValueError:
            with pytest.raises(ValueError):
                EtsSpec(y, **kwargs)
            raised += 1
            continue
        spec = EtsSpec(y, **kwargs)
        assert spec.param_names == reference.param_names and spec.k_params == reference.k_params
        assert spec.short_name == reference.short_name
        start = spec._convert_and_bound_start_params(spec.start_params)
        np.testing.assert_allclose(start, reference._convert_and_bound_start_params(reference.start_params),
                                   rtol=1e-10, atol=1e-10)
        np.testing.assert_allclose(spec._setup_bounds(), reference._setup_bounds(), rtol=1e-10, atol=1e-10)
        params = reference.start_params + 0.01
        np.testing.assert_allclose(spec._internal_params(params), reference._internal_params(params), rtol=1e-10,
                                   atol=1e-10)
        np.testing.assert_array_equal(spec._model_params(start), reference._model_params(start))
        checked += 1
    assert checked == 248 and raised == 40


@pytest.mark.parametrize("case", sorted(ETS_CASES))
def test_ets_fit_from_the_spec_is_the_fit_from_statsmodels_model(case, rng):
    """compiled.ets_fit and ets_forecast give the same numbers from an EtsSpec as from an ETSModel."""
    from zoo.forecasting.ets_spec import EtsSpec

    y = _series(rng)
    error, trend, damped, seasonal, initialization = ETS_CASES[case]
    spec = EtsSpec(y, error=error, trend=trend, damped_trend=damped, seasonal=seasonal,
                   seasonal_periods=4 if seasonal else None, initialization_method=initialization)
    model = _model(y, *ETS_CASES[case])
    params = compiled.ets_fit(spec)
    # The heuristic states differ from statsmodels' pandas rolling mean in the last bits, which L-BFGS-B can
    # carry a little way in a flat likelihood: the same optimum, to its tolerance.
    expected = compiled.ets_fit(model)
    assert model.loglike(params) == pytest.approx(model.loglike(expected), abs=1e-6)
    np.testing.assert_allclose(params, expected, rtol=1e-3, atol=1e-4)
    assert compiled.ets_loglike(spec, params) == pytest.approx(model.loglike(params), rel=1e-12)
    for ours, theirs in zip(compiled.ets_forecast(spec, params, 6, 0.05), compiled.ets_forecast(model, params, 6, 0.05)):
        np.testing.assert_allclose(ours, theirs, rtol=1e-12)


@pytest.mark.parametrize("kinds", [(False, False, False), (False, False, True), (True, True, True), (False, True, False)])
def test_compiled_ets_objective_is_one_loglike_per_point(kinds, rng):
    """The objective evaluates the point and its k forward steps in one loop: the same values, to the bit,
    as k + 1 calls of the single-point likelihood."""
    y = np.abs(_series(rng)) + 10
    template = np.array([0.3, 0.2, 0.1, 0.9, y[0], 1.01 if kinds[0] else 0.5, 1.1, 0.9, 1.05, 1.0])
    if not kinds[1]:
        template[6:] = [2.0, -1.0, 0.5, 0.0]
    free = np.array([0, 1, 2, 3, 4, 5, 6, 7, 8])
    lower = np.array([1e-4, 1e-4, 1e-4, 0.8] + [-np.inf] * 5)
    upper = np.array([0.9999, 0.9999, 0.9999, 0.9] + [np.inf] * 5)  # phi at its upper bound: a backward step
    x = template[free].copy()
    value, grad = compiled._objective(x, lower, upper, template, free, y, *kinds)
    assert value == -compiled._loglike(template, y, *kinds) / len(y)
    for k in range(len(x)):
        h = compiled.EPSILON if x[k] + compiled.EPSILON <= upper[k] else -compiled.EPSILON
        stepped = template.copy()
        stepped[free[k]] = x[k] + h
        expected = (-compiled._loglike(stepped, y, *kinds) / len(y) - value) / ((x[k] + h) - x[k])
        assert grad[k] == expected


def test_lbfgsb_is_scipys_run(monkeypatch):
    """Driving scipy's L-BFGS-B routine directly gives fmin_l_bfgs_b's iterates: at its optimum, at an
    iteration cap and with bounds of every kind; where the routine is missing, fmin_l_bfgs_b itself."""
    from scipy.optimize import fmin_l_bfgs_b, rosen, rosen_der

    def fun(x):
        return rosen(x), rosen_der(x)

    x0 = np.array([-1.2, 1.0, 0.3, 2.0])
    lower = np.array([-np.inf, 0.5, -np.inf, -1.0])
    upper = np.array([np.inf, np.inf, 0.8, 1.5])
    bounds = list(zip(lower, upper))
    for maxiter in (5, 200):
        expected = fmin_l_bfgs_b(fun, x0, bounds=bounds, maxiter=maxiter)[0]
        np.testing.assert_array_equal(compiled.lbfgsb(fun, x0, lower, upper, maxiter=maxiter), expected)
    from scipy.optimize import _lbfgsb

    expected = fmin_l_bfgs_b(fun, x0, bounds=bounds, maxiter=200)[0]
    real, refused = _lbfgsb.setulb, []

    def changed(*args):  # a scipy whose routine takes other arguments: the first call fails
        if not refused:
            refused.append(args)
            raise TypeError("setulb() takes 18 positional arguments")
        return real(*args)

    monkeypatch.setattr(_lbfgsb, "setulb", changed)
    np.testing.assert_array_equal(compiled.lbfgsb(fun, x0, lower, upper, maxiter=200), expected)
    assert refused


def test_ets_forecaster_without_numba_gives_the_same_forecasts(rng, monkeypatch):
    """Where numba is missing, ETS falls back to statsmodels' own fit, with the same result."""
    import pandas as pd

    from zoo.forecasting.ets import ETS

    df = pd.DataFrame({"unique_id": "s", "ds": pd.date_range("2015-01-01", periods=96, freq="QS"),
                       "y": _series(rng)})
    fast = ETS(season_length=4).fit(df)
    monkeypatch.setattr(compiled, "AVAILABLE", False)
    slow = ETS(season_length=4).fit(df)
    assert fast.states_["s"]["code"] == slow.states_["s"]["code"]
    np.testing.assert_allclose(fast.predict(8)["yhat"], slow.predict(8)["yhat"], rtol=1e-3)


@pytest.mark.parametrize("orders", [(2, 2, 0, 0, 1), (1, 1, 1, 1, 4), (0, 1, 0, 2, 12), (3, 0, 2, 0, 24)])
def test_compiled_css_objective_and_its_gradient(orders, rng):
    """log(SSE / n_eff) of the ARMA residuals (lfilter's), and a gradient equal to finite differences."""
    from scipy.signal import lfilter

    from zoo.forecasting.arima import _polys

    p, q, P, Q, m = orders
    u, ncond = rng.normal(size=400), p + P * m
    x = rng.uniform(-0.3, 0.3, p + q + P + Q)

    def objective(params):
        ar, ma = _polys(params, p, q, P, Q, m)
        e = lfilter(ar, ma, u)[ncond:]
        return np.log(e @ e / len(e))

    value, grad = compiled.css_objective(x, u, p, q, P, Q, m, ncond)
    assert value == pytest.approx(objective(x), rel=1e-12)
    steps = np.eye(len(x)) * 1e-6
    numeric = [(objective(x + h) - objective(x - h)) / 2e-6 for h in steps]
    np.testing.assert_allclose(grad, numeric, rtol=1e-5, atol=1e-8)


def test_css_series_are_the_textbook_filters(rng):
    """The objective's five series (1/ma as 1/theta then 1/Theta(B^m), e from g_phi, the theta and Theta
    derivatives with their common factor cancelled) equal the general formulas' lfilter calls over the full
    ar(B) and ma(B), compiled and without numba."""
    from scipy.signal import lfilter

    from zoo.forecasting.arima import _polys

    for _ in range(60):
        m = int(rng.choice([1, 4, 12]))
        p, q = (int(v) for v in rng.integers(0, 4, 2))
        P, Q = (int(v) for v in rng.integers(0, 3, 2)) if m > 1 else (0, 0)
        params = rng.uniform(-0.4, 0.4, p + q + P + Q)
        phi, theta = params[:p], params[p:p + q]
        sphi, stheta = params[p + q:p + q + P], params[p + q + P:]
        ar, ma = _polys(params, p, q, P, Q, m)
        u = rng.normal(size=int(rng.integers(5, 300)))
        e = lfilter(ar, ma, u)
        expected = [lfilter(compiled.seasonal_poly(sphi, m, -1.0), ma, u), lfilter(np.r_[1.0, -phi], ma, u), e,
                    lfilter(compiled.seasonal_poly(stheta, m, 1.0), ma, e), lfilter(np.r_[1.0, theta], ma, e)]
        for row, name in enumerate(("g_phi", "g_Phi", "e", "e / theta", "e / Theta")):
            if name == "g_Phi" and not P:
                continue  # computed only where a seasonal AR reads it
            got = compiled._css_series(u, phi, theta, sphi, stheta, m)[row]
            np.testing.assert_allclose(got, expected[row], rtol=1e-10, atol=1e-12, err_msg=name)
        for a, b in zip(compiled._css_series_scipy(u, phi, theta, sphi, stheta, m), expected):  # without numba
            np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-12)


def test_css_fit_without_numba_finds_the_same_minimum(rng, monkeypatch):
    from scipy.signal import lfilter

    from zoo.forecasting.arima import _polys, css_fit

    ar, ma = _polys(np.array([0.5, 0.3, 0.4, 0.2]), 1, 1, 1, 1, 4)
    u = lfilter(ma, ar, rng.normal(size=2000))[200:]
    fast = css_fit(u, 1, 1, 1, 1, 4)
    monkeypatch.setattr(compiled, "AVAILABLE", False)
    slow = css_fit(u, 1, 1, 1, 1, 4)
    np.testing.assert_allclose(fast[0], slow[0], atol=1e-5)
    assert fast[1] == pytest.approx(slow[1], rel=1e-8) and fast[2] == slow[2]


@pytest.mark.parametrize("case", sorted(ETS_CASES))
def test_compiled_ets_forecast_is_statsmodels_prediction(case, rng):
    """Mean and interval of ``smooth(params).get_prediction(..., rng=0)``: analytic where statsmodels has the
    formula, else the same 1,000 seeded paths."""
    import pandas as pd

    y = _series(rng)
    model = _model(y, *ETS_CASES[case])
    params = model.fit(disp=False, maxiter=200, return_params=True)
    n, horizon = model.nobs, 8
    reference = _model(pd.Series(y), *ETS_CASES[case]).smooth(params)  # its prediction results need an index
    frame = reference.get_prediction(start=n, end=n + horizon - 1, rng=0).summary_frame(alpha=0.05)
    mean, lower, upper = compiled.ets_forecast(model, params, horizon, 0.05)
    np.testing.assert_allclose(mean, frame["mean"], rtol=1e-9)
    np.testing.assert_allclose(lower, frame["pi_lower"], rtol=1e-9)
    np.testing.assert_allclose(upper, frame["pi_upper"], rtol=1e-9)


def test_compiled_root_check_is_numpys(rng):
    """The compiled root check agrees with NumPy's np.roots (the same function uncompiled)."""
    polys = [np.array([1.0]), np.array([1.0, 0.0, 0.0]), np.array([1.0, -1.0]), np.array([1.0, -0.9995])]
    polys += [np.r_[1.0, rng.uniform(-1.5, 1.5, k)] for k in (1, 2, 3, 5) for _ in range(50)]
    fast = [compiled.roots_outside(p, 1.001) for p in polys]
    assert fast == [compiled.roots_outside.py_func(p, 1.001) for p in polys]
    assert True in fast and False in fast


@pytest.mark.parametrize("orders", [(1, 1, 1, 1, 12), (2, 0, 1, 0, 4), (0, 2, 0, 2, 24), (3, 2, 0, 0, 1)])
def test_arma_root_check_by_factors_is_the_check_of_the_full_polynomials(orders, rng):
    """phi, theta, Phi and Theta checked one by one (the seasonal ones against 1.001^m) give the answer of
    np.roots on the full ar(B) = phi(B) Phi(B^m) and ma(B) = theta(B) Theta(B^m)."""
    from zoo.forecasting.arima import _polys

    def outside(poly):
        coefs = np.trim_zeros(poly, "b")
        return len(coefs) <= 1 or bool(np.all(np.abs(np.roots(coefs[::-1])) > 1.001))

    p, q, P, Q, m = orders
    answers = []
    for _ in range(200):
        params = rng.uniform(-1.3, 1.3, p + q + P + Q)
        ar, ma = _polys(params, p, q, P, Q, m)
        answers.append(outside(ar) and outside(ma))
        assert compiled.arma_roots_outside(params, p, q, P, Q, m, 1.001) == answers[-1]
    assert True in answers and False in answers


def _sarimax_state(order, seasonal_order, drift, rng):
    k = order[0] + order[2] + seasonal_order[0] + seasonal_order[2]
    return {"order": (order[0], order[2], seasonal_order[0], seasonal_order[2]), "d": order[1],
            "D": seasonal_order[1], "m": max(seasonal_order[3], 1), "include_mean": drift,
            "beta": np.array([0.8] if drift else []), "arma": rng.uniform(-0.5, 0.5, k), "sigma2": 25.0}


def _sarimax(y, X, state):
    from statsmodels.tsa.statespace.sarimax import SARIMAX

    p, q, P, Q = state["order"]
    seasonal_order = (P, state["D"], Q, state["m"]) if state["m"] > 1 else (0, 0, 0, 0)
    model = SARIMAX(y, exog=X, order=(p, state["d"], q), seasonal_order=seasonal_order, trend="n",
                    enforce_stationarity=False, enforce_invertibility=False)
    return model, np.r_[state["beta"], state["arma"], state["sigma2"]]


def test_arima_state_space_is_sarimax_state_space(rng):
    """state_space builds SARIMAX's own design, transition and selection (and the initial variance is SARIMAX's
    approximate-diffuse one) for every order mix: differences d and D, seasonal AR and MA, periods 1 to 24."""
    from zoo.forecasting.arima import state_space

    y = np.cumsum(rng.normal(size=80))
    for order, seasonal_order in [((0, 0, 0), (0, 0, 0, 0)), ((2, 1, 1), (0, 0, 0, 0)), ((0, 2, 3), (0, 0, 0, 0)),
                                  ((1, 1, 1), (0, 1, 1, 12)), ((2, 1, 2), (1, 1, 1, 12)), ((0, 0, 0), (0, 1, 0, 4)),
                                  ((1, 0, 1), (2, 0, 2, 4)), ((2, 0, 0), (0, 1, 2, 24)), ((0, 1, 0), (1, 1, 0, 7)),
                                  ((3, 2, 0), (0, 1, 1, 4)), ((0, 0, 2), (2, 0, 0, 3))]:
        state = _sarimax_state(order, seasonal_order, False, rng)
        model, params = _sarimax(y, None, state)
        model.update(params)
        Z, T, R = state_space(state)
        np.testing.assert_array_equal(Z, model.ssm["design"][0])
        np.testing.assert_allclose(T, model.ssm["transition"], rtol=1e-15, atol=0)
        np.testing.assert_allclose(R, model.ssm["selection"][:, 0], rtol=1e-15, atol=0)
        assert model.ssm.initialization.initialization_type == "approximate_diffuse"
        assert model.ssm.initialization.approximate_diffuse_variance == 1e6


@pytest.mark.parametrize("orders", [((1, 1, 1), (0, 1, 1, 12), True), ((2, 1, 2), (1, 1, 1, 12), False),
                                    ((0, 1, 1), (0, 0, 0, 0), True), ((1, 0, 1), (2, 0, 2, 4), True),
                                    ((2, 0, 0), (0, 1, 2, 24), False)])
def test_compiled_kalman_forecast_is_sarimax_forecast(orders, rng):
    """The compiled filter over state_space: SARIMAX's get_forecast mean and variance, with and without a
    regression, seasonal or not."""
    from zoo.forecasting.arima import sarimax_forecast

    order, seasonal_order, drift = orders
    n, horizon = 150, 12
    t = np.arange(n + horizon, dtype="float64")
    y = 500 + 40 * np.sin(2 * np.pi * t[:n] / 12) + np.cumsum(rng.normal(0, 5, n))
    X, X_future = (t[:n, None], t[n:, None]) if drift else (None, None)
    state = _sarimax_state(order, seasonal_order, drift, rng)
    model, params = _sarimax(y, X, state)
    frame = model.filter(params, cov_type="none").get_forecast(horizon, exog=X_future).summary_frame()
    mean, variance = sarimax_forecast(y, state, horizon, None if X is None else X[:, 0] * 0.8,
                                      None if X_future is None else X_future[:, 0] * 0.8)
    np.testing.assert_allclose(mean, frame["mean"], rtol=1e-9)
    np.testing.assert_allclose(np.sqrt(variance), frame["mean_se"], rtol=1e-8)


def test_arima_kalman_forecast_without_numba_is_the_same(rng, monkeypatch):
    """AutoARIMA's exact forecast (series whose CSS residuals have not settled) is SARIMAX's with or without
    numba: mean and interval."""
    from zoo.forecasting.arima import AutoARIMA

    y = 300 + 20 * np.sin(2 * np.pi * np.arange(120) / 12) + np.cumsum(rng.normal(0, 3, 120))
    state = {"order": (1, 1, 0, 1), "d": 1, "D": 1, "m": 12, "include_mean": False, "beta": np.zeros(0),
             "arma": np.array([0.3, -0.2, -0.9]), "sigma2": 9.0}
    model = AutoARIMA(season_length=12)
    fast = model._kalman_forecast(state, y, 18, None)
    monkeypatch.setattr(compiled, "AVAILABLE", False)
    slow = model._kalman_forecast(state, y, 18, None)
    for a, b in zip(fast, slow):
        np.testing.assert_allclose(a, b, rtol=1e-9)


def test_multiplicative_error_likelihood_keeps_extreme_forecasts_finite():
    """The sum of log|yhat| runs as a product with periodic logs: equal to the step-by-step sum, also where
    |yhat| reaches 1e150 (each such step adds its own log, so the product cannot overflow)."""
    y = np.r_[np.full(30, 1e150), np.full(30, 1e-150), np.linspace(1.0, 50.0, 60)]
    full = np.array([0.5, 0.0, 0.0, 1.0, 1e150, 0.0, 0.0])  # MNN: alpha 0.5, level 1e150 to start
    sse, logs, _ = compiled._smooth(full, y, False, False, True)
    level, expected = full[4], 0.0
    for value in y:  # the same recursion, a log per step
        expected += np.log(abs(level))
        level = level + 0.5 * level * ((value - level) / level)
    assert np.isfinite(logs) and logs == pytest.approx(expected, rel=1e-12)
    fulls = np.vstack([full, full])
    assert np.array_equal(compiled._smooth_rows(fulls, y, False, False, True)[1], np.array([logs, logs]))


def test_compiled_stl_is_statsmodels_stl(rng):
    """stl.decompose gives statsmodels' STL season and trend: default and odd windows, degrees 0 and 1,
    LOESS jumps, periods from 2 to 52, series from barely two seasons long."""
    from statsmodels.tsa.seasonal import STL

    from zoo.forecasting import stl

    for trial in range(60):
        m = int(rng.choice([2, 4, 7, 12, 24, 52]))
        n = int(rng.integers(2 * m + 1, 8 * m + 40))
        t = np.arange(n)
        y = 50 + np.cumsum(rng.normal(size=n)) + 5 * np.sin(2 * np.pi * t / m)
        config = STL(y, period=m).config
        windows = (int(rng.choice([3, 7, 13, 101])) if trial % 3 == 0 else config["seasonal"],
                   config["trend"], config["low_pass"])
        jumps = tuple(int(j) for j in rng.integers(1, 8, 3)) if trial % 2 else (1, 1, 1)
        degrees = tuple(int(d) for d in rng.integers(0, 2, 3))
        expected = STL(y, period=m, seasonal=windows[0], trend=windows[1], low_pass=windows[2],
                       seasonal_deg=degrees[0], trend_deg=degrees[1], low_pass_deg=degrees[2],
                       seasonal_jump=jumps[0], trend_jump=jumps[1], low_pass_jump=jumps[2]).fit()
        seasonal, trend = stl.decompose(y, m, windows, jumps, degrees)
        np.testing.assert_allclose(seasonal, expected.seasonal, rtol=0, atol=1e-10 * np.max(np.abs(y)))
        np.testing.assert_allclose(trend, expected.trend, rtol=0, atol=1e-10 * np.max(np.abs(y)))


def test_nsdiffs_without_numba_is_the_same(rng, monkeypatch):
    """nsdiffs' seasonal strength from the compiled STL or from statsmodels': the same answers."""
    from zoo.forecasting.arima import nsdiffs

    series = [50 + np.cumsum(rng.normal(size=120)) + a * np.sin(2 * np.pi * np.arange(120) / 12)
              for a in (0.0, 1.0, 3.0, 10.0, 30.0)]
    fast = [nsdiffs(y, 12) for y in series]
    monkeypatch.setattr(compiled, "AVAILABLE", False)
    assert [nsdiffs(y, 12) for y in series] == fast
    assert 0 in fast and 1 in fast


def test_kpss_pvalue_is_statsmodels(rng):
    """ndiffs' KPSS p-value: statsmodels' own number (the same operations), inside and outside its table."""
    import warnings

    from statsmodels.tsa.stattools import kpss

    from zoo.forecasting.arima import kpss_pvalue

    values = []
    for _ in range(200):
        n = int(rng.integers(12, 600))
        x = np.cumsum(rng.normal(size=n)) * rng.uniform(0, 1) + rng.normal(size=n)
        nlags = max(1, int(4 * (n / 100) ** 0.25))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            expected = kpss(x, regression="c", nlags=nlags)[1]
        assert kpss_pvalue(x, nlags) == expected
        values.append(expected)
    assert {0.01, 0.10} <= set(values) and any(0.01 < v < 0.10 for v in values)
    with pytest.raises(ValueError, match="lags"):
        kpss_pvalue(np.arange(5.0), 5)


def test_ma_root_by_factors_is_the_root_of_the_product(rng):
    """residuals_settled's largest inverse MA root, factor by factor: np.roots' of the full ma(B) polynomial."""
    from zoo.forecasting.arima import _polys

    for _ in range(300):
        p, q, P, Q = (int(v) for v in rng.integers(0, 3, 4))
        m = int(rng.choice([1, 4, 12])) if P + Q else 1
        params = rng.uniform(-0.9, 0.9, p + q + P + Q)
        _, ma = _polys(params, p, q, P, Q, m)
        coefs = np.trim_zeros(ma, "b")
        expected = float(np.max(1.0 / np.abs(np.roots(coefs[::-1])))) if len(coefs) > 1 else 0.0
        assert compiled.ma_largest_inverse_root(params, p, q, P, Q, m) == pytest.approx(expected, rel=1e-7)
