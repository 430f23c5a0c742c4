"""Loading a TensorFlow model without the training step, and falling back to Rasa's way.

The real model's predictions loaded both ways are compared in ``tests/e2e/test_model_load.py``;
here stand-ins check which way is taken.
"""

from __future__ import annotations

from typing import Any

import pytest
from rasa.utils.tensorflow.models import RasaModel

from bot.rasa_patches import model_load


class Status:
    def __init__(self, complete: bool) -> None:
        self.complete = complete

    def assert_existing_objects_matched(self) -> None:
        if not self.complete:
            raise AssertionError("Unresolved object in checkpoint: dense/kernel")


class FakeModel:
    """Records the calls ``load`` makes on a model."""

    complete = True

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.calls: list[str] = []
        self.kwargs = kwargs

    def compile(self, optimizer: Any, run_eagerly: Any) -> None:
        self.calls.append("compile")

    def fit(self, *args: Any, **kwargs: Any) -> None:  # pragma: no cover - must not run
        raise AssertionError("no training step")

    def load_weights(self, name: str) -> Status:
        self.calls.append(f"load_weights {name}")
        return Status(type(self).complete)

    def run_inference(self, data: Any) -> None:
        self.calls.append("run_inference")


@pytest.fixture
def rasa_loads(monkeypatch: pytest.MonkeyPatch) -> list[tuple[Any, ...]]:
    seen: list[tuple[Any, ...]] = []

    def fake(cls: Any, name: str, example: Any, predict: Any, finetune: bool, *a: Any, **k: Any):
        seen.append((cls, name, finetune))
        return "rasa's model"

    monkeypatch.setattr(model_load, "RASA_LOAD", fake)
    return seen


def test_prediction_loads_weights_then_traces_once(rasa_loads: list) -> None:
    model = model_load.load(FakeModel, "diet.tf_model", "example", "predict", config={})
    assert isinstance(model, FakeModel)
    assert model.calls == ["compile", "load_weights diet.tf_model", "run_inference"]
    assert rasa_loads == []


def test_a_variable_without_a_saved_value_falls_back_to_rasa(
    rasa_loads: list, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(FakeModel, "complete", False)
    assert model_load.load(FakeModel, "m", "example", "predict") == "rasa's model"
    assert rasa_loads == [(FakeModel, "m", False)]


@pytest.mark.parametrize(("predict", "finetune"), [("predict", True), (None, False)])
def test_finetuning_or_no_example_is_rasa_s_path(
    rasa_loads: list, predict: Any, finetune: bool
) -> None:
    assert model_load.load(FakeModel, "m", "ex", predict, finetune) == "rasa's model"
    assert rasa_loads == [(FakeModel, "m", finetune)]


def test_apply_replaces_the_class_method_once() -> None:
    model_load.apply()
    model_load.apply()
    assert RasaModel.load.__func__ is model_load.load  # type: ignore[attr-defined]
    assert model_load.RASA_LOAD is not model_load.load
