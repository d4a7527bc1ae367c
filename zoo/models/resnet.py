"""Residual networks (He et al. 2016): ImageNet ResNet-18/34/50/101/152 and CIFAR ResNet-20/32/44/56/110.

Two generic builders, ``resnet`` (ImageNet style: 7x7 stem, four stages) and
``cifar_resnet`` (3x3 stem, three stages of 16/32/64 filters, 6n+2 layers), and thin
variants that only supply the block type and the stage depths.

Reference parameter counts (224x224x3, 1000 classes):

- ResNet-18/34 (basic blocks) follow torchvision: convolutions without bias, so the
  *trainable* parameters equal torchvision's count (ResNet-18: 11,689,512). Keras'
  ``count_params()`` also counts BatchNormalization's moving mean/variance.
- ResNet-50/101/152 (bottleneck blocks) follow keras.applications.ResNet50 layer for
  layer (convolutions with bias, stride in the first 1x1), so ``count_params()`` equals
  keras.applications' (ResNet-50: 25,636,712).
- CIFAR ResNets use the paper's option A shortcuts (subsample, zero-pad the channels; no
  parameters): ResNet-20 has 269,722 trainable parameters ("0.27M", Table 6).
"""

from __future__ import annotations

from zoo.errors import ZooValueError
from zoo.models._image import check_image_args, finish, pool_features
from zoo.models.registry import register_model

BN_EPS_KERAS = 1.001e-5  # keras.applications' value
BN_EPS_TORCH = 1e-5


def _basic_block(x, filters, stride, name, use_bias=False, eps=BN_EPS_TORCH, option_a=False):
    """Two 3x3 convolutions; a projection shortcut (or option A padding) when the shape changes."""
    import keras

    in_channels = x.shape[-1]
    shortcut = x
    if stride != 1 or in_channels != filters:
        if option_a:
            shortcut = _pad_shortcut(x, filters, stride, name)
        else:
            shortcut = keras.layers.Conv2D(filters, 1, strides=stride, use_bias=use_bias, name=f"{name}_0_conv")(x)
            shortcut = keras.layers.BatchNormalization(epsilon=eps, name=f"{name}_0_bn")(shortcut)
    if stride != 1:
        # Explicit symmetric padding (as torch's padding=1): "same" pads only bottom/right on even sizes.
        y = keras.layers.ZeroPadding2D(1, name=f"{name}_1_pad")(x)
        y = keras.layers.Conv2D(filters, 3, strides=stride, use_bias=use_bias, name=f"{name}_1_conv")(y)
    else:
        y = keras.layers.Conv2D(filters, 3, padding="same", use_bias=use_bias, name=f"{name}_1_conv")(x)
    y = keras.layers.BatchNormalization(epsilon=eps, name=f"{name}_1_bn")(y)
    y = keras.layers.Activation("relu", name=f"{name}_1_relu")(y)
    y = keras.layers.Conv2D(filters, 3, padding="same", use_bias=use_bias, name=f"{name}_2_conv")(y)
    y = keras.layers.BatchNormalization(epsilon=eps, name=f"{name}_2_bn")(y)
    y = keras.layers.Add(name=f"{name}_add")([shortcut, y])
    return keras.layers.Activation("relu", name=f"{name}_out")(y)


def _pad_shortcut(x, filters, stride, name):
    """Option A: take every ``stride``-th pixel and zero-pad the new channels, with built-in layers only.

    The channel axis is padded as the third axis of a 5-D tensor (ZeroPadding3D), so the saved
    model needs no custom layer to load on any backend.
    """
    import keras

    h, w, c = x.shape[1:]
    if stride != 1:
        x = keras.layers.MaxPooling2D(1, strides=stride, name=f"{name}_0_subsample")(x)
        h, w = x.shape[1:3]
    extra = filters - c
    x = keras.layers.Reshape((h, w, c, 1), name=f"{name}_0_expand")(x)
    x = keras.layers.ZeroPadding3D(((0, 0), (0, 0), (extra // 2, extra - extra // 2)), name=f"{name}_0_pad")(x)
    return keras.layers.Reshape((h, w, filters), name=f"{name}_0_squeeze")(x)


def _bottleneck_block(x, filters, stride, name, conv_shortcut):
    """keras.applications' ResNet v1 block: 1x1 (strided) -> 3x3 -> 1x1 (4x filters)."""
    import keras

    if conv_shortcut:
        shortcut = keras.layers.Conv2D(4 * filters, 1, strides=stride, name=f"{name}_0_conv")(x)
        shortcut = keras.layers.BatchNormalization(epsilon=BN_EPS_KERAS, name=f"{name}_0_bn")(shortcut)
    else:
        shortcut = x
    y = keras.layers.Conv2D(filters, 1, strides=stride, name=f"{name}_1_conv")(x)
    y = keras.layers.BatchNormalization(epsilon=BN_EPS_KERAS, name=f"{name}_1_bn")(y)
    y = keras.layers.Activation("relu", name=f"{name}_1_relu")(y)
    y = keras.layers.Conv2D(filters, 3, padding="same", name=f"{name}_2_conv")(y)
    y = keras.layers.BatchNormalization(epsilon=BN_EPS_KERAS, name=f"{name}_2_bn")(y)
    y = keras.layers.Activation("relu", name=f"{name}_2_relu")(y)
    y = keras.layers.Conv2D(4 * filters, 1, name=f"{name}_3_conv")(y)
    y = keras.layers.BatchNormalization(epsilon=BN_EPS_KERAS, name=f"{name}_3_bn")(y)
    y = keras.layers.Add(name=f"{name}_add")([shortcut, y])
    return keras.layers.Activation("relu", name=f"{name}_out")(y)


BLOCKS = ("basic", "bottleneck")


def resnet(
    depths=(2, 2, 2, 2),
    block="basic",
    include_top=True,
    weights=None,
    input_shape=(224, 224, 3),
    pooling=None,
    classes=1000,
    classifier_activation="softmax",
    name="resnet",
):
    """Generic ImageNet-style ResNet: stem, four stages of ``depths`` blocks (64..512 filters), head.

    Example:
        >>> from zoo.models import create_model
        >>> model = create_model("resnet18", input_shape=(64, 64, 3), classes=10)
    """
    if block not in BLOCKS:
        raise ZooValueError(f"The 'block' parameter of {name} must be one of {list(BLOCKS)}. Got {block!r} instead.")
    if (not isinstance(depths, (tuple, list)) or len(depths) != 4
            or not all(isinstance(d, int) and d >= 1 for d in depths)):
        raise ZooValueError(f"The 'depths' parameter of {name} must be four ints >= 1. Got {depths!r} instead.")
    input_shape = check_image_args(name, include_top, weights, input_shape, pooling, classes,
                                   classifier_activation, min_size=32)
    import keras

    bottleneck = block == "bottleneck"
    inputs = keras.Input(shape=input_shape)
    x = keras.layers.ZeroPadding2D(3, name="conv1_pad")(inputs)
    x = keras.layers.Conv2D(64, 7, strides=2, use_bias=bottleneck, name="conv1_conv")(x)
    x = keras.layers.BatchNormalization(epsilon=BN_EPS_KERAS if bottleneck else BN_EPS_TORCH, name="conv1_bn")(x)
    x = keras.layers.Activation("relu", name="conv1_relu")(x)
    x = keras.layers.ZeroPadding2D(1, name="pool1_pad")(x)
    x = keras.layers.MaxPooling2D(3, strides=2, name="pool1_pool")(x)
    for stage, (filters, depth) in enumerate(zip((64, 128, 256, 512), depths)):
        for i in range(depth):
            stride = 2 if (i == 0 and stage > 0) else 1
            block_name = f"conv{stage + 2}_block{i + 1}"
            if bottleneck:
                x = _bottleneck_block(x, filters, stride, block_name, conv_shortcut=(i == 0))
            else:
                x = _basic_block(x, filters, stride, block_name)
    if include_top:
        x = keras.layers.GlobalAveragePooling2D(name="avg_pool")(x)
        x = keras.layers.Dense(classes, activation=classifier_activation, name="predictions")(x)
    else:
        x = pool_features(x, pooling)
    return finish(inputs, x, name, weights)


def cifar_resnet(
    depth=20,
    include_top=True,
    weights=None,
    input_shape=(32, 32, 3),
    pooling=None,
    classes=10,
    classifier_activation="softmax",
    width=16,
    name=None,
):
    """Generic CIFAR ResNet (He et al. 2016, section 4.2): 6n+2 layers, option A shortcuts.

    Example:
        >>> from zoo.models import create_model
        >>> model = create_model("resnet20")   # 32x32x3, 10 classes, 0.27M parameters
    """
    name = name or f"resnet{depth}"
    if not isinstance(depth, int) or depth < 8 or (depth - 2) % 6:
        raise ZooValueError(f"The 'depth' parameter of cifar_resnet must be 6n+2 (20, 32, 44, 56, 110, ...). Got {depth!r}.")
    if not isinstance(width, int) or width < 1:
        raise ZooValueError(f"The 'width' parameter of {name} must be an int >= 1. Got {width!r} instead.")
    input_shape = check_image_args(name, include_top, weights, input_shape, pooling, classes,
                                   classifier_activation, min_size=8)
    if None in input_shape[:2]:
        raise ZooValueError(f"The 'input_shape' parameter of {name} must have a fixed height and width. Got {input_shape!r}.")
    import keras

    n = (depth - 2) // 6
    inputs = keras.Input(shape=input_shape)
    x = keras.layers.Conv2D(width, 3, padding="same", use_bias=False, name="conv1_conv")(inputs)
    x = keras.layers.BatchNormalization(epsilon=BN_EPS_TORCH, name="conv1_bn")(x)
    x = keras.layers.Activation("relu", name="conv1_relu")(x)
    for stage, filters in enumerate((width, 2 * width, 4 * width)):
        for i in range(n):
            stride = 2 if (i == 0 and stage > 0) else 1
            x = _basic_block(x, filters, stride, f"conv{stage + 2}_block{i + 1}", option_a=True)
    if include_top:
        x = keras.layers.GlobalAveragePooling2D(name="avg_pool")(x)
        x = keras.layers.Dense(classes, activation=classifier_activation, name="predictions")(x)
    else:
        x = pool_features(x, pooling)
    return finish(inputs, x, name, weights)


_IMAGENET = {18: ("basic", (2, 2, 2, 2)), 34: ("basic", (3, 4, 6, 3)), 50: ("bottleneck", (3, 4, 6, 3)),
             101: ("bottleneck", (3, 4, 23, 3)), 152: ("bottleneck", (3, 8, 36, 3))}


def _imagenet_variant(depth):
    block, depths = _IMAGENET[depth]

    def builder(include_top=True, weights=None, input_shape=(224, 224, 3), pooling=None, classes=1000,
                classifier_activation="softmax", name=f"resnet{depth}"):
        return resnet(depths, block, include_top, weights, input_shape, pooling, classes, classifier_activation, name)

    builder.__name__ = f"resnet{depth}"
    builder.__doc__ = (f"ResNet-{depth} ({block} blocks, stages {depths}); arguments as keras.applications.ResNet50."
                       f"\n\n    Example:\n        >>> create_model('resnet{depth}', classes=10)")
    ref = "He et al. 2016; " + ("torchvision layout" if block == "basic" else "keras.applications layout")
    return register_model(f"resnet{depth}", task="image", reference=ref)(builder)


def _cifar_variant(depth):
    def builder(include_top=True, weights=None, input_shape=(32, 32, 3), pooling=None, classes=10,
                classifier_activation="softmax", width=16, name=f"resnet{depth}"):
        return cifar_resnet(depth, include_top, weights, input_shape, pooling, classes, classifier_activation,
                            width, name)

    builder.__name__ = f"resnet{depth}"
    builder.__doc__ = (f"CIFAR ResNet-{depth} (He et al. 2016, 6n+2 with n={(depth - 2) // 6}, option A shortcuts)."
                       f"\n\n    Example:\n        >>> create_model('resnet{depth}', classes=10)")
    return register_model(f"resnet{depth}", task="image", reference="He et al. 2016, CIFAR-10 (Table 6)")(builder)


resnet18, resnet34, resnet50, resnet101, resnet152 = (_imagenet_variant(d) for d in (18, 34, 50, 101, 152))
resnet20, resnet32, resnet44, resnet56, resnet110 = (_cifar_variant(d) for d in (20, 32, 44, 56, 110))
