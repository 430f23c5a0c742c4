"""Outreach: the contact_attempts table (planned, sent or suppressed contacts, with the rule).

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-04 06:10:00+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0006"
down_revision: str | Sequence[str] | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _choice(name: str, *values: str) -> sa.Enum:
    return sa.Enum(*values, name=name, native_enum=False, create_constraint=True, length=32)


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table(
        "contact_attempts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("promise_id", sa.Integer(), nullable=True),
        sa.Column(
            "kind",
            _choice("contact_kind", "pre_due", "overdue", "promise_due", "broken_promise"),
            nullable=False,
        ),
        sa.Column(
            "channel", _choice("channel", "all", "chat", "phone", "sms", "email"), nullable=False
        ),
        sa.Column("script_id", sa.String(length=128), nullable=False),
        sa.Column(
            "status", _choice("attempt_status", "planned", "sent", "suppressed"), nullable=False
        ),
        sa.Column("rule", sa.String(length=32), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"], ["accounts.id"], name=op.f("fk_contact_attempts_account_id_accounts")
        ),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["customers.id"],
            name=op.f("fk_contact_attempts_customer_id_customers"),
        ),
        sa.ForeignKeyConstraint(
            ["promise_id"],
            ["promises_to_pay.id"],
            name=op.f("fk_contact_attempts_promise_id_promises_to_pay"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contact_attempts")),
    )
    with op.batch_alter_table("contact_attempts", schema=None) as batch_op:
        for column in ("account_id", "at", "customer_id", "promise_id", "rule"):
            batch_op.create_index(
                batch_op.f(f"ix_contact_attempts_{column}"), [column], unique=False
            )


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table("contact_attempts", schema=None) as batch_op:
        for column in ("rule", "promise_id", "customer_id", "at", "account_id"):
            batch_op.drop_index(batch_op.f(f"ix_contact_attempts_{column}"))
    op.drop_table("contact_attempts")
