"""``input.now``: one instant per run, RFC 3339 with a ``+00:00`` offset (docs/spec.md §3).

Policies never read the clock; the same commit, policies and ``--now`` give byte-identical output.
"""

from __future__ import annotations

import datetime as dt

from govctl.errors import UsageError


def normalise_now(value: str | None, clock: dt.datetime | None = None) -> str:
    """``--now`` (a date, or RFC 3339 with Z or an offset) or the clock → ``...+00:00``."""
    if value is None:
        moment = clock or dt.datetime.now(dt.UTC)
    else:
        text = value.strip()
        try:
            if len(text) == 10:
                day = dt.date.fromisoformat(text)
                moment = dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC)
            else:
                moment = dt.datetime.fromisoformat(
                    text.replace("Z", "+00:00").replace("z", "+00:00")
                )
        except ValueError:
            raise UsageError(
                f"--now {value!r} is not a date or RFC 3339 timestamp (e.g. 2026-11-22T09:30:00Z)"
            ) from None
        if moment.tzinfo is None:
            raise UsageError(f"--now {value!r} needs a time zone (Z or +HH:MM)")
    utc = moment.astimezone(dt.UTC).replace(microsecond=0)
    return utc.strftime("%Y-%m-%dT%H:%M:%S") + "+00:00"


def now_date(now: str) -> dt.date:
    return dt.date.fromisoformat(now[:10])
