"""Photographs of the sandbox page: saving (palette-reduced) screenshots, boxes to clip to, App Home."""

from __future__ import annotations

from pathlib import Path

from PIL import Image  # matplotlib already depends on Pillow
from playwright.sync_api import FloatRect, Locator, Page, ViewportSize, expect

from tests.sandbox import pages

ROOT = Path(__file__).resolve().parents[2]
VIEWPORT: ViewportSize = {"width": 1280, "height": 800}


def shoot(page: Page, path: Path, *, clip: FloatRect | None = None, palette: bool = True) -> None:
    """Save a screenshot; ``palette=False`` keeps true colour (a 256-colour palette turns the chart's
    small red and amber markers brown)."""
    page.screenshot(path=str(path), clip=clip)
    image = Image.open(path).convert("RGB")
    if palette:
        image = image.quantize(colors=256, method=Image.Quantize.MEDIANCUT)
    image.save(path, optimize=True)
    print(
        f"{path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}: {path.stat().st_size // 1024} KB"
    )


def box(page: Page, selector: str, pad: int = 0) -> FloatRect:
    """The first match's bounding box, ``pad`` pixels wider on every side (never off the page)."""
    found = page.locator(selector).first.bounding_box()
    assert found, selector
    return {
        "x": max(0, found["x"] - pad),
        "y": max(0, found["y"] - pad),
        "width": found["width"] + 2 * pad,
        "height": found["height"] + 2 * pad,
    }


def open_home(page: Page, user: str, *texts: str) -> Locator:
    """``user``'s App Home, once it shows every one of ``texts``."""
    pages.switch_person(page, user)
    page.click('[data-testid="tab-home"]')
    home = page.locator('[data-testid="home"]')
    for text in texts:
        expect(home).to_contain_text(text)
    return home


def widen_thread(page: Page, width: str = "600px") -> None:
    """Widen the thread pane (Slack's can be dragged wider); ``""`` puts it back."""
    page.locator('[data-testid="thread"]').evaluate(f"t => {{ t.style.width = '{width}'; }}")


def scroll_into_view(page: Page, target: Locator, *, block: str = "start") -> FloatRect:
    """Scroll ``target`` into view until it keeps still for 300 ms; where it then is."""
    for _ in range(10):
        target.evaluate(f"e => e.scrollIntoView({{block: '{block}'}})")
        before = target.bounding_box()
        page.wait_for_timeout(300)
        if before is not None and target.bounding_box() == before:
            return before
    raise RuntimeError(f"{target} would not keep still")


def shoot_in_view(
    page: Page, target: Locator, path: Path, *, block: str = "start", margin: int | None = None
) -> None:
    """Scroll ``target`` into view and photograph the page, or (``margin``) just ``target`` with
    ``margin`` pixels above and below it.

    A message arriving can re-render the timeline and move it after the scroll (seen once as a
    picture of the wrong stretch of channel): if it moved by the time the picture is taken, again.
    """
    for _ in range(5):
        where = scroll_into_view(page, target, block=block)
        pages.rest_mouse(page)
        clip: FloatRect | None = None
        if margin is not None:
            clip = {**where, "y": where["y"] - margin, "height": where["height"] + 2 * margin}
        shoot(page, path, clip=clip)
        if target.bounding_box() == where:
            return
    raise RuntimeError(f"{target} kept moving: {path.name} may show the wrong place")
