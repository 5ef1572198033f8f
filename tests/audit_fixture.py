"""A small, hand-checked history for the audit-query tests (program timezone America/New_York).

ISO week 2026-W47 runs Monday 16 to Sunday 22 November, local time.

| name | who  | kind     | verdict  | category           | decided (local)        | review                   |
|------|------|----------|----------|--------------------|------------------------|--------------------------|
| d1   | ENG1 | live     | approve  | policy_violation   | Mon 16 Nov 10:00       | overturned by LEAD (deny)|
| d2   | ENG1 | live     | escalate | security_exception | Tue 17 Nov 09:00       | overturned by MENTOR     |
| d3   | ENG2 | live     | escalate | security_exception | Wed 18 Nov 11:00       | upheld by MENTOR         |
| d4   | ENG1 | live     | escalate | policy_violation   | Sun 22 Nov 23:30 (W47; Mon in UTC) | pending      |
| d5   | ENG1 | live     | deny     | rollback           | Mon 23 Nov 00:30 (W48) | pending                  |
| d6   | ENG1 | practice | escalate | change_freeze      | Thu 19 Nov 14:00       | not required             |
| d7   | ENG1 | live     | deny     | rollback           | Sun 15 Nov 23:59 (W46) | pending                  |
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session, sessionmaker

from bot.db.engine import transaction
from bot.domain.reviews import record_review
from tests.helpers import load_roster
from tests.live_support import make_decision

NY = ZoneInfo("America/New_York")
OVERTURN_D1 = "Deny: the floor has no exception clause for prod namespaces."
OVERTURN_D2 = "Approve: the CVE is not reachable per the VEX statement."


def local(*args: int) -> datetime:
    return datetime(*args, tzinfo=NY).astimezone(UTC)


# The table above, as make_decision's arguments (a live approve in policy_violation unless said).
DECISIONS: dict[str, dict[str, Any]] = {
    "d1": {"now": local(2026, 11, 16, 10, 0), "title": "d1 prod single replica"},
    "d2": {"now": local(2026, 11, 17, 9, 0), "verdict": "escalate", "category": "security_exception"},
    "d3": {
        "now": local(2026, 11, 18, 11, 0),
        "user": "U0ENG2",
        "verdict": "escalate",
        "category": "security_exception",
    },
    "d4": {"now": local(2026, 11, 22, 23, 30), "verdict": "escalate", "title": "d4 late sunday"},
    "d5": {"now": local(2026, 11, 23, 0, 30), "verdict": "deny", "category": "rollback"},
    "d6": {
        "now": local(2026, 11, 19, 14, 0),
        "kind": "practice",
        "verdict": "escalate",
        "category": "change_freeze",
        "title": "d6 practice",
        "review_required": False,
    },
    "d7": {"now": local(2026, 11, 15, 23, 59), "verdict": "deny", "category": "rollback"},
}


def build(sessions: sessionmaker[Session]) -> dict[str, int]:
    load_roster(sessions, local(2026, 11, 2, 9, 0))
    ids = {name: make_decision(sessions, **{"title": name, **fields}) for name, fields in DECISIONS.items()}
    reviews = [
        ("d1", "U0LEAD", "overturn", OVERTURN_D1, "deny", local(2026, 11, 16, 15, 0)),
        ("d3", "U0MENTOR", "uphold", None, None, local(2026, 11, 18, 16, 0)),
        ("d2", "U0MENTOR", "overturn", OVERTURN_D2, "approve", local(2026, 11, 20, 9, 0)),
    ]
    for name, reviewer, verdict, comment, suggested, at in reviews:
        with transaction(sessions) as session:
            record_review(
                session=session,
                now=at,
                decision_id=ids[name],
                reviewer_slack_id=reviewer,
                verdict=verdict,
                comment=comment,
                suggested_verdict=suggested,
            )
    return ids
