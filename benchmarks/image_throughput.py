"""Training throughput (images/s) of an image model on the active backend, on random uint8 images.

Usage (one backend per process; wrap in the heavy lock on a shared machine):
    KERAS_BACKEND=torch python benchmarks/image_throughput.py --model resnet20 --shape 32 32 3 --steps 20
Prints one JSON line: backend, model, batch size, steps timed, images/s (after a warm-up step).
"""

from __future__ import annotations

import argparse
import json
import time

import numpy as np


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default="resnet20")
    parser.add_argument("--shape", type=int, nargs=3, default=(32, 32, 3))
    parser.add_argument("--classes", type=int, default=10)
    parser.add_argument("--batch-size", type=int, default=128)
    parser.add_argument("--steps", type=int, default=20)
    parser.add_argument("--augment", nargs="*", default=None, help="augmentation names, e.g. flip translate")
    args = parser.parse_args(argv)

    import keras

    from zoo.applications.image_classification import build_pipeline
    from zoo.models import create_model

    shape = tuple(args.shape)
    base = create_model(args.model, input_shape=shape, classes=args.classes)
    net = build_pipeline(base, shape, augment=args.augment or False)
    net.compile(optimizer=keras.optimizers.SGD(0.01, momentum=0.9), loss="sparse_categorical_crossentropy")
    rng = np.random.default_rng(0)
    n = args.batch_size * (args.steps + 1)
    x = rng.integers(0, 256, size=(n,) + shape, dtype=np.uint8)
    y = rng.integers(0, args.classes, size=(n,))
    # One warm-up step (compilation/tracing), then the timed steps.
    net.fit(x[: args.batch_size], y[: args.batch_size], batch_size=args.batch_size, epochs=1, verbose=0)
    start = time.perf_counter()
    net.fit(x[args.batch_size:], y[args.batch_size:], batch_size=args.batch_size, epochs=1, verbose=0, shuffle=False)
    wall = time.perf_counter() - start
    result = {"backend": keras.backend.backend(), "model": args.model, "input_shape": shape,
              "batch_size": args.batch_size, "steps": args.steps, "augment": args.augment or [],
              "wall_s": round(wall, 2), "images_per_s": round(args.steps * args.batch_size / wall, 1)}
    print(json.dumps(result))
    return result


if __name__ == "__main__":
    main()
