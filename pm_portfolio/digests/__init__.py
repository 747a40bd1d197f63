"""Emails a maker opts into: the weekly digest (sending.py, for `flask digest send`),
follow-up reminders (reminding.py, for `flask reminders send`), and leaving either in
one click (views.py, RFC 8058)."""
