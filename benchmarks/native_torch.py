"""The zoo's default training and inference path on every backend, next to a native PyTorch loop.

One command (``make bench`` runs it) measures, in one session and interleaved (workload by
workload: native PyTorch, then the zoo on jax, torch and tensorflow, each in a fresh process):

* training throughput (examples/s) of the same architecture (parameter counts are checked to be
  equal), data shape, batch size, loss and optimizer: the zoo's Keras model from
  ``zoo.models.create_model`` (images through the task's preprocessing pipeline), compiled and fit
  as Keras does by default, after ``zoo.backend.apply_thread_defaults()``; the native loop is plain
  ``torch.nn`` with one thread (the issue's baseline), and the same under ``torch.compile``;
* inference throughput (``predict`` at batch 256 against ``torch.no_grad`` forward passes);
* the machine's matmul peak (2048x2048, float32 and bfloat16, torch) and each workload's fraction of
  it: the native model's FLOPs per step (``torch.utils.flop_counter``) x steps/s / peak.

Workloads: LeNet-5 / MNIST shape, ResNet-20 / CIFAR-10 shape, the text CNN and the BiLSTM on
SST-2-like token ids (64 tokens, 20,000-word vocabulary), N-BEATS on M4 Weekly windows (39 -> 13 x 3
quantiles). Random data of those shapes: throughput does not depend on the values.

    python benchmarks/native_torch.py                     # everything; writes benchmarks/results/native_torch.json
    python benchmarks/native_torch.py --workloads lenet5 --backends tensorflow --no-compile
    python benchmarks/native_torch.py --worker zoo --workload lenet5   # one measurement (KERAS_BACKEND chosen)

torch's LSTM keeps two bias vectors per gate (Keras one), so the BiLSTM has 1,024 more
parameters natively; every other architecture matches parameter for parameter.

Ratios are zoo time / native time per example (1.0 = as fast as native; below 1: faster).
Timings, never tests; the machine's load moves them, so contenders run back to back.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

# name -> (batch, timed training steps, inference examples)
WORKLOADS = {
    "lenet5": (128, 40, 8192),
    "resnet20": (128, 6, 1024),
    "textcnn": (64, 30, 8192),
    "bilstm": (64, 8, 2048),
    "nbeats": (256, 60, 32768),
}
BACKENDS = ("jax", "torch", "tensorflow")
VOCAB, TOKENS = 20000, 64
NBEATS_IN, NBEATS_H, QUANTILES = 39, 13, (0.025, 0.5, 0.975)


def _data(name, n, seed=0):
    rng = np.random.default_rng(seed)
    if name == "lenet5":
        return rng.integers(0, 256, (n, 28, 28, 1), dtype=np.uint8), rng.integers(0, 10, n)
    if name == "resnet20":
        return rng.integers(0, 256, (n, 32, 32, 3), dtype=np.uint8), rng.integers(0, 10, n)
    if name in ("textcnn", "bilstm"):
        return rng.integers(1, VOCAB, (n, TOKENS)).astype("int32"), rng.integers(0, 2, n)
    return rng.normal(size=(n, NBEATS_IN)).astype("float32"), rng.normal(size=(n, NBEATS_H)).astype("float32")


# ---------------------------------------------------------------- the zoo's path (Keras, any backend)
def _zoo_model(name):
    import keras

    from zoo.models import create_model
    from zoo.models.forecasters import PinballLoss
    from zoo.tasks.image.preprocessing import build_pipeline

    if name == "lenet5":
        net = build_pipeline(create_model("lenet5"), (28, 28, 1))
        return net, keras.optimizers.Adam(1e-3), "sparse_categorical_crossentropy"
    if name == "resnet20":
        net = build_pipeline(create_model("resnet20"), (32, 32, 3), mean=[0.49, 0.48, 0.45], std=[0.25, 0.24, 0.26])
        return net, keras.optimizers.SGD(0.1, momentum=0.9), "sparse_categorical_crossentropy"
    if name in ("textcnn", "bilstm"):
        net = create_model(name, vocab_size=VOCAB, sequence_length=TOKENS, num_classes=2)
        return net, keras.optimizers.Adam(1e-3), "sparse_categorical_crossentropy"
    net = create_model("nbeats", task="forecasting", input_length=NBEATS_IN, horizon=NBEATS_H, quantiles=QUANTILES)
    return net, keras.optimizers.Adam(1e-3), PinballLoss(QUANTILES)


def zoo_worker(name):
    import keras

    from zoo.backend import apply_thread_defaults

    apply_thread_defaults()
    batch, steps, n_infer = WORKLOADS[name]
    net, optimizer, loss = _zoo_model(name)
    net.compile(optimizer=optimizer, loss=loss, metrics=None if name == "nbeats" else ["accuracy"])  # as the tasks do
    x, y = _data(name, batch * (steps + 2))
    net.fit(x[: 2 * batch], y[: 2 * batch], batch_size=batch, epochs=1, verbose=0, shuffle=False)  # compile
    start = time.perf_counter()
    net.fit(x[2 * batch:], y[2 * batch:], batch_size=batch, epochs=1, verbose=0, shuffle=False)
    train = steps * batch / (time.perf_counter() - start)
    xi, _ = _data(name, n_infer, seed=1)
    net.predict(xi[:512], batch_size=256, verbose=0)
    start = time.perf_counter()
    net.predict(xi, batch_size=256, verbose=0)
    infer = n_infer / (time.perf_counter() - start)
    params = int(sum(np.prod(w.shape) for w in net.trainable_weights))
    return {"train_per_s": train, "infer_per_s": infer, "params": params, "backend": keras.backend.backend()}


# ---------------------------------------------------------------- native PyTorch
def _torch_model(name):
    import torch
    from torch import nn

    class LeNet5(nn.Module):
        def __init__(self):
            super().__init__()
            self.body = nn.Sequential(nn.Conv2d(1, 6, 5, padding=2), nn.Tanh(), nn.AvgPool2d(2), nn.Conv2d(6, 16, 5),
                                      nn.Tanh(), nn.AvgPool2d(2), nn.Flatten(), nn.Linear(400, 120), nn.Tanh(),
                                      nn.Linear(120, 84), nn.Tanh(), nn.Linear(84, 10))

        def forward(self, x):
            return self.body(x.float().permute(0, 3, 1, 2) / 255.0)

    class Block(nn.Module):
        def __init__(self, cin, cout, stride):
            super().__init__()
            self.c1, self.b1 = nn.Conv2d(cin, cout, 3, stride, 1, bias=False), nn.BatchNorm2d(cout)
            self.c2, self.b2 = nn.Conv2d(cout, cout, 3, 1, 1, bias=False), nn.BatchNorm2d(cout)
            self.stride, self.extra = stride, cout - cin

        def forward(self, x):
            y = torch.relu(self.b1(self.c1(x)))
            y = self.b2(self.c2(y))
            s = x[:, :, ::self.stride, ::self.stride] if self.stride > 1 else x
            if self.extra:  # option A: zero-pad the new channels
                s = nn.functional.pad(s, (0, 0, 0, 0, self.extra // 2, self.extra - self.extra // 2))
            return torch.relu(y + s)

    class ResNet20(nn.Module):
        def __init__(self):
            super().__init__()
            layers, cin = [], 16
            for cout, stride in ((16, 1), (32, 2), (64, 2)):
                for i in range(3):
                    layers.append(Block(cin, cout, stride if i == 0 else 1))
                    cin = cout
            self.stem = nn.Sequential(nn.Conv2d(3, 16, 3, 1, 1, bias=False), nn.BatchNorm2d(16), nn.ReLU())
            self.blocks, self.head = nn.Sequential(*layers), nn.Linear(64, 10)
            self.register_buffer("mean", torch.tensor([0.49, 0.48, 0.45]).view(1, 3, 1, 1))
            self.register_buffer("std", torch.tensor([0.25, 0.24, 0.26]).view(1, 3, 1, 1))

        def forward(self, x):
            x = (x.float().permute(0, 3, 1, 2) / 255.0 - self.mean) / self.std
            return self.head(self.blocks(self.stem(x)).mean(dim=(2, 3)))

    class TextCNN(nn.Module):
        def __init__(self):
            super().__init__()
            self.emb = nn.Embedding(VOCAB, 300)
            self.convs = nn.ModuleList(nn.Conv1d(300, 100, w) for w in (3, 4, 5))
            self.drop, self.head = nn.Dropout(0.5), nn.Linear(300, 2)

        def forward(self, t):
            e = self.emb(t.long()).transpose(1, 2)
            return self.head(self.drop(torch.cat([torch.relu(c(e)).amax(dim=2) for c in self.convs], dim=1)))

    class BiLSTM(nn.Module):
        def __init__(self):
            super().__init__()
            self.emb, self.rnn = nn.Embedding(VOCAB, 128), nn.LSTM(128, 128, batch_first=True, bidirectional=True)
            self.drop, self.head = nn.Dropout(0.5), nn.Linear(256, 2)

        def forward(self, t):
            _, (h, _) = self.rnn(self.emb(t.long()))
            return self.head(self.drop(torch.cat([h[0], h[1]], dim=1)))

    class NBeats(nn.Module):
        def __init__(self, units=256, blocks=4, layers=4):
            super().__init__()
            out = NBEATS_H * len(QUANTILES)
            self.fcs = nn.ModuleList(nn.Sequential(*[m for i in range(layers) for m in
                                                     (nn.Linear(NBEATS_IN if i == 0 else units, units), nn.ReLU())])
                                     for _ in range(blocks))
            self.fore = nn.ModuleList(nn.Linear(units, out) for _ in range(blocks))
            self.back = nn.ModuleList(nn.Linear(units, NBEATS_IN) for _ in range(blocks - 1))

        def forward(self, x):
            residual, forecast = x, 0
            for b, fc in enumerate(self.fcs):
                h = fc(residual)
                forecast = forecast + self.fore[b](h)
                if b < len(self.back):
                    residual = residual - self.back[b](h)
            return forecast.view(-1, NBEATS_H, len(QUANTILES))

    q = torch.tensor(QUANTILES)

    def pinball(pred, target):
        diff = target.unsqueeze(-1) - pred
        return torch.maximum(q * diff, (q - 1.0) * diff).mean()

    model = {"lenet5": LeNet5, "resnet20": ResNet20, "textcnn": TextCNN, "bilstm": BiLSTM, "nbeats": NBeats}[name]()
    if name == "resnet20":
        return model, torch.optim.SGD(model.parameters(), 0.1, momentum=0.9), nn.CrossEntropyLoss()
    return model, torch.optim.Adam(model.parameters(), 1e-3), (pinball if name == "nbeats" else nn.CrossEntropyLoss())


def torch_worker(name, threads=1, compile_=False):
    import torch

    torch.set_num_threads(threads)
    torch.manual_seed(0)
    batch, steps, n_infer = WORKLOADS[name]
    model, optimizer, loss_fn = _torch_model(name)
    x, y = _data(name, batch * (steps + 2))
    xt, yt = torch.from_numpy(x), torch.from_numpy(y if name == "nbeats" else y.astype("int64"))
    run = torch.compile(model) if compile_ else model

    def step(i):
        optimizer.zero_grad(set_to_none=True)
        loss = loss_fn(run(xt[i * batch:(i + 1) * batch]), yt[i * batch:(i + 1) * batch])
        loss.backward()
        optimizer.step()

    model.train()
    start = time.perf_counter()
    step(0)
    step(1)
    warm = time.perf_counter() - start
    start = time.perf_counter()
    for i in range(2, steps + 2):
        step(i)
    train = steps * batch / (time.perf_counter() - start)
    from torch.utils.flop_counter import FlopCounterMode

    with FlopCounterMode(display=False) as counter:
        step(0)
    flops_per_example = counter.get_total_flops() / batch
    if name == "bilstm":  # the fused LSTM kernel is invisible to the counter: 2 directions x steps x 4 gates, x3 for training
        flops_per_example += 3 * 2 * TOKENS * 2 * 4 * 128 * (128 + 128)
    model.eval()
    xi = torch.from_numpy(_data(name, n_infer, seed=1)[0])
    with torch.no_grad():
        run(xi[:256])
        start = time.perf_counter()
        for i in range(0, n_infer, 256):
            run(xi[i:i + 256])
        infer = n_infer / (time.perf_counter() - start)
    params = int(sum(p.numel() for p in model.parameters() if p.requires_grad))
    return {"train_per_s": train, "infer_per_s": infer, "params": params, "threads": threads,
            "compiled": compile_, "warmup_s": warm, "train_flops_per_example": flops_per_example}


def matmul_peak(size=2048, repeats=10) -> dict:
    """GFLOP/s of a float32 and a bfloat16 square matmul in torch (all threads): the machine's peak."""
    import torch

    out = {}
    for dtype in (torch.float32, torch.bfloat16):
        a, b = torch.randn(size, size, dtype=dtype), torch.randn(size, size, dtype=dtype)
        a @ b
        start = time.perf_counter()
        for _ in range(repeats):
            a @ b
        out[str(dtype).split(".")[-1]] = 2 * size ** 3 * repeats / (time.perf_counter() - start) / 1e9
    return out


# ---------------------------------------------------------------- the orchestrator
def _spawn(role, name, backend=None, timeout=900, extra=()):
    env = {**os.environ, "PYTHONWARNINGS": "ignore", "TF_CPP_MIN_LOG_LEVEL": "3"}
    if backend:
        env["KERAS_BACKEND"] = backend
    cmd = [sys.executable, __file__, "--worker", role, "--workload", name, *extra]
    try:
        proc = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return {"error": f"no result within {timeout} s"}
    lines = [line for line in proc.stdout.splitlines() if line.startswith("{")]
    if proc.returncode or not lines:
        said = (proc.stderr + proc.stdout).strip().splitlines()
        return {"error": said[-1][:300] if said else f"exit {proc.returncode}"}
    return json.loads(lines[-1])


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--workloads", nargs="+", default=list(WORKLOADS), choices=list(WORKLOADS))
    parser.add_argument("--backends", nargs="+", default=list(BACKENDS), choices=list(BACKENDS))
    parser.add_argument("--no-compile", dest="compile", action="store_false",
                        help="skip torch.compile of the native models (its compilation takes ~20-60 s each)")
    parser.add_argument("--out", default=str(ROOT / "benchmarks" / "results" / "native_torch.json"))
    parser.add_argument("--worker", choices=["zoo", "torch", "torch_compile"], help=argparse.SUPPRESS)
    parser.add_argument("--workload", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        result = zoo_worker(args.workload) if args.worker == "zoo" else torch_worker(
            args.workload, compile_=args.worker == "torch_compile")
        print(json.dumps(result))
        return 0

    import torch

    peak = matmul_peak()
    print(f"matmul peak (torch, {torch.get_num_threads()} threads): float32 {peak['float32']:.0f} GFLOP/s, "
          f"bfloat16 {peak['bfloat16']:.0f} GFLOP/s", flush=True)
    rows = []
    for name in args.workloads:
        native = _spawn("torch", name)
        contenders = {"native torch (1 thread)": native}
        if args.compile:
            contenders["native torch.compile"] = _spawn("torch_compile", name, timeout=600)
        for backend in args.backends:
            contenders[f"zoo {backend}"] = _spawn("zoo", name, backend)
        for who, r in contenders.items():
            row = {"workload": name, "who": who, **r}
            if "error" not in r and "error" not in native:
                row["train_time_ratio"] = native["train_per_s"] / r["train_per_s"]
                row["infer_time_ratio"] = native["infer_per_s"] / r["infer_per_s"]
                lstm_biases = 1024 if name == "bilstm" else 0  # torch's second LSTM bias vector (see above)
                row["params_match"] = native["params"] - r["params"] in (0, lstm_biases) or r is native
                row["train_fraction_of_fp32_peak"] = (native["train_flops_per_example"] * r["train_per_s"]
                                                      / (peak["float32"] * 1e9))
            rows.append(row)
            shown = (f"train {r['train_per_s']:9.0f}/s (x{row['train_time_ratio']:.2f} time)  "
                     f"infer {r['infer_per_s']:9.0f}/s (x{row['infer_time_ratio']:.2f})  "
                     f"{100 * row['train_fraction_of_fp32_peak']:5.1f}% of fp32 peak"
                     + ("" if row["params_match"] else f"  PARAMS DIFFER {r['params']} vs {native['params']}")
                     ) if "train_time_ratio" in row else r.get("error", "")
            print(f"{name:<9} {who:<24} {shown}", flush=True)
    summary = {}
    for name in args.workloads:
        zoo = [r for r in rows if r["workload"] == name and r["who"].startswith("zoo") and "train_time_ratio" in r]
        if zoo:
            best = min(zoo, key=lambda r: r["train_time_ratio"])
            summary[name] = {"best": best["who"], "best_train_time_ratio": best["train_time_ratio"],
                             "worst_train_time_ratio": max(r["train_time_ratio"] for r in zoo)}
    print("\nper workload: best zoo backend's time vs native (goal <= 1.0), worst backend (goal <= 1.5):")
    for name, s in summary.items():
        print(f"  {name:<9} best {s['best']:<15} x{s['best_train_time_ratio']:.2f}   worst x{s['worst_train_time_ratio']:.2f}")
    Path(args.out).write_text(json.dumps({"command": "python benchmarks/native_torch.py", "matmul_peak_gflops": peak,
                                          "workloads": WORKLOADS, "rows": rows, "summary": summary},
                                         indent=2, default=float) + "\n")
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
