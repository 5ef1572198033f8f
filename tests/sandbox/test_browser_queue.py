"""Issue 16's one-click paths on the sandbox page: the Home review queue's *Open* and *Uphold*,
and the *Handle as exception* shortcut's reply in the alert's thread. Headless Chromium."""

from __future__ import annotations

from typing import Any

import pytest

from tests.sandbox.conftest import screenshot

playwright = pytest.importorskip("playwright.sync_api")
from tests.sandbox.pages import (  # noqa: E402  (only importable with Playwright installed)
    GOOD,
    MO,
    deal_card,
    decide,
    fill,
    justify,
    message,
    modal,
    open_conversation,
    submit,
    switch_person,
)

expect = playwright.expect
pytestmark = pytest.mark.browser


def _home(page: Any) -> Any:
    open_conversation(page, "Casebook")
    page.click('[data-testid="tab-home"]')
    return page.locator('[data-testid="home"]')


def test_home_queue_open_goes_to_the_post_and_uphold_reviews_it(page: Any) -> None:
    card, title = deal_card(page)
    decide(page, card, "Deny", justify("Deny", GOOD["policy"]))
    switch_person(page, MO)
    # The mentor comes to the queue once the review post is out (Home shows the queue as of its
    # opening; Open links to the post, so it needs the post's delivery first).
    open_conversation(page, "exception-review")
    expect(message(page, title)).to_have_count(1)
    home = _home(page)
    item = home.locator(".block-actions, [data-block-id^='queue_']").filter(
        has=page.get_by_role("button", name="Uphold")
    ).first
    expect(item.get_by_role("button", name="Open")).to_be_visible()
    screenshot(page, "queue-home")
    item.get_by_role("button", name="Open").click()
    expect(page.locator(".conv.active")).to_have_attribute("data-conv-name", "exception-review")
    post = page.locator("#timeline .msg.highlight, #timeline [data-testid='message']", has_text=title).first
    expect(post).to_be_in_viewport()
    home = _home(page)
    home.locator("[data-block-id^='queue_']").first.get_by_role("button", name="Uphold").click()
    expect(modal(page).locator(".modal-title")).to_have_text("Uphold decision")
    submit(page)
    expect(modal(page)).to_have_count(0)
    open_conversation(page, "exception-review")
    reviewed = page.locator('#timeline [data-testid="message"]', has_text=title).last
    expect(reviewed).to_contain_text("Upheld by @Mo Haddad")


def test_the_shortcut_replies_in_the_alerts_thread_with_a_link_to_the_review_post(page: Any) -> None:
    open_conversation(page, "alerts")
    alert = page.locator('#timeline [data-testid="message"]').first
    alert.hover()
    alert.locator('[data-testid="more-actions"]').click()
    page.click('[data-testid="shortcut-handle_as_exception"]')
    expect(modal(page).locator(".modal-title")).to_have_text("Log a live decision")
    fill(page, {"verdict": "Deny", "confidence": "4"})
    fill(page, {key: GOOD[key] for key in ("policy", "evidence", "risk")})
    submit(page)
    expect(modal(page)).to_have_count(0)
    link = alert.locator('[data-testid="thread-link"]')
    expect(link).to_contain_text("1 reply")
    link.click()
    note = page.locator('#thread-list [data-testid="message"]', has_text="is handling this as an exception")
    expect(note).to_contain_text("Ada Park is handling this as an exception")
    screenshot(page, "queue-shortcut-thread")
    note.get_by_role("link").click()
    expect(page.locator(".conv.active")).to_have_attribute("data-conv-name", "exception-review")
    expect(page.locator("#timeline .msg.highlight")).to_have_count(1)
