"""Word embeddings: train Word2Vec (skip-gram or CBOW, negative sampling) as a Keras model.

``train_word2vec`` returns ``WordVectors`` (neighbours, similarity, analogies, the word2vec text
format, an initialised Keras ``Embedding``); ``train`` does the same and writes a run folder
(``zoo train embeddings --corpus sentiment``). The sentiment pipeline takes the vectors as
``sentiment.train(embeddings=vectors)`` or ``embeddings="<run folder>/vectors.txt"``.

Training follows Mikolov et al. (2013) and gensim's defaults: ``min_count`` 5, frequent-word
subsampling ``1e-3``, a dynamic window of 5, 5 negatives from unigram^0.75, and SGD whose
learning rate decays linearly from 0.025 to 0.0001. The data of each epoch (new subsampling,
windows and negatives) is cut with NumPy (``zoo.text.word2vec_data``) in a thread while the
previous epoch trains. The default trainer, ``"sparse"`` (``zoo.text.word2vec_sgd``), applies
word2vec's own update to batches of 1,024 pairs and touches only the rows they use, 128 batches
per compiled call; ``trainer="keras"`` runs the same SGD through ``Model.fit``, whose dense
gradients need big batches (8,192) to be affordable. Either way a frequent word's summed step in
a batch is capped at ``max_row_updates`` updates, without which big batches diverge. One
departure from word2vec is available as an option, ``negative_group=8``: each run of 8 shuffled
pairs shares one draw of negatives (it saves time only for ``Model.fit``).

Example:
    >>> from zoo.applications.embeddings import train_word2vec
    >>> vectors = train_word2vec("sentiment", epochs=5)
    >>> vectors.most_similar("funny", topn=5)
    >>> vectors.save("vectors.txt")  # gensim's KeyedVectors.load_word2vec_format reads it
"""

from __future__ import annotations

import concurrent.futures
import dataclasses
import os
import time
from typing import Any

import numpy as np

from zoo.applications import runs
from zoo.errors import check_choice, check_int
from zoo.text import word2vec_data as data
from zoo.text.word2vec_vectors import WordVectors

APPLICATION = "embeddings"
MODELS = {"skipgram": "word2vec_skipgram", "cbow": "word2vec_cbow"}
MAX_ROW_UPDATES = 160  # most summed updates of one word per SGD step, at learning rate 0.025
# Consecutive (shuffled, so unrelated) pairs sharing one draw of negatives; 1 is word2vec's own
# sampling and the default. Under trainer="keras", 8 scores negatives by a matrix product and reads/updates
# ~2.5x fewer context rows: 1.6x (tf) to 6x (jax) less CPU per epoch (the sparse trainer draws the
# same shared negatives but gains no speed from them), and top-10 overlap with gensim on the
# sentiment corpus stays on par (jax, seed 1: 1 -> 0.518, 4 -> 0.522, 8 -> 0.522, 16 -> 0.505),
# but SST-2 TextCNN accuracy from its vectors fell ~0.6 point below per-pair draws (10 seeds,
# paired standard error 0.4), so it stays an option (measured with benchmarks/word2vec_vs_gensim.py
# --negative-group N --trainer keras; benchmarks/results/word2vec_vs_gensim.json holds the default, 1).
NEGATIVE_GROUP = 1
# "sparse": word2vec's row-sparse SGD (zoo.text.word2vec_sgd), only the rows a batch uses are
# read and written, so small batches are cheap: 1,024 pairs per step runs 2.3x (tensorflow) to
# 5.7x (jax) faster than fit's best setting here and is closer to word2vec's one-pair-at-a-time
# SGD. "keras": Model.fit, whose dense (vocab, dim) gradients make every step rewrite both
# tables, so it needs big batches.
BATCH_SIZES = {"sparse": 1024, "keras": 8192}
STEPS_PER_EXECUTION = 32  # Model.fit's SGD steps per compiled call: Keras' per-step Python overhead, paid once
SPARSE_STEPS_PER_CALL = 128  # the sparse trainer's batches per compiled loop (~1 ms of overhead per call)
PROBE_WORDS = ("good", "bad", "funny", "boring", "movie", "actor", "story", "great")


@dataclasses.dataclass
class EmbeddingResult(runs.TrainResult):
    """``TrainResult`` plus the trained ``vectors`` (``model`` is the Keras Word2Vec model)."""

    vectors: Any = None

    def __repr__(self) -> str:
        return f"EmbeddingResult(run_dir='{self.run_dir}', vectors={self.vectors!r})"


def _check_args(model, epochs, embedding_dim, window, min_count, negative, sample, learning_rate,
                min_learning_rate, batch_size, max_row_updates=MAX_ROW_UPDATES, negative_group=NEGATIVE_GROUP,
                trainer="sparse"):
    """Checks every argument and returns ``batch_size`` (the trainer's default when None)."""
    owner = "train_word2vec"
    check_choice(model, MODELS, "model", owner)
    check_choice(trainer, BATCH_SIZES, "trainer", owner)
    check_int(negative_group, "negative_group", owner, minimum=1)
    if batch_size is None:
        batch_size = -(-BATCH_SIZES[trainer] // negative_group) * negative_group
    for name, value, low in (("epochs", epochs, 1), ("embedding_dim", embedding_dim, 1), ("window", window, 1),
                             ("min_count", min_count, 1), ("negative", negative, 1), ("batch_size", batch_size, 1)):
        check_int(value, name, owner, minimum=low)
    if batch_size % negative_group:
        raise ValueError(f"The 'batch_size' parameter of {owner} must be a multiple of negative_group "
                         f"({negative_group}), so that no group of shared negatives straddles two batches. "
                         f"Got {batch_size}; pass {-(-batch_size // negative_group) * negative_group}.")
    if not isinstance(sample, (int, float)) or sample < 0:
        raise ValueError(f"The 'sample' parameter of {owner} must be a float >= 0 (0 turns subsampling off). Got {sample!r}.")
    if max_row_updates is not None and (not isinstance(max_row_updates, (int, float)) or max_row_updates <= 0):
        raise ValueError(f"The 'max_row_updates' parameter of {owner} must be a number > 0, or None for uncapped "
                         f"SGD. Got {max_row_updates!r}.")
    if not isinstance(learning_rate, (int, float)) or learning_rate <= 0:
        raise ValueError(f"The 'learning_rate' parameter of {owner} must be a float > 0. Got {learning_rate!r}.")
    if not isinstance(min_learning_rate, (int, float)) or not 0 <= min_learning_rate <= learning_rate:
        raise ValueError(f"The 'min_learning_rate' parameter of {owner} must be in [0, learning_rate]. "
                         f"Got {min_learning_rate!r} (learning_rate={learning_rate!r}).")
    return batch_size


class _EpochData:
    """Cuts one epoch of examples: subsampling, dynamic windows and negatives drawn afresh."""

    def __init__(self, model, ids, sentence_of, counts, window, negative, sample, rng, negative_group=1):
        self.model, self.ids, self.sentence_of, self.negative_group = model, ids, sentence_of, negative_group
        self.window, self.negative, self.rng = window, negative, rng
        self.keep = data.keep_probabilities(counts, sample) if sample else None
        self.sampler = data.NegativeSampler(counts)

    def __call__(self):
        if self.model == "skipgram":
            centres, contexts = data.skipgram_pairs(self.ids, self.sentence_of, self.window, self.rng, self.keep)
            x = {"word": centres, "candidates": contexts}
            positives = contexts
        else:
            context, mask, centres = data.cbow_examples(self.ids, self.sentence_of, self.window, self.rng, self.keep)
            x = {"context": context, "context_mask": mask, "candidates": centres}
            positives = centres
        n = len(positives)
        if n == 0:
            raise ValueError("The corpus yields no training examples: every sentence has a single in-vocabulary "
                             "word. Pass longer sentences or lower min_count.")
        negatives = self.sampler.negatives_for(positives, self.negative, self.rng, group=self.negative_group)
        x["candidates"] = np.concatenate([positives[:, None], negatives], axis=1)
        return x, n


def _whole_batches(x, n, batch):
    """Fill the last batch with the first examples again: a ragged last batch would recompile
    the XLA step every epoch."""
    size = -(-n // batch) * batch
    if size != n:
        x = {k: np.resize(v, (size, *v.shape[1:])) for k, v in x.items()}
    return x, np.zeros(size, dtype="int8")


def _linear_decay(learning_rate, min_learning_rate, total_steps):
    """word2vec's learning rate for each step of the run: linear from ``learning_rate`` to ``min_learning_rate``."""
    return np.linspace(learning_rate, min_learning_rate, max(1, total_steps), dtype="float32")


def _sparse_fit(trainer, learning_rate, min_learning_rate, batch, steps_per_epoch, epochs):
    """``fit_epoch(x, y, epoch) -> (loss, lr)``: one epoch of word2vec's row-sparse SGD (``SparseSGD``),
    SPARSE_STEPS_PER_CALL batches per compiled call, the learning rate decaying linearly over the run."""
    rates = _linear_decay(learning_rate, min_learning_rate, epochs * steps_per_epoch)
    done = 0

    def fit_epoch(x, y, epoch):
        nonlocal done
        steps = len(y) // batch
        chunk = {k: v.reshape(steps, batch, *v.shape[1:]) for k, v in x.items()}
        losses = []
        for first in range(0, steps, SPARSE_STEPS_PER_CALL):
            last = min(steps, first + SPARSE_STEPS_PER_CALL)
            part = {k: v[first:last] for k, v in chunk.items()}
            losses.append(trainer.run(part, rates[done + first:done + last]) * (last - first))
        lr = float(rates[min(done, len(rates) - 1)])
        done += steps
        return float(np.sum(losses) / steps), lr

    return fit_epoch


def _keras_fit(net, learning_rate, min_learning_rate, batch, steps_per_epoch, epochs, jit_compile, verbose):
    """``fit_epoch(x, y, epoch) -> (loss, lr)``: one epoch of ``Model.fit`` with SGD (dense gradients)."""
    import keras

    from zoo.models.word2vec import NegativeSamplingLoss

    # Linear decay over the whole run, as in word2vec; the batch-mean loss times the batch size
    # gives each example the step size of one sequential SGD update.
    schedule = keras.optimizers.schedules.PolynomialDecay(
        learning_rate * batch, decay_steps=max(1, epochs * steps_per_epoch - 1),
        end_learning_rate=min_learning_rate * batch, power=1.0)
    if jit_compile == "auto":
        # XLA halves the step time of the TensorFlow backend here, and Keras' "auto" leaves it off.
        jit_compile = True if keras.backend.backend() == "tensorflow" else "auto"
    net.compile(optimizer=keras.optimizers.SGD(schedule), loss=NegativeSamplingLoss(), jit_compile=jit_compile,
                steps_per_execution=1 if keras.backend.backend() == "torch"  # Keras' torch trainer allows only 1
                else min(STEPS_PER_EXECUTION, steps_per_epoch))

    def fit_epoch(x, y, epoch):
        lr = float(keras.ops.convert_to_numpy(net.optimizer.learning_rate)) / batch
        hist = net.fit(x, y, batch_size=batch, epochs=epoch + 1, initial_epoch=epoch, shuffle=False, verbose=verbose)
        return float(hist.history["loss"][-1]), lr

    return fit_epoch


def fit_word2vec(corpus, *, model="skipgram", epochs=5, embedding_dim=100, window=5, min_count=5, negative=5,
                 sample=1e-3, learning_rate=0.025, min_learning_rate=1e-4, batch_size=None, trainer="sparse",
                 max_row_updates=MAX_ROW_UPDATES, negative_group=NEGATIVE_GROUP, max_vocab_size=None, tokenizer="basic",
                 seed=0, data_path=None, jit_compile="auto", verbose=0):
    """Train Word2Vec; returns ``(vectors, keras_model, history, stats)``. See ``train_word2vec``."""
    import keras

    from zoo.models import create_model

    batch_size = _check_args(model, epochs, embedding_dim, window, min_count, negative, sample, learning_rate,
                             min_learning_rate, batch_size, max_row_updates, negative_group, trainer)
    keras.utils.set_random_seed(seed)
    rng = np.random.default_rng(seed)
    sentences = data.read_corpus(corpus, tokenizer, data_path)
    if not sentences:
        raise ValueError("The 'corpus' parameter holds no words. Pass a non-empty text file or list of sentences.")
    vocab = data.Vocabulary.build(sentences, min_count, max_vocab_size)
    ids, sentence_of = data.encode(sentences, vocab)
    make_epoch = _EpochData(model, ids, sentence_of, vocab.counts, window, negative, sample, rng,
                            negative_group)

    start = time.perf_counter()
    builder_kwargs = {"window": window} if model == "cbow" else {}
    cap = None if max_row_updates is None else max_row_updates * 0.025 / learning_rate
    net = create_model(MODELS[model], task="embedding", vocab_size=len(vocab), embedding_dim=embedding_dim,
                       num_negatives=negative, negative_group=negative_group, **builder_kwargs,
                       max_row_updates=cap)
    # Each epoch's examples are cut in a thread while the model trains on the previous one (NumPy
    # releases the GIL in its array work); the draws stay in order, so runs are reproducible.
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as prefetch:
        first = prefetch.submit(make_epoch)
        sparse = None
        if trainer == "sparse":
            from zoo.text.word2vec_sgd import SparseSGD

            sparse = SparseSGD(net, max_updates=cap)
            # Compile while the first epoch is cut (both take ~0.3-0.6 s); a corpus too small for
            # one full batch compiles again at its own batch size.
            if len(ids) >= 4 * batch_size:
                sparse.compile(SPARSE_STEPS_PER_CALL, batch_size)
        x, n = first.result()
        batch = min(batch_size, -(-n // negative_group) * negative_group)  # a tiny corpus: one full batch per epoch
        x, y = _whole_batches(x, n, batch)
        steps_per_epoch = len(y) // batch
        if trainer == "keras":
            fit_epoch = _keras_fit(net, learning_rate, min_learning_rate, batch, steps_per_epoch, epochs, jit_compile,
                                   verbose)
        else:
            fit_epoch = _sparse_fit(sparse, learning_rate, min_learning_rate, batch, steps_per_epoch, epochs)

        history = {"loss": [], "learning_rate": [], "examples": []}
        pending = prefetch.submit(make_epoch) if epochs > 1 else None
        for epoch in range(epochs):
            if epoch:
                x, n = pending.result()
                pending = prefetch.submit(make_epoch) if epoch + 1 < epochs else None
                x, y = _whole_batches(x, n, batch)
            loss, lr = fit_epoch(x, y, epoch)
            history["loss"].append(loss)
            history["learning_rate"].append(lr)
            history["examples"].append(int(n))
            if not np.isfinite(history["loss"][-1]):
                if pending is not None:
                    pending.cancel()
                raise FloatingPointError(
                    f"Word2Vec training diverged in epoch {epoch + 1} (loss {history['loss'][-1]}). The updates "
                    f"of a batch add up for frequent words: lower max_row_updates (now {max_row_updates}), "
                    f"batch_size (now {batch}) or learning_rate (now {learning_rate}).")
    wall = time.perf_counter() - start

    weights = np.asarray(net.get_layer("word_embedding").get_weights()[0], dtype="float32")
    vectors = WordVectors(vocab.words, weights, counts=vocab.counts)
    stats = {
        "model": model,
        "vocab_size": len(vocab),
        "corpus_sentences": len(sentences),
        "corpus_tokens": int(sum(len(s) for s in sentences)),
        "trained_tokens_per_epoch": int(len(ids)),
        "examples_per_epoch": int(np.mean(history["examples"])),
        "train_wall_time_s": wall,
        # In-vocabulary corpus words per second over all epochs (the same measure as the gensim benchmark).
        "words_per_second": len(ids) * epochs / wall,
        "final_loss": history["loss"][-1],
        "batch_size": batch,
        "max_row_updates": max_row_updates,
        "negative_group": negative_group,
        "trainer": trainer,
        "backend": keras.backend.backend(),
    }
    vectors.stats = stats
    return vectors, net, history, stats


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


def _corpus_name(corpus) -> str:
    if isinstance(corpus, (str, os.PathLike)):
        return os.path.splitext(os.path.basename(str(corpus)))[0] or str(corpus)
    return "sentences"


def train(corpus="sentiment", model="skipgram", epochs=5, embedding_dim=100, window=5, min_count=5, negative=5,
          sample=1e-3, learning_rate=0.025, min_learning_rate=1e-4, batch_size=None, trainer="sparse",
          max_row_updates=MAX_ROW_UPDATES, negative_group=NEGATIVE_GROUP, max_vocab_size=None, tokenizer="basic",
          seed=0, output_dir=None,
          data_path=None, jit_compile="auto", probe_words=None, vectors_path=None, verbose=0) -> EmbeddingResult:
    """Train Word2Vec and write a run folder: ``config.json``, ``model.keras``, ``vectors.txt``
    (word2vec text format), ``history.csv``, ``metrics.json`` and ``learning_curves.png``.

    Arguments as in ``train_word2vec``; ``probe_words`` are the words whose nearest neighbours
    ``metrics.json`` lists (default: a few sentiment words); ``vectors_path`` also writes the
    vectors there (a fixed path that a sentiment recipe can name). On the command line:
    ``zoo train embeddings --corpus sentiment --epochs 5``.

    Returns:
        EmbeddingResult: ``model`` (Keras), ``vectors`` (WordVectors), ``history``, ``metrics``, ``run_dir``.
    """
    config = {k: v for k, v in locals().items()}
    config["corpus"] = corpus if isinstance(corpus, (str, os.PathLike)) else f"<{len(corpus)} sentences>"
    _check_args(model, epochs, embedding_dim, window, min_count, negative, sample, learning_rate,
                min_learning_rate, batch_size, max_row_updates, negative_group, trainer)
    run_dir = runs.make_run_dir(output_dir, APPLICATION, model, _corpus_name(corpus))
    runs.save_config(run_dir, APPLICATION, config)

    vectors, net, history, stats = fit_word2vec(
        corpus, model=model, epochs=epochs, embedding_dim=embedding_dim, window=window, min_count=min_count,
        negative=negative, sample=sample, learning_rate=learning_rate, min_learning_rate=min_learning_rate,
        batch_size=batch_size, trainer=trainer, max_row_updates=max_row_updates, negative_group=negative_group,
        max_vocab_size=max_vocab_size, tokenizer=tokenizer, seed=seed, data_path=data_path, jit_compile=jit_compile,
        verbose=verbose)
    probes = [w for w in (probe_words or PROBE_WORDS) if w in vectors] or vectors.words[:5]
    metrics = dict(stats)
    metrics["neighbours"] = {w: [n for n, _ in vectors.most_similar(w, topn=8)] for w in probes}
    metrics["vectors_path"] = str(run_dir / "vectors.txt")
    vectors.save(run_dir / "vectors.txt")
    if vectors_path:
        os.makedirs(os.path.dirname(os.path.abspath(vectors_path)), exist_ok=True)
        metrics["vectors_path"] = str(vectors.save(vectors_path))
    runs.save_model(net, run_dir / "model.keras")
    runs.save_history(run_dir, history)
    runs.plot_learning_curves({"loss": history["loss"]}, run_dir / "learning_curves.png")
    runs.write_json(run_dir / "metrics.json", metrics)
    return EmbeddingResult(net, history, metrics, run_dir, vectors=vectors)


def load_vectors(path_or_run_dir) -> WordVectors:
    """``WordVectors`` from a word2vec text file or from a run folder holding ``vectors.txt``."""
    path = str(path_or_run_dir)
    if os.path.isdir(path):
        path = os.path.join(path, "vectors.txt")
    return WordVectors.load(path)


__all__ = ["EmbeddingResult", "WordVectors", "fit_word2vec", "load_vectors", "train", "train_word2vec"]
