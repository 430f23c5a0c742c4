import pytest
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlu.intent_classifier import CharNgramIntentClassifier, masked_text, word_ngrams

EXAMPLES = {
    "promise_to_pay": ["明天还", "我周五还钱", "月底前一定还上", "发工资就还", "下周一转过去"],
    "ask_balance": ["我欠多少", "还差多少钱", "账单多少", "一共欠了多少", "最低还多少"],
    "greet": ["你好", "在吗", "哈喽", "您好", "喂 你好"],
}


def _entity(kind, start, end):
    return {"entity": kind, "start": start, "end": end, "value": "x"}


def test_entity_spans_become_placeholders():
    text = "15号还3000"
    assert masked_text(text, [_entity("date", 0, 3), _entity("amount", 4, 8)]) == (
        " ⟨date⟩ 还 ⟨amount⟩ "
    )


def test_a_bare_number_that_is_two_entities_is_masked_once_as_the_id():
    text = "1234"
    masked = masked_text(text, [_entity("amount", 0, 4), _entity("id_last4", 0, 4)])
    assert masked.split() == ["⟨id_last4⟩"]


def test_char_ngrams_stay_within_words_and_skip_blank_grams():
    grams = word_ngrams("还 ok", 1, 2)
    assert " 还" in grams and "还 " in grams and "ok" in grams
    assert "还 o" not in grams and " " not in grams


def _storage(tmp_path):
    return LocalModelStorage(tmp_path), Resource("intent_classifier")


def _context():
    return ExecutionContext(GraphSchema({}), "test")


def _train(tmp_path, **config):
    storage, resource = _storage(tmp_path)
    component = CharNgramIntentClassifier.create(config, storage, resource, _context())
    messages = [
        Message(data={"text": text, "intent": intent})
        for intent, texts in EXAMPLES.items()
        for text in texts
    ]
    component.train(TrainingData(messages))
    return storage, resource


def test_trained_model_survives_a_reload_and_classifies(tmp_path):
    storage, resource = _train(tmp_path, diet_weight=0.0)
    loaded = CharNgramIntentClassifier.load({"diet_weight": 0.0}, storage, resource, _context())
    (message,) = loaded.process([Message(data={"text": "我后天还钱"})])
    assert message.get("intent")["name"] == "promise_to_pay"
    ranking = message.get("intent_ranking")
    assert sum(entry["confidence"] for entry in ranking) == pytest.approx(1.0)


def test_the_earlier_ranking_gets_its_weight(tmp_path):
    storage, resource = _train(tmp_path)
    alone = CharNgramIntentClassifier.load({"diet_weight": 0.0}, storage, resource, _context())
    voting = CharNgramIntentClassifier.load({"diet_weight": 0.3}, storage, resource, _context())
    text = "你好"
    (own,) = alone.process([Message(data={"text": text})])
    diet = [{"name": "ask_balance", "confidence": 1.0}]
    (both,) = voting.process([Message(data={"text": text, "intent_ranking": diet})])
    own_scores = {e["name"]: e["confidence"] for e in own.get("intent_ranking")}
    both_scores = {e["name"]: e["confidence"] for e in both.get("intent_ranking")}
    assert both_scores["greet"] == pytest.approx(0.7 * own_scores["greet"])
    assert both_scores["ask_balance"] == pytest.approx(0.7 * own_scores["ask_balance"] + 0.3)


def test_an_untrained_component_leaves_messages_alone(tmp_path):
    storage, resource = _storage(tmp_path)
    component = CharNgramIntentClassifier.load({}, storage, resource, _context())
    message = Message(data={"text": "你好"})
    message.set("intent", {"name": "greet", "confidence": 0.9})
    (out,) = component.process([message])
    assert out.get("intent") == {"name": "greet", "confidence": 0.9}


@pytest.mark.parametrize("config", [{"diet_weight": 1.5}, {"min_ngram": 3, "max_ngram": 2}])
def test_bad_configuration_is_refused(tmp_path, config):
    storage, resource = _storage(tmp_path)
    with pytest.raises(ValueError):
        CharNgramIntentClassifier.create(config, storage, resource, _context())
