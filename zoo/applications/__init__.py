"""Application pipelines that join a dataset, a model, training and evaluation.

Each application module exposes ``train(...)`` (plus its own ``evaluate``/``predict``...),
and ``zoo train <application>`` on the command line mirrors it.
"""

from __future__ import annotations

import difflib
import importlib

from zoo.errors import ZooKeyError
from zoo.tasks import TASKS

# One facade module per task, named after its application.
APPLICATIONS = {name: f"zoo.applications.{name}" for name in TASKS}


def get_application(name: str):
    """Import and return the application module called ``name``."""
    if name not in APPLICATIONS:
        close = difflib.get_close_matches(name, list(APPLICATIONS), n=3, cutoff=0.4)
        hint = f" Did you mean: {', '.join(close)}?" if close else ""
        raise ZooKeyError(f"Unknown application {name!r}.{hint} Known: {', '.join(sorted(APPLICATIONS))}.")
    return importlib.import_module(APPLICATIONS[name])


__all__ = ["APPLICATIONS", "get_application"]
