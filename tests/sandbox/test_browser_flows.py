"""Casebook's own flows clicked through the sandbox page in headless Chromium.

An engineer practises a scenario, the mentor overturns it and the engineer gets the
verdict, the PM runs the Friday digest and sees its chart, and HTML typed into every
free-text field stays text. Each step waits on what the page shows; screenshots of
each step land in test-artifacts/screenshots/.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.sandbox.conftest import screenshot

playwright = pytest.importorskip("playwright.sync_api")
from tests.sandbox.pages import (  # noqa: E402  (only importable with Playwright installed)
    ADA,
    GOOD,
    MO,
    PAT,
    deal_card,
    decide,
    field,
    field_error,
    fill,
    justify,
    message,
    modal,
    nothing_injected,
    open_conversation,
    rest_mouse,
    review_post,
    run_job,
    say,
    submit,
    switch_person,
    wait_image_loaded,
)

expect = playwright.expect
pytestmark = pytest.mark.browser
XSS = '<script>window.__xss=1</script><img src=x onerror="window.__xss=1">'
TOO_SHORT = "too short"  # 9 characters; the template asks for at least 20
TOO_SHORT_ERROR = "Say a little more: at least 20 characters (you wrote 9)."
OVERTURN_WHY = "The rule's own exception path applies here; approve it with the expiry as the time box."
FRIDAY_5PM = "2026-11-20T17:00"  # the parallel run's Friday, program time (bot/program.example.yaml)


def practise(page: Any, *, shots: bool = False) -> str:
    """Flow (a): deal a card, justify Deny (too short, then properly); the card's title."""
    card, title = deal_card(page)
    for verdict in ("Approve", "Deny", "Escalate", "Decision guide"):
        expect(card.get_by_role("button", name=verdict, exact=True)).to_be_visible()
    if shots:
        rest_mouse(page)
        screenshot(page, "flow-a1-scenario-card")
    card.get_by_role("button", name="Deny", exact=True).click()
    expect(modal(page).locator(".modal-title")).to_have_text("Justify: Deny")
    expect(modal(page)).to_contain_text(title)
    fill(page, {"policy": TOO_SHORT, "evidence": TOO_SHORT, "risk": TOO_SHORT, "confidence": "3"})
    submit(page)
    for block in ("policy", "evidence", "risk"):
        expect(field_error(page, block)).to_have_text(TOO_SHORT_ERROR)
        expect(field(page, block)).to_have_class("input-block has-error")
    expect(field_error(page, "confidence")).to_have_text("")
    if shots:
        screenshot(page, "flow-a2-justification-errors")
    fill(page, {"policy": GOOD["policy"], "evidence": GOOD["evidence"], "risk": GOOD["risk"]})
    submit(page)
    expect(modal(page)).to_have_count(0)
    expect(card).to_contain_text("You decided Deny. Feedback is below.")
    expect(card.locator(".mrkdwn-quote")).to_contain_text(GOOD["policy"])
    expect(card.locator('[data-block-id="card_actions"]')).to_have_count(0)
    # The decision buttons are gone; only *Flag the policy* stays (issue 17: flag from any card).
    expect(card.locator(".blocks button")).to_have_count(1)
    expect(card.get_by_role("button", name="Flag the policy")).to_be_visible()
    expect(card.locator(".edited")).to_be_visible()
    feedback = message(page, "You chose Deny; the expected call is")
    expect(feedback).to_contain_text(title)
    expect(feedback).to_contain_text("Key points")
    expect(feedback).to_contain_text("Your decision is in the review channel")
    expect(feedback.get_by_role("button", name="Next scenario")).to_be_visible()
    if shots:
        rest_mouse(page)
        screenshot(page, "flow-a3-card-decided-and-feedback")
    return title


def test_engineer_practises_a_scenario_end_to_end(page: Any) -> None:
    # practise() asserts each step with Playwright's expect(); here, the card it decided.
    title = practise(page, shots=True)
    assert title.strip(), "the decided card has a scenario title"


def test_mentor_overturns_with_a_comment_and_the_engineer_gets_the_verdict(page: Any) -> None:
    title = practise(page)
    switch_person(page, MO)
    post = review_post(page, title)
    expect(post).to_contain_text("Practice decision")
    expect(post).to_contain_text("@Ada Park")
    post.get_by_role("button", name="Overturn").click()
    expect(modal(page).locator(".modal-title")).to_have_text("Overturn decision")
    fill(page, {"suggested_verdict": "Approve", "failed_parts": "policy"})
    submit(page)
    expect(field_error(page, "comment")).to_have_text("Please complete this required field.")
    fill(page, {"comment": "Not sure."})
    submit(page)
    expect(field_error(page, "comment")).to_contain_text("Overturning needs a comment")
    screenshot(page, "flow-b1-overturn-needs-a-comment")
    fill(page, {"comment": OVERTURN_WHY})
    submit(page)
    expect(modal(page)).to_have_count(0)
    expect(post).to_contain_text("Overturned by @Mo Haddad")
    expect(post).to_contain_text("should have been approve")
    expect(post.get_by_role("button", name="Overturn")).to_have_count(0)
    expect(post.get_by_role("button", name="Uphold")).to_have_count(0)
    expect(post.locator('[data-testid="thread-link"] span').first).to_have_text("1 reply")
    post.locator('[data-testid="thread-link"]').click()
    thread = page.locator('[data-testid="thread"]')
    reply = message(page, "Overturned by", where="#thread-list").last
    expect(thread.locator(".thread-count")).to_have_text("1 reply")
    expect(reply).to_contain_text(OVERTURN_WHY)
    rest_mouse(page)
    screenshot(page, "flow-b2-review-thread-with-verdict")

    switch_person(page, ADA)
    dm = message(page, "was overturned")
    expect(dm).to_contain_text(title)
    expect(dm).to_contain_text("Should have been")
    expect(dm).to_contain_text("Approve")
    expect(dm).to_contain_text("@Mo Haddad")
    expect(dm).to_contain_text(OVERTURN_WHY)
    rest_mouse(page)
    screenshot(page, "flow-b3-engineer-feedback-dm")


def test_pm_runs_the_friday_digest_and_sees_the_chart(page: Any) -> None:
    practise(page)  # a week with no activity at all gets a short "no data yet" digest, no chart
    switch_person(page, PAT)
    result = run_job(page, "digest", FRIDAY_5PM, now=FRIDAY_5PM)
    assert result.startswith("ran digest as of Fri 20 Nov 2026 17:00 EST"), result
    open_conversation(page, "pilot-pm")
    digest = message(page, "Pilot digest")
    expect(digest.locator(".block-header")).to_have_text("Pilot digest · week 2026-W47 (Nov 16–22)")
    expect(digest).to_contain_text("Recommendation:")
    expect(digest).to_contain_text("The chart of the five metrics is in the thread.")
    expect(digest.locator(".msg-time")).to_have_text("5:00 PM")
    # The details and the chart are two replies sent one after the other: open the thread once
    # both are in, or the page redraws the thread (and the chart) under the test.
    expect(digest.locator('[data-testid="thread-link"]')).to_contain_text("2 replies")
    digest.locator('[data-testid="thread-link"]').click()
    chart = page.locator('#thread-list [data-testid="file"] img.file-image')
    expect(chart).to_have_attribute("alt", "Pilot metrics, 2026-W47")
    assert wait_image_loaded(page, chart) > 0
    chart.scroll_into_view_if_needed()
    rest_mouse(page)
    screenshot(page, "flow-c1-digest-and-chart")
    chart.click()
    full = page.locator('[data-testid="lightbox"] img')
    assert wait_image_loaded(page, full) > 0
    screenshot(page, "flow-c2-chart-full-size")
    page.keyboard.press("Escape")
    expect(page.locator('[data-testid="lightbox"]')).to_have_count(0)


def test_html_typed_into_every_free_text_field_stays_text(page: Any) -> None:
    console: list[str] = []
    page.on("console", lambda msg: console.append(msg.text))
    # The justification modal: every field Approve shows.
    card, _ = deal_card(page)
    decide(page, card, "Approve", justify("Approve", XSS))
    expect(card.locator(".mrkdwn-quote")).to_contain_text(XSS)
    nothing_injected(page)

    # The log modal, from the message shortcut on the ggen alert.
    open_conversation(page, "alerts")
    alert = message(page, "ggen could not decide")
    alert.hover()
    alert.locator('[data-testid="more-actions"]').click()
    page.locator('[data-testid="shortcut-handle_as_exception"]').click()
    expect(modal(page).locator(".modal-title")).to_have_text("Log a live decision")
    texts = ("title", "source_url", "source_text", "policy", "evidence", "risk", "conditions", "escalation")
    fill(page, {name: XSS for name in texts})
    fill(page, {"category": "rollback", "verdict": "Deny", "confidence": "3"})
    submit(page)
    expect(field_error(page, "source_url")).not_to_have_text("")
    nothing_injected(page)
    fill(page, {"source_url": "https://alerts.example.com/ggen?q=<script>window.__xss=1</script>"})
    submit(page)
    expect(modal(page)).to_have_count(0)
    nothing_injected(page)

    # The overturn comment, and the review post, thread reply and DM that echo it.
    switch_person(page, MO)
    post = review_post(page, "Live decision")
    expect(post.locator(".block-header")).to_contain_text(XSS)
    expect(post).to_contain_text("Deny")
    post.get_by_role("button", name="Overturn").click()
    fill(page, {"suggested_verdict": "Escalate", "comment": XSS, "failed_parts": "policy"})
    submit(page)
    expect(modal(page)).to_have_count(0)
    expect(post.locator(".mrkdwn-quote").last).to_have_text(XSS)
    post.locator('[data-testid="thread-link"]').click()
    expect(message(page, "Overturned by", where="#thread-list").last).to_contain_text(XSS)
    nothing_injected(page)

    # A posted message and a thread reply.
    page.fill('[data-testid="thread-input"]', XSS)
    page.press('[data-testid="thread-input"]', "Enter")
    expect(page.locator('#thread-list [data-testid="message"] .msg-text').last).to_have_text(XSS)
    open_conversation(page, "general")
    say(page, XSS)
    expect(page.locator('#timeline [data-testid="message"] .msg-text').last).to_have_text(XSS)
    nothing_injected(page)
    rest_mouse(page)
    screenshot(page, "flow-d1-html-stays-text")

    switch_person(page, ADA)
    for text in ("Approve", "was overturned"):
        expect(message(page, text).filter(has_text=XSS).last).to_be_visible()
    nothing_injected(page)
    blocked = [line for line in console if "Content Security Policy" in line]
    assert blocked == [], f"the page tried to run injected code: {blocked}"
