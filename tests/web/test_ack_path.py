"""The ack path does one thing with the database (issue 14): it stores the request's work.

No caller lookup, no card read, no other query before Slack has its answer: each of the
kinds the benchmark sends (a slash command, a card click, the justification form) costs
exactly one INSERT into the inbox on the serving side, counted at the database driver.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import Engine, event

from bot.app import Casebook
from bot.sandbox.fakeslack import FakeSlack
from bot.sandbox.simulator import Simulator
from bot.web.devserver import BackgroundServer
from bot.web.wsgi import make_wsgi
from tests.conftest import SIGNING_SECRET
from tests.e2e.cards import click_decision, good_values, justify_modal, open_card
from tests.helpers import eventually, load_roster, settle

ENG = "U0ENG1"
ONE_INSERT = ["INSERT INTO inbox"]
TRANSACTION_CONTROL = ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE", "PRAGMA")


@pytest.fixture
def statements() -> Iterator[list[str]]:
    """Every SQL statement any engine in this process sends while the test runs."""
    seen: list[str] = []
    lock = threading.Lock()

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if not statement.lstrip().upper().startswith(TRANSACTION_CONTROL):
            with lock:
                seen.append(" ".join(statement.replace('"', "").split()[:3]))  # e.g. INSERT INTO inbox

    event.listen(Engine, "before_cursor_execute", record)
    yield seen
    event.remove(Engine, "before_cursor_execute", record)


def test_each_kind_of_request_is_acked_after_one_insert_and_nothing_else(
    casebook: Casebook, slack: Simulator, fake: FakeSlack, clock, statements: list[str]
) -> None:
    load_roster(casebook.deps.sessions, clock.now())
    slack.command(ENG, "practice")
    card = open_card(fake, ENG)
    click_decision(slack, ENG, card, "approve")
    view_id = justify_modal(fake)
    assert settle(casebook)
    casebook.inbox.stop()  # from here only the front touches the database
    casebook.deps.dispatcher.stop()
    front = BackgroundServer(make_wsgi(casebook)).start()
    try:
        bare = Simulator(events_url=front.url + "/slack/events", signing_secret=SIGNING_SECRET, fake=fake)
        statements.clear()
        assert bare.command(ENG, "practice").status == 200
        assert statements == ONE_INSERT
        statements.clear()
        click_decision(bare, ENG, card, "deny")
        assert statements == ONE_INSERT
        statements.clear()
        reply = bare.submit(ENG, view_id, good_values("approve"))
        assert reply.status == 200 and reply.json.get("response_action") is None
        assert statements == ONE_INSERT
    finally:
        front.stop()
    assert eventually(lambda: casebook.inbox.drain() == 3 or None)
