"""The zoo's own trained image models: model cards, checksums, and the same predictions on every backend.

Each ``saved_models/<name>.reference.npz`` holds a few test images and the probabilities the model
gave on the backend it was trained on; every backend must reproduce them within 1e-4.
"""

import json
from pathlib import Path

import numpy as np
import pytest

from zoo import saved_models
from zoo.applications import image_classification as ic
from zoo.datasets import sha256sum

FOLDER = Path(__file__).resolve().parents[1] / "saved_models"
IMAGE_MODELS = sorted(p.name[: -len(".reference.npz")] for p in FOLDER.glob("*.reference.npz")
                      if json.loads((FOLDER / (p.name[: -len(".reference.npz")] + ".json")).read_text())
                      .get("application") == "image_classification")
TARGETS = {"lenet5_mnist": 0.99}


def test_lenet5_mnist_is_published():
    assert "lenet5_mnist" in IMAGE_MODELS


@pytest.mark.parametrize("name", IMAGE_MODELS)
def test_model_card_and_checksum(name):
    card = json.loads((FOLDER / f"{name}.json").read_text())
    assert card["sha256"] == sha256sum(FOLDER / f"{name}.keras")
    for key in ("dataset", "recipe", "backend", "epochs", "train_wall_time_s", "test_metrics", "class_names"):
        assert card.get(key) is not None, key
    assert Path(card["recipe"]).name.endswith(".toml")
    assert len(card["class_names"]) == len(card["test_metrics"]["per_class"])


@pytest.mark.parametrize("name", IMAGE_MODELS)
def test_card_states_honestly_whether_the_target_is_met(name):
    card = json.loads((FOLDER / f"{name}.json").read_text())
    assert "target_accuracy" in card and card.get("notes")
    assert card["meets_target"] == (card["test_metrics"]["accuracy"] >= card["target_accuracy"])


@pytest.mark.parametrize("name", IMAGE_MODELS)
def test_same_probabilities_on_this_backend(name, backend):
    ref = np.load(FOLDER / f"{name}.reference.npz")
    model, card = saved_models.load(name)
    probs = np.asarray(model.predict(ref["images"], verbose=0))
    np.testing.assert_allclose(probs, ref["probabilities"], atol=1e-4, rtol=0,
                               err_msg=f"{name} on {backend} vs {ref['backend']}")
    top = ic.predict(name, ref["images"])
    assert [t[0][0] for t in top] == [card["class_names"][i] for i in ref["probabilities"].argmax(-1)]


def test_lenet5_mnist_full_test_set(shared_data):
    card = json.loads((FOLDER / "lenet5_mnist.json").read_text())
    metrics = ic.evaluate("lenet5_mnist", "mnist", data_path=shared_data, batch_size=2500)
    assert metrics["accuracy"] >= TARGETS["lenet5_mnist"]
    # The card reports what the model really scores (same data, any backend).
    assert metrics["accuracy"] == pytest.approx(card["test_metrics"]["accuracy"], abs=2e-4)


@pytest.mark.slow
def test_resnet20_cifar10_card_matches_the_full_test_set(shared_data):
    card = json.loads((FOLDER / "resnet20_cifar10.json").read_text())
    metrics = ic.evaluate("resnet20_cifar10", "cifar10", data_path=shared_data)
    assert metrics["accuracy"] == pytest.approx(card["test_metrics"]["accuracy"], abs=3e-4)


@pytest.mark.slow
def test_fine_tuning_lenet5_mnist_on_digits_beats_training_from_scratch(tmp_path):
    """A short version of benchmarks/transfer_digits.py (one seed, fewer epochs)."""
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
    from transfer_digits import run

    result = run(train_size=300, seeds=(0,), epochs=12, head_epochs=4, output_dir=tmp_path)
    row = result["runs"][0]
    assert row["fine_tuned_accuracy"] > row["scratch_accuracy"], row
