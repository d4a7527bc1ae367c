"""The word-embeddings task: Word2Vec (skip-gram or CBOW, negative sampling) as a Keras model.

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

Under the run loop each epoch is checkpointed (tables, the sampler's random state, the step of the
learning-rate decay), so an interrupted run resumes where it stopped and gives the same vectors.
"""

from __future__ import annotations

import concurrent.futures
import dataclasses
import os
import time
from pathlib import Path
from typing import Any

import numpy as np

from zoo.core.rundir import TrainResult
from zoo.core.task import Task
from zoo.errors import ZooValueError, check_choice, check_int
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
class EmbeddingResult(TrainResult):
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
        raise ZooValueError(f"The 'batch_size' parameter of {owner} must be a multiple of negative_group "
                         f"({negative_group}), so that no group of shared negatives straddles two batches. "
                         f"Got {batch_size}; pass {-(-batch_size // negative_group) * negative_group}.")
    if not isinstance(sample, (int, float)) or sample < 0:
        raise ZooValueError(f"The 'sample' parameter of {owner} must be a float >= 0 (0 turns subsampling off). Got {sample!r}.")
    if max_row_updates is not None and (not isinstance(max_row_updates, (int, float)) or max_row_updates <= 0):
        raise ZooValueError(f"The 'max_row_updates' parameter of {owner} must be a number > 0, or None for uncapped "
                         f"SGD. Got {max_row_updates!r}.")
    if not isinstance(learning_rate, (int, float)) or learning_rate <= 0:
        raise ZooValueError(f"The 'learning_rate' parameter of {owner} must be a float > 0. Got {learning_rate!r}.")
    if not isinstance(min_learning_rate, (int, float)) or not 0 <= min_learning_rate <= learning_rate:
        raise ZooValueError(f"The 'min_learning_rate' parameter of {owner} must be in [0, learning_rate]. "
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
            raise ZooValueError("The corpus yields no training examples: every sentence has a single in-vocabulary "
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


def _sparse_fit(trainer, learning_rate, min_learning_rate, batch, steps_per_epoch, epochs, done=0):
    """``fit_epoch(x, y, epoch) -> (loss, lr, steps done)``: one epoch of word2vec's row-sparse SGD
    (``SparseSGD``), SPARSE_STEPS_PER_CALL batches per compiled call, the learning rate decaying linearly
    over the run (``done``: steps already taken, when resuming)."""
    rates = _linear_decay(learning_rate, min_learning_rate, epochs * steps_per_epoch)

    def fit_epoch(x, y, epoch):
        nonlocal done
        steps = len(y) // batch
        chunk = {k: v.reshape(steps, batch, *v.shape[1:]) for k, v in x.items()}
        losses = []
        for first in range(0, steps, SPARSE_STEPS_PER_CALL):
            last = min(steps, first + SPARSE_STEPS_PER_CALL)
            part = {k: v[first:last] for k, v in chunk.items()}
            # Epochs differ a little in size (fresh subsampling and windows): steps past the planned
            # total keep the last rate, as word2vec's alpha stops at its minimum.
            at = np.minimum(np.arange(done + first, done + last), len(rates) - 1)
            losses.append(trainer.run(part, rates[at]) * (last - first))
        lr = float(rates[min(done, len(rates) - 1)])
        done += steps
        return float(np.sum(losses) / steps), lr, done

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
        return float(hist.history["loss"][-1]), lr, int(keras.ops.convert_to_numpy(net.optimizer.iterations))

    return fit_epoch


def _restore(run, net, rng):
    """The newest epoch checkpoint of ``run`` into ``net`` and ``rng``: (epochs done, meta) or (0, {})."""
    import keras

    latest = run.store("fit").latest() if run is not None else None
    if latest is None:
        return 0, {}
    epoch, folder, meta = latest
    net.load_weights(folder / "model.weights.h5")
    rng.bit_generator.state = meta["rng"]
    if (folder / "optimizer.npz").exists() and getattr(net, "optimizer", None) is not None:
        if not net.optimizer.built:
            net.optimizer.build(net.trainable_variables)
        saved = np.load(folder / "optimizer.npz")
        for i, variable in enumerate(net.optimizer.variables):
            variable.assign(saved[f"v{i}"])
    keras.utils.set_random_seed(int(meta["seed"]) + epoch)
    return epoch, meta


def _checkpoint(run, net, epoch, rng_state, **meta):
    import keras

    def write(folder):
        net.save_weights(folder / "model.weights.h5")
        if getattr(net, "optimizer", None) is not None and net.optimizer.built:
            np.savez(folder / "optimizer.npz", **{f"v{i}": keras.ops.convert_to_numpy(v)
                                                  for i, v in enumerate(net.optimizer.variables)})

    run.store("fit").save(epoch, write, rng=rng_state, **meta)


def fit_word2vec(corpus, *, model="skipgram", epochs=5, embedding_dim=100, window=5, min_count=5, negative=5,
                 sample=1e-3, learning_rate=0.025, min_learning_rate=1e-4, batch_size=None, trainer="sparse",
                 max_row_updates=MAX_ROW_UPDATES, negative_group=NEGATIVE_GROUP, max_vocab_size=None, tokenizer="basic",
                 seed=0, data_path=None, jit_compile="auto", verbose=0, run=None, epoch_metrics=None):
    """Train Word2Vec; returns ``(vectors, keras_model, history, stats)``. See ``train_word2vec``.

    With ``run`` (a ``zoo.core.runner.Run``), every epoch is logged and checkpointed, and a run
    interrupted earlier continues from its last finished epoch; ``run.callbacks`` (e.g. tuning's
    pruning callback) see every epoch's logs. ``epoch_metrics(words, vectors)`` adds its dict to them
    (e.g. the sentiment probe's validation accuracy).
    """
    import keras

    from zoo.models import create_model

    batch_size = _check_args(model, epochs, embedding_dim, window, min_count, negative, sample, learning_rate,
                             min_learning_rate, batch_size, max_row_updates, negative_group, trainer)
    keras.utils.set_random_seed(seed)
    rng = np.random.default_rng(seed)
    sentences = data.read_corpus(corpus, tokenizer, data_path)
    if not sentences:
        raise ZooValueError("The 'corpus' parameter holds no words. Pass a non-empty text file or list of sentences.")
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
    sparse = None
    if trainer == "sparse":
        from zoo.text.word2vec_sgd import SparseSGD

        sparse = SparseSGD(net, max_updates=cap)
    elif trainer == "keras":
        net.compile(optimizer=keras.optimizers.SGD(0.0), loss="mse")  # replaced by _keras_fit; built to restore
    first_epoch, meta = _restore(run, net, rng)
    history = run.history("fit") if first_epoch else {}
    history = {k: list(history.get(k, [])) for k in ("loss", "learning_rate", "examples", *history)}
    # Each epoch's examples are cut in a thread while the model trains on the previous one (NumPy
    # releases the GIL in its array work); the draws stay in order, so runs are reproducible.
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as prefetch:
        state_before = rng.bit_generator.state
        first = prefetch.submit(make_epoch)
        if sparse is not None and len(ids) >= 4 * batch_size:
            # Compile while the first epoch is cut (both take ~0.3-0.6 s); a corpus too small for
            # one full batch compiles again at its own batch size.
            sparse.compile(SPARSE_STEPS_PER_CALL, batch_size)
        x, n = first.result()
        batch = meta.get("batch") or min(batch_size, -(-n // negative_group) * negative_group)
        x, y = _whole_batches(x, n, batch)
        steps_per_epoch = meta.get("steps_per_epoch") or len(y) // batch
        if sparse is not None and not sparse.compiled:
            # A small corpus: compile at its own batch, for as many steps per call as a big one (later
            # epochs, with other subsampling and windows, may have more batches than the first).
            sparse.compile(SPARSE_STEPS_PER_CALL, batch)
        if trainer == "keras":
            iterations = int(keras.ops.convert_to_numpy(net.optimizer.iterations)) if first_epoch else 0
            fit_epoch = _keras_fit(net, learning_rate, min_learning_rate, batch, steps_per_epoch, epochs, jit_compile,
                                   verbose)
            if iterations:
                net.optimizer.build(net.trainable_variables)
                net.optimizer.iterations.assign(iterations)
        else:
            fit_epoch = _sparse_fit(sparse, learning_rate, min_learning_rate, batch, steps_per_epoch, epochs,
                                    done=int(meta.get("done", 0)))
        pending = None
        if first_epoch + 1 < epochs:
            state_before = rng.bit_generator.state
            pending = prefetch.submit(make_epoch)
        for epoch in range(first_epoch, epochs):
            if epoch > first_epoch:
                x, n = pending.result()
                pending = None
                if epoch + 1 < epochs:
                    state_before = rng.bit_generator.state
                    pending = prefetch.submit(make_epoch)
                x, y = _whole_batches(x, n, batch)
            loss, lr, done = fit_epoch(x, y, epoch)
            if not np.isfinite(loss):
                if pending is not None:
                    pending.cancel()
                raise FloatingPointError(
                    f"Word2Vec training diverged in epoch {epoch + 1} (loss {loss}). The updates "
                    f"of a batch add up for frequent words: lower max_row_updates (now {max_row_updates}), "
                    f"batch_size (now {batch}) or learning_rate (now {learning_rate}).")
            logs = {"loss": loss, "learning_rate": lr, "examples": int(n)}
            if epoch_metrics is not None:
                logs.update(epoch_metrics(vocab.words, net.get_layer("word_embedding").get_weights()[0]))
            for key, value in logs.items():
                history.setdefault(key, []).append(value)
            if run is not None:
                run.epoch_end("fit", epoch, logs)
                _checkpoint(run, net, epoch + 1, state_before, seed=seed, done=done, batch=batch,
                            steps_per_epoch=steps_per_epoch)
                for callback in run.callbacks:
                    callback.on_epoch_end(epoch, logs)
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
        # In-vocabulary corpus words per second over the epochs run here (the same measure as the gensim benchmark).
        "words_per_second": len(ids) * (epochs - first_epoch) / wall,
        "final_loss": history["loss"][-1],
        "batch_size": batch,
        "max_row_updates": max_row_updates,
        "negative_group": negative_group,
        "trainer": trainer,
        "backend": keras.backend.backend(),
    }
    vectors.stats = stats
    return vectors, net, history, stats


SETTINGS = dict(corpus="sentiment", model="skipgram", epochs=5, embedding_dim=100, window=5, min_count=5, negative=5,
                sample=1e-3, learning_rate=0.025, min_learning_rate=1e-4, batch_size=None, trainer="sparse",
                max_row_updates=MAX_ROW_UPDATES, negative_group=NEGATIVE_GROUP, max_vocab_size=None,
                tokenizer="basic", seed=0, data_path=None, jit_compile="auto", probe_words=None, vectors_path=None,
                verbose=0, probe=None)
# What tuning searches by default: word2vec's size, window, negatives, subsampling and step size,
# ranged around gensim's defaults (100, 5, 5, 1e-3, 0.025).
SEARCH_SPACE = {"embedding_dim": [50, 100, 200, 300], "window": (2, 10), "negative": (2, 15),
                "sample": ("log", 1e-5, 1e-2), "learning_rate": ("log", 0.005, 0.1), "min_count": [1, 2, 3, 5]}


def corpus_name(corpus) -> str:
    if isinstance(corpus, (str, os.PathLike)):
        return os.path.splitext(os.path.basename(str(corpus)))[0] or str(corpus)
    return "sentences"


class WordEmbeddings(Task):
    """Word2Vec under the run loop; the "model" users predict with is the ``WordVectors``."""

    application = "embeddings"
    primary_metric = "final_loss"
    lower_is_better = True
    # Tuning scores vectors with a sentiment probe (zoo.text.word2vec_probe): validation split only.
    objective = "val_probe_accuracy"
    tuning_defaults = {"probe": "sst2"}

    @classmethod
    def defaults(cls, config: dict) -> dict:
        return SETTINGS

    @property
    def owner(self) -> str:
        return self.caller or "embeddings.train"

    def _training_args(self) -> dict:
        skip = ("corpus", "probe_words", "vectors_path", "probe")
        return {k: v for k, v in self.config.items() if k not in skip}

    def check(self) -> None:
        c = self.config
        if c["probe"] is not None and not isinstance(c["probe"], str):
            raise ZooValueError(f"The 'probe' parameter of {self.owner} must be a labelled text dataset (a name such "
                             f"as 'sst2' or 'mr', or a path) whose vectors' sentiment accuracy is reported, or None. "
                             f"Got {c['probe']!r}.")
        _check_args(c["model"], c["epochs"], c["embedding_dim"], c["window"], c["min_count"], c["negative"],
                    c["sample"], c["learning_rate"], c["min_learning_rate"], c["batch_size"], c["max_row_updates"],
                    c["negative_group"], c["trainer"])

    def load_data(self):
        return self.config["corpus"]  # read inside fit_word2vec, with the vocabulary

    def describe(self, corpus) -> dict:
        return {"corpus": corpus if isinstance(corpus, (str, os.PathLike)) else f"<{len(corpus)} sentences>"}

    def run_name(self, corpus) -> list[str]:
        return [self.config["model"], corpus_name(corpus)]

    def build(self, corpus):
        return None  # the vocabulary decides the model's size: built in fit

    def fit(self, _, corpus, run):
        vectors, net, history, stats = fit_word2vec(corpus, run=run, **self._training_args())
        self.net = net
        return vectors, history, stats

    def sentiment_probe(self):
        """The probe of the ``probe`` setting (loaded once per task)."""
        from zoo.text.word2vec_probe import SentimentProbe

        if getattr(self, "_probe", None) is None:
            c = self.config
            if not c["probe"]:
                raise ZooValueError(f"{self.owner} scores Word2Vec with a sentiment probe; pass probe='sst2' (or another "
                                    f"labelled text set) instead of probe=None.")
            # data_path may name the corpus file; the probe set is looked up in it only when it is a folder.
            where = c["data_path"] if c["data_path"] and os.path.isdir(str(c["data_path"])) else None
            self._probe = SentimentProbe(c["probe"], c["tokenizer"], where, c["seed"])
        return self._probe

    def evaluate(self, vectors, corpus, run_dir=None) -> dict:
        probes = [w for w in (self.config["probe_words"] or PROBE_WORDS) if w in vectors] or vectors.words[:5]
        path = self.config["vectors_path"] or (Path(run_dir) / "vectors.txt" if run_dir is not None else None)
        metrics = {"neighbours": {w: [n for n, _ in vectors.most_similar(w, topn=8)] for w in probes},
                   "vectors_path": str(path) if path is not None else None}
        if self.config["probe"]:
            metrics.update(self.sentiment_probe().score(vectors.words, vectors.vectors, test=True),
                           probe=self.sentiment_probe().name)
        return metrics

    # ---- tuning ----
    def search_space(self) -> dict:
        return dict(SEARCH_SPACE)

    def validation_score(self, corpus, run) -> float:
        """Train on the corpus; the probe's validation accuracy after every epoch (pruning), the last returned."""
        probe = self.sentiment_probe()
        _, _, history, _ = fit_word2vec(corpus, run=run, **self._training_args(),
                                        epoch_metrics=lambda words, weights: probe.score(words, weights))
        return float(history[self.objective][-1])

    def predict(self, vectors, words, **kwargs):
        return np.stack([vectors[w] for w in words])

    def sample_inputs(self, corpus=None):
        return list(PROBE_WORDS[:3])

    def save(self, vectors, run_dir) -> None:
        from zoo.core.io import save_model

        vectors.save(Path(run_dir) / "vectors.txt")
        if self.config["vectors_path"]:
            os.makedirs(os.path.dirname(os.path.abspath(self.config["vectors_path"])), exist_ok=True)
            vectors.save(self.config["vectors_path"])
        save_model(self.net, Path(run_dir) / "model.keras")

    def load(self, run_dir):
        """WordVectors with the exact weights of ``model.keras`` (``vectors.txt`` gives the word order)."""
        from zoo import saved_models

        net, _ = saved_models.load(Path(run_dir) / "model.keras")
        words = WordVectors.load(Path(run_dir) / "vectors.txt").words
        return WordVectors(words, np.asarray(net.get_layer("word_embedding").get_weights()[0], dtype="float32"))
