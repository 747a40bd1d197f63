"""The sitemap: an index of pages of at most SITEMAP_PAGE_SIZE addresses, streamed."""

import re
import time
from datetime import date

import pytest

from pm_portfolio.extensions import db
from pm_portfolio.models import User
from tests.factories import make_product
from tests.factories import make_user
from tests.infrastructure import counted_queries

LOC = re.compile(r"<loc>http://localhost(/[^<]*)</loc>")


@pytest.fixture
def app_config():
    return {"SITEMAP_PAGE_SIZE": 3}


@pytest.fixture
def small_pages(app):
    """Three addresses a sitemap file, and seven addresses to list."""
    with app.app_context():
        for name, slugs in (("ada", ["b-tool", "a-tool"]), ("cy", []), ("bo", ["one", "two"])):
            maker = make_user(username=name, is_published=True)
            for slug in slugs:
                make_product(maker.id, slug=slug, visibility="public", status="shipped",
                             shipped_on=date(2026, 3, 1))  # fmt: skip
        hidden = make_user(username="hidden")
        make_product(hidden.id, slug="secret", visibility="public", status="shipped",
                     shipped_on=date(2026, 3, 1))  # fmt: skip
    return app


def test_the_index_points_to_each_page(small_pages):
    client = small_pages.test_client()

    index = client.get("/sitemap.xml").get_data(as_text=True)

    assert LOC.findall(index) == ["/sitemaps/1.xml", "/sitemaps/2.xml", "/sitemaps/3.xml"]
    assert re.search(r"<lastmod>\d{4}-\d\d-\d\d</lastmod>", index)


def test_pages_list_every_address_once_portfolio_first(small_pages):
    client = small_pages.test_client()

    listed = []
    for page in (1, 2, 3):
        response = client.get(f"/sitemaps/{page}.xml", buffered=False)
        assert response.is_streamed, "written as it is read, not held whole"
        listed.append(LOC.findall(response.get_data(as_text=True)))
        response.close()

    assert listed == [
        ["/u/ada", "/u/ada/a-tool", "/u/ada/b-tool"],
        ["/u/bo", "/u/bo/one", "/u/bo/two"],
        ["/u/cy"],
    ]
    assert client.get("/sitemaps/4.xml").status_code == 404
    assert client.get("/sitemaps/0.xml").status_code == 404


def test_the_sitemap_answers_conditional_gets_until_a_portfolio_changes(small_pages):
    """Its version is counted at most every SITEMAP_VERSION_SECONDS: a change shows by then."""
    small_pages.config["SITEMAP_VERSION_SECONDS"] = 1
    client = small_pages.test_client()
    etag = client.get("/sitemaps/2.xml").headers["ETag"]

    assert client.get("/sitemaps/2.xml", headers={"If-None-Match": etag}).status_code == 304

    with small_pages.app_context():
        db.session.scalar(db.select(User).where(User.username == "hidden")).is_published = True
        db.session.commit()
    time.sleep(1.1)
    assert client.get("/sitemaps/2.xml", headers={"If-None-Match": etag}).status_code == 200


def test_revalidating_the_sitemap_runs_no_sql_while_its_version_is_kept(small_pages):
    """Counting every address reads every public product (a third of a second at a
    million products): once per SITEMAP_VERSION_SECONDS, not once per crawler's request."""
    client = small_pages.test_client()
    etag = client.get("/sitemaps/2.xml").headers["ETag"]
    index_etag = client.get("/sitemap.xml").headers["ETag"]

    with counted_queries(small_pages) as statements:
        assert client.get("/sitemaps/2.xml", headers={"If-None-Match": etag}).status_code == 304
        assert client.get("/sitemap.xml", headers={"If-None-Match": index_etag}).status_code == 304
        assert client.get("/sitemap.xml").status_code == 200
    assert statements == []


def test_an_empty_site_has_one_empty_page(client):

    assert LOC.findall(client.get("/sitemap.xml").get_data(as_text=True)) == ["/sitemaps/1.xml"]
    assert LOC.findall(client.get("/sitemaps/1.xml").get_data(as_text=True)) == []
