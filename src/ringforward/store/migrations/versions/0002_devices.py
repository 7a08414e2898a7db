"""Devices and their SIP credentials.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "devices",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("extension_id", sa.String(32), sa.ForeignKey("extensions.id"), nullable=False),
        sa.Column("type", sa.String(16), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("user_name", sa.String(64), nullable=False, unique=True),
        sa.Column("authorization_id", sa.String(64), nullable=False, unique=True),
        sa.Column("sip_password", sa.String(128), nullable=False),
    )
    op.create_index("ix_devices_extension", "devices", ["extension_id"])


def downgrade() -> None:
    op.drop_table("devices")
