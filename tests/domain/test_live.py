"""Live-decision input checks and prefilling from a Slack message."""

from __future__ import annotations

import pytest

from bot.domain.alert_text import TITLE_PREFILL
from bot.domain.live import (
    SOURCE_TEXT_MAX,
    TITLE_MAX,
    check_source_url,
    plain_text,
    prefill_from_message,
    seconds_to_decide,
    validate_live,
)
from tests.live_support import GOOD

CATEGORIES = {"policy_violation", "rollback"}


def _validate(**overrides):
    values = {**GOOD, **overrides}
    return validate_live(categories=CATEGORIES, **values)


@pytest.mark.parametrize(
    "url",
    ["https://ggen.example.com/holds/1", "http://tickets.internal:8080/OPS-1?x=1#c", "HTTPS://EXAMPLE.COM"],
)
def test_http_links_are_accepted(url: str) -> None:
    assert check_source_url(url) is None


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        ("", "Paste a link"),
        ("   ", "Paste a link"),
        ("ftp://example.com/a", "http:// or https://"),
        ("javascript:alert(1)", "http:// or https://"),
        ("https://", "http:// or https://"),
        ("example.com/hold/1", "http:// or https://"),
        ("https://exa mple.com", "spaces"),
        ("https://example.com/" + "a" * 2000, "under 2000"),
    ],
)
def test_other_links_are_refused_with_a_reason(url: str, problem: str) -> None:
    assert problem in (check_source_url(url) or "")


def test_valid_input_is_returned_trimmed() -> None:
    live, errors = _validate(title="  payments-api single replica  ", source_text="  ")
    assert errors == {}
    assert live is not None
    assert live.title == "payments-api single replica"
    assert live.source_text is None
    assert live.justification.confidence == 4 and live.justification.conditions.startswith("Expires")


def test_every_problem_is_reported_at_once_by_field() -> None:
    live, errors = _validate(
        title="",
        category="made_up",
        source_url="ftp://x",
        source_text="t" * (SOURCE_TEXT_MAX + 1),
        verdict="approve",
        conditions=None,
        confidence="9",
    )
    assert live is None
    assert set(errors) == {"title", "category", "source_url", "source_text", "conditions", "confidence"}
    assert "Unknown category" in errors["category"]


def test_missing_verdict_is_its_own_error() -> None:
    live, errors = _validate(verdict=None)
    assert live is None and set(errors) == {"verdict"}


def test_title_limits() -> None:
    assert "under 150" in _validate(title="t" * (TITLE_MAX + 1))[1]["title"]
    assert "at least" in _validate(title="abc")[1]["title"]


def test_plain_text_unwraps_slack_markup() -> None:
    text = "<!here> <@U123|ada> see <https://x.example/a|the hold> in <#C1|alerts> &amp; <https://y.example>"
    assert plain_text(text) == "@here @ada see the hold (https://x.example/a) in #alerts & https://y.example"


def test_prefill_uses_first_line_as_title_and_keeps_the_text() -> None:
    prefill = prefill_from_message(text="\n*ggen hold*: orders-db\nsecond line", permalink="https://s/p1")
    assert prefill.title == "ggen hold: orders-db"
    assert prefill.source_text == "*ggen hold*: orders-db\nsecond line"
    assert prefill.source_url == "https://s/p1" and prefill.note is None


def test_prefill_clips_long_messages_to_the_form_limits() -> None:
    prefill = prefill_from_message(text="a" * 5000, permalink=None)
    # issue 16: the title prefill is short (80 characters, the form still takes TITLE_MAX), no "…"
    assert prefill.title is not None and len(prefill.title) == TITLE_PREFILL < TITLE_MAX
    assert "…" not in prefill.title
    assert prefill.source_text is not None and len(prefill.source_text) == SOURCE_TEXT_MAX
    assert prefill.note is not None and "couldn't get a link" in prefill.note
    assert "5,000 characters long; *What was raised* keeps the first 3,000" in prefill.note


def test_prefill_of_a_message_that_fits_adds_no_length_note() -> None:
    prefill = prefill_from_message(text="a" * SOURCE_TEXT_MAX, permalink="https://s/p1")
    assert prefill.source_text == "a" * SOURCE_TEXT_MAX and prefill.note is None


def test_prefill_of_an_empty_message_says_so() -> None:
    prefill = prefill_from_message(text=None, permalink=None)
    assert prefill.title is None and prefill.source_text is None
    assert prefill.note is not None and "no text" in prefill.note


def test_time_to_decide_prefers_when_the_exception_was_raised() -> None:
    assert seconds_to_decide(decided_at=1000.0, raised_at=400.0, opened_at=900.0) == 600.0
    assert seconds_to_decide(decided_at=1000.0, raised_at=None, opened_at=900.0) == 100.0
    # A message timestamp from the future (clock skew) falls back to the form's own time.
    assert seconds_to_decide(decided_at=1000.0, raised_at=2000.0, opened_at=990.0) == 10.0
    assert seconds_to_decide(decided_at=1000.0, raised_at=None, opened_at=None) is None


def test_prefill_title_is_short_and_clean_and_the_category_is_guessed() -> None:
    from bot.domain.categories import load_categories
    from tests.domain.scenario_fixtures import SHIPPED

    categories = load_categories(SHIPPED / "categories.yaml")
    text = (
        ":rotating_light: 🚨 [FIRING:1] ALERT: Rollback of search-indexer v2.3 failed because the previous "
        "release cannot read the new schema. Paging the owner"
    )
    prefill = prefill_from_message(text=text, permalink="https://s/p1", categories=categories)
    assert prefill.title == "Rollback of search-indexer v2.3 failed because the previous release cannot read"
    assert prefill.category == "rollback"
    long_line = "word " * 40
    assert prefill_from_message(text=long_line, permalink=None).title == ("word " * 16).strip()
    assert prefill_from_message(text="hello there", permalink=None, categories=categories).category is None
