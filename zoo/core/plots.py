"""The plots every run folder holds: learning curves, confusion matrix, ROC and precision-recall."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np


def pyplot():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def plot_learning_curves(history: dict, path: str | os.PathLike) -> Path:
    """Loss and each metric per epoch, training against validation."""
    plt = pyplot()
    keys = [k for k in history if not k.startswith("val_") and k not in ("learning_rate", "epoch", "phase", "examples")]
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
    plt = pyplot()
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


def plot_roc_pr(y_true, probs, class_names, run_dir) -> None:
    """``roc_curve.png`` and ``pr_curve.png``: the positive class (binary) or one curve per class."""
    from sklearn.metrics import precision_recall_curve, roc_curve

    plt = pyplot()
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
