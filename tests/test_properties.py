"""Property-based tests (hypothesis): the parsers and metrics fail only with the zoo's clear errors.

Whatever bytes a user's file holds, ``load_text_dataset`` and ``timeseries.read_csv`` either
return data or raise a ZooError (the zoo's own error type) whose message names the file; the
forecast metrics return a float or raise a ZooError naming the argument.
"""

import tempfile
from pathlib import Path

import numpy as np
import pytest

hypothesis = pytest.importorskip("hypothesis")
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from zoo.errors import ZooError  # noqa: E402

CLEAR = ZooError  # anything else (pandas', NumPy's, a bare ValueError) fails the test
SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])

label_lines = st.lists(st.tuples(st.sampled_from(["0", "1", "2", "", "x", "-1", "1.5"]),
                                 st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=30)),
                       max_size=25).map(lambda rows: "\n".join(f"{a} {b}" for a, b in rows))


def _write(data, suffix) -> Path:
    folder = Path(tempfile.mkdtemp(prefix="zoo-prop-"))
    path = folder / f"data{suffix}"
    (path.write_bytes if isinstance(data, bytes) else path.write_text)(data)
    return path


@SETTINGS
@given(st.one_of(st.binary(max_size=300), label_lines))
def test_label_line_files_fail_only_clearly(data):
    from zoo.datasets.text import load_text_dataset

    path = _write(data, ".txt")
    try:
        ds = load_text_dataset(str(path))
    except CLEAR as e:
        assert path.name in str(e) or "data" in str(e), str(e)
    else:
        assert len(ds.train_texts) + len(ds.test_texts) > 0 and all(isinstance(t, str) for t in ds.train_texts)


csv_rows = st.lists(st.tuples(st.sampled_from(["2020-01-01", "2020-01-02", "2020-02-30", "", "x", "2020-01-03"]),
                              st.sampled_from(["1", "2.5", "", "nan", "inf", "-3", "a"])), max_size=30)


@SETTINGS
@given(st.one_of(st.binary(max_size=300),
                 st.tuples(st.sampled_from(["ds,y", "date,value", "ds,y,unique_id", "", "y,ds"]), csv_rows)
                 .map(lambda t: t[0] + "\n" + "\n".join(",".join(r) for r in t[1]))))
def test_series_csv_fails_only_clearly(data):
    from zoo.datasets import timeseries

    path = _write(data, ".csv")
    try:
        frame = timeseries.read_csv(path)
    except CLEAR as e:
        assert str(e)
    else:
        assert {"ds", "y"} <= set(frame.columns) and np.isfinite(frame["y"].to_numpy(dtype="float64")).all()


finite = st.floats(-1e6, 1e6, allow_nan=False)
anything = st.floats(allow_nan=True, allow_infinity=True)


@SETTINGS
@given(st.lists(st.one_of(finite, anything), max_size=8), st.lists(st.one_of(finite, anything), max_size=8),
       st.lists(finite, max_size=10), st.integers(-1, 4))
def test_metrics_return_a_float_or_a_clear_error(y, f, insample, m):
    from zoo.forecasting import metrics

    for name, call in [("smape", lambda: metrics.smape(y, f)), ("mae", lambda: metrics.mae(y, f)),
                       ("mase", lambda: metrics.mase(y, f, insample, m)),
                       ("coverage", lambda: metrics.coverage(y, f, f))]:
        try:
            value = call()
        except ZooError as e:
            assert "y_true" in str(e) or "season_length" in str(e) or "y_pred" in str(e), (name, str(e))
        else:
            assert isinstance(value, float)
            if len(y) and len(y) == len(f) and np.isfinite(y).all() and np.isfinite(f).all() and name != "mase":
                with np.errstate(over="ignore"):
                    representable = np.isfinite(np.sum(np.abs(np.subtract(y, f))))  # errors beyond the float range: inf
                if name == "smape" or representable:  # sMAPE terms are bounded: finite for any finite input
                    assert np.isfinite(value), (name, y, f, value)
