"""Stratified k-fold cross-validation of the text task (the protocol for MR-style sets), resumable per fold."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import numpy as np

from zoo.core import rundir
from zoo.core.io import write_json
from zoo.core.runner import Run
from zoo.datasets.splits import kfold_indices
from zoo.datasets.text import load_text_dataset
from zoo.errors import ZooTypeError, ZooValueError, check_int
from zoo.tasks.text import batching, transfer
from zoo.tasks.text.task import TextClassification, fold_dataset


def cross_validate(model="textcnn", dataset="mr", k=10, seed=0, folds=None, output_dir=None, data_path=None,
                   verbose=0, resume=True, **train_kwargs) -> dict:
    """Every example tested once; each fold builds its vocabulary on its own training folds and selects
    its epoch on a ``validation_split`` of them. Writes ``cv.json``/``folds.csv``/``metrics.json``."""
    import keras
    import pandas as pd

    owner = "sentiment.cross_validate"
    check_int(seed, "seed", owner, minimum=0)
    allowed = ("epochs", "batch_size", "learning_rate", "weight_decay", "pretrained", "embeddings",
               "freeze_embeddings", "sequence_length", "max_tokens", "min_count", "validation_split", "limit",
               "model_kwargs", "patience", "ensemble")
    unknown = set(train_kwargs) - set(allowed)
    if unknown:
        raise ZooTypeError(f"cross_validate got unexpected arguments {sorted(unknown)}; it accepts {sorted(allowed)}.")
    settings = {k_: v for k_, v in train_kwargs.items() if v is not None}
    task = TextClassification(model=model, dataset=dataset, seed=seed, data_path=data_path, verbose=verbose,
                              **settings)
    task.caller = owner
    task.check()
    rundir.check_output_dir(output_dir, owner)
    ds = load_text_dataset(dataset, data_path)
    texts, labels = ds.all()
    splits = kfold_indices(labels, k, seed)
    if folds is not None and (isinstance(folds, (int, str)) or not len(folds) or not all(
            isinstance(f, (int, np.integer)) and not isinstance(f, bool) and 0 <= f < k for f in folds)):
        raise ZooValueError(f"The 'folds' parameter of {owner} must be None (all) or a non-empty list of fold numbers "
                         f"in [0, {k - 1}]. Got {folds!r}.")
    chosen = list(range(k)) if folds is None else [int(f) for f in folds]
    name = task.model_name
    config = {"function": "cross_validate", "k": k, "folds": chosen,
              **{k_: (v if not hasattr(v, "embedding_matrix") else type(v).__name__)
                 for k_, v in task.config.items() if k_ != "verbose"}, "model": name, "dataset": ds.name}
    key = rundir.fingerprint("sentiment", config)
    base = rundir.DEFAULT_OUTPUT_DIR if output_dir is None else output_dir
    found = rundir.find_unfinished(Path(base) / "sentiment", key) if resume else None
    run_dir = found or rundir.make_run_dir(output_dir, "sentiment", f"cv{k}", name, ds.name)
    rundir.set_status(run_dir, "running", fingerprint=key)
    rundir.save_config(run_dir, "sentiment", config)
    run = Run(run_dir, resumed=found is not None)
    task.config["embeddings"] = transfer.word_vectors(task.config["embeddings"])  # read once, not once per fold
    rows, start = [], time.perf_counter()
    try:
        for f in chosen:
            tr, te = splits[f]
            fold_ds = fold_dataset(ds, texts, labels, f, tr, te)
            fold = TextClassification(**{**task.config, "dataset": fold_ds, "seed": seed + f})
            keras.utils.set_random_seed(fold.seed)
            fold.build(fold_ds)
            with fold.runtime():
                net, _, info = fold.fit(None, fold_ds, run.sub(f"fold{f}/"))
            m = batching_metrics(net, fold_ds, labels[te], ds.class_names)
            rows.append({"fold": f, "accuracy": m["accuracy"], "f1_macro": m["f1_macro"], "test_examples": len(te),
                         "best_epoch": info.get("best_epoch"), "wall_s": info["train_wall_time_s"]})
            pd.DataFrame(rows).to_csv(run_dir / "folds.csv", index=False)
    except BaseException as err:
        rundir.set_status(run_dir, "interrupted", error=type(err).__name__)
        raise
    accs = np.asarray([r["accuracy"] for r in rows])
    result = {"model": name, "dataset": ds.name, "k": k, "folds_run": len(rows), "accuracy_mean": float(accs.mean()),
              "accuracy_std": float(accs.std(ddof=1)) if len(accs) > 1 else 0.0,
              "fold_accuracies": accs.tolist(), "folds": rows, "wall_time_s": time.perf_counter() - start,
              "run_dir": str(run_dir)}
    write_json(run_dir / "cv.json", result)
    write_json(run_dir / "metrics.json", result)
    shutil.rmtree(run.checkpoints, ignore_errors=True)
    rundir.set_status(run_dir, "complete")
    return result


def batching_metrics(net, fold_ds, labels, class_names) -> dict:
    from zoo.core.metrics import probabilistic_metrics

    return probabilistic_metrics(labels, batching.predict_proba(net, fold_ds.test_texts), class_names)
