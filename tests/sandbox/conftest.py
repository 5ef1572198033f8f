"""Fixtures: a running sandbox (bot + FakeSlack + web server) and a small JSON client."""

from __future__ import annotations

import json
import os
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bot.sandbox.runtime import Sandbox
from bot.sandbox.server import SandboxServer
from tests.sandbox import kitchen

ADA, BEN, MO = "U0ADA", "U0BEN", "U0MO"


class Api:
    """Talks to the sandbox server like the page does."""

    def __init__(self, url: str) -> None:
        self.url = url

    def request(
        self,
        path: str,
        body: dict[str, Any] | None = None,
        *,
        content_type: str = "application/json",
        headers: dict[str, str] | None = None,
    ) -> tuple[int, dict[str, Any]]:
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(self.url + path, data=data, method="GET" if body is None else "POST")
        if body is not None:
            req.add_header("Content-Type", content_type)
        for key, value in (headers or {}).items():
            req.add_header(key, value)
        try:
            with urllib.request.urlopen(req, timeout=15) as resp:
                return resp.status, json.loads(resp.read() or b"{}")
        except urllib.error.HTTPError as exc:
            return exc.code, json.loads(exc.read() or b"{}")

    def post(self, path: str, body: dict[str, Any]) -> dict[str, Any]:
        status, data = self.request(path, body)
        assert status == 200, data
        return data

    def state(self, user: str, channel: str | None = None, thread: str | None = None) -> dict[str, Any]:
        query = f"/api/state?user={user}&channel={channel or ''}&thread={thread or ''}"
        status, data = self.request(query)
        assert status == 200, data
        return data


@pytest.fixture
def sandbox(tmp_path: Path) -> Iterator[Sandbox]:
    sb = Sandbox(db_path=tmp_path / "sandbox.db", configure=[kitchen.register]).start()
    yield sb
    invalid = list(sb.fake.invalid)
    sb.stop()
    assert invalid == [], f"invalid Slack payloads were sent: {invalid}"


@pytest.fixture
def sandbox_server(sandbox: Sandbox) -> Iterator[SandboxServer]:
    server = SandboxServer(sandbox, port=0).start()
    yield server
    server.stop()


@pytest.fixture
def api(sandbox_server: SandboxServer) -> Api:
    return Api(sandbox_server.url)


# -- the browser ------------------------------------------------------------------------------
CHROMIUM = Path(os.environ.get("CASEBOOK_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"


@pytest.fixture(scope="session")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """Headless Debian Chromium driven by Playwright, with a fresh profile; skips if absent."""
    try:
        from playwright.sync_api import Error, sync_playwright
    except ImportError:
        pytest.skip("playwright is not installed (pip install -e '.[dev]')")
    if not CHROMIUM.exists():
        pytest.skip(
            f"no Chromium at {CHROMIUM}: run `make browser` "
            "(apt-get install chromium, as root) to run the browser tests"
        )
    with sync_playwright() as pw:
        try:
            context = pw.chromium.launch_persistent_context(
                str(tmp_path_factory.mktemp("chromium-profile")),
                executable_path=str(CHROMIUM),
                headless=True,
                args=CHROMIUM_ARGS,
                viewport={"width": 1360, "height": 860},
            )
        except Error as exc:
            pytest.skip(f"Chromium at {CHROMIUM} would not start: {exc.message.splitlines()[0]}")
        yield context
        context.close()


@pytest.fixture
def page(browser: Any, sandbox_server: SandboxServer) -> Iterator[Any]:
    """The sandbox page, loaded; fails the test on any JavaScript error."""
    tab = browser.new_page()
    errors: list[str] = []
    tab.on("pageerror", lambda exc: errors.append(str(exc)))
    tab.goto(sandbox_server.url + "/")
    tab.wait_for_selector('[data-testid="conversation"]')
    yield tab
    tab.close()
    assert errors == [], f"JavaScript errors on the page: {errors}"


def screenshot(page: Any, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"))
