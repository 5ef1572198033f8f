"""Screenshots for docs/patterns.md: precedents on the live-decision form, and a policy proposal on a
lead's App Home.

    python scripts/screenshots_patterns.py [--out docs/screenshots]

Starts its own sandbox (a temporary database), makes Mo a lead too, logs
two weeks of live decisions through the bot (the `/casebook log` form with a policy rule,
Mo's reviews), posts a ggen alert in #alerts, opens *Handle as exception* on it as Ada and
photographs the form, then runs the `patterns` job and photographs Mo's App Home.
Uses the helpers of scripts/screenshots.py (same Playwright and Chromium).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "scripts")]

import screenshots as base  # noqa: E402
from playwright.sync_api import Page, expect, sync_playwright  # noqa: E402

from bot.db.engine import transaction  # noqa: E402
from bot.domain.people import import_roster, parse_roster  # noqa: E402
from bot.sandbox.runtime import Sandbox  # noqa: E402
from bot.sandbox.server import SandboxServer  # noqa: E402
from tests.sandbox import pages  # noqa: E402
from tests.sandbox.conftest import CHROMIUM, CHROMIUM_ARGS  # noqa: E402

ADA, BEN, CY, MO = "U0ADA", "U0BEN", "U0CY", "U0MO"
RULE = "resource-tagging/require-cost-center"
CONDITIONS = "Namespace carries a janitor TTL of 48 h; cost attributed through the owner label."
LEAD_ROW = (
    "slack_user_id,name,email,roles,mentor,timezone\n"
    "U0MO,Mo Haddad,mo@example.com,mentor;lead,,Europe/Berlin\n"
)
# (program-local time, engineer, verdict, rule, review, title)
HISTORY = [
    (
        "2026-11-09T10:00",
        ADA,
        "approve",
        RULE,
        "uphold",
        "perf-tests: load-test namespace without cost-center",
    ),
    ("2026-11-10T11:00", BEN, "approve", RULE, "uphold", "search: scratch namespace for a reindex dry run"),
    ("2026-11-11T09:30", CY, "approve", RULE, "uphold", "checkout: canary namespace for the Safari fix"),
    ("2026-11-12T14:00", ADA, "approve", RULE, "-", "ml-platform: notebook namespace for a demo"),
    ("2026-11-13T10:15", BEN, "approve", RULE, "uphold", "orders: temporary namespace for a data backfill"),
    ("2026-11-16T09:45", CY, "approve", RULE, "-", "billing: sandbox namespace for the invoice rewrite"),
    ("2026-11-17T15:30", ADA, "approve", RULE, "uphold", "payments: replay namespace for an incident review"),
    (
        "2026-11-18T10:00",
        BEN,
        "deny",
        "rollback-rules/skip-canary",
        "uphold",
        "checkout-web: rollback straight to 100% without a canary",
    ),
]
ALERT = (
    ":rotating_light: ggen held deploy-config `checkout-web/namespace.yaml`: namespace checkout-web-loadtest "
    "has no cost-center label.\npolicy: resource-tagging\nrule: require-cost-center\n"
    "Needs a human decision (use ⋮ → Handle as exception)."
)


def add_lead(sandbox: Sandbox) -> None:
    """Mo becomes a lead as well as a mentor: leads receive policy proposals (the demo roster has none)."""
    casebook = sandbox.casebook
    assert casebook is not None
    with transaction(casebook.deps.sessions) as session:
        import_roster(
            session=session, now=sandbox.clock.now(), actor="screenshots", rows=parse_roster(LEAD_ROW)
        )


def seed(client: base.Client) -> None:
    for when, who, verdict, rule, review, title in HISTORY:
        client.at(when)
        client.command(who, "/casebook log")
        view = client.modal(who, "Log a live decision")
        values = {
            "title": title,
            "category": "policy_violation",
            "source_url": f"https://ggen.example.com/holds/{sum(map(ord, title)) % 9000 + 1000}",
            "verdict": verdict,
            "policy_rule": rule,
            **base._why(verdict, title),
        }
        if verdict == "approve":
            values["conditions"] = CONDITIONS
        client.submit(who, view, values)
        if review == "uphold":
            post = base._message(client, MO, base.REVIEW, title.split(":")[1].strip()[:30])
            client.click(MO, base.REVIEW, post["ts"], "review_uphold")
            client.submit(
                MO, client.modal(MO, "Uphold decision"), {"comment": "Right call: the TTL bounds it."}
            )


def shoot_form(page: Page, client: base.Client, sandbox: Sandbox, out: Path) -> None:
    """Ada opens Handle as exception on the alert: precedents first, the rule preselected."""
    client.at("2026-11-19T09:05")
    pages.switch_person(page, ADA)
    ts = sandbox.fake.post_as_user("C0ALERTS", "U0GGEN", ALERT).ts  # ggen is a bot: not a page user
    client.post(
        "/api/shortcut", {"user": ADA, "channel": "C0ALERTS", "ts": ts, "callback_id": "handle_as_exception"}
    )
    expect(pages.modal(page).locator(".modal-title")).to_have_text("Log a live decision")
    expect(pages.modal(page)).to_contain_text("same policy rule")
    page.set_viewport_size({"width": 1280, "height": 1000})
    pages.modal(page).evaluate("m => m.querySelectorAll('*').forEach(e => { e.scrollTop = 0; })")
    pages.rest_mouse(page)
    base.shoot(page, out / "precedents-form.png", clip=base.box(page, pages.MODAL, pad=16))
    page.set_viewport_size(base.VIEWPORT)
    view = client.state(ADA)["modal"]["view"]
    client.post("/api/close", {"user": ADA, "view_id": view["id"], "everything": True})


def shoot_proposal(page: Page, client: base.Client, out: Path) -> None:
    """The `patterns` job raises the proposal; Mo (a lead) sees it on App Home with Accept / Dismiss."""
    client.at("2026-11-19T08:30")
    client.post("/api/job", {"name": "patterns", "at": "2026-11-19T08:30"})
    pages.switch_person(page, MO)
    page.click('[data-testid="tab-home"]')
    home = page.locator('[data-testid="home"]')
    expect(home).to_contain_text("consider a standing rule")
    page.set_viewport_size({"width": 1280, "height": 1600})
    page.get_by_text("Policy proposals from live exceptions").scroll_into_view_if_needed()
    pages.rest_mouse(page)
    base.shoot(page, out / "proposal-home.png")
    page.set_viewport_size(base.VIEWPORT)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        sandbox = Sandbox(db_path=Path(tmp) / "sandbox.db").start()
        server = SandboxServer(sandbox, port=0).start()
        try:
            client = base.Client(
                server.url, settle=lambda: base.wait(lambda: base.drained(sandbox), "the outbox")
            )
            add_lead(sandbox)
            seed(client)
            with sync_playwright() as pw:
                browser = pw.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
                page = browser.new_page(viewport=base.VIEWPORT)
                page.goto(server.url + "/")
                page.wait_for_selector('[data-testid="conversation"]')
                page.locator("#toasts").evaluate("t => { t.style.display = 'none'; }")
                shoot_form(page, client, sandbox, args.out)
                shoot_proposal(page, client, args.out)
                browser.close()
        finally:
            server.stop()
            sandbox.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
