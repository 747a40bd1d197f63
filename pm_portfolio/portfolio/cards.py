"""What each page's link-preview card shows: only what the page itself shows its reader."""

from functools import cache
from pathlib import Path

from pm_portfolio.core import media
from pm_portfolio.core.publishing import PublicOwner
from pm_portfolio.core.results import headline_metric
from pm_portfolio.core.results import metric_facts
from pm_portfolio.core.storage import Storage
from pm_portfolio.models import MediaItem
from pm_portfolio.models import Metric
from pm_portfolio.models import Product
from pm_portfolio.portfolio.card_drawing import CardContent
from pm_portfolio.portfolio.card_drawing import CardFonts
from pm_portfolio.portfolio.card_drawing import CardResult

# A cover is drawn 460 px wide: the 960 px file is plenty, and quicker to decode.
COVER_WIDTH = 960


@cache
def fonts(static_folder: str) -> CardFonts:
    return CardFonts(Path(static_folder) / "fonts")


def _address(url: str) -> str:
    return url.split("://", 1)[-1]


def _cover_bytes(cover: MediaItem | None, storage: Storage) -> bytes | None:
    fitting = media.image_at_least(cover, COVER_WIDTH) if cover is not None else None
    return storage.get(fitting.key) if fitting is not None else None


def _result(metric: Metric | None, product_title: str = "") -> CardResult | None:
    """A result as a card shows it: the movement large ("18% → 42%"), then what it
    measures with its change, and which product it is when the card is the portfolio's."""
    if metric is None:
        return None
    facts = metric_facts(metric)
    label = metric.label + (f" ({facts.change})" if facts.change else "")
    if facts.against_target:
        label += f", {facts.against_target}"
    return CardResult(facts.movement, f"{label} · {product_title}" if product_title else label)


def profile_card(
    owner: PublicOwner, products: list[Product], url: str, storage: Storage
) -> CardContent:
    """The portfolio: the name, the headline, its strongest result, the photo. Never a
    count of case studies, which would advertise how thin a new portfolio is."""
    metric = headline_metric([metric for product in products for metric in product.metrics])
    return CardContent(
        eyebrow="Product portfolio",
        title=owner.name,
        address=_address(url),
        subtitle=owner.headline or owner.open_to,
        result=_result(metric, metric.product.title) if metric else None,
        picture=storage.get(owner.avatar_key_2x) if owner.avatar_key_2x else None,
        picture_is_photo=True,
    )


def case_study_card(
    owner: PublicOwner, product: Product, url: str, storage: Storage
) -> CardContent:
    return CardContent(
        eyebrow=owner.name,
        title=product.title,
        address=_address(url),
        subtitle=product.tagline,
        result=_result(headline_metric(product.metrics)),
        picture=_cover_bytes(next((m for m in product.media if m.is_cover), None), storage),
    )


def share_card(owner: PublicOwner, about: str, host: str, storage: Storage) -> CardContent:
    """The maker's name, headline and photo, as the link's page shows them, under what
    the link shows; no result, and only the site's host, not the link's secret address."""
    return CardContent(
        eyebrow=about,
        title=owner.name,
        subtitle=owner.headline or owner.open_to,
        address=host,
        picture=storage.get(owner.avatar_key_2x) if owner.avatar_key_2x else None,
        picture_is_photo=True,
    )
