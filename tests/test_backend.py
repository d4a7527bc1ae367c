"""Backend selection, and the rule that only zoo/backend.py imports a framework."""

import ast
import os
import pathlib
import subprocess
import sys

import pytest

import zoo
from zoo import backend as zb
from zoo.errors import BackendError

FRAMEWORKS = {"jax", "jaxlib", "torch", "tensorflow", "tf_keras"}
PACKAGE = pathlib.Path(zoo.__file__).parent
ZOO_BIN = pathlib.Path(sys.executable).with_name("zoo")


def _framework_imports(path):
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        elif isinstance(node, ast.Call) and getattr(node.func, "attr", getattr(node.func, "id", "")) in (
            "import_module", "__import__") and node.args and isinstance(node.args[0], ast.Constant):
            names = [str(node.args[0].value)]
        else:
            continue
        for name in names:
            if name.split(".")[0] in FRAMEWORKS:
                yield node.lineno, name


def test_only_backend_module_imports_frameworks():
    offenders = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if path == PACKAGE / "backend.py":
            continue
        offenders += [f"{path.relative_to(PACKAGE.parent)}:{line} imports {name}" for line, name in _framework_imports(path)]
    assert not offenders, "framework imports outside zoo/backend.py:\n" + "\n".join(offenders)


def test_guard_catches_a_framework_import(tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text("import numpy\nfrom torch import nn\nimport importlib\nimportlib.import_module('jax.numpy')\n")
    assert [name for _, name in _framework_imports(bad)] == ["torch", "jax.numpy"]


def test_active_backend_matches_environment(backend):
    assert backend == os.environ.get("KERAS_BACKEND", zb.DEFAULT_BACKEND)
    assert zb.active_backend() == backend


def test_setting_same_backend_after_import_is_fine(backend):
    assert zb.set_backend(backend) == backend


def test_switching_backend_after_keras_import_is_a_clear_error(backend, monkeypatch):
    monkeypatch.setenv("KERAS_BACKEND", backend)
    other = next(b for b in zb.BACKENDS if b != backend)
    with pytest.raises(BackendError, match=f"already imported in this process with backend '{backend}'"):
        zb.set_backend(other)
    assert os.environ["KERAS_BACKEND"] == backend


def test_unknown_backend_name_is_rejected():
    with pytest.raises(ValueError, match="'backend' parameter must be one of"):
        zb.set_backend("mxnet")


def test_importing_zoo_does_not_import_keras():
    code = "import sys, zoo, zoo.models, zoo.datasets, zoo.applications, zoo.cli.main; print('keras' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_zoo_info_reports_the_backend_it_runs_on(backend):
    env = dict(os.environ, KERAS_BACKEND=backend)
    out = subprocess.run([str(ZOO_BIN), "info"], capture_output=True, text=True, env=env, timeout=180)
    assert out.returncode == 0, out.stderr
    assert f"backend: {backend}" in out.stdout
    assert "keras: 3." in out.stdout and "devices:" in out.stdout and "data root:" in out.stdout


def test_cli_backend_flag_wins_over_environment(backend):
    other = next(b for b in zb.BACKENDS if b != backend)
    env = dict(os.environ, KERAS_BACKEND=other)
    out = subprocess.run([str(ZOO_BIN), "--backend", backend, "info"], capture_output=True, text=True, env=env, timeout=180)
    assert out.returncode == 0, out.stderr
    assert f"backend: {backend}" in out.stdout


def test_versions_lists_the_frameworks():
    versions = zb.versions()
    assert set(versions) >= {"keras", "jax", "torch", "tensorflow", "keras-hub"}
    assert versions["keras"].startswith("3.")


def _threads_in_fresh_process(**env):
    code = ("from zoo import backend as zb, saved_models; saved_models.load('lenet5_mnist'); "
            "import keras; print(zb.num_threads() if keras.backend.backend() != 'jax' else -1)")
    base = {k: v for k, v in os.environ.items() if k not in ("OMP_NUM_THREADS", "ZOO_NUM_THREADS")}
    proc = subprocess.run([sys.executable, "-c", code], env={**base, **env}, capture_output=True, text=True, timeout=300)
    return int(proc.stdout.split()[-1])


def test_thread_defaults_are_half_the_cores_overridable_and_reported(monkeypatch, capsys, backend):
    from zoo.cli.main import main

    monkeypatch.delenv("ZOO_NUM_THREADS", raising=False)
    half = max(1, len(os.sched_getaffinity(0)) // 2)
    assert zb.default_threads() == half
    monkeypatch.setenv("ZOO_NUM_THREADS", "3")
    assert zb.default_threads() == 3
    monkeypatch.setenv("ZOO_NUM_THREADS", "zero")
    with pytest.raises(ValueError, match="ZOO_NUM_THREADS must be a whole number"):
        zb.default_threads()
    monkeypatch.delenv("ZOO_NUM_THREADS")
    if backend == "torch":
        assert _threads_in_fresh_process() == half                       # the zoo's default
        assert _threads_in_fresh_process(ZOO_NUM_THREADS="2") == 2       # overridden
        assert _threads_in_fresh_process(OMP_NUM_THREADS="2") == 2       # the user's OpenMP choice is kept
    if backend == "tensorflow":
        assert _threads_in_fresh_process() == os.cpu_count()             # TensorFlow's own pools
        assert _threads_in_fresh_process(ZOO_NUM_THREADS="1") == 1       # overridden
    assert main(["info"]) == 0
    out = capsys.readouterr().out
    assert "intra-op threads:" in out
    assert {"jax": "XLA_FLAGS:", "tensorflow": "inter-op threads:", "torch": "intra-op threads: "}[backend] in out
