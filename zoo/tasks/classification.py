"""What the image and text classification tasks share: settings checks, splits, ranking."""

from __future__ import annotations

import numpy as np

from zoo.core.runtime import check_runtime
from zoo.core.task import Task
from zoo.datasets.splits import subset, validation_split
from zoo.errors import ZooValueError, check_int, check_mapping, check_number

MAX_LEARNING_RATE = 10.0


class ClassificationTask(Task):
    """A Keras classifier trained on a train split, selected on a validation split, scored on test."""

    objective = "val_accuracy"

    def validation_score(self, data, run) -> float:
        """The best validation accuracy of one training (tuning never looks at the test set)."""
        if not self.config.get("validation_split"):
            raise ZooValueError(f"Tuning scores each trial on held-out training data: 'validation_split' must be > 0 "
                             f"for {self.owner}. Got {self.config.get('validation_split')!r}.")
        with self.runtime():
            _, history, _ = self.fit(self.build(data), data, run)
        values = [v for v in history.get(self.objective, []) if np.isfinite(v)]
        return max(values) if values else float("nan")

    def check_common(self, *, epochs_minimum: int = 1) -> None:
        owner, c = self.owner, self.config
        check_int(c.get("epochs"), "epochs", owner, minimum=epochs_minimum)
        check_int(c.get("batch_size"), "batch_size", owner)
        check_int(c.get("seed", 0), "seed", owner, minimum=0)
        # Above 10 no optimizer the zoo offers trains: lr=1e30 gave finite garbage under torch and exit 0.
        check_number(c.get("learning_rate"), "learning_rate", owner, low=0.0, high=MAX_LEARNING_RATE, high_open=False)
        check_number(c.get("weight_decay") or 0.0, "weight_decay", owner, low=0.0, low_open=False)
        check_number(c.get("validation_split", 0.0), "validation_split", owner, low=0.0, high=1.0, low_open=False)
        if c.get("limit") is not None:
            check_int(c["limit"], "limit", owner)
        check_runtime(c.get("precision", "fp32"), c.get("distribution"), owner)
        check_mapping(c.get("model_kwargs"), "model_kwargs", owner)

    def split(self, labels) -> tuple[np.ndarray, np.ndarray]:
        """(train, validation) indices of the training set: stratified, seeded, then ``limit`` applied."""
        train, val = validation_split(labels, self.config.get("validation_split") or 0.0, self.seed)
        return subset(train, self.config.get("limit"), self.seed), val


def rank(probs, names, top_k: int) -> list[list[tuple[str, float]]]:
    """Per row, the ``top_k`` best ``(class name, probability)`` pairs."""
    order = np.argsort(-probs, axis=-1)[:, :top_k]
    return [[(names[j], float(p[j])) for j in row] for p, row in zip(probs, order)]
