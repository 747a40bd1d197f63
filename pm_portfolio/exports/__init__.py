"""Exports: the maker's data as CSV and JSON, and importing it back."""
