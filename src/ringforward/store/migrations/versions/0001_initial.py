"""Initial schema: accounts, extensions, apps, tokens, forwarding numbers, rules, audit.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "accounts",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("main_number", sa.String(32), nullable=False),
        sa.Column("time_zone", sa.String(64), nullable=False),
        sa.Column("country", sa.String(2), nullable=False, server_default="US"),
    )
    op.create_table(
        "extensions",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("account_id", sa.String(32), sa.ForeignKey("accounts.id"), nullable=False),
        sa.Column("extension_number", sa.String(16), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("email", sa.String(254), nullable=False, unique=True),
        sa.Column("password_hash", sa.String(200), nullable=False),
        sa.Column("is_admin", sa.Boolean, nullable=False, server_default="0"),
        sa.Column("time_zone", sa.String(64), nullable=True),
        sa.Column("status", sa.String(16), nullable=False, server_default="Enabled"),
        sa.Column("business_hours", sa.Text, nullable=False, server_default="{}"),
        sa.Column("direct_numbers", sa.Text, nullable=False, server_default="[]"),
    )
    op.create_index("ix_extensions_account_id", "extensions", ["account_id"])
    op.create_table(
        "apps",
        sa.Column("client_id", sa.String(64), primary_key=True),
        sa.Column("secret_hash", sa.String(200), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
    )
    op.create_table(
        "tokens",
        sa.Column("token_hash", sa.String(64), primary_key=True),
        sa.Column("kind", sa.String(8), nullable=False),
        sa.Column("session_id", sa.String(64), nullable=False),
        sa.Column("extension_id", sa.String(32), sa.ForeignKey("extensions.id"), nullable=False),
        sa.Column("client_id", sa.String(64), nullable=False),
        sa.Column("expires_at", sa.Float, nullable=False),
        sa.Column("revoked", sa.Boolean, nullable=False, server_default="0"),
    )
    op.create_index("ix_tokens_session_id", "tokens", ["session_id"])
    op.create_table(
        "forwarding_numbers",
        sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("extension_id", sa.String(32), sa.ForeignKey("extensions.id"), nullable=False),
        sa.Column("phone_number", sa.String(32), nullable=True),
        sa.Column("label", sa.String(60), nullable=False),
        sa.Column("type", sa.String(32), nullable=False),
        sa.Column("flip_number", sa.Integer, nullable=False),
        sa.Column("device_id", sa.String(64), nullable=True),
    )
    op.create_index("ix_forwarding_numbers_extension", "forwarding_numbers", ["extension_id"])
    op.create_table(
        "answering_rules",
        sa.Column("extension_id", sa.String(32), sa.ForeignKey("extensions.id"), primary_key=True),
        sa.Column("rule_id", sa.String(32), primary_key=True),
        sa.Column("type", sa.String(16), nullable=False),
        sa.Column("enabled", sa.Boolean, nullable=False),
        sa.Column("position", sa.BigInteger, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("document", sa.Text, nullable=False),
    )
    sequences = op.create_table(
        "sequences",
        sa.Column("name", sa.String(32), primary_key=True),
        sa.Column("next_value", sa.BigInteger, nullable=False),
    )
    op.bulk_insert(
        sequences,
        [
            {"name": "forwarding_number", "next_value": 44444444},
            {"name": "answering_rule", "next_value": 55555556},
            {"name": "account", "next_value": 77777777},
            {"name": "extension", "next_value": 66666666},
        ],
    )
    op.create_table(
        "settings",
        sa.Column("key", sa.String(64), primary_key=True),
        sa.Column("value", sa.Text, nullable=False),
    )
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("account_id", sa.String(32), nullable=False),
        sa.Column("extension_id", sa.String(32), nullable=False),
        sa.Column("resource_type", sa.String(32), nullable=False),
        sa.Column("resource_id", sa.String(32), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("at", sa.Float, nullable=False),
        sa.Column("actor", sa.String(32), nullable=False),
        sa.Column("before", sa.Text, nullable=True),
        sa.Column("after", sa.Text, nullable=True),
    )
    op.create_index(
        "ix_audit_resource",
        "audit_log",
        ["extension_id", "resource_type", "resource_id", "version"],
    )


def downgrade() -> None:
    for table in (
        "audit_log",
        "settings",
        "sequences",
        "answering_rules",
        "forwarding_numbers",
        "tokens",
        "apps",
        "extensions",
        "accounts",
    ):
        op.drop_table(table)
