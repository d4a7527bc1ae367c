"""M4 benchmark, any frequency: every forecaster on the frequency's series, scored on the official test file.

Prints a leaderboard (sMAPE, MASE, OWA relative to Naive2, interval coverage, seconds per model and
each model's time relative to Naive2's) and writes it with forecast plots to
``runs/forecasting/<time>-backtest-m4_<frequency>/``; the leaderboard is written as each model
finishes, and the same command continues an interrupted run (``forecasting.backtest``).

    python benchmarks/m4.py                                   # M4 Weekly (359 series, h=13), all models
    python benchmarks/m4.py --frequency daily --data-path DIR # DIR holds Daily-train.csv and Daily-test.csv
    python benchmarks/m4.py --validation                      # on the last horizon of the training data
    python benchmarks/m4.py --select-ensemble                 # choose the ensemble on validation, then test
    python benchmarks/m4.py --models naive2 theta arima

``--select-ensemble`` never looks at the test set to choose: it scores median and mean
combinations of the best individual models on the validation window (the last horizon of
every training series), keeps the best, and only then runs the test backtest.

Published anchors, Weekly (OWA): Naive2 1.000 (sMAPE 9.161), Theta 0.971, auto-ARIMA about 0.885
(sktime replication), ES-RNN (M4 winner) 0.851, best Weekly entry 0.739. Only the Weekly data is
on this machine, so only Weekly anchors are printed.
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
              "lstm", "gru", "transformer", "nbeats", "nbeats_ensemble", "ensemble"]
ANCHORS = {"weekly": {"naive2": 1.000, "theta": 0.971, "arima": 0.885, "es-rnn": 0.851, "best entry": 0.739}}


def _print_board(board, title, total):
    print(f"\n== {title} ==")
    naive2 = board.set_index("model")["time_s"].get("naive2")
    print(f"{'model':<15}{'sMAPE':>8}{'MASE':>8}{'OWA':>8}{'cover':>8}{'MSIS':>9}{'time s':>9}{'x Naive2':>10}")
    for _, r in board.iterrows():
        ratio = f"{r['time_s'] / naive2:10.0f}" if naive2 else f"{'-':>10}"
        print(f"{r['model']:<15}{r['smape']:8.3f}{r['mase']:8.3f}{r['owa']:8.3f}{r['coverage']:8.3f}"
              f"{r['msis']:9.2f}{r['time_s']:9.1f}{ratio}")
    print(f"total wall time: {total:.1f} s ({total / 60:.1f} min); run folder: {board.attrs.get('run_dir')}")


def select_ensemble(run_dir: str, board, dataset: str = "m4_weekly", data_path=None, top: int = 6, max_size: int = 4,
                    exclude=("ensemble", "naive", "seasonal_naive", "naive2")):
    """Best median/mean combination on the validation forecasts of ``run_dir``: (members, combine, owa)."""
    import pandas as pd

    from zoo.datasets.timeseries import load_dataset, split_last
    from zoo.forecasting.ensemble import combine_forecasts
    from zoo.forecasting.metrics import evaluate

    ds = load_dataset(dataset, path=data_path)
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
    parser.add_argument("--frequency", default="weekly",
                        choices=["yearly", "quarterly", "monthly", "weekly", "daily", "hourly"])
    parser.add_argument("--data-path", default=None,
                        help="a folder with the M4 files (Daily-train.csv/Daily-test.csv or m4_daily_{train,test}.csv)")
    parser.add_argument("--models", nargs="+", default=ALL_MODELS)
    parser.add_argument("--validation", action="store_true", help="score on the last horizon of the training data only")
    parser.add_argument("--select-ensemble", action="store_true",
                        help="choose the ensemble on validation, then run the test leaderboard")
    parser.add_argument("--n-jobs", type=int, default=2)
    parser.add_argument("--output-dir", default="runs")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    os.environ.setdefault("ZOO_DATA_DIR", str(Path(__file__).resolve().parents[2] / "shared" / "datasets"))
    warnings.simplefilter("ignore")

    from zoo.applications import forecasting

    dataset, name = f"m4_{args.frequency}", f"M4 {args.frequency.capitalize()}"
    common = dict(dataset=dataset, data_path=args.data_path, n_jobs=args.n_jobs, seed=args.seed,
                  output_dir=args.output_dir)
    model_kwargs = {}
    if args.select_ensemble:
        start = time.perf_counter()
        models = [m for m in args.models if m != "ensemble"]
        board = forecasting.backtest(models=models, validation=True, **common)
        _print_board(board, f"{name}, validation (last horizon of the training data)", time.perf_counter() - start)
        members, how, owa = select_ensemble(board.attrs["run_dir"], board, dataset, args.data_path)
        print(f"chosen on validation: {how} of {members} (validation OWA {owa:.4f})")
        model_kwargs["ensemble"] = {"models": members, "combine": how}
        args.validation = False
    start = time.perf_counter()
    board = forecasting.backtest(models=args.models, validation=args.validation, model_kwargs=model_kwargs, **common)
    total = time.perf_counter() - start
    title = f"{name}, validation (last horizon of the training data)" if args.validation else \
        f"{name}, official test"
    _print_board(board, title, total)
    anchors = ANCHORS.get(args.frequency, {})
    if not args.validation and anchors:
        by = board.set_index("model")
        for model in ("theta", "arima"):
            if model in by.index:
                gap = by.loc[model, "owa"] / anchors[model] - 1
                print(f"{model} OWA {by.loc[model, 'owa']:.3f} vs published {anchors[model]}: {gap:+.1%}")
        best = board.iloc[0]
        print(f"best: {best['model']} OWA {best['owa']:.3f} (ES-RNN {anchors['es-rnn']}, best entry "
              f"{anchors['best entry']}); whole backtest {total / 60:.1f} min")
    return 0


if __name__ == "__main__":
    sys.exit(main())
