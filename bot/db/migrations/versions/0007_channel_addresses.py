"""Outreach on messaging channels: channel_addresses, a ``failed`` attempt, statement due dates.

- ``channel_addresses``: a borrower's address on a channel that can start a conversation
  (a WeChat OpenID, a Telegram chat id), bound to a customer when a conversation on it verifies,
  and ``unsubscribed_at`` when the platform says the borrower left (a stop-contact for that
  channel).
- ``contact_attempts.status`` may be ``failed`` (allowed, but the channel did not take it).
- ``accounts.statement_due_date``: the payment due date of the current statement (pre-due
  reminders key on it).

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-04 07:45:00+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from alembic.operations import BatchOperations

# revision identifiers, used by Alembic.
revision: str = "0007"
down_revision: str | Sequence[str] | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_STATUS_CHECK = "ck_contact_attempts_attempt_status"


def _status_check(batch_op: BatchOperations, *values: str) -> None:
    quoted = ", ".join(f"'{value}'" for value in values)
    batch_op.create_check_constraint("attempt_status", f"status IN ({quoted})")


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table(
        "channel_addresses",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(length=32), nullable=False),
        sa.Column("address", sa.String(length=128), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=True),
        sa.Column("verified_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("unsubscribed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["customers.id"],
            name=op.f("fk_channel_addresses_customer_id_customers"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_channel_addresses")),
        sa.UniqueConstraint("channel", "address", name=op.f("uq_channel_addresses_channel")),
    )
    with op.batch_alter_table("channel_addresses", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_channel_addresses_customer_id"), ["customer_id"], unique=False
        )
    with op.batch_alter_table("contact_attempts", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f(_STATUS_CHECK), type_="check")
        _status_check(batch_op, "planned", "sent", "suppressed", "failed")
    with op.batch_alter_table("accounts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("statement_due_date", sa.Date(), nullable=True))


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table("accounts", schema=None) as batch_op:
        batch_op.drop_column("statement_due_date")
    op.execute("UPDATE contact_attempts SET status = 'planned' WHERE status = 'failed'")
    with op.batch_alter_table("contact_attempts", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f(_STATUS_CHECK), type_="check")
        _status_check(batch_op, "planned", "sent", "suppressed")
    with op.batch_alter_table("channel_addresses", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_channel_addresses_customer_id"))
    op.drop_table("channel_addresses")
