import pytest
import yaml

from bot.db.settings import make_engine
from bot.web import export
from bot.web.export import Correction, NluExample
from bot.web.rasa_domain import load_domain
from bot.web.tracker import TrackerReader
from bot.web.transcript import Entity
from tests.unit.web.sample_data import DAY_1, conversation_distress, conversation_plan

SPEC = load_domain()


def _events(tracker_url: str, cid: str):
    return TrackerReader(make_engine(tracker_url, sqlite_foreign_keys=False)).events(cid)


def test_pseudonymize_zeroes_only_masked_digits() -> None:
    assert export.pseudonymize("138****5678 后四位1234") == "13800005678 后四位1234"
    assert export.pseudonymize("6217 **** **** 5678") == "6217 0000 0000 5678"
    assert export.pseudonymize("110***********123X") == "11000000000000123X"
    assert export.pseudonymize("重要 *** 提示 3 * 4") == "重要 *** 提示 3 * 4"


def test_safe_text_keeps_length() -> None:
    text = "[电话]13912345678\n明天"
    safe = export.safe_text(text)
    assert safe == "［电话］13900005678 明天"
    assert len(safe) == len(text)


def test_annotated_text() -> None:
    text = "手机13912345678，分十二期"
    entities = [
        Entity("phone", "139****5678", 2, 13),
        Entity("installments", "12", 15, 18),
    ]
    assert export.annotated_text(text, entities) == (
        '手机[13900005678](phone)，分[十二期]{"entity": "installments", "value": "12"}'
    )
    with pytest.raises(export.ExportError):
        export.annotated_text("短", [Entity("amount", "1", 0, 5)])
    with pytest.raises(export.ExportError):
        export.annotated_text("1234", [Entity("a", "1", 0, 3), Entity("b", "2", 2, 4)])


def test_nlu_yaml_groups_by_domain_order_and_deduplicates() -> None:
    examples = [
        NluExample("request_installment", "我想分12期", (Entity("installments", "12", 3, 5),)),
        NluExample("ask_balance", "还差多少"),
        NluExample("request_installment", "我想分12期", (Entity("installments", "12", 3, 5),)),
    ]
    text = export.nlu_yaml(examples, SPEC, comment="from review")
    data = yaml.safe_load(text)
    assert data["version"] == "3.1"
    assert [block["intent"] for block in data["nlu"]] == ["ask_balance", "request_installment"]
    assert data["nlu"][1]["examples"] == "- 我想分[12](installments)期\n"
    assert "# from review" in text
    assert yaml.safe_load(export.nlu_yaml([], SPEC))["nlu"] == []


@pytest.mark.parametrize(
    "example",
    [NluExample("made_up", "x"), NluExample("greet", "你好", (Entity("planet", "x", 0, 1),))],
)
def test_nlu_yaml_refuses_names_outside_the_domain(example) -> None:
    with pytest.raises(export.ExportError, match=r"domain\.yml"):
        export.nlu_yaml([example], SPEC)


def test_rasa_reads_the_nlu_export() -> None:
    from rasa.shared.nlu.training_data.formats.rasa_yaml import RasaYAMLReader

    examples = [
        NluExample(
            "provide_identity",
            "138****1111 后四位1234",
            (Entity("phone", "138****1111", 0, 11), Entity("id_last4", "1234", 15, 19)),
        ),
        NluExample("request_installment", "分十二期", (Entity("installments", "12", 1, 4),)),
    ]
    data = RasaYAMLReader().reads(export.nlu_yaml(examples, SPEC))
    messages = {m.get("text"): m for m in data.intent_examples}
    identity = messages["13800001111 后四位1234"]
    assert identity.get("intent") == "provide_identity"
    assert [(e["entity"], e["value"]) for e in identity.get("entities")] == [
        ("phone", "13800001111"),
        ("id_last4", "1234"),
    ]
    assert messages["分十二期"].get("entities")[0]["value"] == "12"


def test_story_yaml_applies_corrections_and_keeps_only_story_steps(tracker_url) -> None:
    events = _events(tracker_url, "conv-plan")
    users = [e for e in events if e.type_name == "user"]
    corrections = {users[2].id: Correction("offer_amount", (Entity("amount", "12", 3, 5),))}
    text = export.story_yaml("conv-plan", events, corrections, SPEC)
    story = yaml.safe_load(text)["stories"][0]
    assert story["story"] == "conv-plan"
    steps = story["steps"]
    assert steps[0] == {"user": "我还欠多少钱\n", "intent": "ask_balance"}
    assert {"user": "我想分[12](amount)期\n", "intent": "offer_amount"} in steps
    assert {"active_loop": "verification_form"} in steps and {"active_loop": None} in steps
    assert {"slot_was_set": [{"verification": "verified"}]} in steps
    slots = [list(s["slot_was_set"][0]) for s in steps if "slot_was_set" in s]
    assert ["mobile"] not in slots and ["pending_request"] not in slots
    actions = [s["action"] for s in steps if "action" in s]
    assert "action_listen" not in actions and "action_session_start" not in actions
    assert actions[-1] == "action_confirm"


def test_story_yaml_one_story_per_session() -> None:
    import json

    from bot.web.tracker import StoredEvent
    from tests.unit.web.sample_data import event_row

    def stored(events, offset):
        return [
            StoredEvent(
                offset + i,
                "c",
                e.type_name,
                e.timestamp,
                data=json.loads(event_row("c", e)["data"]),
            )
            for i, e in enumerate(events)
        ]

    events = stored(conversation_plan(), 0) + stored(conversation_distress(), 1000)
    stories = yaml.safe_load(export.story_yaml("c", events, {}, SPEC))["stories"]
    assert [s["story"] for s in stories] == ["c session 1", "c session 2"]
    assert stories[1]["steps"][0]["intent"] == "express_distress"


def test_story_yaml_refusals(tracker_url) -> None:
    events = _events(tracker_url, "conv-plan")
    with pytest.raises(export.ExportError, match="no user message"):
        export.story_yaml("x", [e for e in events if e.type_name != "user"], {}, SPEC)
    first_user = next(e for e in events if e.type_name == "user")
    with pytest.raises(export.ExportError, match="not in domain"):
        export.story_yaml("x", events, {first_user.id: Correction("made_up", ())}, SPEC)


def test_rasa_validator_accepts_both_exports(tracker_url, tmp_path) -> None:
    """What `rasa data validate` checks: schema, intents, actions, slots, story structure."""
    from rasa.shared.importers.importer import TrainingDataImporter
    from rasa.validator import Validator

    from bot.web.rasa_domain import DEFAULT_DOMAIN

    events = _events(tracker_url, "conv-plan")
    (tmp_path / "stories.yml").write_text(export.story_yaml("conv-plan", events, {}, SPEC))
    example = NluExample("request_installment", "我想分12期", (Entity("installments", "12", 3, 5),))
    (tmp_path / "nlu.yml").write_text(export.nlu_yaml([example], SPEC))
    importer = TrainingDataImporter.load_from_dict(
        domain_path=str(DEFAULT_DOMAIN), training_data_paths=[str(tmp_path)]
    )
    validator = Validator.from_importer(importer)
    assert validator.verify_intents_in_stories(ignore_warnings=True)
    assert validator.verify_utterances_in_stories(ignore_warnings=True)
    assert validator.verify_story_structure(ignore_warnings=False)
    assert len(validator.story_graph.story_steps) == 1
    assert validator.intents.intent_examples[0].get("intent") == "request_installment"


def test_repeated_slot_values_are_written_once() -> None:
    import json

    from rasa.shared.core.events import SlotSet

    from bot.web.tracker import StoredEvent
    from tests.unit.web.sample_data import Clock, event_row, user

    clock = Clock(DAY_1)
    raw = [
        user(clock, "你好", "greet"),
        SlotSet("requested_slot", None, timestamp=clock()),
        SlotSet("requested_slot", None, timestamp=clock()),
        SlotSet("verification", "verified", timestamp=clock()),
    ]
    events = [
        StoredEvent(i, "c", e.type_name, e.timestamp, data=json.loads(event_row("c", e)["data"]))
        for i, e in enumerate(raw)
    ]
    steps = yaml.safe_load(export.story_yaml("c", events, {}, SPEC))["stories"][0]["steps"]
    assert steps[1:] == [
        {"slot_was_set": [{"requested_slot": None}]},
        {"slot_was_set": [{"verification": "verified"}]},
    ]
