"""A TensorFlow model (DIET) is loaded for prediction without a training step first.

Why: ``RasaModel.load`` (``rasa/utils/tensorflow/models.py:407-455``) builds the model's
weights by *training it on one example* (``model.fit``: tracing the whole training graph,
gradients and optimizer included), then overwrites those weights with the saved ones and
traces the prediction graph once. The training step was about half of the Rasa server's
start-up (43 of 92 s to the first answer on the shared 2-core machine; 60 % of the start in
DIET's load), and a server must answer within 15 s of its start.

Here, for prediction (not ``finetune_mode``), the saved weights are read first; TensorFlow
restores each variable the moment the prediction on Rasa's example creates it (the deferred
restoration of ``tf.train.Checkpoint``, documented for ``Model.load_weights`` on subclassed
models). Then every variable the prediction graph created must have had a saved value
(``assert_existing_objects_matched``); if one had none (it would have kept its random initial
value), the model is loaded again Rasa's way, with a warning. The prediction graph is traced
once, as before, so the first message is not slower. Fine-tuning and a load without a
prediction example are Rasa's own path.
"""

from __future__ import annotations

import logging
from typing import Any

import tensorflow as tf
from rasa.utils.tensorflow.constants import LEARNING_RATE, RUN_EAGERLY
from rasa.utils.tensorflow.model_data import RasaModelData
from rasa.utils.tensorflow.models import RasaModel

logger = logging.getLogger(__name__)

RASA_LOAD = RasaModel.load.__func__  # Rasa's own, for the tests


def load(
    cls: type[RasaModel],
    model_file_name: str,
    model_data_example: RasaModelData,
    predict_data_example: RasaModelData | None = None,
    finetune_mode: bool = False,
    *args: Any,
    **kwargs: Any,
) -> RasaModel:
    """``RasaModel.load`` without the one-example training step (see the module docstring)."""
    if finetune_mode or predict_data_example is None:
        return RASA_LOAD(
            cls, model_file_name, model_data_example, predict_data_example, finetune_mode,
            *args, **kwargs,
        )  # fmt: skip
    model = cls(*args, **kwargs)
    config = kwargs.get("config", {})
    model.compile(
        optimizer=tf.keras.optimizers.Adam(config.get(LEARNING_RATE, 0.001)),
        run_eagerly=config.get(RUN_EAGERLY),
    )
    status = model.load_weights(model_file_name)
    model.run_inference(predict_data_example)  # creates (and so restores) the variables
    try:
        status.assert_existing_objects_matched()
    except AssertionError as error:
        logger.warning(
            "%s: a variable of the prediction graph has no saved value (%s); loading it Rasa's way",
            cls.__name__,
            error,
        )
        return RASA_LOAD(
            cls, model_file_name, model_data_example, predict_data_example, finetune_mode,
            *args, **kwargs,
        )  # fmt: skip
    logger.debug("Loaded %s from %s without a training step.", cls.__name__, model_file_name)
    return model


def apply() -> None:
    """Replace the class method ``RasaModel.load`` (inherited by DIET and TED)."""
    if getattr(RasaModel.load, "__func__", None) is load:
        return
    RasaModel.load = classmethod(load)
