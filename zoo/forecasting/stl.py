"""STL (Cleveland et al. 1990) without robustness weights, compiled: statsmodels' ``STL(...).fit()`` season
and trend, for ``arima.nsdiffs``' seasonal-strength test.

statsmodels' Cython STL took 0.76 ms for a 200-point monthly series and 3.7 ms for a 900-point hourly one
(R's LOESS jumps), a fifth to a quarter of auto-ARIMA's time per series. This is the same algorithm,
routine for routine (``_onestp``, ``_ss``, ``_fts``, ``_ess``, ``_est``, ``_ma`` of statsmodels'
``_stl.pyx``, itself a port of the Fortran ``stl.f``), in one numba call; a test compares the two.
Without numba, :func:`decompose` calls statsmodels.

Example:
    >>> seasonal, trend = decompose(y, period=12, windows=(7, 23, 13), jumps=(1, 3, 2))
"""

from __future__ import annotations

import numpy as np

from zoo.forecasting import compiled


@compiled._njit
def _est(y, n, length, deg, xs, nleft, nright, w):
    """The LOESS value at ``xs`` (1-based) from points ``nleft..nright`` (1-based), or NaN without weight."""
    rng = n - 1.0
    h = float(max(xs - nleft, nright - xs))
    if length > n:
        h += (length - n) // 2
    h9, h1 = 0.999 * h, 0.001 * h
    a = 0.0
    for j in range(nleft - 1, nright):
        w[j] = 0.0
        r = abs(j + 1 - xs)
        if r <= h9:
            if r <= h1:
                w[j] = 1.0
            else:  # the tricube weight, by products (a pow call took most of the time)
                q = r / h
                u = 1.0 - q * q * q
                w[j] = u * u * u
            a += w[j]
    if a <= 0:
        return np.nan
    for j in range(nleft - 1, nright):
        w[j] /= a
    if h > 0 and deg > 0:
        a = 0.0
        for j in range(nleft - 1, nright):
            a += w[j] * (j + 1)
        b = xs - a
        c = 0.0
        for j in range(nleft - 1, nright):
            c += w[j] * (j + 1 - a) * (j + 1 - a)
        if np.sqrt(c) > 0.001 * rng:
            b /= c
            for j in range(nleft - 1, nright):
                w[j] *= b * (j + 1 - a) + 1.0
    ys = 0.0
    for j in range(nleft - 1, nright):
        ys += w[j] * y[j]
    return ys


@compiled._njit
def _ess(y, n, length, deg, jump, ys, res):
    """LOESS of ``y[:n]`` with window ``length`` into ``ys``, evaluated every ``jump`` points and
    interpolated between them."""
    if n < 2:
        ys[0] = y[0]
        return
    newnj = min(jump, n - 1)
    nleft, nright = 1, n
    if length >= n:
        for i in range(0, n, newnj):
            ys[i] = _est(y, n, length, deg, i + 1, nleft, nright, res)
            if np.isnan(ys[i]):
                ys[i] = y[i]
    elif newnj == 1:
        nsh = (length + 2) // 2
        nleft, nright = 1, length
        for i in range(n):
            if i + 1 > nsh and nright != n:
                nleft += 1
                nright += 1
            ys[i] = _est(y, n, length, deg, i + 1, nleft, nright, res)
            if np.isnan(ys[i]):
                ys[i] = y[i]
    else:
        nsh = (length + 1) // 2
        for i in range(0, n, newnj):
            if i + 1 < nsh:
                nleft, nright = 1, length
            elif i + 1 >= n - nsh + 1:
                nleft, nright = n - length + 1, n
            else:
                nleft, nright = i + 1 - nsh + 1, length + i + 1 - nsh
            ys[i] = _est(y, n, length, deg, i + 1, nleft, nright, res)
            if np.isnan(ys[i]):
                ys[i] = y[i]
    if newnj == 1:
        return
    for i in range(0, n - newnj, newnj):
        delta = (ys[i + newnj] - ys[i]) / newnj
        for j in range(i, i + newnj):
            ys[j] = ys[i] + delta * (j - i)
    k = ((n - 1) // newnj) * newnj + 1
    if k != n:
        ys[n - 1] = _est(y, n, length, deg, n, nleft, nright, res)
        if np.isnan(ys[n - 1]):
            ys[n - 1] = y[n - 1]
        if k != n - 1:
            delta = (ys[n - 1] - ys[k - 1]) / (n - k)
            for j in range(k, n):
                ys[j] = ys[k - 1] + delta * (j + 1 - k)


@compiled._njit
def _ma(x, n, length, ave):
    """Moving average of ``length`` over ``x[:n]`` into ``ave[:n - length + 1]``."""
    v = 0.0
    for i in range(length):
        v += x[i]
    ave[0] = v / length
    for j in range(1, n - length + 1):
        v += x[j + length - 1] - x[j - 1]
        ave[j] = v / length


@compiled._njit
def _stl(y, period, seasonal, trend, low_pass, seasonal_deg, trend_deg, low_pass_deg, seasonal_jump,
         trend_jump, low_pass_jump, inner_iter):
    n = y.shape[0]
    work = np.zeros((5, n + 2 * period))
    season, level = np.zeros(n), np.zeros(n)
    for _ in range(inner_iter):
        for i in range(n):
            work[0, i] = y[i] - level[i]
        # Cycle-subseries smoothing (_ss): each subseries smoothed and extended by a point at either end.
        for j in range(period):
            k = (n - (j + 1)) // period + 1
            for i in range(k):
                work[2, i] = work[0, i * period + j]
            _ess(work[2], k, seasonal, seasonal_deg, seasonal_jump, work[3, 1:], season)
            work[3, 0] = _est(work[2], k, seasonal, seasonal_deg, 0, 1, min(seasonal, k), season)
            if np.isnan(work[3, 0]):
                work[3, 0] = work[3, 1]
            work[3, k + 1] = _est(work[2], k, seasonal, seasonal_deg, k + 1, max(1, k - seasonal + 1), k, season)
            if np.isnan(work[3, k + 1]):
                work[3, k + 1] = work[3, k]
            for m in range(k + 2):
                work[1, m * period + j] = work[3, m]
        # Low-pass filter of the seasonal part (_fts), then its LOESS.
        _ma(work[1], n + 2 * period, period, work[2])
        _ma(work[2], n + period + 1, period, work[0])
        _ma(work[0], n + 2, 3, work[2])
        _ess(work[2], n, low_pass, low_pass_deg, low_pass_jump, work[0], work[4])
        for i in range(n):
            season[i] = work[1, period + i] - work[0, i]
            work[0, i] = y[i] - season[i]
        _ess(work[0], n, trend, trend_deg, trend_jump, level, work[2])
    return season, level


def decompose(y, period: int, windows: tuple, jumps: tuple = (1, 1, 1), degrees: tuple = (1, 1, 1),
              inner_iter: int = 5) -> tuple[np.ndarray, np.ndarray]:
    """``(seasonal, trend)`` of ``STL(y, period, *windows, *degrees, robust=False, *jumps).fit(inner_iter)``.

    ``windows``, ``degrees`` and ``jumps`` are (seasonal, trend, low_pass), as statsmodels names them;
    ``STL(y, period).config`` gives its default windows. Compiled where numba is installed."""
    y = np.array(y, dtype="float64")  # writeable float64: one compiled specialisation
    if not compiled.AVAILABLE:
        from statsmodels.tsa.seasonal import STL

        res = STL(y, period=period, seasonal=windows[0], trend=windows[1], low_pass=windows[2],
                  seasonal_deg=degrees[0], trend_deg=degrees[1], low_pass_deg=degrees[2], robust=False,
                  seasonal_jump=jumps[0], trend_jump=jumps[1], low_pass_jump=jumps[2]).fit(inner_iter=inner_iter)
        return np.asarray(res.seasonal), np.asarray(res.trend)
    ints = [int(v) for v in (period, *windows, *degrees, *jumps, inner_iter)]
    return _stl(y, *ints)
