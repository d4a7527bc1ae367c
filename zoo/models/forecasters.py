"""Keras forecasters: LSTM, GRU, Transformer encoder and an N-BEATS-style MLP.

Every builder maps a window of ``input_length`` past values (already scaled) to ``horizon``
future values at once (direct multi-horizon output), one output per quantile:
the output shape is ``(batch, horizon, len(quantiles))``. They use ``keras.layers`` and
``keras.ops`` only, so they run on every backend. :class:`zoo.forecasting.deep.DeepForecaster`
turns them into forecasters (windowing, scaling, training, intervals).

The end of this module registers every forecaster, statistical and deep, under task
``"forecasting"`` (:func:`zoo.models.registry.register_forecaster`, classes named as strings and
imported on use): ``create_model("arima", task="forecasting")`` is an unfitted AutoARIMA,
``create_model("lstm", task="forecasting")`` the Keras network, ``create_forecaster("lstm")``
the DeepForecaster that trains it.

Example:
    >>> from zoo.models import create_model
    >>> model = create_model("forecasting/nbeats", input_length=52, horizon=13)
    >>> model.output_shape
    (None, 13, 3)
"""

from __future__ import annotations

import math

import keras
from keras import layers, ops

from zoo.errors import ZooValueError, check_int
from zoo.models.attention import ExplicitAttention
from zoo.models.recurrent import FusedGRU, FusedLSTM
from zoo.models.registry import register_forecaster, register_model

DEFAULT_QUANTILES = (0.025, 0.5, 0.975)


@keras.saving.register_keras_serializable(package="zoo")
class PinballLoss(keras.losses.Loss):
    """Quantile (pinball) loss averaged over quantiles; ``y_true`` is ``(batch, horizon)``."""

    def __init__(self, quantiles=DEFAULT_QUANTILES, name="pinball", **kwargs):
        super().__init__(name=name, **kwargs)
        self.quantiles = tuple(float(q) for q in quantiles)

    def call(self, y_true, y_pred):
        q = ops.convert_to_tensor(self.quantiles, dtype=y_pred.dtype)
        diff = ops.expand_dims(ops.cast(y_true, y_pred.dtype), -1) - y_pred
        return ops.mean(ops.maximum(q * diff, (q - 1.0) * diff), axis=-1)

    def get_config(self):
        return {**super().get_config(), "quantiles": list(self.quantiles)}


@keras.saving.register_keras_serializable(package="zoo")
class SinusoidalPositionEncoding(layers.Layer):
    """Adds the fixed sine/cosine position encoding of Vaswani et al. (2017) to ``(batch, steps, dim)``."""

    def call(self, x):
        steps, dim = ops.shape(x)[1], x.shape[-1]
        pos = ops.cast(ops.arange(steps), "float32")[:, None]
        i = ops.cast(ops.arange(dim), "float32")[None, :]
        angle = pos / ops.power(10000.0, (2.0 * ops.floor(i / 2.0)) / float(dim))
        even = ops.cast(ops.equal(ops.mod(ops.arange(dim), 2), 0), "float32")[None, :]
        encoding = even * ops.sin(angle) + (1.0 - even) * ops.cos(angle)
        return x + ops.cast(encoding[None], x.dtype)


def _check(input_length, horizon, quantiles, owner):
    check_int(input_length, "input_length", owner)
    check_int(horizon, "horizon", owner)
    quantiles = tuple(quantiles)
    if not quantiles or any(not 0.0 < q < 1.0 for q in quantiles):
        raise ZooValueError(f"The 'quantiles' parameter of {owner} must be numbers in (0, 1). Got {quantiles!r}.")
    return quantiles


def _head(x, horizon, quantiles, kernel_initializer="glorot_uniform"):
    x = layers.Dense(horizon * len(quantiles), kernel_initializer=kernel_initializer, name="forecast")(x)
    return layers.Reshape((horizon, len(quantiles)), name="quantiles")(x)


def _recurrent(cell, input_length, horizon, units, num_layers, dropout, quantiles, name):
    owner = f"forecasting/{name}"
    quantiles = _check(input_length, horizon, quantiles, owner)
    check_int(units, "units", owner)
    check_int(num_layers, "num_layers", owner)
    inputs = keras.Input(shape=(input_length,), name="window")
    x = layers.Reshape((input_length, 1), name="as_sequence")(inputs)
    for i in range(num_layers):
        x = cell(units, return_sequences=i < num_layers - 1, dropout=dropout, name=f"{name}_{i}")(x)
    x = layers.Dense(units, activation="relu", name="hidden")(x)
    return keras.Model(inputs, _head(x, horizon, quantiles), name=f"{name}_forecaster")


@register_model("lstm", task="forecasting", reference="Hochreiter & Schmidhuber (1997)")
def lstm(input_length=52, horizon=13, units=64, num_layers=1, dropout=0.0, quantiles=DEFAULT_QUANTILES):
    """LSTM over the input window, then a dense multi-horizon quantile head."""
    return _recurrent(FusedLSTM, input_length, horizon, units, num_layers, dropout, quantiles, "lstm")


@register_model("gru", task="forecasting", reference="Cho et al. (2014)")
def gru(input_length=52, horizon=13, units=64, num_layers=1, dropout=0.0, quantiles=DEFAULT_QUANTILES):
    """GRU over the input window, then a dense multi-horizon quantile head."""
    return _recurrent(FusedGRU, input_length, horizon, units, num_layers, dropout, quantiles, "gru")


@register_model("transformer", task="forecasting", reference="Vaswani et al. (2017)")
def transformer(input_length=52, horizon=13, d_model=32, num_heads=4, num_layers=2, ff_dim=64, dropout=0.0,
                quantiles=DEFAULT_QUANTILES):
    """Transformer encoder over the input window with sinusoidal positions; direct multi-horizon output."""
    owner = "forecasting/transformer"
    quantiles = _check(input_length, horizon, quantiles, owner)
    for arg in ("d_model", "num_heads", "num_layers", "ff_dim"):
        check_int(locals()[arg], arg, owner)
    if d_model % num_heads:
        raise ZooValueError(f"The 'd_model' ({d_model}) of {owner} must be divisible by 'num_heads' ({num_heads}).")
    inputs = keras.Input(shape=(input_length,), name="window")
    x = layers.Reshape((input_length, 1), name="as_sequence")(inputs)
    x = layers.Dense(d_model, name="embed")(x)
    x = SinusoidalPositionEncoding(name="positions")(x)
    for i in range(num_layers):
        attn = ExplicitAttention(num_heads, d_model // num_heads, dropout=dropout, name=f"attention_{i}")(x, x)
        x = layers.LayerNormalization(epsilon=1e-6, name=f"norm_a{i}")(x + attn)
        ff = layers.Dense(ff_dim, activation="relu", name=f"ff_in_{i}")(x)
        ff = layers.Dense(d_model, name=f"ff_out_{i}")(ff)
        x = layers.LayerNormalization(epsilon=1e-6, name=f"norm_f{i}")(x + ff)
    # The head reads the mean over time and the last step, not a flattened sequence: with
    # L * d_model inputs, each early Adam step would move the forecast by about L * d_model * lr.
    # Zero-initialised, it starts from "no change", the naive forecast (given the wrapper's
    # normalisation).
    pooled = layers.GlobalAveragePooling1D(name="mean_over_time")(x)
    last = layers.Cropping1D((input_length - 1, 0), name="last_step")(x)
    x = layers.Concatenate(name="summary")([pooled, layers.Flatten(name="last_flat")(last)])
    return keras.Model(inputs, _head(x, horizon, quantiles, "zeros"), name="transformer_forecaster")


@register_model("nbeats", task="forecasting", reference="Oreshkin et al. (2020), N-BEATS (generic)")
def nbeats(input_length=52, horizon=13, units=256, num_blocks=4, layers_per_block=4, quantiles=DEFAULT_QUANTILES):
    """N-BEATS generic architecture: residual MLP blocks, each emitting a backcast and a forecast."""
    owner = "forecasting/nbeats"
    quantiles = _check(input_length, horizon, quantiles, owner)
    for arg in ("units", "num_blocks", "layers_per_block"):
        check_int(locals()[arg], arg, owner)
    inputs = keras.Input(shape=(input_length,), name="window")
    forecast = NBeatsStack(units, num_blocks, layers_per_block, horizon * len(quantiles), name="blocks")(inputs)
    outputs = layers.Reshape((horizon, len(quantiles)), name="quantiles")(forecast)
    return keras.Model(inputs, outputs, name="nbeats_forecaster")


@keras.saving.register_keras_serializable(package="zoo")
class NBeatsBlock(layers.Layer):
    """One N-BEATS block: ``num_layers`` ReLU fully connected layers, then a backcast and a forecast head.

    Returns ``(residual, forecast)``: the input minus the backcast (the input itself when
    ``backcast=False``) and the block's forecast. Its weights are those of the equivalent stack of
    ``Dense`` layers (Glorot-uniform kernels, zero biases), held in one layer: under the torch
    backend, where Keras runs every layer call eagerly, one call per block instead of seven made
    N-BEATS train 1.1x and predict 1.5x faster (``make bench``).
    """

    def __init__(self, units, num_layers=4, forecast_size=1, backcast=True, **kwargs):
        super().__init__(**kwargs)
        self.units, self.num_layers, self.forecast_size, self.backcast = units, num_layers, forecast_size, backcast

    def _dense(self, name, fan_in, fan_out):
        return (self.add_weight(shape=(fan_in, fan_out), initializer="glorot_uniform", name=f"{name}_kernel"),
                self.add_weight(shape=(fan_out,), initializer="zeros", name=f"{name}_bias"))

    def build(self, input_shape):
        size = input_shape[-1]
        self.hidden = [self._dense(f"fc{i}", size if i == 0 else self.units, self.units) for i in range(self.num_layers)]
        self.forecast_head = self._dense("forecast", self.units, self.forecast_size)
        self.backcast_head = self._dense("backcast", self.units, size) if self.backcast else None

    def call(self, x):
        h = x
        for kernel, bias in self.hidden:
            h = ops.relu(ops.matmul(h, kernel) + bias)
        forecast = ops.matmul(h, self.forecast_head[0]) + self.forecast_head[1]
        if self.backcast_head is None:
            return x, forecast
        return x - (ops.matmul(h, self.backcast_head[0]) + self.backcast_head[1]), forecast

    def compute_output_shape(self, input_shape):
        return input_shape, (*input_shape[:-1], self.forecast_size)

    def get_config(self):
        return {**super().get_config(), "units": self.units, "num_layers": self.num_layers,
                "forecast_size": self.forecast_size, "backcast": self.backcast}


@keras.saving.register_keras_serializable(package="zoo")
class NBeatsStack(layers.Layer):
    """N-BEATS' doubly residual stack: ``num_blocks`` :class:`NBeatsBlock` s, each fed the residual the
    one before left; returns the sum of their forecasts.

    The blocks are sublayers (their weights are ``blocks/block0/fc0_kernel``, ...), but the stack
    runs their ``call`` itself: Keras runs every layer call through ``Layer.__call__`` (eagerly, in
    Python, under torch), and one call per network instead of eight (four blocks, three ``Add``)
    brought N-BEATS inference under torch, relative to a native PyTorch forward pass (batch 256,
    one thread), from 1.37-1.61x to 1.17-1.19x for direct model calls and from 1.48-1.57x to
    1.29-1.46x through ``predict`` (``benchmarks/native_torch.py``). The values are those of the
    blocks called one by one (``tests/test_forecasting_deep.py``).
    """

    def __init__(self, units, num_blocks=4, layers_per_block=4, forecast_size=1, **kwargs):
        super().__init__(**kwargs)
        self.units, self.num_blocks, self.layers_per_block = units, num_blocks, layers_per_block
        self.forecast_size = forecast_size
        # the last block's backcast would feed nothing
        self.blocks = [NBeatsBlock(units, layers_per_block, forecast_size, backcast=b < num_blocks - 1,
                                   name=f"block{b}") for b in range(num_blocks)]

    def build(self, input_shape):
        for block in self.blocks:
            block.build(input_shape)

    def call(self, x):
        forecast = None
        for block in self.blocks:
            x, block_forecast = block.call(x)
            forecast = block_forecast if forecast is None else forecast + block_forecast
        return forecast

    def compute_output_shape(self, input_shape):
        return (*input_shape[:-1], self.forecast_size)

    def get_config(self):
        return {**super().get_config(), "units": self.units, "num_blocks": self.num_blocks,
                "layers_per_block": self.layers_per_block, "forecast_size": self.forecast_size}


def parameter_count(model) -> int:
    return int(sum(math.prod(w.shape) for w in model.weights))


# Every forecaster, in the order zoo.forecasting.list_forecasters() shows them:
# name -> ("module:Class", keyword defaults, one-line description, reference).
_FORECASTERS = {
    "naive": ("zoo.forecasting.naive:Naive", {}, "last value carried forward",
              "Hyndman & Athanasopoulos (2021), FPP3 §5.2"),
    "seasonal_naive": ("zoo.forecasting.naive:SeasonalNaive", {}, "value one season earlier",
                       "Hyndman & Athanasopoulos (2021), FPP3 §5.2"),
    "naive2": ("zoo.forecasting.naive:Naive2", {}, "M4 Naive2: naive on the seasonally adjusted series",
               "Makridakis et al. (2020), the M4 competition"),
    "ets": ("zoo.forecasting.ets:ETS", {}, "exponential smoothing, chosen by AICc (statsmodels)",
            "Hyndman et al. (2002), state space ETS"),
    "theta": ("zoo.forecasting.ets:Theta", {}, "Theta method as in the M4 benchmark (statsmodels)",
              "Assimakopoulos & Nikolopoulos (2000)"),
    "arima": ("zoo.forecasting.arima:AutoARIMA", {},
              "auto ARIMA: KPSS/STL differencing + stepwise AIC search, seasonal orders when the period > 1",
              "Hyndman & Khandakar (2008)"),
    "sarima": ("zoo.forecasting.arima:AutoSARIMA", {}, "auto seasonal ARIMA, period from the frequency",
               "Hyndman & Khandakar (2008)"),
    "prophet": ("zoo.forecasting.prophet:ProphetForecaster", {}, "Prophet per series", "Taylor & Letham (2018)"),
    # Deep defaults: epochs chosen per model on M4 Weekly's validation window (the last 13 training
    # points, never the test set; mean OWA of seeds 0 and 1, benchmarks/m4.py --validation's split):
    # N-BEATS 10 epochs 0.784, 6: 0.774, 5: 0.777, 4: 0.790, 3: 0.800 (200 windows; 100 windows
    # at 10 epochs: 0.798); LSTM 6: 0.967, 3: 0.909; GRU 6: 0.894, 3: 0.909; Transformer 5: 0.950,
    # 3: 0.987; nbeats_ensemble (seed 0) 6: 0.706, 4: 0.713, 3: 0.733. Each takes the setting that
    # scored best there.
    "lstm": ("zoo.forecasting.deep:DeepForecaster",
             {"model": "lstm", "epochs": 3, "max_windows_per_series": 100, "learning_rate": 3e-3},
             "global LSTM, quantile outputs", ""),
    "gru": ("zoo.forecasting.deep:DeepForecaster",
            {"model": "gru", "epochs": 6, "max_windows_per_series": 100, "learning_rate": 3e-3},
            "global GRU, quantile outputs", ""),
    "transformer": ("zoo.forecasting.deep:DeepForecaster",
                    {"model": "transformer", "epochs": 5, "max_windows_per_series": 60, "learning_rate": 1e-3},
                    "global Transformer encoder, quantile outputs", ""),
    "nbeats": ("zoo.forecasting.deep:DeepForecaster", {"model": "nbeats", "epochs": 6, "max_windows_per_series": 200},
               "global N-BEATS-style MLP, quantile outputs", ""),
    "nbeats_ensemble": ("zoo.forecasting.deep:LookbackEnsemble", {"model": "nbeats", "epochs": 6},
                        "median of N-BEATS trained on lookbacks of 2, 3, 4, 5 and 7 horizons",
                        "Oreshkin et al. (2020), N-BEATS (its M4 ensemble over lookbacks)"),
    "ensemble": ("zoo.forecasting.ensemble:Ensemble", {},
                 "median/mean of 2-4 forecasters it chooses on a validation window",
                 "Makridakis et al. (2020), the M4 competition: combinations"),
}



def _register_forecasters() -> None:
    for name, (target, defaults, description, reference) in _FORECASTERS.items():
        register_forecaster(name, target, defaults, description, reference)


_register_forecasters()
