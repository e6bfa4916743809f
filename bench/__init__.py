"""Benchmarks, run by hand; figures go to docs/benchmarks.md."""
