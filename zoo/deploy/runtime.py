"""Run an exported artifact on raw inputs, without Keras: the zoo's side of ``preprocessing.json``.

An export folder holds the artifact (``model.onnx``, ``saved_model/`` or ``model.keras``),
``preprocessing.json`` and ``export.json``. ``load_exported(folder)`` applies the
preprocessing the graph does not contain (the tokenizer for text, the window scaling for
forecasters; images need none: rescaling is in the graph) and runs the artifact with
onnxruntime, TensorFlow's SavedModel loader, or Keras for ``.keras``.

``python -m zoo.deploy.runtime FORMAT ARTIFACT INPUT.npy OUTPUT.npy`` runs an artifact on an
array in a fresh process: that is how ``zoo export`` checks that an artifact stands alone.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np

from zoo.errors import ZooFileNotFoundError, ZooTypeError, ZooValueError

ARTIFACTS = {"onnx": "model.onnx", "tf_saved_model": "saved_model", "keras": "model.keras"}


class ArtifactRunner:
    """``runner(x) -> np.ndarray``: one artifact, loaded once."""

    def __init__(self, format: str, path: str | Path):
        self.format, self.path = format, Path(path)
        if format == "onnx":
            import onnxruntime as ort

            self._session = ort.InferenceSession(str(self.path), providers=["CPUExecutionProvider"])
            self.input = self._session.get_inputs()[0]
        elif format == "tf_saved_model":
            from zoo.backend import load_tf_saved_model

            self._loaded = load_tf_saved_model(self.path)  # keep a reference: serve uses its variables
        elif format == "keras":
            from zoo import saved_models

            self._model, _ = saved_models.load(self.path)
        else:
            raise ZooValueError(f"The 'format' argument must be one of {sorted(ARTIFACTS)}. Got {format!r}.")

    def __call__(self, x: np.ndarray) -> np.ndarray:
        if self.format == "onnx":
            dtype = np.int32 if "int32" in self.input.type else np.int64 if "int64" in self.input.type else np.float32
            return np.asarray(self._session.run(None, {self.input.name: np.asarray(x, dtype=dtype)})[0])
        if self.format == "tf_saved_model":
            out = self._loaded.serve(x)
            if isinstance(out, dict):
                out = next(iter(out.values()))
            return np.asarray(out)
        return np.asarray(self._model.predict_on_batch(x))


class ExportedModel:
    """A model's graph (an artifact, or a Keras model in process) plus its preprocessing, predicting raw inputs.

    ``predict`` takes what the zoo's own ``predict`` takes: images ``(N, H, W, C)`` with pixels
    0..255, a list of strings, or a list of 1-D series (forecasters; returns ``(N, horizon,
    quantiles)``).
    """

    def __init__(self, preprocessing: dict, runner, card: dict):
        self.preprocessing, self.runner, self.card = preprocessing, runner, card
        self.kind = preprocessing["kind"]
        self._tokenizer = None

    @classmethod
    def from_folder(cls, folder: str | Path) -> "ExportedModel":
        folder = Path(folder)
        card_file = folder / "export.json"
        if not card_file.exists():
            raise ZooFileNotFoundError(f"{folder} is not an export folder: it has no export.json. "
                                    f"Write one with `zoo export MODEL --format onnx --output {folder}`.")
        card = json.loads(card_file.read_text(encoding="utf-8"))
        preprocessing = json.loads((folder / "preprocessing.json").read_text(encoding="utf-8"))
        return cls(preprocessing, ArtifactRunner(card["format"], folder / card["artifact"]), card)

    @property
    def class_names(self) -> list[str]:
        return list(self.preprocessing.get("class_names") or [])

    def prepare(self, inputs) -> np.ndarray:
        """The array the graph takes, from raw inputs (the preprocessing of ``preprocessing.json``)."""
        pre = self.preprocessing
        if self.kind == "text":
            from zoo.text.tokenizer import _check_texts, tokenizer_from_config

            if self._tokenizer is None:
                self._tokenizer = tokenizer_from_config(pre["tokenizer"])
            texts = _check_texts(inputs, "ExportedModel.predict")
            return self._tokenizer.encode(texts, pre["sequence_length"]).astype("int32")
        if self.kind == "image":
            x = np.asarray(inputs, dtype="float32")
            shape = tuple(pre["input_shape"])
            if x.shape == shape:
                x = x[None]
            if x.shape[1:] != shape:
                raise ZooValueError(f"The 'inputs' argument must be images of shape (N, {', '.join(map(str, shape))}) "
                                 f"with pixels 0..255. Got an array of shape {x.shape}.")
            return x
        from zoo.forecasting.deep import _normalize

        return _normalize(self._windows(inputs))[0]

    def _windows(self, series) -> np.ndarray:
        from zoo.forecasting.deep import last_window

        if isinstance(series, np.ndarray) and series.ndim == 1 or not hasattr(series, "__iter__"):
            raise ZooTypeError("The 'inputs' argument of a forecaster must be a list of series (1-D lists of numbers). "
                            "Wrap one series in a list: [y].")
        return np.stack([last_window(_series(y), self.preprocessing["input_length"]) for y in series])

    def predict(self, inputs) -> np.ndarray:
        """Class probabilities ``(N, classes)``, or forecasts ``(N, horizon, quantiles)`` for a forecaster."""
        if self.kind != "forecaster":
            return self.runner(self.prepare(inputs))
        from zoo.forecasting.deep import forecast_windows

        return forecast_windows(self._windows(inputs), self.runner)


def _series(y) -> np.ndarray:
    y = np.asarray(y, dtype="float32")
    if y.ndim != 1 or len(y) == 0 or not np.isfinite(y).all():
        raise ZooValueError(f"Each series given to a forecaster must be a non-empty 1-D list of finite numbers. "
                         f"Got shape {y.shape}{'' if np.isfinite(y).all() else ' with NaN/Inf'}.")
    return y


def load_exported(folder: str | Path) -> ExportedModel:
    """An export folder written by :func:`zoo.deploy.export`, ready to ``predict`` raw inputs."""
    return ExportedModel.from_folder(folder)


def main(argv: list[str]) -> int:
    format, artifact, inputs, outputs = argv
    out = ArtifactRunner(format, artifact)(np.load(inputs))
    np.save(outputs, out)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
