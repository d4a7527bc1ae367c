"""What every image builder shares: the keras.applications arguments, checked before any layer is built.

Every builder takes ``include_top, weights, input_shape, pooling, classes,
classifier_activation, name`` with keras.applications' meaning:

- ``include_top``: end with the classifier (True) or return the feature map / pooled features.
- ``weights``: ``None`` (random initialisation) or the path of a weights file
  (``.weights.h5``) saved from the same builder. The zoo publishes no ImageNet
  weights of its own: ``"imagenet"`` is refused with a pointer to
  ``fine_tune(base="ResNet50", weights="imagenet")``, which uses keras.applications.
- ``pooling``: with ``include_top=False``, ``None`` (4-D feature map), ``"avg"`` or ``"max"``.
"""

from __future__ import annotations

import os

from zoo.errors import ZooFileNotFoundError, ZooValueError

POOLINGS = (None, "avg", "max")
WEIGHT_SUFFIXES = (".weights.h5", ".h5", ".keras")


def check_image_args(owner, include_top, weights, input_shape, pooling, classes, classifier_activation,
                     min_size=1, channels=None, fixed_size_top=False):
    """Validate the shared arguments; returns ``input_shape`` as a tuple.

    Raises:
        ValueError: naming the argument, what was expected and what was received.
    """
    if not isinstance(include_top, bool):
        raise ZooValueError(f"The 'include_top' parameter of {owner} must be True or False. Got {include_top!r} instead.")
    if weights is not None:
        if weights == "imagenet":
            raise ZooValueError(
                f"The 'weights' parameter of {owner} is 'imagenet', but the zoo publishes no ImageNet weights "
                f"for its own {owner}. Pass weights=None (random) or a .weights.h5 file saved from this builder; "
                f"for ImageNet-pretrained bases use keras.applications, e.g. "
                f"image_classification.fine_tune(base='ResNet50', weights='imagenet', ...)."
            )
        if not isinstance(weights, (str, os.PathLike)) or not str(weights).endswith(WEIGHT_SUFFIXES):
            raise ZooValueError(
                f"The 'weights' parameter of {owner} must be None or the path of a weights file "
                f"(ending in {', '.join(WEIGHT_SUFFIXES)}). Got {weights!r} instead."
            )
        if not os.path.exists(weights):
            raise ZooFileNotFoundError(f"The 'weights' parameter of {owner} names {weights}, which does not exist.")
    if (not isinstance(input_shape, (tuple, list)) or len(input_shape) != 3
            or not all(d is None or (isinstance(d, int) and not isinstance(d, bool) and d > 0) for d in input_shape)
            or input_shape[-1] is None):
        raise ZooValueError(
            f"The 'input_shape' parameter of {owner} must be (height, width, channels) with positive ints "
            f"(height/width may be None). Got {input_shape!r} instead."
        )
    for side in input_shape[:2]:
        if side is not None and side < min_size:
            raise ZooValueError(
                f"The 'input_shape' parameter of {owner} must have height and width >= {min_size} "
                f"(the network downsamples that much). Got {tuple(input_shape)!r} instead; resize the images "
                f"or pick a model for small images (e.g. resnet20 for 32x32)."
            )
    if channels is not None and input_shape[-1] != channels:
        raise ZooValueError(f"The 'input_shape' parameter of {owner} must have {channels} channels. Got {tuple(input_shape)!r}.")
    if include_top and fixed_size_top and None in input_shape[:2]:
        raise ZooValueError(
            f"The 'input_shape' parameter of {owner} must have a fixed height and width when include_top=True "
            f"(the classifier flattens the feature map). Got {tuple(input_shape)!r}."
        )
    if pooling not in POOLINGS:
        raise ZooValueError(f"The 'pooling' parameter of {owner} must be one of None, 'avg', 'max'. Got {pooling!r} instead.")
    if isinstance(classes, bool) or not isinstance(classes, int) or classes < 1:
        raise ZooValueError(f"The 'classes' parameter of {owner} must be an int in the range [1, inf). Got {classes!r} instead.")
    if classifier_activation is not None and not (isinstance(classifier_activation, str) or callable(classifier_activation)):
        raise ZooValueError(
            f"The 'classifier_activation' parameter of {owner} must be None, a name such as 'softmax', or a callable. "
            f"Got {classifier_activation!r} instead."
        )
    return tuple(input_shape)


def pool_features(x, pooling):
    """The ``include_top=False`` ending: the feature map, or its global average/max."""
    import keras

    if pooling == "avg":
        return keras.layers.GlobalAveragePooling2D(name="avg_pool")(x)
    if pooling == "max":
        return keras.layers.GlobalMaxPooling2D(name="max_pool")(x)
    return x


def finish(inputs, outputs, name, weights):
    """Make the model and load ``weights`` (a file) if given."""
    import keras

    model = keras.Model(inputs, outputs, name=name)
    if weights is not None:
        if str(weights).endswith(".keras"):
            model.set_weights(keras.saving.load_model(weights, compile=False).get_weights())
        else:
            model.load_weights(weights)
    return model
