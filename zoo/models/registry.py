"""A timm-style model registry: register builders, create them by name, list them with wildcards.

Names are unique within a task; the same short name may exist for two tasks
(``lstm`` the text classifier and ``lstm`` the forecaster). Ask for
``"forecasting/lstm"`` or pass ``task=`` to pick one.
"""

from __future__ import annotations

import dataclasses
import difflib
import fnmatch
from typing import Callable

TASKS = ("image", "text", "sequence", "forecasting", "embedding")


@dataclasses.dataclass(frozen=True)
class ModelEntry:
    """What the registry knows of one builder."""

    name: str
    task: str
    builder: Callable
    reference: str
    description: str

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
        raise ValueError(f"The 'task' parameter of register_model must be one of {list(TASKS)}. Got {task!r}.")

    def decorator(builder: Callable) -> Callable:
        key_name = name or builder.__name__
        key = (task, key_name)
        if key in _REGISTRY and _REGISTRY[key].builder is not builder:
            raise ValueError(f"A {task} model named {key_name!r} is already registered.")
        doc = description or ((builder.__doc__ or "").strip().splitlines() or [""])[0]
        _REGISTRY[key] = ModelEntry(key_name, task, builder, reference, doc)
        return builder

    return decorator


def _load_builtin_models() -> None:
    # Importing the model modules runs their @register_model decorators.
    from zoo.models import _import_all

    _import_all()


def _split(name: str, task: str | None) -> tuple[str, str | None]:
    if "/" in name:
        prefix, short = name.split("/", 1)
        if task is not None and task != prefix:
            raise ValueError(f"Model name {name!r} names task {prefix!r} but task={task!r} was given.")
        return short, prefix
    return name, task


def get_model_entry(name: str, task: str | None = None) -> ModelEntry:
    """The registry entry for ``name``; raises a KeyError that suggests close names."""
    _load_builtin_models()
    short, task = _split(name, task)
    if task is not None and task not in TASKS:
        raise ValueError(f"The 'task' parameter must be one of {list(TASKS)}. Got {task!r}.")
    matches = [e for (t, n), e in _REGISTRY.items() if n == short and (task is None or t == task)]
    if len(matches) == 1:
        return matches[0]
    if len(matches) > 1:
        options = ", ".join(sorted(e.qualified_name for e in matches))
        raise KeyError(f"Model name {name!r} is registered for several tasks; ask for one of: {options}.")
    pool = [n for (t, n) in _REGISTRY if task is None or t == task]
    close = difflib.get_close_matches(short, pool, n=5, cutoff=0.5)
    where = f" for task {task!r}" if task else ""
    hint = f" Did you mean: {', '.join(close)}?" if close else ""
    raise KeyError(f"Unknown model {name!r}{where}.{hint} See zoo.models.list_models() or `zoo models`.")


def create_model(name: str, task: str | None = None, **kwargs):
    """Build a registered model; ``kwargs`` override the builder's defaults.

    Example:
        >>> from zoo.models import create_model
        >>> model = create_model("resnet20", classes=10)
    """
    return get_model_entry(name, task).builder(**kwargs)


def list_models(pattern: str = "*", task: str | None = None) -> list[str]:
    """Registered model names matching a shell-style ``pattern``, optionally for one task."""
    _load_builtin_models()
    if task is not None and task not in TASKS:
        raise ValueError(f"The 'task' parameter must be one of {list(TASKS)}. Got {task!r}.")
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
