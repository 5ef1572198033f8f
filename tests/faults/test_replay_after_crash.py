"""A worker that dies after its work committed and before the inbox row was marked done leaves
the row to run again (issue 14): that replay must find the effect it had, not have it twice."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from bot.app import Casebook
from bot.db.engine import transaction
from bot.db.models import Assignment, InboxItem
from bot.db.models_perf import RequestDeal
from bot.sandbox.fakeslack import FakeSlack
from bot.sandbox.simulator import Simulator
from bot.web import inbox as web_inbox
from bot.web.devserver import BackgroundServer
from bot.web.wsgi import make_wsgi
from tests.conftest import SIGNING_SECRET
from tests.e2e.cards import cards
from tests.helpers import eventually, load_roster

ENG = "U0ENG1"


@pytest.fixture
def bare(casebook: Casebook, fake: FakeSlack) -> Iterator[Simulator]:
    """The real front end, with no worker running: the test runs the stored work itself."""
    casebook.inbox.stop()
    server = BackgroundServer(make_wsgi(casebook)).start()
    yield Simulator(events_url=server.url + "/slack/events", signing_secret=SIGNING_SECRET, fake=fake)
    server.stop()


def _dies_after_the_work(monkeypatch: pytest.MonkeyPatch) -> None:
    """The first ``finish_many`` never happens: the process is gone between the work's commit and it."""
    real = web_inbox.inbox.finish_many
    calls: list[int] = []

    def finish_many(**kwargs: object) -> None:
        calls.append(1)
        if len(calls) == 1:
            raise RuntimeError("killed after the work committed")
        real(**kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(web_inbox.inbox, "finish_many", finish_many)


def test_practice_replayed_after_a_crash_finds_the_card_it_dealt(
    casebook: Casebook, bare: Simulator, fake: FakeSlack, clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    load_roster(casebook.deps.sessions, clock.now())
    assert bare.command(ENG, "practice").status == 200
    _dies_after_the_work(monkeypatch)
    with pytest.raises(RuntimeError):
        casebook.inbox.run_once()
    casebook.deps.dispatcher.wait_idle(5)
    assert len(eventually(lambda: cards(fake, ENG))) == 1

    clock.advance(casebook.inbox.lease + timedelta(seconds=1))  # the dead worker's lease runs out
    assert casebook.inbox.run_once() == 1, "the row is run again"
    casebook.deps.dispatcher.wait_idle(5)
    with transaction(casebook.inbox.sessions) as session:
        (row,) = session.execute(select(InboxItem)).scalars()
        assert (row.status, row.attempts) == ("done", 2)
    with transaction(casebook.deps.sessions) as session:
        assert session.scalar(select(func.count()).select_from(Assignment)) == 1, "no second card dealt"
        (deal,) = session.execute(select(RequestDeal)).scalars()
        assert deal.request == f"inbox-{row.id}"
    assert len(cards(fake, ENG)) == 1
    assert len([r for r in fake.responses if "on its way" in str(r)]) == 2, "each run answers the person"
