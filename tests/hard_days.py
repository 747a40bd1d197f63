"""The moments a date rule breaks on, for tests that must hold on any day of any year."""

from datetime import UTC
from datetime import datetime

import pytest

# The moment tests that need "now" but no hard day are pinned at.
FIXED_MOMENT = datetime(2026, 6, 15, 10, 0, tzinfo=UTC)

HARD_MOMENTS = [
    pytest.param(datetime(2027, 1, 1, 0, 5, tzinfo=UTC), id="new-year"),
    pytest.param(datetime(2028, 2, 29, 23, 40, tzinfo=UTC), id="leap-day-late"),
    pytest.param(datetime(2026, 12, 1, 9, 0, tzinfo=UTC), id="first-of-month"),
    pytest.param(datetime(2026, 11, 30, 23, 59, tzinfo=UTC), id="last-of-month"),
    pytest.param(datetime(2026, 3, 1, 12, 0, tzinfo=UTC), id="after-february"),
    pytest.param(datetime(2026, 12, 6, 23, 59, tzinfo=UTC), id="sunday-night"),
    pytest.param(datetime(2026, 12, 7, 0, 1, tzinfo=UTC), id="monday-morning"),
]
