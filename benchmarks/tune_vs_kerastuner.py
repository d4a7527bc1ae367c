"""zoo.tuning (Optuna TPE + Hyperband pruning) against KerasTuner's Hyperband, side by side in one process.

Same task, data, validation split, search space and trial budget: LeNet-5 on 5,000 MNIST training
images (10% held out for validation), 3 epochs at most, searching learning rate (log 1e-4..1e-2),
batch size {32, 64, 128} and label smoothing (0..0.2); the objective is the best validation
accuracy of a trial. KerasTuner's Hyperband sets its trial count through ``max_epochs``/``factor``/
``hyperband_iterations``: the iterations are chosen so its trial count is the closest to
``--n-trials``, and the zoo's study then gets exactly that many trials. Both count a trial
stopped early as a trial.

    KERAS_BACKEND=jax python benchmarks/tune_vs_kerastuner.py --n-trials 20   # (KerasTuner wants tensorboard under tensorflow)

Writes ``benchmarks/results/tune_vs_kerastuner.json``.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

CONFIG = dict(model="lenet5", dataset="mnist", epochs=3, limit=5000, verbose=0)
SPACE = {"learning_rate": ("log", 1e-4, 1e-2), "batch_size": [32, 64, 128], "label_smoothing": (0.0, 0.2)}


def hyperband_trials(max_epochs: int, factor: int, iterations: int) -> int:
    """Trials KerasTuner's Hyperband runs (each bracket's rounds count one trial per model trained)."""
    s_max = int(math.log(max_epochs, factor) + 1e-9)
    total = 0
    for s in range(s_max, -1, -1):
        n = int(math.ceil((s_max + 1) / (s + 1) * factor ** s))
        for i in range(s + 1):
            total += max(1, int(n * factor ** (-i)))
    return total * iterations


def kerastuner_iterations(n_trials: int, max_epochs: int = CONFIG["epochs"], factor: int = 3) -> int:
    return max(1, round(n_trials / hyperband_trials(max_epochs, factor, 1)))


def run_kerastuner(n_trials: int, seed: int, directory: str) -> dict:
    import keras
    import keras_tuner as kt

    from zoo.tasks import task_class
    from zoo.tasks.optim import make_optimizer, make_schedule

    cls = task_class("image_classification")
    base = cls(**CONFIG)
    data = base.load_data()
    x, y = data.xy(data.train)
    val = data.xy(data.val)
    lo, hi = SPACE["learning_rate"][1:]

    class LeNetHyperModel(kt.HyperModel):
        def build(self, hp):
            lr = hp.Float("learning_rate", lo, hi, sampling="log")
            smoothing = hp.Float("label_smoothing", *SPACE["label_smoothing"])
            batch = hp.Choice("batch_size", SPACE["batch_size"])
            task = cls(**CONFIG, learning_rate=lr, label_smoothing=smoothing, batch_size=batch)
            net = task.build(data)
            c = task.config
            steps = c["epochs"] * int(np.ceil(len(x) / batch))
            net.compile(optimizer=make_optimizer(c["optimizer"], make_schedule(c["schedule"], lr, steps), c["weight_decay"]),
                        loss=keras.losses.CategoricalCrossentropy(label_smoothing=smoothing), metrics=["accuracy"])
            return net

        def fit(self, hp, model, *args, **kwargs):
            return model.fit(*args, batch_size=hp.get("batch_size"), **kwargs)

    factor, max_epochs = 3, CONFIG["epochs"]
    iterations = kerastuner_iterations(n_trials)
    tuner = kt.Hyperband(LeNetHyperModel(), objective="val_accuracy", max_epochs=max_epochs, factor=factor,
                         hyperband_iterations=iterations, seed=seed, directory=directory, project_name="lenet5",
                         overwrite=True)
    start = time.perf_counter()
    tuner.search(x, y, validation_data=val, verbose=0)
    wall = time.perf_counter() - start
    best = tuner.oracle.get_best_trials(1)[0]
    return {"best_validation_accuracy": float(best.score), "best_params": best.hyperparameters.values,
            "trials": len(tuner.oracle.trials), "hyperband_iterations": iterations, "seconds": round(wall, 1)}


def run_zoo(n_trials: int, seed: int, directory: str) -> dict:
    from zoo.tuning import tune

    start = time.perf_counter()
    found = tune("image_classification", search_space=SPACE, n_trials=n_trials, sampler="tpe", pruner="hyperband",
                 seed=seed, output_dir=directory, retrain=False, progress=False, **CONFIG)
    return {"best_validation_accuracy": float(found.best_value), "best_params": found.best_params,
            "trials": sum(found.counts.values()), "counts": found.counts,
            "seconds": round(time.perf_counter() - start, 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n-trials", type=int, default=20)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()

    import keras

    n_trials = hyperband_trials(CONFIG["epochs"], 3, kerastuner_iterations(args.n_trials))
    with tempfile.TemporaryDirectory() as tmp:
        zoo_result = run_zoo(n_trials, args.seed, str(Path(tmp) / "zoo"))
        print("zoo.tuning:", json.dumps(zoo_result), flush=True)
        kt_result = run_kerastuner(n_trials, args.seed, str(Path(tmp) / "kt"))
        print("KerasTuner Hyperband:", json.dumps(kt_result), flush=True)
    result = {"task": "LeNet-5, MNIST 5,000 train images (10% validation), <= 3 epochs", "config": CONFIG,
              "search_space": {k: list(v) for k, v in SPACE.items()}, "backend": keras.backend.backend(),
              "zoo_optuna_tpe_hyperband": zoo_result, "kerastuner_hyperband": kt_result}
    path = Path(__file__).parent / "results" / "tune_vs_kerastuner.json"
    path.write_text(json.dumps(result, indent=2, default=str) + "\n")
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
