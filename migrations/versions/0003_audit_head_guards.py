"""Guard the audit head like the events, and close SQLite's INSERT OR REPLACE path.

The head may only move forward, to an event that exists; it can be neither deleted nor
replaced, and there is one. On SQLite, ``INSERT OR REPLACE`` deletes the conflicting row
without firing DELETE triggers, so an insert that would collide is refused up front.

Revision ID: 0003
Revises: 0002
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_SQLITE = [
    """CREATE TRIGGER audit_events_no_replace BEFORE INSERT ON audit_events
       WHEN EXISTS (SELECT 1 FROM audit_events WHERE seq = NEW.seq OR id = NEW.id OR hash = NEW.hash)
       BEGIN SELECT RAISE(ABORT, 'audit_events is append-only'); END""",
    """CREATE TRIGGER audit_head_one_row BEFORE INSERT ON audit_head
       WHEN NEW.id <> 1 OR EXISTS (SELECT 1 FROM audit_head)
            OR NOT EXISTS (SELECT 1 FROM audit_events WHERE seq = NEW.seq)
       BEGIN SELECT RAISE(ABORT, 'audit_head only moves forward'); END""",
    """CREATE TRIGGER audit_head_forward_only BEFORE UPDATE ON audit_head
       WHEN NEW.id <> OLD.id OR NEW.seq <= OLD.seq
            OR NOT EXISTS (SELECT 1 FROM audit_events WHERE seq = NEW.seq)
       BEGIN SELECT RAISE(ABORT, 'audit_head only moves forward'); END""",
    """CREATE TRIGGER audit_head_no_delete BEFORE DELETE ON audit_head
       BEGIN SELECT RAISE(ABORT, 'audit_head only moves forward'); END""",
]

_POSTGRES = [
    """CREATE FUNCTION audit_head_guard() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN
         IF TG_OP IN ('DELETE', 'TRUNCATE') THEN
           RAISE EXCEPTION 'audit_head only moves forward';
         END IF;
         IF NEW.id <> 1 OR (TG_OP = 'UPDATE' AND NEW.seq <= OLD.seq)
            OR NOT EXISTS (SELECT 1 FROM audit_events WHERE seq = NEW.seq) THEN
           RAISE EXCEPTION 'audit_head only moves forward';
         END IF;
         RETURN NEW;
       END $$""",
    """CREATE TRIGGER audit_head_forward_only BEFORE INSERT OR UPDATE OR DELETE ON audit_head
       FOR EACH ROW EXECUTE FUNCTION audit_head_guard()""",
    """CREATE TRIGGER audit_head_no_truncate BEFORE TRUNCATE ON audit_head
       FOR EACH STATEMENT EXECUTE FUNCTION audit_head_guard()""",
]


def upgrade() -> None:
    statements = _POSTGRES if op.get_bind().dialect.name == "postgresql" else _SQLITE
    for statement in statements:
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS audit_head_no_truncate ON audit_head")
        op.execute("DROP TRIGGER IF EXISTS audit_head_forward_only ON audit_head")
        op.execute("DROP FUNCTION IF EXISTS audit_head_guard()")
    else:
        for name in ("audit_events_no_replace", "audit_head_one_row", "audit_head_forward_only", "audit_head_no_delete"):
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
