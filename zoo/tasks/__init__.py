"""One Task per application, run by ``zoo.core.runner.run``.

| application            | task                                          |
|------------------------|-----------------------------------------------|
| image_classification   | ``zoo.tasks.image.task.ImageClassification`` (``base=``: transfer learning) |
| sentiment              | ``zoo.tasks.text.TextClassification`` (``pretrained=``/``embeddings=``: transfer) |
| forecasting            | ``zoo.tasks.forecasting.Forecasting``         |
| embeddings             | ``zoo.tasks.embeddings.WordEmbeddings``       |
"""

from __future__ import annotations

import importlib

from zoo.errors import ZooFileNotFoundError, ZooKeyError

TASKS = {
    "image_classification": "zoo.tasks.image.task:ImageClassification",
    "sentiment": "zoo.tasks.text:TextClassification",
    "forecasting": "zoo.tasks.forecasting:Forecasting",
    "embeddings": "zoo.tasks.embeddings:WordEmbeddings",
}


def task_class(application: str):
    if application not in TASKS:
        raise ZooKeyError(f"Unknown application {application!r}; known: {', '.join(TASKS)}.")
    module, name = TASKS[application].split(":")
    return getattr(importlib.import_module(module), name)


def task_for(application: str, config: dict):
    """The task that a run folder's ``config.json`` describes."""
    return task_class(application).from_config(config)


def task_of_run(run_dir):
    """The task of a finished run folder (for publishing, loading, evaluating it again)."""
    from pathlib import Path

    from zoo.core.io import read_json

    path = Path(run_dir) / "config.json"
    if not path.exists():
        raise ZooFileNotFoundError(f"{run_dir} is not a run folder: it has no config.json.")
    config = read_json(path)
    return task_for(config["application"], config)
