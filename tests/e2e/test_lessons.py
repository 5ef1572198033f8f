"""End to end: the wrap-up thread's buttons, attributed and anonymous lessons, and their summary."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

from sqlalchemy import inspect, select

from bot.app import Casebook
from bot.clock import FixedClock
from bot.db.engine import transaction
from bot.db.models import AuditEvent
from bot.db.models_voices import Lesson, LessonResponse
from bot.domain.lessons import NOT_ENOUGH, lessons_report
from bot.sandbox.fakeslack import FakeSlack
from bot.sandbox.simulator import Simulator
from tests.helpers import eventually, load_roster, settle, texts
from tests.jobs.conftest import NY, local, runner

FRIDAY = date(2026, 11, 20)  # week 11 (2026-W47): the wrap-up announcement posts at 17:00


def _thread(casebook: Casebook, fake: FakeSlack, clock: FixedClock) -> dict[str, str]:
    """Post the wrap-up; return its lessons thread's buttons {action_id: value} and where they are."""
    load_roster(casebook.deps.sessions, datetime(2026, 11, 1, tzinfo=UTC))
    run = runner(casebook, clock)
    run("announcements", local(FRIDAY, "17:00", NY))
    run("announcements", local(FRIDAY, "17:05", NY))  # a second tick adds nothing
    (post,) = fake.messages_in("C0CBANNOUNC", top_level=True)
    assert post.text.startswith(":checkered_flag: Weekly wrap-up")
    (reply,) = eventually(lambda: fake.messages_in("C0CBANNOUNC", thread_ts=post.ts))
    assert "Lessons for 2026-W47" in texts(reply.blocks)
    buttons = {
        e["action_id"]: e["value"] for b in reply.blocks if b["type"] == "actions" for e in b["elements"]
    }
    assert set(buttons) == {"lesson_went_well", "lesson_was_hard"}
    return buttons | {"channel": reply.channel, "ts": reply.ts}


def _click(slack: Simulator, thread: dict[str, str], uid: str, action: str) -> None:
    """Click one of the lessons thread's buttons as ``uid``."""
    slack.click(
        uid, action_id=action, value=thread[action], channel=thread["channel"], message_ts=thread["ts"]
    )


def _share(
    slack: Simulator, fake: FakeSlack, thread: dict[str, str], uid: str, action: str, text: str, who: str
) -> dict:
    before = set(fake.views)
    _click(slack, thread, uid, action)
    view_id = eventually(lambda: [v for v in fake.views if v not in before])[-1]
    assert fake.views[view_id]["callback_id"] == "lesson_modal"
    return slack.submit(uid, view_id, {"lesson_text": text, "lesson_attribution": who}).json


def test_lessons_summarise_attributed_and_anonymous_ones_safely(
    casebook: Casebook, slack: Simulator, fake: FakeSlack, clock: FixedClock
) -> None:
    thread = _thread(casebook, fake, clock)
    done = _share(slack, fake, thread, "U0ENG1", "lesson_went_well", "Pairing with Mo on escalations", "me")
    assert "Saved with your name" in texts(done["view"]["blocks"])
    _share(slack, fake, thread, "U0ENG2", "lesson_went_well", "The decision tree worksheet", "anonymous")
    for uid, text in (
        ("U0ENG1", "Rollback paperwork"),
        ("U0PILOT", "Too many tools at once"),
        ("U0MENTOR", "Review queue at 5pm"),
    ):
        _share(slack, fake, thread, uid, "lesson_was_hard", text, "anonymous")
    settle(casebook)
    with transaction(casebook.deps.sessions) as session:
        (week,) = lessons_report(session=session, program=casebook.deps.program)
        anonymous = list(session.execute(select(Lesson).where(Lesson.person_id.is_(None))).scalars())
        columns = {c["name"] for c in inspect(session.connection()).get_columns("lessons")}
        responses = {c["name"] for c in inspect(session.connection()).get_columns("lesson_responses")}
        audit = [
            json.loads(e.payload)
            for e in session.execute(
                select(AuditEvent).where(AuditEvent.action == "lesson.submitted")
            ).scalars()
        ]
        answered = session.execute(select(LessonResponse.person_id)).all()
    assert week.week == "2026-W47" and week.people == 4
    # Went well: the named one shown; the single anonymous one held back, counted, with the plain note.
    assert [(i.text, i.author) for i in week.went_well.shown] == [
        ("Pairing with Mo on escalations", "Ada Engineer")
    ]
    assert (week.went_well.hidden, week.went_well.note) == (1, NOT_ENOUGH)
    # Was hard: three anonymous lessons (the minimum), shown without names, in an order that says nothing.
    assert [(i.text, i.author) for i in week.was_hard.shown] == [
        ("Review queue at 5pm", None),
        ("Rollback paperwork", None),
        ("Too many tools at once", None),
    ]
    assert week.was_hard.hidden == 0
    # Nothing leads from an anonymous lesson back to its author: no person, no time, a random id.
    assert len(anonymous) == 4 and columns == {"id", "week", "kind", "text", "person_id"}
    assert all(len(a.id) == 32 for a in anonymous)
    assert responses == {"id", "person_id", "week", "kind"} and len(answered) == 5
    assert all(set(p) == {"week", "kind"} for p in audit) and len(audit) == 5
    # The PM's Home shows the same summary.
    slack.open_home("U0PM")
    home = texts(eventually(lambda: fake.home.get("U0PM"))["blocks"])
    assert "Pairing with Mo on escalations" in home and "Ada Engineer" in home
    assert "The decision tree worksheet" not in home and NOT_ENOUGH in home
    assert "Too many tools at once" in home


def test_one_of_each_kind_a_week_and_the_form_explains_problems(
    casebook: Casebook, slack: Simulator, fake: FakeSlack, clock: FixedClock
) -> None:
    thread = _thread(casebook, fake, clock)
    before = set(fake.views)
    _click(slack, thread, "U0ENG1", "lesson_was_hard")
    view_id = eventually(lambda: [v for v in fake.views if v not in before])[-1]
    reply = slack.submit("U0ENG1", view_id, {"lesson_text": "ok", "lesson_attribution": None}).json
    assert reply["response_action"] == "errors"
    assert set(reply["errors"]) == {"lesson_text", "lesson_attribution"}
    assert "at least 5 characters" in reply["errors"]["lesson_text"]
    slack.submit(
        "U0ENG1", view_id, {"lesson_text": "Night shift handover", "lesson_attribution": "anonymous"}
    )
    settle(casebook)
    count = len(fake.views)
    _click(slack, thread, "U0ENG1", "lesson_was_hard")
    refused = eventually(lambda: fake.responses)[-1]
    assert "already shared this for 2026-W47" in texts(refused["blocks"])
    assert len(fake.views) == count
    with transaction(casebook.deps.sessions) as session:
        assert len(session.execute(select(Lesson)).all()) == 1
