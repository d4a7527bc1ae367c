"""zoo.deploy.export: every artifact runs standalone and matches Keras; clear errors where a backend cannot."""

import json

import numpy as np
import pandas as pd
import pytest

from zoo import deploy
from zoo.errors import ExportError

pytest.importorskip("onnxruntime")


def test_lenet5_exports_to_onnx_and_matches_keras_on_real_digits(tmp_path, shared_data):
    from zoo import saved_models
    from zoo.datasets.images import load_mnist

    result = deploy.export("lenet5_mnist", format="onnx", output=tmp_path / "lenet")
    assert result.artifact.name == "model.onnx" and result.max_abs_diff <= 1e-4
    card = json.loads((tmp_path / "lenet" / "export.json").read_text())
    assert card["matches"] and card["max_abs_diff"] == result.max_abs_diff and card["runtime"] == "onnxruntime"
    ds = load_mnist()
    exported = deploy.load_exported(tmp_path / "lenet")
    model, _ = saved_models.load("lenet5_mnist")
    keras_probs = np.asarray(model.predict(ds.x_test[:32], verbose=0))
    onnx_probs = exported.predict(ds.x_test[:32])
    np.testing.assert_allclose(onnx_probs, keras_probs, atol=1e-4)
    assert exported.class_names == [str(i) for i in range(10)]


def test_text_export_keeps_the_tokenizer_in_preprocessing_json(tmp_path):
    from zoo.applications import sentiment

    deploy.export("textcnn_sst2", format="onnx", output=tmp_path / "textcnn")
    pre = json.loads((tmp_path / "textcnn" / "preprocessing.json").read_text())
    assert pre["kind"] == "text" and pre["tokenizer"]["vocabulary"][:2] == ["[PAD]", "[UNK]"]
    texts = ["a gripping , funny film", "a dull , tedious mess", "it isn't great."]
    probs = deploy.load_exported(tmp_path / "textcnn").predict(texts)
    in_process = sentiment.predict("textcnn_sst2", texts, top_k=2)
    for row, pairs in zip(probs, in_process):
        for label, p in pairs:
            assert row[pre["class_names"].index(label)] == pytest.approx(p, abs=1e-4)


def _frame(n=60):
    t = np.arange(n)
    return pd.concat([pd.DataFrame({"unique_id": uid, "ds": pd.date_range("2001-01-07", periods=n, freq="W-SUN"),
                                    "y": base + 3 * np.sin(t / 3) + 0.2 * t}) for uid, base in (("a", 50.0), ("b", 500.0))],
                     ignore_index=True)


def test_deep_forecaster_exports_with_its_window_scaling(tmp_path):
    from zoo.forecasting import create_forecaster

    df = _frame()
    model = create_forecaster("nbeats", horizon=4, input_length=8, epochs=2, batch_size=32,
                              model_kwargs={"units": 16, "num_blocks": 1, "layers_per_block": 2}).fit(df)
    model.save(tmp_path / "nbeats")
    result = deploy.export(tmp_path / "nbeats", format="onnx", output=tmp_path / "out")
    assert result.max_abs_diff <= 1e-4
    exported = deploy.load_exported(tmp_path / "out")
    series = [g["y"].to_numpy() for _, g in df.groupby("unique_id", sort=False)]
    out = exported.predict(series)
    assert out.shape == (2, 4, 3)
    expected = model.predict(4)
    np.testing.assert_allclose(out[:, :, 1].ravel(), expected["yhat"].to_numpy(), rtol=1e-4)


@pytest.mark.parametrize("fmt", ["tf_saved_model", "keras"])
def test_other_formats_match_or_say_which_backend_can(fmt, backend, tmp_path):
    if fmt == "tf_saved_model" and backend == "torch":
        with pytest.raises(ExportError, match="only under jax or tensorflow.*--backend tensorflow"):
            deploy.export("lenet5_mnist", format=fmt, output=tmp_path / "x")
        assert not (tmp_path / "x").exists()
        return
    result = deploy.export("lenet5_mnist", format=fmt, output=tmp_path / "x")
    assert result.max_abs_diff <= 1e-4
    images = np.random.default_rng(1).uniform(0, 255, size=(3, 28, 28, 1)).astype("float32")
    assert deploy.load_exported(tmp_path / "x").predict(images).shape == (3, 10)


def test_export_is_atomic_and_never_replaces_a_foreign_folder(tmp_path):
    foreign = tmp_path / "mine"
    foreign.mkdir()
    (foreign / "notes.txt").write_text("keep me")
    with pytest.raises(FileExistsError, match="not a zoo export"):
        deploy.export("lenet5_mnist", output=foreign)
    assert (foreign / "notes.txt").read_text() == "keep me"
    deploy.export("lenet5_mnist", output=tmp_path / "again")
    import zoo

    assert zoo.export("lenet5_mnist", output=tmp_path / "again").max_abs_diff <= 1e-4  # replaces the previous one
    assert sorted(p.name for p in (tmp_path / "again").iterdir()) == ["export.json", "model.onnx",
                                                                     "preprocessing.json", "sample_inputs.npy"]
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


@pytest.mark.parametrize("kwargs, error, match", [
    ({"source": "lenet6_mnist"}, FileNotFoundError, "Did you mean: lenet5_mnist"),
    ({"source": "lenet5_mnist", "format": "pb"}, ValueError, "'format' parameter of export must be one of"),
    ({"source": 3}, TypeError, "'source' argument of export"),
])
def test_bad_export_arguments(kwargs, error, match, tmp_path):
    with pytest.raises(error, match=match):
        deploy.export(output=tmp_path / "x", **kwargs)


def test_statistical_forecaster_run_folder_is_refused_with_the_alternative(tmp_path):
    folder = tmp_path / "run"
    folder.mkdir()
    (folder / "forecaster.pkl").write_bytes(b"")
    with pytest.raises(ValueError, match="statistical forecaster.*cannot take it.*zoo forecast"):
        deploy.export(folder, output=tmp_path / "x")


def test_exported_model_rejects_bad_inputs(tmp_path):
    deploy.export("lenet5_mnist", output=tmp_path / "lenet")
    exported = deploy.load_exported(tmp_path / "lenet")
    with pytest.raises(ValueError, match=r"images of shape \(N, 28, 28, 1\)"):
        exported.predict(np.zeros((2, 32, 32, 3)))
    with pytest.raises(FileNotFoundError, match="not an export folder"):
        deploy.load_exported(tmp_path)
