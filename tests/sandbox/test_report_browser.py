"""The sandbox's four-week controls in headless Chromium: load weeks 9–12, build the report, read it.

Also photographs the report for docs/screenshots/report.png (what a PM would print).
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from bot.domain.evidence_registry import SECTIONS

expect = pytest.importorskip("playwright.sync_api").expect

pytestmark = pytest.mark.browser
DOCS_SHOT = Path(__file__).resolve().parents[2] / "docs" / "screenshots" / "report.png"


def test_load_the_program_build_the_report_and_read_every_section(page: Any, browser: Any) -> None:
    page.click('[data-testid="time-toggle"]')
    page.click('[data-testid="program-load"]')
    result = page.locator('[data-testid="program-result"]')
    expect(result).to_contain_text("Loaded weeks 9–12", timeout=180_000)
    expect(result).to_contain_text("live decisions")
    expect(page.locator('[data-testid="sandbox-now"]')).to_contain_text("Nov 30")
    page.click('[data-testid="report-build"]')
    link = page.locator('[data-testid="report-link"]')
    expect(link).to_be_visible(timeout=60_000)
    expect(result).to_contain_text("all 19 sections were computed")

    report = browser.new_page()
    report.set_viewport_size({"width": 1100, "height": 1400})
    report.goto(page.url.rstrip("/") + link.get_attribute("href"))
    expect(report.locator("h1")).to_have_text("Ops Engineer 2.0 pilot: post-program report")
    expect(report.locator(".meta")).to_contain_text("Weeks 2026-W45 to 2026-W48")
    for section in SECTIONS:  # every registered section has its heading, computed or not
        heading = report.locator(f'section[data-section="{section.key}"] h2')
        expect(heading).to_contain_text(section.title)
    expect(report.locator("#not-computed li")).to_have_count(0)
    expect(report.locator(".missing h2")).to_have_text("Everything was computed")
    expect(report.locator('section[data-section="consistency"] .summary')).to_contain_text(
        "blind second reviews agreed with the first"
    )
    expect(report.locator('section[data-section="exceptions"] .summary')).to_contain_text(
        "approved exceptions registered"
    )
    expect(report.locator('section[data-section="training"] .summary')).to_contain_text("Cohort attendance 9")
    expect(report.locator('section[data-section="proposals"] .summary')).to_contain_text("1 accepted")
    expect(report.locator('section[data-section="reflections"] table')).to_contain_text("shared with the PM")
    expect(report.locator('section[data-section="readiness"] .summary')).to_contain_text(
        "of 20 engineers passed"
    )
    expect(report.locator('section[data-section="audit"] .summary')).to_contain_text(
        "The audit chain verified"
    )
    assert report.locator("svg.chart").count() >= 12
    assert report.locator("script").count() == 0
    png = report.screenshot(clip={"x": 0, "y": 0, "width": 1100, "height": 1400})
    # a 256-colour palette keeps it small, as scripts/screenshots.py does for the README's images
    Image.open(io.BytesIO(png)).quantize(colors=256, method=Image.Quantize.MEDIANCUT).save(DOCS_SHOT)
    report.close()
