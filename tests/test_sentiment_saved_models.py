"""The committed sentiment models load on every backend and reproduce their model card's predictions."""

import json
import numpy as np
import pytest

from zoo import saved_models
from zoo.datasets.download import sha256sum

CARDS = sorted(p for p in saved_models.saved_models_dir().glob("*.json")
               if json.loads(p.read_text()).get("application") == "sentiment")
WITH_WEIGHTS = [p for p in CARDS if json.loads(p.read_text()).get("file")]


def test_there_is_a_from_scratch_sst2_model():
    assert any(p.stem.endswith("_sst2") for p in WITH_WEIGHTS), [p.name for p in CARDS]


@pytest.mark.parametrize("card_path", WITH_WEIGHTS, ids=lambda p: p.stem)
def test_saved_model_predicts_as_recorded(card_path):
    from zoo.applications import sentiment

    card = json.loads(card_path.read_text())
    model_path = card_path.with_name(card["file"])
    assert sha256sum(model_path) == card["sha256"]
    for key in ("dataset", "recipe", "backend", "epochs_run", "train_wall_time_s", "test_metrics"):
        assert card.get(key) is not None, key
    ref = card["reference_predictions"]
    probs = sentiment.predict_proba(card_path.stem, ref["texts"])
    np.testing.assert_allclose(probs, np.asarray(ref["probabilities"]), atol=1e-4)
    labels = [label for label, _ in sentiment.predict(card_path.stem, ref["texts"])]
    assert labels == [card["class_names"][i] for i in np.argmax(ref["probabilities"], axis=-1)]
    assert sentiment.predict(card_path.stem, ["a gripping, funny film"])[0][0] == "positive"


def test_card_only_models_document_their_recipe():
    # Checkpoints too large for git (the fine-tuned MiniLM) keep a card: recipe, backend, metrics.
    for card_path in [p for p in CARDS if p not in WITH_WEIGHTS]:
        card = json.loads(card_path.read_text())
        assert card["recipe"] and card["backend"] and card["test_metrics"]["accuracy"] > 0.5, card_path.name


@pytest.mark.parametrize("name", ["textcnn_sst2", "nbsvm.sst2", "lenet5.mnist"])
def test_a_fresh_process_loads_saved_models_by_name_or_tag(name):
    # Nothing else imported first: the custom layers (the tokenizer inside text models) must register themselves.
    import subprocess
    import sys

    code = (f"from zoo import saved_models; m, card = saved_models.load({name!r}); "
            f"print(card['name'], m.count_params())")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.split()[0] == name.replace(".", "_")
