"""Benchmarks: each script times one thing against a bare baseline in the same run and prints a table."""
