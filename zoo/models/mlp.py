"""Multi-layer perceptron for flattened images or feature vectors."""

import keras

from zoo.errors import ZooValueError, check_int, check_number
from zoo.models.registry import register_model


@register_model(task="image", reference="Rumelhart, Hinton & Williams 1986")
def mlp(
    input_shape=(28, 28, 1),
    classes=10,
    hidden_units=(512, 256),
    dropout=0.2,
    classifier_activation="softmax",
    name="mlp",
):
    """MLP classifier: flatten, dense ReLU layers with dropout, softmax head.

    Example:
        >>> model = zoo.models.create_model("mlp", input_shape=(28, 28, 1), classes=10)
    """
    if not hidden_units:
        raise ZooValueError("The 'hidden_units' parameter of mlp must be a non-empty sequence of ints. Got an empty one.")
    for units in hidden_units:
        check_int(units, "hidden_units", "mlp")
    check_number(dropout, "dropout", "mlp", low=0.0, high=1.0, low_open=False)
    inputs = keras.Input(shape=input_shape)
    x = keras.layers.Flatten()(inputs)
    for units in hidden_units:
        x = keras.layers.Dense(units, activation="relu")(x)
        if dropout:
            x = keras.layers.Dropout(dropout)(x)
    outputs = keras.layers.Dense(classes, activation=classifier_activation)(x)
    return keras.Model(inputs, outputs, name=name)
