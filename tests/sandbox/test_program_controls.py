"""The sandbox's report control over its JSON API: build, serve only the report's own files."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from typing import Any

from bot.db.engine import transaction
from bot.domain.people import import_roster, parse_roster
from bot.sandbox.program_controls import MARKER, after_program, load_program, report_dir
from bot.sandbox.runtime import Sandbox
from tests.helpers import eventually
from tests.sandbox.conftest import ADA, BEN, Api


def _get(url: str) -> tuple[int, str, dict[str, str]]:
    try:
        with urllib.request.urlopen(url, timeout=15) as resp:
            return resp.status, resp.read().decode("utf-8"), dict(resp.headers)
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode("utf-8"), dict(exc.headers)


def test_build_the_report_and_read_it_from_the_sandbox(api: Api, sandbox: Sandbox) -> None:
    status, _, _ = _get(api.url + "/report/index.html")
    assert status == 404  # nothing built yet
    built = api.post("/api/report", {})
    assert built["ok"] and built["url"] == "/report/index.html"
    assert "all 19 sections were computed" in built["result"]
    status, html, headers = _get(api.url + built["url"])
    assert status == 200 and "post-program report" in html
    assert (
        "script-src" not in headers["Content-Security-Policy"]
        and "sandbox" in headers["Content-Security-Policy"]
    )
    status, csv_text, _ = _get(api.url + "/report/readiness.csv")
    assert status == 200 and csv_text.startswith("engineer,slack_user_id,mentor")
    for sneaky in ("/report/..%2Fsandbox.db", "/report/../sandbox.db", "/report/%2Fetc%2Fpasswd"):
        assert _get(api.url + sneaky)[0] == 404
    assert (report_dir(sandbox) / "manifest.json").is_file()


def test_the_program_loads_into_a_fresh_sandbox_only(sandbox: Sandbox) -> None:
    assert after_program(sandbox).isoformat() == "2026-11-30T09:00:00-05:00"  # the Monday after week 12
    assert sandbox.casebook is not None
    row = f"slack_user_id,name,email,roles,mentor,timezone\n{MARKER},Dana Wu,dana@example.com,engineer,,\n"
    with transaction(sandbox.casebook.deps.sessions) as session:
        import_roster(session=session, now=sandbox.clock.now(), actor="test", rows=parse_roster(row))
    refused = load_program(sandbox)
    assert refused == {
        "ok": False,
        "error": "The four-week program is already loaded. Reset the sandbox first.",
    }


def _load(api: Api) -> dict[str, Any]:
    """POST /api/program with room for the seed (several seconds on a busy machine)."""
    req = urllib.request.Request(api.url + "/api/program", data=b"{}", method="POST")
    req.add_header("Content-Type", "application/json")
    with urllib.request.urlopen(req, timeout=240) as resp:
        return dict(json.loads(resp.read()))


def _checkins(api: Api, user: str, dm: str) -> list[dict[str, Any]]:
    return [
        item
        for item in api.state(user, dm)["timeline"]
        if item["kind"] == "message" and item["text"].startswith("Training check-in:")
    ]


def test_after_loading_the_program_a_week_9_session_sends_its_check_in_dms(
    api: Api, sandbox: Sandbox
) -> None:
    loaded = _load(api)
    assert loaded["ok"] and "Loaded weeks 9–12" in loaded["result"], loaded
    assert _checkins(api, ADA, "D0ADA") == []
    api.post("/api/clock", {"now": "2026-11-02T09:00"})  # Monday of week 9, program time
    reply = api.post("/api/job", {"name": "training-checkin", "at": "2026-11-02T09:00"})
    assert reply["ok"] and reply["result"].endswith(": 20"), reply
    who = {row["who"] for row in reply["queued"]}
    assert {"Ada Park", "Ben Okafor", "Cy Rivera", "Dana Wu"} <= who and len(who) == 20
    eventually(lambda: _checkins(api, ADA, "D0ADA"))
    [dm] = _checkins(api, ADA, "D0ADA")
    assert "Automation fundamentals" in dm["text"]
    buttons = [e["text"]["text"] for b in dm["blocks"] if b["type"] == "actions" for e in b["elements"]]
    assert buttons == ["I'm here", "Can't make it"], buttons
    eventually(lambda: _checkins(api, BEN, "D0BEN"))
