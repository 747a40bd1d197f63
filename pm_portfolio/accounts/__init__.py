"""Accounts: registration, log-in, log-out and settings."""
