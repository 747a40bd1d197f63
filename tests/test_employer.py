"""What the employer receives: the candidate's own page, a way to get in touch, a PDF the
app makes itself, and a link-preview card."""

import io
import re
from datetime import date

import pytest
from PIL import Image
from pypdf import PdfReader

from pm_portfolio.core import media
from pm_portfolio.extensions import db
from pm_portfolio.models import MediaItem
from pm_portfolio.models import Product
from pm_portfolio.models import ShareLink
from pm_portfolio.models import User
from pm_portfolio.portfolio import documents
from tests.clients import AuthActions
from tests.factories import MEDIA_LIMITS
from tests.factories import make_image
from tests.factories import make_learning
from tests.factories import make_portfolio_link
from tests.factories import make_product
from tests.factories import make_user
from tests.factories import png_bytes
from tests.infrastructure import make_app

BROWSER = {"User-Agent": "Mozilla/5.0 (Macintosh) Safari/605.1.15"}
RED = (255, 0, 0)
BLUE = (0, 0, 255)


@pytest.fixture
def candidate(app):
    """A published maker with two public products, a private one, and a build log."""
    with app.app_context():
        maker = make_user(
            email="ada.private@example.com",
            username="ada",
            display_name="Ada Lovelace",
            headline="Engineer who ships",
            location="Berlin, Germany",
            open_to="APM / PM roles · Remote or Berlin",
            is_published=True,
        )
        bot = make_product(maker.id, title="Standup Bot", slug="standup-bot", visibility="public",
                           status="shipped", shipped_on=date(2026, 3, 1), is_featured=True,
                           problem="Stand-up calls across time zones.", tagline="Async stand-ups",
                           live_url="https://www.standup.example/app",
                           metrics=[("teams using it", "140"), ("4-week retention", "38%")],
                           skills=["discovery"])  # fmt: skip
        tool = make_product(maker.id, title="Plain Tool", slug="plain-tool", visibility="public",
                            status="building", outcome="Still learning.")  # fmt: skip
        make_product(maker.id, title="Secret Plan", slug="secret-plan", visibility="private",
                     status="building")  # fmt: skip
        make_learning(maker.id, bot, title="Cut the dashboard", kind="decision", is_public=True)
    return {"maker": maker, "bot": bot, "tool": tool}


def get(client, path):
    return client.get(path, headers=BROWSER)


def pdf_pages(response) -> list[str]:
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    assert response.mimetype == "application/pdf"
    assert response.data.startswith(b"%PDF-")
    return [page.extract_text() for page in PdfReader(io.BytesIO(response.data)).pages]


def update_user(app, user_id: int, **fields) -> None:
    with app.app_context():
        user = db.session.get(User, user_id)
        for name, value in fields.items():
            setattr(user, name, value)
        db.session.commit()


# ---------- The page is the candidate's ----------


def test_public_pages_carry_the_candidates_header_not_the_apps(app, client, candidate):
    token = None
    with app.app_context():
        link_id = make_portfolio_link(candidate["maker"].id, [candidate["bot"]])
        token = db.session.get(ShareLink, link_id).token

    for path in ("/u/ada", "/u/ada/standup-bot", f"/s/{token}", f"/s/{token}/standup-bot"):
        page = get(client, path).get_data(as_text=True)
        assert "Sign up" not in page, path
        assert "Log in" not in page, path
        assert 'Made with <a href="/">PM Portfolio</a>' in page, path
        assert "Ada Lovelace" in page, path
        assert re.search(r'<span class="avatar[^"]* avatar--initials', page), path
        assert ">AL</span>" in page, path

    profile = get(client, "/u/ada").get_data(as_text=True)
    assert "<li>Berlin, Germany</li>" in profile
    assert "Open to APM / PM roles · Remote or Berlin" in profile
    assert 'href="/u/ada.pdf"' in profile
    case_study = get(client, "/u/ada/standup-bot").get_data(as_text=True)
    assert re.search(r'class="candidate-bar__who" href="/u/ada">', case_study)
    assert 'Live product <span class="product-links__host">standup.example</span>' in case_study
    assert 'href="/u/ada/standup-bot.pdf"' in case_study


def test_the_owner_sees_a_slim_bar_to_edit_and_strangers_do_not(app, client, candidate):
    owner = app.test_client()
    AuthActions(owner).login("ada", candidate["maker"].password)
    own = get(owner, "/u/ada").get_data(as_text=True)
    assert "You are viewing your own page" in own
    assert 'href="/settings"' in own
    assert 'href="/dashboard"' in own
    assert "Log out" not in own

    with app.app_context():
        stranger = make_user()
    other = app.test_client()
    AuthActions(other).login(stranger.username, stranger.password)
    assert "You are viewing your own page" not in get(other, "/u/ada").get_data(as_text=True)


# ---------- Contact ----------


def test_profile_settings_save_the_contact_details(app, logged_in_client, user):
    response = logged_in_client.submit(
        "/settings",
        {
            "display_name": "Maker",
            "location": "Lisbon",
            "open_to": "Growth PM roles",
            "contact_email": "hello@maker.example",
            "contact_url": "https://cal.example/maker",
        },
    )
    assert response.status_code == 302
    page = logged_in_client.get("/settings").get_data(as_text=True)
    assert 'value="hello@maker.example"' in page
    assert 'value="Growth PM roles"' in page

    bad = logged_in_client.submit("/settings", {"contact_email": "not an email"})
    assert "Enter a valid email address, like you@example.com." in bad.get_data(as_text=True)


def test_no_contact_button_until_the_maker_sets_one(app, client, candidate):
    page = get(client, "/u/ada").get_data(as_text=True)
    assert ">Contact<" not in page
    assert get(client, "/u/ada/contact").status_code == 404


def test_a_public_email_is_revealed_only_on_the_contact_page(app, client, candidate):
    update_user(app, candidate["maker"].id, contact_email="hire.ada@example.com")
    with app.app_context():
        link_id = make_portfolio_link(candidate["maker"].id, [candidate["bot"]])
        token = db.session.get(ShareLink, link_id).token

    surfaces = ["/u/ada", "/u/ada/standup-bot", f"/s/{token}", "/u/ada/resume.json",
                "/sitemap.xml", "/sitemaps/1.xml"]  # fmt: skip
    for path in surfaces:
        page = get(client, path).get_data(as_text=True)
        assert "hire.ada" not in page, path
        assert "ada.private" not in page, path
    profile = get(client, "/u/ada").get_data(as_text=True)
    assert '<a class="button button--primary" href="/u/ada/contact" rel="nofollow">Contact</a>' in (
        profile
    )

    for path in ("/u/ada/contact", f"/s/{token}/contact"):
        response = get(client, path)
        assert response.status_code == 200
        assert response.headers["X-Robots-Tag"] == "noindex, nofollow"
        assert 'href="mailto:hire.ada@example.com"' in response.get_data(as_text=True)
    robots = get(client, "/robots.txt").get_data(as_text=True)
    assert "Disallow: /u/*/contact\n" in robots
    assert "Disallow: /*.pdf$\n" in robots


def test_pdfs_carry_the_public_email_but_are_never_indexed(app, client, candidate, pdf_renderer):
    update_user(app, candidate["maker"].id, contact_email="hire.ada@example.com")
    for path in ("/u/ada.pdf", "/u/ada/standup-bot.pdf"):
        response = get(client, path)
        assert "hire.ada@example.com" in "\n".join(pdf_pages(response))
        assert response.headers["X-Robots-Tag"] == "noindex, nofollow"


def test_a_product_link_whose_product_went_private_introduces_nobody(app, client, candidate):
    update_user(app, candidate["maker"].id, contact_email="hire.ada@example.com")
    with app.app_context():
        db.session.add(ShareLink(user_id=candidate["maker"].id, product_id=candidate["tool"],
                                 token="tool-token"))  # fmt: skip
        empty_link = make_portfolio_link(candidate["maker"].id, [candidate["tool"]])
        empty = db.session.get(ShareLink, empty_link).token
        db.session.get(Product, candidate["tool"]).visibility = "private"
        db.session.commit()

    for path in ("/s/tool-token", "/s/tool-token/contact", "/s/tool-token.pdf",
                 "/s/tool-token/card.png"):  # fmt: skip
        assert get(client, path).status_code == 404, path
    assert "Nothing to show here any more." in get(client, f"/s/{empty}").get_data(as_text=True)
    assert get(client, f"/s/{empty}/contact").status_code == 200, "its page still shows Contact"


def test_a_contact_link_alone_is_the_contact_button(app, client, candidate):
    update_user(app, candidate["maker"].id, contact_url="https://cal.example/ada")
    page = get(client, "/u/ada").get_data(as_text=True)
    assert 'href="https://cal.example/ada" rel="me nofollow noopener">Contact' in page


def test_a_share_link_note_greets_that_employer_only(app, logged_in_client, user, client):
    with app.app_context():
        product_id = make_product(user.id, slug="bot", visibility="unlisted", status="building")
    response = logged_in_client.submit(
        "/share-links/new",
        {
            "name": "Acme",
            "note": "Hi Acme team — the case study below is closest to the Growth PM role.",
            "items-0-product_id": str(product_id),
            "items-0-include": "y",
            "items-0-position": "1",
        },
    )
    assert response.status_code == 302
    with app.app_context():
        link = db.session.scalar(db.select(ShareLink).where(ShareLink.user_id == user.id))
        token = link.token
        other = make_portfolio_link(user.id, [product_id], name="Other")
        other_token = db.session.get(ShareLink, other).token

    note = "Hi Acme team — the case study below is closest to the Growth PM role."
    assert note in get(client, f"/s/{token}").get_data(as_text=True)
    assert note not in get(client, f"/s/{token}/bot").get_data(as_text=True)
    assert note not in get(client, f"/s/{other_token}").get_data(as_text=True)


# ---------- The PDF ----------


def test_the_portfolio_pdf_has_the_name_on_every_page_and_each_case_study(
    app, client, candidate, pdf_renderer
):
    response = get(client, "/u/ada.pdf")
    pages = pdf_pages(response)

    assert response.headers["Content-Disposition"] == 'attachment; filename="ada-portfolio.pdf"'
    assert all("Ada Lovelace" in page for page in pages)
    assert all(re.search(rf"Page {number} of {len(pages)}", page)
               for number, page in enumerate(pages, start=1))  # fmt: skip
    text = "\n".join(pages)
    for expected in ("Engineer who ships", "Standup Bot", "Plain Tool", "The problem",
                     "Outcome", "140", "38%", "Cut the dashboard", "Build log"):  # fmt: skip
        assert expected in text
    assert "Secret Plan" not in text
    assert text.index("Standup Bot\nAsync stand-ups") < text.index("Plain Tool\nBuilding")


def test_a_case_study_pdf_and_a_share_link_pdf_hold_just_their_products(
    app, client, candidate, pdf_renderer
):
    response = get(client, "/u/ada/standup-bot.pdf")
    text = "\n".join(pdf_pages(response))
    assert response.headers["Content-Disposition"] == 'attachment; filename="ada-standup-bot.pdf"'
    assert "Standup Bot" in text
    assert "Plain Tool" not in text

    with app.app_context():
        link_id = make_portfolio_link(candidate["maker"].id, [candidate["tool"]])
        token = db.session.get(ShareLink, link_id).token
    shared = get(client, f"/s/{token}.pdf")
    text = "\n".join(pdf_pages(shared))
    assert "Plain Tool" in text
    assert "Standup Bot" not in text
    assert shared.headers["X-Robots-Tag"] == "noindex, nofollow"
    one = "\n".join(pdf_pages(get(client, f"/s/{token}/plain-tool.pdf")))
    assert "Plain Tool" in one
    assert get(client, f"/s/{token}/standup-bot.pdf").status_code == 404
    assert get(client, "/u/ada/secret-plan.pdf").status_code == 404


def test_a_pdf_is_made_once_per_version_of_the_portfolio(
    app, client, candidate, pdf_renderer, monkeypatch
):
    renders = []
    real = documents.render_pdf
    monkeypatch.setattr(documents, "render_pdf", lambda *a: renders.append(1) or real(*a))

    first = get(client, "/u/ada.pdf")
    again = get(client, "/u/ada.pdf")
    revalidated = client.get(
        "/u/ada.pdf", headers={**BROWSER, "If-None-Match": first.headers["ETag"]}
    )
    assert again.data == first.data
    assert revalidated.status_code == 304
    assert len(renders) == 1

    update_user(app, candidate["maker"].id, headline="Now a PM")
    assert "Now a PM" in "\n".join(pdf_pages(get(client, "/u/ada.pdf")))
    assert len(renders) == 2


def test_a_pdf_that_fails_gets_a_clear_error_page(app, client, candidate, monkeypatch):
    def fail(*_args):
        raise documents.DocumentFailed(
            "Making this PDF took too long. Please try again in a minute."
        )

    monkeypatch.setattr(documents, "render_pdf", fail)
    response = get(client, "/u/ada.pdf")

    assert response.status_code == 503
    assert "Making this PDF took too long" in response.get_data(as_text=True)


@pytest.fixture
def document_files(app, candidate, pdf_renderer, tmp_path):
    """A document's fetcher allowed one picture of the candidate's, and another one's key."""
    with app.app_context():
        storage = app.extensions["media_storage"]
        mine = db.session.get(MediaItem, make_image(candidate["bot"], colour="red"))
        other = db.session.get(MediaItem, make_image(candidate["tool"], colour="orange"))
        keys = {"mine": mine.files[0].key, "other": other.files[0].key}
    assets = documents.document_assets(app.static_folder, storage, {keys["mine"]}, "localhost")
    return assets, storage, keys


def test_documents_fetch_their_static_files_and_their_own_pictures(document_files):
    assets, storage, keys = document_files
    picture = assets.fetch(f"http://localhost/media/{keys['mine']}").read()
    assert picture == storage.get(keys["mine"])
    assert assets.fetch("http://localhost/static/css/document.css").read().startswith(b"/*")


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "http://localhost/static/../pyproject.toml",
        "http://localhost/static/%2e%2e/pyproject.toml",
        "http://localhost/media/{other}",
        "http://localhost/s/token/media/{other}",
        "http://evil.example/media/{mine}",
        "http://169.254.169.254/latest/meta-data/",
        "data:text/plain,zzsecret",
    ],
)
def test_documents_fetch_nothing_else(document_files, url):
    assets, _storage, keys = document_files
    with pytest.raises(documents.NotPartOfTheDocument):
        assets.fetch(url.format(**keys))


def test_pdf_renders_are_rate_limited_per_address_and_kept_copies_are_free(
    app, migrated_database_url, pdf_renderer, tmp_path
):
    limited = make_app(migrated_database_url, RATELIMIT_ENABLED=True,
                       MEDIA_STORAGE_URL=(tmp_path / "media").as_uri())  # fmt: skip
    with limited.app_context():
        maker = make_user(username="busy", is_published=True)
        for number in range(11):
            make_product(maker.id, slug=f"p{number}", visibility="public", status="building")
    client = limited.test_client()

    kept = [get(client, "/u/busy/p0.pdf").status_code for _ in range(5)]
    made = [get(client, f"/u/busy/p{number}.pdf").status_code for number in range(1, 10)]
    assert kept + made == [200] * 14, "one render of p0, then nine more: ten in all"
    assert get(client, "/u/busy/p10.pdf").status_code == 429
    assert get(client, "/u/busy/p0.pdf").status_code == 429, "the limit holds until it resets"


# ---------- The link-preview card ----------


def close_to(pixel: tuple[int, int, int], colour: tuple[int, int, int]) -> bool:
    """Within what WebP's lossy encoding changes of a flat colour."""
    return all(abs(a - b) <= 24 for a, b in zip(pixel, colour, strict=True))


def card_of(response) -> Image.Image:
    assert response.status_code == 200
    assert response.mimetype == "image/png"
    image = Image.open(io.BytesIO(response.data))
    assert image.format == "PNG"
    assert image.size == (1200, 630)
    return image


def test_every_public_page_names_its_card_and_the_card_is_1200_by_630(app, client, candidate):
    with app.app_context():
        link_id = make_portfolio_link(candidate["maker"].id, [candidate["bot"]])
        token = db.session.get(ShareLink, link_id).token
    for path in ("/u/ada", "/u/ada/plain-tool", f"/s/{token}"):
        page = get(client, path).get_data(as_text=True)
        match = re.search(r'<meta property="og:image" content="http://localhost([^"]+)">', page)
        assert match, path
        assert '<meta name="twitter:card" content="summary_large_image">' in page
        card_of(get(client, match.group(1).replace("&amp;", "&")))


def test_a_card_is_cached_for_good_only_at_its_current_version(app, client, candidate):
    page = get(client, "/u/ada").get_data(as_text=True)
    url = re.search(r'og:image" content="http://localhost([^"]+)"', page).group(1)

    current = get(client, url)
    stale = get(client, "/u/ada/card.png?v=0000")
    assert current.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert stale.headers["Cache-Control"] == "public, max-age=0, must-revalidate"

    update_user(app, candidate["maker"].id, headline="Now a PM")
    new_url = re.search(
        r'og:image" content="http://localhost([^"]+)"', get(client, "/u/ada").get_data(as_text=True)
    ).group(1)
    assert new_url != url
    assert get(client, new_url).data != current.data


def test_a_card_shows_the_photo_or_the_cover(app, client, candidate):
    with app.app_context():
        storage = app.extensions["media_storage"]
        media.set_avatar(candidate["maker"].id, png_bytes(400, 400, "red"), storage, MEDIA_LIMITS)
        make_image(candidate["bot"], cover=True, colour="blue")

    profile = card_of(get(client, "/u/ada/card.png")).convert("RGB")
    case_study = card_of(get(client, "/u/ada/standup-bot/card.png")).convert("RGB")

    assert close_to(profile.getpixel((970, 315)), RED), "the red photo, on the right"
    assert close_to(case_study.getpixel((1000, 300)), BLUE), "the blue cover, on the right"


def test_private_and_unpublished_pages_have_no_card(app, client, candidate):
    assert get(client, "/u/ada/secret-plan/card.png").status_code == 404
    with app.app_context():
        hidden = make_user(username="hidden")
        make_product(hidden.id, slug="x", visibility="public", status="building")
    assert get(client, "/u/hidden/card.png").status_code == 404
    assert get(client, "/u/hidden/x/card.png").status_code == 404
    assert get(client, "/s/not-a-token/card.png").status_code == 404


def test_making_a_pdf_leaves_uploads_refusing_truncated_pictures(app, candidate, pdf_renderer):
    assert get(app.test_client(), "/u/ada.pdf").status_code == 200
    truncated = png_bytes()[:-200]
    with app.app_context(), pytest.raises(media.MediaRefused):
        media.add_upload(db.session.get(Product, candidate["bot"]), truncated, "cut.png", "Cut",
                         "", app.extensions["media_storage"], MEDIA_LIMITS)  # fmt: skip
