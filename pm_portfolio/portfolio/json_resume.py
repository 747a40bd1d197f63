"""The published portfolio in the JSON Resume format (jsonresume.org), products as projects."""

from datetime import date
from typing import Any

from pm_portfolio.core import endorsements
from pm_portfolio.core.publishing import PublicOwner
from pm_portfolio.core.results import RESUME_METRICS_KEY
from pm_portfolio.core.results import metric_record
from pm_portfolio.core.results import metric_sentence
from pm_portfolio.models import Endorsement
from pm_portfolio.models import Product

SCHEMA = "https://raw.githubusercontent.com/jsonresume/resume-schema/v1.0.0/schema.json"


def _iso_date(value: date | None) -> str | None:
    return value.isoformat() if value else None


def _without_empty(values: dict[str, Any]) -> dict[str, Any]:
    """JSON Resume validators reject nulls; leave out what the maker did not fill in."""
    return {key: value for key, value in values.items() if value not in (None, "", [])}


def build_resume(owner: PublicOwner, products: list[Product], profile_url: str) -> dict[str, Any]:
    """What a reader may see of the portfolio, as one JSON Resume document."""
    profiles = [
        {"network": network, "url": url}
        for network, url in (("LinkedIn", owner.linkedin_url), ("GitHub", owner.github_url))
        if url
    ]
    return {
        "$schema": SCHEMA,
        # No email: not even the public contact one, which pages reveal only on request.
        "basics": _without_empty(
            {
                "name": owner.name,
                "label": owner.headline,
                "url": owner.website_url or profile_url,
                "summary": owner.bio,
                "location": {"address": owner.location} if owner.location else None,
                "profiles": profiles,
            }
        ),
        "projects": [
            _without_empty(
                {
                    "name": product.title,
                    "description": product.tagline,
                    "highlights": [metric_sentence(metric) for metric in product.metrics],
                    "keywords": [skill.name for skill in product.skills],
                    "startDate": _iso_date(product.started_on),
                    "endDate": _iso_date(product.shipped_on),
                    "url": product.live_url or None,
                    "roles": [product.role] if product.role else [],
                    "type": "application",
                    RESUME_METRICS_KEY: [metric_record(metric) for metric in product.metrics],
                }
            )
            for product in products
        ],
        "references": [
            _reference(product, endorsement)
            for product in products
            for endorsements_of_claim in endorsements.shown(product).values()
            for endorsement in endorsements_of_claim
        ],
        "meta": {"canonical": profile_url},
    }


def _reference(product: Product, endorsement: Endorsement) -> dict[str, str]:
    """An approved confirmation as a JSON Resume reference: who, and what they confirmed."""
    who = ", ".join(part for part in (endorsement.name, endorsement.relation_to_maker) if part)
    said = f" “{endorsement.quote}”" if endorsement.quote else ""
    return {
        "name": who,
        "reference": f"Confirmed “{endorsement.confirmed_text}” ({product.title}).{said}",
    }
