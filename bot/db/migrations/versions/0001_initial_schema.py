"""Initial schema: customers, accounts, arrangements, verification, hand-offs, outcomes, guard events.

Revision ID: 0001
Revises:
Create Date: 2026-11-29 23:04:36.476143+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision: str = "0001"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table(
        "compliance_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("conversation_id", sa.String(length=255), nullable=True),
        sa.Column("rule", sa.String(length=64), nullable=False),
        sa.Column("blocked_text", sa.Text(), nullable=False),
        sa.Column("script_id", sa.String(length=128), nullable=True),
        sa.Column("reviewed", sa.Boolean(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_compliance_events")),
    )
    with op.batch_alter_table("compliance_events", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_compliance_events_at"), ["at"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_compliance_events_conversation_id"), ["conversation_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_compliance_events_rule"), ["rule"], unique=False)

    op.create_table(
        "customers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("mobile", sa.String(length=20), nullable=False),
        sa.Column("id_last4", sa.String(length=4), nullable=False),
        sa.Column("locale", sa.String(length=16), nullable=False),
        sa.Column("time_zone", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_customers")),
        sa.UniqueConstraint("mobile", name=op.f("uq_customers_mobile")),
    )
    op.create_table(
        "accounts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("card_last4", sa.String(length=4), nullable=False),
        sa.Column("principal", sa.Numeric(precision=12, scale=2), nullable=False),
        sa.Column("interest", sa.Numeric(precision=12, scale=2), nullable=False),
        sa.Column("late_fees", sa.Numeric(precision=12, scale=2), nullable=False),
        sa.Column("total_due", sa.Numeric(precision=12, scale=2), nullable=False),
        sa.Column("minimum_payment", sa.Numeric(precision=12, scale=2), nullable=False),
        sa.Column("days_past_due", sa.Integer(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "active",
                "disputed",
                "paused",
                "settled",
                name="account_status",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["customer_id"], ["customers.id"], name=op.f("fk_accounts_customer_id_customers")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_accounts")),
    )
    with op.batch_alter_table("accounts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_accounts_customer_id"), ["customer_id"], unique=False)

    op.create_table(
        "contact_preferences",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=True),
        sa.Column("mobile", sa.String(length=20), nullable=True),
        sa.Column(
            "channel",
            sa.Enum(
                "all",
                "chat",
                "phone",
                "sms",
                "email",
                name="channel",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("stop_contact", sa.Boolean(), nullable=False),
        sa.Column("wrong_number", sa.Boolean(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("conversation_id", sa.String(length=255), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["customers.id"],
            name=op.f("fk_contact_preferences_customer_id_customers"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contact_preferences")),
    )
    with op.batch_alter_table("contact_preferences", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_contact_preferences_conversation_id"), ["conversation_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_contact_preferences_customer_id"), ["customer_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_contact_preferences_mobile"), ["mobile"], unique=False)

    op.create_table(
        "verification_attempts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("conversation_id", sa.String(length=255), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=True),
        sa.Column("mobile_masked", sa.String(length=32), nullable=False),
        sa.Column("success", sa.Boolean(), nullable=False),
        sa.Column("during_lock", sa.Boolean(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["customers.id"],
            name=op.f("fk_verification_attempts_customer_id_customers"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_verification_attempts")),
    )
    with op.batch_alter_table("verification_attempts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_verification_attempts_at"), ["at"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_verification_attempts_conversation_id"),
            ["conversation_id"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_verification_attempts_customer_id"), ["customer_id"], unique=False
        )

    op.create_table(
        "verification_locks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=True),
        sa.Column("locked_until", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reason", sa.String(length=64), nullable=False),
        sa.Column("conversation_id", sa.String(length=255), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["customers.id"],
            name=op.f("fk_verification_locks_customer_id_customers"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_verification_locks")),
    )
    with op.batch_alter_table("verification_locks", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_verification_locks_conversation_id"), ["conversation_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_verification_locks_customer_id"), ["customer_id"], unique=False
        )

    op.create_table(
        "conversation_outcomes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("conversation_id", sa.String(length=255), nullable=False),
        sa.Column(
            "outcome",
            sa.Enum(
                "plan",
                "promise",
                "dispute",
                "handoff",
                "paid_claim",
                "stop_contact",
                "wrong_person",
                "distress",
                "none",
                name="outcome",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("account_id", sa.Integer(), nullable=True),
        sa.Column("detail", sa.Text(), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.id"],
            name=op.f("fk_conversation_outcomes_account_id_accounts"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_conversation_outcomes")),
    )
    with op.batch_alter_table("conversation_outcomes", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_conversation_outcomes_account_id"), ["account_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_conversation_outcomes_at"), ["at"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_conversation_outcomes_conversation_id"),
            ["conversation_id"],
            unique=False,
        )

    op.create_table(
        "disputes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "open",
                "resolved",
                name="dispute_status",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("conversation_id", sa.String(length=255), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"], ["accounts.id"], name=op.f("fk_disputes_account_id_accounts")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_disputes")),
    )
    with op.batch_alter_table("disputes", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_disputes_account_id"), ["account_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_disputes_conversation_id"), ["conversation_id"], unique=False
        )

    op.create_table(
        "handoffs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("conversation_id", sa.String(length=255), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=True),
        sa.Column("customer_id", sa.Integer(), nullable=True),
        sa.Column(
            "reason",
            sa.Enum(
                "request",
                "distress",
                "dispute",
                "complaint",
                "fallback",
                "lockout",
                "fee_waiver",
                "hardship",
                "compliance",
                name="handoff_reason",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column(
            "urgency",
            sa.Enum(
                "normal",
                "urgent",
                name="urgency",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column(
            "status",
            sa.Enum(
                "open",
                "assigned",
                "closed",
                name="handoff_status",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("detail", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"], ["accounts.id"], name=op.f("fk_handoffs_account_id_accounts")
        ),
        sa.ForeignKeyConstraint(
            ["customer_id"], ["customers.id"], name=op.f("fk_handoffs_customer_id_customers")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_handoffs")),
    )
    with op.batch_alter_table("handoffs", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_handoffs_account_id"), ["account_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_handoffs_conversation_id"), ["conversation_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_handoffs_customer_id"), ["customer_id"], unique=False)

    op.create_table(
        "payment_claims",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("claimed_amount", sa.Numeric(precision=12, scale=2), nullable=True),
        sa.Column("claimed_date", sa.Date(), nullable=True),
        sa.Column(
            "status",
            sa.Enum(
                "to_check",
                "confirmed",
                "rejected",
                name="claim_status",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("conversation_id", sa.String(length=255), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"], ["accounts.id"], name=op.f("fk_payment_claims_account_id_accounts")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_payment_claims")),
    )
    with op.batch_alter_table("payment_claims", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_payment_claims_account_id"), ["account_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_payment_claims_conversation_id"), ["conversation_id"], unique=False
        )

    op.create_table(
        "promises_to_pay",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("amount", sa.Numeric(precision=12, scale=2), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "open",
                "kept",
                "broken",
                name="promise_status",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("conversation_id", sa.String(length=255), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"], ["accounts.id"], name=op.f("fk_promises_to_pay_account_id_accounts")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_promises_to_pay")),
    )
    with op.batch_alter_table("promises_to_pay", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_promises_to_pay_account_id"), ["account_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_promises_to_pay_conversation_id"), ["conversation_id"], unique=False
        )

    op.create_table(
        "repayment_plans",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "installment",
                "hardship",
                name="plan_kind",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("tenor", sa.Integer(), nullable=False),
        sa.Column("monthly_amount", sa.Numeric(precision=12, scale=2), nullable=False),
        sa.Column("total_fees", sa.Numeric(precision=12, scale=2), nullable=False),
        sa.Column("total_repaid", sa.Numeric(precision=12, scale=2), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "proposed",
                "accepted",
                "pending_approval",
                "approved",
                "rejected",
                name="plan_status",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("conversation_id", sa.String(length=255), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"], ["accounts.id"], name=op.f("fk_repayment_plans_account_id_accounts")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_repayment_plans")),
    )
    with op.batch_alter_table("repayment_plans", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_repayment_plans_account_id"), ["account_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_repayment_plans_conversation_id"), ["conversation_id"], unique=False
        )


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table("repayment_plans", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_repayment_plans_conversation_id"))
        batch_op.drop_index(batch_op.f("ix_repayment_plans_account_id"))

    op.drop_table("repayment_plans")
    with op.batch_alter_table("promises_to_pay", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_promises_to_pay_conversation_id"))
        batch_op.drop_index(batch_op.f("ix_promises_to_pay_account_id"))

    op.drop_table("promises_to_pay")
    with op.batch_alter_table("payment_claims", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_payment_claims_conversation_id"))
        batch_op.drop_index(batch_op.f("ix_payment_claims_account_id"))

    op.drop_table("payment_claims")
    with op.batch_alter_table("handoffs", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_handoffs_customer_id"))
        batch_op.drop_index(batch_op.f("ix_handoffs_conversation_id"))
        batch_op.drop_index(batch_op.f("ix_handoffs_account_id"))

    op.drop_table("handoffs")
    with op.batch_alter_table("disputes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_disputes_conversation_id"))
        batch_op.drop_index(batch_op.f("ix_disputes_account_id"))

    op.drop_table("disputes")
    with op.batch_alter_table("conversation_outcomes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_conversation_outcomes_conversation_id"))
        batch_op.drop_index(batch_op.f("ix_conversation_outcomes_at"))
        batch_op.drop_index(batch_op.f("ix_conversation_outcomes_account_id"))

    op.drop_table("conversation_outcomes")
    with op.batch_alter_table("verification_locks", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_verification_locks_customer_id"))
        batch_op.drop_index(batch_op.f("ix_verification_locks_conversation_id"))

    op.drop_table("verification_locks")
    with op.batch_alter_table("verification_attempts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_verification_attempts_customer_id"))
        batch_op.drop_index(batch_op.f("ix_verification_attempts_conversation_id"))
        batch_op.drop_index(batch_op.f("ix_verification_attempts_at"))

    op.drop_table("verification_attempts")
    with op.batch_alter_table("contact_preferences", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_contact_preferences_mobile"))
        batch_op.drop_index(batch_op.f("ix_contact_preferences_customer_id"))
        batch_op.drop_index(batch_op.f("ix_contact_preferences_conversation_id"))

    op.drop_table("contact_preferences")
    with op.batch_alter_table("accounts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_accounts_customer_id"))

    op.drop_table("accounts")
    op.drop_table("customers")
    with op.batch_alter_table("compliance_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_compliance_events_rule"))
        batch_op.drop_index(batch_op.f("ix_compliance_events_conversation_id"))
        batch_op.drop_index(batch_op.f("ix_compliance_events_at"))

    op.drop_table("compliance_events")
