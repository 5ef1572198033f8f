"""Pictures for docs/patterns.md: precedents on the live-decision form, a policy proposal on a lead's Home.

Makes Mo a lead too, logs two weeks of live decisions through the bot (the `/casebook log` form
with a policy rule, Mo's reviews), posts a ggen alert in #alerts, opens *Handle as exception* on
it as Ada and photographs the form, then runs the `patterns` job and photographs Mo's App Home.
"""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Page, expect

from bot.db.engine import transaction
from bot.domain.people import import_roster, parse_roster
from bot.sandbox.runtime import Sandbox
from tests.sandbox import pages

from .api import ADA, BEN, CY, MO, REVIEW, Client, decision, log_decision, message, review
from .photos import VIEWPORT, box, open_home, shoot
from .runner import Feature

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


def seed(client: Client, sandbox: Sandbox) -> None:
    """Mo a lead; the live decisions under one rule (most approved with the same conditions), reviewed."""
    add_lead(sandbox)
    for when, who, verdict, rule, verdict_of_review, title in HISTORY:
        client.at(when)
        extra = {"policy_rule": rule, **({"conditions": CONDITIONS} if verdict == "approve" else {})}
        source = f"https://ggen.example.com/holds/{sum(map(ord, title)) % 9000 + 1000}"
        values = decision(
            title=title, category="policy_violation", verdict=verdict, source_url=source, extra=extra
        )
        log_decision(client, who, values)
        if verdict_of_review == "uphold":
            post = message(client, MO, REVIEW, title.split(":")[1].strip()[:30])
            comment = "Right call: the TTL bounds it."
            review(client, MO, channel=REVIEW, ts=post["ts"], verdict="uphold", comment=comment)


def photograph(page: Page, client: Client, sandbox: Sandbox, out: Path) -> None:
    """The form opened from the alert, then the proposal on Mo's Home."""
    shoot_form(page, client, sandbox, out)
    shoot_proposal(page, client, out)


def shoot_form(page: Page, client: Client, sandbox: Sandbox, out: Path) -> None:
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
    shoot(page, out / "precedents-form.png", clip=box(page, pages.MODAL, pad=16))
    page.set_viewport_size(VIEWPORT)
    view = client.state(ADA)["modal"]["view"]
    client.post("/api/close", {"user": ADA, "view_id": view["id"], "everything": True})


def shoot_proposal(page: Page, client: Client, out: Path) -> None:
    """The `patterns` job raises the proposal; Mo (a lead) sees it on App Home with Accept / Dismiss."""
    client.at("2026-11-19T08:30")
    client.post("/api/job", {"name": "patterns", "at": "2026-11-19T08:30"})
    open_home(page, MO, "consider a standing rule")
    page.set_viewport_size({"width": 1280, "height": 1600})
    page.get_by_text("Policy proposals from live exceptions").scroll_into_view_if_needed()
    pages.rest_mouse(page)
    shoot(page, out / "proposal-home.png")
    page.set_viewport_size(VIEWPORT)


FEATURE = Feature(
    name="patterns",
    about="docs/patterns.md: precedents on the live-decision form, a policy proposal on a lead's Home",
    pictures=("precedents-form.png", "proposal-home.png"),
    seed=seed,
    photograph=photograph,
)
