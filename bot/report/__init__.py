"""Rendering the post-program report: self-contained HTML, inline SVG charts, and the evidence directory.

Nothing here touches Slack or the database: it turns a ``bot.domain.evidence.Report`` into files.
"""
