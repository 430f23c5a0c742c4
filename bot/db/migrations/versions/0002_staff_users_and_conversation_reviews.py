"""Web app: staff users with roles, conversation reviews, tags and turn annotations.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-29 23:17:29.028679+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision: str = "0002"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table(
        "conversation_tags",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("conversation_id", sa.String(length=255), nullable=False),
        sa.Column("tag", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_conversation_tags")),
        sa.UniqueConstraint(
            "conversation_id", "tag", name=op.f("uq_conversation_tags_conversation_id")
        ),
    )
    with op.batch_alter_table("conversation_tags", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_conversation_tags_conversation_id"), ["conversation_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_conversation_tags_tag"), ["tag"], unique=False)

    op.create_table(
        "staff_users",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("password_hash", sa.String(length=255), nullable=False),
        sa.Column(
            "role",
            sa.Enum(
                "agent",
                "trainer",
                "admin",
                name="staff_role",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("last_login_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_staff_users")),
        sa.UniqueConstraint("name", name=op.f("uq_staff_users_name")),
    )
    op.create_table(
        "conversation_reviews",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("conversation_id", sa.String(length=255), nullable=False),
        sa.Column("reviewed", sa.Boolean(), nullable=False),
        sa.Column("reviewed_by_id", sa.Integer(), nullable=True),
        sa.Column("reviewed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["reviewed_by_id"],
            ["staff_users.id"],
            name=op.f("fk_conversation_reviews_reviewed_by_id_staff_users"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_conversation_reviews")),
        sa.UniqueConstraint(
            "conversation_id", name=op.f("uq_conversation_reviews_conversation_id")
        ),
    )
    with op.batch_alter_table("conversation_reviews", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_conversation_reviews_reviewed_by_id"), ["reviewed_by_id"], unique=False
        )

    op.create_table(
        "turn_annotations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("conversation_id", sa.String(length=255), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("predicted_intent", sa.String(length=128), nullable=True),
        sa.Column("intent", sa.String(length=128), nullable=False),
        sa.Column("entities", sa.JSON(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["author_id"],
            ["staff_users.id"],
            name=op.f("fk_turn_annotations_author_id_staff_users"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_turn_annotations")),
        sa.UniqueConstraint(
            "conversation_id", "event_id", name=op.f("uq_turn_annotations_conversation_id")
        ),
    )
    with op.batch_alter_table("turn_annotations", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_turn_annotations_author_id"), ["author_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_turn_annotations_conversation_id"), ["conversation_id"], unique=False
        )


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table("turn_annotations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_turn_annotations_conversation_id"))
        batch_op.drop_index(batch_op.f("ix_turn_annotations_author_id"))

    op.drop_table("turn_annotations")
    with op.batch_alter_table("conversation_reviews", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_conversation_reviews_reviewed_by_id"))

    op.drop_table("conversation_reviews")
    op.drop_table("staff_users")
    with op.batch_alter_table("conversation_tags", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_conversation_tags_tag"))
        batch_op.drop_index(batch_op.f("ix_conversation_tags_conversation_id"))

    op.drop_table("conversation_tags")
