import re
from datetime import date

import pytest

from pm_portfolio.core import analytics
from pm_portfolio.core.products import ProductData
from pm_portfolio.core.products import create_product
from pm_portfolio.core.products import update_product
from pm_portfolio.extensions import db
from pm_portfolio.models import Product
from pm_portfolio.models import ProductView
from pm_portfolio.models import ProfileView
from pm_portfolio.models import User
from pm_portfolio.portfolio.page_cache import CachedPage
from pm_portfolio.portfolio.page_cache import PageCache
from tests.clients import AuthActions
from tests.factories import make_image
from tests.factories import make_learning
from tests.factories import make_product
from tests.factories import make_user
from tests.infrastructure import counted_queries
from tests.infrastructure import make_app

BROWSER = {"User-Agent": "Mozilla/5.0 (X11; Linux x86_64) Chrome/130.0 Safari/537.36"}


@pytest.fixture
def maker(app):
    """A published maker with a small portfolio of every kind of product."""
    with app.app_context():
        maker = make_user(
            username="ada",
            display_name="Ada Lovelace",
            headline="Engineer who ships",
            bio="I make small tools.",
            website_url="https://ada.example",
            is_published=True,
        )
        shipped = dict(status="shipped", shipped_on=date(2026, 3, 1), visibility="public")
        make_product(maker.id, title="Featured Bot", slug="featured-bot", is_featured=True,
                     skills=["discovery", "design"], tagline="The featured one",
                     metrics=[("users", "140"), ("rating", "4.6/5"), ("stars", "90"),
                              ("forks", "12")], **shipped)  # fmt: skip
        make_product(maker.id, title="Plain Tool", slug="plain-tool", skills=["design"], **shipped)
        make_product(maker.id, title="Secret Plan", slug="secret-plan", visibility="private")
        make_product(maker.id, title="Hidden Beta", slug="hidden-beta", visibility="unlisted",
                     status="building")  # fmt: skip
        make_product(maker.id, title="Public Idea", slug="public-idea", status="idea",
                     visibility="public")  # fmt: skip
    return maker


def get(client, path, **headers):
    return client.get(path, headers={**BROWSER, **headers})


def test_an_unpublished_portfolio_is_404_to_everyone_but_its_maker(app, client, maker):
    with app.app_context():
        db.session.get(User, maker.id).is_published = False
        db.session.commit()
        stranger = make_user()
    assert get(client, "/u/ada").status_code == 404
    AuthActions(client).login(stranger.username, stranger.password)
    assert get(client, "/u/ada").status_code == 404
    assert get(client, "/u/ada/featured-bot").status_code == 404

    owner = app.test_client()
    AuthActions(owner).login("ada", maker.password)
    preview = get(owner, "/u/ada")
    assert preview.status_code == 200
    assert "This is a preview: your portfolio is not published" in preview.get_data(as_text=True)
    assert get(owner, "/u/ada/featured-bot").status_code == 200


def test_publishing_and_unpublishing(app, logged_in_client, user):
    assert get(app.test_client(), f"/u/{user.username}").status_code == 404
    logged_in_client.publish()
    assert get(app.test_client(), f"/u/{user.username}").status_code == 200
    logged_in_client.submit("/settings/unpublish", page="/settings/publish")
    assert get(app.test_client(), f"/u/{user.username}").status_code == 404


def test_the_profile_shows_public_products_featured_first(client, maker):
    page = get(client, "/u/ada").get_data(as_text=True)

    assert '<h1 class="profile-header__name">Ada Lovelace</h1>' in page
    assert "Engineer who ships" in page
    assert "I make small tools." in page
    assert 'href="https://ada.example"' in page
    assert page.index("Featured Bot") < page.index("Plain Tool")
    assert "Secret Plan" not in page
    assert "Hidden Beta" not in page
    assert "Public Idea" not in page
    assert "140" in page
    assert "4.6/5" in page
    assert "forks" not in page, "a card shows at most three metrics"
    assert "Skills demonstrated" in page
    assert re.search(
        r"UX &amp; design</span> <span class=\"skill-facts__count\">· 2 products<", page
    )
    assert "Shipping timeline" in page


def test_ideas_appear_when_the_maker_chooses(app, client, maker):
    with app.app_context():
        db.session.get(User, maker.id).show_ideas = True
        db.session.commit()
    assert "Public Idea" in get(client, "/u/ada").get_data(as_text=True)
    assert get(client, "/u/ada/public-idea").status_code == 200


def test_the_case_study_reads_in_a_hiring_managers_order(app, client, maker):
    with app.app_context():
        product_id = make_product(
            maker.id,
            title="Case",
            slug="case",
            visibility="public",
            status="shipped",
            shipped_on=date(2026, 1, 1),
            tagline="Tagline text",
            role="Solo maker",
            target_users="Target text",
            problem="Problem text",
            hypothesis="Hypothesis text",
            solution="Solution text",
            tradeoffs="Tradeoffs text",
            outcome="Outcome text",
            metrics=[("users", "140")],
            skills=["strategy"],
            live_url="https://case.example",
        )
        make_learning(maker.id, product_id, title="Later lesson", is_public=True,
                      learned_on=date(2026, 2, 1))  # fmt: skip
        make_learning(maker.id, product_id, title="Earlier lesson", is_public=True,
                      learned_on=date(2026, 1, 1))  # fmt: skip
        make_learning(maker.id, product_id, title="Private lesson", is_public=False)

    page = get(client, "/u/ada/case").get_data(as_text=True)

    order = [
        "Tagline text", "Solo maker", "Target text", "Problem text", "Hypothesis text",
        "Solution text", "Tradeoffs text", "Outcome text", "Strategy &amp; vision",
        "Earlier lesson", "Later lesson",
    ]  # fmt: skip
    positions = [page.index(text) for text in order]
    assert positions == sorted(positions)
    assert page.index("Results") < page.index("Outcome text")
    assert "Private lesson" not in page
    assert 'href="https://case.example"' in page


@pytest.mark.parametrize(
    "path",
    [
        "/u/nobody",
        "/u/nobody/featured-bot",
        "/u/unpublished",
        "/u/unpublished/public-product",
        "/u/ada/secret-plan",
        "/u/ada/hidden-beta",
        "/u/ada/no-such-product",
    ],
)
def test_every_hidden_page_is_the_same_404(app, client, maker, path):
    with app.app_context():
        hidden = make_user(username="unpublished")
        make_product(hidden.id, slug="public-product", visibility="public", status="building")
    reference = get(client, "/u/nobody-at-all")

    response = get(client, path)

    assert response.status_code == 404
    assert response.get_data() == reference.get_data()
    assert "ETag" not in response.headers


def test_a_renamed_slug_redirects_permanently(app, client, maker):
    with app.app_context():
        product = create_product(
            maker.id, ProductData(title="Old Name", visibility="public", status="building")
        )
        update_product(
            product,
            ProductData(title="New Name", slug="new-name", visibility="public", status="building"),
        )

    response = get(client, "/u/ada/old-name")

    assert response.status_code == 301
    assert response.headers["Location"] == "/u/ada/new-name"
    assert get(client, "/u/ada/new-name").status_code == 200


def test_a_slug_reused_by_another_product_wins_over_the_redirect(app, client, maker):
    with app.app_context():
        product = create_product(maker.id, ProductData(title="First", visibility="public",
                                                       status="building"))  # fmt: skip
        update_product(product, ProductData(title="First", slug="first-renamed",
                                            visibility="public", status="building"))  # fmt: skip
        create_product(maker.id, ProductData(title="Second", slug="first", visibility="public",
                                             status="building"))  # fmt: skip

    response = get(client, "/u/ada/first")
    assert response.status_code == 200
    assert "Second" in response.get_data(as_text=True)


def test_a_redirect_never_reveals_a_private_product(app, client, maker):
    with app.app_context():
        product = create_product(maker.id, ProductData(title="Was Public", visibility="public",
                                                       status="building"))  # fmt: skip
        update_product(product, ProductData(title="Was Public", slug="now-private",
                                            visibility="private", status="building"))  # fmt: skip
    assert get(client, "/u/ada/was-public").status_code == 404


def test_link_preview_and_search_tags(client, maker):
    page = get(client, "/u/ada").get_data(as_text=True)
    assert "<title>Ada Lovelace — product portfolio · PM Portfolio</title>" in page
    assert '<meta name="description" content="Engineer who ships">' in page
    assert '<link rel="canonical" href="http://localhost/u/ada">' in page
    for tag in ("og:title", "og:description", "og:url", "og:type"):
        assert f'property="{tag}"' in page
    assert '<meta name="twitter:card" content="summary_large_image">' in page
    assert '<meta property="og:image:type" content="image/png">' in page
    assert 'name="robots"' not in page

    case = get(client, "/u/ada/featured-bot").get_data(as_text=True)
    assert '<meta property="og:title" content="Featured Bot — Ada Lovelace">' in case
    assert '<meta property="og:description" content="The featured one">' in case
    assert '<link rel="canonical" href="http://localhost/u/ada/featured-bot">' in case


def test_sitemap_lists_published_portfolios_and_public_products(app, client, maker):
    with app.app_context():
        hidden = make_user(username="unpublished")
        make_product(hidden.id, slug="public-product", visibility="public", status="building")

    index = get(client, "/sitemap.xml")
    response = get(client, "/sitemaps/1.xml")

    assert index.mimetype == response.mimetype == "application/xml"
    assert "<sitemap><loc>http://localhost/sitemaps/1.xml</loc>" in index.get_data(as_text=True)
    xml = response.get_data(as_text=True)
    assert "<loc>http://localhost/u/ada</loc>" in xml
    assert "<loc>http://localhost/u/ada/featured-bot</loc>" in xml
    assert "<loc>http://localhost/u/ada/plain-tool</loc>" in xml
    for hidden_text in ("secret-plan", "hidden-beta", "public-idea", "unpublished"):
        assert hidden_text not in xml


def test_robots_allows_portfolios_and_disallows_the_private_app(client):
    robots = get(client, "/robots.txt").get_data(as_text=True)
    assert "Allow: /u/" in robots
    for private in ("/s/", "/dashboard", "/products", "/learnings", "/settings"):
        assert f"Disallow: {private}" in robots
    assert "Sitemap: http://localhost/sitemap.xml" in robots


def test_public_pages_answer_conditional_gets_with_304(app, client, maker):
    for path in ("/u/ada", "/u/ada/featured-bot"):
        first = get(client, path)
        etag = first.headers["ETag"]
        assert first.headers["Cache-Control"] == "public, max-age=0, must-revalidate"

        with counted_queries(app) as statements:
            again = get(client, path, **{"If-None-Match": etag})

        assert again.status_code == 304
        assert again.get_data() == b""
        assert again.headers["ETag"] == etag
        assert statements == [], "the maker's stamp answers, not the database"


def test_a_kept_page_is_served_and_its_view_counted_without_sql(app, client, maker):
    for path in ("/u/ada", "/u/ada/featured-bot"):
        get(client, path)

        with counted_queries(app) as statements:
            again = get(client, path)

        assert again.status_code == 200
        assert statements == []
    with app.app_context():
        assert analytics.flush_views() == 4


def test_the_etag_changes_when_anything_shown_changes(app, client, logged_in_client, user):
    logged_in_client.publish()
    etags = [get(client, "/u/maker").headers["ETag"]]

    def changed():
        etags.append(get(client, "/u/maker").headers["ETag"])
        return etags[-1] != etags[-2]

    response = logged_in_client.submit(
        "/products/new", {"title": "Bot", "status": "building", "visibility": "public"}
    )
    assert changed()
    product_url = response.headers["Location"]
    logged_in_client.submit(
        f"{product_url}/edit",
        {"title": "Bot", "status": "building", "visibility": "public", "slug": "bot",
         "metrics-0-label": "users", "metrics-0-value": "5"},
    )  # fmt: skip
    assert changed()
    logged_in_client.submit(
        "/learnings/new",
        {"title": "Lesson", "kind": "insight", "learned_on": "2026-01-01", "is_public": "y",
         "product_id": product_url.rsplit("/", 1)[1]},
    )  # fmt: skip
    assert changed()
    logged_in_client.save_profile(display_name="New Name")
    assert changed()
    assert not changed(), "the ETag stays the same while nothing changes"


def test_views_are_counted_per_day_without_the_maker_or_bots(today, app, client, maker):
    get(client, "/u/ada")
    get(client, "/u/ada")
    get(client, "/u/ada/featured-bot")
    client.get("/u/ada", headers={"User-Agent": "Googlebot/2.1 (+http://www.google.com/bot)"})
    client.get("/u/ada", headers={"User-Agent": "Slackbot-LinkExpanding 1.0"})
    client.get("/u/ada", headers={"User-Agent": ""})
    owner = app.test_client()
    AuthActions(owner).login("ada", maker.password)
    get(owner, "/u/ada")

    with app.app_context():
        assert db.session.scalar(db.select(ProfileView.count)) is None, "off the request path"
        assert analytics.flush_views() == 3
        assert db.session.scalar(db.select(ProfileView.count)) == 2
        assert db.session.scalar(db.select(ProductView.count)) == 1
        assert db.session.scalar(db.select(ProfileView.day)) == today


def test_view_tables_keep_no_visitor_data(app):
    with app.app_context():
        for table in ("profile_views", "product_views", "share_link_views"):
            columns = set(db.metadata.tables[table].columns.keys())
            assert columns - {"user_id", "product_id", "share_link_id"} == {
                "day", "source", "count"
            }  # fmt: skip


def test_the_dashboard_shows_views_of_the_last_30_days(app, client, maker):
    get(client, "/u/ada")
    get(client, "/u/ada/featured-bot")
    owner = app.test_client()
    AuthActions(owner).login("ada", maker.password)

    page = owner.get("/dashboard").get_data(as_text=True)

    assert "<dt>Portfolio page</dt><dd>1</dd>" in page
    assert "<dt>Case studies</dt><dd>1</dd>" in page
    assert re.search(r"Portfolio views, 30 days</dt>\s*<dd>2</dd>", page)


def add_portfolio(app, owner_id: int, products: int, learnings: int, metrics: int) -> None:
    with app.app_context():
        for index in range(products):
            product_id = make_product(
                owner_id,
                visibility="public",
                status="shipped",
                shipped_on=date(2026, 1, 1 + index % 28),
                skills=["discovery", "design"],
                metrics=[(f"metric {m}", str(m)) for m in range(metrics)],
            )
            for _ in range(learnings):
                make_learning(owner_id, product_id, is_public=True, skills=["analytics"])


def public_page_queries(app, client, path) -> int:
    with counted_queries(app) as statements:
        response = get(client, path)
    assert response.status_code == 200
    return len(statements)


def test_public_pages_cost_a_fixed_few_queries(app, client):
    with app.app_context():
        small = make_user(username="small", is_published=True)
        large = make_user(username="large", is_published=True)
    add_portfolio(app, small.id, products=3, learnings=1, metrics=1)
    add_portfolio(app, large.id, products=200, learnings=5, metrics=3)
    with app.app_context():
        small_case = make_product(small.id, slug="case", visibility="public", status="building")
        large_case = make_product(large.id, slug="case", visibility="public", status="building")
        for _ in range(5):
            make_learning(large.id, large_case, is_public=True)
        make_learning(small.id, small_case, is_public=True)
        # Covers on the large portfolio's cards, and evidence on its case study.
        covered = db.session.scalars(
            db.select(Product.id).where(Product.user_id == large.id).limit(8)
        ).all()
        for product_id in covered:
            make_image(product_id, cover=True)
        for colour in ("red", "green", "blue"):
            make_image(large_case, colour=colour)
        make_image(small_case)

    for path in ("/u/{}", "/u/{}/case"):
        small_count = public_page_queries(app, client, path.format("small"))
        large_count = public_page_queries(app, client, path.format("large"))
        assert small_count == large_count, path
        # A case study also asks for the confirmations readers see beside its claims.
        assert large_count <= (7 if path.endswith("case") else 6), path


def page(owner_id: int, size: int, label: str = "") -> CachedPage:
    return CachedPage((label or "x").encode().ljust(size, b"."), owner_id=owner_id)


def test_the_page_cache_keeps_the_most_recent_pages_within_its_bytes():
    cache = PageCache(max_bytes=300, max_bytes_per_owner=300)
    for number, name in enumerate("abc"):
        cache.put(name, page(number, 100, name))
    cache.get("a")
    cache.put("d", page(9, 100, "d"))

    assert cache.get("b") is None, "the least recently used page goes first"
    assert [cache.get(name).body[:1] for name in "acd"] == [b"a", b"c", b"d"]
    assert cache.total_bytes == 300


def test_one_maker_cannot_push_out_everyone_elses_pages():
    cache = PageCache(max_bytes=1000, max_bytes_per_owner=250)
    cache.put("other", page(2, 100))
    for version in range(50):
        cache.put(f"maker-v{version}", page(1, 100))

    assert cache.owner_bytes(1) == 200
    assert cache.get("maker-v49") is not None
    assert cache.get("other") is not None
    assert cache.total_bytes == 300
    cache.put("too-big", page(3, 251))
    assert cache.get("too-big") is None


@pytest.fixture
def small_cache_app(migrated_database_url):
    return make_app(
        migrated_database_url,
        PUBLIC_PAGE_CACHE_BYTES=2_000_000,
        PUBLIC_PAGE_CACHE_BYTES_PER_MAKER=500_000,
    )


def test_re_saving_a_huge_case_study_keeps_memory_bounded(app, small_cache_app):
    with small_cache_app.app_context():
        maker = make_user(username="big", is_published=True)
        product_id = make_product(maker.id, slug="huge", status="building", visibility="public",
                                  problem="word " * 4000, solution="word " * 4000)  # fmt: skip
        for number in range(20):
            make_learning(maker.id, product_id, is_public=True, body=f"{number} " + "x " * 9000)
    cache = small_cache_app.extensions["page_cache"]
    reader = small_cache_app.test_client()
    sizes = []
    for version in range(12):
        with small_cache_app.app_context():
            db.session.get(Product, product_id).tagline = f"Version {version}"
            db.session.commit()
        response = get(reader, "/u/big/huge")
        assert f"Version {version}" in response.get_data(as_text=True)
        sizes.append(len(response.get_data()))

    assert min(sizes) > 200_000, "each version of the page is large"
    assert cache.owner_bytes(maker.id) <= 500_000
    assert cache.total_bytes <= 2_000_000


def test_a_visitor_never_sees_a_page_rendered_for_someone_else(app, client, maker):
    owner = app.test_client()
    AuthActions(owner).login("ada", maker.password)
    owner_page = get(owner, "/u/ada").get_data(as_text=True)
    assert "You are viewing your own page" in owner_page

    visitor_page = get(client, "/u/ada").get_data(as_text=True)
    again = get(client, "/u/ada").get_data(as_text=True)

    assert "You are viewing your own page" not in visitor_page
    assert visitor_page == again
