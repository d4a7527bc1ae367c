"""Inference throughput of exported ONNX artifacts (onnxruntime) against Keras ``predict``, in one process.

For each model: export to ONNX under the active backend (checked against Keras by the export
itself), then time Keras ``model.predict`` and an onnxruntime session on the same inputs and
batch, interleaved (``--repeats`` rounds, best round kept), and print the ratio.

    KERAS_BACKEND=jax python benchmarks/export_throughput.py --out benchmarks/results/export_throughput_jax.json

Models: LeNet-5 on MNIST test digits, ResNet-20 on CIFAR-10-shaped images, the text CNN on SST-2
sentences (tokenised once, outside the timing), an N-BEATS network on its input windows.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))


def _timed(fn, x, repeats: int) -> float:
    fn(x[: min(len(x), 64)])  # warm up (compilation)
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        fn(x)
        best = min(best, time.perf_counter() - start)
    return len(x) / best


def _inputs(name: str, n: int, src):
    rng = np.random.default_rng(0)
    if name == "lenet5_mnist":
        return rng.integers(0, 256, size=(n, 28, 28, 1)).astype("float32"), "images/s"
    if name == "resnet20_cifar10":
        return rng.integers(0, 256, size=(n, 32, 32, 3)).astype("float32"), "images/s"
    from zoo.datasets.text import load_text_dataset
    from zoo.text.tokenizer import tokenizer_from_config

    texts = load_text_dataset("sst2").test_texts
    texts = (texts * (n // len(texts) + 1))[:n]
    pre = src.preprocessing
    return tokenizer_from_config(pre["tokenizer"]).encode(texts, pre["sequence_length"]).astype("int32"), "sentences/s"


def _nbeats(folder: Path) -> Path:
    """A small N-BEATS forecaster on a synthetic weekly panel (the network is what is timed)."""
    import pandas as pd

    from zoo.forecasting import create_forecaster

    t = np.arange(200)
    df = pd.concat([pd.DataFrame({"unique_id": str(i), "ds": pd.date_range("2000-01-02", periods=200, freq="W-SUN"),
                                  "y": 100 + 10 * i + 5 * np.sin(t / 8 + i) + 0.1 * t}) for i in range(20)])
    create_forecaster("nbeats", horizon=13, epochs=1).fit(df).save(folder)
    return folder


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", nargs="+", default=["lenet5_mnist", "resnet20_cifar10", "textcnn_sst2", "nbeats"])
    parser.add_argument("--n", type=int, default=2048, help="inputs per timed round")
    parser.add_argument("--batch-size", type=int, default=256)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--out", default=None)
    args = parser.parse_args(argv)

    import keras

    from _report import finish
    from zoo import backend as zb
    from zoo import deploy
    from zoo.deploy.source import load_source

    backend = keras.backend.backend()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for name in args.models:
            source = _nbeats(Path(tmp) / "nbeats") if name == "nbeats" else name
            exported = deploy.export(source, format="onnx", output=Path(tmp) / f"{name}-onnx")
            src = load_source(source)
            model = src.model
            if name == "nbeats":
                x, unit = np.random.default_rng(0).normal(size=(args.n, model.input_shape[1])).astype("float32"), "windows/s"
            else:
                x, unit = _inputs(name, args.n, src)
            runner = deploy.load_exported(exported.folder).runner

            def keras_predict(batch):
                return model.predict(batch, batch_size=args.batch_size, verbose=0)

            def onnx_predict(batch):
                return np.concatenate([runner(batch[i:i + args.batch_size]) for i in range(0, len(batch), args.batch_size)])

            np.testing.assert_allclose(onnx_predict(x[:256]), keras_predict(x[:256]), atol=1e-4)
            k_rate, o_rate = 0.0, 0.0
            for _ in range(2):  # interleaved: both sides see the same machine load
                k_rate = max(k_rate, _timed(keras_predict, x, args.repeats))
                o_rate = max(o_rate, _timed(onnx_predict, x, args.repeats))
            rows.append({"model": name, "unit": unit, "keras": round(k_rate, 1), "onnxruntime": round(o_rate, 1),
                         "onnx_over_keras": round(o_rate / k_rate, 2), "export_max_abs_diff": exported.max_abs_diff})
            print(f"{name:<18} keras {k_rate:10.1f} {unit:<12} onnxruntime {o_rate:10.1f}  x{o_rate / k_rate:.2f}  "
                  f"(export diff {exported.max_abs_diff:.1e})", flush=True)
    result = {"summary": {"backend": backend, **{r["model"]: r["onnx_over_keras"] for r in rows}},
              "rows": rows, "batch_size": args.batch_size, "n": args.n, "threads": zb.num_threads(),
              "cpu_count": os.cpu_count(), "versions": zb.versions()}
    return finish(result, args.out)


if __name__ == "__main__":
    main()
