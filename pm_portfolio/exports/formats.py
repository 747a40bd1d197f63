"""How the maker's data is written in files: CSV columns, cells, dates and flags.

Cells that a spreadsheet would run as a formula are written with a leading
apostrophe, and so are cells that already start with one, so that import can
take exactly one apostrophe off and get the original text back.
"""

from datetime import UTC
from datetime import date
from datetime import datetime

from pm_portfolio.core.results import METRIC_TEXT_FIELDS

PRODUCT_COLUMNS = [
    "slug", "title", "tagline", "target_users", "status", "role", "started_on", "shipped_on",
    "url", "source_url", "visibility", "featured", "position", "skills", "metrics", "problem",
    "hypothesis", "solution", "tradeoffs", "outcome", "created_at", "updated_at",
]  # fmt: skip
LEARNING_COLUMNS = [
    "product_slug", "title", "kind", "learned_on", "skills", "public", "body", "created_at",
    "updated_at",
]  # fmt: skip
APPLICATION_COLUMNS = [
    "company", "role", "posting_url", "source", "stage", "applied_on", "next_step",
    "next_step_on", "share_link", "first_opened_on", "last_opened_on", "opens", "stage_history",
    "private_notes",
]  # fmt: skip
# Read from the application (source), or from what readers did: never imported.
APPLICATION_COMPUTED_COLUMNS = [
    "source",
    "share_link",
    "first_opened_on",
    "last_opened_on",
    "opens",
]
# A stage history cell: "2026-12-01 applied; 2026-12-05 interview".
HISTORY_SEPARATOR = "; "
# A metric in the products CSV's "metrics" cell (a JSON list of objects) and in the
# metrics CSV. Label, value and note are always written; the rest only when filled.
METRIC_KEYS = METRIC_TEXT_FIELDS
METRIC_COLUMNS = ["product_slug", *METRIC_KEYS]
PRODUCTS = "products"
# An import draft holding a JSON Resume (its projects become products).
RESUME = "resume"
LEARNINGS = "learnings"
APPLICATIONS = "applications"
COLUMNS = {
    PRODUCTS: PRODUCT_COLUMNS,
    LEARNINGS: LEARNING_COLUMNS,
    APPLICATIONS: APPLICATION_COLUMNS,
}
SKILL_SEPARATOR = ";"
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "'")


def to_cell(text: str) -> str:
    """Text as a spreadsheet will show it, never run it."""
    return "'" + text if text.startswith(FORMULA_TRIGGERS) else text


def from_cell(cell: str) -> str:
    """The reverse of `to_cell`."""
    return cell[1:] if cell.startswith("'") else cell


def iso_date(value: date | None) -> str:
    return value.isoformat() if value else ""


def iso_datetime(value: datetime) -> str:
    """UTC, to the microsecond; SQLite hands back naive datetimes, which are UTC here."""
    if value.tzinfo is not None:
        if value.utcoffset():
            value = value.astimezone(UTC)
        value = value.replace(tzinfo=None)
    return value.isoformat(timespec="microseconds") + "+00:00"


def parse_timestamp(value: str) -> datetime | None:
    """An ISO 8601 date and time, or None if empty; raises ValueError for anything else."""
    if not value.strip():
        return None
    parsed = datetime.fromisoformat(value.strip())
    try:
        return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)
    except OverflowError as error:
        # 0001-01-01T00:00+05:00 is a valid time, but before the first one UTC can hold.
        raise ValueError(f"{value} is out of range") from error


def stage_history_cell(changes: list[tuple[date, str]]) -> str:
    return HISTORY_SEPARATOR.join(f"{iso_date(day)} {stage}" for day, stage in changes)


def parse_stage_history(cell: str) -> list[tuple[date, str]]:
    """The reverse of `stage_history_cell`; raises ValueError for a malformed entry.
    Entries typed in a spreadsheet as "a;b" (no space) read too."""
    changes = []
    for entry in cell.split(HISTORY_SEPARATOR.strip()):
        if not entry.strip():
            continue
        day, _space, stage = entry.strip().partition(" ")
        changes.append((date.fromisoformat(day), stage.strip()))
    return changes


def flag(value: bool) -> str:
    return "true" if value else "false"


def export_filename(kind: str, today: date, extension: str = "csv") -> str:
    return f"pm-portfolio-{kind}-{today.isoformat()}.{extension}"
