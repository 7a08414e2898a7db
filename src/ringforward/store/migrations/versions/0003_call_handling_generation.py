"""Per-account call-handling generation and the enhanced (v2) call-handling documents.

Revision ID: 0003
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("accounts") as batch:
        batch.add_column(
            sa.Column("call_handling", sa.String(16), nullable=False, server_default="legacy")
        )
    op.create_table(
        "comm_handling",
        sa.Column("extension_id", sa.String(32), sa.ForeignKey("extensions.id"), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("item_id", sa.String(32), nullable=False),
        sa.Column("position", sa.BigInteger, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("document", sa.Text, nullable=False),
        sa.PrimaryKeyConstraint("extension_id", "kind", "item_id"),
    )


def downgrade() -> None:
    op.drop_table("comm_handling")
    with op.batch_alter_table("accounts") as batch:
        batch.drop_column("call_handling")
