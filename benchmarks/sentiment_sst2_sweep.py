"""Model selection for the from-scratch SST-2 classifier, on the *dev* split only.

Each config trains with the epoch chosen on dev (early-stopping bookkeeping, best weights kept),
then reports dev accuracy (the selection criterion) and test accuracy (reported, never used to choose).

    flock /tmp/zoo-heavy.lock nice -n 5 .venv/bin/python benchmarks/sentiment_sst2_sweep.py textcnn_300 >> sweep.jsonl
"""

from __future__ import annotations

import json
import sys
import tempfile
import time

CONFIGS = {
    "textcnn_300": {"model": "textcnn", "epochs": 10},
    "textcnn_128": {"model": "textcnn", "epochs": 10, "model_kwargs": {"embedding_dim": 128}},
    "textcnn_300_ed": {"model": "textcnn", "epochs": 12, "model_kwargs": {"embedding_dropout": 0.25}},
    "textcnn_300_f200": {"model": "textcnn", "epochs": 10, "model_kwargs": {"num_filters": 200}},
    "bilstm": {"model": "bilstm", "epochs": 6},
    "bigru": {"model": "bigru", "epochs": 6},
    "transformer": {"model": "transformer", "epochs": 10},
    "lstm": {"model": "lstm", "epochs": 6},
}


def main(name: str, seed: int = 0) -> dict:
    import keras

    from zoo.applications import sentiment
    from zoo.datasets.text import load_text_dataset

    ds = load_text_dataset("sst2")
    start = time.perf_counter()
    result = sentiment.train(dataset=ds, seed=seed, verbose=2, output_dir=tempfile.mkdtemp(), resume=False,
                             **CONFIGS[name])
    net, history, info = result.model, result.history, result.metrics
    dev = sentiment.evaluate(net, ds, split="dev")["accuracy"]
    test = result.metrics["accuracy"]
    return {"config": name, "seed": seed, "backend": keras.backend.backend(), "dev_accuracy": dev,
            "test_accuracy": test, "best_epoch": info.get("best_epoch"), "val_curve": history.get("val_accuracy"),
            "train_wall_time_s": info["train_wall_time_s"], "total_s": time.perf_counter() - start,
            "params": net.count_params()}


if __name__ == "__main__":
    out = main(sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 0)
    print("RESULT " + json.dumps(out), flush=True)
