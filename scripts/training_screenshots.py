"""Screenshots of the training weeks' App Home sections (docs/training.md) from a running sandbox.

    python scripts/training_screenshots.py [--out docs/screenshots]

Starts its own sandbox (a temporary database) with the demo roster joined before week 9,
then plays Monday and Tuesday of week 9 through the sandbox's JSON API as the page would:
the `training-checkin` job at each session's start, the engineers' clicks (Ben misses
Monday morning; Cy says "Can't make it" on Tuesday morning and his mentor corrects it to
present), labs marked done with `/casebook lab done`. It then photographs App Home on
Wednesday morning as Ada (engineer) and as Pat (PM): training-home-engineer.png and
training-home-pm.png. Needs Playwright and Chromium, like the browser tests.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import urllib.request
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from PIL import Image  # noqa: E402
from playwright.sync_api import FloatRect, Page, ViewportSize, expect, sync_playwright  # noqa: E402
from screenshots import (  # noqa: E402  (the sandbox's JSON API and photographs)
    box,
    wait,
)

from bot.domain.delivery_batches import due_rows  # noqa: E402
from bot.sandbox.runtime import Sandbox  # noqa: E402
from bot.sandbox.server import SandboxServer  # noqa: E402
from tests.sandbox import pages  # noqa: E402
from tests.sandbox.conftest import CHROMIUM, CHROMIUM_ARGS  # noqa: E402

VIEWPORT: ViewportSize = {"width": 1280, "height": 800}
NY = ZoneInfo("America/New_York")
ADA, BEN, CY, MO, PAT = "U0ADA", "U0BEN", "U0CY", "U0MO", "U0PAT"
# (session id, its start in program time, {engineer: button}); no entry: a no-show.
CHECK_INS = [
    ("w9-mon-am", "2026-11-02T09:00", {ADA: "training_here", CY: "training_here"}),
    ("w9-mon-pm", "2026-11-02T13:00", {ADA: "training_here", BEN: "training_here", CY: "training_here"}),
    ("w9-tue-am", "2026-11-03T09:00", {ADA: "training_here", BEN: "training_here", CY: "training_away"}),
    ("w9-tue-pm", "2026-11-03T13:00", {ADA: "training_here", BEN: "training_here", CY: "training_here"}),
]
LABS = [
    ("2026-11-02T14:30", ADA, "m1-lab1"),
    ("2026-11-02T14:40", BEN, "m1-lab1"),
    ("2026-11-02T15:00", ADA, "m1-lab2"),
    ("2026-11-02T15:10", CY, "m1-lab1"),
    ("2026-11-02T15:20", ADA, "m1-lab3"),
    ("2026-11-03T10:30", ADA, "m1-lab4"),
    ("2026-11-03T10:40", BEN, "m1-lab2"),
]
PHOTO_AT = "2026-11-04T08:30"  # Wednesday morning, before the day's first session


class Client:
    """The sandbox's JSON API, as the page uses it."""

    def __init__(self, url: str, sandbox: Sandbox) -> None:
        self.url = url
        self.sandbox = sandbox

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

    def state(self, user: str, channel: str = "") -> dict[str, Any]:
        return self.get(f"/api/state?user={user}&channel={channel}&thread=")

    def drained(self) -> bool:
        """Nothing due in the ledger (the one look inside the bot, and only to wait)."""
        casebook = self.sandbox.casebook
        assert casebook is not None
        with casebook.deps.sessions() as session:
            return not due_rows(session=session, now=self.sandbox.clock.now(), limit=1)

    def at(self, when: str) -> None:
        wait(self.drained, "the outbox")
        self.post("/api/clock", {"now": when})

    def command(self, user: str, text: str) -> None:
        self.post("/api/command", {"user": user, "channel": self.state(user)["channel"], "text": text})

    def click(self, user: str, channel: str, ts: str, action_id: str) -> None:
        item = wait(
            lambda: next((m for m in self.state(user, channel)["timeline"] if m["ts"] == ts), None), ts
        )
        for bi, block in enumerate(item["blocks"]):
            for ei, element in enumerate(block.get("elements") or []):
                if element.get("action_id") == action_id:
                    source = {"kind": "message", "channel": channel, "ts": ts}
                    body = {"user": user, "source": source, "block_index": bi, "element_index": ei}
                    self.post("/api/action", {**body, "value": element.get("value")})
                    return
        raise RuntimeError(f"no {action_id} on message {ts}")


def _message(client: Client, user: str, channel: str, contains: str) -> dict[str, Any]:
    def find() -> dict[str, Any] | None:
        for item in client.state(user, channel)["timeline"]:
            if contains in json.dumps(item.get("blocks") or []) + str(item.get("text") or ""):
                return item  # type: ignore[no-any-return]
        return None

    found: dict[str, Any] = wait(find, f"a message with {contains!r}")
    return found


def shoot(page: Page, path: Path, *, clip: FloatRect) -> None:
    """Save a screenshot reduced to a 256-colour palette (small files)."""
    page.screenshot(path=str(path), clip=clip)
    image = Image.open(path).convert("RGB").quantize(colors=256, method=Image.Quantize.MEDIANCUT)
    image.save(path, optimize=True)
    print(f"{path}: {path.stat().st_size // 1024} KB")


def check_in(client: Client, engineer: str, session_id: str, action: str) -> None:
    dm = client.state(engineer)["channel"]
    message = _message(client, engineer, dm, session_id)
    client.click(engineer, dm, message["ts"], action)
    wait(lambda: "You answered" in str(_message(client, engineer, dm, session_id)), "the check-in answer")


def seed_training(client: Client) -> None:
    """Monday and Tuesday of week 9 through the bot: check-ins, a correction, labs."""
    for session_id, start, clicks in CHECK_INS:
        client.at(start)
        client.post("/api/job", {"name": "training-checkin", "at": start})
        for engineer, action in clicks.items():
            check_in(client, engineer, session_id, action)
    client.at("2026-11-03T12:00")
    client.command(MO, "/casebook attendance <@U0CY> w9-tue-am present")
    _message(client, MO, client.state(MO)["channel"], "Corrected")
    for when, engineer, lab in LABS:
        client.at(when)
        client.command(engineer, f"/casebook lab done {lab}")
        _message(client, engineer, client.state(engineer)["channel"], "Marked done")
    client.at(PHOTO_AT)


def shoot_home(page: Page, user: str, name: str, header: str, after: str, path: Path) -> None:
    """The person's App Home, from the greeting to the end of the training section (``after``
    is the header of the section that follows it)."""
    pages.switch_person(page, user)
    page.click('[data-testid="tab-home"]')
    home = page.locator('[data-testid="home"]')
    expect(home).to_contain_text(f"Welcome to Casebook, {name}")
    expect(home).to_contain_text(header)
    page.set_viewport_size({"width": 1280, "height": 1400})
    pages.rest_mouse(page)
    whole = box(page, '[data-testid="home"]', pad=8)
    following = page.locator('[data-testid="home"]').get_by_text(after, exact=True).first.bounding_box()
    assert following, after
    shoot(page, path, clip={**whole, "height": following["y"] - whole["y"] - 4})
    page.set_viewport_size(VIEWPORT)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        sandbox = Sandbox(db_path=Path(tmp) / "sandbox.db")
        sandbox.clock.set(datetime(2026, 10, 30, 9, 0, tzinfo=NY))  # the roster joins before week 9
        sandbox.start()
        server = SandboxServer(sandbox, port=0).start()
        try:
            client = Client(server.url, sandbox)
            seed_training(client)
            with sync_playwright() as pw:
                browser = pw.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
                page = browser.new_page(viewport=VIEWPORT)
                page.goto(server.url + "/")
                page.wait_for_selector('[data-testid="conversation"]')
                page.locator("#toasts").evaluate("t => { t.style.display = 'none'; }")
                shoot_home(
                    page,
                    ADA,
                    "Ada Park",
                    "Training weeks",
                    "Your practice",
                    args.out / "training-home-engineer.png",
                )
                shoot_home(
                    page,
                    PAT,
                    "Pat Kim",
                    "Training: the cohort",
                    "Pilot scorecard",
                    args.out / "training-home-pm.png",
                )
                browser.close()
        finally:
            server.stop()
            sandbox.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
