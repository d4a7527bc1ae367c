"""LeNet-5 (LeCun et al. 1998)."""

import keras

from zoo.errors import ZooValueError
from zoo.models._image import check_image_args, finish, pool_features
from zoo.models.registry import register_model


@register_model(task="image", reference="LeCun, Bottou, Bengio & Haffner 1998")
def lenet5(
    include_top=True,
    weights=None,
    input_shape=(28, 28, 1),
    pooling=None,
    classes=10,
    classifier_activation="softmax",
    activation="tanh",
    name="lenet5",
):
    """LeNet-5: two 5x5 conv + average-pool stages, then 120-84-classes dense layers.

    The first convolution pads 28x28 inputs to the paper's 32x32 receptive field
    ("same" padding), so 28x28x1 with 10 classes has 61,706 parameters.

    Example:
        >>> model = zoo.models.create_model("lenet5")
    """
    input_shape = check_image_args(name, include_top, weights, input_shape, pooling, classes, classifier_activation,
                                   min_size=12, fixed_size_top=True)
    if activation not in ("tanh", "relu", "sigmoid", "gelu", "elu", "selu"):
        raise ZooValueError(f"The 'activation' parameter of {name} must be an activation name such as 'tanh' or 'relu'. "
                         f"Got {activation!r} instead.")
    inputs = keras.Input(shape=input_shape)
    x = keras.layers.Conv2D(6, 5, padding="same", activation=activation, name="conv1")(inputs)
    x = keras.layers.AveragePooling2D(2, name="pool1")(x)
    x = keras.layers.Conv2D(16, 5, padding="valid", activation=activation, name="conv2")(x)
    x = keras.layers.AveragePooling2D(2, name="pool2")(x)
    if include_top:
        x = keras.layers.Flatten(name="flatten")(x)
        x = keras.layers.Dense(120, activation=activation, name="fc1")(x)
        x = keras.layers.Dense(84, activation=activation, name="fc2")(x)
        x = keras.layers.Dense(classes, activation=classifier_activation, name="predictions")(x)
    else:
        x = pool_features(x, pooling)
    return finish(inputs, x, name, weights)
