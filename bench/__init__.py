"""Benchmarks that print their figures: run each from the project root as
`.venv/bin/python -m bench.<name>` (see the README)."""
