"""An extension's answering rules, each one JSON document plus indexed columns."""

from __future__ import annotations

from typing import Any

from sqlalchemy import bindparam, delete, insert, select, update

from ringforward.domain.model import AnsweringRule
from ringforward.store import tables as t
from ringforward.store.codec import rule_from_row, rule_to_document
from ringforward.store.queries import Queries


def rule_values(rule: AnsweringRule) -> dict[str, Any]:
    return {
        "type": rule.type,
        "enabled": rule.enabled,
        "version": rule.version,
        "document": rule_to_document(rule),
    }


def _where(extension_id: str, rule_id: str) -> tuple[Any, Any]:
    return (
        t.answering_rules.c.extension_id == extension_id,
        t.answering_rules.c.rule_id == rule_id,
    )


_RULES = t.answering_rules
_ONE_RULE = (
    _RULES.c.extension_id == bindparam("of_extension"),
    _RULES.c.rule_id == bindparam("of_rule"),
)
_GET_RULE = select(_RULES).where(*_ONE_RULE)
# The SET clause is the parameters named after columns (``rule_values``).
_UPDATE_RULE = update(_RULES).where(*_ONE_RULE, _RULES.c.version == bindparam("previous_version"))


class RuleRepository(Queries):
    async def list_rules(self, extension_id: str) -> list[AnsweringRule]:
        table = t.answering_rules
        rows = await self._of_extension(table, extension_id, table.c.position)
        return [rule_from_row(row) for row in rows]

    async def get_rule(self, extension_id: str, rule_id: str) -> AnsweringRule | None:
        row = await self._row(_GET_RULE, {"of_extension": extension_id, "of_rule": rule_id})
        return rule_from_row(row) if row else None

    async def insert_rule(self, rule: AnsweringRule) -> None:
        await self._execute(
            insert(t.answering_rules).values(
                extension_id=rule.extension_id,
                rule_id=rule.id,
                position=rule.position,
                **rule_values(rule),
            )
        )

    async def update_rule(self, rule: AnsweringRule, *, previous_version: int) -> bool:
        """Write ``rule`` if nobody changed it since ``previous_version``; False otherwise."""
        changed = await self._execute(
            _UPDATE_RULE,
            {
                "of_extension": rule.extension_id,
                "of_rule": rule.id,
                "previous_version": previous_version,
                **rule_values(rule),
            },
        )
        return changed == 1

    async def delete_rule(self, extension_id: str, rule_id: str) -> None:
        await self._execute(delete(t.answering_rules).where(*_where(extension_id, rule_id)))
