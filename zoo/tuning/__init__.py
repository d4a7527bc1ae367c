"""Hyperparameter search with Optuna over every task (``zoo tune`` on the command line).

Example:
    >>> from zoo.tuning import tune
    >>> found = tune("image_classification", model="lenet5", dataset="mnist", epochs=5, limit=5000,
    ...              n_trials=20, sampler="tpe", pruner="hyperband")
    >>> found.best_params, found.best_value, found.counts      # validation accuracy; pruned/complete counts
    >>> found.result.metrics["accuracy"]                      # the best settings retrained, scored once on test
"""

from zoo.core.spaces import apply, model_space, parse_space
from zoo.tuning.study import PRUNERS, SAMPLERS, TuneResult, pruning_callback, tune

__all__ = ["PRUNERS", "SAMPLERS", "TuneResult", "apply", "model_space", "parse_space", "pruning_callback", "tune"]
