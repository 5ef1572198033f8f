"""Database layer: engine and sessions, ORM models, the audit chain."""
