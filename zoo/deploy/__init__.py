"""From a trained model to a product: export (ONNX, TF SavedModel, .keras) and an HTTP server.

``export`` writes a standalone artifact through Keras' own ``model.export``, plus
``preprocessing.json`` (what the zoo does to raw inputs before the graph: the text tokenizer's
vocabulary, the forecaster's window scaling) and ``export.json`` (the export card, with the
largest difference between the artifact and Keras on sample inputs). ``load_exported`` runs an
artifact on raw inputs without Keras; ``zoo serve`` serves a model over HTTP.

Importing this package does not import Keras.

Example:
    >>> from zoo import deploy
    >>> result = deploy.export("lenet5_mnist", format="onnx", output="exports/lenet5")
    >>> deploy.load_exported("exports/lenet5").predict(images)
"""

from zoo.deploy.export import FORMATS, ExportResult, export
from zoo.deploy.runtime import ExportedModel, load_exported

__all__ = ["FORMATS", "ExportResult", "ExportedModel", "export", "load_exported"]
