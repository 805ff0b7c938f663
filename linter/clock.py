"""The run's clock: the real time, or the instant fixed with ``--now`` / ``now:``.

Certificate checks compare validity periods with "now"; fixing it makes a run
reproducible (CI snapshots, tests, "will this still pass on the 1st of March?").
"""

from __future__ import annotations

import datetime as _dt


def parse_now(value) -> _dt.datetime:
    """An aware UTC datetime from an ISO date (2030-01-31) or datetime (2030-01-31T12:00:00Z, +02:00).

    A date means its midnight in UTC; a datetime without an offset is taken as UTC.
    Raises ValueError with a readable message.
    """
    if isinstance(value, _dt.datetime):
        moment = value
    elif isinstance(value, _dt.date):  # YAML reads an unquoted 2030-01-31 as a date
        moment = _dt.datetime(value.year, value.month, value.day)
    elif isinstance(value, str):
        text = value.strip()
        if text.endswith(("Z", "z")):
            text = text[:-1] + "+00:00"
        try:
            moment = _dt.datetime.fromisoformat(text)
        except ValueError:
            raise ValueError(f"{value!r} is not an ISO date or datetime (e.g. 2030-01-31 or 2030-01-31T12:00:00Z)") from None
    else:
        raise ValueError(f"{value!r} is not an ISO date or datetime (e.g. 2030-01-31 or 2030-01-31T12:00:00Z)")
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=_dt.timezone.utc)
    return moment.astimezone(_dt.timezone.utc)


def now(settings) -> _dt.datetime:
    """The run's "now" (aware, UTC)."""
    fixed = getattr(settings, "now", None)
    if fixed is not None:
        return fixed
    return _dt.datetime.now(_dt.timezone.utc)
