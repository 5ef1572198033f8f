"""Scheduled jobs: each module exposes ``run(*, deps, at)``."""
