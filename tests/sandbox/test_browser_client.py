"""The sandbox page as Slack's client: @-mentions, running jobs, reloads, badges, narrow windows.

Headless Chromium through Playwright, like test_browser.py; every step waits on what the
page shows.
"""

from __future__ import annotations

from typing import Any

import pytest

from bot.sandbox.runtime import Sandbox
from tests.sandbox.conftest import ADA, BEN, Api, screenshot

playwright = pytest.importorskip("playwright.sync_api")
from tests.sandbox.pages import COMPOSER, open_conversation, say, switch_person  # noqa: E402

expect = playwright.expect
pytestmark = pytest.mark.browser
ARI = "U0ARI"  # the admin: may change roles
MENU = '#composer [data-testid="mention-menu"]'
EPHEMERAL = '#timeline [data-testid="ephemeral"]'
BOT = "xoxb-test"


def test_typing_at_name_in_a_command_mentions_the_person(page: Any) -> None:
    switch_person(page, ARI)
    page.click(COMPOSER)
    page.keyboard.type("/casebook role @Be")
    expect(page.locator(MENU)).to_be_visible()
    expect(page.locator(f"{MENU} .mention-item.active .mention-name")).to_have_text("Ben Okafor")
    screenshot(page, "client-mention-autocomplete")
    page.keyboard.press("Enter")  # picks the suggestion, does not send
    expect(page.locator(COMPOSER)).to_have_value("/casebook role @Ben Okafor ")
    expect(page.locator(MENU)).to_be_hidden()
    page.keyboard.type("engineer,mentor")
    page.keyboard.press("Enter")
    answer = page.locator(EPHEMERAL, has_text="engineer, mentor")
    expect(answer).to_contain_text("@Ben Okafor")  # the escaped mention, rendered by name
    # Typed in full without the menu, as the example: it works as typed too.
    say(page, "/casebook role @Ben engineer")  # drops a role: Casebook asks first
    step = page.locator(EPHEMERAL).filter(has=page.locator('[data-block-id="confirm_step"]'))
    expect(step).to_contain_text("@Ben Okafor")
    step.locator('[data-block-id="confirm_step"] button').first.click()
    expect(page.locator(EPHEMERAL, has_text="(was: engineer, mentor)")).to_be_visible()
    expect(page.locator(EPHEMERAL, has_text="is not a person")).to_have_count(0)


def test_a_message_mentions_too(page: Any) -> None:
    open_conversation(page, "general")
    say(page, "thanks @Mo Haddad and @Nobody")
    posted = page.locator('#timeline [data-testid="message"]', has_text="thanks")
    expect(posted.locator(".mention")).to_have_text("@Mo Haddad")
    expect(posted).to_contain_text("@Nobody")


def test_running_a_per_person_job_shows_who_waits_and_moves_the_clock(page: Any) -> None:
    open_conversation(page, "Casebook")
    before = page.locator('#timeline [data-testid="message"]').count()
    page.click('[data-testid="time-toggle"]')
    page.select_option('[data-testid="job-name"]', "daily-sync")
    page.fill('[data-testid="job-at"]', "2026-11-17T17:50")
    page.click('[data-testid="job-run"]')
    expect(page.locator('[data-testid="job-result"]')).to_have_text(
        "ran daily-sync as of Tue 17 Nov 2026 17:50 EST: 2"
    )
    ada = page.locator('[data-testid="queued-row"]', has_text="Ada Park")
    expect(ada).to_contain_text("Tue 17 Nov 17:45 (America/New_York)")
    expect(ada).to_contain_text("waits for the clock")
    expect(page.locator('[data-testid="queued-row"]', has_text="Ben Okafor")).to_contain_text("missed")
    screenshot(page, "client-job-queued")
    ada.locator('[data-testid="move-clock"]').click()
    expect(ada.locator('[data-testid="move-clock"]')).to_have_text("Clock moved ✓")
    expect(page.locator('[data-testid="sandbox-now"]')).to_contain_text("05:4")
    page.click('[data-testid="time-toggle"]')
    expect(page.locator('#timeline [data-testid="message"]')).to_have_count(before + 1)


def test_a_reload_closes_modals_and_drops_ephemerals(page: Any) -> None:
    say(page, "/casebook help")
    expect(page.locator(EPHEMERAL)).to_have_count(1)
    say(page, "/casebook form")
    expect(page.locator('[data-testid="modal"]')).to_be_visible()
    page.reload()
    expect(page.locator("body")).to_have_attribute("data-viewing", ADA)
    expect(page.locator('[data-testid="modal"]')).to_have_count(0)
    expect(page.locator(EPHEMERAL)).to_have_count(0)


def test_unread_badges_clear_when_opened_and_stay_cleared(page: Any, api: Api) -> None:
    api.post("/api/message", {"user": BEN, "channel": "C0ALERTS", "text": "one"})
    api.post("/api/message", {"user": BEN, "channel": "C0ALERTS", "text": "two"})
    badge = page.locator('[data-conv-name="alerts"] .badge')
    expect(badge).to_have_text("2")
    open_conversation(page, "alerts")
    expect(badge).to_have_count(0)
    open_conversation(page, "general")
    page.reload()
    expect(page.locator("body")).to_have_attribute("data-viewing", ADA)
    expect(page.locator('[data-testid="conversation"]').first).to_be_visible()
    expect(badge).to_have_count(0)


def test_the_page_is_usable_in_a_narrow_window(page: Any) -> None:
    page.set_viewport_size({"width": 380, "height": 760})
    expect(page.locator(COMPOSER)).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    say(page, "/casebook help")
    expect(page.locator(EPHEMERAL)).to_be_visible()
    open_conversation(page, "alerts")
    alert = page.locator('#timeline [data-testid="message"]').first
    alert.hover()
    alert.locator('[data-testid="more-actions"]').click()
    expect(page.locator('[data-testid="shortcut-handle_as_exception"]')).to_be_visible()
    page.keyboard.press("Escape")
    page.click('[data-testid="time-toggle"]')
    panel = page.locator('[data-testid="time-panel"]')
    box = panel.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 380
    screenshot(page, "client-narrow")


def test_a_read_only_messages_tab_disables_the_dm_composer(page: Any, sandbox: Sandbox) -> None:
    sandbox.dm_read_only = True
    page.reload()
    open_conversation(page, "Casebook")
    expect(page.locator('[data-testid="composer-readonly"]')).to_have_text(
        "Sending messages to this app has been turned off."
    )
    expect(page.locator('[data-testid="composer"]')).to_be_hidden()
    open_conversation(page, "general")
    expect(page.locator('[data-testid="composer"]')).to_be_visible()


def test_a_permalink_opens_the_message_in_the_page(page: Any, api: Api, sandbox: Sandbox) -> None:
    parent = api.post("/api/message", {"user": BEN, "channel": "C0ALERTS", "text": "disk alert"})["ts"]
    reply = api.post(
        "/api/message", {"user": BEN, "channel": "C0ALERTS", "text": "on it", "thread_ts": parent}
    )["ts"]
    _, top, _ = sandbox.fake.handle("chat.getPermalink", {"channel": "C0ALERTS", "message_ts": parent}, BOT)
    _, deep, _ = sandbox.fake.handle("chat.getPermalink", {"channel": "C0ALERTS", "message_ts": reply}, BOT)
    blocks = [
        {"type": "section", "text": {"type": "mrkdwn", "text": f"See <{top['permalink']}|the alert>."}},
        {
            "type": "actions",
            "elements": [
                {"type": "button", "text": {"type": "plain_text", "text": "Open"}, "url": deep["permalink"]}
            ],
        },
    ]
    sandbox.fake.handle("chat.postMessage", {"channel": ADA, "text": "links", "blocks": blocks}, BOT)
    post = page.locator('#timeline [data-testid="message"]', has_text="See the alert")
    tabs = len(page.context.pages)
    post.get_by_role("link", name="the alert").click()
    expect(page.locator(".conv.active")).to_have_attribute("data-conv-name", "alerts")
    expect(page.locator(f'#timeline [data-ts="{parent}"]')).to_be_in_viewport()
    open_conversation(page, "Casebook")
    post.get_by_role("button", name="Open").click()
    expect(page.locator(".conv.active")).to_have_attribute("data-conv-name", "alerts")
    expect(page.locator(f'#thread-list [data-ts="{reply}"]')).to_contain_text("on it")
    assert len(page.context.pages) == tabs  # nothing opened in a new tab


def test_confirm_dialogs_ask_first_and_cancel_does_nothing(page: Any) -> None:
    say(page, "/casebook confirm")
    asking = page.locator(EPHEMERAL, has_text="Wipe")
    expect(asking.get_by_role("button", name="Wipe")).to_be_visible()
    asking.get_by_role("button", name="Wipe").click()
    dialog = page.locator('[data-testid="confirm"]')
    expect(dialog.locator(".confirm-title")).to_have_text("Wipe everything?")
    expect(dialog).to_contain_text("This cannot be undone.")
    screenshot(page, "client-confirm")
    dialog.locator('[data-testid="confirm-deny"]').click()  # "Keep it": nothing is sent
    expect(dialog).to_have_count(0)
    asking.get_by_role("button", name="Wipe").click()
    page.keyboard.press("Escape")  # Esc is Cancel too
    expect(dialog).to_have_count(0)
    expect(page.locator(EPHEMERAL, has_text="Wiped")).to_have_count(0)
    asking.locator(".overflow").click()
    page.locator(".menu-label", has_text="other").click()
    expect(dialog.locator('[data-testid="confirm-yes"]')).to_have_text("Wipe")
    dialog.locator('[data-testid="confirm-yes"]').click()
    expect(page.locator(EPHEMERAL, has_text="Wiped (other).")).to_be_visible()


def test_an_irreversible_command_asks_twice_and_cancel_changes_nothing(page: Any) -> None:
    switch_person(page, ARI)
    say(page, "/casebook left @Ben transferred to the SRE team")
    step = page.locator(EPHEMERAL).filter(has=page.locator('[data-block-id="confirm_step"]'))
    expect(step).to_contain_text("@Ben Okafor")
    step.locator('[data-block-id="confirm_step"] button').first.click()
    dialog = page.locator('[data-testid="confirm"]')  # Block Kit's confirm dialog on top
    expect(dialog).to_be_visible()
    screenshot(page, "client-confirm-left")
    dialog.locator('[data-testid="confirm-deny"]').click()
    expect(dialog).to_have_count(0)
    step.get_by_role("button", name="Cancel").click()
    expect(page.locator(EPHEMERAL, has_text="Cancelled; nothing changed.")).to_be_visible()
