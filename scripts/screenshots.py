"""Regenerate the docs' screenshots in docs/screenshots/ from fresh sandboxes, feature by feature.

    python scripts/screenshots.py [--out docs/screenshots] [FEATURE ...]   (or: make screenshots)
    python scripts/screenshots.py --list

No FEATURE: all of them. Each feature (scripts/shots/<feature>.py) starts its own sandbox on a
temporary database (nothing touches var/), seeds it through the sandbox's JSON API, so every
command, click and submit reaches the bot as a signed Slack request, as from the page, then
photographs it in headless Chromium at 1280×800. Images are reduced to a 256-colour palette,
which keeps them small. A feature fails if one of its pictures was not written.

docs/screenshots/report.png is not made here: the report's browser test
(tests/sandbox/test_report_browser.py) photographs it.

Needs Playwright and Chromium (``make browser``), like the browser tests.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from playwright.sync_api import sync_playwright  # noqa: E402
from shots import calib, patterns, pilot, review2, training  # noqa: E402
from shots.runner import Feature, run  # noqa: E402

from tests.sandbox.conftest import CHROMIUM, CHROMIUM_ARGS  # noqa: E402

FEATURES: dict[str, Feature] = {
    module.FEATURE.name: module.FEATURE for module in (pilot, calib, patterns, review2, training)
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "features", nargs="*", metavar="FEATURE", help=f"any of: {', '.join(FEATURES)} (default: all)"
    )
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    parser.add_argument("--list", action="store_true", help="name each feature and its pictures, and stop")
    args = parser.parse_args(argv)
    unknown = [name for name in args.features if name not in FEATURES]
    if unknown:
        parser.error(f"no feature {', '.join(unknown)}; choose from {', '.join(FEATURES)}")
    chosen = [FEATURES[name] for name in dict.fromkeys(args.features or FEATURES)]
    if args.list:
        for feature in chosen:
            print(f"{feature.name}: {feature.about}\n    {', '.join(feature.pictures)}")
        return 0
    args.out.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        try:
            for feature in chosen:
                print(f"== {feature.name}: {feature.about}", flush=True)
                run(feature, browser=browser, out=args.out)
        finally:
            browser.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
