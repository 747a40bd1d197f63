"""How dates read wherever the app writes them for people: pages, drafts, labels."""

from datetime import date


def date_label(value: date | None) -> str:
    """A date people read at a glance: 3 Mar 2026."""
    return f"{value.day} {value:%b %Y}" if value else ""
