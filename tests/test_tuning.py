"""Optuna studies over the tasks: validation-only objectives, pruning, resumable storage, clear errors."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time

import numpy as np
import pandas as pd
import pytest

optuna = pytest.importorskip("optuna")

from zoo.core.spaces import apply, model_space, parse_space  # noqa: E402
from zoo.tuning import tune  # noqa: E402


def _images(n=96):
    from zoo.datasets.images import ImageDataset

    rng = np.random.default_rng(0)
    y = np.arange(n) % 3
    x = (rng.integers(0, 60, (n, 8, 8, 1)) + (y * 90)[:, None, None, None]).astype(np.uint8)
    return ImageDataset("toy", x, y, x[: n // 3], y[: n // 3], ["a", "b", "c"])


IMAGE = dict(model="mlp", epochs=3, batch_size=16, validation_split=0.25, model_kwargs={"hidden_units": [8]}, verbose=0)


def test_a_study_finds_settings_on_validation_and_retrains_them(tmp_path, capsys):
    ds = _images()
    space = {"learning_rate": ("log", 1e-4, 3e-2), "model_kwargs.dropout": (0.0, 0.5)}
    found = tune("image_classification", search_space=space, n_trials=4, sampler="random", pruner=None,
                 output_dir=tmp_path, dataset=ds, **IMAGE)
    assert found.counts == {"complete": 4}
    assert set(found.best_params) == set(space) and 1e-4 <= found.best_params["learning_rate"] <= 3e-2
    values = [t.value for t in found.study.trials]
    assert found.best_value == max(values)
    out = capsys.readouterr().out
    assert out.count("[trial") == 4 and "best " in out and "(4/4 finished)" in out
    study = json.loads((found.study_dir / "study.json").read_text())
    assert study["objective"] == "validation val_accuracy" and len(study["trials"]) == 4
    assert (found.study_dir / "optimization_history.png").is_file()
    assert not (found.study_dir / "trials").exists() or not any((found.study_dir / "trials").iterdir())
    # The best settings were retrained by the run core on train + validation, and scored on test once.
    run_dir = found.result.run_dir
    config = json.loads((run_dir / "config.json").read_text())
    assert config["validation_split"] == 0.0 and config["learning_rate"] == found.best_params["learning_rate"]
    assert config["verbose"] == 0  # the task's own settings pass through tune()
    assert config["model_kwargs"] == {"hidden_units": [8], "dropout": found.best_params["model_kwargs.dropout"]}
    assert json.loads((run_dir / "status.json").read_text())["state"] == "complete"
    assert "accuracy" in json.loads((run_dir / "study.json").read_text())["test_metrics_of_retrained"]
    # The same call again: the study is complete, nothing more is trained.
    again = tune("image_classification", search_space=space, n_trials=4, sampler="random", pruner=None,
                 output_dir=tmp_path, dataset=ds, retrain=False, progress=False, **IMAGE)
    assert len(again.study.trials) == 4 and again.best_params == found.best_params


def test_pruned_trials_stop_early_and_are_counted(tmp_path):
    class AlwaysPrune(optuna.pruners.BasePruner):
        def prune(self, study, trial):
            return True

    from zoo.tuning import study as tuning_study

    original = tuning_study.make_pruner
    tuning_study.make_pruner = lambda name, epochs: AlwaysPrune()
    try:
        with pytest.raises(RuntimeError, match="No trial.*completed.*'pruned': 3"):
            tune("image_classification", search_space={"learning_rate": [1e-3, 3e-3, 1e-2]}, n_trials=3,
                 sampler="grid", output_dir=tmp_path, dataset=_images(), progress=False, **IMAGE)
    finally:
        tuning_study.make_pruner = original
    (study_dir,) = (tmp_path / "tuning").iterdir()
    import optuna as o

    study = o.load_study(study_name=study_dir.name, storage=f"sqlite:///{study_dir / 'study.db'}")
    assert [len(t.intermediate_values) for t in study.trials] == [1, 1, 1]  # each stopped after its first epoch


def test_hyperband_prunes_a_real_search(tmp_path):
    found = tune("image_classification", search_space={"learning_rate": ("log", 1e-6, 1e-1)}, n_trials=10,
                 sampler="random", pruner="hyperband", output_dir=tmp_path, dataset=_images(), retrain=False,
                 progress=False, **{**IMAGE, "epochs": 6})
    assert found.counts.get("pruned", 0) >= 1 and found.counts.get("complete", 0) >= 1, found.counts
    assert sum(found.counts.values()) == 10


def _series():
    from zoo.datasets.timeseries import ForecastDataset

    t = np.arange(80, dtype="float64")
    frames = [pd.DataFrame({"unique_id": uid, "ds": pd.date_range("2020-01-01", periods=80, freq="MS"),
                            "y": 50 + k * 5 + 0.5 * t + 3 * np.sin(t * 2 * np.pi / 12)}) for k, uid in enumerate("ab")]
    df = pd.concat(frames, ignore_index=True)
    last = df.groupby("unique_id").cumcount(ascending=False) < 12
    return ForecastDataset("toy", df[~last].reset_index(drop=True), df[last].reset_index(drop=True), 12, 12, "MS")


def test_statistical_forecasters_are_tuned_on_a_validation_window(tmp_path):
    found = tune("forecasting", n_trials=3, sampler="random", output_dir=tmp_path, model="ets", dataset=_series())
    assert found.study.direction.name == "MINIMIZE" and found.counts == {"complete": 3}
    assert list(found.best_params) == ["model_kwargs.models"]
    config = json.loads((found.result.run_dir / "config.json").read_text())
    assert config["model_kwargs"]["models"] == found.best_params["model_kwargs.models"]
    assert "owa" in found.result.metrics


SCRIPT = textwrap.dedent("""
    import sys
    import numpy as np
    from zoo.datasets.images import ImageDataset
    from zoo.tuning import tune

    rng = np.random.default_rng(0)
    y = np.arange(96) % 3
    x = (rng.integers(0, 60, (96, 8, 8, 1)) + (y * 90)[:, None, None, None]).astype(np.uint8)
    ds = ImageDataset("toy", x, y, x[:32], y[:32], ["a", "b", "c"])
    found = tune("image_classification", search_space={"learning_rate": ("log", 1e-4, 3e-2)}, n_trials=6,
                 sampler="random", pruner=None, output_dir=sys.argv[1], dataset=ds, model="mlp", epochs=8,
                 batch_size=8, validation_split=0.25, model_kwargs={"hidden_units": [8]}, retrain=False)
    print("COUNTS", found.counts)
""")


def test_kill_9_mid_study_then_the_same_command_continues_it(tmp_path):
    script = tmp_path / "study.py"
    script.write_text(SCRIPT)
    cmd = [sys.executable, str(script), str(tmp_path / "out")]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    deadline, finished = time.time() + 300, 0
    while proc.poll() is None and time.time() < deadline:
        dbs = list((tmp_path / "out" / "tuning").glob("*/study.db"))
        if dbs:
            try:
                study = optuna.load_study(study_name=dbs[0].parent.name, storage=f"sqlite:///{dbs[0]}")
                finished = sum(t.state.name == "COMPLETE" for t in study.trials)
            except Exception:  # noqa: BLE001  (the database is being created)
                finished = 0
        if finished >= 2:
            break
        time.sleep(0.3)
    assert proc.poll() is None, proc.stdout.read()[-2000:]
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    kept = [t.params for t in study.trials if t.state.name == "COMPLETE"]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-3000:]
    study = optuna.load_study(study_name=dbs[0].parent.name, storage=f"sqlite:///{dbs[0]}")
    complete = [t for t in study.trials if t.state.name == "COMPLETE"]
    assert len(complete) == 6 and [t.params for t in complete[: len(kept)]] == kept
    # the trial that the kill cut short is never counted as finished
    assert len(study.trials) - len(complete) <= 1


@pytest.mark.parametrize("space, match", [
    ({}, "non-empty dict"),
    ({"learning_rate": (0.1, 0.01)}, "low < high"),
    ({"learning_rate": ("log", 0.0, 0.1)}, "log-uniform, so low must be > 0"),
    ({"learning_rate": (0.1,)}, "\\(low, high\\)"),
    ({"learning_rate": []}, "empty list"),
    ({"learning_rate": [1e-3, 1e-3]}, "repeats a choice"),
    ({"learning_rate": "fast"}, "must be \\(low, high\\)"),
    ({"learning_rate": {"low": 1}}, "'low' and 'high'"),
    ({"learnig_rate": (1e-4, 1e-2)}, "did you mean 'learning_rate'"),
])
def test_bad_search_spaces_are_clear_errors(space, match, tmp_path):
    with pytest.raises(ValueError, match=match):
        tune("image_classification", search_space=space, n_trials=2, output_dir=tmp_path, dataset=_images(), **IMAGE)
    assert not (tmp_path / "tuning").exists()  # nothing started


@pytest.mark.parametrize("kwargs, error, match", [
    ({"sampler": "bayes"}, ValueError, "'sampler'.*tpe"),
    ({"pruner": "asha"}, ValueError, "'pruner'.*hyperband"),
    ({"sampler": "grid"}, ValueError, "grid.*needs a list"),
    ({"n_trials": 0}, ValueError, "'n_trials'"),
])
def test_bad_tune_options_are_clear_errors(kwargs, error, match, tmp_path):
    with pytest.raises(error, match=match):
        tune("image_classification", **{"n_trials": 2, **kwargs}, output_dir=tmp_path, dataset=_images(), **IMAGE)


def _probe_corpus(tmp_path, n=120):
    """Sentences whose words carry their label, and a labelled copy for the probe (one 'label text' file)."""
    rng = np.random.default_rng(0)
    words = {0: ["bad", "awful", "dull", "boring"], 1: ["good", "great", "fine", "funny"]}
    lines = []
    for i in range(n):
        label = i % 2
        lines.append((label, " ".join(["the", "film", "was", *rng.choice(words[label], 3), "and", "long"])))
    probe = tmp_path / "probe.txt"
    probe.write_text("".join(f"{label} {text}\n" for label, text in lines))
    return [text for _, text in lines], str(probe)


def test_word2vec_is_tuned_on_a_sentiment_probe_of_validation_data_only(tmp_path):
    corpus, probe = _probe_corpus(tmp_path)
    space = {"window": (1, 3), "embedding_dim": [8, 16]}
    found = tune("embeddings", search_space=space, n_trials=3, sampler="random", pruner="median", output_dir=tmp_path,
                 corpus=corpus, probe=probe, min_count=1, epochs=3, progress=False)
    assert sum(found.counts.values()) == 3 and found.counts.get("complete")
    assert 0.0 <= found.best_value <= 1.0
    for trial in found.study.trials:  # the probe's validation accuracy was reported after every epoch
        assert 1 <= len(trial.intermediate_values) <= 3
    study = json.loads((found.study_dir / "study.json").read_text())
    assert study["objective"] == "validation val_probe_accuracy"
    # The retrained best settings are scored once on the probe's test split.
    metrics = json.loads((found.result.run_dir / "metrics.json").read_text())
    assert 0.0 <= metrics["test_probe_accuracy"] <= 1.0 and metrics["probe"] == "probe"
    config = json.loads((found.result.run_dir / "config.json").read_text())
    assert config["window"] == found.best_params["window"] and config["probe"] == probe


def test_a_diverged_trial_counts_as_pruned_not_failed(tmp_path):
    import optuna

    corpus, probe = _probe_corpus(tmp_path)
    with pytest.raises(RuntimeError, match="No trial of study .* completed \\(\\{'pruned': 1\\}\\)"):
        tune("embeddings", search_space={"learning_rate": [1e30]}, n_trials=1, pruner=None, output_dir=tmp_path,
             corpus=corpus, probe=probe, min_count=1, epochs=2, max_row_updates=None, progress=False)
    study = optuna.load_study(study_name=None, storage=f"sqlite:///{next(tmp_path.glob('tuning/*/study.db'))}")
    assert [t.state.name for t in study.trials] == ["PRUNED"]


def test_word2vec_has_a_default_space_and_a_clear_probe_error(tmp_path):
    from zoo.tasks.embeddings import WordEmbeddings

    dims = parse_space(WordEmbeddings().search_space())
    assert {"embedding_dim", "window", "negative", "learning_rate"} <= {d.name for d in dims}
    with pytest.raises(ValueError, match="'probe' parameter"):
        tune("embeddings", corpus=["a b c"], probe=3, output_dir=tmp_path)


def test_a_tuned_task_needs_validation_data(tmp_path):
    with pytest.raises(ValueError, match="'validation_split' must be > 0"):
        tune("image_classification", n_trials=1, output_dir=tmp_path, dataset=_images(),
             **{**IMAGE, "validation_split": 0.0})


def test_spaces_parse_apply_and_default_from_builders():
    from zoo.models import get_model_entry

    dims = {d.name: d for d in parse_space({"a": ("log", 1e-4, 1e-1), "b": (1, 4), "c": [[64], [128, 64]],
                                            "d": ["range", 0.0, 0.5], "e": {"low": 1, "high": 9, "step": 2}})}
    assert dims["a"].log and dims["b"].is_int and dims["c"].choices == ([64], [128, 64])
    assert dims["d"].low == 0.0 and not dims["d"].log and dims["e"].is_int
    assert apply({"model_kwargs": None, "epochs": 3}, {"model_kwargs.units": 8, "epochs": 4}) == \
        {"model_kwargs": {"units": 8}, "epochs": 4}
    space = model_space(get_model_entry("textcnn", "text").builder)
    assert space["model_kwargs.num_filters"] == [50, 100, 200] and space["model_kwargs.dropout"] == (0.0, 0.5)
    assert "model_kwargs.units" in model_space(get_model_entry("nbeats", "forecasting").builder)


def test_zoo_tune_on_the_command_line(shared_data, tmp_path, monkeypatch, capsys):
    from zoo.cli import main as cli

    monkeypatch.setenv("ZOO_DATA_DIR", shared_data)
    recipe = tmp_path / "tune.toml"
    recipe.write_text('application = "image_classification"\nfunction = "tune"\nmodel = "mlp"\ndataset = "mnist"\n'
                      'epochs = 2\nlimit = 300\nbatch_size = 64\nn_trials = 2\nsampler = "random"\n'
                      '[search_space]\nlearning_rate = ["log", 1e-4, 1e-2]\n"model_kwargs.dropout" = ["range", 0.0, 0.5]\n')
    assert cli.main(["run", str(recipe), "--output-dir", str(tmp_path / "runs")]) == 0
    out = capsys.readouterr().out
    assert "best validation value:" in out and "'complete': 2" in out and "run folder:" in out
    with pytest.raises(SystemExit, match="has no option --n-trails.*Did you mean --n-trials"):
        cli.main(["tune", "image_classification", "--n-trails", "2"])


def _initdb():
    import shutil as sh

    for candidate in (sh.which("initdb"), *sorted(__import__("glob").glob("/usr/lib/postgresql/*/bin/initdb"))):
        if candidate:
            return os.path.dirname(candidate)
    return None


@pytest.fixture
def postgres():
    """A real PostgreSQL server on 127.0.0.1 (Debian's packages; `.ci/run` installs them), stopped afterwards."""
    import shutil as sh
    import socket

    pytest.importorskip("psycopg2", reason="psycopg2-binary is needed for PostgreSQL storage (the 'tune' extra)")
    bindir = _initdb()
    if bindir is None:
        pytest.skip("PostgreSQL is not installed (apt-get install postgresql; .ci/run does it)")
    import tempfile
    from pathlib import Path

    folder = Path(tempfile.mkdtemp(prefix="zoo-pg-"))  # not under pytest's private tmp: the server user enters it
    data = folder / "data"
    run_as = []
    if os.geteuid() == 0:  # PostgreSQL refuses to run as root
        if not sh.which("runuser"):
            pytest.skip("running as root without runuser: cannot start PostgreSQL as another user")
        sh.chown(folder, "postgres")
        run_as = ["runuser", "-u", "postgres", "--"]
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    subprocess.run([*run_as, f"{bindir}/initdb", "-D", str(data), "-A", "trust", "-U", "postgres"],
                   check=True, capture_output=True)
    subprocess.run([*run_as, f"{bindir}/pg_ctl", "-D", str(data), "-l", str(folder / "log"), "-w", "-o",
                    f"-p {port} -k {folder} -c listen_addresses=127.0.0.1", "start"], check=True, capture_output=True)
    try:
        yield f"postgresql+psycopg2://postgres@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run([*run_as, f"{bindir}/pg_ctl", "-D", str(data), "-m", "immediate", "stop"], capture_output=True)
        sh.rmtree(folder, ignore_errors=True)


WORKER = textwrap.dedent("""
    import sys
    import numpy as np
    from zoo.datasets.images import ImageDataset
    from zoo.tuning import tune

    rng = np.random.default_rng(0)
    y = np.arange(60) % 2
    x = (rng.integers(0, 60, (60, 8, 8, 1)) + (y * 120)[:, None, None, None]).astype(np.uint8)
    ds = ImageDataset("toy", x, y, x[:20], y[:20], ["a", "b"])
    found = tune("image_classification", search_space={"learning_rate": ("log", 1e-4, 3e-2)}, n_trials=8,
                 sampler="random", seed=int(sys.argv[3]), pruner=None, storage=sys.argv[1], study_name="shared",
                 output_dir=sys.argv[2], dataset=ds, model="mlp", epochs=2, batch_size=8, validation_split=0.25,
                 model_kwargs={"hidden_units": [8]}, retrain=False, progress=False)
""")


def test_two_workers_share_one_postgresql_study(postgres, tmp_path):
    script = tmp_path / "worker.py"
    script.write_text(WORKER)
    optuna.storages.RDBStorage(postgres)  # the schema once, as `optuna create-study` would; workers then join
    workers = [subprocess.Popen([sys.executable, str(script), postgres, str(tmp_path / f"w{i}"), str(i)],
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True) for i in range(2)]
    outputs = [w.communicate(timeout=600)[0] for w in workers]
    assert [w.returncode for w in workers] == [0, 0], outputs
    study = optuna.load_study(study_name="shared", storage=postgres)
    complete = [t for t in study.trials if t.state.name == "COMPLETE"]
    numbers = [t.number for t in study.trials]
    assert len(numbers) == len(set(numbers)) == len(study.trials)  # no trial duplicated
    assert 8 <= len(complete) <= 9  # the two workers may overshoot by the one trial they ran at the same time
    assert all(t.state.name in ("COMPLETE",) for t in study.trials)  # none lost or left running
    # both workers really worked on it
    assert all((tmp_path / f"w{i}").exists() for i in range(2))
