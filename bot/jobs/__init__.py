"""Scheduled jobs: each exposes ``run(*, deps, at)`` and posts through the delivery ledger."""
