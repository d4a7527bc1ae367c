"""Backend-agnostic Keras model builders and the registry that names them.

Example:
    >>> from zoo.models import create_model, list_models
    >>> list_models("resnet*")
    >>> model = create_model("lenet5")
    >>> from zoo import saved_models
    >>> saved_models.list_pretrained()       # ['lenet5.mnist', 'nbsvm.sst2', 'resnet20.cifar10', 'textcnn.sst2']
    >>> trained, card = saved_models.load("lenet5.mnist")
"""

from zoo.models.registry import (
    _MODEL_MODULES,
    ModelEntry,
    _import_all,
    create_model,
    forecaster_entries,
    get_model_entry,
    list_entries,
    list_models,
    register_forecaster,
    register_model,
)

__all__ = ["ModelEntry", "create_model", "forecaster_entries", "get_model_entry", "list_entries", "list_models",
           "register_forecaster", "register_model"]
