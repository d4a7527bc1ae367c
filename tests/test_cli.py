"""The zoo command: overrides, recipes, models table, run folders."""

import json

import pytest

from zoo.cli import main as cli


def test_parse_overrides_types():
    got = cli.parse_overrides(["--epochs", "3", "--lr=0.5", "--augment", "--name", "x", "--layers", "[1, 2]", "--w", "none"])
    assert got == {"epochs": 3, "lr": 0.5, "augment": True, "name": "x", "layers": [1, 2], "w": None}


def test_parse_overrides_rejects_bare_words():
    with pytest.raises(SystemExit, match="expected an option"):
        cli.parse_overrides(["epochs", "3"])


def test_missing_recipe_is_a_clear_error():
    with pytest.raises(SystemExit, match="not found"):
        cli.load_recipe("no_such_recipe.toml")


def test_recipe_without_application_is_a_clear_error(tmp_path):
    recipe = tmp_path / "r.toml"
    recipe.write_text('model = "lenet5"\n')
    with pytest.raises(SystemExit, match="must set application"):
        cli.load_recipe(str(recipe))


def test_models_table(capsys):
    assert cli.main(["models", "lenet*"]) == 0
    out = capsys.readouterr().out
    assert "lenet5" in out and "image" in out and "LeCun" in out


def test_models_table_suggests_close_names(capsys):
    assert cli.main(["models", "lenat"]) == 1
    assert "did you mean: lenet5" in capsys.readouterr().out


def test_unknown_application_is_reported_not_raised(capsys):
    assert cli.main(["train", "imag_classification"]) == 2
    assert "Did you mean: image_classification" in capsys.readouterr().err


def test_run_recipe_writes_resolved_config(shared_data, tmp_path, monkeypatch, capsys, backend):
    monkeypatch.setenv("ZOO_DATA_DIR", shared_data)
    recipe = tmp_path / "tiny.toml"
    recipe.write_text('application = "image_classification"\nmodel = "lenet5"\ndataset = "mnist"\n'
                      'epochs = 3\nlimit = 256\nverbose = 0\n')
    code = cli.main(["run", str(recipe), "--epochs", "1", "--output-dir", str(tmp_path / "runs"), "--batch-size", "64"])
    assert code == 0
    out = capsys.readouterr().out
    assert "accuracy=" in out and "run folder:" in out
    run_dir = next((tmp_path / "runs" / "image_classification").iterdir())
    config = json.loads((run_dir / "config.json").read_text())
    assert config["epochs"] == 1 and config["batch_size"] == 64 and config["limit"] == 256
    assert config["recipe"] == str(recipe) and config["backend"] == backend
    for name in ("model.keras", "history.csv", "metrics.json", "confusion_matrix.png", "learning_curves.png"):
        assert (run_dir / name).exists(), name


def test_recipes_publish_only_when_asked(shared_data, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("ZOO_DATA_DIR", shared_data)
    monkeypatch.setenv("ZOO_SAVED_MODELS", str(tmp_path / "saved"))
    recipe = tmp_path / "tiny.toml"
    recipe.write_text('application = "image_classification"\nmodel = "lenet5"\ndataset = "mnist"\n'
                      'epochs = 1\nlimit = 128\nbatch_size = 64\nverbose = 0\n')
    args = ["run", str(recipe), "--output-dir", str(tmp_path / "runs")]
    assert cli.main(args) == 0
    assert not (tmp_path / "saved").exists()  # a plain run never touches saved_models/
    assert cli.main([*args, "--publish", "tiny_lenet"]) == 0
    assert "published: saved_models/tiny_lenet" in capsys.readouterr().out
    card = json.loads((tmp_path / "saved" / "tiny_lenet.json").read_text())
    assert card["recipe"] == str(recipe) and (tmp_path / "saved" / "tiny_lenet.keras").exists()
    # A published model that scores better is kept, with the way out in the message.
    card["test_metrics"]["accuracy"] = 1.0
    (tmp_path / "saved" / "tiny_lenet.json").write_text(json.dumps(card))
    assert cli.main([*args, "--publish", "tiny_lenet"]) == 2
    assert "already scores accuracy 1.0000" in capsys.readouterr().err
    assert cli.main([*args, "--publish", "tiny_lenet", "--force"]) == 0
    assert cli.main([*args, "--publish", "../bad name"]) == 2  # checked before training
    assert "plain file name" in capsys.readouterr().err


def test_run_results_are_printed_by_type(capsys, monkeypatch):
    from zoo.applications import forecasting

    monkeypatch.setattr(forecasting, "backtest", lambda **kw: "a leaderboard")
    assert cli._call("forecasting", "backtest", {}) == 0
    assert capsys.readouterr().out.strip().endswith("a leaderboard")
    with pytest.raises(SystemExit, match="makes no model to publish"):
        cli._call("forecasting", "backtest", {}, publish="x")
