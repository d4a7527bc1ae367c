"""Shared fixtures. The suite runs once per backend (scripts/test_backends.py)."""

import os

import numpy as np
import pytest

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
SHARED = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", "shared"))


@pytest.fixture(autouse=True)
def _seed_and_isolate(monkeypatch, tmp_path):
    """Seed every test, keep downloads out of the real cache and run folders out of the checkout's runs/, never
    reach the network."""
    import keras

    from zoo.core import rundir

    keras.utils.set_random_seed(0)
    monkeypatch.setenv("ZOO_CACHE_DIR", str(tmp_path / "zoo-cache"))
    monkeypatch.setattr(rundir, "DEFAULT_OUTPUT_DIR", str(tmp_path / "runs"))
    yield


@pytest.fixture
def backend():
    import keras

    return keras.backend.backend()


@pytest.fixture
def shared_data():
    """The real datasets beside the repo (../shared/datasets), or skip if this machine lacks them."""
    path = os.environ.get("ZOO_DATA_DIR") or os.path.join(SHARED, "datasets")
    if not os.path.isdir(path):
        pytest.skip("real datasets not available (set ZOO_DATA_DIR)")
    return path


@pytest.fixture
def rng():
    return np.random.default_rng(0)
