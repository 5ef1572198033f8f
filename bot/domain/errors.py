"""Errors the domain raises, each phrased for the person who caused it."""

from __future__ import annotations


class DomainError(Exception):
    """A rule was broken; ``str(exc)`` is safe to show to the user."""


class NotFound(DomainError):
    pass


class Forbidden(DomainError):
    pass


class Conflict(DomainError):
    pass
