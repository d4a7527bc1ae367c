"""Time-series data: the long format, validation, and loaders (CSV, M4, statsmodels datasets).

The forecasters (:mod:`zoo.forecasting`) read this format; ``zoo.forecasting`` re-exports
``load_dataset``, ``load_m4``, ``read_csv``, ``read_m4``, ``validate`` and ``ForecastDataset``.

Every forecaster takes a pandas DataFrame in the long format Prophet and Nixtla use:
``ds`` (timestamps), ``y`` (values) and, for many series, ``unique_id``. Extra columns are
exogenous regressors. :func:`validate` checks it and fails with a clear error on NaNs, missing
timestamps, duplicated or unsorted dates, unless you ask for an explicit fill:

* ``fill="interpolate"`` (linear), ``"ffill"`` or ``"zero"``: reindex each series to its regular
  frequency (adding missing timestamps) and fill the gaps and NaNs that way;
* ``duplicates="mean"`` or ``"last"``: collapse duplicated timestamps;
* ``sort=True``: sort rows by ``unique_id, ds``.

Example:
    >>> from zoo.datasets.timeseries import load_dataset
    >>> ds = load_dataset("m4_weekly")            # official train/test, h=13
    >>> ds.train.head(), ds.horizon, ds.season_length
"""

from __future__ import annotations

import dataclasses
import io
import os
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

from zoo.errors import (
    ZooFileNotFoundError,
    ZooKeyError,
    ZooTypeError,
    ZooValueError,
    check_int,
)

# M4: horizon, seasonality (the MASE lag and Naive2's period), pandas frequency.
M4_FREQUENCIES = {
    "yearly": (6, 1, "YS"),
    "quarterly": (8, 4, "QS"),
    "monthly": (18, 12, "MS"),
    "weekly": (13, 1, "W-SUN"),
    "daily": (14, 1, "D"),
    "hourly": (48, 24, "h"),
}
# M4 series carry no reliable calendar, so every series' training data ends at this anchor
# (aligned to its frequency) and the test period follows it. Second resolution keeps
# 800-year Yearly histories inside pandas' timestamp range.
M4_ANCHOR = pd.Timestamp("2017-12-31 23:00")

FILL_METHODS = ("interpolate", "ffill", "zero")
DUPLICATE_METHODS = ("mean", "last")


@dataclasses.dataclass
class ForecastDataset:
    """A forecasting dataset: training data, the held-out test data, horizon and seasonality."""

    name: str
    train: pd.DataFrame
    test: pd.DataFrame | None
    horizon: int
    season_length: int
    freq: str | None

    @property
    def n_series(self) -> int:
        return int(self.train["unique_id"].nunique())

    def __repr__(self) -> str:
        test = "none" if self.test is None else len(self.test)
        return (f"ForecastDataset({self.name!r}, series={self.n_series}, train_rows={len(self.train)}, "
                f"test_rows={test}, horizon={self.horizon}, season_length={self.season_length}, freq={self.freq!r})")


def season_length_for(freq: str | None) -> int:
    """The usual seasonal period of a pandas frequency: 12 monthly, 4 quarterly, 7 daily, 24 hourly, 52 weekly.

    (M4 itself uses 1 for weekly and daily; its loaders set that explicitly.)
    """
    if not freq:
        return 1
    base = pd.tseries.frequencies.to_offset(freq).rule_code.split("-")[0].upper()
    table = {"MS": 12, "ME": 12, "M": 12, "BMS": 12, "BME": 12, "QS": 4, "QE": 4, "Q": 4, "BQS": 4, "BQE": 4,
             "W": 52, "D": 7, "B": 5, "H": 24, "YS": 1, "YE": 1, "Y": 1, "A": 1, "AS": 1}
    return table.get(base, 1)


def _pd_infer_freq(index) -> str | None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # pandas 3 announces an offset return type; we keep the string
        freq = pd.infer_freq(index)
    return getattr(freq, "freqstr", freq)


def infer_freq(ds: pd.Series) -> str | None:
    """The regular frequency of a timestamp column, found even when a few timestamps are missing."""
    ds = pd.DatetimeIndex(pd.Series(ds).sort_values().unique())
    if len(ds) < 3:
        return None
    freq = _pd_infer_freq(ds)
    if freq:
        return freq
    # Gaps defeat pd.infer_freq: vote over short gap-free stretches instead.
    votes: dict[str, int] = {}
    for start in range(0, len(ds) - 4, max(1, (len(ds) - 4) // 50)):
        f = _pd_infer_freq(ds[start:start + 5])
        if f:
            votes[f] = votes.get(f, 0) + 1
    return max(votes, key=votes.get) if votes else None


def to_long(df: pd.DataFrame, id_value: str = "series") -> pd.DataFrame:
    """Add ``unique_id`` to a single-series frame, and check the ``ds``/``y`` columns exist."""
    if not isinstance(df, pd.DataFrame):
        raise ZooTypeError(f"The 'df' argument must be a pandas DataFrame with columns ds, y (and unique_id). "
                        f"Got {type(df).__name__}.")
    missing = [c for c in ("ds", "y") if c not in df.columns]
    if missing:
        raise ZooValueError(f"The 'df' argument must have columns 'ds' and 'y' (and 'unique_id' for many series). "
                         f"Missing {missing}; got columns {list(df.columns)}. Rename yours, e.g. "
                         f"df.rename(columns={{'date': 'ds', 'value': 'y'}}).")
    out = df.copy()
    if "unique_id" not in out.columns:
        out.insert(0, "unique_id", id_value)
    return out


def series_arrays(df: pd.DataFrame, columns="y", dtype=None) -> dict:
    """Each series' values of ``columns`` as a NumPy array, ``{unique_id: array}`` in order of first appearance
    and in row order within a series: ``groupby("unique_id", sort=False)`` without one DataFrame per series
    (at 48,000 series that iteration alone took ~10 s). A list of columns gives 2-D arrays."""
    codes, uniques = pd.factorize(df["unique_id"], sort=False)
    values = df[columns].to_numpy(dtype)
    if len(codes) > 1 and np.any(codes[1:] < codes[:-1]):  # series interleaved: gather each one's rows
        order = np.argsort(codes, kind="stable")
        codes, values = codes[order], values[order]
    bounds = np.flatnonzero(codes[1:] != codes[:-1]) + 1
    return dict(zip(uniques, np.split(values, bounds))) if len(codes) else {}


def validate(df: pd.DataFrame, fill: str | None = None, duplicates: str | None = None, sort: bool = False,
             freq: str | None = None, check_gaps: bool = True) -> pd.DataFrame:
    """Check a long-format frame and return a clean copy (columns ``unique_id, ds, y, ...``).

    Raises ValueError, naming the series and timestamps, for: non-numeric ``y``, unparsable
    ``ds``, duplicated timestamps (unless ``duplicates=``), unsorted rows (unless ``sort=True``),
    NaNs in ``y`` or missing timestamps of the regular frequency (unless ``fill=``).
    """
    out = to_long(df)
    attrs = dict(getattr(df, "attrs", {}))
    if out["unique_id"].isna().any():  # groupby would drop those rows without a word
        rows = out.index[out["unique_id"].isna()][:3].tolist()
        raise ZooValueError(f"The 'unique_id' column has {int(out['unique_id'].isna().sum())} empty value(s) (rows {rows}); "
                            f"give every row its series id, or drop the column for a single series.")
    out["unique_id"] = out["unique_id"].astype(str)
    if pd.api.types.is_integer_dtype(out["ds"]) or pd.api.types.is_float_dtype(out["ds"]):
        out["ds"] = _years(out["ds"])
    if not pd.api.types.is_datetime64_any_dtype(out["ds"]):
        try:
            out["ds"] = pd.to_datetime(out["ds"])
        except (ValueError, TypeError) as err:
            raise ZooValueError(f"The 'ds' column must hold dates or timestamps. Could not parse it: {err}") from None
    if not pd.api.types.is_numeric_dtype(out["y"]):
        converted = pd.to_numeric(out["y"], errors="coerce")
        bad = out.loc[converted.isna() & out["y"].notna(), "y"].head(3).tolist()
        raise ZooValueError(f"The 'y' column must be numeric. Got non-numeric values such as {bad}.")
    out["y"] = out["y"].astype("float64")
    infinite = np.isinf(out["y"].to_numpy())
    if infinite.any():
        ex = out.loc[infinite, ["unique_id", "ds"]].head(3).astype(str).to_dict("records")
        raise ZooValueError(f"The 'y' column holds {int(infinite.sum())} infinite values, e.g. at {ex}; "
                         f"replace them with NaN (and pass fill=) or with real values.")
    if fill is not None and fill not in FILL_METHODS:
        raise ZooValueError(f"The 'fill' parameter must be one of {list(FILL_METHODS)} or None. Got {fill!r} instead.")
    if duplicates is not None and duplicates not in DUPLICATE_METHODS:
        raise ZooValueError(f"The 'duplicates' parameter must be one of {list(DUPLICATE_METHODS)} or None. "
                         f"Got {duplicates!r} instead.")

    dup = out.duplicated(["unique_id", "ds"], keep=False)
    if dup.any():
        if duplicates is None:
            ex = out.loc[dup, ["unique_id", "ds"]].head(3).to_dict("records")
            raise ZooValueError(f"Found {int(dup.sum())} rows with duplicated (unique_id, ds), e.g. {ex}. "
                             f"Pass duplicates='mean' or 'last' to collapse them, or remove them.")
        extra = [c for c in out.columns if c not in ("unique_id", "ds")]
        grouped = out.groupby(["unique_id", "ds"], sort=False)[extra]
        out = (grouped.mean(numeric_only=True) if duplicates == "mean" else grouped.last()).reset_index()

    ordered = out.sort_values(["unique_id", "ds"], kind="stable")
    unsorted = _unsorted_series(out)
    if len(unsorted):
        if not sort:
            bad = unsorted[:3]
            raise ZooValueError(f"The 'ds' column is not sorted within series {bad}. "
                             f"Pass sort=True to sort by unique_id and ds, or sort it yourself.")
    out = ordered.reset_index(drop=True)

    if freq is None and not attrs.get("freq") and len(out) and infer_freq(out["ds"]) is None:
        out = _month_starts(out)
    if check_gaps or fill is not None:
        common = freq or attrs.get("freq")
        if common is None and len(out):
            common = infer_freq(out.loc[out["unique_id"] == out["unique_id"].iloc[0], "ds"])
        pieces, changed, seen = [], False, {}
        # Series already regular at the common frequency need no further look: one vectorised check for
        # all of them, then one by one only the others (48,000 M4 Monthly series: ~25 s -> ~0.2 s).
        settled = out["unique_id"].isin(_regular_series(out, common) if common is not None else ())
        if settled.any():
            seen[common] = out["unique_id"][settled.to_numpy().argmax()]
        for uid, g in out[~settled].groupby("unique_id", sort=False):
            if len(g) >= 3:
                f = common
                regular = f is not None and _regular(g["ds"], f)
                if not regular and freq is None:
                    f = infer_freq(g["ds"])
                    regular = f is not None and _regular(g["ds"], f)
                if f is not None and (f not in seen or uid < seen[f]):  # the first series with f, as sorted
                    seen[f] = uid
                if f is not None and not regular:
                    full = pd.date_range(g["ds"].iloc[0], g["ds"].iloc[-1], freq=f)
                    gaps = full.difference(pd.DatetimeIndex(g["ds"]))
                    if fill is None and len(gaps):
                        raise ZooValueError(
                            f"Series {uid!r} misses {len(gaps)} timestamps of its frequency {f!r}, e.g. "
                            f"{[str(t) for t in gaps[:3]]}. Pass fill='interpolate', 'ffill' or 'zero' to add "
                            f"and fill them, or fix the data.")
                    if fill is not None:
                        g = g.set_index("ds").reindex(full.union(pd.DatetimeIndex(g["ds"])))
                        g.index.name = "ds"
                        g["unique_id"] = uid
                        g = g.reset_index()
                        changed = True
            pieces.append(g)
        if len(seen) > 1 and freq is None:
            raise ZooValueError(f"The series have different frequencies: {seen} (frequency: first series with it). "
                             f"Forecast each frequency separately, or resample them to one.")
        if changed:
            out = pd.concat([out[settled], *pieces], ignore_index=True)
            out = out.sort_values(["unique_id", "ds"], kind="stable", ignore_index=True)
    nan = out["y"].isna()
    if nan.any():
        if fill is None:
            ex = out.loc[nan, ["unique_id", "ds"]].head(3).astype(str).to_dict("records")
            raise ZooValueError(f"The 'y' column has {int(nan.sum())} missing values (NaN), e.g. at {ex}. "
                             f"Pass fill='interpolate', 'ffill' or 'zero', or drop them yourself.")
        out["y"] = out.groupby("unique_id", sort=False)["y"].transform(lambda s: _fill(s, fill))
        if out["y"].isna().any():
            raise ZooValueError("Could not fill every missing value: a series starts with NaNs. Drop its leading NaNs.")
    cols = ["unique_id", "ds", "y"] + [c for c in out.columns if c not in ("unique_id", "ds", "y")]
    out = out[cols].reset_index(drop=True)
    out.attrs.update(attrs)
    return out


def _years(ds: pd.Series) -> pd.Series:
    """Whole years (1949, 1950...) as January-1 timestamps; other numbers are refused, not read as nanoseconds."""
    values = pd.Series(ds)
    if values.notna().all() and (values % 1 == 0).all() and values.between(1000, 3000).all():
        return pd.to_datetime(values.astype("int64").astype(str), format="%Y")
    raise ZooValueError(f"The 'ds' column holds numbers ({values.head(3).tolist()}...), not dates. Give dates or "
                     f"timestamps (e.g. 2020-01-31), or whole years (1950, 1951, ...) for yearly data.")


def _month_starts(out: pd.DataFrame) -> pd.DataFrame:
    """Monthly data stamped on another day than the 1st or the last (the 15th...) has no pandas
    frequency: label each point with its month's start, so the calendar steps one month at a time."""
    ds = pd.DatetimeIndex(out["ds"])
    months = ds.year * 12 + ds.month
    steps = pd.Series(months).groupby(out["unique_id"].to_numpy()).diff().dropna()
    same_day = pd.Series(ds.day).groupby(out["unique_id"].to_numpy()).nunique().max() == 1
    if len(steps) and same_day and (steps == 1).all():
        warnings.warn(f"'ds' is monthly on day {ds.day[0]} of each month, which no pandas frequency describes: the "
                      f"points are labelled with their month's first day (frequency 'MS').", stacklevel=3)
        out = out.copy()
        out["ds"] = ds.to_period("M").to_timestamp()
    return out


def _unsorted_series(out: pd.DataFrame) -> list:
    """Ids of the series whose ``ds`` decreases somewhere, in their rows' order, first appearance first."""
    codes, uniques = pd.factorize(out["unique_id"], sort=False)
    order = np.argsort(codes, kind="stable")  # each series' rows together, in their original order
    ds, codes = out["ds"].to_numpy()[order], codes[order]
    down = (codes[1:] == codes[:-1]) & (ds[1:] < ds[:-1])
    return [uniques[c] for c in np.unique(codes[1:][down])]


def _regular_series(out: pd.DataFrame, freq: str) -> set:
    """Ids of the series (rows sorted by ``unique_id, ds``) with at least 3 points where each timestamp is the
    previous one plus one step of ``freq`` and the first is on the frequency: :func:`_regular` for all at once."""
    try:
        offset = pd.tseries.frequencies.to_offset(freq)
        ds = pd.DatetimeIndex(out["ds"])
        follows = (ds[:-1] + offset).asi8 == ds.asi8[1:]
        on_offset = (ds - offset + offset).asi8 == ds.asi8  # what offset.is_on_offset says, vectorised
    except (ValueError, TypeError):
        return set()
    codes, uniques = pd.factorize(out["unique_id"], sort=False)
    starts = np.r_[True, codes[1:] != codes[:-1]]
    # A series is irregular if a step inside it breaks the frequency or its first point is off the frequency.
    broken = np.r_[False, ~follows & ~starts[1:]] | (starts & ~on_offset)
    bad = np.bincount(codes, weights=broken, minlength=len(uniques)) > 0
    sizes = np.bincount(codes, minlength=len(uniques))
    return set(uniques[~bad & (sizes >= 3)])


def _regular(ds: pd.Series, freq: str) -> bool:
    """True when each timestamp of ``ds`` is the previous one plus one step of ``freq``."""
    try:
        offset = pd.tseries.frequencies.to_offset(freq)
        values = pd.DatetimeIndex(ds)
        return bool(len(values) < 2 or np.array_equal((values[:-1] + offset).asi8, values[1:].asi8)
                    and offset.is_on_offset(values[0]))
    except (ValueError, TypeError):
        return False


def _fill(s: pd.Series, method: str) -> pd.Series:
    if method == "interpolate":
        return s.interpolate(limit_direction="both")
    if method == "ffill":
        return s.ffill().bfill()
    return s.fillna(0.0)


def read_csv(path: str | os.PathLike, fill: str | None = None, duplicates: str | None = None,
             sort: bool = False, id_value: str | None = None) -> pd.DataFrame:
    """Read a ``ds,y`` (optionally ``unique_id``) CSV, whatever its line endings (``\\n``, ``\\r\\n``, old-Mac ``\\r``)."""
    path = Path(path)
    if not path.exists():
        raise ZooFileNotFoundError(f"The CSV file {path} does not exist. Pass a path to a file with columns ds,y.")
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise ZooValueError(f"The CSV file {path} is not UTF-8 text (byte {err.start} is {err.object[err.start:err.start + 1]!r}); "
                            f"pass a text CSV with columns ds,y, or re-save it as UTF-8.") from None
    # Old Mac files end lines with a bare \r, which the csv module would read as one long line.
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise ZooValueError(f"The CSV file {path} is empty; it needs a header line 'ds,y' and one row per timestamp.")
    try:
        df = pd.read_csv(io.StringIO(text))
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as err:
        raise ZooValueError(f"The CSV file {path} cannot be read as a table ({str(err).strip()}); it needs a header "
                            f"line 'ds,y' and one 'timestamp,value' row per line.") from None
    index = [c for c in df.columns if str(c).startswith("Unnamed:") and df[c].equals(pd.Series(range(len(df))))]
    df = df.drop(columns=index)  # the row numbers DataFrame.to_csv() writes by default
    missing = [c for c in ("ds", "y") if c not in df.columns]
    if missing:
        raise ZooValueError(f"The CSV file {path.name} must have columns 'ds' (the timestamps) and 'y' (the values); "
                         f"missing {missing}, got columns {list(df.columns)}. Rename them in the header line.")
    if df.empty:
        raise ZooValueError(f"The CSV file {path.name} has a header and no rows; add one row per timestamp.")
    text_columns = [c for c in df.columns if c not in ("unique_id", "ds", "y") and not pd.api.types.is_numeric_dtype(df[c])]
    if text_columns:
        raise ZooValueError(f"{path.name} has non-numeric columns {text_columns} besides ds and y: drop them, or "
                         f"encode them as numbers to use them as exogenous regressors (arima, sarima, prophet).")
    df = to_long(df, id_value or path.stem)
    out = validate(df, fill=fill, duplicates=duplicates, sort=sort)
    freq = infer_freq(out.loc[out["unique_id"] == out["unique_id"].iloc[0], "ds"])
    out.attrs.update(freq=freq, season_length=season_length_for(freq))
    return out


def read_m4(path: str | os.PathLike, frequency: str, ends: dict | None = None) -> pd.DataFrame:
    """Read an M4-format file: one row per series (id, then values; shorter rows padded with empty cells).

    Timestamps are built on the frequency's calendar so that every series' training data ends
    at :data:`M4_ANCHOR`; pass ``ends`` (id -> last training timestamp) to place a test file
    right after its training data instead.
    """
    frequency = _m4_frequency(frequency)
    _, _, freq = M4_FREQUENCIES[frequency]
    raw = pd.read_csv(path, dtype={0: str})
    ids = raw.iloc[:, 0].astype(str).to_numpy()
    values = raw.iloc[:, 1:].apply(pd.to_numeric, errors="coerce").to_numpy(dtype="float64")
    anchor = _anchor(freq)
    offset = pd.tseries.frequencies.to_offset(freq)
    width = values.shape[1]
    # Padding is trailing; a NaN inside the data would be a real gap and is kept to fail validation.
    present = ~np.isnan(values)
    lengths = np.where(present.any(axis=1), width - np.argmax(present[:, ::-1], axis=1), 0)
    keep = np.arange(width) < lengths[:, None]  # row-major: each series' points in order, series after series
    row = np.repeat(np.arange(len(ids)), lengths)
    step = np.arange(len(row)) - np.repeat(np.cumsum(lengths) - lengths, lengths)  # 0, 1, ... within each series
    # One calendar for all series (date_range is slow for week-anchored frequencies), or one per test start.
    if ends is None:
        calendars = pd.date_range(end=anchor, periods=width, freq=freq, unit="s").asi8[None, :]
        which, first = np.zeros(len(ids), dtype=int), width - lengths  # each series ends at the anchor
    else:
        which, starts = pd.factorize(pd.DatetimeIndex([ends[uid] for uid in ids]) + offset, sort=False)
        calendars = np.stack([pd.date_range(start=t, periods=width, freq=freq, unit="s").asi8 for t in starts])
        first = np.zeros(len(ids), dtype=int)
    stamps = calendars[which[row], first[row] + step]
    out = pd.DataFrame({"unique_id": ids[row], "ds": pd.DatetimeIndex(stamps.view("M8[s]")), "y": values[keep]})
    if out["y"].isna().any():
        bad = out.loc[out["y"].isna(), "unique_id"].unique()[:3].tolist()
        raise ZooValueError(f"The M4 file {path} has empty cells inside series {bad} (not just trailing padding).")
    horizon, season_length, _ = M4_FREQUENCIES[frequency]
    out.attrs.update(freq=freq, season_length=season_length, horizon=horizon)
    return out


def _anchor(freq: str) -> pd.Timestamp:
    offset = pd.tseries.frequencies.to_offset(freq)
    stamp = M4_ANCHOR if offset.rule_code.upper().startswith("H") else M4_ANCHOR.normalize()
    return offset.rollback(stamp) if not offset.is_on_offset(stamp) else stamp


def _m4_frequency(frequency: str) -> str:
    key = str(frequency).lower()
    if key not in M4_FREQUENCIES:
        raise ZooValueError(f"The 'frequency' parameter must be one of {list(M4_FREQUENCIES)}. Got {frequency!r} instead.")
    return key


def _m4_files(name: str, frequency: str, path) -> tuple[Path, Path]:
    """The train and test files: in ``path`` itself, under the zoo's names (``m4_daily_train.csv``) or
    the M4 repository's (``Daily-train.csv``), else where the manifest finds them."""
    from zoo.datasets.manifest import locate

    if path is not None:
        folder = Path(path).expanduser()
        folder = folder if folder.is_dir() else folder.parent
        official = frequency.capitalize()
        for train, test in ((f"{name}_train.csv", f"{name}_test.csv"), (f"{official}-train.csv", f"{official}-test.csv")):
            if (folder / train).is_file() and (folder / test).is_file():
                return folder / train, folder / test
    folder = locate(name, path)
    folder = folder if folder.is_dir() else folder.parent
    return folder / f"{name}_train.csv", folder / f"{name}_test.csv"


def load_m4(frequency: str, path: str | os.PathLike | None = None) -> ForecastDataset:
    """An M4 subset with its official test file, standard horizon and seasonality.

    ``path``: a folder holding the two files (``m4_daily_train.csv`` or the M4 repository's
    ``Daily-train.csv``, and the test file), or a data root. Otherwise files are found by the
    dataset manifest (``m4_<frequency>``): $ZOO_DATA_DIR, the cache, or
    a download from the M4 repository.
    """
    frequency = _m4_frequency(frequency)
    name = f"m4_{frequency}"
    train_path, test_path = _m4_files(name, frequency, path)
    train = read_m4(train_path, frequency)
    ends = train.groupby("unique_id", sort=False)["ds"].last().to_dict()
    test = read_m4(test_path, frequency, ends=ends)
    horizon, season_length, freq = M4_FREQUENCIES[frequency]
    return ForecastDataset(name, train, test, horizon, season_length, freq)


STATSMODELS_DATASETS = ("co2", "sunspots", "nile", "elnino_mean")


def load_statsmodels(name: str, fill: str | None = "interpolate") -> pd.DataFrame:
    """A series bundled with statsmodels as a ``ds,y`` frame: co2 (weekly, NaNs interpolated by default),
    sunspots (yearly), nile (yearly flow), elnino_mean (monthly averages are not in the file: yearly mean)."""
    try:
        import statsmodels.api as sm
    except ImportError:
        from zoo.errors import missing_extra

        raise missing_extra("statsmodels", "forecast") from None
    if name == "co2":
        data = sm.datasets.co2.load_pandas().data
        df = pd.DataFrame({"ds": data.index, "y": data["co2"].to_numpy()})
    elif name == "sunspots":
        data = sm.datasets.sunspots.load_pandas().data
        df = pd.DataFrame({"ds": pd.to_datetime(data["YEAR"].astype(int).astype(str)), "y": data["SUNACTIVITY"]})
    elif name == "nile":
        data = sm.datasets.nile.load_pandas().data
        df = pd.DataFrame({"ds": pd.to_datetime(data["year"].astype(int).astype(str)), "y": data["volume"]})
    elif name == "elnino_mean":
        data = sm.datasets.elnino.load_pandas().data
        df = pd.DataFrame({"ds": pd.to_datetime(data["YEAR"].astype(int).astype(str)),
                           "y": data.drop(columns="YEAR").mean(axis=1)})
    else:
        raise ZooValueError(f"The 'name' parameter must be one of {list(STATSMODELS_DATASETS)}. Got {name!r} instead.")
    out = validate(to_long(df, name), fill=fill)
    freq = infer_freq(out["ds"])
    out.attrs.update(freq=freq, season_length=season_length_for(freq))
    return out


def split_last(df: pd.DataFrame, horizon: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Hold out the last ``horizon`` points of every series: ``(train, test)``."""
    pos = df.groupby("unique_id", sort=False).cumcount(ascending=False)
    train, test = df[pos >= horizon].reset_index(drop=True), df[pos < horizon].reset_index(drop=True)
    short = train.groupby("unique_id").size()
    if len(short) < df["unique_id"].nunique():
        raise ZooValueError(f"The 'horizon' ({horizon}) leaves no training data for some series. Use a shorter horizon.")
    train.attrs.update(df.attrs)
    test.attrs.update(df.attrs)
    return train, test


def load_dataset(name: str | os.PathLike, horizon: int | None = None, path: str | os.PathLike | None = None,
                 fill: str | None = None) -> ForecastDataset:
    """A dataset by name or CSV path, split into training data and the last ``horizon`` points.

    Names: ``air_passengers`` (and the other Prophet example CSVs in the manifest), ``m4_<frequency>``
    (official test file; ``horizon`` defaults to M4's), the statsmodels series ``co2``, ``sunspots``,
    ``nile``, ``elnino_mean``, or a path to a ``ds,y`` CSV.
    """
    from zoo.datasets.manifest import dataset_info, locate

    if horizon is not None:
        check_int(horizon, "horizon", "forecasting.load_dataset")
    text = str(name)
    if text.startswith("m4_"):
        ds = load_m4(text[3:], path)
        if horizon is not None and horizon != ds.horizon:
            if horizon > ds.horizon:
                raise ZooValueError(f"The 'horizon' for {text} can be at most the official {ds.horizon}. Got {horizon}.")
            keep = ds.test.groupby("unique_id", sort=False).cumcount() < horizon
            ds.test, ds.horizon = ds.test[keep].reset_index(drop=True), horizon
        return ds
    if text in STATSMODELS_DATASETS:
        full = load_statsmodels(text, fill=fill or "interpolate")
        label = text
    elif Path(text).suffix.lower() == ".csv" or Path(text).exists():
        full = read_csv(text, fill=fill)
        label = Path(text).stem
    else:
        try:
            dataset_info(text)
        except KeyError as err:
            raise ZooKeyError(f"{err.args[0]} Forecasting also accepts m4_<frequency>, "
                           f"{', '.join(STATSMODELS_DATASETS)}, or a path to a ds,y CSV file.") from None
        full = read_csv(locate(text, path), fill=fill, id_value=text)
        label = text
    season_length = full.attrs.get("season_length", 1)
    horizon = horizon if horizon is not None else _default_horizon(full.attrs.get("freq"), season_length)
    train, test = split_last(full, horizon)
    return ForecastDataset(label, train, test, horizon, season_length, full.attrs.get("freq"))


def _default_horizon(freq, season_length) -> int:
    return int(season_length) if season_length and season_length > 1 else 10
