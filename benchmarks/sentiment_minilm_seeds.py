"""How much of a fine-tuned encoder's SST-2 accuracy is the seed? And what does averaging seeds buy?

Fine-tunes one BERT-family checkpoint (default: the applications/sst2_minilm.toml settings) once per
seed on a dataset with a dev split, each run keeping its best dev epoch, and reports dev and test
accuracy per seed, their mean and standard deviation, and the accuracy of the seeds' averaged
probabilities (an ensemble: as many encoders at prediction time). One process, same backend.

    ZOO_DATA_DIR=../shared/datasets KERAS_BACKEND=torch .venv/bin/python benchmarks/sentiment_minilm_seeds.py \\
        --pretrained ../shared/pretrained/all-MiniLM-L6-v2 --seeds 0 1 2 --freeze_embeddings \\
        --out benchmarks/results/sentiment_minilm_seeds.json
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time

import numpy as np
from _report import finish, mean_std


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--pretrained", required=True, help="BERT-family checkpoint: Hugging Face folder or hf:// handle")
    p.add_argument("--dataset", default="sst2")
    p.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    p.add_argument("--epochs", type=int, default=3)
    p.add_argument("--learning_rate", type=float, default=5e-5)
    p.add_argument("--freeze_embeddings", action="store_true", help="keep the word-piece table fixed (4x faster on a CPU)")
    p.add_argument("--limit", type=int, default=None, help="train on this many examples (a quick check of the script)")
    p.add_argument("--out", default=None, help="write the JSON result here too")
    args = p.parse_args(argv)

    import keras

    from zoo.applications import sentiment
    from zoo.datasets.text import load_text_dataset

    ds = load_text_dataset(args.dataset)
    if ds.dev_texts is None:
        raise SystemExit(f"{args.dataset!r} has no dev split: this benchmark compares seeds on dev and test.")
    rows, dev_probs, test_probs = [], [], []
    with tempfile.TemporaryDirectory() as tmp:
        for seed in args.seeds:
            start = time.perf_counter()
            r = sentiment.train(model="bert", pretrained=args.pretrained, dataset=ds, epochs=args.epochs,
                                learning_rate=args.learning_rate, freeze_embeddings=args.freeze_embeddings,
                                seed=seed, limit=args.limit, output_dir=tmp, verbose=0)
            dev_probs.append(sentiment.predict_proba(r.model, ds.dev_texts))
            test_probs.append(sentiment.predict_proba(r.model, ds.test_texts))
            rows.append({"seed": seed, "dev_accuracy": r.metrics["val_accuracy"], "test_accuracy": r.metrics["accuracy"],
                         "best_epoch": r.metrics.get("best_epoch"), "wall_s": round(time.perf_counter() - start, 1)})
            print(json.dumps(rows[-1]), flush=True)
            del r
            keras.backend.clear_session()

    def spread(key):
        return mean_std(row[key] for row in rows)

    def averaged(probs, labels):
        return round(100 * float(np.mean(np.mean(probs, axis=0).argmax(axis=1) == np.asarray(labels))), 2)

    result = {"backend": keras.backend.backend(), "dataset": ds.name, "pretrained": args.pretrained,
              "epochs": args.epochs, "learning_rate": args.learning_rate,
              "freeze_embeddings": args.freeze_embeddings, "seeds": args.seeds,
              "summary": {"dev_accuracy": spread("dev_accuracy"), "test_accuracy": spread("test_accuracy"),
                          "ensemble_dev_accuracy": averaged(dev_probs, ds.dev_labels),
                          "ensemble_test_accuracy": averaged(test_probs, ds.test_labels)},
              "runs": rows}
    return finish(result, args.out)


if __name__ == "__main__":
    main()
