"""index.html and the section files: everything escaped, unavailable sections kept, charts drawn."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime

from bot.domain.evidence import BuiltSection, Chart, Report, SectionResult, Series
from bot.report.files import report_files, report_zip
from bot.report.html import MAX_ROWS, render_html
from bot.report.svg import chart_svg

EVIL = '<script>alert("x")</script>'


def _report(*sections: BuiltSection) -> Report:
    return Report(
        "Pilot <b>", "America/New_York", datetime(2026, 11, 30, 14, tzinfo=UTC), ("2026-W47",), sections
    )


def test_every_piece_of_text_is_escaped() -> None:
    rows = ({"comment": EVIL, "formula": "=HYPERLINK(1)", "n": -3},)
    result = SectionResult(("comment", "formula", "n"), rows, (f"said {EVIL}",), notes=(EVIL,))
    html = render_html(_report(BuiltSection("k", f"Title {EVIL}", f"about {EVIL}", result)))
    assert "<script>" not in html and "<b>" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html
    assert "Pilot &lt;b&gt;: post-program report" in html
    files = report_files(_report(BuiltSection("k", "T", "", result)))
    (row,) = csv.DictReader(io.StringIO(files["k.csv"]))
    assert row == {"comment": EVIL, "formula": "'=HYPERLINK(1)", "n": "-3"}  # a spreadsheet will not run it
    assert json.loads(files["k.jsonl"]) == {"comment": EVIL, "formula": "=HYPERLINK(1)", "n": -3}


def test_unavailable_sections_keep_their_heading_and_head_the_report() -> None:
    gone = BuiltSection("lessons", "Lessons learned", "", SectionResult(unavailable="not recorded"))
    here = BuiltSection("x", "Counted", "", SectionResult(("a",), ({"a": 1},), ("one",)))
    html = render_html(_report(here, gone))
    assert html.index("What this report could not compute (1 of 2 sections)") < html.index('data-section="x"')
    assert '<a href="#lessons">Lessons learned</a>: not recorded' in html
    assert (
        '<section id="lessons" data-section="lessons"><h2>Lessons learned<span class="badge">unavailable'
        in html
    )
    files = report_files(_report(here, gone))
    assert "lessons.csv" not in files and "x.csv" in files
    manifest = json.loads(files["manifest.json"])
    assert [(s["key"], s["unavailable"], s["files"]) for s in manifest["sections"]] == [
        ("x", None, ["x.csv", "x.jsonl"]),
        ("lessons", "not recorded", []),
    ]
    assert report_zip(files)[:2] == b"PK"
    everything = render_html(_report(here))
    assert "Everything was computed" in everything
    assert '<a href="x.csv">x.csv</a>' in everything
    alone = render_html(_report(here), files=False)  # the copy shared in Slack has no files beside it
    assert 'href="x.csv"' not in alone and "<code>casebook report --out DIR</code>" in alone


def test_long_tables_are_cut_in_the_page_but_not_in_the_files() -> None:
    rows = tuple({"i": i} for i in range(MAX_ROWS + 5))
    section = BuiltSection("long", "Long", "", SectionResult(("i",), rows, ("many",)))
    html = render_html(_report(section))
    assert f"Showing {MAX_ROWS} of {MAX_ROWS + 5} rows" in html
    assert report_files(_report(section))["long.csv"].count("\n") == MAX_ROWS + 6


def test_a_chart_draws_bars_a_target_and_gaps() -> None:
    chart = Chart("Handling <rate>", ("W1", "W2"), (Series("rate", (0.5, None)),), unit="share", target=0.7)
    svg = chart_svg(chart)
    assert svg.startswith("<svg") and 'aria-label="Handling &lt;rate&gt;"' in svg
    assert svg.count("<rect") == 1 and "target 70%" in svg and 'class="none">–<' in svg
