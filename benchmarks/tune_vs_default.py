"""A tuned configuration against the zoo's default one, on validation and then on test.

Both are scored the same way: validation = one training on the training split, scored on the
held-out validation split (image/text: best val_accuracy; forecasting: OWA on the last horizon of
the training data); test = the configuration retrained on train + validation by the run core and
scored once on the test set. The study is an ordinary ``zoo.tuning.tune`` call.

    KERAS_BACKEND=tensorflow python benchmarks/tune_vs_default.py lenet5      # LeNet-5, 5,000 MNIST images, 3 epochs
    KERAS_BACKEND=tensorflow python benchmarks/tune_vs_default.py textcnn     # text CNN, SST-2
    python benchmarks/tune_vs_default.py ets                                  # ETS, M4 Weekly (validation window)
    KERAS_BACKEND=jax python benchmarks/tune_vs_default.py word2vec           # skip-gram, sentiment corpus, SST-2 probe

Word2Vec's validation is a sentiment probe (``zoo.text.word2vec_probe``): a logistic regression on
mean word vectors fitted on SST-2 train and scored on SST-2 dev; its test is the same probe on SST-2 test.

Writes ``benchmarks/results/tune_vs_default_<name>.json``.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

SETUPS = {
    "lenet5": ("image_classification", dict(model="lenet5", dataset="mnist", epochs=3, limit=5000, verbose=0)),
    "textcnn": ("sentiment", dict(model="textcnn", dataset="sst2", verbose=0)),
    "ets": ("forecasting", dict(model="ets", dataset="m4_weekly")),
    "word2vec": ("embeddings", dict(corpus="sentiment", probe="sst2")),
}
TEST_METRICS = {"forecasting": "owa", "embeddings": "test_probe_accuracy"}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("setup", choices=sorted(SETUPS))
    parser.add_argument("--n-trials", type=int, default=20)
    parser.add_argument("--sampler", default="tpe")
    parser.add_argument("--pruner", default="hyperband")
    parser.add_argument("--output-dir", default=None)
    args = parser.parse_args()

    import keras

    from zoo.core.runner import Run, run
    from zoo.tasks import task_class
    from zoo.tuning import tune

    application, config = SETUPS[args.setup]
    out = args.output_dir or tempfile.mkdtemp(prefix="zoo-tune-")
    cls = task_class(application)
    start = time.perf_counter()
    task = cls(**config)
    data = task.load_data()
    default_val = task.validation_score(data, Run(Path(out) / "default-validation"))
    final = {**config, **({"validation_split": 0.0} if "validation_split" in task.config else {})}
    default_test = run(cls(**final), output_dir=out).metrics
    default_s = time.perf_counter() - start
    start = time.perf_counter()
    found = tune(application, n_trials=args.n_trials, sampler=args.sampler, pruner=args.pruner, output_dir=out,
                 **config)
    metric = TEST_METRICS.get(application, "accuracy")
    key = metric if metric.startswith("test_") else f"test_{metric}"
    result = {
        "setup": args.setup, "application": application, "config": config, "backend": keras.backend.backend(),
        "objective": f"validation {cls.objective} ({cls.objective_direction})",
        "default": {"validation": default_val, key: default_test[metric], "seconds": default_s},
        "tuned": {"validation": found.best_value, key: found.result.metrics[metric],
                  "best_params": found.best_params, "seconds": time.perf_counter() - start},
        "trials": found.counts, "sampler": args.sampler, "pruner": args.pruner, "study_dir": str(found.study_dir),
    }
    print(json.dumps(result, indent=2))
    path = Path(__file__).parent / "results" / f"tune_vs_default_{args.setup}.json"
    path.write_text(json.dumps(result, indent=2, default=str) + "\n")
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
