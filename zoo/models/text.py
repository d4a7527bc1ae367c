"""Text classifiers on token ids: recurrent, Kim's CNN, a Transformer encoder, and BERT.

Every builder takes ``vocab_size, sequence_length, num_classes`` first and returns a Keras model
from int32 token ids (0 = padding) of shape ``(sequence_length,)`` to class probabilities.
Tokenisation lives outside the graph (``zoo.text``) so the models run on jax, torch and
tensorflow alike; ``zoo.applications.sentiment`` puts the tokenizer into the saved file.

Example:
    >>> from zoo.models import create_model
    >>> model = create_model("textcnn", task="text", vocab_size=20000, sequence_length=64, num_classes=2)
"""

from __future__ import annotations

import keras
from keras import layers, ops

from zoo.errors import ZooValueError, check_int, missing_extra
from zoo.models.recurrent import FusedGRU, FusedLSTM
from zoo.models.registry import register_model

RNN_CELLS = {"simple_rnn": layers.SimpleRNN, "lstm": FusedLSTM, "gru": FusedGRU}


def _check_sizes(owner, vocab_size, sequence_length, num_classes):
    check_int(vocab_size, "vocab_size", owner, minimum=2)
    if sequence_length is not None:
        check_int(sequence_length, "sequence_length", owner)
    check_int(num_classes, "num_classes", owner, minimum=2)


def _token_input(sequence_length):
    return keras.Input(shape=(sequence_length,), dtype="int32", name="token_ids")


def _head(x, num_classes, dropout, name, kernel_constraint=None):
    if dropout:
        x = layers.Dropout(dropout, name="dropout")(x)
    return layers.Dense(num_classes, activation="softmax", kernel_constraint=kernel_constraint, name="predictions")(x)


def text_rnn(cell="lstm", vocab_size=20000, sequence_length=64, num_classes=2, embedding_dim=128, units=128,
             num_layers=1, bidirectional=False, dropout=0.5, recurrent_dropout=0.0, name=None):
    """Embedding (padding masked) -> stacked (bi)RNN -> dropout -> softmax: the generic builder."""
    owner = "text_rnn"
    if cell not in RNN_CELLS:
        raise ZooValueError(f"The 'cell' parameter of {owner} must be one of {sorted(RNN_CELLS)}. Got {cell!r} instead.")
    _check_sizes(owner, vocab_size, sequence_length, num_classes)
    check_int(units, "units", owner)
    check_int(num_layers, "num_layers", owner)
    inputs = _token_input(sequence_length)
    x = layers.Embedding(vocab_size, embedding_dim, mask_zero=True, name="embedding")(inputs)
    for i in range(num_layers):
        rnn = RNN_CELLS[cell](units, return_sequences=i < num_layers - 1, recurrent_dropout=recurrent_dropout,
                              name=f"{cell}_{i}")
        x = layers.Bidirectional(rnn, name=f"bi{cell}_{i}")(x) if bidirectional else rnn(x)
    outputs = _head(x, num_classes, dropout, owner)
    return keras.Model(inputs, outputs, name=name or f"{'bi' if bidirectional else ''}{cell}")


@register_model(task="text", reference="Elman 1990")
def simple_rnn(vocab_size=20000, sequence_length=64, num_classes=2, embedding_dim=128, units=128, **kwargs):
    """Embedding + SimpleRNN classifier."""
    return text_rnn("simple_rnn", vocab_size, sequence_length, num_classes, embedding_dim, units, **kwargs)


@register_model(task="text", reference="Hochreiter & Schmidhuber 1997")
def lstm(vocab_size=20000, sequence_length=64, num_classes=2, embedding_dim=128, units=128, **kwargs):
    """Embedding + LSTM classifier."""
    return text_rnn("lstm", vocab_size, sequence_length, num_classes, embedding_dim, units, **kwargs)


@register_model(task="text", reference="Cho et al. 2014")
def gru(vocab_size=20000, sequence_length=64, num_classes=2, embedding_dim=128, units=128, **kwargs):
    """Embedding + GRU classifier."""
    return text_rnn("gru", vocab_size, sequence_length, num_classes, embedding_dim, units, **kwargs)


@register_model(task="text", reference="Graves & Schmidhuber 2005")
def bilstm(vocab_size=20000, sequence_length=64, num_classes=2, embedding_dim=128, units=128, **kwargs):
    """Embedding + bidirectional LSTM classifier."""
    return text_rnn("lstm", vocab_size, sequence_length, num_classes, embedding_dim, units, bidirectional=True, **kwargs)


@register_model(task="text", reference="Cho et al. 2014; Schuster & Paliwal 1997")
def bigru(vocab_size=20000, sequence_length=64, num_classes=2, embedding_dim=128, units=128, **kwargs):
    """Embedding + bidirectional GRU classifier."""
    return text_rnn("gru", vocab_size, sequence_length, num_classes, embedding_dim, units, bidirectional=True, **kwargs)


@register_model(task="text", reference="Kim 2014, Convolutional Neural Networks for Sentence Classification")
def textcnn(vocab_size=20000, sequence_length=64, num_classes=2, embedding_dim=300, filter_sizes=(3, 4, 5),
            num_filters=100, dropout=0.5, max_norm=3.0, embedding_dropout=0.0, name="textcnn"):
    """Kim (2014) CNN: parallel convolutions of widths 3/4/5, max-over-time pooling, dropout, softmax.

    ``max_norm`` constrains the L2 norm of the output weights (Kim's s = 3); None disables it.
    """
    owner = "textcnn"
    _check_sizes(owner, vocab_size, sequence_length, num_classes)
    check_int(num_filters, "num_filters", owner)
    filter_sizes = tuple(filter_sizes)
    if not filter_sizes or any(isinstance(w, bool) or not isinstance(w, int) or w < 1 for w in filter_sizes):
        raise ZooValueError(f"The 'filter_sizes' parameter of {owner} must be a non-empty list of positive ints. Got {filter_sizes!r}.")
    if sequence_length is not None and sequence_length < max(filter_sizes):
        raise ZooValueError(f"The 'sequence_length' of {owner} must be at least the widest filter ({max(filter_sizes)}). "
                         f"Got {sequence_length}; pad to a longer length.")
    inputs = _token_input(sequence_length)
    x = layers.Embedding(vocab_size, embedding_dim, name="embedding")(inputs)
    if embedding_dropout:
        x = layers.Dropout(embedding_dropout, name="embedding_dropout")(x)
    pooled = []
    for w in filter_sizes:
        h = layers.Conv1D(num_filters, w, activation="relu", name=f"conv_{w}")(x)
        pooled.append(layers.GlobalMaxPooling1D(name=f"max_pool_{w}")(h))
    x = layers.Concatenate(name="features")(pooled) if len(pooled) > 1 else pooled[0]
    constraint = keras.constraints.MaxNorm(max_norm) if max_norm else None
    return keras.Model(inputs, _head(x, num_classes, dropout, owner, constraint), name=name)


@keras.saving.register_keras_serializable(package="zoo")
class PaddingMask(layers.Layer):
    """Boolean (batch, length) mask: True where the token id is not ``pad_id``."""

    def __init__(self, pad_id=0, **kwargs):
        super().__init__(**kwargs)
        self.pad_id = pad_id

    def call(self, token_ids):
        return ops.not_equal(token_ids, self.pad_id)

    def compute_output_spec(self, token_ids):
        return keras.KerasTensor(token_ids.shape, dtype="bool")

    def get_config(self):
        return {**super().get_config(), "pad_id": self.pad_id}


@keras.saving.register_keras_serializable(package="zoo")
class ZerosLike(layers.Layer):
    """int32 zeros shaped like the input (BERT's segment ids for single sentences)."""

    def call(self, token_ids):
        return ops.zeros_like(token_ids, dtype="int32")

    def compute_output_spec(self, token_ids):
        return keras.KerasTensor(token_ids.shape, dtype="int32")


@keras.saving.register_keras_serializable(package="zoo")
class TokenAndPositionEmbedding(layers.Layer):
    """Token embedding plus a learned absolute position embedding."""

    def __init__(self, vocab_size, sequence_length, embedding_dim, **kwargs):
        super().__init__(**kwargs)
        self.vocab_size, self.sequence_length, self.embedding_dim = vocab_size, sequence_length, embedding_dim
        self.token_embedding = layers.Embedding(vocab_size, embedding_dim, name="token_embedding")
        self.position_embedding = layers.Embedding(sequence_length, embedding_dim, name="position_embedding")

    def build(self, input_shape):
        self.token_embedding.build(input_shape)
        self.position_embedding.build((None, self.sequence_length))
        self.built = True

    def call(self, token_ids):
        positions = ops.arange(ops.shape(token_ids)[-1])
        return self.token_embedding(token_ids) + ops.expand_dims(self.position_embedding(positions), 0)

    def compute_output_shape(self, input_shape):
        return (*input_shape, self.embedding_dim)

    def get_config(self):
        return {**super().get_config(), "vocab_size": self.vocab_size, "sequence_length": self.sequence_length,
                "embedding_dim": self.embedding_dim}


@keras.saving.register_keras_serializable(package="zoo")
class TransformerEncoderBlock(layers.Layer):
    """Post-norm encoder block: masked multi-head self-attention and a feed-forward net."""

    def __init__(self, embedding_dim, num_heads, ff_dim, dropout=0.1, **kwargs):
        super().__init__(**kwargs)
        self.embedding_dim, self.num_heads, self.ff_dim, self.dropout = embedding_dim, num_heads, ff_dim, dropout
        self.attention = layers.MultiHeadAttention(num_heads, embedding_dim // num_heads, dropout=dropout, name="attention")
        self.ffn_1 = layers.Dense(ff_dim, activation="gelu", name="ffn_1")
        self.ffn_2 = layers.Dense(embedding_dim, name="ffn_2")
        self.norm_1 = layers.LayerNormalization(epsilon=1e-6, name="norm_1")
        self.norm_2 = layers.LayerNormalization(epsilon=1e-6, name="norm_2")
        self.drop_1 = layers.Dropout(dropout)
        self.drop_2 = layers.Dropout(dropout)

    def build(self, x_shape, padding_mask_shape=None):
        self.attention.build(x_shape, x_shape)
        self.norm_1.build(x_shape)
        self.ffn_1.build(x_shape)
        self.ffn_2.build((*x_shape[:-1], self.ff_dim))
        self.norm_2.build(x_shape)
        self.built = True

    def call(self, x, padding_mask, training=None):
        attention_mask = ops.expand_dims(padding_mask, 1)  # (batch, 1, keys): no query attends to padding
        h = self.attention(x, x, attention_mask=attention_mask, training=training)
        x = self.norm_1(x + self.drop_1(h, training=training))
        h = self.ffn_2(self.ffn_1(x))
        return self.norm_2(x + self.drop_2(h, training=training))

    def compute_output_shape(self, x_shape, padding_mask_shape=None):
        return x_shape

    def get_config(self):
        return {**super().get_config(), "embedding_dim": self.embedding_dim, "num_heads": self.num_heads,
                "ff_dim": self.ff_dim, "dropout": self.dropout}


@keras.saving.register_keras_serializable(package="zoo")
class MaskedMeanPooling(layers.Layer):
    """Mean over the positions where ``mask`` is True (padding does not dilute the average)."""

    def call(self, x, mask):
        weights = ops.expand_dims(ops.cast(mask, x.dtype), -1)
        return ops.sum(x * weights, axis=1) / ops.maximum(ops.sum(weights, axis=1), 1.0)

    def compute_output_shape(self, x_shape, mask_shape=None):
        return (x_shape[0], x_shape[-1])


@register_model(task="text", reference="Vaswani et al. 2017 (encoder); Devlin et al. 2019 (classification)")
def transformer(vocab_size=20000, sequence_length=64, num_classes=2, embedding_dim=128, num_heads=4, ff_dim=256,
                num_layers=2, dropout=0.1, name="transformer"):
    """Transformer encoder classifier: token + position embeddings, masked self-attention blocks, mean pooling."""
    owner = "transformer"
    _check_sizes(owner, vocab_size, sequence_length, num_classes)
    if sequence_length is None:
        raise ZooValueError(f"The 'sequence_length' parameter of {owner} must be an int (it sizes the position embedding). Got None.")
    check_int(num_heads, "num_heads", owner)
    check_int(num_layers, "num_layers", owner)
    if embedding_dim % num_heads:
        raise ZooValueError(f"The 'embedding_dim' of {owner} ({embedding_dim}) must be divisible by 'num_heads' ({num_heads}).")
    inputs = _token_input(sequence_length)
    mask = PaddingMask(name="padding_mask")(inputs)
    x = TokenAndPositionEmbedding(vocab_size, sequence_length, embedding_dim, name="embedding")(inputs)
    x = layers.Dropout(dropout, name="embedding_dropout")(x)
    for i in range(num_layers):
        x = TransformerEncoderBlock(embedding_dim, num_heads, ff_dim, dropout, name=f"encoder_{i}")(x, mask)
    x = MaskedMeanPooling(name="mean_pool")(x, mask)
    return keras.Model(inputs, _head(x, num_classes, dropout, owner), name=name)


def import_keras_hub():
    """The keras_hub module, or a clear error naming the extra to install (it is optional and slow to import)."""
    try:
        import keras_hub
    except ImportError as err:
        raise missing_extra("keras-hub", "hub") from err
    return keras_hub


@register_model(task="text", reference="Devlin et al. 2019; Wang et al. 2020 (MiniLM) via KerasHub")
def bert(vocab_size=30522, sequence_length=None, num_classes=2, pretrained=None, num_layers=2, num_heads=2,
         hidden_dim=128, intermediate_dim=256, max_sequence_length=512, dropout=0.1, pooling="mean", name="bert"):
    """BERT-family encoder (KerasHub ``BertBackbone``) + pooling + softmax, on token ids alone.

    Args:
        pretrained: a KerasHub preset name, an ``hf://`` handle or a local folder in Hugging Face
            layout (``config.json``, ``model.safetensors``, ``vocab.txt``); None builds a randomly
            initialised encoder of the given sizes.
        sequence_length: None (any length: batches are padded dynamically) or a fixed length.
        pooling: ``"mean"`` over real tokens (what sentence-transformers such as MiniLM were
            trained with) or ``"cls"`` (the first token).

    The padding mask (ids != 0) and the segment ids (zeros) are computed inside the model, so it
    takes the same single int input as the zoo's other text models.
    """
    owner = "bert"
    if pooling not in ("mean", "cls"):
        raise ZooValueError(f"The 'pooling' parameter of {owner} must be 'mean' or 'cls'. Got {pooling!r} instead.")
    check_int(num_classes, "num_classes", owner, minimum=2)
    hub = import_keras_hub()
    if pretrained is not None:
        backbone = hub.models.BertBackbone.from_preset(str(pretrained))
    else:
        _check_sizes(owner, vocab_size, sequence_length, num_classes)
        backbone = hub.models.BertBackbone(vocabulary_size=vocab_size, num_layers=num_layers, num_heads=num_heads,
                                           hidden_dim=hidden_dim, intermediate_dim=intermediate_dim,
                                           max_sequence_length=max_sequence_length, dropout=dropout)
    inputs = _token_input(sequence_length)
    mask = PaddingMask(name="padding_mask")(inputs)
    segments = ZerosLike(name="segment_ids")(inputs)
    outputs = backbone({"token_ids": inputs, "padding_mask": mask, "segment_ids": segments})
    sequence = outputs["sequence_output"]
    if pooling == "mean":
        backbone.get_layer("pooled_dense").trainable = False  # unused: keeps its weights, no gradient warning
        x = MaskedMeanPooling(name="mean_pool")(sequence, mask)
    else:
        x = outputs["pooled_output"]  # BERT's pooler: tanh(dense([CLS]))
    return keras.Model(inputs, _head(x, num_classes, dropout, owner), name=name)
