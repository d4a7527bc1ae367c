"""Word embeddings: train Word2Vec (skip-gram or CBOW, negative sampling) as a Keras model.

A facade over ``zoo.tasks.embeddings`` run by the one run loop. ``train_word2vec`` returns
``WordVectors`` (neighbours, similarity, analogies, the word2vec text format, an initialised Keras
``Embedding``); ``train`` does the same and writes a run folder (``zoo train embeddings --corpus
sentiment``). The sentiment pipeline takes the vectors as ``sentiment.train(embeddings=vectors)``
or ``embeddings="<run folder>/vectors.txt"``.

Example:
    >>> from zoo.applications.embeddings import train_word2vec
    >>> vectors = train_word2vec("sentiment", epochs=5)
    >>> vectors.most_similar("funny", topn=5)
    >>> vectors.save("vectors.txt")  # gensim's KeyedVectors.load_word2vec_format reads it
"""

from __future__ import annotations

import os

from zoo.core.runner import run
from zoo.tasks.embeddings import (  # noqa: F401  (public)
    MAX_ROW_UPDATES,
    MODELS,
    NEGATIVE_GROUP,
    PROBE_WORDS,
    EmbeddingResult,
    WordEmbeddings,
    fit_word2vec,
)
from zoo.text.word2vec_vectors import WordVectors

APPLICATION = WordEmbeddings.application


def train_word2vec(corpus, epochs=5, model="skipgram", embedding_dim=100, window=5, min_count=5, negative=5,
                   sample=1e-3, learning_rate=0.025, min_learning_rate=1e-4, batch_size=None, trainer="sparse",
                   max_row_updates=MAX_ROW_UPDATES, negative_group=NEGATIVE_GROUP, max_vocab_size=None,
                   tokenizer="basic", seed=0, data_path=None, jit_compile="auto", verbose=0) -> WordVectors:
    """Train Word2Vec on ``corpus`` and return its word vectors.

    Args:
        corpus: a UTF-8 text file (one sentence per line), a list of sentences (strings or token
            lists), or a text dataset name: ``"sentiment"`` (SST-2 + MR sentences), ``"sst2"``,
            ``"mr"``, ``"imdb"``.
        epochs: passes over the corpus (gensim's default is 5).
        model: ``"skipgram"`` or ``"cbow"``.
        embedding_dim, window, min_count, negative, sample: word2vec's ``size``, ``window``,
            ``min-count``, ``negative`` and ``sample``.
        learning_rate, min_learning_rate: the linear decay's start and end (per example).
        batch_size: examples per SGD step; None: 1,024 for ``trainer="sparse"``, 8,192 for ``"keras"``
            (whose steps cost a pass over both whole tables, so they must be few).
        trainer: ``"sparse"`` (default): word2vec's SGD, which reads and updates only the rows a batch
            uses (``zoo.text.word2vec_sgd``), compiled many steps per call; ``"keras"``: ``Model.fit``
            with ``keras.optimizers.SGD``, whose gradients are dense ``(vocab, dim)`` tables.
        max_row_updates: a word's gradient in one step is the sum of its updates, where word2vec
            applies them one at a time. A frequent word drawn as a negative hundreds of times in
            a batch would take a step hundreds of times too long and diverge, so each word's
            share of a step is capped at this many updates (scaled by 0.025 / learning_rate; see
            ``zoo.models.word2vec.CappedEmbedding``). On the sentiment corpus, uncapped batches of
            16,384 pairs diverge; capped at 160 they train, and 8,192 gives 0.52 top-10 overlap
            with gensim's neighbours (gensim against itself, another seed: 0.57).
        negative_group: ``1`` is word2vec's sampling, fresh negatives for every pair. ``G > 1``
            (a departure from word2vec) lets each run of ``G`` consecutive pairs, which the
            shuffle makes unrelated, share one draw of negatives, scored by a matrix product:
            fewer rows to read and update per step (``batch_size`` must be a multiple of ``G``).
        max_vocab_size: keep at most this many words (most frequent first).
        tokenizer: ``"basic"`` (the sentiment models' tokeniser), ``"whitespace"`` or a callable.
        seed: seeds subsampling, windows, negatives and initial vectors.
        jit_compile: ``trainer="keras"`` only: passed to ``Model.compile``; ``"auto"`` turns XLA on for
            TensorFlow (the sparse trainer always compiles: XLA for jax and tensorflow, eager torch).

    Returns:
        WordVectors, with ``stats`` (vocabulary size, wall time, words/second, final loss).

    Example:
        >>> vectors = train_word2vec(["a good film", "a great film", "a bad movie"], min_count=1, epochs=50)
        >>> vectors.similarity("good", "great")
    """
    vectors, _, _, _ = fit_word2vec(
        corpus, model=model, epochs=epochs, embedding_dim=embedding_dim, window=window, min_count=min_count,
        negative=negative, sample=sample, learning_rate=learning_rate, min_learning_rate=min_learning_rate,
        batch_size=batch_size, trainer=trainer, max_row_updates=max_row_updates, negative_group=negative_group,
        max_vocab_size=max_vocab_size, tokenizer=tokenizer, seed=seed, data_path=data_path, jit_compile=jit_compile,
        verbose=verbose)
    return vectors


def train(corpus="sentiment", model="skipgram", epochs=5, embedding_dim=100, window=5, min_count=5, negative=5,
          sample=1e-3, learning_rate=0.025, min_learning_rate=1e-4, batch_size=None, trainer="sparse",
          max_row_updates=MAX_ROW_UPDATES, negative_group=NEGATIVE_GROUP, max_vocab_size=None, tokenizer="basic",
          seed=0, output_dir=None,
          data_path=None, jit_compile="auto", probe_words=None, vectors_path=None, verbose=0, resume=True,
          probe=None) -> EmbeddingResult:
    """Train Word2Vec and write a run folder: ``config.json``, ``model.keras``, ``vectors.txt``
    (word2vec text format), ``history.csv``, ``metrics.json`` and ``learning_curves.png``.

    Arguments as in ``train_word2vec``; ``probe_words`` are the words whose nearest neighbours
    ``metrics.json`` lists (default: a few sentiment words); ``vectors_path`` also writes the
    vectors there (a fixed path that a sentiment recipe can name); ``probe`` (a labelled text set,
    e.g. ``"sst2"``) adds the sentiment probe's validation and test accuracy of the vectors to
    ``metrics.json`` (``zoo.text.word2vec_probe``: what ``zoo.tuning`` optimises). On the command line:
    ``zoo train embeddings --corpus sentiment --epochs 5``.

    Returns:
        EmbeddingResult: ``model`` (Keras), ``vectors`` (WordVectors), ``history``, ``metrics``, ``run_dir``.
    """
    config = {k: v for k, v in locals().items() if k not in ("output_dir", "resume")}
    task = WordEmbeddings(**config)
    result = run(task, output_dir=output_dir, resume=resume)
    return EmbeddingResult(task.net, result.history, result.metrics, result.run_dir, vectors=result.model)


def load_vectors(path_or_run_dir) -> WordVectors:
    """``WordVectors`` from a word2vec text file or from a run folder holding ``vectors.txt``."""
    path = str(path_or_run_dir)
    if os.path.isdir(path):
        path = os.path.join(path, "vectors.txt")
    return WordVectors.load(path)


__all__ = ["EmbeddingResult", "WordVectors", "fit_word2vec", "load_vectors", "train", "train_word2vec"]
