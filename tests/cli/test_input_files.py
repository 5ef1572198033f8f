"""Every input file a person hands over is read cleanly or refused in one line, exit 2, nothing imported."""

from __future__ import annotations

import logging
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bot.cli import main
from bot.config import EXAMPLE_PROGRAM
from bot.db.engine import transaction
from bot.db.models import Incident, Person
from tests.helpers import ROSTER_CSV

INCIDENTS_CSV = "ref,priority,opened_at,responded_at\nINC-1,P1,2026-11-17T10:00:00Z,2026-11-17T10:20:00Z\n"


@pytest.fixture(autouse=True)
def env(database_url: str, sessions, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("CASEBOOK_PROGRAM", str(EXAMPLE_PROGRAM))
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)


def _count(sessions, model: type) -> int:
    with transaction(sessions) as session:
        return int(session.execute(select(func.count()).select_from(model)).scalar_one())


BAD_FILES = {
    "latin-1": (lambda text: text.replace("Ada", "Adà").encode("latin-1"), "is not UTF-8 (byte 0xe0"),
    "utf-16": (lambda text: text.encode("utf-16"), "is UTF-16 text; save it as UTF-8"),
    "binary": (
        lambda text: b"PK\x03\x04\x14\x00\x00\x00" + text.encode(),
        "is not text (a NUL byte at offset 5)",
    ),
    "nul in a name": (lambda text: text.replace("Ada", "A\x00da").encode(), "is not text (a NUL byte"),
    "control char": (
        lambda text: text.replace("Ada", "A\x1bda").encode(),
        "contains a control character (U+001B)",
    ),
    "oversize": (lambda text: text.encode() + b"#" * (5 * 1024 * 1024), "the limit is 5,242,880"),
}


@pytest.mark.parametrize("case", BAD_FILES, ids=list(BAD_FILES))
def test_a_bad_roster_file_is_refused_in_one_line(case: str, tmp_path: Path, sessions, capsys) -> None:
    make, expected = BAD_FILES[case]
    assert "Ada" in ROSTER_CSV
    path = tmp_path / "roster.csv"
    path.write_bytes(make(ROSTER_CSV))
    assert main(["roster", "import", str(path)]) == 2
    err = capsys.readouterr().err.strip()
    assert expected in err and len(err.splitlines()) == 1 and "Traceback" not in err, err
    assert _count(sessions, Person) == 0


def test_a_device_is_not_read(sessions, capsys) -> None:
    assert main(["roster", "import", "/dev/zero"]) == 2
    assert "must be a regular file" in capsys.readouterr().err
    assert _count(sessions, Person) == 0


def test_a_good_roster_with_a_bom_still_imports(tmp_path: Path, sessions, capsys) -> None:
    path = tmp_path / "roster.csv"
    path.write_bytes(b"\xef\xbb\xbf" + ROSTER_CSV.encode())
    assert main(["roster", "import", str(path)]) == 0
    assert _count(sessions, Person) > 0


@pytest.mark.parametrize("case", ["utf-16", "binary", "oversize"])
def test_a_bad_incidents_file_is_refused_in_one_line(case: str, tmp_path: Path, sessions, capsys) -> None:
    make, expected = BAD_FILES[case]
    path = tmp_path / "incidents.csv"
    path.write_bytes(make(INCIDENTS_CSV.replace("INC-1", "Ada-1")))
    assert main(["incidents", "import", str(path)]) == 2
    err = capsys.readouterr().err.strip()
    assert expected.replace("roster", "incidents file") in err and len(err.splitlines()) == 1, err
    assert _count(sessions, Incident) == 0


def test_an_unreadable_scenario_file_is_one_line_per_file(tmp_path: Path, capsys) -> None:
    library = tmp_path / "scenarios"
    shutil.copytree(Path(__file__).resolve().parents[2] / "scenarios", library)
    first, second = sorted((library / "rollback").glob("*.yaml"))[:2]
    first.write_bytes(first.read_text().encode("utf-16"))
    second.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    assert main(["scenarios", "validate", str(library)]) == 2
    out = capsys.readouterr()
    lines = (out.out + out.err).strip().splitlines()
    assert any(f"{first}:1: (file): the scenario file is UTF-16 text" in line for line in lines), lines
    assert any(f"{second}:1: (file): the scenario file is not text" in line for line in lines), lines
    assert "Traceback" not in out.err
