"""Two inference-only layers that ``zoo.deploy.source.inference_model`` puts in place of training ones."""

from __future__ import annotations

import keras


@keras.saving.register_keras_serializable(package="zoo")
class Passthrough(keras.layers.Layer):
    """Identity in place of an augmentation layer (Keras 3 augments by default when traced)."""

    def call(self, inputs, training=None, mask=None):
        return inputs


@keras.saving.register_keras_serializable(package="zoo")
class Subsample(keras.layers.Layer):
    """``x[:, ::sh, ::sw, :]``: the same result as a 1x1 max pool with these strides."""

    def __init__(self, strides=(2, 2), **kwargs):
        super().__init__(**kwargs)
        self.strides = tuple(int(s) for s in strides)

    def call(self, inputs):
        sh, sw = self.strides
        return inputs[:, ::sh, ::sw, :]

    def compute_output_shape(self, input_shape):
        n, h, w, c = input_shape
        sh, sw = self.strides
        return (n, None if h is None else -(-h // sh), None if w is None else -(-w // sw), c)

    def get_config(self):
        return {**super().get_config(), "strides": list(self.strides)}
