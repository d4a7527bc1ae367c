"""What makes a saved image model take raw uint8 images: rescaling, augmentation and normalisation layers.

Every model the image task saves takes raw uint8 images (N, H, W, C): these layers are inside the
``.keras`` file, so it predicts the same on jax, torch and tensorflow with no separate preprocessing code.
"""

from __future__ import annotations

import numpy as np

from zoo.errors import ZooValueError


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
        raise ZooValueError(f"The 'augment' parameter accepts False, True or a non-empty list of augmentation names. "
                         f"Got {given!r} instead.")
    names, factors = [], {}
    for item in augment:
        name, _, factor = str(item).partition(":")
        names.append(name)
        if factor:
            try:
                factors[name] = float(factor)
            except ValueError:
                raise ZooValueError(f"The 'augment' entry {item!r} must be 'name' or 'name:factor' with a number.") from None
    unknown = [a for a in names if a not in AUGMENTATIONS]
    if unknown:
        raise ZooValueError(f"The 'augment' parameter accepts True or a list of {sorted(AUGMENTATIONS)} "
                         f"(optionally 'name:factor'). Got unknown {unknown}.")
    for name, factor in factors.items():
        if name in ("crop", "cutout") and not 0.0 < factor <= 1.0:
            raise ZooValueError(f"The 'augment' entry '{name}:{factor:g}' needs a factor in (0, 1], a fraction of the "
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
