import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.db.repositories import NotFoundError
from bot.db.web_models import ConversationTag, StaffRole
from bot.db.web_repositories import (
    MAX_NOTE,
    ConversationReviewRepository,
    StaffUserRepository,
    TurnAnnotationRepository,
)


def test_staff_users(session: Session) -> None:
    users = StaffUserRepository(session)
    ada = users.add(name="ada", password_hash="h1", role=StaffRole.ADMIN)
    users.add(name="alice", password_hash="h2", role=StaffRole.AGENT)
    assert [u.name for u in users.all()] == ["ada", "alice"]
    assert users.find_by_name("ada").id == ada.id and users.find_by_name("bob") is None
    assert users.record_login(ada.id).last_login_at is not None
    assert users.record_login(ada.id, password_hash="h3").password_hash == "h3"
    assert users.set_role(ada.id, StaffRole.TRAINER).role is StaffRole.TRAINER
    assert users.set_active(ada.id, False).active is False
    before = ada.session_version
    assert users.end_sessions(ada.id).session_version == before + 1
    assert users.set_password_hash(ada.id, "h4").session_version == before + 2
    with pytest.raises(NotFoundError):
        users.end_sessions(999)


def test_review_and_tags(session: Session) -> None:
    reviews = ConversationReviewRepository(session)
    tom = StaffUserRepository(session).add(name="tom", password_hash="h", role=StaffRole.TRAINER)
    row = reviews.save("c1", reviewed=True, note=" 手机 13800001111 ", user_id=tom.id)
    assert row.reviewed and row.reviewed_by_id == tom.id and row.reviewed_at is not None
    assert row.note == "手机 138****1111"
    assert reviews.save("c1", note="x" * (MAX_NOTE + 5)).note == "x" * MAX_NOTE
    row = reviews.save("c1", reviewed=False)
    assert not row.reviewed and row.reviewed_by_id is None and row.reviewed_at is None
    reviews.set_tags("c1", ["a", "b"])
    reviews.set_tags("c1", ["b", "c"])
    tags = session.scalars(select(ConversationTag.tag).order_by(ConversationTag.tag)).all()
    assert tags == ["b", "c"]


def test_turn_annotations(session: Session) -> None:
    annotations = TurnAnnotationRepository(session)
    fields = {"text": "我想分12期", "predicted_intent": None, "intent": "request_installment"}
    first = annotations.save("c1", 7, entities=[], note="  ", **fields)
    assert first.note is None
    entity = {"entity": "installments", "value": "12", "start": 3, "end": 5}
    again = annotations.save("c1", 7, entities=[entity], **fields)
    assert again.id == first.id and again.entities == [entity]
    assert annotations.delete("c1", 7) is True
    assert annotations.delete("c1", 7) is False
