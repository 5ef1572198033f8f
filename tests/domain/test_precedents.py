"""Precedents: same policy rule first, then full-text similar; live decisions only (both engines)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.db.engine import transaction
from bot.domain.precedents import find_precedents, search_words
from tests.helpers import load_roster
from tests.pattern_support import OTHER_RULE, RULE, live


@pytest.fixture
def db(sessions, clock):
    load_roster(sessions, clock.now())
    return sessions


def test_search_words_drop_ids_links_and_common_words() -> None:
    words = search_words("The <@U0ENG1> namespace https://x.example.com/a loadtest and U0ABCDEFG ok")
    assert words == ["namespace", "loadtest"]


def test_same_rule_first_then_text_similar_never_practice(db, clock) -> None:
    t0 = clock.now() - timedelta(days=3)
    same = live(db, now=t0, title="orders namespace cost label", rule=RULE, review="uphold")
    similar = live(
        db,
        now=t0 + timedelta(hours=1),
        title="checkout canary skipped on rollback",
        rule=OTHER_RULE,
        text="rollback of checkout-web straight to 100%",
    )
    live(
        db,
        now=t0 + timedelta(hours=2),
        title="unrelated firewall change",
        rule=None,
        text="opening port 22 on bastion",
    )
    practice = live(
        db,
        now=t0 + timedelta(hours=3),
        title="checkout rollback canary practice",
        rule=RULE,
        kind="practice",
        text="checkout rollback canary",
    )
    with transaction(db) as session:
        found = find_precedents(
            session=session,
            policy_rule=RULE,
            about="checkout rollback canary skipped",
            limit=4,
            anonymise=True,
        )
    ids = [p.decision_id for p in found]
    assert ids[:2] == [same, similar]
    assert practice not in ids
    assert found[0].same_rule and not found[1].same_rule
    assert found[0].review_status == "upheld" and found[0].engineer is None
    assert found[0].conditions and "48 h" in found[0].conditions


def test_names_shown_when_not_anonymised_and_excluded_self(db, clock) -> None:
    one = live(db, now=clock.now() - timedelta(days=1), title="payments namespace label", text="payments")
    with transaction(db) as session:
        found = find_precedents(session=session, policy_rule=RULE, about="payments", limit=3, anonymise=False)
        none = find_precedents(
            session=session, policy_rule=RULE, about="payments", limit=3, anonymise=False, exclude_id=one
        )
    assert [p.engineer for p in found] == ["Ada Engineer"]
    assert none == []


def test_anonymised_precedents_blank_the_engineers_name_in_free_text(db, clock) -> None:
    live(
        db,
        now=clock.now() - timedelta(days=1),
        title="payments label for Ada",
        text="payments",
        review="uphold",
        comment="Good call Ada Engineer <@U0ENG1>",
    )
    with transaction(db) as session:
        [hidden] = find_precedents(
            session=session, policy_rule=RULE, about="payments", limit=3, anonymise=True
        )
        [shown] = find_precedents(
            session=session, policy_rule=RULE, about="payments", limit=3, anonymise=False
        )
    assert hidden.title == "payments label for [engineer]"
    assert hidden.review_comment == "Good call [engineer] [engineer]"  # the full name, the mention
    assert shown.review_comment == "Good call Ada Engineer <@U0ENG1>"
