"""Image classification: train, evaluate, predict (and fine-tune) Keras models on image datasets.

Example:
    >>> from zoo.applications import image_classification as ic
    >>> result = ic.train(model="lenet5", dataset="mnist", epochs=2)
    >>> ic.evaluate(result.model, "mnist")["accuracy"]
"""

from __future__ import annotations

import os
import time

import numpy as np

from zoo.applications import runs
from zoo.datasets.images import ImageDataset, load_image_dataset
from zoo.errors import check_int

APPLICATION = "image_classification"


def build_pipeline(base, input_shape, augment=False, mean=None, std=None, name="classifier"):
    """Wrap ``base`` so the saved model takes raw uint8 images: rescale, normalise, augment."""
    import keras

    inputs = keras.Input(shape=input_shape, name="image")
    x = keras.layers.Rescaling(1.0 / 255, name="rescale")(inputs)
    if mean is not None:
        x = keras.layers.Normalization(mean=mean, variance=np.square(std), name="normalize")(x)
    if augment:
        x = augmentation_layers(input_shape, augment)(x)
    outputs = base(x)
    return keras.Model(inputs, outputs, name=name)


def augmentation_layers(input_shape, augment):
    """Keras preprocessing layers (active only in training) that run on every backend.

    ``augment`` is True (flip + translate for colour images, translate only for
    single-channel digits, where flips change the class) or a list of names from
    ``flip``, ``translate``, ``rotate``, ``zoom``, ``contrast``.
    """
    import keras

    if augment is True:
        augment = ["flip", "translate"] if input_shape[-1] == 3 else ["translate"]
    layers = {
        "flip": lambda: keras.layers.RandomFlip("horizontal"),
        "translate": lambda: keras.layers.RandomTranslation(0.125, 0.125, fill_mode="constant"),
        "rotate": lambda: keras.layers.RandomRotation(0.05, fill_mode="constant"),
        "zoom": lambda: keras.layers.RandomZoom(0.1, fill_mode="constant"),
        "contrast": lambda: keras.layers.RandomContrast(0.2),
    }
    unknown = [a for a in augment if a not in layers]
    if unknown:
        raise ValueError(f"The 'augment' parameter accepts True or a list of {sorted(layers)}. Got unknown {unknown}.")
    return keras.Sequential([layers[a]() for a in augment], name="augment")


def _split_validation(ds: ImageDataset, validation_split: float, seed: int):
    if not 0.0 <= validation_split < 1.0:
        raise ValueError(f"The 'validation_split' parameter must be in [0, 1). Got {validation_split!r}.")
    rng = np.random.default_rng(seed)
    order = rng.permutation(len(ds.x_train))
    n_val = int(round(validation_split * len(order)))
    val, tr = order[:n_val], order[n_val:]
    return (ds.x_train[tr], ds.y_train[tr]), (ds.x_train[val], ds.y_train[val]) if n_val else None


def _subset(x, y, limit, seed):
    if limit is None or limit >= len(x):
        return x, y
    idx = np.random.default_rng(seed).permutation(len(x))[:limit]
    return x[idx], y[idx]


def train(
    model="lenet5",
    dataset="mnist",
    epochs=10,
    batch_size=128,
    augment=False,
    seed=0,
    output_dir=None,
    learning_rate=1e-3,
    weight_decay=0.0,
    label_smoothing=0.0,
    schedule="cosine",
    validation_split=0.1,
    normalize=False,
    limit=None,
    data_path=None,
    model_kwargs=None,
    verbose="auto",
):
    """Train ``model`` on ``dataset`` and write a run folder.

    Args:
        model: a registered image model name (see ``zoo models --task image``).
        dataset: ``"mnist"`` (more via zoo.datasets.images) or an ImageDataset.
        epochs, batch_size, learning_rate, weight_decay, label_smoothing: the usual.
        augment: False, True, or a list of augmentation names (see augmentation_layers).
        schedule: ``"cosine"`` (decay to 0 with a short warm-up) or ``"constant"``.
        validation_split: fraction of training images held out for validation.
        normalize: standardise per channel with the training set's mean/std.
        limit: train on at most this many images (quick runs and tests).
        output_dir: parent of the run folder (default ``runs/``).

    Returns:
        TrainResult with ``model``, ``history``, ``metrics`` (on the test set) and ``run_dir``.
    """
    import keras

    from zoo.models import create_model

    check_int(epochs, "epochs", "image_classification.train")
    check_int(batch_size, "batch_size", "image_classification.train")
    config = {k: v for k, v in locals().items() if k not in ("keras", "create_model")}
    keras.utils.set_random_seed(seed)
    ds = load_image_dataset(dataset, data_path)
    (x_tr, y_tr), val = _split_validation(ds, validation_split, seed)
    x_tr, y_tr = _subset(x_tr, y_tr, limit, seed)
    model_name = model if isinstance(model, str) else model.name
    run_dir = runs.make_run_dir(output_dir, APPLICATION, model_name, ds.name)
    config.update(dataset=ds.name, class_names=ds.class_names, input_shape=ds.input_shape)
    runs.save_config(run_dir, APPLICATION, config)

    base = create_model(model, task="image", input_shape=ds.input_shape, classes=ds.num_classes,
                        **(model_kwargs or {})) if isinstance(model, str) else model
    mean = std = None
    if normalize:
        flat = x_tr.reshape(-1, ds.input_shape[-1]).astype("float64") / 255.0
        mean, std = flat.mean(0), flat.std(0) + 1e-7
    net = build_pipeline(base, ds.input_shape, augment, mean, std, name=f"{model_name}_{ds.name}")

    steps = epochs * int(np.ceil(len(x_tr) / batch_size))
    if schedule == "cosine":
        lr = keras.optimizers.schedules.CosineDecay(
            0.0, steps, warmup_target=learning_rate, warmup_steps=max(1, steps // 20))
    elif schedule == "constant":
        lr = learning_rate
    else:
        raise ValueError(f"The 'schedule' parameter must be 'cosine' or 'constant'. Got {schedule!r}.")
    optimizer = keras.optimizers.AdamW(lr, weight_decay=weight_decay) if weight_decay else keras.optimizers.Adam(lr)
    net.compile(
        optimizer=optimizer,
        loss=keras.losses.CategoricalCrossentropy(label_smoothing=label_smoothing),
        metrics=["accuracy"],
    )
    y_tr_1h = keras.utils.to_categorical(y_tr, ds.num_classes)
    val_data = (val[0], keras.utils.to_categorical(val[1], ds.num_classes)) if val else None
    callbacks = [keras.callbacks.BackupAndRestore(str(run_dir / "backup"), delete_checkpoint=True)]
    start = time.perf_counter()
    hist = net.fit(x_tr, y_tr_1h, batch_size=batch_size, epochs=epochs, validation_data=val_data,
                   callbacks=callbacks, verbose=verbose)
    wall = time.perf_counter() - start

    net._zoo_card = {"class_names": ds.class_names, "dataset": ds.name}
    metrics = evaluate(net, ds, run_dir=run_dir)
    metrics["train_wall_time_s"] = wall
    metrics["train_images_per_s"] = len(x_tr) * epochs / wall
    runs.save_model(net, run_dir / "model.keras")
    runs.save_history(run_dir, hist.history)
    runs.plot_learning_curves(hist.history, run_dir / "learning_curves.png")
    runs.write_json(run_dir / "metrics.json", metrics)
    return runs.TrainResult(net, hist.history, metrics, run_dir)


def evaluate(model, dataset, batch_size=256, run_dir=None, data_path=None):
    """Test-set metrics: accuracy, macro and per-class precision/recall/F1, confusion matrix.

    ``model`` may be a Keras model, a ``.keras`` path or a saved-model name.
    With ``run_dir``, also writes ``confusion_matrix.png`` there.
    """
    from zoo import saved_models

    net, _ = saved_models.load(model)
    ds = load_image_dataset(dataset, data_path)
    probs = np.asarray(net.predict(ds.x_test, batch_size=batch_size, verbose=0))
    metrics = runs.classification_metrics(ds.y_test, probs.argmax(-1), ds.class_names)
    if run_dir is not None:
        runs.plot_confusion_matrix(metrics["confusion_matrix"], ds.class_names, os.path.join(run_dir, "confusion_matrix.png"))
    return metrics


def _load_images(paths, input_shape):
    import keras

    color = "grayscale" if input_shape[-1] == 1 else "rgb"
    arrays = [keras.utils.img_to_array(keras.utils.load_img(p, color_mode=color, target_size=input_shape[:2]))
              for p in paths]
    return np.stack(arrays).astype("float32")


def predict(model, images_or_paths, top_k=1):
    """Class names with probabilities for images (uint8 array, NHWC) or image file paths.

    Returns:
        A list (one per image) of lists of ``(class_name, probability)``, best first.
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
        if x.ndim == len(input_shape):
            x = x[None]
        if x.ndim == len(input_shape) and input_shape[-1] == 1:
            x = x[..., None]
        if x.shape[1:] != input_shape:
            raise ValueError(f"The images must have shape (N, {', '.join(map(str, input_shape))}) for this model. Got {x.shape}.")
    probs = np.asarray(net.predict(x, verbose=0))
    names = card.get("class_names") or [str(i) for i in range(probs.shape[-1])]
    order = np.argsort(-probs, axis=-1)[:, :top_k]
    return [[(names[j], float(p[j])) for j in row] for p, row in zip(probs, order)]
