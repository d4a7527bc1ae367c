"""VGG-11/13/16/19 (Simonyan & Zisserman 2015), with optional batch normalisation.

One generic builder, ``vgg``, and thin variants that only supply the configuration.
Without batch norm the layers match keras.applications.VGG16/VGG19 (VGG-16 at 224x224x3,
1000 classes: 138,357,544 parameters). The ``_bn`` variants follow torchvision's
``vgg*_bn`` (BatchNormalization after every convolution, convolution biases kept), whose
trainable parameters equal torchvision's count (VGG-16-BN: 138,365,992).
"""

from __future__ import annotations

from zoo.errors import ZooValueError
from zoo.models._image import check_image_args, finish, pool_features
from zoo.models.registry import register_model

# Filters per convolution; "M" is a 2x2 max-pool (torchvision's cfgs "A", "B", "D", "E").
CONFIGS = {
    11: (64, "M", 128, "M", 256, 256, "M", 512, 512, "M", 512, 512, "M"),
    13: (64, 64, "M", 128, 128, "M", 256, 256, "M", 512, 512, "M", 512, 512, "M"),
    16: (64, 64, "M", 128, 128, "M", 256, 256, 256, "M", 512, 512, 512, "M", 512, 512, 512, "M"),
    19: (64, 64, "M", 128, 128, "M", 256, 256, 256, 256, "M", 512, 512, 512, 512, "M", 512, 512, 512, 512, "M"),
}


def vgg(
    depth=16,
    batch_norm=False,
    include_top=True,
    weights=None,
    input_shape=(224, 224, 3),
    pooling=None,
    classes=1000,
    classifier_activation="softmax",
    dropout=0.5,
    name=None,
):
    """Generic VGG builder: the configuration ``CONFIGS[depth]``, then two 4096-unit layers.

    Example:
        >>> from zoo.models import create_model
        >>> model = create_model("vgg16", input_shape=(32, 32, 3), classes=10)
    """
    name = name or f"vgg{depth}{'_bn' if batch_norm else ''}"
    if depth not in CONFIGS:
        raise ZooValueError(f"The 'depth' parameter of vgg must be one of {sorted(CONFIGS)}. Got {depth!r} instead.")
    input_shape = check_image_args(name, include_top, weights, input_shape, pooling, classes,
                                   classifier_activation, min_size=32, fixed_size_top=True)
    if not 0.0 <= dropout < 1.0:
        raise ZooValueError(f"The 'dropout' parameter of {name} must be in [0, 1). Got {dropout!r} instead.")
    import keras

    inputs = keras.Input(shape=input_shape)
    x, block, conv = inputs, 1, 1
    for item in CONFIGS[depth]:
        if item == "M":
            x = keras.layers.MaxPooling2D(2, strides=2, name=f"block{block}_pool")(x)
            block, conv = block + 1, 1
            continue
        x = keras.layers.Conv2D(item, 3, padding="same", name=f"block{block}_conv{conv}")(x)
        if batch_norm:
            x = keras.layers.BatchNormalization(epsilon=1e-5, momentum=0.9, name=f"block{block}_bn{conv}")(x)
        x = keras.layers.Activation("relu", name=f"block{block}_relu{conv}")(x)
        conv += 1
    if include_top:
        x = keras.layers.Flatten(name="flatten")(x)
        for i in (1, 2):
            x = keras.layers.Dense(4096, activation="relu", name=f"fc{i}")(x)
            if dropout:
                x = keras.layers.Dropout(dropout, name=f"fc{i}_dropout")(x)
        x = keras.layers.Dense(classes, activation=classifier_activation, name="predictions")(x)
    else:
        x = pool_features(x, pooling)
    return finish(inputs, x, name, weights)


def _variant(depth, batch_norm):
    suffix = "_bn" if batch_norm else ""

    def builder(include_top=True, weights=None, input_shape=(224, 224, 3), pooling=None, classes=1000,
                classifier_activation="softmax", dropout=0.5, name=f"vgg{depth}{suffix}"):
        return vgg(depth, batch_norm, include_top, weights, input_shape, pooling, classes,
                   classifier_activation, dropout, name)

    builder.__name__ = f"vgg{depth}{suffix}"
    builder.__doc__ = (f"VGG-{depth}{' with batch normalisation' if batch_norm else ''}; arguments as "
                       f"keras.applications.VGG16.\n\n    Example:\n        >>> create_model('vgg{depth}{suffix}', classes=10)")
    reference = "Simonyan & Zisserman 2015; " + ("torchvision vgg*_bn" if batch_norm else
                                                 "keras.applications (16/19) / torchvision (11/13)")
    return register_model(f"vgg{depth}{suffix}", task="image", reference=reference)(builder)


vgg11 = _variant(11, False)
vgg13 = _variant(13, False)
vgg16 = _variant(16, False)
vgg19 = _variant(19, False)
vgg11_bn = _variant(11, True)
vgg13_bn = _variant(13, True)
vgg16_bn = _variant(16, True)
vgg19_bn = _variant(19, True)
