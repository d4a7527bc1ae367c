"""Milliseconds per series of the statistical forecasters against Naive2's, on one core, in a warm process.

``benchmarks/m4.py`` times each model as the backtest runs it (``n_jobs=2`` by default), where Naive2's
time is mostly joblib's dispatch and the start-up of compiled code lands on the first model that uses
it. This times fit + predict of every series with ``n_jobs=1`` after a warm-up on 20 series, best of
``--repeats`` runs, and prints each model's milliseconds per series and its ratio to Naive2's.

    python benchmarks/m4_per_core.py                                        # M4 Weekly
    python benchmarks/m4_per_core.py --frequency monthly --data-path DIR   # DIR holds Monthly-train.csv
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

MODELS = ("naive2", "ets", "theta", "arima")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--frequency", default="weekly")
    parser.add_argument("--data-path", default=None, help="a folder with the M4 files (default: the data root)")
    parser.add_argument("--models", nargs="+", default=list(MODELS))
    parser.add_argument("--repeats", type=int, default=2)
    args = parser.parse_args(argv)

    from zoo.datasets.timeseries import load_m4
    from zoo.forecasting import create_forecaster

    data = load_m4(args.frequency, args.data_path)
    ids = data.train["unique_id"].unique()
    warm = data.train[data.train["unique_id"].isin(ids[:20])]
    models = ["naive2"] + [m for m in args.models if m != "naive2"]
    for name in models:  # imports and compiled code loaded before any timing
        create_forecaster(name, n_jobs=1, season_length=data.season_length).fit(warm).predict(data.horizon)
    best = {}
    for _ in range(args.repeats):
        for name in models:
            start = time.perf_counter()
            create_forecaster(name, n_jobs=1, season_length=data.season_length).fit(data.train).predict(data.horizon)
            best[name] = min(best.get(name, float("inf")), time.perf_counter() - start)
    print(f"M4 {args.frequency}, {len(ids)} series, n_jobs=1, best of {args.repeats}:")
    for name in models:
        print(f"{name:<8}{best[name] / len(ids) * 1e3:8.2f} ms/series{best[name] / best['naive2']:8.1f}x Naive2")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
