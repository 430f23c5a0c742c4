"""Formal written notices: the notices table, whose rows never change once written.

One row per notice issued (``python -m bot.notices issue``): the account, its version (1, 2 ...
per account), a unique reference, the template's script id and version, when and by whom it was
issued, the HTML and PDF as issued and the PDF's SHA-256. A trigger refuses every UPDATE, on
SQLite and on PostgreSQL: re-issuing inserts a new version.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-04 08:30:00+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0008"
down_revision: str | Sequence[str] | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_TRIGGER = "notices_immutable"
_MESSAGE = "an issued notice never changes: issue a new version"


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table(
        "notices",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("reference", sa.String(length=32), nullable=False),
        sa.Column("script_id", sa.String(length=128), nullable=False),
        sa.Column("script_version", sa.Integer(), nullable=False),
        sa.Column("issued_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("issued_by", sa.String(length=64), nullable=False),
        sa.Column("html", sa.Text(), nullable=False),
        sa.Column("pdf", sa.LargeBinary(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"], ["accounts.id"], name=op.f("fk_notices_account_id_accounts")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notices")),
        sa.UniqueConstraint("account_id", "version", name=op.f("uq_notices_account_id")),
        sa.UniqueConstraint("reference", name=op.f("uq_notices_reference")),
    )
    with op.batch_alter_table("notices", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_notices_account_id"), ["account_id"], unique=False)
    if _postgres():
        op.execute(
            f"CREATE FUNCTION {_TRIGGER}() RETURNS trigger LANGUAGE plpgsql AS "
            f"$$ BEGIN RAISE EXCEPTION '{_MESSAGE}'; END; $$"
        )
        op.execute(
            f"CREATE TRIGGER {_TRIGGER} BEFORE UPDATE ON notices "
            f"FOR EACH ROW EXECUTE FUNCTION {_TRIGGER}()"
        )
    else:
        op.execute(
            f"CREATE TRIGGER {_TRIGGER} BEFORE UPDATE ON notices "
            f"BEGIN SELECT RAISE(ABORT, '{_MESSAGE}'); END"
        )


def downgrade() -> None:
    """Downgrade schema."""
    if _postgres():
        op.execute(f"DROP TRIGGER IF EXISTS {_TRIGGER} ON notices")
        op.execute(f"DROP FUNCTION IF EXISTS {_TRIGGER}()")
    else:
        op.execute(f"DROP TRIGGER IF EXISTS {_TRIGGER}")
    with op.batch_alter_table("notices", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_notices_account_id"))
    op.drop_table("notices")


def _postgres() -> bool:
    return bool(op.get_bind().dialect.name == "postgresql")
