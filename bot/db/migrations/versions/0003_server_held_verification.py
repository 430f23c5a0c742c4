"""Safe to expose: server-held verification, per-client attempt keys, staff session versions.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-03 18:45:00+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision: str = "0003"
down_revision: str | Sequence[str] | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table(
        "conversation_verifications",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("conversation_id", sa.String(length=255), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=True),
        sa.Column("verified_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_active_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.id"],
            name=op.f("fk_conversation_verifications_account_id_accounts"),
        ),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["customers.id"],
            name=op.f("fk_conversation_verifications_customer_id_customers"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_conversation_verifications")),
        sa.UniqueConstraint(
            "conversation_id", name=op.f("uq_conversation_verifications_conversation_id")
        ),
    )
    with op.batch_alter_table("conversation_verifications", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_conversation_verifications_account_id"), ["account_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_conversation_verifications_customer_id"), ["customer_id"], unique=False
        )
    with op.batch_alter_table("verification_attempts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("client_key", sa.String(length=64), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_verification_attempts_client_key"), ["client_key"], unique=False
        )
    with op.batch_alter_table("staff_users", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("session_version", sa.Integer(), server_default="1", nullable=False)
        )


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table("staff_users", schema=None) as batch_op:
        batch_op.drop_column("session_version")
    with op.batch_alter_table("verification_attempts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_verification_attempts_client_key"))
        batch_op.drop_column("client_key")
    with op.batch_alter_table("conversation_verifications", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_conversation_verifications_customer_id"))
        batch_op.drop_index(batch_op.f("ix_conversation_verifications_account_id"))
    op.drop_table("conversation_verifications")
