"""Backend selection, and the only module of the zoo that imports jax, torch or tensorflow.

Keras 3 fixes its backend the first time ``keras`` is imported, from the
``KERAS_BACKEND`` environment variable. ``set_backend`` sets that variable
before the import and refuses, with a clear error, to switch afterwards.
A test (tests/test_backend.py) fails if any other zoo module imports a
framework directly.
"""

from __future__ import annotations

import importlib
import importlib.metadata
import os
import sys

from zoo.errors import BackendError, ZooValueError

BACKENDS = ("jax", "torch", "tensorflow")
DEFAULT_BACKEND = "tensorflow"  # Keras' own default


def requested_backend() -> str:
    """The backend named by ``KERAS_BACKEND`` (Keras' default when unset)."""
    return os.environ.get("KERAS_BACKEND", DEFAULT_BACKEND)


def check_requested_backend() -> str:
    """``KERAS_BACKEND``, checked before Keras reads it (Keras' own error names no valid choice)."""
    name = requested_backend()
    if name not in BACKENDS:
        raise BackendError(f"KERAS_BACKEND={name!r} is not a backend the zoo runs on; set it to one of "
                           f"{', '.join(BACKENDS)} (or pass --backend jax|torch|tensorflow).")
    return name


def set_backend(name: str) -> str:
    """Choose the Keras backend for this process; call before Keras is imported.

    Args:
        name: one of ``"jax"``, ``"torch"``, ``"tensorflow"``.

    Returns:
        The backend name.

    Raises:
        ValueError: for an unknown backend name.
        BackendError: if Keras is already imported with another backend.
    """
    if name not in BACKENDS:
        raise ZooValueError(
            f"The 'backend' parameter must be one of {list(BACKENDS)}. Got {name!r} instead."
        )
    if "keras" in sys.modules:
        active = sys.modules["keras"].backend.backend()
        if active != name:
            raise BackendError(
                f"Cannot switch to backend {name!r}: Keras was already imported in this "
                f"process with backend {active!r}, and Keras fixes its backend at import time. "
                f"Set KERAS_BACKEND={name} (or pass --backend {name}) before anything imports "
                f"keras, or start a new process."
            )
    os.environ["KERAS_BACKEND"] = name
    return name


def active_backend() -> str:
    """The backend Keras runs on (imports Keras)."""
    import keras

    return keras.backend.backend()


def package_version(dist: str) -> str | None:
    """The installed version of distribution ``dist``, or None."""
    try:
        return importlib.metadata.version(dist)
    except importlib.metadata.PackageNotFoundError:
        return None


def versions() -> dict[str, str | None]:
    """Installed versions of Keras, the frameworks and the optional libraries."""
    names = {
        "keras": "keras",
        "jax": "jax",
        "torch": "torch",
        "tensorflow": "tensorflow",
        "keras-hub": "keras-hub",
        "statsmodels": "statsmodels",
        "prophet": "prophet",
        "optuna": "optuna",
    }
    return {label: package_version(dist) for label, dist in names.items()}


def devices() -> list[str]:
    """Devices visible to the active backend, e.g. ``["cpu:0"]``."""
    backend = active_backend()
    if backend == "jax":
        import jax

        return [f"{d.platform}:{d.id}" for d in jax.devices()]
    if backend == "torch":
        import torch

        found = ["cpu:0"]
        if torch.cuda.is_available():
            found += [f"cuda:{i}" for i in range(torch.cuda.device_count())]
        return found
    import tensorflow as tf

    return [d.name.replace("/physical_device:", "").lower() for d in tf.config.list_physical_devices()]


THREADS_ENV = "ZOO_NUM_THREADS"
_threads_applied: dict = {}


def default_threads() -> int:
    """The zoo's intra-op thread count: ``$ZOO_NUM_THREADS``, else half the usable cores (at least 1).

    On this project's 2-core machine torch's default (one thread per core) made Keras-on-torch
    training 2.5-25x slower than one thread: its OpenMP threads spin-wait whenever anything
    else (the input pipeline, another process) wants a core.
    """
    value = os.environ.get(THREADS_ENV)
    if value is not None:
        if not value.isdigit() or int(value) < 1:
            raise ZooValueError(f"{THREADS_ENV} must be a whole number >= 1. Got {value!r}; unset it for the default.")
        return int(value)
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return max(1, cores // 2)


def apply_thread_defaults() -> dict:
    """Set the active backend's threads once per process; returns what was applied, for ``zoo info``.

    torch: intra-op threads = :func:`default_threads` (left alone when ``OMP_NUM_THREADS`` is set
    and ``ZOO_NUM_THREADS`` is not: the user chose). tensorflow: its own default (a pool per core,
    which does not spin-wait) unless ``ZOO_NUM_THREADS`` is set, then that many intra-op threads;
    inter-op threads are reported. jax: XLA sizes its pool when the backend starts, before the zoo
    runs; ``XLA_FLAGS`` (e.g. ``--xla_cpu_multi_thread_eigen=false``) is reported.
    """
    if _threads_applied:
        return dict(_threads_applied)
    backend = active_backend()
    applied = {"backend": backend, "threads": None, "source": "backend default"}
    if backend == "torch":
        import torch

        applied["conv_patch"] = patch_torch_conv()
        if THREADS_ENV in os.environ or "OMP_NUM_THREADS" not in os.environ:
            torch.set_num_threads(default_threads())
            applied.update(threads=torch.get_num_threads(),
                           source=f"zoo default (${THREADS_ENV} or half the cores)")
        else:
            applied.update(threads=torch.get_num_threads(), source="OMP_NUM_THREADS")
    elif backend == "tensorflow":
        import tensorflow as tf

        threading = tf.config.threading
        if THREADS_ENV in os.environ:
            try:
                threading.set_intra_op_parallelism_threads(default_threads())
                applied["source"] = f"${THREADS_ENV}"
            except RuntimeError:  # TensorFlow's runtime had started: its pools are fixed for this process
                applied["source"] = f"TensorFlow had started before ${THREADS_ENV} could apply"
        applied.update(threads=threading.get_intra_op_parallelism_threads() or None,
                       inter_op_threads=threading.get_inter_op_parallelism_threads() or None)
    else:
        applied.update(source="XLA's pool, sized at start-up: XLA_FLAGS sets it", xla_flags=os.environ.get("XLA_FLAGS", ""))
    _threads_applied.update(applied)
    return applied


def patch_torch_conv() -> bool:
    """Under torch, let Keras' channels-last 2-D/3-D convolutions and poolings read their input in place.

    Keras 3.15's torch ``conv`` copies every channels-last input twice: to a contiguous NCHW tensor
    and straight back to channels-last memory (keras-team/keras#23279, fixed upstream by #23199;
    30% of ResNet-20's CPU inference time here); ``max_pool``/``average_pool`` copy it once. A
    permuted view of an NHWC tensor already is an NCHW tensor in channels-last memory, which torch's
    CPU kernels take as it is, so the view is handed to Keras' own function as channels-first and
    the result is permuted back: same kernels, same padding, same values, no copies. Applied once per
    process; returns whether the patch is active (False on other backends, on a Keras whose ``conv``
    no longer makes the copies, and with ``ZOO_NO_CONV_PATCH=1``: Keras' own path).
    """
    if active_backend() != "torch" or os.environ.get("ZOO_NO_CONV_PATCH") == "1":
        return False
    import inspect

    from keras.src.backend.torch import nn as torch_nn

    if getattr(torch_nn.conv, "_zoo_patched", False):
        return True
    if "channels_last_memory_format" in inspect.signature(torch_nn._transpose_spatial_inputs).parameters:
        return False  # a Keras with the upstream fix
    for name in ("conv", "max_pool", "average_pool"):
        setattr(torch_nn, name, _read_channels_last_in_place(getattr(torch_nn, name), torch_nn.convert_to_tensor))
    return True


def _read_channels_last_in_place(keras_fn, convert_to_tensor):
    """``keras_fn`` (a Keras torch op with ``inputs`` and ``data_format``) on an NCHW view of NHWC input."""
    import functools
    import inspect

    from keras.src.backend.config import standardize_data_format

    signature = inspect.signature(keras_fn)

    @functools.wraps(keras_fn)
    def in_place(*args, **kwargs):
        bound = signature.bind(*args, **kwargs)
        inputs = convert_to_tensor(bound.arguments["inputs"])
        if standardize_data_format(bound.arguments.get("data_format")) != "channels_last" or inputs.ndim not in (4, 5):
            return keras_fn(*args, **kwargs)
        last = inputs.ndim - 1  # positive axes: an exported graph (ONNX) rejects negative ones in a Transpose
        bound.arguments.update(inputs=inputs.permute(0, last, *range(1, last)), data_format="channels_first")
        return keras_fn(*bound.args, **bound.kwargs).permute(0, *range(2, last + 1), 1)

    in_place._zoo_patched = True
    return in_place


def num_threads() -> int:
    """Intra-op threads of the active backend (for benchmarks' reports)."""
    backend = active_backend()
    if backend == "torch":
        import torch

        return torch.get_num_threads()
    if backend == "tensorflow":
        import tensorflow as tf

        return tf.config.threading.get_intra_op_parallelism_threads() or os.cpu_count() or 1
    return os.cpu_count() or 1


def scatter_add(table, indices, updates):
    """``table`` with ``updates[i]`` added to row ``indices[i]`` (repeated rows add up).

    A new tensor under jax and tensorflow (XLA updates the rows in place inside a compiled loop);
    under torch the rows of ``table`` itself are updated (``index_add_``). Only the looked-up rows
    are touched, where an autodiff gradient of a lookup is a dense ``(vocab, dim)`` tensor.
    """
    backend = active_backend()
    if backend == "jax":
        return table.at[indices].add(updates)
    if backend == "torch":
        return table.index_add_(0, indices.long(), updates)
    import tensorflow as tf

    return tf.tensor_scatter_nd_add(table, tf.expand_dims(indices, -1), updates)


def compile_update(fn):
    """Compile ``fn(tables, *args) -> (tables, aux)``, an update of a tuple of tables.

    jax: ``jax.jit`` with the tables donated, so their buffers are reused; tensorflow:
    ``tf.function(jit_compile=True)`` (XLA); torch: eager under ``no_grad`` (``scatter_add``
    updates the tables in place).
    """
    backend = active_backend()
    if backend == "jax":
        import jax

        return jax.jit(fn, donate_argnums=0)
    if backend == "torch":
        import torch

        def eager(*args):
            with torch.no_grad():
                return fn(*args)

        return eager
    import tensorflow as tf

    return tf.function(fn, jit_compile=True, reduce_retracing=True)


def load_tf_saved_model(path):
    """A TensorFlow SavedModel (``tf.saved_model.load``): the runtime of ``zoo export --format tf_saved_model``.

    Works under every Keras backend; keep the returned object alive while calling its ``serve``.
    """
    import tensorflow as tf

    return tf.saved_model.load(str(path))


def import_framework(name: str):
    """Import a framework module by name (for benchmarks and native baselines)."""
    if name not in BACKENDS:
        raise ZooValueError(f"The 'name' parameter must be one of {list(BACKENDS)}. Got {name!r}.")
    return importlib.import_module(name)


def fused_rnn(cell, sequences, initial_state, mask, kernel, recurrent_kernel, bias, *, go_backwards=False,
              return_sequences=False, training=False):
    """One Keras LSTM or GRU layer's loop in torch's fused kernel, or None where it does not apply.

    Keras' torch backend runs its fused kernels only on CUDA; on the CPU it steps through time in
    Python, and with a padding mask (every text model) through its generic RNN loop: Keras-on-torch
    trained the BiLSTM 2.6x slower than the same network in native PyTorch. Here the CPU gets
    ``torch.lstm`` / ``torch.gru``, packed by sequence length when the mask is right padding. Same
    weights, outputs and states as Keras' loop: the LSTM's gate order (i, f, c, o) is torch's; the
    GRU's (z, r, h) is reordered to torch's (r, z, n), and torch's GRU is Keras' ``reset_after=True``.

    Args:
        cell: ``"lstm"`` (``initial_state`` is ``[h, c]``) or ``"gru"`` (``[h]``, ``bias`` of shape
            ``(2, 3 * units)``: input and recurrent biases).

    Returns ``(last_output, outputs, states)`` as the layers' ``inner_loop`` does, or None (the
    caller falls back to Keras): another backend, CUDA (Keras' cuDNN path), a trace or
    ``torch.compile``, a mask with returned sequences, a mask that is not right padding, or a
    sequence with no unmasked step.
    """
    if active_backend() != "torch":
        return None
    import torch
    from keras import ops

    if sequences.device.type != "cpu" or torch.jit.is_tracing() or torch.compiler.is_compiling():
        return None
    kernel, recurrent_kernel = ops.convert_to_tensor(kernel), ops.convert_to_tensor(recurrent_kernel)
    dtype = kernel.dtype
    inputs = ops.convert_to_tensor(sequences).to(dtype)
    hx = [ops.convert_to_tensor(state).to(dtype).unsqueeze(0) for state in initial_state]
    bias = None if bias is None else ops.convert_to_tensor(bias)
    if cell == "gru":  # Keras' columns z | r | h -> torch's r | z | n
        units = recurrent_kernel.shape[0]
        order = torch.cat([torch.arange(units, 2 * units), torch.arange(units), torch.arange(2 * units, 3 * units)])
        kernel, recurrent_kernel = kernel[:, order], recurrent_kernel[:, order]
        biases = [] if bias is None else [bias[0, order], bias[1, order]]
    else:
        biases = [] if bias is None else [bias, torch.zeros_like(bias)]
    params = [kernel.T.contiguous(), recurrent_kernel.T.contiguous(), *biases]
    run = torch.lstm if cell == "lstm" else torch.gru
    state_of = (lambda out: out[1:]) if cell == "lstm" else (lambda out: out[1:2])
    if mask is None:
        if go_backwards:
            inputs = torch.flip(inputs, [1])
        out = run(inputs, tuple(hx) if cell == "lstm" else hx[0], params, bool(biases), 1, 0.0, training, False, True)
        outputs, last = out[0], out[0][:, -1]
        return last, outputs if return_sequences else last.unsqueeze(1), [s[0] for s in state_of(out)]
    if return_sequences:
        return None
    mask = ops.convert_to_tensor(mask).bool()
    lengths = mask.sum(dim=1)
    steps = torch.arange(mask.shape[1], device=mask.device)
    if not bool(torch.equal(mask, steps < lengths[:, None])) or bool((lengths == 0).any()):
        return None
    if go_backwards:  # Keras reverses the padded sequence and skips the (now leading) padding
        order = (lengths[:, None] - 1 - steps).clamp(min=0)
        inputs = torch.gather(inputs, 1, order[:, :, None].expand(-1, -1, inputs.shape[2]))
    packed = torch.nn.utils.rnn.pack_padded_sequence(inputs, lengths.cpu(), batch_first=True, enforce_sorted=False)
    hx = [state[:, packed.sorted_indices] for state in hx]
    out = run(packed.data, packed.batch_sizes, tuple(hx) if cell == "lstm" else hx[0], params, bool(biases), 1, 0.0,
              training, False)
    states = [state[0, packed.unsorted_indices] for state in state_of(out)]
    return states[0], states[0].unsqueeze(1), states
