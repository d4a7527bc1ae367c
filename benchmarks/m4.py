"""M4 benchmark, any frequency: every forecaster on the frequency's series, scored on the official test file.

Prints a leaderboard (sMAPE, MASE, OWA relative to Naive2, interval coverage, seconds per model and
each model's time relative to Naive2's) and writes it with forecast plots to
``runs/forecasting/<time>-backtest-m4_<frequency>/``; the leaderboard is written as each model
finishes, and the same command continues an interrupted run (``forecasting.backtest``).

    python benchmarks/m4.py                                   # M4 Weekly (359 series, h=13), all models
    python benchmarks/m4.py --frequency daily --data-path DIR # DIR holds Daily-train.csv and Daily-test.csv
    python benchmarks/m4.py --validation                      # on the last horizon of the training data
    python benchmarks/m4.py --models naive2 theta arima

The ensemble (``models="auto"``) chooses its members on the last horizon of the training data
itself (``zoo.forecasting.ensemble``), never on the test set.

Published anchors, Weekly (OWA): Naive2 1.000 (sMAPE 9.161), Theta 0.971, auto-ARIMA about 0.885
(sktime replication), ES-RNN (M4 winner) 0.851, best Weekly entry 0.739. Only the Weekly data is
on this machine, so only Weekly anchors are printed.
"""

from __future__ import annotations

import argparse
import json
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


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--frequency", default="weekly",
                        choices=["yearly", "quarterly", "monthly", "weekly", "daily", "hourly"])
    parser.add_argument("--data-path", default=None,
                        help="a folder with the M4 files (Daily-train.csv/Daily-test.csv or m4_daily_{train,test}.csv)")
    parser.add_argument("--models", nargs="+", default=ALL_MODELS)
    parser.add_argument("--validation", action="store_true", help="score on the last horizon of the training data only")
    parser.add_argument("--n-jobs", type=int, default=2)
    parser.add_argument("--output-dir", default="runs")
    parser.add_argument("--out", default=None, help="also write the leaderboard and timings as JSON here")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    os.environ.setdefault("ZOO_DATA_DIR", str(Path(__file__).resolve().parents[2] / "shared" / "datasets"))
    warnings.simplefilter("ignore")

    from zoo.applications import forecasting

    dataset, name = f"m4_{args.frequency}", f"M4 {args.frequency.capitalize()}"
    common = dict(dataset=dataset, data_path=args.data_path, n_jobs=args.n_jobs, seed=args.seed,
                  output_dir=args.output_dir)
    start = time.perf_counter()
    board = forecasting.backtest(models=args.models, validation=args.validation, **common)
    total = time.perf_counter() - start
    title = f"{name}, validation (last horizon of the training data)" if args.validation else \
        f"{name}, official test"
    _print_board(board, title, total)
    if args.out:
        Path(args.out).write_text(json.dumps({
            "command": "python benchmarks/m4.py " + " ".join(argv if argv is not None else sys.argv[1:]),
            "dataset": dataset, "validation": args.validation, "total_wall_time_s": total,
            "leaderboard": board.to_dict("records")}, indent=2, default=float) + "\n")
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
