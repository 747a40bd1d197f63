"""What each page's link-preview card shows: only what the page itself shows its reader."""

from functools import cache
from pathlib import Path

from pm_portfolio.core import media
from pm_portfolio.core.publishing import PublicOwner
from pm_portfolio.core.storage import Storage
from pm_portfolio.models import MediaItem
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


def _first_result(product: Product) -> CardResult | None:
    metric = product.metrics[0] if product.metrics else None
    return CardResult(metric.value, metric.label) if metric else None


def profile_card(owner: PublicOwner, count: int, url: str, storage: Storage) -> CardContent:
    """The portfolio: the name, the headline, how many case studies, the photo."""
    return CardContent(
        eyebrow="Product portfolio",
        title=owner.name,
        address=_address(url),
        subtitle=owner.headline or owner.open_to,
        result=CardResult(str(count), "case study" if count == 1 else "case studies")
        if count
        else None,
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
        result=_first_result(product),
        picture=_cover_bytes(next((m for m in product.media if m.is_cover), None), storage),
    )


def share_card(owner: PublicOwner, title: str, host: str) -> CardContent:
    """Neutral: the name and a title, as the link's page shows; no picture, no result,
    and only the site's host, not the link's secret address."""
    return CardContent(eyebrow=owner.name, title=title, address=host)
