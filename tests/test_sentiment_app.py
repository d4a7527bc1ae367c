"""The sentiment application end to end on a tiny synthetic set: train, evaluate, predict,
cross-validate, word-vector initialisation, run folders, and save -> load under another backend."""

import json
import os
import subprocess
import sys

import numpy as np
import pytest

from zoo.applications import sentiment

POS = ["good", "great", "gripping", "funny", "moving", "superb"]
NEG = ["bad", "dull", "tedious", "awful", "boring", "flat"]
FILL = ["the", "film", "a", "plot", "is", "was", "and", "story", "cast", "very"]
TINY_CNN = {"embedding_dim": 16, "num_filters": 8, "filter_sizes": [2, 3]}


def _sentences(n, seed):
    rng = np.random.default_rng(seed)
    out = []
    for i in range(n):
        label = i % 2
        words = list(rng.choice(FILL, 5)) + list(rng.choice(POS if label else NEG, 2))
        rng.shuffle(words)
        out.append(f"{label} {' '.join(words)}")
    return out


@pytest.fixture
def tiny_sst(tmp_path):
    folder = tmp_path / "tiny"
    folder.mkdir()
    for split, n, seed in (("train", 160, 0), ("dev", 40, 1), ("test", 40, 2)):
        (folder / f"tiny.{split}").write_text("\n".join(_sentences(n, seed)) + "\n")
    return folder


def test_train_writes_run_folder_and_learns(tiny_sst, tmp_path):
    result = sentiment.train(model="textcnn", dataset=tiny_sst, epochs=4, batch_size=16, seed=0, learning_rate=1e-2,
                             output_dir=tmp_path / "runs", model_kwargs=TINY_CNN, verbose=0)
    run = result.run_dir
    for name in ("config.json", "model.keras", "history.csv", "metrics.json", "learning_curves.png",
                 "confusion_matrix.png", "roc_curve.png", "pr_curve.png"):
        assert (run / name).exists(), name
    config = json.loads((run / "config.json").read_text())
    assert config["model"] == "textcnn" and config["seed"] == 0 and config["epochs"] == 4
    assert config["dataset"] == "tiny" and config["backend"]
    m = result.metrics
    for key in ("accuracy", "precision", "recall", "f1", "roc_auc", "average_precision", "confusion_matrix"):
        assert key in m
    assert m["accuracy"] >= 0.9, m["accuracy"]
    assert result.history["loss"][-1] < result.history["loss"][0]
    (label, prob), (label2, _) = sentiment.predict(result.model, ["a gripping , funny film", "a dull, tedious plot"])
    assert (label, label2) == ("positive", "negative") and 0.5 < prob <= 1.0
    # the saved file answers the same, straight from its path
    again = sentiment.predict(str(run / "model.keras"), ["a gripping , funny film"])
    assert again[0][0] == "positive" and again[0][1] == pytest.approx(prob, abs=1e-5)


def test_evaluate_accepts_a_path_and_writes_plots(tiny_sst, tmp_path):
    result = sentiment.train(model="gru", dataset=tiny_sst, epochs=1, batch_size=32, output_dir=tmp_path,
                             model_kwargs={"embedding_dim": 8, "units": 8}, verbose=0)
    out = tmp_path / "eval"
    out.mkdir()
    metrics = sentiment.evaluate(str(result.run_dir / "model.keras"), tiny_sst, split="dev", run_dir=out)
    assert metrics["split"] == "dev" and metrics["num_examples"] == 40
    assert sorted(p.name for p in out.glob("*.png")) == ["confusion_matrix.png", "pr_curve.png", "roc_curve.png"]
    top = sentiment.predict(result.model, ["good"], top_k=2)[0]
    assert len(top) == 2 and abs(sum(p for _, p in top) - 1.0) < 1e-4


def test_embeddings_object_and_word2vec_file(tiny_sst, tmp_path):
    import keras

    class Vectors:
        def embedding_matrix(self, vocabulary):
            return np.stack([np.full(6, float(len(w)), "float32") for w in vocabulary])

    result = sentiment.train(model="textcnn", dataset=tiny_sst, epochs=1, embeddings=Vectors(), freeze_embeddings=True,
                             output_dir=tmp_path, model_kwargs={"num_filters": 4, "filter_sizes": [2]}, verbose=0)
    layer = result.model.get_layer("textcnn").get_layer("embedding")
    table = keras.ops.convert_to_numpy(layer.embeddings)
    vocab = sentiment.load_model(result.model)[0].get_layer("text_tokenizer").tokenizer.vocabulary
    assert table.shape == (len(vocab), 6) and not layer.trainable
    np.testing.assert_allclose(table[:, 0], [len(w) for w in vocab])  # frozen: unchanged by training

    path = tmp_path / "vectors.txt"
    path.write_text("2 3\ngood 1 2 3\nbad -1 -2 -3\n")
    result = sentiment.train(model="textcnn", dataset=tiny_sst, epochs=1, embeddings=str(path), freeze_embeddings=True,
                             output_dir=tmp_path, model_kwargs={"num_filters": 4, "filter_sizes": [2]}, verbose=0)
    tok = result.model.get_layer("text_tokenizer").tokenizer
    table = keras.ops.convert_to_numpy(result.model.get_layer("textcnn").get_layer("embedding").embeddings)
    np.testing.assert_allclose(table[tok.index["good"]], [1, 2, 3])
    np.testing.assert_allclose(table[0], 0.0)
    with pytest.raises(TypeError, match="embedding_matrix"):
        sentiment.train(model="textcnn", dataset=tiny_sst, epochs=1, embeddings=42, output_dir=tmp_path, verbose=0)


def test_cross_validate_tests_every_example_once(tiny_sst, tmp_path):
    cv = sentiment.cross_validate(model="textcnn", dataset=tiny_sst, k=2, epochs=1, batch_size=32,
                                  output_dir=tmp_path, model_kwargs=TINY_CNN)
    assert cv["folds_run"] == 2 and len(cv["fold_accuracies"]) == 2
    assert sum(f["test_examples"] for f in cv["folds"]) == 240
    assert 0.0 <= cv["accuracy_mean"] <= 1.0
    assert os.path.exists(os.path.join(cv["run_dir"], "folds.csv"))
    with pytest.raises(TypeError, match="unexpected"):
        sentiment.cross_validate(dataset=tiny_sst, k=3, nonsense=1)


def test_cross_validate_reads_a_vectors_file_once(tiny_sst, tmp_path, monkeypatch):
    from zoo.text import vectors

    path = tmp_path / "vectors.txt"
    path.write_text("2 3\ngood 1 2 3\nbad -1 -2 -3\n")
    reads = []
    load = vectors.load_word2vec_text
    monkeypatch.setattr(vectors, "load_word2vec_text", lambda *a, **k: reads.append(a) or load(*a, **k))
    cv = sentiment.cross_validate(model="textcnn", dataset=tiny_sst, k=2, epochs=1, batch_size=32, output_dir=tmp_path,
                                  embeddings=str(path), model_kwargs={"num_filters": 4, "filter_sizes": [2]})
    assert cv["folds_run"] == 2 and len(reads) == 1


def test_bad_arguments(tiny_sst, tmp_path):
    with pytest.raises(ValueError, match="epochs"):
        sentiment.train(dataset=tiny_sst, epochs=0, output_dir=tmp_path)
    with pytest.raises(ValueError, match="pretrained"):
        sentiment.train(model="lstm", dataset=tiny_sst, pretrained="x", output_dir=tmp_path)
    with pytest.raises(FileNotFoundError, match="saved model"):
        sentiment.predict("no_such_model", ["x"])
    out = tmp_path / "out"
    for kwargs, match in (({"learning_rate": -1e-3}, "'learning_rate'"), ({"limit": 0}, "'limit'"),
                          ({"max_tokens": 2}, "'max_tokens'"), ({"validation_split": 1.0}, "'validation_split'"),
                          ({"patience": 0}, "'patience'"), ({"output_dir": tiny_sst / "tiny.train"}, "'output_dir'")):
        with pytest.raises(ValueError, match=match):
            sentiment.train(dataset=tiny_sst, **{"output_dir": out, **kwargs})
    with pytest.raises(ValueError, match="'epochs'"):
        sentiment.cross_validate(dataset=tiny_sst, k=2, epochs=0, output_dir=out)
    for folds in ([5], [], 0, [-1]):
        with pytest.raises(ValueError, match="'folds'"):
            sentiment.cross_validate(dataset=tiny_sst, k=3, folds=folds, output_dir=out)
    with pytest.raises(ValueError, match="'k'"):
        sentiment.cross_validate(dataset=tiny_sst, k=200, output_dir=out)
    assert not out.exists()  # arguments are checked before any run folder is made


def test_textdataset_labels_are_checked():
    from zoo.datasets.text import TextDataset

    with pytest.raises(ValueError, match="outside 0..1"):
        TextDataset("x", ["a", "b"], [1, 2], ["c"], [0], ["neg", "pos"])
    with pytest.raises(ValueError, match="must be ints"):
        TextDataset("x", ["a", "b"], ["neg", "pos"], ["c"], [0], ["neg", "pos"])
    with pytest.raises(ValueError, match="differ in length"):
        TextDataset("x", ["a", "b"], [0], ["c"], [0], ["neg", "pos"])


def test_evaluate_and_predict_match_classes_by_name(tiny_sst, tmp_path):
    from zoo.datasets.text import TextDataset, load_text_dataset

    result = sentiment.train(dataset=tiny_sst, epochs=3, output_dir=tmp_path, model_kwargs=TINY_CNN, verbose=0)
    ds = load_text_dataset(tiny_sst)
    # The same test set with its classes listed the other way round scores the same.
    flipped = TextDataset("flipped", ds.train_texts, 1 - ds.train_labels, ds.test_texts, 1 - ds.test_labels,
                          ["positive", "negative"])
    assert sentiment.evaluate(result.model, flipped)["accuracy"] == sentiment.evaluate(result.model, ds)["accuracy"]
    other = TextDataset("other", ds.train_texts, ds.train_labels, ds.test_texts, ds.test_labels, ["bad", "good"])
    with pytest.raises(ValueError, match="classes \\['bad', 'good'\\] that the model does not predict"):
        sentiment.evaluate(result.model, other)
    assert len(sentiment.predict(result.model, "a gripping film", top_k=2)[0]) == 2
    for kwargs, match in (({"top_k": 3}, "'top_k'"), ({"top_k": 0}, "'top_k'"), ({"batch_size": 0}, "'batch_size'")):
        with pytest.raises(ValueError, match=match):
            sentiment.predict(result.model, ["x"], **kwargs)
    with pytest.raises(TypeError, match="'texts'"):
        sentiment.predict(result.model, None)
    with pytest.raises(TypeError, match="must hold strings"):
        sentiment.predict(result.model, ["fine", 3])


OTHER = {"jax": "torch", "torch": "tensorflow", "tensorflow": "jax"}


def test_save_under_one_backend_load_under_another(tiny_sst, tmp_path, backend):
    result = sentiment.train(model="transformer", dataset=tiny_sst, epochs=1, batch_size=32, output_dir=tmp_path,
                             model_kwargs={"embedding_dim": 8, "num_heads": 2, "ff_dim": 16, "num_layers": 1}, verbose=0)
    texts = ["a gripping , funny film", "a dull, tedious plot", "unseen words only"]
    here = sentiment.predict_proba(result.model, texts)
    path = result.run_dir / "model.keras"
    code = ("import json, sys; from zoo.applications import sentiment; "
            f"print(json.dumps(sentiment.predict_proba(sys.argv[1], {texts!r}).tolist()))")
    env = {**os.environ, "KERAS_BACKEND": OTHER[backend]}
    out = subprocess.run([sys.executable, "-c", code, str(path)], env=env, capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr[-2000:]
    there = np.asarray(json.loads(out.stdout.strip().splitlines()[-1]))
    np.testing.assert_allclose(there, here, atol=1e-5)


def test_ensemble_averages_members(tiny_sst, tmp_path):
    result = sentiment.train(model="textcnn", dataset=tiny_sst, epochs=1, ensemble=2, output_dir=tmp_path,
                             model_kwargs=TINY_CNN, verbose=0)
    members = [result.model.get_layer(f"textcnn_{m}") for m in range(2)]
    x = result.model.get_layer("text_tokenizer").tokenizer.encode(["a good film"])
    mean = np.mean([np.asarray(m.predict(x, verbose=0)) for m in members], axis=0)
    np.testing.assert_allclose(sentiment.predict_proba(result.model, ["a good film"]), mean, atol=1e-6)
    assert result.metrics["ensemble"] == 2 and len(result.metrics["member_val_accuracy"]) == 2
    loaded = sentiment.predict_proba(str(result.run_dir / "model.keras"), ["a good film"])
    np.testing.assert_allclose(loaded, mean, atol=1e-5)
