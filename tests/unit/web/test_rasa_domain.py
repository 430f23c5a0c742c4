import pytest

from bot.web.rasa_domain import DomainError, load_domain, parse_domain


def test_the_assistants_domain() -> None:
    spec = load_domain()
    assert "ask_balance" in spec.intents and "nlu_fallback" in spec.intents
    assert "nlu_fallback" not in spec.trainable_intents
    assert set(spec.entities) >= {"amount", "installments", "phone", "id_last4", "date"}
    assert {"verification", "requested_slot"} <= spec.featurized_slots
    assert "mobile" not in spec.featurized_slots
    assert spec.knows_action("verification_form")
    assert spec.knows_action("action_tell_balance")
    assert spec.knows_action("action_listen")
    assert not spec.knows_action("action_made_up")


def test_parse_domain_details() -> None:
    spec = parse_domain(
        {
            "intents": ["greet", {"deny": {"use_entities": []}}],
            "entities": ["amount"],
            "slots": {"a": {"type": "text"}, "b": {"influence_conversation": False}},
            "responses": {"utter_hi": [{"text": "hi"}]},
            "actions": ["action_x"],
        }
    )
    assert spec.intents == ("greet", "deny")
    assert spec.featurized_slots == {"a"}
    assert spec.actions == {"utter_hi", "action_x"}


@pytest.mark.parametrize("raw", [None, [], {"intents": []}])
def test_malformed_domains(raw) -> None:
    with pytest.raises(DomainError):
        parse_domain(raw)


def test_missing_file(tmp_path) -> None:
    with pytest.raises(DomainError, match="cannot read"):
        load_domain(tmp_path / "nope.yml")
