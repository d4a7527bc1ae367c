"""Optimizers and learning-rate schedules that the Keras tasks share."""

from __future__ import annotations

from zoo.errors import check_choice

SCHEDULES = ("cosine", "onecycle", "step", "constant")
OPTIMIZERS = ("adam", "adamw", "sgd")


def make_schedule(schedule, learning_rate, steps, warmup_fraction=0.05):
    """A learning-rate schedule over ``steps`` optimizer steps.

    ``cosine``: a short linear warm-up (``warmup_fraction``), then cosine decay to 0.
    ``onecycle``: from ``learning_rate / 25`` up to ``learning_rate`` over the first 30% of the
    steps, then cosine down to ``learning_rate / 1e4`` (Smith & Topin 2019's shape).
    ``step``: ``learning_rate``, divided by 10 after 50% and again after 75% of the steps (He et al.
    2016's CIFAR-10 schedule: 0.1, 0.01 at 32k, 0.001 at 48k of 64k iterations).
    ``constant``: ``learning_rate`` throughout.
    """
    import keras

    check_choice(schedule, SCHEDULES, "schedule", "make_schedule")
    if schedule == "constant":
        return learning_rate
    if schedule == "step":
        boundaries = [max(1, int(steps * 0.5)), max(2, int(steps * 0.75))]
        return keras.optimizers.schedules.PiecewiseConstantDecay(
            boundaries, [learning_rate, learning_rate / 10, learning_rate / 100])
    if schedule == "cosine":
        warmup = max(1, int(steps * warmup_fraction))
        return keras.optimizers.schedules.CosineDecay(
            0.0, max(1, steps - warmup), warmup_target=learning_rate, warmup_steps=warmup)
    warmup = max(1, int(0.3 * steps))
    return keras.optimizers.schedules.CosineDecay(
        learning_rate / 25.0, max(1, steps - warmup), alpha=4e-4, warmup_target=learning_rate, warmup_steps=warmup)


def make_optimizer(optimizer, lr, weight_decay=0.0, momentum=0.9):
    """Adam, AdamW (decoupled weight decay) or SGD with Nesterov momentum (and decoupled weight decay)."""
    import keras

    check_choice(optimizer, OPTIMIZERS, "optimizer", "make_optimizer")
    if optimizer == "sgd":
        return keras.optimizers.SGD(lr, momentum=momentum, nesterov=True, weight_decay=weight_decay or None)
    if optimizer == "adamw" or weight_decay:
        return keras.optimizers.AdamW(lr, weight_decay=weight_decay or 0.004)
    return keras.optimizers.Adam(lr)
