"""The image-classification application: train / evaluate / predict / fine_tune, run folders, CLI, augmentation."""

import json

import numpy as np
import pytest

from zoo.applications import image_classification as ic
from zoo.datasets.images import ImageDataset


def _toy(n=48, shape=(28, 28, 1), classes=3, seed=0, name="toy"):
    """Classes told apart by brightness: learnable in a few steps."""
    rng = np.random.default_rng(seed)
    y = np.arange(n) % classes
    x = (rng.integers(0, 40, (n, *shape)) + (y * (200 // classes))[:, None, None, None]).astype(np.uint8)
    names = [f"c{i}" for i in range(classes)]
    return ImageDataset(name, x, y.astype("int64"), x[: n // 2], y[: n // 2].astype("int64"), names)


@pytest.fixture
def saved_dir(tmp_path, monkeypatch):
    folder = tmp_path / "saved_models"
    monkeypatch.setenv("ZOO_SAVED_MODELS", str(folder))
    return folder


def test_train_writes_the_run_folder_and_publishes(tmp_path, saved_dir):
    ds = _toy()
    result = ic.train(model="lenet5", dataset=ds, epochs=3, batch_size=16, learning_rate=3e-3,
                      validation_split=0.25, output_dir=tmp_path, save_as="lenet5_toy", verbose=0)
    run = result.run_dir
    for name in ("config.json", "model.keras", "history.csv", "metrics.json", "confusion_matrix.png",
                 "learning_curves.png"):
        assert (run / name).exists(), name
    metrics = json.loads((run / "metrics.json").read_text())
    assert set(metrics["per_class"]) == {"c0", "c1", "c2"}
    assert {"precision", "recall", "f1", "support"} <= set(metrics["per_class"]["c0"])
    assert result.history["loss"][-1] < result.history["loss"][0]
    assert metrics["accuracy"] == result.metrics["accuracy"]
    config = json.loads((run / "config.json").read_text())
    assert config["model"] == "lenet5" and config["class_names"] == ["c0", "c1", "c2"]
    # Published with a model card whose sha256 is the file's.
    from zoo.datasets import sha256sum

    card = json.loads((saved_dir / "lenet5_toy.json").read_text())
    assert card["sha256"] == sha256sum(saved_dir / "lenet5_toy.keras")
    for key in ("dataset", "recipe", "backend", "epochs", "train_wall_time_s", "test_metrics", "class_names"):
        assert key in card, key
    # evaluate / predict accept the model object, the .keras path and the saved-model name alike.
    by_obj = ic.evaluate(result.model, ds)["accuracy"]
    assert ic.evaluate(run / "model.keras", ds)["accuracy"] == pytest.approx(by_obj)
    assert ic.evaluate("lenet5_toy", ds)["accuracy"] == pytest.approx(by_obj)
    top = ic.predict("lenet5_toy", ds.x_test[:4], top_k=2)
    assert len(top) == 4 and all(len(t) == 2 for t in top)
    assert all(t[0][0] in ds.class_names and t[0][1] >= t[1][1] for t in top)
    np.testing.assert_allclose(sum(p for _, p in ic.predict("lenet5_toy", ds.x_test[0], top_k=3)[0]), 1.0, atol=1e-5)
    assert ic.predict("lenet5_toy", ds.x_test[:2, ..., 0])[0][0][0] in ds.class_names  # no channel axis


def test_predict_from_image_files(tmp_path):
    from PIL import Image

    ds = _toy(shape=(28, 28, 1))
    model = ic.build_pipeline(__import__("zoo.models", fromlist=["x"]).create_model("lenet5", classes=3), (28, 28, 1))
    model._zoo_card = {"class_names": ds.class_names}
    paths = []
    for i in range(2):
        p = tmp_path / f"img{i}.png"
        Image.fromarray(ds.x_test[i, ..., 0]).save(p)
        paths.append(p)
    from_files = ic.predict(model, paths, top_k=3)
    from_arrays = ic.predict(model, ds.x_test[:2], top_k=3)
    for a, b in zip(from_files, from_arrays):
        assert [n for n, _ in a] == [n for n, _ in b]
        np.testing.assert_allclose([p for _, p in a], [p for _, p in b], atol=1e-5)
    with pytest.raises(FileNotFoundError, match="do not exist"):
        ic.predict(model, [tmp_path / "missing.png"])
    with pytest.raises(ValueError, match="shape"):
        ic.predict(model, np.zeros((2, 10, 10, 1)))


def test_cli_train_image_classification_on_a_folder(tmp_path, capsys):
    from PIL import Image

    from zoo.cli.main import main

    rng = np.random.default_rng(0)
    for c, cls in enumerate(("dark", "light")):
        for split in ("train", "test"):
            folder = tmp_path / "data" / split / cls
            folder.mkdir(parents=True)
            for i in range(6):
                Image.fromarray((rng.integers(0, 30, (16, 16, 3)) + 180 * c).astype(np.uint8)).save(folder / f"{i}.png")
    code = main(["train", "image_classification", "--model", "lenet5", "--dataset", str(tmp_path / "data"),
                 "--epochs", "1", "--batch-size", "6", "--validation-split", "0",
                 "--output-dir", str(tmp_path / "runs"), "--verbose", "0"])
    out = capsys.readouterr().out
    assert code == 0, out
    assert "accuracy=" in out and "run folder:" in out
    runs = list((tmp_path / "runs" / "image_classification").iterdir())
    assert len(runs) == 1 and (runs[0] / "model.keras").exists()
    assert json.loads((runs[0] / "config.json").read_text())["class_names"] == ["dark", "light"]


def test_augmentation_is_training_only_and_keeps_shapes():
    import keras

    x = np.random.default_rng(0).random((4, 32, 32, 3)).astype("float32")
    aug = ic.augmentation_layers((32, 32, 3), ["flip", "crop", "cutout", "translate:0.1", "rotate:0.02", "zoom",
                                               "contrast", "brightness"])
    np.testing.assert_allclose(keras.ops.convert_to_numpy(aug(x, training=False)), x, atol=1e-6)
    trained = keras.ops.convert_to_numpy(aug(x, training=True))
    assert trained.shape == x.shape and not np.allclose(trained, x)
    with pytest.raises(ValueError, match="unknown"):
        ic.augmentation_layers((32, 32, 3), ["mixup"])
    with pytest.raises(ValueError, match="name:factor"):
        ic.augmentation_layers((32, 32, 3), ["rotate:lots"])
    with pytest.raises(ValueError, match="'cutout:2'.*fraction of the image side"):
        ic.augmentation_layers((32, 32, 3), ["cutout:2"])


def _shift(image, dy, dx):
    out = np.zeros_like(image)
    h, w = image.shape[:2]
    src = image[max(0, -dy):h - max(0, dy), max(0, -dx):w - max(0, dx)]
    out[max(0, dy):max(0, dy) + src.shape[0], max(0, dx):max(0, dx) + src.shape[1]] = src
    return out


def test_crop_is_a_whole_pixel_shift_drawn_per_image_and_cutout_erases_a_square():
    import keras

    x = np.random.default_rng(1).random((16, 32, 32, 3)).astype("float32")
    y = keras.ops.convert_to_numpy(ic.augmentation_layers((32, 32, 3), ["crop"])(x, training=True))
    shifts = []
    for i in range(len(x)):  # every output is the input padded by 4 pixels and cropped back to 32x32
        found = [(dy, dx) for dy in range(-4, 5) for dx in range(-4, 5) if np.allclose(_shift(x[i], dy, dx), y[i])]
        assert found, f"image {i} is not a pad-and-crop of its input"
        shifts.append(found[0])
    assert len(set(shifts)) > 1  # not one location for the whole batch (keras.layers.RandomCrop's behaviour)
    z = keras.ops.convert_to_numpy(ic.augmentation_layers((32, 32, 3), ["cutout"])(x, training=True))
    erased = (z != x).any(-1)
    np.testing.assert_allclose(erased.mean((1, 2)), 0.25)  # a 16x16 square in each 32x32 image
    np.testing.assert_allclose(z[erased], 0.5)
    assert len({tuple(np.argwhere(e)[0]) for e in erased}) > 1


def test_train_checks_arguments():
    ds = _toy()
    with pytest.raises(ValueError, match="'epochs'"):
        ic.train(model="lenet5", dataset=ds, epochs=0)
    with pytest.raises(ValueError, match="'schedule'"):
        ic.train(model="lenet5", dataset=ds, schedule="exponential")
    with pytest.raises(ValueError, match="'optimizer'"):
        ic.train(model="lenet5", dataset=ds, optimizer="lbfgs")
    with pytest.raises(ValueError, match="'dataset'"):
        ic.train(model="lenet5", dataset="no-such-dataset")


def test_onecycle_schedule_warms_up_then_decays():
    import keras

    sched = ic.make_schedule("onecycle", 0.1, 100)
    lrs = [float(keras.ops.convert_to_numpy(sched(s))) for s in (0, 15, 30, 60, 99)]
    assert lrs[0] == pytest.approx(0.004, rel=1e-3) and lrs[2] == pytest.approx(0.1, rel=1e-3)
    assert lrs[0] < lrs[1] < lrs[2] > lrs[3] > lrs[4]


def test_step_schedule_divides_by_ten_at_half_and_three_quarters():
    import keras

    sched = ic.make_schedule("step", 0.1, 64000)
    lrs = [float(keras.ops.convert_to_numpy(sched(s))) for s in (0, 31999, 32001, 47999, 48001, 63999)]
    assert lrs == pytest.approx([0.1, 0.1, 0.01, 0.01, 0.001, 0.001], rel=1e-5)


# --------------------------------------------------------------------------- fine_tune


def _features(model, layer_name):
    import keras

    return keras.ops.convert_to_numpy(model.get_layer(layer_name).weights[0])


def test_fine_tune_a_saved_model_replaces_the_head_and_freezes_then_unfreezes(tmp_path):
    import keras

    source = _toy(classes=3, seed=1, name="source")
    base = ic.train(model="lenet5", dataset=source, epochs=1, batch_size=16, validation_split=0, output_dir=tmp_path,
                    verbose=0)
    base_path = base.run_dir / "model.keras"
    target = _toy(classes=2, seed=2, name="target")
    result = ic.fine_tune(base=str(base_path), dataset=target, epochs=2, fine_tune_epochs=2, unfreeze_blocks=1,
                          batch_size=8, validation_split=0, output_dir=tmp_path, verbose=0)
    assert result.model.output_shape == (None, 2)
    m = result.metrics
    assert m["unfrozen_blocks"] == ["fc2"]
    assert m["trainable_params_phase1"] == 84 * 2 + 2  # only the new head
    assert m["trainable_params_phase2"] == 84 * 2 + 2 + 120 * 84 + 84  # + fc2
    assert len(result.history["loss"]) == 4
    # The convolutions were never unfrozen: they still hold the source model's weights.
    src = keras.saving.load_model(base_path)
    src_core = [layer for layer in src.layers if isinstance(layer, keras.Model)][-1]
    tuned_core = [layer for layer in result.model.layers if isinstance(layer, keras.Model)][-1]
    np.testing.assert_allclose(keras.ops.convert_to_numpy(tuned_core.get_layer("conv1").kernel),
                               keras.ops.convert_to_numpy(src_core.get_layer("conv1").kernel))
    assert not np.allclose(keras.ops.convert_to_numpy(tuned_core.get_layer("fc2").kernel),
                           keras.ops.convert_to_numpy(src_core.get_layer("fc2").kernel))
    # The fine-tuned model is itself a valid base and reloads with identical outputs.
    reloaded = keras.saving.load_model(result.run_dir / "model.keras")
    np.testing.assert_allclose(reloaded.predict(target.x_test, verbose=0),
                               result.model.predict(target.x_test, verbose=0), atol=1e-5)
    again = ic.fine_tune(base=str(result.run_dir / "model.keras"), dataset=source, epochs=1, fine_tune_epochs=0,
                         batch_size=16, validation_split=0, output_dir=tmp_path, verbose=0)
    assert again.model.output_shape == (None, 3)
    assert again.metrics["trainable_params_phase1"] == 84 * 3 + 3
    # Without double preprocessing: the features see what the fine-tuned model's head saw.
    feats = keras.Model(reloaded.inputs, reloaded.get_layer("predictions").input)
    again_feats = keras.Model(again.model.inputs, again.model.get_layer("predictions").input)
    np.testing.assert_allclose(again_feats.predict(source.x_test[:4], verbose=0),
                               feats.predict(source.x_test[:4], verbose=0), atol=1e-5)


def test_keras_applications_base_from_a_weights_file(tmp_path):
    """The keras.applications path without a training step (fine_tune's loop is covered above)."""
    import keras

    from zoo.tasks.image import transfer

    app = keras.applications.VGG16(include_top=False, weights=None, input_shape=(32, 32, 3), pooling="avg")
    app.get_layer("block1_conv1").kernel.assign(keras.ops.ones((3, 3, 3, 64)) * 0.01)  # not the initialiser's values
    weights = tmp_path / "vgg16.weights.h5"
    app.save_weights(weights)
    base = transfer.resolve_base("VGG16", weights=str(weights), image_size=(32, 32))
    assert base.kind == "keras.applications" and base.input_shape == (32, 32, 3)
    np.testing.assert_allclose(keras.ops.convert_to_numpy(base.features.get_layer("block1_conv1").kernel), 0.01)
    net = transfer.build_transfer_model(base, (28, 28, 1), classes=2)  # grayscale 28x28 in, resized, made RGB
    assert net.output_shape == (None, 2)
    # VGG16's preprocess_input ("caffe" mode: RGB -> BGR, minus the ImageNet mean) is inside the model.
    x = np.random.default_rng(0).integers(0, 256, (2, 28, 28, 1)).astype("uint8")
    rgb = keras.ops.convert_to_numpy(keras.layers.Resizing(32, 32)(np.repeat(x, 3, -1).astype("float32")))
    expected = app.predict(keras.applications.vgg16.preprocess_input(rgb), verbose=0)
    got = keras.Model(net.inputs, net.get_layer("predictions").input).predict(x, verbose=0)
    np.testing.assert_allclose(got, expected, rtol=1e-4, atol=1e-4)
    base.features.trainable = False
    assert transfer.unfreeze_top(base.features, 1) == ["block5"]
    assert base.features.get_layer("block5_conv3").trainable and not base.features.get_layer("block4_conv3").trainable


def test_keras_applications_preprocessing_modes():
    import keras

    from zoo.tasks.image import transfer

    x = np.array([[[[10.0, 20.0, 30.0]]]], dtype="float32")
    for mode, reference in [("caffe", keras.applications.resnet.preprocess_input),
                            ("tf", keras.applications.mobilenet_v2.preprocess_input),
                            ("torch", keras.applications.densenet.preprocess_input)]:
        y = x
        for layer in transfer._keras_app_preprocess(mode):
            y = layer(y)
        np.testing.assert_allclose(keras.ops.convert_to_numpy(y), reference(x.copy()), atol=1e-4, err_msg=mode)


def test_fine_tune_keras_hub_preset_folder(tmp_path):
    keras_hub = pytest.importorskip("keras_hub")
    backbone = keras_hub.models.ResNetBackbone(
        input_conv_filters=[64], input_conv_kernel_sizes=[3], stackwise_num_filters=[64, 16],
        stackwise_num_blocks=[1, 1], stackwise_num_strides=[1, 2], block_type="basic_block", image_shape=(32, 32, 3))
    preset = tmp_path / "tiny_resnet_preset"
    backbone.save_to_preset(str(preset))
    keras_hub.layers.ResNetImageConverter(image_size=(32, 32), scale=1 / 255.0).save_to_preset(str(preset))
    ds = _toy(n=16, shape=(24, 24, 3), classes=2)  # resized to the preset's 32x32 inside the model
    result = ic.fine_tune(base=str(preset), dataset=ds, epochs=1, fine_tune_epochs=1, batch_size=8,
                          validation_split=0, output_dir=tmp_path, verbose=0)
    assert result.metrics["base_kind"] == "keras_hub"
    assert result.model.output_shape == (None, 2)
    assert result.metrics["unfrozen_blocks"] == ["stack0", "stack1"]
    assert result.model.get_layer("resize").output.shape[1:3] == (32, 32)
    probs = ic.predict(result.run_dir / "model.keras", ds.x_test[:2])
    assert probs[0][0][0] in ds.class_names


def test_fine_tune_errors():
    ds = _toy()
    with pytest.raises(ValueError, match="'base'"):
        ic.fine_tune(base="not-a-model-anywhere", dataset=ds)
    with pytest.raises(ValueError, match="nothing to train"):
        ic.fine_tune(base="lenet5_mnist", dataset=ds, epochs=0, fine_tune_epochs=0)
    with pytest.raises(ValueError, match="'unfreeze_blocks'"):
        ic.fine_tune(base="lenet5_mnist", dataset=ds, unfreeze_blocks=-1)


@pytest.mark.slow
def test_imagenet_download_path_is_kept(tmp_path):
    """Online, keras.applications downloads the ImageNet weights; offline, the error says how to fix it."""
    from zoo.errors import DataNotFoundError

    ds = _toy(n=8, shape=(32, 32, 3), classes=2)
    try:
        result = ic.fine_tune(base="MobileNetV2", weights="imagenet", dataset=ds, epochs=1, fine_tune_epochs=0,
                              validation_split=0, output_dir=tmp_path, verbose=0)
    except DataNotFoundError as err:
        assert "weights=" in str(err) and "MobileNetV2" in str(err)
    else:
        assert result.model.output_shape == (None, 2)


def test_evaluate_with_flip_tta_averages_an_image_and_its_mirror():
    import keras

    ds = _toy(n=12, shape=(8, 8, 3), classes=2)
    # A model that sees only the left half of the image: mirroring changes its answer.
    inputs = keras.Input((8, 8, 3))
    left = keras.layers.Cropping2D(((0, 0), (0, 4)))(inputs)
    outputs = keras.layers.Dense(2, activation="softmax")(keras.layers.Flatten()(left))
    net = keras.Model(inputs, outputs)
    x = ds.x_test.astype("float32")
    both = (net.predict(x, verbose=0) + net.predict(x[:, :, ::-1], verbose=0)) / 2
    expected = float(np.mean(both.argmax(-1) == ds.y_test))
    metrics = ic.evaluate(net, ds, tta=True)
    assert metrics["tta"] is True and metrics["accuracy"] == pytest.approx(expected)
    assert ic.evaluate(net, ds)["tta"] is False
    with pytest.raises(TypeError, match="'tta'"):
        ic.evaluate(net, ds, tta="flip")


def test_publish_records_flip_tta_accuracy_for_models_trained_with_flips(tmp_path, saved_dir, monkeypatch):
    ds = _toy(n=24, shape=(8, 8, 3), classes=2, name="cifar10")
    import zoo.tasks.image.task as image_task

    monkeypatch.setattr(image_task, "load_image_dataset", lambda *a, **k: ds)  # stands in for the real CIFAR-10
    result = ic.train(model="mlp", dataset=ds, epochs=1, batch_size=8, augment=["flip"], validation_split=0.0,
                      output_dir=tmp_path, verbose=0, model_kwargs={"hidden_units": [8]})
    ic.publish(result.run_dir, "mlp_toy", reference_images=2)
    card = json.loads((saved_dir / "mlp_toy.json").read_text())
    assert card["test_accuracy_flip_tta"] == pytest.approx(ic.evaluate("mlp_toy", ds, tta=True)["accuracy"])


def test_train_arguments_are_checked_before_any_work(tmp_path):
    out = tmp_path / "runs"
    for kwargs, match in (({"learning_rate": 0.0}, "'learning_rate'"), ({"weight_decay": -1.0}, "'weight_decay'"),
                          ({"label_smoothing": 1.5}, "'label_smoothing'"), ({"limit": 0}, "'limit'"),
                          ({"validation_split": 1.0}, "'validation_split'"), ({"seed": -1}, "'seed'"),
                          ({"augment": ["flip", "sharpen"]}, "unknown \\['sharpen'\\]"),
                          ({"augment": ["crop:2"]}, "factor in \\(0, 1\\]")):
        with pytest.raises(ValueError, match=match):
            ic.train(model="lenet5", dataset="no-such-dataset", output_dir=out, **kwargs)
    (tmp_path / "file").write_text("x")
    with pytest.raises(ValueError, match="'output_dir'.*is a file"):
        ic.train(model="lenet5", dataset="no-such-dataset", output_dir=tmp_path / "file")
    assert not out.exists()
