"""``input.now``: one instant per run, RFC 3339 with a ``+00:00`` offset (docs/spec.md §3).

Policies never read the clock; the same commit, policies and ``--now`` give byte-identical output.
Every time a user types (``--now``, ``audit asof``, ``--since``, ``--until``) is read by
``parse_instant``, so they accept the same forms and the same range.
"""

from __future__ import annotations

import datetime as dt

from govctl.errors import UsageError

# The instants govctl accepts: policies compute with epoch nanoseconds and the audit store with
# fixed-width four-digit years, so anything before the epoch or past year 9999 is refused up
# front instead of overflowing somewhere deep in a run.
EARLIEST = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
LATEST = dt.datetime(9999, 12, 31, 23, 59, 59, 999999, tzinfo=dt.UTC)
ACCEPTED = (
    "a date (YYYY-MM-DD) or an RFC 3339 timestamp (e.g. 2026-11-22T09:30:00Z) "
    "between 1970-01-01 and 9999-12-31 (UTC)"
)


def _out_of_range(what: str, value: str) -> UsageError:
    return UsageError(f"{what} {value!r} is out of range: give {ACCEPTED}")


def parse_instant(
    value: str, what: str, *, end: bool = False, assume_utc: bool = False
) -> dt.datetime:
    """A user-given date or timestamp as an aware UTC datetime, or a ``UsageError`` (exit 2).

    ``what`` names the option in the message (``--now``, ``--since``...). A bare date means the
    start of that day in UTC, or its last microsecond with ``end``. A timestamp without an offset
    is refused unless ``assume_utc``.
    """
    text = value.strip()
    try:
        if len(text) == 10:
            day = dt.date.fromisoformat(text)
            moment = dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC)
            if end:
                moment = moment.replace(hour=23, minute=59, second=59, microsecond=999999)
        else:
            moment = dt.datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        raise UsageError(f"{what} {value!r} is not {ACCEPTED}") from None
    if moment.tzinfo is None:
        if not assume_utc:
            raise UsageError(f"{what} {value!r} needs a time zone (Z or +HH:MM); give {ACCEPTED}")
        moment = moment.replace(tzinfo=dt.UTC)
    try:
        utc = moment.astimezone(dt.UTC)
    except OverflowError:  # e.g. 0001-01-01T00:00:00+01:00 falls before year 1
        raise _out_of_range(what, value) from None
    if not EARLIEST <= utc <= LATEST:
        raise _out_of_range(what, value)
    return utc


def normalise_now(value: str | None, clock: dt.datetime | None = None) -> str:
    """``--now`` (a date, or RFC 3339 with Z or an offset) or the clock → ``...+00:00``."""
    if value is None:
        moment = (clock or dt.datetime.now(dt.UTC)).astimezone(dt.UTC)
    else:
        moment = parse_instant(value, "--now")
    utc = moment.replace(microsecond=0)
    return utc.strftime("%Y-%m-%dT%H:%M:%S") + "+00:00"


def now_date(now: str) -> dt.date:
    return dt.date.fromisoformat(now[:10])
