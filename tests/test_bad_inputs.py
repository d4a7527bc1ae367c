"""Bad input a user really gives: each is a clear error naming what is wrong and the fix, never a
silent wrong answer or a library's traceback. One row per case; runs on every backend."""

from __future__ import annotations

import re

import numpy as np
import pytest

from zoo.cli import main as cli


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

    return forecasting.train(model="naive", dataset=str(dataset), output_dir=tmp_path / "runs", **kw)


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


def _truncated(tmp_path):
    from zoo import saved_models

    data = (saved_models.saved_models_dir() / "lenet5_mnist.keras").read_bytes()
    path = tmp_path / "cut.keras"
    path.write_bytes(data[: len(data) // 3])
    return path


@pytest.mark.parametrize("case", list(CASES))
def test_bad_input_is_a_clear_error(case, tmp_path):
    fn, error, match = CASES[case]
    with pytest.raises(error, match=match):
        fn(tmp_path)


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
