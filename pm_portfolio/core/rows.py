"""Small helpers for writing rows through the ORM."""

from collections.abc import Mapping
from typing import Any


def assign_changed(row: object, values: Mapping[str, Any]) -> None:
    """Set the attributes whose value differs: an unchanged row stays clean, so it is
    neither written nor taken for a change by the portfolio version."""
    for name, value in values.items():
        if getattr(row, name) != value:
            setattr(row, name, value)
