"""Program YAML: the shipped example is valid; a bad value is one line naming file, field, problem."""

from __future__ import annotations

import subprocess
import sys
from datetime import date, time
from pathlib import Path

import pytest

from bot.config import EXAMPLE_PROGRAM
from bot.program import ConfigError, Phase, load_program, parse_program

BASE = EXAMPLE_PROGRAM.read_text()


def test_example_program_is_valid() -> None:
    program = load_program(EXAMPLE_PROGRAM)
    assert program.schedule.daily_sync.time == time(17, 45)
    assert program.phase_on(date(2026, 11, 18)) is Phase.PARALLEL_RUN
    assert len(program.survey.questions) == 5


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ('time: "17:45"', 'time: "25:61"', "schedule.daily_sync.time: invalid time '25:61'"),
        ("timezone: America/New_York", "timezone: Mars/Olympus", "timezone: unknown timezone 'Mars/Olympus'"),
        (
            "handling_rate: 0.70",
            "handling_rate: 7",
            "thresholds.handling_rate: Input should be less than or equal to 1",
        ),
        ("days: [mon, wed, fri]", "days: [mon, funday]", "announcements.0.days: unknown weekday 'fun'"),
        ("  review: C0CBREVIEW\n", "", "channels.review: Field required"),
    ],
)
def test_bad_values_name_file_line_and_field(old: str, new: str, expected: str) -> None:
    assert old in BASE
    with pytest.raises(ConfigError) as info:
        parse_program(BASE.replace(old, new, 1), source="program.yaml")
    message = str(info.value)
    assert message.startswith("program.yaml:")
    assert expected in message
    assert "\n" not in message


def test_cli_reports_bad_program_in_one_line_with_exit_2(tmp_path: Path) -> None:
    bad = tmp_path / "program.yaml"
    bad.write_text(BASE.replace('time: "17:45"', 'time: "7pm"'))
    env = {
        "CASEBOOK_PROGRAM": str(bad),
        "SLACK_BOT_TOKEN": "xoxb-1",
        "SLACK_SIGNING_SECRET": "s",
        "DATABASE_URL": f"sqlite:///{tmp_path}/x.db",
        "PATH": "/usr/bin:/bin",
    }
    proc = subprocess.run(
        [sys.executable, "-m", "bot", "serve"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        cwd=Path(__file__).resolve().parents[1],
    )
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    assert f"{bad}:" in lines[0] and "schedule.daily_sync.time" in lines[0] and "Traceback" not in proc.stderr


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("review: C0CBREVIEW", 'review: "#general"', "channels.review: '#general' is not a channel id"),
        ("pm: C0CBPMDIGST", "pm: pm-digest", "channels.pm: 'pm-digest' is not a channel id"),
    ],
)
def test_channel_names_where_ids_are_needed_are_refused(old: str, new: str, expected: str) -> None:
    with pytest.raises(ConfigError) as info:
        parse_program(BASE.replace(old, new, 1), source="program.yaml")
    assert expected in str(info.value) and "\n" not in str(info.value)


def test_a_program_without_phases_is_refused() -> None:
    start = BASE.index("\nphases:") + 1
    end = BASE.index("\nchannels:")
    text = BASE[:start] + "phases: []\n" + BASE[end:]
    with pytest.raises(ConfigError, match=r"phases: no phases: list at least one"):
        parse_program(text, source="program.yaml")


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (BASE.encode("utf-16"), "is UTF-16 text"),
        (BASE.replace("Ops Engineer", "Öps Engineer").encode("latin-1"), "is not UTF-8 (byte 0xd6"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "is not text (a NUL byte"),
    ],
    ids=["utf-16", "latin-1", "binary"],
)
def test_an_unreadable_program_file_is_one_line(tmp_path: Path, content: bytes, expected: str) -> None:
    path = tmp_path / "program.yaml"
    path.write_bytes(content)
    with pytest.raises(ConfigError) as info:
        load_program(path)
    assert expected in str(info.value) and "\n" not in str(info.value)
    with pytest.raises(ConfigError, match="must be a regular file"):
        load_program(Path("/dev/zero"))


def test_a_section_given_twice_is_refused_with_its_line() -> None:
    """YAML keeps the last of two same-named keys; a program file must not lose a section silently."""
    text = BASE + "\nchannels: {review: C1, pm: C2, announcements: C3}\n"
    with pytest.raises(ConfigError) as raised:
        parse_program(text, source="program.yaml")
    line = len(BASE.splitlines()) + 2
    assert str(raised.value) == f"program.yaml:{line}: YAML syntax error: 'channels' appears twice; keep one"
