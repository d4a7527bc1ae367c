"""The run folder every task writes, and the state that lets an interrupted run resume.

Layout (the same for every application)::

    <output_dir>/<application>/<YYYYmmdd-HHMMSS>-<model>-<dataset>/
        status.json        running | complete | failed, the config's fingerprint, the process id
        config.json        resolved configuration (recipe values, overrides, defaults, backend)
        model.keras        the trained model (saved atomically)
        history.csv        per-epoch metrics, numbered from 1 (a resumed run keeps its earlier epochs)
        metrics.json       test-set metrics
        *.png              plots (learning curves, confusion matrix, ...)
        checkpoints/       per-epoch training state while the run is unfinished

A run is found again by the fingerprint of its configuration: starting the same command after
a crash continues the unfinished folder instead of making a new one. A folder whose process is
still alive is never shared.
"""

from __future__ import annotations

import contextvars
import dataclasses
import datetime as _dt
import hashlib
import json
import os
import re
from pathlib import Path
from typing import Any

from zoo.core.io import jsonable, read_json, write_json
from zoo.errors import ZooPermissionError, ZooRuntimeError, ZooValueError

# Set by `zoo run` so that the run folder records which recipe produced it.
current_recipe: contextvars.ContextVar[str | None] = contextvars.ContextVar("current_recipe", default=None)

DEFAULT_OUTPUT_DIR = "runs"
STATUS_FILE = "status.json"
# Settings that change how a run is shown or stored, not what it computes.
NOT_FINGERPRINTED = ("verbose", "output_dir", "save_as", "publish", "force", "resume")


@dataclasses.dataclass
class TrainResult:
    """What ``train`` returns: the model, its history, test metrics and the run folder."""

    model: Any
    history: dict
    metrics: dict
    run_dir: Path

    def __repr__(self) -> str:
        acc = self.metrics.get("accuracy")
        acc_s = f", accuracy={acc:.4f}" if isinstance(acc, float) else ""
        return f"TrainResult(run_dir='{self.run_dir}'{acc_s})"


def slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", str(text)).strip("_")[:60] or "run"


def check_output_dir(output_dir, owner: str) -> Path:
    """The folder runs go into, checked before any data is read: not a file, and writable."""
    base = Path(output_dir if output_dir is not None else DEFAULT_OUTPUT_DIR).expanduser()
    if base.exists() and not base.is_dir():
        raise ZooValueError(f"The 'output_dir' parameter of {owner} names {base}, which is a file; pass a folder "
                         f"(the run folder is made inside it).")
    probe = base
    while not probe.exists():
        probe = probe.parent
    if not probe.is_dir():
        raise ZooValueError(f"The 'output_dir' parameter of {owner} names {base}, inside {probe}, which is a file; "
                         f"pass a folder (the run folder is made inside it).")
    if not os.access(probe, os.W_OK | os.X_OK):
        raise ZooPermissionError(f"The 'output_dir' parameter of {owner} names {base}, which cannot be written "
                              f"({probe} is not writable). Pass a folder you can write to.")
    return base


def _content(value):
    """``value`` as JSON-able content: in-memory datasets and models by what they hold, not by their repr."""
    import numpy as np

    if isinstance(value, dict):
        return {str(k): _content(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_content(v) for v in value]
    if isinstance(value, np.ndarray):
        data = value.tobytes() if value.dtype != object else repr(value.tolist()).encode()
        return f"ndarray{value.shape}{value.dtype}:{hashlib.sha256(data).hexdigest()}"
    if type(value).__module__.startswith("pandas"):
        import pandas as pd

        digest = hashlib.sha256(pd.util.hash_pandas_object(value, index=True).to_numpy().tobytes())
        return f"{type(value).__name__}{list(getattr(value, 'columns', []))}:{digest.hexdigest()}"
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {"type": type(value).__name__,
                **{f.name: _content(getattr(value, f.name)) for f in dataclasses.fields(value)}}
    if hasattr(value, "to_json") and hasattr(value, "count_params"):  # a Keras model: its architecture
        return f"keras:{hashlib.sha256(value.to_json().encode()).hexdigest()}"
    return jsonable(value)


def fingerprint(application: str, config: dict) -> str:
    """A short hash of what a run computes: the same command gives the same fingerprint.

    Datasets and models passed as objects count by their content, so two different in-memory
    datasets never resume each other's run.
    """
    import keras

    kept = {k: v for k, v in config.items() if k not in NOT_FINGERPRINTED}
    text = json.dumps(_content({"application": application, "backend": keras.backend.backend(), **kept}),
                      sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _alive(pid) -> bool:
    if not isinstance(pid, int) or pid <= 0:
        return False
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def read_status(run_dir: Path) -> dict:
    try:
        return read_json(Path(run_dir) / STATUS_FILE)
    except (OSError, ValueError):
        return {}


def find_unfinished(base: Path, key: str) -> Path | None:
    """The newest unfinished run folder of this fingerprint whose process has ended, if any."""
    if not base.is_dir():
        return None
    found = []
    for folder in base.iterdir():
        status = read_status(folder)
        if status.get("fingerprint") != key:
            continue
        # An interrupted run stopped itself; a "running" one is resumable once its process is gone.
        if status.get("state") == "interrupted" or (status.get("state") == "running" and not _alive(status.get("pid"))):
            found.append(folder)
    return max(found, key=lambda p: p.name) if found else None


def make_run_dir(output_dir, application: str, *parts: str) -> Path:
    """Create a fresh, uniquely named run folder (safe when runs start in the same second)."""
    base = Path(output_dir if output_dir is not None else DEFAULT_OUTPUT_DIR) / application
    base.mkdir(parents=True, exist_ok=True)
    stamp = _dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    name = "-".join([stamp, *(slug(p) for p in parts if p)])
    for i in range(1, 10_000):
        run_dir = base / (name if i == 1 else f"{name}-{i}")
        try:
            run_dir.mkdir()  # atomic: exactly one process creates a given folder
            return run_dir
        except FileExistsError:
            continue
    raise ZooRuntimeError(f"Could not create a run folder under {base}.")


def set_status(run_dir: Path, state: str, **extra) -> None:
    status = read_status(run_dir)
    status.update(state=state, pid=os.getpid(), updated=_dt.datetime.now().isoformat(timespec="seconds"), **extra)
    write_json(Path(run_dir) / STATUS_FILE, status)


def save_config(run_dir: Path, application: str, config: dict) -> Path:
    """Record the resolved configuration of a run, with the backend and recipe (mode 0644)."""
    import keras

    resolved = {
        "application": application,
        "recipe": current_recipe.get(),
        "backend": keras.backend.backend(),
        "keras_version": keras.__version__,
        **config,
    }
    return write_json(Path(run_dir) / "config.json", resolved)


def save_history(run_dir: Path, history: dict) -> Path:
    """``history.csv``: one row per epoch, numbered from 1."""
    import numpy as np
    import pandas as pd

    frame = pd.DataFrame({k: pd.Series(v) for k, v in history.items()})
    if "epoch" not in frame:
        frame.insert(0, "epoch", np.arange(1, len(frame) + 1))
    path = Path(run_dir) / "history.csv"
    frame.to_csv(path, index=False)
    return path
