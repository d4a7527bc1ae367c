"""Image classification: train, evaluate, predict and fine-tune Keras models on image datasets.

A facade over ``zoo.tasks.image`` run by the one run loop (``zoo.core.runner``). Every model
this application saves takes raw uint8 images (N, H, W, C): rescaling, normalisation and
augmentation are layers inside the saved ``.keras`` file.

Example:
    >>> from zoo.applications import image_classification as ic
    >>> result = ic.train(model="lenet5", dataset="mnist", epochs=2)
    >>> ic.evaluate(result.model, "mnist")["accuracy"]
    >>> ic.predict("lenet5_mnist", images[:3])      # [[('7', 0.99...)], ...]
"""

from __future__ import annotations

import warnings
from pathlib import Path

from zoo.core.runner import run
from zoo.datasets.images import load_image_dataset
from zoo.errors import ZooValueError
from zoo.tasks.image.preprocessing import (  # noqa: F401  (public helpers)
    AUGMENTATIONS,
    augment_list,
    augmentation_layers,
    build_pipeline,
    parse_augment,
)
from zoo.tasks.image.task import ImageClassification, evaluate_images, predict_images
from zoo.tasks.optim import OPTIMIZERS, SCHEDULES, make_optimizer, make_schedule  # noqa: F401

APPLICATION = ImageClassification.application


def _backup_dir_ignored(backup_dir):
    if backup_dir is not None:
        warnings.warn("'backup_dir' is no longer needed: an interrupted run resumes when the same command is run "
                      "again (its checkpoints live in its own run folder). The argument is ignored.",
                      DeprecationWarning, stacklevel=3)


def train(model="lenet5", dataset="mnist", epochs=10, batch_size=128, augment=False, seed=0, output_dir=None,
          learning_rate=1e-3, optimizer="adam", weight_decay=0.0, label_smoothing=0.0, schedule="cosine",
          validation_split=0.1, normalize=False, limit=None, data_path=None, dataset_kwargs=None, model_kwargs=None,
          backup_dir=None, save_as=None, verbose="auto", resume=True, force=False, precision="fp32", distribution=None):
    """Train ``model`` on ``dataset`` and write a run folder.

    Args:
        model: a registered image model name (see ``zoo models --task image``) or a Keras model
            that takes images scaled to [0, 1].
        precision: ``"fp32"`` (default), ``"bf16"`` or ``"fp16"`` (Keras mixed-precision policies).
        distribution: ``"data_parallel"`` splits each batch across the backend's devices (Keras'
            distribution API; jax only); ``None`` trains on one device.
        dataset: ``"mnist"``, ``"cifar10"``, ``"digits"``, the path of a folder of class
            sub-folders (or an archive of one), or an ImageDataset.
        epochs, batch_size, learning_rate, label_smoothing: the usual.
        optimizer: ``"adam"``, ``"adamw"`` or ``"sgd"`` (Nesterov momentum 0.9).
        weight_decay: decoupled weight decay (AdamW / SGD).
        augment: False, True, or a list of names (flip, crop, cutout, translate, rotate, zoom,
            contrast, brightness), each optionally ``name:factor``.
        schedule: ``"cosine"``, ``"onecycle"``, ``"step"`` or ``"constant"`` (see ``zoo.tasks.optim.make_schedule``).
        validation_split: stratified fraction of training images held out for validation.
        normalize: standardise per channel with the training set's mean/std (inside the model).
        limit: train on at most this many images (quick runs and tests).
        data_path: where the dataset lives, if not found via ZOO_DATA_DIR / the cache.
        dataset_kwargs: extra arguments of the dataset loader (e.g. ``image_size`` for a folder).
        resume: run the same arguments again after an interruption and training continues from
            the last finished epoch in the same run folder (``False``: always a new folder).
        save_as: publish the finished model as ``saved_models/<save_as>.keras`` with a model card;
            refused if a better model of that name exists, unless ``force=True``.
        backup_dir: ignored (runs resume by themselves); kept so old calls still work.
        output_dir: parent of the run folder (default ``runs/``).

    Returns:
        TrainResult with ``model``, ``history``, ``metrics`` (on the test set) and ``run_dir``.

    Example:
        >>> train(model="resnet20", dataset="cifar10", epochs=30, augment=True, optimizer="sgd",
        ...       learning_rate=0.1, schedule="onecycle", normalize=True, label_smoothing=0.1)
    """
    _backup_dir_ignored(backup_dir)
    config = {k: v for k, v in locals().items() if k not in ("output_dir", "backup_dir", "save_as", "resume", "force")}
    return run(ImageClassification(**config), output_dir=output_dir, resume=resume, publish=save_as, force=force)


def fine_tune(base, dataset, weights="imagenet", epochs=5, fine_tune_epochs=5, unfreeze_blocks=2, learning_rate=1e-3,
              fine_tune_learning_rate=1e-4, batch_size=32, augment=False, label_smoothing=0.0, head_dropout=0.0,
              image_size=None, base_kwargs=None, validation_split=0.1, limit=None, seed=0, data_path=None,
              dataset_kwargs=None, output_dir=None, save_as=None, verbose="auto", resume=True, force=False,
              precision="fp32", distribution=None):
    """Transfer learning: a new head on a pretrained ``base``, trained frozen, then the top blocks unfrozen.

    Args:
        base: a saved-model name, a ``.keras`` path or Keras model made by this application, a
            keras.applications name (``"MobileNetV2"``) or a KerasHub preset (name, ``hf://`` or
            ``kaggle://`` handle, local folder). See ``zoo.tasks.image.transfer``.
        dataset: a dataset name, a folder/archive path, or an ImageDataset.
        weights: for keras.applications bases: ``"imagenet"``, ``None`` or a weights file path.
        epochs: phase 1 epochs (head only) at ``learning_rate``.
        fine_tune_epochs: phase 2 epochs (top blocks unfrozen) at ``fine_tune_learning_rate``; 0 skips it.
        unfreeze_blocks: how many top blocks phase 2 trains (``"all"`` for the whole base).
        base_kwargs: extra arguments of a keras.applications builder (e.g. ``{"alpha": 0.35}``).
        image_size: (height, width) the base sees (keras.applications default: 224x224, or the
            dataset's size when that is at least 32x32); images are resized inside the model.
        the rest: as in ``train``.

    Returns:
        TrainResult (model, history of both phases, test metrics, run folder).
    """
    if base is None:
        raise ZooValueError("The 'base' parameter of fine_tune is required: a saved model, a .keras path, a "
                         "keras.applications name or a KerasHub preset.")
    config = {k: v for k, v in locals().items() if k not in ("output_dir", "save_as", "resume", "force")}
    return run(ImageClassification(**config), output_dir=output_dir, resume=resume, publish=save_as, force=force)


def publish(run_dir, name, saved_models_dir=None, reference_images=8, notes=None, target_accuracy=None, force=False):
    """Publish a finished run as ``saved_models/<name>.keras`` with its model card and the outputs for
    ``reference_images`` test images (see ``zoo.core.publish``); ``target_accuracy`` is recorded with
    whether the model meets it. A better model of that name is kept unless ``force=True``."""
    from zoo.core import publish as core
    from zoo.core.io import read_json
    from zoo.tasks import task_of_run

    path = Path(run_dir) / "metrics.json"
    metrics = read_json(path) if path.exists() else {}  # a missing file: core.publish says what is wrong
    extra = ({"target_accuracy": target_accuracy, "meets_target": bool(metrics.get("accuracy", 0.0) >= target_accuracy)}
             if target_accuracy is not None else None)
    return core.publish(run_dir, name, task_of_run(run_dir), saved_models_dir=saved_models_dir, force=force, notes=notes, extra=extra,
                        references=reference_images)


def evaluate(model, dataset, batch_size=256, run_dir=None, data_path=None, tta=False):
    """Test-set metrics: accuracy, macro and per-class precision/recall/F1, confusion matrix.

    ``model`` may be a Keras model, a ``.keras`` path or a saved-model name; ``dataset`` a name,
    a folder/archive path or an ImageDataset. With ``run_dir``, also writes ``confusion_matrix.png``.
    ``tta=True`` averages each image's probabilities with its mirror image's (for models trained with "flip").

    Example:
        >>> evaluate("lenet5_mnist", "mnist")["accuracy"]
    """
    from zoo import saved_models

    net, _ = saved_models.load(model)
    return evaluate_images(net, load_image_dataset(dataset, data_path), batch_size, tta, run_dir)


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
    return predict_images(net, card, images_or_paths, top_k)
