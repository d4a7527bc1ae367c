"""The timm-style model registry."""

import pytest

from zoo.models import create_model, get_model_entry, list_entries, list_models, register_model
from zoo.models import registry


@pytest.fixture
def scratch_registry(monkeypatch):
    registry._load_builtin_models()  # into the real registry, before the copy
    monkeypatch.setattr(registry, "_REGISTRY", dict(registry._REGISTRY))


def test_builtin_models_are_listed():
    assert {"lenet5", "mlp"} <= set(list_models())
    assert "lenet5" in list_models("lenet*")
    assert list_models("lenet*", task="forecasting") == []


def test_every_entry_knows_its_task_and_reference():
    for entry in list_entries():
        assert entry.task in registry.TASKS
        assert entry.reference, f"{entry.qualified_name} has no reference"


def test_create_model_passes_overrides():
    model = create_model("mlp", input_shape=(4, 4, 1), classes=3, hidden_units=(8,))
    assert model.output_shape == (None, 3)


def test_unknown_name_suggests_close_names():
    with pytest.raises(KeyError, match="Did you mean: lenet5"):
        create_model("lenet6")


def test_unknown_task_is_rejected():
    with pytest.raises(ValueError, match="'task' parameter"):
        list_models(task="audio")


def test_same_name_in_two_tasks_needs_a_task(scratch_registry):
    @register_model("twin", task="text", reference="test")
    def twin_text():
        return "text"

    @register_model("twin", task="forecasting", reference="test")
    def twin_forecast():
        return "forecast"

    with pytest.raises(KeyError, match="text/twin"):
        create_model("twin")
    assert create_model("twin", task="forecasting") == "forecast"
    assert create_model("text/twin") == "text"
    assert get_model_entry("forecasting/twin").qualified_name == "forecasting/twin"
    assert "twin" in list_models("tw*", task="text")
    assert "twin" in list_models("forecasting/*")


def test_registering_a_second_builder_under_a_taken_name_fails(scratch_registry):
    @register_model("dup", task="image", reference="test")
    def first():
        pass

    with pytest.raises(ValueError, match="already registered"):
        @register_model("dup", task="image", reference="test")
        def second():
            pass


def test_register_rejects_unknown_task():
    with pytest.raises(ValueError, match="'task' parameter of register_model"):
        register_model(task="audio")


def test_register_forecaster_names_a_class_without_importing_it(scratch_registry):
    import sys

    from zoo.models import register_forecaster
    from zoo.models.registry import forecaster_entries

    entry = register_forecaster("fake_forecaster", "zoo_no_such_module:Fake", {"a": 1}, "a test", "test")
    assert "zoo_no_such_module" not in sys.modules and entry.forecaster == ("zoo_no_such_module:Fake", {"a": 1})
    assert forecaster_entries()[-1] is entry and get_model_entry("forecasting/fake_forecaster") is entry
    with pytest.raises(ModuleNotFoundError):
        create_model("fake_forecaster", task="forecasting")
    with pytest.raises(ValueError, match="'module:Class'"):
        register_forecaster("bad", "no_colon")
    # A name with a Keras builder keeps it and gains the forecaster.
    builder = get_model_entry("forecasting/nbeats").builder
    register_forecaster("nbeats", "zoo.forecasting.deep:DeepForecaster", {"model": "nbeats", "epochs": 1})
    assert get_model_entry("forecasting/nbeats").builder is builder
    assert get_model_entry("forecasting/nbeats").forecaster[1]["epochs"] == 1
