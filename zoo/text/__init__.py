"""Text preprocessing shared by the text models: tokenisers, vocabularies, word vectors.

Why our own tokenizer and vocabulary (not Keras ``TextVectorization``): string tensors exist
only in TensorFlow, so a Keras model with a string input cannot run under jax or torch, and
``TextVectorization`` itself runs on ``tf.strings``. The zoo therefore splits a text model in
two: plain Python/NumPy turns strings into token ids (``WordTokenizer`` for the from-scratch
models, ``WordPieceTokenizer`` for BERT-family encoders), and the Keras model takes int ids.
The tokenizer's whole state (vocabulary, options, class names) travels *inside* the
``.keras`` file, in the config of a pass-through layer (``zoo.text.layers.TextTokenizer``), so a
model saved under one backend and loaded under another still takes raw strings:

Example:
    >>> from zoo.applications import sentiment
    >>> sentiment.predict("saved_models/textcnn_sst2.keras", ["a gripping, funny film"])
    [('positive', 0.97)]
"""

from zoo.text.encoder_vectors import EncoderVectors
from zoo.text.tokenizer import (
    WordPieceTokenizer,
    WordTokenizer,
    basic_tokenize,
    tokenizer_from_config,
)
from zoo.text.vectors import WordVectors, load_word2vec_text

__all__ = [
    "EncoderVectors", "WordPieceTokenizer", "WordTokenizer", "WordVectors", "basic_tokenize",
    "load_word2vec_text", "tokenizer_from_config",
]
