"""Tables of the web app: staff users with roles, and trainers' reviews of conversations.

They live on the same ``metadata`` as :mod:`bot.db.models`, so one Alembic history owns the
whole schema (migration ``0002``). Conversations are keyed by ``conversation_id``, the Rasa
sender id, like the outcome tables; ``event_id`` is the id of a row in Rasa's tracker store
(``events.id``), which lives in another database and therefore carries no foreign key.
"""

import enum
import logging

from sqlalchemy import JSON, Boolean, Column, Integer, String, Text, UniqueConstraint

from bot.db.models import CONVERSATION_ID_LENGTH, TimestampedModel, _enum, _fk
from bot.db.types import UTCDateTime

logger = logging.getLogger(__name__)

INTENT_NAME_LENGTH = 128
TAG_LENGTH = 64


class StaffRole(str, enum.Enum):
    """What a staff user may do in the web app."""

    AGENT = "agent"
    TRAINER = "trainer"
    ADMIN = "admin"


class StaffUser(TimestampedModel):
    """A person who logs in to the web app (never a borrower).

    ``password_hash`` is an Argon2id hash (``argon2-cffi``); the password itself is never stored.
    """

    __tablename__ = "staff_users"

    name = Column(String(64), nullable=False, unique=True)
    password_hash = Column(String(255), nullable=False)
    role = Column(_enum(StaffRole, "staff_role"), nullable=False)
    active = Column(Boolean, nullable=False, default=True)
    last_login_at = Column(UTCDateTime(), nullable=True)
    # Bumped on logout-everywhere and password reset: a session cookie carrying an older
    # version is no longer valid.
    session_version = Column(Integer, nullable=False, default=1, server_default="1")


class ConversationReview(TimestampedModel):
    """A trainer's verdict on one conversation: reviewed or not, and a note."""

    __tablename__ = "conversation_reviews"

    conversation_id = Column(String(CONVERSATION_ID_LENGTH), nullable=False, unique=True)
    reviewed = Column(Boolean, nullable=False, default=False)
    reviewed_by_id = _fk("staff_users.id", nullable=True)
    reviewed_at = Column(UTCDateTime(), nullable=True)
    note = Column(Text, nullable=True)


class ConversationTag(TimestampedModel):
    """A free tag a trainer put on a conversation (``wrong-intent``, ``good-example`` ...)."""

    __tablename__ = "conversation_tags"
    __table_args__ = (UniqueConstraint("conversation_id", "tag"),)

    conversation_id = Column(String(CONVERSATION_ID_LENGTH), nullable=False, index=True)
    tag = Column(String(TAG_LENGTH), nullable=False, index=True)


class TurnAnnotation(TimestampedModel):
    """A trainer's correction of one user message: the right intent and entities.

    ``text`` is stored masked (:func:`bot.db.masking.mask_text`); ``entities`` is a JSON list of
    ``{"entity", "start", "end", "value"}`` with offsets into ``text`` (masking keeps lengths).
    """

    __tablename__ = "turn_annotations"
    __table_args__ = (UniqueConstraint("conversation_id", "event_id"),)

    conversation_id = Column(String(CONVERSATION_ID_LENGTH), nullable=False, index=True)
    event_id = Column(Integer, nullable=False)
    text = Column(Text, nullable=False)
    predicted_intent = Column(String(INTENT_NAME_LENGTH), nullable=True)
    intent = Column(String(INTENT_NAME_LENGTH), nullable=False)
    entities = Column(JSON, nullable=False, default=list)
    note = Column(Text, nullable=True)
    author_id = _fk("staff_users.id", nullable=True)
