"""Image classification: train, evaluate, predict and fine-tune Keras models on image datasets.

Every model this application saves takes raw uint8 images (N, H, W, C): rescaling,
normalisation and augmentation are layers inside the saved ``.keras`` file, so it predicts the
same on jax, torch and tensorflow and needs no separate preprocessing code.

Example:
    >>> from zoo.applications import image_classification as ic
    >>> result = ic.train(model="lenet5", dataset="mnist", epochs=2)
    >>> ic.evaluate(result.model, "mnist")["accuracy"]
    >>> ic.predict("lenet5_mnist", images[:3])      # [[('7', 0.99...)], ...]
"""

from __future__ import annotations

import datetime as _dt
import json
import os
import shutil
import time
from pathlib import Path

import numpy as np

from zoo.applications import runs
from zoo.datasets.images import ImageDataset, load_image_dataset
from zoo.errors import check_choice, check_int, check_number

APPLICATION = "image_classification"
SCHEDULES = ("cosine", "onecycle", "constant")
OPTIMIZERS = ("adam", "adamw", "sgd")


def build_pipeline(base, input_shape, augment=False, mean=None, std=None, name="classifier"):
    """Wrap ``base`` so the saved model takes raw uint8 images: rescale to [0, 1], augment, normalise.

    Augmentation layers are active only in training; ``mean``/``std`` (per channel, on the [0, 1]
    scale) standardise the images when given.
    """
    import keras

    inputs = keras.Input(shape=input_shape, name="image")
    x = keras.layers.Rescaling(1.0 / 255, name="rescale")(inputs)
    if augment:
        x = augmentation_layers(input_shape, augment)(x)
    if mean is not None:
        x = keras.layers.Normalization(mean=mean, variance=np.square(std), name="normalize")(x)
    outputs = base(x)
    return keras.Model(inputs, outputs, name=name)


def augment_list(augment, input_shape):
    """``augment`` as a list of entries: True is flip + pad-and-crop for colour images, translate for
    single-channel ones (flipping a digit changes its class); False/None is []; a string is one entry."""
    if augment is True:
        return ["flip", "crop"] if input_shape[-1] == 3 else ["translate"]
    if augment is False or augment is None:
        return []
    if isinstance(augment, str):
        return [augment]
    return augment if isinstance(augment, (list, tuple)) else None


AUGMENTATIONS = ("flip", "crop", "cutout", "translate", "rotate", "zoom", "contrast", "brightness")


def parse_augment(augment, input_shape) -> tuple[list[str], dict]:
    """``augment`` as (names, {name: factor}), checked: unknown names and bad factors are errors."""
    given, augment = augment, augment_list(augment, input_shape)
    if not augment:
        raise ValueError(f"The 'augment' parameter accepts False, True or a non-empty list of augmentation names. "
                         f"Got {given!r} instead.")
    names, factors = [], {}
    for item in augment:
        name, _, factor = str(item).partition(":")
        names.append(name)
        if factor:
            try:
                factors[name] = float(factor)
            except ValueError:
                raise ValueError(f"The 'augment' entry {item!r} must be 'name' or 'name:factor' with a number.") from None
    unknown = [a for a in names if a not in AUGMENTATIONS]
    if unknown:
        raise ValueError(f"The 'augment' parameter accepts True or a list of {sorted(AUGMENTATIONS)} "
                         f"(optionally 'name:factor'). Got unknown {unknown}.")
    for name, factor in factors.items():
        if name in ("crop", "cutout") and not 0.0 < factor <= 1.0:
            raise ValueError(f"The 'augment' entry '{name}:{factor:g}' needs a factor in (0, 1], a fraction of the "
                             f"image side (e.g. '{name}:{0.125 if name == 'crop' else 0.5}').")
    return names, factors


def augmentation_layers(input_shape, augment, value_range=(0.0, 1.0)):
    """Keras preprocessing layers (active only in training) that run on every backend.

    ``augment`` is True (flip + pad-and-crop for colour images; translate only for
    single-channel digits, where flips change the class) or a list of names from
    ``flip``, ``crop``, ``cutout``, ``translate``, ``rotate``, ``zoom``, ``contrast``, ``brightness``.
    A name may carry a strength, ``"rotate:0.03"`` (fraction of a full turn), ``"translate:0.1"``
    (fraction of the side), ``"crop:0.125"`` (padding before the random crop), ``"cutout:0.5"``
    (side of the erased square), ``"zoom:0.1"``...
    ``value_range`` is the pixel range the layers see ((0, 1) after the zoo's rescaling).
    """
    import keras

    names, factors = parse_augment(augment, input_shape)

    def f(name, default):
        return factors.get(name, default)

    layers = {
        "flip": lambda: [keras.layers.RandomFlip("horizontal")],
        # Pad-and-crop (the CIFAR recipe of He et al.; factor = padding as a fraction of the side),
        # drawn per image: a whole-pixel shift (nearest neighbour) with zero fill is exactly a crop
        # of the zero-padded image. keras.layers.RandomCrop would crop every image of a batch at
        # the same place, which is weaker augmentation.
        "crop": lambda: [keras.layers.RandomTranslation(f("crop", 0.125), f("crop", 0.125), fill_mode="constant",
                                                        interpolation="nearest")],
        # Cutout (DeVries & Taylor 2017): one square per image, side = factor x image side (0.5 is
        # their 16x16 on CIFAR-10), filled with mid-grey; Keras RandomErasing draws it per image.
        "cutout": lambda: [keras.layers.RandomErasing(factor=(1.0, 1.0), scale=(f("cutout", 0.5) ** 2,) * 2,
                                                      fill_value=(value_range[0] + value_range[1]) / 2,
                                                      value_range=value_range)],
        "translate": lambda: [keras.layers.RandomTranslation(f("translate", 0.125), f("translate", 0.125),
                                                             fill_mode="constant")],
        "rotate": lambda: [keras.layers.RandomRotation(f("rotate", 0.05), fill_mode="constant")],
        "zoom": lambda: [keras.layers.RandomZoom(f("zoom", 0.1), fill_mode="constant")],
        "contrast": lambda: [keras.layers.RandomContrast(f("contrast", 0.2), value_range=value_range)],
        "brightness": lambda: [keras.layers.RandomBrightness(f("brightness", 0.2), value_range=value_range)],
    }
    return keras.Sequential([layer for a in names for layer in layers[a]()], name="augment")


def _split_validation(x, y, validation_split: float, seed: int):
    if not isinstance(validation_split, (int, float)) or not 0.0 <= validation_split < 1.0:
        raise ValueError(f"The 'validation_split' parameter must be in [0, 1). Got {validation_split!r} instead.")
    order = np.random.default_rng(seed).permutation(len(x))
    n_val = int(round(validation_split * len(order)))
    val, tr = order[:n_val], order[n_val:]
    return (x[tr], y[tr]), ((x[val], y[val]) if n_val else None)


def _subset(x, y, limit, seed):
    if limit is None or limit >= len(x):
        return x, y
    check_int(limit, "limit", "image_classification.train")
    idx = np.random.default_rng(seed).permutation(len(x))[:limit]
    return x[idx], y[idx]


def make_schedule(schedule, learning_rate, steps, warmup_fraction=0.05):
    """A learning-rate schedule over ``steps`` optimizer steps.

    ``cosine``: a short linear warm-up (``warmup_fraction``), then cosine decay to 0.
    ``onecycle``: from ``learning_rate / 25`` up to ``learning_rate`` over the first 30% of the
    steps, then cosine down to ``learning_rate / 1e4`` (Smith & Topin 2019's shape).
    ``constant``: ``learning_rate`` throughout.
    """
    import keras

    check_choice(schedule, SCHEDULES, "schedule", "image_classification")
    if schedule == "constant":
        return learning_rate
    if schedule == "cosine":
        warmup = max(1, int(steps * warmup_fraction))
        return keras.optimizers.schedules.CosineDecay(
            0.0, max(1, steps - warmup), warmup_target=learning_rate, warmup_steps=warmup)
    warmup = max(1, int(0.3 * steps))
    return keras.optimizers.schedules.CosineDecay(
        learning_rate / 25.0, max(1, steps - warmup), alpha=4e-4, warmup_target=learning_rate, warmup_steps=warmup)


def make_optimizer(optimizer, lr, weight_decay=0.0, momentum=0.9):
    """Adam, AdamW (decoupled weight decay) or SGD with Nesterov momentum (and decoupled weight decay)."""
    import keras

    check_choice(optimizer, OPTIMIZERS, "optimizer", "image_classification")
    if optimizer == "sgd":
        return keras.optimizers.SGD(lr, momentum=momentum, nesterov=True, weight_decay=weight_decay or None)
    if optimizer == "adamw" or weight_decay:
        return keras.optimizers.AdamW(lr, weight_decay=weight_decay or 0.004)
    return keras.optimizers.Adam(lr)


def train(
    model="lenet5",
    dataset="mnist",
    epochs=10,
    batch_size=128,
    augment=False,
    seed=0,
    output_dir=None,
    learning_rate=1e-3,
    optimizer="adam",
    weight_decay=0.0,
    label_smoothing=0.0,
    schedule="cosine",
    validation_split=0.1,
    normalize=False,
    limit=None,
    data_path=None,
    dataset_kwargs=None,
    model_kwargs=None,
    backup_dir=None,
    save_as=None,
    verbose="auto",
):
    """Train ``model`` on ``dataset`` and write a run folder.

    Args:
        model: a registered image model name (see ``zoo models --task image``) or a Keras model
            that takes images scaled to [0, 1].
        dataset: ``"mnist"``, ``"cifar10"``, ``"digits"``, the path of a folder of class
            sub-folders (or an archive of one), or an ImageDataset.
        epochs, batch_size, learning_rate, label_smoothing: the usual.
        optimizer: ``"adam"``, ``"adamw"`` or ``"sgd"`` (Nesterov momentum 0.9).
        weight_decay: decoupled weight decay (AdamW / SGD).
        augment: False, True, or a list of names from augmentation_layers
            (flip, crop, cutout, translate, rotate, zoom, contrast, brightness).
        schedule: ``"cosine"``, ``"onecycle"`` or ``"constant"`` (see make_schedule).
        validation_split: fraction of training images held out for validation.
        normalize: standardise per channel with the training set's mean/std (inside the model).
        limit: train on at most this many images (quick runs and tests).
        data_path: where the dataset lives, if not found via ZOO_DATA_DIR / the cache.
        dataset_kwargs: extra arguments of the dataset loader (e.g. ``image_size`` for a folder).
        backup_dir: a fixed folder for Keras BackupAndRestore checkpoints, so an interrupted run
            started again with the same arguments resumes where it stopped (default: inside the run folder).
        save_as: also publish the model as ``saved_models/<save_as>.keras`` with a model card.
        output_dir: parent of the run folder (default ``runs/``).

    Returns:
        TrainResult with ``model``, ``history``, ``metrics`` (on the test set) and ``run_dir``.

    Example:
        >>> train(model="resnet20", dataset="cifar10", epochs=30, augment=True, optimizer="sgd",
        ...       learning_rate=0.1, schedule="onecycle", normalize=True, label_smoothing=0.1)
    """
    import keras

    from zoo.models import create_model

    owner = "image_classification.train"
    epochs, batch_size = check_int(epochs, "epochs", owner), check_int(batch_size, "batch_size", owner)
    check_int(seed, "seed", owner, minimum=0)
    check_choice(schedule, SCHEDULES, "schedule", owner)
    check_choice(optimizer, OPTIMIZERS, "optimizer", owner)
    check_number(learning_rate, "learning_rate", owner, low=0.0)
    check_number(weight_decay, "weight_decay", owner, low=0.0, low_open=False)
    check_number(label_smoothing, "label_smoothing", owner, low=0.0, high=1.0, low_open=False)
    check_number(validation_split, "validation_split", owner, low=0.0, high=1.0, low_open=False)
    if limit is not None:
        check_int(limit, "limit", owner)
    if augment:
        parse_augment(augment, (32, 32, 3))  # names and factors checked before any data is loaded
    runs.check_output_dir(output_dir, owner)
    if not isinstance(model, str) and not isinstance(model, keras.Model):
        raise ValueError(f"The 'model' parameter of {owner} must be a registered model name or a keras.Model. "
                         f"Got {type(model).__name__} instead.")
    config = {k: v for k, v in locals().items() if k not in ("keras", "create_model", "owner")}
    keras.utils.set_random_seed(seed)
    ds = load_image_dataset(dataset, data_path, **(dataset_kwargs or {}))
    (x_tr, y_tr), val = _split_validation(ds.x_train, ds.y_train, validation_split, seed)
    x_tr, y_tr = _subset(x_tr, y_tr, limit, seed)
    model_name = model if isinstance(model, str) else model.name
    base = create_model(model, task="image", input_shape=ds.input_shape, classes=ds.num_classes,
                        **(model_kwargs or {})) if isinstance(model, str) else model
    run_dir = runs.make_run_dir(output_dir, APPLICATION, model_name, ds.name)
    config.update(dataset=ds.name, class_names=ds.class_names, input_shape=ds.input_shape,
                  num_train=len(x_tr), num_validation=len(val[0]) if val else 0, num_test=len(ds.x_test))
    runs.save_config(run_dir, APPLICATION, config)

    mean = std = None
    if normalize:
        flat = x_tr.reshape(-1, ds.input_shape[-1]).astype("float64") / 255.0
        mean, std = flat.mean(0), flat.std(0) + 1e-7
    net = build_pipeline(base, ds.input_shape, augment, mean, std, name=f"{model_name}_{ds.name}")
    steps = epochs * int(np.ceil(len(x_tr) / batch_size))
    net.compile(
        optimizer=make_optimizer(optimizer, make_schedule(schedule, learning_rate, steps), weight_decay),
        loss=keras.losses.CategoricalCrossentropy(label_smoothing=label_smoothing),
        metrics=["accuracy"],
    )
    y_tr_1h = keras.utils.to_categorical(y_tr, ds.num_classes)
    val_data = (val[0], keras.utils.to_categorical(val[1], ds.num_classes)) if val else None
    backup = Path(backup_dir) if backup_dir else run_dir / "backup"
    callbacks = [keras.callbacks.BackupAndRestore(str(backup), delete_checkpoint=True)]
    start = time.perf_counter()
    hist = net.fit(x_tr, y_tr_1h, batch_size=batch_size, epochs=epochs, validation_data=val_data,
                   callbacks=callbacks, verbose=verbose)
    wall = time.perf_counter() - start

    net._zoo_card = {"class_names": ds.class_names, "dataset": ds.name}
    metrics = evaluate(net, ds, run_dir=run_dir)
    metrics["train_wall_time_s"] = wall
    metrics["epochs_run"] = len(hist.history.get("loss", []))
    metrics["train_images_per_s"] = len(x_tr) * max(1, metrics["epochs_run"]) / wall
    runs.save_model(net, run_dir / "model.keras")
    runs.save_history(run_dir, hist.history)
    runs.plot_learning_curves(hist.history, run_dir / "learning_curves.png")
    runs.write_json(run_dir / "metrics.json", metrics)
    result = runs.TrainResult(net, hist.history, metrics, run_dir)
    if save_as:
        publish(run_dir, save_as)
    return result


def publish(run_dir, name, saved_models_dir=None, reference_images=8, notes=None, target_accuracy=None):
    """Copy a run's model into ``saved_models/<name>.keras`` with a JSON model card and reference outputs.

    The card records the dataset, recipe, backend, epochs, wall time, test metrics, class names
    and the file's sha256. ``<name>.reference.npz`` holds a few test images and the probabilities
    the model gave on the backend it was trained on, so other backends can be checked against them.
    ``notes`` (free text) and ``target_accuracy`` (the test accuracy aimed at) are recorded on the card, with
    whether the model meets the target (on single-view accuracy). Models trained with ``"flip"`` also get
    ``test_accuracy_flip_tta`` (``evaluate(..., tta=True)``).
    """
    from zoo import saved_models
    from zoo.datasets import sha256sum

    run_dir = Path(run_dir)
    for needed in ("model.keras", "config.json", "metrics.json"):
        if not (run_dir / needed).exists():
            raise FileNotFoundError(f"The 'run_dir' parameter must be a finished run folder; {run_dir / needed} is missing.")
    folder = Path(saved_models_dir) if saved_models_dir else saved_models.saved_models_dir()
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{name}.keras"
    tmp = folder / f".{name}.tmp.keras"
    shutil.copyfile(run_dir / "model.keras", tmp)
    os.replace(tmp, target)
    config = json.loads((run_dir / "config.json").read_text())
    metrics = json.loads((run_dir / "metrics.json").read_text())
    card = {
        "name": name,
        "file": target.name,
        "sha256": sha256sum(target),
        "application": APPLICATION,
        "model": config.get("model"),
        "dataset": config.get("dataset"),
        "recipe": config.get("recipe"),
        "backend": config.get("backend"),
        "keras_version": config.get("keras_version"),
        "epochs": metrics.get("epochs_run", config.get("epochs")),
        "batch_size": config.get("batch_size"),
        "train_wall_time_s": round(float(metrics.get("train_wall_time_s", float("nan"))), 1),
        "train_images": config.get("num_train"),
        "test_metrics": {k: metrics[k] for k in ("accuracy", "precision_macro", "recall_macro", "f1_macro",
                                                 "num_examples", "per_class") if k in metrics},
        "class_names": config.get("class_names"),
        "input_shape": config.get("input_shape"),
        "input": "uint8 images (N, H, W, C), 0..255; preprocessing is inside the model",
        "config": config,
        "run_dir": str(run_dir),
        **({"target_accuracy": target_accuracy,
            "meets_target": bool(metrics.get("accuracy", 0.0) >= target_accuracy)}
           if target_accuracy is not None else {}),
        **({"notes": notes} if notes else {}),
        "published": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
    }
    ds = load_image_dataset(config["dataset"]) if config.get("dataset") in ("mnist", "cifar10", "digits") else None
    net = None
    if ds is not None:
        import keras

        net = keras.saving.load_model(target, compile=False)
    augment = augment_list(config.get("augment"), config.get("input_shape") or [0]) or []
    if net is not None and "flip" in [str(a).partition(":")[0] for a in augment]:
        probs = _test_probabilities(net, ds.x_test, tta=True)
        card["test_accuracy_flip_tta"] = float(np.mean(probs.argmax(-1) == ds.y_test))
    runs.write_json(saved_models.card_path(target), card)
    if reference_images and net is not None:
        idx = np.linspace(0, len(ds.x_test) - 1, reference_images).astype(int)
        probs = np.asarray(net.predict(ds.x_test[idx], verbose=0), dtype="float32")
        np.savez(folder / f"{name}.reference.npz", images=ds.x_test[idx], indices=idx, probabilities=probs,
                 labels=ds.y_test[idx], backend=np.array(keras.backend.backend()))
    return target


def _test_probabilities(net, images, batch_size=256, tta=False):
    """Class probabilities; with ``tta``, averaged with those of the mirror images (NHWC: width flipped)."""
    probs = np.asarray(net.predict(images, batch_size=batch_size, verbose=0))
    if tta:
        mirrored = np.ascontiguousarray(images[:, :, ::-1])
        probs = (probs + np.asarray(net.predict(mirrored, batch_size=batch_size, verbose=0))) / 2
    return probs


def evaluate(model, dataset, batch_size=256, run_dir=None, data_path=None, tta=False):
    """Test-set metrics: accuracy, macro and per-class precision/recall/F1, confusion matrix.

    ``model`` may be a Keras model, a ``.keras`` path or a saved-model name; ``dataset`` a name,
    a folder/archive path or an ImageDataset. With ``run_dir``, also writes ``confusion_matrix.png`` there.
    ``tta=True`` averages the probabilities of each image and its mirror image (flip test-time
    augmentation, for models trained with ``"flip"``; not for digits or text, which mirroring changes).

    Example:
        >>> evaluate("lenet5_mnist", "mnist")["accuracy"]
        >>> evaluate("resnet20_cifar10", "cifar10", tta=True)["accuracy"]
    """
    from zoo import saved_models

    net, _ = saved_models.load(model)
    ds = load_image_dataset(dataset, data_path)
    expected = tuple(net.input_shape[1:])
    if tuple(ds.input_shape) != expected:
        raise ValueError(f"The 'dataset' {ds.name} has images of shape {ds.input_shape}, but the model takes {expected}. "
                         f"Pass a dataset with that shape (e.g. load_image_folder(..., image_size=...)).")
    if not isinstance(tta, bool):
        raise TypeError(f"The 'tta' parameter of evaluate must be True or False. Got {tta!r}.")
    probs = _test_probabilities(net, ds.x_test, batch_size, tta)
    metrics = runs.classification_metrics(ds.y_test, probs.argmax(-1), ds.class_names)
    metrics["tta"] = tta
    if run_dir is not None:
        runs.plot_confusion_matrix(metrics["confusion_matrix"], ds.class_names, os.path.join(run_dir, "confusion_matrix.png"))
    return metrics


def _load_images(paths, input_shape):
    import keras

    missing = [str(p) for p in paths if not os.path.exists(p)]
    if missing:
        raise FileNotFoundError(f"The 'images_or_paths' argument names files that do not exist: {missing[:5]}.")
    color = "grayscale" if input_shape[-1] == 1 else "rgb"
    arrays = [keras.utils.img_to_array(keras.utils.load_img(p, color_mode=color, target_size=input_shape[:2]))
              for p in paths]
    return np.stack(arrays).astype("float32")


def predict(model, images_or_paths, top_k=1):
    """Class names with probabilities for images (uint8 array, NHWC) or image file paths.

    Returns:
        A list (one per image) of lists of ``(class_name, probability)``, best first.

    Example:
        >>> predict("lenet5_mnist", "digit.png", top_k=3)
        [[('7', 0.98), ('1', 0.01), ('9', 0.004)]]
    """
    from zoo import saved_models

    net, card = saved_models.load(model)
    input_shape = tuple(net.input_shape[1:])
    if isinstance(images_or_paths, (str, os.PathLike)):
        images_or_paths = [images_or_paths]
    if isinstance(images_or_paths, (list, tuple)) and images_or_paths and isinstance(images_or_paths[0], (str, os.PathLike)):
        x = _load_images(images_or_paths, input_shape)
    else:
        x = np.asarray(images_or_paths, dtype="float32")
        if x.shape == input_shape:  # one image
            x = x[None]
        elif input_shape[-1] == 1 and x.shape == input_shape[:-1]:  # one grayscale image without channel axis
            x = x[None, ..., None]
        elif input_shape[-1] == 1 and x.shape[1:] == input_shape[:-1]:  # grayscale batch without channel axis
            x = x[..., None]
        if x.shape[1:] != input_shape:
            raise ValueError(f"The images must have shape (N, {', '.join(map(str, input_shape))}) for this model. Got {x.shape}.")
    probs = np.asarray(net.predict(x, verbose=0))
    names = card.get("class_names") or [str(i) for i in range(probs.shape[-1])]
    order = np.argsort(-probs, axis=-1)[:, :top_k]
    return [[(names[j], float(p[j])) for j in row] for p, row in zip(probs, order)]


def fine_tune(base, dataset, **kwargs):
    """Transfer learning: new head on ``base``, train it frozen, then unfreeze the top blocks.

    See ``zoo.applications.transfer.fine_tune`` for the arguments.
    """
    from zoo.applications.transfer import fine_tune as _fine_tune

    return _fine_tune(base, dataset, **kwargs)
