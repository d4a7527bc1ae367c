"""Bad input a user really gives: each is a clear error naming what is wrong and the fix, never a
silent wrong answer or a library's traceback. One row per case; runs on every backend."""

from __future__ import annotations

import re

import numpy as np
import pytest

from zoo.cli import main as cli
from zoo.errors import ZooError


def _images(y_train=None, classes=("a", "b"), n=12):
    from zoo.datasets.images import ImageDataset

    x = np.random.default_rng(0).integers(0, 255, (n, 8, 8, 1)).astype(np.uint8)
    y = np.arange(n) % len(classes) if y_train is None else np.asarray(y_train)
    return ImageDataset("t", x, y, x, np.arange(n) % len(classes), list(classes))


def _reference_images():
    from zoo import saved_models

    return np.load(saved_models.saved_models_dir() / "lenet5_mnist.reference.npz")["images"]


def _csv(tmp_path, text, name="s.csv"):
    path = tmp_path / name
    path.write_text(text)
    return path


def _days(n, value=lambda i: i):
    return "\n".join(f"2020-01-{i:02d},{value(i)}" for i in range(1, n + 1))


def load(path):
    from zoo import saved_models

    return saved_models.load(str(path))


def create_model(name, **kwargs):
    from zoo.models import create_model as create

    return create(name, **kwargs)


def check_name(name):
    from zoo.core.publish import check_name as check

    return check(name)


def ic_predict(images, **kw):
    from zoo.applications import image_classification as ic

    return ic.predict("lenet5_mnist", images, **kw)


def st_predict(texts, **kw):
    from zoo.applications import sentiment

    return sentiment.predict("textcnn_sst2", texts, **kw)


def fc_train(tmp_path, dataset, **kw):
    from zoo.applications import forecasting

    return forecasting.train(**{"model": "naive", "dataset": str(dataset), "output_dir": tmp_path / "runs", **kw})


CASES = {
    # image labels and classes
    "image label -1": (lambda t: _images(np.r_[-1, np.zeros(11, int)]), ValueError, "labels lie outside 0..1.*e.g. \\[-1\\]"),
    "image label >= classes": (lambda t: _images(np.r_[5, np.zeros(11, int)]), ValueError, "outside 0..1.*\\[5\\]"),
    "image float labels": (lambda t: _images(np.zeros(12) + 0.5), ValueError, "integer class indices"),
    "image single class": (lambda t: _images(classes=("a",)), ValueError, "1 class.*at least 2"),
    "image labels count": (lambda t: _images(np.zeros(5, int)), ValueError, "12 train images but 5 train labels"),
    # image predict
    "predict images scaled to 0..1": (lambda t: ic_predict(_reference_images() / 255.0), ValueError, "\\[0, 1\\].*\\* 255"),
    "predict NaN pixels": (lambda t: ic_predict(np.full((1, 28, 28, 1), np.nan)), ValueError, "NaN or infinite"),
    "predict pixels above 255": (lambda t: ic_predict(np.full((1, 28, 28, 1), 300.0)), ValueError, "0..255"),
    "predict negative pixels": (lambda t: ic_predict(np.full((1, 28, 28, 1), -3.0)), ValueError, "0..255"),
    "predict wrong shape": (lambda t: ic_predict(np.zeros((1, 32, 32, 3), np.uint8)), ValueError, "shape \\(N, 28, 28, 1\\)"),
    "predict strings as pixels": (lambda t: ic_predict(np.array([["a"]])), TypeError, "image arrays or file paths"),
    "predict top_k 0": (lambda t: ic_predict(_reference_images()[:1], top_k=0), ValueError, "'top_k'"),
    "predict top_k -1": (lambda t: ic_predict(_reference_images()[:1], top_k=-1), ValueError, "'top_k'"),
    "predict top_k 50": (lambda t: ic_predict(_reference_images()[:1], top_k=50), ValueError, "at most the 10"),
    "predict a non-image file": (lambda t: ic_predict([str(_csv(t, "hello", "x.png"))]), ValueError, "x.png is not a readable image"),
    "predict a missing file": (lambda t: ic_predict([str(t / "none.png")]), FileNotFoundError, "none.png"),
    # model files
    "empty .keras file": (lambda t: load(_csv(t, "", "m.keras")), ValueError, "not a valid .keras file \\(empty\\)"),
    "truncated .keras file": (lambda t: load(_truncated(t)), ValueError, "truncated"),
    "unknown saved model": (lambda t: load("lenet9_mnist"), FileNotFoundError, "Did you mean: lenet5_mnist"),
    "create_model with a trained tag": (lambda t: create_model("lenet5.mnist"), KeyError, "saved_models.load"),
    # sentiment predict
    "sentiment empty string": (lambda t: st_predict(["good", "  "]), ValueError, "empty string.*index 1"),
    "sentiment None": (lambda t: st_predict(None), TypeError, "'texts'"),
    "sentiment numbers": (lambda t: st_predict(["fine", 3]), TypeError, "must hold strings"),
    "sentiment top_k 3": (lambda t: st_predict(["fine"], top_k=3), ValueError, "'top_k'"),
    "sentiment batch_size 0": (lambda t: st_predict(["fine"], batch_size=0), ValueError, "'batch_size'"),
    # time series files
    "empty CSV": (lambda t: fc_train(t, _csv(t, "")), ValueError, "is empty.*ds,y"),
    "header-only CSV": (lambda t: fc_train(t, _csv(t, "ds,y\n")), ValueError, "header and no rows"),
    "CSV with date,value": (lambda t: fc_train(t, _csv(t, "date,value\n" + _days(28))), ValueError,
                            "must have columns 'ds'.*missing \\['ds', 'y'\\].*\\['date', 'value'\\]"),
    "series with Inf": (lambda t: fc_train(t, _csv(t, "ds,y\n" + _days(28, lambda i: "inf" if i == 5 else i)), horizon=2),
                        ValueError, "infinite values.*2020-01-05"),
    "series with text values": (lambda t: fc_train(t, _csv(t, "ds,y\n" + _days(28, lambda i: "x" if i == 5 else i)), horizon=2),
                                ValueError, "'y' column must be numeric"),
    "level as a fraction": (lambda t: fc_train(t, "air_passengers", level=0.95), ValueError, "percentage.*level=95"),
    "horizon 0": (lambda t: fc_train(t, "air_passengers", horizon=0), ValueError, "'horizon'"),
    # run options
    "output_dir is a file": (lambda t: fc_train(_csv(t, "x", "f"), "air_passengers"), ValueError, "'output_dir'.*is a file"),
    "publish name with a path": (lambda t: check_name("../x"), ValueError, "plain file name"),
}


def ic_train(**kw):
    from zoo.applications import image_classification as ic

    return ic.train(**{"model": "lenet5", "dataset": "digits", "epochs": 1, **kw})


def st_train(**kw):
    from zoo.applications import sentiment

    return sentiment.train(**{"dataset": "sst2", "epochs": 1, **kw})


def fc_model(model, tmp_path):
    from zoo.applications import forecasting

    return forecasting.train(model=model, dataset="air_passengers", output_dir=tmp_path / "runs")


def fc_backtest(**kw):
    from zoo.applications import forecasting

    return forecasting.backtest(**{"dataset": "air_passengers", "models": ["naive2"], **kw})


def tune_ic(**kw):
    from zoo.tuning import tune

    return tune("image_classification", **{"model": "lenet5", "dataset": "digits", "epochs": 1, "n_trials": 1, **kw})


def dataset_info(name):
    from zoo.datasets.manifest import dataset_info as info

    return info(name)


def set_backend(name):
    from zoo.backend import set_backend as set_

    return set_(name)


CASES.update({
    # training settings (checked before any data is read or model built)
    "train epochs 0": (lambda t: ic_train(epochs=0), ValueError, "'epochs'.*\\[1, inf\\). Got 0"),
    "train batch_size 0": (lambda t: ic_train(batch_size=0), ValueError, "'batch_size'.*Got 0"),
    "train negative learning rate": (lambda t: ic_train(learning_rate=-1.0), ValueError, "'learning_rate'.*\\(0, 10\\]"),
    "train learning rate 1e30": (lambda t: ic_train(learning_rate=1e30), ValueError, "'learning_rate'.*\\(0, 10\\]. Got 1e\\+30"),
    "sentiment learning rate 1e30": (lambda t: st_train(learning_rate=1e30), ValueError, "'learning_rate'.*\\(0, 10\\]"),
    "train learning rate as text": (lambda t: ic_train(learning_rate="fast"), ValueError, "'learning_rate'.*'fast'"),
    "train label_smoothing 1.5": (lambda t: ic_train(label_smoothing=1.5), ValueError, "'label_smoothing'.*\\[0, 1\\)"),
    "train unknown schedule": (lambda t: ic_train(schedule="wavy"), ValueError, "'schedule'.*'cosine'.*'wavy'"),
    "train unknown optimizer": (lambda t: ic_train(optimizer="adamw2"), ValueError, "'optimizer'.*'adamw'"),
    "train validation_split 1.0": (lambda t: ic_train(validation_split=1.0), ValueError, "'validation_split'.*\\[0, 1\\)"),
    "train unknown model": (lambda t: ic_train(model="lenet6"), KeyError, "Did you mean: lenet5"),
    "train unknown dataset": (lambda t: ic_train(dataset="mnistt"), ValueError, "'dataset'.*'mnist'.*'mnistt'"),
    "train unknown augmentation": (lambda t: ic_train(augment="spin"), ValueError, "'augment'.*unknown \\['spin'\\]"),
    "train seed as text": (lambda t: ic_train(seed="zero"), ValueError, "'seed'.*'zero'"),
    "sentiment unknown model": (lambda t: st_train(model="textcnnn"), KeyError, "Did you mean: textcnn"),
    "sentiment unknown dataset": (lambda t: st_train(dataset="sst3"), ValueError, "'dataset'.*'sst2'.*'sst3'"),
    "sentiment negative epochs": (lambda t: st_train(epochs=-1), ValueError, "'epochs'.*Got -1"),
    # forecasting
    "forecast unknown model": (lambda t: fc_model("arimaa", t), KeyError, "Did you mean: arima, sarima"),
    "forecast unknown dataset": (lambda t: fc_train(t, "air_passenger"), KeyError, "Did you mean: air_passengers"),
    "forecast horizon as text": (lambda t: fc_train(t, "air_passengers", horizon="12"), ValueError, "'horizon'.*'12'"),
    "forecast negative seed": (lambda t: fc_train(t, "air_passengers", seed=-1), ValueError, "'seed'.*Got -1"),
    "backtest windows 0": (lambda t: fc_backtest(windows=0, output_dir=t), ValueError, "'windows'.*Got 0"),
    "backtest unknown model": (lambda t: fc_backtest(models=["naive3"], output_dir=t), KeyError, "Did you mean: naive"),
    "backtest no models": (lambda t: fc_backtest(models=[], output_dir=t), ValueError, "'models'.*empty.*naive2"),
    # tuning
    "tune unknown sampler": (lambda t: tune_ic(sampler="bayes", output_dir=t), ValueError, "'sampler'.*'tpe'.*'bayes'"),
    "tune unknown pruner": (lambda t: tune_ic(pruner="asha", output_dir=t), ValueError, "'pruner'.*'hyperband'.*'asha'"),
    "tune n_trials 0": (lambda t: tune_ic(n_trials=0, output_dir=t), ValueError, "'n_trials'.*Got 0"),
    "tune log range below 0": (lambda t: tune_ic(search_space={"learning_rate": ("log", -1, 1)}, output_dir=t),
                               ValueError, "log-uniform, so low must be > 0"),
    "tune misspelt setting": (lambda t: tune_ic(search_space={"learnin_rate": (0.1, 0.2)}, output_dir=t),
                              ValueError, "did you mean 'learning_rate'"),
    "tune storage as a path": (lambda t: tune_ic(storage="study.db", output_dir=t), ValueError, "database URL.*sqlite:///"),
    # registry, datasets, backend
    "create_model unknown": (lambda t: create_model("resnet21"), KeyError, "Did you mean: resnet32, resnet20"),
    "create_model 0 classes": (lambda t: create_model("lenet5", classes=0), ValueError, "'classes' parameter of lenet5.*Got 0"),
    "create_model 2-D input shape": (lambda t: create_model("lenet5", input_shape=(28, 28)), ValueError, "'input_shape'.*\\(height, width, channels\\).*\\(28, 28\\)"),
    "unknown dataset name": (lambda t: dataset_info("cifar11"), KeyError, "Did you mean: cifar10"),
    "unknown backend": (lambda t: set_backend("mxnet"), ValueError, "'backend'.*'jax', 'torch', 'tensorflow'.*'mxnet'"),
})


def _api(name, attr):
    """``zoo.<module>.<attr>``, imported when a case runs (the backend is chosen by then)."""
    import importlib

    return getattr(importlib.import_module(name), attr)


def ic(attr):
    return _api("zoo.applications.image_classification", attr)


def st(attr):
    return _api("zoo.applications.sentiment", attr)


def fc(attr):
    return _api("zoo.applications.forecasting", attr)


def w2v(*args, **kw):
    return _api("zoo.applications.embeddings", "train_word2vec")(*args, **kw)


def vectors(words, array):
    return _api("zoo.text.word2vec_vectors", "WordVectors")(words, array)


def metric(name, *args):
    return _api("zoo.forecasting.metrics", name)(*args)


def text_data(path, **kw):
    return _api("zoo.datasets.text", "load_text_dataset")(str(path), **kw)


def tune_space(t, space, **kw):
    return tune_ic(search_space=space, output_dir=t, **kw)


def _env_threads(value):
    import os

    from zoo.backend import default_threads

    os.environ["ZOO_NUM_THREADS"] = value
    try:
        return default_threads()
    finally:
        del os.environ["ZOO_NUM_THREADS"]


def _binary_csv(t):
    path = t / "b.csv"
    path.write_bytes(b"ds,y\n\xff\xfe\x00garbage\n")
    return path


CASES.update({
    # image predict and training, more
    "predict no images": (lambda t: ic_predict([]), ValueError, "shape \\(N, 28, 28, 1\\).*Got \\(0,\\)"),
    "predict boolean images": (lambda t: ic_predict(_reference_images()[:1] > 0), TypeError, "booleans.*\\* 255"),
    "train model_kwargs unknown": (lambda t: ic_train(model_kwargs={"bogus": 1}, output_dir=t), TypeError,
                                   "'image/lenet5' has no argument 'bogus'.*accepts: include_top"),
    "train model_kwargs not a dict": (lambda t: ic_train(model_kwargs=[1]), TypeError, "'model_kwargs'.*dict.*Got \\[1\\]"),
    "train limit 0": (lambda t: ic_train(limit=0), ValueError, "'limit'.*Got 0"),
    "train precision fp8": (lambda t: ic_train(precision="fp8"), ValueError, "'precision'.*'fp32'.*'fp8'"),
    "train distribution model_parallel": (lambda t: ic_train(distribution="model_parallel"), ValueError,
                                          "'distribution'.*'data_parallel'.*'model_parallel'"),
    "evaluate a missing run folder": (lambda t: ic("evaluate")(str(t / "nope"), "digits"), FileNotFoundError,
                                      "neither a .keras file nor a saved model"),
    "publish a missing run folder": (lambda t: ic("publish")(str(t / "nope"), "x"), FileNotFoundError, "not a run folder"),
    "fine_tune unknown weights": (lambda t: ic("fine_tune")("lenet5_mnist", "digits", weights="imagenet2"), ValueError,
                                  "'weights'.*'imagenet'.*'imagenet2'"),
    # sentiment, more
    "sentiment embeddings file missing": (lambda t: st_train(embeddings=str(t / "none.txt")), FileNotFoundError,
                                          "'embeddings'.*none.txt, which does not exist"),
    "sentiment embeddings as a number": (lambda t: st_train(embeddings=123), TypeError, "'embeddings'.*word2vec text file"),
    "sentiment pretrained folder missing": (lambda t: st_train(pretrained=str(t / "nobert")), FileNotFoundError,
                                            "'pretrained'.*nobert, which does not exist"),
    "sentiment model_kwargs misspelt": (lambda t: st_train(model_kwargs={"filters": 8}, output_dir=t), TypeError,
                                        "no argument 'filters'. Did you mean 'num_filters'"),
    "sentiment evaluate split valid": (lambda t: st("evaluate")("textcnn_sst2", "sst2", split="valid"), ValueError,
                                       "'split'.*'valid'"),
    "cross_validate folds 1": (lambda t: st("cross_validate")(dataset="mr", folds=1), ValueError, "'folds'.*Got 1"),
    "text dataset path missing": (lambda t: text_data(t / "nothing.txt"), ValueError, "'dataset' parameter.*nothing.txt"),
    "text CSV without a text column": (lambda t: text_data(_csv(t, "a,b\n1,2\n3,4\n", "t.csv")), ValueError,
                                       "which column of t.csv is the text.*text_column="),
    # forecasting, more
    "forecast horizon longer than the series": (lambda t: fc_train(t, "air_passengers", horizon=10000), ValueError,
                                                "'horizon' \\(10000\\) leaves no training data"),
    "forecast level 150": (lambda t: fc("forecast")(model="naive", dataset="air_passengers", level=150), ValueError,
                           "'level'.*\\(0, 100\\). Got 150"),
    "backtest too many windows": (lambda t: fc_backtest(windows=1000, output_dir=t), ValueError,
                                  "windows=1000.*need more than.*has 144"),
    "series with duplicate timestamps": (lambda t: fc_train(t, _csv(t, "ds,y\n" + _days(20) + "\n2020-01-05,3"), horizon=2),
                                         ValueError, "duplicated.*duplicates='mean'"),
    "series too short for the model": (lambda t: fc_train(t, _csv(t, "ds,y\n" + _days(3)), horizon=2), ValueError,
                                       "at least 3 points per series"),
    "forecaster model_kwargs unknown": (lambda t: fc_train(t, "air_passengers", model="ets", model_kwargs={"bogus": 1}),
                                        TypeError, "Forecaster 'ets' has no argument 'bogus'.*accepts: models"),
    "forecaster model_kwargs not a dict": (lambda t: fc_train(t, "air_passengers", model_kwargs=5), TypeError,
                                           "'model_kwargs'.*dict.*Got 5"),
    "nbeats misspelt argument": (lambda t: fc_train(t, "air_passengers", model="nbeats", model_kwargs={"input_size": 8}),
                                 TypeError, "no argument 'input_size'. Did you mean 'input_"),
    "mase season_length 0": (lambda t: metric("mase", [1, 2], [1, 2], [1, 2, 3], 0), ValueError, "'season_length'.*Got 0"),
    "smape lengths differ": (lambda t: metric("smape", [1, 2, 3], [1, 2]), ValueError, "same length. Got 3 and 2"),
    "M4 frequency unknown": (lambda t: _api("zoo.datasets.timeseries", "read_m4")(_csv(t, "id,v\nW1,1\n"), "Fortnightly"),
                             ValueError, "'frequency'.*'weekly'.*'Fortnightly'"),
    "series with empty unique_id": (lambda t: fc_train(t, _csv(t, "ds,y,unique_id\n2020-01-01,1\n")), ValueError,
                                    "'unique_id' column has 1 empty value"),
    "series CSV not UTF-8": (lambda t: _api("zoo.datasets.timeseries", "read_csv")(_binary_csv(t)), ValueError,
                             "b.csv is not UTF-8 text"),
    # word embeddings
    "word2vec empty corpus": (lambda t: w2v([]), ValueError, "'corpus' parameter holds no words"),
    "word2vec unknown corpus name": (lambda t: w2v("no_such_corpus"), ValueError, "'corpus'.*'sentiment'.*'no_such_corpus'"),
    "word2vec window 0": (lambda t: w2v(["a b c"], window=0), ValueError, "'window'.*Got 0"),
    "word2vec negative sample": (lambda t: w2v(["a b c"], sample=-1), ValueError, "'sample'.*>= 0.*Got -1"),
    "word2vec min_count above every count": (lambda t: w2v(["a b c"], min_count=1000), ValueError,
                                              "vocabulary is empty.*min_count=1000.*Lower min_count"),
    "word2vec corpus as a number": (lambda t: w2v(5), TypeError, "'corpus'.*Got int"),
    "word vectors with a repeated word": (lambda t: vectors(["a", "a"], np.zeros((2, 3))), ValueError, "distinct. 'a'"),
    "word vectors rows != words": (lambda t: vectors(["a", "b"], np.zeros((3, 3))), ValueError,
                                   "one row per word: got 2 words.*\\(3, 3\\)"),
    "vector of an unknown word": (lambda t: vectors(["queen", "king"], np.ones((2, 3)))["quen"], KeyError,
                                  "'quen' has no vector.*Close words: queen"),
    "load_vectors missing file": (lambda t: _api("zoo.applications.embeddings", "load_vectors")(str(t / "v.txt")),
                                  FileNotFoundError, "v.txt, which is not a file"),
    # tuning, more
    "tune range of one number": (lambda t: tune_space(t, {"learning_rate": (0.1,)}), ValueError,
                                 "must be \\(low, high\\).*Got \\(0.1,\\)"),
    "tune empty space": (lambda t: tune_space(t, {}), ValueError, "'search_space'.*non-empty dict"),
    "tune range low > high": (lambda t: tune_space(t, {"learning_rate": (0.1, 0.01)}), ValueError,
                              "low < high. Got low=0.1, high=0.01"),
    "tune empty choices": (lambda t: tune_space(t, {"batch_size": []}), ValueError, "empty list of choices"),
    "tune n_jobs 0": (lambda t: tune_ic(n_jobs=0, output_dir=t), ValueError, "'n_jobs'.*Got 0"),
    "tune negative timeout": (lambda t: tune_ic(timeout=-1, output_dir=t), ValueError, "'timeout'.*Got -1"),
    "tune unknown application": (lambda t: _api("zoo.tuning", "tune")("segmentation", n_trials=1), ValueError,
                                 "'application'.*'embeddings'.*'segmentation'"),
    "tune word2vec probe not a dataset": (lambda t: _api("zoo.tuning", "tune")("embeddings", corpus=["a b"], probe=3,
                                                                                 output_dir=t), ValueError, "'probe' parameter"),
    # export
    "export unknown format": (lambda t: _api("zoo.deploy", "export")("lenet5_mnist", format="tflite", output=t / "e"),
                              ValueError, "'format'.*'onnx'.*'tflite'"),
    "export a missing model": (lambda t: _api("zoo.deploy", "export")(str(t / "nomodel"), output=t / "e"),
                               FileNotFoundError, "neither a .keras file nor a saved model"),
    "export negative atol": (lambda t: _api("zoo.deploy", "export")("lenet5_mnist", atol=-1, output=t / "e"), ValueError,
                             "'atol'.*Got -1"),
    "load_exported on a plain folder": (lambda t: _api("zoo.deploy", "load_exported")(str(t)), FileNotFoundError,
                                        "not an export folder: it has no export.json.*zoo export"),
    # registry, datasets, environment, more
    "dataset_info empty name": (lambda t: dataset_info(""), KeyError, "Unknown dataset ''. Known datasets: air_passengers"),
    "saved model with an empty name": (lambda t: load(""), FileNotFoundError, "Saved models: lenet5_mnist"),
    "create_model unknown argument": (lambda t: create_model("lenet5", bogus=1), TypeError,
                                      "'image/lenet5' has no argument 'bogus'"),
    "create_model name of two tasks": (lambda t: create_model("lstm"), KeyError, "several tasks.*forecasting/lstm, text/lstm"),
    "create_model resnet20 on 2x2 images": (lambda t: create_model("resnet20", input_shape=(2, 2, 3)), ValueError,
                                            "height and width >= 8.*\\(2, 2, 3\\)"),
    "create_model textcnn vocabulary 0": (lambda t: create_model("textcnn", vocab_size=0), ValueError, "'vocab_size'.*Got 0"),
    "create_model nbeats horizon 0": (lambda t: create_model("nbeats", horizon=0), ValueError, "'horizon'.*Got 0"),
    "create_model mlp negative width": (lambda t: create_model("mlp", hidden_units=(-1,)), ValueError,
                                        "'hidden_units' parameter of mlp.*Got -1"),
    "create_model classes as text": (lambda t: create_model("vgg16", classes="10"), ValueError, "'classes'.*Got '10'"),
    "ZOO_NUM_THREADS not a number": (lambda t: _env_threads("abc"), ValueError, "ZOO_NUM_THREADS.*'abc'"),
})


def _truncated(tmp_path):
    from zoo import saved_models

    data = (saved_models.saved_models_dir() / "lenet5_mnist.keras").read_bytes()
    path = tmp_path / "cut.keras"
    path.write_bytes(data[: len(data) // 3])
    return path


@pytest.mark.parametrize("case", list(CASES))
def test_bad_input_is_a_clear_error(case, tmp_path):
    fn, error, match = CASES[case]
    with pytest.raises(error, match=match) as caught:
        fn(tmp_path)
    assert isinstance(caught.value, ZooError), f"{type(caught.value).__name__} is not the zoo's own error type"


def test_label_lines_without_a_sentence_are_skipped_and_counted(tmp_path):
    from zoo.datasets.text import load_text_dataset

    path = _csv(tmp_path, "1 good stuff\n0 \n0 bad stuff\n1 great\n0 awful thing\n1 nice\n" * 5, "cr.txt")
    with pytest.warns(UserWarning, match="skipped 5 line\\(s\\) with a label and no sentence \\(line 2, 8"):
        ds = load_text_dataset(str(path))
    assert len(ds.train_texts) + len(ds.test_texts) == 25
    with pytest.raises(ValueError, match="every line holds a label and no sentence"):
        load_text_dataset(str(_csv(tmp_path, "1\n0\n1\n", "labels.txt")))


CLI_CASES = {
    "unknown flag": (["train", "image_classification", "--epohcs", "1"], "has no option --epohcs.*Did you mean --epochs"),
    "unknown recipe key": (["run", "{recipe_key}"], "has no option --modle.*Did you mean --model"),
    "bad TOML": (["run", "{recipe_toml}"], "is not valid TOML.*line 2"),
    "missing recipe": (["run", "no-such-recipe.toml"], "not found"),
    "unknown application": (["train", "imag_classification"], "Did you mean: image_classification"),
    "bad publish name": (["train", "forecasting", "--publish", "a/b"], "plain file name"),
}


@pytest.mark.parametrize("case", list(CLI_CASES))
def test_cli_bad_input_is_one_line_and_non_zero(case, tmp_path, capsys):
    recipes = {"recipe_key": _csv(tmp_path, 'application = "image_classification"\nmodle = "lenet5"\n', "k.toml"),
               "recipe_toml": _csv(tmp_path, 'application = "image_classification"\nmodel = \n', "b.toml")}
    argv, match = CLI_CASES[case]
    argv = [a.format(**recipes) for a in argv]
    try:
        code = cli.main(argv)
    except SystemExit as exit_:
        code, message = 1, str(exit_.code)
    else:
        message = capsys.readouterr().err
    assert code != 0
    assert re.search(match, message), message
    assert "Traceback" not in message


def test_unknown_keras_backend_lists_the_choices(monkeypatch, capsys):
    monkeypatch.setenv("KERAS_BACKEND", "jaxx")
    assert cli.main(["info"]) == 2
    assert "one of jax, torch, tensorflow" in capsys.readouterr().err


@pytest.mark.parametrize("app, model", [("image_classification", "lenet6"), ("sentiment", "textcnnn"),
                                        ("forecasting", "arimma")])
def test_unknown_model_name_opens_no_run_folder(app, model, tmp_path):
    """A misspelt model name is refused when the arguments are checked, before a run folder exists: no empty
    'interrupted' run is left behind for every typo."""
    import importlib

    module = importlib.import_module(f"zoo.applications.{app}")
    dataset = {"image_classification": "digits", "sentiment": "sst2", "forecasting": "air_passengers"}[app]
    with pytest.raises(KeyError, match="Did you mean"):
        module.train(model=model, dataset=dataset, epochs=1, output_dir=tmp_path / "runs") if app != "forecasting" \
            else module.train(model=model, dataset=dataset, output_dir=tmp_path / "runs")
    assert not any((tmp_path / "runs").rglob("status.json"))
