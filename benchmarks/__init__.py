"""Benchmarks: latency, fan-out and metrics at scale (run with python -m benchmarks.<name>)."""
