"""Search spaces: a plain dict from setting names to ranges or choices, checked before any trial runs.

A space maps a setting of the task (``learning_rate``) or of its model builder
(``model_kwargs.dropout``; dots reach into dict settings) to one of:

* ``(low, high)``: a uniform range (ints when both ends are ints);
* ``("log", low, high)``: a log-uniform range (``low > 0``);
* ``{"low": .., "high": .., "log": bool, "step": ..}``: the same, spelled out (TOML recipes);
* a list: the choices (any JSON values, e.g. ``[[64], [128, 64]]`` for layer widths).

In a TOML recipe (``[search_space]``), where arrays are lists, ``["log", low, high]`` and
``["range", low, high]`` are ranges too.

Each task has a default space (training settings) and each registered model adds one from its
builder's parameters (widths, depths, dropout), scaled around the builder's defaults.
"""

from __future__ import annotations

import dataclasses
import inspect
import json
import numbers

from zoo.errors import ZooValueError

RANGE_WORDS = ("log", "range")


@dataclasses.dataclass(frozen=True)
class Dimension:
    name: str
    low: float | int | None = None
    high: float | int | None = None
    log: bool = False
    step: float | int | None = None
    choices: tuple | None = None

    @property
    def is_int(self) -> bool:
        return self.choices is None and all(isinstance(v, numbers.Integral) and not isinstance(v, bool)
                                            for v in (self.low, self.high))

    def suggest(self, trial):
        """The trial's value (Optuna's ``suggest_*``); non-scalar choices travel as their JSON text."""
        if self.choices is not None:
            labels = [_label(c) for c in self.choices]
            picked = trial.suggest_categorical(self.name, labels)
            return self.choices[labels.index(picked)]
        if self.is_int:
            return trial.suggest_int(self.name, int(self.low), int(self.high), log=self.log, step=int(self.step or 1))
        return trial.suggest_float(self.name, float(self.low), float(self.high), log=self.log, step=self.step)

    def decode(self, value):
        """A value as Optuna stores it (``best_params``) back to the setting's value."""
        if self.choices is not None:
            labels = [_label(c) for c in self.choices]
            return self.choices[labels.index(value)] if value in labels else value
        return value


def _label(choice):
    return choice if choice is None or isinstance(choice, (bool, int, float, str)) else json.dumps(choice)


def _number(v) -> bool:
    return isinstance(v, numbers.Real) and not isinstance(v, bool)


def parse_space(space: dict, owner: str = "tune") -> list[Dimension]:
    """Check a search space and return its dimensions; a clear error names the bad entry."""
    if not isinstance(space, dict) or not space:
        raise ZooValueError(f"The 'search_space' parameter of {owner} must be a non-empty dict such as "
                         f"{{'learning_rate': ('log', 1e-4, 1e-1), 'dropout': (0.0, 0.5), 'units': [64, 128]}}. "
                         f"Got {space!r}.")
    dims = []
    for name, spec in space.items():
        where = f"search_space[{name!r}] of {owner}"
        if not isinstance(name, str) or not name:
            raise ZooValueError(f"The keys of the 'search_space' parameter of {owner} must be setting names. Got {name!r}.")
        if isinstance(spec, list) and len(spec) == 3 and spec[0] in RANGE_WORDS and all(map(_number, spec[1:])):
            spec = tuple(spec) if spec[0] == "log" else tuple(spec[1:])
        if isinstance(spec, dict):
            unknown = set(spec) - {"low", "high", "log", "step"}
            if unknown or not {"low", "high"} <= set(spec):
                raise ZooValueError(f"{where} must have 'low' and 'high' (and optionally 'log', 'step'). Got {spec!r}.")
            dim = Dimension(name, spec["low"], spec["high"], bool(spec.get("log", False)), spec.get("step"))
        elif isinstance(spec, tuple):
            log = len(spec) == 3 and spec[0] == "log"
            ends = spec[1:] if log else spec
            if len(ends) != 2 or not all(map(_number, ends)):
                raise ZooValueError(f"{where} must be (low, high), ('log', low, high) or a list of choices. Got {spec!r}.")
            dim = Dimension(name, ends[0], ends[1], log)
        elif isinstance(spec, list):
            if not spec:
                raise ZooValueError(f"{where} is an empty list of choices; give at least one value.")
            labels = [_label(c) for c in spec]
            if len(set(map(repr, labels))) != len(labels):
                raise ZooValueError(f"{where} repeats a choice: {spec!r}.")
            dims.append(Dimension(name, choices=tuple(spec)))
            continue
        else:
            raise ZooValueError(f"{where} must be (low, high), ('log', low, high), a dict with low/high or a list of "
                             f"choices. Got {spec!r}.")
        if not (_number(dim.low) and _number(dim.high)) or not dim.low < dim.high:
            raise ZooValueError(f"{where} needs numbers low < high. Got low={dim.low!r}, high={dim.high!r}.")
        if dim.log and dim.low <= 0:
            raise ZooValueError(f"{where} is log-uniform, so low must be > 0. Got {dim.low!r}.")
        dims.append(dim)
    return dims


def apply(config: dict, params: dict) -> dict:
    """``config`` with ``params`` set; ``a.b`` sets key ``b`` of the dict setting ``a`` (made if None)."""
    out = dict(config)
    for name, value in params.items():
        head, _, rest = name.partition(".")
        if rest:
            inner = out.get(head)
            if inner is not None and not isinstance(inner, dict):
                raise ZooValueError(f"The search space sets {name!r}, but the setting {head!r} is {inner!r}, not a dict.")
            out[head] = apply(dict(inner or {}), {rest: value})
        else:
            out[name] = value
    return out


def check_names(dims: list[Dimension], settings, owner: str) -> None:
    """Every dimension sets a setting the task accepts (its first part, for dotted names)."""
    known = set(settings)
    bad = [d.name for d in dims if d.name.partition(".")[0] not in known]
    if bad:
        import difflib

        hints = {b: difflib.get_close_matches(b.partition(".")[0], sorted(known), n=1) for b in bad}
        shown = ", ".join(f"{b!r}" + (f" (did you mean {h[0]!r}?)" if h else "") for b, h in hints.items())
        raise ZooValueError(f"The 'search_space' parameter of {owner} names settings the task does not have: {shown}. "
                         f"Settings: {', '.join(sorted(known))}.")


def _around(default, factors=(0.5, 1, 2)) -> list:
    return sorted({max(1, int(round(default * f))) for f in factors})


# Builder parameters with a sensible default range, as a function of the builder's default.
MODEL_PARAMETERS = {
    "units": _around,
    "num_filters": _around,
    "ff_dim": _around,
    "d_model": _around,
    "width": _around,
    "hidden_units": lambda d: [list(d), [int(d[0])], [int(d[0]) // 2], [int(d[0]) * 2, int(d[0])]] if d else None,
    "num_layers": lambda d: sorted({1, int(d), int(d) + 1}) if isinstance(d, int) and d <= 3 else None,
    "dropout": lambda d: (0.0, 0.5),
    "embedding_dropout": lambda d: (0.0, 0.3),
}


def model_space(builder, prefix: str = "model_kwargs.") -> dict:
    """A space over a model builder's width, depth and dropout parameters (those it has)."""
    space = {}
    for name, p in inspect.signature(builder).parameters.items():
        make = MODEL_PARAMETERS.get(name)
        if make is None or p.default is inspect.Parameter.empty or p.default is None:
            continue
        spec = make(p.default)
        if isinstance(spec, list):
            spec = [json.loads(c) for c in dict.fromkeys(json.dumps(c) for c in spec)]  # each choice once
        if spec is not None and (not isinstance(spec, list) or len(spec) > 1):
            space[prefix + name] = spec
    return space
