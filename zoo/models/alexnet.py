"""AlexNet (Krizhevsky, Sutskever & Hinton 2012), in torchvision's single-tower form.

torchvision's layout: five convolutions (64-192-384-256-256), an adaptive average
pool to 6x6, and a 4096-4096-classes classifier with dropout: 61,100,840 parameters
at 224x224x3 with 1000 classes. The adaptive pool keeps that count for any input size.
"""

from __future__ import annotations

from zoo.errors import ZooValueError
from zoo.models._image import check_image_args, finish, pool_features
from zoo.models.registry import register_model


@register_model(task="image", reference="Krizhevsky et al. 2012; torchvision layout")
def alexnet(
    include_top=True,
    weights=None,
    input_shape=(224, 224, 3),
    pooling=None,
    classes=1000,
    classifier_activation="softmax",
    dropout=0.5,
    name="alexnet",
):
    """AlexNet as torchvision.models.alexnet; arguments as keras.applications.

    Inputs must be at least 63x63 (three stride-2 max-pools after a stride-4 convolution).

    Example:
        >>> from zoo.models import create_model
        >>> model = create_model("alexnet", input_shape=(64, 64, 3), classes=10)
    """
    input_shape = check_image_args(name, include_top, weights, input_shape, pooling, classes,
                                   classifier_activation, min_size=63)
    if not 0.0 <= dropout < 1.0:
        raise ZooValueError(f"The 'dropout' parameter of {name} must be in [0, 1). Got {dropout!r} instead.")
    import keras

    layers = keras.layers
    inputs = keras.Input(shape=input_shape)
    x = layers.ZeroPadding2D(2, name="conv1_pad")(inputs)
    x = layers.Conv2D(64, 11, strides=4, activation="relu", name="conv1")(x)
    x = layers.MaxPooling2D(3, strides=2, name="pool1")(x)
    x = layers.Conv2D(192, 5, padding="same", activation="relu", name="conv2")(x)
    x = layers.MaxPooling2D(3, strides=2, name="pool2")(x)
    x = layers.Conv2D(384, 3, padding="same", activation="relu", name="conv3")(x)
    x = layers.Conv2D(256, 3, padding="same", activation="relu", name="conv4")(x)
    x = layers.Conv2D(256, 3, padding="same", activation="relu", name="conv5")(x)
    x = layers.MaxPooling2D(3, strides=2, name="pool5")(x)
    if include_top:
        x = layers.AdaptiveAveragePooling2D((6, 6), name="adaptive_pool")(x)
        x = layers.Flatten(name="flatten")(x)
        for i in (1, 2):
            if dropout:
                x = layers.Dropout(dropout, name=f"fc{i}_dropout")(x)
            x = layers.Dense(4096, activation="relu", name=f"fc{i}")(x)
        x = layers.Dense(classes, activation=classifier_activation, name="predictions")(x)
    else:
        x = pool_features(x, pooling)
    return finish(inputs, x, name, weights)
