"""Optuna studies over any task: sample settings, train on the training split, score on validation
data, prune poor trials epoch by epoch, then retrain the best settings with the run core.

The study lives in a storage that survives a crash (by default ``study.db``, SQLite, in the study
folder): running the same command again continues it, every finished trial kept. Several
processes given one ``storage`` URL and ``study_name`` share the study (Optuna's distributed
optimisation), e.g. ``--storage postgresql://user@host/db``.
"""

from __future__ import annotations

import dataclasses
import math
import shutil
import time
import warnings
from pathlib import Path

from zoo.core import rundir
from zoo.core.io import write_json
from zoo.core.runner import Run, run
from zoo.core.spaces import apply, check_names, parse_space
from zoo.errors import (
    ZooNotImplementedError,
    ZooRuntimeError,
    ZooValueError,
    check_int,
    check_number,
)
from zoo.tasks import TASKS, task_class

SAMPLERS = ("tpe", "random", "grid", "cmaes")
PRUNERS = ("hyperband", "median", None)
FINISHED = ("COMPLETE", "PRUNED")


@dataclasses.dataclass
class TuneResult:
    """What ``tune`` returns: the study, the best settings and their validation score, the retrained run."""

    study: object
    best_params: dict
    best_value: float
    counts: dict
    study_dir: Path
    result: object = None  # the TrainResult of the retrained best configuration (test metrics inside)

    def __repr__(self) -> str:
        return (f"TuneResult(best_value={self.best_value:.4g}, best_params={self.best_params}, counts={self.counts}, "
                f"study_dir='{self.study_dir}')")


def make_sampler(name, seed: int, dims):
    import optuna

    if name not in SAMPLERS:
        raise ZooValueError(f"The 'sampler' parameter of tune must be one of {list(SAMPLERS)}. Got {name!r}.")
    if name == "tpe":
        return optuna.samplers.TPESampler(seed=seed)
    if name == "random":
        return optuna.samplers.RandomSampler(seed=seed)
    if name == "cmaes":
        return optuna.samplers.CmaEsSampler(seed=seed, warn_independent_sampling=False)
    ranges = [d.name for d in dims if d.choices is None]
    if ranges:
        raise ZooValueError(f"sampler='grid' needs a list of choices for every setting; {ranges} are ranges. Give "
                         f"lists (e.g. 'learning_rate': [1e-3, 3e-3]) or another sampler.")
    from zoo.core.spaces import _label

    return optuna.samplers.GridSampler({d.name: [_label(c) for c in d.choices] for d in dims}, seed=seed)


def make_pruner(name, max_epochs: int):
    import optuna

    if name not in PRUNERS:
        raise ZooValueError(f"The 'pruner' parameter of tune must be one of {list(PRUNERS)}. Got {name!r}.")
    if name == "hyperband":
        return optuna.pruners.HyperbandPruner(min_resource=1, max_resource=max(1, max_epochs), reduction_factor=3)
    if name == "median":
        return optuna.pruners.MedianPruner(n_startup_trials=3, n_warmup_steps=1)
    return optuna.pruners.NopPruner()


def pruning_callback(trial, monitor: str):
    """Report ``monitor`` after every epoch (steps count across a run's phases); stop a trial the pruner drops."""
    import keras
    import optuna

    class OptunaPruning(keras.callbacks.Callback):
        step = 0

        def on_epoch_end(self, epoch, logs=None):
            value = (logs or {}).get(monitor)
            if value is None or not math.isfinite(float(value)):
                return
            trial.report(float(value), step=OptunaPruning.step)
            OptunaPruning.step += 1
            if trial.should_prune():
                raise optuna.TrialPruned(f"pruned after {OptunaPruning.step} epoch(s): {monitor}={float(value):.4f}")

    return OptunaPruning()


def _progress(n_trials: int, direction: str):
    def report(study, trial):
        state = trial.state.name.lower()
        value = "" if trial.value is None else f"value {trial.value:.4f}  "
        try:
            best = f"best {study.best_value:.4f} (#{study.best_trial.number})"
        except ValueError:
            best = "best -"
        params = ", ".join(f"{k}={v:.3g}" if isinstance(v, float) else f"{k}={v}" for k, v in trial.params.items())
        finished = sum(t.state.name in FINISHED for t in study.trials)
        print(f"[trial {trial.number:>3}] {state:<8} {value}{best}  ({finished}/{n_trials} finished)  {params}",
              flush=True)

    return report


def _counts(study) -> dict:
    counts = {}
    for t in study.trials:
        counts[t.state.name.lower()] = counts.get(t.state.name.lower(), 0) + 1
    return counts


def _write_plots(study, folder: Path) -> list[str]:
    """Optuna's optimisation history, parameter importances and parallel coordinates, as PNG."""
    from zoo.core.plots import pyplot

    plt = pyplot()
    from optuna.visualization import matplotlib as ov

    written = []
    for name, fn in (("optimization_history", ov.plot_optimization_history),
                     ("param_importances", ov.plot_param_importances),
                     ("parallel_coordinate", ov.plot_parallel_coordinate)):
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # Optuna marks its matplotlib plots experimental
                ax = fn(study)
            fig = (ax[0] if hasattr(ax, "__len__") else ax).figure
            fig.set_size_inches(9, 5)
            fig.tight_layout()
            fig.savefig(folder / f"{name}.png", dpi=100)
            plt.close(fig)
            written.append(f"{name}.png")
        except (ValueError, RuntimeError, ZeroDivisionError):
            continue  # e.g. importances need two finished trials that differ
    return written


def tune(application: str, search_space: dict | None = None, n_trials: int = 20, timeout: float | None = None,
         sampler: str = "tpe", pruner: str | None = "hyperband", storage: str | None = None,
         study_name: str | None = None, seed: int = 0, n_jobs: int = 1, output_dir=None, retrain: bool = True,
         progress: bool = True, **config) -> TuneResult:
    """Search ``application``'s settings with Optuna, scoring each trial on validation data only.

    Args:
        application: ``"image_classification"``, ``"sentiment"``, ``"forecasting"`` or ``"embeddings"``
            (Word2Vec, scored by a sentiment probe's validation accuracy: ``zoo.text.word2vec_probe``).
        search_space: ``{setting: range or choices}`` (see ``zoo.core.spaces``); default: the task's
            training settings plus its model's widths, depths and dropout.
        n_trials: finished (complete or pruned) trials the study should reach; a resumed study
            runs only the missing ones.
        timeout: stop starting trials after this many seconds.
        sampler: ``"tpe"``, ``"random"``, ``"grid"`` (lists only) or ``"cmaes"``.
        pruner: ``"hyperband"``, ``"median"`` or None; trials report the validation metric after every epoch.
        storage: an Optuna storage URL (``sqlite:///...``, ``postgresql://...``); default: ``study.db``
            in the study folder. Workers sharing a storage and ``study_name`` share the study.
        progress: print a line per finished trial and a summary.
        retrain: train the best settings on training + validation data with the run core
            (an ordinary run folder, with ``study.json`` and the plots) and score it once on test.
        **config: the task's settings (``model``, ``dataset``, ``epochs``...), as for ``train``.

    Returns:
        TuneResult (study, best params and validation value, trial counts, study folder, the retrained run).

    Example:
        >>> from zoo.tuning import tune
        >>> tune("image_classification", model="lenet5", dataset="mnist", epochs=5, limit=5000, n_trials=20)
    """
    import optuna

    owner = "tune"
    if application not in TASKS:
        raise ZooValueError(f"The 'application' parameter of tune must be one of {list(TASKS)}. Got {application!r}.")
    cls = task_class(application)
    task = cls(**{**cls.tuning_defaults, **config})
    task.caller = owner
    if cls.objective is None:
        raise ZooNotImplementedError(f"The {application} task has no validation metric to tune on yet; tunable: "
                                  f"{[a for a in TASKS if task_class(a).objective]}.")
    task.check()
    check_int(n_trials, "n_trials", owner)
    check_int(n_jobs, "n_jobs", owner)
    if timeout is not None:
        check_number(timeout, "timeout", owner, low=0.0)
    rundir.check_output_dir(output_dir, owner)
    space = dict(task.search_space()) if search_space is None else search_space
    if search_space is None and not space:
        raise ZooValueError(f"{application} model {config.get('model')!r} has no default search space (nothing to "
                         f"tune); pass search_space={{...}}.")
    dims = parse_space(space, owner)
    check_names(dims, cls.settings(task.config), owner)
    max_epochs = int(task.config.get("epochs") or 1) * int(task.config.get("ensemble") or 1)
    pruner_ = make_pruner(pruner, max_epochs)

    key = rundir.fingerprint(application, {**task.config, "search_space": space, "sampler": sampler})
    model = task.config.get("model", task.config.get("base"))
    name = study_name or f"{application}-{rundir.slug(model if isinstance(model, str) else type(model).__name__)}-{key}"
    study_dir = Path(output_dir if output_dir is not None else rundir.DEFAULT_OUTPUT_DIR) / "tuning" / rundir.slug(name)
    study_dir.mkdir(parents=True, exist_ok=True)
    # Heartbeats let a restarted or second worker see that a killed process's trial is dead.
    url = f"sqlite:///{study_dir.resolve() / 'study.db'}" if storage is None else storage
    if isinstance(url, str):
        if "://" not in url:
            raise ZooValueError(f"The 'storage' parameter of tune must be a database URL such as "
                             f"'sqlite:///study.db' or 'postgresql://user@host/db'. Got {url!r}.")
        for attempt in range(5):  # workers starting together may race to create the tables
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore", optuna.exceptions.ExperimentalWarning)
                    storage = optuna.storages.RDBStorage(url, heartbeat_interval=15, grace_period=60)
                break
            except Exception:  # noqa: BLE001  (sqlalchemy's IntegrityError/ProgrammingError on the race)
                if attempt == 4:
                    raise
                time.sleep(0.5 + attempt)
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    # Seeded by how far the study got: a resumed random search does not replay its first trials.
    probe = optuna.load_study(study_name=name, storage=storage) if _exists(name, storage) else None
    done = sum(t.state.name in FINISHED for t in probe.trials) if probe else 0
    study = optuna.create_study(study_name=name, storage=storage, load_if_exists=True,
                                direction=cls.objective_direction, sampler=make_sampler(sampler, seed + done, dims),
                                pruner=pruner_)
    study.set_user_attr("application", application)
    data = task.load_data()

    def objective(trial):
        params = {d.name: d.suggest(trial) for d in dims}
        quiet = {"verbose": 0} if "verbose" in task.config else {}
        trial_task = cls(**apply({**task.config, **quiet}, params))
        trial_task.caller = owner
        trial_task.check()
        import keras

        keras.utils.set_random_seed(task.seed)
        folder = study_dir / "trials" / f"trial-{trial.number:04d}"
        trial_run = Run(folder)
        trial_run.callbacks.append(pruning_callback(trial, cls.objective))
        try:
            value = trial_task.validation_score(data, trial_run)
        except FloatingPointError as err:  # diverged (e.g. too high a learning rate): a poor trial, not a failure
            raise optuna.TrialPruned(f"diverged: {err}") from None
        finally:
            shutil.rmtree(folder, ignore_errors=True)  # scratch: only the study keeps what a trial found
        if not math.isfinite(value):
            raise optuna.TrialPruned(f"{cls.objective} was not finite")
        return value

    remaining = max(0, n_trials - done)
    start = time.perf_counter()
    if remaining:
        callbacks = [optuna.study.MaxTrialsCallback(n_trials, states=tuple(
            getattr(optuna.trial.TrialState, s) for s in FINISHED))]
        if progress:
            callbacks.append(_progress(n_trials, cls.objective_direction))
        study.optimize(objective, n_trials=remaining, timeout=timeout, n_jobs=n_jobs, callbacks=callbacks)
    wall = time.perf_counter() - start
    counts = _counts(study)
    if not counts.get("complete"):
        raise ZooRuntimeError(f"No trial of study {name!r} completed ({counts}); nothing to retrain. Widen the "
                           f"search space, use more epochs, or a gentler pruner (pruner='median' or None).")
    best_params = {d.name: d.decode(study.best_params[d.name]) for d in dims if d.name in study.best_params}
    summary = {
        "study_name": name, "application": application, "direction": cls.objective_direction,
        "objective": f"validation {cls.objective}", "sampler": sampler, "pruner": pruner, "seed": seed,
        "n_trials": n_trials, "counts": counts, "search_space": {k: list(v) if isinstance(v, tuple) else v
                                                                  for k, v in dict(space).items()},
        "best_value": study.best_value, "best_trial": study.best_trial.number, "best_params": best_params,
        "base_config": task.config, "wall_time_s_this_process": wall,
        "trials": [{"number": t.number, "state": t.state.name.lower(), "value": t.value, "params": t.params,
                    "epochs_reported": len(t.intermediate_values),
                    "seconds": (t.datetime_complete - t.datetime_start).total_seconds()
                    if t.datetime_complete and t.datetime_start else None} for t in study.trials],
    }
    write_json(study_dir / "study.json", summary)
    plots = _write_plots(study, study_dir)
    result = None
    if retrain:
        final = apply(task.config, best_params)
        if "validation_split" in final:
            final["validation_split"] = 0.0  # the best settings learn from training + validation data
        if "patience" in final:
            final["patience"] = None  # no validation data left to stop on
        best_task = cls(**final)
        best_task.caller = owner
        result = run(best_task, output_dir=output_dir)
        write_json(result.run_dir / "study.json", {**summary, "test_metrics_of_retrained": {
            k: v for k, v in result.metrics.items() if isinstance(v, (int, float))}})
        for plot in plots:
            shutil.copyfile(study_dir / plot, result.run_dir / plot)
    if progress:
        print(f"study {name}: {counts}; best validation {cls.objective} {study.best_value:.4f} with {best_params}"
              + (f"; retrained: {result.run_dir}" if result else ""), flush=True)
    return TuneResult(study, best_params, float(study.best_value), counts, study_dir, result)


def _exists(name: str, storage) -> bool:
    import optuna

    try:
        return name in [s.study_name for s in optuna.get_all_study_summaries(storage)]
    except Exception:  # noqa: BLE001  (a fresh storage without tables)
        return False
