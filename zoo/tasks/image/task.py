"""The image-classification task: from scratch (``model=``) or transfer learning (``base=``).

From scratch, a registered builder (or a Keras model on [0, 1] images) is wrapped by
``preprocessing.build_pipeline`` so the saved model takes raw uint8 images. With ``base=``, the
model is a new head on a pretrained base (``transfer``), trained in two phases: the head with the
base frozen (``epochs``), then the top ``unfreeze_blocks`` blocks too (``fine_tune_epochs``).
"""

from __future__ import annotations

import dataclasses
import os
import time
from pathlib import Path

import numpy as np

from zoo.core.metrics import classification_metrics
from zoo.core.plots import plot_confusion_matrix
from zoo.core.runtime import RUNTIME_DEFAULTS
from zoo.datasets.images import ImageDataset, load_image_dataset
from zoo.errors import (
    ZooFileNotFoundError,
    ZooTypeError,
    ZooValueError,
    check_choice,
    check_int,
    check_number,
)
from zoo.tasks.classification import ClassificationTask, rank
from zoo.tasks.image import preprocessing, transfer
from zoo.tasks.optim import OPTIMIZERS, SCHEDULES, make_optimizer, make_schedule

TRAIN_DEFAULTS = dict(model="lenet5", dataset="mnist", epochs=10, batch_size=128, augment=False, seed=0,
                      learning_rate=1e-3, optimizer="adam", weight_decay=0.0, label_smoothing=0.0,
                      schedule="cosine", validation_split=0.1, normalize=False, limit=None, data_path=None,
                      dataset_kwargs=None, model_kwargs=None, **RUNTIME_DEFAULTS)
FINE_TUNE_DEFAULTS = dict(base=None, dataset=None, weights="imagenet", epochs=5, fine_tune_epochs=5,
                          unfreeze_blocks=2, learning_rate=1e-3, fine_tune_learning_rate=1e-4, batch_size=32,
                          augment=False, label_smoothing=0.0, head_dropout=0.0, image_size=None, base_kwargs=None,
                          validation_split=0.1, limit=None, seed=0, data_path=None, dataset_kwargs=None,
                          **RUNTIME_DEFAULTS)


@dataclasses.dataclass
class ImageData:
    """A dataset with the indices of its training and validation images."""

    ds: ImageDataset
    train: np.ndarray
    val: np.ndarray

    @property
    def name(self) -> str:
        return self.ds.name

    def xy(self, idx, classes=None):
        import keras

        x, y = self.ds.x_train[idx], self.ds.y_train[idx]
        return x, keras.utils.to_categorical(y, classes or self.ds.num_classes)


def test_probabilities(net, images, batch_size=256, tta=False):
    """Class probabilities; with ``tta``, averaged with those of the mirror images (NHWC: width flipped)."""
    probs = np.asarray(net.predict(images, batch_size=batch_size, verbose=0))
    if tta:
        mirrored = np.ascontiguousarray(images[:, :, ::-1])
        probs = (probs + np.asarray(net.predict(mirrored, batch_size=batch_size, verbose=0))) / 2
    return probs


def evaluate_images(net, ds: ImageDataset, batch_size=256, tta=False, run_dir=None) -> dict:
    """Test-set metrics of ``net`` on ``ds`` (``confusion_matrix.png`` into ``run_dir`` when given)."""
    expected = tuple(net.input_shape[1:])
    if tuple(ds.input_shape) != expected:
        raise ZooValueError(f"The 'dataset' {ds.name} has images of shape {ds.input_shape}, but the model takes {expected}. "
                         f"Pass a dataset with that shape (e.g. load_image_folder(..., image_size=...)).")
    if not isinstance(tta, bool):
        raise ZooTypeError(f"The 'tta' parameter of evaluate must be True or False. Got {tta!r}.")
    probs = test_probabilities(net, ds.x_test, batch_size, tta)
    metrics = classification_metrics(ds.y_test, probs.argmax(-1), ds.class_names)
    metrics["tta"] = tta
    if run_dir is not None:
        plot_confusion_matrix(metrics["confusion_matrix"], ds.class_names, os.path.join(run_dir, "confusion_matrix.png"))
    return metrics


def _load_images(paths, input_shape):
    import keras

    missing = [str(p) for p in paths if not os.path.exists(p)]
    if missing:
        raise ZooFileNotFoundError(f"The 'images_or_paths' argument names files that do not exist: {missing[:5]}.")
    color = "grayscale" if input_shape[-1] == 1 else "rgb"
    arrays = []
    for p in paths:
        try:
            arrays.append(keras.utils.img_to_array(keras.utils.load_img(p, color_mode=color, target_size=input_shape[:2])))
        except Exception as err:  # PIL's UnidentifiedImageError and friends
            raise ZooValueError(f"The 'images_or_paths' file {p} is not a readable image ({type(err).__name__}).") from None
    return np.stack(arrays).astype("float32")


def as_image_batch(images_or_paths, input_shape) -> np.ndarray:
    """Paths or arrays as a float32 batch (N, H, W, C) of 0..255 pixels, checked against the model's shape."""
    if isinstance(images_or_paths, (str, os.PathLike)):
        images_or_paths = [images_or_paths]
    if isinstance(images_or_paths, (list, tuple)) and images_or_paths and isinstance(images_or_paths[0], (str, os.PathLike)):
        return _load_images(images_or_paths, input_shape)
    raw = np.asarray(images_or_paths)
    if raw.dtype == bool:  # a mask read as 0/1 pixels: near-black images, every prediction wrong
        raise ZooTypeError("The 'images_or_paths' argument holds booleans; the zoo's models take 0..255 pixels. "
                           "Pass (images * 255).astype('uint8').")
    if not np.issubdtype(raw.dtype, np.number):
        raise ZooTypeError(f"The 'images_or_paths' argument must be image arrays or file paths. Got {raw.dtype} values.")
    x = raw.astype("float32")
    if not np.all(np.isfinite(x)):
        raise ZooValueError(f"The 'images_or_paths' argument holds {int(np.sum(~np.isfinite(x)))} NaN or infinite "
                         f"pixel values; pass uint8 images 0..255.")
    if np.issubdtype(raw.dtype, np.floating) and x.size and x.max() <= 1.0 and x.max() > 0:
        raise ZooValueError("The 'images_or_paths' argument looks scaled to [0, 1] (float, max "
                         f"{float(x.max()):.3g}); the zoo's models take 0..255 pixels and scale inside. "
                         f"Pass (images * 255).astype('uint8').")
    if x.size and (x.min() < 0 or x.max() > 255):
        raise ZooValueError(f"The 'images_or_paths' pixels must lie in 0..255; got {float(x.min()):.3g}..{float(x.max()):.3g}.")
    if x.shape == input_shape:  # one image
        x = x[None]
    elif input_shape[-1] == 1 and x.shape == input_shape[:-1]:  # one grayscale image without channel axis
        x = x[None, ..., None]
    elif input_shape[-1] == 1 and x.shape[1:] == input_shape[:-1]:  # grayscale batch without channel axis
        x = x[..., None]
    if x.shape[1:] != input_shape:
        raise ZooValueError(f"The images must have shape (N, {', '.join(map(str, input_shape))}) for this model. Got {x.shape}.")
    return x


def predict_images(net, card, images_or_paths, top_k=1):
    """``[[(class, probability), ...top_k], ...]`` per image, best first."""
    input_shape = tuple(net.input_shape[1:])
    x = as_image_batch(images_or_paths, input_shape)
    probs = np.asarray(net.predict(x, verbose=0))
    names = card.get("class_names") or [str(i) for i in range(probs.shape[-1])]
    top_k = check_int(top_k, "top_k", "image_classification.predict")
    if top_k > len(names):
        raise ZooValueError(f"The 'top_k' parameter of image_classification.predict must be at most the {len(names)} "
                         f"classes. Got {top_k}.")
    return rank(probs, names, top_k)


class ImageClassification(ClassificationTask):
    application = "image_classification"

    @classmethod
    def defaults(cls, config: dict) -> dict:
        return {**(FINE_TUNE_DEFAULTS if config.get("base") is not None else TRAIN_DEFAULTS), "verbose": "auto"}

    def search_space(self) -> dict:
        if self.transfer:
            return {"learning_rate": ("log", 1e-4, 1e-2), "fine_tune_learning_rate": ("log", 1e-5, 1e-3),
                    "head_dropout": (0.0, 0.5)}
        space = {"learning_rate": ("log", 1e-4, 1e-2), "batch_size": [32, 64, 128], "label_smoothing": (0.0, 0.2)}
        if isinstance(self.config["model"], str):
            from zoo.core.spaces import model_space
            from zoo.models import get_model_entry

            space.update(model_space(get_model_entry(self.config["model"], "image").builder))
        return space

    @property
    def transfer(self) -> bool:
        return self.config.get("base") is not None

    @property
    def owner(self) -> str:
        return self.caller or ("fine_tune" if self.transfer else "image_classification.train")

    # ---- checks ----
    def check(self) -> None:
        import keras

        c, owner = self.config, self.owner
        if self.transfer:
            check_int(c["epochs"], "epochs", owner, minimum=0)
            check_int(c["fine_tune_epochs"], "fine_tune_epochs", owner, minimum=0)
            if c["epochs"] + c["fine_tune_epochs"] == 0:
                raise ZooValueError("The 'epochs' and 'fine_tune_epochs' parameters of fine_tune are both 0; nothing to train.")
            if c["unfreeze_blocks"] != "all":
                check_int(c["unfreeze_blocks"], "unfreeze_blocks", owner, minimum=0)
            check_number(c["fine_tune_learning_rate"], "fine_tune_learning_rate", owner, low=0.0, high=10.0,
                         high_open=False)
            transfer.base_kind(c["base"])  # an unknown base fails here, before any data is read or run folder made
            self.check_common(epochs_minimum=0)
            weights = c["weights"]
            if weights not in (None, "imagenet") and not (isinstance(weights, (str, os.PathLike))
                                                          and Path(weights).expanduser().is_file()):
                raise ZooValueError(f"The 'weights' parameter of {owner} must be 'imagenet', None (random start) or "
                                    f"the path of a weights file (.h5/.weights.h5). Got {weights!r}.")
        else:
            self.check_common()
            check_choice(c["schedule"], SCHEDULES, "schedule", owner)
            check_choice(c["optimizer"], OPTIMIZERS, "optimizer", owner)
            model = c["model"]
            if not isinstance(model, str) and not isinstance(model, keras.Model):
                raise ZooValueError(f"The 'model' parameter of {owner} must be a registered model name or a keras.Model. "
                                 f"Got {type(model).__name__} instead.")
            if isinstance(model, str):  # an unknown name fails here, before any data is read or run folder made
                from zoo.models.registry import get_model_entry

                get_model_entry(model, "image")
        check_number(c["label_smoothing"], "label_smoothing", owner, low=0.0, high=1.0, low_open=False)
        if c["augment"]:
            preprocessing.parse_augment(c["augment"], (32, 32, 3))  # names and factors, before any data is read

    # ---- data ----
    def load_data(self) -> ImageData:
        ds = load_image_dataset(self.config["dataset"], self.config["data_path"], **(self.config["dataset_kwargs"] or {}))
        train, val = self.split(ds.y_train)
        return ImageData(ds, train, val)

    def _model_name(self) -> str:
        c = self.config
        if self.transfer:
            base = c["base"] if isinstance(c["base"], (str, os.PathLike)) else getattr(c["base"], "name", "base")
            return f"finetune:{Path(str(base)).name.replace('.keras', '')}"
        return c["model"] if isinstance(c["model"], str) else c["model"].name

    def describe(self, data: ImageData) -> dict:
        ds = data.ds
        out = dict(model=self._model_name(), dataset=ds.name, class_names=ds.class_names, input_shape=ds.input_shape,
                   num_train=len(data.train), num_validation=len(data.val), num_test=len(ds.x_test))
        if self.transfer:
            base = self.config["base"]
            out["base"] = base if isinstance(base, (str, os.PathLike)) else getattr(base, "name", repr(base))
        return out

    def run_name(self, data) -> list[str]:
        return [self._model_name().replace("finetune:", "finetune-"), data.name]

    # ---- model ----
    def build(self, data: ImageData):
        from zoo.models import create_model

        c, ds = self.config, data.ds
        if self.transfer:
            import keras

            image_size = c["image_size"]
            if image_size is None and isinstance(c["base"], str) and hasattr(keras.applications, c["base"]):
                h, w = ds.input_shape[:2]
                image_size = (h, w) if min(h, w) >= 32 else (max(32, h), max(32, w))
            self.resolved = transfer.resolve_base(c["base"], weights=c["weights"],
                                                  image_size=tuple(image_size) if image_size else None,
                                                  base_kwargs=c["base_kwargs"])
            name = self._model_name().replace("finetune:", "")
            return transfer.build_transfer_model(self.resolved, ds.input_shape, ds.num_classes, c["augment"],
                                                 c["head_dropout"], name=f"{name}_finetuned_{ds.name}")
        model = c["model"]
        base = create_model(model, task="image", input_shape=ds.input_shape, classes=ds.num_classes,
                            **(c["model_kwargs"] or {})) if isinstance(model, str) else model
        mean = std = None
        if c["normalize"]:
            flat = ds.x_train[data.train].reshape(-1, ds.input_shape[-1]).astype("float64") / 255.0
            mean, std = flat.mean(0), flat.std(0) + 1e-7
        return preprocessing.build_pipeline(base, ds.input_shape, c["augment"], mean, std,
                                            name=f"{self._model_name()}_{ds.name}")

    def fit(self, net, data: ImageData, run):
        import keras

        c = self.config
        x, y = data.xy(data.train)
        val = data.xy(data.val) if len(data.val) else None
        loss = keras.losses.CategoricalCrossentropy(label_smoothing=c["label_smoothing"])
        fit = dict(batch_size=c["batch_size"], validation_data=val, verbose=c.get("verbose", "auto"))
        start = time.perf_counter()
        if not self.transfer:
            steps = c["epochs"] * int(np.ceil(len(x) / c["batch_size"]))
            net.compile(optimizer=make_optimizer(c["optimizer"], make_schedule(c["schedule"], c["learning_rate"], steps),
                                                 c["weight_decay"]), loss=loss, metrics=["accuracy"])
            history = run.fit(net, x, y, epochs=c["epochs"], phase="fit", **fit)
            wall = time.perf_counter() - start
            epochs_run = len(history.get("loss", []))
            return net, history, {"train_wall_time_s": wall, "epochs_run": epochs_run,
                                  "train_images_per_s": len(x) * max(1, epochs_run) / wall}
        features = self.resolved.features
        features.trainable = False
        info = {"base_kind": self.resolved.kind, "trainable_params_phase1": transfer.count_trainable(net),
                "unfrozen_blocks": [], "trainable_params_phase2": None}
        if c["epochs"]:
            net.compile(optimizer=keras.optimizers.Adam(c["learning_rate"]), loss=loss, metrics=["accuracy"])
            run.fit(net, x, y, epochs=c["epochs"], phase="head", **fit)
        if c["fine_tune_epochs"]:
            info["unfrozen_blocks"] = transfer.unfreeze_top(features, c["unfreeze_blocks"])
            info["trainable_params_phase2"] = transfer.count_trainable(net)
            net.compile(optimizer=keras.optimizers.Adam(c["fine_tune_learning_rate"]), loss=loss, metrics=["accuracy"])
            run.fit(net, x, y, epochs=c["epochs"] + c["fine_tune_epochs"], initial_epoch=c["epochs"],
                    phase="fine_tune", **fit)
        history = run.history()
        info.update(train_wall_time_s=time.perf_counter() - start, epochs_run=len(history.get("loss", [])))
        return net, history, info

    # ---- results ----
    def evaluate(self, model, data: ImageData, run_dir=None) -> dict:
        return evaluate_images(model, data.ds, run_dir=run_dir)

    def predict(self, model, inputs, top_k=1, card=None):
        return predict_images(model, card if card is not None else getattr(model, "_zoo_card", {}), inputs, top_k)

    def sample_inputs(self, data: ImageData, n: int = 8):
        idx = np.linspace(0, len(data.ds.x_test) - 1, n).astype(int)
        return data.ds.x_test[idx]

    def card(self, net, run_dir, config, metrics) -> dict:
        import keras

        card = {"input": "uint8 images (N, H, W, C), 0..255; preprocessing is inside the model",
                "input_shape": config.get("input_shape"), "epochs": metrics.get("epochs_run", config.get("epochs")),
                "batch_size": config.get("batch_size"), "train_images": config.get("num_train")}
        name = config.get("dataset")
        if name not in ("mnist", "cifar10", "digits"):
            return card
        ds = load_image_dataset(name)
        augment = preprocessing.augment_list(config.get("augment"), config.get("input_shape") or [0]) or []
        if "flip" in [str(a).partition(":")[0] for a in augment]:
            probs = test_probabilities(net, ds.x_test, tta=True)
            card["test_accuracy_flip_tta"] = float(np.mean(probs.argmax(-1) == ds.y_test))
        idx = np.linspace(0, len(ds.x_test) - 1, self.reference_count).astype(int)
        probs = np.asarray(net.predict(ds.x_test[idx], verbose=0), dtype="float32")
        card["_reference_files"] = {"reference.npz": dict(images=ds.x_test[idx], indices=idx, probabilities=probs,
                                                      labels=ds.y_test[idx], backend=np.array(keras.backend.backend()))}
        return card
