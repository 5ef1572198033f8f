"""Use cases: one function per user action.

Each owns its transaction, calls the domain, and returns what to show and what to send.
"""
