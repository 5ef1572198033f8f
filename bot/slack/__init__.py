"""Slack surface: ids, metadata, middleware, listeners, pure Block Kit builders, dispatch."""
