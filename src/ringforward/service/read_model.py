"""What GETs of call-handling state read, kept in process memory per account.

Answers are kept per account (least recently used accounts dropped beyond a configurable
number) under the question asked: which use case, for which principal, about which
extension and resource. Like every cache here, an answer is served only while the
database's change stamp (``store.changes``) is the one taken before it was read, so a
write of this process is seen before it returns and another process's write as soon as
the stamp shows it. A caller asking for a fresh answer (``Cache-Control: no-cache``) and
a process that cannot tell the stamp always read the database. Errors are never kept.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Awaitable, Callable, Hashable
from typing import Any, TypeVar

from ringforward.service.per_database import PerDatabase
from ringforward.service.scope import ExtensionCall
from ringforward.store.database import Database

DEFAULT_ACCOUNTS = 1000
# Answers kept per account: enough for every extension's rule, list and hours in a large
# account, small enough that one busy account cannot take all memory.
ANSWERS_PER_ACCOUNT = 4096

T = TypeVar("T")


class ReadModel:
    def __init__(self, accounts: int = DEFAULT_ACCOUNTS) -> None:
        self.accounts = accounts
        self._by_account: OrderedDict[str, OrderedDict[Hashable, tuple[Hashable, Any]]] = (
            OrderedDict()
        )

    def get(self, account: str, key: Hashable, stamp: Hashable) -> tuple[bool, Any]:
        answers = self._by_account.get(account)
        if answers is None:
            return False, None
        self._by_account.move_to_end(account)
        entry = answers.get(key)
        if entry is None or entry[0] != stamp:
            return False, None
        answers.move_to_end(key)
        return True, entry[1]

    def put(self, account: str, key: Hashable, stamp: Hashable, value: Any) -> None:
        answers = self._by_account.get(account)
        if answers is None:
            answers = self._by_account[account] = OrderedDict()
            while len(self._by_account) > self.accounts:
                self._by_account.popitem(last=False)
        self._by_account.move_to_end(account)
        answers[key] = (stamp, value)
        answers.move_to_end(key)
        while len(answers) > ANSWERS_PER_ACCOUNT:
            answers.popitem(last=False)

    def __len__(self) -> int:
        return len(self._by_account)


# The answers kept for a database in this process: ``read_model(db)``.
read_model = PerDatabase(ReadModel)


def configure_read_model(db: Database, accounts: int) -> None:
    """Keep at most ``accounts`` accounts' answers for ``db`` in this process."""
    read_model.replace(db, ReadModel(accounts))


async def cached(
    ext: ExtensionCall,
    question: tuple[Hashable, ...],
    load: Callable[[], Awaitable[T]],
    *,
    fresh: bool = False,
) -> T:
    """The answer to ``question`` about ``ext``'s extension from memory if still current,
    else from ``load()``."""
    stamp = None if fresh else ext.db.changes.stamp()
    if stamp is None:
        return await load()
    model = read_model(ext.db)
    # Who asks is part of the question: what a principal may see depends on it.
    who = ext.who
    key = (who.extension_id, who.is_admin, ext.account_id, ext.extension_id, *question)
    found, value = model.get(who.account_id, key, stamp)
    if found:
        return value  # type: ignore[no-any-return]
    answer = await load()
    model.put(who.account_id, key, stamp, answer)
    return answer
