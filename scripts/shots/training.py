"""Pictures for docs/training.md: the training weeks' App Home sections, an engineer's and the PM's.

The demo roster joins before week 9; Monday and Tuesday of week 9 are played as the page would:
the `training-checkin` job at each session's start, the engineers' clicks (Ben misses Monday
morning; Cy says "Can't make it" on Tuesday morning and his mentor corrects it to present), labs
marked done with `/casebook lab done`. App Home is photographed on Wednesday morning as Ada
(engineer) and as Pat (PM).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from playwright.sync_api import Page

from bot.sandbox.runtime import Sandbox
from tests.sandbox import pages

from .api import ADA, BEN, CY, MO, PAT, Client, message, wait
from .photos import VIEWPORT, box, open_home, shoot
from .runner import Feature

NY = ZoneInfo("America/New_York")
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


@contextmanager
def early_sandbox(tmp: Path) -> Iterator[Sandbox]:
    """The demo sandbox with its clock before week 9, so the roster joins before the training weeks."""
    sandbox = Sandbox(db_path=tmp / "sandbox.db")
    sandbox.clock.set(datetime(2026, 10, 30, 9, 0, tzinfo=NY))
    yield sandbox


def check_in(client: Client, engineer: str, session_id: str, action: str) -> None:
    """Click ``action`` on the engineer's check-in for ``session_id`` and wait for the answer."""
    dm = client.state(engineer)["channel"]
    question = message(client, engineer, dm, session_id)
    client.click(engineer, dm, question["ts"], action)
    wait(lambda: "You answered" in str(message(client, engineer, dm, session_id)), "the check-in answer")


def seed(client: Client, sandbox: Sandbox) -> None:
    """Monday and Tuesday of week 9 through the bot: check-ins, a correction, labs."""
    for session_id, start, clicks in CHECK_INS:
        client.at(start)
        client.post("/api/job", {"name": "training-checkin", "at": start})
        for engineer, action in clicks.items():
            check_in(client, engineer, session_id, action)
    client.at("2026-11-03T12:00")
    client.command(MO, "/casebook attendance <@U0CY> w9-tue-am present")
    message(client, MO, client.state(MO)["channel"], "Corrected")
    for when, engineer, lab in LABS:
        client.at(when)
        client.command(engineer, f"/casebook lab done {lab}")
        message(client, engineer, client.state(engineer)["channel"], "Marked done")
    client.at(PHOTO_AT)


def photograph(page: Page, client: Client, sandbox: Sandbox, out: Path) -> None:
    """Ada's training section and Pat's cohort summary."""
    engineer = ("Ada Park", "Training weeks")
    shoot_home(page, ADA, engineer, "Your practice", out / "training-home-engineer.png")
    shoot_home(
        page, PAT, ("Pat Kim", "Training: the cohort"), "Pilot scorecard", out / "training-home-pm.png"
    )


def shoot_home(page: Page, user: str, shows: tuple[str, str], after: str, path: Path) -> None:
    """The person's App Home from the greeting to the end of the training section.

    ``shows``: the person's name and the section's header; ``after``: the header that follows it.
    """
    name, header = shows
    home = open_home(page, user, f"Welcome to Casebook, {name}", header)
    page.set_viewport_size({"width": 1280, "height": 1400})
    pages.rest_mouse(page)
    whole = box(page, '[data-testid="home"]', pad=8)
    following = home.get_by_text(after, exact=True).first.bounding_box()
    assert following, after
    shoot(page, path, clip={**whole, "height": following["y"] - whole["y"] - 4})
    page.set_viewport_size(VIEWPORT)


FEATURE = Feature(
    name="training",
    about="docs/training.md and the README: the training weeks on an engineer's and the PM's App Home",
    pictures=("training-home-engineer.png", "training-home-pm.png"),
    seed=seed,
    photograph=photograph,
    sandbox=early_sandbox,
)
