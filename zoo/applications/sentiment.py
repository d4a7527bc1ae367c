"""Sentiment analysis (and any sentence classification): train, evaluate, predict, cross-validate.

A trained model takes raw strings on every backend: the tokenizer (built on the training split
only) is stored inside the ``.keras`` file (see ``zoo.text``), so a model saved under jax loads
under torch or tensorflow and answers ``predict(model, ["a gripping, funny film"])`` the same.

Models: the registered text models (``textcnn``, ``lstm``, ``gru``, ``bilstm``, ``bigru``,
``simple_rnn``, ``transformer``) trained from scratch, optionally initialised from word vectors
(``embeddings=``), or ``bert`` fine-tuned from a pretrained checkpoint (``pretrained=``: a KerasHub
preset, an ``hf://`` handle or a local Hugging Face folder). BERT batches are bucketed by length
and padded per batch (to a multiple of 8), not to a fixed 64/128 tokens.

Example:
    >>> from zoo.applications import sentiment
    >>> result = sentiment.train()                        # Kim's CNN on SST-2, a minute or two on a CPU
    >>> sentiment.predict(result.model, ["a gripping, funny film"])
    [('positive', 0.93)]
    >>> sentiment.cross_validate(model="textcnn", dataset="mr", k=10)["accuracy_mean"]
"""

from __future__ import annotations

import math
import os
import time
from pathlib import Path

import numpy as np

from zoo.applications import runs
from zoo.datasets.splits import kfold_indices, stratified_split
from zoo.datasets.text import TextDataset, load_text_dataset
from zoo.errors import check_int, check_number

APPLICATION = "sentiment"

# Per-family defaults: chosen on SST-2's dev split (see saved_models/*_sst2.json and benchmarks/).
DEFAULTS = {
    "textcnn": {"epochs": 4, "batch_size": 50, "learning_rate": 1e-3},
    "transformer": {"epochs": 8, "batch_size": 64, "learning_rate": 5e-4},
    "rnn": {"epochs": 5, "batch_size": 64, "learning_rate": 2e-3},
    "bert": {"epochs": 2, "batch_size": 32, "learning_rate": 5e-5, "weight_decay": 0.01, "freeze_embeddings": True},
    "nbsvm": {"epochs": 8, "batch_size": 50, "learning_rate": 3e-3},
}
MAX_SEQUENCE_LENGTH = 256
BUCKET = 8


def _family(name: str) -> str:
    return name if name in ("textcnn", "transformer", "bert", "nbsvm") else "rnn"


# ---------------------------------------------------------------------------------------- loading
def load_model(model):
    """(keras model, card) for a model object, a ``.keras`` path or a ``saved_models/`` name."""
    from zoo import saved_models

    return saved_models.load(model)


# ---------------------------------------------------------------------------------- batching
def _bucket_length(n: int) -> int:
    step = BUCKET if n <= 64 else 32
    return max(BUCKET, int(math.ceil(n / step) * step))


def _pad_batch(seqs, pad_id, length=None):
    from zoo.text.tokenizer import pad_sequences

    return pad_sequences(seqs, length or _bucket_length(max(len(s) for s in seqs)), pad_id)


def _length_batches(lengths, batch_size, rng=None, window=50):
    """Index batches of similar length: shuffle, sort within windows of ``window`` batches, shuffle batches."""
    order = np.arange(len(lengths)) if rng is None else rng.permutation(len(lengths))
    chunk = batch_size * window
    batches = []
    for start in range(0, len(order), chunk):
        part = order[start:start + chunk]
        part = part[np.argsort(np.asarray(lengths)[part], kind="stable")]
        batches += [part[i:i + batch_size] for i in range(0, len(part), batch_size)]
    if rng is not None:
        rng.shuffle(batches)
        # Keras' tensorflow adapter infers the batch shape from the first two batches: make them
        # differ in length so it keeps the length dimension dynamic.
        if len(batches) > 1:
            padded = [_bucket_length(max(lengths[i] for i in b)) for b in batches]
            longest, shortest = int(np.argmax(padded)), int(np.argmin(padded))
            if longest != shortest:
                first = [batches[longest], batches[shortest]]
                batches = first + [b for j, b in enumerate(batches) if j not in (longest, shortest)]
    return batches


def _py_dataset(ids, labels, batch_size, pad_id, seed):
    import keras

    class LengthBucketedBatches(keras.utils.PyDataset):
        """Batches of similar-length texts padded per batch; reshuffled every epoch."""

        def __init__(self):
            super().__init__()
            self.rng = np.random.default_rng(seed)
            self.lengths = [len(s) for s in ids]
            self.batches = _length_batches(self.lengths, batch_size, self.rng)

        def __len__(self):
            return len(self.batches)

        def __getitem__(self, i):
            b = self.batches[i]
            return _pad_batch([ids[j] for j in b], pad_id), np.asarray(labels)[b]

        def on_epoch_end(self):
            self.batches = _length_batches(self.lengths, batch_size, self.rng)

    return LengthBucketedBatches()


def predict_proba(model, texts, batch_size: int = 128) -> np.ndarray:
    """Class probabilities (len(texts), num_classes) for raw strings."""
    from zoo.text.layers import find_tokenizer

    net, _ = load_model(model)
    layer = find_tokenizer(net)
    tok = layer.tokenizer
    ids = tok.ids(texts)
    if not ids:
        return np.zeros((0, len(layer.class_names or [])), dtype="float32")
    fixed = net.input_shape[1]
    # Pad the rows too (to batch_size, or a power of two for small inputs) so that jax/tensorflow
    # compile one predict step per length bucket rather than one per odd batch size.
    rows = batch_size if len(ids) > batch_size else max(8, 1 << (len(ids) - 1).bit_length())
    out = [None] * len(ids)
    for b in _length_batches([len(s) for s in ids], batch_size):
        x = _pad_batch([ids[j] for j in b], tok.pad_id, fixed)
        x = np.concatenate([x, np.full((rows - len(b), x.shape[1]), tok.pad_id, dtype=x.dtype)]) if len(b) < rows else x
        probs = np.asarray(net.predict_on_batch(x))[: len(b)]
        for j, p in zip(b, probs):
            out[j] = p
    return np.stack(out).astype("float32")


# ---------------------------------------------------------------------------------- training
def _word_vectors(embeddings):
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
    if not hasattr(embeddings, "embedding_matrix"):
        raise TypeError(
            "The 'embeddings' parameter of sentiment.train must be a path to a word2vec text file, a BERT-family "
            "checkpoint (a Hugging Face folder or an hf:// handle), or an object with embedding_matrix(vocabulary) "
            f"-> array (e.g. zoo's Word2Vec). Got {type(embeddings).__name__}."
        )
    return embeddings


def _embedding_matrix(embeddings, vocabulary):
    embeddings = _word_vectors(embeddings)
    if embeddings is None:
        return None
    matrix = np.asarray(embeddings.embedding_matrix(list(vocabulary)), dtype="float32")
    if matrix.ndim != 2 or matrix.shape[0] != len(vocabulary):
        raise ValueError(f"embeddings.embedding_matrix(vocabulary) must return shape ({len(vocabulary)}, dim). Got {matrix.shape}.")
    return matrix


def _freeze_token_embeddings(net):
    """Freeze a BERT's word-piece table (30k x hidden): its dense gradient and AdamW update cost
    about as much as the rest of a small encoder's step on a CPU, for little accuracy."""
    for layer in net.layers:
        if hasattr(layer, "token_embedding") and "backbone" in layer.name:
            layer.token_embedding.trainable = False
            return True
    return False


def _strip_training_state(net):
    """Drop the optimizers of nested (member) models: Keras would otherwise save their Adam moments,
    tripling the size of every ``.keras`` file."""
    import keras

    for layer in net.layers:
        if isinstance(layer, keras.Model):
            layer.optimizer, layer.compiled = None, False
    return net


def _set_embeddings(base, matrix, freeze):
    from zoo.models.text import TokenAndPositionEmbedding

    layer = base.get_layer("embedding")
    target = layer.token_embedding if isinstance(layer, TokenAndPositionEmbedding) else layer
    target.embeddings.assign(matrix)
    if freeze:
        target.trainable = False


def _sequence_length(ids, given):
    if given is not None:
        return check_int(given, "sequence_length", "sentiment.train", minimum=1)
    lengths = [len(s) for s in ids]
    return int(min(MAX_SEQUENCE_LENGTH, max(8, np.percentile(lengths, 99) if lengths else 8)))


def _subset(texts, labels, limit, seed):
    if limit is None or limit >= len(texts):
        return list(texts), np.asarray(labels)
    idx = np.sort(np.random.default_rng(seed).permutation(len(texts))[:limit])
    return [texts[i] for i in idx], np.asarray(labels)[idx]


def _validation(ds: TextDataset, validation_split, seed):
    """(train texts, labels), (val texts, labels) or None: the dev split if the set has one."""
    if ds.dev_texts:
        return (list(ds.train_texts), np.asarray(ds.train_labels)), (list(ds.dev_texts), np.asarray(ds.dev_labels))
    if not validation_split:
        return (list(ds.train_texts), np.asarray(ds.train_labels)), None
    keep, held = stratified_split(ds.train_labels, validation_split, seed)
    y = np.asarray(ds.train_labels)
    return ([ds.train_texts[i] for i in keep], y[keep]), ([ds.train_texts[i] for i in held], y[held])


def _check_settings(owner, *, epochs, batch_size, learning_rate, weight_decay, max_tokens, min_count,
                    validation_split, limit, patience, ensemble, seed, sequence_length=None, **_):
    """One check of the training settings that train and cross_validate share, before any run folder exists."""
    check_int(epochs, "epochs", owner)
    check_int(batch_size, "batch_size", owner)
    check_int(ensemble, "ensemble", owner)
    check_int(seed, "seed", owner, minimum=0)
    check_int(min_count, "min_count", owner)
    check_number(learning_rate, "learning_rate", owner, low=0.0)
    check_number(weight_decay, "weight_decay", owner, low=0.0, low_open=False)
    check_number(validation_split, "validation_split", owner, low=0.0, high=1.0, low_open=False)
    for name, value, minimum in (("max_tokens", max_tokens, 3), ("limit", limit, 1), ("patience", patience, 1),
                                 ("sequence_length", sequence_length, 1)):
        if value is not None:
            check_int(value, name, owner, minimum=minimum)


def _fit(model, ds, *, epochs, batch_size, learning_rate, weight_decay, seed, pretrained, embeddings,
         freeze_embeddings, sequence_length, max_tokens, min_count, validation_split, limit, model_kwargs,
         verbose, patience, ensemble=1, backup_dir=None):
    """Tokenise, build, compile and fit; returns (model with tokenizer, history, info).

    With ``ensemble > 1`` (from-scratch models), that many members are trained with seeds
    ``seed, seed+1, ...`` on the same vocabulary, each keeping its best validation epoch, and the
    returned model averages their probabilities.
    """
    import keras

    from zoo.models import get_model_entry
    from zoo.text import WordTokenizer
    from zoo.text.layers import TextTokenizer

    keras.utils.set_random_seed(seed)
    (x_tr, y_tr), val = _validation(ds, validation_split, seed)
    x_tr, y_tr = _subset(x_tr, y_tr, limit, seed)
    if not x_tr or (val is not None and not val[0]):
        raise ValueError(f"{ds.name!r} has {len(ds.train_texts)} training examples: validation_split={validation_split} "
                         f"leaves {len(x_tr)} to train on and {0 if val is None else len(val[0])} to validate with. "
                         f"Use a smaller validation_split (0 for none).")
    kwargs = dict(model_kwargs or {})
    if isinstance(model, str):
        name, family = model, _family(model)
    else:
        name, family = model.name, "custom"
    if ensemble > 1 and family in ("bert", "custom"):
        raise ValueError(f"The 'ensemble' parameter applies to the zoo's from-scratch models. Got ensemble={ensemble} "
                         f"with model={name!r}.")

    if family == "bert":
        if embeddings is not None:
            raise ValueError("The 'embeddings' parameter does not apply to model='bert' (it has its own pretrained embeddings).")
        tok = _wordpiece_for(pretrained, sequence_length)
        kwargs.setdefault("vocab_size", tok.vocab_size)
        seq_len, matrix = None, None
        bert_base = get_model_entry("bert", "text").builder(pretrained=pretrained, num_classes=ds.num_classes, **kwargs)
        positions = next((layer.max_sequence_length for layer in bert_base.layers
                          if hasattr(layer, "max_sequence_length")), None)
        if positions is not None and tok.sequence_length > positions:
            if sequence_length is not None:
                raise ValueError(f"The 'sequence_length' parameter ({sequence_length}) exceeds the {positions} positions "
                                 f"of the checkpoint {pretrained}. Use sequence_length <= {positions}.")
            tok.sequence_length = positions  # longer texts are truncated, as at training
    elif family == "custom":
        if pretrained is not None:
            raise ValueError("The 'pretrained' parameter applies to model='bert' only; pass a model name, not a model object.")
        seq_len = model.input_shape[1]
        tok, matrix = WordTokenizer.fit(x_tr, max_tokens, min_count, sequence_length=seq_len), None
    else:
        if pretrained is not None:
            raise ValueError(f"The 'pretrained' parameter applies to model='bert' only. Got model={name!r} with pretrained={pretrained!r}; "
                             f"use embeddings= to start {name} from word vectors.")
        if family == "nbsvm" and embeddings is not None:
            raise ValueError("The 'embeddings' parameter does not apply to model='nbsvm': it weighs n-grams by their "
                             "Naive Bayes ratios and has no word vectors. Use model='textcnn' with embeddings=.")
        tok = WordTokenizer.fit(x_tr, max_tokens, min_count)
        seq_len = _sequence_length(tok.ids(x_tr), sequence_length)
        tok.sequence_length = seq_len
        matrix = _embedding_matrix(embeddings, tok.vocabulary)
        if matrix is not None:
            kwargs["embedding_dim"] = matrix.shape[1]

    if seq_len is None:
        data = _py_dataset(tok.ids(x_tr), y_tr, batch_size, tok.pad_id, seed)
        val_data = _py_dataset(tok.ids(val[0]), val[1], batch_size * 2, tok.pad_id, seed + 1) if val is not None else None
        fit_args = {}
    else:
        data = tok.encode(x_tr, seq_len)
        val_data = (tok.encode(val[0], seq_len), val[1]) if val is not None else None
        fit_args = {"y": y_tr, "batch_size": batch_size, "shuffle": True}

    members, histories, start = [], [], time.perf_counter()
    for m in range(ensemble):
        keras.utils.set_random_seed(seed + m)
        if family == "bert":
            base = bert_base
            if freeze_embeddings:
                _freeze_token_embeddings(base)
        elif family == "custom":
            base = model
        else:
            member_kwargs = {**kwargs, "name": f"{name}_{m}"} if ensemble > 1 else kwargs
            # the builder directly: create_model's own first parameter is called 'name'
            base = get_model_entry(name, "text").builder(vocab_size=tok.vocab_size, sequence_length=seq_len,
                                                         num_classes=ds.num_classes, **member_kwargs)
            if matrix is not None:
                _set_embeddings(base, matrix, freeze_embeddings)
            _adapt_naive_bayes(base, data, y_tr)
        steps = epochs * int(math.ceil(len(x_tr) / batch_size))
        if family == "bert":
            lr = keras.optimizers.schedules.CosineDecay(0.0, max(1, steps - steps // 10), alpha=0.0,
                                                        warmup_target=learning_rate, warmup_steps=max(1, steps // 10))
        else:
            lr = learning_rate
        optimizer = keras.optimizers.AdamW(lr, weight_decay=weight_decay) if weight_decay else keras.optimizers.Adam(lr)
        base.compile(optimizer=optimizer, loss="sparse_categorical_crossentropy", metrics=["accuracy"])
        callbacks = []
        if backup_dir is not None:
            callbacks.append(keras.callbacks.BackupAndRestore(str(Path(backup_dir) / f"member{m}"), delete_checkpoint=True))
        if val is not None:
            callbacks.append(keras.callbacks.EarlyStopping(monitor="val_accuracy", mode="max", patience=patience or epochs,
                                                           restore_best_weights=True))
        hist = base.fit(data, epochs=epochs, validation_data=val_data, callbacks=callbacks, verbose=verbose, **fit_args)
        histories.append({k: [float(v) for v in vals] for k, vals in hist.history.items()})
        base.optimizer, base.compiled = None, False  # keep Adam's moments out of the saved file
        members.append(base)
    wall = time.perf_counter() - start

    inputs = keras.Input(shape=(seq_len,), dtype="int32", name="token_ids")
    x = TextTokenizer(tok.get_config(), ds.class_names)(inputs)
    outputs = [b(x) for b in members]
    out = keras.layers.Average(name="ensemble_mean")(outputs) if len(outputs) > 1 else outputs[0]
    net = keras.Model(inputs, out, name=f"{name}{'x%d' % ensemble if ensemble > 1 else ''}_{ds.name}")

    history = histories[0]
    epochs_run = sum(len(h.get("loss", [])) for h in histories)
    info = {"train_wall_time_s": wall, "train_examples": len(x_tr), "epochs_run": epochs_run,
            "train_sentences_per_s": len(x_tr) * epochs_run / wall, "vocab_size": tok.vocab_size,
            "sequence_length": seq_len, "ensemble": ensemble}
    if val is not None and "val_accuracy" in history:
        info["best_epoch"] = [int(np.argmax(h["val_accuracy"])) + 1 for h in histories]
        info["member_val_accuracy"] = [float(max(h["val_accuracy"])) for h in histories]
        if ensemble == 1:
            info["best_epoch"] = info["best_epoch"][0]
        val_probs = predict_proba(net, val[0])
        info["val_accuracy"] = float(np.mean(val_probs.argmax(-1) == np.asarray(val[1])))
    return net, history, info


def _adapt_naive_bayes(base, token_ids, labels):
    """NBSVM's log-count ratios are counted on the training split before the weights are fitted."""
    from zoo.models.nbsvm import NaiveBayesNgrams

    for layer in base.layers:
        if isinstance(layer, NaiveBayesNgrams):
            layer.adapt(token_ids, labels)


def _wordpiece_for(pretrained, sequence_length=None):
    from zoo.text import WordPieceTokenizer

    if pretrained is None:
        raise ValueError("model='bert' needs pretrained=: a KerasHub preset name, an hf:// handle or a folder in "
                         "Hugging Face layout (config.json, model.safetensors, vocab.txt), e.g. "
                         "pretrained='../shared/pretrained/all-MiniLM-L6-v2'.")
    return WordPieceTokenizer.from_preset(pretrained, sequence_length or 128)


def train(
    model="textcnn",
    dataset="sst2",
    epochs=None,
    batch_size=None,
    learning_rate=None,
    weight_decay=None,
    seed=0,
    output_dir=None,
    pretrained=None,
    embeddings=None,
    freeze_embeddings=None,
    sequence_length=None,
    max_tokens=None,
    min_count=1,
    validation_split=0.1,
    patience=None,
    ensemble=1,
    dtype_policy=None,
    limit=None,
    data_path=None,
    model_kwargs=None,
    verbose="auto",
):
    """Train a text classifier on ``dataset`` and write a run folder; works with no arguments.

    Args:
        model: a registered text model (``textcnn``, ``lstm``, ``gru``, ``bilstm``, ``bigru``,
            ``simple_rnn``, ``transformer``, ``bert``) or a Keras model on token ids.
        dataset: ``"sst2"``, ``"mr"``, ``"imdb"``, a file/folder path (see zoo.datasets.text) or a TextDataset.
        epochs, batch_size, learning_rate, weight_decay: None picks the model family's defaults (``DEFAULTS``).
        pretrained: for ``model="bert"``: a KerasHub preset, ``hf://`` handle or local Hugging Face folder.
        embeddings: word vectors for the embedding layer: an object with
            ``embedding_matrix(vocabulary) -> (len(vocabulary), dim)``, a word2vec text-file path, or a
            BERT-family checkpoint (Hugging Face folder or ``hf://`` handle) to distil word vectors
            from (``zoo.text.EncoderVectors``).
        freeze_embeddings: keep those vectors fixed (Kim's CNN-static) instead of fine-tuning them; for
            ``bert``, freeze the word-piece table (the default there: a much cheaper step on a CPU).
        sequence_length: pad/truncate to this many tokens (default: the training set's 99th percentile).
        max_tokens, min_count: vocabulary size cap and minimum word count (training split only).
        validation_split: held out of train for model selection when the dataset has no dev split;
            the epoch with the best validation accuracy is kept.
        patience: stop after this many epochs without a better validation accuracy (default: never early).
        ensemble: train this many members (seeds seed, seed+1, ...) and save one model that averages them.
        dtype_policy: e.g. ``"mixed_bfloat16"`` to compute in bfloat16 (faster on CPUs with AVX512-BF16/AMX).
        limit: train on at most this many examples (quick runs, tests).
        output_dir: parent of the run folder (default ``runs/``).

    Returns:
        TrainResult: ``model`` (takes raw strings via ``predict``), ``history``, ``metrics`` (test set), ``run_dir``.
    """
    check_int(seed, "seed", "sentiment.train", minimum=0)
    if pretrained is not None and model == "textcnn" and isinstance(model, str):
        model = "bert"  # train(pretrained=...) alone means: fine-tune that encoder
    ds = load_text_dataset(dataset, data_path)
    family = _family(model) if isinstance(model, str) else "custom"
    defaults = DEFAULTS.get(family, DEFAULTS["rnn"])
    epochs = check_int(epochs if epochs is not None else defaults["epochs"], "epochs", "sentiment.train")
    batch_size = check_int(batch_size if batch_size is not None else defaults["batch_size"], "batch_size", "sentiment.train")
    learning_rate = learning_rate if learning_rate is not None else defaults["learning_rate"]
    weight_decay = weight_decay if weight_decay is not None else defaults.get("weight_decay", 0.0)
    if freeze_embeddings is None:
        freeze_embeddings = defaults.get("freeze_embeddings", False)
    _check_settings("sentiment.train", epochs=epochs, batch_size=batch_size, learning_rate=learning_rate,
                    weight_decay=weight_decay, max_tokens=max_tokens, min_count=min_count,
                    validation_split=validation_split, limit=limit, patience=patience, ensemble=ensemble, seed=seed,
                    sequence_length=sequence_length)
    runs.check_output_dir(output_dir, "sentiment.train")
    config = {k: v for k, v in locals().items() if k not in ("ds", "defaults", "family", "keras")}
    config.update(model=model if isinstance(model, str) else model.name, dataset=ds.name, class_names=ds.class_names,
                  pretrained=str(pretrained) if pretrained is not None else None,
                  embeddings=None if embeddings is None else (str(embeddings) if isinstance(embeddings, (str, os.PathLike))
                                                              else type(embeddings).__name__))
    run_dir = runs.make_run_dir(output_dir, APPLICATION, config["model"], ds.name)
    runs.save_config(run_dir, APPLICATION, config)

    import keras

    previous_policy = keras.config.dtype_policy()
    if dtype_policy is not None:
        keras.config.set_dtype_policy(dtype_policy)
    try:
        net, history, info = _fit(model, ds, epochs=epochs, batch_size=batch_size, learning_rate=learning_rate,
                                  weight_decay=weight_decay, seed=seed, pretrained=pretrained, embeddings=embeddings,
                                  freeze_embeddings=freeze_embeddings, sequence_length=sequence_length,
                                  max_tokens=max_tokens, min_count=min_count, validation_split=validation_split,
                                  limit=limit, model_kwargs=model_kwargs, verbose=verbose, patience=patience,
                                  ensemble=ensemble, backup_dir=run_dir / "backup")
    finally:
        keras.config.set_dtype_policy(previous_policy)
    net._zoo_card = {"class_names": ds.class_names, "dataset": ds.name}
    metrics = evaluate(net, ds, run_dir=run_dir)
    metrics.update(info)
    runs.save_model(net, run_dir / "model.keras")
    runs.save_history(run_dir, history)
    runs.plot_learning_curves(history, run_dir / "learning_curves.png")
    runs.write_json(run_dir / "metrics.json", metrics)
    return runs.TrainResult(net, history, metrics, run_dir)


# -------------------------------------------------------------------------------- evaluation
def _plot_curves(y_true, probs, class_names, run_dir):
    from sklearn.metrics import precision_recall_curve, roc_curve

    plt = runs._pyplot()
    targets = [(1, class_names[1])] if len(class_names) == 2 else list(enumerate(class_names))
    for kind in ("roc", "pr"):
        fig, ax = plt.subplots(figsize=(4.5, 4))
        for c, label in targets:
            truth = (y_true == c).astype(int)
            if kind == "roc":
                fpr, tpr, _ = roc_curve(truth, probs[:, c])
                ax.plot(fpr, tpr, label=label)
                ax.plot([0, 1], [0, 1], "k:", lw=0.8)
                ax.set_xlabel("false positive rate")
                ax.set_ylabel("true positive rate")
            else:
                precision, recall, _ = precision_recall_curve(truth, probs[:, c])
                ax.plot(recall, precision, label=label)
                ax.set_xlabel("recall")
                ax.set_ylabel("precision")
        ax.set_title("ROC curve" if kind == "roc" else "precision-recall curve")
        ax.legend(title="positive class")
        fig.tight_layout()
        fig.savefig(Path(run_dir) / f"{kind}_curve.png", dpi=100)
        plt.close(fig)


def _metrics(y_true, probs, class_names) -> dict:
    from sklearn.metrics import average_precision_score, roc_auc_score

    y_true = np.asarray(y_true).astype(int)
    metrics = runs.classification_metrics(y_true, probs.argmax(-1), class_names)
    present = np.unique(y_true)
    if len(class_names) == 2 and len(present) == 2:
        metrics["precision"] = metrics["per_class"][class_names[1]]["precision"]
        metrics["recall"] = metrics["per_class"][class_names[1]]["recall"]
        metrics["f1"] = metrics["per_class"][class_names[1]]["f1"]
        metrics["roc_auc"] = float(roc_auc_score(y_true, probs[:, 1]))
        metrics["average_precision"] = float(average_precision_score(y_true, probs[:, 1]))
    elif len(present) == len(class_names) > 2:
        metrics["roc_auc"] = float(roc_auc_score(y_true, probs, multi_class="ovr"))
    return metrics


def evaluate(model, dataset, split="test", batch_size=128, run_dir=None, output_dir=None, data_path=None):
    """Metrics on a split: ``accuracy``, ``precision``/``recall``/``f1`` (positive class, binary),
    macro and per-class scores, ``roc_auc``, ``average_precision``, the confusion matrix.

    ``model`` may be a Keras model, a ``.keras`` path or a saved-model name. Plots
    (``confusion_matrix.png``, ``roc_curve.png``, ``pr_curve.png``) go to ``run_dir``, or to a new
    run folder under ``output_dir`` when that is given instead.
    """
    net, _ = load_model(model)
    ds = load_text_dataset(dataset, data_path)
    if split not in ("test", "dev", "train"):
        raise ValueError(f"The 'split' parameter of sentiment.evaluate must be 'test', 'dev' or 'train'. Got {split!r}.")
    texts, labels = {"test": (ds.test_texts, ds.test_labels), "dev": (ds.dev_texts, ds.dev_labels),
                     "train": (ds.train_texts, ds.train_labels)}[split]
    if not texts:
        raise ValueError(f"Dataset {ds.name!r} has no {split!r} split.")
    from zoo.text.layers import find_tokenizer

    names = list(find_tokenizer(net).class_names or ds.class_names)
    labels = np.asarray(labels)
    if names != list(ds.class_names):  # match classes by name, never by position
        unknown = [c for c in ds.class_names if c not in names]
        if unknown:
            raise ValueError(f"Dataset {ds.name!r} has classes {unknown} that the model does not predict (its classes: "
                             f"{names}). Labels are matched by name: give the dataset the model's class names.")
        labels = np.asarray([names.index(c) for c in ds.class_names])[labels]
    probs = predict_proba(net, texts, batch_size)
    if probs.shape[1] != len(names):
        raise ValueError(f"The model predicts {probs.shape[1]} classes but names {len(names)} ({names}).")
    metrics = _metrics(labels, probs, names)
    metrics["split"] = split
    if run_dir is None and output_dir is not None:
        run_dir = runs.make_run_dir(output_dir, APPLICATION, "evaluate", net.name, ds.name)
        runs.write_json(Path(run_dir) / "metrics.json", metrics)
    if run_dir is not None:
        runs.plot_confusion_matrix(metrics["confusion_matrix"], names, Path(run_dir) / "confusion_matrix.png")
        _plot_curves(np.asarray(labels).astype(int), probs, names, run_dir)
    return metrics


def predict(model, texts, top_k=1, batch_size=128):
    """Label and probability for each raw string: ``[(label, probability), ...]`` (``top_k=1``),
    or a list of the ``top_k`` best ``(label, probability)`` pairs per text.

    Example:
        >>> predict("textcnn_sst2", ["a gripping, funny film"])
        [('positive', 0.97)]
    """
    from zoo.text.layers import find_tokenizer

    if isinstance(texts, str):
        texts = [texts]
    if texts is None or not hasattr(texts, "__iter__"):
        raise TypeError(f"The 'texts' parameter of sentiment.predict must be a string or a list of strings. "
                        f"Got {type(texts).__name__}.")
    texts = list(texts)
    odd = [t for t in texts if not isinstance(t, str)]
    if odd:
        raise TypeError(f"The 'texts' parameter of sentiment.predict must hold strings; got {type(odd[0]).__name__} "
                        f"values such as {odd[0]!r}.")
    check_int(batch_size, "batch_size", "sentiment.predict")
    net, _ = load_model(model)
    probs = predict_proba(net, texts, batch_size)
    names = find_tokenizer(net).class_names or [str(i) for i in range(probs.shape[-1])]
    top_k = check_int(top_k, "top_k", "sentiment.predict")
    if top_k > len(names):
        raise ValueError(f"The 'top_k' parameter of sentiment.predict must be at most the {len(names)} classes. Got {top_k}.")
    order = np.argsort(-probs, axis=-1)[:, :top_k]
    ranked = [[(names[j], float(p[j])) for j in row] for p, row in zip(probs, order)]
    return [r[0] for r in ranked] if top_k == 1 else ranked


def cross_validate(model="textcnn", dataset="mr", k=10, seed=0, folds=None, output_dir=None, data_path=None,
                   verbose=0, **train_kwargs):
    """Stratified k-fold cross-validation (every example tested once), the protocol for MR-style sets.

    Each fold builds its vocabulary on its own training folds and selects its epoch on a
    ``validation_split`` of them; ``train_kwargs`` are ``train``'s (epochs, batch_size, ...).
    ``folds`` runs only those fold numbers (quick checks). Writes ``cv.json``/``folds.csv`` into a run folder.

    Returns:
        dict with ``accuracy_mean``, ``accuracy_std``, ``fold_accuracies`` and the fold metrics.
    """
    import pandas as pd

    owner = "sentiment.cross_validate"
    check_int(seed, "seed", owner, minimum=0)
    ds = load_text_dataset(dataset, data_path)
    texts, labels = ds.all()
    splits = kfold_indices(labels, k, seed)
    if folds is not None and (isinstance(folds, (int, str)) or not len(folds) or not all(
            isinstance(f, (int, np.integer)) and not isinstance(f, bool) and 0 <= f < k for f in folds)):
        raise ValueError(f"The 'folds' parameter of {owner} must be None (all) or a non-empty list of fold numbers "
                         f"in [0, {k - 1}]. Got {folds!r}.")
    chosen = list(range(k)) if folds is None else [int(f) for f in folds]
    name = model if isinstance(model, str) else model.name
    family = _family(name) if isinstance(model, str) else "custom"
    defaults = DEFAULTS.get(family, DEFAULTS["rnn"])
    settings = {"epochs": defaults["epochs"], "batch_size": defaults["batch_size"],
                "learning_rate": defaults["learning_rate"], "weight_decay": defaults.get("weight_decay", 0.0),
                "pretrained": None, "embeddings": None, "freeze_embeddings": defaults.get("freeze_embeddings", False),
                "sequence_length": None,
                "max_tokens": None, "min_count": 1, "validation_split": 0.1, "limit": None, "model_kwargs": None,
                "patience": None, "ensemble": 1}
    unknown = set(train_kwargs) - set(settings)
    if unknown:
        raise TypeError(f"cross_validate got unexpected arguments {sorted(unknown)}; it accepts {sorted(settings)}.")
    settings.update({k_: v for k_, v in train_kwargs.items() if v is not None})
    _check_settings(owner, seed=seed, **settings)
    runs.check_output_dir(output_dir, owner)
    run_dir = runs.make_run_dir(output_dir, APPLICATION, f"cv{k}", name, ds.name)
    runs.save_config(run_dir, APPLICATION, {"function": "cross_validate", "model": name, "dataset": ds.name, "k": k,
                                            "seed": seed, "folds": chosen, **{k_: (v if not hasattr(v, "embedding_matrix") else type(v).__name__)
                                                                               for k_, v in settings.items()}})
    settings["embeddings"] = _word_vectors(settings["embeddings"])
    rows, start = [], time.perf_counter()
    for f in chosen:
        tr, te = splits[f]
        fold_ds = TextDataset(f"{ds.name}_fold{f}", [texts[i] for i in tr], labels[tr], [texts[i] for i in te],
                              labels[te], ds.class_names)
        net, _, info = _fit(model, fold_ds, seed=seed + f, verbose=verbose, **settings)
        m = _metrics(labels[te], predict_proba(net, fold_ds.test_texts), ds.class_names)
        rows.append({"fold": f, "accuracy": m["accuracy"], "f1_macro": m["f1_macro"], "test_examples": len(te),
                     "best_epoch": info.get("best_epoch"), "wall_s": info["train_wall_time_s"]})
        pd.DataFrame(rows).to_csv(run_dir / "folds.csv", index=False)
    accs = np.asarray([r["accuracy"] for r in rows])
    result = {"model": name, "dataset": ds.name, "k": k, "folds_run": len(rows), "accuracy_mean": float(accs.mean()),
              "accuracy_std": float(accs.std(ddof=1)) if len(accs) > 1 else 0.0,
              "fold_accuracies": accs.tolist(), "folds": rows, "wall_time_s": time.perf_counter() - start,
              "run_dir": str(run_dir)}
    runs.write_json(run_dir / "cv.json", result)
    runs.write_json(run_dir / "metrics.json", result)
    return result


REFERENCE_TEXTS = [
    "a gripping, funny film",
    "a dull, tedious mess that never finds its footing",
    "the performances are fine but the script is n't",
    "an unforgettable, heartfelt story",
]


def save_to_zoo(run_dir, name: str, recipe: str | None = None, notes: str = "", include_weights: bool = True,
                extra: dict | None = None):
    """Publish a run as ``saved_models/<name>.keras`` with a JSON model card.

    The card records dataset, recipe, backend, epochs, wall time, test metrics, the file's sha256
    and reference predictions on ``REFERENCE_TEXTS`` (tests check every backend reproduces them).
    ``include_weights=False`` writes the card only (for checkpoints too large for git).
    """
    import json

    from zoo import saved_models
    from zoo.datasets.download import sha256sum

    run_dir = Path(run_dir)
    config = json.loads((run_dir / "config.json").read_text())
    metrics = json.loads((run_dir / "metrics.json").read_text())
    folder = saved_models.saved_models_dir()
    folder.mkdir(parents=True, exist_ok=True)
    probs = predict_proba(str(run_dir / "model.keras"), REFERENCE_TEXTS)
    net, _ = load_model(str(run_dir / "model.keras"))
    names = net.get_layer("text_tokenizer").class_names
    card = {
        "name": name,
        "application": APPLICATION,
        "model": config.get("model"),
        "dataset": config.get("dataset"),
        "class_names": names,
        "recipe": recipe or config.get("recipe"),
        "backend": config.get("backend"),
        "keras_version": config.get("keras_version"),
        "config": {k: config.get(k) for k in ("epochs", "batch_size", "learning_rate", "weight_decay", "seed",
                                              "ensemble", "model_kwargs", "pretrained", "sequence_length")},
        "epochs_run": metrics.get("epochs_run"),
        "best_epoch": metrics.get("best_epoch"),
        "train_wall_time_s": metrics.get("train_wall_time_s"),
        "train_sentences_per_s": metrics.get("train_sentences_per_s"),
        "val_accuracy": metrics.get("val_accuracy"),
        "test_metrics": {k: metrics.get(k) for k in ("accuracy", "precision", "recall", "f1", "f1_macro", "roc_auc",
                                                     "average_precision", "num_examples", "confusion_matrix")},
        "parameters": int(net.count_params()),
        "run_dir": str(run_dir),
        "reference_predictions": {"texts": REFERENCE_TEXTS, "probabilities": probs.tolist()},
        "notes": notes,
        **(extra or {}),
    }
    if include_weights:
        target = folder / f"{name}.keras"
        runs.save_model(_strip_training_state(net), target)
        card["file"] = target.name
        card["sha256"] = sha256sum(target)
        card["size_bytes"] = target.stat().st_size
    else:
        card["file"] = None
        card["sha256_of_run_model"] = sha256sum(run_dir / "model.keras")
    runs.write_json(folder / f"{name}.json", card)
    return card
