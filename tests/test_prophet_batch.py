"""Prophet's default model fitted for many series at once: Prophet's own inputs, a MAP at least as good as Stan's."""

import numpy as np
import pandas as pd
import pytest

from zoo.errors import ZooValueError
from zoo.forecasting import create_forecaster
from zoo.forecasting import prophet_batch as pb

prophet = pytest.importorskip("prophet")

# Each turns on different automatic seasonalities: yearly; weekly; daily; none (and 2 changepoints).
CASES = {
    "weekly": pd.date_range("2000-01-02", periods=300, freq="W"),
    "daily": pd.date_range("2020-01-01", periods=200, freq="D"),
    "hourly": pd.date_range("2020-01-01", periods=300, freq="h"),
    "short": pd.date_range("2020-01-01", periods=5, freq="MS"),
}


def _y(n, seed=0):
    t = np.arange(n)
    return 10 + 0.05 * t + np.sin(t / 7) + np.random.default_rng(seed).normal(0, 0.3, n)


def _stan_params(model, d):
    p = {k: np.asarray(model.params[k])[0] for k in ("k", "m", "delta", "beta", "sigma_obs")}
    return {"k": float(p["k"][0]), "m": float(p["m"][0]), "sigma": float(p["sigma_obs"][0]),
            "delta": p["delta"] if len(d.t_change) else np.zeros(0),  # Prophet's dummy changepoint
            "beta": p["beta"] if d.X.shape[1] else np.zeros(0)}  # Prophet's all-zero feature


@pytest.fixture(scope="module")
def fitted():
    from zoo.forecasting.base import quiet_libraries

    quiet_libraries()
    out = {}
    for name, ds in CASES.items():
        y = _y(len(ds))
        model = prophet.Prophet(uncertainty_samples=300).fit(pd.DataFrame({"ds": ds, "y": y}))
        out[name] = (ds, y, model)
    return out


@pytest.mark.parametrize("name", list(CASES))
def test_design_is_what_prophet_gives_stan(name, fitted):
    ds, y, model = fitted[name]
    inputs = prophet.Prophet().preprocess(pd.DataFrame({"ds": ds, "y": y}))
    d = pb.design(ds, y)
    np.testing.assert_allclose(d.t, inputs.t, rtol=0, atol=1e-12)
    np.testing.assert_allclose(d.y, inputs.y, rtol=0, atol=1e-12)
    np.testing.assert_allclose(d.t_change, model.changepoints_t if len(model.changepoints) else [], atol=1e-12)
    X = np.asarray(inputs.X)
    X = X[:, :0] if list(inputs.X.columns) == ["zeros"] else X
    assert X.shape == d.X.shape
    np.testing.assert_allclose(d.X, X, rtol=0, atol=1e-9)
    assert len(d.seasonalities) == len(model.seasonalities)


@pytest.mark.parametrize("name", ["weekly", "daily", "hourly"])  # 5 points and 5 coefficients have no MAP
def test_map_is_at_least_as_good_as_stans(name, fitted):
    ds, y, model = fitted[name]
    d = pb.design(ds, y)
    stan = _stan_params(model, d)
    # The objective is Stan's log density, lp__ (Stan prints it to 7 significant digits).
    lp = model.stan_fit.optimized_params_dict["lp__"]
    assert -pb.objective(d, stan) == pytest.approx(lp, rel=1e-6, abs=1e-3)
    ours = pb.fit_map([d])[0]
    assert pb.objective(d, ours) <= pb.objective(d, stan) + 1e-6
    # ... and the same fit: close parameters, not a different optimum.
    assert ours["sigma"] == pytest.approx(stan["sigma"], rel=0.05)


def test_many_series_at_once_equal_each_alone(fitted):
    designs = [pb.design(ds, y) for name, (ds, y, _) in fitted.items() if name != "short"]
    together = pb.fit_map(designs)
    for d, p in zip(designs, together):
        alone = pb.fit_map([d])[0]
        assert pb.objective(d, p) == pytest.approx(pb.objective(d, alone), abs=1e-7)


@pytest.mark.parametrize("name", ["weekly", "hourly", "short"])
def test_forecast_is_prophets_predict(name, fitted):
    """Same parameters in, Prophet's predict out: mean and the simulated interval, draw for draw."""
    ds, y, model = fitted[name]
    d = pb.design(ds, y)
    future = pd.DataFrame({"ds": pd.date_range(ds[-1], periods=13, freq=ds.freq)[1:]})
    np.random.seed(0)
    ref = model.predict(future)
    mean, lower, upper = pb.forecast(d, _stan_params(model, d), future["ds"], level=80, samples=300)
    np.testing.assert_allclose(mean, ref["yhat"], rtol=1e-10)
    np.testing.assert_allclose(lower, ref["yhat_lower"], rtol=1e-10)
    np.testing.assert_allclose(upper, ref["yhat_upper"], rtol=1e-10)


def test_as_many_coefficients_as_points_still_forecasts(fitted):
    ds, y, _ = fitted["short"]
    d = pb.design(ds, y)
    p = pb.fit_map([d])[0]
    mean, lower, upper = pb.forecast(d, p, pd.date_range("2020-06-01", periods=3, freq="MS"))
    assert np.isfinite([mean, lower, upper]).all() and (lower <= mean).all() and (mean <= upper).all()
    assert p["sigma"] >= 1e-9


def test_constant_series_is_prophets_flat_line():
    ds = pd.date_range("2020-01-01", periods=30, freq="D")
    d = pb.design(ds, np.full(30, 4.0))
    p = pb.fit_map([d])[0]
    mean, lower, upper = pb.forecast(d, p, pd.date_range("2020-01-31", periods=5, freq="D"))
    np.testing.assert_allclose(mean, 4.0)
    np.testing.assert_allclose([lower, upper], 4.0, atol=1e-6)


def _frame(n=120, uids=("a", "b")):
    return pd.concat([pd.DataFrame({"unique_id": u, "ds": pd.date_range("2015-01-04", periods=n, freq="W"),
                                    "y": _y(n, seed=i) * (i + 1)}) for i, u in enumerate(uids)], ignore_index=True)


def test_forecaster_picks_the_engine_and_says_why_not():
    df = _frame()
    model = create_forecaster("prophet", uncertainty_samples=50).fit(df)
    assert model.engine_ == "batch"
    with_x = df.assign(promo=np.arange(len(df)) % 2)
    assert create_forecaster("prophet", uncertainty_samples=50).fit(with_x).engine_ == "stan"
    with pytest.raises(ZooValueError, match="extra regressor columns.*engine='stan'"):
        create_forecaster("prophet", engine="batch").fit(with_x)
    with pytest.raises(ZooValueError, match="seasonality_mode"):
        create_forecaster("prophet", engine="batch",
                          prophet_kwargs={"seasonality_mode": "multiplicative"}).fit(df)
    with pytest.raises(ZooValueError, match="'engine' must be one of auto, batch, stan"):
        create_forecaster("prophet", engine="fast").fit(df)


def test_batch_and_stan_engines_forecast_alike():
    df = _frame()
    kw = {"uncertainty_samples": 200, "prophet_kwargs": {"changepoint_prior_scale": 0.1}}
    batch = create_forecaster("prophet", **kw).fit(df).predict(8)
    stan = create_forecaster("prophet", engine="stan", **kw).fit(df).predict(8)
    assert batch[["unique_id", "ds"]].equals(stan[["unique_id", "ds"]])
    scale = df.groupby("unique_id")["y"].mean().reindex(batch["unique_id"]).to_numpy()
    assert (np.abs(batch["yhat"] - stan["yhat"]) / scale).max() < 0.02
    width = (batch["yhat_upper"] - batch["yhat_lower"]) / (stan["yhat_upper"] - stan["yhat_lower"])
    assert width.between(0.8, 1.25).all()
