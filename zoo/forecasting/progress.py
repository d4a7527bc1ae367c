"""Progress lines while forecasters work: ``series_progress(label)`` turns them on (backtests do when verbose).

Local forecasters print ``label fit 120/359 series  14s  (about 28s left)`` and deep ones
``label epoch 3/20  loss ...``, at most every ``EVERY_S`` seconds, so quick work prints none.
"""

from __future__ import annotations

import contextlib
import contextvars

EVERY_S = 10.0
_LABEL = contextvars.ContextVar("zoo_series_progress", default=None)


@contextlib.contextmanager
def series_progress(label: str):
    """Within this block, forecasters report their progress under ``label``."""
    token = _LABEL.set(label)
    try:
        yield
    finally:
        _LABEL.reset(token)


def label() -> str | None:
    """The label of the enclosing ``series_progress`` block, or None (silent)."""
    return _LABEL.get()
