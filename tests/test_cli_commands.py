"""Every subcommand of `zoo`: it works on real data, has --help with an example, and fails in one line."""

import io
import subprocess
import sys

import numpy as np
import pytest

from zoo.cli import main as cli

COMMANDS = ["info", "models", "datasets", "run", "train", "tune", "evaluate", "predict", "forecast", "backtest",
            "export", "serve"]


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help(command, capsys):
    with pytest.raises(SystemExit) as exit:
        cli.main([command, "--help"])
    assert exit.value.code == 0
    out = capsys.readouterr().out
    assert "--backend" in out
    assert "example" in out and f"zoo {command}" in out


def test_models_describe_gives_reference_parameters_and_pretrained_tag(capsys):
    assert cli.main(["models", "describe", "lenet5"]) == 0
    out = capsys.readouterr().out
    assert "LeCun" in out and "parameters (default arguments): 61,706" in out and "lenet5.mnist" in out


def test_models_table_shows_pretrained_tags(capsys):
    assert cli.main(["models", "resnet2*"]) == 0
    row = [line for line in capsys.readouterr().out.splitlines() if line.startswith("resnet20 ")][0]
    assert "resnet20.cifar10" in row


def test_datasets_list_describe_and_verify(shared_data, capsys, monkeypatch):
    monkeypatch.setenv("ZOO_DATA_DIR", shared_data)
    assert cli.main(["datasets"]) == 0
    assert "m4_weekly" in capsys.readouterr().out
    assert cli.main(["datasets", "describe", "sst2"]) == 0
    assert "on disk: " in capsys.readouterr().out
    assert cli.main(["datasets", "verify", "m4_weekly", "sst2"]) == 0
    assert capsys.readouterr().out.splitlines() == ["m4_weekly: ok", "sst2: ok"]


def test_datasets_verify_reports_a_changed_file(tmp_path, capsys, monkeypatch):
    from zoo.datasets.manifest import dataset_info

    entry = dataset_info("mnist")
    (tmp_path / entry["path"]).write_bytes(b"not the canonical file")
    monkeypatch.setenv("ZOO_DATA_DIR", str(tmp_path))
    assert cli.main(["datasets", "verify", "mnist"]) == 1
    assert "MISMATCH" in capsys.readouterr().out
    assert cli.main(["datasets", "describe", "mnsit"]) == 2
    assert "Did you mean: mnist" in capsys.readouterr().err


def test_evaluate_prints_the_saved_models_accuracy(shared_data, capsys, monkeypatch):
    monkeypatch.setenv("ZOO_DATA_DIR", shared_data)
    assert cli.main(["evaluate", "sentiment", "--model", "textcnn_sst2", "--dataset", "sst2"]) == 0
    assert "accuracy=0.8040" in capsys.readouterr().out


def test_predict_reads_sentences_from_stdin_files_and_arguments(tmp_path, capsys, monkeypatch):
    (tmp_path / "s.txt").write_text("a gripping, funny film\n\na dull, tedious mess\n")
    monkeypatch.setattr(sys, "stdin", io.StringIO("an unforgettable, heartfelt story\n"))
    assert cli.main(["predict", "textcnn_sst2", str(tmp_path / "s.txt"), "-", "it is n't great"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [line.split("\t")[0] for line in lines] == ["a gripping, funny film", "a dull, tedious mess",
                                                      "an unforgettable, heartfelt story", "it is n't great"]
    assert lines[0].split("\t")[1].startswith("positive") and lines[1].split("\t")[1].startswith("negative")


def test_predict_reads_image_files_and_folders(tmp_path, capsys):
    from PIL import Image

    folder = tmp_path / "digits"
    folder.mkdir()
    for i in range(3):
        Image.fromarray(np.random.default_rng(i).integers(0, 256, (28, 28)).astype("uint8"), mode="L").save(folder / f"{i}.png")
    assert cli.main(["predict", "lenet5_mnist", str(folder), str(folder / "0.png"), "--top-k", "2"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 4 and lines[0].startswith(str(folder / "0.png")) and lines[0].split("\t")[1] == lines[3].split("\t")[1]
    assert cli.main(["predict", "lenet5_mnist", str(tmp_path / "nope.png")]) == 2
    assert "neither an image file nor a folder" in capsys.readouterr().err


def test_forecast_and_backtest(shared_data, tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("ZOO_DATA_DIR", shared_data)
    assert cli.main(["forecast", "--model", "naive2", "--dataset", "air_passengers", "--horizon", "3"]) == 0
    assert "yhat" in capsys.readouterr().out
    assert cli.main(["backtest", "--models", "naive2,theta", "--dataset", "air_passengers",
                     "--output-dir", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "theta" in out and "naive2" in out and "run folder:" in out
    with pytest.raises(SystemExit, match="no option --model .* Did you mean --models"):
        cli.main(["backtest", "--model", "naive2"])


def test_a_user_error_is_one_line_without_traceback():
    proc = subprocess.run([sys.executable, "-m", "zoo.cli.main", "predict", "lenet6_mnist", "x.png"],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert "Did you mean: lenet5_mnist" in proc.stderr
