"""precision= and distribution=: mixed precision on every backend, data parallelism on two simulated jax devices."""

import json
import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest

from zoo.errors import BackendError


@pytest.mark.parametrize("precision, policy", [("bf16", "mixed_bfloat16"), ("fp16", "mixed_float16")])
def test_mixed_precision_trains_and_saves(precision, policy, tmp_path):
    import keras

    from zoo.applications import image_classification as ic

    before = keras.config.dtype_policy().name
    result = ic.train(model="lenet5", dataset="digits", epochs=3, batch_size=32, learning_rate=3e-3,
                      precision=precision, output_dir=tmp_path, verbose=0)
    assert keras.config.dtype_policy().name == before                       # restored after the run
    conv = [layer for layer in result.model.layers[-1].layers if layer.weights][0]
    assert conv.dtype_policy.name == policy and conv.compute_dtype != "float32" and conv.variable_dtype == "float32"
    losses = result.history["loss"]
    assert np.isfinite(losses).all() and losses[-1] < losses[0]
    assert result.metrics["accuracy"] > 0.3                                  # 10 classes: far above chance
    config = json.loads((result.run_dir / "config.json").read_text())
    assert config["precision"] == precision


def test_bad_precision_and_distribution_are_clear_errors(backend, tmp_path):
    from zoo.applications import image_classification as ic
    from zoo.applications import sentiment

    with pytest.raises(ValueError, match="'precision' parameter of image_classification.train must be one of"):
        ic.train(dataset="digits", precision="int8", output_dir=tmp_path)
    with pytest.raises(ValueError, match="'distribution'.*None or 'data_parallel'"):
        ic.train(dataset="digits", distribution="model_parallel", output_dir=tmp_path)
    with pytest.raises(ValueError, match="give one of them"):
        sentiment.train(precision="bf16", dtype_policy="float32", output_dir=tmp_path)


SCRIPT = textwrap.dedent("""
    import json, sys
    import jax, keras
    from zoo.applications import image_classification as ic
    out = {"devices": len(jax.devices())}
    seen = {}
    class Probe(keras.callbacks.Callback):
        def on_train_batch_begin(self, batch, logs=None):
            dist = keras.distribution.distribution()
            if dist is not None and "layout" not in seen:
                seen["layout"] = list(dist.get_data_layout((32, 8, 8, 1)).axes)
                seen["mesh"] = list(dist.device_mesh.shape)
                weight = self.model.trainable_variables[0].value
                seen["weight_devices"] = len(weight.sharding.device_set)
    for mode in (None, "data_parallel"):
        import zoo.tasks.image.task as t
        r = ic.train(model="lenet5", dataset="digits", epochs=3, batch_size=32, learning_rate=3e-3,
                     distribution=mode, output_dir=sys.argv[1] + f"/{mode}", verbose=0) if mode is None else None
        if mode is not None:
            from zoo.core import runner
            original = runner.Run.fit
            def fit(self, model, *a, callbacks=None, **k):
                return original(self, model, *a, callbacks=[*(callbacks or []), Probe()], **k)
            runner.Run.fit = fit
            r = ic.train(model="lenet5", dataset="digits", epochs=3, batch_size=32, learning_rate=3e-3,
                         distribution=mode, output_dir=sys.argv[1] + f"/{mode}", verbose=0)
        out[str(mode)] = {"loss": r.history["loss"], "accuracy": r.metrics["accuracy"]}
    out.update(seen)
    print(json.dumps(out))
""")


def test_data_parallel_shards_the_batch_on_two_devices_and_matches_one_device(backend, tmp_path):
    if backend != "jax":  # Keras' distribution API is jax-only: the zoo says so before any work
        from zoo.applications import image_classification as ic

        with pytest.raises(BackendError, match="jax backend only.*KERAS_BACKEND=jax"):
            ic.train(dataset="digits", distribution="data_parallel", output_dir=tmp_path)
        assert not any(tmp_path.iterdir())
        return
    script = tmp_path / "dp.py"
    script.write_text(SCRIPT)
    env = {**os.environ, "XLA_FLAGS": "--xla_force_host_platform_device_count=2", "KERAS_BACKEND": "jax"}
    proc = subprocess.run([sys.executable, str(script), str(tmp_path)], env=env, capture_output=True, text=True,
                          timeout=600)
    assert proc.returncode == 0, proc.stderr[-3000:]
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    assert out["devices"] == 2 and out["mesh"] == [2] and out["layout"][0] == "batch"
    assert out["weight_devices"] == 2                                         # replicated on both devices
    single, parallel = out["None"], out["data_parallel"]
    np.testing.assert_allclose(parallel["loss"], single["loss"], rtol=2e-2)
    assert abs(parallel["accuracy"] - single["accuracy"]) < 0.03


def test_text_ensemble_trains_in_bf16_and_averages_in_float32(shared_data, tmp_path):
    import keras

    from zoo.applications import sentiment

    result = sentiment.train(model="textcnn", dataset="sst2", epochs=1, limit=200, ensemble=2, precision="bf16",
                             output_dir=tmp_path, verbose=0)
    assert keras.config.dtype_policy().name == "float32"                    # restored after the run
    members = [layer for layer in result.model.layers if isinstance(layer, keras.Model)]
    assert len(members) == 2 and all(m.layers[-1].dtype_policy.name == "mixed_bfloat16" for m in members)
    assert result.model.get_layer("ensemble_mean").compute_dtype == "float32"
    probs = sentiment.predict(result.model, ["a gripping, funny film"], top_k=2)[0]
    assert abs(sum(p for _, p in probs) - 1.0) < 1e-3
