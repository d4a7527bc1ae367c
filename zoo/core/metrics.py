"""Classification metrics shared by the image and text tasks."""

from __future__ import annotations

import numpy as np


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


def probabilistic_metrics(y_true, probs, class_names) -> dict:
    """``classification_metrics`` plus the positive class's precision/recall/F1 (binary), ROC AUC and
    average precision, from class probabilities."""
    from sklearn.metrics import average_precision_score, roc_auc_score

    y_true = np.asarray(y_true).astype(int)
    metrics = classification_metrics(y_true, probs.argmax(-1), class_names)
    present = np.unique(y_true)
    if len(class_names) == 2 and len(present) == 2:
        positive = metrics["per_class"][class_names[1]]
        metrics.update(precision=positive["precision"], recall=positive["recall"], f1=positive["f1"])
        metrics["roc_auc"] = float(roc_auc_score(y_true, probs[:, 1]))
        metrics["average_precision"] = float(average_precision_score(y_true, probs[:, 1]))
    elif len(present) == len(class_names) > 2:
        metrics["roc_auc"] = float(roc_auc_score(y_true, probs, multi_class="ovr"))
    return metrics
