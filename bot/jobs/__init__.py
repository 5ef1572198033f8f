"""Scheduled jobs: each posts through the delivery ledger so nothing is sent twice."""
