"""A backtest's run folder, written as each model finishes: a resumable leaderboard.

``leaderboard.csv``, ``forecasts.csv`` and ``metrics.json`` are rewritten every time a model
finishes a window, so stopping a slow model keeps every score before it. Each finished
(model, window) is also kept exactly (``partial/``, pickled frames) until the backtest completes.
Running the same backtest again (same data, horizon, windows, seed, level; any list of models)
continues the newest interrupted folder: finished models are not fitted again, a model whose
parameters (``model_kwargs``) changed is, and so is an ensemble whose members changed.
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


def identity(forecaster) -> str:
    """What a forecaster computes: its class and parameters (not ``n_jobs``/``verbose``, which change no number)."""
    params = {k: v for k, v in forecaster.get_params().items() if k not in ("n_jobs", "verbose")}
    return f"{type(forecaster).__module__}.{type(forecaster).__qualname__}:{json.dumps(params, sort_keys=True, default=repr)}"


def _part_name(label: str, ident: str) -> str:
    return f"{rundir.slug(label)[:40]}-{hashlib.sha256(ident.encode()).hexdigest()[:16]}"


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

    def done(self, forecasters: dict, windows: int) -> dict:
        """``{(model, window): (scores row, forecast frame)}`` finished by an earlier, interrupted call.

        A result is kept only for the same forecaster (class and parameters) and, for an ensemble
        of models in the list, the same members; members are fitted again in a window whose
        ensemble did not finish, so that it reuses their fits as an uninterrupted run would.
        """
        self.identities = {}
        for label, forecaster in forecasters.items():
            members = [m for m in forecaster.combines() if m in forecasters]
            self.identities[label] = identity(forecaster) + "".join(f"|{identity(forecasters[m])}" for m in members)
        out = {}
        for label, ident in self.identities.items():
            stem = self.run_dir / PARTIAL / _part_name(label, ident)
            for w in range(windows):
                row, frame = Path(f"{stem}.w{w}.json"), Path(f"{stem}.w{w}.pkl")
                if row.exists() and frame.exists():
                    out[(label, w)] = (read_json(row), pd.read_pickle(frame))
        for label, forecaster in forecasters.items():
            for w in range(windows):
                if forecaster.combines() and (label, w) not in out:
                    for member in forecaster.combines():
                        out.pop((member, w), None)
        for row, frame in out.values():
            self.rows.append(row)
            self.forecasts.append(frame)
        if self.rows:
            self.write(Backtest(pd.DataFrame(self.rows), pd.concat(self.forecasts, ignore_index=True), []))
        return out

    def record(self, model, window, row, forecast) -> None:
        """Keep one finished (model, window) and rewrite the partial leaderboard."""
        folder = self.run_dir / PARTIAL
        folder.mkdir(exist_ok=True)
        stem = folder / _part_name(model, self.identities[model])
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
