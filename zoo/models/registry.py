"""A timm-style model registry: register builders, create them by name, list them with wildcards.

Names are unique within a task; the same short name may exist for two tasks
(``lstm`` the text classifier and ``lstm`` the forecaster). Ask for
``"forecasting/lstm"`` or pass ``task=`` to pick one.

Forecasters are entries too (:func:`register_forecaster`): an entry's ``forecaster`` names the
class that ``zoo.forecasting.create_forecaster`` makes, imported only when used.
"""

from __future__ import annotations

import dataclasses
import difflib
import fnmatch
import importlib
from typing import Callable

from zoo.errors import ZooKeyError, ZooValueError, check_kwargs

TASKS = ("image", "text", "sequence", "forecasting", "embedding")


@dataclasses.dataclass(frozen=True)
class ModelEntry:
    """What the registry knows of one builder."""

    name: str
    task: str
    builder: Callable
    reference: str
    description: str
    # ("module:Class", default keyword arguments) of the forecaster behind a "forecasting" entry.
    forecaster: tuple | None = None

    @property
    def qualified_name(self) -> str:
        return f"{self.task}/{self.name}"


_REGISTRY: dict[tuple[str, str], ModelEntry] = {}


def register_model(name: str | None = None, *, task: str, reference: str = "", description: str = ""):
    """Decorator that records a builder under ``name`` (default: the function's name).

    Example:
        >>> @register_model(task="image", reference="LeCun et al. 1998")
        ... def lenet5(input_shape=(28, 28, 1), classes=10): ...
    """
    if task not in TASKS:
        raise ZooValueError(f"The 'task' parameter of register_model must be one of {list(TASKS)}. Got {task!r}.")

    def decorator(builder: Callable) -> Callable:
        key_name = name or builder.__name__
        key = (task, key_name)
        if key in _REGISTRY and _REGISTRY[key].builder is not builder:
            raise ZooValueError(f"A {task} model named {key_name!r} is already registered.")
        doc = description or ((builder.__doc__ or "").strip().splitlines() or [""])[0]
        _REGISTRY[key] = ModelEntry(key_name, task, builder, reference, doc)
        return builder

    return decorator


def register_forecaster(name: str, target: str, defaults: dict | None = None, description: str = "",
                        reference: str = "") -> ModelEntry:
    """Record the forecaster class ``target`` (``"module:Class"``, not imported here) under task ``"forecasting"``.

    A name that already has a Keras builder (``lstm``, ``nbeats``...) keeps it, so ``create_model``
    still builds the network, and gains the forecaster that trains it; any other name gets a
    builder that creates the forecaster. Entries are (re)inserted last: forecasters list in the
    order they were registered.

    Example:
        >>> register_forecaster("theta", "zoo.forecasting.ets:Theta", reference="Assimakopoulos & Nikolopoulos (2000)")
    """
    module, _, attr = str(target).partition(":")
    if not module or not attr:
        raise ZooValueError(f"The 'target' parameter of register_forecaster must be 'module:Class'. Got {target!r}.")
    spec = (target, dict(defaults or {}))
    key = ("forecasting", name)
    entry = _REGISTRY.pop(key, None)
    if entry is None:
        def build(**kwargs):
            return getattr(importlib.import_module(module), attr)(**{**spec[1], **kwargs})

        build.__name__ = build.__qualname__ = name
        build.__doc__ = f"A new {attr} forecaster; keyword arguments override {spec[1]}."
        entry = ModelEntry(name, "forecasting", build, reference, description, spec)
    else:
        entry = dataclasses.replace(entry, forecaster=spec, description=description or entry.description,
                                    reference=reference or entry.reference)
    _REGISTRY[key] = entry
    return entry


# Modules whose import registers builders. Each application adds its own here.
_MODEL_MODULES = (
    "zoo.models.mlp",
    "zoo.models.lenet",
    "zoo.models.alexnet",
    "zoo.models.vgg",
    "zoo.models.resnet",
    "zoo.models.text",
    "zoo.models.nbsvm",
    "zoo.models.word2vec",
    "zoo.models.forecasters",
)

_imported = False


def _import_all() -> None:
    global _imported
    if _imported:
        return
    _imported = True
    for module in _MODEL_MODULES:
        importlib.import_module(module)


def _load_builtin_models() -> None:
    # Importing the model modules runs their @register_model decorators.
    _import_all()


def _split(name: str, task: str | None) -> tuple[str, str | None]:
    if "/" in name:
        prefix, short = name.split("/", 1)
        if task is not None and task != prefix:
            raise ZooValueError(f"Model name {name!r} names task {prefix!r} but task={task!r} was given.")
        return short, prefix
    return name, task


def get_model_entry(name: str, task: str | None = None) -> ModelEntry:
    """The registry entry for ``name``; raises a KeyError that suggests close names."""
    _load_builtin_models()
    short, task = _split(name, task)
    if task is not None and task not in TASKS:
        raise ZooValueError(f"The 'task' parameter must be one of {list(TASKS)}. Got {task!r}.")
    matches = [e for (t, n), e in _REGISTRY.items() if n == short and (task is None or t == task)]
    if len(matches) == 1:
        return matches[0]
    if len(matches) > 1:
        options = ", ".join(sorted(e.qualified_name for e in matches))
        raise ZooKeyError(f"Model name {name!r} is registered for several tasks; ask for one of: {options}.")
    pool = [n for (t, n) in _REGISTRY if task is None or t == task]
    close = difflib.get_close_matches(short, pool, n=5, cutoff=0.5)
    where = f" for task {task!r}" if task else ""
    hint = f" Did you mean: {', '.join(close)}?" if close else ""
    raise ZooKeyError(f"Unknown model {name!r}{where}.{hint} See zoo.models.list_models() or `zoo models`.")


def create_model(name: str, /, task: str | None = None, **kwargs):
    """Build a registered model; ``kwargs`` override the builder's defaults.

    ``name`` is positional-only, so a builder may have its own ``name`` argument. The zoo's
    trained weights load with ``zoo.saved_models.load("lenet5.mnist")`` (timm-style tags, see
    ``zoo.saved_models.list_pretrained()``).

    Example:
        >>> from zoo.models import create_model
        >>> model = create_model("resnet20", classes=10)
    """
    if "." in str(name):
        raise ZooKeyError(f"create_model builds untrained architectures; {name!r} names trained weights. Load them "
                       f"with zoo.saved_models.load({name!r}).")
    from zoo.backend import patch_torch_conv

    entry = get_model_entry(name, task)
    check_kwargs(entry.builder, kwargs, f"Model {entry.qualified_name!r}")
    patch_torch_conv()  # under torch, convolutions without Keras 3.15's two input copies
    return entry.builder(**kwargs)


def list_models(pattern: str = "*", task: str | None = None) -> list[str]:
    """Registered model names matching a shell-style ``pattern``, optionally for one task."""
    _load_builtin_models()
    if task is not None and task not in TASKS:
        raise ZooValueError(f"The 'task' parameter must be one of {list(TASKS)}. Got {task!r}.")
    names = {
        n for (t, n) in _REGISTRY
        if (task is None or t == task) and (fnmatch.fnmatch(n, pattern) or fnmatch.fnmatch(f"{t}/{n}", pattern))
    }
    return sorted(names)


def list_entries(pattern: str = "*", task: str | None = None) -> list[ModelEntry]:
    """Registry entries (all tasks of each matching name), sorted by task then name."""
    _load_builtin_models()
    return sorted(
        (e for (t, n), e in _REGISTRY.items()
         if (task is None or t == task) and (fnmatch.fnmatch(n, pattern) or fnmatch.fnmatch(e.qualified_name, pattern))),
        key=lambda e: (e.task, e.name),
    )


def forecaster_entries() -> list[ModelEntry]:
    """The entries that have a forecaster (see :func:`register_forecaster`), in registration order."""
    _load_builtin_models()
    return [e for e in _REGISTRY.values() if e.forecaster is not None]
