"""float32 against bfloat16 (Keras ``mixed_bfloat16``) training of the same model, in one process.

Trains the same recipe twice through ``image_classification.train`` (same seed, data, schedule),
once per precision, and prints test accuracy, last training loss and training images/s.

    KERAS_BACKEND=tensorflow python benchmarks/precision.py --model lenet5 --dataset mnist --epochs 3
    KERAS_BACKEND=jax python benchmarks/precision.py --model resnet20 --dataset cifar10 --epochs 1 --limit 10000

Writes ``benchmarks/results/precision_<model>_<backend>.json``.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default="lenet5")
    parser.add_argument("--dataset", default="mnist")
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--batch-size", type=int, default=128)
    parser.add_argument("--limit", type=int, default=None)
    parser.add_argument("--precisions", nargs="+", default=["fp32", "bf16"])
    args = parser.parse_args(argv)

    import keras

    from _report import finish
    from zoo.applications import image_classification as ic

    rows = {}
    with tempfile.TemporaryDirectory() as tmp:
        for precision in args.precisions:
            r = ic.train(model=args.model, dataset=args.dataset, epochs=args.epochs, batch_size=args.batch_size,
                         learning_rate=3e-3, limit=args.limit, precision=precision, output_dir=tmp, verbose=0,
                         resume=False)
            rows[precision] = {"test_accuracy": round(r.metrics["accuracy"], 4),
                               "last_train_loss": round(r.history["loss"][-1], 4),
                               "train_images_per_s": round(r.metrics["train_images_per_s"], 1)}
            print(precision, rows[precision], flush=True)
    backend = keras.backend.backend()
    result = {"summary": {"backend": backend, "model": args.model, **{p: v["test_accuracy"] for p, v in rows.items()}},
              "rows": rows, "epochs": args.epochs, "limit": args.limit, "dataset": args.dataset}
    return finish(result, Path(__file__).parent / "results" / f"precision_{args.model}_{backend}.json")


if __name__ == "__main__":
    main()
