"""One feature's run: a fresh sandbox on a temporary database, its seeding, and its photographs."""

from __future__ import annotations

import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from pathlib import Path

from playwright.sync_api import Browser, Page

from bot.sandbox.runtime import Sandbox
from bot.sandbox.server import SandboxServer

from .api import Client, drained, wait
from .photos import VIEWPORT


@contextmanager
def plain_sandbox(tmp: Path) -> Iterator[Sandbox]:
    """The demo sandbox on a database in ``tmp`` (nothing touches var/); not started yet."""
    yield Sandbox(db_path=tmp / "sandbox.db")


@dataclass(frozen=True)
class Feature:
    """One feature's screenshots: how its sandbox starts, what it seeds, which pictures it takes."""

    name: str
    about: str
    pictures: tuple[str, ...]
    seed: Callable[[Client, Sandbox], None]
    photograph: Callable[[Page, Client, Sandbox, Path], None]
    sandbox: Callable[[Path], AbstractContextManager[Sandbox]] = plain_sandbox


def run(feature: Feature, *, browser: Browser, out: Path) -> None:
    """Seed a fresh sandbox for ``feature`` through the bot, then photograph it in a new page."""
    started = time.time()
    with tempfile.TemporaryDirectory() as tmp, feature.sandbox(Path(tmp)) as sandbox:
        sandbox.start()
        try:
            server = SandboxServer(sandbox, port=0).start()
            try:
                client = Client(server.url, settle=lambda: wait(lambda: drained(sandbox), "the outbox"))
                feature.seed(client, sandbox)
                page = browser.new_page(viewport=VIEWPORT)  # a new context: nothing kept from the last
                page.goto(server.url + "/")
                page.wait_for_selector('[data-testid="conversation"]')
                # Toasts ("Sandbox time set.") come and go on a timer; keep them out of the pictures.
                page.locator("#toasts").evaluate("t => { t.style.display = 'none'; }")
                feature.photograph(page, client, sandbox, out)
                page.context.close()
            finally:
                server.stop()
        finally:
            sandbox.stop()
    stale = [name for name in feature.pictures if not _written_since(out / name, started)]
    if stale:
        raise RuntimeError(f"{feature.name}: not written: {', '.join(stale)}")


def _written_since(path: Path, started: float) -> bool:
    return path.exists() and path.stat().st_mtime >= started - 1  # coarse file-system clocks
