"""LeNet-5 (LeCun et al. 1998)."""

import keras

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
    if weights is not None and not str(weights).endswith((".weights.h5", ".keras")):
        raise ValueError(f"The 'weights' parameter of lenet5 must be None or a .weights.h5 file. Got {weights!r}.")
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
    elif pooling == "avg":
        x = keras.layers.GlobalAveragePooling2D()(x)
    elif pooling == "max":
        x = keras.layers.GlobalMaxPooling2D()(x)
    model = keras.Model(inputs, x, name=name)
    if weights is not None:
        model.load_weights(weights)
    return model
