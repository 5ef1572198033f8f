"""Serving Casebook over HTTP: the WSGI app, gunicorn for production, an in-process server for tests."""
