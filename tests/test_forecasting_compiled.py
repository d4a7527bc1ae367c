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


def test_compiled_root_check_is_numpys(rng, monkeypatch):
    """Stationarity/invertibility: the compiled check agrees with np.roots, seasonal polynomials included."""
    from zoo.forecasting.arima import _polys, _roots_ok

    polys = [np.array([1.0]), np.array([1.0, 0.0, 0.0]), np.array([1.0, -1.0]), np.array([1.0, -0.9995])]
    for _ in range(200):
        polys.extend(_polys(rng.uniform(-1.2, 1.2, 4), 1, 1, 1, 1, 12))
    fast = [_roots_ok(p) for p in polys]
    monkeypatch.setattr(compiled, "AVAILABLE", False)
    assert fast == [_roots_ok(p) for p in polys]
    assert True in fast and False in fast
