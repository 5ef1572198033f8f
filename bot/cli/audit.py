"""`casebook audit …`: verify, export and query the hash-chained audit trail.

`verify` and `export` hand the trail over; `decisions`, `escalations`, `overturns`,
`pending` and `history` answer the five questions people ask of it (docs/audit.md
explains each in plain English). Queries print a table, CSV or JSON Lines.
"""

from __future__ import annotations

import argparse
import contextlib
import getpass
import sys
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bot.cli.common import CliError, Subparsers, add, clock, open_db, settings_from_env
from bot.cli.output import FORMATS, printable, write_rows

if TYPE_CHECKING:  # the rest is imported by the commands that use it (start-up time)
    from sqlalchemy.orm import Session, sessionmaker

    from bot.db.audit import VerifyResult
    from bot.program import Program

HISTORY_COLUMNS = ("record", "at", "actor", "action", "detail", "hash")


def _report(result: VerifyResult) -> int:
    if not result.ok:
        print(f"audit chain BROKEN after {result.checked} good events: {result.problem}", file=sys.stderr)
        return 1
    print(f"audit chain OK: {result.checked} events verified")
    if result.legacy:
        print(f"note: the first {result.legacy} events predate keyed MACs (plain SHA-256 only)")
    if result.development_key:
        print(
            "warning: signed with the development key, which is public: set CASEBOOK_AUDIT_KEY "
            "(docs/audit.md) so the chain proves it was not rewritten"
        )
    return 0


def cmd_verify(args: argparse.Namespace) -> int:
    from bot.db.audit import VerifyResult, anchor_problem, verify_database
    from bot.db.audit_export import verify_export
    from bot.db.engine import transaction

    settings = settings_from_env()
    if args.file:
        path = Path(args.file)
        try:
            data = path.read_bytes().decode("utf-8")
        except OSError as exc:
            raise CliError(f"{path}: {exc.strerror}") from None
        except UnicodeDecodeError as exc:
            print(f"audit export {path} is not readable: not UTF-8 at byte {exc.start}", file=sys.stderr)
            return 1
        return _report(verify_export(data, keyring=settings.audit_keyring()))
    _, sessions = open_db(settings)
    with transaction(sessions) as session:
        result = verify_database(session)
        for seq, mac in args.anchor or []:
            problem = anchor_problem(session, seq=seq, mac=mac)
            if result.ok and problem:
                result = VerifyResult(False, result.checked, f"anchor seq {seq}: {problem}")
    return _report(result)


def cmd_head(args: argparse.Namespace) -> int:
    from bot.db.audit import head_of
    from bot.db.engine import transaction

    settings = settings_from_env()
    _, sessions = open_db(settings)
    with transaction(sessions) as session:
        seq, mac = head_of(session)
    print(f"{seq}:{mac}")
    return 0


def _anchor(value: str) -> tuple[int, str]:
    seq, _, mac = value.partition(":")
    if not seq.isdigit() or len(mac) != 64:
        raise argparse.ArgumentTypeError(f"{value!r} is not an anchor (SEQ:MAC, as `audit head` prints)")
    return int(seq), mac


def _login() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no passwd entry (some containers)
        return "unknown"


def _date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a date (use YYYY-MM-DD)") from None


def _since(value: str) -> datetime:
    return datetime.combine(_date(value), datetime.min.time(), UTC)


def _moment(value: str) -> datetime:
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not an ISO-8601 time") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def cmd_export(args: argparse.Namespace) -> int:
    from bot.db.audit import export_rows, head_of
    from bot.db.audit_export import write_export
    from bot.db.engine import transaction

    settings = settings_from_env()
    _, sessions = open_db(settings)
    with contextlib.ExitStack() as stack:
        out = (
            stack.enter_context(open(args.output, "w", encoding="utf-8", newline=""))
            if args.output
            else sys.stdout
        )
        with transaction(sessions) as session:
            count = write_export(
                export_rows(session, since=args.since),
                out,
                fmt=args.format,
                keyring=settings.audit_keyring(),
                head=head_of(session),
                exported_at=clock().now(),
                exported_by=args.exported_by,
            )
    print(f"exported {count} audit events", file=sys.stderr)
    return 0


def _open() -> tuple[Program, sessionmaker[Session]]:
    settings = settings_from_env()
    program = settings.load_program()
    _, sessions = open_db(settings)
    return program, sessions


def _print(rows: list[dict[str, Any]], columns: tuple[str, ...], fmt: str, empty: str) -> int:
    write_rows(rows, columns, sys.stdout, fmt=fmt, empty=empty)
    return 0


def cmd_decisions(args: argparse.Namespace) -> int:
    from bot.db.engine import transaction
    from bot.domain import audit_queries as q
    from bot.domain.errors import DomainError

    program, sessions = _open()
    try:
        with transaction(sessions) as session:
            rows = q.decisions_by_person(
                session=session,
                slack_user_id=args.user,
                first=args.first,
                last=args.last,
                tz=program.tz,
                kind=args.kind,
            )
    except DomainError as exc:
        raise CliError(str(exc)) from None
    return _print(rows, q.DECISION_COLUMNS, args.format, f"no decisions by {args.user} in that range")


def cmd_escalations(args: argparse.Namespace) -> int:
    from bot.db.engine import transaction
    from bot.domain import audit_queries as q
    from bot.domain.errors import DomainError

    program, sessions = _open()
    kind = None if args.kind == "all" else args.kind
    try:
        with transaction(sessions) as session:
            rows = q.escalations_by_category(session=session, week=args.week, tz=program.tz, kind=kind)
    except DomainError as exc:
        raise CliError(str(exc)) from None
    return _print(rows, q.ESCALATION_COLUMNS, args.format, f"no decisions in {args.week}")


def cmd_overturns(args: argparse.Namespace) -> int:
    from bot.db.engine import transaction
    from bot.domain import audit_queries as q

    _, sessions = _open()
    with transaction(sessions) as session:
        rows = q.overturns(session=session, since=args.since)
    return _print(rows, q.OVERTURN_COLUMNS, args.format, "no overturned decisions")


def cmd_pending(args: argparse.Namespace) -> int:
    from bot.db.engine import transaction
    from bot.domain import audit_queries as q

    program, sessions = _open()
    sla = args.sla_hours if args.sla_hours is not None else program.thresholds.review_sla_hours
    now = args.at or clock().now()
    with transaction(sessions) as session:
        rows = q.pending_beyond_sla(session=session, now=now, sla_hours=sla)
    return _print(
        rows, q.PENDING_COLUMNS, args.format, f"nothing has waited longer than {sla:g} h for review"
    )


def cmd_history(args: argparse.Namespace) -> int:
    from bot.db.engine import transaction
    from bot.domain import audit_queries as q
    from bot.domain.errors import DomainError

    _, sessions = _open()
    try:
        with transaction(sessions) as session:
            history = q.decision_history(session=session, decision_id=args.decision_id)
    except DomainError as exc:
        raise CliError(str(exc)) from None
    if args.format == "jsonl":
        records = history.records()
        columns = tuple(dict.fromkeys(k for r in records for k in r))
        return _print(records, columns, "jsonl", "")
    if args.format == "table":
        d = history.decision
        engineer = printable(f"{d['engineer']} {d['engineer_name']}")
        print(f"Decision #{d['decision_id']} ({d['kind']}) by {engineer}")
        print(f"  {printable(str(d['category']))}: {printable(str(d['title']))}")
        print(f"  decided {d['decided_at']}: {d['verdict']} (confidence {d['confidence']})")
        print(f"  review: {printable(str(d['review_status']))}")
        for name, text in d["justification"].items():
            if text and name != "confidence":
                print(f"  {name}: {printable(str(text))}")
        print()
    return _print(history.timeline(), HISTORY_COLUMNS, args.format, "")


def _query(audit_sub: Subparsers, name: str, help_text: str, func: Any) -> argparse.ArgumentParser:
    parser = add(audit_sub, name, help_text, func)
    parser.add_argument("--format", choices=FORMATS, default="table")
    return parser


def add_parsers(subparsers: Subparsers) -> None:
    audit = subparsers.add_parser("audit", help="verify, export and query the audit trail")
    audit_sub = audit.add_subparsers(dest="audit_command", required=True)
    verify = add(audit_sub, "verify", "check the hash chain (the database, or an exported file)", cmd_verify)
    verify.add_argument("--file", help="verify an exported CSV/JSONL file without database access")
    verify.add_argument(
        "--anchor", type=_anchor, action="append", help="SEQ:MAC printed earlier by `audit head` (repeatable)"
    )
    add(audit_sub, "head", "print the chain's head (SEQ:MAC) to keep outside the database", cmd_head)
    export = add(audit_sub, "export", "export events with their chain columns", cmd_export)
    export.add_argument("--format", choices=["csv", "jsonl"], default="jsonl")
    export.add_argument("--since", type=_since, default=None, help="YYYY-MM-DD (UTC)")
    export.add_argument("--output", "-o", help="write to a file instead of stdout")
    export.add_argument(
        "--as", dest="exported_by", default=_login(), help="who is exporting (default: your login name)"
    )

    decisions = _query(audit_sub, "decisions", "every decision by one person in a date range", cmd_decisions)
    decisions.add_argument("--user", required=True, help="Slack user id, e.g. U012ABCDEF")
    decisions.add_argument("--from", dest="first", type=_date, required=True, help="YYYY-MM-DD (inclusive)")
    decisions.add_argument("--to", dest="last", type=_date, required=True, help="YYYY-MM-DD (inclusive)")
    decisions.add_argument("--kind", choices=["live", "practice", "assessment"], default=None)

    escalations = _query(audit_sub, "escalations", "escalations in an ISO week, by category", cmd_escalations)
    escalations.add_argument("--week", required=True, help="ISO week, e.g. 2026-W47")
    escalations.add_argument("--kind", choices=["live", "practice", "assessment", "all"], default="live")

    overturns = _query(
        audit_sub, "overturns", "overturned decisions with reviewer and comment", cmd_overturns
    )
    overturns.add_argument("--since", type=_since, default=None, help="reviewed on or after YYYY-MM-DD (UTC)")

    pending = _query(audit_sub, "pending", "decisions waiting for review beyond the SLA", cmd_pending)
    pending.add_argument("--sla-hours", type=float, default=None, help="default: the program's review SLA")
    pending.add_argument("--at", type=_moment, default=None, help="as of this ISO-8601 time (default now)")

    history = _query(audit_sub, "history", "the full history of one decision, with hashes", cmd_history)
    history.add_argument("decision_id", type=int)
    audit.set_defaults(audit_parser=audit)
