"""The report's audit section: verify the chain, then export it with the head it was verified against."""

from __future__ import annotations

import io

from bot.db.audit import export_rows, head_of, verify_database
from bot.db.audit_chain import keyring_of
from bot.db.audit_export import write_export
from bot.domain.evidence import ExtraFile, ReportScope, SectionResult

EXPORT_NAME = "audit-export.jsonl"
HEAD_NAME = "audit-head.txt"


def audit_trail(scope: ReportScope) -> SectionResult:
    """Verify the stored chain; export every event (signed trailer) and write the head as ``seq:mac``."""
    session = scope.session
    head = head_of(session)
    result = verify_database(session)
    out = io.StringIO()
    keyring = keyring_of(session)
    count = write_export(
        export_rows(session),
        out,
        fmt="jsonl",
        keyring=keyring,
        head=head,
        exported_at=scope.at,
        exported_by="casebook report",
    )
    row = {
        "verified": result.ok,
        "events_checked": result.checked,
        "problem": result.problem or "",
        "events_exported": count,
        "head_seq": head[0],
        "head_mac": head[1],
        "development_key": result.development_key,
        "export_file": EXPORT_NAME,
    }
    verdict = (
        f"The audit chain verified: {result.checked} events, head {head[0]}:{head[1][:16]}…"
        if result.ok
        else f"The audit chain did NOT verify after {result.checked} events: {result.problem}"
    )
    summary = [verdict, f"{EXPORT_NAME} holds the {count} events; `casebook audit verify --file` checks it."]
    if result.development_key:
        summary.append("Signed with the public development key: set CASEBOOK_AUDIT_KEY (docs/audit.md).")
    files = (ExtraFile(EXPORT_NAME, out.getvalue()), ExtraFile(HEAD_NAME, f"{head[0]}:{head[1]}\n"))
    return SectionResult(tuple(row), (row,), tuple(summary), files=files)
