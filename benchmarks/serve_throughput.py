"""Requests/s and p50/p99 latency of ``zoo serve`` at 1, 8 and 32 concurrent clients.

Starts the real server (uvicorn, one worker) on 127.0.0.1 for each model, waits for
``/health``, then for each concurrency level runs ``--requests`` POST /predict calls (one input
per request: a sentence or a PNG digit) from that many client threads, after a warm-up.

    KERAS_BACKEND=tensorflow python benchmarks/serve_throughput.py --out benchmarks/results/serve_throughput_tensorflow.json
"""

from __future__ import annotations

import argparse
import base64
import concurrent.futures
import io
import socket
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _start(source: str):
    import httpx

    port = _port()
    proc = subprocess.Popen([sys.executable, "-m", "zoo.cli.main", "serve", source, "--port", str(port)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url, start = f"http://127.0.0.1:{port}", time.perf_counter()
    while time.perf_counter() - start < 300:
        try:
            if httpx.get(f"{url}/health", timeout=2).status_code == 200:
                return proc, url, time.perf_counter() - start
        except httpx.HTTPError:
            time.sleep(0.2)
    proc.kill()
    raise RuntimeError(f"zoo serve {source} did not start")


def _payloads(source: str, n: int) -> list[dict]:
    rng = np.random.default_rng(0)
    if source == "lenet5_mnist":
        from PIL import Image

        out = []
        for _ in range(n):
            buf = io.BytesIO()
            Image.fromarray(rng.integers(0, 256, size=(28, 28)).astype("uint8"), mode="L").save(buf, format="PNG")
            out.append({"images": [base64.b64encode(buf.getvalue()).decode()]})
        return out
    from zoo.datasets.text import load_text_dataset

    texts = load_text_dataset("sst2").test_texts
    return [{"texts": [texts[i % len(texts)]]} for i in range(n)]


def _load(url: str, payloads: list[dict], clients: int) -> dict:
    import httpx

    def one(payload):
        start = time.perf_counter()
        r = httpx.post(f"{url}/predict", json=payload, timeout=120)
        r.raise_for_status()
        return time.perf_counter() - start

    with concurrent.futures.ThreadPoolExecutor(clients) as pool:
        list(pool.map(one, payloads[: 2 * clients]))  # warm-up (compiles each batch shape once)
        start = time.perf_counter()
        latencies = list(pool.map(one, payloads))
        wall = time.perf_counter() - start
    ms = np.array(latencies) * 1000
    return {"clients": clients, "requests": len(payloads), "requests_per_s": round(len(payloads) / wall, 1),
            "p50_ms": round(float(np.percentile(ms, 50)), 1), "p99_ms": round(float(np.percentile(ms, 99)), 1)}


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", nargs="+", default=["textcnn_sst2", "lenet5_mnist"])
    parser.add_argument("--clients", nargs="+", type=int, default=[1, 8, 32])
    parser.add_argument("--requests", type=int, default=400)
    parser.add_argument("--out", default=None)
    args = parser.parse_args(argv)

    import os

    from _report import finish
    from zoo import backend as zb

    rows = []
    for source in args.models:
        payloads = _payloads(source, args.requests)
        proc, url, startup = _start(source)
        try:
            for clients in args.clients:
                row = {"model": source, "startup_s": round(startup, 1), **_load(url, payloads, clients)}
                rows.append(row)
                print(f"{source:<14} clients {clients:>3}  {row['requests_per_s']:8.1f} req/s  "
                      f"p50 {row['p50_ms']:7.1f} ms  p99 {row['p99_ms']:7.1f} ms  (server up in {startup:.1f} s)", flush=True)
        finally:
            proc.terminate()
            proc.wait(timeout=30)
    summary = {"backend": zb.requested_backend(),
               **{f"{r['model']}@{r['clients']}": r["requests_per_s"] for r in rows}}
    return finish({"summary": summary, "rows": rows, "cpu_count": os.cpu_count(), "versions": zb.versions()}, args.out)


if __name__ == "__main__":
    main()
