"""What search engines read: the sitemap (paged, as the protocol asks) and robots.txt."""

import math
from datetime import datetime

from flask import Response
from flask import abort
from flask import current_app
from flask import make_response
from flask import render_template
from flask import request
from flask import stream_with_context
from markupsafe import escape

from pm_portfolio.core import publishing
from pm_portfolio.portfolio.blueprint import bp
from pm_portfolio.portfolio.conditional import shared_etag
from pm_portfolio.web.public_urls import public_url
from pm_portfolio.web.shared_cache import from_shared_cache


def _sitemap_version() -> publishing.SitemapVersion:
    # Counting every address reads every public product: done once in a while, not for
    # every crawler's request. A change shows within SITEMAP_VERSION_SECONDS.
    seconds = current_app.config["SITEMAP_VERSION_SECONDS"]
    return from_shared_cache("sitemap-version", publishing.sitemap_version, timeout=seconds)


def _sitemap_pages(version: publishing.SitemapVersion) -> int:
    return max(1, math.ceil(version.urls / current_app.config["SITEMAP_PAGE_SIZE"]))


def _sitemap_response(body, etag: str) -> Response:
    """The body, or 304 Not Modified (without building it) if the reader has this version."""
    not_modified = etag in request.if_none_match
    response = current_app.response_class(
        None if not_modified else body(), status=304 if not_modified else 200,
        mimetype="application/xml",
    )  # fmt: skip
    response.set_etag(etag)
    response.headers["Cache-Control"] = "public, max-age=3600"
    return response


def _lastmod(moment: datetime | None) -> str:
    return moment.date().isoformat() if moment else ""


@bp.get("/sitemap.xml")
def sitemap():
    """A sitemap index: the protocol allows 50,000 addresses a file, so they are paged."""
    version = _sitemap_version()
    etag = shared_etag("sitemap", current_app.config["SITEMAP_PAGE_SIZE"], version)
    return _sitemap_response(
        lambda: render_template(
            "portfolio/sitemap_index.xml",
            pages=range(1, _sitemap_pages(version) + 1),
            lastmod=_lastmod(version.last_changed),
        ),
        etag,
    )


@bp.get("/sitemaps/<int:page>.xml")
def sitemap_page(page: int):
    version = _sitemap_version()
    if not 1 <= page <= _sitemap_pages(version):
        abort(404)
    size = current_app.config["SITEMAP_PAGE_SIZE"]
    etag = shared_etag("sitemap-page", size, page, version)

    def written():
        yield '<?xml version="1.0" encoding="UTF-8"?>\n'
        yield '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
        for url in publishing.sitemap_page(page, size):
            address = (
                public_url(".profile", username=url.username)
                if url.slug is None
                else public_url(".case_study", username=url.username, slug=url.slug)
            )
            lastmod = _lastmod(url.changed_at)
            yield f"  <url><loc>{escape(address)}</loc><lastmod>{lastmod}</lastmod></url>\n"
        yield "</urlset>\n"

    return _sitemap_response(lambda: stream_with_context(written()), etag)


@bp.get("/robots.txt")
def robots():
    response = make_response(render_template("portfolio/robots.txt"))
    response.mimetype = "text/plain"
    return response
