"""``index.html``: the whole report in one self-contained, printable page (inline CSS and SVG, no JS).

Every piece of text from the database is escaped. The page opens with what could not
be computed and why, then a contents list, then one ``<section>`` per registry row
(unavailable ones keep their heading and say why). Long tables show their first rows;
the CSV and JSONL files beside ``index.html`` hold every row.
"""

from __future__ import annotations

from collections.abc import Mapping
from html import escape
from typing import Any

from bot.domain.evidence import BuiltSection, Report
from bot.report.svg import chart_svg

MAX_ROWS = 25
FILES_NOTE = (
    '<p class="files">Every row of every section, as CSV and JSON Lines, with the audit export: '
    "<code>casebook report --out DIR</code> (docs/report.md).</p>"
)
MAX_CELL = 160

CSS = """
:root { --ink:#1d2430; --muted:#5b6472; --line:#d9dee5; --accent:#2f6f9f; --warn:#9a5b00; }
* { box-sizing: border-box; }
body { font: 14px/1.45 -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif; color: var(--ink);
       max-width: 980px; margin: 0 auto; padding: 28px 32px 60px; background: #fff; }
header { border-bottom: 3px solid var(--accent); padding-bottom: 12px; margin-bottom: 18px; }
h1 { font-size: 26px; margin: 0 0 4px; }
.meta { color: var(--muted); margin: 0; }
h2 { font-size: 19px; margin: 0 0 4px; color: var(--accent); }
.about { color: var(--muted); margin: 0 0 10px; }
section { border-top: 1px solid var(--line); padding: 18px 0 8px; break-inside: avoid-page; }
.missing { background: #fff7e8; border: 1px solid #f0d29a; border-radius: 6px; padding: 10px 16px; }
.missing h2 { color: var(--warn); font-size: 16px; }
.missing ul { margin: 6px 0 0; padding-left: 20px; }
.badge { display: inline-block; font-size: 11px; font-weight: 600; padding: 1px 7px; border-radius: 9px;
         background: #f3e2c0; color: var(--warn); vertical-align: middle; margin-left: 6px; }
.unavailable { color: var(--warn); font-style: italic; }
nav { margin-top: 18px; }
nav ol { columns: 2; margin: 6px 0 0; padding-left: 22px; }
nav a { color: var(--ink); text-decoration: none; }
ul.summary { margin: 4px 0 10px; padding-left: 20px; }
table { border-collapse: collapse; width: 100%; font-size: 12px; margin: 8px 0; }
th, td { border-bottom: 1px solid var(--line); padding: 4px 6px; text-align: left; vertical-align: top; }
th { background: #f4f6f9; font-weight: 600; }
td:first-child { white-space: nowrap; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
td[data-status="pass"] { color: #1e6b34; font-weight: 600; }
td[data-status="close"] { color: #8a5a00; font-weight: 600; }
td[data-status="fail"] { color: #a2281d; font-weight: 600; }
.notes { font-size: 12px; color: var(--muted); margin: 6px 0; padding-left: 18px; }
.files { font-size: 12px; color: var(--muted); }
svg.chart { width: 100%; max-width: 680px; height: auto; display: block; margin: 6px 0 4px; }
svg.chart text { font: 11px sans-serif; fill: var(--muted); }
svg.chart .grid { stroke: #e6e9ee; }
svg.chart .target { stroke: #c0392b; stroke-dasharray: 5 4; stroke-width: 1.5; }
svg.chart .target-label { fill: #c0392b; }
svg.chart .none { fill: #aab; }
@media print {
  body { max-width: none; padding: 0; font-size: 11px; }
  nav, .files { display: none; }
  table { font-size: 9.5px; }
  th, td { padding: 3px 4px; }
  section { page-break-inside: avoid; }
  h2 { page-break-after: avoid; }
  a { color: inherit; text-decoration: none; }
  @page { margin: 16mm 14mm; }
}
"""


def _cell(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:.2f}".rstrip("0").rstrip(".") if value % 1 else f"{value:.0f}"
    text = str(value)
    return text if len(text) <= MAX_CELL else text[: MAX_CELL - 1] + "…"


# A column ``x`` with a sibling ``x_status`` (pass / close / fail) is coloured by it; so is a
# recommendation. Colour only repeats what the text says, so a black-and-white print loses nothing.
STATUS_CLASS = {
    "pass": "pass",
    "close": "close",
    "fail": "fail",
    "GO": "pass",
    "PIVOT": "close",
    "PAUSE": "fail",
}


def _status_class(status: Any, recommendation: Any) -> str:
    found = STATUS_CLASS.get(str(status if status is not None else recommendation))
    return f' data-status="{found}"' if found else ""


def _table(columns: tuple[str, ...], rows: tuple[Mapping[str, Any], ...]) -> str:
    head = "".join(f"<th>{escape(c.replace('_', ' '))}</th>" for c in columns)
    body = []
    for row in rows[:MAX_ROWS]:
        cells = []
        for c in columns:
            value = row.get(c)
            kind = ' class="num"' if isinstance(value, (int, float)) and not isinstance(value, bool) else ""
            share = c.endswith("share") or c == "accuracy"
            text = f"{value:.0%}" if share and isinstance(value, float) else _cell(value)
            status = _status_class(row.get(f"{c}_status"), value if c == "recommendation" else None)
            cells.append(f"<td{kind}{status}>{escape(text)}</td>")
        body.append(f"<tr>{''.join(cells)}</tr>")
    more = ""
    if len(rows) > MAX_ROWS:
        more = (
            f'<p class="notes">Showing {MAX_ROWS} of {len(rows)} rows; '
            "every row is in the CSV and JSONL files.</p>"
        )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>{more}"


def _section(built: BuiltSection, *, files: bool) -> str:
    result = built.result
    anchor = escape(built.key)
    parts = [f'<section id="{anchor}" data-section="{anchor}">']
    badge = '<span class="badge">unavailable</span>' if result.unavailable else ""
    parts.append(f"<h2>{escape(built.title)}{badge}</h2>")
    if built.about:
        parts.append(f'<p class="about">{escape(built.about)}</p>')
    if result.unavailable:
        parts.append(
            f'<p class="unavailable">Not in this report: {escape(result.unavailable)}.</p></section>'
        )
        return "".join(parts)
    if result.summary:
        parts.append(
            '<ul class="summary">' + "".join(f"<li>{escape(s)}</li>" for s in result.summary) + "</ul>"
        )
    if result.chart is not None:
        parts.append(chart_svg(result.chart))
    if result.table:
        parts.append(_table(tuple(result.table[0]), result.table))
    elif result.rows:
        parts.append(_table(result.display or result.columns, result.rows))
    elif not result.summary:
        parts.append("<p>Nothing recorded yet.</p>")
    if result.notes:
        shown = result.notes[:MAX_ROWS]
        parts.append('<ul class="notes">' + "".join(f"<li>{escape(n)}</li>" for n in shown) + "</ul>")
    if files:
        parts.append(_files(built))
    parts.append("</section>")
    return "".join(parts)


def _files(built: BuiltSection) -> str:
    names = [f"{built.key}.csv", f"{built.key}.jsonl", *(f.name for f in built.result.files)]
    links = ", ".join(f'<a href="{escape(n)}">{escape(n)}</a>' for n in names)
    return f'<p class="files">Files: {links}</p>'


def _missing(report: Report) -> str:
    gaps = report.unavailable
    if not gaps:
        return '<div class="missing"><h2>Everything was computed</h2><p>No section is missing.</p></div>'
    items = "".join(
        f'<li><a href="#{escape(s.key)}">{escape(s.title)}</a>: {escape(s.result.unavailable or "")}</li>'
        for s in gaps
    )
    return (
        f'<div class="missing" id="not-computed"><h2>What this report could not compute ({len(gaps)} of '
        f"{len(report.sections)} sections)</h2><ul>{items}</ul></div>"
    )


def render_html(report: Report, *, files: bool = True) -> str:
    """The report as one HTML document (UTF-8), readable offline and printable.

    ``files``: link each section's CSV and JSONL (they sit beside it in the evidence
    directory); False for the copy shared alone in Slack, which says where to get them.
    """
    weeks = report.weeks
    span = f"{weeks[0]} to {weeks[-1]}" if len(weeks) > 1 else (weeks[0] if weeks else "no weeks")
    when = report.generated_at.strftime("%Y-%m-%d %H:%M UTC")
    toc = "".join(f'<li><a href="#{escape(s.key)}">{escape(s.title)}</a></li>' for s in report.sections)
    title = f"{report.program}: post-program report"
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="en"><head><meta charset="utf-8"><title>{escape(title)}</title>'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<style>{CSS}</style></head><body>"
        f"<header><h1>{escape(title)}</h1>"
        f'<p class="meta">Weeks {escape(span)} ({escape(report.timezone)}) · '
        f"built {escape(when)} by Casebook</p>"
        "</header>"
        f"{_missing(report)}"
        f"<nav><h2>Contents</h2><ol>{toc}</ol></nav>"
        f"{''.join(_section(s, files=files) for s in report.sections)}"
        f"{'' if files else FILES_NOTE}"
        "</body></html>\n"
    )
