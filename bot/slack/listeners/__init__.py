"""Thin Bolt listeners: ack, parse, call the domain, render, send."""
