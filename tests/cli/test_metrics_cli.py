"""`casebook metrics` and `casebook incidents import` from the command line."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.cli import main
from bot.db.engine import transaction
from bot.db.models import Incident
from tests.helpers import load_roster
from tests.metrics_data import decide, review

MON = datetime(2026, 11, 16, 15, 0, tzinfo=UTC)


def seed(sessions: sessionmaker[Session]) -> None:
    load_roster(sessions, datetime(2026, 11, 1, tzinfo=UTC))
    with transaction(sessions) as session:
        for i, verdict in enumerate(["approve"] * 6 + ["escalate"] * 2):
            d = decide(session, "U0PILOT", verdict=verdict, category="rollback", at=MON.replace(minute=i))
            review(session, d, at=MON.replace(hour=18))


def test_metrics_json_shape(shipped_env, sessions, capsys) -> None:
    seed(sessions)
    assert main(["metrics", "--week", "2026-W47", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["week"] == {
        "label": "2026-W47",
        "start": "2026-11-16T05:00:00Z",
        "end": "2026-11-23T05:00:00Z",
        "timezone": "America/New_York",
    }
    assert [m["key"] for m in report["metrics"]] == [
        "handling_rate",
        "rework",
        "satisfaction",
        "incident_slo",
        "retention",
    ]
    assert [m["key"] for m in report["week12"]] == [
        "adoption",
        "escalation_trend",
        "absolute_slo",
        "confidence",
    ]
    handling = report["metrics"][0]
    assert handling["value"] == 0.75 and handling["status"] == "pass" and handling["op"] == ">"
    assert handling["previous"] is None and handling["change"] is None
    assert report["metrics"][1]["status"] == "pass"  # 8 reviews, none overturned
    assert report["metrics"][2]["status"] == "insufficient_data"
    assert report["recommendation"]["recommendation"] == "no_call"  # satisfaction lacks data
    assert report["counts"]["live_decisions"] == 8
    assert report["supporting"]["categories"][0]["category"] == "rollback"
    assert report["empty"] is False


def test_metrics_text_and_a_bad_week(shipped_env, sessions, capsys) -> None:
    seed(sessions)
    assert main(["metrics", "--week", "2026-w47"]) == 0
    out = capsys.readouterr().out
    assert "Pilot scorecard 2026-W47 (Nov 16–22, America/New_York)" in out
    assert "Recommendation: NO CALL YET" in out
    assert "Handling rate" in out and "75%" in out
    assert main(["metrics", "--week", "47"]) == 2
    assert "--week: week: '47' is not an ISO week" in capsys.readouterr().err


def test_incidents_import_all_or_nothing_and_idempotent(
    shipped_env, sessions, capsys, tmp_path: Path
) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "ref,priority,opened_at,responded_at\n"
        "INC-1,P1,2026-11-16T10:00:00Z,2026-11-16T10:12:00Z\n"
        "INC-2,P3,2026-11-16T10:00:00Z,2026-11-16T10:12:00Z\n"
    )
    assert main(["incidents", "import", str(bad)]) == 2
    assert f"{bad}:3: priority: 'P3' is not P1 or P2" in capsys.readouterr().err
    with transaction(sessions) as session:
        assert session.execute(select(Incident)).first() is None
    good = tmp_path / "good.csv"
    good.write_text(bad.read_text().replace("P3", "P2"))
    assert main(["incidents", "import", str(good)]) == 0
    assert "2 new, 0 updated, 0 unchanged" in capsys.readouterr().out
    assert main(["incidents", "import", str(good)]) == 0
    assert "0 new, 0 updated, 2 unchanged" in capsys.readouterr().out
