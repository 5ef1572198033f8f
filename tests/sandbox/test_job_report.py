"""Sandbox "Run job": what it queued, for whom, when it appears, and moving the clock there."""

from __future__ import annotations

from tests.helpers import eventually
from tests.sandbox.conftest import ADA, BEN, Api

DM_ADA, DM_BEN = "D0ADA", "D0BEN"


def _bot_messages(api: Api, user: str, channel: str) -> list[str]:
    return [i["text"] for i in api.state(user, channel)["timeline"] if i["kind"] == "message"]


def test_a_per_person_job_lists_who_waits_for_which_local_time(api: Api) -> None:
    before = _bot_messages(api, ADA, DM_ADA)
    reply = api.post("/api/job", {"name": "daily-sync", "at": "2026-11-17T17:50"})
    assert reply["result"] == "ran daily-sync as of Tue 17 Nov 2026 17:50 EST: 2"
    rows = {row["who"]: row for row in reply["queued"]}
    assert set(rows) == {"Ada Park", "Cy Rivera", "Ben Okafor"}
    ben = rows["Ben Okafor"]  # 17:45 in Berlin was 11:45 here: long past its grace by 17:50
    assert not ben["waiting"] and ben["status"] != "pending", ben
    assert ben["appears"].startswith("missed: "), ben
    ada = rows["Ada Park"]
    assert ada["due_local"] == "Tue 17 Nov 17:45 (America/New_York)"
    assert ada["waiting"] is True and ada["appears"] == "waits for the clock"
    assert ada["due_input"] == "2026-11-17T17:45"
    assert _bot_messages(api, ADA, DM_ADA) == before  # the sandbox clock is still Tuesday 09:00

    api.post("/api/clock", {"now": ada["due_input"]})
    eventually(lambda: len(_bot_messages(api, ADA, DM_ADA)) > len(before))


def test_each_person_waits_for_their_own_local_time(api: Api) -> None:
    reply = api.post("/api/job", {"name": "daily-sync", "at": "2026-11-17T12:00"})
    (ben,) = reply["queued"]
    assert (ben["who"], ben["recipient"]) == ("Ben Okafor", BEN)
    assert ben["due_local"] == "Tue 17 Nov 17:45 (Europe/Berlin)"
    assert ben["due_program"] == "Tue 17 Nov 11:45 (America/New_York)"
    assert not _bot_messages(api, BEN, DM_BEN)
    api.post("/api/clock", {"now": ben["due_input"]})
    eventually(lambda: _bot_messages(api, BEN, DM_BEN))


def test_a_program_wide_job_is_sent_at_once(api: Api) -> None:
    reply = api.post("/api/job", {"name": "digest", "at": "2026-11-17T08:00"})
    assert reply["queued"], reply
    assert all(not row["waiting"] for row in reply["queued"])
    assert {row["who"] for row in reply["queued"]} <= {"#pilot-pm"}
