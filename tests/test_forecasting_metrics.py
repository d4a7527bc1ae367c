"""Forecast metrics against values computed by hand, with the M4 definitions."""

import numpy as np
import pandas as pd
import pytest

from zoo.forecasting import metrics as M


def test_point_metrics_by_hand():
    y, f = [100.0, 200.0], [110.0, 180.0]
    assert M.mae(y, f) == pytest.approx(15.0)
    assert M.rmse(y, f) == pytest.approx(np.sqrt((100 + 400) / 2))
    assert M.mape(y, f) == pytest.approx(100 * (0.1 + 0.1) / 2)
    # sMAPE (M4): 200/h * sum |y-f| / (|y|+|f|) = 100 * (10/210 + 20/380)
    assert M.smape(y, f) == pytest.approx(100 * (10 / 210 + 20 / 380))


def test_smape_zero_over_zero_counts_zero():
    assert M.smape([0.0, 1.0], [0.0, 1.0]) == 0.0


def test_mase_uses_the_in_sample_seasonal_difference():
    insample = [1.0, 2.0, 4.0, 7.0]                 # lag-1 |diffs| 1, 2, 3 -> scale 2
    assert M.seasonal_scale(insample, 1) == pytest.approx(2.0)
    assert M.mase([10.0, 10.0], [12.0, 8.0], insample, 1) == pytest.approx(2.0 / 2.0)
    insample = [1.0, 5.0, 2.0, 8.0, 4.0]            # lag-2 |diffs| 1, 3, 2 -> scale 2
    assert M.seasonal_scale(insample, 2) == pytest.approx(2.0)
    assert M.mase([3.0], [7.0], insample, 2) == pytest.approx(4.0 / 2.0)


def test_coverage_and_msis_by_hand():
    y = np.array([10.0, 20.0, 30.0])
    lo = np.array([8.0, 21.0, 25.0])
    hi = np.array([12.0, 25.0, 28.0])
    assert M.coverage(y, lo, hi) == pytest.approx(1 / 3)
    # widths 4, 4, 3; penalties 2/0.05 * (21-20) = 40 and 2/0.05 * (30-28) = 80
    insample = [0.0, 1.0, 2.0]                      # scale 1
    assert M.msis(y, lo, hi, insample, 1, level=95) == pytest.approx((4 + 4 + 3 + 40 + 80) / 3)


def test_owa_is_the_mean_of_relative_smape_and_mase():
    assert M.owa(8.0, 2.0, 10.0, 4.0) == pytest.approx(0.5 * (0.8 + 0.5))
    assert M.owa(9.161, 2.777, 9.161, 2.777) == pytest.approx(1.0)


def test_evaluate_averages_per_series_and_reports_owa():
    hist = pd.DataFrame({"unique_id": ["a"] * 3 + ["b"] * 3, "ds": list(pd.date_range("2000", periods=3, freq="D")) * 2,
                         "y": [1.0, 2.0, 3.0, 10.0, 12.0, 14.0]})
    ds = pd.date_range("2000-01-04", periods=2, freq="D")
    test = pd.DataFrame({"unique_id": ["a", "a", "b", "b"], "ds": list(ds) * 2, "y": [4.0, 5.0, 16.0, 18.0]})
    fc = test.drop(columns="y").assign(yhat=[4.0, 5.0, 14.0, 14.0])
    naive = test.drop(columns="y").assign(yhat=[3.0, 3.0, 14.0, 14.0])
    per_series, summary = M.evaluate(fc, test, hist, 1, naive2=naive)
    assert list(per_series["unique_id"]) == ["a", "b"]
    assert per_series.loc[1, "mase"] == pytest.approx(3.0 / 2.0)  # MAE 3, scale 2
    assert summary["mase"] == pytest.approx((0.0 + 1.5) / 2)
    naive_mase = ((1 + 2) / 2 / 1 + 3 / 2) / 2
    naive_smape = (100 * (1 / 7 + 2 / 8) + 100 * (2 / 30 + 4 / 32)) / 2
    expected = 0.5 * (summary["smape"] / naive_smape + summary["mase"] / naive_mase)
    assert summary["owa"] == pytest.approx(expected)


def test_evaluate_rejects_forecasts_that_miss_test_timestamps():
    hist = pd.DataFrame({"unique_id": "a", "ds": pd.date_range("2000", periods=3), "y": [1.0, 2.0, 3.0]})
    test = pd.DataFrame({"unique_id": "a", "ds": pd.date_range("2000-01-04", periods=2), "y": [4.0, 5.0]})
    fc = test.drop(columns="y").iloc[:1].assign(yhat=4.0)
    with pytest.raises(ValueError, match="same horizon"):
        M.evaluate(fc, test, hist)


def test_grouped_metrics_equal_each_series_scored_alone():
    rng = np.random.default_rng(0)
    sizes, scales = [3, 5, 4], [2.0, float("nan"), 0.5]  # NaN scale: a constant history, MASE/MSIS undefined
    y = rng.normal(10, 3, sum(sizes))
    y[0] = 0.0                                              # MAPE +inf for that series, as M.mape says
    f = y + rng.normal(0, 1, len(y))
    lo, hi = f - 1.0, f + 1.0
    groups = np.repeat(np.arange(3), sizes)
    columns = M.grouped_metrics(y, f, groups, scales, lo, hi, level=90.0)
    assert list(columns) == list(M.POINT_METRICS + M.INTERVAL_METRICS)
    for k, scale in enumerate(scales):
        rows = groups == k
        insample = [0.0, scale] if np.isfinite(scale) else [1.0, 1.0]  # lag-1 scale = ``scale``, or undefined
        alone = M.series_metrics(y[rows], f[rows], insample, 1, lo[rows], hi[rows], level=90.0)
        assert alone["mase"] == pytest.approx(M.mase(y[rows], f[rows], insample, 1), nan_ok=True)
        for name, value in alone.items():
            assert columns[name][k] == pytest.approx(value, rel=1e-12, nan_ok=True), name
    with pytest.raises(ValueError, match="groups must give the series of every row"):
        M.grouped_metrics(y, f, groups[:-1], scales)
