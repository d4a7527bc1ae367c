"""``export``: a saved model, ``.keras`` file or run folder to ONNX, a TF SavedModel or ``.keras``.

The artifact is written by Keras' own ``model.export`` from an inference-only copy of the model
(see ``zoo.deploy.source.inference_model``), then run on sample inputs in a fresh Python process
(onnxruntime or TensorFlow alone: it must stand without the zoo's Keras model) and compared with
Keras' output; the largest absolute difference goes into ``export.json``. Preprocessing that is
not in the graph (a text model's tokenizer, a forecaster's window scaling) is written to
``preprocessing.json`` and applied by ``zoo.deploy.load_exported``.

The folder is built beside its destination and renamed into place, so a failed export never
leaves half an artifact, and a previous export in that folder is replaced only by a verified one.
"""

from __future__ import annotations

import dataclasses
import datetime
import shutil
import subprocess
import sys
import tempfile
import warnings
from pathlib import Path

import numpy as np

from zoo.core.io import write_json
from zoo.deploy.runtime import ARTIFACTS
from zoo.errors import ExportError, ZooFileExistsError, check_choice, check_number

FORMATS = tuple(ARTIFACTS)
# Which Keras backends can write each format (Keras' torch backend exports through torch.export
# and has no TF SavedModel path).
BACKENDS_FOR = {"onnx": ("jax", "torch", "tensorflow"), "tf_saved_model": ("jax", "tensorflow"),
                "keras": ("jax", "torch", "tensorflow")}
VERIFY_TIMEOUT_S = 600


@dataclasses.dataclass
class ExportResult:
    folder: Path
    artifact: Path
    format: str
    max_abs_diff: float
    card: dict

    def __str__(self) -> str:
        return (f"exported {self.card['source']} to {self.artifact} ({self.format}, backend {self.card['backend']}); "
                f"max |artifact - keras| = {self.max_abs_diff:.2e} on {self.card['samples']} samples")


def export(source, format: str = "onnx", output=None, atol: float = 1e-4) -> ExportResult:
    """Export ``source`` and check the artifact against Keras.

    Args:
        source: a saved model's name or tag (``"lenet5_mnist"``), a ``.keras`` file or a run folder
            (a deep forecaster's run folder exports its network plus the window scaling).
        format: ``"onnx"``, ``"tf_saved_model"`` or ``"keras"``.
        output: the export folder; default ``exports/<name>-<format>``.
        atol: the largest difference from Keras' output accepted on the sample inputs.

    Returns:
        An :class:`ExportResult`; ``export.json`` in the folder is its card.

    Raises:
        ExportError: the active backend cannot write ``format`` (the message names one that can),
            Keras' exporter or the artifact's runtime failed, or the artifact differs from Keras by
            more than ``atol``.
    """
    import keras

    owner = "export"
    check_choice(format, FORMATS, "format", owner)
    check_number(atol, "atol", owner, low=0.0)
    backend = keras.backend.backend()
    if backend not in BACKENDS_FOR[format]:
        raise ExportError(f"The {backend} backend cannot export format={format!r}: Keras writes TF SavedModels "
                          f"only under {' or '.join(BACKENDS_FOR[format])}. Run with --backend "
                          f"{BACKENDS_FOR[format][-1]} (KERAS_BACKEND={BACKENDS_FOR[format][-1]}), or export format='onnx'.")
    from zoo.deploy.source import inference_model, load_source

    src = load_source(source, owner)
    folder = Path(output) if output is not None else Path("exports") / f"{src.name}-{format}"
    _check_destination(folder)
    folder.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{folder.name}.", dir=folder.parent))
    try:
        artifact = staging / ARTIFACTS[format]
        reference = np.asarray(src.model.predict_on_batch(src.samples))
        if format == "keras":
            shutil.copyfile(src.path, artifact)
        else:
            _keras_export(inference_model(src.model), src.samples, artifact, format, backend)
        np.save(staging / "sample_inputs.npy", src.samples)
        got = _run_fresh(format, artifact, staging / "sample_inputs.npy", staging, backend)
        if got.shape != reference.shape:
            raise ExportError(f"The exported {format} artifact returns shape {got.shape} where Keras returns "
                              f"{reference.shape}; the export is wrong. Try another backend or format.")
        diff = float(np.max(np.abs(got.astype("float64") - reference.astype("float64"))))
        card = _card(src, format, backend, ARTIFACTS[format], diff, atol)
        write_json(staging / "preprocessing.json", src.preprocessing)
        write_json(staging / "export.json", card)
        if not diff <= atol:
            raise ExportError(f"The exported {format} artifact differs from Keras by up to {diff:.3g} on the sample "
                              f"inputs (atol={atol:g}); nothing was written to {folder}. Try another backend.")
        _replace(staging, folder)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return ExportResult(folder, folder / ARTIFACTS[format], format, diff, card)


def _check_destination(folder: Path) -> None:
    if folder.exists() and (not folder.is_dir() or (any(folder.iterdir()) and not (folder / "export.json").exists())):
        raise ZooFileExistsError(f"The 'output' folder {folder} exists and is not a zoo export (no export.json); "
                              f"nothing there is replaced. Choose an empty or new folder.")


def _keras_export(model, samples: np.ndarray, artifact: Path, format: str, backend: str) -> None:
    model(samples[:1])  # Keras' exporter needs a model that has been called (jax)
    if backend == "torch":
        model.trainable = False  # torch's tracer refuses weights that require grad as constants
    others = [b for b in BACKENDS_FOR[format] if b != backend]
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # torch's TracerWarnings about Keras' shape checks
            model.export(str(artifact), format=format, verbose=False)
    except ImportError as e:
        raise ExportError(f"Exporting format={format!r} under {backend} needs a package that is not installed: {e}. "
                          f"Install the zoo's export extra: pip install 'zoo[export]'.") from e
    except Exception as e:  # noqa: BLE001  (tf2onnx, jax2onnx and torch.onnx raise their own types)
        raise ExportError(f"Keras could not export this model to {format} under the {backend} backend "
                          f"({type(e).__name__}: {str(e).splitlines()[0][:300]}). Try KERAS_BACKEND="
                          f"{' or '.join(others)}.") from e


def _run_fresh(format: str, artifact: Path, inputs: Path, staging: Path, backend: str) -> np.ndarray:
    """The artifact's output on ``inputs``, computed in a new process that loads only the artifact."""
    outputs = staging / "verify_outputs.npy"
    cmd = [sys.executable, "-m", "zoo.deploy.runtime", format, str(artifact), str(inputs), str(outputs)]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=VERIFY_TIMEOUT_S)
    if proc.returncode != 0 or not outputs.exists():
        last = [line for line in (proc.stderr or "").splitlines() if line.strip()][-1:] or ["(no message)"]
        others = [b for b in BACKENDS_FOR[format] if b != backend]
        raise ExportError(f"The {format} artifact written under {backend} does not run in "
                          f"{'onnxruntime' if format == 'onnx' else format}: {last[0][:300]}. "
                          f"Export it under KERAS_BACKEND={' or '.join(others)}.")
    out = np.load(outputs)
    outputs.unlink()
    return out


def _card(src, format: str, backend: str, artifact: str, diff: float, atol: float) -> dict:
    import keras

    from zoo.backend import package_version, versions

    runtime = {"onnx": "onnxruntime", "tf_saved_model": "tensorflow", "keras": "keras"}[format]
    return {"source": src.name, "source_file": str(src.path), "source_sha256": src.sha256, "kind": src.kind,
            "format": format, "artifact": artifact, "backend": backend, "keras_version": keras.__version__,
            "runtime": runtime, "runtime_version": package_version(runtime), "versions": versions(),
            "input_name": src.preprocessing.get("input_name"), "input_shape": list(src.samples.shape[1:]),
            "input_dtype": str(src.samples.dtype), "samples": int(len(src.samples)),
            "max_abs_diff": diff, "atol": atol, "matches": bool(diff <= atol),
            "verified": f"{runtime} in a fresh process, on sample_inputs.npy",
            "preprocessing": "preprocessing.json (applied by zoo.deploy.load_exported)",
            "model_card": {k: v for k, v in src.card.items() if k in ("name", "application", "model", "dataset",
                                                                      "class_names", "test_metrics", "horizon")},
            "created": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")}


def _replace(staging: Path, folder: Path) -> None:
    """Move the verified export into ``folder`` (a previous export there is replaced, nothing else)."""
    old = None
    if folder.exists():
        old = folder.with_name(f".{folder.name}.old")
        shutil.rmtree(old, ignore_errors=True)
        folder.rename(old)
    staging.rename(folder)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
