"""M4 Weekly benchmark: every forecaster on the 359 series, h=13, scored on the official test file.

Prints a leaderboard (sMAPE, MASE, OWA relative to Naive2, interval coverage, seconds per model)
and writes it with forecast plots to ``runs/forecasting/<time>-backtest-m4_weekly/``.

    python benchmarks/m4_weekly.py                          # the test leaderboard, all models
    python benchmarks/m4_weekly.py --validation             # same, on the last 13 training points
    python benchmarks/m4_weekly.py --select-ensemble        # choose the ensemble on validation, then test
    python benchmarks/m4_weekly.py --models naive2 theta arima

``--select-ensemble`` never looks at the test set to choose: it scores median and mean
combinations of the best individual models on the validation window (the last 13 points of
every training series), keeps the best, and only then runs the test backtest.

Published anchors (OWA): Naive2 1.000 (sMAPE 9.161), Theta 0.971, auto-ARIMA about 0.885
(sktime replication), ES-RNN (M4 winner) 0.851, best Weekly entry 0.739.
"""

from __future__ import annotations

import argparse
import itertools
import os
import sys
import time
import warnings
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

ALL_MODELS = ["naive", "seasonal_naive", "naive2", "ets", "theta", "arima", "sarima", "prophet",
              "lstm", "gru", "transformer", "nbeats", "ensemble"]
ANCHORS = {"naive2": 1.000, "theta": 0.971, "arima": 0.885}


def _print_board(board, title, total):
    print(f"\n== {title} ==")
    print(f"{'model':<15}{'sMAPE':>8}{'MASE':>8}{'OWA':>8}{'cover':>8}{'MSIS':>9}{'time s':>9}")
    for _, r in board.iterrows():
        print(f"{r['model']:<15}{r['smape']:8.3f}{r['mase']:8.3f}{r['owa']:8.3f}{r['coverage']:8.3f}"
              f"{r['msis']:9.2f}{r['time_s']:9.1f}")
    print(f"total wall time: {total:.1f} s ({total / 60:.1f} min); run folder: {board.attrs.get('run_dir')}")


def select_ensemble(run_dir: str, board, top: int = 6, max_size: int = 4,
                    exclude=("ensemble", "naive", "seasonal_naive", "naive2")):
    """Best median/mean combination on the validation forecasts of ``run_dir``: (members, combine, owa)."""
    import pandas as pd

    from zoo.datasets.timeseries import load_dataset, split_last
    from zoo.forecasting.ensemble import combine_forecasts
    from zoo.forecasting.metrics import evaluate

    ds = load_dataset("m4_weekly")
    train, val = split_last(ds.train, ds.horizon)
    forecasts = pd.read_csv(Path(run_dir) / "forecasts.csv", parse_dates=["ds"])
    forecasts["unique_id"] = forecasts["unique_id"].astype(str)
    naive2 = forecasts[forecasts["model"] == "naive2"]
    candidates = [m for m in board.sort_values("owa")["model"]
                  if m not in exclude][:top]
    if len(candidates) < 2:
        raise ValueError(f"Choosing an ensemble needs at least two candidate models; got {candidates}.")
    frames = {m: forecasts[forecasts["model"] == m].reset_index(drop=True) for m in candidates}
    ids = list(dict.fromkeys(frames[candidates[0]]["unique_id"]))
    results = []
    for size in range(2, max_size + 1):
        for members in itertools.combinations(candidates, size):
            for how in ("median", "mean"):
                combined = combine_forecasts([frames[m] for m in members], ids, how)
                fc = frames[members[0]][["unique_id", "ds"]].copy()
                fc["yhat"] = [v for uid in ids for v in combined[uid][0]]
                _, summary = evaluate(fc, val, train, ds.season_length, naive2=naive2)
                results.append((summary["owa"], members, how))
    results.sort(key=lambda r: r[0])
    print("\nvalidation OWA of the best combinations:")
    for owa, members, how in results[:8]:
        print(f"  {owa:.4f}  {how:<6} {', '.join(members)}")
    owa, members, how = results[0]
    return list(members), how, owa


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--models", nargs="+", default=ALL_MODELS)
    parser.add_argument("--validation", action="store_true", help="score on the last 13 training points only")
    parser.add_argument("--select-ensemble", action="store_true",
                        help="choose the ensemble on validation, then run the test leaderboard")
    parser.add_argument("--n-jobs", type=int, default=2)
    parser.add_argument("--output-dir", default="runs")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    os.environ.setdefault("ZOO_DATA_DIR", str(Path(__file__).resolve().parents[2] / "shared" / "datasets"))
    warnings.simplefilter("ignore")

    from zoo.applications import forecasting

    model_kwargs = {}
    if args.select_ensemble:
        start = time.perf_counter()
        models = [m for m in args.models if m != "ensemble"]
        board = forecasting.backtest(models=models, dataset="m4_weekly", validation=True, n_jobs=args.n_jobs,
                                     seed=args.seed, output_dir=args.output_dir)
        _print_board(board, "M4 Weekly, validation (last 13 training points)", time.perf_counter() - start)
        members, how, owa = select_ensemble(board.attrs["run_dir"], board)
        print(f"chosen on validation: {how} of {members} (validation OWA {owa:.4f})")
        model_kwargs["ensemble"] = {"models": members, "combine": how}
        args.validation = False
    start = time.perf_counter()
    board = forecasting.backtest(models=args.models, dataset="m4_weekly", validation=args.validation,
                                 n_jobs=args.n_jobs, seed=args.seed, output_dir=args.output_dir,
                                 model_kwargs=model_kwargs)
    total = time.perf_counter() - start
    title = "M4 Weekly, validation (last 13 training points)" if args.validation else \
        "M4 Weekly, official test (359 series, h=13)"
    _print_board(board, title, total)
    if not args.validation:
        by = board.set_index("model")
        if "arima" in by.index:
            gap = by.loc["arima", "owa"] / ANCHORS["arima"] - 1
            print(f"auto-ARIMA OWA {by.loc['arima', 'owa']:.3f} vs published 0.885: {gap:+.1%} "
                  f"({'within' if abs(gap) <= 0.05 else 'outside'} 5%)")
        best = board.iloc[0]
        print(f"best: {best['model']} OWA {best['owa']:.3f} ({'below' if best['owa'] < 0.851 else 'not below'} "
              f"ES-RNN's 0.851); whole backtest {total / 60:.1f} min "
              f"({'within' if total <= 900 else 'over'} 15 min)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
