"""Agent desk: who claimed a hand-off and when, how it ended, when its alert went out.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-04 04:40:00+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision: str = "0004"
down_revision: str | Sequence[str] | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

HANDOFF_OUTCOMES = ("handback", "plan", "promise", "dispute", "referral")


def upgrade() -> None:
    """Upgrade schema."""
    with op.batch_alter_table("handoffs", schema=None) as batch_op:
        batch_op.add_column(sa.Column("claimed_by_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("outcome", sa.String(length=32), nullable=True))
        batch_op.create_check_constraint(
            op.f("ck_handoffs_handoff_outcome"),
            sa.column("outcome").in_(HANDOFF_OUTCOMES),
        )
        batch_op.add_column(sa.Column("notified_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_handoffs_claimed_by_id"), ["claimed_by_id"], unique=False
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_handoffs_claimed_by_id_staff_users"),
            "staff_users",
            ["claimed_by_id"],
            ["id"],
        )


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table("handoffs", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_handoffs_claimed_by_id_staff_users"), type_="foreignkey"
        )
        batch_op.drop_index(batch_op.f("ix_handoffs_claimed_by_id"))
        batch_op.drop_column("notified_at")
        batch_op.drop_constraint(batch_op.f("ck_handoffs_handoff_outcome"), type_="check")
        batch_op.drop_column("outcome")
        batch_op.drop_column("closed_at")
        batch_op.drop_column("claimed_at")
        batch_op.drop_column("claimed_by_id")
