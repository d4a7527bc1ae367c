"""Publishing a finished run to ``saved_models/``: one model-card format for every task.

Publishing is an explicit step (``train(..., save_as=NAME)``, ``zoo run ... --publish NAME``) and
never replaces a published model that scores better unless ``force=True``.

A card (``saved_models/<name>.json``) holds: name, file, sha256, size_bytes, application, model,
dataset, class_names, recipe, backend, keras_version, config, epochs_run, train_wall_time_s,
test_metrics, parameters, run_dir, published, plus the task's own fields (reference outputs that
tests reproduce on every backend, the input format) and optional notes / target.
"""

from __future__ import annotations

import datetime as _dt
import os
import re
import shutil
from pathlib import Path

from zoo.core.io import read_json, write_json
from zoo.errors import ZooError


class PublishError(ZooError, ValueError):
    """Publishing would lose work (a better model) or the run is not finished."""


TEST_METRIC_KEYS = ("accuracy", "precision", "recall", "f1", "precision_macro", "recall_macro", "f1_macro",
                    "roc_auc", "average_precision", "num_examples", "per_class", "confusion_matrix",
                    "smape", "mase", "owa")


def check_name(name) -> str:
    if not isinstance(name, str) or not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_.-]*", name):
        raise PublishError(f"The publish name must be a plain file name such as 'lenet5_mnist' (letters, digits, "
                           f"'_', '-', '.'). Got {name!r}.")
    return name


def _score(card_or_metrics: dict, key: str):
    metrics = card_or_metrics.get("test_metrics", card_or_metrics)
    value = metrics.get(key)
    return float(value) if isinstance(value, (int, float)) else None


def publish(run_dir, name: str, task, saved_models_dir=None, force: bool = False, notes: str | None = None,
            target=None, include_weights: bool = True, extra: dict | None = None, references: int | None = None) -> dict:
    """Copy a finished run's model to ``saved_models/<name>.keras`` and write its card; returns the card.

    ``task``: the run's task (``zoo.tasks.task_of_run(run_dir)`` rebuilds it from the folder).
    ``references``: how many test inputs the card's reference outputs hold (default: the task's).
    """
    from zoo import saved_models
    from zoo.core import rundir
    from zoo.datasets.download import sha256sum

    check_name(name)
    run_dir = Path(run_dir)
    for needed in ("model.keras", "config.json", "metrics.json"):
        if not (run_dir / needed).exists():
            raise PublishError(f"The 'run_dir' parameter must be a finished run folder; {run_dir / needed} is missing.")
    if rundir.read_status(run_dir).get("state", "complete") != "complete":
        raise PublishError(f"The run {run_dir} did not finish; resume it (run the same command again) before publishing.")
    config, metrics = read_json(run_dir / "config.json"), read_json(run_dir / "metrics.json")
    if references is not None:
        from zoo.errors import check_int

        task.reference_count = check_int(references, "references", "publish")
    folder = Path(saved_models_dir) if saved_models_dir else saved_models.saved_models_dir()
    folder.mkdir(parents=True, exist_ok=True)
    card_file = folder / f"{name}.json"
    key = task.primary_metric
    if card_file.exists() and not force:
        old, new = _score(read_json(card_file), key), _score(metrics, key)
        worse = old is not None and (new is None or (new > old if task.lower_is_better else new < old))
        if worse:
            raise PublishError(f"saved_models/{name} already scores {key} {old:.4f} and this run {new if new is None else round(new, 4)}; "
                               f"it is kept. Publish under another name, or pass force=True (--force) to replace it.")
    net = task.load(run_dir)
    card = {
        "name": name,
        "application": config.get("application"),
        "model": config.get("model"),
        "dataset": config.get("dataset"),
        "class_names": config.get("class_names"),
        "recipe": config.get("recipe"),
        "backend": config.get("backend"),
        "keras_version": config.get("keras_version"),
        "config": config,
        "epochs_run": metrics.get("epochs_run"),
        "train_wall_time_s": metrics.get("train_wall_time_s"),
        "test_metrics": {k: metrics[k] for k in TEST_METRIC_KEYS if k in metrics},
        "parameters": int(net.count_params()) if hasattr(net, "count_params") else None,
        "run_dir": str(run_dir),
        **task.card(net, run_dir, config, metrics),
        **({"target": target} if target is not None else {}),
        **({"notes": notes} if notes else {}),
        **(extra or {}),
        "published": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
    }
    if include_weights:
        dest = folder / f"{name}.keras"
        tmp = folder / f".{name}.tmp.keras"
        shutil.copyfile(run_dir / "model.keras", tmp)
        os.replace(tmp, dest)
        card.update(file=dest.name, sha256=sha256sum(dest), size_bytes=dest.stat().st_size)
    else:
        card.update(file=None, sha256_of_run_model=sha256sum(run_dir / "model.keras"))
    for suffix, arrays in card.pop("_reference_files", {}).items():
        import numpy as np

        np.savez(folder / f"{name}.{suffix}", **arrays)  # e.g. <name>.reference.npz
    write_json(card_file, card)
    return card
