"""Benchmarks, run on request (not in the default test run): see run.py."""
