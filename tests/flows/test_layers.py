"""Layers, for the sync, survey, roster, incident, OOO and metrics features: jobs and listeners
reach the domain through flows, and only the domain (and db) runs SQL."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

BOT = Path(__file__).resolve().parents[2] / "bot"
JOBS = ["jobs/daily_sync.py", "jobs/survey.py"]
LISTENERS = [
    f"slack/listeners/{n}.py" for n in ("sync", "survey", "admin", "leavers", "incidents", "ooo", "metrics")
]
FLOWS = [f"flows/{n}.py" for n in ("sync", "sync_notify", "survey", "roster", "incidents", "ooo", "metrics")]
SQL = re.compile(r"\bsession\.(execute|scalars?|query)\(|\bselect\(")


def _imports(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
    return found


@pytest.mark.parametrize("name", JOBS + LISTENERS + FLOWS)
def test_no_sql_outside_the_domain(name: str) -> None:
    assert not SQL.search((BOT / name).read_text()), f"{name} runs SQL; move it into a domain repository"


@pytest.mark.parametrize("name", JOBS)
def test_the_sync_and_survey_jobs_do_not_import_slack(name: str) -> None:
    assert not [m for m in _imports(BOT / name) if m == "bot.slack" or m.startswith("bot.slack.")]


@pytest.mark.parametrize("name", LISTENERS)
def test_listeners_are_module_level_functions(name: str) -> None:
    """``register`` only wires: it defines no nested handler of its own."""
    tree = ast.parse((BOT / name).read_text())
    (register,) = [n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == "register"]
    nested = [
        n.name
        for n in ast.walk(register)
        if isinstance(n, (ast.FunctionDef, ast.Lambda)) and n is not register
    ]
    assert nested == []


@pytest.mark.parametrize("name", JOBS + LISTENERS + FLOWS)
def test_modules_and_functions_stay_small(name: str) -> None:
    source = (BOT / name).read_text()
    assert source.count("\n") < 400
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            assert (node.end_lineno or node.lineno) - node.lineno + 1 <= 60, f"{name}:{node.name}"
