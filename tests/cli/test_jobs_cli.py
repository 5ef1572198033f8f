"""`casebook jobs list|run|status` through the real CLI entry point."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from datetime import UTC, datetime

import pytest

from bot.cli import main
from bot.sandbox.fakeslack import FakeSlack


def test_jobs_list_shows_every_job_its_trigger_and_next_run(
    cli_env: None, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["jobs", "list"]) == 0
    out = capsys.readouterr().out
    for name in ("daily-sync", "survey", "survey-reminder", "digest", "announcements", "review-reminder"):
        assert name in out
    assert "17:45 each person's local time, mon,tue,wed,thu,fri" in out
    assert "office-hours: 14:00 America/New_York" in out
    assert "next run:" in out


def test_jobs_run_as_of_a_time_sends_once_and_summarises(
    cli_env: None, fake: FakeSlack, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["jobs", "run", "daily-sync", "--at", "2026-11-17T17:50:00-05:00"]) == 0
    out = capsys.readouterr().out
    assert "daily-sync as of 2026-11-17 22:50 UTC" in out
    assert "2 send(s) enqueued" in out
    assert "daily-sync: 2 sent, 4 missed" in out  # Berlin's today and everyone's Monday: too late
    assert len(fake.dms_to("U0ENG1")) == 1
    assert main(["jobs", "run", "daily-sync", "--at", "2026-11-17T17:50"]) == 0  # program time
    assert "nothing new" in capsys.readouterr().out
    assert len(fake.dms_to("U0ENG1")) == 1


def test_jobs_status_lists_outcomes_with_reasons(cli_env: None, capsys: pytest.CaptureFixture[str]) -> None:
    main(["jobs", "run", "daily-sync", "--at", "2026-11-17T22:50:00Z"])
    capsys.readouterr()
    assert main(["jobs", "status", "--period", "2026-11-17"]) == 0
    out = capsys.readouterr().out
    assert "daily-sync             2 sent, 1 missed" in out
    assert "missed   daily-sync             U0ENG2" in out
    assert "grace window passed" in out
    assert "U0ENG1" not in out.split("reason", 1)[1]  # sent rows only with --all
    main(["jobs", "status", "--period", "2026-11-17", "--all"])
    assert "U0ENG1" in capsys.readouterr().out


def test_unknown_jobs_and_bad_times_fail_clearly(cli_env: None, capsys: pytest.CaptureFixture[str]) -> None:
    # Every catalogued job is imported directly: there is no "not available yet" any more.
    with pytest.raises(SystemExit) as exc:
        main(["jobs", "run", "weekly-party"])
    assert exc.value.code == 2
    assert main(["jobs", "run", "survey", "--at", "friday"]) == 2
    assert "--at: 'friday' is not an ISO-8601 time" in capsys.readouterr().err


def test_casebook_scheduler_runs_until_sigterm(cli_env: None) -> None:
    proc = subprocess.Popen(
        [sys.executable, "-m", "bot", "scheduler"],
        env=dict(os.environ, LOG_LEVEL="INFO"),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None and proc.stdout.readline().startswith("scheduler running")
        assert proc.stderr is not None
        for line in proc.stderr:
            if "scheduler leadership acquired" in line:
                break
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(15) == 0
    finally:
        proc.kill()


def test_no_next_run_says_why(program) -> None:
    """Issue 16: "next run: —" with no reason once the program's phases are over."""
    from datetime import timedelta

    from bot.cli.jobs import _why_not

    last = max(w.end for w in program.phases)
    after = datetime(last.year, last.month, last.day, tzinfo=UTC) + timedelta(days=3)
    assert _why_not(program, after, configured=True) == (
        f"the program's phases ended on {last:%Y-%m-%d}; add or extend phases in the program file"
    )
    assert _why_not(program, after, configured=False) == "no trigger is configured"
