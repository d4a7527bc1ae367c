"""Prophet's two engines on M4 (default Weekly), in one process: Stan per series against the batch MAP.

Prints each engine's fit + predict time, its test sMAPE/MASE/OWA, and, series by series, how the
batch engine's MAP compares with Stan's in Stan's own objective (minus ``lp__``: lower is better).

    ZOO_DATA_DIR=../shared/datasets python benchmarks/prophet_engines.py --out benchmarks/results/prophet_engines.json
"""

from __future__ import annotations

import argparse
import json
import time

import numpy as np
import pandas as pd

from zoo.forecasting import create_forecaster, load_dataset
from zoo.forecasting import metrics as M
from zoo.forecasting import prophet_batch as pb


def _objective_gap(model):
    """Batch objective minus Stan's, per series, both on the designs the batch engine built."""
    from prophet.serialize import model_from_json

    gaps = []
    for uid, state in model.states_.items():
        stan = model_from_json(state["model"])
        d = pb.design(stan.history["ds"], stan.history["y"])
        params = {k: np.asarray(stan.params[k])[0] for k in ("k", "m", "delta", "beta", "sigma_obs")}
        p = {"k": params["k"][0], "m": params["m"][0], "sigma": params["sigma_obs"][0],
             "delta": params["delta"] if len(d.t_change) else np.zeros(0),
             "beta": params["beta"] if d.X.shape[1] else np.zeros(0)}
        gaps.append(pb.objective(d, pb.fit_map([d])[0]) - pb.objective(d, p))
    return np.asarray(gaps)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--frequency", default="weekly")
    ap.add_argument("--data-path", default=None)
    ap.add_argument("--n-jobs", type=int, default=2, help="workers for the stan engine")
    ap.add_argument("--out", default=None)
    args = ap.parse_args(argv)
    data = load_dataset(f"m4_{args.frequency}", path=args.data_path)
    horizon = int(data.horizon)
    naive2 = create_forecaster("naive2").fit(data.train).predict(horizon)
    rows = {}
    for engine in ("batch", "stan"):
        start = time.perf_counter()
        model = create_forecaster("prophet", engine=engine, n_jobs=args.n_jobs).fit(data.train)
        forecast = model.predict(horizon)
        seconds = time.perf_counter() - start
        _, summary = M.evaluate(forecast, data.test, data.train, season_length=data.season_length, naive2=naive2)
        summary = {k: round(float(summary[k]), 4) for k in ("smape", "mase", "owa", "coverage")}
        rows[engine] = {"seconds": round(seconds, 2), **summary}
        print(f"{engine:6s} {seconds:7.1f} s  " + "  ".join(f"{k} {v:.3f}" for k, v in summary.items()), flush=True)
        if engine == "stan":
            gap = _objective_gap(model)
            rows["objective_gap"] = {"series": int(len(gap)), "batch_not_worse": int((gap <= 1e-6).sum()),
                                     "median": float(np.median(gap)), "min": float(gap.min()), "max": float(gap.max())}
            print(f"batch MAP minus Stan's, {len(gap)} series: median {np.median(gap):.4g}, min {gap.min():.4g}, "
                  f"max {gap.max():.4g}; batch as good or better in {(gap <= 1e-6).sum()}")
    rows["speedup"] = round(rows["stan"]["seconds"] / rows["batch"]["seconds"], 1)
    print(f"batch is {rows['speedup']}x faster")
    if args.out:
        with open(args.out, "w") as f:
            json.dump({"frequency": args.frequency, "series": int(data.train["unique_id"].nunique()), **rows}, f,
                      indent=2)


if __name__ == "__main__":
    main()
