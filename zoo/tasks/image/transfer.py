"""Transfer learning, a capability of the image task: a new head on a pretrained base, frozen then fine-tuned.

``fine_tune(base=..., dataset=...)`` accepts as ``base``:

- a name in ``saved_models/`` (e.g. ``"lenet5_mnist"``), a ``.keras`` path, or a Keras model
  made by this application (raw uint8 images in; its own rescaling/normalisation is reused);
- a keras.applications model name (``"ResNet50"``, ``"MobileNetV2"``, ``"EfficientNetB0"``, ...)
  with ``weights="imagenet"`` (downloaded by Keras on first use), ``None``, or a weights file;
- a KerasHub image preset: a preset name (``"resnet_18_imagenet"``), an ``hf://`` or
  ``kaggle://`` handle, or a local preset folder (needs the ``hub`` extra).

The base's classifier is replaced by ``Dense(classes)``. Phase 1 trains only the head with the
base frozen (BatchNormalization in inference mode); phase 2 unfreezes the top
``unfreeze_blocks`` blocks (BatchNormalization stays frozen, as the Keras transfer-learning
guide recommends) and trains on at a lower learning rate.

Example:
    >>> from zoo.applications import image_classification as ic
    >>> ic.fine_tune(base="lenet5_mnist", dataset="digits", epochs=10, fine_tune_epochs=10)
    >>> ic.fine_tune(base="MobileNetV2", weights="imagenet", dataset="~/photos/flowers", image_size=(96, 96))
"""

from __future__ import annotations

import dataclasses
import os
import re
from pathlib import Path

import numpy as np

from zoo.errors import DataNotFoundError, ZooValueError, check_int

# keras.applications module -> how its preprocess_input scales raw 0..255 RGB images.
_KERAS_APP_MODES = {
    "vgg16": "caffe", "vgg19": "caffe", "resnet": "caffe",
    "mobilenet": "tf", "mobilenet_v2": "tf", "resnet_v2": "tf", "inception_v3": "tf",
    "inception_resnet_v2": "tf", "xception": "tf", "nasnet": "tf",
    "densenet": "torch",
    # These models rescale inside themselves and take raw 0..255 images.
    "efficientnet": "raw", "efficientnet_v2": "raw", "convnext": "raw", "mobilenet_v3": "raw", "regnet": "raw",
}
_CAFFE_BGR_MEAN = (103.939, 116.779, 123.68)
_TORCH_MEAN, _TORCH_STD = (0.485, 0.456, 0.406), (0.229, 0.224, 0.225)


@dataclasses.dataclass
class Base:
    """A resolved base: its feature extractor and how raw images reach it."""

    kind: str                 # "zoo", "keras.applications" or "keras_hub"
    source: str
    features: object          # keras.Model: preprocessed images -> features
    input_shape: tuple        # what ``features`` takes (H, W, C)
    preprocess: list          # layers mapping raw 0..255 float images to the input of ``features``


# --------------------------------------------------------------------------- resolving the base


def _zoo_base(net, source) -> Base:
    """Split a Keras classifier into preprocessing and a feature extractor (everything below its head).

    Zoo models (input named ``image``) take raw 0..255 images and carry their own preprocessing:
    a trained pipeline (uint8 -> rescale -> [augment] -> [normalize] -> core) reuses its rescale and
    normalize layers in front of the core's features; a fine-tuned model is cut below its
    ``predictions`` layer. Any other Keras model is taken to expect images scaled to [0, 1].
    """
    import keras

    raw_input = net.inputs[0].name == "image"
    layers = [layer for layer in net.layers if not isinstance(layer, keras.layers.InputLayer)]
    core = layers[-1]
    if raw_input and isinstance(core, keras.Model):
        preprocess = [layer for layer in layers if layer.name in ("rescale", "normalize")]
        head = core.get_layer("predictions") if any(l.name == "predictions" for l in core.layers) else core.layers[-1]
        features = keras.Model(core.inputs, head.input, name=f"{core.name}_features")
        return Base("zoo", source, features, tuple(core.inputs[0].shape[1:]), preprocess)
    head = net.get_layer("predictions") if any(l.name == "predictions" for l in layers) else layers[-1]
    features = keras.Model(net.inputs, head.input, name=f"{net.name}_features")
    preprocess = [] if raw_input else [keras.layers.Rescaling(1.0 / 255, name="rescale")]
    return Base("zoo", source, features, tuple(net.inputs[0].shape[1:]), preprocess)


def _keras_app_preprocess(mode):
    import keras

    if mode == "tf":
        return [keras.layers.Rescaling(1.0 / 127.5, offset=-1.0, name="preprocess_tf")]
    if mode == "torch":
        return [keras.layers.Rescaling(1.0 / 255, name="rescale"),
                keras.layers.Normalization(mean=_TORCH_MEAN, variance=np.square(_TORCH_STD), name="preprocess_torch")]
    if mode == "caffe":
        # RGB -> BGR and mean subtraction as a frozen 1x1 convolution: a built-in layer, so the
        # saved model loads anywhere without custom code.
        conv = keras.layers.Conv2D(3, 1, trainable=False, name="preprocess_caffe")
        conv.build((None, None, None, 3))
        conv.set_weights([np.eye(3, dtype="float32")[::-1].reshape(1, 1, 3, 3),
                          -np.asarray(_CAFFE_BGR_MEAN, dtype="float32")])
        return [conv]
    return []


def _keras_app_base(name, weights, image_size, base_kwargs=None) -> Base:
    import keras

    builder = getattr(keras.applications, name)
    module = builder.__module__.rsplit(".", 1)[-1]
    mode = _KERAS_APP_MODES.get(module)
    if mode is None:
        raise ZooValueError(f"The 'base' parameter names keras.applications.{name}, whose preprocessing the zoo "
                         f"does not know (module {module!r}). Known families: {sorted(_KERAS_APP_MODES)}.")
    shape = (*image_size, 3)
    try:
        app = builder(include_top=False, weights=weights, input_shape=shape, pooling="avg", **(base_kwargs or {}))
    except Exception as err:  # Keras raises several types for a failed download
        if weights == "imagenet" and ("URL" in str(err) or "fetch" in str(err).lower() or isinstance(err, OSError)):
            raise DataNotFoundError(
                f"Could not download the ImageNet weights of keras.applications.{name} ({err}). Offline, download "
                f"them elsewhere and pass weights='<path to the .h5 file>', or use a base from saved_models/."
            ) from err
        raise
    return Base("keras.applications", name, app, shape, _keras_app_preprocess(mode))


def _is_hub_preset(base: str) -> bool:
    if base.startswith(("hf://", "kaggle://", "modelscope://")):
        return True
    p = Path(base).expanduser()
    if p.is_dir() and ((p / "config.json").exists() or (p / "metadata.json").exists()):
        return True
    try:
        import keras_hub
    except ImportError:
        return False
    return base in keras_hub.models.Backbone.presets


def _hub_base(preset) -> Base:
    import keras

    from zoo.models.text import import_keras_hub

    keras_hub = import_keras_hub()
    try:
        backbone = keras_hub.models.Backbone.from_preset(preset)
    except Exception as err:
        if Path(str(preset)).expanduser().is_dir():
            raise
        raise DataNotFoundError(
            f"Could not load the KerasHub preset {preset!r} ({type(err).__name__}: {err}). Online, this downloads it; "
            f"offline, download the preset elsewhere and pass its local folder as base=."
        ) from err
    preprocess, size = [], None
    try:
        converter = keras_hub.layers.ImageConverter.from_preset(preset)
    except Exception:
        converter = None
    if converter is not None:
        size = tuple(converter.image_size) if getattr(converter, "image_size", None) else None
        scale, offset = getattr(converter, "scale", None), getattr(converter, "offset", None)
        scale = np.ones(3) if scale is None else np.broadcast_to(np.asarray(scale, dtype="float64"), (3,))
        offset = np.zeros(3) if offset is None else np.broadcast_to(np.asarray(offset, dtype="float64"), (3,))
        # x * scale + offset == (x - mean) / sqrt(variance) with mean = -offset/scale, variance = 1/scale^2.
        preprocess.append(keras.layers.Normalization(mean=-offset / scale, variance=1.0 / np.square(scale),
                                                     name="preprocess_hub"))
    shape = tuple(backbone.inputs[0].shape[1:])
    if size is not None:
        shape = (*size, shape[-1])
    return Base("keras_hub", str(preset), backbone, shape, preprocess)


def base_kind(base) -> str:
    """What ``base`` names, without loading it: ``"model"``, ``"keras_app"``, ``"saved"`` or ``"hub"``; a clear
    error for anything else (checked with the other arguments, before data is read or a run folder made)."""
    import keras

    from zoo import saved_models

    if isinstance(base, keras.Model):
        return "model"
    if not isinstance(base, (str, os.PathLike)):
        raise ZooValueError(f"The 'base' parameter must be a saved-model name, a .keras path, a keras.applications "
                         f"name, a KerasHub preset or a keras.Model. Got {type(base).__name__} instead.")
    base = str(base)
    if hasattr(keras.applications, base) and callable(getattr(keras.applications, base)):
        return "keras_app"
    if base.endswith(".keras") or base in saved_models.list_saved_models():
        return "saved"
    if _is_hub_preset(base):
        return "hub"
    raise ZooValueError(
        f"The 'base' parameter {base!r} is not a saved model ({', '.join(saved_models.list_saved_models()) or 'none'}), "
        f"a .keras file, a keras.applications model (e.g. 'ResNet50', 'MobileNetV2') or a KerasHub preset "
        f"(a name, an hf:// or kaggle:// handle, or a local preset folder)."
    )


def resolve_base(base, weights="imagenet", image_size=None, base_kwargs=None) -> Base:
    """The feature extractor and preprocessing for ``base`` (see the module docstring for the forms)."""
    from zoo import saved_models

    kind = base_kind(base)
    if kind == "model":
        return _zoo_base(base, base.name)
    base = str(base)
    if kind == "keras_app":
        return _keras_app_base(base, weights, image_size or (224, 224), base_kwargs)
    if kind == "saved":
        net, _ = saved_models.load(base)
        return _zoo_base(net, base)
    return _hub_base(base)


# --------------------------------------------------------------------------- blocks


def layer_blocks(model) -> list[tuple[str, list]]:
    """Weighted layers of ``model`` grouped into blocks by name prefix, bottom to top.

    ``conv5_block3_2_conv`` -> ``conv5`` (keras.applications ResNet stage), ``block_16_project`` ->
    ``block_16`` (MobileNetV2), ``fc1`` -> ``fc1``; names without digits are their own block.
    """
    blocks: dict[str, list] = {}
    for layer in _flat_layers(model):
        if not layer.weights:
            continue
        match = re.match(r"^([A-Za-z_]*?\d+)", layer.name)
        key = match.group(1) if match else layer.name
        blocks.setdefault(key, []).append(layer)
    return list(blocks.items())


def _flat_layers(model):
    import keras

    for layer in model.layers:
        if isinstance(layer, keras.Model):
            yield from _flat_layers(layer)
        else:
            yield layer


def unfreeze_top(features, unfreeze_blocks) -> list[str]:
    """Make the top ``unfreeze_blocks`` blocks trainable (``"all"`` for every block); BatchNorm stays frozen."""
    import keras

    blocks = layer_blocks(features)
    if unfreeze_blocks == "all":
        chosen = blocks
    else:
        check_int(unfreeze_blocks, "unfreeze_blocks", "fine_tune", minimum=0)
        chosen = blocks[len(blocks) - unfreeze_blocks:] if unfreeze_blocks else []
    features.trainable = True
    for layer in _flat_layers(features):
        layer.trainable = False
    for _, layers in chosen:
        for layer in layers:
            if not isinstance(layer, keras.layers.BatchNormalization):
                layer.trainable = True
    return [name for name, _ in chosen]


# --------------------------------------------------------------------------- fine_tune


def build_transfer_model(base: Base, input_shape, classes, augment=False, head_dropout=0.0, name="transfer"):
    """uint8 images -> [resize] -> [gray->RGB] -> [augment] -> base preprocessing -> features -> Dense(classes)."""
    import keras

    from zoo.tasks.image.preprocessing import augmentation_layers

    inputs = keras.Input(shape=input_shape, name="image")
    x = inputs
    want = base.input_shape
    if tuple(input_shape[:2]) != tuple(want[:2]) and None not in want[:2]:
        x = keras.layers.Resizing(want[0], want[1], name="resize")(x)
    if input_shape[-1] != want[-1]:
        if input_shape[-1] == 1 and want[-1] == 3:
            x = keras.layers.Concatenate(name="gray_to_rgb")([x, x, x])
        else:
            raise ZooValueError(f"The dataset has {input_shape[-1]}-channel images but the base {base.source} takes "
                             f"{want[-1]} channels. Load the images with the matching color_mode.")
    if augment:
        x = augmentation_layers((*want[:2], want[-1]), augment, value_range=(0.0, 255.0))(x)
    for layer in base.preprocess:
        x = layer(x)
    x = base.features(x)
    if len(x.shape) == 4:
        x = keras.layers.GlobalAveragePooling2D(name="avg_pool")(x)
    elif len(x.shape) == 3:
        x = keras.layers.GlobalAveragePooling1D(name="token_pool")(x)
    if head_dropout:
        x = keras.layers.Dropout(head_dropout, name="head_dropout")(x)
    outputs = keras.layers.Dense(classes, activation="softmax", name="predictions")(x)
    return keras.Model(inputs, outputs, name=name)


def count_trainable(model) -> int:
    return int(sum(np.prod(w.shape) for w in model.trainable_weights))
