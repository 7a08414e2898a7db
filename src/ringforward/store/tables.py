"""SQLAlchemy Core tables: the one description of what is stored."""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
)

metadata = MetaData()

accounts = Table(
    "accounts",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("name", String(200), nullable=False),
    Column("main_number", String(32), nullable=False),
    Column("time_zone", String(64), nullable=False),
    Column("country", String(2), nullable=False, server_default="US"),
    # "legacy" (v1.0 answering rules) or "enhanced" (v2 comm-handling states and rules).
    Column("call_handling", String(16), nullable=False, server_default="legacy"),
)

extensions = Table(
    "extensions",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("account_id", String(32), ForeignKey("accounts.id"), nullable=False, index=True),
    Column("extension_number", String(16), nullable=False),
    Column("name", String(200), nullable=False),
    Column("email", String(254), nullable=False, unique=True),
    Column("password_hash", String(200), nullable=False),
    Column("is_admin", Boolean, nullable=False, server_default="0"),
    Column("time_zone", String(64), nullable=True),
    Column("status", String(16), nullable=False, server_default="Enabled"),
    # JSON documents: weekly ranges and the extension's direct numbers.
    Column("business_hours", Text, nullable=False, server_default="{}"),
    Column("direct_numbers", Text, nullable=False, server_default="[]"),
)

apps = Table(
    "apps",
    metadata,
    Column("client_id", String(64), primary_key=True),
    Column("secret_hash", String(200), nullable=False),
    Column("name", String(200), nullable=False),
)

tokens = Table(
    "tokens",
    metadata,
    Column("token_hash", String(64), primary_key=True),
    Column("kind", String(8), nullable=False),
    Column("session_id", String(64), nullable=False, index=True),
    Column("extension_id", String(32), ForeignKey("extensions.id"), nullable=False),
    Column("client_id", String(64), nullable=False),
    Column("expires_at", Float, nullable=False),
    Column("revoked", Boolean, nullable=False, server_default="0"),
)

forwarding_numbers = Table(
    "forwarding_numbers",
    metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=False),
    Column("extension_id", String(32), ForeignKey("extensions.id"), nullable=False),
    Column("phone_number", String(32), nullable=True),
    Column("label", String(60), nullable=False),
    Column("type", String(32), nullable=False),
    Column("flip_number", Integer, nullable=False),
    Column("device_id", String(64), nullable=True),
    Index("ix_forwarding_numbers_extension", "extension_id"),
)


def _extension_documents(name: str, *columns: Column[Any]) -> Table:
    """A table of an extension's ordered, versioned JSON documents: the extension, the
    columns given (the rest of the key first), then position, version and the document."""
    return Table(
        name,
        metadata,
        Column("extension_id", String(32), ForeignKey("extensions.id"), primary_key=True),
        *columns,
        Column("position", BigInteger, nullable=False),
        Column("version", Integer, nullable=False),
        Column("document", Text, nullable=False),
    )


# The rest of each rule is its document (see store/codec.py).
answering_rules = _extension_documents(
    "answering_rules",
    Column("rule_id", String(32), primary_key=True),
    Column("type", String(16), nullable=False),
    Column("enabled", Boolean, nullable=False),
)

# An enhanced extension's states, state rules and interaction rules, one JSON document
# each (the v2 wire shape, normalised); ``kind`` says which.
comm_handling = _extension_documents(
    "comm_handling",
    Column("kind", String(16), primary_key=True),
    Column("item_id", String(32), primary_key=True),
)

sequences = Table(
    "sequences",
    metadata,
    Column("name", String(32), primary_key=True),
    Column("next_value", BigInteger, nullable=False),
)

settings = Table(
    "settings",
    metadata,
    Column("key", String(64), primary_key=True),
    Column("value", Text, nullable=False),
)

audit_log = Table(
    "audit_log",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("account_id", String(32), nullable=False),
    Column("extension_id", String(32), nullable=False),
    Column("resource_type", String(32), nullable=False),
    Column("resource_id", String(32), nullable=False),
    Column("version", Integer, nullable=False),
    Column("at", Float, nullable=False),
    Column("actor", String(32), nullable=False),
    Column("before", Text, nullable=True),
    Column("after", Text, nullable=True),
    Index("ix_audit_resource", "extension_id", "resource_type", "resource_id", "version"),
)

devices = Table(
    "devices",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("extension_id", String(32), ForeignKey("extensions.id"), nullable=False),
    Column("type", String(16), nullable=False),
    Column("name", String(200), nullable=False),
    # SIP digest needs the password itself (or an equivalent hash), and sip-info returns it.
    Column("user_name", String(64), nullable=False, unique=True),
    Column("authorization_id", String(64), nullable=False, unique=True),
    Column("sip_password", String(128), nullable=False),
    Index("ix_devices_extension", "extension_id"),
)

INITIAL_SEQUENCES = {
    "forwarding_number": 44444444,
    "answering_rule": 55555556,
    "account": 77777777,
    "extension": 66666666,
}
