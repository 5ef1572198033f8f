"""Fixture data for the patterns and precedents tests: live decisions with a policy rule, reviewed."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session, sessionmaker

from bot.db.engine import transaction
from bot.domain.reviews import record_review
from tests.live_support import make_decision

RULE = "resource-tagging/require-cost-center"
OTHER_RULE = "rollback-rules/skip-canary"
CONDITIONS = "Expires in 48 h; rollback by deleting the namespace"


def live(
    sessions: sessionmaker[Session],
    *,
    now: datetime,
    title: str,
    rule: str | None = RULE,
    user: str = "U0ENG1",
    verdict: str = "approve",
    conditions: str = CONDITIONS,
    text: str | None = None,
    kind: str = "live",
    review: str | None = None,
    comment: str | None = None,
) -> int:
    """Record one decision through the domain (and its review when ``review`` is given)."""
    decision_id = make_decision(
        sessions,
        now=now,
        user=user,
        kind=kind,
        verdict=verdict,
        title=title,
        key=f"pat:{user}:{title}:{now.isoformat()}",
        conditions=conditions if verdict == "approve" else None,
        source_url="https://ggen.example.com/holds/9",
        source_text=text,
        policy_rule=rule,
    )
    if review:
        with transaction(sessions) as session:
            record_review(
                session=session,
                now=now,
                decision_id=decision_id,
                reviewer_slack_id="U0LEAD",
                verdict=review,
                comment=comment or ("Wrong call" if review == "overturn" else None),
                suggested_verdict=("approve" if verdict != "approve" else "deny")
                if review == "overturn"
                else None,
            )
    return decision_id
