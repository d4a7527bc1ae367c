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
    """Raise a uniform ValueError unless ``value`` is an int >= ``minimum``."""
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise ValueError(
            f"The '{name}' parameter of {owner} must be an int in the range "
            f"[{minimum}, inf). Got {value!r} instead."
        )
    return value


def missing_extra(package, extra):
    """An ImportError that names the extra to install."""
    return ImportError(
        f"This feature needs the optional package '{package}'. "
        f"Install it with: pip install 'zoo[{extra}]'"
    )
