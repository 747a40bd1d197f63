"""Helpers the templates call, registered on the app's Jinja environment."""

import hashlib
from collections.abc import Iterable
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit

from flask import Flask
from flask import url_for
from wtforms import Field
from wtforms import Form

from pm_portfolio.core import analytics
from pm_portfolio.core import endorsements
from pm_portfolio.core import media
from pm_portfolio.core.dates import date_label
from pm_portfolio.core.dates import moment_label
from pm_portfolio.core.markdown import render_guest_markdown
from pm_portfolio.core.markdown import render_markdown
from pm_portfolio.core.publishing import card_metrics
from pm_portfolio.core.publishing import empty_portfolio_advice
from pm_portfolio.core.results import headline_metric
from pm_portfolio.core.results import metric_facts
from pm_portfolio.core.results import metric_source
from pm_portfolio.core.results import with_unit
from pm_portfolio.models import ReviewLink
from pm_portfolio.web.public_urls import public_url


def field_aria(field: Field, help_text: str | None) -> dict[str, str]:
    """Attributes tying an input to its help text and errors for assistive technology."""
    described_by = []
    if help_text:
        described_by.append(f"{field.id}-help")
    attributes = {}
    if field.errors:
        described_by.append(f"{field.id}-error")
        attributes["aria-invalid"] = "true"
    if described_by:
        attributes["aria-describedby"] = " ".join(described_by)
    return attributes


@dataclass(frozen=True)
class FieldError:
    """One line of a form's error summary: the field to go to (None for a hidden one)."""

    field_id: str | None
    label: str
    message: str


def error_summary(form: Form) -> list[FieldError]:
    """Every error of a form, each with the field it is about, nested rows (a product's
    metrics) included: the summary at the top of a form links to each."""
    problems = [FieldError(None, "", message) for message in getattr(form, "form_errors", [])]
    return problems + list(_field_errors(form, prefix=""))


def _field_errors(fields: Iterable[Field], prefix: str) -> Iterator[FieldError]:
    for field in fields:
        if not field.errors:
            continue
        # Within a row, "Metric 1: value".
        label = f"{prefix}{field.label.text.lower()}" if prefix else field.label.text
        if field.type == "FieldList":
            for position, entry in enumerate(field.entries, 1):
                rows = entry.form if entry.type == "FormField" else [entry]
                yield from _field_errors(rows, f"{label} {position}: ")
        elif field.type == "FormField":
            yield from _field_errors(field.form, f"{label}: ")
        else:
            hidden = getattr(field.widget, "input_type", None) == "hidden"
            yield FieldError(None if hidden else field.id, label, " ".join(field.errors))


def moment_attribute(value: datetime) -> str:
    """A moment for a `datetime` attribute: UTC, to the second."""
    value = value.astimezone(UTC) if value.tzinfo else value
    return f"{value:%Y-%m-%dT%H:%M:%S}Z"


def render_version(code: Path, *folders: Path) -> str:
    """A fingerprint of what renders pages (the Python code, the templates and static
    files), so that cached pages and ETags expire on every deploy."""
    digest = hashlib.sha256()
    files = [(code, path) for path in code.rglob("*.py")]
    files += [(folder, path) for folder in folders for path in folder.rglob("*") if path.is_file()]
    for root, path in sorted(files, key=lambda pair: (str(pair[0]), str(pair[1]))):
        digest.update(path.relative_to(root).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def host_label(url: str) -> str:
    """Where a link goes, as readers recognise it: "https://www.figma.com/x" → "figma.com"."""
    host = urlsplit(url).hostname or ""
    return host.removeprefix("www.")


def media_url(key: str, share_link=None) -> str:
    """A media file's address: through the share or review link a reader came by, if any."""
    if isinstance(share_link, ReviewLink):
        return url_for("media.review_file", token=share_link.token, key=key)
    if share_link is not None:
        return url_for("media.shared_file", token=share_link.token, key=key)
    return url_for("media.file", key=key)


def init_templating(app: Flask) -> None:
    app.jinja_env.globals["field_aria"] = field_aria
    app.jinja_env.globals["error_summary"] = error_summary
    app.jinja_env.globals["card_metrics"] = card_metrics
    app.jinja_env.globals["metric_facts"] = metric_facts
    app.jinja_env.globals["headline_metric"] = headline_metric
    app.jinja_env.globals["metric_source"] = metric_source
    app.jinja_env.globals["empty_portfolio_advice"] = empty_portfolio_advice
    app.jinja_env.globals["public_url"] = public_url
    app.jinja_env.globals["media_url"] = media_url
    app.jinja_env.globals["endorsements_shown"] = endorsements.shown
    app.jinja_env.globals["endorsement_is_current"] = endorsements.is_current
    app.jinja_env.globals["endorsement_can_remind"] = endorsements.can_remind
    app.jinja_env.globals["endorsement_can_ask_again"] = endorsements.can_ask_again
    app.jinja_env.globals["endorsement_is_expired"] = endorsements.is_expired
    app.jinja_env.globals["media_images"] = media.image_files
    app.jinja_env.globals["media_image_at_least"] = media.image_at_least
    app.jinja_env.globals["media_is_portrait"] = media.is_portrait
    app.jinja_env.globals["media_pdf"] = media.pdf_file
    app.jinja_env.globals["media_thumbnail"] = media.thumbnail
    app.jinja_env.globals["media_embed"] = media.embed_of
    app.jinja_env.globals["size_label"] = media.size_label
    app.jinja_env.filters["markdown"] = render_markdown
    app.jinja_env.filters["guest_markdown"] = render_guest_markdown
    app.jinja_env.filters["date_label"] = date_label
    app.jinja_env.filters["host"] = host_label
    app.jinja_env.filters["source_label"] = analytics.source_label
    app.jinja_env.filters["with_unit"] = with_unit
    app.jinja_env.filters["moment_label"] = moment_label
    app.jinja_env.filters["moment_attribute"] = moment_attribute
