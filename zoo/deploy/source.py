"""What an export or a server starts from: a saved model's name, a ``.keras`` file or a run folder.

``load_source`` returns the Keras model, what kind of model it is (``image``, ``text``,
``forecaster``), its card, the preprocessing the zoo applies to raw inputs outside the graph
(``preprocessing.json``), and real sample inputs for checking an export.

``inference_model`` rewrites a model for inference only: augmentation layers (active by
default in Keras 3 when traced) become pass-throughs, ``Normalization`` becomes a constant
``Rescaling`` (its statistics would otherwise be captured tensors that tf2onnx turns into
graph inputs) and 1x1 max-pool subsampling becomes a strided slice (onnxruntime refuses a pool
of size 1). The rewritten model shares the original's weights.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np

from zoo.errors import ZooFileNotFoundError, ZooTypeError, ZooValueError


@dataclasses.dataclass
class Source:
    """A model ready to export or serve."""

    name: str
    kind: str
    model: object  # keras.Model
    card: dict
    preprocessing: dict
    samples: np.ndarray
    path: Path  # the .keras file

    @property
    def sha256(self) -> str:
        from zoo.datasets.download import sha256sum

        return sha256sum(self.path)


def load_source(source, owner: str = "export") -> Source:
    """The model named by ``source``: a saved model's name or tag, a ``.keras`` path or a run folder."""
    from zoo import saved_models

    if not isinstance(source, (str, Path)) or not str(source):
        raise ZooTypeError(f"The 'source' argument of {owner} must be a saved model's name "
                        f"(zoo.saved_models.list_pretrained()), a .keras file or a run folder. Got {source!r}.")
    path = Path(source)
    if path.is_dir():
        return _from_folder(path, owner)
    file = saved_models.resolve_path(source)  # a clear error naming the saved models
    model, card = saved_models.load(file)
    name = card.get("name") or file.stem
    return _classify(name, model, card, file, owner)


def _from_folder(folder: Path, owner: str) -> Source:
    from zoo import saved_models
    from zoo.core.io import read_json
    from zoo.forecasting.deep import MODEL_FILE, STATE_FILE, DeepForecaster

    config = read_json(folder / "config.json") if (folder / "config.json").exists() else {}
    if (folder / STATE_FILE).exists():
        forecaster = DeepForecaster.load(folder)
        card = {"name": folder.name, "application": "forecasting", "model": forecaster.model,
                "horizon": forecaster.horizon_, "input_length": forecaster.input_length_,
                "freq": forecaster.freq_, "series": len(forecaster.ids_)}
        return _forecaster_source(folder.name, forecaster, card, folder / MODEL_FILE)
    if (folder / "forecaster.pkl").exists():
        raise ZooValueError(f"The run folder {folder} holds a statistical forecaster ({config.get('model', 'pickled')}): "
                         f"it is refit on each series rather than run as a graph, so {owner} cannot take it. "
                         f"Forecast with it through `zoo forecast` / zoo.applications.forecasting.forecast, or "
                         f"export and serve a deep forecaster (nbeats, lstm, gru, transformer).")
    file = folder / "model.keras"
    if not file.exists():
        raise ZooFileNotFoundError(f"The folder {folder} is not a run folder the zoo can export: it has no model.keras "
                                f"(an unfinished run? see its RUNNING marker) and no forecaster.json.")
    model, card = saved_models.load(file)
    card = {"name": folder.name, "application": config.get("application"), "run_dir": str(folder), **card}
    return _classify(folder.name, model, card, file, owner)


def _classify(name: str, model, card: dict, file: Path, owner: str) -> Source:
    from zoo.text.layers import find_tokenizer

    try:
        layer = find_tokenizer(model)
    except (ValueError, KeyError):
        layer = None
    if layer is not None:
        tok = layer.tokenizer
        length = model.input_shape[1] or tok.sequence_length or 64
        from zoo.tasks.text.task import REFERENCE_TEXTS

        pre = {"kind": "text", "input_name": model.inputs[0].name, "sequence_length": int(length),
               "pad_id": int(getattr(tok, "pad_id", 0)), "tokenizer": tok.get_config(),
               "class_names": list(layer.class_names or card.get("class_names") or []),
               "output": "class probabilities (N, classes)"}
        samples = tok.encode(REFERENCE_TEXTS, int(length)).astype(model.inputs[0].dtype)
        return Source(name, "text", model, card, pre, samples, file)
    shape = tuple(model.input_shape[1:])
    if len(shape) == 3 and None not in shape:
        pre = {"kind": "image", "input_name": model.inputs[0].name, "input_shape": list(shape),
               "dtype": "float32", "pixel_range": [0, 255],
               "class_names": list(card.get("class_names") or []),
               "note": "rescaling and normalisation are inside the graph: feed pixels 0..255, channels last",
               "output": "class probabilities (N, classes)"}
        samples = np.random.default_rng(0).uniform(0, 255, size=(8, *shape)).astype("float32")
        return Source(name, "image", model, card, pre, samples, file)
    raise ZooValueError(f"The 'source' argument of {owner} is a model the zoo does not know how to feed "
                     f"(input shape {model.input_shape}); export image classifiers, text classifiers "
                     f"and deep forecasters.")


def _forecaster_source(name, forecaster, card, file) -> Source:
    from zoo.forecasting.deep import _normalize

    pre = {"kind": "forecaster", "input_name": forecaster.network_.inputs[0].name,
           "input_length": int(forecaster.input_length_), "horizon": int(forecaster.horizon_),
           "quantiles": [float(q) for q in forecaster.quantiles_], "freq": forecaster.freq_,
           "scaling": "x / mean(|x|) - last; output (out + last) * mean(|x|), sorted along quantiles",
           "output": "forecast (N, horizon, quantiles)"}
    context = np.stack([forecaster.context_[uid] for uid in forecaster.ids_[:16]])
    samples, _ = _normalize(context)
    return Source(name, "forecaster", forecaster.network_, card, pre, samples.astype("float32"), file)


def inference_model(model):
    """``model`` for inference only (see the module docstring); shares the original weights."""
    import keras

    from zoo.deploy.layers import Passthrough, Subsample

    def rewrite(layer):
        kind = type(layer).__name__
        if layer.name == "augment" or kind.startswith("Random"):
            return Passthrough(name=layer.name)
        if kind == "Normalization" and not layer.invert and layer.mean is not None:
            mean = keras.ops.convert_to_numpy(layer.mean).astype("float64")
            std = np.maximum(np.sqrt(keras.ops.convert_to_numpy(layer.variance).astype("float64")),
                             keras.backend.epsilon())
            return keras.layers.Rescaling(scale=(1.0 / std).astype("float32"),
                                          offset=(-mean / std).astype("float32"), name=layer.name)
        if kind == "MaxPooling2D" and tuple(layer.pool_size) == (1, 1):
            return Subsample(tuple(layer.strides), name=layer.name)
        if isinstance(layer, keras.Model) and not isinstance(layer, keras.Sequential) and hasattr(layer, "inputs"):
            return keras.models.clone_model(layer, clone_function=rewrite)
        return layer

    return keras.models.clone_model(model, clone_function=rewrite)
