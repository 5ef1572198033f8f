"""End to end over HTTP: the role-design red flags on the PM's App Home, fed by the roster and the
weekly survey (answers grouped, anonymous, each group at least the anonymity minimum)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from bot.app import Casebook
from bot.clock import FixedClock
from bot.db.engine import transaction
from bot.db.models_policy import SurveyGroupAnswer
from bot.domain.attrition import mark_left
from bot.domain.patterns import decide_proposal, raise_proposals
from bot.program_patterns import ProposalThresholds
from bot.sandbox.fakeslack import FakeSlack
from bot.sandbox.simulator import Simulator
from bot.slack.ids import Callback, survey_block
from tests.helpers import ROSTER_CSV, eventually, load_roster, texts
from tests.live_support import latest_view, max_view
from tests.metrics_data import person
from tests.pattern_support import live

PM = "U0PM"
NOV_2, NOV_18 = datetime(2026, 11, 2, 14, 0, tzinfo=UTC), datetime(2026, 11, 18, 15, 0, tzinfo=UTC)
DEC_14 = datetime(2026, 12, 14, 15, 0, tzinfo=UTC)
# Three pilots and three other engineers: each group reaches the anonymity minimum of 3.
SIX = ROSTER_CSV + (
    "U0PILOT2,Di Pilot,di@example.com,engineer;pilot,U0MENTOR,America/New_York\n"
    "U0PILOT3,Ed Pilot,ed@example.com,engineer;pilot,U0MENTOR,America/New_York\n"
    "U0ENG3,Flo Engineer,flo@example.com,engineer,U0MENTOR,America/New_York\n"
)
PILOTS, OTHERS = ("U0PILOT", "U0PILOT2", "U0PILOT3"), ("U0ENG1", "U0ENG2", "U0ENG3")


def _pm_home(slack: Simulator, fake: FakeSlack, user: str = PM) -> str:
    fake.home.pop(user, None)
    assert slack.open_home(user).status == 200
    return texts(eventually(lambda: fake.home.get(user))["blocks"])


def _answer(slack: Simulator, fake: FakeSlack, user: str, level: str) -> None:
    before = max_view(fake)
    assert slack.command(user, "survey").status == 200
    view_id, _ = latest_view(fake, Callback.SURVEY, after=before)
    values: dict[str, str | None] = {
        survey_block(k): level for k in ("clarity", "support", "tools", "workload", "confidence")
    }
    values["survey_comment"] = None
    assert slack.submit(user, view_id, values).json["response_action"] == "update"


def test_pm_home_shows_turnover_fired_and_the_rest_not_enough_data(
    casebook: Casebook, slack: Simulator, fake: FakeSlack, clock: FixedClock
) -> None:
    load_roster(casebook.deps.sessions, clock.now() - timedelta(days=20))
    quiet = _pm_home(slack, fake)
    assert "Role-design red flags" in quiet and ":red_circle:" not in quiet
    assert "Not enough data yet" in quiet and "post-switchover survey" in quiet
    with transaction(casebook.deps.sessions) as session:
        for slack_id in ("U0ENG1", "U0ENG2"):
            who = person(session, slack_id)
            mark_left(
                session=session, now=clock.now(), actor="test", person=who, left_at=clock.now(), reason="SRE"
            )
    fired = _pm_home(slack, fake)
    assert (
        ":red_circle: *High turnover of 2.0s (&gt;20% in year 1)*" in fired
        and "2 of 3 engineers left" in fired
    )
    assert "Source: the roster's leavers" in fired
    assert "Role-design red flags" not in _pm_home(slack, fake, "U0PILOT")  # not an engineer's business


def test_weekly_survey_by_group_fires_the_satisfaction_gap(
    casebook: Casebook, slack: Simulator, fake: FakeSlack, clock: FixedClock
) -> None:
    load_roster(casebook.deps.sessions, clock.now(), SIX)
    for user in PILOTS:
        _answer(slack, fake, user, "5")
    for user in OTHERS[:2]:
        _answer(slack, fake, user, "2")
    assert "each group needs 3 survey answers" in _pm_home(slack, fake)  # two others: no mean yet
    _answer(slack, fake, OTHERS[2], "2")
    home = _pm_home(slack, fake)
    assert "Satisfaction gap of 3.00" in home and "everyone else lower" in home
    with transaction(casebook.deps.sessions) as session:
        rows = list(session.execute(select(SurveyGroupAnswer)).scalars())
    assert sorted(r.group_name for r in rows) == ["others"] * 3 + ["pilots_leads"] * 3
    assert all(r.batch == 1 for r in rows)  # both groups published, in one batch each


def test_an_accepted_pattern_proposal_quiets_no_improvements_on_the_pm_home(
    casebook: Casebook, slack: Simulator, fake: FakeSlack, clock: FixedClock
) -> None:
    sessions = casebook.deps.sessions
    load_roster(sessions, NOV_2)
    clock.set(DEC_14)  # November has ended: each lead owes one documented improvement for it
    fired = _pm_home(slack, fake)
    assert (
        ":red_circle: *No process improvements documented*" in fired
        and "Lee Lead (November 2026: 0)" in fired
    )
    for i in range(3):  # one rule, the same approval with the same conditions three times
        live(sessions, now=NOV_18 - timedelta(days=i + 1), title=f"namespace {i}")
    limits = ProposalThresholds(min_approvals=3, window_weeks=3, max_overturns=0)
    with transaction(sessions) as session:
        [raised] = raise_proposals(session=session, now=NOV_18, period="2026-W47", limits=limits)
        decide_proposal(
            session=session, now=NOV_18, proposal_id=raised.id, lead=person(session, "U0LEAD"), accept=True
        )
    quiet = _pm_home(slack, fake)
    assert "No process improvements documented" in quiet
    assert ":red_circle: *No process improvements documented*" not in quiet
    assert "Every lead documented at least 1 process improvement a month" in quiet
