"""Transfer for the text task: pretrained word vectors for the small models, BERT-family checkpoints.

``embeddings=``: a word2vec text file, an object with ``embedding_matrix(vocabulary)`` (the zoo's
Word2Vec) or a BERT-family checkpoint distilled to word vectors (``zoo.text.EncoderVectors``).
``pretrained=`` (``model="bert"``): a KerasHub preset, an ``hf://`` handle or a local folder.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from zoo.errors import ZooTypeError, ZooValueError


def word_vectors(embeddings):
    """``embeddings`` as an object with ``embedding_matrix``: a path is read (word2vec text file) or
    wrapped (a BERT-family checkpoint); None and such objects pass through. Resolved once per run, so
    cross-validation reads a file or loads an encoder once, not once per fold."""
    if embeddings is None or hasattr(embeddings, "embedding_matrix"):
        return embeddings
    if isinstance(embeddings, (str, os.PathLike)):
        if "://" in str(embeddings) or Path(embeddings).expanduser().is_dir():
            from zoo.text.encoder_vectors import EncoderVectors

            embeddings = EncoderVectors(embeddings)  # a BERT-family checkpoint: distil word vectors from it
        else:
            from zoo.text.vectors import load_word2vec_text

            embeddings = load_word2vec_text(embeddings)
    check_embeddings(embeddings)
    return embeddings


def check_embeddings(embeddings) -> None:
    """A clear error unless ``embeddings`` is None, a path or an object with ``embedding_matrix`` (checked with the
    other arguments, before data is read or a run folder made, and again once a path is read)."""
    if embeddings is not None and not isinstance(embeddings, (str, os.PathLike)) \
            and not hasattr(embeddings, "embedding_matrix"):
        raise ZooTypeError(
            "The 'embeddings' parameter of sentiment.train must be a path to a word2vec text file, a BERT-family "
            "checkpoint (a Hugging Face folder or an hf:// handle), or an object with embedding_matrix(vocabulary) "
            f"-> array (e.g. zoo's Word2Vec). Got {type(embeddings).__name__}."
        )


def embedding_matrix(embeddings, vocabulary):
    embeddings = word_vectors(embeddings)
    if embeddings is None:
        return None
    matrix = np.asarray(embeddings.embedding_matrix(list(vocabulary)), dtype="float32")
    if matrix.ndim != 2 or matrix.shape[0] != len(vocabulary):
        raise ZooValueError(f"embeddings.embedding_matrix(vocabulary) must return shape ({len(vocabulary)}, dim). Got {matrix.shape}.")
    return matrix


def freeze_token_embeddings(net):
    """Freeze a BERT's word-piece table (30k x hidden): its dense gradient and AdamW update cost
    about as much as the rest of a small encoder's step on a CPU, for little accuracy."""
    for layer in net.layers:
        if hasattr(layer, "token_embedding") and "backbone" in layer.name:
            layer.token_embedding.trainable = False
            return True
    return False


def strip_training_state(net):
    """Drop the optimizers of nested (member) models: Keras would otherwise save their Adam moments,
    tripling the size of every ``.keras`` file."""
    import keras

    for layer in net.layers:
        if isinstance(layer, keras.Model):
            layer.optimizer, layer.compiled = None, False
    return net


def set_embeddings(base, matrix, freeze):
    from zoo.models.text import TokenAndPositionEmbedding

    layer = base.get_layer("embedding")
    target = layer.token_embedding if isinstance(layer, TokenAndPositionEmbedding) else layer
    target.embeddings.assign(matrix)
    if freeze:
        target.trainable = False


def adapt_naive_bayes(base, token_ids, labels):
    """NBSVM's log-count ratios are counted on the training split before the weights are fitted."""
    from zoo.models.nbsvm import NaiveBayesNgrams

    for layer in base.layers:
        if isinstance(layer, NaiveBayesNgrams):
            layer.adapt(token_ids, labels)


def wordpiece_for(pretrained, sequence_length=None):
    from zoo.text import WordPieceTokenizer

    if pretrained is None:
        raise ZooValueError("model='bert' needs pretrained=: a KerasHub preset name, an hf:// handle or a folder in "
                         "Hugging Face layout (config.json, model.safetensors, vocab.txt), e.g. "
                         "pretrained='../shared/pretrained/all-MiniLM-L6-v2'.")
    return WordPieceTokenizer.from_preset(pretrained, sequence_length or 128)
