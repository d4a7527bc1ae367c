"""The run loop's guarantees: no lost work after kill -9, no shared folders, no garbage after divergence."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from zoo.core import rundir
from zoo.core.runner import Diverged

SCRIPT = textwrap.dedent("""
    import sys
    import numpy as np
    from zoo.applications import image_classification as ic
    from zoo.datasets.images import ImageDataset

    rng = np.random.default_rng(0)
    y = np.arange(64) % 2
    x = (rng.integers(0, 40, (64, 8, 8, 1)) + (y * 120)[:, None, None, None]).astype(np.uint8)
    ds = ImageDataset("toy", x, y, x[:16], y[:16], ["a", "b"])
    result = ic.train(model="mlp", dataset=ds, epochs=int(sys.argv[2]), batch_size=4, output_dir=sys.argv[1],
                      verbose=0, validation_split=0.0, model_kwargs={"hidden_units": [16]})
    print("RUN", result.run_dir, result.metrics.get("resumed", False))
""")


def _toy_images():
    from zoo.datasets.images import ImageDataset

    rng = np.random.default_rng(0)
    y = np.arange(32) % 2
    x = (rng.integers(0, 40, (32, 8, 8, 1)) + (y * 120)[:, None, None, None]).astype(np.uint8)
    return ImageDataset("toy", x, y, x[:8], y[:8], ["a", "b"])


def _logged_epochs(out: Path) -> int:
    logs = list(out.glob("image_classification/*/checkpoints/history.jsonl"))
    return len(logs[0].read_text().splitlines()) if logs else 0


def test_kill_9_mid_training_then_the_same_command_completes_the_run(tmp_path):
    out, epochs = tmp_path / "runs", 40
    script = tmp_path / "train.py"
    script.write_text(SCRIPT)
    cmd = [sys.executable, str(script), str(out), str(epochs)]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    deadline = time.time() + 240
    while _logged_epochs(out) < 3 and proc.poll() is None and time.time() < deadline:
        time.sleep(0.2)
    assert proc.poll() is None, "training finished before it could be killed: " + proc.stdout.read()[-2000:]
    os.kill(proc.pid, signal.SIGKILL)  # no handler runs: the process just vanishes
    proc.wait()
    (run_dir,) = (out / "image_classification").iterdir()
    assert json.loads((run_dir / "status.json").read_text())["state"] == "running"  # and its process is gone
    assert not (run_dir / "model.keras").exists()

    done = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-3000:]
    assert f"RUN {run_dir} True" in done.stdout
    assert "Skipping variable loading" not in done.stdout + done.stderr  # the optimizer's state came back too
    assert [p.name for p in (out / "image_classification").iterdir()] == [run_dir.name]
    assert json.loads((run_dir / "status.json").read_text())["state"] == "complete"
    assert pd.read_csv(run_dir / "history.csv")["epoch"].tolist() == list(range(1, epochs + 1))
    assert (run_dir / "model.keras").exists() and not (run_dir / "checkpoints").exists()


def test_runs_started_in_the_same_second_get_their_own_folders(tmp_path):
    made, errors = [], []

    def start():
        try:
            made.append(rundir.make_run_dir(tmp_path, "image_classification", "lenet5", "mnist"))
        except Exception as err:  # noqa: BLE001  (the test reports any)
            errors.append(err)

    threads = [threading.Thread(target=start) for _ in range(80)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors and len(set(made)) == 80


def test_a_live_run_is_never_resumed_by_another_process(tmp_path):
    import keras

    from zoo.applications import image_classification as ic

    ds = _toy_images()
    kwargs = dict(model="mlp", dataset=ds, epochs=1, batch_size=8, output_dir=tmp_path, verbose=0,
                  validation_split=0.0, model_kwargs={"hidden_units": [4]})
    first = ic.train(**kwargs).run_dir
    # Pretend the first run is still training in another, living process (this test's parent).
    rundir.set_status(first, "running")
    status = json.loads((first / "status.json").read_text())
    status["pid"] = os.getppid()
    (first / "status.json").write_text(json.dumps(status))
    second = ic.train(**kwargs).run_dir
    assert second != first
    # Another seed is another configuration: never the same folder either.
    status["state"] = "interrupted"
    (first / "status.json").write_text(json.dumps(status))
    assert ic.train(**{**kwargs, "seed": 1}).run_dir not in (first, second)
    assert keras.backend.backend() in json.loads((second / "config.json").read_text())["backend"]


def _overflowing_head(x, classes=2):
    """Logits of +-inf: the loss is NaN from the first step on every backend."""
    import keras

    x = keras.layers.Dense(classes)(keras.layers.Rescaling(1e38)(keras.layers.Flatten()(x)))
    return keras.layers.Softmax()(keras.layers.Rescaling(1e38)(x))


@pytest.mark.parametrize("application", ["image_classification", "sentiment"])
def test_a_diverging_run_stops_with_a_message_and_saves_no_model(application, tmp_path):
    import keras

    if application == "image_classification":
        from zoo.applications import image_classification as ic

        inputs = keras.Input((8, 8, 1))
        net = keras.Model(inputs, _overflowing_head(inputs))

        def train():
            return ic.train(model=net, dataset=_toy_images(), epochs=3, batch_size=8, output_dir=tmp_path,
                            verbose=0, validation_split=0.0)
    else:
        from zoo.applications import sentiment
        from zoo.datasets.text import TextDataset

        texts = ["good fine great", "bad dull poor"] * 20
        ds = TextDataset("toy", texts, np.arange(40) % 2, texts[:4], np.arange(4) % 2, ["negative", "positive"])
        inputs = keras.Input((8,), dtype="int32")
        net = keras.Model(inputs, _overflowing_head(keras.layers.Embedding(50, 4)(inputs)))

        def train():
            return sentiment.train(model=net, dataset=ds, epochs=3, batch_size=8, output_dir=tmp_path, verbose=0,
                                   validation_split=0.0)

    with pytest.raises(Diverged, match="diverged.*'learning_rate'"):
        train()
    (run_dir,) = (tmp_path / application).iterdir()
    assert json.loads((run_dir / "status.json").read_text())["state"] == "failed"
    assert not (run_dir / "model.keras").exists() and not (run_dir / "metrics.json").exists()


def test_run_files_are_readable_by_others(tmp_path):
    from zoo.core.io import write_json

    path = write_json(tmp_path / "config.json", {"a": 1})
    assert path.stat().st_mode & 0o777 == 0o644
