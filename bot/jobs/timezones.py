"""Refreshing cached Slack timezones (``users.info``), at most daily per person.

See :mod:`bot.domain.timezones` for how a send's timezone is chosen.
"""

from __future__ import annotations

import logging
from datetime import datetime

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy.orm import Session, sessionmaker

from bot.db.engine import transaction
from bot.domain.timezones import stale_people, store_tz

log = logging.getLogger(__name__)


def refresh_timezones(
    *, sessions: sessionmaker[Session], client: WebClient, now: datetime, limit: int = 200
) -> int:
    """Ask Slack for stale timezones; stops at the first outage (the cache stays valid). Returns updates."""
    with transaction(sessions) as session:
        ids = stale_people(session=session, now=now, limit=limit)
    updated = 0
    for slack_user_id in ids:
        try:
            user = client.users_info(user=slack_user_id).get("user") or {}
            tz = user.get("tz")
        except SlackApiError as exc:
            error = str(exc.response.get("error") or "")
            if error not in ("user_not_found", "account_inactive"):
                log.warning("timezone refresh paused", extra={"error": error or exc.response.status_code})
                break
            tz = None
        except Exception as exc:  # network trouble: try again next time
            log.warning("timezone refresh paused", extra={"error": type(exc).__name__})
            break
        with transaction(sessions) as session:
            store_tz(session=session, now=now, slack_user_id=slack_user_id, tz=str(tz) if tz else None)
        updated += 1
    return updated
