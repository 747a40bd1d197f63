"""The weekly digest: sending it (sending.py, for `flask digest send` and its jobs) and
leaving it in one click (views.py, RFC 8058)."""
