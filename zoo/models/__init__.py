"""Backend-agnostic Keras model builders and the registry that names them.

Example:
    >>> from zoo.models import create_model, list_models
    >>> list_models("resnet*")
    >>> model = create_model("lenet5")
"""

import importlib

from zoo.models.registry import (
    ModelEntry,
    create_model,
    get_model_entry,
    list_entries,
    list_models,
    register_model,
)

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


__all__ = ["ModelEntry", "create_model", "get_model_entry", "list_entries", "list_models", "register_model"]
