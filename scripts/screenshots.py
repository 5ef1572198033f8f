"""Regenerate the README screenshots in docs/screenshots/ from a running sandbox.

    python scripts/screenshots.py [--out docs/screenshots]      (or: make screenshots)

Starts its own sandbox (a temporary database; nothing touches var/), fills the last
training week and the parallel-run week with a believable pilot through the sandbox's
JSON API (so every command, click and submit reaches the bot as a signed Slack
request, as from the page), then opens the page in headless Chromium at 1280×800 and
photographs the key screens: the scenario card, the justification modal with inline
errors, the review thread with a verdict, the digest with its chart, and App Home.
Images are reduced to a 256-colour palette, which keeps them small.

Needs Playwright and Chromium (``make browser``), like the browser tests.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from PIL import Image  # noqa: E402  (matplotlib already depends on Pillow)
from playwright.sync_api import FloatRect, Locator, Page, ViewportSize, expect, sync_playwright  # noqa: E402

from bot.domain.delivery_batches import due_rows  # noqa: E402
from bot.sandbox.runtime import Sandbox  # noqa: E402
from bot.sandbox.server import SandboxServer  # noqa: E402
from tests.sandbox import pages  # noqa: E402
from tests.sandbox.conftest import CHROMIUM, CHROMIUM_ARGS  # noqa: E402

ADA, BEN, CY, MO, PAT = "U0ADA", "U0BEN", "U0CY", "U0MO", "U0PAT"
REVIEW = "C0CBREVIEW"
VIEWPORT: ViewportSize = {"width": 1280, "height": 800}

# The pilot's last two weeks of live decisions: date and time (program time), engineer, category,
# verdict, review (uphold, overturn:<verdict> with OVERTURN_WHY, or "-": still waiting), title.
LIVE_TABLE = """
11-10 10:15 ada config_conflict    approve  uphold        payments-api: single replica in prod for 2 h
11-10 14:40 ben change_freeze      escalate uphold        search-indexer: skip canary for a hotfix
11-11 11:05 cy  change_freeze      escalate uphold        ledger-db: extend maintenance window by 30 min
11-12 09:30 ada customer_exemption approve  overturn:deny checkout: raise rate limit for Acme to 800/s
11-13 15:20 ben rollback           deny     uphold        cdn: purge all caches during peak
11-16 10:05 ada policy_violation   deny     uphold        payments-eu: rate-limits.yaml burst 800 for Acme
11-16 16:45 cy  change_freeze      approve  uphold        auth: rotate signing key outside the window
11-17 11:30 ben config_conflict    approve  uphold        orders-db: read replica without backups for 48 h
11-18 09:50 ada security_exception escalate uphold        k8s: privileged DaemonSet for the new log agent
11-18 14:10 cy  rollback           approve  uphold        billing: roll back 4.2, migration half applied
11-19 10:40 ben policy_violation   approve  -             loadtest namespace without cost-center label
11-19 16:00 ada change_freeze      deny     -             feature flag: enable ledger_v2 for 5% on Friday
"""
OVERTURN_WHY = "Burst above 500 needs the owning team; a compliant path (a quota request) exists."


@dataclass(frozen=True)
class Live:
    when: str
    engineer: str
    category: str
    verdict: str
    review: str
    title: str


ENGINEERS = {"ada": ADA, "ben": BEN, "cy": CY}


def _live(row: str) -> Live:
    day, clock, who, category, verdict, review, title = row.split(maxsplit=6)
    return Live(f"2026-{day}T{clock}", ENGINEERS[who], category, verdict, review, title)


LIVE = [_live(row) for row in LIVE_TABLE.strip().splitlines()]
# Practice sessions: (program-local time, engineer). The call is ggen's recommendation, a
# realistic mix of right and wrong, since ggen is wrong in a fair share of the library.
PRACTICE = [
    ("2026-11-16T09:10", ADA),
    ("2026-11-16T09:25", ADA),
    ("2026-11-17T08:50", ADA),
    ("2026-11-18T17:30", ADA),
    ("2026-11-16T13:00", BEN),
    ("2026-11-17T13:30", CY),
]
# (program-local time, priority, minutes to respond, ref)
INCIDENTS = [
    ("2026-11-10T08:30", "P1", 17, "INC-5101"),
    ("2026-11-11T13:00", "P2", 90, "INC-5107"),
    ("2026-11-12T19:45", "P2", 101, "INC-5112"),
    ("2026-11-16T07:55", "P1", 19, "INC-5120"),
    ("2026-11-17T12:30", "P2", 92, "INC-5126"),
    ("2026-11-19T21:10", "P1", 18, "INC-5133"),
]
SURVEY = {ADA: (4, 4, 5, 3, 4), BEN: (4, 5, 4, 3, 4), CY: (3, 4, 4, 4, 3)}
SURVEY_COMMENTS = {  # shown to PMs only with the averages, unattributed, in random order
    ADA: "The justification template slows me down on the obvious approvals.",
    BEN: "Mentor reviews came back within a day; that made the week.",
    CY: None,
}
FRIDAY_5PM = "2026-11-20T17:00"


class Client:
    """The sandbox's JSON API, as the page uses it."""

    def __init__(self, url: str, settle: Callable[[], None]) -> None:
        self.url = url
        self.settle = settle

    def get(self, path: str) -> dict[str, Any]:
        with urllib.request.urlopen(self.url + path, timeout=15) as resp:
            data: dict[str, Any] = json.loads(resp.read())
            return data

    def post(self, path: str, body: dict[str, Any]) -> dict[str, Any]:
        req = urllib.request.Request(
            self.url + path, data=json.dumps(body).encode(), headers={"Content-Type": "application/json"}
        )
        with urllib.request.urlopen(req, timeout=30) as resp:
            data: dict[str, Any] = json.loads(resp.read())
        if not data.get("ok"):
            raise RuntimeError(f"{path} {body}: {data}")
        return data

    def state(self, user: str, channel: str = "", thread: str = "") -> dict[str, Any]:
        return self.get(f"/api/state?user={user}&channel={channel}&thread={thread}")

    def at(self, when: str) -> None:
        """Move the sandbox clock, once everything due has been sent (else it lands at the new time)."""
        self.settle()
        self.post("/api/clock", {"now": when})

    def command(self, user: str, text: str, channel: str = "") -> None:
        channel = channel or self.state(user)["channel"]
        self.post("/api/command", {"user": user, "channel": channel, "text": text})

    def modal(self, user: str, title: str) -> dict[str, Any]:
        view: dict[str, Any] = wait(lambda: _modal_titled(self.state(user), title), f"the {title} modal")
        return view

    def submit(self, user: str, view: dict[str, Any], values: dict[str, Any]) -> dict[str, Any]:
        reply = self.post("/api/submit", {"user": user, "view_id": view["id"], "values": values})
        if reply.get("errors"):
            raise RuntimeError(f"{view['title']['text']}: {reply['errors']}")
        if reply.get("response_action") == "update":  # a thank-you view: close it as a person would
            self.post("/api/close", {"user": user, "view_id": view["id"], "everything": True})
        wait(lambda: self.state(user)["modal"] is None, "the modal to close")
        return reply

    def click(self, user: str, channel: str, ts: str, action_id: str, value: Any = None) -> None:
        item = wait(lambda: _find(self.state(user, channel)["timeline"], ts), f"message {ts}")
        for bi, block in enumerate(item["blocks"]):
            for ei, element in enumerate(block.get("elements") or []):
                if element.get("action_id") == action_id:
                    source = {"kind": "message", "channel": channel, "ts": ts}
                    body = {"user": user, "source": source, "block_index": bi, "element_index": ei}
                    self.post("/api/action", {**body, "value": value or element.get("value")})
                    return
        raise RuntimeError(f"no {action_id} on message {ts}")


def wait(check: Callable[[], Any], what: str, timeout: float = 20.0) -> Any:
    """Poll until ``check`` returns something truthy (the bot answers asynchronously)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = check()
        if found:
            return found
        time.sleep(0.05)
    raise TimeoutError(f"waited {timeout:.0f} s for {what}")


def drained(sandbox: Sandbox) -> bool:
    """Nothing due in the bot's delivery ledger: every message it meant to send by now has gone.

    The one look inside the bot, and only to wait: the seeding moves the clock quickly, and a
    message still queued would otherwise be posted (and timestamped) after the next move.
    """
    casebook = sandbox.casebook
    assert casebook is not None, "the sandbox is not running"
    with casebook.deps.sessions() as session:
        return not due_rows(session=session, now=sandbox.clock.now(), limit=1)


def _modal_titled(state: dict[str, Any], title: str) -> dict[str, Any] | None:
    modal = state.get("modal")
    if modal and modal["view"]["title"]["text"] == title:
        view: dict[str, Any] = modal["view"]
        return view
    return None


def _find(items: list[dict[str, Any]], ts: str) -> dict[str, Any] | None:
    return next((i for i in items if i["ts"] == ts), None)


def _text_of(item: dict[str, Any]) -> str:
    return json.dumps(item.get("blocks") or []) + str(item.get("text") or "")


def _message(client: Client, user: str, channel: str, contains: str) -> dict[str, Any]:
    found: dict[str, Any] = wait(
        lambda: next((m for m in client.state(user, channel)["timeline"] if contains in _text_of(m)), None),
        f"a message with {contains!r}",
    )
    return found


def _why(verdict: str, title: str) -> dict[str, str]:
    service = title.split(":")[0]
    values = {
        "policy": f"The {service} runbook and the policy rule that fired for this change.",
        "evidence": f"Checked the {service} dashboards, the ticket and the owner's sign-off in the thread.",
        "risk": f"Limited to {service}; a revert takes under ten minutes and nobody else shares it.",
        "confidence": "4",
    }
    if verdict == "approve":
        values["conditions"] = "Expires in 48 h; roll back at once if error rates rise above the SLO."
    if verdict == "escalate":
        values["escalation"] = f"The {service} owning team's lead: it crosses a boundary ops does not own."
    return values


def practise(client: Client, engineer: str) -> None:
    """``/casebook practice``, then ggen's call (or Escalate) on the card, justified."""
    dm = client.state(engineer)["channel"]
    seen = {m["ts"] for m in client.state(engineer, dm)["timeline"]}
    client.command(engineer, "/casebook practice", dm)
    card = wait(
        lambda: next(
            (
                m
                for m in client.state(engineer, dm)["timeline"]
                if m["ts"] not in seen and "card_actions" in _text_of(m)
            ),
            None,
        ),
        "a practice card",
    )
    found = re.search(r"ggen recommends \*(approve|deny|escalate)\*", _text_of(card))
    verdict = found.group(1) if found else "escalate"
    client.click(engineer, dm, card["ts"], f"card_{verdict}")
    view = client.modal(engineer, f"Justify: {verdict.capitalize()}")
    client.submit(engineer, view, _why(verdict, "the service"))


def seed_pilot(client: Client) -> None:
    """Two weeks of incidents, live decisions and reviews, practice, and a survey, through the bot."""
    for when, priority, minutes, ref in INCIDENTS:
        client.at(when)
        client.command(PAT, f"/casebook incident {priority} {minutes} {ref}")
        # The command is handled after its ack: wait for the answer before the clock moves on.
        _message(client, PAT, client.state(PAT)["channel"], f"incident {ref}")
    for live in LIVE:
        client.at(live.when)
        log_and_review(client, live)
    for when, engineer in PRACTICE:
        client.at(when)
        practise(client, engineer)
    client.at("2026-11-20T15:00")
    client.post("/api/job", {"name": "survey", "at": "2026-11-20T15:00"})
    for engineer, answers in SURVEY.items():
        answer_survey(client, engineer, answers)


def log_and_review(client: Client, live: Live) -> None:
    """``/casebook log`` and its form; then the mentor's verdict on the review post, if any."""
    client.command(live.engineer, "/casebook log")
    view = client.modal(live.engineer, "Log a live decision")
    values = {
        "title": live.title,
        "category": live.category,
        "source_url": f"https://ops.example.com/exceptions/{sum(map(ord, live.title)) % 9000 + 1000}",
        "verdict": live.verdict,
        **_why(live.verdict, live.title),
    }
    client.submit(live.engineer, view, values)
    if live.review == "-":
        return
    post = _message(client, MO, REVIEW, live.title)
    if live.review == "uphold":
        client.click(MO, REVIEW, post["ts"], "review_uphold")
        client.submit(MO, client.modal(MO, "Uphold decision"), {"comment": None})
        return
    client.click(MO, REVIEW, post["ts"], "review_overturn")
    view = client.modal(MO, "Overturn decision")
    suggested = live.review.split(":", 1)[1]
    client.submit(
        MO, view, {"suggested_verdict": suggested, "comment": OVERTURN_WHY, "failed_parts": ["policy"]}
    )


def answer_survey(client: Client, engineer: str, answers: tuple[int, ...]) -> None:
    """Open the Friday survey from its DM and answer every question in order."""
    dm = client.state(engineer)["channel"]
    invite = _message(client, engineer, dm, "Weekly survey")
    client.click(engineer, dm, invite["ts"], "survey_open")

    def opened() -> dict[str, Any] | None:
        modal: dict[str, Any] | None = client.state(engineer).get("modal")
        return modal["view"] if modal else None

    view: dict[str, Any] = wait(opened, "the survey")
    inputs = [b["block_id"] for b in view["blocks"] if b["type"] == "input"]
    values: dict[str, Any] = {block: str(answer) for block, answer in zip(inputs, answers, strict=False)}
    values["survey_comment"] = SURVEY_COMMENTS.get(engineer)
    client.submit(engineer, view, values)


# -- photographs -------------------------------------------------------------------------------
def shoot(page: Page, path: Path, *, clip: FloatRect | None = None, palette: bool = True) -> None:
    """Save a screenshot; ``palette=False`` keeps true colour (a 256-colour palette turns the chart's
    small red and amber markers brown)."""
    page.screenshot(path=str(path), clip=clip)
    image = Image.open(path).convert("RGB")
    if palette:
        image = image.quantize(colors=256, method=Image.Quantize.MEDIANCUT)
    image.save(path, optimize=True)
    print(
        f"{path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}: {path.stat().st_size // 1024} KB"
    )


def box(page: Page, selector: str, pad: int = 0) -> FloatRect:
    found = page.locator(selector).first.bounding_box()
    assert found, selector
    return {
        "x": max(0, found["x"] - pad),
        "y": max(0, found["y"] - pad),
        "width": found["width"] + 2 * pad,
        "height": found["height"] + 2 * pad,
    }


def photograph(page: Page, client: Client, out: Path) -> None:
    """Every README screenshot, in an order that tells the story."""
    # Toasts ("Sandbox time set.") come and go on a timer; keep them out of the pictures.
    page.locator("#toasts").evaluate("t => { t.style.display = 'none'; }")
    card = shoot_card(page, client, out)
    shoot_justification_errors(page, card, out)
    shoot_review_thread(page, out)
    shoot_digest(page, out)
    shoot_home(page, out)


def shoot_card(page: Page, client: Client, out: Path) -> Locator:
    """A practice card in the engineer's DM; an hour after the survey, so it is not grouped with it."""
    client.at("2026-11-20T16:10")
    pages.switch_person(page, ADA)
    card, _ = pages.deal_card(page)
    notes = page.locator('[data-testid="ephemeral"]')
    for left in range(notes.count(), 0, -1):
        notes.first.get_by_role("button", name="Dismiss").click()
        expect(notes).to_have_count(left - 1)
    found = card.bounding_box()
    assert found, "the card is not on screen"
    page.set_viewport_size({"width": 1280, "height": int(min(1400, found["height"] + 290))})
    card.evaluate("c => c.scrollIntoView({block: 'end'})")
    pages.rest_mouse(page)
    shoot(page, out / "scenario-card.png")
    page.set_viewport_size(VIEWPORT)
    return card


def shoot_justification_errors(page: Page, card: Locator, out: Path) -> None:
    """The justification modal refusing a too-short justification (tall enough to show it all)."""
    page.set_viewport_size({"width": 1280, "height": 1180})
    card.get_by_role("button", name="Approve", exact=True).click()
    expect(pages.modal(page).locator(".modal-title")).to_have_text("Justify: Approve")
    short = {"policy": "policy says ok", "evidence": "looked at it", "risk": "low", "conditions": "48 h"}
    pages.fill(page, {**short, "confidence": "3"})
    pages.submit(page)
    expect(pages.field_error(page, "policy")).to_contain_text("at least 20 characters")
    shoot(page, out / "justification-errors.png", clip=box(page, pages.MODAL, pad=24))
    page.set_viewport_size(VIEWPORT)
    pages.fill(page, {k: v for k, v in pages.GOOD.items() if k != "escalation"})
    pages.submit(page)
    expect(pages.modal(page)).to_have_count(0)


def shoot_review_thread(page: Page, out: Path) -> None:
    """The mentor's view of an overturned decision: the updated post and the verdict in its thread."""
    pages.switch_person(page, MO)
    post = pages.review_post(page, "checkout: raise rate limit for Acme")
    post.locator('[data-testid="thread-link"]').click()
    expect(pages.message(page, "Overturned by", where="#thread-list").last).to_be_visible()
    post.evaluate("p => p.scrollIntoView()")
    page.locator("#thread-list").evaluate("l => l.scrollTop = l.scrollHeight")
    pages.rest_mouse(page)
    shoot(page, out / "review-thread.png")


def shoot_digest(page: Page, out: Path) -> None:
    """The PM runs Friday's digest from Time & jobs: the channel post, its thread, the chart."""
    pages.switch_person(page, PAT)
    pages.run_job(page, "digest", FRIDAY_5PM, now=FRIDAY_5PM)
    pages.open_conversation(page, "pilot-pm")
    digest = pages.message(page, "Pilot digest")
    expect(digest).to_contain_text("2 replies")  # the details and the chart are in its thread
    digest.evaluate("d => d.scrollIntoView()")
    pages.rest_mouse(page)
    post = digest.bounding_box()
    assert post, "the digest is not on screen"
    shoot(page, out / "digest.png", clip={**post, "y": post["y"] - 4, "height": post["height"] + 8})
    digest.locator('[data-testid="thread-link"]').click()
    chart = page.locator('#thread-list [data-testid="file"] img.file-image')
    pages.wait_image_loaded(page, chart)
    # The replies in one picture: a widened pane (Slack's can be dragged wider), tall enough for all.
    page.locator('[data-testid="thread"]').evaluate("t => { t.style.width = '600px'; }")
    tall = page.locator("#thread-list").evaluate("l => l.scrollHeight")
    page.set_viewport_size({"width": 1280, "height": min(3200, int(tall) + 160)})
    pages.rest_mouse(page)
    replies, pane = box(page, "#thread-list .thread-count"), box(page, "#thread-list")
    bottom = pane["y"] + pane["height"]
    clip: FloatRect = {
        "x": pane["x"],
        "y": replies["y"],
        "width": pane["width"],
        "height": bottom - replies["y"],
    }
    shoot(page, out / "digest-thread.png", clip=clip)
    page.locator('[data-testid="thread"]').evaluate("t => { t.style.width = ''; }")
    page.set_viewport_size(VIEWPORT)
    chart.click()
    full = page.locator('[data-testid="lightbox"] img')
    pages.wait_image_loaded(page, full)
    shoot(page, out / "digest-chart.png", clip=box(page, '[data-testid="lightbox"] img'), palette=False)
    page.keyboard.press("Escape")


def shoot_home(page: Page, out: Path) -> None:
    """App Home as the engineer sees it: practice by category, last decisions, live decisions."""
    pages.switch_person(page, ADA)
    page.click('[data-testid="tab-home"]')
    expect(page.locator('[data-testid="home"]')).to_contain_text("Welcome to Casebook, Ada Park")
    pages.rest_mouse(page)
    shoot(page, out / "app-home.png")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        sandbox = Sandbox(db_path=Path(tmp) / "sandbox.db").start()
        server = SandboxServer(sandbox, port=0).start()
        try:
            client = Client(server.url, settle=lambda: wait(lambda: drained(sandbox), "the outbox"))
            seed_pilot(client)
            with sync_playwright() as pw:
                browser = pw.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
                page = browser.new_page(viewport=VIEWPORT)
                page.goto(server.url + "/")
                page.wait_for_selector('[data-testid="conversation"]')
                photograph(page, client, args.out)
                browser.close()
        finally:
            server.stop()
            sandbox.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
