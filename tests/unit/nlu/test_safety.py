import pytest
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.components import DistressOverride
from bot.nlu.safety import find_distress


@pytest.mark.parametrize(
    "text",
    [
        "欠这么多钱 我只想死",
        "我真的不想活了",
        "活着没意思",
        "活着还有什么意思",
        "压力太大，活不下去了",
        "我想死",
        "还不上就一死了之",
        "死了算了",
        "我想跳楼",
        "想吃安眠药",
        "我准备自杀",
        "有轻生的念头",
        "想结束自己的生命",
        "I want to die",
        "I'm going to kill myself",
        "I don't want to live anymore",
        "thinking about suicide",
        "I feel like dying",
        "honestly I wanna die",
        "everyone would be better off dead without me",
        # indirect forms: plans, means, places, farewells
        "背了这么多债 真想一了百了",
        "我把药都准备好了",
        "炭都买好了，就这样吧",
        "我已经写好遗书了",
        "下辈子再还你们吧",
        "没脸活下去了",
        "我人在天台",
        "现在在江边，不想回头了",
        "我想从楼上跳下去",
        "真的好想睡过去不再醒来",
        "欠银行的钱还不完 还不如去死",
        "利息滚成这样 我只有死路一条",
        "你们要逼死我吗",
        "我要喝农药",
        "看不到希望",
        "I can't go on anymore",
        "I'm on the bridge",
        "there's no point living",
        "大家没了我会过得更好",
        "割腕的想法一天比一天多",
        "我把后事都安排好了",
        "想睡一觉就再也别醒",
        "I keep thinking about cutting myself",
        "我真的扛不住了 想去死",
        "我撑不下去了",
        "我快被逼死了",
        "活着没有意义了",
        "走投无路了",
        "生不如死",
        "我已经买好安眠药了",
        "我吃了一整瓶安眠药",
        "我站在窗户边上",
        "nothing matters anymore, i'm done with life",
        "我真的崩溃了 每天都在哭",
        "老子不活了",
        "唔想再活落去",
        "我活着就是拖累家里人",
        "觉得自己就是个废物，消失了大家都轻松",
        "I feel hopeless, there's no point in anything",
    ],
)
def test_despair_and_self_harm_are_found(text):
    assert find_distress(text) is not None


@pytest.mark.parametrize(
    "text",
    [
        "你去死吧",  # abuse aimed at the bot: a complaint, not distress
        "笑死我了",
        "气死我了，这么多利息",
        "累死了",
        "想死你了",
        "活着有意思的事情很多",
        "我想分期",
        "I want to end my contract",
        "这利息要把人逼疯",
        "你们就去死吧",
        "你怎么不去死",
        "我在楼顶晒被子",
        "没希望的话我就分期",
        "希望你们别再打了",
        "这破app又死机了",
        "生意撑不下去了",  # money trouble without despair: financial_hardship
        "店撑不下去了，上个月关门了",
        "手机快崩了",
        "我想吃点药就睡",
        "我想走了",  # "I'd like to leave": a goodbye
        "",
    ],
)
def test_idioms_and_other_messages_are_not(text):
    assert find_distress(text) is None


def test_span_points_at_the_phrase():
    text = "欠这么多钱 我只想死"
    start, end = find_distress(text)
    assert text[start:end] == "只想死"


def test_override_replaces_a_wrong_intent_and_keeps_the_ranking():
    message = Message(data={"text": "欠这么多钱 我只想死"})
    message.set("intent", {"name": "dispute_debt", "confidence": 0.55})
    message.set(
        "intent_ranking",
        [
            {"name": "dispute_debt", "confidence": 0.55},
            {"name": "express_distress", "confidence": 0.3},
        ],
    )
    (out,) = DistressOverride().process([message])
    assert out.get("intent") == {"name": "express_distress", "confidence": 1.0}
    assert [r["name"] for r in out.get("intent_ranking")] == ["express_distress", "dispute_debt"]


def test_override_leaves_other_messages_alone():
    message = Message(data={"text": "我想分12期"})
    message.set("intent", {"name": "request_installment", "confidence": 0.9})
    (out,) = DistressOverride().process([message])
    assert out.get("intent")["name"] == "request_installment"


@pytest.mark.parametrize(
    "text", ["我頂唔順喇，不如死咗佢", "唔想再活落去", "想紫砂", "我已經沒有活下去的勇氣了"]
)
def test_distress_is_found_in_traditional_characters_and_euphemisms(text):
    assert find_distress(text) is not None
