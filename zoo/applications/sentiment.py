"""Sentiment analysis (and any sentence classification): train, evaluate, predict, cross-validate.

A facade over ``zoo.tasks.text`` run by the one run loop (``zoo.core.runner``). A trained model
takes raw strings on every backend: the tokenizer is stored inside the ``.keras`` file, so a model
saved under jax loads under torch or tensorflow and answers the same.

Example:
    >>> from zoo.applications import sentiment
    >>> result = sentiment.train()                        # Kim's CNN on SST-2, a minute or two on a CPU
    >>> sentiment.predict(result.model, ["a gripping, funny film"])
    [('positive', 0.93)]
    >>> sentiment.cross_validate(model="textcnn", dataset="mr", k=10)["accuracy_mean"]
"""

from __future__ import annotations

from pathlib import Path

from zoo.core import rundir
from zoo.core.io import write_json
from zoo.core.runner import run
from zoo.datasets.text import load_text_dataset
from zoo.tasks.text.batching import predict_proba  # noqa: F401  (public)
from zoo.tasks.text.crossval import cross_validate  # noqa: F401  (public)
from zoo.tasks.text.task import (  # noqa: F401
    DEFAULTS,
    REFERENCE_TEXTS,
    TextClassification,
    evaluate_texts,
    predict_texts,
)

APPLICATION = TextClassification.application


def load_model(model):
    """(keras model, card) for a model object, a ``.keras`` path or a ``saved_models/`` name."""
    from zoo import saved_models

    return saved_models.load(model)


def train(model="textcnn", dataset="sst2", epochs=None, batch_size=None, learning_rate=None, weight_decay=None, seed=0,
          output_dir=None, pretrained=None, embeddings=None, freeze_embeddings=None, sequence_length=None,
          max_tokens=None, min_count=1, validation_split=0.1, patience=None, ensemble=1, dtype_policy=None, limit=None,
          data_path=None, model_kwargs=None, verbose="auto", resume=True, save_as=None, force=False, precision="fp32",
          distribution=None):
    """Train a text classifier on ``dataset`` and write a run folder; works with no arguments.

    Args:
        model: a registered text model (``textcnn``, ``lstm``, ``gru``, ``bilstm``, ``bigru``,
            ``simple_rnn``, ``transformer``, ``nbsvm``, ``bert``) or a Keras model on token ids.
        dataset: ``"sst2"``, ``"mr"``, ``"imdb"``, a file/folder path (see zoo.datasets.text) or a TextDataset.
        epochs, batch_size, learning_rate, weight_decay: None picks the model family's defaults (``DEFAULTS``).
        pretrained: for ``model="bert"``: a KerasHub preset, ``hf://`` handle or local Hugging Face folder.
        embeddings: word vectors for the embedding layer: an object with
            ``embedding_matrix(vocabulary) -> (len(vocabulary), dim)``, a word2vec text-file path, or a
            BERT-family checkpoint (Hugging Face folder or ``hf://`` handle) to distil word vectors from.
        freeze_embeddings: keep those vectors fixed (Kim's CNN-static) instead of fine-tuning them; for
            ``bert``, freeze the word-piece table (the default there: a much cheaper step on a CPU).
        sequence_length: pad/truncate to this many tokens (default: the training set's 99th percentile).
        max_tokens, min_count: vocabulary size cap and minimum word count (training split only).
        validation_split: held out of train for model selection when the dataset has no dev split;
            the epoch with the best validation accuracy is kept.
        patience: stop after this many epochs without a better validation accuracy (default: never early).
        ensemble: train this many members (seeds seed, seed+1, ...) and save one model that averages them.
        dtype_policy: e.g. ``"mixed_bfloat16"`` to compute in bfloat16 (faster on CPUs with AVX512-BF16/AMX).
        precision: ``"fp32"`` (default), ``"bf16"`` or ``"fp16"``: the short form of ``dtype_policy``.
        distribution: ``"data_parallel"``: each batch split across the backend's devices (jax only).
        limit: train on at most this many examples (quick runs, tests).
        output_dir: parent of the run folder (default ``runs/``).
        resume: the same arguments after an interruption continue the unfinished run folder.
        save_as: publish the finished model to ``saved_models/<save_as>`` (refused over a better one unless ``force``).

    Returns:
        TrainResult: ``model`` (takes raw strings via ``predict``), ``history``, ``metrics`` (test set), ``run_dir``.
    """
    config = {k: v for k, v in locals().items() if k not in ("output_dir", "resume", "save_as", "force")}
    return run(TextClassification(**config), output_dir=output_dir, resume=resume, publish=save_as, force=force)


def evaluate(model, dataset, split="test", batch_size=128, run_dir=None, output_dir=None, data_path=None):
    """Metrics on a split: ``accuracy``, ``precision``/``recall``/``f1`` (positive class, binary),
    macro and per-class scores, ``roc_auc``, ``average_precision``, the confusion matrix.

    ``model`` may be a Keras model, a ``.keras`` path or a saved-model name. Plots go to ``run_dir``,
    or to a new run folder under ``output_dir`` when that is given instead.
    """
    net, _ = load_model(model)
    ds = load_text_dataset(dataset, data_path)
    if run_dir is None and output_dir is not None:
        run_dir = rundir.make_run_dir(output_dir, APPLICATION, "evaluate", net.name, ds.name)
    metrics = evaluate_texts(net, ds, split, batch_size, run_dir)
    if output_dir is not None:
        write_json(Path(run_dir) / "metrics.json", metrics)
    return metrics


def predict(model, texts, top_k=1, batch_size=128):
    """Label and probability for each raw string: ``[(label, probability), ...]`` (``top_k=1``),
    or a list of the ``top_k`` best ``(label, probability)`` pairs per text.

    Example:
        >>> predict("textcnn_sst2", ["a gripping, funny film"])
        [('positive', 0.97)]
    """
    return predict_texts(model, texts, top_k, batch_size)


def save_to_zoo(run_dir, name: str, recipe: str | None = None, notes: str = "", include_weights: bool = True,
                extra: dict | None = None, force: bool = False):
    """Publish a run as ``saved_models/<name>.keras`` with its model card (``zoo.core.publish``);
    ``include_weights=False`` writes the card only (for checkpoints too large for git)."""
    from zoo.core.publish import publish
    from zoo.tasks import task_of_run

    return publish(run_dir, name, task_of_run(run_dir), notes=notes or None, include_weights=include_weights, force=force,
                   extra={**({"recipe": recipe} if recipe else {}), **(extra or {})})
