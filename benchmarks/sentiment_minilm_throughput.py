"""Fine-tuning throughput of MiniLM (all-MiniLM-L6-v2) on SST-2: fixed padding vs length buckets.

Times ``train_on_batch`` on the same random sample of SST-2 training sentences, padded (a) to a
fixed 64 tokens and (b) per batch to the bucketed longest length (what ``sentiment.train`` does).
Each batch runs once as a warm-up (jax compiles one step per shape) and is then timed.

    KERAS_BACKEND=torch flock /tmp/zoo-heavy.lock nice -n 5 .venv/bin/python \\
        benchmarks/sentiment_minilm_throughput.py ../shared/pretrained/all-MiniLM-L6-v2 --batches 8
"""

from __future__ import annotations

import argparse
import json
import time

import numpy as np


def main(pretrained: str, batches: int, batch_size: int, seed: int = 0) -> dict:
    import keras

    from zoo.datasets.text import load_text_dataset
    from zoo.models import create_model
    from zoo.tasks.text import batching, transfer

    ds = load_text_dataset("sst2")
    tok = transfer.wordpiece_for(pretrained)
    ids = tok.ids(ds.train_texts)
    lengths = np.array([len(s) for s in ids])
    rng = np.random.default_rng(seed)
    sample = rng.permutation(len(ids))[: batches * batch_size]
    labels = np.asarray(ds.train_labels)
    results = {"backend": keras.backend.backend(), "batch_size": batch_size, "batches": batches,
               "mean_wordpieces": float(lengths.mean()), "p99_wordpieces": float(np.percentile(lengths, 99)),
               "max_wordpieces": int(lengths.max())}
    fixed = [sample[i:i + batch_size] for i in range(0, len(sample), batch_size)]
    bucketed = [sample[b] for b in batching.length_batches(lengths[sample].tolist(), batch_size)]
    plans = {  # name: (batches, freeze the token embedding table, dtype policy)
        "fixed_64": (fixed, False, "float32"),
        "bucketed": (bucketed, False, "float32"),
        "bucketed_frozen_embeddings": (bucketed, True, "float32"),
        "bucketed_frozen_embeddings_bf16": (bucketed, True, "mixed_bfloat16"),
    }
    for name, (plan, freeze, policy) in plans.items():
        keras.config.set_dtype_policy(policy)
        net = create_model("bert", task="text", pretrained=pretrained, num_classes=2)
        if freeze:
            transfer.freeze_token_embeddings(net)
        net.compile(optimizer=keras.optimizers.AdamW(2e-5), loss="sparse_categorical_crossentropy")
        xs = [batching.pad_batch([ids[j] for j in b], tok.pad_id, 64 if name == "fixed_64" else None) for b in plan]
        xs = [x[:, :64] for x in xs]
        for x, b in zip(xs, plan):  # warm-up / compile
            net.train_on_batch(x, labels[b])
        start = time.perf_counter()
        for x, b in zip(xs, plan):
            net.train_on_batch(x, labels[b])
        wall = time.perf_counter() - start
        rate = len(sample) / wall
        results[name] = {"sentences_per_s": rate, "epoch_minutes_estimate": len(ids) / rate / 60,
                         "mean_padded_length": float(np.mean([x.shape[1] for x in xs]))}
    return results


if __name__ == "__main__":
    p = argparse.ArgumentParser()
    p.add_argument("pretrained")
    p.add_argument("--batches", type=int, default=8)
    p.add_argument("--batch-size", type=int, default=32)
    a = p.parse_args()
    print("RESULT " + json.dumps(main(a.pretrained, a.batches, a.batch_size)), flush=True)
