"""Forecasting data: CSV with old-Mac line endings, M4 files with padded rows, validation errors and fills."""

import numpy as np
import pandas as pd
import pytest

from zoo.datasets.timeseries import M4_FREQUENCIES, load_dataset, load_m4, read_csv, read_m4, split_last, validate


def _monthly(n=12):
    return pd.DataFrame({"ds": pd.date_range("2000-01-01", periods=n, freq="MS"), "y": np.arange(n, dtype=float)})


def test_csv_with_old_mac_line_endings(tmp_path):
    path = tmp_path / "air.csv"
    path.write_bytes(b"ds,y\r1949-01-01,112\r1949-02-01,118\r1949-03-01,132\r1949-04-01,129\r")
    df = read_csv(path)
    assert list(df.columns) == ["unique_id", "ds", "y"]
    assert df["y"].tolist() == [112.0, 118.0, 132.0, 129.0]
    assert df.attrs["freq"] == "MS" and df.attrs["season_length"] == 12


def _write_m4(tmp_path, name, rows):
    width = max(len(r) for r in rows)
    header = ",".join(f'"V{i + 1}"' for i in range(width))
    lines = [header] + [",".join(f'"{v}"' for v in r + [""] * (width - len(r))) for r in rows]
    (tmp_path / name).write_text("\n".join(lines) + "\n")


def test_m4_loader_reads_padded_rows_and_builds_timestamps(tmp_path, monkeypatch):
    (tmp_path / "timeseries").mkdir()
    _write_m4(tmp_path / "timeseries", "m4_weekly_train.csv", [["W1", 1, 2, 3, 4, 5], ["W2", 10, 11, 12]])
    _write_m4(tmp_path / "timeseries", "m4_weekly_test.csv", [["W1"] + list(range(6, 19)), ["W2"] + list(range(13, 26))])
    monkeypatch.setenv("ZOO_DATA_DIR", str(tmp_path))
    ds = load_m4("weekly")
    assert (ds.horizon, ds.season_length, ds.freq) == (13, 1, "W-SUN")
    w1 = ds.train[ds.train["unique_id"] == "W1"]
    w2 = ds.train[ds.train["unique_id"] == "W2"]
    assert w1["y"].tolist() == [1, 2, 3, 4, 5] and w2["y"].tolist() == [10, 11, 12]  # padding dropped
    assert w1["ds"].iloc[-1] == w2["ds"].iloc[-1]                                     # aligned ends
    assert (w1["ds"].diff().dropna() == pd.Timedelta(7, "D")).all()
    t1 = ds.test[ds.test["unique_id"] == "W1"]
    assert len(t1) == 13 and t1["ds"].iloc[0] == w1["ds"].iloc[-1] + pd.Timedelta(7, "D")
    assert validate(ds.train).shape == ds.train.shape                                 # passes validation


@pytest.mark.parametrize("frequency", list(M4_FREQUENCIES))
def test_m4_reader_handles_every_frequency_and_long_histories(tmp_path, frequency):
    # 900 yearly points reach back to the 12th century: outside nanosecond timestamps.
    _write_m4(tmp_path, "f.csv", [["X1"] + list(range(1, 901)), ["X2", 5, 6, 7]])
    df = read_m4(tmp_path / "f.csv", frequency)
    horizon, season, _ = M4_FREQUENCIES[frequency]
    assert len(df) == 903 and df.attrs["horizon"] == horizon and df.attrs["season_length"] == season
    assert df.groupby("unique_id")["ds"].apply(lambda s: s.is_monotonic_increasing).all()


def test_m4_reader_rejects_holes_inside_a_series(tmp_path):
    _write_m4(tmp_path, "f.csv", [["X1", 1, "", 3, 4]])
    with pytest.raises(ValueError, match="empty cells inside series"):
        read_m4(tmp_path / "f.csv", "yearly")


def test_validate_errors_name_the_problem_and_the_fix():
    df = _monthly()
    with pytest.raises(ValueError, match="missing values.*fill="):
        validate(df.assign(y=df["y"].where(df.index != 3)))
    with pytest.raises(ValueError, match="misses 1 timestamps.*fill="):
        validate(df.drop(index=5))
    with pytest.raises(ValueError, match="duplicated.*duplicates="):
        validate(pd.concat([df, df.iloc[[2]]]))
    with pytest.raises(ValueError, match="not sorted.*sort=True"):
        validate(df.iloc[::-1])
    with pytest.raises(ValueError, match="columns 'ds' and 'y'"):
        validate(df.rename(columns={"y": "value"}))
    with pytest.raises(ValueError, match="'fill' parameter"):
        validate(df, fill="magic")
    with pytest.raises(ValueError, match="numeric"):
        validate(df.assign(y=["a"] * len(df)))


def test_validate_explicit_fills():
    df = _monthly()
    gap = validate(df.drop(index=5), fill="interpolate")
    assert len(gap) == 12 and gap["y"].iloc[5] == pytest.approx(5.0)
    nan = validate(df.assign(y=df["y"].where(df.index != 3)), fill="ffill")
    assert nan["y"].iloc[3] == 2.0
    dup = validate(pd.concat([df, df.iloc[[2]].assign(y=4.0)]), duplicates="mean", sort=True)
    assert len(dup) == 12 and dup["y"].iloc[2] == pytest.approx(3.0)
    assert validate(df.iloc[::-1], sort=True)["y"].tolist() == df["y"].tolist()


def test_split_last_holds_out_the_horizon_of_every_series():
    df = pd.concat([_monthly(10).assign(unique_id="a"), _monthly(6).assign(unique_id="b")])
    train, test = split_last(validate(df), 3)
    assert train.groupby("unique_id").size().to_dict() == {"a": 7, "b": 3}
    assert test.groupby("unique_id").size().to_dict() == {"a": 3, "b": 3}
    with pytest.raises(ValueError, match="horizon"):
        split_last(validate(df), 6)


def test_load_dataset_csv_path_and_unknown_name(tmp_path):
    path = tmp_path / "s.csv"
    _monthly(30).to_csv(path, index=False)
    ds = load_dataset(str(path), horizon=6)
    assert ds.horizon == 6 and len(ds.test) == 6 and ds.season_length == 12
    with pytest.raises(KeyError, match="air_passengers"):
        load_dataset("air_pasengers")


def test_statsmodels_dataset_with_documented_fill():
    ds = load_dataset("co2", horizon=52)
    assert not ds.train["y"].isna().any() and ds.freq.startswith("W")


def test_real_air_passengers_and_m4_weekly(shared_data, monkeypatch):
    monkeypatch.setenv("ZOO_DATA_DIR", shared_data)
    air = load_dataset("air_passengers", horizon=12)
    assert len(air.train) == 132 and air.freq == "MS"
    m4 = load_dataset("m4_weekly")
    assert m4.n_series == 359 and len(m4.test) == 359 * 13
    assert m4.train.groupby("unique_id").size().min() == 80


def test_user_csv_quirks_years_mid_month_index_column_and_text(tmp_path):
    years = pd.DataFrame({"ds": range(1950, 1980), "y": np.arange(30.0)})
    years.to_csv(tmp_path / "years.csv")  # with pandas' default index column
    out = read_csv(tmp_path / "years.csv")
    assert list(out.columns) == ["unique_id", "ds", "y"] and out.attrs["freq"] in ("YS-JAN", "AS-JAN", "YS")
    assert out["ds"].iloc[0] == pd.Timestamp("1950-01-01")
    pd.DataFrame({"ds": range(36), "y": np.arange(36.0)}).to_csv(tmp_path / "steps.csv", index=False)
    with pytest.raises(ValueError, match="holds numbers .* not dates"):
        read_csv(tmp_path / "steps.csv")
    mid = pd.DataFrame({"ds": pd.date_range("2020-01-01", periods=24, freq="MS") + pd.Timedelta(days=14),
                        "y": np.arange(24.0)})
    mid.to_csv(tmp_path / "mid.csv", index=False)
    with pytest.warns(UserWarning, match="monthly on day 15"):
        out = read_csv(tmp_path / "mid.csv")
    assert out.attrs["freq"] == "MS" and out["ds"].iloc[1] == pd.Timestamp("2020-02-01")
    pd.DataFrame({"ds": pd.date_range("2020-01-01", periods=12, freq="MS"), "y": 1.0, "note": "promo"}).to_csv(
        tmp_path / "note.csv", index=False)
    with pytest.raises(ValueError, match="non-numeric columns \\['note'\\]"):
        read_csv(tmp_path / "note.csv")


def test_series_of_different_frequencies_are_refused():
    monthly = pd.DataFrame({"unique_id": "m", "ds": pd.date_range("2020-01-01", periods=24, freq="MS"), "y": 1.0})
    daily = pd.DataFrame({"unique_id": "d", "ds": pd.date_range("2020-01-01", periods=24, freq="D"), "y": 1.0})
    with pytest.raises(ValueError, match="different frequencies"):
        validate(pd.concat([monthly, daily]))


def test_horizon_must_be_a_positive_int(tmp_path):
    pd.DataFrame({"ds": pd.date_range("2020-01-01", periods=30, freq="D"), "y": np.arange(30.0)}).to_csv(
        tmp_path / "d.csv", index=False)
    for horizon in (0, -3, 2.5):
        with pytest.raises(ValueError, match="'horizon'"):
            load_dataset(tmp_path / "d.csv", horizon=horizon)


def test_synthetic_m4_files_read_as_m4_with_the_frequencys_shape(tmp_path):
    """benchmarks/m4_synthetic.py (timing the backtest on frequencies whose files are not at hand)."""
    import importlib.util
    from pathlib import Path

    path = Path(__file__).resolve().parents[1] / "benchmarks" / "m4_synthetic.py"
    spec = importlib.util.spec_from_file_location("m4_synthetic", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.main(["--frequency", "quarterly", "--series", "20", "--out", str(tmp_path)]) == 0
    data = load_m4("quarterly", tmp_path)
    assert (data.horizon, data.season_length, data.n_series) == (8, 4, 20)
    lengths = data.train.groupby("unique_id").size()
    assert lengths.min() == 16 and lengths.max() <= 200 and (lengths == 16).sum() >= 2  # M4 Quarterly's shortest
    assert (data.test.groupby("unique_id").size() == 8).all() and (data.train["y"] > 0).all()


def test_per_core_benchmark_prints_each_models_time_per_series_against_naive2(tmp_path, capsys):
    """benchmarks/m4_per_core.py on a small synthetic M4 set: milliseconds per series and the ratio to Naive2."""
    import importlib.util
    from pathlib import Path

    modules = {}
    for name in ("m4_synthetic", "m4_per_core"):
        path = Path(__file__).resolve().parents[1] / "benchmarks" / f"{name}.py"
        spec = importlib.util.spec_from_file_location(name, path)
        modules[name] = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(modules[name])
    modules["m4_synthetic"].main(["--frequency", "quarterly", "--series", "12", "--out", str(tmp_path)])
    capsys.readouterr()
    assert modules["m4_per_core"].main(["--frequency", "quarterly", "--data-path", str(tmp_path),
                                        "--models", "ets", "--repeats", "1"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "M4 quarterly, 12 series, n_jobs=1, best of 1:"
    assert lines[1].split()[0] == "naive2" and lines[1].endswith("1.0x Naive2")
    assert lines[2].split()[0] == "ets" and float(lines[2].split()[1]) > 0


def test_many_series_validate_checks_each_one_and_names_the_broken_one():
    """The regularity check runs on all series at once; the series it flags still get the one-by-one errors
    and fills, and the others come back untouched."""
    regular = [pd.DataFrame({"unique_id": f"s{i:02d}", "ds": pd.date_range("2000-01-01", periods=10 + i, freq="MS"),
                             "y": np.arange(10.0 + i)}) for i in range(30)]
    df = pd.concat(regular, ignore_index=True)
    assert validate(df).equals(df)
    gap = df.drop(index=df.index[(df["unique_id"] == "s17")][4])
    with pytest.raises(ValueError, match="Series 's17' misses 1 timestamps of its frequency 'MS'"):
        validate(gap)
    filled = validate(gap, fill="interpolate")
    pd.testing.assert_frame_equal(filled, df)
    panel = df.sort_values(["ds", "unique_id"], ignore_index=True)  # series interleaved, each one in time order
    pd.testing.assert_frame_equal(validate(panel), df)
    backwards = df.copy()
    rows = backwards.index[backwards["unique_id"] == "s05"]
    backwards.loc[rows, "ds"] = backwards.loc[rows, "ds"].to_numpy()[::-1]
    with pytest.raises(ValueError, match=r"not sorted within series \['s05'\]"):
        validate(backwards)
    from zoo.datasets.timeseries import _regular, _regular_series

    odd = df.copy()
    odd.loc[odd.index[odd["unique_id"] == "s03"][0], "ds"] += pd.Timedelta(days=1)  # first point off the month start
    odd.loc[odd.index[odd["unique_id"] == "s09"][-1], "ds"] += pd.Timedelta(days=31)  # last step skips a month
    odd = odd[(odd["unique_id"] != "s12") | (odd["ds"] < "2000-03-01")]  # two points: too short to judge
    one_by_one = {uid for uid, g in odd.groupby("unique_id") if len(g) >= 3 and _regular(g["ds"], "MS")}
    assert _regular_series(odd, "MS") == one_by_one == set(df["unique_id"]) - {"s03", "s09", "s12"}


@pytest.mark.parametrize("freq", ["MS", "ME", "QS-OCT", "YS-JAN", "W-SUN", "D", "h", "B"])
def test_forecast_timestamps_follow_each_series_calendar(freq):
    from zoo.forecasting.naive import Naive

    starts = pd.to_datetime(["2001-01-01", "2003-07-01", "2010-02-01"])
    df = pd.concat([pd.DataFrame({"unique_id": f"s{i}", "y": np.arange(12.0),
                                  "ds": pd.date_range(start, periods=12, freq=freq)})
                    for i, start in enumerate(starts)], ignore_index=True)
    out = Naive().fit(df).predict(7)
    for uid, g in df.groupby("unique_id"):
        offset = pd.tseries.frequencies.to_offset(freq)
        expected = pd.date_range(g["ds"].iloc[-1] + offset, periods=7, freq=freq)
        assert out.loc[out["unique_id"] == uid, "ds"].tolist() == expected.tolist()


def test_forecast_timestamps_keep_the_time_zone_across_a_clock_change():
    from zoo.forecasting.naive import Naive

    ds = pd.date_range("2021-03-26 00:00", periods=48, freq="h", tz="Europe/Paris")
    out = Naive().fit(pd.DataFrame({"ds": ds, "y": np.arange(48.0)})).predict(30)
    assert out["ds"].tolist() == pd.date_range(ds[-1] + pd.Timedelta(hours=1), periods=30, freq="h").tolist()
    assert str(out["ds"].dt.tz) == "Europe/Paris"
