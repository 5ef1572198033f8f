"""Calibration on App Home (issue 18): the engineer's own section and the mentor's mentees'."""

from __future__ import annotations

from functools import partial

from slack_bolt import App

from bot.deps import Deps
from bot.flows.calib import mentor_home_section, own_home_section

OWN_ORDER = 21  # right after the engineer's practice section (20)
MENTOR_ORDER = 36  # after the review queue and mentees' week (30)


def register(app: App, deps: Deps) -> None:
    """Two read-only Home sections; no actions of their own."""
    deps.add_home_section(OWN_ORDER, partial(own_home_section, deps))
    deps.add_home_section(MENTOR_ORDER, partial(mentor_home_section, deps))
