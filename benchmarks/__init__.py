"""Benchmarks: latency, start-up, fan-out and metrics at scale (see BENCHMARKS.md)."""
