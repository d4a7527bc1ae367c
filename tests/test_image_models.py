"""Image models: exact reference parameter counts, every registered variant builds, fit/save/load, argument errors."""

import gc

import numpy as np
import pytest

from helpers import loss_goes_down, run_model_test
from zoo.models import create_model, list_models


def _trainable(model):
    return int(sum(np.prod(w.shape) for w in model.trainable_weights))


# (name, kwargs, expected count, which count): the published reference implementations.
# "total" is Keras' count_params() (keras.applications counts BatchNorm moving statistics too);
# "trainable" equals torchvision's parameters() count, which leaves BatchNorm buffers out.
EXACT = [
    ("lenet5", {}, 61_706, "total"),                      # LeCun et al. 1998 on 28x28x1, 10 classes
    ("resnet20", {}, 269_722, "trainable"),               # He et al. 2016, option A shortcuts ("0.27M")
    ("resnet18", {}, 11_689_512, "trainable"),            # torchvision.models.resnet18
    ("resnet50", {}, 25_636_712, "total"),                # keras.applications.ResNet50
    ("alexnet", {}, 61_100_840, "total"),                 # torchvision.models.alexnet
    ("vgg16", {}, 138_357_544, "total"),                  # keras.applications.VGG16
]


@pytest.mark.parametrize("name,kwargs,expected,which", EXACT, ids=[e[0] for e in EXACT])
def test_exact_parameter_counts(name, kwargs, expected, which):
    model = create_model(name, **kwargs)
    got = model.count_params() if which == "total" else _trainable(model)
    assert got == expected, f"{name}: {got:,} != {expected:,}"
    del model
    gc.collect()


def test_resnet20_total_is_about_027m_and_cifar_depths_match_the_paper():
    # He et al. 2016, Table 6: 0.27M, 0.46M, 0.66M, 0.85M, 1.7M parameters.
    for name, paper in [("resnet20", 0.27e6), ("resnet32", 0.46e6), ("resnet56", 0.85e6), ("resnet110", 1.7e6)]:
        model = create_model(name)
        assert abs(_trainable(model) - paper) / paper < 0.02, (name, _trainable(model))
        assert model.count_params() - _trainable(model) > 0  # BatchNorm moving statistics


IMAGE_MODELS = list_models(task="image")


def test_registry_lists_every_required_architecture():
    required = {"mlp", "lenet5", "alexnet", "vgg11", "vgg13", "vgg16", "vgg19", "vgg16_bn", "resnet18", "resnet34",
                "resnet50", "resnet101", "resnet152", "resnet20", "resnet32", "resnet44", "resnet56", "resnet110"}
    assert required <= set(IMAGE_MODELS), required - set(IMAGE_MODELS)


def _small_shape(name):
    if name in ("mlp", "lenet5"):
        return (28, 28, 1)
    if name == "alexnet":
        return (64, 64, 3)
    return (32, 32, 3)


@pytest.mark.parametrize("name", IMAGE_MODELS)
def test_every_image_model_builds_and_runs_forward(name):
    import keras

    shape = _small_shape(name)
    heavy = name.startswith(("vgg", "alexnet")) or name in ("resnet50", "resnet101", "resnet152", "resnet34")
    # The heavy ImageNet networks are checked as feature extractors (no 100M-parameter dense head).
    kwargs = dict(include_top=False, pooling="avg") if heavy else dict(classes=7)
    if name == "mlp":
        kwargs = dict(classes=7)
    model = create_model(name, input_shape=shape, **kwargs)
    x = np.random.default_rng(0).random((2, *shape), dtype="float32")
    out = np.asarray(keras.ops.convert_to_numpy(model(x, training=False)))
    assert out.shape[0] == 2 and out.ndim == 2
    assert np.all(np.isfinite(out))
    if not heavy:
        assert out.shape[1] == 7
        np.testing.assert_allclose(out.sum(-1), 1.0, atol=1e-5)
    del model
    gc.collect()


@pytest.mark.parametrize("name,shape", [("lenet5", (28, 28, 1)), ("resnet20", (32, 32, 3))])
def test_fit_save_reload_identical(name, shape, tmp_path):
    model = create_model(name, input_shape=shape, classes=3)
    x = np.random.default_rng(1).random((8, *shape), dtype="float32")
    y = np.arange(8) % 3
    run_model_test(model, x, y, tmp_path=tmp_path, expected_output_shape=(8, 3))


def test_small_resnet18_features_save_and_reload(tmp_path):
    model = create_model("resnet18", input_shape=(32, 32, 3), include_top=False, pooling="avg")
    x = np.random.default_rng(2).random((2, 32, 32, 3), dtype="float32")
    run_model_test(model, x, tmp_path=tmp_path, expected_output_shape=(2, 512))


def test_lenet5_loss_goes_down():
    model = create_model("lenet5", classes=4)
    rng = np.random.default_rng(3)
    x = rng.random((32, 28, 28, 1), dtype="float32")
    loss_goes_down(model, x, np.arange(32) % 4, epochs=6, lr=3e-3)


def test_include_top_false_pooling_variants():
    none = create_model("resnet20", include_top=False)
    assert tuple(none.output_shape) == (None, 8, 8, 64)
    assert tuple(create_model("resnet20", include_top=False, pooling="max").output_shape) == (None, 64)
    assert tuple(create_model("lenet5", include_top=False, pooling="avg").output_shape) == (None, 16)


def test_classifier_activation_none_gives_logits():
    model = create_model("resnet20", classes=5, classifier_activation=None)
    out = np.asarray(model.predict(np.random.default_rng(0).random((2, 32, 32, 3), dtype="float32"), verbose=0))
    assert not np.allclose(out.sum(-1), 1.0)


def test_weights_file_round_trip(tmp_path):
    model = create_model("resnet20", classes=4)
    path = tmp_path / "r20.weights.h5"
    model.save_weights(path)
    again = create_model("resnet20", classes=4, weights=str(path))
    x = np.random.default_rng(4).random((2, 32, 32, 3), dtype="float32")
    np.testing.assert_allclose(again.predict(x, verbose=0), model.predict(x, verbose=0), atol=1e-6)


@pytest.mark.parametrize("name,kwargs,match", [
    ("resnet50", dict(pooling="mean", include_top=False), "'pooling'"),
    ("resnet50", dict(classes=0), "'classes'"),
    ("vgg16", dict(input_shape=(16, 16, 3)), ">= 32"),
    ("alexnet", dict(input_shape=(32, 32, 3)), ">= 63"),
    ("resnet18", dict(input_shape=(224, 224)), "'input_shape'"),
    ("resnet18", dict(include_top="yes"), "'include_top'"),
    ("vgg19", dict(weights="imagenet"), "fine_tune"),
    ("resnet20", dict(weights="model.bin"), "'weights'"),
    ("vgg16", dict(input_shape=(None, None, 3)), "fixed height"),
])
def test_arguments_are_checked_before_building(name, kwargs, match, monkeypatch):
    import keras

    built = []
    monkeypatch.setattr(keras.layers.Conv2D, "build", lambda self, *a: built.append(self))
    with pytest.raises(ValueError, match=match):
        create_model(name, **kwargs)
    assert not built  # no layer was built before the error


def test_missing_weights_file_is_a_clear_error(tmp_path):
    with pytest.raises(FileNotFoundError, match="does not exist"):
        create_model("resnet20", weights=str(tmp_path / "missing.weights.h5"))


def test_unknown_model_suggests_close_names():
    with pytest.raises(KeyError, match="resnet50"):
        create_model("resnet5O")
