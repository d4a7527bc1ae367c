"""Error types shared across the zoo; every message names the argument and the fix."""


class ZooError(Exception):
    """Base class of the zoo's own errors."""


class BackendError(ZooError, RuntimeError):
    """A backend was asked for that cannot be used in this process."""


class NotFittedError(ZooError, ValueError):
    """``predict`` or ``backtest`` was called before ``fit``."""


class DataNotFoundError(ZooError, FileNotFoundError):
    """A dataset file is neither on disk nor downloadable."""


class ChecksumError(ZooError, ValueError):
    """A downloaded file does not have the sha256 the manifest promises."""


class UnsafeArchiveError(ZooError, ValueError):
    """An archive member would land outside the extraction folder."""


def check_choice(value, choices, name, owner):
    """Raise a uniform ValueError unless ``value`` is one of ``choices``."""
    if value not in choices:
        raise ZooValueError(
            f"The '{name}' parameter of {owner} must be one of {sorted(choices)}. "
            f"Got {value!r} instead."
        )
    return value


def check_int(value, name, owner, minimum=1):
    """Raise a uniform ValueError unless ``value`` is an int >= ``minimum`` (NumPy ints count); returns an int."""
    import numbers

    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < minimum:
        raise ZooValueError(
            f"The '{name}' parameter of {owner} must be an int in the range "
            f"[{minimum}, inf). Got {value!r} instead."
        )
    return int(value)


def check_number(value, name, owner, low=0.0, high=None, low_open=True, high_open=True):
    """Raise a uniform ValueError unless ``value`` is a real number in the given range; returns a float."""
    import numbers

    ok = isinstance(value, numbers.Real) and not isinstance(value, bool) and value == value
    if ok and low is not None:
        ok = value > low if low_open else value >= low
    if ok and high is not None:
        ok = value < high if high_open else value <= high
    if not ok:
        left = ("(" if low_open else "[") + ("-inf" if low is None else f"{low:g}")
        right = ("inf" if high is None else f"{high:g}") + (")" if high_open or high is None else "]")
        raise ZooValueError(f"The '{name}' parameter of {owner} must be a number in {left}, {right}. Got {value!r} instead.")
    return float(value)


def check_mapping(value, name, owner):
    """Raise a ZooTypeError unless ``value`` is None or a dict (e.g. ``model_kwargs``); returns a dict."""
    if value is not None and not isinstance(value, dict):
        raise ZooTypeError(f"The '{name}' parameter of {owner} must be a dict of keyword arguments, e.g. "
                           f"{{'dropout': 0.2}}, or None. Got {value!r}.")
    return dict(value or {})


def check_kwargs(fn, kwargs, owner):
    """Raise a ZooTypeError naming any of ``kwargs`` that ``fn`` does not accept, with the closest
    accepted name (Python's own error suggests nothing and, for a builder, names no model)."""
    import difflib
    import inspect

    params = inspect.signature(fn).parameters
    if any(p.kind is inspect.Parameter.VAR_KEYWORD for p in params.values()):
        return
    accepted = [n for n, p in params.items() if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)]
    for key in kwargs:
        if key not in accepted:
            close = difflib.get_close_matches(str(key), accepted, n=1)
            hint = f" Did you mean {close[0]!r}?" if close else ""
            raise ZooTypeError(f"{owner} has no argument {key!r}.{hint} It accepts: {', '.join(accepted)}.")


def missing_extra(package, extra):
    """An ImportError that names the extra to install."""
    return ImportError(
        f"This feature needs the optional package '{package}'. "
        f"Install it with: pip install 'zoo[{extra}]'"
    )


class ExportError(ZooError, RuntimeError):
    """A model cannot be exported to the asked format, or the artifact does not match Keras."""


# The zoo's versions of the built-in errors: ``except ValueError`` still catches a bad argument,
# and ``except ZooError`` catches everything the zoo itself refused.
class ZooValueError(ZooError, ValueError):
    """A bad argument or input value."""


class ZooTypeError(ZooError, TypeError):
    """An argument of the wrong type."""


class ZooKeyError(ZooError, KeyError):
    """An unknown name (model, dataset, setting)."""

    def __str__(self) -> str:  # KeyError would show the message quoted, as a repr
        return str(self.args[0]) if self.args else ""


class ZooFileNotFoundError(ZooError, FileNotFoundError):
    """A file or folder the user named does not exist."""


class ZooFileExistsError(ZooError, FileExistsError):
    """A file would be replaced that the zoo must not replace."""


class ZooPermissionError(ZooError, PermissionError):
    """A folder the zoo must write to is not writable."""


class ZooRuntimeError(ZooError, RuntimeError):
    """An operation that cannot go on in this state (e.g. no trial of a study completed)."""


class ZooNotImplementedError(ZooError, NotImplementedError):
    """Something the zoo does not do (yet) for this input; the message says what does."""
