"""The run folder every application writes: config, model, history, metrics and plots.

Layout (the same for every application)::

    <output_dir>/<application>/<YYYYmmdd-HHMMSS>-<model>-<dataset>/
        config.json        resolved configuration (recipe values, overrides, defaults, backend)
        model.keras        the trained model (saved atomically)
        history.csv        per-epoch metrics
        metrics.json       test-set metrics
        *.png              plots (learning curves, confusion matrix, ...)
"""

from __future__ import annotations

import contextvars
import dataclasses
import datetime as _dt
import json
import os
import re
import tempfile
from pathlib import Path
from typing import Any

import numpy as np

# Set by `zoo run` so that the run folder records which recipe produced it.
current_recipe: contextvars.ContextVar[str | None] = contextvars.ContextVar("current_recipe", default=None)

DEFAULT_OUTPUT_DIR = "runs"


@dataclasses.dataclass
class TrainResult:
    """What ``train`` returns: the model, its history, test metrics and the run folder."""

    model: Any
    history: dict
    metrics: dict
    run_dir: Path

    def __repr__(self) -> str:
        acc = self.metrics.get("accuracy")
        acc_s = f", accuracy={acc:.4f}" if isinstance(acc, float) else ""
        return f"TrainResult(run_dir='{self.run_dir}'{acc_s})"


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", str(text)).strip("_")[:60] or "run"


def check_output_dir(output_dir, owner: str) -> None:
    """A clear error when ``output_dir`` names a file (the run folder goes inside it)."""
    if output_dir is not None and Path(output_dir).expanduser().exists() and not Path(output_dir).expanduser().is_dir():
        raise ValueError(f"The 'output_dir' parameter of {owner} names {output_dir}, which is a file; pass a folder "
                         f"(the run folder is made inside it).")


def make_run_dir(output_dir: str | os.PathLike | None, application: str, *parts: str) -> Path:
    """Create a fresh, uniquely named run folder."""
    base = Path(output_dir or DEFAULT_OUTPUT_DIR) / application
    stamp = _dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    name = "-".join([stamp, *(_slug(p) for p in parts if p)])
    run_dir = base / name
    i = 1
    while run_dir.exists():
        i += 1
        run_dir = base / f"{name}-{i}"
    run_dir.mkdir(parents=True)
    return run_dir


def _jsonable(value):
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, (np.integer,)):
        return int(value)
    if isinstance(value, (np.floating,)):
        return float(value)
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, Path):
        return str(value)
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    return repr(value)


def write_json(path: str | os.PathLike, data: dict) -> Path:
    """Write JSON atomically (temp file + rename), so a crash never leaves half a file."""
    path = Path(path)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        json.dump(_jsonable(data), f, indent=2, sort_keys=False)
        f.write("\n")
    os.replace(tmp, path)
    return path


def save_config(run_dir: Path, application: str, config: dict) -> Path:
    """Record the resolved configuration of a run, with the backend and recipe."""
    import keras

    resolved = {
        "application": application,
        "recipe": current_recipe.get(),
        "backend": keras.backend.backend(),
        "keras_version": keras.__version__,
        **config,
    }
    return write_json(run_dir / "config.json", resolved)


def save_model(model, path: str | os.PathLike) -> Path:
    """``model.save`` to a temporary name, then rename: never a half-written .keras file."""
    path = Path(path)
    tmp = path.with_name(f".{path.stem}.tmp.keras")
    model.save(tmp)
    os.replace(tmp, path)
    return path


def save_history(run_dir: Path, history: dict) -> Path:
    import pandas as pd

    frame = pd.DataFrame(history)
    frame.insert(0, "epoch", np.arange(1, len(frame) + 1))
    path = run_dir / "history.csv"
    frame.to_csv(path, index=False)
    return path


def _pyplot():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def plot_learning_curves(history: dict, path: str | os.PathLike) -> Path:
    """Loss and each metric per epoch, training against validation."""
    plt = _pyplot()
    keys = [k for k in history if not k.startswith("val_") and k != "learning_rate"]
    fig, axes = plt.subplots(1, len(keys), figsize=(4.5 * len(keys), 3.5), squeeze=False)
    for ax, key in zip(axes[0], keys):
        epochs = np.arange(1, len(history[key]) + 1)
        ax.plot(epochs, history[key], label=f"train {key}")
        if f"val_{key}" in history:
            ax.plot(epochs, history[f"val_{key}"], label=f"val {key}")
        ax.set_xlabel("epoch")
        ax.set_title(key)
        ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return Path(path)


def plot_confusion_matrix(matrix, class_names, path: str | os.PathLike) -> Path:
    plt = _pyplot()
    matrix = np.asarray(matrix)
    n = len(class_names)
    fig, ax = plt.subplots(figsize=(max(4, 0.6 * n + 2), max(3.5, 0.6 * n + 1.5)))
    im = ax.imshow(matrix, cmap="Blues")
    ax.set_xticks(range(n), labels=class_names, rotation=45, ha="right")
    ax.set_yticks(range(n), labels=class_names)
    ax.set_xlabel("predicted")
    ax.set_ylabel("true")
    if n <= 20:
        for i in range(n):
            for j in range(n):
                ax.text(j, i, int(matrix[i, j]), ha="center", va="center", fontsize=7,
                        color="white" if matrix[i, j] > matrix.max() / 2 else "black")
    fig.colorbar(im, ax=ax)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return Path(path)


def classification_metrics(y_true, y_pred, class_names) -> dict:
    """Accuracy, macro and per-class precision/recall/F1, and the confusion matrix."""
    from sklearn.metrics import confusion_matrix, precision_recall_fscore_support

    y_true = np.asarray(y_true).astype(int).ravel()
    y_pred = np.asarray(y_pred).astype(int).ravel()
    labels = list(range(len(class_names)))
    p, r, f, s = precision_recall_fscore_support(y_true, y_pred, labels=labels, zero_division=0)
    mp, mr, mf, _ = precision_recall_fscore_support(y_true, y_pred, labels=labels, average="macro", zero_division=0)
    return {
        "accuracy": float(np.mean(y_true == y_pred)),
        "precision_macro": float(mp),
        "recall_macro": float(mr),
        "f1_macro": float(mf),
        "num_examples": int(len(y_true)),
        "per_class": {
            name: {"precision": float(p[i]), "recall": float(r[i]), "f1": float(f[i]), "support": int(s[i])}
            for i, name in enumerate(class_names)
        },
        "confusion_matrix": confusion_matrix(y_true, y_pred, labels=labels).tolist(),
    }
