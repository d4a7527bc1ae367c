"""``FusedLSTM`` and ``FusedGRU``: Keras' LSTM and GRU layers running torch's fused kernels on the CPU.

Keras' torch backend fuses the recurrent loop only on CUDA. On the CPU, and always under a padding
mask, it steps through time in Python. That made the BiLSTM train 2.6x slower than the same network
in native PyTorch (``make bench``). These layers have the same arguments, weights, outputs and saved
config as ``keras.layers.LSTM`` / ``GRU``. Under torch they hand the loop to
:func:`zoo.backend.fused_rnn`. Everywhere else, and wherever the fused kernel does not fit
(recurrent dropout, non-default activations, ``unroll``, ``reset_after=False``, masks that are not
right padding), Keras' own path runs. The zoo's text and forecasting builders use them.

Example:
    >>> from zoo.models.recurrent import FusedLSTM
    >>> layer = FusedLSTM(64)          # as keras.layers.LSTM(64)
"""

from __future__ import annotations

import keras
from keras import layers, ops

from zoo import backend


class _FusedLoop:
    """``inner_loop`` for an LSTM or GRU layer: torch's fused kernel when it fits, else Keras' own."""

    _cell_kind = ""

    def _fusable(self) -> bool:
        cell = self.cell
        return (backend.active_backend() == "torch" and self.use_cudnn in ("auto", True)
                and not cell.recurrent_dropout and not self.unroll and getattr(cell, "reset_after", True)
                and cell.activation in (keras.activations.tanh, ops.tanh)
                and cell.recurrent_activation in (keras.activations.sigmoid, ops.sigmoid))

    def inner_loop(self, sequences, initial_state, mask, training=False):
        if self._fusable():
            single_mask = mask[0] if isinstance(mask, (list, tuple)) else mask
            states = initial_state if isinstance(initial_state, (list, tuple)) else [initial_state]
            inputs = sequences
            if training and self.cell.dropout:  # Keras' input dropout: one mask per sequence, cached by the cell
                dp_mask = ops.expand_dims(self.cell.get_dropout_mask(sequences[:, 0, :]), axis=1)
                inputs = sequences * ops.broadcast_to(dp_mask, ops.shape(sequences))
            out = backend.fused_rnn(self._cell_kind, inputs, states, single_mask, self.cell.kernel,
                                    self.cell.recurrent_kernel, self.cell.bias, go_backwards=self.go_backwards,
                                    return_sequences=self.return_sequences, training=bool(training))
            if out is not None:
                return out
        return super().inner_loop(sequences, initial_state, mask, training=training)


@keras.saving.register_keras_serializable(package="zoo")
class FusedLSTM(_FusedLoop, layers.LSTM):
    """``keras.layers.LSTM`` with torch's fused CPU kernel under the torch backend (see the module docstring)."""

    _cell_kind = "lstm"


@keras.saving.register_keras_serializable(package="zoo")
class FusedGRU(_FusedLoop, layers.GRU):
    """``keras.layers.GRU`` with torch's fused CPU kernel under the torch backend (see the module docstring)."""

    _cell_kind = "gru"
