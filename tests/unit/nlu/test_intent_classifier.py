import datetime as dt

import pytest
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlu.entities import extract_entities
from bot.nlu.intent_classifier import (
    REQUEST_ENTITY,
    CharNgramIntentClassifier,
    masked_text,
    word_ngrams,
)

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


# --- issue 12: the request inside an identity message ------------------------------------

IDENTITY_EXAMPLES = {
    **EXAMPLES,
    "provide_identity": [
        "手机 ⟨phone⟩",
        "身份证后四位1234",
        "我的手机号是13800001111",
        "后四位567X",
        "我是本人 手机13900002222",
    ],
    "request_installment": ["我想分期", "想分期还", "想分几期还", "分期还款可以吗", "能分期吗"],
    "affirm": ["对", "好的", "是我", "对的", "没错"],
}


def _train_on(tmp_path, examples, **config):
    """This model alone (no DIET), trained on ``examples`` (intent -> texts)."""
    storage, resource = _storage(tmp_path)
    component = CharNgramIntentClassifier.create(config, storage, resource, _context())
    messages = [
        Message(data={"text": text, "intent": intent})
        for intent, texts in examples.items()
        for text in texts
    ]
    component.train(TrainingData(messages))
    return CharNgramIntentClassifier.load(
        {"diet_weight": 0.0, **config}, storage, resource, _context()
    )


def _train_identity(tmp_path, **config):
    return _train_on(tmp_path, IDENTITY_EXAMPLES, **config)


def _identity_message(text):
    """A message as our extractor leaves it: its phone and ID spans are entities."""
    entities = [
        {"entity": e["entity"], "start": e["start"], "end": e["end"], "value": e["value"]}
        for e in extract_entities(text, dt.date(2026, 11, 30))
    ]
    return Message(data={"text": text, "entities": entities})


def _requests(message):
    return [e for e in message.get("entities") if e["entity"] == REQUEST_ENTITY]


@pytest.mark.parametrize(
    ("text", "intent", "rest"),
    [
        ("13700003333 身份证9012 查一下我欠多少", "ask_balance", "查一下我欠多少"),
        ("我手机13800001111，证件后四位1234，想分6期还", "request_installment", "想分6期还"),
    ],
)
def test_an_identity_message_that_asks_for_more_gets_a_request(tmp_path, text, intent, rest):
    component = _train_identity(tmp_path, request_threshold=0.25)  # five examples per intent
    (message,) = component.process([_identity_message(text)])
    assert message.get("intent")["name"] == "provide_identity"
    (request,) = _requests(message)
    assert request["value"] == intent
    assert text[request["start"] : request["end"]] == rest
    others = [e["entity"] for e in message.get("entities") if e["entity"] != REQUEST_ENTITY]
    assert "phone" in others and "id_last4" in others  # the identity entities stay


@pytest.mark.parametrize(
    "text",
    ["13800001111", "我是本人，手机13800001111，身份证后四位1234", "13800001111 1234 对 是我"],
)
def test_no_request_when_the_rest_is_no_request(tmp_path, text):
    component = _train_identity(tmp_path)
    (message,) = component.process([_identity_message(text)])
    assert message.get("intent")["name"] == "provide_identity"
    assert _requests(message) == []


def test_no_request_under_the_threshold(tmp_path):
    component = _train_identity(tmp_path, request_threshold=1.0)
    (message,) = component.process([_identity_message("13700003333 身份证9012 查一下我欠多少")])
    assert _requests(message) == []


def test_no_request_when_the_top_intent_is_not_identity(tmp_path):
    component = _train_identity(tmp_path)
    (message,) = component.process([_identity_message("我欠多少")])
    assert message.get("intent")["name"] == "ask_balance"
    assert _requests(message) == []


# --- issue 12: two questions in one message ---------------------------------------------

QUESTION_EXAMPLES = {
    **EXAMPLES,
    "ask_payment_methods": ["怎么还", "在哪还款", "用什么还", "还款渠道有哪些", "怎么还钱"],
    "ask_fees": ["怎么多了这么多", "利息怎么算", "滞纳金多少", "费用怎么来的", "手续费多少"],
}


def _train_questions(tmp_path, **config):
    return _train_on(tmp_path, QUESTION_EXAMPLES, **config)


@pytest.mark.parametrize(
    ("text", "second"),
    [
        ("我现在欠多少？还有怎么还？", "ask_payment_methods"),
        ("一共欠了多少，另外利息怎么算", "ask_fees"),
    ],
)
def test_a_second_question_in_one_message_is_named(tmp_path, text, second):
    component = _train_questions(tmp_path, request_threshold=0.25)
    (message,) = component.process([Message(data={"text": text, "entities": []})])
    (request,) = _requests(message)
    # five examples per intent: either question may come out on top; the other is the request
    assert {message.get("intent")["name"], request["value"]} == {"ask_balance", second}


@pytest.mark.parametrize("text", ["我欠多少", "我欠多少？", "你好，我欠多少", "我欠多少？明天还"])
def test_one_question_names_no_second(tmp_path, text):
    component = _train_questions(tmp_path, request_threshold=0.25)
    (message,) = component.process([Message(data={"text": text, "entities": []})])
    assert _requests(message) == []
