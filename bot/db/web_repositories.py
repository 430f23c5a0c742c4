"""Repositories of the web app's tables: staff users, trainers' reviews and annotations.

The writes of :mod:`bot.db.web_models` go through here, as the outcome tables' go through
:mod:`bot.db.repositories`: each repository wraps a session owned by the caller, never
commits, and flushes after a write so the same unit of work reads it back. The pages' own
read queries live next to the pages (``bot/web/review_queries.py``, ``bot/web/dashboard.py``).
Usage::

    with session_scope(factory) as session:
        TurnAnnotationRepository(session).delete("conv-1", event_id=42)
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from sqlalchemy import delete, select

from bot.db.masking import mask_text
from bot.db.repositories import _Repository
from bot.db.types import utcnow
from bot.db.web_models import (
    ConversationReview,
    ConversationTag,
    StaffRole,
    StaffUser,
    TurnAnnotation,
)

logger = logging.getLogger(__name__)

MAX_NOTE = 2000


def clean_note(note: str) -> str | None:
    """A trainer's note as stored: masked, trimmed, at most ``MAX_NOTE`` characters."""
    return mask_text(note.strip())[:MAX_NOTE] or None


class StaffUserRepository(_Repository):
    """People who log in to the web app; only password hashes are stored."""

    def add(self, *, name: str, password_hash: str, role: StaffRole) -> StaffUser:
        """Insert an active user."""
        return self._add(StaffUser(name=name, password_hash=password_hash, role=role, active=True))

    def get(self, user_id: int) -> StaffUser | None:
        """Return the user with this id, or ``None``."""
        user: StaffUser | None = self._session.get(StaffUser, user_id)
        return user

    def find_by_name(self, name: str) -> StaffUser | None:
        """Return the user with this login name, or ``None``."""
        user: StaffUser | None = self._session.scalars(
            select(StaffUser).where(StaffUser.name == name)
        ).first()
        return user

    def all(self) -> list[StaffUser]:
        """Return every user, by name."""
        return self._list(select(StaffUser).order_by(StaffUser.name))

    def record_login(self, user_id: int, *, password_hash: str | None = None) -> StaffUser:
        """Stamp the last login; replace the hash when it was rehashed on login.

        Raises:
            NotFoundError: No such user.
        """
        user = self._require(StaffUser, user_id)
        if password_hash is not None:
            user.password_hash = password_hash
        user.last_login_at = utcnow()
        self._session.flush()
        return user

    def set_role(self, user_id: int, role: StaffRole) -> StaffUser:
        """Change a user's role.

        Raises:
            NotFoundError: No such user.
        """
        user = self._require(StaffUser, user_id)
        user.role = role
        self._session.flush()
        return user

    def set_active(self, user_id: int, active: bool) -> StaffUser:
        """Activate or deactivate a user (sessions are ended separately: :meth:`end_sessions`).

        Raises:
            NotFoundError: No such user.
        """
        user = self._require(StaffUser, user_id)
        user.active = active
        self._session.flush()
        return user

    def set_password_hash(self, user_id: int, password_hash: str) -> StaffUser:
        """Replace a user's password hash and end the user's sessions.

        Raises:
            NotFoundError: No such user.
        """
        user = self._require(StaffUser, user_id)
        user.password_hash = password_hash
        return self.end_sessions(user_id)

    def end_sessions(self, user_id: int) -> StaffUser:
        """Raise the user's session version: every cookie carrying an older one is refused.

        Raises:
            NotFoundError: No such user.
        """
        user = self._require(StaffUser, user_id)
        user.session_version = int(user.session_version or 1) + 1
        self._session.flush()
        return user


class ConversationReviewRepository(_Repository):
    """A trainer's verdict on a conversation: the reviewed mark, a note and free tags."""

    def save(
        self,
        conversation_id: str,
        *,
        reviewed: bool | None = None,
        note: str | None = None,
        user_id: int | None = None,
    ) -> ConversationReview:
        """Create or update the review (``None``: unchanged); the note is stored masked.

        Marking it reviewed records who (``user_id``) and when; unmarking clears both.
        """
        row: ConversationReview | None = self._session.scalars(
            select(ConversationReview).where(ConversationReview.conversation_id == conversation_id)
        ).first()
        if row is None:
            row = ConversationReview(conversation_id=conversation_id, reviewed=False)
            self._session.add(row)
        if reviewed is not None and reviewed != row.reviewed:
            row.reviewed = reviewed
            row.reviewed_by_id = user_id if reviewed else None
            row.reviewed_at = utcnow() if reviewed else None
        if note is not None:
            row.note = clean_note(note)
        self._session.flush()
        return row

    def set_tags(self, conversation_id: str, tags: Sequence[str]) -> None:
        """Replace the conversation's tags with ``tags`` (already normalised by the caller)."""
        existing = {
            row.tag: row
            for row in self._session.scalars(
                select(ConversationTag).where(ConversationTag.conversation_id == conversation_id)
            )
        }
        for tag, row in existing.items():
            if tag not in tags:
                self._session.delete(row)
        for tag in tags:
            if tag not in existing:
                self._session.add(ConversationTag(conversation_id=conversation_id, tag=tag))
        self._session.flush()


class TurnAnnotationRepository(_Repository):
    """Trainers' corrections of user messages (one per message, replaced on save)."""

    def save(
        self,
        conversation_id: str,
        event_id: int,
        *,
        text: str,
        predicted_intent: str | None,
        intent: str,
        entities: Sequence[dict[str, Any]],
        note: str = "",
        author_id: int | None = None,
    ) -> TurnAnnotation:
        """Store or replace the annotation of one user message; the note is stored masked.

        Args:
            conversation_id: Conversation (Rasa sender id).
            event_id: The message's row id in the tracker store.
            text: The message, already masked (offsets of ``entities`` point into it).
            predicted_intent: What the model predicted, if anything.
            intent: The correct intent.
            entities: ``{"entity", "start", "end", "value"}`` dicts, values masked.
            note: The trainer's note.
            author_id: The trainer's staff user id.
        """
        row: TurnAnnotation | None = self._session.scalars(
            select(TurnAnnotation).where(
                TurnAnnotation.conversation_id == conversation_id,
                TurnAnnotation.event_id == event_id,
            )
        ).first()
        if row is None:
            row = TurnAnnotation(conversation_id=conversation_id, event_id=event_id)
            self._session.add(row)
        row.text = text
        row.predicted_intent = predicted_intent
        row.intent = intent
        row.entities = list(entities)
        row.note = clean_note(note)
        row.author_id = author_id
        self._session.flush()
        return row

    def delete(self, conversation_id: str, event_id: int) -> bool:
        """Remove the annotation of one user message; return whether there was one."""
        result = self._session.execute(
            delete(TurnAnnotation).where(
                TurnAnnotation.conversation_id == conversation_id,
                TurnAnnotation.event_id == event_id,
            )
        )
        return bool(result.rowcount)
