"""Driving the sandbox page like a person would: shared by the browser tests and scripts/screenshots.py.

Every step waits on what the page shows (Playwright's ``expect``), never on a fixed
sleep, so the flows are as fast as the bot and never flaky.
"""

from __future__ import annotations

import re
from typing import Any

from playwright.sync_api import Locator, Page, expect

COMPOSER = '[data-testid="composer-input"]'
PERSON = '[data-testid="person-switcher"]'
MODAL = '[data-testid="modal"]'
ADA, MO, PAT = "U0ADA", "U0MO", "U0PAT"
# The page puts Casebook's own module script in <head>; nothing else may ever be a script.
PAGE_SCRIPTS = ["/static/app.js"]
DOM_CHECK = """() => ({
  scripts: [...document.querySelectorAll("script")].map((s) => s.getAttribute("src")),
  images: [...document.querySelectorAll("img")].map((i) => i.getAttribute("src"))
    .filter((src) => !/^\\/files\\/F[0-9A-Z]+$/.test(src || "")),
  handlers: [...document.querySelectorAll("*")]
    .filter((n) => [...n.attributes].some((a) => a.name.startsWith("on"))).map((n) => n.outerHTML),
  xss: typeof window.__xss,
})"""


def say(page: Page, text: str) -> None:
    """Type into the conversation's composer and press Enter."""
    page.fill(COMPOSER, text)
    page.press(COMPOSER, "Enter")
    expect(page.locator(COMPOSER)).to_have_value("")


def switch_person(page: Page, user_id: str) -> None:
    if page.locator("body").get_attribute("data-viewing") == user_id:
        # Selecting the person already shown still fires "change": the page forgets its
        # conversation until it reloads, and a command typed meanwhile has no channel.
        return
    page.select_option(PERSON, user_id)
    expect(page.locator("body")).to_have_attribute("data-viewing", user_id)
    expect(page.locator(".conv.active")).to_have_attribute("data-conv-name", "Casebook")


def open_conversation(page: Page, name: str) -> None:
    page.click(f'[data-testid="conversation"][data-conv-name="{name}"]')
    expect(page.locator(".conv.active")).to_have_attribute("data-conv-name", name)


def modal(page: Page) -> Locator:
    return page.locator(MODAL)


def field(page: Page, block_id: str) -> Locator:
    """One input block of the open modal."""
    return page.locator(f'{MODAL} .input-block[data-block-id="{block_id}"]')


def field_error(page: Page, block_id: str) -> Locator:
    return field(page, block_id).locator(".input-error")


def fill(page: Page, values: dict[str, str]) -> None:
    """Text into text inputs, a value into selects, a label into radio buttons."""
    for block_id, value in values.items():
        block = field(page, block_id)
        kind = block.get_attribute("data-etype")
        # A choice in a dispatch_action block makes the app update the form (views.update); a
        # person sees it change before going on, so the next step waits for that re-render.
        before = modal(page).element_handle() if block.get_attribute("data-dispatch") else None
        if kind in ("static_select", "multi_static_select"):  # by value or label
            block.locator("select").select_option(value)
        elif kind == "radio_buttons":  # an option's label may carry a description after it
            choice = block.locator("label.choice", has_text=re.compile(f"^{re.escape(value)}"))
            choice.locator("input").check()
        else:
            block.locator("input, textarea").fill(value)
        if before is not None:
            page.wait_for_function("node => !node.isConnected", arg=before, timeout=10_000)


def submit(page: Page) -> None:
    page.click('[data-testid="modal-submit"]')


def message(page: Page, text: str, *, where: str = "#timeline") -> Locator:
    return page.locator(f'{where} [data-testid="message"]', has_text=text)


def by_ts(page: Page, ts: str | None, *, where: str = "#timeline") -> Locator:
    assert ts, "the message has no ts"
    return page.locator(f'{where} [data-testid="message"][data-ts="{ts}"]')


def rest_mouse(page: Page) -> None:
    """Move the pointer off the messages so no hover toolbar shows in a screenshot."""
    page.mouse.move(5, 795)


def deal_card(page: Page) -> tuple[Locator, str]:
    """``/casebook practice`` in the engineer's DM; the card (by its ts) and its title."""
    open_conversation(page, "Casebook")
    notes = page.locator('[data-testid="ephemeral"]', has_text="on its way")
    before = notes.count()
    say(page, "/casebook practice")
    expect(notes).to_have_count(before + 1)
    dealt = page.locator('#timeline [data-testid="message"]').filter(
        has=page.locator('[data-block-id="card_actions"]')
    )
    expect(dealt).to_have_count(1)
    card = by_ts(page, dealt.get_attribute("data-ts"))
    title = card.locator(".block-header").inner_text()
    assert title, "the card has no title"
    return card, title


def justify(verdict: str, text: str) -> dict[str, str]:
    """Every field the justification modal shows for ``verdict``, filled with ``text``."""
    values = {"policy": text, "evidence": text, "risk": text, "confidence": "4"}
    if verdict == "Approve":
        values["conditions"] = text
    if verdict == "Escalate":
        values["escalation"] = text
    return values


GOOD = {
    "policy": "The rule that fired names its own exception path and who may approve it.",
    "evidence": "Checked the facts on the card: owner, expiry, and the numbers against the limits.",
    "risk": "Bounded to one service for a short window; rollback is a config revert.",
    "conditions": "Time-boxed to the stated expiry; revert immediately if error rates rise.",
    "escalation": "The owning team's lead decides; it crosses a boundary ops does not own.",
}


def decide(page: Page, card: Locator, verdict: str, values: dict[str, str]) -> None:
    """Click ``verdict`` on the card, fill the justification modal and submit it; it must close."""
    card.get_by_role("button", name=verdict, exact=True).click()
    expect(modal(page).locator(".modal-title")).to_have_text(f"Justify: {verdict}")
    fill(page, values)
    submit(page)
    expect(modal(page)).to_have_count(0)


def review_post(page: Page, title: str) -> Locator:
    """The review channel's post for the decision on ``title``, as the viewer sees it."""
    open_conversation(page, "exception-review")
    post = message(page, title)
    expect(post).to_have_count(1)
    return by_ts(page, post.get_attribute("data-ts"))


def run_job(page: Page, name: str, at: str, *, now: str | None = None) -> str:
    """Time & jobs: optionally set the sandbox clock, then run ``name`` as of ``at``."""
    page.click('[data-testid="time-toggle"]')
    panel = page.locator('[data-testid="time-panel"]')
    expect(panel).to_be_visible()
    if now:
        page.fill('[data-testid="now-input"]', now)
        page.click('[data-testid="now-set"]')
        expect(page.locator('[data-testid="job-at"]')).to_have_value(now)
    page.select_option('[data-testid="job-name"]', name)
    page.fill('[data-testid="job-at"]', at)
    page.click('[data-testid="job-run"]')
    result = page.locator('[data-testid="job-result"]')
    expect(result).to_contain_text(f"ran {name} as of")
    text = result.inner_text()
    page.click('[data-testid="time-toggle"]')
    expect(panel).to_be_hidden()
    return text


def wait_image_loaded(page: Page, image: Locator) -> int:
    """Wait until ``image`` has loaded real pixels; its natural width."""
    expect(image).to_be_visible()
    handle = image.element_handle()
    page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=handle)
    width: Any = page.evaluate("img => img.naturalWidth", handle)
    return int(width)


def nothing_injected(page: Page) -> None:
    """No script ran, and nothing typed became a <script>, an <img> or an event handler."""
    found = page.evaluate(DOM_CHECK)
    assert found["xss"] == "undefined", "an injected script ran"
    assert found["scripts"] == PAGE_SCRIPTS, found["scripts"]
    assert found["images"] == [], f"unexpected <img> elements: {found['images']}"
    assert found["handlers"] == [], f"elements with inline event handlers: {found['handlers']}"
