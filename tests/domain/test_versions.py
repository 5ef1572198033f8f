"""Version snapshots: read once per process, keyed by the row's identity and content hash."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import Engine, event, select, update

from bot.db.engine import read_transaction, transaction
from bot.db.models import ScenarioVersion
from bot.domain.versions import version_snapshot
from tests.domain.scenario_fixtures import synced


def _content_reads(engine: Engine) -> list[str]:
    reads: list[str] = []

    def seen(_conn: Any, _cursor: Any, statement: str, *_rest: Any) -> None:
        if "scenario_versions.content" in statement and "content_hash" not in statement:
            reads.append(statement)

    event.listen(engine, "before_cursor_execute", seen)
    return reads


def test_a_snapshot_is_read_once_and_a_row_with_other_content_under_the_same_id_is_not_served_it(
    sessions, clock, engine: Engine
) -> None:
    with transaction(sessions) as session:
        synced(session, clock.now())
        first = session.execute(select(ScenarioVersion).order_by(ScenarioVersion.id)).scalars().first()
        assert first is not None
        version_id, title = first.id, first.content["title"]
    reads = _content_reads(engine)
    with read_transaction(sessions) as session:
        one = version_snapshot(session=session, version_id=version_id)
        read_first = len(reads)  # 0 when an earlier test in this process read the same row
        again = version_snapshot(session=session, version_id=version_id)
    assert one is again and one.spec.title == title and len(reads) == read_first <= 1
    # Another database (a test's, the sandbox's next one) may hold other content under the same
    # id: here the row is rewritten in place, with its hash, as such a database would have it.
    with transaction(sessions) as session:
        content = dict(first.content, title="Another database's scenario")
        session.execute(
            update(ScenarioVersion)
            .where(ScenarioVersion.id == version_id)
            .values(content=content, content_hash=uuid.uuid4().hex)
        )
    with read_transaction(sessions) as session:
        other = version_snapshot(session=session, version_id=version_id)
    assert other.spec.title == "Another database's scenario" and other.id == version_id
    assert len(reads) == read_first + 1
