"""Synthetic M4-shaped files for any frequency, to time the M4 backtest where the real files are not at hand.

Each series has the frequency's M4 horizon and seasonality and a length in M4's range for it (every
``short_every``-th one at the shortest M4 length): a random-walk level with drift, times a seasonal profile (for
periods above 1), times 3% noise, all positive. The files have the M4 repository's layout
(``Hourly-train.csv``, ``Hourly-test.csv``), so ``benchmarks/m4.py --data-path`` reads them as it
reads the real ones. Their scores say nothing about M4 accuracy; they measure run time and whether
every model finishes.

    python benchmarks/m4_synthetic.py --frequency hourly --series 414 --short-every 0 --out /tmp/m4_hourly
    python benchmarks/m4.py --frequency hourly --data-path /tmp/m4_hourly
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

# M4's shortest training series per frequency, and a typical longest one for these files.
LENGTHS = {"yearly": (13, 300), "quarterly": (16, 200), "monthly": (42, 400), "weekly": (80, 1000),
           "daily": (93, 2000), "hourly": (700, 960)}


def series(frequency: str, n: int, seed: int = 0, short_every: int = 10):
    """``n`` (id, training values, test values) triples for ``frequency``; 0 ``short_every``: none at the shortest."""
    from zoo.datasets.timeseries import M4_FREQUENCIES

    horizon, m, _ = M4_FREQUENCIES[frequency]
    low, high = LENGTHS[frequency]
    rng = np.random.default_rng(seed)
    for i in range(n):
        short = short_every and i % short_every == short_every - 1
        length = (low if short else int(rng.integers(low, high + 1))) + horizon
        t = np.arange(length)
        amplitude, phase = rng.uniform(0.1, 0.6), rng.uniform(0, 6.3)
        season = amplitude * np.sin(2 * np.pi * t / m + phase) + 0.1 * np.sin(4 * np.pi * t / m) if m > 1 else 0.0
        level = 100 * np.exp(np.cumsum(rng.normal(0, 0.01, length)) + rng.uniform(-0.0005, 0.0005) * t)
        y = np.round(level * (1 + season) * (1 + rng.normal(0, 0.03, length)), 3)
        yield f"{frequency[0].upper()}{i + 1}", y[:-horizon], y[-horizon:]


def _wide(rows) -> pd.DataFrame:
    width = max(len(values) for _, values in rows)
    table = np.full((len(rows), width), np.nan)
    for r, (_, values) in enumerate(rows):
        table[r, :len(values)] = values
    frame = pd.DataFrame(table, columns=[f"V{i}" for i in range(2, width + 2)])
    frame.insert(0, "V1", [uid for uid, _ in rows])
    return frame


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--frequency", required=True, choices=sorted(LENGTHS))
    parser.add_argument("--series", type=int, default=100)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--short-every", type=int, default=10, help="every n-th series at M4's shortest length; 0: none")
    parser.add_argument("--out", required=True, help="folder for <Frequency>-train.csv and <Frequency>-test.csv")
    args = parser.parse_args(argv)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    triples = list(series(args.frequency, args.series, args.seed, args.short_every))
    name = args.frequency.capitalize()
    _wide([(uid, train) for uid, train, _ in triples]).to_csv(out / f"{name}-train.csv", index=False)
    _wide([(uid, test) for uid, _, test in triples]).to_csv(out / f"{name}-test.csv", index=False)
    print(f"wrote {len(triples)} {args.frequency} series to {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
