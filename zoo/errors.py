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
        raise ValueError(
            f"The '{name}' parameter of {owner} must be one of {sorted(choices)}. "
            f"Got {value!r} instead."
        )
    return value


def check_int(value, name, owner, minimum=1):
    """Raise a uniform ValueError unless ``value`` is an int >= ``minimum`` (NumPy ints count); returns an int."""
    import numbers

    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < minimum:
        raise ValueError(
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
        raise ValueError(f"The '{name}' parameter of {owner} must be a number in {left}, {right}. Got {value!r} instead.")
    return float(value)


def missing_extra(package, extra):
    """An ImportError that names the extra to install."""
    return ImportError(
        f"This feature needs the optional package '{package}'. "
        f"Install it with: pip install 'zoo[{extra}]'"
    )


class ExportError(ZooError, RuntimeError):
    """A model cannot be exported to the asked format, or the artifact does not match Keras."""
