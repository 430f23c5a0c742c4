"""Payments in: the payments table (unique reference) and the paid periods of plans.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-04 05:40:00+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision: str = "0005"
down_revision: str | Sequence[str] | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _money(name: str) -> sa.Column:
    return sa.Column(name, sa.Numeric(precision=12, scale=2), nullable=False)


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table(
        "payments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("reference", sa.String(length=64), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        _money("amount"),
        sa.Column("paid_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("channel", sa.String(length=32), nullable=True),
        sa.Column("source", sa.String(length=64), nullable=False),
        _money("applied_late_fees"),
        _money("applied_interest"),
        _money("applied_principal"),
        _money("unapplied"),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"], ["accounts.id"], name=op.f("fk_payments_account_id_accounts")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_payments")),
        sa.UniqueConstraint("reference", name=op.f("uq_payments_reference")),
    )
    with op.batch_alter_table("payments", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_payments_account_id"), ["account_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_payments_paid_at"), ["paid_at"], unique=False)
    with op.batch_alter_table("repayment_plans", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("paid_periods", sa.Integer(), nullable=False, server_default="0")
        )


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table("repayment_plans", schema=None) as batch_op:
        batch_op.drop_column("paid_periods")
    with op.batch_alter_table("payments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_payments_paid_at"))
        batch_op.drop_index(batch_op.f("ix_payments_account_id"))
    op.drop_table("payments")
