"""Transfer across datasets: lenet5_mnist fine-tuned on a few hundred scikit-learn digits vs LeNet-5 from scratch.

The 8x8 digits (a different scanner, resolution and population of writers) are resized to
MNIST's 28x28 framing (zoo.datasets.images.load_digits). For each seed, ``train_size`` images
form the training set and the remaining ~1,500 are the held-out test set; both arms see exactly
the same images for the same number of epochs.

Usage:
    KERAS_BACKEND=tensorflow python benchmarks/transfer_digits.py [--train-size 300] [--seeds 0 1 2]
Writes benchmarks/results/transfer_digits.json and prints one line per seed.
"""

from __future__ import annotations

import argparse
import json
import tempfile
from pathlib import Path

import numpy as np


def run(train_size=300, seeds=(0, 1, 2), epochs=30, head_epochs=10, output_dir=None, base="lenet5_mnist"):
    """Returns a dict with per-seed accuracies of zero-shot, from-scratch and fine-tuned LeNet-5."""
    import keras

    from zoo.applications import image_classification as ic
    from zoo.datasets.images import load_digits

    output_dir = output_dir or tempfile.mkdtemp(prefix="transfer_digits_")
    rows = []
    for seed in seeds:
        ds = load_digits(train_size=train_size, seed=seed)
        zero_shot = ic.evaluate(base, ds)["accuracy"]
        scratch = ic.train(model="lenet5", dataset=ds, epochs=epochs, batch_size=32, learning_rate=3e-3,
                           validation_split=0, seed=seed, output_dir=output_dir, verbose=0)
        tuned = ic.fine_tune(base=base, dataset=ds, epochs=head_epochs, fine_tune_epochs=epochs - head_epochs,
                             unfreeze_blocks="all", learning_rate=3e-3, fine_tune_learning_rate=3e-4, batch_size=32,
                             validation_split=0, seed=seed, output_dir=output_dir, verbose=0)
        row = {"seed": seed, "train_images": len(ds.x_train), "test_images": len(ds.x_test),
               "zero_shot_accuracy": zero_shot, "scratch_accuracy": scratch.metrics["accuracy"],
               "fine_tuned_accuracy": tuned.metrics["accuracy"]}
        print(json.dumps(row), flush=True)
        rows.append(row)
    summary = {k: float(np.mean([r[k] for r in rows])) for k in ("zero_shot_accuracy", "scratch_accuracy",
                                                                  "fine_tuned_accuracy")}
    return {"experiment": "lenet5_mnist -> sklearn digits (resized to 28x28)", "base": base,
            "backend": keras.backend.backend(), "epochs_each_arm": epochs, "head_only_epochs": head_epochs,
            "runs": rows, "mean": summary}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--train-size", type=int, default=300)
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--epochs", type=int, default=30)
    parser.add_argument("--out", default=str(Path(__file__).with_name("results") / "transfer_digits.json"))
    args = parser.parse_args(argv)
    result = run(args.train_size, tuple(args.seeds), args.epochs)
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result["mean"]))


if __name__ == "__main__":
    main()
