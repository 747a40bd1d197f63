"""Where views come from: the referring site only, per page and day, shown to the maker."""

import re
from datetime import date
from datetime import timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pm_portfolio.core import analytics
from pm_portfolio.extensions import db
from pm_portfolio.models import Product
from pm_portfolio.models import ProductView
from pm_portfolio.models import ProfileView
from pm_portfolio.models import ShareLink
from pm_portfolio.models import ShareLinkView
from tests.clients import AuthActions
from tests.factories import make_portfolio_link
from tests.factories import make_product
from tests.factories import make_user
from tests.infrastructure import counted_queries

BROWSER = {"User-Agent": "Mozilla/5.0 (Linux; Android 14) Chrome/130.0 Mobile Safari/537.36"}
OWN_HOST = "portfolio.example"


@pytest.mark.parametrize(
    ("referrer", "source"),
    [
        (None, "direct"),
        ("", "direct"),
        ("https://www.linkedin.com/feed/update/urn:li:activity:7?trk=x", "linkedin.com"),
        ("https://mail.google.com/mail/u/0/#inbox/FMfcgz", "mail.google.com"),
        ("https://app.slack.com/client/T0/C0", "app.slack.com"),
        ("android-app://com.linkedin.android/", "com.linkedin.android"),
        ("HTTPS://WWW.Example.COM:8443/a", "example.com"),
        ("https://user:secret@evil.example/path", "evil.example"),
        ("https://portfolio.example/u/ada", "internal"),
        ("http://portfolio.example:5000/u/ada", "internal"),
        ("https://192.168.1.20/admin", "direct"),
        ("https://localhost/", "direct"),
        ("file:///home/ada/cv.html", "direct"),
        ("javascript:alert(1)", "direct"),
        ("not a url at all", "direct"),
        ("https://[::1", "direct"),
        ("https://" + "a" * 200 + ".com/", "direct"),
        ("https://exämple.de/", "direct"),
    ],
)
def test_the_source_is_the_referring_host_only(referrer, source):
    assert analytics.referrer_source(referrer, [OWN_HOST]) == source


@given(st.text(max_size=300))
def test_a_source_is_a_bare_host_name_whatever_the_referrer(referrer):
    source = analytics.referrer_source(referrer, [OWN_HOST])

    assert source in {"direct", "internal"} or re.fullmatch(r"[a-z0-9.-]{4,100}", source)
    assert "." in source or source in {"direct", "internal"}


HOSTS = st.from_regex(r"(www\.)?[a-z]{1,20}\.[a-z]{2,6}", fullmatch=True)


@given(st.sampled_from(["https://", "http://"]), HOSTS, st.text(max_size=80))
def test_no_part_of_the_address_but_the_host_is_kept(scheme, host, rest):
    source = analytics.referrer_source(f"{scheme}{host}/{rest}", [OWN_HOST])

    assert source in {host.removeprefix("www."), "direct", "internal"}


@pytest.fixture
def ada(app):
    with app.app_context():
        ada = make_user(username="ada", display_name="Ada", is_published=True)
        bot = make_product(ada.id, title="Bot", slug="bot", visibility="public",
                           status="shipped", shipped_on=date(2026, 3, 1))  # fmt: skip
        link = make_portfolio_link(ada.id, [bot], name="Acme")
    return {"user": ada, "product": bot, "link": link}


def sources(app, model) -> dict[str, int]:
    """The sources written for `model`, once the views waiting are flushed."""
    with app.app_context():
        analytics.flush_views()
        return dict(db.session.execute(db.select(model.source, model.count)).all())


def test_each_page_counts_its_referring_sites(app, client, ada):
    linkedin = "https://www.linkedin.com/feed/update/urn:li:activity:42?trk=private-bit"
    client.get("/u/ada", headers={**BROWSER, "Referer": linkedin})
    client.get("/u/ada", headers={**BROWSER, "Referer": linkedin})
    client.get("/u/ada", headers=BROWSER)
    client.get("/u/ada/bot", headers={**BROWSER, "Referer": "http://localhost/u/ada"})
    with app.app_context():
        token = db.session.get(ShareLink, ada["link"]).token
    client.get(f"/s/{token}", headers={**BROWSER, "Referer": "https://mail.google.com/mail/u/0/"})

    assert sources(app, ProfileView) == {"linkedin.com": 2, "direct": 1}
    assert sources(app, ProductView) == {"internal": 1}
    assert sources(app, ShareLinkView) == {"mail.google.com": 1}


def test_the_dashboard_shows_the_top_sources_of_the_last_30_days(hard_day, app, ada):
    today = hard_day
    long_ago = today - timedelta(days=30)
    with app.app_context():
        user_id, product_id, link_id = ada["user"].id, ada["product"], ada["link"]
        profile_views = [("linkedin.com", today, 3), ("direct", today, 1),
                         ("internal", today, 2), ("old.example", long_ago, 9)]  # fmt: skip
        for source, day, times in profile_views:
            for _ in range(times):
                analytics.count_profile_view(user_id, day, source)
        analytics.count_product_view(user_id, product_id, today, "linkedin.com")
        analytics.count_share_link_view(user_id, link_id, today, "slack.com")
        analytics.count_share_link_view(user_id, link_id, today, "slack.com")

        summary = analytics.recent_views(user_id, today)

    assert [(row.source, row.views) for row in summary.top_sources] == [
        ("linkedin.com", 4), ("slack.com", 2), ("direct", 1),
    ]  # fmt: skip
    assert summary.from_own_pages == 2
    assert (summary.profile, summary.products, summary.share_links) == (6, 1, 2)

    owner = app.test_client()
    AuthActions(owner).login("ada", ada["user"].password)
    page = owner.get("/dashboard").get_data(as_text=True)
    listed = re.findall(
        r'source-list__site">([^<]+)</span> <span class="source-list__views">(\d+)', page
    )
    direct = "Direct (typed, bookmarked, or from an app that hides it)"
    assert listed == [("linkedin.com", "4"), ("slack.com", "2"), (direct, "1")]
    assert "And 2 views by readers going on from one of your pages to another." in page
    assert "old.example" not in page


def test_a_share_link_shows_when_it_was_first_and_last_opened(app, ada):
    with app.app_context():
        user_id = ada["user"].id
        analytics.count_share_link_view(user_id, ada["link"], date(2026, 11, 3), "direct")
        analytics.count_share_link_view(user_id, ada["link"], date(2026, 11, 28), "slack.com")
    owner = app.test_client()
    AuthActions(owner).login("ada", ada["user"].password)

    dashboard = owner.get("/dashboard").get_data(as_text=True)
    links = owner.get("/share-links").get_data(as_text=True)

    assert re.search(
        r'row">Acme</th>\s*<td data-label="Views">2</td>\s*'
        r'<td data-label="First opened">3 Nov 2026</td>\s*'
        r'<td data-label="Last opened">28 Nov 2026</td>',
        dashboard,
    )
    assert "<dt>First opened</dt><dd>3 Nov 2026</dd>" in links
    assert "<dt>Last opened</dt><dd>28 Nov 2026</dd>" in links


def test_a_page_keeps_a_bounded_number_of_sites_a_day(today, app, ada):
    with app.app_context():
        for number in range(40):
            analytics.count_profile_view(ada["user"].id, today, f"site{number}.example")
        analytics.count_profile_view(ada["user"].id, today, "direct")
        analytics.count_profile_view(ada["user"].id, today, "site3.example")

    counted = sources(app, ProfileView)

    assert len(counted) == 22
    assert counted["other"] == 20
    assert (counted["site3.example"], counted["direct"]) == (2, 1)


def test_counting_a_view_costs_no_sql_and_a_flush_a_few_statements(today, app, ada):
    with app.app_context():
        with counted_queries(app) as counting:
            for source in ("direct", "slack.com", "slack.com", "linkedin.com"):
                analytics.count_profile_view(ada["user"].id, today, source)
            analytics.count_product_view(ada["user"].id, ada["product"], today, "slack.com")
        with counted_queries(app) as flushing:
            assert analytics.flush_views() == 5

    assert counting == []
    # Per kind of page: the pages still there, their sites that day, one upsert of them all.
    assert len(flushing) == 6
    assert sources(app, ProfileView) == {"direct": 1, "slack.com": 2, "linkedin.com": 1}


def test_views_waiting_count_on_the_dashboard_and_are_written_once(today, app, ada):
    with app.app_context():
        analytics.count_profile_view(ada["user"].id, today, "slack.com")
        waiting = analytics.recent_views(ada["user"].id, today)
        analytics.flush_views()
        written = analytics.recent_views(ada["user"].id, today)
        assert analytics.flush_views() == 0

    assert waiting == written
    assert written.profile == 1


def test_a_failed_flush_keeps_the_views_for_the_next(today, app, ada, monkeypatch):
    with app.app_context():
        analytics.count_profile_view(ada["user"].id, today, "slack.com")

        def broken(*_args):
            raise RuntimeError("the database went away")

        monkeypatch.setattr(analytics, "_write", broken)
        with pytest.raises(RuntimeError):
            analytics.flush_views()
        monkeypatch.undo()
        db.session.rollback()
        assert analytics.recent_views(ada["user"].id, today).profile == 1

    assert sources(app, ProfileView) == {"slack.com": 1}


def test_views_of_a_page_deleted_before_the_flush_are_dropped(today, app, ada):
    with app.app_context():
        analytics.count_product_view(ada["user"].id, ada["product"], today, "direct")
        analytics.count_profile_view(ada["user"].id, today, "direct")
        db.session.delete(db.session.get(Product, ada["product"]))
        db.session.commit()

        assert analytics.flush_views() == 1

    assert sources(app, ProductView) == {}
