"""A backtest's run folder, written as each model finishes: a resumable leaderboard.

``leaderboard.csv``, ``forecasts.csv`` and ``metrics.json`` are rewritten every time a model
finishes a window, so stopping a slow model keeps every score before it. Each finished
(model, window) is also kept exactly (``partial/``, pickled frames) until the backtest completes.
Running the same backtest again (same data, horizon, windows, seed, level; any list of models)
continues the newest interrupted folder: finished models are not fitted again, a model whose
``model_kwargs`` changed is.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pandas as pd

from zoo.core import rundir
from zoo.core.io import read_json, write_json
from zoo.forecasting.backtesting import Backtest

PARTIAL = "partial"


def _part_name(model: str, kwargs: dict | None) -> str:
    digest = hashlib.sha256(json.dumps(kwargs or {}, sort_keys=True, default=str).encode()).hexdigest()[:8]
    return f"{rundir.slug(str(model))}-{digest}"


class ResumableBacktest:
    """The run folder of one ``forecasting.backtest`` call."""

    def __init__(self, run_dir: Path, resumed: bool, summary: dict):
        self.run_dir, self.resumed, self.summary = Path(run_dir), resumed, summary
        self.rows: list[dict] = []
        self.forecasts: list[pd.DataFrame] = []

    @classmethod
    def open(cls, output_dir, application: str, fingerprinted: dict, config: dict, name_parts, resume: bool = True,
             summary: dict | None = None) -> "ResumableBacktest":
        """An interrupted folder of the same backtest (``fingerprinted``), else a new one; ``config`` is recorded."""
        key = rundir.fingerprint(application, fingerprinted)
        base = Path(output_dir if output_dir is not None else rundir.DEFAULT_OUTPUT_DIR) / application
        found = rundir.find_unfinished(base, key) if resume else None
        run_dir = found if found is not None else rundir.make_run_dir(output_dir, application, *name_parts)
        rundir.set_status(run_dir, "running", fingerprint=key)
        rundir.save_config(run_dir, application, config)
        return cls(run_dir, found is not None, summary or {})

    def done(self, models, model_kwargs: dict, windows: int) -> dict:
        """``{(model, window): (scores row, forecast frame)}`` finished by an earlier, interrupted call."""
        out = {}
        for model in models:
            stem = self.run_dir / PARTIAL / _part_name(model, model_kwargs.get(model))
            for w in range(windows):
                row, frame = Path(f"{stem}.w{w}.json"), Path(f"{stem}.w{w}.pkl")
                if row.exists() and frame.exists():
                    out[(model, w)] = (read_json(row), pd.read_pickle(frame))
                    self.rows.append(out[(model, w)][0])
                    self.forecasts.append(out[(model, w)][1])
        return out

    def record(self, model, window, row, forecast, model_kwargs: dict) -> None:
        """Keep one finished (model, window) and rewrite the partial leaderboard."""
        folder = self.run_dir / PARTIAL
        folder.mkdir(exist_ok=True)
        stem = folder / _part_name(model, model_kwargs.get(model))
        tmp = Path(f"{stem}.w{window}.pkl.tmp")
        forecast.to_pickle(tmp)
        tmp.replace(f"{stem}.w{window}.pkl")
        write_json(Path(f"{stem}.w{window}.json"), row)  # written last: marks the pair complete
        self.rows.append(row)
        self.forecasts.append(forecast)
        self.write(Backtest(pd.DataFrame(self.rows), pd.concat(self.forecasts, ignore_index=True), []))

    def write(self, result: Backtest) -> pd.DataFrame:
        """``leaderboard.csv``, ``forecasts.csv`` and ``metrics.json`` of what is finished so far."""
        board = result.leaderboard()
        board.to_csv(self.run_dir / "leaderboard.csv", index=False)
        result.forecasts.to_csv(self.run_dir / "forecasts.csv", index=False)
        write_json(self.run_dir / "metrics.json", {"leaderboard": board.to_dict("records"), **self.summary})
        return board

    def interrupted(self, err: BaseException) -> None:
        rundir.set_status(self.run_dir, "interrupted", error=type(err).__name__)

    def complete(self) -> None:
        shutil.rmtree(self.run_dir / PARTIAL, ignore_errors=True)
        rundir.set_status(self.run_dir, "complete")
