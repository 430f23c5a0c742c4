import datetime as dt
from urllib.parse import parse_qsl

import pytest
from multidict import MultiDict
from sqlalchemy import select

from bot.db.settings import make_engine, session_scope
from bot.db.web_models import StaffUser, TurnAnnotation
from bot.web import review_annotations, review_detail, review_filters, review_queries
from bot.web.rasa_domain import load_domain
from bot.web.review_annotations import EntityInput
from bot.web.review_errors import (
    ConversationNotFoundError,
    FilterError,
    InvalidAnnotationError,
    TurnNotFoundError,
)
from bot.web.review_filters import ReviewFilter
from bot.web.tracker import TrackerReader
from tests.unit.web.sample_data import ZONE

SPEC = load_domain()


@pytest.fixture
def reader(tracker_url: str) -> TrackerReader:
    return TrackerReader(make_engine(tracker_url, sqlite_foreign_keys=False))


def _ids(reader, session_factory, **criteria) -> list[str]:
    flt = ReviewFilter(**criteria)
    with session_scope(session_factory) as session:
        page = review_queries.list_conversations(
            reader, session, flt, low_confidence=0.6, zone=ZONE
        )
    return [row.conversation_id for row in page.rows]


def _user_event_id(reader, cid: str, index: int = 0) -> int:
    return reader.events(cid, types=["user"])[index].id


# ------------------------------------------------------------------ filters


def test_filter_from_query() -> None:
    query = MultiDict(
        [
            ("start", "2026-11-28"),
            ("end", "2026-11-29"),
            ("outcome", "plan"),
            ("flag", "fallback"),
            ("flag", "distress"),
            ("reviewed", "no"),
            ("tag", " Wrong-Intent "),
            ("page", "2"),
        ]
    )
    flt = ReviewFilter.from_query(query)
    assert flt == ReviewFilter(
        start=dt.date(2026, 11, 28),
        end=dt.date(2026, 11, 29),
        outcome="plan",
        flags=frozenset({"fallback", "distress"}),
        reviewed=False,
        tag="wrong-intent",
        page=2,
    )
    assert ReviewFilter.from_query(MultiDict(parse_qsl(flt.query()))) == flt
    assert "page=3" in flt.query(page=3)
    assert ReviewFilter.from_query({}) == ReviewFilter()


@pytest.mark.parametrize(
    "query",
    [
        {"start": "28/11/2026"},
        {"flag": "angry"},
        {"outcome": "won"},
        {"reviewed": "maybe"},
        {"page": "0"},
        {"page": "x"},
        {"start": "2026-11-30", "end": "2026-11-01"},
    ],
)
def test_bad_filters_are_refused(query) -> None:
    with pytest.raises(FilterError):
        ReviewFilter.from_query(query)


def test_normalize_tags() -> None:
    assert review_filters.normalize_tags("Wrong-Intent, 好例子，好例子 、bad<tag> x") == [
        "wrong-intent",
        "好例子",
        "x",
    ]
    assert (
        len(review_filters.normalize_tags([f"t{i}" for i in range(30)])) == review_filters.MAX_TAGS
    )


# ------------------------------------------------------------------ the list


def test_list_everything_newest_first(reader, session_factory) -> None:
    with session_scope(session_factory) as session:
        page = review_queries.list_conversations(
            reader, session, ReviewFilter(), low_confidence=0.6, zone=ZONE
        )
    assert page.total == 5 and page.pages == 1
    plan = next(row for row in page.rows if row.conversation_id == "conv-plan")
    assert plan.outcomes == ("plan",)
    assert plan.user_turns == 4
    assert plan.flags == ()
    fallback = next(row for row in page.rows if row.conversation_id == "conv-fallback")
    assert fallback.flags == ("fallback", "low_confidence", "handoff")
    assert fallback.outcomes == ("handoff",)


@pytest.mark.parametrize(
    ("criteria", "expected"),
    [
        ({"outcome": "plan"}, {"conv-plan"}),
        ({"outcome": "handoff"}, {"conv-fallback", "conv-distress"}),
        ({"outcome": "distress"}, {"conv-distress"}),
        ({"outcome": "none"}, {"conv-lockout", "conv-blocked"}),
        ({"flags": frozenset({"fallback"})}, {"conv-fallback"}),
        ({"flags": frozenset({"low_confidence"})}, {"conv-fallback"}),
        ({"flags": frozenset({"blocked"})}, {"conv-blocked"}),
        ({"flags": frozenset({"distress"})}, {"conv-distress"}),
        ({"flags": frozenset({"lockout"})}, {"conv-lockout"}),
        ({"flags": frozenset({"handoff"})}, {"conv-fallback", "conv-distress"}),
        ({"flags": frozenset({"handoff", "distress"})}, {"conv-distress"}),
        ({"flags": frozenset({"lockout", "blocked"})}, set()),
        (
            {"start": dt.date(2026, 11, 29), "end": dt.date(2026, 11, 29)},
            {"conv-fallback", "conv-distress"},
        ),
        ({"start": dt.date(2026, 11, 30)}, {"conv-lockout", "conv-blocked"}),
        ({"end": dt.date(2026, 11, 28)}, {"conv-plan"}),
        ({"outcome": "handoff", "flags": frozenset({"fallback"})}, {"conv-fallback"}),
    ],
)
def test_filters(reader, session_factory, criteria, expected) -> None:
    assert set(_ids(reader, session_factory, **criteria)) == expected


def test_reviewed_and_tag_filters(reader, session_factory) -> None:
    with session_scope(session_factory) as session:
        review_annotations.save_review(session, "conv-plan", reviewed=True, tags=["good"])
        review_annotations.save_review(session, "conv-lockout", tags=["good", "verify"])
    assert _ids(reader, session_factory, reviewed=True) == ["conv-plan"]
    assert "conv-plan" not in _ids(reader, session_factory, reviewed=False)
    assert set(_ids(reader, session_factory, tag="good")) == {"conv-plan", "conv-lockout"}
    assert _ids(reader, session_factory, tag="verify") == ["conv-lockout"]


def test_pagination(reader, session_factory) -> None:
    with session_scope(session_factory) as session:
        pages = [
            review_queries.list_conversations(
                reader, session, ReviewFilter(page=n), low_confidence=0.6, zone=ZONE, page_size=2
            )
            for n in (1, 2, 3)
        ]
    assert [p.pages for p in pages] == [3, 3, 3]
    ids = [row.conversation_id for p in pages for row in p.rows]
    assert len(ids) == 5 == len(set(ids))


# ------------------------------------------------------------------ one conversation


def test_conversation_detail(reader, session_factory) -> None:
    with session_scope(session_factory) as session:
        blocked = review_detail.conversation_detail(
            reader, session, "conv-blocked", low_confidence=0.6
        )
        locked = review_detail.conversation_detail(
            reader, session, "conv-lockout", low_confidence=0.6
        )
        distress = review_detail.conversation_detail(
            reader, session, "conv-distress", low_confidence=0.6
        )
    assert blocked.flags == ("blocked",)
    assert blocked.blocked[0]["rule"] == "no-threat"
    assert "13800001111" not in blocked.blocked[0]["text"]
    assert "138****1111" in blocked.blocked[0]["text"]
    assert locked.flags == ("lockout",)
    assert len(locked.locks) == 1
    assert distress.flags == ("distress", "handoff")
    assert distress.handoffs[0]["urgency"] == "urgent"
    assert [o["outcome"] for o in distress.outcomes] == ["distress"]
    assert distress.transcript.user_turns[0].intent == "express_distress"


def test_unknown_conversation(reader, session_factory) -> None:
    with session_scope(session_factory) as session, pytest.raises(ConversationNotFoundError):
        review_detail.conversation_detail(reader, session, "nope", low_confidence=0.6)


# ------------------------------------------------------------------ annotations


def test_annotate_stores_masked_text_and_replaces_on_save(reader, session_factory) -> None:
    event_id = _user_event_id(reader, "conv-lockout")
    with session_scope(session_factory) as session:
        author = session.scalars(select(StaffUser).where(StaffUser.name == "tom")).one()
        saved = review_annotations.annotate_turn(
            reader,
            session,
            SPEC,
            "conv-lockout",
            event_id,
            intent="provide_identity",
            entities=[
                EntityInput("phone", "139****5678", start=0),
                EntityInput("id_last4", "0000"),
            ],
            note="客户说 13912345678 是他妻子的",
            author_id=author.id,
        )
        assert saved.text == "139****5678 后四位0000"
        assert [(e.entity, e.start, e.end) for e in saved.entities] == [
            ("phone", 0, 11),
            ("id_last4", 15, 19),
        ]
        assert saved.note == "客户说 139****5678 是他妻子的"
        assert saved.author == "tom"
        again = review_annotations.annotate_turn(
            reader, session, SPEC, "conv-lockout", event_id, intent="wrong_person", entities=[]
        )
        assert again.intent == "wrong_person" and again.entities == ()
        rows = session.scalars(select(TurnAnnotation)).all()
        assert len(rows) == 1 and rows[0].predicted_intent == "provide_identity"


@pytest.mark.parametrize(
    ("intent", "entities", "message"),
    [
        ("not_an_intent", [], "未知意图"),
        ("nlu_fallback", [], "未知意图"),
        ("provide_identity", [EntityInput("planet", "0000")], "未知实体"),
        ("provide_identity", [EntityInput("phone", "9999")], "不在这句话里"),
        ("provide_identity", [EntityInput("phone", "")], "缺少原文片段"),
        (
            "provide_identity",
            [EntityInput("phone", "139****5678"), EntityInput("id_last4", "5678")],
            "重叠",
        ),
    ],
)
def test_invalid_annotations(reader, session_factory, intent, entities, message) -> None:
    event_id = _user_event_id(reader, "conv-lockout")
    with (
        session_scope(session_factory) as session,
        pytest.raises(InvalidAnnotationError, match=message),
    ):
        review_annotations.annotate_turn(
            reader, session, SPEC, "conv-lockout", event_id, intent=intent, entities=entities
        )


def test_annotating_something_that_is_not_a_user_message(reader, session_factory) -> None:
    bot_event = next(e for e in reader.events("conv-plan") if e.type_name == "bot")
    with session_scope(session_factory) as session:
        with pytest.raises(TurnNotFoundError):
            review_annotations.annotate_turn(
                reader, session, SPEC, "conv-plan", bot_event.id, intent="greet", entities=[]
            )
        with pytest.raises(ConversationNotFoundError):
            review_annotations.annotate_turn(
                reader, session, SPEC, "nope", 1, intent="greet", entities=[]
            )


def test_resolve_entities_skips_removed_rows_and_finds_repeated_spans() -> None:
    found = review_annotations.resolve_entities(
        "12期还是12个月",
        [
            EntityInput("installments", "12"),
            EntityInput("installments", "12", value="12"),
            EntityInput("", "期"),
            EntityInput("", ""),
        ],
        ["installments"],
    )
    assert [(e.start, e.end) for e in found] == [(0, 2), (5, 7)]


def test_delete_annotation(reader, session_factory) -> None:
    event_id = _user_event_id(reader, "conv-plan")
    with session_scope(session_factory) as session:
        review_annotations.annotate_turn(
            reader, session, SPEC, "conv-plan", event_id, intent="ask_balance", entities=[]
        )
        assert review_annotations.delete_annotation(session, "conv-plan", event_id) is True
        assert review_annotations.delete_annotation(session, "conv-plan", event_id) is False
        assert review_detail.list_annotations(session, "conv-plan") == []


def test_save_review(session_factory) -> None:
    with session_scope(session_factory) as session:
        tom = session.scalars(select(StaffUser).where(StaffUser.name == "tom")).one()
        state = review_annotations.save_review(
            session,
            "conv-plan",
            reviewed=True,
            note="手机 13800001111 已核实",
            tags=["good", "plan"],
            user_id=tom.id,
        )
        assert state.reviewed and state.reviewed_by == "tom" and state.reviewed_at
        assert state.note == "手机 138****1111 已核实"
        assert state.tags == ("good", "plan")
        state = review_annotations.save_review(session, "conv-plan", tags=["plan", "new"])
        assert state.tags == ("new", "plan") and state.reviewed
        state = review_annotations.save_review(session, "conv-plan", reviewed=False)
        assert not state.reviewed and state.reviewed_by is None
        assert review_queries.all_tags(session) == ["new", "plan"]
