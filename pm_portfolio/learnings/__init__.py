"""Learnings: what a maker learned, alone or as a product's build log."""
