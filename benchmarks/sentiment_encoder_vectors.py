"""Does a from-scratch text model gain from word vectors distilled out of a sentence encoder?

For each seed, trains the same model (default Kim's TextCNN with the zoo's defaults) twice on one
dataset with a dev split (default SST-2): from random vectors, and from ``EncoderVectors`` of a
BERT-family checkpoint, fine-tuned (``--static`` keeps them fixed). Both keep their best dev epoch;
dev accuracy is what one would choose on, test accuracy is reported. One process, same backend.

    ZOO_DATA_DIR=../shared/datasets .venv/bin/python benchmarks/sentiment_encoder_vectors.py \\
        --pretrained ../shared/pretrained/all-MiniLM-L6-v2 --seeds 0 1 2 3 4 \\
        --out benchmarks/results/sentiment_encoder_vectors.json
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time

from _report import finish, mean_std


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--pretrained", required=True, help="BERT-family checkpoint: Hugging Face folder or hf:// handle")
    p.add_argument("--dataset", default="sst2")
    p.add_argument("--model", default="textcnn")
    p.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    p.add_argument("--static", action="store_true", help="keep the distilled vectors fixed (Kim's CNN-static)")
    p.add_argument("--out", default=None, help="write the JSON result here too")
    args = p.parse_args(argv)

    import keras

    from zoo.applications import sentiment
    from zoo.text import EncoderVectors

    vectors = EncoderVectors(args.pretrained)  # one instance: the vocabulary is encoded once for all seeds
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for seed in args.seeds:
            for init, emb in (("random", None), ("encoder", vectors)):
                start = time.perf_counter()
                r = sentiment.train(model=args.model, dataset=args.dataset, embeddings=emb, seed=seed,
                                    freeze_embeddings=args.static and emb is not None, output_dir=tmp, verbose=0)
                rows.append({"seed": seed, "init": init, "dev_accuracy": r.metrics["val_accuracy"],
                             "test_accuracy": r.metrics["accuracy"], "best_epoch": r.metrics.get("best_epoch"),
                             "wall_s": round(time.perf_counter() - start, 1)})
                print(json.dumps(rows[-1]), flush=True)

    def summary(init, key):
        return mean_std(r[key] for r in rows if r["init"] == init)

    result = {"backend": keras.backend.backend(), "dataset": args.dataset, "model": args.model,
              "pretrained": args.pretrained, "static": args.static, "seeds": args.seeds,
              "summary": {init: {k: summary(init, k) for k in ("dev_accuracy", "test_accuracy")}
                          for init in ("random", "encoder")},
              "runs": rows}
    return finish(result, args.out)


if __name__ == "__main__":
    main()
