"""Numeric precision and data parallelism: set around a run by the run loop, restored after it.

``precision``: ``"fp32"`` (default), ``"bf16"`` (Keras' ``mixed_bfloat16`` policy: bfloat16
compute, float32 weights) or ``"fp16"`` (``mixed_float16``; Keras wraps the optimizer in a loss
scaler). ``distribution="data_parallel"``: Keras' distribution API (``DataParallel`` over every
device of the backend: each batch is split across them, the weights are replicated), which
Keras implements for the jax backend only.
"""

from __future__ import annotations

import contextlib

from zoo.errors import BackendError, ZooValueError, check_choice

PRECISIONS = {"fp32": "float32", "bf16": "mixed_bfloat16", "fp16": "mixed_float16"}
DISTRIBUTIONS = (None, "data_parallel")
RUNTIME_DEFAULTS = {"precision": "fp32", "distribution": None}


def check_runtime(precision, distribution, owner: str) -> None:
    """Clear errors for an unknown precision or distribution, or a backend that cannot distribute."""
    check_choice(precision, tuple(PRECISIONS), "precision", owner)
    if distribution not in DISTRIBUTIONS:
        raise ZooValueError(f"The 'distribution' parameter of {owner} must be None or 'data_parallel'. "
                         f"Got {distribution!r} instead.")
    if distribution is not None:
        import keras

        if keras.backend.backend() != "jax":
            raise BackendError(f"distribution={distribution!r} ({owner}) uses Keras' distribution API, which runs on "
                               f"the jax backend only; got {keras.backend.backend()}. Run with KERAS_BACKEND=jax "
                               f"(or --backend jax), or leave distribution=None.")


@contextlib.contextmanager
def runtime(precision: str = "fp32", distribution: str | None = None, policy: str | None = None):
    """Within: Keras' global dtype policy (``policy``, else the one of ``precision``) and the
    ``distribution``; both restored after."""
    import keras

    old_policy, old_distribution = keras.config.dtype_policy(), None
    if distribution is not None:
        old_distribution = keras.distribution.distribution()
        devices = keras.distribution.list_devices()
        keras.distribution.set_distribution(keras.distribution.DataParallel(devices=devices))
    keras.config.set_dtype_policy(policy or PRECISIONS[precision])
    try:
        yield
    finally:
        keras.config.set_dtype_policy(old_policy)
        if distribution is not None:
            keras.distribution.set_distribution(old_distribution)
