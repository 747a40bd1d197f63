"""Absolute addresses of the app, as readers and search engines must see them.

Every absolute URL a page emits (canonical and OpenGraph links, the sitemap,
robots.txt, JSON Resume, share links shown to the maker) starts with the
configured PUBLIC_URL, never with the Host header of the request: a forged host
must not reach a page, least of all one that is cached and served to others.
Only in development, with PUBLIC_URL unset, is the request's own host used.
"""

from flask import current_app
from flask import request
from flask import url_for

# Where links in emails made outside a request point when PUBLIC_URL is unset: the
# address `make run` serves on.
DEVELOPMENT_URL = "http://127.0.0.1:5000"


def base_url_outside_requests() -> str:
    """The site's address for a command or a job to build links from."""
    return current_app.config["PUBLIC_URL"] or DEVELOPMENT_URL


def public_base_url() -> str:
    """`https://portfolio.example.com`, without a trailing slash."""
    return current_app.config["PUBLIC_URL"] or request.host_url.rstrip("/")


def public_url(endpoint: str, **values) -> str:
    return public_base_url() + url_for(endpoint, **values)
