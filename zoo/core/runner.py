"""The one run loop: checks, seeding, the run folder, checkpoints and resume, NaN guard, publishing.

Example:
    >>> from zoo.core.runner import run
    >>> from zoo.tasks.image import ImageClassification
    >>> result = run(ImageClassification(model="lenet5", dataset="mnist", epochs=2))
"""

from __future__ import annotations

import copy
import json
import math
import os
import shutil
import time
from pathlib import Path

import numpy as np

from zoo.core import rundir
from zoo.core.io import write_json, write_text
from zoo.core.plots import plot_learning_curves
from zoo.core.rundir import TrainResult
from zoo.errors import ZooError

CHECKPOINTS = "checkpoints"
HISTORY_LOG = "history.jsonl"


class Diverged(ZooError, FloatingPointError):
    """Training produced a non-finite loss; the last good weights were kept."""


class CheckpointStore:
    """Per-epoch training state in ``folder/epoch-NNNN/``; ``state.json`` names the newest complete one,
    written last and atomically, so a crash at any moment leaves a consistent checkpoint."""

    def __init__(self, folder: Path):
        self.folder = Path(folder)

    def latest(self):
        """(epoch, folder, meta) of the newest complete checkpoint, or None."""
        try:
            meta = json.loads((self.folder / "state.json").read_text())
        except (OSError, ValueError):
            return None
        path = self.folder / meta["dir"]
        return (int(meta["epoch"]), path, meta) if path.is_dir() else None

    def save(self, epoch: int, write, **meta) -> None:
        """``write(folder)`` fills a fresh folder; then ``state.json`` points at it and older ones go."""
        self.folder.mkdir(parents=True, exist_ok=True)
        name = f"epoch-{epoch:04d}"
        target = self.folder / name
        if target.exists():
            shutil.rmtree(target)
        tmp = self.folder / f".{name}.tmp"
        if tmp.exists():
            shutil.rmtree(tmp)
        tmp.mkdir()
        write(tmp)
        os.replace(tmp, target)
        write_text(self.folder / "state.json", json.dumps({"epoch": epoch, "dir": name, **meta}))
        for old in self.folder.glob("epoch-*"):
            if old.name != name:
                shutil.rmtree(old, ignore_errors=True)


def _keras_callback(run: "Run", phase: str, store: CheckpointStore):
    """Restore at the start of fit, then after each epoch: stop on a non-finite loss, log, checkpoint."""
    import keras

    class RunCheckpoint(keras.callbacks.Callback):
        def on_train_begin(self, logs=None):
            self.model._initial_epoch = None
            latest = store.latest()
            if latest is None:
                return
            epoch, folder, _ = latest
            optimizer = self.model.optimizer
            if optimizer is not None and not optimizer.built:
                # built first, so that load_weights finds the saved optimizer's variables a home (else Keras
                # warns that it skips them)
                optimizer.build(self.model.trainable_variables)
            self.model.load_weights(folder / "model.weights.h5")
            if optimizer is not None and (folder / "optimizer.npz").exists():
                saved = np.load(folder / "optimizer.npz")
                for i, variable in enumerate(optimizer.variables):
                    variable.assign(saved[f"v{i}"])
            self.model._initial_epoch = epoch
            run.resumed_epochs[phase] = epoch

        def on_epoch_end(self, epoch, logs=None):
            logs = {k: float(v) for k, v in (logs or {}).items() if np.ndim(v) == 0}
            if not math.isfinite(logs.get("loss", 0.0)):
                run.diverged = (phase, epoch + 1, logs.get("loss"))
                self.model.stop_training = True
                return
            run.epoch_end(phase, epoch, logs)

            def write(folder):
                self.model.save_weights(folder / "model.weights.h5")
                if self.model.optimizer is not None and self.model.optimizer.built:
                    np.savez(folder / "optimizer.npz", **{f"v{i}": keras.ops.convert_to_numpy(v)
                                                          for i, v in enumerate(self.model.optimizer.variables)})

            store.save(epoch + 1, write)

    return RunCheckpoint()


class Run:
    """One run folder while it trains: what a task's ``fit`` uses to train resumably."""

    def __init__(self, run_dir: Path, resumed: bool = False):
        self.run_dir = Path(run_dir)
        self.resumed = resumed
        self.resumed_epochs: dict[str, int] = {}
        self.diverged = None
        self.checkpoints = self.run_dir / CHECKPOINTS
        self.prefix = ""
        self.callbacks: list = []  # added to every fit of this run (e.g. tuning's pruning callback)

    def sub(self, prefix: str) -> "Run":
        """The same run with phase names prefixed (``fold3/``): several trainings in one folder."""
        child = copy.copy(self)
        child.prefix = self.prefix + prefix
        return child

    # ---- the epoch log: history.csv survives interruptions ----
    def epoch_end(self, phase: str, epoch: int, logs: dict) -> None:
        """Record epoch ``epoch`` (0-based) of ``phase`` (already prefixed). Tests interrupt runs here."""
        self.checkpoints.mkdir(parents=True, exist_ok=True)
        row = json.dumps({"phase": phase, "epoch": int(epoch) + 1, **{k: float(v) for k, v in logs.items()}})
        with open(self.checkpoints / HISTORY_LOG, "a", encoding="utf-8") as f:
            f.write(row + "\n")
            f.flush()
            os.fsync(f.fileno())

    def rows(self) -> list[dict]:
        """Logged epochs, the last record of each (phase, epoch) kept, in order of phase then epoch."""
        path = self.checkpoints / HISTORY_LOG
        if not path.exists():
            return []
        latest, phases = {}, []
        for line in path.read_text(encoding="utf-8").splitlines():
            try:
                row = json.loads(line)
            except ValueError:
                continue  # a line cut short by a crash
            if row["phase"] not in phases:
                phases.append(row["phase"])
            latest[(row["phase"], row["epoch"])] = row
        return sorted(latest.values(), key=lambda r: (phases.index(r["phase"]), r["epoch"]))

    def history(self, phase: str | None = None) -> dict:
        """``{metric: [per epoch]}`` of one phase (every phase when None)."""
        rows = [r for r in self.rows() if (phase is None and r["phase"].startswith(self.prefix))
                or r["phase"] == self.prefix + str(phase)]
        keys = [k for r in rows for k in r if k not in ("phase", "epoch")]
        return {k: [r.get(k, float("nan")) for r in rows] for k in dict.fromkeys(keys)}

    # ---- training ----
    def store(self, phase: str) -> CheckpointStore:
        return CheckpointStore(self.checkpoints / (self.prefix + phase))

    def fit(self, model, *args, phase: str = "fit", callbacks=(), **kwargs) -> dict:
        """``model.fit`` with resumable checkpoints and a NaN guard; returns the phase's whole history.

        A phase finished before an interruption is not trained again: its final weights are loaded.
        """
        done = self.checkpoints / f"{self.prefix}{phase}.done.weights.h5"
        if done.exists():
            model.load_weights(done)
            return self.history(phase)
        done.parent.mkdir(parents=True, exist_ok=True)
        store = self.store(phase)
        model._initial_epoch = None
        model.fit(*args, callbacks=[*callbacks, *self.callbacks, _keras_callback(self, self.prefix + phase, store)],
                  **kwargs)
        model._initial_epoch = None
        self.check_finite(model, phase, store)
        tmp = done.with_name(f".{done.name}")
        model.save_weights(tmp)
        os.replace(tmp, done)
        return self.history(phase)

    def check_finite(self, model, phase: str, store: CheckpointStore) -> None:
        """After a diverged phase: back to the last good weights, then a clear error."""
        if self.diverged is None:
            return
        _, epoch, loss = self.diverged
        latest = store.latest()
        if latest is not None and model is not None:
            model.load_weights(latest[1] / "model.weights.h5")
        kept = f"the weights of epoch {latest[0]} were kept" if latest else "no epoch finished"
        raise Diverged(f"Training diverged in epoch {epoch} of phase {phase!r} (loss {loss}); {kept}. Lower the "
                       f"'learning_rate' (or use a schedule with warm-up) and run again.")


def _history_frame_dict(rows: list[dict]) -> dict:
    phases = list(dict.fromkeys(r["phase"] for r in rows))
    keys = [k for r in rows for k in r if k not in ("phase", "epoch")]
    out = {}
    if len(phases) > 1:
        out["phase"] = [r["phase"] for r in rows]
    out["epoch"] = [r["epoch"] for r in rows]
    for k in dict.fromkeys(keys):
        out[k] = [r.get(k, float("nan")) for r in rows]
    return out


def open_run(task, data, output_dir, resume: bool) -> tuple[Run, dict]:
    """The run folder for ``task``: an unfinished one of the same configuration, or a new one."""
    config = {**task.config, **task.describe(data)}
    key = rundir.fingerprint(task.application, task.config)
    base = Path(output_dir if output_dir is not None else rundir.DEFAULT_OUTPUT_DIR) / task.application
    found = rundir.find_unfinished(base, key) if resume else None
    if found is not None:
        run_dir, resumed = found, True
    else:
        run_dir, resumed = rundir.make_run_dir(output_dir, task.application, *task.run_name(data)), False
    rundir.set_status(run_dir, "running", fingerprint=key)
    rundir.save_config(run_dir, task.application, config)
    return Run(run_dir, resumed), config


def run(task, output_dir=None, resume: bool = True, publish: str | None = None, force: bool = False,
        publish_kwargs: dict | None = None) -> TrainResult:
    """Check, seed, load, open the run folder, build, fit, evaluate, save, and optionally publish.

    Re-running an interrupted configuration (same arguments, same backend) continues its unfinished
    run folder from the last finished epoch; ``resume=False`` always starts a new folder.
    ``publish`` copies the finished model to ``saved_models/<publish>`` (see zoo.core.publish).
    """
    import keras

    from zoo.backend import apply_thread_defaults

    apply_thread_defaults()
    task.check()
    rundir.check_output_dir(output_dir, task.owner)
    if publish is not None:
        from zoo.core.publish import check_name

        check_name(publish)
    keras.utils.set_random_seed(task.seed)
    data = task.load_data()
    run_, config = open_run(task, data, output_dir, resume)
    try:
        keras.utils.set_random_seed(task.seed)
        with task.runtime():
            model = task.build(data)
            start = time.perf_counter()
            model, history, info = task.fit(model, data, run_)
            wall = time.perf_counter() - start
        metrics = task.evaluate(model, data, run_dir=run_.run_dir)
        metrics.setdefault("train_wall_time_s", wall)
        metrics.update(info)
        if run_.resumed:
            metrics["resumed"] = True
        task.save(model, run_.run_dir)
        rows = run_.rows()
        if rows:
            rundir.save_history(run_.run_dir, _history_frame_dict(rows))
            plot_learning_curves(history or run_.history(), run_.run_dir / "learning_curves.png")
        write_json(run_.run_dir / "metrics.json", metrics)
    except Diverged:
        rundir.set_status(run_.run_dir, "failed", error="diverged")
        raise
    except BaseException as err:
        rundir.set_status(run_.run_dir, "interrupted", error=type(err).__name__)
        raise
    shutil.rmtree(run_.checkpoints, ignore_errors=True)
    rundir.set_status(run_.run_dir, "complete")
    result = TrainResult(model, history, metrics, run_.run_dir)
    if publish is not None:
        from zoo.core.publish import publish as publish_run

        publish_run(run_.run_dir, publish, task=task, force=force, **(publish_kwargs or {}))
    return result
