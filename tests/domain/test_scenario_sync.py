"""Scenario versions: synced by content hash, edits version, removals retire, decisions pin a version."""

from __future__ import annotations

import threading
from datetime import timedelta
from pathlib import Path

from sqlalchemy import func, select

from bot.db.engine import transaction
from bot.db.models import Decision, Scenario, ScenarioVersion
from bot.domain.library import load_library
from bot.domain.practice import deal_practice
from bot.domain.scenario_sync import sync_library
from tests.domain.scenario_fixtures import answer, copy_library, person_id, synced
from tests.helpers import load_roster

SLUG = "rb-04-payments-canary"


def _versions(sessions, slug: str) -> list[ScenarioVersion]:
    with transaction(sessions) as session:
        scenario = session.execute(select(Scenario).where(Scenario.slug == slug)).scalar_one()
        return list(
            session.execute(
                select(ScenarioVersion)
                .where(ScenarioVersion.scenario_id == scenario.id)
                .order_by(ScenarioVersion.version)
            ).scalars()
        )


def _scenario(sessions, slug: str) -> Scenario:
    with transaction(sessions) as session:
        return session.execute(select(Scenario).where(Scenario.slug == slug)).scalar_one()


def test_first_sync_creates_every_scenario_and_a_second_changes_nothing(
    sessions, clock, tmp_path: Path
) -> None:
    library = load_library(copy_library(tmp_path))
    with transaction(sessions) as session:
        first = sync_library(session=session, now=clock.now(), library=library)
    with transaction(sessions) as session:
        second = sync_library(session=session, now=clock.now(), library=library)
        versions = session.execute(select(func.count(ScenarioVersion.id))).scalar_one()
    assert len(first.created) == len(library.scenarios) and first.changed
    assert not second.changed and second.unchanged == len(library.scenarios)
    assert versions == len(library.scenarios)
    [v1] = _versions(sessions, SLUG)
    assert v1.version == 1 and v1.expected_verdict == "approve"
    assert (
        v1.content["id"] == SLUG
        and v1.content_hash == next(s for s in library.scenarios if s.id == SLUG).content_hash()
    )


def test_an_edit_makes_a_new_version_and_decisions_keep_theirs(sessions, clock, tmp_path: Path) -> None:
    load_roster(sessions, clock.now())
    lib_dir = copy_library(tmp_path)
    path = lib_dir / "rollback" / f"{SLUG}.yaml"
    with transaction(sessions) as session:
        synced(session, clock.now(), lib_dir)
        old = answer(session, now=clock.now(), who=person_id(session), slug=SLUG)
        old_version = old.scenario_version_id
    original = path.read_text()
    path.write_text(original.replace("p99 latency of 1.9s", "p99 latency of 2.3s"))
    clock.advance(timedelta(days=1))
    with transaction(sessions) as session:
        report = sync_library(session=session, now=clock.now(), library=load_library(lib_dir))
    assert report.new_versions == [SLUG] and report.created == []
    v1, v2 = _versions(sessions, SLUG)
    assert (v1.version, v2.version) == (1, 2)
    assert "2.3s" in v2.content["context"] and "1.9s" in v1.content["context"]
    assert _scenario(sessions, SLUG).current_version_id == v2.id
    with transaction(sessions) as session:
        assert session.get(Decision, old.id).scenario_version_id == old_version == v1.id
        new = answer(session, now=clock.now(), who=person_id(session, "U0ENG2"), slug=SLUG)
        assert new.scenario_version_id == v2.id

    path.write_text(original)  # reverting points back at version 1, without a third row
    with transaction(sessions) as session:
        report = sync_library(session=session, now=clock.now(), library=load_library(lib_dir))
    assert report.reverted == [SLUG]
    assert len(_versions(sessions, SLUG)) == 2
    assert _scenario(sessions, SLUG).current_version_id == v1.id


def test_a_removed_file_retires_its_scenario_and_it_is_no_longer_dealt(
    sessions, clock, tmp_path: Path
) -> None:
    load_roster(sessions, clock.now())
    lib_dir = copy_library(tmp_path)
    with transaction(sessions) as session:
        library = synced(session, clock.now(), lib_dir)
    rollback = [s.id for s in library.in_category("rollback")]
    for slug in rollback[1:]:
        (lib_dir / "rollback" / f"{slug}.yaml").unlink()
    with transaction(sessions) as session:
        report = sync_library(session=session, now=clock.now(), library=load_library(lib_dir))
    assert sorted(report.retired) == sorted(rollback[1:])
    assert _scenario(sessions, rollback[1]).retired_at == clock.now()
    with transaction(sessions) as session:
        who = person_id(session)
        for _ in range(3):
            dealt = deal_practice(
                session=session,
                now=clock.now(),
                person_id=who,
                categories=library.category_ids,
                category="rollback",
            )
            assignment_version = session.get(ScenarioVersion, dealt.assignment.scenario_version_id)
            assert session.get(Scenario, assignment_version.scenario_id).slug == rollback[0]
    (lib_dir / "rollback" / f"{rollback[1]}.yaml").write_text(
        (copy_library(tmp_path / "again") / "rollback" / f"{rollback[1]}.yaml").read_text()
    )
    with transaction(sessions) as session:
        report = sync_library(session=session, now=clock.now(), library=load_library(lib_dir))
    assert report.revived == [rollback[1]] and report.new_versions == []
    assert _scenario(sessions, rollback[1]).retired_at is None


def test_two_processes_syncing_at_once_write_each_version_once(
    engine, sessions, clock, tmp_path: Path
) -> None:
    library = load_library(copy_library(tmp_path))
    errors: list[BaseException] = []
    barrier = threading.Barrier(4)

    def run() -> None:
        try:
            barrier.wait()
            with transaction(sessions) as session:
                sync_library(session=session, now=clock.now(), library=library)
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    with transaction(sessions) as session:
        assert session.execute(select(func.count(Scenario.id))).scalar_one() == len(library.scenarios)
        assert session.execute(select(func.count(ScenarioVersion.id))).scalar_one() == len(library.scenarios)


def test_create_app_syncs_at_start_up(casebook) -> None:
    with transaction(casebook.deps.sessions) as session:
        count = session.execute(
            select(func.count(Scenario.id)).where(Scenario.retired_at.is_(None))
        ).scalar_one()
    assert casebook.deps.library is not None
    assert count == len(casebook.deps.library.scenarios)


def test_start_up_sync_logs_what_changed(sessions, clock, caplog) -> None:
    import logging

    from bot.app import sync_scenarios
    from tests.domain.scenario_fixtures import SHIPPED

    caplog.set_level(logging.INFO, logger="bot.app")
    library = load_library(SHIPPED)
    sync_scenarios(sessions=sessions, clock=clock, library=library)
    sync_scenarios(sessions=sessions, clock=clock, library=library)
    [record] = [r for r in caplog.records if r.getMessage() == "scenario library synced"]
    assert record.scenarios_created == len(library.scenarios)
