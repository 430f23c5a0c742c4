from bot.assist.parsing import borrower_lines, parsed_from_rasa
from tests.unit.web.conftest import parse_result


def test_parsed_from_rasa_masks_entity_values() -> None:
    text = "13800001111 身份证后四位1234"
    parsed = parsed_from_rasa(text, parse_result(text))
    assert parsed.intent == "provide_identity" and parsed.confidence == 0.96
    public = parsed.public()
    assert public["entities"][0] == {
        "entity": "phone",
        "value": "138****1111",
        "text": "138****1111",
    }
    assert public["text"] == "138****1111 身份证后四位1234"
    assert parsed.raw_entities[0]["value"] == "13800001111"
    assert parsed_from_rasa("x", {}).intent == "nlu_fallback"


def test_borrower_lines() -> None:
    history = "客户：我想分期\n坐席：好的，请问分几期？\n\nagent: ok\n每月最多800\nB: 好的"
    assert borrower_lines(history) == ["我想分期", "每月最多800", "好的"]
    assert borrower_lines(history, limit=1) == ["好的"]
