"""The forecasting task: fit one forecaster (statistical or deep) and score it on the held-out horizon.

The forecaster contract (``fit`` / ``predict`` / ``backtest``) lives in :mod:`zoo.forecasting`;
this task puts it in the run loop: a deep forecaster trains through ``run.fit`` (per-epoch
checkpoints, resume, NaN guard), every forecaster is saved into its run folder and loads back
with :meth:`Forecasting.load` (deep ones as ``model.keras`` + ``forecaster.json``, statistical
ones as ``forecaster.pkl``).
"""

from __future__ import annotations

import pickle
import time
from pathlib import Path

import pandas as pd

from zoo.core.io import write_bytes
from zoo.core.task import Task
from zoo.datasets.timeseries import ForecastDataset, load_dataset
from zoo.errors import (
    ZooFileNotFoundError,
    ZooTypeError,
    ZooValueError,
    check_int,
    check_mapping,
    check_number,
)
from zoo.forecasting import Forecaster, create_forecaster
from zoo.forecasting.registry import forecaster_class
from zoo.forecasting.ensemble import member_kwargs
from zoo.forecasting.metrics import evaluate
from zoo.forecasting.plots import plot_forecasts
from zoo.forecasting.seasonality import naive2_forecast

SETTINGS = dict(model="arima", dataset="air_passengers", horizon=None, seed=0, level=95.0, n_jobs=1,
                model_kwargs=None, data_path=None, fill=None, plot_series=4)
PICKLE_FILE = "forecaster.pkl"


def check_common(owner: str, horizon=None, level=95.0, seed=0) -> None:
    """The arguments every forecasting entry point shares, checked before any data is read."""
    if horizon is not None:
        check_int(horizon, "horizon", owner)
    check_int(seed, "seed", owner, minimum=0)
    if isinstance(level, (int, float)) and not isinstance(level, bool) and 0 < level <= 1:
        raise ZooValueError(f"The 'level' parameter of {owner} is a percentage: {level} means a {level}% interval. "
                         f"Pass e.g. level=95 for 95% intervals.")
    check_number(level, "level", owner, low=0.0, high=100.0)


def as_dataset(dataset, horizon=None, data_path=None, fill=None) -> ForecastDataset:
    if isinstance(dataset, ForecastDataset):
        return dataset
    return load_dataset(dataset, horizon=horizon, path=data_path, fill=fill)


def make_forecaster(model, ds: ForecastDataset, n_jobs=1, seed=0, level=95.0, model_kwargs=None) -> Forecaster:
    """A fresh forecaster: a name's registered defaults (sized to ``ds``), or a clone of a given one."""
    if isinstance(model, Forecaster):
        return model.clone()
    return create_forecaster(model, **member_kwargs(model, n_jobs, ds.horizon, seed, level, None, model_kwargs))


def with_attrs(frame: pd.DataFrame, ds: ForecastDataset) -> pd.DataFrame:
    """``frame`` carrying the dataset's frequency, seasonal period and horizon (forecasters read them)."""
    frame = frame.copy()
    frame.attrs.update(freq=ds.freq, season_length=ds.season_length, horizon=ds.horizon)
    return frame


def future_exog(forecaster, test):
    """The known future values of the exogenous columns in the held-out part (Darts' future covariates)."""
    exog = getattr(forecaster, "exog_columns_", None)
    return test[["unique_id", "ds", *exog]] if exog and test is not None else None


# Default search spaces of the statistical forecasters (deep ones get theirs from the builder).
FORECASTER_SPACES = {
    "ets": {"model_kwargs.models": [["ANN", "AAdN", "MNN", "MAdN", "ANA", "AAdA", "MNM", "MAdM"],
                                    ["ANN", "AAdN", "MNN", "MAdN"], ["ANN", "AAdN"], ["AAdN", "MAdN"]]},
    "arima": {"model_kwargs.max_p": [1, 2, 3, 5], "model_kwargs.max_q": [1, 2, 3, 5], "model_kwargs.max_d": [1, 2]},
    "sarima": {"model_kwargs.max_p": [1, 2, 3, 5], "model_kwargs.max_q": [1, 2, 3, 5], "model_kwargs.max_P": [0, 1, 2]},
    "prophet": {"model_kwargs.prophet_kwargs.changepoint_prior_scale": ("log", 1e-3, 0.5),
                "model_kwargs.prophet_kwargs.seasonality_mode": ["additive", "multiplicative"]},
}


class Forecasting(Task):
    application = "forecasting"
    primary_metric = "owa"  # relative to Naive2 on the same data: comparable across datasets
    lower_is_better = True
    objective = "owa"  # on the last horizon of the training data (a validation window), never the test part
    objective_direction = "minimize"

    @classmethod
    def defaults(cls, config: dict) -> dict:
        return SETTINGS

    @property
    def model_name(self) -> str:
        model = self.config["model"]
        return model if isinstance(model, str) else type(model).__name__

    def check(self) -> None:
        check_common(self.owner, self.horizon, self.level, self.seed)
        check_int(self.n_jobs, "n_jobs", self.owner)
        check_mapping(self.config["model_kwargs"], "model_kwargs", self.owner)
        if not isinstance(self.config["model"], (str, Forecaster)):
            raise ZooTypeError(f"The 'model' parameter of {self.owner} must be a forecaster name "
                            f"(zoo.forecasting.list_forecasters()) or a Forecaster. Got {self.config['model']!r}.")
        if isinstance(self.config["model"], str):  # an unknown name fails here, before any run folder is made
            forecaster_class(self.config["model"])

    def load_data(self) -> ForecastDataset:
        return as_dataset(self.dataset, self.horizon, self.data_path, self.fill)

    def describe(self, ds: ForecastDataset) -> dict:
        model = self.config["model"]
        return {"model": model if isinstance(model, str) else repr(model), "dataset": ds.name,
                "horizon": ds.horizon, "season_length": ds.season_length, "freq": ds.freq, "n_series": ds.n_series}

    def run_name(self, ds: ForecastDataset) -> list[str]:
        return [self.model_name, ds.name]

    def build(self, ds: ForecastDataset) -> Forecaster:
        return make_forecaster(self.config["model"], ds, self.n_jobs, self.seed, self.level, self.model_kwargs)

    def fit(self, forecaster, ds: ForecastDataset, run):
        forecaster.run_ = run  # deep forecasters train through run.fit: checkpoints, resume, NaN guard
        start = time.perf_counter()
        try:
            forecaster.fit(with_attrs(ds.train, ds))
        finally:
            forecaster.run_ = None
        info = {"n_series": ds.n_series, "horizon": ds.horizon, "fit_time_s": time.perf_counter() - start}
        return forecaster, dict(getattr(forecaster, "history_", None) or {}), info

    def evaluate(self, forecaster, ds: ForecastDataset, run_dir=None) -> dict:
        start = time.perf_counter()
        forecast = forecaster.predict(ds.horizon, future_exog(forecaster, ds.test))
        metrics = {"predict_time_s": time.perf_counter() - start}
        if ds.test is not None:
            naive2 = naive2_forecast(ds.train, ds.test, ds.season_length, self.level)
            metrics.update(evaluate(forecast, ds.test, ds.train, ds.season_length, self.level, naive2)[1])
        if run_dir is not None:
            forecast.to_csv(Path(run_dir) / "forecasts.csv", index=False)
            plot_forecasts(ds.train, ds.test, {self.model_name: forecast}, Path(run_dir) / "forecast.png",
                           n_series=self.plot_series)
        return metrics

    def predict(self, forecaster, horizon=None, future=None):
        return forecaster.predict(horizon if horizon is not None else forecaster.horizon_, future)

    def save(self, forecaster, run_dir) -> None:
        if hasattr(forecaster, "save"):
            forecaster.save(run_dir)  # model.keras + forecaster.json
        else:
            write_bytes(Path(run_dir) / PICKLE_FILE, pickle.dumps(forecaster))

    def load(self, run_dir) -> Forecaster:
        return load_forecaster(run_dir)

    def sample_inputs(self, ds: ForecastDataset) -> int:
        return ds.horizon

    # ---- tuning ----
    def search_space(self) -> dict:
        from zoo.core.spaces import model_space
        from zoo.forecasting.deep import DeepForecaster

        name = self.config["model"]
        if not isinstance(name, str):
            return {}
        forecaster = create_forecaster(name)
        if isinstance(forecaster, DeepForecaster):
            from zoo.models import get_model_entry

            return {"model_kwargs.input_multiple": [2, 3, 4, 5],
                    "model_kwargs.learning_rate": ("log", 3e-4, 3e-3),
                    **model_space(get_model_entry(forecaster.model, "forecasting").builder,
                                  prefix="model_kwargs.model_kwargs.")}
        return dict(FORECASTER_SPACES.get(name, {}))

    def validation_score(self, ds: ForecastDataset, run) -> float:
        """OWA (sMAPE where OWA is undefined) on the last ``horizon`` points of the training data."""
        from zoo.forecasting.backtesting import backtest, check_windows

        train = with_attrs(ds.train, ds)
        check_windows(train, ds.horizon, 1, name=ds.name)
        scores = backtest({self.model_name: self.build(ds)}, train, ds.horizon, 1,
                          season_length=ds.season_length, level=self.level, name=ds.name).scores
        value = float(scores["owa"].iloc[0]) if "owa" in scores else float("nan")
        return value if value == value else float(scores["smape"].iloc[0])


def load_forecaster(run_dir) -> Forecaster:
    """The fitted forecaster of a forecasting run folder."""
    from zoo.forecasting.deep import STATE_FILE, DeepForecaster

    folder = Path(run_dir)
    if (folder / STATE_FILE).exists():
        return DeepForecaster.load(folder)
    if (folder / PICKLE_FILE).exists():
        with open(folder / PICKLE_FILE, "rb") as f:
            return pickle.load(f)  # noqa: S301  (a file this library wrote into the user's own run folder)
    raise ZooFileNotFoundError(f"{folder} holds no fitted forecaster ({STATE_FILE} or {PICKLE_FILE}); pass the folder "
                            f"of a finished forecasting.train run.")
