"""The Task interface: the few steps in which applications differ.

A task (KerasHub's ``Task`` in spirit: it owns the model's preprocessing and head, while the run
loop owns everything else) is built from one resolved configuration and implements::

    check()                        every argument check, before any data is read
    load_data() -> data            the dataset, split into train / validation / test
    describe(data) -> dict         what the config should record of the data (name, classes, sizes)
    build(data) -> model           the untrained model (raw inputs in: preprocessing inside)
    fit(model, data, run)          training through ``run.fit`` (checkpoints, resume, NaN guard);
                                   returns (model, history, info)
    evaluate(model, data, run_dir) test-set metrics (and plots into ``run_dir``)
    predict(model, inputs)         what a user gets for raw inputs
    save(model, run_dir) / load(run_dir)   the model file(s) of a run folder
    sample_inputs(data)            a few raw inputs: reference outputs on model cards, and tests
    card(model, data, metrics)     task-specific fields of the model card
    search_space() / validation_score(data, run)   what ``zoo.tuning`` searches and optimises

``zoo.core.runner.run(task)`` calls them in that order and alone writes the run folder.
"""

from __future__ import annotations

from pathlib import Path

from zoo.core.io import save_model
from zoo.errors import ZooNotImplementedError, ZooTypeError


class Task:
    application = "task"
    primary_metric = "accuracy"   # what publishing compares; higher is better unless lower_is_better
    lower_is_better = False
    reference_count = 8           # inputs whose outputs a published card records (tests replay them)
    objective = None              # the validation metric tuning optimises (never a test metric)
    objective_direction = "maximize"
    tuning_defaults: dict = {}    # settings tuning adds unless given (e.g. the embeddings' probe set)

    def __init__(self, **config):
        defaults = self.defaults(config)
        unknown = set(config) - set(defaults) if defaults else set()
        if unknown:
            raise ZooTypeError(f"Unknown setting(s) {sorted(unknown)} for the {self.application} task; "
                            f"it accepts {sorted(defaults)}.")
        self.config = self.resolve({**defaults, **config})
        self.caller = None  # the public function that made this task, for error messages

    def __getattr__(self, name):
        # Settings read as attributes (task.epochs); only for keys of the configuration.
        config = self.__dict__.get("config", {})
        if name in config:
            return config[name]
        raise AttributeError(f"{type(self).__name__} has no attribute or setting {name!r}")

    @classmethod
    def defaults(cls, config: dict) -> dict:
        """Every setting this task accepts, with its default (``{}``: accept anything)."""
        return {}

    def resolve(self, config: dict) -> dict:
        """The configuration with defaults that depend on other settings filled in."""
        return config

    @classmethod
    def settings(cls, config: dict) -> tuple:
        """The setting names this task accepts (for ``from_config``)."""
        return tuple(cls.defaults(config) or config)

    @classmethod
    def from_config(cls, config: dict) -> "Task":
        """The task of a run folder's ``config.json`` (its extra records dropped)."""
        known = cls.settings(config)
        return cls(**{k: v for k, v in config.items() if k in known})

    @property
    def owner(self) -> str:
        return self.caller or f"{self.application}.train"

    @property
    def seed(self) -> int:
        return int(self.config.get("seed", 0) or 0)

    def runtime(self):
        """The context training runs in: dtype policy and distribution (``zoo.core.runtime``)."""
        from zoo.core.runtime import runtime

        c = self.config
        return runtime(c.get("precision", "fp32"), c.get("distribution"), c.get("dtype_policy"))

    # ---- the steps ----
    def check(self) -> None:
        """Raise a clear error for any bad setting, before data is read or a folder is made."""

    def load_data(self):
        raise NotImplementedError

    def describe(self, data) -> dict:
        return {}

    def run_name(self, data) -> list[str]:
        return [str(self.config.get("model", "model")), getattr(data, "name", "data")]

    def build(self, data):
        raise NotImplementedError

    def fit(self, model, data, run):
        raise NotImplementedError

    def evaluate(self, model, data, run_dir=None) -> dict:
        raise NotImplementedError

    def predict(self, model, inputs, **kwargs):
        raise NotImplementedError

    def save(self, model, run_dir: Path) -> None:
        save_model(model, Path(run_dir) / "model.keras")

    def load(self, run_dir: Path):
        from zoo import saved_models

        return saved_models.load(Path(run_dir) / "model.keras")[0]

    def sample_inputs(self, data):
        raise NotImplementedError

    def card(self, model, run_dir: Path, config: dict, metrics: dict) -> dict:
        return {}

    # ---- tuning (zoo.tuning) ----
    def search_space(self) -> dict:
        """The default search space (``zoo.tuning.spaces`` format) of this task's settings and model."""
        return {}

    def validation_score(self, data, run) -> float:
        """Train on the training split and score ``objective`` on validation data only."""
        raise ZooNotImplementedError(f"The {self.application} task has no validation metric to tune on yet.")
