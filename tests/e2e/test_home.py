"""App Home greets by role; /healthz reports an unreachable database."""

from __future__ import annotations

import json
import urllib.error
import urllib.request

from bot.app import create_app
from bot.sandbox.fakeslack import FakeSlack
from bot.sandbox.simulator import Simulator
from bot.web.devserver import BackgroundServer
from bot.web.wsgi import make_wsgi
from tests.helpers import eventually, load_roster, texts


def test_home_greets_by_role(casebook, slack: Simulator, fake: FakeSlack, clock) -> None:
    load_roster(casebook.deps.sessions, clock.now())
    assert slack.open_home("U0PM").status == 200
    view = eventually(lambda: fake.home.get("U0PM"))
    assert view["type"] == "home"
    body = texts(view["blocks"])
    assert "Pat PM" in body and "scorecard" in body
    assert slack.open_home("U0STRANGER").status == 200
    stranger = eventually(lambda: fake.home.get("U0STRANGER"))
    assert "not on the roster" in texts(stranger["blocks"])


def test_healthz_is_503_when_the_database_is_unreachable(settings, program, clock) -> None:
    broken = settings.model_copy(update={"database_url": "postgresql://nobody@127.0.0.1:1/none"})
    app = create_app(broken, program=program, clock=clock)
    server = BackgroundServer(make_wsgi(app)).start()
    try:
        urllib.request.urlopen(server.url + "/healthz", timeout=10)
        raise AssertionError("expected 503")
    except urllib.error.HTTPError as exc:
        assert exc.code == 503
        assert json.loads(exc.read())["database"] == "unreachable"
    finally:
        server.stop()
        app.shutdown(timeout=2)
