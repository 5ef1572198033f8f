"""Click through the sandbox page in headless Chromium, as a person trying Casebook would."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.sandbox import kitchen
from tests.sandbox.conftest import ADA, BEN, Api, screenshot

expect = pytest.importorskip("playwright.sync_api").expect

pytestmark = pytest.mark.browser
COMPOSER = '[data-testid="composer-input"]'
PERSON = '[data-testid="person-switcher"]'
MODAL = '[data-testid="modal"]'


def say(page: Any, text: str) -> None:
    page.fill(COMPOSER, text)
    page.press(COMPOSER, "Enter")


def open_conversation(page: Any, name: str) -> None:
    page.click(f'[data-testid="conversation"][data-conv-name="{name}"]')
    expect(page.locator(".conv.active")).to_have_attribute("data-conv-name", name)


def field(page: Any, block_id: str) -> Any:
    return page.locator(f'{MODAL} .input-block[data-block-id="{block_id}"]')


def no_injected_script(page: Any) -> None:
    assert page.evaluate("window.__xss") is None
    assert page.locator('#timeline img[src="x"], #modal-root img[src="x"]').count() == 0
    assert page.locator("#timeline script, #thread script, #modal-root script").count() == 0


def test_help_is_an_ephemeral_only_the_caller_sees(page: Any) -> None:
    expect(page.locator(".conv-title")).to_contain_text("Casebook")
    say(page, "/casebook help")
    reply = page.locator('[data-testid="ephemeral"]')
    expect(reply).to_contain_text("Casebook commands")
    expect(reply).to_contain_text("Only visible to you")
    expect(reply.locator(".mrkdwn-code").first).to_have_text("/casebook help")
    screenshot(page, "01-help-ephemeral")
    page.select_option(PERSON, BEN)
    expect(page.locator("#me-meta")).to_contain_text("Europe/Berlin")
    expect(page.locator('[data-testid="ephemeral"]')).to_have_count(0)


def test_app_home_tab(page: Any) -> None:
    page.click('[data-testid="tab-home"]')
    expect(page.locator('[data-testid="home"]')).to_contain_text("Welcome to Casebook, Ada Park")
    screenshot(page, "02-app-home")
    page.select_option(PERSON, "U0PAT")
    page.click('[data-testid="tab-home"]')
    expect(page.locator('[data-testid="home"]')).to_contain_text("Welcome to Casebook, Pat Kim")
    expect(page.locator('[data-testid="home"]')).to_contain_text("scorecard")


def test_typed_html_is_shown_as_text(page: Any) -> None:
    open_conversation(page, "alerts")
    say(page, kitchen.XSS)
    mine = page.locator('[data-testid="message"]').last
    expect(mine).to_contain_text("<script>window.__xss=2</script>")
    expect(mine).to_contain_text('<img src=x onerror="window.__xss=1">')
    no_injected_script(page)
    screenshot(page, "03-typed-html-as-text")


def test_every_block_kind_renders(page: Any) -> None:
    say(page, "/casebook kitchen")
    found = page.locator('#timeline [data-testid="message"]', has_text="Kitchen sink")
    expect(found.locator(".block-header")).to_have_text("Kitchen sink")
    card = page.locator(f'#timeline [data-ts="{found.get_attribute("data-ts")}"]')
    intro = card.locator('[data-block-id="intro"]')
    expect(intro.locator("b")).to_have_text("bold")
    expect(intro.locator("i")).to_have_text("italic")
    expect(intro.locator("s")).to_have_text("strike")
    expect(intro.locator("code")).to_have_text("inline code")
    expect(intro.locator("a.link")).to_have_attribute("href", "https://example.com/docs")
    expect(intro.locator(".mention-me")).to_have_text("@Ada Park")
    expect(intro).to_contain_text("#alerts")
    expect(intro).to_contain_text("5 < 6 && 7 > 6 ✅")
    expect(intro.locator("blockquote")).to_have_text("quoted line")
    expect(intro.locator("pre")).to_contain_text("max_burst: 500 # <script>x</script>")
    expect(card.locator(".section-fields")).to_contain_text("Complexity")
    expect(card.locator(".block-context")).to_contain_text("context note")
    expect(card.locator(".block-context .date")).to_have_text("Sunday, November 22nd, 2026 at 7:00 AM")
    for image in (card.locator(".image-full"), page.locator(".file-image").first):
        expect(image).to_be_visible()
        page.wait_for_function("img => img.complete && img.naturalWidth === 120", arg=image.element_handle())
    expect(page.locator('[data-testid="ephemeral"]')).to_contain_text("Kitchen is ready")
    screenshot(page, "04-block-kit")
    card.locator("select.sk-select").select_option("b")
    expect(card.locator('[data-testid="thread-link"]')).to_contain_text("2 replies")
    card.locator('[data-testid="thread-link"]').click()
    expect(page.locator('[data-testid="thread"]')).to_contain_text("chose b")
    screenshot(page, "05-thread")
    card.get_by_role("button", name="Approve").click()
    expect(card).to_contain_text("Approved by @Ada Park")
    expect(card.locator(".edited")).to_be_visible()


def test_ephemeral_buttons_and_replace(page: Any) -> None:
    say(page, "/casebook kitchen")
    page.get_by_role("button", name="Reply privately").click()
    eph = page.locator('[data-testid="ephemeral"]', has_text="Only you")
    eph.get_by_role("button", name="Done").click()
    replaced = page.locator('[data-testid="ephemeral"]', has_text="Ephemeral replaced.")
    expect(replaced).to_be_visible()
    expect(eph).to_have_count(0)
    replaced.get_by_role("button", name="Dismiss").click()
    expect(replaced).to_have_count(0)


def test_modal_errors_then_submit_with_html_in_fields(page: Any) -> None:
    say(page, "/casebook form")
    modal = page.locator(MODAL)
    expect(modal.locator(".modal-title")).to_have_text("Kitchen form")
    page.click('[data-testid="modal-submit"]')
    expect(field(page, "title").locator(".input-error")).to_have_text("Please complete this required field.")
    expect(field(page, "checks").locator(".input-error")).to_have_text("")
    field(page, "title").locator("input").fill("a bad title")
    field(page, "evidence").locator("textarea").fill(kitchen.XSS + "\nsecond line")
    field(page, "verdict").locator("select").select_option("escalate")
    field(page, "risk").get_by_label("High").check()
    field(page, "checks").get_by_label("Expiry set").check()
    field(page, "confidence").locator("input").fill("9")
    page.click('[data-testid="modal-submit"]')
    expect(field(page, "confidence").locator(".input-error")).to_contain_text("no more than 5")
    field(page, "confidence").locator("input").fill("4")
    page.click('[data-testid="modal-submit"]')
    expect(field(page, "title").locator(".input-error")).to_have_text("Titles may not say bad.")
    expect(field(page, "confidence").locator(".input-error")).to_have_text("Be more sure.")
    screenshot(page, "06-modal-inline-errors")
    field(page, "title").locator("input").fill(kitchen.XSS)
    page.click('[data-testid="modal-submit"]')
    expect(modal).to_have_count(0)
    echo = page.locator('[data-testid="message"]', has_text="Evidence")
    expect(echo).to_contain_text("Title: " + kitchen.XSS)
    expect(echo).to_contain_text("Verdict: escalate Risk: high Checks: expiry Confidence: 4")
    no_injected_script(page)
    screenshot(page, "07-modal-result")


def test_modal_push_back_update_and_close(page: Any) -> None:
    say(page, "/casebook form")
    field(page, "title").locator("input").fill("typed before push")
    page.get_by_role("button", name="Push another").click()
    expect(page.locator(".modal-title")).to_have_text("Pushed")
    expect(page.locator(MODAL)).to_contain_text('"title": "typed before push"')
    screenshot(page, "08-modal-pushed")
    page.click(".modal-back")
    expect(page.locator(".modal-title")).to_have_text("Kitchen form")
    expect(field(page, "title").locator("input")).to_have_value("typed before push")
    field(page, "title").locator("input").fill("update")
    for block, value in (("evidence", "e"), ("confidence", "3")):
        field(page, block).locator("input, textarea").fill(value)
    field(page, "verdict").locator("select").select_option("deny")
    field(page, "risk").get_by_label("Low").check()
    page.click('[data-testid="modal-submit"]')
    expect(page.locator(".modal-title")).to_have_text("Updated form")
    page.click('[data-testid="modal-x"]')
    expect(page.locator(MODAL)).to_have_count(0)
    expect(page.locator('[data-testid="message"]', has_text="You closed the form.")).to_be_visible()


def test_message_shortcut_from_the_more_actions_menu(page: Any) -> None:
    open_conversation(page, "alerts")
    alert = page.locator('[data-testid="message"]').first
    alert.hover()
    alert.locator('[data-testid="more-actions"]').click()
    item = page.locator('[data-testid="shortcut-handle_as_exception"]')
    expect(item.locator(".menu-label")).to_have_text("Handle as exception")
    expect(item.locator(".menu-detail")).to_have_text("Casebook")
    screenshot(page, "09-shortcut-menu")
    item.click()
    expect(page.locator(f"{MODAL} .modal-title")).to_have_text("Log a live decision")
    expect(page.locator(MODAL)).to_contain_text("Handling a message from #alerts as an exception.")
    expect(field(page, "title").locator("input")).to_have_value(
        # A short title: the emoji and the noise stripped (issue 16), the alert's words kept.
        re.compile(r"^ggen could not decide deploy-config payments-eu/rate-limits\.yaml: ")
    )
    ts = alert.get_attribute("data-ts") or ""
    permalink = f"https://casebook-sandbox.slack.com/archives/C0ALERTS/p{ts.replace('.', '')}"
    expect(field(page, "source_url").locator("input")).to_have_value(permalink)
    expect(field(page, "source_text").locator("textarea")).to_have_value(re.compile("Needs a human decision"))
    expect(page.locator('[data-testid="toast"]')).to_have_count(0)
    screenshot(page, "09b-shortcut-log-modal")


def test_updates_arrive_without_reload(page: Any, api: Api) -> None:
    api.post("/api/message", {"user": BEN, "channel": "C0ALERTS", "text": "from elsewhere"})
    expect(page.locator('[data-conv-name="alerts"] .badge')).to_have_text("1")
    open_conversation(page, "alerts")
    expect(page.locator('[data-testid="message"]', has_text="from elsewhere")).to_be_visible()
    expect(page.locator('[data-conv-name="alerts"] .badge')).to_have_count(0)
    api.post("/api/message", {"user": ADA, "channel": "C0ALERTS", "text": "and again"})
    expect(page.locator('[data-testid="message"]', has_text="and again")).to_be_visible()


def test_time_controls_and_jobs(page: Any) -> None:
    page.click('[data-testid="time-toggle"]')
    page.fill('[data-testid="now-input"]', "2026-11-20T17:05")
    page.click('[data-testid="now-set"]')
    expect(page.locator('[data-testid="sandbox-now"]')).to_contain_text("Nov 20, 2026")
    expect(page.locator('[data-testid="sandbox-now"]')).to_contain_text("05:0")
    expect(page.locator('[data-testid="job-at"]')).to_have_value("2026-11-20T17:05")
    expect(page.locator('[data-testid="jobs-note"]')).to_have_text("")
    page.select_option('[data-testid="job-name"]', "announcements")
    page.click('[data-testid="job-run"]')
    # Friday's 17:00 wrap-up is due (within its 30 minutes' grace); Friday's 14:00 office hours are stale.
    expect(page.locator('[data-testid="job-result"]')).to_have_text(
        "ran announcements as of Fri 20 Nov 2026 17:05 EST: 1"
    )
    screenshot(page, "10-time-and-jobs")
    page.click('[data-testid="time-toggle"]')
    open_conversation(page, "ops-announcements")
    expect(page.locator('[data-testid="message"]', has_text="Weekly wrap-up in 30 minutes")).to_be_visible()


def test_reset_starts_over(page: Any) -> None:
    open_conversation(page, "alerts")
    say(page, "something to forget")
    expect(page.locator('[data-testid="message"]', has_text="something to forget")).to_be_visible()
    page.once("dialog", lambda dialog: dialog.accept())
    page.click('[data-testid="reset"]')
    expect(page.locator(".conv.active")).to_have_attribute("data-conv-name", "Casebook")
    assert page.locator(PERSON).input_value() == ADA
    open_conversation(page, "alerts")
    message = page.locator('[data-testid="message"]')
    expect(message.filter(has_text="ggen could not decide")).to_be_visible()
    expect(message.filter(has_text="something to forget")).to_have_count(0)
