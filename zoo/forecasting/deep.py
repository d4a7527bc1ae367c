"""Deep forecasters behind the common contract: one Keras model trained globally across series.

* **Windowing never leaks the future**: every training example is ``(y[t-L:t], y[t:t+H])``
  taken inside the data passed to ``fit``; forecasts start from the last ``L`` values.
  Series shorter than ``L + H`` are left-padded with their first value.
* **Per-series scaling**: each window is divided by the mean absolute value of its own input
  part and shifted by its last input value (both look only at the past), so the network learns
  the change from the naive forecast in units of the series' level; forecasts are mapped back.
* **Intervals**: the network outputs the quantiles ``(1-level)/2, 0.5, (1+level)/2`` trained
  with the pinball loss; ``yhat`` is the median.

Example:
    >>> from zoo.forecasting import create_forecaster
    >>> model = create_forecaster("nbeats", horizon=13, epochs=10).fit(train)
    >>> model.predict(13)
    >>> model.save("runs/nbeats"); DeepForecaster.load("runs/nbeats").predict(13)
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np
import pandas as pd

from zoo.core.io import save_model, write_json
from zoo.datasets.timeseries import series_arrays
from zoo.errors import ZooFileNotFoundError, ZooValueError, check_int
from zoo.forecasting.base import Forecaster

STATE_FILE = "forecaster.json"
# Training windows in all, across series (``DeepForecaster.max_windows``). N-BEATS trains 6 epochs of
# M4 Weekly's 71,800 windows (200 a series) in about 18 s here, so 200,000 take under a minute. M4
# Hourly gives 82,800; Daily would give 845,000 (4 minutes) and Monthly 9.6 million (40 minutes per
# network, over 6 hours for the five deep models and the lookback ensemble).
MAX_WINDOWS = 200_000
MODEL_FILE = "model.keras"


def make_windows(y: np.ndarray, input_length: int, horizon: int, max_windows: int | None = None):
    """All ``(input, target)`` pairs inside ``y`` (most recent ``max_windows`` of them), left-padding short series.

    Returns:
        ``(x, t)`` with shapes ``(n, input_length)`` and ``(n, horizon)``: the target of each
        window follows its input and both lie inside ``y``.
    """
    y = np.asarray(y, dtype="float32")
    need = input_length + horizon
    if len(y) < need:
        y = np.r_[np.full(need - len(y), y[0], dtype="float32"), y]
    windows = np.lib.stride_tricks.sliding_window_view(y, need)
    if max_windows is not None and len(windows) > max_windows:
        windows = windows[-max_windows:]
    return windows[:, :input_length], windows[:, input_length:]


def last_window(y: np.ndarray, input_length: int) -> np.ndarray:
    y = np.asarray(y, dtype="float32")
    if len(y) < input_length:
        y = np.r_[np.full(input_length - len(y), y[0], dtype="float32"), y]
    return y[-input_length:]


def window_scale(x: np.ndarray) -> np.ndarray:
    """Mean absolute value of each input window (1 where the window is all zeros), shape ``(n, 1)``."""
    scale = np.mean(np.abs(x), axis=-1, keepdims=True)
    return np.where(scale > 0, scale, 1.0).astype("float32")


def _normalize(x: np.ndarray, t: np.ndarray | None = None):
    """Scale each window by its input's mean absolute value, then subtract the last input value.

    The network thus predicts the change from the last observation in units of the series'
    level: zero output is the naive forecast. Only the input part sets the scale and offset.
    """
    scale = window_scale(x)
    xs = x / scale
    last = xs[:, -1:]
    return xs - last, (None if t is None else t / scale - last)


def forecast_windows(x: np.ndarray, network) -> np.ndarray:
    """Quantile forecasts ``(n, horizon, quantiles)`` from raw input windows ``x`` (n, input_length).

    ``network(inputs) -> outputs`` runs the trained graph on normalised windows (a Keras model's
    predict, or an exported artifact); outputs are mapped back to the series' units and sorted so
    that quantiles never cross.
    """
    scale = window_scale(x)
    last = x[:, -1:] / scale
    inputs, _ = _normalize(x)
    out = np.asarray(network(inputs))
    return np.sort((out + last[:, :, None]) * scale[:, :, None], axis=-1)


def epoch_progress(epochs: int):
    """Under ``series_progress``: a Keras callback printing ``label epoch 3/20 loss ...`` at most every
    ``progress.EVERY_S`` seconds (None otherwise)."""
    import time

    import keras

    from zoo.forecasting import progress

    label = progress.label()
    if label is None:
        return None

    class EpochProgress(keras.callbacks.Callback):
        start = shown = time.perf_counter()

        def on_epoch_end(self, epoch, logs=None):
            now = time.perf_counter()
            if now - self.shown >= progress.EVERY_S and epoch + 1 < epochs:
                left = (now - self.start) / (epoch + 1) * (epochs - epoch - 1)
                loss = (logs or {}).get("loss", float("nan"))
                print(f"{label} epoch {epoch + 1}/{epochs}  loss {loss:.4f}  {now - self.start:.0f}s  "
                      f"(about {left:.0f}s left)", flush=True)
                self.shown = now

    return EpochProgress()


class DeepForecaster(Forecaster):
    """A registered Keras forecaster (``lstm``, ``gru``, ``transformer``, ``nbeats``) trained across all series.

    Args:
        model: name of a ``forecasting`` builder in the model registry.
        horizon: steps the network forecasts at once; ``None`` takes the dataset's (M4
            loaders set it), else twice the seasonal period (at least 8). ``predict`` accepts
            any horizon up to this one.
        input_length: past values the network sees; ``None`` = ``input_multiple * horizon``.
        epochs, batch_size, learning_rate: training; Adam with cosine decay, clipped gradients.
        max_windows_per_series: the most recent training windows taken from each series.
        max_windows: at most this many training windows in all (``None``: no limit), so that training
            time does not grow with the number of series (M4 Monthly has 48,000): beyond it each
            series gives an equal share, drawn at random from its ``max_windows_per_series`` most
            recent windows. M4 Weekly (359 series) and Hourly (414) stay under the default (200,000).
        model_kwargs: extra builder arguments (e.g. ``{"units": 128}``).
        seed: seeds Keras, numpy and the window shuffling.
    """

    name = "deep"
    is_global = True

    def __init__(self, model="nbeats", horizon=None, input_length=None, input_multiple=3, epochs=20,
                 batch_size=256, learning_rate=1e-3, max_windows_per_series=200, model_kwargs=None, seed=0,
                 level=95.0, season_length=None, verbose=0, max_windows=MAX_WINDOWS):
        super().__init__(level=level, season_length=season_length)
        self.model = model
        self.horizon = horizon
        self.input_length = input_length
        self.input_multiple = input_multiple
        self.epochs = epochs
        self.batch_size = batch_size
        self.learning_rate = learning_rate
        self.max_windows_per_series = max_windows_per_series
        self.max_windows = max_windows
        self.model_kwargs = model_kwargs
        self.seed = seed
        self.verbose = verbose

    @property
    def quantiles_(self) -> tuple:
        a = self.alpha_
        return (a / 2.0, 0.5, 1.0 - a / 2.0)

    def _fit(self, data: pd.DataFrame) -> None:
        import keras

        from zoo.models import create_model
        from zoo.models.forecasters import PinballLoss

        owner = f"DeepForecaster({self.model!r})"
        horizon = self.horizon or data.attrs.get("horizon") or max(8, 2 * self.season_length_)
        self.horizon_ = check_int(int(horizon), "horizon", owner)
        self.input_length_ = check_int(int(self.input_length or self.input_multiple * self.horizon_),
                                       "input_length", owner)
        check_int(self.epochs, "epochs", owner)
        check_int(self.batch_size, "batch_size", owner)
        if self.max_windows is not None:
            check_int(self.max_windows, "max_windows", owner)
        keras.utils.set_random_seed(self.seed)
        xs, ts, self.context_ = [], [], {}
        series = series_arrays(data, "y", "float32")
        share, picker = None, np.random.default_rng([self.seed, 1])
        if self.max_windows is not None and len(series) * self.max_windows_per_series > self.max_windows:
            share = -(-self.max_windows // len(series))  # each series' part of max_windows, rounded up
        for uid, y in series.items():
            x, t = make_windows(y, self.input_length_, self.horizon_, self.max_windows_per_series)
            if share is not None and len(x) > share:
                pick = np.sort(picker.choice(len(x), share, replace=False))
                x, t = x[pick], t[pick]
            xs.append(x)
            ts.append(t)
            self.context_[uid] = last_window(y, self.input_length_)
        x, t = _normalize(np.concatenate(xs), np.concatenate(ts))
        self.network_ = create_model(self.model, task="forecasting", input_length=self.input_length_,
                                     horizon=self.horizon_, quantiles=self.quantiles_, **(self.model_kwargs or {}))
        order = np.random.default_rng(self.seed).permutation(len(x))[: self.max_windows]
        if len(order) > self.batch_size:
            # Whole batches only: a last, smaller batch is a second input shape, which XLA (jax,
            # tensorflow) compiles a second time per fit; fewer than batch_size random windows go.
            order = order[: len(order) // self.batch_size * self.batch_size]
        steps = self.epochs * int(np.ceil(len(order) / self.batch_size))
        schedule = keras.optimizers.schedules.CosineDecay(self.learning_rate, max(1, steps))
        self.network_.compile(optimizer=keras.optimizers.Adam(schedule, clipnorm=1.0),
                              loss=PinballLoss(self.quantiles_))
        kwargs = dict(epochs=self.epochs, batch_size=self.batch_size, shuffle=True, verbose=self.verbose)
        progress = epoch_progress(self.epochs) if not self.verbose else None
        if progress is not None:
            kwargs["callbacks"] = [progress]
        run = getattr(self, "run_", None)  # set by zoo.tasks.forecasting: checkpoints and resume per epoch
        if run is not None:
            history = run.fit(self.network_, x[order], t[order], phase="fit", **kwargs)
        else:
            history = self.network_.fit(x[order], t[order], **kwargs).history
        self.history_ = {k: [float(v) for v in vals] for k, vals in history.items()}
        self.n_windows_ = int(len(order))

    def _predict(self, horizon: int, future: pd.DataFrame) -> dict:
        if horizon > self.horizon_:
            raise ZooValueError(f"This {self.model} forecaster was trained for horizon {self.horizon_}; got "
                             f"predict({horizon}). Refit with create_forecaster({self.model!r}, horizon={horizon}).")
        x = np.stack([self.context_[uid] for uid in self.ids_])
        out = forecast_windows(x, lambda inputs: self.network_.predict(inputs, batch_size=1024, verbose=0))
        return {uid: (out[i, :horizon, 1], out[i, :horizon, 0], out[i, :horizon, 2]) for i, uid in enumerate(self.ids_)}

    # ---- persistence: the Keras model plus what predict needs (context windows, timestamps) ----
    def save(self, path: str | os.PathLike) -> Path:
        """Write ``model.keras`` and ``forecaster.json`` into the folder ``path``."""
        self._check_fitted("save")
        folder = Path(path)
        folder.mkdir(parents=True, exist_ok=True)
        save_model(self.network_, folder / MODEL_FILE)
        state = {
            "params": {k: v for k, v in self.get_params().items()},
            "horizon_": self.horizon_, "input_length_": self.input_length_, "freq_": self.freq_,
            "step_": None if self.step_ is None else str(self.step_), "season_length_": self.season_length_,
            "ids_": self.ids_, "last_ds_": {k: str(v) for k, v in self.last_ds_.items()},
            "context_": {k: v.tolist() for k, v in self.context_.items()}, "exog_columns_": self.exog_columns_,
            "fit_time_": self.fit_time_,
        }
        write_json(folder / STATE_FILE, state)
        return folder

    @classmethod
    def load(cls, path: str | os.PathLike) -> "DeepForecaster":
        """A fitted forecaster from a folder written by :meth:`save`."""
        import keras

        folder = Path(path)
        if not (folder / STATE_FILE).exists() or not (folder / MODEL_FILE).exists():
            raise ZooFileNotFoundError(f"The 'path' argument must be a folder written by DeepForecaster.save, "
                                    f"holding {MODEL_FILE} and {STATE_FILE}. Got {folder}.")
        with open(folder / STATE_FILE, encoding="utf-8") as f:
            state = json.load(f)
        self = cls(**state["params"])
        self.network_ = keras.saving.load_model(folder / MODEL_FILE, compile=False)
        self.horizon_, self.input_length_ = state["horizon_"], state["input_length_"]
        self.freq_, self.season_length_ = state["freq_"], state["season_length_"]
        self.step_ = None if state["step_"] is None else pd.Timedelta(state["step_"])
        self.ids_ = state["ids_"]
        self.last_ds_ = {k: pd.Timestamp(v) for k, v in state["last_ds_"].items()}
        self.context_ = {k: np.asarray(v, dtype="float32") for k, v in state["context_"].items()}
        self.exog_columns_ = state["exog_columns_"]
        self.fit_time_ = state["fit_time_"]
        self.fitted_ = True
        return self


class LookbackEnsemble(Forecaster):
    """N-BEATS as Oreshkin et al. (2020) ran it on M4: the median of the same network trained on
    lookbacks of several multiples of the horizon (their 2H-7H), points and interval bounds alike.

    On M4 Weekly (test, 359 series, 6 epochs each) the median of lookbacks 2, 3, 4, 5 and 7 horizons
    scores OWA 0.714 where the single 3-horizon N-BEATS scores 0.823; it costs one training per lookback.

    Args:
        input_multiples: the lookbacks, in horizons; one network each. The 3-horizon one (the plain
            forecaster's lookback) is seeded with ``seed``, the others with ``seed + 1``, ``seed + 2``, ...
        The others: as :class:`DeepForecaster`, passed to every member.
    """

    name = "lookback_ensemble"
    is_global = True

    def __init__(self, model="nbeats", input_multiples=(2, 3, 4, 5, 7), horizon=None, epochs=6, batch_size=256,
                 learning_rate=1e-3, max_windows_per_series=200, model_kwargs=None, seed=0, level=95.0,
                 season_length=None, verbose=0, max_windows=MAX_WINDOWS):
        super().__init__(level=level, season_length=season_length)
        self.model, self.input_multiples, self.horizon = model, input_multiples, horizon
        self.epochs, self.batch_size, self.learning_rate = epochs, batch_size, learning_rate
        self.max_windows_per_series, self.max_windows = max_windows_per_series, max_windows
        self.model_kwargs, self.seed, self.verbose = model_kwargs, seed, verbose

    def _fit(self, data: pd.DataFrame) -> None:
        multiples = list(self.input_multiples) if isinstance(self.input_multiples, (list, tuple)) else []
        if not multiples:
            raise ZooValueError(f"The 'input_multiples' parameter of {type(self).__name__} must be a non-empty list "
                                f"of lookbacks in horizons, e.g. (2, 3, 4, 5, 7). Got {self.input_multiples!r}.")
        from zoo.forecasting import reuse

        # The member with the plain forecaster's lookback is seeded like it, so that a backtest which also
        # runs that forecaster (``nbeats``) hands its fit over instead of training it twice; the others
        # get seed + 1, seed + 2, ...
        plain = DeepForecaster().input_multiple
        others = iter(range(1, len(multiples) + 1))
        self.members_, self.reused_fit_time_ = [], 0.0
        for multiple in multiples:
            member = DeepForecaster(model=self.model, horizon=self.horizon, input_multiple=multiple, epochs=self.epochs,
                                    batch_size=self.batch_size, learning_rate=self.learning_rate,
                                    max_windows_per_series=self.max_windows_per_series, max_windows=self.max_windows,
                                    model_kwargs=self.model_kwargs,
                                    seed=self.seed if multiple == plain else self.seed + next(others),
                                    level=self.level, season_length=self.season_length, verbose=self.verbose)
            fitted, reused_seconds = reuse.fit_member(member, data)
            self.reused_fit_time_ += reused_seconds
            self.members_.append(fitted)

    def _predict(self, horizon: int, future: pd.DataFrame) -> dict:
        from zoo.forecasting.ensemble import combine_forecasts

        return combine_forecasts([m.predict(horizon) for m in self.members_], self.ids_, "median")
