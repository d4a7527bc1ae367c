"""The zoo's own trained models: ``saved_models/<model>_<dataset>.keras`` plus a JSON model card.

``load("lenet5_mnist")`` accepts a saved-model name, a ``.keras`` path or a model object, and
returns the Keras model with its card (class names, dataset, recipe, metrics, sha256).
"""

from __future__ import annotations

import difflib
import json
import os
from pathlib import Path

from zoo.errors import ZooFileNotFoundError, ZooValueError

ENV_SAVED_MODELS = "ZOO_SAVED_MODELS"


def saved_models_dir() -> Path:
    """$ZOO_SAVED_MODELS, else the checkout's saved_models/ folder."""
    if os.environ.get(ENV_SAVED_MODELS):
        return Path(os.environ[ENV_SAVED_MODELS])
    return Path(__file__).resolve().parents[1] / "saved_models"


def list_saved_models() -> list[str]:
    folder = saved_models_dir()
    return sorted(p.stem for p in folder.glob("*.keras")) if folder.exists() else []


def card_path(model_path: str | os.PathLike) -> Path:
    return Path(model_path).with_suffix(".json")


def read_card(model_path: str | os.PathLike) -> dict:
    """The model card beside a .keras file, or the run folder's config.json, or {}."""
    model_path = Path(model_path)
    for candidate in (card_path(model_path), model_path.parent / "config.json"):
        if candidate.exists():
            with open(candidate, encoding="utf-8") as f:
                return json.load(f)
    return {}


def pretrained_cards() -> dict[str, dict]:
    """``{"model.dataset": card}`` of every published model with weights (timm-style tags)."""
    out = {}
    for name in list_saved_models():
        card = read_card(saved_models_dir() / f"{name}.keras")
        if card.get("model") and card.get("dataset"):
            out.setdefault(f"{card['model']}.{card['dataset']}", {**card, "name": name})
    return out


def list_pretrained(pattern: str = "*") -> list[str]:
    """Tags of the zoo's trained models (``lenet5.mnist``, ``textcnn.sst2``...) matching ``pattern``."""
    import fnmatch

    return sorted(t for t in pretrained_cards() if fnmatch.fnmatch(t, pattern))


def resolve_path(name_or_path: str | os.PathLike) -> Path:
    """A .keras path for a saved-model name, a ``model.dataset`` tag or a path; a clear error otherwise."""
    p = Path(name_or_path)
    if p.suffix == ".keras":
        if not p.exists():
            raise ZooFileNotFoundError(f"The 'model' argument names {p}, which does not exist.")
        return p
    candidate = saved_models_dir() / f"{name_or_path}.keras"
    if candidate.exists():
        return candidate
    tagged = pretrained_cards().get(str(name_or_path))
    if tagged is not None:
        return saved_models_dir() / f"{tagged['name']}.keras"
    known = list_saved_models()
    close = difflib.get_close_matches(str(name_or_path), known, n=3, cutoff=0.4)
    hint = f" Did you mean: {', '.join(close)}?" if close else ""
    raise ZooFileNotFoundError(
        f"The 'model' argument {str(name_or_path)!r} is neither a .keras file nor a saved model in "
        f"{saved_models_dir()}.{hint} Saved models: {', '.join(known) or '(none)'}."
    )


def check_keras_file(path: Path) -> None:
    """A clear error for a file that exists but is no ``.keras`` archive (empty, truncated, something else)."""
    import zipfile

    size = Path(path).stat().st_size
    ok = zipfile.is_zipfile(path)
    if ok:
        with zipfile.ZipFile(path) as zf:
            ok = "config.json" in zf.namelist() and zf.testzip() is None
    if not ok:
        state = "empty" if size == 0 else f"{size:,} bytes, truncated or not a Keras archive"
        raise ZooValueError(f"The model file {path} is not a valid .keras file ({state}). It may be an interrupted "
                         f"download or copy: save, train or publish it again.")


def _register_custom_objects(path: Path) -> None:
    """Make every class a saved file may name known to Keras before it deserialises the file:
    the zoo's own layers (importing the model modules registers them) and, only when the file's
    config names it, KerasHub's (slow to import, and an optional extra)."""
    import zipfile

    import zoo.text.layers  # noqa: F401  (TextTokenizer: the tokenizer stored inside text models)
    from zoo.models import _import_all

    _import_all()
    try:
        with zipfile.ZipFile(path) as zf:
            needs_hub = b"keras_hub" in zf.read("config.json")
    except (OSError, KeyError, zipfile.BadZipFile):
        return  # keras.saving.load_model reports a broken file itself
    if needs_hub:
        from zoo.models.text import import_keras_hub

        import_keras_hub()


def load(model, compile: bool = False):
    """(keras model, card) for a model object, a .keras path, a saved-model name (``lenet5_mnist``)
    or its tag (``lenet5.mnist``, see :func:`list_pretrained`)."""
    import keras

    from zoo.backend import apply_thread_defaults

    apply_thread_defaults()
    if isinstance(model, keras.Model):
        return model, getattr(model, "_zoo_card", {})
    path = resolve_path(model)
    check_keras_file(path)
    _register_custom_objects(path)
    loaded = keras.saving.load_model(path, compile=compile)
    card = read_card(path)
    loaded._zoo_card = card
    return loaded, card
