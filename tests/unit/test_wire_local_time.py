"""The call-flow document's localTime is an RFC 3339 date-time even in local mean time."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from ringforward.wire.callflow import rfc3339


def test_standard_time_is_written_as_it_is() -> None:
    moment = datetime(2026, 7, 1, 10, 0, tzinfo=ZoneInfo("America/Los_Angeles"))
    assert rfc3339(moment) == "2026-07-01T10:00:00-07:00"


def test_local_mean_time_gets_a_whole_minute_offset_for_the_same_instant() -> None:
    moment = datetime(362, 1, 28, 13, 1, 51, tzinfo=ZoneInfo("America/Los_Angeles"))
    written = rfc3339(moment)
    assert written == "0362-01-28T13:01:49-07:53"
    assert datetime.fromisoformat(written) == moment
