"""Casebook: practise, record and review ops exception decisions in Slack."""

__version__ = "0.1.0"
