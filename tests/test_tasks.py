"""Every task through the one run loop: the run-folder layout, resume after an interruption, and
save -> load -> identical outputs. One test per property, parametrized over the four tasks.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from zoo.core.runner import Run
from zoo.tasks import task_of_run

EPOCHS = 3


def _images():
    from zoo.datasets.images import ImageDataset

    rng = np.random.default_rng(0)
    y = np.arange(48) % 3
    x = (rng.integers(0, 40, (48, 8, 8, 1)) + (y * 66)[:, None, None, None]).astype(np.uint8)
    return ImageDataset("toy", x, y, x[:24], y[:24], ["a", "b", "c"])


def _texts():
    from zoo.datasets.text import TextDataset

    rng = np.random.default_rng(0)
    pos, neg, fill = ["good", "great", "fine"], ["bad", "dull", "poor"], ["the", "a", "film", "plot", "it"]
    texts = [" ".join(rng.choice(fill, 4).tolist() + rng.choice(pos if i % 2 else neg, 2).tolist()) for i in range(80)]
    labels = np.arange(80) % 2
    return TextDataset("toy", texts[:60], labels[:60], texts[60:], labels[60:], ["negative", "positive"])


def _series():
    from zoo.datasets.timeseries import ForecastDataset

    t = np.arange(60, dtype="float32")
    frames = [pd.DataFrame({"unique_id": uid, "ds": pd.date_range("2020-01-01", periods=60, freq="D"),
                            "y": 10 + k + np.sin(t * 2 * np.pi / 7) + 0.05 * t}) for k, uid in enumerate("ab")]
    df = pd.concat(frames, ignore_index=True)
    last = df.groupby("unique_id").cumcount(ascending=False) < 7
    return ForecastDataset("toy", df[~last].reset_index(drop=True), df[last].reset_index(drop=True), 7, 7, "D")


def _corpus():
    rng = np.random.default_rng(0)
    return [" ".join(rng.choice(["cat", "dog", "cow"] if i % 2 else ["stock", "bond", "price"], 6)) for i in range(60)]


def train_image(out, **kw):
    from zoo.applications import image_classification as ic

    return ic.train(model="mlp", dataset=DATA["image"], epochs=EPOCHS, batch_size=16, output_dir=out, verbose=0,
                    validation_split=0.0, model_kwargs={"hidden_units": [8]}, **kw)


def train_text(out, **kw):
    from zoo.applications import sentiment

    return sentiment.train(model="textcnn", dataset=DATA["text"], epochs=EPOCHS, batch_size=16, output_dir=out,
                           verbose=0, model_kwargs={"embedding_dim": 8, "num_filters": 4, "filter_sizes": [2]}, **kw)


def train_forecasting(out, **kw):
    from zoo.applications import forecasting

    return forecasting.train(model="nbeats", dataset=DATA["forecasting"], output_dir=out, plot_series=1,
                             model_kwargs={"epochs": EPOCHS, "batch_size": 32, "model_kwargs": {"units": 8}}, **kw)


def train_embeddings(out, **kw):
    from zoo.applications import embeddings

    return embeddings.train(corpus=DATA["embeddings"], epochs=EPOCHS, embedding_dim=8, min_count=1, sample=0,
                            batch_size=64, output_dir=out, probe_words=["cat"], **kw)


def outputs(application, model):
    """What a user gets from the model, as an array: probabilities, forecasts, word vectors."""
    if application == "image_classification":
        return np.asarray(model.predict(DATA["image"].x_test[:5], verbose=0))
    if application == "sentiment":
        from zoo.tasks.text.batching import predict_proba

        return predict_proba(model, ["a good film", "the dull plot"])
    if application == "forecasting":
        return model.predict(7)["yhat"].to_numpy()
    return np.stack([model[w] for w in ("cat", "stock")])


DATA = {}
CASES = {"image_classification": train_image, "sentiment": train_text, "forecasting": train_forecasting,
         "embeddings": train_embeddings}
PARAMS = [pytest.param(name, id=name) for name in CASES]


@pytest.fixture(autouse=True, scope="module")
def _data():
    DATA.update(image=_images(), text=_texts(), forecasting=_series(), embeddings=_corpus())
    yield
    DATA.clear()


@pytest.mark.parametrize("application", PARAMS)
def test_run_folder_layout_and_reload(application, tmp_path):
    result = CASES[application](tmp_path)
    run_dir = result.run_dir
    assert run_dir.parent == tmp_path / application
    for name in ("config.json", "status.json", "metrics.json", "history.csv", "learning_curves.png"):
        assert (run_dir / name).is_file(), name
    assert not (run_dir / "checkpoints").exists()  # training state goes once the run is complete
    config = json.loads((run_dir / "config.json").read_text())
    assert config["application"] == application and config["backend"]
    assert json.loads((run_dir / "status.json").read_text())["state"] == "complete"
    history = pd.read_csv(run_dir / "history.csv")
    assert history["epoch"].tolist() == list(range(1, EPOCHS + 1))
    assert json.loads((run_dir / "metrics.json").read_text()) == json.loads(json.dumps(result.metrics, default=str))
    # save -> load -> identical outputs, through the task rebuilt from the folder alone
    loaded = task_of_run(run_dir).load(run_dir)
    trained = result.vectors if application == "embeddings" else result.model  # train returns the Keras net too
    np.testing.assert_allclose(outputs(application, loaded), outputs(application, trained), rtol=1e-6, atol=1e-6)


@pytest.mark.parametrize("application", PARAMS)
def test_interrupted_run_resumes_in_its_folder(application, tmp_path, monkeypatch):
    original = Run.epoch_end

    def crash_in_epoch_2(self, phase, epoch, logs):
        original(self, phase, epoch, logs)
        if epoch == 1:
            raise KeyboardInterrupt  # the machine went away after epoch 2 was logged, before its checkpoint

    monkeypatch.setattr(Run, "epoch_end", crash_in_epoch_2)
    with pytest.raises(KeyboardInterrupt):
        CASES[application](tmp_path)
    (run_dir,) = (tmp_path / application).iterdir()
    assert json.loads((run_dir / "status.json").read_text())["state"] == "interrupted"
    assert (run_dir / "checkpoints").is_dir()
    monkeypatch.setattr(Run, "epoch_end", original)

    result = CASES[application](tmp_path)
    assert result.run_dir == run_dir and [p.name for p in (tmp_path / application).iterdir()] == [run_dir.name]
    assert result.metrics["resumed"] is True
    assert json.loads((run_dir / "status.json").read_text())["state"] == "complete"
    history = pd.read_csv(run_dir / "history.csv")
    assert history["epoch"].tolist() == list(range(1, EPOCHS + 1))
    assert np.isfinite(history["loss"]).all()

    # resume=False, or a different configuration, never reuses a folder
    CASES[application](tmp_path, resume=False)
    assert len(list((tmp_path / application).iterdir())) == 2


def test_publish_keeps_a_better_model_unless_forced(tmp_path, monkeypatch):
    from zoo.core.publish import PublishError, publish

    monkeypatch.setenv("ZOO_SAVED_MODELS", str(tmp_path / "saved"))
    result = train_image(tmp_path)
    task = task_of_run(result.run_dir)
    card = publish(result.run_dir, "toy_mlp", task)
    assert card["test_metrics"]["accuracy"] == result.metrics["accuracy"]
    better = json.loads((tmp_path / "saved" / "toy_mlp.json").read_text())
    better["test_metrics"]["accuracy"] = result.metrics["accuracy"] + 0.01
    (tmp_path / "saved" / "toy_mlp.json").write_text(json.dumps(better))
    before = (tmp_path / "saved" / "toy_mlp.keras").read_bytes()
    with pytest.raises(PublishError, match="already scores accuracy.*force=True"):
        publish(result.run_dir, "toy_mlp", task)
    assert (tmp_path / "saved" / "toy_mlp.keras").read_bytes() == before
    assert publish(result.run_dir, "toy_mlp", task, force=True)["test_metrics"]["accuracy"] == result.metrics["accuracy"]
    with pytest.raises(PublishError, match="plain file name"):
        publish(result.run_dir, "../escape", task)
