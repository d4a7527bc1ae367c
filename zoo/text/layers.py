"""``TextTokenizer``: the layer that carries a text model's tokenizer inside its ``.keras`` file.

It is a pass-through on token ids (the model's real work starts after it); what matters is its
config, which holds the tokenizer's vocabulary and options plus the class names. Keras stores
that config in the ``.keras`` archive as JSON, so it survives saving under one backend and
loading under another, and ``find_tokenizer(model)`` turns it back into a working tokenizer.
"""

from __future__ import annotations

import keras

from zoo.errors import ZooValueError
from zoo.text.tokenizer import tokenizer_from_config


@keras.saving.register_keras_serializable(package="zoo")
class TextTokenizer(keras.layers.Layer):
    """Identity on int token ids; its config is the tokenizer (and class names) of the model.

    Args:
        tokenizer: a tokenizer's ``get_config()`` dict (``WordTokenizer``/``WordPieceTokenizer``).
        class_names: the label names, index = class id.
    """

    def __init__(self, tokenizer: dict, class_names=None, **kwargs):
        kwargs.setdefault("name", "text_tokenizer")
        super().__init__(**kwargs)
        self.tokenizer_config = dict(tokenizer)
        self.class_names = list(class_names) if class_names is not None else None
        self._tokenizer = None

    @property
    def tokenizer(self):
        if self._tokenizer is None:
            self._tokenizer = tokenizer_from_config(self.tokenizer_config)
        return self._tokenizer

    def call(self, token_ids):
        return token_ids

    def compute_output_spec(self, token_ids):
        return keras.KerasTensor(token_ids.shape, dtype=token_ids.dtype)

    def get_config(self):
        config = super().get_config()
        config.update(tokenizer=self.tokenizer_config, class_names=self.class_names)
        return config


def attach_tokenizer(base, tokenizer, class_names, sequence_length=None, name=None):
    """A functional model ``ids -> TextTokenizer -> base`` that remembers ``tokenizer``."""
    inputs = keras.Input(shape=(sequence_length,), dtype="int32", name="token_ids")
    x = TextTokenizer(tokenizer.get_config(), class_names)(inputs)
    return keras.Model(inputs, base(x), name=name or f"{base.name}_text")


def find_tokenizer(model) -> "TextTokenizer":
    """The model's ``TextTokenizer`` layer; a clear error if the model has none."""
    for layer in model.layers:
        if isinstance(layer, TextTokenizer):
            return layer
    raise ZooValueError(
        f"Model {model.name!r} has no TextTokenizer layer, so it cannot take raw text. "
        f"Train it with zoo.applications.sentiment.train(), or wrap it with "
        f"zoo.text.layers.attach_tokenizer(model, tokenizer, class_names)."
    )
