import datetime as dt

import pytest
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.data import TrainingType
from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot import settings
from bot.nlu.components import ChineseEntityExtractor
from bot.settings import ConfigError

COMPONENT = "bot.nlu.components.ChineseEntityExtractor"


@pytest.fixture
def extractor():
    with settings.override(today=dt.date(2026, 11, 25)):
        yield ChineseEntityExtractor.create({}, None, None, None)


def test_process_appends_normalized_entities(extractor):
    message = Message(data={TEXT: "我明天还八百"})
    extractor.process([message])
    assert message.get(ENTITIES) == [
        {
            "entity": "date",
            "value": "2026-11-26",
            "start": 1,
            "end": 3,
            "text": "明天",
            "extractor": "ChineseEntityExtractor",
        },
        {
            "entity": "amount",
            "value": 800,
            "start": 4,
            "end": 6,
            "text": "八百",
            "extractor": "ChineseEntityExtractor",
        },
    ]
    assert ENTITIES in message.as_dict(only_output_properties=True)


def test_process_keeps_entities_from_other_extractors(extractor):
    other = {"entity": "bank", "value": "招行", "start": 0, "end": 2, "extractor": "Regex"}
    message = Message(data={TEXT: "招行尾号1234", ENTITIES: [other]})
    extractor.process([message])
    entities = message.get(ENTITIES)
    assert entities[0] == other
    assert [(e["entity"], e["value"], e["extractor"]) for e in entities[1:]] == [
        ("id_last4", "1234", "ChineseEntityExtractor")
    ]


def test_process_handles_several_messages_and_empty_text(extractor):
    messages = [Message(data={TEXT: "13800001111"}), Message(data={TEXT: ""}), Message(data={})]
    extractor.process(messages)
    assert [e["value"] for e in messages[0].get(ENTITIES)] == ["13800001111"]
    assert messages[1].get(ENTITIES) is None
    assert messages[2].get(ENTITIES) is None


def test_bot_today_pins_relative_dates():
    with settings.override(today=dt.date(2027, 1, 31)):
        extractor = ChineseEntityExtractor.create({}, None, None, None)
        message = Message(data={TEXT: "下个月31号"})
        extractor.process([message])
    assert message.get(ENTITIES)[0]["value"] == "2027-02-28"


def test_dimensions_limit_entity_types():
    with settings.override(today=dt.date(2026, 11, 25)):
        extractor = ChineseEntityExtractor.create({"dimensions": ["amount"]}, None, None, None)
        message = Message(data={TEXT: "明天还八百"})
        extractor.process([message])
    assert [e["entity"] for e in message.get(ENTITIES)] == ["amount"]


def test_unknown_dimension_is_rejected():
    with pytest.raises(ValueError, match="money"):
        ChineseEntityExtractor.create({"dimensions": ["money"]}, None, None, None)


def test_invalid_bot_today_fails_at_creation(monkeypatch):
    monkeypatch.setenv("BOT_TODAY", "tomorrow")
    settings.reset()  # read the environment again; the failed read leaves nothing cached
    with pytest.raises(ConfigError, match="BOT_TODAY"):
        ChineseEntityExtractor.create({}, None, None, None)


def test_registered_as_untrained_entity_extractor():
    registered = DefaultV1Recipe._from_registry(COMPONENT)
    assert registered.clazz is ChineseEntityExtractor
    assert registered.types == {DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR}
    assert registered.is_trainable is False


def test_recipe_runs_process_in_the_predict_graph_only():
    config = {
        "recipe": "default.v1",
        "language": "zh",
        "pipeline": [{"name": "WhitespaceTokenizer"}, {"name": COMPONENT}],
        "policies": [],
    }
    graphs = DefaultV1Recipe().graph_config_for_recipe(config, {}, TrainingType.NLU)
    predict = [n for n in graphs.predict_schema.nodes.values() if n.uses is ChineseEntityExtractor]
    train = [n for n in graphs.train_schema.nodes.values() if n.uses is ChineseEntityExtractor]
    assert len(predict) == 1
    assert predict[0].fn == "process"
    assert train == []
