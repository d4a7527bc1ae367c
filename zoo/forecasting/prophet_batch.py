"""Prophet's own model, fitted for many series at once: its exact MAP without a Stan process per series.

Prophet's default model (a linear trend with changepoints plus additive Fourier seasonalities,
Taylor & Letham 2018) is linear in its parameters ``k, m, delta, beta``. Its Stan program's log
density, the objective Prophet's ``optimize`` call maximises (no Jacobian; equal to Stan's ``lp__``
to its printed digits), is therefore, with ``sigma`` the noise scale and ``rss`` the residual sum
of squares on the scaled series:

    rss / (2 sigma^2) + T log(sigma) + (k^2 + m^2) / 50 + |delta|_1 / tau + sum(beta^2 / (2 s^2)) + 2 sigma^2

For a fixed ``sigma`` that is a lasso problem (Laplace prior on the changepoint deltas, Gaussian
priors on the rest) on at most ``2 + n_changepoints + 2 * orders`` columns, so every series is
solved at once on its Gram matrix: ADMM finds which deltas are zero, then the support is polished
by exact solves until the lasso's optimality conditions hold; ``sigma`` has a closed form given
the residuals, and the two alternate. Series whose polish is not certified get more ADMM steps
and another polish. Stan's L-BFGS cannot set a Laplace-prior delta exactly to zero, so this
reaches a higher posterior density than Prophet's own fit (on all 359 M4 Weekly series:
``benchmarks/prophet_engines.py``), and forecasts differ from Prophet's by the gap between the
two optima. Everything else is Prophet's: the scaling (``absmax``), changepoint grid, automatic
seasonalities and interval simulation, with the same random draws in the same order.

Only that default model is covered; :func:`unsupported` says why a configuration is not (then
``ProphetForecaster`` runs Prophet itself).

Example:
    >>> designs = [design(ds, y) for ds, y in series]
    >>> params = fit_map(designs)
    >>> mean, lower, upper = forecast(designs[0], params[0], ds_future)
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

# prophet.Prophet arguments this engine reproduces, with their Prophet defaults.
DEFAULTS = {
    "growth": "linear",
    "seasonality_mode": "additive",
    "n_changepoints": 25,
    "changepoint_range": 0.8,
    "changepoint_prior_scale": 0.05,
    "seasonality_prior_scale": 10.0,
    "yearly_seasonality": "auto",
    "weekly_seasonality": "auto",
    "daily_seasonality": "auto",
}
_DAY_NS = 86_400 * 10**9


def unsupported(prophet_kwargs: dict | None, exogenous: bool) -> str | None:
    """Why Prophet with these settings is outside this engine's model, or None when it is inside."""
    if exogenous:
        return "extra regressor columns"
    for key, value in (prophet_kwargs or {}).items():
        if key not in DEFAULTS:
            return f"prophet_kwargs[{key!r}]"
        if key in ("growth", "seasonality_mode") and value != DEFAULTS[key]:
            return f"prophet_kwargs[{key!r}] = {value!r}"
    return None


@dataclass
class Design:
    """One series as Prophet's Stan program sees it (Prophet's ``preprocess``), plus what predict needs."""

    t: np.ndarray  # time scaled to [0, 1]
    y: np.ndarray  # y / y_scale
    y_scale: float
    start: int  # first timestamp, ns
    t_scale: int  # last - first, ns
    t_change: np.ndarray  # changepoint times (scaled); empty when there are none
    seasonalities: list  # (period in days, Fourier order), Prophet's order: yearly, weekly, daily
    X: np.ndarray  # Fourier features, (T, K)
    sigmas: np.ndarray  # prior scale of each feature
    tau: float
    flat: bool  # constant history: Prophet skips the fit

    def features(self, ds_ns: np.ndarray) -> np.ndarray:
        return fourier(ds_ns, self.seasonalities)


def fourier(ds_ns: np.ndarray, seasonalities) -> np.ndarray:
    """Prophet's ``fourier_series`` columns (sin, cos per order) for every seasonality, side by side."""
    days = np.asarray(ds_ns, dtype="int64") / 1e9 / 86_400
    cols = []
    for period, order in seasonalities:
        x = 2 * np.pi * days
        for i in range(order):
            c = (i + 1) / period * x
            cols += [np.sin(c), np.cos(c)]
    return np.stack(cols, axis=1) if cols else np.zeros((len(days), 0))


def _order(setting, auto_disable: bool, default: int) -> int:
    if setting == "auto":
        return 0 if auto_disable else default
    if setting is True:
        return default
    if setting is False:
        return 0
    return int(setting)


def design(ds, y, **prophet_kwargs) -> Design:
    """Prophet's ``preprocess`` for one sorted series without NaNs: scaled data, changepoints, features."""
    opts = {**DEFAULTS, **prophet_kwargs}
    ds_ns = pd.DatetimeIndex(ds).as_unit("ns").asi8
    y = np.asarray(y, dtype="float64")
    y_scale = float(np.abs(y).max()) or 1.0
    start, t_scale = int(ds_ns[0]), int(ds_ns[-1] - ds_ns[0])
    t = (ds_ns - start) / t_scale
    hist = int(np.floor(len(y) * opts["changepoint_range"]))
    n_cp = min(int(opts["n_changepoints"]), hist - 1)
    cp_index = np.linspace(0, hist - 1, n_cp + 1).round().astype(int)[1:] if n_cp > 0 else np.zeros(0, int)
    span = t_scale
    steps = np.diff(ds_ns)
    min_step = steps[steps > 0].min()
    seasonalities = []
    for name, period, default, disable in (
        ("yearly", 365.25, 10, span < 730 * _DAY_NS),
        ("weekly", 7.0, 3, span < 14 * _DAY_NS or min_step >= 7 * _DAY_NS),
        ("daily", 1.0, 4, span < 2 * _DAY_NS or min_step >= _DAY_NS),
    ):
        order = _order(opts[f"{name}_seasonality"], disable, default)
        if order > 0:
            seasonalities.append((period, order))
    X = fourier(ds_ns, seasonalities)
    return Design(t=t, y=y / y_scale, y_scale=y_scale, start=start, t_scale=t_scale, t_change=t[cp_index],
                  seasonalities=seasonalities, X=X, sigmas=np.full(X.shape[1], float(opts["seasonality_prior_scale"])),
                  tau=float(opts["changepoint_prior_scale"]), flat=bool(y.min() == y.max()))


def objective(d: Design, p: dict) -> float:
    """Minus the log density of Prophet's Stan program at ``p`` (its ``lp__``, up to Stan's dropped constants)."""
    r = d.y - _trend(d, p, d.t) - d.X @ p["beta"]
    s = p["sigma"]
    return float(r @ r / (2 * s * s) + len(d.t) * np.log(s) + (p["k"] ** 2 + p["m"] ** 2) / 50
                 + np.abs(p["delta"]).sum() / d.tau + (p["beta"] ** 2 / (2 * d.sigmas ** 2)).sum() + 2 * s * s)


def _trend(d: Design, p: dict, t: np.ndarray) -> np.ndarray:
    # Prophet's piecewise_linear: each changepoint adds delta to the slope from its time on.
    return p["k"] * t + p["m"] + np.maximum(t[:, None] - d.t_change[None, :], 0) @ p["delta"]


def fit_map(designs: list[Design], admm_iters: int = 200, polish_rounds: int = 40, chunk: int = 2048) -> list[dict]:
    """Prophet's MAP parameters ``k, m, delta, beta, sigma`` (on the scaled series) for every design at once.

    Series are solved ``chunk`` at a time (M4 Monthly's 48,000 would otherwise hold a few GB of
    Gram matrices).
    """
    out = [None] * len(designs)
    fit = [i for i, d in enumerate(designs) if not d.flat]
    for i, d in enumerate(designs):
        if d.flat:  # as Prophet: the initial line through the first and last points, noise 1e-9
            k = (d.y[-1] - d.y[0]) / (d.t[-1] - d.t[0])
            out[i] = {"k": k, "m": d.y[0] - k * d.t[0], "delta": np.zeros(len(d.t_change)),
                      "beta": np.zeros(d.X.shape[1]), "sigma": 1e-9}
    for lo in range(0, len(fit), chunk):
        part = fit[lo:lo + chunk]
        for i, p in zip(part, _solve([designs[i] for i in part], admm_iters, polish_rounds)):
            out[i] = p
    return out


def _gram(designs):
    n = len(designs)
    s_max = max(len(d.t_change) for d in designs)
    k_max = max(d.X.shape[1] for d in designs)
    q = 2 + s_max + k_max
    G, b = np.zeros((n, q, q)), np.zeros((n, q))
    yy, T, tau = np.zeros(n), np.zeros(n), np.zeros(n)
    prior = np.ones((n, q))  # prior precision of each coefficient; padding gets 1 and stays 0
    lasso = np.zeros((n, q), bool)  # the changepoint deltas
    for i, d in enumerate(designs):
        s, k = len(d.t_change), d.X.shape[1]
        Z = np.zeros((len(d.t), q))
        Z[:, 0], Z[:, 1] = d.t, 1.0
        Z[:, 2:2 + s] = np.maximum(d.t[:, None] - d.t_change[None, :], 0)
        Z[:, 2 + s_max:2 + s_max + k] = d.X
        G[i], b[i], yy[i], T[i], tau[i] = Z.T @ Z, Z.T @ d.y, d.y @ d.y, len(d.t), d.tau
        prior[i, :2] = 1 / 25
        prior[i, 2 + s_max:2 + s_max + k] = 1 / d.sigmas ** 2
        prior[i, 2:2 + s] = 0.0
        lasso[i, 2:2 + s] = True
    return G, b, yy, T, tau, prior, lasso, s_max


def _rss(G, b, yy, theta):
    return yy - 2 * (theta * b).sum(1) + (theta * np.einsum("nij,nj->ni", G, theta)).sum(1)


def _sigma2(rss, T):
    # argmin over sigma of rss / (2 sigma^2) + T log(sigma) + 2 sigma^2; at least Prophet's 1e-9 of a
    # constant series, since with as many coefficients as points the density has no maximum (sigma -> 0).
    return np.maximum((-T + np.sqrt(T * T + 16 * np.maximum(rss, 0.0))) / 8, 1e-18)


def _objective(G, b, yy, T, tau, prior, lasso, theta, s2):
    return (_rss(G, b, yy, theta) / (2 * s2) + T * 0.5 * np.log(s2) + 0.5 * (prior * theta * theta).sum(1)
            + (np.abs(theta) * lasso).sum(1) / tau + 2 * s2)


def _plus_diag(G, diag):
    out = G.copy()
    i = np.arange(G.shape[1])
    out[:, i, i] += diag
    return out


def _admm(P, z, u, s2, iters):
    """ADMM on each lasso subproblem, the noise scale updated from the residuals every 20 steps."""
    G, b, yy, T, tau, prior, lasso, rho = P
    for _ in range(max(1, iters // 20)):
        inv = np.linalg.inv(_plus_diag(G, s2[:, None] * prior + rho[:, None] * lasso))
        cut = (s2 / tau / rho)[:, None]
        for _ in range(20):
            x = np.einsum("nij,nj->ni", inv, b + rho[:, None] * (z - u))
            v = np.where(lasso, x + u, 0.0)
            z = np.sign(v) * np.maximum(np.abs(v) - cut, 0.0)
            u = u + np.where(lasso, x, 0.0) - z
        theta = np.where(lasso, z, x)
        s2 = _sigma2(_rss(G, b, yy, theta), T)
    return theta, s2, z, u


def _polish(P, theta, s2, rounds):
    """Fix which deltas are zero and the others' signs, solve exactly, and repair that set wherever
    the lasso's optimality conditions fail (a sign flips, or a zero's gradient is too large).

    Returns the solution and whether it is certified: those conditions hold at its own sigma.
    """
    G, b, yy, T, tau, prior, lasso, _ = P
    sign = np.sign(theta) * lasso
    settled = np.zeros(len(b), bool)
    for _ in range(rounds):
        free = ~lasso | (sign != 0)
        H = _plus_diag(G, s2[:, None] * prior)
        lam = s2 / tau
        Hr = np.where(free[:, :, None] & free[:, None, :], H, 0.0)
        # Fixed zeros get a unit row; the tiny ridge keeps nearly collinear hinges solvable.
        Hr = _plus_diag(Hr, ~free + 1e-12 * np.einsum("nii->n", H)[:, None])
        new = np.linalg.solve(Hr, np.where(free, b - lam[:, None] * sign, 0.0)[..., None])[..., 0]
        grad = b - np.einsum("nij,nj->ni", H, new)
        flip = lasso & free & (np.sign(new) != sign)
        enter = lasso & ~free & (np.abs(grad) > lam[:, None] * (1 + 1e-7) + 1e-12)
        ok = ~(flip | enter).any(1)
        s2_new = _sigma2(_rss(G, b, yy, new), T)
        settled = ok & (np.abs(s2_new - s2) <= 1e-10 * s2)
        theta = np.where(ok[:, None], new, theta)
        s2 = np.where(ok, s2_new, s2)
        sign = np.where(flip, 0.0, np.where(enter, np.sign(grad), sign))
        if settled.all():
            break
    return theta, s2, settled


def _solve(designs, admm_iters, polish_rounds, retries=3):
    G, b, yy, T, tau, prior, lasso, s_max = _gram(designs)
    n, q = b.shape
    # Scaled by sigma^2, each subproblem is: 1/2 th'(G + s2 P)th - b'th + (s2 / tau) |delta|_1.
    # Start without changepoints (sigma from above: starting from an overfit, tiny sigma, the
    # alternation crawls towards a worse optimum).
    theta = np.linalg.solve(_plus_diag(G, prior + lasso * 1e6), b[..., None])[..., 0]
    s2 = _sigma2(_rss(G, b, yy, theta), T)
    # ADMM's step: a hundredth of the hinge columns' mean square. On M4 Weekly, 1 needs thousands of
    # steps to find the zeros that 0.003-0.01 find in 200.
    rho = 0.01 * (np.einsum("nii->ni", G) * lasso).sum(1) / np.maximum(lasso.sum(1), 1) + 1e-8
    z, u = np.where(lasso, theta, 0.0), np.zeros((n, q))
    todo = np.arange(n)
    for attempt in range(retries + 1):
        P = tuple(a[todo] for a in (G, b, yy, T, tau, prior, lasso, rho))
        th_a, s2_a, z[todo], u[todo] = _admm(P, z[todo], u[todo], s2[todo], admm_iters * 2 ** attempt)
        th_p, s2_p, settled = _polish(P, th_a, s2_a, polish_rounds)
        better = _objective(*P[:-1], th_p, s2_p) <= _objective(*P[:-1], th_a, s2_a)
        theta[todo] = np.where(better[:, None], th_p, th_a)
        s2[todo] = np.where(better, s2_p, s2_a)
        # Not certified yet: more ADMM steps from where these stopped, then polish again.
        todo = todo[~(settled & better)]
        if not len(todo):
            break

    params = []
    for i, d in enumerate(designs):
        s, k = len(d.t_change), d.X.shape[1]
        params.append({"k": theta[i, 0], "m": theta[i, 1], "delta": theta[i, 2:2 + s].copy(),
                       "beta": theta[i, 2 + s_max:2 + s_max + k].copy(), "sigma": float(np.sqrt(s2[i]))})
    return params


def forecast(d: Design, p: dict, ds_future, level: float = 95.0, samples: int = 1000, seed: int = 0):
    """Mean and ``level``% interval at ``ds_future``, as Prophet's ``predict`` with ``np.random.seed(seed)``.

    The intervals simulate future trend changes and noise exactly as Prophet's vectorised
    ``sample_model_vectorized`` does, drawing from ``np.random.RandomState(seed)`` in its order.
    """
    ds_ns = pd.DatetimeIndex(ds_future).as_unit("ns").asi8
    t = (ds_ns - d.start) / d.t_scale
    seasonal = d.features(ds_ns) @ p["beta"] * d.y_scale
    expected = _trend(d, p, t)
    mean = expected * d.y_scale + seasonal
    if not samples:
        nan = np.full(len(t), np.nan)
        return mean, nan, nan
    rng = np.random.RandomState(seed)
    unc = np.zeros((samples, len(t)))
    future = t > 1
    n_future = int(future.sum())
    if n_future:
        step = np.diff(t[future]).mean() if n_future > 1 else np.diff(d.t).mean()
        likelihood = max(len(d.t_change), 1) * step  # Prophet counts its dummy changepoint when there is none
        mean_delta = (np.abs(p["delta"]).mean() if len(p["delta"]) else 0.0) + 1e-8
        shift = (rng.uniform(size=(samples, n_future)) < likelihood) * rng.laplace(0, mean_delta, (samples, n_future))
        shift = (np.hstack([np.zeros((samples, 1)), shift])[:, :-1] + shift) / 2
        unc[:, ~future] = 0.0
        unc[:, future] = shift.cumsum(axis=1).cumsum(axis=1) * step
    trend = (expected[None, :] + unc) * d.y_scale
    draws = trend + seasonal[None, :] + rng.normal(0, p["sigma"], trend.shape) * d.y_scale
    lo, hi = 50 * (1 - level / 100), 50 * (1 + level / 100)
    return mean, np.percentile(draws, lo, axis=0), np.percentile(draws, hi, axis=0)
